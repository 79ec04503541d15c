"""add-check-constraint: a CHECK added to an existing table reads every row while the table is locked.

PostgreSQL holds ACCESS EXCLUSIVE for the whole scan (error); ``ADD CONSTRAINT ... NOT VALID`` then
``VALIDATE CONSTRAINT`` in a later transaction avoids it, so a check added NOT VALID is not flagged: the
model says so (``Check.validated`` False, as ``--zero-downtime`` writes it) or the linted statement does
(``not_valid``). The ``VALIDATE CONSTRAINT`` that follows (``ValidateConstraint``) still reads every row,
but under SHARE UPDATE EXCLUSIVE, which lets reads and writes through: info. MySQL/MariaDB and SQLite
(whose rebuild copies every row) check every row too (warning). Any row that breaks the check makes the
migration fail.
"""
from __future__ import annotations

from ..operations import AddCheck, Operation, ValidateConstraint
from . import Context, Rule
from ._locking import added_not_valid
from ._sizing import is_small


class AddCheckConstraintRule(Rule):
    id = "add-check-constraint"
    severity = "error"
    hazards = ("full scan under lock", "blocking lock", "fails on existing data")
    safe_alternative = ("PostgreSQL: ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT in a separate "
                        "transaction (it takes only SHARE UPDATE EXCLUSIVE). Elsewhere: fix violating rows first.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, ValidateConstraint):
            return self.check_validate(op, ctx)
        if not isinstance(op, AddCheck) or ctx.is_new_table(op.table):
            return None
        if added_not_valid(op.check, ctx):
            return None  # only new rows are checked: no scan, a brief lock
        if ctx.dialect == "postgresql":
            return (f"adding CHECK {op.check.name} to {op.table} scans every row under an ACCESS EXCLUSIVE lock "
                    "(no reads or writes meanwhile) and fails if any row breaks it")
        return f"adding CHECK {op.check.name} to {op.table} checks every existing row and fails if any row breaks it"

    def check_validate(self, op: ValidateConstraint, ctx: Context) -> str | None:
        """VALIDATE CONSTRAINT of a CHECK added NOT VALID: the scan remains, the blocking lock does not."""
        if not op.validated or ctx.is_new_table(op.table) or not ctx.before.has_table(op.table):
            return None  # the reverse (drop, add again NOT VALID) reads no row
        if not any(c.name == op.name for c in ctx.before.table(op.table).checks):
            return None  # a foreign key: add-foreign-key's
        return (f"validating CHECK {op.name} on {op.table} reads every row, but under SHARE UPDATE EXCLUSIVE: "
                "reads and writes go on meanwhile; it fails (and the check stays NOT VALID) if a row breaks it")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if isinstance(op, ValidateConstraint):
            return "info"
        if ctx.dialect != "postgresql" or is_small(ctx, op.table):
            return "warning"  # the lock is brief; failing on bad rows remains
        return self.severity


RULE = AddCheckConstraintRule()
