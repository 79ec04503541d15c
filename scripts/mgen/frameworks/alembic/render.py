"""Alembic's spelling of mgen's schema: SQLAlchemy types, server defaults, ``sa.Column(...)``,
``alter_column``'s ``existing_*`` arguments, indexes and constraint options, for one dialect.

Each is what the dialect declares as mgen's own SQL does (``type_expr`` refuses a type SQLAlchemy
cannot declare so, ``default_expr`` falls back to ``sa.text()`` of mgen's default SQL), written through
a ``RenderContext``: the dialect, the imports the file needs, and ``op`` or ``batch_op``. What Alembic
cannot express raises ``NotNative``. The writer (``writer``) assembles these into ``op.*`` calls per
operation.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ...dialects import Dialect
from ...errors import MgenError
from ...operations import Operation
from ...schema import Column, ColumnType, Default, ForeignKey, Index, Schema, Table
from ..pywrite import py
from .pycode import Block, Call, call, py_sql, sa_text

_INTEGERS = frozenset({"smallint", "integer", "bigint"})


class NotNative(MgenError):
    """An operation Alembic's operations cannot express as mgen means it (``raw_sql=True`` writes it as
    ``op.execute`` of mgen's SQL)."""


# ---------------------------------------------------------------------------------------------
# Rendering context: the dialect, the imports a file needs, "op" or "batch_op"
# ---------------------------------------------------------------------------------------------
@dataclass
class RenderContext:
    """Where a statement is rendered: the dialect, the file's imports, ``op`` or ``batch_op``, raw-SQL fallback."""

    dialect: Dialect
    imports: set[str] = field(default_factory=set)
    target: str = "op"  # "batch_op" inside a batch block: the table is the block's
    raw_sql: bool = False
    # (table, column) -> (ColumnType, DeclaredType): the models' types as autogenerate spells them (``declared``)
    declared: Mapping = field(default_factory=dict)

    def inner(self, imports: set[str] | None = None) -> RenderContext:
        """This context inside a batch block."""
        return RenderContext(self.dialect, self.imports if imports is None else imports, "batch_op", self.raw_sql,
                             self.declared)

    @property
    def name(self) -> str:
        return self.dialect.name

    def op(self, method: str, table: str, *args, **kwargs) -> Call:
        """``op.method("table", ...)``, or ``batch_op.method(...)`` inside a batch block (where the
        table is the block's)."""
        if self.target == "batch_op":
            return call(f"batch_op.{method}", *args, **kwargs)
        return call(f"op.{method}", py(table), *args, **kwargs)

    def constraint_op(self, method: str, name: str, table: str, *args, **kwargs) -> Call:
        """The constraint methods, which take the constraint's name before the table:
        ``op.drop_constraint("name", "table", ...)`` / ``batch_op.drop_constraint("name", ...)``."""
        if self.target == "batch_op":
            return call(f"batch_op.{method}", py(name), *args, **kwargs)
        return call(f"op.{method}", py(name), py(table), *args, **kwargs)

    def module(self, name: str) -> str:
        """A dialect module (``postgresql``), imported at the top of the file."""
        self.imports.add(f"from sqlalchemy.dialects import {name}")
        return name

    def not_native(self, op: Operation, why: str) -> NotNative:
        return NotNative(f"{self.name}: {op.kind} ({op.describe()}) has no native Alembic form: {why}; "
                         "write it as raw SQL instead (op.execute of mgen's SQL)")


# ---------------------------------------------------------------------------------------------
# Types and defaults: SQLAlchemy types that the dialect declares as mgen's own SQL does
# ---------------------------------------------------------------------------------------------
def _length(func: str, t: ColumnType) -> Call:
    return call(func, length=None if t.length is None else str(t.length))


def _numeric(ctx: RenderContext, t: ColumnType, schema: Schema) -> Call:
    if t.precision is None:
        return call("sa.Numeric")
    return call("sa.Numeric", precision=str(t.precision), scale=str(t.scale or 0))


def _enum_values(t: ColumnType, schema: Schema) -> list[str]:
    try:
        return [py(v) for v in schema.enum(t.enum or "").values]
    except KeyError:
        raise MgenError(f"enum type {t.enum!r} is used by a column but not defined") from None


def _pg_enum(ctx: RenderContext, t: ColumnType, schema: Schema) -> Call:
    # the type exists on its own (CREATE TYPE, a CreateEnum operation): never created with a table
    return call(f"{ctx.module('postgresql')}.ENUM", *_enum_values(t, schema), name=py(t.enum), create_type="False")


