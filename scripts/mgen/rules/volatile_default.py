"""volatile-default: adding a column whose default differs per row rewrites the table (PostgreSQL)."""
from __future__ import annotations

import re

from ..operations import AddColumn, Operation
from . import Context, Rule
from ._sizing import size_note, step_by_size, version_at_least

# Functions whose value differs from row to row. now()/CURRENT_TIMESTAMP are stable within a
# statement: PostgreSQL 11+ evaluates them once and stores the result in the catalog, no rewrite.
VOLATILE_FUNCTIONS = (
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuid",
    "clock_timestamp", "timeofday", "nextval", "txid_current",
)
_VOLATILE = re.compile(r"\b(" + "|".join(VOLATILE_FUNCTIONS) + r")\s*\(", re.IGNORECASE)


def is_volatile(expression: str) -> bool:
    return bool(_VOLATILE.search(expression))


class VolatileDefaultRule(Rule):
    id = "volatile-default"
    severity = "error"
    hazards = ("table rewrite", "blocking lock")
    dialects = ("postgresql",)
    safe_alternative = ("Add the column without a default (or with a constant), backfill it in batches, "
                        "then set the default for new rows.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddColumn) or ctx.is_new_table(op.table):
            return None
        c = op.column
        if c.default is None or c.default.kind == "null" or c.identity:
            return None  # no value to write into existing rows; identity is add-identity-column's
        name = f"{op.table}.{c.name}"
        where = size_note(ctx, op.table)
        if version_at_least(ctx, 11) is False:
            # before PostgreSQL 11 every non-null default is written into every existing row
            return (f"adding {name} with DEFAULT {c.default.describe()} rewrites the table{where} under an "
                    "ACCESS EXCLUSIVE lock on PostgreSQL < 11")
        if c.default.kind == "expression" and is_volatile(c.default.value):
            return (f"adding {name} with the volatile DEFAULT {c.default.value} computes a value per row: "
                    f"PostgreSQL rewrites the table{where} under an ACCESS EXCLUSIVE lock")
        return None

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return step_by_size(self.severity, ctx, op.table)


RULE = VolatileDefaultRule()
