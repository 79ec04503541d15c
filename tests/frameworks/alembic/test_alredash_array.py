"""PostgreSQL ``ARRAY`` columns (redash's ``tags``, lemur's ``ports``): read from the models and from the
revisions as PostgreSQL creates them, judged by SQLAlchemy's own DDL compiler and, where a server is
reachable, by ``create_all()`` introspected; the revision mgen writes declares ``postgresql.ARRAY``."""
from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable
from sqlalchemy_oracle import assert_same, created, import_module, read, write_package
from test_alembic_replay import make_project, revision

from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.alembic.writer import render_revision
from mgen.frameworks.alembic.replay import replay
from mgen.schema import Schema

_COUNTER = itertools.count()
NOW = datetime(2026, 1, 1)
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Query(Base):
    __tablename__ = "queries"
    id = sa.Column(sa.Integer, primary_key=True)
    tags = sa.Column("tags", MutableList.as_mutable(postgresql.ARRAY(sa.Unicode)), nullable=True)
    ports = sa.Column(postgresql.ARRAY(sa.Integer))
    codes = sa.Column(sa.ARRAY(sa.String(20), dimensions=2), nullable=False)
"""


def _models(tmp_path: Path, source: str = MODELS) -> tuple[str, Path]:
    name = f"arrays{next(_COUNTER)}"
    return name, write_package(tmp_path, name, {"models.py": source})


def test_array_types_are_what_sqlalchemy_compiles(tmp_path):
    name, folder = _models(tmp_path)
    table = read(folder, "postgresql").schema.table("queries")
    module = import_module(tmp_path, f"{name}.models")
    ddl = str(CreateTable(module.Base.metadata.tables["queries"]).compile(dialect=postgresql.dialect()))
    pg = get_dialect("postgresql")
    for column in ("tags", "ports", "codes"):
        ours = pg.type_sql(table.column(column).type, Schema())
        line = next(x.strip() for x in ddl.splitlines() if x.strip().startswith(column + " "))
        theirs = line.split(" ", 1)[1].split(" NOT NULL")[0].rstrip(",").lower()
        # SQLAlchemy writes one [] per dimension; PostgreSQL keeps one array type (codes is varchar(20)[])
        assert ours == theirs.replace("[][]", "[]"), (column, ours, theirs)
    assert table.column("codes").type.describe() == "varchar(20)[]"


def test_array_models_equal_what_create_all_makes(tmp_path):
    name, folder = _models(tmp_path)
    module = import_module(tmp_path, f"{name}.models")
    assert_same(read(folder, "postgresql").schema, created("postgresql", lambda: [module.Base.metadata]), "postgresql")


def test_an_array_off_postgresql_or_of_an_enum_is_refused(tmp_path):
    _, folder = _models(tmp_path)
    with pytest.raises(MgenError, match="ARRAY exists on PostgreSQL only"):
        read(folder, "sqlite")
    _, folder = _models(tmp_path, MODELS + "    moods = sa.Column(postgresql.ARRAY(sa.Enum('a', 'b', name='m')))\n")
    with pytest.raises(MgenError, match="an array of enum"):
        read(folder, "postgresql")


def test_a_revision_with_arrays_replays_to_the_models_and_mgen_writes_postgresql_array(tmp_path):
    _, folder = _models(tmp_path)
    models = read(folder, "postgresql").schema
    project = make_project(tmp_path, {"a1_.py": revision("a1", None, """
        op.create_table("queries", sa.Column("id", sa.Integer(), nullable=False),
                        sa.Column("tags", postgresql.ARRAY(sa.Unicode()), nullable=True),
                        sa.Column("codes", postgresql.ARRAY(sa.String(length=20)), nullable=False),
                        sa.PrimaryKeyConstraint("id"))
    """, "from sqlalchemy.dialects import postgresql\n")})
    replayed = replay([project / "versions"], "postgresql")
    ops = diff(replayed, models, get_dialect("postgresql")).operations
    assert [op.describe() for op in ops] == ["add column queries.ports integer[]"], [op.describe() for op in ops]
    text = render_revision(ops, replayed, "postgresql", "m", "b2", "a1", NOW)
    assert "postgresql.ARRAY(sa.Integer())" in text
    assert "codes" not in text  # varchar(20)[] read alike from both sides
    (project / "versions" / "b2_.py").write_text(text)
    assert diff(replay([project / "versions"], "postgresql"), models, get_dialect("postgresql")).operations == []
