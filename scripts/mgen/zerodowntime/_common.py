"""Pieces several expansions share: the NOT NULL recipe, a backfill step, free names, blockers."""
from __future__ import annotations

from dataclasses import replace

from ..expressions import canonical, columns_in, index_uses
from ..naming import fit
from ..operations import AddCheck, AlterColumnNullability, Backfill, DropCheck, ValidateConstraint
from ..schema import Check, Column, Default, Schema, Table
from . import PlanContext, Step


def column_ref(name: str) -> str:
    """A column as a canonical expression."""
    return canonical('"' + name.replace('"', '""') + '"', "postgresql")


def not_null_expression(column: str) -> str:
    return canonical('"' + column.replace('"', '""') + '" IS NOT NULL', "postgresql")


def default_expression(default: Default) -> str:
    """A column default as the canonical expression a backfill writes into existing rows."""
    if default.kind == "string":
        return "'" + default.value.replace("'", "''") + "'"
    if default.kind == "boolean":
        return "TRUE" if default.value.lower() == "true" else "FALSE"
    return default.value  # number, expression (canonical already)


def has_default(column: Column) -> bool:
    return column.default is not None and column.default.kind != "null"


def free_name(schema: Schema, wanted: str) -> str:
    """``wanted``, or ``wanted_2``... when a table, column-less relation or constraint already has it."""
    taken = {t.name for t in schema.tables}
    for t in schema.tables:
        taken.update(i.name for i in t.indexes)
        taken.update(u.name for u in t.uniques)
        taken.update(c.name for c in t.checks)
        taken.update(f.name for f in t.foreign_keys)
    name, n = fit(wanted), 2
    while name in taken:
        name, n = fit(f"{wanted}_{n}"), n + 1
    return name


def free_column(table: Table, wanted: str) -> str:
    name, n = fit(wanted), 2
    while table.has_column(name):
        name, n = fit(f"{wanted}_{n}"), n + 1
    return name


def not_null_steps(table: str, column: str, ctx: PlanContext, requires: str = "") -> list[Step]:
    """Make ``table.column`` NOT NULL without scanning the table under an exclusive lock.

    PostgreSQL: CHECK (column IS NOT NULL) NOT VALID (no scan), VALIDATE it in its own transaction
    (a lock that lets reads and writes go on), then SET NOT NULL, which PostgreSQL 12+ proves from the
    valid CHECK without a scan, and drop the CHECK. Elsewhere one step: MySQL rebuilds in place.
    """
    if not ctx.dialect.supports_not_valid:
        return [Step(f"set_{table}_{column}_not_null", (AlterColumnNullability(table, column, False),),
                     requires=requires)]
    name = free_name(ctx.before, f"{table}_{column}_not_null")
    check = Check(name, not_null_expression(column), validated=False)
    return [
        Step(f"check_{table}_{column}_not_null_not_valid", (AddCheck(table, check),), requires=requires),
        Step(f"validate_{name}", (ValidateConstraint(table, name),)),
        Step(f"set_{table}_{column}_not_null",
             (AlterColumnNullability(table, column, False), DropCheck(table, replace(check, validated=True)))),
    ]


def backfill_step(ctx: PlanContext, table: str, column: str, value: str, *, where: str | None = None,
                  requires: str = "") -> Step:
    """One batched backfill; in one statement when the table has no single-column key to walk."""
    pk = ctx.before.table(table).primary_key
    batch = ctx.batch_size if pk is not None and len(pk.columns) == 1 else None
    if batch is None and ctx.batch_size:
        ctx.notes.append(f"backfill of {table}.{column} runs as one UPDATE: {table} has no single-column "
                         "primary key to walk in batches")
    return Step(f"backfill_{table}_{column}", (Backfill(table, column, value, where, batch),), requires=requires)


def blocker(schema: Schema, table: Table, column: str) -> str | None:
    """Why a column cannot be moved to a new one step by step (None: it can): keys, indexes and
    constraints that name it would have to move too, with names PostgreSQL keeps unique."""
    if table.primary_key and column in table.primary_key.columns:
        return f"{table.name}.{column} is part of the primary key"
    col = table.column(column)
    if col.identity:
        return f"{table.name}.{column} is an identity column"
    if col.generated:
        return f"{table.name}.{column} is a generated column"
    for u in table.uniques:
        if column in u.columns:
            return f"{table.name}.{column} is in unique {u.name}"
    for i in table.indexes:
        if index_uses(i, column):
            return f"{table.name}.{column} is in index {i.name}"
    for f in table.foreign_keys:
        if column in f.columns:
            return f"{table.name}.{column} is in foreign key {f.name}"
    for c in table.checks:
        if column in columns_in(c.expression):
            return f"{table.name}.{column} is named by check {c.name}"
    for t in schema.tables:
        for f in t.foreign_keys:
            if f.ref_table == table.name and column in f.ref_columns:
                return f"foreign key {t.name}.{f.name} references {table.name}.{column}"
    return None
