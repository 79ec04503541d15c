"""add-required-column: a NOT NULL column without a default cannot be added to a table with rows."""
from ..operations import AddColumn
from . import Rule


class AddRequiredColumnRule(Rule):
    id = "add-required-column"
    severity = "error"
    hazards = ("fails on existing data",)
    safe_alternative = "Give the column a server default, or add it nullable, backfill, then set NOT NULL."

    def check(self, op, ctx):
        c = getattr(op, "column", None)
        if (isinstance(op, AddColumn) and op.table not in ctx.created_here
                and not c.nullable and c.default is None and not c.identity):
            return f"adding NOT NULL column {op.table}.{c.name} without a default fails if the table has rows"
        return None


RULE = AddRequiredColumnRule()
