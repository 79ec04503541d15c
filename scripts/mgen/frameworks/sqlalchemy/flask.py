"""Flask-SQLAlchemy read statically: ``db = SQLAlchemy()`` and what its attributes stand for.

A Flask-SQLAlchemy extension object (``SQLAlchemy(...)``, or an instance of a project subclass of it)
re-exports the names of ``sqlalchemy`` and ``sqlalchemy.orm`` (``db.Column``, ``db.String(80)``,
``db.ForeignKey``, ``db.relationship``, ``db.backref``, ``db.Index``, ...): ``ModelProject.attribute``
(``project``) resolves them to those names. Its own attributes are read here:

- ``db.Model``: a declarative base whose metadata is ``db.metadata`` (``SQLAlchemy(metadata=MetaData(...))``,
  or the metadata of a ``DeclarativeBase`` given as ``model_class=``; a plain ``model_class`` contributes its
  attributes as a mixin would), and which names a mapped class without ``__tablename__`` after the class
  (``camel_to_snake_case``, whose rule changed in Flask-SQLAlchemy 3.0: the version is read from the
  project's requirements or lock file; ``disable_autonaming=True`` turns it off);
- ``db.Table("name", db.Column(...), ...)``: a table in ``db.metadata`` (the MetaData argument is optional);
- ``__bind_key__`` / ``db.Table(..., bind_key=)`` / ``info={"bind_key": ...}``: tables of another database,
  not in the default metadata; the reader leaves them out with a note.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..pins import pinned_version
from ..pyast import ClassRef, External, Project, Ref, Unknown, ValueRef, call_kwargs

FLASK_SQLALCHEMY = frozenset({"flask_sqlalchemy.SQLAlchemy", "flask_sqlalchemy.extension.SQLAlchemy",
                              "flask.ext.sqlalchemy.SQLAlchemy", "flaskext.sqlalchemy.SQLAlchemy"})  # (old paths)
# attributes of the extension object that are its own, not sqlalchemy's / sqlalchemy.orm's re-exported names
OWN_ATTRIBUTES = frozenset({"Model", "metadata", "metadatas", "Table", "session", "engine", "engines", "Query",
                            "init_app", "create_all", "drop_all", "reflect", "get_engine", "get_binds",
                            "first_or_404", "get_or_404", "one_or_404", "paginate", "configure_mappers",
                            "apply_driver_hacks", "apply_pool_defaults", "make_declarative_base", "app"})


@dataclass(frozen=True)
class FlaskDb:
    """One Flask-SQLAlchemy extension object: the ``SQLAlchemy(...)`` call that made it."""

    ref: ValueRef

    @property
    def call(self) -> ast.Call:
        assert isinstance(self.ref.node, ast.Call)
        return self.ref.node

    def keyword(self, name: str) -> ast.expr | None:
        return call_kwargs(self.call).get(name)


def flask_db_of(project: Project, ref: Ref | Unknown) -> FlaskDb | None:
    """The extension object ``ref`` is (a value made by ``SQLAlchemy(...)`` or a subclass), or None."""
    if not isinstance(ref, ValueRef) or not isinstance(ref.node, ast.Call):
        return None
    func = ref.node.func
    if not isinstance(func, (ast.Name, ast.Attribute)):
        return None
    callee = project.resolve(ref.module, func, before=ref.line)
    if isinstance(callee, External):
        return FlaskDb(ref) if callee.qualname in FLASK_SQLALCHEMY else None
    if isinstance(callee, ClassRef):
        mro = project.mro(callee)
        if not isinstance(mro, Unknown) and any(isinstance(b, External) and b.qualname in FLASK_SQLALCHEMY
                                                for b in mro):
            return FlaskDb(ref)
    return None


# -- the automatic __tablename__ -------------------------------------------------------------------
def snake_case_3(name: str) -> str:
    """Flask-SQLAlchemy 3.x ``camel_to_snake_case``."""
    name = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return name.lower().lstrip("_")


def snake_case_2(name: str) -> str:
    """Flask-SQLAlchemy 2.x ``camel_to_snake_case`` (a run of capitals before a lower-case letter or digit
    splits before its last capital; capitals elsewhere are kept as written)."""
    def join(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) > 1:
            return f"_{word[:-1]}_{word[-1]}".lower()
        return "_" + word.lower()
    return re.sub(r"([A-Z]+)(?=[a-z0-9])", join, name).lstrip("_")


def flask_sqlalchemy_major(root: Path) -> int | None:
    """The major version of Flask-SQLAlchemy the project pins or locks, None when unknown."""
    version = pinned_version(root, "flask-sqlalchemy")
    return version[0] if version else None


@dataclass(frozen=True)
class AutoNaming:
    """How ``db.Model`` names a mapped class that sets no ``__tablename__``: the rule of the Flask-SQLAlchemy
    major version the project uses (None: not pinned; the 3.x rule is used and a differing 2.x name noted)."""

    major: int | None

    def table_name(self, class_name: str) -> tuple[str, str | None]:
        """(the name, a note when the version is unknown and the two rules disagree)."""
        three, two = snake_case_3(class_name), snake_case_2(class_name)
        if self.major is not None and self.major < 3:
            return two, None
        if self.major is None and three != two:
            return three, (f"table name {three!r} is Flask-SQLAlchemy 3.x's for class {class_name} (2.x names it "
                           f"{two!r}); the project pins no version: set __tablename__ to be sure")
        return three, None


def bind_key_of_table(kwargs: dict[str, ast.expr], literal: Callable[[ast.expr, str], Any]) -> Any:
    """The bind key of ``db.Table(..., bind_key=...)`` (3.x) or ``info={"bind_key": ...}`` (2.x); None: the
    default database. ``literal(node, what)`` reads a value."""
    if "bind_key" in kwargs:
        return literal(kwargs["bind_key"], "db.Table bind_key")
    if "info" in kwargs:
        info = literal(kwargs["info"], "db.Table info")
        if isinstance(info, dict):
            return info.get("bind_key")
    return None


def without_keywords(call: ast.Call, names: frozenset[str]) -> ast.Call:
    """A copy of ``call`` without the keyword arguments in ``names`` (same position, for messages)."""
    out = ast.Call(func=call.func, args=list(call.args), keywords=[k for k in call.keywords if k.arg not in names])
    return ast.copy_location(out, call)
