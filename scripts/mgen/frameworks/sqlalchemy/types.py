"""SQLAlchemy types read as the ``ColumnType`` they create on a dialect: one handler per SQLAlchemy name.

``read_type`` reads ``String(50)`` / ``Integer`` / ``sa.Enum(...)`` / ``postgresql.JSONB`` and project
``TypeDecorator`` subclasses with a plain ``impl``; ``enum_class_values`` reads the values a Python
enum class gives ``Enum(PyEnum)``. Each handler mirrors what SQLAlchemy's DDL compiler writes for the
dialect (``Uuid`` is CHAR(32) on SQLite, ``DateTime(timezone=True)`` DATETIME on MySQL, a non-native
``Enum`` VARCHAR(longest value), ...).
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ...errors import MgenError
from ...schema import ColumnType, EnumType
from ..pyast import (
    ClassRef,
    External,
    FunctionRef,
    Unknown,
    ValueRef,
    call_kwargs,
    has_star_args,
    simple_assignment,
    text_of,
)
from .reader import ConstructReader, Scope
from .specs import TypeSpec


def read_type(reader: ConstructReader, node: ast.expr, scope: Scope, what: str = "type") -> TypeSpec:
    """The type a ``String(50)`` / ``Integer`` / ``sa.Enum(...)`` / project TypeDecorator stands for, with
    how autogenerate spells ``node`` (``declared``; read last for the outermost expression)."""
    from .declared import declared_type
    spec = _read_type(reader, node, scope, what)
    return replace(spec, declared=declared_type(reader, node, scope, spec.values, spec.enum_name))


def _read_type(reader: ConstructReader, node: ast.expr, scope: Scope, what: str = "type") -> TypeSpec:
    from .libtypes import library_type
    from .typedecorators import derived_type, type_decorator
    derived = derived_type(reader, node, scope, what)
    if derived is not None:
        return read_type(reader, derived[0], derived[1], what)
    call = node if isinstance(node, ast.Call) else None
    name, ref = reader.callee(node, scope)
    if isinstance(ref, Unknown):
        raise ref.error(what)
    if isinstance(ref, ClassRef):
        return type_decorator(reader, ref, call, scope, what, _CallScope)
    if name is None and isinstance(ref, External) and (handler := library_type(ref.qualname)) is not None:
        if call is not None and has_star_args(call):
            raise reader.error(f"{what}: *args/**kwargs are only known when the code runs", call, scope)
        return handler(reader, TypeArgs(reader, ref.name, list(call.args) if call else [],
                                        call_kwargs(call) if call else {}, scope, node))
    if name is None:
        if isinstance(ref, FunctionRef) and call is not None:
            from .factories import factory_value  # key_type("User"): the type expression its body returns
            made = factory_value(reader, call, scope)
            if isinstance(made, Unknown):
                raise reader.error(f"{what}: {text_of(node)} is computed by calling {ref.qualname} when the code runs "
                                   f"({made.path}:{made.line}: {made.why})", node, scope)
            return read_type(reader, made[0], made[1], what)
        shown = ref.qualname if isinstance(ref, (External, ValueRef, FunctionRef)) else text_of(node)
        raise reader.error(f"{what}: {shown} is not a SQLAlchemy type", node, scope)
    args = list(call.args) if call else []
    kwargs = call_kwargs(call) if call else {}
    if call is not None and has_star_args(call):
        raise reader.error(f"{what}: *args/**kwargs are only known when the code runs", call, scope)
    if name in reader.type_ddl:  # @compiles(name, dialect) in the models
        return reader.type_ddl[name]
    handler = TYPE_HANDLERS.get(name)
    if handler is None:
        generic = name.split(".", 1)[1] if "." in name else None
        handler = TYPE_HANDLERS.get(generic) if generic and generic.isupper() else None
    if handler is None:
        raise reader.error(f"{what}: unsupported SQLAlchemy type {name}", node, scope)
    return handler(reader, TypeArgs(reader, name, args, kwargs, scope, node))


def enum_class_values(reader: ConstructReader, cls: ClassRef, values_callable: ast.expr | None, scope: Scope,
                      omit_aliases: bool = True) -> tuple[str, ...]:
    """The strings SQLAlchemy's ``Enum(PyEnum)`` stores: member names (aliases left out), or what
    ``values_callable`` returns for the usual ``lambda e: [m.value for m in e]``."""
    mro = reader.project.mro(cls)
    if isinstance(mro, Unknown):
        raise mro.error("Enum")
    kinds = {b.qualname for b in mro if isinstance(b, External)}
    if not kinds & {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"}:
        raise reader.error(f"Enum({cls.name}): {cls.name} is not a Python enum class", cls.node, scope)
    is_str = "enum.StrEnum" in kinds
    members: list[tuple[str, Any]] = []
    last_int = 0
    for stmt in cls.node.body:
        assigned = simple_assignment(stmt)
        if assigned is None:
            continue
        name, value_node = assigned
        if name.startswith("_"):
            continue
        member_scope = Scope(cls.module)
        qual = reader.project.qualname(cls.module, value_node.func) if isinstance(value_node, ast.Call) else None
        if qual == "enum.nonmember":
            continue
        if qual == "enum.auto":
            value: Any = name.lower() if is_str else last_int + 1
        else:
            if qual == "enum.member" and isinstance(value_node, ast.Call) and value_node.args:
                value_node = value_node.args[0]
            value = reader.literal(value_node, member_scope, f"value of {cls.name}.{name}")
        if isinstance(value, int) and not isinstance(value, bool):
            last_int = value
        members.append((name, value))
    if not members:
        raise reader.error(f"Enum({cls.name}): the enum class has no members", cls.node, Scope(cls.module))
    canonical = []
    seen: list[Any] = []
    for name, value in members:
        if omit_aliases and value in seen:
            continue  # an alias of an earlier member
        seen.append(value)
        canonical.append((name, value))
    if values_callable is None:
        return tuple(n for n, _ in canonical)
    attr = values_callable_attribute(values_callable)
    if attr is None:
        raise reader.error(f"values_callable={text_of(values_callable)} is only known when it runs "
                           "(read: lambda e: [m.value for m in e] or [m.name for m in e])",
                           values_callable, scope)
    iterated = [(n, v) for n, v in members if not omit_aliases or (n, v) in canonical]
    out = tuple(str(v) if attr == "value" else n for n, v in iterated)
    return out


def values_callable_attribute(node: ast.expr) -> str | None:
    """"value" / "name" for ``lambda e: [m.value for m in e]`` (also ``list(...)``/generator forms)."""
    if not isinstance(node, ast.Lambda) or len(node.args.args) != 1:
        return None
    arg = node.args.args[0].arg
    body = node.body
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id in ("list", "tuple") \
            and len(body.args) == 1:
        body = body.args[0]
    if not isinstance(body, (ast.ListComp, ast.GeneratorExp)) or len(body.generators) != 1:
        return None
    gen = body.generators[0]
    if gen.ifs or not isinstance(gen.target, ast.Name) or not (isinstance(gen.iter, ast.Name) and gen.iter.id == arg):
        return None
    elt = body.elt
    if isinstance(elt, ast.Call) and isinstance(elt.func, ast.Name) and elt.func.id == "str" and len(elt.args) == 1:
        elt = elt.args[0]
    if isinstance(elt, ast.Attribute) and isinstance(elt.value, ast.Name) and elt.value.id == gen.target.id \
            and elt.attr in ("value", "name"):
        return elt.attr
    return None


class _CallScope(Scope):
    """The scope of an ``impl`` class with the arguments of the call written in another module: names
    are looked up in the impl's module, literal arguments read where they were written."""

    def __init__(self, impl: Scope, call: Scope):
        super().__init__(impl.module, impl.local)
        self.call = call


