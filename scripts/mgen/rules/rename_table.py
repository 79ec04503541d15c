"""rename-table: renaming a table breaks the application version still running against it."""
from __future__ import annotations

from ..operations import Operation, RenameTable
from . import Context, Rule


class RenameTableRule(Rule):
    id = "rename-table"
    severity = "warning"
    hazards = ("breaks the running application",)
    safe_alternative = ("Expand and contract: create the new table (or a view under the new name), write both, "
                        "move reads, drop the old name later.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, RenameTable) and not ctx.is_new_table(op.table):
            return (f"renaming table {op.table} to {op.new_name} breaks every query of the running "
                    "application that still names the old table, from the moment it commits")
        return None


RULE = RenameTableRule()
