"""rename-column: renaming a column breaks the application version still running against it."""
from __future__ import annotations

from ..operations import Operation, RenameColumn
from . import Context, Rule


class RenameColumnRule(Rule):
    id = "rename-column"
    severity = "warning"
    hazards = ("breaks the running application",)
    safe_alternative = ("Expand and contract: add the new column, write both, backfill, move reads, "
                        "drop the old column later.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, RenameColumn) and not ctx.is_new_table(op.table):
            return (f"renaming {op.table}.{op.column} to {op.new_name} breaks every query of the running "
                    "application that still names the old column, from the moment it commits")
        return None


RULE = RenameColumnRule()
