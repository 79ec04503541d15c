"""set-not-null: SET NOT NULL fails on existing NULLs and scans the table under a lock."""
from ..operations import AlterColumnNullability
from . import Rule


class SetNotNullRule(Rule):
    id = "set-not-null"
    severity = "warning"
    hazards = ("fails on existing data", "full scan under lock")
    safe_alternative = "Backfill NULLs first; on PostgreSQL add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL."

    def check(self, op, ctx):
        if isinstance(op, AlterColumnNullability) and not op.nullable and op.table not in ctx.created_here:
            return f"setting NOT NULL on {op.table}.{op.column} fails if any row holds NULL, and scans the table"
        return None


RULE = SetNotNullRule()
