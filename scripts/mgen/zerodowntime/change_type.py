"""Change a column's type where the database would rewrite the table under a lock: a new column of the
new type, a batched backfill that converts, the NOT NULL recipe, a swap of names, and the old column
dropped last (its down converts back).

Changes the dialect makes in place (PostgreSQL varchar widening, MySQL VARCHAR growth within one
length-byte class; ``rules.type_change_rewrites_table.rewrites``) stay one statement. A column named by a
key, index or constraint is changed in place: the plan says so.
"""
from __future__ import annotations

from dataclasses import replace

from ..expressions import canonical
from ..operations import (
    AddColumn,
    AlterColumnDefault,
    AlterColumnNullability,
    AlterColumnType,
    Backfill,
    DropColumn,
    RenameColumn,
)
from ..rules.type_change_rewrites_table import rewrites
from ..schema import ColumnType, Schema
from . import Expansion, PlanContext, Step, expands
from ._common import backfill_step, blocker, column_ref, free_column, has_default, not_null_expression, not_null_steps


def converted(ctx: PlanContext, column: str, to: ColumnType, schema: Schema) -> str:
    """``column`` converted to ``to`` as a canonical expression: an explicit CAST on PostgreSQL; MySQL
    converts on assignment (its CAST knows only a few target types)."""
    if ctx.dialect.name != "postgresql":
        return column_ref(column)
    return canonical(f"CAST({column_ref(column)} AS {ctx.dialect.type_sql(to, schema)})", "postgresql")


@expands(AlterColumnType)
def expand_change_type(op: AlterColumnType, ctx: PlanContext) -> Expansion | None:
    if op.old == op.new or not rewrites(op, ctx.dialect.name):
        return None
    table = ctx.before.table(op.table)
    reason = blocker(ctx.before, table, op.column)
    if reason:
        ctx.notes.append(f"type change of {op.table}.{op.column} kept in place: {reason}")
        return None
    t, c, col = op.table, op.column, table.column(op.column)
    tmp = free_column(table, f"{c}__new")
    parked = free_column(table, f"{c}__old")
    steps = [Step(f"add_{t}_{tmp}", (AddColumn(t, replace(col, name=tmp, type=op.new, nullable=True, default=None)),)),
             backfill_step(ctx, t, tmp, converted(ctx, c, op.new, ctx.before), where=not_null_expression(c),
                           requires=f"code that writes {t}.{c} and, converted, {t}.{tmp} is deployed")]
    if not col.nullable:
        steps += not_null_steps(t, tmp, ctx)
    swap = []
    if not col.nullable:
        swap.append(AlterColumnNullability(t, c, True))
    swap += [RenameColumn(t, c, parked), RenameColumn(t, tmp, c)]
    if has_default(col):
        swap.append(AlterColumnDefault(t, c, None, col.default))
    steps.append(Step(f"swap_{t}_{c}", tuple(swap)))
    contract = Step(f"drop_{t}_{parked}", (
        Backfill(t, None, None, batch_size=None, undo_column=parked,
                 undo_value=converted(ctx, c, op.old, ctx.before), undo_where=not_null_expression(c)),
        DropColumn(t, replace(col, name=parked, nullable=True))),
        requires=f"code that reads and writes only the new {t}.{c} is deployed", phase="contract")
    return Expansion(tuple(steps), (contract,))
