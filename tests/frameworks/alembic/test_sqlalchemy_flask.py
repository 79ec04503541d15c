"""Flask-SQLAlchemy models read statically equal what Flask-SQLAlchemy's ``db.metadata`` creates.

The judge is Flask-SQLAlchemy itself (3.x, installed with the test extras): each fixture package is
imported, ``db.metadata.create_all()`` builds it on a scratch database of each dialect, and the schema
``read_models`` reads from the source must diff as "no changes" against the introspected database.
"""
from __future__ import annotations

import itertools
import sys

import pytest
from sqlalchemy_oracle import ALL, assert_same, created, import_module, read, write_package

from mgen.errors import MgenError
from mgen.frameworks.sqlalchemy.flask import AutoNaming, snake_case_2, snake_case_3

flask_sqlalchemy = pytest.importorskip("flask_sqlalchemy")
_COUNTER = itertools.count()

EXTENSION = """\
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

db = SQLAlchemy(metadata=MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}))
"""

MODELS = """\
from .extension import db


class TimestampMixin:
    created = db.Column(db.DateTime, nullable=False, server_default=db.func.now())


class Named(db.Model):
    __abstract__ = True
    name = db.Column(db.String(80), nullable=False)


class UserAccount(TimestampMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, index=True)
    roles = db.relationship("Role", secondary="user_roles", backref=db.backref("users", lazy="dynamic"))


class Role(Named):
    __table_args__ = (db.UniqueConstraint("name"),)
    id = db.Column(db.Integer, primary_key=True)


user_roles = db.Table(
    "user_roles",
    db.Column("user_id", db.Integer, db.ForeignKey("user_account.id"), primary_key=True),
    db.Column("role_id", db.Integer, db.ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class HTTPRequestLog(db.Model):
    __table_args__ = (db.Index("ix_request_user", "user_id", "path"),)
    id = db.Column(db.BigInteger, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id", ondelete="SET NULL"))
    path = db.Column(db.String(200), nullable=False)


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20), nullable=False)
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "entry"}


class NoteEntry(Entry):
    body = db.Column(db.Text)
    __mapper_args__ = {"polymorphic_identity": "note"}


class LinkEntry(Entry):
    id = db.Column(None, db.ForeignKey("entry.id"), primary_key=True)
    url = db.Column(db.String(200))
    __mapper_args__ = {"polymorphic_identity": "link"}


class Archived(db.Model):
    __bind_key__ = "archive"
    id = db.Column(db.Integer, primary_key=True)


archive_log = db.Table("archive_log", db.Column("id", db.Integer, primary_key=True), bind_key="archive")
"""

# Flask-SQLAlchemy 3.1: a SQLAlchemy 2.x declarative base as model_class, the app given to the constructor
MODEL_CLASS = """\
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
db = SQLAlchemy(app, model_class=Base)


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    pen_name: Mapped[str] = mapped_column(String(40), unique=True)


class BookDraft(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))
    title: Mapped[str] = mapped_column(String(100))
"""


def _package(tmp_path, files, pins="flask-sqlalchemy==3.1.1\n"):
    name = f"flaskfix{next(_COUNTER)}"
    extra = {"requirements.txt": pins} if pins else {}
    return name, write_package(tmp_path, name, files, extra)


@pytest.mark.parametrize("dialect", ALL)
def test_flask_models_equal_what_flask_sqlalchemy_creates(tmp_path, dialect):
    name, folder = _package(tmp_path, {"extension.py": EXTENSION, "models.py": MODELS})
    read_ = read(folder, dialect)
    import_module(tmp_path, f"{name}.models")
    db = sys.modules[f"{name}.extension"].db
    live = created(dialect, lambda: [db.metadatas[None]])
    assert_same(read_.schema, live, dialect)
    names = {t.name for t in read_.schema.tables}
    assert names == {"user_account", "role", "user_roles", "http_request_log", "entry", "link_entry"}
    entry = next(t for t in read_.schema.tables if t.name == "entry")
    assert "body" in entry.column_names()  # single table inheritance: the subclass's column is the parent's
    left_out = [n.message for n in read_.notes if "bind" in n.message]
    assert len(left_out) == 2 and all("'archive'" in m for m in left_out)


@pytest.mark.parametrize("dialect", ("sqlite", "postgresql"))
def test_flask_model_class_declarative_base(tmp_path, dialect):
    name, folder = _package(tmp_path, {"models.py": MODEL_CLASS})
    read_ = read(folder / "models.py", dialect)
    module = import_module(tmp_path, f"{name}.models")
    live = created(dialect, lambda: [module.db.metadatas[None]])
    assert_same(read_.schema, live, dialect)
    assert {t.name for t in read_.schema.tables} == {"author", "book_draft"}


