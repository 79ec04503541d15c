"""New Alembic revision files written from mgen operations, the way ``alembic revision`` writes them.

The file is Alembic's own layout (the docstring header, ``revision``/``down_revision``, ``upgrade()`` and
``downgrade()``), named by the project's ``file_template``, revising the current head (read statically:
``revisions.read_graph``). Each mgen operation becomes ``op.*`` calls through a registry of small render
functions, one per operation class (``@native(OpClass)``); the downgrade is the rendering of
``reverse_all(ops)`` from the schema after the upgrade, so it is a consequence of the upgrade, never a
second hand-written thing.

Why native calls, not SQL: an Alembic project's migrations are read by people and by Alembic's own
tools (``--sql`` offline mode, autogenerate's comparison with models), and they run on the dialect the
project uses. So types are SQLAlchemy types (``sa.String(length=50)``), defaults ``server_default``,
names always explicit (mgen's model names every constraint and index), and on SQLite every change
SQLite's ALTER cannot make sits in ``op.batch_alter_table`` as autogenerate's ``render_as_batch`` puts
it. What Alembic has no operation for but is plain SQL by nature (a data backfill, VALIDATE CONSTRAINT,
PostgreSQL enum values) is ``op.execute`` of mgen's SQL for the dialect.

An operation Alembic cannot express faithfully raises ``NotNative`` (an ``MgenError`` naming the
operation and why) rather than being written approximately; ``raw_sql=True`` writes such operations as
``op.execute`` of mgen's own statements instead (the rest stays native).
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ...dialects import Dialect, Unsupported, canonical_name, get_dialect
from ...dialects.postgresql import needs_using
from ...errors import MgenError
from ...formats import render_template, write_atomically
from ...naming import primary_key_name
from ...operations import (
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    Backfill,
    CreateEnum,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropEnumValue,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameTable,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
    ValidateConstraint,
    apply_all,
    reverse_all,
)
from ...schema import Column, ColumnType, Default, ForeignKey, Index, Schema, Table
from ..pywrite import py, py_text
from .config import AlembicConfig
from .revisions import read_graph

WIDTH = 99  # a call longer than this (with its indentation) is broken one argument per line
_SLUG = re.compile(r"\w+")  # Alembic's _slug_re
_ILLEGAL_REV_CHARS = ("@", "-", "+")  # Alembic refuses these in a revision id (Script.verify_rev_id)
_INTEGERS = frozenset({"smallint", "integer", "bigint"})


class NotNative(MgenError):
    """An operation Alembic's operations cannot express as mgen means it (``raw_sql=True`` writes it as
    ``op.execute`` of mgen's SQL)."""


# ---------------------------------------------------------------------------------------------
# Python code, built as data and formatted at the end
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """``func(args..., key=value...)``; arguments are Python source text or nested calls."""

    func: str
    args: tuple = ()
    kwargs: tuple = ()  # (name, value) pairs, in order

    def format(self, indent: int = 0) -> list[str]:
        parts = [_format_arg(a, indent + 4) for a in self.args]
        parts += [_prefix(f"{k}=", _format_arg(v, indent + 4)) for k, v in self.kwargs]
        flat = f"{self.func}(" + ", ".join(p[0] for p in parts) + ")"
        if all(len(p) == 1 for p in parts) and indent + len(flat) <= WIDTH:
            return [flat]
        lines = [f"{self.func}("]
        for p in parts:
            lines += ["    " + p[0]] + ["    " + x for x in p[1:-1]] + (["    " + p[-1]] if len(p) > 1 else [])
            lines[-1] += ","
        return lines + [")"]


def _format_arg(arg, indent: int) -> list[str]:
    return arg.format(indent) if isinstance(arg, Call) else arg.split("\n")


def _prefix(prefix: str, lines: list[str]) -> list[str]:
    return [prefix + lines[0]] + lines[1:]


def call(func: str, *args, **kwargs) -> Call:
    """A call; keyword arguments that are None are left out (pass the text "None" to write None)."""
    return Call(func, tuple(args), tuple((k, v) for k, v in kwargs.items() if v is not None))


@dataclass(frozen=True)
class Block:
    """``header:`` followed by an indented body (``with op.batch_alter_table(...) as batch_op:``)."""

    header: str
    body: tuple


@dataclass(frozen=True)
class Comment:
    text: str


def format_statements(statements: Sequence, indent: int = 4) -> list[str]:
    """Source lines (without the function body's own indentation) for statements."""
    lines: list[str] = []
    for s in statements:
        if isinstance(s, Comment):
            lines.append("# " + s.text)
        elif isinstance(s, Block):
            lines.append(s.header)
            lines += ["    " + x for x in format_statements(s.body, indent + 4)]
            if all(isinstance(x, Comment) for x in s.body):
                lines.append("    pass")  # a block of comments only is no block in Python
        else:
            lines += s.format(indent)
    return lines


