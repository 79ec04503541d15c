"""``server_default=False`` (a Python bool): SQLAlchemy's ``DefaultClause`` raises ``ArgumentError`` on it, so a
model or a revision that says it cannot run; mgen refuses it the same way, naming the file and line and what
it would mean."""
from __future__ import annotations

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
