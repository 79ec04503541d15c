"""New Alembic revision files written from mgen operations, the way ``alembic revision`` writes them.

The file is Alembic's own layout (the docstring header, ``revision``/``down_revision``, ``upgrade()`` and
``downgrade()``), named by the project's ``file_template``, revising the current head (read statically:
``revisions.read_graph``). Each mgen operation becomes ``op.*`` calls through a registry of small render
functions, one per operation class (``@native(OpClass)``); the downgrade is the rendering of
``reverse_all(ops)`` from the schema after the upgrade, so it is a consequence of the upgrade, never a
second hand-written thing. The render functions are written with ``render`` (SQLAlchemy types, defaults,
columns, indexes and constraint options for the dialect) and ``pycode`` (the Python code as data).

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
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
from ...schema import Column, ForeignKey, Index, Schema, Table
from ..pywrite import py
from .config import AlembicConfig
from .pycode import Block, Call, Comment, call, format_statements, py_sql
from .render import (
    NotNative,
    RenderContext,
    alter_column,
    autocommit_block,
    column_call,
    column_type,
    create_index,
    default_expr,
    drop_index,
    fk_kwargs,
    mgen_sql,
    not_valid_kwargs,
    type_expr,
)
from .revisions import read_graph

_SLUG = re.compile(r"\w+")  # Alembic's _slug_re
_ILLEGAL_REV_CHARS = ("@", "-", "+")  # Alembic refuses these in a revision id (Script.verify_rev_id)


# ---------------------------------------------------------------------------------------------
# One render function per operation class
# ---------------------------------------------------------------------------------------------
Renderer = Callable[[RenderContext, Operation, Schema, Schema], list]
NATIVE: dict[type[Operation], Renderer] = {}


def native(op_type: type[Operation]):
    """Register the render function of ``op_type``."""
    def register(fn: Renderer) -> Renderer:
        NATIVE[op_type] = fn
        return fn
    return register


@native(CreateTable)
def render_create_table(ctx: RenderContext, op: CreateTable, before: Schema, after: Schema) -> list:
    t = op.table_def
    items: list = [py(t.name)] + [column_call(ctx, c, t, after, op, in_create=True) for c in t.columns]
    if t.primary_key is not None:
        items.append(call("sa.PrimaryKeyConstraint", *map(py, t.primary_key.columns),
                          name=py(t.primary_key.name or primary_key_name(t.name))))
    items += [call("sa.UniqueConstraint", *map(py, u.columns), name=py(u.name)) for u in t.uniques]
    items += [call("sa.CheckConstraint", py_sql(ctx.dialect.expression_sql(c.expression)), name=py(c.name))
              for c in t.checks]
    items += [call("sa.ForeignKeyConstraint", py(list(f.columns)), py([f"{f.ref_table}.{c}" for c in f.ref_columns]),
                   name=py(f.name), **fk_kwargs(ctx, f)) for f in t.foreign_keys]
    kwargs: dict = {}
    if t.comment is not None and ctx.dialect.supports_comments:
        kwargs["comment"] = py(t.comment)
    if ctx.name == "sqlite" and any(c.identity for c in t.columns):
        kwargs["sqlite_autoincrement"] = "True"
    out: list = [call("op.create_table", *items, **kwargs)]
    out += [create_index(ctx, t.name, i) for i in t.indexes]
    return out


@native(DropTable)
def render_drop_table(ctx: RenderContext, op: DropTable, before: Schema, after: Schema) -> list:
    return [call("op.drop_table", py(op.table_def.name))]


@native(RenameTable)
def render_rename_table(ctx: RenderContext, op: RenameTable, before: Schema, after: Schema) -> list:
    return [call("op.rename_table", py(op.table), py(op.new_name))]


@native(SetTableComment)
def render_set_table_comment(ctx: RenderContext, op: SetTableComment, before: Schema, after: Schema) -> list:
    if not ctx.dialect.supports_comments:
        return [Comment(f"{ctx.name} keeps no comments: {op.describe()}")]
    if op.new is None:
        return [call("op.drop_table_comment", py(op.table), existing_comment=py(op.old) if op.old else None)]
    return [call("op.create_table_comment", py(op.table), py(op.new),
                 existing_comment=py(op.old) if op.old is not None else None)]


@native(AddColumn)
def render_add_column(ctx: RenderContext, op: AddColumn, before: Schema, after: Schema) -> list:
    return [ctx.op("add_column", op.table, column_call(ctx, op.column, after.table(op.table), after, op))]


@native(DropColumn)
def render_drop_column(ctx: RenderContext, op: DropColumn, before: Schema, after: Schema) -> list:
    return [ctx.op("drop_column", op.table, py(op.column.name))]


@native(RenameColumn)
def render_rename_column(ctx: RenderContext, op: RenameColumn, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    return [alter_column(ctx, op, op.table, column, before, new_column_name=py(op.new_name))]


@native(AlterColumnType)
def render_alter_column_type(ctx: RenderContext, op: AlterColumnType, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    new_type = column_type(ctx, op.table, after.table(op.table).column(op.column), after, op)
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
def render_alter_column_nullability(ctx: RenderContext, op: AlterColumnNullability, before: Schema, after: Schema
                                    ) -> list:
    column = before.table(op.table).column(op.column)
    return [alter_column(ctx, op, op.table, column, before, nullable=str(op.nullable))]


@native(AlterColumnDefault)
def render_alter_column_default(ctx: RenderContext, op: AlterColumnDefault, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    new = default_expr(ctx, op.new, after.table(op.table).column(op.column), after)
    return [alter_column(ctx, op, op.table, column, before, server_default=new if new is not None else "None")]


@native(AlterColumnIdentity)
def render_alter_column_identity(ctx: RenderContext, op: AlterColumnIdentity, before: Schema, after: Schema) -> list:
    column = before.table(op.table).column(op.column)
    if ctx.name == "mysql":
        return [alter_column(ctx, op, op.table, column, before, skip=("default",), autoincrement=str(bool(op.new)))]
    if ctx.name == "sqlite":
        # the batch block rebuilds the table with or without AUTOINCREMENT (see _batch_block)
        return [Comment(f"{op.describe()}: the table is rebuilt with sqlite_autoincrement={bool(op.new)}")]
    raise ctx.not_native(op, "Alembic adds an identity without moving its sequence past the existing rows")


@native(SetColumnComment)
def render_set_column_comment(ctx: RenderContext, op: SetColumnComment, before: Schema, after: Schema) -> list:
    if not ctx.dialect.supports_comments:
        return [Comment(f"{ctx.name} keeps no comments: {op.describe()}")]
    column = before.table(op.table).column(op.column)
    return [alter_column(ctx, op, op.table, column, before, skip=("comment",),
                         comment=py(op.new) if op.new is not None else "None",
                         existing_comment=py(op.old) if op.old is not None else None)]


@native(SetPrimaryKey)
def render_set_primary_key(ctx: RenderContext, op: SetPrimaryKey, before: Schema, after: Schema) -> list:
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
def render_add_index(ctx: RenderContext, op: AddIndex, before: Schema, after: Schema) -> list:
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for an index")
    statement = create_index(ctx, op.table, op.index, op.online)
    if op.online and ctx.name == "postgresql":
        return [autocommit_block([statement])]
    return _with_fk_indexes(ctx, op.table, before, after, [statement])


@native(DropIndex)
def render_drop_index(ctx: RenderContext, op: DropIndex, before: Schema, after: Schema) -> list:
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for an index")
    statement = drop_index(ctx, op.table, op.index, op.online)
    if op.online and ctx.name == "postgresql":
        return [autocommit_block([statement])]
    return _with_fk_indexes(ctx, op.table, before, after, [statement])


@native(AddUnique)
def render_add_unique(ctx: RenderContext, op: AddUnique, before: Schema, after: Schema) -> list:
    if op.using_index is not None:
        ctx.dialect.render_op(op, before, after)  # refused where the dialect has no USING INDEX
        raise ctx.not_native(op, "Alembic has no ADD CONSTRAINT ... USING INDEX")
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for a constraint")
    statement = ctx.constraint_op("create_unique_constraint", op.unique.name, op.table,
                                  py(list(op.unique.columns)))
    return _with_fk_indexes(ctx, op.table, before, after, [statement])


@native(DropUnique)
def render_drop_unique(ctx: RenderContext, op: DropUnique, before: Schema, after: Schema) -> list:
    if op.online and ctx.name == "mysql":
        raise ctx.not_native(op, "SQLAlchemy has no ALGORITHM=INPLACE, LOCK=NONE for a constraint")
    if op.restore_index is not None and ctx.name != "postgresql":
        ctx.dialect.render_op(op, before, after)  # mgen refuses it there: say why
    out: list = [ctx.constraint_op("drop_constraint", op.unique.name, op.table, type_=py("unique"))]
    if op.restore_index is not None:
        out.append(create_index(ctx, op.table, op.restore_index))
    return _with_fk_indexes(ctx, op.table, before, after, out)


@native(AddForeignKey)
def render_add_foreign_key(ctx: RenderContext, op: AddForeignKey, before: Schema, after: Schema) -> list:
    return [_create_foreign_key(ctx, op.table, op.foreign_key)]


def _create_foreign_key(ctx: RenderContext, table: str, fk: ForeignKey) -> Call:
    kwargs = {**fk_kwargs(ctx, fk), **not_valid_kwargs(ctx, fk.validated, f"foreign key {fk.name}")}
    return ctx.constraint_op("create_foreign_key", fk.name, table, py(fk.ref_table), py(list(fk.columns)),
                             py(list(fk.ref_columns)), **kwargs)


@native(DropForeignKey)
def render_drop_foreign_key(ctx: RenderContext, op: DropForeignKey, before: Schema, after: Schema) -> list:
    fk = op.foreign_key
    out: list = [ctx.constraint_op("drop_constraint", fk.name, op.table, type_=py("foreignkey"))]
    if ctx.name == "mysql" and not ctx.dialect.has_index_for(before.table(op.table), fk):  # type: ignore[attr-defined]
        # MySQL made an index named after the foreign key when it was added; it goes with it
        out.append(drop_index(ctx, op.table, Index(fk.name, fk.columns)))
    return out


@native(AddCheck)
def render_add_check(ctx: RenderContext, op: AddCheck, before: Schema, after: Schema) -> list:
    return [_create_check(ctx, op.table, op.check)]


def _create_check(ctx: RenderContext, table: str, check) -> Call:
    return ctx.constraint_op("create_check_constraint", check.name, table,
                             py_sql(ctx.dialect.expression_sql(check.expression)),
                  **not_valid_kwargs(ctx, check.validated, f"check {check.name}"))


@native(DropCheck)
def render_drop_check(ctx: RenderContext, op: DropCheck, before: Schema, after: Schema) -> list:
    return [ctx.constraint_op("drop_constraint", op.check.name, op.table, type_=py("check"))]


@native(ValidateConstraint)
def render_validate_constraint(ctx: RenderContext, op: ValidateConstraint, before: Schema, after: Schema) -> list:
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
def render_backfill(ctx: RenderContext, op: Backfill, before: Schema, after: Schema) -> list:
    if op.column is None:
        return [Comment(op.describe())]
    return mgen_sql(ctx, op, before, after)  # a data step: an UPDATE (batched where the dialect loops)


@native(CreateEnum)
def render_create_enum(ctx: RenderContext, op: CreateEnum, before: Schema, after: Schema) -> list:
    if ctx.name != "postgresql":
        return [Comment(f"{op.describe()}: {ctx.name} keeps enum values on the columns")]
    enum = call("sa.Enum", *map(py, op.enum.values), name=py(op.enum.name))
    return [call(f"{enum.format()[0]}.create", "op.get_bind()")]


@native(DropEnum)
def render_drop_enum(ctx: RenderContext, op: DropEnum, before: Schema, after: Schema) -> list:
    if ctx.name != "postgresql":
        return [Comment(f"{op.describe()}: {ctx.name} keeps enum values on the columns")]
    enum = call("sa.Enum", *map(py, op.enum.values), name=py(op.enum.name))
    return [call(f"{enum.format()[0]}.drop", "op.get_bind()")]


def _enum_columns(schema: Schema, enum: str) -> list[tuple[Table, Column]]:
    return [(t, c) for t in schema.tables for c in t.columns if c.type.name == "enum" and c.type.enum == enum]


def _enum_value_change(ctx: RenderContext, op: AddEnumValue | DropEnumValue, before: Schema, after: Schema) -> list:
    if ctx.name == "postgresql":
        # ALTER TYPE ... ADD VALUE / the rebuild of the type: Alembic has no operation for either
        return mgen_sql(ctx, op, before, after)
    if ctx.name == "mysql":  # the values live on each column: MODIFY it with the new ENUM(...)
        return [alter_column(ctx, op, t.name, c, before, type_=type_expr(ctx, c.type, after, op))
                for t, c in _enum_columns(before, op.name)]
    return [Comment(f"{op.describe()}: {ctx.name} keeps enum columns as TEXT")]


@native(AddEnumValue)
def render_add_enum_value(ctx: RenderContext, op: AddEnumValue, before: Schema, after: Schema) -> list:
    return _enum_value_change(ctx, op, before, after)


@native(DropEnumValue)
def render_drop_enum_value(ctx: RenderContext, op: DropEnumValue, before: Schema, after: Schema) -> list:
    return _enum_value_change(ctx, op, before, after)


def _with_fk_indexes(ctx: RenderContext, table: str, before: Schema, after: Schema, statements: list) -> list:
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
                      imports: set[str] | None = None, declared: Mapping | None = None) -> list:
    """The statements (``Call``/``Block``/``Comment``) that apply ``ops`` to ``schema``; ``declared``: the
    models' column types as autogenerate spells them (``RenderContext.declared``)."""
    d = get_dialect(dialect) if isinstance(dialect, str) else dialect
    ctx = RenderContext(d, imports if imports is not None else set(), raw_sql=raw_sql, declared=declared or {})
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


