"""concurrently-in-transaction: CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block.

For linted SQL, ``check`` covers the index operations a statement performs. ``check_statement`` -- which
`mgen lint` calls for every statement -- covers what yields no operation: ``REINDEX ... CONCURRENTLY`` and
a ``DROP INDEX CONCURRENTLY`` of an index the schema does not know (``IF EXISTS``); a DROP of a known
index and every CREATE INDEX are left to ``check`` so one statement gets one finding.

mgen's own SQL says CONCURRENTLY when an index operation asks for it (``online``), and a batched backfill
commits per batch: neither can run in a transaction block (``Dialect.outside_transaction``). mgen writes
such a migration as non-transactional only when nothing else shares it, so ``check`` flags one that
shares its migration with other operations that write SQL (``ctx.operations``).
"""
from __future__ import annotations

import re

from ..dialects import get_dialect
from ..operations import AddIndex, DropIndex, Operation
from . import Context, Rule, StatementFacts
from ._locking import writes_statements

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_REINDEX = re.compile(r"^\s*REINDEX\s+(?:\(.*?\)\s*)?(?:INDEX|TABLE|SCHEMA|DATABASE|SYSTEM)\s+CONCURRENTLY\b",
                      re.IGNORECASE | re.DOTALL)
_DROP_INDEX = re.compile(r"^\s*DROP\s+INDEX\s+CONCURRENTLY\s+(?:IF\s+EXISTS\s+)?(?P<names>[^;]*?)\s*"
                         r"(?:\b(?:CASCADE|RESTRICT)\b)?\s*;?\s*$", re.IGNORECASE | re.DOTALL)


def _index_name(raw: str) -> str:
    last = raw.strip().split(".")[-1].strip()
    return last[1:-1] if last.startswith('"') else last.lower()  # unquoted names fold to lower case


class ConcurrentlyInTransactionRule(Rule):
    id = "concurrently-in-transaction"
    severity = "error"
    hazards = ("fails on existing data",)  # it fails on any database, not only on some data: the nearest class
    dialects = ("postgresql",)
    safe_alternative = ("Put the CONCURRENTLY statement in a migration of its own and mark it non-transactional "
                        "(golang-migrate: one statement per file; goose: -- +goose NO TRANSACTION).")

    def check(self, op: Operation, ctx: Context) -> str | None:
        facts = ctx.statement
        if facts is None:
            return self.check_own_migration(op, ctx)
        if isinstance(op, (AddIndex, DropIndex)) and facts.concurrently and facts.in_transaction:
            verb = "CREATE INDEX" if isinstance(op, AddIndex) else "DROP INDEX"
            return f"{verb} CONCURRENTLY ({op.index.name}) fails inside a transaction block"
        return None

    def check_own_migration(self, op: Operation, ctx: Context) -> str | None:
        """An operation mgen must run outside a transaction, sharing its migration with others."""
        if not get_dialect(ctx.dialect).outside_transaction(op):
            return None
        others = [o for j, o in enumerate(ctx.operations) if j != ctx.index and writes_statements(o, ctx.dialect)]
        if not others:
            return None  # alone: mgen writes the migration as non-transactional
        if isinstance(op, (AddIndex, DropIndex)):
            what = f"{'CREATE' if isinstance(op, AddIndex) else 'DROP'} INDEX CONCURRENTLY ({op.index.name})"
        else:
            what = f"the batched {op.describe()} (it commits per batch)"
        shown = "; ".join(o.describe() for o in others[:3]) + ("; ..." if len(others) > 3 else "")
        return (f"{what} cannot run inside a transaction block, and the {len(others)} other "
                f"operation{'s' if len(others) != 1 else ''} of this migration ({shown}) make it one transaction")

    def check_statement(self, facts: StatementFacts, ctx: Context) -> str | None:
        if ctx.dialect != "postgresql" or not facts.in_transaction:
            return None
        text = _COMMENTS.sub(" ", facts.text)
        if _REINDEX.match(text):
            return "REINDEX ... CONCURRENTLY fails inside a transaction block"
        drop = _DROP_INDEX.match(text)
        if drop:
            known = {i.name for t in ctx.before.tables for i in t.indexes}
            names = [_index_name(n) for n in drop.group("names").split(",") if n.strip()]
            if not any(n in known for n in names):
                return "DROP INDEX CONCURRENTLY fails inside a transaction block"
        return None


RULE = ConcurrentlyInTransactionRule()
