"""irreversible-data-step: DELETE, TRUNCATE and UPDATE destroy values no down migration can bring back.

For `mgen lint` it is a statement rule: ``check_statement(facts, ctx)`` judges each statement of a file
that is no schema operation. Data changes to a table created in the same migration are exempt: it held
no earlier values.

For mgen's own migrations ``check`` judges a ``Backfill`` operation. It only writes rows where the column
IS NULL, so what it destroys is the knowledge of which rows were NULL. It is not flagged when
- its reverse backfills something (``undo_column``): the down was written with it;
- the column did not exist when the migration began (``ctx.is_new_column``: an ``AddColumn`` earlier in
  the operations analyzed together, or a new table): every row was NULL, and the down drops the column
  after the (empty) reverse of the backfill, so nothing is left behind. The schema alone cannot tell
  this (``ctx.before`` has the column either way and ``ctx.final`` too), so it needs the operations:
  a backfill analyzed apart from the migration that added its column is judged as on an old column;
- otherwise it is info: the down leaves the filled values in place (rows that were NULL keep them).
"""
from __future__ import annotations

from ..operations import Backfill, Operation
from . import Context, Rule, StatementFacts
from ._locking import parse_data_statement

_WHAT = {"update": "UPDATE overwrites values", "delete": "DELETE removes rows", "truncate": "TRUNCATE removes rows"}


class IrreversibleDataStepRule(Rule):
    id = "irreversible-data-step"
    severity = "warning"
    hazards = ("data loss",)
    safe_alternative = ("Copy the affected rows or old values into a backup table in the same migration, so the "
                        "down can restore them; or accept a one-way migration and say so in the down.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, Backfill) or op.column is None or op.undo_column is not None:
            return None
        if ctx.is_new_column(op.table, op.column):
            return None  # nothing was there before, and the down drops the column
        return (f"backfilling {op.table}.{op.column} has no reverse: the down migration leaves the filled values "
                "in place, so the rows that were NULL keep the new value")

    def check_statement(self, facts: StatementFacts, ctx: Context) -> str | None:
        stmt = parse_data_statement(facts.text, ctx.dialect)
        if stmt is None:
            return None
        tables = [t for t in stmt.tables if not ctx.is_new_table(t)]
        if not tables:
            return None
        return f"{_WHAT[stmt.kind]} of {', '.join(tables)}: the down migration cannot bring the old values back"

    def severity_for(self, op: Operation, ctx: Context) -> str:
        # a backfill overwrites only NULLs: the values it leaves behind are a nuisance, not a loss
        return "info" if isinstance(op, Backfill) else self.severity


RULE = IrreversibleDataStepRule()
