"""add-unique-constraint: a UNIQUE constraint added to an existing table builds its index under a lock.

PostgreSQL builds the index while holding ACCESS EXCLUSIVE (error); the safe way builds a unique index
CONCURRENTLY and attaches it with ``ADD CONSTRAINT ... UNIQUE USING INDEX``. Every dialect fails when
existing rows hold duplicates (warning outside PostgreSQL: MySQL builds the index online, SQLite's
rebuild copies the rows).
"""
from __future__ import annotations

from ..operations import AddUnique, Operation
from . import Context, Rule
from ._sizing import is_small


class AddUniqueConstraintRule(Rule):
    id = "add-unique-constraint"
    severity = "error"
    hazards = ("blocking lock", "fails on existing data")
    safe_alternative = ("PostgreSQL: CREATE UNIQUE INDEX CONCURRENTLY (its own non-transactional migration), then "
                        "ALTER TABLE ... ADD CONSTRAINT name UNIQUE USING INDEX idx. Remove duplicates first everywhere.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddUnique) or ctx.is_new_table(op.table):
            return None
        if ctx.statement is not None and ctx.statement.using_index:
            return None  # attaches a unique index built before: metadata only
        cols = ", ".join(op.unique.columns)
        if ctx.dialect == "postgresql":
            return (f"adding UNIQUE {op.unique.name} ({cols}) to {op.table} builds its index under an ACCESS "
                    "EXCLUSIVE lock (no reads or writes meanwhile) and fails if rows hold duplicates")
        return f"adding UNIQUE {op.unique.name} ({cols}) to {op.table} fails if existing rows hold duplicates"

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if ctx.dialect != "postgresql" or is_small(ctx, op.table):
            return "warning"
        return self.severity


RULE = AddUniqueConstraintRule()