def _mysql_enum(ctx: RenderContext, t: ColumnType, schema: Schema) -> Call:
    return call("sa.Enum", *_enum_values(t, schema), name=py(t.enum))


def _fractional(module: str, func: str, keyword: str, plain: str, **extra: str):
    """A time type: the generic one, or the dialect's own with its fractional-seconds precision."""
    def render(ctx: RenderContext, t: ColumnType, schema: Schema) -> Call:
        if t.precision is None:
            return call(plain, **extra)
        return call(f"{ctx.module(module)}.{func}", **{keyword: str(t.precision)}, **extra)
    return render


def _fixed(text: str, **kwargs: str):
    return lambda ctx, t, schema: call(text, **kwargs)


def _dialect_type(module: str, func: str):
    return lambda ctx, t, schema: call(f"{ctx.module(module)}.{func}")


_COMMON = {
    "smallint": _fixed("sa.SmallInteger"), "integer": _fixed("sa.Integer"), "bigint": _fixed("sa.BigInteger"),
    "numeric": _numeric, "boolean": _fixed("sa.Boolean"), "text": _fixed("sa.Text"), "date": _fixed("sa.Date"),
    "json": _fixed("sa.JSON"),
    "char": lambda ctx, t, schema: _length("sa.CHAR", t),
    "varchar": lambda ctx, t, schema: _length("sa.String", t),
}
TYPES: dict[str, dict[str, Callable[[RenderContext, ColumnType, Schema], Call]]] = {
    "postgresql": {
        **_COMMON,
        "real": _fixed("sa.REAL"), "double": _fixed("sa.Double"), "uuid": _fixed("sa.UUID"),
        "jsonb": _dialect_type("postgresql", "JSONB"), "binary": _fixed("sa.LargeBinary"),
        "time": _fractional("postgresql", "TIME", "precision", "sa.Time"),
        "timestamp": _fractional("postgresql", "TIMESTAMP", "precision", "sa.DateTime"),
        "timestamptz": _fractional("postgresql", "TIMESTAMP", "precision", "sa.DateTime", timezone="True"),
        "enum": _pg_enum,
    },
    "mysql": {
        **_COMMON,
        "real": _fixed("sa.Float"), "double": _fixed("sa.Double"), "jsonb": _fixed("sa.JSON"),
        "uuid": _fixed("sa.CHAR", length="36"),  # mgen's MySQL spelling of uuid
        "varchar": lambda ctx, t, schema: call("sa.String", length=str(t.length if t.length is not None else 255)),
        "binary": lambda ctx, t, schema: (call("sa.VARBINARY", length=str(t.length)) if t.length is not None
                                          else call(f"{ctx.module('mysql')}.LONGBLOB")),
        "time": _fractional("mysql", "TIME", "fsp", "sa.Time"),
        "timestamp": _fractional("mysql", "DATETIME", "fsp", "sa.DateTime"),
        "timestamptz": _fractional("mysql", "TIMESTAMP", "fsp", "sa.TIMESTAMP"),
        "enum": _mysql_enum,
    },
    "sqlite": {
        **_COMMON,
        "real": _fixed("sa.REAL"), "double": _fixed("sa.Double"), "uuid": _fixed("sa.UUID"),
        "jsonb": _dialect_type("sqlite", "JSONB"), "binary": _fixed("sa.LargeBinary"),
        "time": _fixed("sa.Time"), "timestamp": _fixed("sa.DateTime"),  # without precision: SQLite keeps none
        "enum": _fixed("sa.Text"),  # mgen keeps SQLite enums as TEXT
    },
}


# PostgreSQL's own types SQLAlchemy's postgresql dialect declares without arguments
_PG_NATIVE = {"tsvector": "TSVECTOR", "inet": "INET", "cidr": "CIDR", "macaddr": "MACADDR", "money": "MONEY",
              "interval": "INTERVAL", "citext": "CITEXT", "hstore": "HSTORE"}


def type_expr(ctx: RenderContext, t: ColumnType, schema: Schema, op: Operation) -> Call:
    """The SQLAlchemy type for ``t``; NotNative when SQLAlchemy cannot declare it as mgen does."""
    if t.array and ctx.name == "postgresql":  # ARRAY(String(20))
        return call(f"{ctx.module('postgresql')}.ARRAY", type_expr(ctx, t.element(), schema, op))
    if t.name == "native" and ctx.name == "postgresql" and t.native in _PG_NATIVE:  # TSVECTOR, INET, ...
        return call(f"{ctx.module('postgresql')}.{_PG_NATIVE[t.native]}")
    render = TYPES[ctx.name].get(t.name) if not t.array else None
    if render is None or (ctx.name == "sqlite" and t.precision is not None and t.name in ("time", "timestamp")):
        raise ctx.not_native(op, f"SQLAlchemy has no type {ctx.name} declares as "
                                 f"{ctx.dialect.type_sql(t, schema)} (mgen's {t.describe()})")
    return render(ctx, t, schema)


