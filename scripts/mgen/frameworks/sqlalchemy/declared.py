"""A model column's type as Alembic's autogenerate writes it in a revision (its ``render_type``).

mgen compares columns by the type they create on the database (``ColumnType``); a revision names the
type the model declares. Autogenerate writes ``repr()`` of the type object with a prefix by where the
class is defined:

- SQLAlchemy's generic types: ``sa.Name(...)`` (``sa.Unicode()``, ``sa.PickleType()``,
  ``sa.String(length=50)``, ``sa.Enum('a', 'b', name='colour')``);
- a dialect's types: ``postgresql.JSONB()``, with ``from sqlalchemy.dialects import postgresql``;
- any other class (a project ``TypeDecorator``, a library's type): ``module.ClassName(...)``, the module the
  class is defined in (``flaskbb.utils.database.UTCDateTime(timezone=True)``), imported by its package.

``repr()`` is SQLAlchemy's ``generic_repr``: the arguments by their parameter names, those equal to their
defaults left out. That is read here for the types whose parameters are listed (``_PARAMETERS``) and, for
the rest, the call's arguments as written (literals only). Anything else (a type built by code, a variant,
a non-literal argument) has no declared spelling: the writer then spells the database type (``render``).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ...errors import MgenError
from ..pyast import ClassRef, External, Unknown
from .reader import ConstructReader, Scope, sa_name


@dataclass(frozen=True)
class DeclaredType:
    """Autogenerate's spelling of a column type: ``func(args..., key=value...)`` and the imports it needs."""

    func: str
    args: tuple[str, ...] = ()
    kwargs: tuple[tuple[str, str], ...] = ()
    imports: frozenset[str] = frozenset()

    def code(self) -> str:
        return f"{self.func}({', '.join([*self.args, *(f'{k}={v}' for k, v in self.kwargs)])})"


# generic_repr's parameters (in order) and defaults of SQLAlchemy's types, by their public name
_STRING = (("length", None), ("collation", None))
_PARAMETERS: dict[str, tuple[tuple[str, Any], ...]] = {
    **{n: _STRING for n in ("String", "Unicode", "Text", "UnicodeText", "VARCHAR", "CHAR", "NVARCHAR", "NCHAR",
                            "TEXT", "CLOB")},
    **{n: (("precision", None), ("scale", None), ("decimal_return_scale", None), ("asdecimal", True))
       for n in ("Numeric", "NUMERIC", "DECIMAL")},
    **{n: (("precision", None), ("asdecimal", False), ("decimal_return_scale", None))
       for n in ("Float", "FLOAT", "REAL", "Double", "DOUBLE", "DOUBLE_PRECISION")},
    **{n: (("timezone", False),) for n in ("DateTime", "DATETIME", "TIMESTAMP", "Time", "TIME")},
    **{n: (("length", None),) for n in ("LargeBinary", "BINARY", "VARBINARY", "BLOB")},
    **{n: () for n in ("Integer", "INTEGER", "INT", "SmallInteger", "SMALLINT", "BigInteger", "BIGINT", "Date",
                       "DATE", "JSON", "PickleType")},
    "Boolean": (("create_constraint", False), ("name", None)),
    "BOOLEAN": (("create_constraint", False), ("name", None)),
    "Uuid": (("as_uuid", True), ("native_uuid", True)),
    "UUID": (("as_uuid", True),),
    "Interval": (("native", True), ("second_precision", None), ("day_precision", None)),
}

# where a library's type class is defined (its __module__), by the names it is imported under
_LIBRARY_MODULES = {
    "sqlalchemy_utils.UUIDType": "sqlalchemy_utils.types.uuid",
    "sqlalchemy_utils.JSONType": "sqlalchemy_utils.types.json",
    "sqlalchemy_utils.ArrowType": "sqlalchemy_utils.types.arrow",
    "sqlalchemy_utils.EmailType": "sqlalchemy_utils.types.email",
    "sqlalchemy_utils.URLType": "sqlalchemy_utils.types.url",
    "sqlalchemy_utils.ChoiceType": "sqlalchemy_utils.types.choice",
    "sqlmodel.AutoString": "sqlmodel.sql.sqltypes",
    "sqlmodel.GUID": "sqlmodel.sql.sqltypes",
}


def declared_type(reader: ConstructReader, node: ast.expr, scope: Scope, values: tuple[str, ...] | None = None,
                  enum_name: str | None = None) -> DeclaredType | None:
    """Autogenerate's spelling of the type expression ``node``; None when it has none read here.
    ``values``/``enum_name``: what an ``Enum`` was read as (its values, its type's name)."""
    try:
        return _declared(reader, node, scope, values, enum_name)
    except MgenError:
        return None


