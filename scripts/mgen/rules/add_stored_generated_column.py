"""add-stored-generated-column: a STORED generated column added to a table in use is written into every row.

Also a column's generation changed to a stored one (another expression, VIRTUAL to STORED, a plain column
becoming generated: that one also loses its own values to the computed ones).
"""
from __future__ import annotations

from ..operations import AddColumn, AlterColumnGenerated, Operation
from . import Context, Rule
from ._sizing import size_note, step_by_size


class AddStoredGeneratedColumnRule(Rule):
    id = "add-stored-generated-column"
    severity = "error"
    hazards = ("table rewrite", "blocking lock")
    dialects = ("postgresql", "mysql")
    safe_alternative = ("Add a plain nullable column, write it from the application (or a trigger) and backfill "
                        "the existing rows in batches; or, on MySQL, a VIRTUAL column, which writes no rows.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if ctx.is_new_table(op.table):
            return None
        where = size_note(ctx, op.table)
        if isinstance(op, AddColumn) and op.column.generated and op.column.generated.stored:
            name = f"{op.table}.{op.column.name}"
            return f"adding stored generated column {name} computes it for every row: {self._rewrite(ctx, where)}"
        if isinstance(op, AlterColumnGenerated) and op.new is not None and op.new.stored:
            name = f"{op.table}.{op.column}"
            lost = " and its own values are replaced by the computed ones" if op.old is None else ""
            return f"making {name} a stored generated column recomputes it for every row{lost}: " \
                   f"{self._rewrite(ctx, where)}"
        return None

    @staticmethod
    def _rewrite(ctx: Context, where: str) -> str:
        if ctx.dialect == "postgresql":
            return f"PostgreSQL rewrites the table{where} under an ACCESS EXCLUSIVE lock"
        return f"MySQL copies the table{where} (ALGORITHM=COPY) and writes wait until it ends"

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return step_by_size(self.severity, ctx, op.table)


RULE = AddStoredGeneratedColumnRule()
