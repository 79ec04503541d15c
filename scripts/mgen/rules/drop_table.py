"""drop-table: dropping a table deletes its rows; the down recreates it empty."""
from ..operations import DropTable
from . import Rule


class DropTableRule(Rule):
    id = "drop-table"
    severity = "error"
    hazards = ("data loss", "breaks the running application")
    safe_alternative = "Stop reading and writing the table in a deploy first; back it up or rename it, drop it later."

    def check(self, op, ctx):
        if isinstance(op, DropTable):
            return f"dropping table {op.table} deletes its rows; the down recreates it empty"
        return None


RULE = DropTableRule()