def _declared(reader: ConstructReader, node: ast.expr, scope: Scope, values: tuple[str, ...] | None,
              enum_name: str | None) -> DeclaredType | None:
    call = node if isinstance(node, ast.Call) else None
    if call is not None and any(isinstance(a, ast.Starred) for a in call.args) or \
            call is not None and any(k.arg is None for k in call.keywords):
        return None
    name, ref = reader.callee(node, scope)
    if isinstance(ref, Unknown):
        return None
    args = list(call.args) if call else []
    kwargs = {k.arg: k.value for k in call.keywords} if call else {}
    if name is not None:
        if name == "Enum" or name.endswith(".ENUM"):
            return _enum(reader, name, kwargs, scope, values, enum_name)
        return _sqlalchemy(reader, name, args, kwargs, scope)
    if isinstance(ref, ClassRef):  # a project type: module.ClassName(arguments as written)
        module = ref.module.name
        return _as_written(reader, f"{module}.{ref.name}", args, kwargs, scope, f"import {module.split('.')[0]}")
    if isinstance(ref, External) and ref.qualname.split(".")[0] == "sqlalchemy_utils" and ref.name == "TSVectorType":
        # generic_repr of TSVectorType(*columns, **options) writes neither (they are the search's, not the type's)
        return DeclaredType("sqlalchemy_utils.types.ts_vector.TSVectorType", imports=frozenset({"import sqlalchemy_utils"}))
    if isinstance(ref, External):
        qualname = ref.qualname
        package, _, last = qualname.partition(".")
        module = _LIBRARY_MODULES.get(f"{package}.{qualname.rpartition('.')[2]}")
        if module is None or not last:
            return None
        return _as_written(reader, f"{module}.{qualname.rpartition('.')[2]}", args, kwargs, scope,
                           f"import {package}")
    return None


def _literal(reader: ConstructReader, node: ast.expr, scope: Scope) -> str:
    value = reader.literal(node, scope, "type argument")
    if not isinstance(value, (str, int, float, bool, type(None))):
        raise MgenError("not a plain literal")
    return repr(value)


def _sqlalchemy(reader: ConstructReader, name: str, args: list[ast.expr], kwargs: dict[str, ast.expr],
                scope: Scope) -> DeclaredType | None:
    dialect, _, last = name.rpartition(".")
    imports = frozenset({f"from sqlalchemy.dialects import {dialect}"}) if dialect else frozenset()
    func = f"{dialect}.{last}" if dialect else f"sa.{last}"
    parameters = _PARAMETERS.get(last)
    if parameters is None or dialect:  # a dialect's type: its own parameters, as written
        return _as_written(reader, func, args, kwargs, scope, *imports)
    if len(args) > len(parameters) or any(k not in dict(parameters) for k in kwargs):
        return None
    given: dict[str, Any] = {}
    for (key, _), arg in zip(parameters, args):
        given[key] = arg
    given.update(kwargs)
    out = []
    for key, default in parameters:  # generic_repr: every parameter that differs from its default
        if key in given:
            value = reader.literal(given[key], scope, f"{name}({key}=)")
            if value != default:
                out.append((key, _literal(reader, given[key], scope)))
    return DeclaredType(func, kwargs=tuple(out), imports=imports)


def _enum(reader: ConstructReader, name: str, kwargs: dict[str, ast.expr], scope: Scope,
          values: tuple[str, ...] | None, enum_name: str | None) -> DeclaredType | None:
    """``Enum('a', 'b', name='x')``: the values it stores, its type's name, the options as written."""
    if values is None:
        return None
    dialect, _, last = name.rpartition(".")
    func = f"{dialect}.{last}" if dialect else "sa.Enum"
    imports = frozenset({f"from sqlalchemy.dialects import {dialect}"}) if dialect else frozenset()
    out = [("name", repr(enum_name))] if enum_name else []
    for key in ("native_enum", "create_constraint", "create_type", "length"):
        if key in kwargs:
            out.append((key, _literal(reader, kwargs[key], scope)))
    return DeclaredType(func, tuple(repr(v) for v in values), tuple(out), imports)


def _as_written(reader: ConstructReader, func: str, args: list[ast.expr], kwargs: dict[str, ast.expr], scope: Scope,
                *imports: str) -> DeclaredType:
    return DeclaredType(func, tuple(_literal(reader, a, scope) for a in args),
                        tuple((k, _literal(reader, v, scope)) for k, v in kwargs.items()), frozenset(imports))


__all__ = ["DeclaredType", "declared_type", "sa_name"]