def _renders_natively(ctx: RenderContext, op: Operation, before: Schema, after: Schema) -> bool:
    """False when ``op`` takes the raw-SQL fallback (so it leaves the batch block)."""
    try:
        inner = ctx.inner(set())
        _render_native(inner, op, before, after)
        _check_rebuild(inner, op, before)
    except NotNative:
        if ctx.raw_sql:
            return False
        raise
    return True


def _render_native(ctx: RenderContext, op: Operation, before: Schema, after: Schema) -> list:
    fn = NATIVE.get(type(op))
    if fn is None:
        raise ctx.not_native(op, "mgen has no Alembic rendering for this operation")
    try:
        return fn(ctx, op, before, after)
    except Unsupported as e:  # the dialect cannot do it at all, natively or not: say which operation
        raise Unsupported(f"{op.kind} ({op.describe()}): {e.message}", e.file, e.line) from None


def render_one(ctx: RenderContext, op: Operation, before: Schema, after: Schema) -> list:
    """One operation outside any batch block: native, or (``raw_sql``) mgen's SQL when it cannot be."""
    try:
        return _render_native(ctx, op, before, after)
    except NotNative:
        if not ctx.raw_sql:
            raise
    return raw(ctx, op, before, after)


def raw(ctx: RenderContext, op: Operation, before: Schema, after: Schema) -> list:
    """The raw-SQL fallback: mgen's statements for ``op`` as ``op.execute``, said so in a comment."""
    return [Comment(f"{op.describe()}: raw SQL (no native Alembic form)")] + mgen_sql(ctx, op, before, after)