def column_type(ctx: RenderContext, table: str, column: Column, schema: Schema, op: Operation) -> Call:
    """A model column's type as autogenerate writes it (the type the model declares: ``sa.Unicode()``, a
    project ``TypeDecorator`` as ``module.Class(...)``), when that creates the database type mgen compared;
    else ``type_expr`` of that type. A PostgreSQL enum stays ``postgresql.ENUM(create_type=False)``: mgen
    creates the type on its own."""
    found = ctx.declared.get((table, column.name))
    if found is None or not _same_declared(ctx, found, column, schema):
        return type_expr(ctx, column.type, schema, op)
    declared = found[1]
    ctx.imports.update(declared.imports)
    return call(declared.func, *declared.args, **dict(declared.kwargs))


def _same_declared(ctx: RenderContext, found: tuple, column: Column, schema: Schema) -> bool:
    """The declared type makes the column's type (a MySQL enum: the same values; its name is the column's)."""
    if column.type.name != "enum":
        return found[0] == column.type
    if ctx.name == "postgresql" or found[0].name != "enum":
        return False
    try:
        return tuple(repr(v) for v in schema.enum(column.type.enum or "").values) == found[1].args  # as repr()
    except KeyError:
        return False


_PLAIN_STRING = re.compile(r"[^'\"\\:%\n\r\t]*")


def default_expr(ctx: RenderContext, default: Default | None, column: Column, schema: Schema) -> str | Call | None:
    """A ``server_default``: a plain string when SQLAlchemy's quoting gives exactly mgen's literal,
    else ``sa.text()`` of mgen's default SQL for the dialect (so the database stores what mgen's own
    migration would). None for no default."""
    if default is None or default.kind == "null":
        return None
    sql = ctx.dialect.default_sql(default, column, schema)
    if default.kind == "string" and sql == ctx.dialect.literal(default.value) and _PLAIN_STRING.fullmatch(
            default.value):
        return py(default.value)
    return sa_text(sql)


# ---------------------------------------------------------------------------------------------
# Columns, constraints and the "existing_*" arguments of alter_column
# ---------------------------------------------------------------------------------------------
def column_call(ctx: RenderContext, column: Column, table: Table, schema: Schema, op: Operation,
                in_create: bool = False) -> Call:
    """``sa.Column(...)`` as it is declared in ``table`` (CREATE TABLE when ``in_create``; else the
    column of an ADD COLUMN, where SQLAlchemy makes no key and so no auto-increment)."""
    args: list = [py(column.name), column_type(ctx, table.name, column, schema, op)]
    kwargs: dict = {}
    if column.generated is not None:  # the dialect's spelling: SQLAlchemy passes the text through
        args.append(call("sa.Computed", py_sql(ctx.dialect.expression_sql(column.generated.expression)),
                         persisted=str(column.generated.stored)))
    in_pk = table.primary_key is not None and column.name in table.primary_key.columns
    if column.identity:
        if ctx.name == "postgresql" and column.identity in ("always", "by_default"):
            args.append(call("sa.Identity", always=str(column.identity == "always")))
        elif in_create and in_pk and column.type.name in _INTEGERS:
            kwargs["autoincrement"] = "True"  # SERIAL / AUTO_INCREMENT / (with sqlite_autoincrement) AUTOINCREMENT
        else:
            raise ctx.not_native(op, f"SQLAlchemy makes {column.name} auto-incrementing only as the table's "
                                     "integer primary key created with the table")
    elif in_pk and column.type.name in _INTEGERS:
        kwargs["autoincrement"] = "False"  # else SQLAlchemy would make it SERIAL / AUTO_INCREMENT
    kwargs["nullable"] = str(column.nullable)
    if not (column.identity and ctx.name == "mysql") and column.generated is None:  # AUTO_INCREMENT takes no default
        kwargs["server_default"] = default_expr(ctx, column.default, column, schema)
    if column.comment is not None and ctx.dialect.supports_comments:
        kwargs["comment"] = py(column.comment)
    return call("sa.Column", *args, **kwargs)


