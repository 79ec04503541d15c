"""add-identity-column: adding an identity/serial/auto-increment column numbers every existing row."""
from __future__ import annotations

from ..operations import AddColumn, Operation
from . import Context, Rule
from ._sizing import size_note, step_by_size


class AddIdentityColumnRule(Rule):
    id = "add-identity-column"
    severity = "error"
    hazards = ("table rewrite", "blocking lock")
    dialects = ("postgresql", "mysql")
    safe_alternative = ("Add a nullable column, attach a sequence as its default, backfill existing rows in "
                        "batches, then add NOT NULL and the key.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, AddColumn) or not op.column.identity or ctx.is_new_table(op.table):
            return None
        name = f"{op.table}.{op.column.name}"
        where = size_note(ctx, op.table)
        if ctx.dialect == "postgresql":
            return (f"adding identity column {name} ({op.column.identity}) writes a sequence value into every "
                    f"row: PostgreSQL rewrites the table{where} under an ACCESS EXCLUSIVE lock")
        return (f"adding AUTO_INCREMENT column {name} numbers every row: MySQL copies the table{where} "
                "(ALGORITHM=COPY) and writes wait until it ends")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return step_by_size(self.severity, ctx, op.table)


RULE = AddIdentityColumnRule()
