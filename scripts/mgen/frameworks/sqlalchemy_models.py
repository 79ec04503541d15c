"""SQLAlchemy models read statically into a Schema: ``read_models(path, dialect) -> Schema``.

The schema is the one ``metadata.create_all()`` would build on ``dialect``, worked out from the
source with ``ast`` (``mgen.frameworks.pyast``): the user's modules are never imported. Read:

- declarative classes in the 1.4 style (``Column(...)``) and the 2.0 style (``Mapped[...]`` with or
  without ``mapped_column(...)``; the column type from the annotation through SQLAlchemy's default type
  map or the base's ``type_annotation_map``; ``Optional[X]`` / ``X | None`` makes it nullable; ``Annotated``
  aliases carrying a ``mapped_column``), bases made by ``class Base(DeclarativeBase)``,
  ``declarative_base()``, ``registry().generate_base()`` or ``@as_declarative()``;
- mixins and abstract bases (``__abstract__ = True``) across modules, in the column order SQLAlchemy
  gives them (the class's own attributes first, then each base in MRO order; ``sort_order=``);
  ``@declared_attr`` returning a column or ``__tablename__`` (a constant or ``cls.__name__.lower()``);
- ``__tablename__``, ``__table_args__`` (tuple and/or dict), ``__table__ = Table(...)`` and module-level
  ``Table("name", metadata, ...)``; ``MetaData(naming_convention={...})``;
- columns: type, ``primary_key``, ``nullable`` (SQLAlchemy's defaults), ``unique``, ``index``,
  ``server_default`` (a string, ``text()``, ``func.x()``, ``true()``/``false()``), ``comment``,
  ``autoincrement``, ``Identity()``, ``Computed("sql", persisted=)``, ``ForeignKey("t.c" or Model.c, ondelete=,
  onupdate=)``;
- constraints: ``PrimaryKeyConstraint``, ``UniqueConstraint``, ``CheckConstraint``,
  ``ForeignKeyConstraint``, ``Index`` (columns, ``text()`` expressions, ``unique``,
  ``postgresql_where``/``sqlite_where``, ``postgresql_using``);
- types: Integer, BigInteger, SmallInteger, String(n)/Unicode, CHAR, Text, Boolean, Date, DateTime
  (timezone=), TIMESTAMP, Time, Numeric(p, s), Float, Double, REAL, LargeBinary, JSON, Uuid/UUID,
  Enum (a Python enum class read statically, or string values; ``name=``, ``native_enum=``,
  ``values_callable=lambda e: [m.value for m in e]``), ``postgresql.JSONB/ENUM/UUID/TIMESTAMP/BYTEA``,
  and ``TypeDecorator`` subclasses in the project with a plain ``impl``.

What SQLAlchemy does per dialect is mirrored, because the Schema must equal the database it builds:
an autoincrementing integer primary key is ``SERIAL`` on PostgreSQL and ``AUTO_INCREMENT`` on MySQL
(identity "serial") but a plain ``INTEGER`` on SQLite unless ``sqlite_autoincrement=True``;
``DateTime(timezone=True)`` is ``DATETIME`` on MySQL; ``Uuid`` is ``CHAR(32)`` on SQLite and the native
``UUID`` on MariaDB; a non-native ``Enum`` (SQLite, ``native_enum=False``, ``Literal[...]``) is
``VARCHAR(longest value)``; comments are not stored by SQLite.

Names: explicit names and the metadata's naming convention are SQLAlchemy's (``ix_<table>_<column>``
for ``index=True`` by default; convention names longer than the dialect's limit are shortened as
SQLAlchemy does). Constraints SQLAlchemy leaves unnamed (``unique=True``, an unnamed ``CheckConstraint``
or ``ForeignKey``) are named by the database, and get the name that database gives them
(``db_constraint_name``): on PostgreSQL mgen's ``naming`` (``t_c_key``, ``t_c_fkey``, ``t_c_check``,
PostgreSQL's own rule), on MySQL/MariaDB ``c``, ``t_ibfk_1``, ``CONSTRAINT_1`` (numbered in the order
SQLAlchemy emits them: the constraints written out first, then those the columns imply), on SQLite,
which stores none, the PostgreSQL-style names mgen's SQLite introspection reports. The differ matches
constraints by definition anyway; the names matter to a later migration that drops one by name.

Python-side ``default=``/``onupdate=`` are not database defaults: nothing is recorded (a note says so).
What cannot be read statically (a type computed by a call, a class built dynamically, an unknown
argument, a ``server_default`` that is a Python expression) is an ``MgenError`` with file and line.

Not supported (MgenError): mapped class inheritance (single/joined/concrete), ``Sequence``,
``ARRAY``/``Interval`` and other types without a portable name, schemas (``schema=``),
deferrable foreign keys, ``create_constraint=True`` on Boolean/non-native Enum, ``column_property``.

``ModelReader`` (columns, types, defaults, constraints, tables) is also what ``alembic.replay`` uses
to read ``op.create_table`` / ``op.add_column`` / ``op.alter_column``: one interpretation of SQLAlchemy's
schema constructs, not two.
"""
from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import naming
from ..errors import MgenError
from ..expressions import columns_in
from ..expressions import parse as parse_expression
from ..schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    ForeignKey,
    Generated,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from ..sources.sql import (
    SqlInterpreter,
    canonical_expression,
    declared_generation,
    literal_default,
    mysql_final_form,
)
from .pyast import (
    AttributeRef,
    ClassRef,
    External,
    FunctionRef,
    LocalRef,
    Module,
    Note,
    Project,
    Ref,
    Unknown,
    ValueRef,
    call_kwargs,
    class_attribute,
    class_body_order,
    has_star_args,
    import_root,
    simple_assignment,
    text_of,
)

DIALECTS = ("postgresql", "mysql", "sqlite")
# SQLAlchemy's max_identifier_length per dialect: convention names longer than this are shortened.
MAX_IDENTIFIER = {"postgresql": 63, "mysql": 64, "sqlite": None}
DEFAULT_CONVENTION = {"ix": "ix_%(column_0_label)s"}  # sqlalchemy.sql.schema.DEFAULT_NAMING_CONVENTION
FK_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")


def sa_name(qualname: str | None) -> str | None:
    """SQLAlchemy's public name for a qualified name, None when it is not SQLAlchemy's:
    ``sqlalchemy.types.String`` -> ``String``; ``sqlalchemy.dialects.postgresql.json.JSONB`` ->
    ``postgresql.JSONB``; ``sqlalchemy.orm.mapped_column`` -> ``mapped_column``."""
    if not qualname or not (qualname == "sqlalchemy" or qualname.startswith("sqlalchemy.")):
        return None
    parts = qualname.split(".")
    if len(parts) >= 4 and parts[1] == "dialects":
        return f"{parts[2]}.{parts[-1]}"
    return parts[-1]


# =================================================================================================
# What was read, before the dialect's rules make it a Table
# =================================================================================================
@dataclass
class Scope:
    """Where an expression is read: its module (for names) and a local namespace (a class body)."""

    module: Module
    local: Mapping[str, Any] | None = None

    @property
    def path(self) -> Path:
        return self.module.path


@dataclass(frozen=True)
class TypeSpec:
    """A column type as SQLAlchemy would create it on the dialect; ``enum``: the native enum type it
    needs (PostgreSQL CREATE TYPE / MySQL inline ENUM). ``integer``: integer affinity (autoincrement)."""

    type: ColumnType
    enum: EnumType | None = None
    integer: bool = False
    label: str = ""  # how the source spelled it, for messages
    create_type: bool = True  # postgresql.ENUM(create_type=False): the type must exist already


@dataclass
class ForeignKeySpec:
    columns: tuple[str, ...] | None  # None: the column it is declared on
    targets: tuple[Any, ...]  # "table.column" strings, or (table, column) pairs
    name: str | None
    conv: bool  # the name is final (op.f() / conv()), not subject to the naming convention
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    line: int = 0


@dataclass
class CheckSpec:
    expression: str  # canonical
    name: str | None
    conv: bool = False
    columns: tuple[str, ...] = ()  # the columns it mentions (for the name PostgreSQL would give it)
    line: int = 0


@dataclass
class UniqueSpec:
    columns: tuple[str, ...]
    name: str | None
    conv: bool = False
    line: int = 0


@dataclass
class IndexSpec:
    name: str | None
    columns: tuple[str, ...]  # names, or "(canonical expression)"
    unique: bool = False
    where: str | None = None
    method: str | None = None
    conv: bool = False
    line: int = 0


@dataclass
class PrimaryKeySpec:
    columns: tuple[str, ...]
    name: str | None
    conv: bool = False
    line: int = 0


@dataclass
class ColumnSpec:
    """A ``Column(...)`` / ``mapped_column(...)`` as written; the dialect rules come in ``build_table``."""

    name: str | None
    key: str | None
    type: TypeSpec | None  # None: the type of the column its foreign key points at
    line: int
    path: Path
    primary_key: bool = False
    nullable: bool | None = None  # None: SQLAlchemy's default (not nullable when primary key)
    unique: bool | None = None
    index: bool | None = None
    server_default: Any = None  # (ast node, Scope) until the type is known
    identity: str | None = None  # "always" / "by_default" from Identity()
    computed: tuple[str, bool | None] | None = None  # Computed(sqltext, persisted=)
    autoincrement: Any = "auto"
    has_python_default: bool = False
    comment: str | None = None
    foreign_keys: list[ForeignKeySpec] = field(default_factory=list)
    checks: list[CheckSpec] = field(default_factory=list)
    sort_order: int = 0


@dataclass
class TableSpec:
    name: str
    columns: list[ColumnSpec]
    items: list[Any]  # PrimaryKeySpec / UniqueSpec / CheckSpec / IndexSpec / ForeignKeySpec
    path: Path
    line: int
    convention: Mapping[str, str]
    comment: str | None = None
    sqlite_autoincrement: bool = False


@dataclass
class ModelsRead:
    schema: Schema
    notes: list[Note]


# Keyword arguments that only concern Python (the ORM, dataclasses, documentation): no DDL.
_PYTHON_ONLY = frozenset({
    "doc", "info", "quote", "system", "init", "repr", "default_factory", "compare", "kw_only", "hash",
    "deferred", "deferred_group", "deferred_raiseload", "active_history", "use_existing_column",
    "server_onupdate", "insert_sentinel", "dataclass_metadata", "_proxies",
})
_PYTHON_DEFAULTS = frozenset({"default", "insert_default", "onupdate"})
_TABLE_NOOPS = frozenset({"info", "extend_existing", "keep_existing", "quote", "quote_schema", "listeners",
                          "must_exist", "implicit_returning", "prefixes"})
_DIALECT_PREFIXES = ("postgresql_", "mysql_", "mariadb_", "sqlite_", "mssql_", "oracle_")
# MySQL table options that do not change what the model records
_MYSQL_TABLE_NOOPS = frozenset({"mysql_engine", "mysql_charset", "mysql_collate", "mysql_default_charset",
                                "mariadb_engine", "mariadb_charset", "mariadb_collate",
                                "mariadb_default_charset", "mysql_row_format", "mariadb_row_format"})


def _dialect_of_kwarg(name: str) -> str | None:
    for prefix in _DIALECT_PREFIXES:
        if name.startswith(prefix):
            return {"mariadb": "mysql"}.get(prefix[:-1], prefix[:-1])
    return None


