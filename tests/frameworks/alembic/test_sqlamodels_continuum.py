"""SQLAlchemy-Continuum models (``__versioned__``): the version tables and ``transaction`` are made when the
code runs, so they are taken from the revisions as they are (a note says so); a versioned model whose table
changes, or whose version table the revisions lack, is refused naming the class. Also a ``server_default``
naming the member a classmethod of an enum returns (``Mode.default().name``), judged by ``create_all()``."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from sqlalchemy_oracle import assert_same, created, import_module, read, write_package

from mgen.cli import main

MODELS = '''
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Item(Base):
    __tablename__ = "items"
    __versioned__ = {{}}
    id = sa.Column(sa.Integer, primary_key=True)
    label = sa.Column(sa.String(40))
{extra}

class Plain(Base):
    __tablename__ = "plain"
    id = sa.Column(sa.Integer, primary_key=True)
'''

REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("items", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("label", sa.String(length=40), nullable=True), sa.PrimaryKeyConstraint("id"))
    op.create_table("plain", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))
{version}
    op.create_table("transaction", sa.Column("id", sa.BigInteger(), nullable=False),
                    sa.Column("issued_at", sa.DateTime(), nullable=True), sa.PrimaryKeyConstraint("id"))
'''

VERSION_TABLE = '''
    op.create_table("items_version", sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column("label", sa.String(length=40), autoincrement=False, nullable=True),
                    sa.Column("transaction_id", sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column("end_transaction_id", sa.BigInteger(), nullable=True),
                    sa.Column("operation_type", sa.SmallInteger(), nullable=False),
                    sa.PrimaryKeyConstraint("id", "transaction_id"))
'''


def _project(root: Path, extra: str = "", version: str = VERSION_TABLE) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models.py").write_text(MODELS.format(extra=extra))
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text("from app.models import Base\ntarget_metadata = Base.metadata\n")
    (root / "migrations" / "versions" / "a1_init.py").write_text(REVISION.format(version=version))
    (root / "alembic.ini").write_text("[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///x.db\n")
    return root


def _generate(root: Path, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["generate", str(root), "--dry-run", "--json", "--engine", "static"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_version_tables_are_taken_from_the_revisions(tmp_path: Path, capsys) -> None:
    code, out, err = _generate(_project(tmp_path), capsys)
    assert code == 0, err
    assert out.lower().startswith("no changes"), out
    note = next(line for line in (out + err).splitlines() if "SQLAlchemy-Continuum" in line)
    assert "(items_version, transaction) are taken from the revisions" in note


def test_a_change_to_a_plain_table_is_generated(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path)
    models = root / "app" / "models.py"
    models.write_text(models.read_text() + "    note = sa.Column(sa.Text)\n")
    code, out, err = _generate(root, capsys)
    assert code == 0, err
    assert [op["description"] for op in json.loads(out)["operations"]] == ["add column plain.note text"]


def test_a_versioned_table_that_changes_is_refused_naming_the_class(tmp_path: Path, capsys) -> None:
    code, _, err = _generate(_project(tmp_path, extra="    note = sa.Column(sa.Text)\n"), capsys)
    assert code == 2
    assert "models.py:8: class Item is versioned" in err and "add column items.note" in err, err


def test_a_missing_version_table_is_refused(tmp_path: Path, capsys) -> None:
    code, _, err = _generate(_project(tmp_path, version=""), capsys)
    assert code == 2
    assert "models.py:8: class Item is versioned" in err and "items_version is not in the revisions" in err, err


ENUM_DEFAULT = '''
import enum

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Mode(enum.Enum):
    OFF = 0
    ON = 1

    @classmethod
    def default(cls):
        """The default mode."""
        return cls.ON


class Setting(Base):
    __tablename__ = "settings"
    id = sa.Column(sa.Integer, primary_key=True)
    mode = sa.Column(sa.Enum(Mode), nullable=False, server_default=Mode.default().name)
'''


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_server_default_of_a_classmethod_member_name(tmp_path: Path, dialect: str) -> None:
    write_package(tmp_path, "sqlamodels_enumdefault", {"models.py": textwrap.dedent(ENUM_DEFAULT)})
    static = read(tmp_path / "sqlamodels_enumdefault" / "models.py", dialect, tmp_path).schema
    assert static.table("settings").column("mode").default.value == "ON"
    module = import_module(tmp_path, "sqlamodels_enumdefault.models")
    assert_same(static, created(dialect, lambda: [module.Base.metadata]), dialect)


FLASK_TYPES = '''
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class UTCDateTime(db.TypeDecorator):
    impl = db.DateTime
    cache_ok = True
'''

FLASK_MODELS = '''
from app.ext import UTCDateTime, db


class Event(db.Model):
    __tablename__ = "events"
    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime(timezone=True))
'''

FLASK_REVISION = '''
import sqlalchemy as sa
from alembic import op
import app

revision = "e1"
down_revision = None


def upgrade():
    op.create_table("events", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("at", app.ext.UTCDateTime(timezone=True), nullable=True), sa.PrimaryKeyConstraint("id"))
'''


def test_revisions_read_a_type_decorator_on_a_flask_sqlalchemy_object(tmp_path: Path, capsys) -> None:
    """``class T(db.TypeDecorator)`` with ``db = SQLAlchemy()``: the replay reads it through its impl as the
    models do (it was carried as Text, and every such column reported as a type change)."""
    root = tmp_path
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "ext.py").write_text(FLASK_TYPES)
    (root / "app" / "models.py").write_text(FLASK_MODELS)
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text("from app.models import db\ntarget_metadata = db.metadata\n")
    (root / "migrations" / "versions" / "e1_init.py").write_text(FLASK_REVISION)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///x.db\n")
    code, out, err = _generate(root, capsys)
    assert code == 0, err
    assert out.lower().startswith("no changes"), out
    assert "not known statically" not in out + err