def existing(ctx: RenderContext, column: Column, schema: Schema, op: Operation, **skip: bool) -> dict:
    """The ``existing_*`` arguments alter_column needs: MySQL rewrites the whole column (MODIFY/CHANGE)
    from them, and a batch rebuild and Alembic's offline mode read them too."""
    out: dict = {"existing_type": type_expr(ctx, column.type, schema, op),
                 "existing_nullable": str(column.nullable)}
    if not skip.get("default") and not (column.identity and ctx.name == "mysql"):
        out["existing_server_default"] = default_expr(ctx, column.default, column, schema)
    if not skip.get("comment") and column.comment is not None and ctx.dialect.supports_comments:
        out["existing_comment"] = py(column.comment)
    if column.identity and ctx.name == "mysql":
        out["existing_autoincrement"] = "True"
    return out


def alter_column(ctx: RenderContext, op: Operation, table: str, column: Column, schema: Schema, skip=(), **changes
                 ) -> Call:
    """``alter_column(table, column, <changes>, <existing_*>)``: ``column`` as it is before the change."""
    kwargs = {**changes, **existing(ctx, column, schema, op, **{k: True for k in skip})}
    return ctx.op("alter_column", table, py(column.name), **kwargs)


def _index_elements(ctx: RenderContext, index: Index) -> str:
    orders = dict(index.orders)  # an ordered column as autogenerate writes it: sa.literal_column("c DESC")
    parts = [sa_text(ctx.dialect.expression_sql(e[1:-1])).format()[0] if e.startswith("(") else
             f"sa.literal_column({py(_plain_or_quoted(ctx, e) + ' ' + orders[e])})" if e in orders else py(e)
             for e in index.columns]
    return "[" + ", ".join(parts) + "]"


def _plain_or_quoted(ctx: RenderContext, name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else ctx.dialect.quote(name)


def create_index(ctx: RenderContext, table: str, index: Index, online: bool = False) -> Call:
    ctx.dialect.create_index_sql(table, index, online)  # refuses what the dialect cannot index, as mgen's SQL
    kwargs: dict = {"unique": str(index.unique)}  # autogenerate always writes unique=
    if index.where is not None:
        kwargs[f"{ctx.name}_where"] = sa_text(ctx.dialect.expression_sql(index.where))
    if index.method not in (None, "btree"):
        kwargs["postgresql_using"] = py(index.method)
    if index.ops:
        kwargs["postgresql_ops"] = "{" + ", ".join(f"{py(c)}: {py(o)}" for c, o in index.ops) + "}"
    if online and ctx.name == "postgresql":
        kwargs["postgresql_concurrently"] = "True"
    if ctx.target == "batch_op":
        return call("batch_op.create_index", py(index.name), _index_elements(ctx, index), **kwargs)
    return call("op.create_index", py(index.name), py(table), _index_elements(ctx, index), **kwargs)


def drop_index(ctx: RenderContext, table: str, index: Index, online: bool = False) -> Call:
    kwargs = {"postgresql_concurrently": "True"} if online and ctx.name == "postgresql" else {}
    if ctx.target == "batch_op":
        return call("batch_op.drop_index", py(index.name), **kwargs)
    return call("op.drop_index", py(index.name), table_name=py(table), **kwargs)


def autocommit_block(statements: list) -> Block:
    """Statements PostgreSQL cannot run inside the migration's transaction (CONCURRENTLY, a backfill
    committing batch by batch): Alembic commits what came before and runs them in autocommit."""
    return Block("with op.get_context().autocommit_block():", tuple(statements))


def fk_kwargs(ctx: RenderContext, fk: ForeignKey) -> dict:
    """``ondelete=`` / ``onupdate=`` of a foreign key, where they are not NO ACTION."""
    kwargs: dict = {}
    if fk.on_delete != "NO ACTION":
        kwargs["ondelete"] = py(fk.on_delete)
    if fk.on_update != "NO ACTION":
        kwargs["onupdate"] = py(fk.on_update)
    return kwargs


def not_valid_kwargs(ctx: RenderContext, validated: bool, what: str) -> dict:
    """``postgresql_not_valid=True`` for a constraint added without checking the existing rows."""
    ctx.dialect.not_valid_sql(validated, what)  # refuses NOT VALID where the dialect has none
    return {} if validated else {"postgresql_not_valid": "True"}


def execute(ctx: RenderContext, statements: Sequence[str]) -> list:
    """``op.execute`` of each statement (SQL for which Alembic has no operation)."""
    return [call("op.execute", py_sql(s)) for s in statements]


def mgen_sql(ctx: RenderContext, op: Operation, before: Schema, after: Schema) -> list:
    """``op.execute`` of mgen's own statements for ``op``, in autocommit where they need it."""
    statements = execute(ctx, ctx.dialect.render_op(op, before, after))
    if statements and ctx.name == "postgresql" and ctx.dialect.outside_transaction(op):
        return [autocommit_block(statements)]
    return statements
