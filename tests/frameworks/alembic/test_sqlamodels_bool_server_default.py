"""``server_default=False`` (a Python bool): SQLAlchemy's ``DefaultClause`` raises ``ArgumentError`` on it, so a
model or a revision that says it cannot run; mgen refuses it the same way, naming the file and line and what
it would mean."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy_oracle import read, write_package

from mgen.errors import MgenError

MODELS = '''
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Certificate(Base):
    __tablename__ = "certificates"
    id = sa.Column(sa.Integer, primary_key=True)
    rotation = sa.Column(sa.Boolean, nullable=False, server_default=False)
'''


def test_sqlalchemy_refuses_a_bool_server_default() -> None:
    with pytest.raises(sa.exc.ArgumentError):
        sa.Column("rotation", sa.Boolean(), server_default=False)


def test_mgen_refuses_it_the_same_way(tmp_path: Path) -> None:
    folder = write_package(tmp_path, "bool_default", {"models.py": MODELS})
    with pytest.raises(MgenError) as e:
        read(folder / "models.py", "postgresql", tmp_path)
    assert e.value.line == 11
    assert "got False (SQLAlchemy's DefaultClause refuses it too: ArgumentError" in str(e.value)


def test_a_name_the_revision_never_imports_is_said(tmp_path: Path) -> None:
    """``postgresql_where=sqlalchemy.text(...)`` in a file that imports ``sqlalchemy as sa`` only: Python raises
    NameError when Alembic runs it; mgen says so instead of calling it an expression built in Python."""
    from types import SimpleNamespace

    from test_alembic_replay import make_project, revision

    from mgen.frameworks.alembic.replay import replay

    body = '''
        op.create_table("t", sa.Column("id", sa.Integer(), nullable=False), sa.Column("p", sa.Integer()))
        op.create_index("ix_t_p", "t", ["p"], postgresql_where=sqlalchemy.text("p IS NOT NULL"))
    '''
    project = make_project(tmp_path, {"r1.py": revision("r1", None, body)})
    spec = importlib.util.spec_from_file_location("bool_default_r1", project / "versions" / "r1.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.op = SimpleNamespace(create_table=lambda *a, **k: None, create_index=lambda *a, **k: None)
    with pytest.raises(NameError):
        module.upgrade()
    with pytest.raises(MgenError) as e:
        replay(project / "versions", "postgresql")
    assert "sqlalchemy is not defined in this file (NameError when it runs)" in str(e.value), str(e.value)
