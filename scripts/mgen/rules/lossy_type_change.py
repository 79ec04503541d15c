"""lossy-type-change: a type change that narrows or converts can cut or refuse existing values."""
from ..operations import AlterColumnType
from . import Rule


class LossyTypeChangeRule(Rule):
    id = "lossy-type-change"
    severity = "error"
    hazards = ("data loss", "fails on existing data", "table rewrite")
    safe_alternative = "Add a new column of the new type, backfill and check it, switch the code, drop the old one."

    def check(self, op, ctx):
        if isinstance(op, AlterColumnType) and not op.widening:
            return (f"changing {op.table}.{op.column} from {op.old.describe()} to {op.new.describe()} "
                    "may cut or refuse existing values, and the down cannot restore them")
        return None


RULE = LossyTypeChangeRule()
