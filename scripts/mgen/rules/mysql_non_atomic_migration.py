"""mysql-non-atomic-migration: a statement that can fail on existing data after others in one MySQL migration.

MySQL and MariaDB commit every DDL statement on its own: a migration is no transaction. When a statement
that can fail because of the rows already in the table (duplicates for a UNIQUE or primary key, a row
breaking a CHECK, an orphan for a foreign key, a NULL for NOT NULL, a value a narrower type cannot hold,
a removed ENUM member still in use) is not the first statement of its migration, its failure leaves the
statements before it applied: the runner marks the migration dirty (golang-migrate) or failed, the up
cannot simply run again (its first statements would fail now) and the down undoes things never done.

The rule needs the operation's place in the migration: ``ctx.operations``/``ctx.index`` for mgen's own
migrations (every operation is its own statement, and those that write no SQL do not count), the file's
earlier statements (``ctx.earlier_statements``) for `mgen lint` (the operations of one ALTER TABLE fail
or succeed together). Tables created in the same migration hold no rows yet: exempt.
"""
from __future__ import annotations

from ..operations import (
    AddCheck,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnNullability,
    AlterColumnType,
    DropEnumValue,
    Operation,
    SetPrimaryKey,
)
from . import Context, Rule
from ._locking import earlier_statements

_LISTED = 3  # earlier statements named in the message; the rest are counted


def failure(op: Operation, ctx: Context) -> str | None:
    """How the operation can fail on the rows already there (", if ..." clause), else None."""
    if ctx.is_new_table(op.table):
        return None
    if isinstance(op, AddUnique) or (isinstance(op, AddIndex) and op.index.unique):
        name = op.unique.name if isinstance(op, AddUnique) else op.index.name
        return f"adding unique {name} on {op.table} meets duplicate rows"
    if isinstance(op, SetPrimaryKey) and op.new is not None:
        return f"the new primary key of {op.table} meets duplicate or NULL keys"
    if isinstance(op, AddCheck):
        return f"a row of {op.table} breaks CHECK {op.check.name}"
    if isinstance(op, AddForeignKey):
        return f"a row of {op.table} has no matching {op.foreign_key.ref_table} row for {op.foreign_key.name}"
    if isinstance(op, AlterColumnNullability) and not op.nullable:
        return f"a row of {op.table} holds NULL in {op.column} (NOT NULL)"
    if isinstance(op, AlterColumnType) and not op.widening:
        return f"a value of {op.table}.{op.column} does not fit {op.new.describe()}"
    if isinstance(op, DropEnumValue):
        return f"a row still holds {op.value!r}, removed from {op.name}"
    return None


class MysqlNonAtomicMigrationRule(Rule):
    id = "mysql-non-atomic-migration"
    severity = "warning"
    hazards = ("fails on existing data",)
    dialects = ("mysql",)
    safe_alternative = ("Give each statement that can fail on existing data a migration of its own, or make it the "
                        "first statement of its migration (mgen generate --zero-downtime does this on MySQL); fix "
                        "the rows first.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        why = failure(op, ctx)
        if why is None:
            return None
        earlier = earlier_statements(ctx)
        if not earlier:
            return None  # the first statement: if it fails, nothing has been applied
        listed = "; ".join(earlier[:_LISTED])
        if len(earlier) > _LISTED:
            listed += f"; and {len(earlier) - _LISTED} more"
        applied = ("the statement before it stays" if len(earlier) == 1
                   else f"the {len(earlier)} statements before it stay")
        return (f"MySQL DDL is not transactional: if {why}, the migration stops halfway and {applied} applied "
                f"({listed}); neither its up nor its down then runs cleanly. Run `mgen generate --zero-downtime`, "
                "which writes one such statement per migration on MySQL")


RULE = MysqlNonAtomicMigrationRule()
