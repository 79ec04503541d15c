"""Drop a column of a table in use only after the code stopped using it: the drop goes to the contract
phase, last. A NOT NULL column without a default first stops being required (expand phase), so the new
code can insert rows without it while the old column still exists."""
from __future__ import annotations

from dataclasses import replace

from ..operations import AlterColumnNullability, DropColumn
from . import Expansion, PlanContext, Step, expands
from ._common import has_default


@expands(DropColumn)
def expand_drop_column(op: DropColumn, ctx: PlanContext) -> Expansion | None:
    t, col = op.table, op.column
    steps: tuple[Step, ...] = ()
    if not col.nullable and not has_default(col):
        steps = (Step(f"stop_requiring_{t}_{col.name}", (AlterColumnNullability(t, col.name, True),)),)
        col = replace(col, nullable=True)
    contract = Step(f"drop_{t}_{col.name}", (DropColumn(t, col),),
                    requires=f"code that no longer reads or writes {t}.{col.name} is deployed", phase="contract")
    return Expansion(steps, (contract,))
