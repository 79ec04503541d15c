"""add-foreign-key: a foreign key added to an existing table validates every row while both tables are locked.

PostgreSQL takes SHARE ROW EXCLUSIVE on the table and on the referenced table (writes to both blocked)
for the whole validation (error); ``NOT VALID`` then ``VALIDATE CONSTRAINT`` in a later transaction avoids
it, so a linted statement with ``not_valid`` is not flagged. MySQL/MariaDB with foreign_key_checks on
copy the table (ALGORITHM=COPY) (warning). SQLite's table rebuild is another rule's concern.
"""
from __future__ import annotations

from ..operations import AddForeignKey, Operation
from . import Context, Rule
from ._locking import uses_mgen_sql
from ._sizing import is_small


class AddForeignKeyRule(Rule):
    id = "add-foreign-key"
    severity = "error"
    hazards = ("full scan under lock", "blocking lock", "fails on existing data")
    dialects = ("postgresql", "mysql")
    safe_alternative = ("PostgreSQL: ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a "
                        "separate transaction. MySQL: delete orphan rows first and run it off-peak.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddForeignKey) or ctx.is_new_table(op.table):
            return None
        if not uses_mgen_sql(ctx) and ctx.statement.not_valid:
            return None
        fk = op.foreign_key
        if ctx.dialect == "postgresql":
            return (f"adding foreign key {fk.name} on {op.table} checks every row while blocking writes to "
                    f"{op.table} and {fk.ref_table}, and fails on rows with no matching {fk.ref_table} row")
        return (f"adding foreign key {fk.name} on {op.table} copies the table (ALGORITHM=COPY while "
                f"foreign_key_checks is on) and fails on rows with no matching {fk.ref_table} row")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if ctx.dialect != "postgresql" or is_small(ctx, op.table):
            return "warning"
        return self.severity


RULE = AddForeignKeyRule()