def _rebuilds(ctx: RenderContext, op: Operation, before: Schema) -> bool:
    """True when Alembic's batch mode rebuilds the table for ``op`` (``SQLiteImpl.requires_recreate_in_batch``:
    anything but indexes and an ADD COLUMN whose default is no SQL expression)."""
    if isinstance(op, (AddIndex, DropIndex)):
        return False
    if isinstance(op, AddColumn):
        return isinstance(default_expr(ctx, op.column.default, op.column, before), Call)
    return True


def _check_rebuild(ctx: RenderContext, op: Operation, before: Schema) -> None:
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


def _batch_block(ctx: RenderContext, group: list) -> list:
    """One ``with op.batch_alter_table(...)`` block for consecutive changes to one table. Expression
    indexes, which the rebuild would lose, are dropped before it and created again after it."""
    table = group[0][0].table
    inner = ctx.inner()
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


def inline_foreign_keys(ops: Sequence[Operation], dialect: str) -> list[Operation]:
    """On SQLite, a foreign key added to a table this revision creates goes inside its ``create_table`` (as
    autogenerate writes it): SQLite checks a reference only when rows change, so the table it points at
    may come later, and ``create_foreign_key`` would rebuild the table in a batch block."""
    if dialect != "sqlite":
        return list(ops)
    out: list[Operation] = []
    created: dict[str, int] = {}  # table -> index of its CreateTable in out
    for op in ops:
        if isinstance(op, CreateTable):
            created[op.table] = len(out)
        elif isinstance(op, AddForeignKey) and op.table in created and op.foreign_key.validated:
            at = created[op.table]
            table = out[at].table_def  # type: ignore[attr-defined]
            out[at] = CreateTable(replace(table, foreign_keys=table.foreign_keys + (op.foreign_key,)))
            continue
        elif isinstance(op, (DropTable, RenameTable)):
            created.pop(op.table, None)
        out.append(op)
    return out


