"""lossy-type-change: a type change that narrows or converts can cut or refuse existing values."""
from __future__ import annotations

from ..operations import AlterColumnType, Operation
from . import Context, Rule
from ._sizing import size_note


class LossyTypeChangeRule(Rule):
    id = "lossy-type-change"
    severity = "error"
    hazards = ("data loss", "fails on existing data", "table rewrite")
    safe_alternative = "Add a new column of the new type, backfill and check it, switch the code, drop the old one."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, AlterColumnType) and not op.widening and not ctx.is_new_table(op.table):
            # MySQL in non-strict mode truncates silently; PostgreSQL and strict MySQL refuse the change
            return (f"changing {op.table}.{op.column} from {op.old.describe()} to {op.new.describe()}"
                    f"{size_note(ctx, op.table)} may cut or refuse existing values, rewrites the table, "
                    "and the down cannot restore what was cut")
        return None


RULE = LossyTypeChangeRule()
