"""require-concurrent-index-drop: PostgreSQL's plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table.

The drop itself is quick, but the lock request queues behind any running query on the table and every
later query queues behind it. Flags a drop from an existing table without CONCURRENTLY: mgen's own SQL
says CONCURRENTLY when the operation asks for it (``DropIndex.online``), a linted statement when
``StatementFacts.concurrently``. An index that disappears into a constraint (``USING INDEX``) is not
dropped at all.
"""
from __future__ import annotations

from ..operations import DropIndex, Operation
from . import Context, Rule
from ._locking import is_online
from ._sizing import is_small


class RequireConcurrentIndexDropRule(Rule):
    id = "require-concurrent-index-drop"
    severity = "warning"
    hazards = ("blocking lock",)
    dialects = ("postgresql",)
    safe_alternative = "DROP INDEX CONCURRENTLY in a migration of its own that does not run in a transaction."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, DropIndex) or ctx.is_new_table(op.table):
            return None
        if is_online(op, ctx) or (ctx.statement is not None and ctx.statement.using_index):
            return None
        return (f"dropping index {op.index.name} without CONCURRENTLY locks {op.table} against reads and writes, "
                "and the lock waits behind every running query on it")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return "info" if is_small(ctx, op.table) else self.severity


RULE = RequireConcurrentIndexDropRule()
