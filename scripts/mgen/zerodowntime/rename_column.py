"""Rename a column of a table in use without breaking the code still running (expand and contract).

1. add the new column, nullable, without default;   requires nothing
2. backfill new = old in batches;                    requires code that writes both columns
3. (NOT NULL) the NOT NULL recipe on the new column, then the switch: the new column gets the default,
   the old one stops being required;                  requires code that reads and writes only the new one
4. contract: drop the old column; its down adds it back and fills it from the new one.

A column that a key, index, constraint or another table's foreign key names is renamed in place (its
dependents would have to move too): the plan says so.
"""
from __future__ import annotations

from dataclasses import replace

from ..operations import AddColumn, AlterColumnDefault, AlterColumnNullability, Backfill, DropColumn, RenameColumn
from . import Expansion, PlanContext, Step, expands
from ._common import backfill_step, blocker, column_ref, has_default, not_null_expression, not_null_steps


@expands(RenameColumn)
def expand_rename_column(op: RenameColumn, ctx: PlanContext) -> Expansion | None:
    table = ctx.before.table(op.table)
    reason = blocker(ctx.before, table, op.column)
    if reason:
        ctx.notes.append(f"rename of {op.table}.{op.column} kept in place: {reason}")
        return None
    old, t, a, b = table.column(op.column), op.table, op.column, op.new_name
    steps = [Step(f"add_{t}_{b}", (AddColumn(t, replace(old, name=b, nullable=True, default=None)),)),
             backfill_step(ctx, t, b, column_ref(a), where=not_null_expression(a),
                           requires=f"code that writes both {t}.{a} and {t}.{b} (the same value) is deployed")]
    if not old.nullable:
        steps += not_null_steps(t, b, ctx)
    switch = []
    if has_default(old):
        switch.append(AlterColumnDefault(t, b, None, old.default))
    if not old.nullable:
        switch.append(AlterColumnNullability(t, a, True))  # the new code stops writing it
    if switch:
        steps.append(Step(f"switch_{t}_{a}_to_{b}", tuple(switch)))
    dropped = replace(old, nullable=True)
    contract = Step(f"drop_{t}_{a}", (
        # the down adds the old column back, then refills it from the new one
        Backfill(t, None, None, batch_size=None, undo_column=a, undo_value=column_ref(b),
                 undo_where=not_null_expression(b)),
        DropColumn(t, dropped)),
        requires=f"code that reads and writes only {t}.{b} is deployed", phase="contract")
    return Expansion(tuple(steps), (contract,))
