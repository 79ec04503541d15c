"""Constructs of a FastAPI + SQLAlchemy 2 + Alembic project (the recipe manager of issue #13's corpus), each
in a minimal fixture of our own.

- Models: ``Mapped[Enum[Kind]] = mapped_column(Enum(Kind))``, a SQLAlchemy type made generic as the
  annotation (or ``Mapped[Enum(Kind)]``, an instance): the explicit type is the column's, the annotation (not
  ``Optional``) makes it NOT NULL; judged by SQLAlchemy's ``create_all()``.
- Revisions: a module-level ``kind = sa.Enum(..., name=...)`` created by ``kind.create(op.get_bind())``
  under a helper's dialect test (``if is_postgres():``), then used by ``op.add_column``; judged by Alembic's
  own ``upgrade head``.
- The native engine on a project that runs on PostgreSQL or SQLite (its own setting chooses): ``--dialect
  sqlite`` is taken over the detection; judged by Alembic's ``upgrade``/``downgrade`` and ``compare_metadata``.
"""
from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import alembic
import pytest
from alembic_app import write_app
from sqlalchemy_oracle import assert_same as models_same
from sqlalchemy_oracle import created, import_module, read, write_package
from test_alembic_native import JUDGE
from test_alembic_native import alembic as alembic_run
from test_alembic_replay import assert_same, make_project, revision
from test_replay_programs import BASE, upgrade_and_read

from mgen.cli import main
from mgen.db import scratch_database
from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay_with_notes

_COUNTER = itertools.count()

MODELS = """\
import enum
from typing import Optional

from sqlalchemy import Enum, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class AuthMethod(enum.Enum):
    MEALIE = "mealie"
    LDAP = "ldap"


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auth_method: Mapped[Enum[AuthMethod]] = mapped_column(Enum(AuthMethod), default=AuthMethod.MEALIE)
    backup_method: Mapped[Optional[Enum[AuthMethod]]] = mapped_column(Enum(AuthMethod, name="backupmethod"))
    first_method: Mapped[Enum(AuthMethod)] = mapped_column(Enum(AuthMethod, name="firstmethod"))
    name: Mapped[String] = mapped_column(String(40))
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_generic_sqlalchemy_type_as_the_annotation_equals_create_all(tmp_path, dialect):
    name = f"mealiefix{next(_COUNTER)}"
    folder = write_package(tmp_path, name, {"models.py": MODELS})
    read_ = read(folder, dialect)
    module = import_module(tmp_path, f"{name}.models")
    live = created(dialect, lambda: [module.Base.metadata])
    models_same(read_.schema, live, dialect)
    users = read_.schema.table("users")
    assert users.column("auth_method").nullable is False and users.column("backup_method").nullable is True
    assert users.column("name").nullable is False and users.column("first_method").nullable is False


def test_a_generic_sqlalchemy_type_without_a_type_in_mapped_column_is_refused(tmp_path):
    name = f"mealiefix{next(_COUNTER)}"
    folder = write_package(tmp_path, name, {"models.py": MODELS.replace("mapped_column(Enum(AuthMethod), ",
                                                                         "mapped_column(")})
    with pytest.raises(MgenError, match=r"Mapped\[Enum\[AuthMethod\]\] names a SQLAlchemy type") as info:
        read(folder, "sqlite")
    assert info.value.line == 20


ENUM_REVISION = revision("r2", "r1", """
    if is_postgres():
        kind.create(op.get_bind())
    op.add_column("items", sa.Column("kind", kind, nullable=False, server_default="SMALL"))
    """) + textwrap.dedent('''

    def is_postgres():
        return op.get_context().dialect.name == "postgresql"


    kind = sa.Enum("SMALL", "LARGE", name="itemkind")
    ''')


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_module_level_enum_created_under_a_dialect_helper_equals_alembic_upgrade(tmp_path, dialect):
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": ENUM_REVISION})
    read_ = replay_with_notes(project / "versions", dialect)
    live = upgrade_and_read(project, dialect)
    assert_same(read_.schema, live, dialect, exact=False)
    assert read_.schema.has_enum("itemkind") == (dialect == "postgresql")


def test_a_module_level_enum_created_twice_is_refused_at_its_line(tmp_path):
    twice = ENUM_REVISION.replace("    if is_postgres():\n        kind.create(op.get_bind())\n",
                                  "    kind.create(op.get_bind())\n    kind.create(op.get_bind())\n")
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": twice})
    with pytest.raises(MgenError, match="enum type 'itemkind' already exists"):
        replay_with_notes(project / "versions", "postgresql")


NATIVE_MODELS = '''
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name = mapped_column(String(40), nullable=True)
'''
NATIVE_FIRST = '''from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("items", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))


def downgrade():
    op.drop_table("items")
'''


def test_native_on_sqlite_when_told_for_a_project_detected_on_a_server(tmp_path, capsys, monkeypatch):
    """A project that runs on PostgreSQL or SQLite, its own setting choosing (the detection reads postgresql in its
    configuration): ``--dialect sqlite`` gives the native engine a SQLite scratch database; without it, refused with
    what to give. Alembic judges: the revision applied on a SQLite database of the test's own, nothing left."""
    real = tmp_path / "real.db"
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{real}")
    root = write_app(tmp_path / "proj", "app", NATIVE_MODELS, {"a1_first.py": NATIVE_FIRST},
                     url="postgresql://app@db.invalid/app")
    (root / "migrations" / "script.py.mako").write_text(
        (Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako").read_text())
    args = ["generate", str(root), "--engine", "native", "--python", sys.executable]
    assert main(args) == 2
    assert "give --db SERVER_URL" in capsys.readouterr().err
    assert main([*args, "--dialect", "sqlite", "--verify", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [op["description"] for op in data["operations"]] == ["add_column items.name"]
    assert data["verified"] is True
    with scratch_database("sqlite") as url:
        for step in (["upgrade", "head"], ["downgrade", "-1"], ["upgrade", "head"]):
            done = alembic_run(root, url, *step)
            assert done.returncode == 0, done.stderr
        left = subprocess.run([sys.executable, "-c", JUDGE, url], cwd=root, capture_output=True, text=True, check=True)
        assert left.stdout.strip() == "0"
    assert not real.exists()


def test_sqlite_an_unnamed_foreign_key_to_a_table_created_later_in_the_revision(tmp_path):
    """SQLite takes a foreign key to a table not created yet; unnamed, it gets the name SQLite's introspection
    reports for it, as when it was read inline."""
    rev = revision("r2", "r1", """
        op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("topic_id", sa.Integer()),
                        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], use_alter=True))
        op.create_table("topics", sa.Column("id", sa.Integer(), primary_key=True))
        """)
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": rev})
    read_ = replay_with_notes(project / "versions", "sqlite")
    live = upgrade_and_read(project, "sqlite")
    assert_same(read_.schema, live, "sqlite", exact=False)
    assert [(f.name, f.ref_table) for f in read_.schema.table("posts").foreign_keys] == \
        [(f.name, f.ref_table) for f in live.table("posts").foreign_keys] == [("posts_topic_id_fkey", "topics")]
    (project / "versions" / "r2.py").write_text(rev.replace('op.create_table("topics"', 'op.create_table("other"'))
    with pytest.raises(MgenError, match="table posts: foreign key to 'topics', which is not defined"):
        replay_with_notes(project / "versions", "sqlite")
