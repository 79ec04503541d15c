"""sqlite-table-rebuild: operations SQLite's ALTER TABLE cannot do, applied by rebuilding the table."""
from __future__ import annotations

from ..dialects.sqlite import DIALECT as SQLITE
from ..operations import Operation
from . import Context, Rule
from ._sizing import size_note


class SqliteTableRebuildRule(Rule):
    id = "sqlite-table-rebuild"
    severity = "info"
    hazards = ("table rewrite",)
    dialects = ("sqlite",)
    safe_alternative = "Group changes to one table in one migration so it is rebuilt once, at a quiet moment."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if ctx.is_new_table(op.table):
            return None
        if not SQLITE.needs_rebuild(op, ctx.before, op.apply(ctx.before)):
            return None
        return (f"SQLite cannot {op.describe()} in place: the migration creates a new {op.table}"
                f"{size_note(ctx, op.table)}, copies every row into it and swaps it in, holding the "
                "database write lock")


RULE = SqliteTableRebuildRule()
