"""require-concurrent-index: PostgreSQL's plain CREATE INDEX blocks writes to the table for the whole build.

Flags an index added to an existing table without CONCURRENTLY. mgen's own SQL says CONCURRENTLY when
the operation asks for it (``AddIndex.online``, as ``--zero-downtime`` writes it); a linted statement
says so in ``StatementFacts.concurrently``; either is enough. Severity steps down to info when
statistics say the table is small.
"""
from __future__ import annotations

from ..operations import AddIndex, Operation
from . import Context, Rule
from ._locking import is_online
from ._sizing import is_small, size_note


class RequireConcurrentIndexRule(Rule):
    id = "require-concurrent-index"
    severity = "error"
    hazards = ("blocking lock",)
    dialects = ("postgresql",)
    safe_alternative = ("CREATE INDEX CONCURRENTLY in a migration of its own that does not run in a transaction; "
                        "drop the INVALID index it leaves behind if the build fails, then retry.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddIndex) or ctx.is_new_table(op.table):
            return None
        if is_online(op, ctx):
            return None
        kind = "unique index" if op.index.unique else "index"
        return (f"building {kind} {op.index.name} on {op.table} without CONCURRENTLY blocks every write to "
                f"{op.table}{size_note(ctx, op.table)} until the build ends")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return "info" if is_small(ctx, op.table) else self.severity


RULE = RequireConcurrentIndexRule()
