"""irreversible-data-step: DELETE, TRUNCATE and UPDATE destroy values no down migration can bring back.

A statement rule: `mgen lint` calls ``check_statement(facts, ctx)`` for each statement of a file that is
no schema operation; ``check`` (operations) never fires. Data changes to a table created in the same
migration are exempt: it held no earlier values.
"""
from __future__ import annotations

from ..operations import Operation
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
        return None  # about data statements only

    def check_statement(self, facts: StatementFacts, ctx: Context) -> str | None:
        stmt = parse_data_statement(facts.text, ctx.dialect)
        if stmt is None:
            return None
        tables = [t for t in stmt.tables if not ctx.is_new_table(t)]
        if not tables:
            return None
        return f"{_WHAT[stmt.kind]} of {', '.join(tables)}: the down migration cannot bring the old values back"


RULE = IrreversibleDataStepRule()
