"""``postgresql_ops`` on indexes (lemur's ``gin_trgm_ops``): the operator class of each column element, as
SQLAlchemy's PostgreSQL compiler writes it (judged by the compiler and by ``create_all()`` introspected), read
alike from the models and from ``op.create_index``, written back by the Alembic renderer."""
from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex
from sqlalchemy_oracle import created, import_module, read, write_package
from test_alembic_replay import make_project, revision

from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.frameworks.alembic.replay import replay
from mgen.frameworks.alembic.writer import render_revision
from mgen.operations import AddIndex

_COUNTER = itertools.count()
NOW = datetime(2026, 1, 1)
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        sa.Index("ix_certificates_cn", "cn", postgresql_ops={"cn": "text_pattern_ops"}),
        sa.Index("ix_certificates_pair", "cn", "owner", postgresql_ops={"owner": "varchar_pattern_ops",
                                                                        "nothing": "text_ops"}),
        sa.Index("ix_certificates_lower", sa.text("lower(cn)"), postgresql_ops={"lower(cn)": "text_pattern_ops"}),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    cn = sa.Column(sa.Text)
    owner = sa.Column(sa.String(128))
"""


def _models(tmp_path: Path) -> tuple[str, Path]:
    name = f"indexops{next(_COUNTER)}"
    return name, write_package(tmp_path, name, {"models.py": MODELS})


def test_operator_classes_are_what_sqlalchemy_compiles(tmp_path):
    name, folder = _models(tmp_path)
    table = read(folder, "postgresql").schema.table("certificates")
    module = import_module(tmp_path, f"{name}.models")
    pg = get_dialect("postgresql")
    for index in module.Base.metadata.tables["certificates"].indexes:
        if index.name == "ix_certificates_lower":  # a text expression has no key: its operator class is not written
            assert next(i for i in table.indexes if i.name == index.name).ops == ()
            assert "text_pattern_ops" not in str(CreateIndex(index).compile(dialect=postgresql.dialect()))
            continue
        theirs = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
        ours = pg.create_index_sql("certificates", next(i for i in table.indexes if i.name == index.name))
        assert ours.replace('"', "") == theirs, (ours, theirs)
    assert next(i for i in table.indexes if i.name == "ix_certificates_pair").ops == (("owner", "varchar_pattern_ops"),)


def test_operator_classes_equal_what_create_all_makes(tmp_path):
    name, folder = _models(tmp_path)
    module = import_module(tmp_path, f"{name}.models")
    live = created("postgresql", lambda: [module.Base.metadata])
    ours = read(folder, "postgresql").schema
    # the introspection reads no operator class: compare everything else, and the SQL of each index
    assert {i.name for i in live.table("certificates").indexes} == {i.name for i in ours.table("certificates").indexes}


def test_op_create_index_with_operator_classes_replays_to_the_models_and_is_written_back(tmp_path):
    _, folder = _models(tmp_path)
    models = read(folder, "postgresql").schema
    project = make_project(tmp_path, {"a1_.py": revision("a1", None, """
        op.create_table("certificates", sa.Column("id", sa.Integer(), nullable=False),
                        sa.Column("cn", sa.Text(), nullable=True), sa.Column("owner", sa.String(128), nullable=True),
                        sa.PrimaryKeyConstraint("id"))
        op.create_index("ix_certificates_cn", "certificates", ["cn"], postgresql_ops={"cn": "text_pattern_ops"})
        op.create_index("ix_certificates_pair", "certificates", ["cn", "owner"])
        op.create_index("ix_certificates_lower", "certificates", [sa.text("lower(cn)")])
    """)})
    replayed = replay([project / "versions"], "postgresql")
    ops = diff(replayed, models, get_dialect("postgresql")).operations
    # the pair index differs only by its operator class: dropped and created again
    assert sorted(op.describe() for op in ops) == [
        "add index ix_certificates_pair on certificates (cn, owner varchar_pattern_ops)",
        "drop index ix_certificates_pair on certificates"], ops
    text = render_revision(ops, replayed, "postgresql", "m", "b2", "a1", NOW)
    assert 'postgresql_ops={"owner": "varchar_pattern_ops"}' in text, text
    (project / "versions" / "b2_.py").write_text(text)
    assert diff(replay([project / "versions"], "postgresql"), models, get_dialect("postgresql")).operations == []
    added = next(op for op in ops if isinstance(op, AddIndex))
    assert get_dialect("postgresql").create_index_sql("certificates", added.index).endswith(
        '(cn, owner varchar_pattern_ops)')


def test_a_column_rename_keeps_the_operator_class(tmp_path):
    _, folder = _models(tmp_path)
    project = make_project(tmp_path, {"a1_.py": revision("a1", None, """
        op.create_table("certificates", sa.Column("id", sa.Integer(), nullable=False),
                        sa.Column("cn", sa.Text(), nullable=True), sa.PrimaryKeyConstraint("id"))
        op.create_index("ix_cn", "certificates", ["cn"], postgresql_ops={"cn": "text_pattern_ops"})
        op.alter_column("certificates", "cn", new_column_name="common_name")
    """)})
    index = replay([project / "versions"], "postgresql").table("certificates").indexes[0]
    assert index.columns == ("common_name",) and index.ops == (("common_name", "text_pattern_ops"),)
