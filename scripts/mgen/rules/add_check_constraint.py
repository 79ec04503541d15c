"""add-check-constraint: a CHECK added to an existing table reads every row while the table is locked.

PostgreSQL holds ACCESS EXCLUSIVE for the whole scan (error); ``ADD CONSTRAINT ... NOT VALID`` then
``VALIDATE CONSTRAINT`` in a later transaction avoids it, so a linted statement with ``not_valid`` is not
flagged. MySQL/MariaDB and SQLite (whose rebuild copies every row) check every row too (warning). Any
row that breaks the check makes the migration fail.
"""
from __future__ import annotations

from ..operations import AddCheck, Operation
from . import Context, Rule
from ._locking import uses_mgen_sql
from ._sizing import is_small


class AddCheckConstraintRule(Rule):
    id = "add-check-constraint"
    severity = "error"
    hazards = ("full scan under lock", "blocking lock", "fails on existing data")
    safe_alternative = ("PostgreSQL: ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT in a separate "
                        "transaction (it takes only SHARE UPDATE EXCLUSIVE). Elsewhere: fix violating rows first.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddCheck) or ctx.is_new_table(op.table):
            return None
        if not uses_mgen_sql(ctx) and ctx.statement.not_valid:
            return None
        if ctx.dialect == "postgresql":
            return (f"adding CHECK {op.check.name} to {op.table} scans every row under an ACCESS EXCLUSIVE lock "
                    "(no reads or writes meanwhile) and fails if any row breaks it")
        return f"adding CHECK {op.check.name} to {op.table} checks every existing row and fails if any row breaks it"

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if ctx.dialect != "postgresql" or is_small(ctx, op.table):
            return "warning"  # the lock is brief; failing on bad rows remains
        return self.severity


RULE = AddCheckConstraintRule()
