"""Column types in revisions that are not SQLAlchemy's own, and the project the revisions import from.

Revisions name project and library types: ``from app.types import GUID``, ``sqlmodel.sql.sqltypes.AutoString()``,
``sqlalchemy_utils.types.uuid.UUIDType(binary=False)``. ``RevisionsProject`` resolves imports from the
versions folder first (a sibling helper module), then from the nearest ancestor folder holding the
imported package (the application), so a project ``TypeDecorator`` is read through its ``impl`` by the
SQLAlchemy reader as in the models. Library types whose DDL is fixed are written as the SQLAlchemy type
they emit (``LIBRARY_TYPES``); any other type the reader cannot read is carried as ``Text`` with a note
naming it (``TypeRewriting.resolve_types``), so a type never refuses the history: the note says that a
change of that column's type is not seen.
"""
from __future__ import annotations

import ast
import copy
from collections.abc import Callable

from ...errors import MgenError
from ..pyast import External, Unknown, call_kwargs, text_of
from ..sqlalchemy import ConstructReader, Scope, read_type
from ..sqlalchemy.project import ModelProject

SYNTHETIC = "__mgen_sa__"  # a Name the reader resolves to sqlalchemy.<rest>
_NOT_PROJECT = {"alembic", "sqlalchemy", "sqlmodel", "sqlalchemy_utils", "flask_sqlalchemy", "typing", "os", "sys"}
_ANCESTORS = 6


class RevisionsProject(ModelProject):
    """The modules of a versions folder, then those of the application above it (``db.X`` of a
    Flask-SQLAlchemy object is ``sqlalchemy.X`` there too: ``class T(db.TypeDecorator)``)."""

    def module(self, name: str):
        found = super().module(name)
        if found is not None or not name or name.split(".")[0] in _NOT_PROJECT:
            return found
        parts = name.split(".")
        for ancestor in self._ancestors():
            top = ancestor / parts[0]
            if not ((top / "__init__.py").is_file() or top.with_suffix(".py").is_file()):
                continue
            base = ancestor.joinpath(*parts)
            for path, is_package in ((base / "__init__.py", True), (base.with_name(base.name + ".py"), False)):
                if path.is_file():
                    found = self._parse(name, path, is_package)
                    self._modules[name] = found
                    return found
            return None
        return None


    def _ancestors(self) -> list:
        """The folders above the versions folder, up to the repository's root (the one with ``.git``)."""
        out = []
        for ancestor in list(self._resolved_root.parents)[:_ANCESTORS]:
            out.append(ancestor)
            if (ancestor / ".git").exists():
                break
        return out


class ReplayReader(ConstructReader):
    """The SQLAlchemy construct reader, with the names ``resolve_types`` writes for library types."""

    def resolve(self, node: ast.expr, scope: Scope):
        if isinstance(node, ast.Name) and node.id.startswith(SYNTHETIC):
            return External("sqlalchemy." + node.id[len(SYNTHETIC):])
        return super().resolve(node, scope)


def _sa(name: str, node: ast.expr, *args: object, **kwargs: object) -> ast.Call:
    made = ast.Call(func=ast.Name(SYNTHETIC + name, ast.Load()), args=[ast.Constant(a) for a in args],
                    keywords=[ast.keyword(k, ast.Constant(v)) for k, v in kwargs.items()])
    return ast.fix_missing_locations(ast.copy_location(made, node))


def _kw(call: ast.expr, name: str, position: int | None, default: object) -> object:
    if not isinstance(call, ast.Call):
        return default
    node = call_kwargs(call).get(name)
    if node is None and position is not None and len(call.args) > position:
        node = call.args[position]
    return node.value if isinstance(node, ast.Constant) else default if node is None else Unknown(node, None, "")


def _auto_string(node: ast.expr, dialect: str) -> ast.Call | None:
    length = _kw(node, "length", 0, None)
    if isinstance(length, Unknown):
        return None
    if length is None and dialect == "mysql":
        length = 255  # AutoString.load_dialect_impl: VARCHAR(255) on MySQL
    return _sa("String", node, length) if length is not None else _sa("String", node)


def _uuid_type(node: ast.expr, dialect: str) -> ast.Call | None:
    binary, native = _kw(node, "binary", 0, True), _kw(node, "native", 1, True)
    if isinstance(binary, Unknown) or isinstance(native, Unknown):
        return None
    if native and dialect == "postgresql":
        return _sa("postgresql.UUID", node)
    return _sa("BINARY", node, 16) if binary else _sa("CHAR", node, 32)


