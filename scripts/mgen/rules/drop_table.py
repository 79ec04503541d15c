"""drop-table: dropping a table deletes its rows; the down recreates it empty."""
from __future__ import annotations

from ..operations import DropTable, Operation
from . import Context, Rule
from ._sizing import size_note


class DropTableRule(Rule):
    id = "drop-table"
    severity = "error"
    hazards = ("data loss", "breaks the running application")
    safe_alternative = "Stop reading and writing the table in a deploy first; back it up or rename it, drop it later."

    def check(self, op: Operation, ctx: Context) -> str | None:
        # a table created earlier in the same migration holds nothing yet
        if isinstance(op, DropTable) and not ctx.is_new_table(op.table):
            return (f"dropping table {op.table}{size_note(ctx, op.table)} deletes its rows; "
                    "the down recreates it empty")
        return None


RULE = DropTableRule()
