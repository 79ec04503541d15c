"""drop-column: dropping a column deletes its values; the down brings the column back empty."""
from ..operations import DropColumn
from . import Rule


class DropColumnRule(Rule):
    id = "drop-column"
    severity = "error"
    hazards = ("data loss", "breaks the running application")
    safe_alternative = "Deploy code that no longer uses the column first, then drop it in a later migration."

    def check(self, op, ctx):
        if isinstance(op, DropColumn) and op.table not in ctx.created_here:
            return (f"dropping column {op.table}.{op.column.name} deletes its values; "
                    "the down adds it back without them")
        return None


RULE = DropColumnRule()
