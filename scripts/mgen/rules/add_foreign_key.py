"""add-foreign-key: a foreign key added to an existing table validates every row while both tables are locked.

PostgreSQL takes SHARE ROW EXCLUSIVE on the table and on the referenced table (writes to both blocked)
for the whole validation (error); ``NOT VALID`` then ``VALIDATE CONSTRAINT`` in a later transaction avoids
it, so a foreign key added NOT VALID is not flagged: the model says so (``ForeignKey.validated`` False, as
``--zero-downtime`` writes it) or the linted statement does (``not_valid``). The ``VALIDATE CONSTRAINT``
that follows (``ValidateConstraint``) still reads every row, but under SHARE UPDATE EXCLUSIVE on the table
and ROW SHARE on the referenced one, so reads and writes go on: info. MySQL/MariaDB with
foreign_key_checks on copy the table (ALGORITHM=COPY) (warning). SQLite's table rebuild is another
rule's concern.
"""
from __future__ import annotations

from ..operations import AddForeignKey, Operation, ValidateConstraint
from . import Context, Rule
from ._locking import added_not_valid
from ._sizing import is_small


class AddForeignKeyRule(Rule):
    id = "add-foreign-key"
    severity = "error"
    hazards = ("full scan under lock", "blocking lock", "fails on existing data")
    dialects = ("postgresql", "mysql")
    safe_alternative = ("PostgreSQL: ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a "
                        "separate transaction. MySQL: delete orphan rows first and run it off-peak.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, ValidateConstraint):
            return self.check_validate(op, ctx)
        if not isinstance(op, AddForeignKey) or ctx.is_new_table(op.table):
            return None
        fk = op.foreign_key
        if added_not_valid(fk, ctx):
            return None  # only new rows are checked: no scan, a brief lock
        if ctx.dialect == "postgresql":
            return (f"adding foreign key {fk.name} on {op.table} checks every row while blocking writes to "
                    f"{op.table} and {fk.ref_table}, and fails on rows with no matching {fk.ref_table} row")
        return (f"adding foreign key {fk.name} on {op.table} copies the table (ALGORITHM=COPY while "
                f"foreign_key_checks is on) and fails on rows with no matching {fk.ref_table} row")

    def check_validate(self, op: ValidateConstraint, ctx: Context) -> str | None:
        """VALIDATE CONSTRAINT of a foreign key added NOT VALID: the scan remains, the blocking locks do not."""
        if not op.validated or ctx.is_new_table(op.table) or not ctx.before.has_table(op.table):
            return None  # the reverse (drop, add again NOT VALID) reads no row
        fk = next((f for f in ctx.before.table(op.table).foreign_keys if f.name == op.name), None)
        if fk is None:
            return None  # a CHECK: add-check-constraint's
        return (f"validating foreign key {fk.name} on {op.table} reads every row, but under SHARE UPDATE EXCLUSIVE "
                f"on {op.table} and ROW SHARE on {fk.ref_table}: reads and writes on both go on meanwhile; it fails "
                f"(and the key stays NOT VALID) on rows with no matching {fk.ref_table} row")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if isinstance(op, ValidateConstraint):
            return "info"
        if ctx.dialect != "postgresql" or is_small(ctx, op.table):
            return "warning"
        return self.severity


RULE = AddForeignKeyRule()
