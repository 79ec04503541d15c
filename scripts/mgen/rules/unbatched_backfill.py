"""unbatched-backfill: an UPDATE that touches every row at once, or data changes inside the DDL transaction.

For `mgen lint` it is a statement rule: ``check_statement(facts, ctx)`` judges each statement of a file
that is no schema operation. It flags
- an UPDATE without WHERE: one statement rewrites every row, holds all their row locks to the end and
  bloats the table (PostgreSQL) or the undo log (MySQL);
- an UPDATE or DELETE on a table that DDL earlier in the same file changed, where DDL is transactional
  (PostgreSQL, SQLite): the DDL's lock is held until the data change ends.
Which tables DDL touched earlier comes from ``ctx.altered_here``; a table
created in the same file is empty and exempt.

For mgen's own migrations ``check`` judges a ``Backfill`` operation: with ``batch_size`` it is batched
(PostgreSQL and MySQL walk the primary key in keyset batches, each committed: not flagged; SQLite has no
loop and writes one UPDATE, but SQLite locks the whole database for any write anyway); with
``batch_size`` None it is one UPDATE of every NULL row of an existing table: flagged, and where DDL is
transactional and the migration altered the table before, it also runs under that DDL's lock. Severity
steps down to info when statistics say the table is small.
"""
from __future__ import annotations

from ..operations import Backfill, Operation
from . import Context, Rule, StatementFacts
from ._locking import parse_data_statement
from ._sizing import size_note, step_by_size


class UnbatchedBackfillRule(Rule):
    id = "unbatched-backfill"
    severity = "warning"
    hazards = ("blocking lock",)
    safe_alternative = ("Backfill in its own migration, outside the DDL transaction, in batches keyed on the primary "
                        "key (WHERE id > last AND id <= last + 10000 AND col IS NULL), committing each batch.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, Backfill) or op.column is None or op.batch_size or ctx.is_new_table(op.table):
            return None
        message = (f"backfilling {op.table}.{op.column}{size_note(ctx, op.table)} in one UPDATE rewrites every row "
                   "where it is NULL in one statement and holds all their row locks until it ends")
        if op.table in ctx.altered_here and ctx.dialect != "mysql":  # MySQL DDL commits at once
            message += (f", inside the transaction of the DDL on {op.table} earlier in the migration, whose lock "
                        "blocks the table until every row is done")
        return message

    def check_statement(self, facts: StatementFacts, ctx: Context) -> str | None:
        stmt = parse_data_statement(facts.text, ctx.dialect)
        if stmt is None or stmt.kind == "truncate":
            return None
        tables = [t for t in stmt.tables if not ctx.is_new_table(t)]
        if not tables:
            return None
        if stmt.kind == "update" and not stmt.has_where:
            return f"UPDATE of {', '.join(tables)} without WHERE rewrites every row in one statement"
        altered = ctx.altered_here
        held = [t for t in tables if t in altered]
        if held and ctx.dialect != "mysql" and facts.in_transaction:  # MySQL DDL commits at once
            return (f"{stmt.kind.upper()} on {', '.join(held)} runs in the same transaction as DDL on it: the DDL's "
                    "lock blocks the table until every row is done")
        return None

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return step_by_size(self.severity, ctx, op.table)


RULE = UnbatchedBackfillRule()