# =================================================================================================
# The interpreter of SQLAlchemy's schema constructs
# =================================================================================================
class ModelReader:
    """Reads SQLAlchemy schema constructs (types, columns, constraints, tables) from AST nodes for one
    dialect. Shared by the model reader and the Alembic replay."""

    def __init__(self, project: Project, dialect: str):
        if dialect not in DIALECTS:
            raise MgenError(f"unknown dialect {dialect!r} (choose one of: {', '.join(DIALECTS)})")
        self.project = project
        self.dialect = dialect
        self.notes: list[Note] = []
        self.auto_named: set[tuple[str, str]] = set()  # (table, name): names the database made up
        # resolves ForeignKey(Model.column): set by the declarative scan, which knows the mapped classes
        self.class_column: Callable[[ClassRef, str, ast.AST, Path], tuple[str, str]] | None = None

    # -- small helpers ---------------------------------------------------------------------------
    def error(self, message: str, node: ast.AST | None, scope: Scope | Path) -> MgenError:
        path = scope.path if isinstance(scope, Scope) else scope
        return MgenError(message, str(path), getattr(node, "lineno", None))

    def note(self, message: str, node: ast.AST | None, scope: Scope) -> None:
        self.notes.append(Note(str(scope.path), getattr(node, "lineno", None), message))

    def resolve(self, node: ast.expr, scope: Scope) -> Ref | Unknown:
        return self.project.resolve(scope.module, node, scope.local)

    def callee(self, node: ast.expr, scope: Scope) -> tuple[str | None, Ref | Unknown]:
        """(SQLAlchemy's name for what ``node`` (a callee or a class) refers to, the reference)."""
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(target, ast.Constant):
            return None, Unknown(node, scope.path, f"{text_of(target)} is a constant, not a SQLAlchemy construct")
        if not isinstance(target, (ast.Name, ast.Attribute)):
            return None, Unknown(node, scope.path, f"{text_of(target)} is computed when the code runs")
        ref = self.resolve(target, scope)
        if isinstance(ref, External):
            return sa_name(ref.qualname), ref
        return None, ref

    def literal(self, node: ast.expr, scope: Scope, what: str) -> Any:
        value = self.project.literal(scope.module, node, scope.local)
        if isinstance(value, Unknown):
            raise value.error(what)
        return value

    def string(self, node: ast.expr, scope: Scope, what: str) -> str:
        value = self.literal(node, scope, what)
        if not isinstance(value, str):
            raise self.error(f"{what}: expected a string, got {text_of(node)}", node, scope)
        return value

    def boolean(self, node: ast.expr, scope: Scope, what: str) -> bool:
        value = self.literal(node, scope, what)
        if not isinstance(value, bool):
            raise self.error(f"{what}: expected True or False, got {text_of(node)}", node, scope)
        return value

    def name_arg(self, node: ast.expr | None, scope: Scope, what: str) -> tuple[str | None, bool]:
        """A constraint's ``name=``: (name, final). ``op.f("x")`` / ``conv("x")`` are final names."""
        if node is None:
            return None, False
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            callee = node.func
            name, _ = self.callee(node, scope)
            is_f = isinstance(callee, ast.Attribute) and callee.attr == "f" and \
                self.project.qualname(scope.module, callee.value, scope.local) in ("alembic.op", "op")
            if name == "conv" or is_f:
                return self.string(node.args[0], scope, what), True
        value = self.literal(node, scope, what)
        if value is None:
            return None, False
        if not isinstance(value, str):
            raise self.error(f"{what}: expected a name, got {text_of(node)}", node, scope)
        return value, False

    def check_kwargs(self, call: ast.Call, scope: Scope, allowed: Iterable[str], what: str) -> dict[str, ast.expr]:
        """The call's keyword arguments; one not in ``allowed`` (and not for another dialect) is an error."""
        if has_star_args(call):
            raise self.error(f"{what}: *args/**kwargs are only known when the code runs", call, scope)
        kwargs = call_kwargs(call)
        allowed = set(allowed)
        for key, value in kwargs.items():
            if key in allowed:
                continue
            owner = _dialect_of_kwarg(key)
            if owner is not None and owner != self.dialect:
                continue  # SQLAlchemy applies dialect options on their own dialect only
            raise self.error(f"{what}: argument {key}= is not supported", value, scope)
        return kwargs

    # -- types -----------------------------------------------------------------------------------
    def read_type(self, node: ast.expr, scope: Scope, what: str = "type") -> TypeSpec:
        """The type a ``String(50)`` / ``Integer`` / ``sa.Enum(...)`` / project TypeDecorator stands for."""
        call = node if isinstance(node, ast.Call) else None
        name, ref = self.callee(node, scope)
        if isinstance(ref, Unknown):
            raise ref.error(what)
        if isinstance(ref, ClassRef):
            return self._type_decorator(ref, call, scope, what)
        if name is None:
            if isinstance(ref, FunctionRef) and call is not None:
                raise self.error(f"{what}: {text_of(node)} is computed by calling {ref.qualname} when the code runs",
                                 node, scope)
            shown = ref.qualname if isinstance(ref, (External, ValueRef, FunctionRef)) else text_of(node)
            raise self.error(f"{what}: {shown} is not a SQLAlchemy type", node, scope)
        args = list(call.args) if call else []
        kwargs = call_kwargs(call) if call else {}
        if call is not None and has_star_args(call):
            raise self.error(f"{what}: *args/**kwargs are only known when the code runs", call, scope)
        handler = _TYPE_HANDLERS.get(name)
        if handler is None:
            generic = name.split(".", 1)[1] if "." in name else None
            handler = _TYPE_HANDLERS.get(generic) if generic and generic.isupper() else None
        if handler is None:
            raise self.error(f"{what}: unsupported SQLAlchemy type {name}", node, scope)
        return handler(self, _Args(self, name, args, kwargs, scope, node))

    def _type_decorator(self, cls: ClassRef, call: ast.Call | None, scope: Scope, what: str) -> TypeSpec:
        mro = self.project.mro(cls)
        if isinstance(mro, Unknown):
            raise mro.error(what)
        if not any(isinstance(b, External) and sa_name(b.qualname) == "TypeDecorator" for b in mro):
            raise self.error(f"{what}: {cls.name} is not a SQLAlchemy type (a TypeDecorator with impl=)",
                             call or cls.node, scope)
        for base in mro:
            if not isinstance(base, ClassRef):
                break
            if class_attribute(base, "load_dialect_impl") is not None:
                raise self.error(f"{what}: {base.name}.load_dialect_impl chooses the type when the code runs",
                                 class_attribute(base, "load_dialect_impl"), Scope(base.module))
            impl = class_attribute(base, "impl")
            if impl is None:
                continue
            impl_scope = Scope(base.module)
            if isinstance(impl, ast.Call) or call is None or not (call.args or call.keywords):
                return self.read_type(impl, impl_scope, f"{what} ({base.name}.impl)")
            # TypeDecorator(*args) passes its arguments to the impl class
            return self.read_type(ast.Call(func=impl, args=call.args, keywords=call.keywords,
                                           lineno=call.lineno, col_offset=call.col_offset),
                                  _CallScope(impl_scope, scope), f"{what} ({base.name}.impl)")
        raise self.error(f"{what}: TypeDecorator {cls.name} has no impl", cls.node, Scope(cls.module))

    # -- Python enums ------------------------------------------------------------------------------
    def enum_class_values(self, cls: ClassRef, values_callable: ast.expr | None, scope: Scope,
                          omit_aliases: bool = True) -> tuple[str, ...]:
        """The strings SQLAlchemy's ``Enum(PyEnum)`` stores: member names (aliases left out), or what
        ``values_callable`` returns for the usual ``lambda e: [m.value for m in e]``."""
        mro = self.project.mro(cls)
        if isinstance(mro, Unknown):
            raise mro.error("Enum")
        kinds = {b.qualname for b in mro if isinstance(b, External)}
        if not kinds & {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"}:
            raise self.error(f"Enum({cls.name}): {cls.name} is not a Python enum class", cls.node, scope)
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
            qual = self.project.qualname(cls.module, value_node.func) if isinstance(value_node, ast.Call) else None
            if qual == "enum.nonmember":
                continue
            if qual == "enum.auto":
                value: Any = name.lower() if is_str else last_int + 1
            else:
                if qual == "enum.member" and isinstance(value_node, ast.Call) and value_node.args:
                    value_node = value_node.args[0]
                value = self.literal(value_node, member_scope, f"value of {cls.name}.{name}")
            if isinstance(value, int) and not isinstance(value, bool):
                last_int = value
            members.append((name, value))
        if not members:
            raise self.error(f"Enum({cls.name}): the enum class has no members", cls.node, Scope(cls.module))
        canonical = []
        seen: list[Any] = []
        for name, value in members:
            if omit_aliases and value in seen:
                continue  # an alias of an earlier member
            seen.append(value)
            canonical.append((name, value))
        if values_callable is None:
            return tuple(n for n, _ in canonical)
        attr = _values_callable_attribute(values_callable)
        if attr is None:
            raise self.error(f"values_callable={text_of(values_callable)} is only known when it runs "
                             "(read: lambda e: [m.value for m in e] or [m.name for m in e])",
                             values_callable, scope)
        iterated = [(n, v) for n, v in members if not omit_aliases or (n, v) in canonical]
        out = tuple(str(v) if attr == "value" else n for n, v in iterated)
        return out

    # -- server defaults -------------------------------------------------------------------------
    def server_default(self, node: ast.expr, scope: Scope, ctype: ColumnType, what: str) -> Default | None:
        """A ``server_default``: a string (a quoted literal), ``text("sql")``, ``func.x()``,
        ``true()``/``false()``, ``literal_column("sql")``, ``DefaultClause(...)``."""
        if isinstance(node, ast.Constant) and node.value is None:
            return None
        if isinstance(node, ast.Call):
            name, ref = self.callee(node, scope)
            func_name = self._func_name(node.func, scope)
            if name in ("text", "literal_column") and len(node.args) == 1:
                return self._sql_default(self.string(node.args[0], scope, what), ctype, node, scope)
            if name in ("true", "false", "true_", "false_") and not node.args:
                return Default("boolean", "true" if name.startswith("true") else "false")
            if name in ("DefaultClause",) and node.args:
                return self.server_default(node.args[0], scope, ctype, what)
            if name == "FetchedValue":
                return None
            if name == "Computed":
                raise self.error(f"{what}: generated columns (Computed) are not supported", node, scope)
            if func_name is not None:
                return self._sql_default(self._function_sql(func_name, node, scope, what), ctype, node, scope)
            if name is None and isinstance(ref, Unknown):
                raise ref.error(what)
            raise self.error(f"{what}: {text_of(node)} is not a server default SQLAlchemy renders", node, scope)
        value = self.literal(node, scope, what)
        if isinstance(value, str):
            return literal_default(value, True, ctype)
        raise self.error(f"{what}: server_default must be a string, text() or a SQL function; got {text_of(node)}",
                         node, scope)

    def _func_name(self, func: ast.expr, scope: Scope) -> str | None:
        """``func.now`` / ``sa.func.lower`` -> "now" / "lower"."""
        if isinstance(func, ast.Attribute):
            owner = self.project.qualname(scope.module, func.value, scope.local) \
                if isinstance(func.value, (ast.Name, ast.Attribute)) else None
            if sa_name(owner) == "func":
                return func.attr
        return None

    _NO_PARENS = frozenset({"current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
                            "current_user", "session_user", "user"})

    def _function_sql(self, name: str, call: ast.Call, scope: Scope, what: str) -> str:
        """The SQL ``func.<name>(args)`` compiles to on the dialect."""
        if call.keywords:
            raise self.error(f"{what}: func.{name}() with keyword arguments is not read", call, scope)
        if name.lower() in self._NO_PARENS and not call.args:
            return name.upper()
        if name.lower() == "now" and not call.args and self.dialect == "sqlite":
            return "CURRENT_TIMESTAMP"  # SQLAlchemy's SQLite compiler spells now() so
        args = []
        for a in call.args:
            value = self.literal(a, scope, what)
            if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
                raise self.error(f"{what}: func.{name}() argument {text_of(a)} is not read", a, scope)
            args.append("'" + value.replace("'", "''") + "'" if isinstance(value, str) else str(value))
        return f"{name}({', '.join(args)})"

    def _sql_default(self, sql: str, ctype: ColumnType, node: ast.AST, scope: Scope) -> Default | None:
        try:
            parsed = parse_expression(sql, self.dialect)
            default, identity = SqlInterpreter(self.dialect).default(parsed, ctype)
        except MgenError as e:
            raise self.error(e.message, node, scope) from None
        if identity is not None:
            raise self.error(f"server default {sql!r} makes a serial column; use autoincrement/Identity()",
                             node, scope)
        return default

    # -- expressions (CHECK, index expressions and predicates) -----------------------------------
    def sql_text(self, node: ast.expr, scope: Scope, what: str) -> str:
        """The SQL of a string or ``text("...")`` (what CheckConstraint and Index take as text)."""
        if isinstance(node, ast.Call):
            name, _ = self.callee(node, scope)
            if name in ("text", "literal_column") and len(node.args) == 1 and not node.keywords:
                return self.string(node.args[0], scope, what)
        value = self.project.literal(scope.module, node, scope.local)
        if isinstance(value, str):
            return value
        raise self.error(f"{what}: {text_of(node)} is a SQL expression built in Python, read only when the code "
                         "runs; write it as a string or text(\"...\")", node, scope)

    def canonical(self, sql: str, node: ast.AST, scope: Scope) -> str:
        try:
            return canonical_expression(sql, self.dialect)
        except MgenError as e:
            raise self.error(e.message, node, scope) from None

    # -- columns ---------------------------------------------------------------------------------
    _COLUMN_KWARGS = frozenset({
        "name", "type_", "key", "primary_key", "nullable", "unique", "index", "server_default", "comment",
        "autoincrement", "sort_order", *_PYTHON_ONLY, *_PYTHON_DEFAULTS,
    })

    def read_column(self, call: ast.Call, scope: Scope, attribute: str | None = None,
                    annotation: tuple[TypeSpec | Callable[[], TypeSpec] | None, bool | None] | None = None,
                    defaults: ast.Call | None = None) -> ColumnSpec:
        """A ``Column(...)`` or ``mapped_column(...)``. ``attribute``: the class attribute it is assigned
        to (its name when the call names none); ``annotation``: (type, nullable) from ``Mapped[...]``;
        ``defaults``: a ``mapped_column`` from an ``Annotated`` alias, overridden by this call."""
        what = f"column {attribute}" if attribute else "column"
        merged = _merge_calls(defaults, call) if defaults is not None else call
        kwargs = self.check_kwargs(merged, scope, self._COLUMN_KWARGS, what)
        args = list(merged.args)
        name: str | None = None
        if args and self._is_name_argument(args[0], scope):
            name = self.string(args[0], scope, what)
            args.pop(0)
        if "name" in kwargs:
            name = self.string(kwargs["name"], scope, what)
        name = name or attribute
        what = f"column {name}" if name else what
        spec = ColumnSpec(name=name, key=None, type=None, line=call.lineno, path=scope.path)
        if "key" in kwargs:
            spec.key = self.string(kwargs["key"], scope, what)
        type_node = kwargs.get("type_")
        for a in args:
            item, _ = self.callee(a, scope)
            if item == "ForeignKey":
                spec.foreign_keys.append(self.read_foreign_key(a, scope, what))  # type: ignore[arg-type]
            elif item == "CheckConstraint":
                spec.checks.append(self.read_check(a, scope, what))  # type: ignore[arg-type]
            elif item == "Identity":
                spec.identity = self._identity(a, scope, what)  # type: ignore[arg-type]
            elif item == "Computed":
                spec.computed = self._computed(a, scope, what)  # type: ignore[arg-type]
            elif item == "Sequence":
                raise self.error(f"{what}: {item} is not supported", a, scope)
            elif item in ("DefaultClause", "FetchedValue"):
                spec.server_default = (a, scope)
            elif type_node is None:
                type_node = a
            else:
                raise self.error(f"{what}: unexpected argument {text_of(a)}", a, scope)
        if type_node is not None:
            spec.type = self.read_type(type_node, scope, f"{what} type")
        elif annotation is not None and annotation[0] is not None and not spec.foreign_keys:
            # with a ForeignKey and no explicit type, SQLAlchemy takes the referenced column's type, not
            # the annotation's (MappedColumn.declarative_scan: "sqltype._isnull and not foreign_keys")
            spec.type = annotation[0]() if callable(annotation[0]) else annotation[0]
        elif not spec.foreign_keys:
            raise self.error(f"{what} has no type", call, scope)
        if "primary_key" in kwargs:
            spec.primary_key = self.boolean(kwargs["primary_key"], scope, f"{what} primary_key")
        if "nullable" in kwargs:
            value = self.literal(kwargs["nullable"], scope, f"{what} nullable")
            if not isinstance(value, bool):
                raise self.error(f"{what}: nullable={text_of(kwargs['nullable'])} is not read "
                                 "(SQLAlchemy's SchemaConst values are not supported)", kwargs["nullable"], scope)
            spec.nullable = value
        elif annotation is not None and annotation[1] is not None:
            spec.nullable = annotation[1]
        for flag in ("unique", "index"):
            if flag in kwargs:
                value = self.literal(kwargs[flag], scope, f"{what} {flag}")
                if value is not None and not isinstance(value, bool):
                    raise self.error(f"{what}: {flag}= must be True, False or None", kwargs[flag], scope)
                setattr(spec, flag, value)
        if "server_default" in kwargs:
            spec.server_default = (kwargs["server_default"], scope)
        if "comment" in kwargs:
            comment = self.literal(kwargs["comment"], scope, f"{what} comment")
            if comment is not None and not isinstance(comment, str):
                raise self.error(f"{what}: comment must be a string", kwargs["comment"], scope)
            spec.comment = comment
        if "autoincrement" in kwargs:
            value = self.literal(kwargs["autoincrement"], scope, f"{what} autoincrement")
            if value not in (True, False, "auto", "ignore_fk"):
                raise self.error(f"{what}: autoincrement={value!r} is not True, False, 'auto' or 'ignore_fk'",
                                 kwargs["autoincrement"], scope)
            spec.autoincrement = value
        if "sort_order" in kwargs:
            value = self.literal(kwargs["sort_order"], scope, f"{what} sort_order")
            if not isinstance(value, int) or isinstance(value, bool):
                raise self.error(f"{what}: sort_order must be an integer", kwargs["sort_order"], scope)
            spec.sort_order = value
        python_defaults = sorted(k for k in kwargs if k in _PYTHON_DEFAULTS)
        if python_defaults:
            spec.has_python_default = "default" in python_defaults or "insert_default" in python_defaults
            self.note(f"{what}: {'/'.join(k + '=' for k in python_defaults)} is applied by SQLAlchemy in Python, "
                      "not by the database: not part of the schema", call, scope)
        return spec

    def _is_name_argument(self, node: ast.expr, scope: Scope) -> bool:
        """True when a Column's first argument is its name (a string, or a constant naming one)."""
        if isinstance(node, ast.Call):
            return False
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.resolve(node, scope)
            if isinstance(ref, LocalRef) and isinstance(ref.value, ast.expr):
                return isinstance(self.project.literal(scope.module, ref.value), str)
            if not isinstance(ref, ValueRef):
                return False
            return isinstance(self.project.literal(ref.module, ref.node), str)
        return isinstance(self.project.literal(scope.module, node, scope.local), str)

    def _identity(self, call: ast.Call, scope: Scope, what: str) -> str:
        kwargs = self.check_kwargs(call, scope, {"always", "start", "increment", "minvalue", "maxvalue", "cycle",
                                                 "cache", "order", "nominvalue", "nomaxvalue", "on_null"}, what)
        always = self.boolean(kwargs["always"], scope, f"{what} Identity(always=)") if "always" in kwargs else False
        return "always" if always else "by_default"

    def _computed(self, call: ast.Call, scope: Scope, what: str) -> tuple[str, bool | None]:
        """``Computed("expr", persisted=True|False|None)``: the SQL text as written, and STORED/VIRTUAL/the
        dialect's default."""
        kwargs = self.check_kwargs(call, scope, {"sqltext", "persisted"}, f"{what} Computed")
        node = call.args[0] if call.args else kwargs.get("sqltext")
        sqltext = self.literal(node, scope, f"{what} Computed") if node is not None else None
        if not isinstance(sqltext, str) or not sqltext.strip():
            raise self.error(f"{what}: Computed needs its SQL expression as a string literal", call, scope)
        persisted = kwargs.get("persisted")
        stored = self.boolean(persisted, scope, f"{what} Computed(persisted=)") if persisted is not None else None
        return sqltext, stored

    # -- constraints and indexes -------------------------------------------------------------------
    def _action(self, node: ast.expr | None, scope: Scope, what: str) -> str:
        if node is None:
            return "NO ACTION"
        value = self.literal(node, scope, what)
        if value is None:
            return "NO ACTION"
        action = " ".join(str(value).upper().split())
        if action not in FK_ACTIONS:
            raise self.error(f"{what}: unknown foreign key action {value!r}", node, scope)
        return action

    _FK_KWARGS = frozenset({"name", "ondelete", "onupdate", "use_alter", "info", "comment", "link_to_name",
                            "_colspec", "_unresolvable", "_constraint"})

    def read_foreign_key(self, call: ast.Call, scope: Scope, what: str) -> ForeignKeySpec:
        kwargs = self.check_kwargs(call, scope, self._FK_KWARGS | {"column"}, f"{what} ForeignKey")
        target = call.args[0] if call.args else kwargs.get("column")
        if target is None:
            raise self.error(f"{what}: ForeignKey without a target column", call, scope)
        name, conv = self.name_arg(kwargs.get("name"), scope, f"{what} ForeignKey name")
        return ForeignKeySpec(
            columns=None, targets=(self._fk_target(target, scope, what),), name=name, conv=conv,
            on_delete=self._action(kwargs.get("ondelete"), scope, f"{what} ondelete"),
            on_update=self._action(kwargs.get("onupdate"), scope, f"{what} onupdate"),
            line=call.lineno)

    def _fk_target(self, node: ast.expr, scope: Scope, what: str) -> Any:
        """"table.column", or (table, column) for ``Model.attribute`` / ``table.c.column``."""
        if isinstance(node, ast.Attribute) and not isinstance(node.value, ast.Constant):
            owner = self.resolve(node.value, scope)
            if isinstance(owner, ClassRef) and self.class_column is not None:
                return self.class_column(owner, node.attr, node, scope.path)
            if isinstance(owner, AttributeRef) and owner.name == "c" and isinstance(owner.of, ValueRef):
                table = self._table_name_of(owner.of)
                if table is not None:
                    return (table, node.attr)
        value = self.literal(node, scope, f"{what} ForeignKey target")
        if not isinstance(value, str) or value.count(".") != 1:
            raise self.error(f"{what}: ForeignKey target {value!r} is not 'table.column' "
                             "(schema-qualified targets are not supported)", node, scope)
        return value

    def _table_name_of(self, ref: ValueRef) -> str | None:
        """The name of a module-level ``Table("name", ...)``."""
        if isinstance(ref.node, ast.Call) and ref.node.args:
            name, _ = self.callee(ref.node, Scope(ref.module))
            if name == "Table":
                value = self.project.literal(ref.module, ref.node.args[0])
                return value if isinstance(value, str) else None
        return None

    def _column_list(self, nodes: Sequence[ast.expr], scope: Scope, what: str) -> tuple[str, ...]:
        """Column names from strings or names of columns in the class body."""
        out = []
        for n in nodes:
            if isinstance(n, (ast.Name, ast.Attribute)):
                ref = self.resolve(n, scope)
                if isinstance(ref, LocalRef) and isinstance(ref.value, ColumnSpec):
                    out.append(ref.value.name)
                    continue
            value = self.literal(n, scope, what)
            if not isinstance(value, str):
                raise self.error(f"{what}: {text_of(n)} is not a column name", n, scope)
            out.append(value)
        return tuple(out)

    def _list_arg(self, node: ast.expr, scope: Scope, what: str) -> list[ast.expr]:
        if isinstance(node, (ast.List, ast.Tuple)):
            return list(node.elts)
        value = self.literal(node, scope, what)
        if isinstance(value, (list, tuple)):
            return [ast.Constant(v, lineno=node.lineno, col_offset=node.col_offset) for v in value]
        raise self.error(f"{what}: expected a list of columns", node, scope)

    def read_check(self, call: ast.Call, scope: Scope, what: str = "CheckConstraint") -> CheckSpec:
        kwargs = self.check_kwargs(call, scope, {"sqltext", "name", "info", "deferrable", "initially",
                                                 "table", "_create_rule", "_autoattach", "_type_bound"}, what)
        if "deferrable" in kwargs or "initially" in kwargs:
            raise self.error(f"{what}: deferrable constraints are not supported", call, scope)
        text_node = call.args[0] if call.args else kwargs.get("sqltext")
        if text_node is None:
            raise self.error(f"{what} without an expression", call, scope)
        sql = self.sql_text(text_node, scope, what)
        name, conv = self.name_arg(call.args[1] if len(call.args) > 1 else kwargs.get("name"), scope, f"{what} name")
        canonical = self.canonical(sql, text_node, scope)
        return CheckSpec(canonical, name, conv, tuple(sorted(columns_in(canonical))), call.lineno)

    def read_unique(self, call: ast.Call, scope: Scope, what: str = "UniqueConstraint") -> UniqueSpec:
        kwargs = self.check_kwargs(call, scope, {"name", "info", "_implicit_generated"}, what)
        for key in ("deferrable", "initially"):
            if key in call_kwargs(call):
                raise self.error(f"{what}: deferrable constraints are not supported", call, scope)
        name, conv = self.name_arg(kwargs.get("name"), scope, f"{what} name")
        return UniqueSpec(self._column_list(call.args, scope, what), name, conv, call.lineno)

    def read_primary_key(self, call: ast.Call, scope: Scope, what: str = "PrimaryKeyConstraint") -> PrimaryKeySpec:
        kwargs = self.check_kwargs(call, scope, {"name", "info", "_implicit_generated"}, what)
        name, conv = self.name_arg(kwargs.get("name"), scope, f"{what} name")
        return PrimaryKeySpec(self._column_list(call.args, scope, what), name, conv, call.lineno)

    def read_foreign_key_constraint(self, call: ast.Call, scope: Scope,
                                    what: str = "ForeignKeyConstraint") -> ForeignKeySpec:
        kwargs = self.check_kwargs(call, scope, {"columns", "refcolumns", "name", "ondelete", "onupdate",
                                                 "use_alter", "info", "comment", "link_to_name", "table"}, what)
        for key in ("deferrable", "initially", "match"):
            if key in call_kwargs(call):
                raise self.error(f"{what}: {key}= is not supported", call, scope)
        cols_node = call.args[0] if call.args else kwargs.get("columns")
        refs_node = call.args[1] if len(call.args) > 1 else kwargs.get("refcolumns")
        if cols_node is None or refs_node is None:
            raise self.error(f"{what} needs columns and refcolumns", call, scope)
        columns = self._column_list(self._list_arg(cols_node, scope, what), scope, what)
        targets = tuple(self._fk_target(t, scope, what) for t in self._list_arg(refs_node, scope, what))
        if len(columns) != len(targets):
            raise self.error(f"{what}: {len(columns)} columns but {len(targets)} referenced columns", call, scope)
        name, conv = self.name_arg(call.args[2] if len(call.args) > 2 else kwargs.get("name"), scope, f"{what} name")
        return ForeignKeySpec(columns, targets, name, conv,
                              self._action(kwargs.get("ondelete"), scope, f"{what} ondelete"),
                              self._action(kwargs.get("onupdate"), scope, f"{what} onupdate"), call.lineno)

    def read_index(self, call: ast.Call, scope: Scope, what: str = "Index") -> IndexSpec:
        kwargs = self.check_kwargs(call, scope, {"unique", "quote", "info", "_table", "_column_flag",
                                                 "postgresql_where", "postgresql_using", "sqlite_where",
                                                 "postgresql_concurrently", "postgresql_ops", "mysql_length",
                                                 "postgresql_include", "postgresql_with", "mysql_using",
                                                 "mariadb_using", "mariadb_length"}, what)
        for key in ("postgresql_ops", "postgresql_include", "postgresql_with", "mysql_length", "mariadb_length"):
            if key in kwargs and _dialect_of_kwarg(key) == self.dialect:
                raise self.error(f"{what}: {key}= is not supported", kwargs[key], scope)
        if not call.args:
            raise self.error(f"{what} without a name", call, scope)
        name, conv = self.name_arg(call.args[0], scope, f"{what} name")
        columns = []
        for n in call.args[1:]:
            if isinstance(n, ast.Call):
                sql = self.sql_text(n, scope, what)
                columns.append("(" + self.canonical(sql, n, scope) + ")")
            else:
                columns.extend(self._column_list([n], scope, what))
        if not columns:
            raise self.error(f"{what} {name or ''} has no columns", call, scope)
        unique = self.boolean(kwargs["unique"], scope, f"{what} unique") if "unique" in kwargs else False
        where_node = kwargs.get(f"{self.dialect}_where")
        where = None
        if where_node is not None:
            where = self.canonical(self.sql_text(where_node, scope, f"{what} where"), where_node, scope)
        method = None
        using = kwargs.get(f"{self.dialect}_using")
        if using is not None:
            method = self.string(using, scope, f"{what} using").lower()
            method = None if method == "btree" else method
        return IndexSpec(name, tuple(columns), unique, where, method, conv, call.lineno)

    def read_table_item(self, node: ast.expr, scope: Scope, what: str) -> Any:
        """One positional item of ``Table(...)`` / ``__table_args__`` / ``op.create_table(...)``."""
        kind, ref = self.callee(node, scope)
        if not isinstance(node, ast.Call):
            raise self.error(f"{what}: {text_of(node)} is not a Column or constraint", node, scope)
        reader = {
            "Column": self.read_column, "PrimaryKeyConstraint": self.read_primary_key,
            "UniqueConstraint": self.read_unique, "CheckConstraint": self.read_check,
            "ForeignKeyConstraint": self.read_foreign_key_constraint, "Index": self.read_index,
        }.get(kind or "")
        if reader is None:
            if isinstance(ref, Unknown):
                raise ref.error(what)
            raise self.error(f"{what}: {text_of(node.func)} is not a Column, constraint or Index", node, scope)
        return reader(node, scope)

    # -- tables ----------------------------------------------------------------------------------
    _TABLE_KWARGS = frozenset({"comment", "schema", "sqlite_autoincrement", *_TABLE_NOOPS, *_MYSQL_TABLE_NOOPS})

    def table_options(self, kwargs: Mapping[str, ast.expr], scope: Scope, spec: TableSpec, what: str,
                      node: ast.AST) -> None:
        """Apply ``Table(...)`` keyword arguments (also a ``__table_args__`` dict)."""
        for key, value in kwargs.items():
            if key not in self._TABLE_KWARGS:
                owner = _dialect_of_kwarg(key)
                if owner is not None and owner != self.dialect:
                    continue
                raise self.error(f"{what}: table option {key}= is not supported", value, scope)
        if "schema" in kwargs and self.literal(kwargs["schema"], scope, f"{what} schema") is not None:
            raise self.error(f"{what}: schema= is not supported (tables are read into one schema)",
                             kwargs["schema"], scope)
        if "comment" in kwargs:
            spec.comment = self.literal(kwargs["comment"], scope, f"{what} comment")
        if "sqlite_autoincrement" in kwargs:
            spec.sqlite_autoincrement = self.boolean(kwargs["sqlite_autoincrement"], scope,
                                                     f"{what} sqlite_autoincrement")

    def read_table_call(self, call: ast.Call, scope: Scope, convention: Mapping[str, str] | None,
                        with_metadata: bool = True) -> TableSpec:
        """``Table("name", metadata, *items, **kw)``; ``with_metadata=False``: ``op.create_table("name",
        *items, **kw)``."""
        if has_star_args(call):
            raise self.error("Table(...): *args/**kwargs are only known when the code runs", call, scope)
        args = list(call.args)
        if not args:
            raise self.error("Table(...) without a name", call, scope)
        name = self.string(args.pop(0), scope, "table name")
        if with_metadata:
            if not args:
                raise self.error(f"Table {name!r} without a MetaData", call, scope)
            args.pop(0)
        spec = TableSpec(name, [], [], scope.path, call.lineno, convention or DEFAULT_CONVENTION)
        what = f"table {name}"
        for a in args:
            item = self.read_table_item(a, scope, what)
            if isinstance(item, ColumnSpec):
                if item.name is None:
                    raise self.error(f"{what}: a Column without a name", a, scope)
                spec.columns.append(item)
            else:
                spec.items.append(item)
        self.table_options(call_kwargs(call), scope, spec, what, call)
        return spec


def _values_callable_attribute(node: ast.expr) -> str | None:
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


def _is_mapped_annotation(reader: ModelReader, node: ast.expr | None, scope: Scope) -> bool:
    node = _parse_string_annotation(node) if node is not None else None
    return isinstance(node, ast.Subscript) and reader.callee(node.value, scope)[0] in _MAPPED


def _merge_calls(base: ast.Call, override: ast.Call) -> ast.Call:
    """``mapped_column`` from an ``Annotated`` alias, with the class's own call winning per argument."""
    override_kw = {k.arg for k in override.keywords}
    return ast.Call(func=override.func, args=list(override.args or base.args),
                    keywords=[k for k in base.keywords if k.arg not in override_kw] + list(override.keywords),
                    lineno=override.lineno, col_offset=override.col_offset)


class _CallScope(Scope):
    """The scope of an ``impl`` class with the arguments of the call written in another module: names
    are looked up in the impl's module, literal arguments read where they were written."""

    def __init__(self, impl: Scope, call: Scope):
        super().__init__(impl.module, impl.local)
        self.call = call


# =================================================================================================
# Types, one handler per SQLAlchemy name
# =================================================================================================
@dataclass
class _Args:
    reader: ModelReader
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


def _t(name: str, **kw: Any) -> ColumnType:
    return ColumnType(name, **kw)


def _integer(portable: str) -> Callable[[ModelReader, _Args], TypeSpec]:
    def handler(r: ModelReader, a: _Args) -> TypeSpec:
        a.only()
        return TypeSpec(_t(portable), integer=True, label=a.name)
    return handler


def _string(portable: str) -> Callable[[ModelReader, _Args], TypeSpec]:
    def handler(r: ModelReader, a: _Args) -> TypeSpec:
        a.only("length", "collation", "convert_unicode", "unicode_error", "_warn_on_bytestring", "national")
        if a.get(None, "collation") is not None:
            raise a.error("collation= is not supported")
        length = a.integer(0, "length")
        if length is None and portable == "varchar" and r.dialect == "mysql":
            raise a.error("VARCHAR requires a length on MySQL (SQLAlchemy refuses to create it)")
        return TypeSpec(_t(portable, length=length), label=a.name)
    return handler


def _simple(portable: str, *ignored: str) -> Callable[[ModelReader, _Args], TypeSpec]:
    def handler(r: ModelReader, a: _Args) -> TypeSpec:
        a.only(*ignored)
        if a.args:
            raise a.error("positional arguments are not read")
        return TypeSpec(_t(portable), label=a.name)
    return handler


def _text(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("length", "collation")
    if a.get(None, "collation") is not None:
        raise a.error("collation= is not supported")
    return TypeSpec(_t("text"), label=a.name)


def _boolean(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("create_constraint", "name", "_create_events")
    if a.get(0, "create_constraint", False):
        raise a.error("create_constraint=True (a CHECK on non-native booleans) is not supported")
    return TypeSpec(_t("boolean"), label=a.name)


def _fraction_kwarg(a: _Args) -> tuple[str, ...]:
    """Fractional seconds are an argument of the dialect types only: postgresql.TIMESTAMP(precision=),
    mysql.DATETIME(fsp=)."""
    return ("precision",) if a.name.startswith("postgresql.") else ("fsp",) if a.name.startswith("mysql.") else ()


def _datetime(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("timezone", *_fraction_kwarg(a))
    timezone = bool(a.get(0, "timezone", False))
    precision = a.integer(None, "precision") if r.dialect == "postgresql" else a.integer(None, "fsp")
    if r.dialect == "postgresql":
        return TypeSpec(_t("timestamptz" if timezone else "timestamp", precision=precision), label=a.name)
    if r.dialect == "mysql" and a.name.endswith("TIMESTAMP"):
        return TypeSpec(_t("timestamptz", precision=precision), label=a.name)  # MySQL TIMESTAMP is UTC-stored
    return TypeSpec(_t("timestamp", precision=precision if r.dialect == "mysql" else None), label=a.name)


def _time(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("timezone", *_fraction_kwarg(a))
    if a.get(0, "timezone", False) and r.dialect == "postgresql":
        raise a.error("TIME WITH TIME ZONE is not supported (no portable type)")
    precision = a.integer(None, "precision") if r.dialect == "postgresql" else a.integer(None, "fsp")
    return TypeSpec(_t("time", precision=precision if r.dialect != "sqlite" else None), label=a.name)


def _numeric(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("precision", "scale", "decimal_return_scale", "asdecimal", "unsigned", "zerofill")
    precision, scale = a.integer(0, "precision"), a.integer(1, "scale")
    if precision is None:
        if r.dialect == "mysql":  # MySQL's bare DECIMAL is DECIMAL(10,0)
            return TypeSpec(_t("numeric", precision=10, scale=0), label=a.name)
        return TypeSpec(_t("numeric"), label=a.name)
    return TypeSpec(_t("numeric", precision=precision, scale=scale or 0), label=a.name)


def _float(r: ModelReader, a: _Args) -> TypeSpec:
    """``Float(p)``: single precision up to 24 bits (PostgreSQL and MySQL); PostgreSQL's bare FLOAT is
    double precision, MySQL's and SQLite's (REAL affinity as mgen reads it) single."""
    a.only("precision", "asdecimal", "decimal_return_scale", "unsigned", "zerofill")
    precision = a.integer(0, "precision")
    if r.dialect == "sqlite":
        return TypeSpec(_t("real"), label=a.name)
    if precision is not None:
        return TypeSpec(_t("real" if precision <= 24 else "double"), label=a.name)
    return TypeSpec(_t("double" if r.dialect == "postgresql" else "real"), label=a.name)


def _real(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("precision", "asdecimal", "decimal_return_scale")
    return TypeSpec(_t("double" if r.dialect == "mysql" else "real"), label=a.name)  # MySQL REAL = DOUBLE


def _binary(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("length")
    if a.name in ("BINARY", "VARBINARY", "mysql.BINARY", "mysql.VARBINARY"):
        if r.dialect == "postgresql":
            raise a.error("BINARY/VARBINARY do not exist on PostgreSQL")
        length = a.integer(0, "length")
        return TypeSpec(_t("binary", length=length if r.dialect == "mysql" else None), label=a.name)
    return TypeSpec(_t("binary"), label=a.name)


def _uuid(r: ModelReader, a: _Args) -> TypeSpec:
    """``Uuid`` is the native UUID where there is one (PostgreSQL; MariaDB 10.7+) and CHAR(32)
    elsewhere; ``UUID`` is always the type named UUID. (Oracle MySQL has no UUID: CHAR(32) there; mgen
    reads MySQL-family servers as MariaDB here.)"""
    a.only("as_uuid", "native_uuid")
    native = a.get(None, "native_uuid", True)
    if a.name == "Uuid" and (not native or r.dialect == "sqlite"):
        return TypeSpec(_t("char", length=32), label=a.name)
    return TypeSpec(_t("uuid"), label=a.name)


def _json(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("none_as_null", "astext_type")
    return TypeSpec(_t("json"), label=a.name)


def _jsonb(r: ModelReader, a: _Args) -> TypeSpec:
    a.only("none_as_null", "astext_type")
    if r.dialect != "postgresql":
        raise a.error(f"JSONB exists on PostgreSQL only, not {r.dialect}")
    return TypeSpec(_t("jsonb"), label=a.name)


def _enum(r: ModelReader, a: _Args) -> TypeSpec:
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
        values = r.enum_class_values(ref, a.kwargs.get("values_callable"), scope,
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


def enum_type(r: ModelReader, a: _Args, values: tuple[str, ...], default_name: str | None,
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
    if native and r.dialect in ("postgresql", "mysql"):
        if r.dialect == "postgresql" and not name:
            raise a.error("a PostgreSQL ENUM needs a name (name=...)")
        return TypeSpec(ColumnType("enum", enum=name or ""), enum=EnumType(name or "", values), label=a.name)
    if a.get(None, "create_constraint", False):
        raise a.error("create_constraint=True (a CHECK on a non-native Enum) is not supported")
    return TypeSpec(_t("varchar", length=length if length is not None else max(len(v) for v in values)),
                    label=a.name)


def _pg_enum(r: ModelReader, a: _Args) -> TypeSpec:
    if r.dialect != "postgresql":
        raise a.error(f"postgresql.ENUM cannot be created on {r.dialect}")
    spec = _enum(r, a)
    return replace(spec, create_type=bool(a.get(None, "create_type", True)))


def _mysql_only(inner: Callable[[ModelReader, _Args], TypeSpec]) -> Callable[[ModelReader, _Args], TypeSpec]:
    def handler(r: ModelReader, a: _Args) -> TypeSpec:
        if r.dialect != "mysql":
            raise a.error(f"a MySQL type cannot be created on {r.dialect}")
        return inner(r, a)
    return handler


_TYPE_HANDLERS: dict[str, Callable[[ModelReader, _Args], TypeSpec]] = {
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
    **{n: _binary for n in ("LargeBinary", "BLOB", "BINARY", "VARBINARY", "postgresql.BYTEA")},
    **{n: _uuid for n in ("Uuid", "UUID", "postgresql.UUID")},
    **{n: _json for n in ("JSON", "postgresql.JSON", "mysql.JSON")},
    "postgresql.JSONB": _jsonb,
    "Enum": _enum,
    "postgresql.ENUM": _pg_enum,
    "mysql.ENUM": _mysql_only(_enum),
    "mysql.TINYTEXT": _mysql_only(_text), "mysql.MEDIUMTEXT": _mysql_only(_text), "mysql.LONGTEXT": _mysql_only(_text),
}


# =================================================================================================
# From what was read to a Table, by the dialect's rules
# =================================================================================================
def build_table(reader: ModelReader, spec: TableSpec, specs: Mapping[str, TableSpec | Table],
                taken: Iterable[str] = ()) -> tuple[Table, list[EnumType]]:
    """The Table SQLAlchemy's ``CREATE TABLE`` (plus its ``CREATE INDEX``) makes of ``spec`` on the
    reader's dialect. ``specs``: the tables foreign keys may point at, read (TableSpec) or already
    built (Table); ``taken``: constraint names the table already has (when columns are added to it)."""
    dialect = reader.dialect
    what = f"table {spec.name}"
    by_key = _columns_by_key(spec)
    pk_items = [i for i in spec.items if isinstance(i, PrimaryKeySpec)]
    if len(pk_items) > 1:
        raise MgenError(f"{what} has more than one PrimaryKeyConstraint", str(spec.path), spec.line)
    if pk_items:
        pk_spec = pk_items[0]
        pk_columns = tuple(_column_name(by_key, c, spec, pk_spec.line) for c in pk_spec.columns)
    else:
        pk_spec = None
        pk_columns = tuple(c.name for c in spec.columns if c.primary_key)  # type: ignore[misc]
    autoinc = _autoincrement_column(spec, pk_columns, specs)
    if dialect == "sqlite" and len(pk_columns) > 1:
        for c in spec.columns:
            if c.name in pk_columns and c.autoincrement is True:  # SQLAlchemy's SQLite compiler refuses it
                raise MgenError(f"{what}.{c.name}: SQLite does not support autoincrement for composite primary keys",
                                str(c.path), c.line)
    enums: list[EnumType] = []
    columns: list[Column] = []
    for c in sorted(spec.columns, key=lambda c: c.sort_order):
        ctype = _column_type(c, specs, reader)
        identity: str | None = None
        if c.identity is not None:
            identity = c.identity if dialect == "postgresql" else ("serial" if c is autoinc and dialect == "mysql"
                                                                   else None)
        elif c is autoinc and (dialect in ("postgresql", "mysql") or (
                spec.sqlite_autoincrement and len(pk_columns) == 1 and ctype.integer and not c.foreign_keys)):
            identity = "serial"  # SERIAL / AUTO_INCREMENT / INTEGER PRIMARY KEY AUTOINCREMENT
        in_pk = c.name in pk_columns
        nullable = (c.nullable if c.nullable is not None else not c.primary_key) and not in_pk
        if c.identity is not None or identity is not None:
            nullable = False
        default = None
        if c.server_default is not None:
            node, scope = c.server_default
            default = reader.server_default(node, scope, ctype.type, f"{what}.{c.name} server_default")
        if ctype.enum is not None:
            enum = ctype.enum if ctype.enum.name else EnumType(f"{spec.name}_{c.name}", ctype.enum.values)
            enums.append(enum)
            ctype = replace(ctype, type=replace(ctype.type, enum=enum.name))
        generated = None
        if c.computed is not None:
            generated = _generated(c, dialect, f"{what}.{c.name}")
            default = None
        columns.append(Column(name=c.name, type=ctype.type, nullable=nullable, default=default,  # type: ignore[arg-type]
                              identity=identity, comment=c.comment if dialect != "sqlite" else None,
                              generated=generated))
    namer = _Namer(reader, spec, by_key, taken)
    primary_key = None
    if pk_columns:
        name = namer.name("pk", pk_spec.name if pk_spec else None, pk_spec.conv if pk_spec else False, pk_columns)
        if name is None or dialect == "mysql":  # MySQL's primary key is always PRIMARY: mgen calls it t_pkey
            name = naming.primary_key_name(spec.name)
            reader.auto_named.add((spec.name, name))
        primary_key = PrimaryKey(pk_columns, name)
    uniques: list[Unique] = []
    indexes: list[Index] = []
    foreign_keys: list[ForeignKey] = []
    checks: list[Check] = []
    # constraint objects written out (Table args, __table_args__) exist before the Table, the ones its
    # columns imply are made when it is built: SQLAlchemy emits them in that order, and that order is
    # how MySQL numbers unnamed foreign keys (t_ibfk_1, t_ibfk_2) and PostgreSQL picks t_c_key1
    for item in spec.items:
        if isinstance(item, UniqueSpec):
            cols = tuple(_column_name(by_key, x, spec, item.line) for x in item.columns)
            uniques.append(Unique(namer.name("uq", item.name, item.conv, cols) or namer.unnamed("uq", cols), cols))
        elif isinstance(item, IndexSpec):
            cols = tuple(x if x.startswith("(") else _column_name(by_key, x, spec, item.line) for x in item.columns)
            name = namer.name("ix", item.name, item.conv, cols)
            if name is None:
                raise MgenError(f"{what}: an Index needs a name (or an 'ix' naming convention)",
                                str(spec.path), item.line)
            indexes.append(Index(name, cols, item.unique, item.where, item.method))
        elif isinstance(item, ForeignKeySpec):
            cols = tuple(_column_name(by_key, x, spec, item.line) for x in item.columns or ())
            foreign_keys.append(namer.foreign_key(replace(item, columns=cols), specs))
        elif isinstance(item, CheckSpec):
            checks.append(namer.check(item))
    for c in spec.columns:
        assert c.name is not None
        if c.index:
            name = namer.name("ix", None, False, (c.name,))
            if name is None:
                raise MgenError(f"{what}.{c.name}: index=True needs an 'ix' naming convention to be named",
                                str(c.path), c.line)
            indexes.append(Index(name, (c.name,), unique=bool(c.unique)))
        elif c.unique:
            uniques.append(Unique(namer.name("uq", None, False, (c.name,)) or namer.unnamed("uq", (c.name,)),
                                  (c.name,)))
        for fk in c.foreign_keys:
            foreign_keys.append(namer.foreign_key(replace(fk, columns=(c.name,)), specs))
        for check in c.checks:
            checks.append(namer.check(check, column=c.name))
    table = Table(name=spec.name, columns=tuple(columns), primary_key=primary_key, uniques=tuple(uniques),
                  indexes=tuple(indexes), foreign_keys=tuple(foreign_keys), checks=tuple(checks),
                  comment=spec.comment if dialect != "sqlite" else None)
    return table, enums


def _columns_by_key(spec: TableSpec) -> dict[str, ColumnSpec]:
    out: dict[str, ColumnSpec] = {}
    for c in spec.columns:
        key = c.key or c.name
        if key in out:
            raise MgenError(f"table {spec.name}: two columns named {key!r}", str(c.path), c.line)
        out[key] = c  # type: ignore[index]
    return out


def _column_name(by_key: Mapping[str, ColumnSpec], key: str, spec: TableSpec, line: int = 0,
                 path: Path | None = None) -> str:
    """The name of the column ``key`` refers to (SQLAlchemy looks constraint columns up by key)."""
    if key in by_key:
        return by_key[key].name  # type: ignore[return-value]
    names = {c.name for c in spec.columns}
    if key in names:
        return key
    raise MgenError(f"table {spec.name} has no column {key!r}", str(path or spec.path), line or spec.line)


def _column_type(c: ColumnSpec, specs: Mapping[str, TableSpec | Table], reader: ModelReader,
                 _seen: frozenset = frozenset()) -> TypeSpec:
    """The column's type; a column declared with only a ForeignKey takes its target's type (as
    SQLAlchemy does), without the target's autoincrement."""
    if c.type is not None:
        return c.type
    if len(c.foreign_keys) != 1 or (c.path, c.line) in _seen:
        raise MgenError(f"column {c.name} has no type", str(c.path), c.line)
    table, column = _split_target(c.foreign_keys[0].targets[0], c.path, c.line)
    target_spec = specs.get(table)
    if target_spec is None:
        raise MgenError(f"column {c.name}: ForeignKey to {table}.{column}, but no model defines table {table!r}",
                        str(c.path), c.line)
    if isinstance(target_spec, Table):
        if not target_spec.has_column(column):
            raise MgenError(f"column {c.name}: table {table} has no column {column!r}", str(c.path), c.line)
        ctype = target_spec.column(column).type
        return TypeSpec(ctype, integer=ctype.name in ("smallint", "integer", "bigint"))
    by_key = _columns_by_key(target_spec)
    target = by_key.get(column) or next((x for x in target_spec.columns if x.name == column), None)
    if target is None:
        raise MgenError(f"column {c.name}: table {table} has no column {column!r}", str(c.path), c.line)
    return _column_type(target, specs, reader, _seen | {(c.path, c.line)})


def _split_target(target: Any, path: Path, line: int) -> tuple[str, str]:
    if isinstance(target, tuple):
        return target
    table, _, column = str(target).partition(".")
    return table, column


def _autoincrement_column(spec: TableSpec, pk_columns: tuple[str, ...],
                          specs: Mapping[str, TableSpec]) -> ColumnSpec | None:
    """SQLAlchemy's ``PrimaryKeyConstraint._autoincrement_column``: the single integer primary key
    column without a Python or server default (other than Identity) and without a foreign key, or the
    one marked ``autoincrement=True``."""
    pk = [c for c in spec.columns if c.name in pk_columns]

    def eligible(c: ColumnSpec, explicit: bool) -> bool:
        if c.type is not None and not c.type.integer:
            if explicit:
                raise MgenError(f"column {c.name}: autoincrement=True needs an integer type", str(c.path), c.line)
            return False
        if c.type is None:
            return False  # a type copied from a foreign key: the column has a foreign key anyway
        if explicit:
            return True
        if c.has_python_default or (c.server_default is not None and c.identity is None):
            return False
        return not c.foreign_keys or c.autoincrement == "ignore_fk"

    if len(pk) == 1:
        c = pk[0]
        if c.autoincrement is True:
            return c if eligible(c, True) else None
        if c.autoincrement in ("auto", "ignore_fk") and eligible(c, False):
            return c
        return None
    marked = [c for c in pk if c.autoincrement is True]
    if len(marked) > 1:
        raise MgenError(f"table {spec.name}: only one column may be autoincrement=True", str(spec.path), spec.line)
    return marked[0] if marked and eligible(marked[0], True) else None


class _Namer:
    """Names for constraints and indexes: explicit ones, the naming convention, else mgen's names."""

    def __init__(self, reader: ModelReader, spec: TableSpec, by_key: Mapping[str, ColumnSpec],
                 taken: Iterable[str] = ()):
        self.reader = reader
        self.spec = spec
        self.by_key = by_key
        self.taken: set[str] = set(taken)

    def unnamed(self, kind: str, columns: Sequence[str], column_check: str | None = None) -> str:
        """The name the database gives a constraint created without one (``db_constraint_name``)."""
        name = db_constraint_name(self.reader.dialect, kind, self.spec.name, columns, self.taken, column_check)
        self.taken.add(name)
        self.reader.auto_named.add((self.spec.name, name))
        return name

    def name(self, kind: str, explicit: str | None, conv: bool, columns: Sequence[str],
             referred: tuple[str, Sequence[str]] | None = None) -> str | None:
        """SQLAlchemy's ``_constraint_name_for_table``: a final (``conv``) name as is; the convention when
        the constraint is unnamed or the convention uses %(constraint_name)s; else the explicit name."""
        if explicit is not None and conv:
            return self._take(explicit)
        convention = self.spec.convention.get(kind)
        if convention is not None and (explicit is None or "%(constraint_name)" in convention):
            return self._take(self._shorten(self._format(kind, convention, explicit, columns, referred)))
        return self._take(explicit) if explicit is not None else None

    def _take(self, name: str) -> str:
        self.taken.add(name)
        return name

    def _shorten(self, name: str) -> str:
        limit = MAX_IDENTIFIER[self.reader.dialect]
        if limit is None or len(name) <= limit:
            return name
        return name[: limit - 8] + "_" + hashlib.md5(name.encode()).hexdigest()[-4:]  # SQLAlchemy's own shortening

    def _format(self, kind: str, convention: str, explicit: str | None, columns: Sequence[str],
                referred: tuple[str, Sequence[str]] | None) -> str:
        table = self.spec.name
        tokens: dict[str, str] = {"table_name": table}
        if explicit is not None:
            tokens["constraint_name"] = explicit
        keys = [self._key(c) for c in columns]
        for prefix, values in (("column", list(columns)), ("referred_column", list(referred[1]) if referred else [])):
            for label, items in (("name", values),
                                 ("label", [f"{table}_{v}" for v in values] if prefix == "column" else []),
                                 ("key", keys if prefix == "column" else values)):
                if items:
                    tokens[f"{prefix}_0_{label}"] = items[0]
                    tokens[f"{prefix}_0N_{label}"] = "".join(items)
                    tokens[f"{prefix}_0_N_{label}"] = "_".join(items)
        if referred:
            tokens["referred_table_name"] = referred[0]
        try:
            return convention % tokens
        except KeyError as e:
            token = e.args[0]
            if token == "constraint_name":
                raise MgenError(f"table {table}: naming convention {kind!r} ({convention}) uses %(constraint_name)s, "
                                "so the constraint needs an explicit name", str(self.spec.path), self.spec.line) from None
            raise MgenError(f"table {table}: naming convention {kind!r} token %({token})s is not known here",
                            str(self.spec.path), self.spec.line) from None
        except (TypeError, ValueError) as e:
            raise MgenError(f"table {table}: naming convention {kind!r}: {e}", str(self.spec.path),
                            self.spec.line) from None

    def _key(self, column: str) -> str:
        for key, c in self.by_key.items():
            if c.name == column:
                return key
        return column

    def foreign_key(self, fk: ForeignKeySpec, specs: Mapping[str, TableSpec | Table]) -> ForeignKey:
        targets = [_split_target(t, self.spec.path, fk.line) for t in fk.targets]
        tables = {t for t, _ in targets}
        if len(tables) != 1:
            raise MgenError(f"table {self.spec.name}: a foreign key must reference one table", str(self.spec.path),
                            fk.line)
        ref_table = tables.pop()
        target_spec = specs.get(ref_table)
        if target_spec is None:
            raise MgenError(f"table {self.spec.name}: foreign key to {ref_table!r}, which is not defined",
                            str(self.spec.path), fk.line)
        if isinstance(target_spec, Table):
            missing = [c for _, c in targets if not target_spec.has_column(c)]
            if missing:
                raise MgenError(f"table {self.spec.name}: foreign key to {ref_table}.{missing[0]}, "
                                f"which table {ref_table} does not have", str(self.spec.path), fk.line)
            ref_columns = tuple(c for _, c in targets)
        else:
            target_keys = _columns_by_key(target_spec)
            ref_columns = tuple(_column_name(target_keys, c, target_spec, fk.line, self.spec.path) for _, c in targets)
        columns = fk.columns or ()
        name = self.name("fk", fk.name, fk.conv, columns, (ref_table, ref_columns)) or self.unnamed("fk", columns)
        return ForeignKey(name, tuple(columns), ref_table, ref_columns, fk.on_delete, fk.on_update)  # type: ignore[arg-type]

    def check(self, check: CheckSpec, column: str | None = None) -> Check:
        """``column``: the column a column-level CheckConstraint is declared on (SQLAlchemy writes it
        inline, and MariaDB names an inline CHECK after its column)."""
        name = self.name("ck", check.name, check.conv, ())
        if name is None:
            name = self.unnamed("ck", [check.columns[0]] if len(check.columns) == 1 else [], column)
        return Check(name, check.expression)


_MYSQL_FK = re.compile(r"_ibfk_(\d+)$")
_MARIADB_CHECK = re.compile(r"^CONSTRAINT_(\d+)$")


def db_constraint_name(dialect: str, kind: str, table: str, columns: Sequence[str], taken: Iterable[str],
                       column_check: str | None = None) -> str:
    """The name a database gives a constraint created without one, so that a later
    ``op.drop_constraint("<that name>")`` finds it. PostgreSQL: ``mgen.naming`` (``t_c_key``, ``t_c_fkey``,
    ``t_c_check``, with 1, 2... when taken). MySQL/MariaDB: a UNIQUE key is named after its first column
    (``c``, ``c_2``...), a foreign key ``<table>_ibfk_<n>`` (one more than the highest n), a table CHECK
    ``CONSTRAINT_<n>`` and a column's inline CHECK after the column. SQLite stores no name: the
    PostgreSQL ones are used, as mgen's SQLite introspection does."""
    taken = set(taken)

    def fresh(base: str, sep: str = "", start: int = 1) -> str:
        name, n = base, start - 1
        while name in taken:
            n += 1
            name = naming.fit(f"{base}{sep}{n}")
        return name

    if dialect == "mysql":
        if kind == "uq":
            return fresh(columns[0], "_", 2)
        if kind == "fk":
            numbers = [int(m.group(1)) for n in taken if n.startswith(table) and (m := _MYSQL_FK.search(n))]
            return f"{table}_ibfk_{max(numbers, default=0) + 1}"
        if kind == "ck":
            if column_check is not None:
                return column_check
            numbers = [int(m.group(1)) for n in taken if (m := _MARIADB_CHECK.match(n))]
            return f"CONSTRAINT_{max(numbers, default=0) + 1}"
    if kind == "uq":
        return fresh(naming.unique_name(table, columns))
    if kind == "fk":
        return fresh(naming.foreign_key_name(table, columns))
    if kind == "ck":
        return fresh(naming.check_name(table, columns))
    if kind == "ix":
        return fresh(naming.index_name(table, columns))
    raise ValueError(kind)


def _generated(c: ColumnSpec, dialect: str, what: str) -> Generated:
    """The generation ``Computed`` declares (``persisted=None`` is the dialect's default, as SQLAlchemy's
    compilers write it)."""
    assert c.computed is not None
    try:
        return declared_generation(*c.computed, dialect)
    except MgenError as e:
        raise MgenError(f"{what}: {e.message}", str(c.path), c.line) from None


def schema_from_specs(reader: ModelReader, specs: Sequence[TableSpec]) -> Schema:
    """Build every table; enums are collected (one PostgreSQL type per name, each must agree)."""
    by_name: dict[str, TableSpec] = {}
    for spec in specs:
        if spec.name in by_name:
            other = by_name[spec.name]
            raise MgenError(f"table {spec.name!r} is defined twice (also {other.path}:{other.line})",
                            str(spec.path), spec.line)
        by_name[spec.name] = spec
    tables = []
    enums: dict[str, EnumType] = {}
    for spec in specs:
        table, table_enums = build_table(reader, spec, by_name)
        tables.append(table)
        for e in table_enums:
            if e.name in enums and enums[e.name].values != e.values:
                raise MgenError(f"enum type {e.name!r} is declared with different values "
                                f"({', '.join(enums[e.name].values)} / {', '.join(e.values)})", str(spec.path),
                                spec.line)
            enums[e.name] = e
    schema = Schema(tables=tuple(tables), enums=tuple(enums.values()))
    return mysql_final_form(schema) if reader.dialect == "mysql" else schema


# =================================================================================================
# The declarative scan
# =================================================================================================
@dataclass
class _MetaData:
    """One MetaData object: its naming convention."""

    convention: Mapping[str, str]


@dataclass
class _Base:
    """A declarative base: where its tables go and how annotations map to types."""

    metadata: _MetaData
    type_map: dict[str, tuple[ast.expr, Scope]] = field(default_factory=dict)


_DECLARATIVE_ROOTS = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
_BASE_FACTORIES = frozenset({"declarative_base"})
_SKIPPED_PROPERTIES = frozenset({"relationship", "backref", "association_proxy", "synonym", "composite",
                                 "query_expression", "column_property", "deferred", "dynamic_loader",
                                 "relation", "hybrid_property", "hybrid_method", "validates", "reconstructor"})
# Python types of SQLAlchemy 2.x's default annotation type map (sqlalchemy.sql.sqltypes._type_map)
_DEFAULT_TYPE_MAP = {
    "builtins.int": "Integer", "builtins.float": "Double", "builtins.bool": "Boolean", "builtins.str": "String",
    "builtins.bytes": "LargeBinary", "decimal.Decimal": "Numeric", "datetime.date": "Date",
    "datetime.datetime": "DateTime", "datetime.time": "Time", "uuid.UUID": "Uuid", "datetime.timedelta": "Interval",
}
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
_MAPPED = frozenset({"Mapped"})
_RELATIONSHIP_MAPPED = frozenset({"WriteOnlyMapped", "DynamicMapped"})
_TYPING_MODULES = ("builtins.", "typing.", "typing_extensions.", "enum.", "abc.", "dataclasses.",
                   "collections.", "sqlalchemy.")


class _Scanner:
    """Finds the tables of the modules under a path: declarative classes and ``Table(...)`` calls."""

    def __init__(self, reader: ModelReader):
        self.reader = reader
        self.project = reader.project
        self.metadatas: dict[tuple[str, int, int], _MetaData] = {}
        self.bases: dict[tuple[str, int], _Base] = {}
        self.tables: dict[tuple[str, int], TableSpec] = {}  # by where they are defined
        self.class_tables: dict[tuple[str, int], TableSpec] = {}
        reader.class_column = self.class_column

    # -- metadata and bases ------------------------------------------------------------------------
    def metadata_of(self, node: ast.expr, scope: Scope, what: str) -> _MetaData:
        """The MetaData a ``MetaData(...)`` call or a name for one stands for."""
        if isinstance(node, ast.Call):
            name, _ = self.reader.callee(node, scope)
            if name != "MetaData":
                raise self.reader.error(f"{what}: {text_of(node)} is not a MetaData", node, scope)
            key = (scope.module.name, node.lineno, node.col_offset)
            if key not in self.metadatas:
                kwargs = self.reader.check_kwargs(node, scope, {"naming_convention", "schema", "info", "quote_schema"},
                                                  "MetaData")
                convention = dict(DEFAULT_CONVENTION)
                if "naming_convention" in kwargs:
                    convention = self._convention(kwargs["naming_convention"], scope)
                if kwargs.get("schema") is not None and self.reader.literal(kwargs["schema"], scope, "schema"):
                    raise self.reader.error("MetaData(schema=...) is not supported", kwargs["schema"], scope)
                self.metadatas[key] = _MetaData(convention)
            return self.metadatas[key]
        ref = self.reader.resolve(node, scope)
        if isinstance(ref, ValueRef):
            return self.metadata_of(ref.node, Scope(ref.module), what)
        if isinstance(ref, AttributeRef) and ref.name == "metadata":
            base = self.base_of_ref(ref.of)
            if base is not None:
                return base.metadata
        if isinstance(ref, Unknown):
            raise ref.error(what)
        raise self.reader.error(f"{what}: {text_of(node)} is not a MetaData the project defines", node, scope)

    def _convention(self, node: ast.expr, scope: Scope) -> dict[str, str]:
        if not isinstance(node, ast.Dict):
            ref = self.reader.resolve(node, scope) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if isinstance(ref, ValueRef):
                return self._convention(ref.node, Scope(ref.module))
            raise self.reader.error("naming_convention must be a dict", node, scope)
        out: dict[str, str] = {}
        keys = {"UniqueConstraint": "uq", "Index": "ix", "CheckConstraint": "ck", "ForeignKeyConstraint": "fk",
                "PrimaryKeyConstraint": "pk"}
        for k, v in zip(node.keys, node.values):
            if k is None:
                raise self.reader.error("naming_convention: ** is not read", node, scope)
            if isinstance(k, (ast.Name, ast.Attribute)):
                name, _ = self.reader.callee(k, scope)
                key = keys.get(name or "")
                if key is None:
                    raise self.reader.error(f"naming_convention key {text_of(k)} is not read", k, scope)
            else:
                key = self.reader.string(k, scope, "naming_convention key")
            value = self.reader.literal(v, scope, "naming_convention")
            if not isinstance(value, str):
                raise self.reader.error(f"naming_convention[{key!r}] is not a string (callables are not read)",
                                        v, scope)
            out[key] = value
        return out

    def base_of_ref(self, ref: Ref) -> _Base | None:
        """The declarative base ``ref`` is (a class, or a value made by declarative_base())."""
        if isinstance(ref, ClassRef):
            return self.base_class(ref)
        if isinstance(ref, ValueRef):
            return self.base_value(ref)
        return None

    def base_class(self, cls: ClassRef) -> _Base | None:
        key = (cls.module.name, cls.line)
        if key in self.bases:
            return self.bases[key]
        scope = Scope(cls.module)
        direct = [b for b in self.project.bases(cls) if not isinstance(b, Unknown)]
        root = any(isinstance(b, External) and sa_name(b.qualname) in _DECLARATIVE_ROOTS for b in direct)
        decorated = None
        for d in cls.node.decorator_list:
            name, _ = self.reader.callee(d, scope)
            if name == "as_declarative":
                decorated = d
        if not root and decorated is None:
            return None
        metadata = None
        type_map: dict[str, tuple[ast.expr, Scope]] = {}
        if isinstance(decorated, ast.Call) and "metadata" in call_kwargs(decorated):
            metadata = self.metadata_of(call_kwargs(decorated)["metadata"], scope, f"class {cls.name}")
        md_node = class_attribute(cls, "metadata")
        if isinstance(md_node, ast.expr):
            metadata = self.metadata_of(md_node, scope, f"{cls.name}.metadata")
        reg_node = class_attribute(cls, "registry")
        if isinstance(reg_node, ast.Call):
            metadata, type_map = self._registry(reg_node, scope, metadata, type_map)
        tm_node = class_attribute(cls, "type_annotation_map")
        if isinstance(tm_node, ast.expr):
            type_map = self._type_map(tm_node, scope)
        base = _Base(metadata or _MetaData(dict(DEFAULT_CONVENTION)), type_map)
        self.bases[key] = base
        return base

    def base_value(self, ref: ValueRef) -> _Base | None:
        key = (ref.module.name, ref.line)
        if key in self.bases:
            return self.bases[key]
        node = ref.node
        if not isinstance(node, ast.Call):
            return None
        scope = Scope(ref.module)
        name, _ = self.reader.callee(node, scope)
        metadata: _MetaData | None = None
        type_map: dict[str, tuple[ast.expr, Scope]] = {}
        if name in _BASE_FACTORIES:
            kwargs = call_kwargs(node)
            if "metadata" in kwargs:
                metadata = self.metadata_of(kwargs["metadata"], scope, "declarative_base(metadata=)")
            if "type_annotation_map" in kwargs:
                type_map = self._type_map(kwargs["type_annotation_map"], scope)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "generate_base":
            reg = node.func.value
            if isinstance(reg, (ast.Name, ast.Attribute)):
                reg_ref = self.reader.resolve(reg, scope)
                if isinstance(reg_ref, ValueRef) and isinstance(reg_ref.node, ast.Call):
                    reg = reg_ref.node
                    scope = Scope(reg_ref.module)
            if not isinstance(reg, ast.Call) or self.reader.callee(reg, scope)[0] != "registry":
                return None
            metadata, type_map = self._registry(reg, scope, None, {})
        else:
            return None
        base = _Base(metadata or _MetaData(dict(DEFAULT_CONVENTION)), type_map)
        self.bases[key] = base
        return base

    def _registry(self, call: ast.Call, scope: Scope, metadata: _MetaData | None,
                  type_map: dict[str, tuple[ast.expr, Scope]]) -> tuple[_MetaData | None, dict]:
        if self.reader.callee(call, scope)[0] != "registry":
            return metadata, type_map
        kwargs = call_kwargs(call)
        if "metadata" in kwargs:
            metadata = self.metadata_of(kwargs["metadata"], scope, "registry(metadata=)")
        if "type_annotation_map" in kwargs:
            type_map = self._type_map(kwargs["type_annotation_map"], scope)
        return metadata, type_map

    def _type_map(self, node: ast.expr, scope: Scope) -> dict[str, tuple[ast.expr, Scope]]:
        if not isinstance(node, ast.Dict):
            raise self.reader.error("type_annotation_map must be a dict literal", node, scope)
        out: dict[str, tuple[ast.expr, Scope]] = {}
        for k, v in zip(node.keys, node.values):
            key = self._python_type_key(k, scope) if k is not None else None
            if key is None:
                raise self.reader.error(f"type_annotation_map key {text_of(k) if k else '**'} is not read",
                                        k or node, scope)
            out[key] = (v, scope)
        return out

    def _python_type_key(self, node: ast.expr, scope: Scope) -> str | None:
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.reader.resolve(node, scope)
            if isinstance(ref, (External, ClassRef, ValueRef)):
                return ref.qualname
        return None

    # -- classes -----------------------------------------------------------------------------------
    def scan_module(self, module: Module) -> None:
        scope = Scope(module)
        for stmt in module.tree.body:
            if isinstance(stmt, ast.ClassDef):
                self.scan_class(ClassRef(module, stmt, stmt.lineno))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
                kind, ref = self.reader.callee(stmt.value, scope)
                if kind == "Table":
                    self.module_table(stmt.value, scope)
                elif isinstance(ref, External) and ref.qualname == "builtins.type" and len(stmt.value.args) == 3:
                    self._dynamic_class(stmt.value, scope)
            elif isinstance(stmt, (ast.If, ast.Try, ast.For, ast.While, ast.With)) and not (
                    isinstance(stmt, ast.If) and _is_type_checking(stmt.test)):
                self._conditional_definitions(stmt, scope)

    def _dynamic_class(self, call: ast.Call, scope: Scope) -> None:
        """``type("Name", (Base,), {...})``: a mapped class whose body is only known when it runs."""
        bases = call.args[1]
        for b in bases.elts if isinstance(bases, (ast.Tuple, ast.List)) else [bases]:
            ref = self.reader.resolve(b, scope) if isinstance(b, (ast.Name, ast.Attribute)) else None
            if ref is not None and not isinstance(ref, Unknown) and (
                    self.base_of_ref(ref) is not None or (isinstance(ref, ClassRef) and self._is_mapped(ref))
                    or (isinstance(ref, ClassRef) and self.declarative_base_in(self._mro_or_empty(ref)))):
                raise self.reader.error("a mapped class built by type(...) is only known when the code runs "
                                        "(define it with a class statement)", call, scope)

    def _mro_or_empty(self, cls: ClassRef) -> list[Ref]:
        mro = self.project.mro(cls)
        return [] if isinstance(mro, Unknown) else mro

    def _conditional_definitions(self, stmt: ast.stmt, scope: Scope) -> None:
        """Models or tables defined inside an if/try/for/with at module level exist or not depending on
        how the code runs: an error rather than a guess either way."""
        for node in ast.walk(stmt):
            if isinstance(node, ast.ClassDef):
                cls = ClassRef(scope.module, node, node.lineno)
                mro = self._mro_or_empty(cls)
                if class_attribute(cls, "__tablename__") is not None or class_attribute(cls, "__table__") is not None \
                        or (len(mro) > 1 and self.declarative_base_in(mro[1:]) is not None):
                    raise self.reader.error(f"class {node.name} is defined inside {_block_kind(stmt)}: whether and "
                                            "how it is mapped is only known when the code runs", node, scope)
            elif isinstance(node, ast.Call) and self.reader.callee(node, scope)[0] == "Table":
                raise self.reader.error(f"Table(...) inside {_block_kind(stmt)}: whether it exists is only known "
                                        "when the code runs", node, scope)

    def module_table(self, call: ast.Call, scope: Scope) -> TableSpec:
        key = (scope.module.name, call.lineno)
        if key not in self.tables:
            if len(call.args) < 2:
                raise self.reader.error("Table(...) needs a name and a MetaData", call, scope)
            metadata = self.metadata_of(call.args[1], scope, "Table metadata")
            self.tables[key] = self.reader.read_table_call(call, scope, metadata.convention)
        return self.tables[key]

    def declarative_base_in(self, mro: Sequence[Ref]) -> _Base | None:
        for entry in mro:
            base = self.base_of_ref(entry)
            if base is not None:
                return base
        return None

    def mapped_by_decorator(self, cls: ClassRef) -> _Base | None:
        """``@reg.mapped`` / ``@reg.mapped_as_dataclass``: mapped by a registry, not a base class."""
        for d in cls.node.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            if isinstance(target, ast.Attribute) and target.attr in ("mapped", "mapped_as_dataclass"):
                ref = self.reader.resolve(target.value, Scope(cls.module))
                if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):
                    metadata, type_map = self._registry(ref.node, Scope(ref.module), None, {})
                    if self.reader.callee(ref.node, Scope(ref.module))[0] == "registry":
                        return _Base(metadata or _MetaData(dict(DEFAULT_CONVENTION)), type_map)
        return None

    def scan_class(self, cls: ClassRef) -> TableSpec | None:
        key = (cls.module.name, cls.line)
        if key in self.class_tables:
            return self.class_tables[key]
        scope = Scope(cls.module)
        own_table_attr = class_attribute(cls, "__tablename__") is not None or class_attribute(cls, "__table__") is not None
        mro = self.project.mro(cls)
        if isinstance(mro, Unknown):
            if own_table_attr:
                raise mro.error(f"class {cls.name}")
            return None
        base = self.mapped_by_decorator(cls) or (self.declarative_base_in(mro[1:]) if len(mro) > 1 else None)
        if self.base_class(cls) is not None:
            return None  # the declarative base itself
        if base is None:
            outside = [b.qualname for b in mro[1:] if isinstance(b, External)
                       and not b.qualname.startswith(_TYPING_MODULES)]
            if own_table_attr and outside:
                raise self.reader.error(
                    f"class {cls.name} has __tablename__ but its base {outside[0]} is outside the project, "
                    "so whether it is a mapped class is unknown (read the models from a folder that contains "
                    "the declarative base)", cls.node, scope)
            return None
        if _literal_flag(self.project, cls, "__abstract__"):
            return None
        for parent in mro[1:]:
            if isinstance(parent, ClassRef) and self.base_class(parent) is None and self._is_mapped(parent):
                raise self.reader.error(
                    f"class {cls.name} inherits from the mapped class {parent.name}: mapped class inheritance "
                    "(single/joined/concrete table) is not supported", cls.node, scope)
        spec = self.class_table(cls, mro, base)
        if not any(c.primary_key for c in spec.columns) and not any(isinstance(i, PrimaryKeySpec) for i in spec.items):
            raise self.reader.error(f"class {cls.name} has no primary key: SQLAlchemy cannot map it "
                                    "(\"could not assemble any primary key columns\")", cls.node, scope)
        self.class_tables[key] = spec
        return spec

    def _is_mapped(self, cls: ClassRef) -> bool:
        mro = self.project.mro(cls)
        if isinstance(mro, Unknown) or len(mro) < 2:
            return False
        if self.base_class(cls) is not None or _literal_flag(self.project, cls, "__abstract__"):
            return False
        return self.declarative_base_in(mro[1:]) is not None or self.mapped_by_decorator(cls) is not None

    def class_table(self, cls: ClassRef, mro: Sequence[Ref], base: _Base) -> TableSpec:
        scope = Scope(cls.module)
        # the declarative base class itself acts as a mixin (columns, a declared_attr __tablename__)
        contributors = [c for c in mro if isinstance(c, ClassRef)]
        table_node = self._first_attribute(contributors, "__table__")
        if table_node is not None:
            owner, node = table_node
            return self._explicit_table(cls, owner, node)
        tablename = self._tablename(cls, contributors)
        if tablename is None:
            raise self.reader.error(f"class {cls.name} is mapped but has no __tablename__ or __table__", cls.node,
                                    scope)
        spec = TableSpec(tablename, [], [], cls.module.path, cls.line, base.metadata.convention)
        seen: set[str] = set()
        own_columns: dict[str, ColumnSpec] = {}
        for owner in contributors:
            names, annotations = class_body_order(owner)
            for attr in _merge_lists_w_ordering(names, annotations):
                if attr in seen or (attr.startswith("__") and attr.endswith("__")):
                    continue
                column = self._attribute_column(cls, owner, attr, base)
                if column is None:
                    continue
                seen.add(attr)
                spec.columns.append(column)
                if owner == cls:
                    own_columns[attr] = column
        for c in spec.columns:
            if c.name is None:
                raise self.reader.error(f"class {cls.name}: a column without a name", None, scope)
        table_args = self._first_attribute(contributors, "__table_args__")
        if table_args is not None:
            owner, node = table_args
            local = {**_class_constants(owner), **(own_columns if owner == cls else {})}
            self._table_args(spec, node, Scope(owner.module, local), cls, owner)
        return spec

    def _first_attribute(self, classes: Sequence[ClassRef], name: str) -> tuple[ClassRef, Any] | None:
        for c in classes:
            node = class_attribute(c, name)
            if node is not None:
                return c, node
        return None

    def _explicit_table(self, cls: ClassRef, owner: ClassRef, node: Any) -> TableSpec:
        scope = Scope(owner.module)
        if isinstance(node, ast.Call) and self.reader.callee(node, scope)[0] == "Table":
            return self.module_table(node, scope)
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.reader.resolve(node, scope)
            if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):
                return self.module_table(ref.node, Scope(ref.module))
        raise self.reader.error(f"class {cls.name}: __table__ = {text_of(node)} is not read (use Table(...))",
                                node, scope)

    def _tablename(self, cls: ClassRef, classes: Sequence[ClassRef]) -> str | None:
        found = self._first_attribute(classes, "__tablename__")
        if found is None:
            return None
        owner, node = found
        scope = Scope(owner.module)
        if isinstance(node, ast.expr):
            value = self.reader.literal(node, scope, f"{cls.name}.__tablename__")
            if value is None:
                return None
            if not isinstance(value, str):
                raise self.reader.error(f"{cls.name}.__tablename__ is not a string", node, scope)
            return value
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and self._is_declared_attr(node, scope):
            expr = _single_return(node)
            if expr is None:
                raise self.reader.error(f"{cls.name}.__tablename__: a declared_attr is read when it is a single "
                                        "return statement", node, scope)
            return _class_name_expression(self.reader, expr, cls, _first_arg(node), scope)
        raise self.reader.error(f"{cls.name}.__tablename__ is not a string or a declared_attr", node, scope)

    def _is_declared_attr(self, func: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> bool:
        for d in func.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            name, _ = self.reader.callee(target, scope)
            if name in ("declared_attr", "directive", "cascading"):
                return True
        return False

    def _attribute_column(self, cls: ClassRef, owner: ClassRef, attr: str, base: _Base) -> ColumnSpec | None:
        """The column a class attribute (in ``owner``'s body) declares, None when it declares none."""
        scope = Scope(owner.module, _class_constants(owner, exclude=attr))
        value: ast.AST | None = None
        annotation: ast.expr | None = None
        line = owner.line
        for stmt in owner.node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr:
                annotation, value, line = stmt.annotation, stmt.value, stmt.lineno
            elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets):
                value, line = stmt.value, stmt.lineno
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == attr:
                value, line = stmt, stmt.lineno
        what = f"{cls.name}.{attr}"
        if isinstance(value, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not self._is_declared_attr(value, scope):
                return None
            expr = _single_return(value)
            if expr is None or not isinstance(expr, ast.Call):
                raise self.reader.error(f"{what}: a declared_attr is read when it is a single "
                                        "'return mapped_column(...)' / 'return Column(...)'", value, scope)
            annotation = annotation or value.returns  # -> Mapped[int] types the column as an annotation does
            value = expr

        def mapped() -> tuple[Callable[[], TypeSpec], bool, ast.Call | None] | None:
            return self._mapped_annotation(annotation, scope, what, base) if annotation is not None else None

        if isinstance(value, ast.Call):
            kind, _ = self.reader.callee(value, scope)
            if kind in ("Column", "mapped_column"):
                hint = mapped() if kind == "mapped_column" else None
                if hint is None:
                    return self.reader.read_column(value, scope, attr)
                return self.reader.read_column(value, scope, attr, (hint[0], hint[1]), hint[2])
            if kind in _SKIPPED_PROPERTIES:
                if kind in ("column_property", "deferred") and value.args and isinstance(value.args[0], ast.Call) \
                        and self.reader.callee(value.args[0], scope)[0] in ("Column", "mapped_column"):
                    raise self.reader.error(f"{what}: {kind}(Column(...)) is not supported", value, scope)
                return None
            if _is_mapped_annotation(self.reader, annotation, scope):
                raise self.reader.error(f"{what}: Mapped[...] = {text_of(value)} is not a column this reader knows",
                                        value, scope)
            return None
        if value is None and (found := mapped()) is not None:
            type_of, nullable_hint, defaults = found
            if defaults is not None:
                return self.reader.read_column(defaults, scope, attr, (type_of, nullable_hint))
            spec = ColumnSpec(name=attr, key=None, type=type_of(), line=line, path=scope.path)
            spec.nullable = nullable_hint
            return spec
        return None

    def _mapped_annotation(self, node: ast.expr, scope: Scope, what: str,
                           base: _Base) -> tuple[Callable[[], TypeSpec], bool, ast.Call | None] | None:
        """(type, nullable, mapped_column from Annotated) of ``Mapped[X]``; None when not ``Mapped``.
        The type is a function: it is only worked out when no explicit type overrides it (SQLAlchemy
        does not look at ``Mapped[str]`` when ``mapped_column(String(40))`` gives the type)."""
        node = _parse_string_annotation(node)
        if not isinstance(node, ast.Subscript):
            return None
        kind, _ = self.reader.callee(node.value, scope)
        if kind not in _MAPPED:
            return None  # WriteOnlyMapped / DynamicMapped (relationships) and plain annotations
        return self._python_type(_parse_string_annotation(node.slice), scope, what, base)

    def _python_type(self, node: ast.expr, scope: Scope, what: str,
                     base: _Base) -> tuple[Callable[[], TypeSpec], bool, ast.Call | None]:
        """SQLAlchemy's annotation -> type: Optional/Union with None, Annotated, Literal, enums, the
        type map of the base, then the default map."""
        node = _parse_string_annotation(node)
        inner, nullable = self._strip_optional(node, scope)
        inner = _parse_string_annotation(inner)
        if isinstance(inner, ast.Subscript):
            qual = self.project.qualname(scope.module, inner.value)
            if qual in _ANNOTATED:
                elts = inner.slice.elts if isinstance(inner.slice, ast.Tuple) else [inner.slice]
                extras = [e for e in elts[1:] if isinstance(e, ast.Call)
                          and self.reader.callee(e, scope)[0] == "mapped_column"]
                type_of, inner_nullable, _ = self._python_type(elts[0], scope, what, base)
                return type_of, nullable or inner_nullable, extras[-1] if extras else None
            if qual in _LITERAL:
                return (lambda: self._literal_enum(inner, scope, what)), nullable, None
            raise self.reader.error(f"{what}: Mapped[{text_of(inner)}] is a relationship or an unsupported type "
                                    "(columns need a type SQLAlchemy maps)", inner, scope)
        if isinstance(inner, (ast.Name, ast.Attribute)):
            ref = self.reader.resolve(inner, scope)
            if isinstance(ref, Unknown):
                raise ref.error(what)
            if self._lookup_type_map(inner, scope, base) is None and isinstance(ref, ValueRef) \
                    and isinstance(ref.node, ast.Subscript):  # an Annotated alias
                return self._python_type(ref.node, Scope(ref.module), what, base)
            if isinstance(ref, ClassRef) and not self._is_enum_class(ref):
                raise self.reader.error(f"{what}: Mapped[{ref.name}] without relationship() is not a column",
                                        inner, scope)
            return (lambda: self._named_type(inner, ref, scope, what, base)), nullable, None
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            raise self.reader.error(f"{what}: Mapped[{inner.value!r}] is a relationship, not a column", inner, scope)
        raise self.reader.error(f"{what}: annotation {text_of(inner)} is not read", inner, scope)

    def _is_enum_class(self, ref: ClassRef) -> bool:
        mro = self.project.mro(ref)
        return not isinstance(mro, Unknown) and any(
            isinstance(b, External) and b.qualname.startswith("enum.") for b in mro)

    def _literal_enum(self, node: ast.Subscript, scope: Scope, what: str) -> TypeSpec:
        values = self.reader.literal(node.slice, scope, f"{what} Literal")
        values = values if isinstance(values, tuple) else (values,)
        if not all(isinstance(v, str) for v in values):
            raise self.reader.error(f"{what}: Literal[...] of non-strings has no SQLAlchemy type", node, scope)
        # SQLAlchemy maps Literal to a non-native Enum: VARCHAR(longest value) everywhere
        return enum_type(self.reader, _Args(self.reader, "Enum", [], {}, scope, node), tuple(values), None,
                         native=False)

    def _named_type(self, node: ast.expr, ref: Ref, scope: Scope, what: str, base: _Base) -> TypeSpec:
        found = self._lookup_type_map(node, scope, base)
        if found is not None:
            return found
        if isinstance(ref, ClassRef):  # a Python enum class: Enum(cls), native, named after the class
            values = self.reader.enum_class_values(ref, None, scope)
            return enum_type(self.reader, _Args(self.reader, "Enum", [node], {}, scope, node), values,
                             ref.name.lower())
        qualname = ref.qualname if isinstance(ref, (External, ValueRef, FunctionRef)) else text_of(node)
        type_name = _DEFAULT_TYPE_MAP.get(qualname)
        if type_name is None:
            raise self.reader.error(f"{what}: no SQLAlchemy type for Python type {qualname}", node, scope)
        handler = _TYPE_HANDLERS.get(type_name)
        if handler is None:
            raise self.reader.error(f"{what}: Python type {qualname} maps to {type_name}, which is not supported",
                                    node, scope)
        return handler(self.reader, _Args(self.reader, type_name, [], {}, scope, node))

    def _lookup_type_map(self, node: ast.expr, scope: Scope, base: _Base) -> TypeSpec | None:
        if not base.type_map:
            return None
        key = None
        if isinstance(node, (ast.Name, ast.Attribute)):
            key = self._python_type_key(node, scope)
        elif isinstance(node, ast.Subscript):
            return None
        if key is not None and key in base.type_map:
            type_node, type_scope = base.type_map[key]
            return self.reader.read_type(type_node, type_scope, f"type_annotation_map[{key}]")
        return None

    def _strip_optional(self, node: ast.expr, scope: Scope) -> tuple[ast.expr, bool]:
        """``Optional[X]`` / ``Union[X, None]`` / ``X | None`` -> (X, True); anything else (node, False)."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            parts = _union_parts(node)
            rest = [p for p in parts if not _is_none(p)]
            if len(rest) == 1:
                return rest[0], len(rest) < len(parts)
            raise self.reader.error(f"union {text_of(node)} has no single SQLAlchemy type", node, scope)
        if isinstance(node, ast.Subscript):
            qual = self.project.qualname(scope.module, node.value)
            if qual in _OPTIONAL:
                return node.slice, True
            if qual in _UNION:
                parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
                rest = [p for p in parts if not _is_none(p)]
                if len(rest) == 1:
                    return rest[0], len(rest) < len(parts)
                raise self.reader.error(f"union {text_of(node)} has no single SQLAlchemy type", node, scope)
        return node, False

    def _table_args(self, spec: TableSpec, node: Any, scope: Scope, cls: ClassRef, owner: ClassRef) -> None:
        what = f"{cls.name}.__table_args__"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not self._is_declared_attr(node, scope):
                raise self.reader.error(f"{what} is a function but not a declared_attr", node, scope)
            expr = _single_return(node)
            if expr is None:
                raise self.reader.error(f"{what}: a declared_attr is read when it is a single return statement",
                                        node, scope)
            node = expr
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.reader.resolve(node, scope)
            if isinstance(ref, ValueRef):
                node, scope = ref.node, Scope(ref.module)
        if isinstance(node, ast.Constant) and node.value is None:
            return
        items: list[ast.expr] = []
        options: ast.Dict | None = None
        if isinstance(node, ast.Dict):
            options = node
        elif isinstance(node, ast.Tuple):
            items = list(node.elts)
            if items and isinstance(items[-1], ast.Dict):
                options = items.pop()
        else:
            raise self.reader.error(f"{what} must be a tuple or a dict", node, scope)
        for item in items:
            if isinstance(item, ast.Starred):
                raise self.reader.error(f"{what}: *{text_of(item.value)} is not read", item, scope)
            read = self.reader.read_table_item(item, scope, what)
            if isinstance(read, ColumnSpec):
                raise self.reader.error(f"{what}: a Column in __table_args__ is not read", item, scope)
            spec.items.append(read)
        if options is not None:
            kwargs: dict[str, ast.expr] = {}
            for k, v in zip(options.keys, options.values):
                if k is None:
                    raise self.reader.error(f"{what}: ** is not read", options, scope)
                kwargs[self.reader.string(k, scope, what)] = v
            self.reader.table_options(kwargs, scope, spec, what, options)

    # -- references to mapped classes --------------------------------------------------------------
    def class_column(self, cls: ClassRef, attr: str, node: ast.AST, path: Path) -> tuple[str, str]:
        spec = self.scan_class(cls)
        if spec is None:
            raise MgenError(f"ForeignKey({cls.name}.{attr}): {cls.name} is not a mapped class", str(path),
                            getattr(node, "lineno", None))
        return spec.name, attr


def _class_constants(cls: ClassRef, exclude: str = "") -> dict[str, ast.expr]:
    """Names a class body binds to plain values (``MAX = 40``), which later statements of the body
    see (``String(MAX)``); calls (columns, relationships) are left out: they are not constants."""
    out: dict[str, ast.expr] = {}
    for stmt in cls.node.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if value is None or isinstance(value, ast.Call):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for t in targets:
            if isinstance(t, ast.Name) and t.id != exclude and not t.id.startswith("__"):
                out[t.id] = value
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _block_kind(stmt: ast.stmt) -> str:
    return {ast.If: "an if block", ast.Try: "a try block", ast.For: "a for loop", ast.While: "a while loop",
            ast.With: "a with block"}.get(type(stmt), "a block")


def _literal_flag(project: Project, cls: ClassRef, name: str) -> bool:
    node = class_attribute(cls, name)
    if not isinstance(node, ast.expr):
        return False
    value = project.literal(cls.module, node)
    if isinstance(value, Unknown):
        raise value.error(f"{cls.name}.{name}")
    return bool(value)


def _merge_lists_w_ordering(a: list[str], b: list[str]) -> list[str]:
    """SQLAlchemy's ``util.merge_lists_w_ordering``: ``vars(cls)`` and ``cls.__annotations__`` merged,
    which is the order declarative collects a class's attributes (and so its columns) in."""
    overlap = set(a).intersection(b)
    result: list[str] = []
    current, other = iter(a), iter(b)
    while True:
        for element in current:
            if element in overlap:
                overlap.discard(element)
                other, current = current, other
                break
            result.append(element)
        else:
            result.extend(other)
            break
    return result


def _single_return(func: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        return body[0].value
    return None


def _first_arg(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    return func.args.args[0].arg if func.args.args else "cls"


def _class_name_expression(reader: ModelReader, node: ast.expr, cls: ClassRef, arg: str, scope: Scope) -> str:
    """A declared_attr ``__tablename__``: a constant, ``cls.__name__`` with ``.lower()``/``.upper()``,
    string concatenation and f-strings of those."""
    if isinstance(node, ast.Attribute) and node.attr == "__name__" and isinstance(node.value, ast.Name) \
            and node.value.id == arg:
        return cls.name
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args and not node.keywords \
            and node.func.attr in ("lower", "upper", "casefold"):
        inner = _class_name_expression(reader, node.func.value, cls, arg, scope)
        return inner.upper() if node.func.attr == "upper" else inner.lower()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _class_name_expression(reader, node.left, cls, arg, scope) + \
            _class_name_expression(reader, node.right, cls, arg, scope)
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue) and v.format_spec is None:
                out.append(_class_name_expression(reader, v.value, cls, arg, scope))
            elif isinstance(v, ast.Constant):
                out.append(str(v.value))
            else:
                raise reader.error(f"{cls.name}.__tablename__: {text_of(node)} is not read", node, scope)
        return "".join(out)
    value = reader.project.literal(scope.module, node)
    if isinstance(value, str):
        return value
    raise reader.error(f"{cls.name}.__tablename__: {text_of(node)} is only known when the code runs "
                       "(read: a constant, cls.__name__, .lower(), + and f-strings)", node, scope)


def _parse_string_annotation(node: ast.expr) -> ast.expr:
    """``"Mapped[int]"`` written as a string: its expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            parsed = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return node
        for n in ast.walk(parsed):
            if hasattr(n, "lineno"):
                n.lineno, n.col_offset = node.lineno, node.col_offset  # type: ignore[attr-defined]
        if isinstance(parsed, (ast.Name, ast.Attribute, ast.Subscript, ast.BinOp)):
            return parsed
    return node


def _union_parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_parts(node.left) + _union_parts(node.right)
    return [node]


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (isinstance(node, ast.Name) and node.id == "None")


# =================================================================================================
# Entry points
# =================================================================================================
def read_models_with_notes(path: str | Path, dialect: str, root: str | Path | None = None) -> ModelsRead:
    """The schema of the SQLAlchemy models in ``path`` (a module or a package directory) on ``dialect``,
    and the notes on what was deliberately left out. ``root``: where imports start (default: the first
    ancestor directory that is not a package)."""
    path = Path(path)
    if not path.exists():
        raise MgenError(f"no such file or directory: {path}")
    project = Project(Path(root) if root is not None else _default_root(path))
    reader = ModelReader(project, dialect)
    scanner = _Scanner(reader)
    for module in project.modules_under(path):
        scanner.scan_module(module)
    module_tables = list(scanner.tables.values())
    specs = module_tables + [s for s in scanner.class_tables.values()
                             if not any(s is t for t in module_tables)]
    return ModelsRead(schema_from_specs(reader, specs), reader.notes)


def read_models(path: str | Path, dialect: str, root: str | Path | None = None) -> Schema:
    """The schema ``metadata.create_all()`` would build from the models in ``path`` on ``dialect``."""
    return read_models_with_notes(path, dialect, root).schema


def _default_root(path: Path) -> Path:
    """``import_root`` of ``path``, relative to the working directory when ``path`` is relative (so
    messages show paths the way the user wrote them)."""
    root = import_root(path)
    if path.is_absolute():
        return root
    try:
        return Path(os.path.relpath(root))
    except ValueError:  # another drive (Windows)
        return root


__all__ = ["ModelReader", "ModelsRead", "Scope", "TableSpec", "build_table", "read_models",
           "read_models_with_notes", "sa_name", "schema_from_specs"]