# SQLAlchemy's text() reads ":name" as a bound parameter (sql/elements.py, TextClause._bind_params_regex);
# SQL that means a colon literally gets it escaped as "\:".
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def py_sql(sql: str) -> str:
    """SQL as a Python string for ``sa.text()``/``op.execute()``: colons escaped, multi-line SQL as
    implicitly concatenated lines (readable, and untouched by the indentation around it)."""
    return py_text(_BIND.sub(r"\\:\1", sql))


def sa_text(sql: str) -> Call:
    return call("sa.text", py_sql(sql))


# ---------------------------------------------------------------------------------------------
# Rendering context: the dialect, the imports a file needs, "op" or "batch_op"
# ---------------------------------------------------------------------------------------------
@dataclass
class Context:
    dialect: Dialect
    imports: set[str] = field(default_factory=set)
    target: str = "op"  # "batch_op" inside a batch block: the table is the block's
    raw_sql: bool = False

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


def _numeric(ctx: Context, t: ColumnType, schema: Schema) -> Call:
    if t.precision is None:
        return call("sa.Numeric")
    return call("sa.Numeric", precision=str(t.precision), scale=str(t.scale or 0))


def _enum_values(t: ColumnType, schema: Schema) -> list[str]:
    try:
        return [py(v) for v in schema.enum(t.enum or "").values]
    except KeyError:
        raise MgenError(f"enum type {t.enum!r} is used by a column but not defined") from None


def _pg_enum(ctx: Context, t: ColumnType, schema: Schema) -> Call:
    # the type exists on its own (CREATE TYPE, a CreateEnum operation): never created with a table
    return call(f"{ctx.module('postgresql')}.ENUM", *_enum_values(t, schema), name=py(t.enum), create_type="False")


def _mysql_enum(ctx: Context, t: ColumnType, schema: Schema) -> Call:
    return call("sa.Enum", *_enum_values(t, schema), name=py(t.enum))


