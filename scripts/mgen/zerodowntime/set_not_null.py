"""SET NOT NULL on a column of a table in use: backfill the NULLs (when ``--backfill`` gives a value),
then the NOT NULL recipe of ``_common.not_null_steps`` (PostgreSQL: CHECK NOT VALID, VALIDATE, SET NOT
NULL, drop the CHECK)."""
from __future__ import annotations

from ..operations import AlterColumnNullability
from . import Expansion, PlanContext, expands
from ._common import backfill_step, not_null_steps


@expands(AlterColumnNullability)
def expand_set_not_null(op: AlterColumnNullability, ctx: PlanContext) -> Expansion | None:
    if op.nullable:
        return None
    value = ctx.backfill_value(op.table, op.column)
    steps = [backfill_step(ctx, op.table, op.column, value)] if value is not None else []
    steps += not_null_steps(op.table, op.column, ctx)
    if len(steps) == 1:
        return None  # one statement either way (MySQL without a backfill)
    return Expansion(tuple(steps))
