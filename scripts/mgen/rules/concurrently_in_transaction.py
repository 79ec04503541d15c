"""concurrently-in-transaction: CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block.

Only linted SQL can break it (mgen's own SQL never says CONCURRENTLY), so it needs statement facts.
``check`` covers the index operations a statement performs. ``check_statement`` -- which `mgen lint`
calls for every statement -- covers what yields no operation: ``REINDEX ... CONCURRENTLY`` and a
``DROP INDEX CONCURRENTLY`` of an index the schema does not know (``IF EXISTS``); a DROP of a known
index and every CREATE INDEX are left to ``check`` so one statement gets one finding.
"""
from __future__ import annotations

import re

from ..operations import AddIndex, DropIndex, Operation
from . import Context, Rule, StatementFacts

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
        if isinstance(op, (AddIndex, DropIndex)) and facts is not None and facts.concurrently and facts.in_transaction:
            verb = "CREATE INDEX" if isinstance(op, AddIndex) else "DROP INDEX"
            return f"{verb} CONCURRENTLY ({op.index.name}) fails inside a transaction block"
        return None

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