@dataclass
class TypeArgs:
    """The arguments of one type call (``String(50)``), read as its handler asks for them."""

    reader: ConstructReader
    name: str
    args: list[ast.expr]
    kwargs: dict[str, ast.expr]
    scope: Scope
    node: ast.expr

    @property
    def literal_scope(self) -> Scope:
        return self.scope.call if isinstance(self.scope, _CallScope) else self.scope

    def get(self, position: int | None, key: str, default: Any = None) -> Any:
        node = self.kwargs.get(key)
        if node is None and position is not None and position < len(self.args):
            node = self.args[position]
        if node is None:
            return default
        return self.reader.literal(node, self.literal_scope, f"{self.name}({key}=)")

    def integer(self, position: int | None, key: str) -> int | None:
        """An integer argument (a length, precision, scale), or None when absent."""
        value = self.get(position, key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.error(f"{key} {value!r} is not an integer")
        return value

    def only(self, *allowed: str) -> None:
        for key, value in self.kwargs.items():
            if key not in allowed:
                raise self.reader.error(f"{self.name}: argument {key}= is not supported", value, self.scope)

    def error(self, message: str) -> MgenError:
        return self.reader.error(f"{self.name}: {message}", self.node, self.scope)


TypeHandler = Callable[[ConstructReader, TypeArgs], TypeSpec]


def _t(name: str, **kw: Any) -> ColumnType:
    return ColumnType(name, **kw)


def _integer(portable: str) -> TypeHandler:
    def handler(r: ConstructReader, a: TypeArgs) -> TypeSpec:
        a.only()
        return TypeSpec(_t(portable), integer=True, label=a.name)
    return handler


def _string(portable: str) -> TypeHandler:
    def handler(r: ConstructReader, a: TypeArgs) -> TypeSpec:
        a.only("length", "collation", "convert_unicode", "unicode_error", "_warn_on_bytestring", "national")
        if a.get(None, "collation") is not None:
            raise a.error("collation= is not supported")
        length = a.integer(0, "length")
        if length is None and portable == "varchar" and r.database.varchar_needs_length:
            raise a.error("VARCHAR requires a length on MySQL (SQLAlchemy refuses to create it)")
        return TypeSpec(_t(portable, length=length), label=a.name)
    return handler


def _simple(portable: str, *ignored: str) -> TypeHandler:
    def handler(r: ConstructReader, a: TypeArgs) -> TypeSpec:
        a.only(*ignored)
        if a.args:
            raise a.error("positional arguments are not read")
        return TypeSpec(_t(portable), label=a.name)
    return handler


def _text(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("length", "collation")
    if a.get(None, "collation") is not None:
        raise a.error("collation= is not supported")
    return TypeSpec(_t("text"), label=a.name)


def _boolean(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("create_constraint", "name", "_create_events")
    if a.get(0, "create_constraint", False):
        raise a.error("create_constraint=True (a CHECK on non-native booleans) is not supported")
    return TypeSpec(_t("boolean"), label=a.name)


def _fraction_kwarg(a: TypeArgs) -> tuple[str, ...]:
    """Fractional seconds are an argument of the dialect types only: postgresql.TIMESTAMP(precision=),
    mysql.DATETIME(fsp=)."""
    return ("precision",) if a.name.startswith("postgresql.") else ("fsp",) if a.name.startswith("mysql.") else ()


def _fraction(r: ConstructReader, a: TypeArgs) -> int | None:
    """The fractional seconds the backend's compiler writes for the type, if any."""
    precision = a.integer(None, r.compiler.fraction_keyword)
    return precision if r.compiler.writes_fraction else None


def _datetime(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("timezone", *_fraction_kwarg(a))
    timezone = bool(a.get(0, "timezone", False))
    precision = _fraction(r, a)
    if timezone and r.compiler.writes_time_zone:
        return TypeSpec(_t("timestamptz", precision=precision), label=a.name)
    # a TIMESTAMP type is written TIMESTAMP, which MySQL stores in UTC (DateTime: DATETIME or TIMESTAMP)
    spelling = "timestamp" if a.name.endswith("TIMESTAMP") else "datetime"
    portable = r.database.type_spellings.get(spelling, "timestamp")
    return TypeSpec(_t(portable, precision=precision), label=a.name)


def _time(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("timezone", *_fraction_kwarg(a))
    if a.get(0, "timezone", False) and r.compiler.writes_time_zone:
        raise a.error("TIME WITH TIME ZONE is not supported (no portable type)")
    return TypeSpec(_t("time", precision=_fraction(r, a)), label=a.name)


def _numeric(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("precision", "scale", "decimal_return_scale", "asdecimal", "unsigned", "zerofill")
    precision, scale = a.integer(0, "precision"), a.integer(1, "scale")
    if precision is None:
        size = r.database.bare_decimal_size
        if size is not None:
            return TypeSpec(_t("numeric", precision=size[0], scale=size[1]), label=a.name)
        return TypeSpec(_t("numeric"), label=a.name)
    return TypeSpec(_t("numeric", precision=precision, scale=scale or 0), label=a.name)


def _float(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    """``Float(p)``: single precision up to 24 bits (PostgreSQL and MySQL); a bare FLOAT is what the
    database makes of it (PostgreSQL: double precision), and SQLite's compiler writes every Float bare."""
    a.only("precision", "asdecimal", "decimal_return_scale", "unsigned", "zerofill")
    precision = a.integer(0, "precision")
    if precision is not None and r.compiler.writes_float_precision:
        return TypeSpec(_t("real" if precision <= 24 else "double"), label=a.name)
    return TypeSpec(_t(r.database.type_spellings.get("float", "real")), label=a.name)


def _real(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("precision", "asdecimal", "decimal_return_scale")
    return TypeSpec(_t("double" if r.database.real_is_double else "real"), label=a.name)


def _binary(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("length")
    if a.name in ("BINARY", "VARBINARY", "mysql.BINARY", "mysql.VARBINARY"):
        if not r.database.has_sized_binary:
            raise a.error("BINARY/VARBINARY do not exist on PostgreSQL")
        length = a.integer(0, "length")
        return TypeSpec(_t("binary", length=length if r.database.binary_keeps_length else None), label=a.name)
    return TypeSpec(_t("binary"), label=a.name)


def _uuid(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    """``Uuid`` is the native UUID where there is one (PostgreSQL; MariaDB 10.7+) and CHAR(32)
    elsewhere; ``UUID`` is always the type named UUID. (Oracle MySQL has no UUID: CHAR(32) there; mgen
    reads MySQL-family servers as MariaDB here.)"""
    a.only("as_uuid", "native_uuid")
    native = a.get(None, "native_uuid", True)
    if a.name == "Uuid" and (not native or not r.compiler.native_uuid):
        return TypeSpec(_t("char", length=32), label=a.name)
    return TypeSpec(_t("uuid"), label=a.name)


def _json(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("none_as_null", "astext_type")
    return TypeSpec(_t("json"), label=a.name)


def _jsonb(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("none_as_null", "astext_type")
    _refuse_off_backend(r, a, "JSONB exists on PostgreSQL only, not {}")
    return TypeSpec(_t("jsonb"), label=a.name)


def _array(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    """``ARRAY(String(20))`` / ``postgresql.ARRAY(...)``: PostgreSQL's ``varchar(20)[]``. ``dimensions`` is
    written as more ``[]`` but PostgreSQL keeps one array type whatever the dimensions; ``as_tuple`` and
    ``zero_indexes`` are Python-side. An item of an enum type is not read (its type would be created too)."""
    a.only("item_type", "as_tuple", "dimensions", "zero_indexes")
    if r.dialect != "postgresql":
        raise a.error(f"ARRAY exists on PostgreSQL only, not {r.dialect}")
    node = a.kwargs.get("item_type", a.args[0] if a.args else None)
    if node is None or len(a.args) > 1:
        raise a.error("expected one item type")
    item = read_type(r, node, a.literal_scope, f"{a.name} item type")
    if item.enum is not None or item.type.name == "enum" or item.type.array:
        raise a.error(f"an array of {item.type.describe()} is not read (write the column in SQL)")
    return TypeSpec(replace(item.type, array=True), label=a.name)


def _tsvector(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only()
    _refuse_off_backend(r, a, "TSVECTOR exists on PostgreSQL only, not {}")
    return TypeSpec(ColumnType("native", native="tsvector"), label=a.name)


def _enum(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    a.only("name", "native_enum", "create_constraint", "length", "values_callable", "validate_strings",
           "inherit_schema", "schema", "metadata", "create_type", "omit_aliases", "sort_key_function",
           "_create_events", "_adapted_from", "quote", "_enums")
    scope = a.literal_scope
    if a.kwargs.get("schema") is not None and a.get(None, "schema") is not None:
        raise a.error("schema= is not supported")
    if not a.args:
        raise a.error("an Enum without values")
    values: tuple[str, ...]
    default_name: str | None = None
    first = a.args[0]
    ref = r.resolve(first, scope) if isinstance(first, (ast.Name, ast.Attribute)) else None
    if isinstance(ref, ClassRef):
        if len(a.args) > 1:
            raise a.error("an Enum of a Python enum class takes no further values")
        values = enum_class_values(r, ref, a.kwargs.get("values_callable"), scope,
                                   omit_aliases=a.get(None, "omit_aliases", True))
        default_name = ref.name.lower()
    else:
        items: list[Any] = []
        for node in a.args:
            value = r.literal(node, scope, f"{a.name} value")
            items.extend(value if isinstance(value, (list, tuple)) else [value])
        if not all(isinstance(v, str) for v in items):
            raise a.error("Enum values must be strings")
        values = tuple(items)
    return enum_type(r, a, values, default_name)


def enum_type(r: ConstructReader, a: TypeArgs, values: tuple[str, ...], default_name: str | None,
              native: bool | None = None) -> TypeSpec:
    """An Enum with these values on the dialect: a named PostgreSQL type, a MySQL inline ENUM (named
    ``<table>_<column>`` later), or VARCHAR(longest) where SQLAlchemy does not use a native enum."""
    if native is None:
        native = a.get(None, "native_enum", True)
    name = a.get(None, "name", default_name)
    if name is not None and not isinstance(name, str):
        raise a.error(f"name {name!r} is not a string")
    length = a.integer(None, "length")
    if not values:
        raise a.error("an Enum without values")
    if native and r.database.enum_style != "text":
        if r.database.enum_style == "type" and not name:
            raise a.error("a PostgreSQL ENUM needs a name (name=...)")
        return TypeSpec(ColumnType("enum", enum=name or ""), enum=EnumType(name or "", values), label=a.name,
                        values=values, enum_name=name)
    if a.get(None, "create_constraint", False):
        raise a.error("create_constraint=True (a CHECK on a non-native Enum) is not supported")
    return TypeSpec(_t("varchar", length=length if length is not None else max(len(v) for v in values)),
                    label=a.name, values=values, enum_name=name)


def _refuse_off_backend(r: ConstructReader, a: TypeArgs, message: str) -> None:
    """A type of ``sqlalchemy.dialects.<backend>`` that only that backend's compiler writes (``message``
    takes the reader's dialect) on another backend."""
    if a.name.split(".", 1)[0] != r.dialect:
        raise a.error(message.format(r.dialect))


def _pg_enum(r: ConstructReader, a: TypeArgs) -> TypeSpec:
    _refuse_off_backend(r, a, "postgresql.ENUM cannot be created on {}")
    spec = _enum(r, a)
    return replace(spec, create_type=bool(a.get(None, "create_type", True)))


def _mysql_only(inner: TypeHandler) -> TypeHandler:
    def handler(r: ConstructReader, a: TypeArgs) -> TypeSpec:
        _refuse_off_backend(r, a, "a MySQL type cannot be created on {}")
        return inner(r, a)
    return handler


TYPE_HANDLERS: dict[str, TypeHandler] = {
    **{n: _integer("integer") for n in ("Integer", "INTEGER", "INT")},
    **{n: _integer("bigint") for n in ("BigInteger", "BIGINT")},
    **{n: _integer("smallint") for n in ("SmallInteger", "SMALLINT")},
    **{n: _string("varchar") for n in ("String", "VARCHAR", "Unicode", "NVARCHAR")},
    **{n: _string("char") for n in ("CHAR", "NCHAR")},
    **{n: _text for n in ("Text", "TEXT", "UnicodeText", "CLOB")},
    **{n: _boolean for n in ("Boolean", "BOOLEAN")},
    **{n: _simple("date") for n in ("Date", "DATE")},
    **{n: _datetime for n in ("DateTime", "DATETIME", "TIMESTAMP", "postgresql.TIMESTAMP", "mysql.DATETIME",
                              "mysql.TIMESTAMP")},
    **{n: _time for n in ("Time", "TIME", "postgresql.TIME", "mysql.TIME")},
    **{n: _numeric for n in ("Numeric", "NUMERIC", "DECIMAL")},
    **{n: _float for n in ("Float", "FLOAT")},
    "REAL": _real,
    **{n: _simple("double", "asdecimal", "decimal_return_scale", "precision")
       for n in ("Double", "DOUBLE", "DOUBLE_PRECISION", "postgresql.DOUBLE_PRECISION")},
    **{n: _binary for n in ("LargeBinary", "Binary", "BLOB", "BINARY", "VARBINARY", "postgresql.BYTEA")},  # Binary: old name
    "PickleType": _simple("binary", "protocol", "pickler", "comparator"),  # a TypeDecorator of LargeBinary
    **{n: _uuid for n in ("Uuid", "UUID", "postgresql.UUID")},
    **{n: _json for n in ("JSON", "postgresql.JSON", "mysql.JSON")},
    "postgresql.JSONB": _jsonb,
    **{n: _array for n in ("ARRAY", "postgresql.ARRAY")},
    "postgresql.TSVECTOR": _tsvector,
    "Enum": _enum,
    "postgresql.ENUM": _pg_enum,
    "mysql.ENUM": _mysql_only(_enum),
    "mysql.TINYTEXT": _mysql_only(_text), "mysql.MEDIUMTEXT": _mysql_only(_text), "mysql.LONGTEXT": _mysql_only(_text),
}
