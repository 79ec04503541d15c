"""add-required-column: a NOT NULL column without a default cannot be added to a table with rows."""
from __future__ import annotations

from ..operations import AddColumn, Operation
from . import Context, Rule


class AddRequiredColumnRule(Rule):
    id = "add-required-column"
    severity = "error"
    hazards = ("fails on existing data", "breaks the running application")
    safe_alternative = "Give the column a server default, or add it nullable, backfill, then set NOT NULL."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddColumn) or ctx.is_new_table(op.table):
            return None
        c = op.column
        has_value = c.default is not None and c.default.kind != "null"
        if c.nullable or has_value or c.identity:
            return None
        name = f"{op.table}.{c.name}"
        if ctx.dialect == "mysql":
            # MySQL/MariaDB do not refuse: existing rows silently get the type's zero value (0, '', ...)
            return (f"adding NOT NULL column {name} without a default fills existing rows with the type's "
                    "implicit zero value, and inserts from the running code that omit it fail")
        return (f"adding NOT NULL column {name} without a default fails if the table has rows, "
                "and inserts from the running code that omit it fail")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if ctx.rows(op.table) == 0:
            return "warning"  # empty now; still breaks inserts from code that does not know the column
        return self.severity


RULE = AddRequiredColumnRule()
