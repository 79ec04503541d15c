"""add-primary-key: a primary key added to (or replaced on) an existing table builds a unique index under a lock.

PostgreSQL also sets its columns NOT NULL, scanning the table, all under ACCESS EXCLUSIVE (error); the safe
way builds a unique index CONCURRENTLY and attaches it with ``ADD CONSTRAINT ... PRIMARY KEY USING INDEX``.
MySQL/MariaDB rebuild the table, SQLite's rebuild copies it (warning). Every dialect fails on duplicate or
NULL keys. Dropping a primary key is not this rule's concern.
"""
from __future__ import annotations

from ..operations import Operation, SetPrimaryKey
from . import Context, Rule
from ._sizing import is_small


class AddPrimaryKeyRule(Rule):
    id = "add-primary-key"
    severity = "error"
    hazards = ("blocking lock", "full scan under lock", "fails on existing data")
    safe_alternative = ("PostgreSQL: make the columns NOT NULL safely, CREATE UNIQUE INDEX CONCURRENTLY, then "
                        "ALTER TABLE ... ADD CONSTRAINT name PRIMARY KEY USING INDEX idx.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if not isinstance(op, SetPrimaryKey) or op.new is None or ctx.is_new_table(op.table):
            return None
        verb = "adding" if op.old is None else "replacing"
        cols = ", ".join(op.new.columns)
        if ctx.dialect == "postgresql":
            return (f"{verb} the primary key ({cols}) of {op.table} builds a unique index under an ACCESS EXCLUSIVE "
                    "lock (no reads or writes meanwhile) and fails on duplicate or NULL keys")
        return (f"{verb} the primary key ({cols}) of {op.table} rebuilds the table and fails on duplicate "
                "or NULL keys")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        if ctx.dialect != "postgresql" or is_small(ctx, op.table):
            return "warning"
        return self.severity


RULE = AddPrimaryKeyRule()
