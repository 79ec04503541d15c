"""drop-enum-value: removing an enum member fails while rows hold it, and rebuilds the type."""
from __future__ import annotations

from ..operations import DropEnumValue, Operation
from . import Context, Rule


def enum_tables(ctx: Context, enum: str) -> list[str]:
    """The tables with a column of enum type ``enum`` (MySQL: the one table the inline enum is on)."""
    return [t.name for t in ctx.before.tables
            if any(c.type.name == "enum" and c.type.enum == enum for c in t.columns)]


class DropEnumValueRule(Rule):
    id = "drop-enum-value"
    severity = "warning"
    hazards = ("fails on existing data", "table rewrite")
    safe_alternative = "Update the rows that hold the value first; drop the value in a later migration."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, DropEnumValue):
            return None
        tables = enum_tables(ctx, op.name)
        if tables and all(ctx.is_new_table(t) for t in tables):
            return None  # only tables created in this migration use it: no rows yet
        used = f" (used by {', '.join(tables)})" if tables else ""
        if ctx.dialect == "postgresql":
            # PostgreSQL has no DROP VALUE: the type is recreated and every column using it is cast
            how = "recreates the type and rewrites every table using it"
        elif ctx.dialect == "mysql":
            how = "redefines the ENUM column, copying the table"
        else:
            how = "rewrites the CHECK that stands for the enum"
        return f"removing {op.value!r} from enum {op.name}{used} fails while any row holds it, and {how}"


RULE = DropEnumValueRule()