def _sized(sa_name: str, keyword: str, default: int) -> Callable[[ast.expr, str], ast.Call | None]:
    def rewrite(node: ast.expr, dialect: str) -> ast.Call | None:
        length = _kw(node, keyword, 0, default)
        return None if isinstance(length, Unknown) else _sa(sa_name, node, length)
    return rewrite


def _pickle(node: ast.expr, dialect: str) -> ast.Call | None:
    """PickleType: its ``impl`` LargeBinary, unless ``impl=`` names another."""
    if isinstance(node, ast.Call) and any(k.arg == "impl" for k in node.keywords):
        return None
    return _sa("LargeBinary", node)


# library types -> the SQLAlchemy type their ``impl`` / ``load_dialect_impl`` emits
LIBRARY_TYPES: dict[str, Callable[[ast.expr, str], ast.Call | None]] = {
    "sqlmodel.sql.sqltypes.AutoString": _auto_string,
    "sqlmodel.AutoString": _auto_string,
    "sqlalchemy_utils.types.uuid.UUIDType": _uuid_type,
    "sqlalchemy_utils.UUIDType": _uuid_type,
    "sqlalchemy_utils.types.email.EmailType": _sized("Unicode", "length", 255),
    "sqlalchemy_utils.EmailType": _sized("Unicode", "length", 255),
    "sqlalchemy_utils.types.url.URLType": lambda n, d: _sa("UnicodeText", n),
    "sqlalchemy.PickleType": _pickle,
    "sqlalchemy.types.PickleType": _pickle,
    "sqlalchemy.sql.sqltypes.PickleType": _pickle,
    "sqlalchemy_utils.URLType": lambda n, d: _sa("UnicodeText", n),
}


class TypeRewriting:
    """Mixed into the replayer: types in ``Column(...)`` and ``alter_column(type_=, existing_type=)``
    that the SQLAlchemy reader cannot read are rewritten before the call is interpreted."""

    def resolve_types(self, call: ast.Call) -> None:
        for node in ast.walk(call):
            if not isinstance(node, ast.Call):
                continue
            kind = self.reader.callee(node, self.scope)[0]
            if kind == "Column":
                self._column_type(node)
            elif kind is None and isinstance(node.func, ast.Attribute) and node.func.attr == "alter_column":
                for kw in node.keywords:
                    if kw.arg in ("type_", "existing_type") and not _none(kw.value):
                        kw.value = self._readable(kw.value, kw.arg)

    def _column_type(self, column: ast.Call) -> None:
        for kw in column.keywords:
            if kw.arg == "server_default" and isinstance(kw.value, ast.Attribute):
                value = self.value(kw.value)  # Colour.RED.name of a project enum
                if isinstance(value, str):
                    kw.value = ast.copy_location(ast.Constant(value), kw.value)
        for kw in column.keywords:
            if kw.arg == "type_":
                kw.value = self._readable(kw.value, "type_")
                return
        for i, arg in enumerate(column.args):
            if i == 0 and isinstance(self.value(arg), str):
                continue  # the name
            kind = self.reader.callee(arg, self.scope)[0]
            if kind in ("ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "FetchedValue"):
                continue
            column.args[i] = self._readable(arg, "column type")
            return

    def _readable(self, node: ast.expr, what: str) -> ast.expr:
        if isinstance(node, ast.Name) and node.id.startswith(SYNTHETIC) or \
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith(SYNTHETIC):
            return node
        if isinstance(node, ast.Name) and isinstance(self.locals.get(node.id), ast.Call):
            node = copy.deepcopy(self.locals[node.id])  # enum = sa.Enum(...); sa.Column("c", enum)
        try:
            read_type(self.reader, node, self.scope, what)
            return node
        except MgenError as e:
            failure = e
        _, ref = self.reader.callee(node, self.scope)
        qualname = ref.qualname if isinstance(ref, External) else None
        rewrite = LIBRARY_TYPES.get(qualname or "")
        made = rewrite(node, self.dialect) if rewrite is not None else None
        if made is not None:
            self.note(f"{text_of(node)} is a library type: replayed as the {text_of(made.func)[len(SYNTHETIC):]}"
                      f" its impl emits on {self.dialect}", node)
            return made
        self.note(f"column type {text_of(node)} is not known statically ({failure.message}): the column is "
                  "carried as Text, so a change of its type is not seen", node)
        return _sa("Text", node)


def _none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


__all__ = ["LIBRARY_TYPES", "ReplayReader", "RevisionsProject", "TypeRewriting"]
