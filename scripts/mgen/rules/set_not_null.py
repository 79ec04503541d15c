"""set-not-null: SET NOT NULL fails on existing NULLs and scans the table under a lock.

On PostgreSQL 12+ a validated ``CHECK (col IS NOT NULL)`` already on the table lets SET NOT NULL skip the
scan, so it is not flagged. The model records whether a check is validated (``Check.validated``): a check
added NOT VALID and not validated since does not count. In a linted file the reader turns ``ADD ... NOT
VALID`` into validated False and ``VALIDATE CONSTRAINT`` into True, so the recipe (ADD ... NOT VALID,
VALIDATE, SET NOT NULL) passes and a forgotten VALIDATE does not.
"""
from __future__ import annotations

from ..expressions import canonical
from ..operations import AlterColumnNullability, Operation
from ..schema import Check
from . import Context, Rule
from ._sizing import size_note, step_by_size, version_at_least


def not_null_checks(ctx: Context, table: str, column: str) -> list[Check]:
    """The table's CHECK (column IS NOT NULL) constraints, validated or not."""
    wanted = canonical('"' + column.replace('"', '""') + '" IS NOT NULL', "postgresql")
    return [c for c in ctx.before.table(table).checks if c.expression == wanted]


def has_not_null_check(ctx: Context, table: str, column: str) -> bool:
    """The table already carries a validated CHECK (column IS NOT NULL): PostgreSQL 12+ trusts it only
    once every existing row has been checked."""
    return any(c.validated for c in not_null_checks(ctx, table, column))


class SetNotNullRule(Rule):
    id = "set-not-null"
    severity = "warning"
    hazards = ("fails on existing data", "full scan under lock")
    safe_alternative = ("Backfill NULLs first; on PostgreSQL add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, "
                        "then SET NOT NULL and drop the CHECK.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AlterColumnNullability) or op.nullable or ctx.is_new_table(op.table):
            return None
        name = f"{op.table}.{op.column}"
        base = f"setting NOT NULL on {name}{size_note(ctx, op.table)} fails if any row holds NULL"
        if ctx.dialect == "postgresql":
            pg12 = version_at_least(ctx, 12)
            if pg12 is not False and has_not_null_check(ctx, op.table, op.column):
                return None  # PostgreSQL 12+ trusts the valid CHECK: no scan, metadata-only
            if pg12 is False:
                return base + ", and scans the whole table under an ACCESS EXCLUSIVE lock (PostgreSQL < 12)"
            pending = next((c.name for c in not_null_checks(ctx, op.table, op.column) if not c.validated), None)
            if pending:
                return (base + f", and scans the whole table under an ACCESS EXCLUSIVE lock: CHECK {pending} was "
                        f"added NOT VALID and is not validated yet; VALIDATE CONSTRAINT {pending} first makes it "
                        "metadata-only")
            # PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) already proves it
            return (base + ", and scans the whole table under an ACCESS EXCLUSIVE lock; on PostgreSQL 12+ a "
                    f"valid CHECK ({op.column} IS NOT NULL) added NOT VALID and validated first makes it "
                    "metadata-only")
        if ctx.dialect == "mysql":
            return base + ", and rebuilds the table"
        return base + ", and SQLite rebuilds the table to change it"

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return step_by_size(self.severity, ctx, op.table)


RULE = SetNotNullRule()