CLASS_NAMES = ("User", "HTTPRequest", "OAuth2Token", "User2Group", "ABC", "getHTTPResponseCode", "Model1A",
               "AAAbbb", "_Private", "XMLHttpRequest2", "A", "aB", "UserAPIKey")


def test_snake_case_3_is_flask_sqlalchemy_3():
    from flask_sqlalchemy.model import camel_to_snake_case
    for name in CLASS_NAMES:
        assert snake_case_3(name) == camel_to_snake_case(name), name


def test_snake_case_2_is_the_2x_rule():
    # 2.x: a run of capitals before a lower-case letter or digit splits before its last capital; other
    # capitals stay as written
    assert snake_case_2("User") == "user"
    assert snake_case_2("HTTPRequest") == "http_request"
    assert snake_case_2("ABC") == "ABC"
    assert snake_case_2("OAuth2Token") == "o_auth2_token"
    assert snake_case_2("Model1A") == "model1A"
    assert snake_case_3("Model1A") == "model1_a"


def test_unpinned_version_notes_a_name_the_versions_disagree_on(tmp_path):
    _, folder = _package(tmp_path, {"extension.py": EXTENSION, "models.py": """\
        from .extension import db


        class Model1A(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        """}, pins=None)
    read_ = read(folder, "sqlite")
    assert [t.name for t in read_.schema.tables] == ["model1_a"]
    assert any("2.x names it 'model1A'" in n.message for n in read_.notes)
    assert AutoNaming(2).table_name("Model1A") == ("model1A", None)


def test_flask_2_pins_the_2x_name(tmp_path):
    _, folder = _package(tmp_path, {"extension.py": EXTENSION, "models.py": """\
        from .extension import db


        class Model1A(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        """}, pins="Flask-SQLAlchemy==2.5.1\n")
    assert [t.name for t in read(folder, "sqlite").schema.tables] == ["model1A"]


def test_a_mapped_class_that_cannot_be_read_is_an_error_naming_it(tmp_path):
    _, folder = _package(tmp_path, {"extension.py": EXTENSION, "models.py": """\
        from .extension import db


        def make_key():
            if KEYS:  # not plain Python: a function returning a plain Column(...) is read (factories)
                pass
            return db.Column(db.Integer, primary_key=True)


        class Thing(db.Model):
            id = make_key()
        """})
    with pytest.raises(MgenError) as e:
        read(folder, "sqlite")
    assert e.value.file.endswith("models.py") and e.value.line == 11
    assert "a column made by the project function" in e.value.message


def test_a_subclass_of_flask_sqlalchemy_is_an_extension_object(tmp_path):
    _, folder = _package(tmp_path, {"extension.py": """\
        from flask_sqlalchemy import SQLAlchemy as _Base


        class SQLAlchemy(_Base):
            def apply_pool_defaults(self, app, options):
                return options


        db = SQLAlchemy()
        BaseModel = db.Model
        """, "models.py": """\
        from .extension import BaseModel, db


        class Certificate(BaseModel):
            __tablename__ = "certificates"
            id = db.Column(db.Integer, primary_key=True)
        """})
    assert [t.name for t in read(folder, "postgresql").schema.tables] == ["certificates"]


def test_models_on_an_unknown_db_model_are_an_error_not_zero_tables(tmp_path):
    _, folder = _package(tmp_path, {"extension.py": """\
        from flask_sqlalchemy import SQLAlchemy

        db = make_db(SQLAlchemy)
        """, "models.py": """\
        from .extension import db


        class Invoice(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        """})
    with pytest.raises(MgenError) as e:
        read(folder, "postgresql")
    assert e.value.file.endswith("models.py") and e.value.line == 4
    assert "class Invoice" in e.value.message


def test_flask_2_keeps_bind_tables_in_db_metadata(tmp_path):
    # Flask-SQLAlchemy 2.x has one metadata for every bind (Flask-Migrate's env.py compares them all)
    _, folder = _package(tmp_path, {"extension.py": EXTENSION, "models.py": """\
        from .extension import db


        class Archived(db.Model):
            __bind_key__ = "archive"
            id = db.Column(db.Integer, primary_key=True)
        """}, pins="flask-sqlalchemy==2.5.1\n")
    read_ = read(folder, "sqlite")
    assert [t.name for t in read_.schema.tables] == ["archived"]
    assert any("2.x" in n.message for n in read_.notes)
