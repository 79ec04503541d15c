"""require-lock-timeout: PostgreSQL DDL on an existing table without ``SET lock_timeout`` can stall the table.

Even a metadata-only ALTER needs a strong lock; while it waits behind one long query, every later query
on the table queues behind it. mgen's own SQL sets no lock_timeout (``ctx.statement is None``); a linted
statement says whether a ``SET lock_timeout`` came earlier (``StatementFacts.lock_timeout``). An index
built or dropped CONCURRENTLY (``online`` on the operation, or in the linted statement) waits with a lock
that no query conflicts with, so nothing queues behind it.
Info while the table size is unknown or moderate; warning when statistics say more than 100,000 rows.
"""
from __future__ import annotations

from ..operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameTable,
    SetPrimaryKey,
)
from . import Context, Rule
from ._locking import is_online, uses_mgen_sql
from ._sizing import LARGE_TABLE_ROWS, is_large

# Operations whose statement locks the table against reads or writes. Comments take a weaker lock that
# does not conflict with queries; enum changes lock the type, not a table.
LOCKING_OPERATIONS = (AddColumn, DropColumn, RenameColumn, AlterColumnType, AlterColumnNullability,
                      AlterColumnDefault, AlterColumnIdentity, RenameTable, DropTable, SetPrimaryKey, AddIndex,
                      DropIndex, AddUnique, DropUnique, AddForeignKey, DropForeignKey, AddCheck, DropCheck)


class RequireLockTimeoutRule(Rule):
    id = "require-lock-timeout"
    severity = "info"
    hazards = ("blocking lock",)
    dialects = ("postgresql",)
    safe_alternative = ("Start the migration with SET lock_timeout = '5s' (and retry on timeout), so a lock that "
                        "cannot be had quickly fails instead of queueing every query on the table behind it.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, LOCKING_OPERATIONS) or ctx.is_new_table(op.table):
            return None
        if not uses_mgen_sql(ctx) and ctx.statement.lock_timeout:
            return None
        if isinstance(op, (AddIndex, DropIndex)) and is_online(op, ctx):
            return None  # CONCURRENTLY waits without blocking queries
        rows = ctx.rows(op.table)
        size = f" ({rows:,} rows)" if rows is not None and rows > LARGE_TABLE_ROWS else ""
        return (f"no lock_timeout is set before {op.describe()}: while it waits for its lock on {op.table}{size}, "
                "every query on the table waits behind it")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return "warning" if is_large(ctx, op.table) else self.severity


RULE = RequireLockTimeoutRule()
