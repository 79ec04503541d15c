"""add-unique-constraint: a UNIQUE constraint added to an existing table builds its index under a lock.

PostgreSQL builds the index while holding ACCESS EXCLUSIVE (error); the safe way builds a unique index
CONCURRENTLY and attaches it with ``ADD CONSTRAINT ... UNIQUE USING INDEX``. Every dialect fails when
existing rows hold duplicates (warning outside PostgreSQL: MySQL builds the index online, SQLite's
rebuild copies the rows).

A constraint made from an index built before (``AddUnique.using_index``, or ``USING INDEX`` in a linted
statement) reads no row: not flagged. The scan, and the failure on duplicates, belong to the unique
index built CONCURRENTLY before it (``AddIndex`` with ``unique`` and ``online``): that one is noted as
info here (its lock is require-concurrent-index's concern, which it satisfies), because a duplicate makes
the build fail and leave an INVALID index behind.
"""
from __future__ import annotations

from ..operations import AddIndex, AddUnique, Operation
from . import Context, Rule
from ._locking import is_online
from ._sizing import is_small


class AddUniqueConstraintRule(Rule):
    id = "add-unique-constraint"
    severity = "error"
    hazards = ("blocking lock", "fails on existing data")
    safe_alternative = ("PostgreSQL: CREATE UNIQUE INDEX CONCURRENTLY (its own non-transactional migration), then "
                        "ALTER TABLE ... ADD CONSTRAINT name UNIQUE USING INDEX idx. Remove duplicates first everywhere.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, AddIndex):
            return self.check_online_build(op, ctx)
        if not isinstance(op, AddUnique) or ctx.is_new_table(op.table):
            return None
        if op.using_index is not None or (ctx.statement is not None and ctx.statement.using_index):
            return None  # attaches a unique index built before: metadata only
        cols = ", ".join(op.unique.columns)
        if ctx.dialect == "postgresql":
            return (f"adding UNIQUE {op.unique.name} ({cols}) to {op.table} builds its index under an ACCESS "
                    "EXCLUSIVE lock (no reads or writes meanwhile) and fails if rows hold duplicates")
        return f"adding UNIQUE {op.unique.name} ({cols}) to {op.table} fails if existing rows hold duplicates"

    def check_online_build(self, op: AddIndex, ctx: Context) -> str | None:
        """The CONCURRENTLY-built unique index a USING INDEX constraint is made from (PostgreSQL)."""
        if (ctx.dialect != "postgresql" or not op.index.unique or ctx.is_new_table(op.table)
                or not is_online(op, ctx)):
            return None
        cols = ", ".join(op.index.columns)
        return (f"building unique index {op.index.name} ({cols}) on {op.table} CONCURRENTLY lets reads and writes "
                "go on, but fails if rows hold duplicates and leaves an INVALID index behind: drop it, remove the "
                "duplicates, build it again")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if isinstance(op, AddIndex):
            return "info"
        if ctx.dialect != "postgresql" or is_small(ctx, op.table):
            return "warning"
        return self.severity


RULE = AddUniqueConstraintRule()
