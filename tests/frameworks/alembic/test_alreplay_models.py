"""Model shapes the Alembic replay of real projects met (issue #13), read statically and judged by SQLAlchemy
(``metadata.create_all`` on SQLite, introspected) or by Alembic:

- ``Index("ix", table.c.a, table.c.b)`` / ``Index("ix", Model.attr)`` at module level: SQLAlchemy attaches
  it to the columns' table (lemur's association tables);
- a history that starts from a baseline of tables no revision creates: the models' tables the baseline
  tables' foreign keys lead to were in the baseline too (lemur), not tables to create."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_alembic_replay import make_project, revision

from mgen.db import connect
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.alembic.replay_project import current_replay
from mgen.frameworks.sqlalchemy import read_models, read_models_with_notes
from mgen.sources.live import introspect_connection

MODELS = '''\
import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column("email_address", String(80))


class Role(Base):
    __tablename__ = "roles"
    id = Column(Integer, primary_key=True)


roles_users = Table("roles_users", Base.metadata,
                    Column("user_id", Integer, ForeignKey("users.id")),
                    Column("role_id", Integer, ForeignKey("roles.id")))

Index("roles_users_ix", roles_users.c.user_id, roles_users.c["role_id"])
ix_email = Index("ix_users_email", User.email, unique=True)
Index("nowhere_ix", "user_id")
'''


def write_models(tmp_path: Path, text: str = MODELS) -> Path:
    path = tmp_path / "alreplay_models_fixture.py"
    path.write_text(text)
    return path


def created_by_sqlalchemy(path: Path, tmp_path: Path):
    spec = importlib.util.spec_from_file_location("alreplay_models_fixture", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.pop("alreplay_models_fixture", None)
    spec.loader.exec_module(module)
    url = f"sqlite:///{tmp_path / 'models.db'}"
    module.Base.metadata.create_all(sa.create_engine(url))
    with connect(url) as conn:
        return introspect_connection(conn)


def test_module_level_indexes_join_their_table(tmp_path: Path):
    path = write_models(tmp_path)
    live = created_by_sqlalchemy(path, tmp_path)
    read = read_models_with_notes(path, "sqlite")
    assert [op.describe() for op in diff(read.schema, live, get_dialect("sqlite")).operations] == []
    assert [op.describe() for op in diff(live, read.schema, get_dialect("sqlite")).operations] == []
    assert {i.name: (i.columns, i.unique) for t in read.schema.tables for i in t.indexes} == {
        "roles_users_ix": (("user_id", "role_id"), False), "ix_users_email": (("email_address",), True)}
    assert any("nowhere_ix" not in n.message and "attaches it to no table" in n.message for n in read.notes)


def test_a_module_level_index_of_a_table_mgen_cannot_place_is_refused(tmp_path: Path):
    path = write_models(tmp_path, MODELS + "\nIndex('odd_ix', make_table().c.x)\n")
    with pytest.raises(MgenError, match="the table of make_table\\(\\).c.x") as e:
        read_models(path, "sqlite")
    assert e.value.line == 27


def test_a_baseline_takes_the_tables_its_foreign_keys_lead_to(tmp_path: Path):
    """The first revision alters roles_users, which no revision creates: users and roles, which its foreign
    keys point at, were in the baseline as well; a table nothing leads to and no revision names could be one of
    the baseline or new: refused, named (alredash)."""
    models = write_models(tmp_path, MODELS)
    project = make_project(tmp_path, {"a.py": revision("a", None, 'op.add_column("roles_users", '
                                                                 'sa.Column("note", sa.String(20)))')})
    replayed = current_replay([project / "versions"], "sqlite", models=read_models(models, "sqlite"), db_url="models")
    assert sorted(t.name for t in replayed.schema.tables) == ["roles", "roles_users", "users"]
    assert "roles, roles_users, users are taken from" in replayed.baseline or \
        any("roles, roles_users, users" in n.message for n in replayed.notes)
