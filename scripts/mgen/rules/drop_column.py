"""drop-column: dropping a column deletes its values; the down brings the column back empty."""
from __future__ import annotations

from ..operations import DropColumn, Operation
from . import Context, Rule
from ._sizing import size_note


class DropColumnRule(Rule):
    id = "drop-column"
    severity = "error"
    hazards = ("data loss", "breaks the running application")
    safe_alternative = "Deploy code that no longer uses the column first, then drop it in a later migration."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, DropColumn) and not ctx.is_new_table(op.table):
            return (f"dropping column {op.table}.{op.column.name}{size_note(ctx, op.table)} deletes its values, "
                    "the down adds it back without them, and code still selecting it fails")
        return None


RULE = DropColumnRule()
