"""enum-value-in-transaction: ALTER TYPE ... ADD VALUE inside a transaction (PostgreSQL)."""
from __future__ import annotations

from ..operations import AddEnumValue, Operation
from . import Context, Rule
from ._sizing import version_at_least


class EnumValueInTransactionRule(Rule):
    id = "enum-value-in-transaction"
    severity = "warning"
    hazards = ("fails on existing data", "breaks the running application")
    dialects = ("postgresql",)
    safe_alternative = ("Add the enum value in its own migration, committed before any migration or code "
                        "that uses the value.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddEnumValue):
            return None
        # `mgen lint` knows whether the file runs in a transaction; mgen's own migrations always do
        if ctx.statement is not None and not ctx.statement.in_transaction:
            return None
        if version_at_least(ctx, 12) is False:
            return (f"ALTER TYPE {op.name} ADD VALUE {op.value!r} cannot run inside a transaction block "
                    "before PostgreSQL 12: the migration fails")
        return (f"ALTER TYPE {op.name} ADD VALUE {op.value!r} runs inside the migration's transaction: "
                "the new value cannot be used until it commits (PostgreSQL 12+; before 12 the statement fails)")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return "error" if version_at_least(ctx, 12) is False else self.severity


RULE = EnumValueInTransactionRule()