def _fractional(module: str, func: str, keyword: str, plain: str, **extra: str):
    """A time type: the generic one, or the dialect's own with its fractional-seconds precision."""
    def render(ctx: Context, t: ColumnType, schema: Schema) -> Call:
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
TYPES: dict[str, dict[str, Callable[[Context, ColumnType, Schema], Call]]] = {
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


def type_expr(ctx: Context, t: ColumnType, schema: Schema, op: Operation) -> Call:
    """The SQLAlchemy type for ``t``; NotNative when SQLAlchemy cannot declare it as mgen does."""
    render = TYPES[ctx.name].get(t.name)
    if render is None or (ctx.name == "sqlite" and t.precision is not None and t.name in ("time", "timestamp")):
        raise ctx.not_native(op, f"SQLAlchemy has no type {ctx.name} declares as "
                                 f"{ctx.dialect.type_sql(t, schema)} (mgen's {t.describe()})")
    return render(ctx, t, schema)


_PLAIN_STRING = re.compile(r"[^'\"\\:%\n\r\t]*")


def default_expr(ctx: Context, default: Default | None, column: Column, schema: Schema) -> str | Call | None:
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
def column_call(ctx: Context, column: Column, table: Table, schema: Schema, op: Operation,
                in_create: bool = False) -> Call:
    """``sa.Column(...)`` as it is declared in ``table`` (CREATE TABLE when ``in_create``; else the
    column of an ADD COLUMN, where SQLAlchemy makes no key and so no auto-increment)."""
    args: list = [py(column.name), type_expr(ctx, column.type, schema, op)]
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


def existing(ctx: Context, column: Column, schema: Schema, op: Operation, **skip: bool) -> dict:
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


def alter_column(ctx: Context, op: Operation, table: str, column: Column, schema: Schema, skip=(), **changes
                 ) -> Call:
    """``alter_column(table, column, <changes>, <existing_*>)``: ``column`` as it is before the change."""
    kwargs = {**changes, **existing(ctx, column, schema, op, **{k: True for k in skip})}
    return ctx.op("alter_column", table, py(column.name), **kwargs)


def _index_elements(ctx: Context, index: Index) -> str:
    parts = [sa_text(ctx.dialect.expression_sql(e[1:-1])).format()[0] if e.startswith("(") else py(e)
             for e in index.columns]
    return "[" + ", ".join(parts) + "]"


def create_index(ctx: Context, table: str, index: Index, online: bool = False) -> Call:
    ctx.dialect.create_index_sql(table, index, online)  # refuses what the dialect cannot index, as mgen's SQL
    kwargs: dict = {"unique": "True" if index.unique else None}
    if index.where is not None:
        kwargs[f"{ctx.name}_where"] = sa_text(ctx.dialect.expression_sql(index.where))
    if index.method not in (None, "btree"):
        kwargs["postgresql_using"] = py(index.method)
    if online and ctx.name == "postgresql":
        kwargs["postgresql_concurrently"] = "True"
    if ctx.target == "batch_op":
        return call("batch_op.create_index", py(index.name), _index_elements(ctx, index), **kwargs)
    return call("op.create_index", py(index.name), py(table), _index_elements(ctx, index), **kwargs)


def drop_index(ctx: Context, table: str, index: Index, online: bool = False) -> Call:
    kwargs = {"postgresql_concurrently": "True"} if online and ctx.name == "postgresql" else {}
    if ctx.target == "batch_op":
        return call("batch_op.drop_index", py(index.name), **kwargs)
    return call("op.drop_index", py(index.name), table_name=py(table), **kwargs)


def _autocommit(statements: list) -> Block:
    """Statements PostgreSQL cannot run inside the migration's transaction (CONCURRENTLY, a backfill
    committing batch by batch): Alembic commits what came before and runs them in autocommit."""
    return Block("with op.get_context().autocommit_block():", tuple(statements))


def _fk_kwargs(ctx: Context, fk: ForeignKey) -> dict:
    kwargs: dict = {}
    if fk.on_delete != "NO ACTION":
        kwargs["ondelete"] = py(fk.on_delete)
    if fk.on_update != "NO ACTION":
        kwargs["onupdate"] = py(fk.on_update)
    return kwargs


def _not_valid(ctx: Context, validated: bool, what: str) -> dict:
    ctx.dialect.not_valid_sql(validated, what)  # refuses NOT VALID where the dialect has none
    return {} if validated else {"postgresql_not_valid": "True"}


def execute(ctx: Context, statements: Sequence[str]) -> list:
    """``op.execute`` of each statement (SQL for which Alembic has no operation)."""
    return [call("op.execute", py_sql(s)) for s in statements]


def mgen_sql(ctx: Context, op: Operation, before: Schema, after: Schema) -> list:
    """``op.execute`` of mgen's own statements for ``op``, in autocommit where they need it."""
    statements = execute(ctx, ctx.dialect.render_op(op, before, after))
    if statements and ctx.name == "postgresql" and ctx.dialect.outside_transaction(op):
        return [_autocommit(statements)]
    return statements


# ---------------------------------------------------------------------------------------------
# One render function per operation class
# ---------------------------------------------------------------------------------------------
Renderer = Callable[[Context, Operation, Schema, Schema], list]
NATIVE: dict[type[Operation], Renderer] = {}


def native(op_type: type[Operation]):
    """Register the render function of ``op_type``."""
    def register(fn: Renderer) -> Renderer:
        NATIVE[op_type] = fn
        return fn
    return register


@native(CreateTable)
def render_create_table(ctx: Context, op: CreateTable, before: Schema, after: Schema) -> list:
    t = op.table_def
    items: list = [py(t.name)] + [column_call(ctx, c, t, after, op, in_create=True) for c in t.columns]
    if t.primary_key is not None:
        items.append(call("sa.PrimaryKeyConstraint", *map(py, t.primary_key.columns),
                          name=py(t.primary_key.name or primary_key_name(t.name))))
    items += [call("sa.UniqueConstraint", *map(py, u.columns), name=py(u.name)) for u in t.uniques]
    items += [call("sa.CheckConstraint", py_sql(ctx.dialect.expression_sql(c.expression)), name=py(c.name))
              for c in t.checks]
    items += [call("sa.ForeignKeyConstraint", py(list(f.columns)), py([f"{f.ref_table}.{c}" for c in f.ref_columns]),
                   name=py(f.name), **_fk_kwargs(ctx, f)) for f in t.foreign_keys]
    kwargs: dict = {}
    if t.comment is not None and ctx.dialect.supports_comments:
        kwargs["comment"] = py(t.comment)
    if ctx.name == "sqlite" and any(c.identity for c in t.columns):
        kwargs["sqlite_autoincrement"] = "True"
    out: list = [call("op.create_table", *items, **kwargs)]
    out += [create_index(ctx, t.name, i) for i in t.indexes]
    return out


@native(DropTable)
def render_drop_table(ctx: Context, op: DropTable, before: Schema, after: Schema) -> list:
    return [call("op.drop_table", py(op.table_def.name))]


@native(RenameTable)
def render_rename_table(ctx: Context, op: RenameTable, before: Schema, after: Schema) -> list:
    return [call("op.rename_table", py(op.table), py(op.new_name))]


@native(SetTableComment)
def render_set_table_comment(ctx: Context, op: SetTableComment, before: Schema, after: Schema) -> list:
    if not ctx.dialect.supports_comments:
        return [Comment(f"{ctx.name} keeps no comments: {op.describe()}")]
    if op.new is None:
        return [call("op.drop_table_comment", py(op.table), existing_comment=py(op.old) if op.old else None)]
    return [call("op.create_table_comment", py(op.table), py(op.new),
                 existing_comment=py(op.old) if op.old is not None else None)]


@native(AddColumn)
def render_add_column(ctx: Context, op: AddColumn, before: Schema, after: Schema) -> list:
    return [ctx.op("add_column", op.table, column_call(ctx, op.column, after.table(op.table), after, op))]


@native(DropColumn)
def render_drop_column(ctx: Context, op: DropColumn, before: Schema, after: Schema) -> list:
    return [ctx.op("drop_column", op.table, py(op.column.name))]


@native(RenameColumn)
def render_rename_column(ctx: Context, op: RenameColumn, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    return [alter_column(ctx, op, op.table, column, before, new_column_name=py(op.new_name))]


@native(AlterColumnType)
def render_alter_column_type(ctx: Context, op: AlterColumnType, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    new_type = type_expr(ctx, op.new, after, op)
    if ctx.name != "postgresql":
        return [alter_column(ctx, op, op.table, column, before, type_=new_type)]
    using = None
    if needs_using(op.old, op.new):
        col = ctx.dialect.quote(op.column)
        via = "::text" if "enum" in (op.old.name, op.new.name) else ""
        using = py_sql(f"{col}{via}::{ctx.dialect.type_sql(op.new, after, column)}")
    change = alter_column(ctx, op, op.table, column, before, type_=new_type, postgresql_using=using)
    default = default_expr(ctx, column.default, column, before)
    if op.old.name == op.new.name or default is None or column.identity:
        return [change]
    # a default typed for the old type would block the cast or keep the old type's cast (as mgen's SQL)
    without = Column(column.name, column.type, column.nullable, None, None, column.comment)
    after_column = after.table(op.table).column(op.column)
    return [alter_column(ctx, op, op.table, column, before, server_default="None"),
            alter_column(ctx, op, op.table, without, before, type_=new_type, postgresql_using=using),
            alter_column(ctx, op, op.table, Column(column.name, op.new, column.nullable, None, None, column.comment),
                         after, server_default=default_expr(ctx, after_column.default, after_column, after))]


@native(AlterColumnNullability)
def render_alter_column_nullability(ctx: Context, op: AlterColumnNullability, before: Schema, after: Schema
                                    ) -> list:
    column = before.table(op.table).column(op.column)
    return [alter_column(ctx, op, op.table, column, before, nullable=str(op.nullable))]


@native(AlterColumnDefault)
def render_alter_column_default(ctx: Context, op: AlterColumnDefault, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    new = default_expr(ctx, op.new, after.table(op.table).column(op.column), after)
    return [alter_column(ctx, op, op.table, column, before, server_default=new if new is not None else "None")]


@native(AlterColumnIdentity)
def render_alter_column_identity(ctx: Context, op: AlterColumnIdentity, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    if ctx.name == "mysql":
        return [alter_column(ctx, op, op.table, column, before, skip=("default",), autoincrement=str(bool(op.new)))]
    if ctx.name == "sqlite":
        # the batch block rebuilds the table with or without AUTOINCREMENT (see _batch_block)
        return [Comment(f"{op.describe()}: the table is rebuilt with sqlite_autoincrement={bool(op.new)}")]
    raise ctx.not_native(op, "Alembic adds an identity without moving its sequence past the existing rows")


@native(SetColumnComment)
def render_set_column_comment(ctx: Context, op: SetColumnComment, before: Schema, after: Schema) -> list:
    if not ctx.dialect.supports_comments:
        return [Comment(f"{ctx.name} keeps no comments: {op.describe()}")]
    column = before.table(op.table).column(op.column)
    return [alter_column(ctx, op, op.table, column, before, skip=("comment",),
                         comment=py(op.new) if op.new is not None else "None",
                         existing_comment=py(op.old) if op.old is not None else None)]


@native(SetPrimaryKey)
def render_set_primary_key(ctx: Context, op: SetPrimaryKey, before: Schema, after: Schema) -> list:
    if ctx.name == "mysql" and any(c.identity for t in (before, after) for c in t.table(op.table).columns):
        raise ctx.not_native(op, "MySQL must drop and add the primary key of an AUTO_INCREMENT column in one "
                                 "statement, and Alembic writes two")
    out: list = []
    if op.old is not None:
        out.append(ctx.constraint_op("drop_constraint", op.old.name or primary_key_name(op.table), op.table,
                          type_=py("primary")))
    if op.new is not None:
        out.append(ctx.constraint_op("create_primary_key", op.new.name or primary_key_name(op.table), op.table,
                          py(list(op.new.columns))))
    return _with_fk_indexes(ctx, op.table, before, after, out)


@native(AddIndex)
def render_add_index(ctx: Context, op: AddIndex, before: Schema, after: Schema) -> list:
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for an index")
    statement = create_index(ctx, op.table, op.index, op.online)
    if op.online and ctx.name == "postgresql":
        return [_autocommit([statement])]
    return _with_fk_indexes(ctx, op.table, before, after, [statement])


@native(DropIndex)
def render_drop_index(ctx: Context, op: DropIndex, before: Schema, after: Schema) -> list:
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for an index")
    statement = drop_index(ctx, op.table, op.index, op.online)
    if op.online and ctx.name == "postgresql":
        return [_autocommit([statement])]
    return _with_fk_indexes(ctx, op.table, before, after, [statement])


@native(AddUnique)
def render_add_unique(ctx: Context, op: AddUnique, before: Schema, after: Schema) -> list:
    if op.using_index is not None:
        ctx.dialect.render_op(op, before, after)  # refused where the dialect has no USING INDEX
        raise ctx.not_native(op, "Alembic has no ADD CONSTRAINT ... USING INDEX")
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for a constraint")
    statement = ctx.constraint_op("create_unique_constraint", op.unique.name, op.table,
                                  py(list(op.unique.columns)))
    return _with_fk_indexes(ctx, op.table, before, after, [statement])


@native(DropUnique)
def render_drop_unique(ctx: Context, op: DropUnique, before: Schema, after: Schema) -> list:
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for a constraint")
    if op.restore_index is not None and ctx.name != "postgresql":
        ctx.dialect.render_op(op, before, after)  # mgen refuses it there: say why
    out: list = [ctx.constraint_op("drop_constraint", op.unique.name, op.table, type_=py("unique"))]
    if op.restore_index is not None:
        out.append(create_index(ctx, op.table, op.restore_index))
    return _with_fk_indexes(ctx, op.table, before, after, out)


@native(AddForeignKey)
def render_add_foreign_key(ctx: Context, op: AddForeignKey, before: Schema, after: Schema) -> list:
    return [_create_foreign_key(ctx, op.table, op.foreign_key)]


def _create_foreign_key(ctx: Context, table: str, fk: ForeignKey) -> Call:
    kwargs = {**_fk_kwargs(ctx, fk), **_not_valid(ctx, fk.validated, f"foreign key {fk.name}")}
    return ctx.constraint_op("create_foreign_key", fk.name, table, py(fk.ref_table), py(list(fk.columns)),
                             py(list(fk.ref_columns)), **kwargs)


@native(DropForeignKey)
def render_drop_foreign_key(ctx: Context, op: DropForeignKey, before: Schema, after: Schema) -> list:
    fk = op.foreign_key
    out: list = [ctx.constraint_op("drop_constraint", fk.name, op.table, type_=py("foreignkey"))]
    if ctx.name == "mysql" and not ctx.dialect.has_index_for(before.table(op.table), fk):  # type: ignore[attr-defined]
        # MySQL made an index named after the foreign key when it was added; it goes with it
        out.append(drop_index(ctx, op.table, Index(fk.name, fk.columns)))
    return out


@native(AddCheck)
def render_add_check(ctx: Context, op: AddCheck, before: Schema, after: Schema) -> list:
    return [_create_check(ctx, op.table, op.check)]


def _create_check(ctx: Context, table: str, check) -> Call:
    return ctx.constraint_op("create_check_constraint", check.name, table,
                             py_sql(ctx.dialect.expression_sql(check.expression)),
                  **_not_valid(ctx, check.validated, f"check {check.name}"))


@native(DropCheck)
def render_drop_check(ctx: Context, op: DropCheck, before: Schema, after: Schema) -> list:
    return [ctx.constraint_op("drop_constraint", op.check.name, op.table, type_=py("check"))]


@native(ValidateConstraint)
def render_validate_constraint(ctx: Context, op: ValidateConstraint, before: Schema, after: Schema) -> list:
    if op.validated:
        return mgen_sql(ctx, op, before, after)  # VALIDATE CONSTRAINT: Alembic has no operation for it
    ctx.dialect.render_op(op, before, after)  # refused where there is no NOT VALID
    # no "invalidate": drop it and add it again NOT VALID
    table = after.table(op.table)
    kinds = [(c, "check") for c in table.checks if c.name == op.name] + \
            [(f, "foreignkey") for f in table.foreign_keys if f.name == op.name]
    constraint, kind = kinds[0]
    add = _create_check(ctx, op.table, constraint) if kind == "check" else _create_foreign_key(ctx, op.table, constraint)
    return [ctx.constraint_op("drop_constraint", op.name, op.table, type_=py(kind)), add]



@native(Backfill)
def render_backfill(ctx: Context, op: Backfill, before: Schema, after: Schema) -> list:
    if op.column is None:
        return [Comment(op.describe())]
    return mgen_sql(ctx, op, before, after)  # a data step: an UPDATE (batched where the dialect loops)



@native(CreateEnum)
def render_create_enum(ctx: Context, op: CreateEnum, before: Schema, after: Schema) -> list:
    if ctx.name != "postgresql":
        return [Comment(f"{op.describe()}: {ctx.name} keeps enum values on the columns")]
    enum = call("sa.Enum", *map(py, op.enum.values), name=py(op.enum.name))
    return [call(f"{enum.format()[0]}.create", "op.get_bind()")]


@native(DropEnum)
def render_drop_enum(ctx: Context, op: DropEnum, before: Schema, after: Schema) -> list:
    if ctx.name != "postgresql":
        return [Comment(f"{op.describe()}: {ctx.name} keeps enum values on the columns")]
    enum = call("sa.Enum", *map(py, op.enum.values), name=py(op.enum.name))
    return [call(f"{enum.format()[0]}.drop", "op.get_bind()")]


def _enum_columns(schema: Schema, enum: str) -> list[tuple[Table, Column]]:
    return [(t, c) for t in schema.tables for c in t.columns if c.type.name == "enum" and c.type.enum == enum]


def _enum_value_change(ctx: Context, op: AddEnumValue | DropEnumValue, before: Schema, after: Schema) -> list:
    if ctx.name == "postgresql":
        # ALTER TYPE ... ADD VALUE / the rebuild of the type: Alembic has no operation for either
        return mgen_sql(ctx, op, before, after)
    if ctx.name == "mysql":  # the values live on each column: MODIFY it with the new ENUM(...)
        return [alter_column(ctx, op, t.name, c, before, type_=type_expr(ctx, c.type, after, op))
                for t, c in _enum_columns(before, op.name)]
    return [Comment(f"{op.describe()}: {ctx.name} keeps enum columns as TEXT")]


@native(AddEnumValue)
def render_add_enum_value(ctx: Context, op: AddEnumValue, before: Schema, after: Schema) -> list:
    return _enum_value_change(ctx, op, before, after)


@native(DropEnumValue)
def render_drop_enum_value(ctx: Context, op: DropEnumValue, before: Schema, after: Schema) -> list:
    return _enum_value_change(ctx, op, before, after)



def _with_fk_indexes(ctx: Context, table: str, before: Schema, after: Schema, statements: list) -> list:
    """MySQL keeps exactly one index for each foreign key, as mgen's SQL does (see
    ``MySQL.foreign_key_index_clauses``): an index named after the key comes first when the change takes
    the key's supporting index away, and goes after a change that gives the key one."""
    if ctx.name != "mysql" or not (before.has_table(table) and after.has_table(table)):
        return statements
    d = ctx.dialect
    old, new = before.table(table), after.table(table)
    first, last = [], []
    for fk in new.foreign_keys:
        had, has = d.has_index_for(old, fk), d.has_index_for(new, fk)  # type: ignore[attr-defined]
        if had and not has:
            first.append(create_index(ctx, table, Index(fk.name, fk.columns)))
        elif has and not had and any(f.name == fk.name for f in old.foreign_keys):
            # MySQL drops the index it made for the key by itself once another one serves it; an index
            # of that name made explicitly (by the step above, on some earlier way down) stays
            existing_indexes = f'{{i["name"] for i in sa.inspect(op.get_bind()).get_indexes({py(table)})}}'
            last.append(Block(f"if {py(fk.name)} in {existing_indexes}:",
                              (drop_index(ctx, table, Index(fk.name, fk.columns)),)))
    return first + statements + last


# ---------------------------------------------------------------------------------------------
# A list of operations -> statements (SQLite's batch blocks; the raw-SQL fallback)
# ---------------------------------------------------------------------------------------------
# On SQLite these go inside ``op.batch_alter_table`` (autogenerate's render_as_batch); Alembic rebuilds
# the table once per block when SQLite's ALTER cannot make a change.
BATCHED = frozenset({
    AddColumn, DropColumn, RenameColumn, AlterColumnType, AlterColumnNullability, AlterColumnDefault,
    AlterColumnIdentity, SetPrimaryKey, AddIndex, DropIndex, AddUnique, DropUnique, AddForeignKey,
    DropForeignKey, AddCheck, DropCheck,
})


def render_operations(ops: Sequence[Operation], schema: Schema, dialect: str | Dialect, raw_sql: bool = False,
                      imports: set[str] | None = None) -> list:
    """The statements (``Call``/``Block``/``Comment``) that apply ``ops`` to ``schema``."""
    d = get_dialect(dialect) if isinstance(dialect, str) else dialect
    ctx = Context(d, imports if imports is not None else set(), raw_sql=raw_sql)
    out: list = []
    group: list = []  # (op, before, after) of the SQLite batch block being built
    for op in ops:
        after = op.apply(schema)
        batched = d.name == "sqlite" and type(op) in BATCHED and not (
            isinstance(op, (AddIndex, DropIndex)) and not reflected_by_batch(op.index))
        if batched and _renders_natively(ctx, op, schema, after):
            if group and group[0][0].table != op.table:
                out += _batch_block(ctx, group)
                group = []
            group.append((op, schema, after))
        else:
            if group:
                out += _batch_block(ctx, group)
                group = []
            out += raw(ctx, op, schema, after) if batched else render_one(ctx, op, schema, after)
        schema = after
    if group:
        out += _batch_block(ctx, group)
    return out


def _renders_natively(ctx: Context, op: Operation, before: Schema, after: Schema) -> bool:
    """False when ``op`` takes the raw-SQL fallback (so it leaves the batch block)."""
    try:
        inner = Context(ctx.dialect, set(), "batch_op")
        _render_native(inner, op, before, after)
        _check_rebuild(inner, op, before)
    except NotNative:
        if ctx.raw_sql:
            return False
        raise
    return True


def _render_native(ctx: Context, op: Operation, before: Schema, after: Schema) -> list:
    fn = NATIVE.get(type(op))
    if fn is None:
        raise ctx.not_native(op, "mgen has no Alembic rendering for this operation")
    try:
        return fn(ctx, op, before, after)
    except Unsupported as e:  # the dialect cannot do it at all, natively or not: say which operation
        raise Unsupported(f"{op.kind} ({op.describe()}): {e.message}", e.file, e.line) from None


def render_one(ctx: Context, op: Operation, before: Schema, after: Schema) -> list:
    """One operation outside any batch block: native, or (``raw_sql``) mgen's SQL when it cannot be."""
    try:
        return _render_native(ctx, op, before, after)
    except NotNative:
        if not ctx.raw_sql:
            raise
    return raw(ctx, op, before, after)


def raw(ctx: Context, op: Operation, before: Schema, after: Schema) -> list:
    """The raw-SQL fallback: mgen's statements for ``op`` as ``op.execute``, said so in a comment."""
    return [Comment(f"{op.describe()}: raw SQL (no native Alembic form)")] + mgen_sql(ctx, op, before, after)


def _rebuilds(ctx: Context, op: Operation, before: Schema) -> bool:
    """True when Alembic's batch mode rebuilds the table for ``op`` (``SQLiteImpl.requires_recreate_in_batch``:
    anything but indexes and an ADD COLUMN whose default is no SQL expression)."""
    if isinstance(op, (AddIndex, DropIndex)):
        return False
    if isinstance(op, AddColumn):
        return isinstance(default_expr(ctx, op.column.default, op.column, before), Call)
    return True


def _check_rebuild(ctx: Context, op: Operation, before: Schema) -> None:
    """A batch rebuild declares every column as SQLAlchemy reflects it: a type it has no spelling for
    (TIMESTAMPTZ, TIME(3)) would come back as NUMERIC. Such a table is rebuilt by mgen's SQL instead."""
    if not _rebuilds(ctx, op, before):
        return
    for column in before.table(op.table).columns:
        try:
            type_expr(ctx, column.type, before, op)
        except NotNative:
            raise ctx.not_native(op, f"a batch rebuild of {op.table} would redeclare {column.name} "
                                     f"({ctx.dialect.type_sql(column.type, before)}) as SQLAlchemy reflects it") \
                from None


def reflected_by_batch(index: Index) -> bool:
    """False for an expression index: SQLAlchemy's SQLite reflection skips it ("skipped unsupported
    reflection of expression-based index"), so a batch rebuild would silently lose it."""
    return not any(element.startswith("(") for element in index.columns)


def _batch_block(ctx: Context, group: list) -> list:
    """One ``with op.batch_alter_table(...)`` block for consecutive changes to one table. Expression
    indexes, which the rebuild would lose, are dropped before it and created again after it."""
    table = group[0][0].table
    inner = Context(ctx.dialect, ctx.imports, "batch_op", ctx.raw_sql)
    body: list = []
    for op, before, after in group:
        body += _render_native(inner, op, before, after)
    first, last = group[0][1], group[-1][2]
    kept = [i for i in first.table(table).indexes if not reflected_by_batch(i)]
    again = {i.name: i for i in last.table(table).indexes if not reflected_by_batch(i)}
    around = [drop_index(ctx, table, i) for i in kept], [create_index(ctx, table, again[i.name]) for i in kept
                                                         if i.name in again]
    kwargs: dict = {}
    had = any(c.identity for c in first.table(table).columns)
    has = any(c.identity for c in last.table(table).columns)
    if had or has:
        # SQLite's AUTOINCREMENT is a table option a rebuild must be told again
        kwargs["table_kwargs"] = "{" + f'"sqlite_autoincrement": {has}' + "}"
    if any(isinstance(op, AlterColumnIdentity) for op, _, _ in group):
        kwargs["recreate"] = py("always")
    header = call("op.batch_alter_table", py(table), **kwargs).format(4)
    header[0] = "with " + header[0]
    header[-1] += " as batch_op:"
    return around[0] + [Block("\n".join(header), tuple(body))] + around[1]


# ---------------------------------------------------------------------------------------------
# The revision file
# ---------------------------------------------------------------------------------------------
def new_rev_id() -> str:
    """A random 12-hex revision id, as Alembic's ``util.rev_id()``."""
    return uuid.uuid4().hex[-12:]


def slug_of(message: str, truncate: int) -> str:
    """The file name's slug, as Alembic makes it (``ScriptDirectory._rev_path``)."""
    slug = "_".join(_SLUG.findall(message or "")).lower()
    if len(slug) > truncate:
        slug = slug[:truncate].rsplit("_", 1)[0] + "_"
    return slug


def file_name(config: AlembicConfig, rev_id: str, message: str, create_date: datetime) -> str:
    """``file_template`` filled with Alembic's tokens, plus ``.py`` (may hold folders: ``%(year)d/...``)."""
    return config.file_template % {
        "rev": rev_id, "slug": slug_of(message, config.truncate_slug_length),
        "epoch": int(create_date.timestamp()), "year": create_date.year, "month": create_date.month,
        "day": create_date.day, "hour": create_date.hour, "minute": create_date.minute,
        "second": create_date.second,
    } + ".py"


def _now(config: AlembicConfig) -> datetime:
    """Alembic's create date: local time, or now in the ini's ``timezone``."""
    if config.timezone is None:
        return datetime.now()
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return datetime.now(ZoneInfo(config.timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise MgenError(f"unknown timezone {config.timezone!r}", str(config.ini_path)) from None


def _docstring_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def render_revision(ops: Sequence[Operation], old_schema: Schema, dialect: str, message: str, rev_id: str,
                    down_revision: str | None, create_date: datetime, raw_sql: bool = False) -> str:
    """The text of a revision file applying ``ops`` to ``old_schema`` (upgrade) and undoing them."""
    d = get_dialect(dialect)
    imports: set[str] = set()
    upgrade = render_operations(ops, old_schema, d, raw_sql, imports)
    downgrade = render_operations(reverse_all(ops), apply_all(ops, old_schema), d, raw_sql, imports)
    return render_template(
        "alembic_revision.py.j2",
        message=_docstring_text(message),
        revision=rev_id,
        revises=down_revision or "",
        create_date=str(create_date),
        dialect=d.name,
        imports=sorted(imports),
        revision_literal=py(rev_id),
        down_revision_literal=py(down_revision) if down_revision else "None",
        upgrade=format_statements(upgrade) or ["pass"],
        downgrade=format_statements(downgrade) or ["pass"],
    )


def write_revision(config: AlembicConfig, ops: Sequence[Operation], old_schema: Schema, dialect: str, message: str,
                   *, rev_id: str | None = None, now: datetime | None = None, dry_run: bool = False,
                   raw_sql: bool = False, version_path: Path | None = None) -> Path | str:
    """Write a new revision revising the current head; its path, or with ``dry_run`` its text.

    The head is read from the version locations (several heads: the error saying to merge them). With
    several version locations the file goes where the head is (as ``alembic revision`` does) unless
    ``version_path`` names one. Written atomically: a temporary file renamed into place."""
    dialect = canonical_name(dialect)
    graph = read_graph(list(config.version_locations), config.recursive_version_locations)
    head = graph.head()
    rev_id = rev_id or new_rev_id()
    if any(c in rev_id for c in _ILLEGAL_REV_CHARS) or not rev_id.strip():
        raise MgenError(f"revision id {rev_id!r} may not be empty or contain any of {' '.join(_ILLEGAL_REV_CHARS)}")
    if rev_id in graph.revisions:
        raise MgenError(f"revision id {rev_id!r} already exists", str(graph.revisions[rev_id].path))
    create_date = now or _now(config)
    text = render_revision(ops, old_schema, dialect, message, rev_id, head, create_date, raw_sql)
    if dry_run:
        return text
    folder = _version_folder(config, graph, head, version_path)
    target = folder / file_name(config, rev_id, message, create_date)
    if target.exists():
        raise MgenError("already exists; not overwriting it", str(target))
    write_atomically(target.parent, {target.name: text})
    return target


def _version_folder(config: AlembicConfig, graph, head: str | None, version_path: Path | None) -> Path:
    locations = [p.absolute() for p in config.version_locations]
    if version_path is not None:
        if Path(version_path).absolute() not in locations:
            raise MgenError(f"{version_path} is not one of the version locations "
                            f"({', '.join(map(str, locations))})", str(config.ini_path))
        return Path(version_path).absolute()
    if len(locations) == 1:
        return locations[0]
    if head is not None:
        return graph.revisions[head].path.parent
    raise MgenError("several version locations and no revision yet: say which one the first revision goes in",
                    str(config.ini_path))
