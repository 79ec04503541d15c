"""unbatched-backfill: an UPDATE that touches every row at once, or data changes inside the DDL transaction.

A statement rule: `mgen lint` calls ``check_statement(facts, ctx)`` for each statement of a file that is
no schema operation; ``check`` (operations) never fires. It flags
- an UPDATE without WHERE: one statement rewrites every row, holds all their row locks to the end and
  bloats the table (PostgreSQL) or the undo log (MySQL);
- an UPDATE or DELETE on a table that DDL earlier in the same file changed, where DDL is transactional
  (PostgreSQL, SQLite): the DDL's lock is held until the data change ends.
Which tables DDL touched earlier comes from ``ctx.altered_here``; a table
created in the same file is empty and exempt.
"""
from __future__ import annotations

from ..operations import Operation
from . import Context, Rule, StatementFacts
from ._locking import parse_data_statement


class UnbatchedBackfillRule(Rule):
    id = "unbatched-backfill"
    severity = "warning"
    hazards = ("blocking lock",)
    safe_alternative = ("Backfill in its own migration, outside the DDL transaction, in batches keyed on the primary "
                        "key (WHERE id > last AND id <= last + 10000 AND col IS NULL), committing each batch.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        return None  # about data statements only

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


RULE = UnbatchedBackfillRule()
