"""mysql-enum-reorder: removing or reordering MySQL ENUM members copies the table."""
from __future__ import annotations

from ..operations import AddEnumValue, DropEnumValue, Operation
from . import Context, Rule
from ._sizing import step_by_size
from .drop_enum_value import enum_tables

# an ENUM stores the member's index: 1 byte up to 255 members, 2 beyond
_ONE_BYTE_MEMBERS = 255


class MysqlEnumReorderRule(Rule):
    id = "mysql-enum-reorder"
    severity = "warning"
    hazards = ("table rewrite", "blocking lock")
    dialects = ("mysql",)
    safe_alternative = "Only append new members at the end of the ENUM; leave unused members in place."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, (AddEnumValue, DropEnumValue)) or op.name not in {e.name for e in ctx.before.enums}:
            return None
        tables = enum_tables(ctx, op.name)
        if not tables or all(ctx.is_new_table(t) for t in tables):
            return None
        on = ", ".join(tables)
        # rows store member positions: anything that shifts a position must rewrite every row
        if isinstance(op, DropEnumValue):
            return (f"removing {op.value!r} from the ENUM on {on} renumbers the members after it: "
                    "MySQL copies the table (ALGORITHM=COPY)")
        if op.before is not None:
            return (f"inserting {op.value!r} before {op.before!r} in the ENUM on {on} renumbers the members "
                    "after it: MySQL copies the table (ALGORITHM=COPY); appending at the end is instant")
        if len(ctx.before.enum(op.name).values) == _ONE_BYTE_MEMBERS:
            return (f"adding {op.value!r} to the ENUM on {on} takes it past {_ONE_BYTE_MEMBERS} members, "
                    "so each value needs 2 bytes: MySQL copies the table (ALGORITHM=COPY)")
        return None

    def severity_for(self, op: Operation, ctx: Context) -> str:
        tables = enum_tables(ctx, op.name)
        return step_by_size(self.severity, ctx, tables[0]) if len(tables) == 1 else self.severity


RULE = MysqlEnumReorderRule()