def render_revision(ops: Sequence[Operation], old_schema: Schema, dialect: str, message: str, rev_id: str,
                    down_revision: str | None, create_date: datetime, raw_sql: bool = False,
                    declared: Mapping | None = None) -> str:
    """The text of a revision file applying ``ops`` to ``old_schema`` (upgrade) and undoing them; the
    upgrade spells the models' types as they declare them (``declared``), the downgrade the database's."""
    d = get_dialect(dialect)
    ops = inline_foreign_keys(ops, d.name)
    imports: set[str] = set()
    upgrade = render_operations(ops, old_schema, d, raw_sql, imports, declared)
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
                   raw_sql: bool = False, version_path: Path | None = None, head: str | None = None,
                   declared: Mapping | None = None) -> Path | str:
    """Write a new revision revising the current head; its path, or with ``dry_run`` its text.

    The head is read from the version locations (several heads: ``head`` chooses one, else the error naming
    them). With
    several version locations the file goes where the head is (as ``alembic revision`` does) unless
    ``version_path`` names one. Written atomically: a temporary file renamed into place."""
    dialect = canonical_name(dialect)
    graph = read_graph(list(config.version_locations), config.recursive_version_locations)
    if head is None:
        head = graph.head()
    elif head not in graph.heads:
        raise MgenError(f"--head {head} is not a head of the history (heads: {', '.join(graph.heads)})")
    rev_id = rev_id or new_rev_id()
    if any(c in rev_id for c in _ILLEGAL_REV_CHARS) or not rev_id.strip():
        raise MgenError(f"revision id {rev_id!r} may not be empty or contain any of {' '.join(_ILLEGAL_REV_CHARS)}")
    if rev_id in graph.revisions:
        raise MgenError(f"revision id {rev_id!r} already exists", str(graph.revisions[rev_id].path))
    create_date = now or _now(config)
    text = render_revision(ops, old_schema, dialect, message, rev_id, head, create_date, raw_sql, declared)
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
