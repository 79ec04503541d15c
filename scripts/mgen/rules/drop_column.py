"""drop-column: dropping a column deletes its values; the down brings the column back empty.

Unless the migration carries the refill: a ``Backfill`` before the drop whose reverse fills the dropped
column (``undo_column``), as the contract step of a ``--zero-downtime`` rename or type change does (the
values live on in the new column). Its down adds the column back and then refills it, so no value is
lost; the running code that still selects the column breaks all the same: warning instead of error. So
for a generated column: its values are computed again when the down adds it back.
"""
from __future__ import annotations

from ..operations import Backfill, DropColumn, Operation
from . import Context, Rule
from ._sizing import size_note


def refill(op: DropColumn, ctx: Context) -> Backfill | None:
    """The backfill earlier in the migration whose reverse refills the dropped column, else None. It must
    come before the drop: the down runs the reverses in reverse order, re-adding the column first."""
    return next((o for o in ctx.operations[:ctx.index]
                 if isinstance(o, Backfill) and o.table == op.table and o.undo_column == op.column.name), None)


class DropColumnRule(Rule):
    id = "drop-column"
    severity = "error"
    hazards = ("data loss", "breaks the running application")
    safe_alternative = "Deploy code that no longer uses the column first, then drop it in a later migration."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, DropColumn) or ctx.is_new_table(op.table):
            return None
        name = f"{op.table}.{op.column.name}{size_note(ctx, op.table)}"
        if op.column.generated is not None:
            return (f"dropping generated column {name} breaks code still selecting it; the down adds it back and "
                    "the database computes its values again")
        restored = refill(op, ctx)
        if restored is not None:
            return (f"dropping column {name} breaks code still selecting it; the down adds it back and refills "
                    f"it with {restored.undo_value}")
        return f"dropping column {name} deletes its values, the down adds it back without them, and code still " \
               "selecting it fails"

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if isinstance(op, DropColumn) and (op.column.generated is not None or refill(op, ctx) is not None):
            return "warning"  # no value is lost: only the running code is at risk
        return self.severity


RULE = DropColumnRule()
