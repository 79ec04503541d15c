"""prefer-jsonb: on PostgreSQL, json keeps the raw text; jsonb is compact, indexable and comparable."""
from __future__ import annotations

from ..operations import AddColumn, AlterColumnType, CreateTable, Operation
from . import Context, Rule


class PreferJsonbRule(Rule):
    id = "prefer-jsonb"
    severity = "info"
    hazards = ()
    dialects = ("postgresql",)
    safe_alternative = "Use jsonb unless key order or duplicate keys must be kept verbatim."

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, CreateTable):
            columns = [c.name for c in op.table_def.columns if c.type.name == "json"]
        elif isinstance(op, AddColumn):
            columns = [op.column.name] if op.column.type.name == "json" else []
        elif isinstance(op, AlterColumnType):
            columns = [op.column] if op.new.name == "json" else []
        else:
            columns = []
        if not columns:
            return None
        names = ", ".join(f"{op.table}.{c}" for c in columns)
        return (f"{names} {'is' if len(columns) == 1 else 'are'} json: jsonb has GIN indexes, equality and "
                "containment operators, and parses once on write instead of on every read")


RULE = PreferJsonbRule()
