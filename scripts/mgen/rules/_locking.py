"""Shared by the lock, index, constraint and statement rules: what the SQL says beyond the schema change
(from the operation's own fields or from a linted statement's facts), and DML parsing (table sizes:
``_sizing``).

Not a rule (no ``RULE``): discovery imports it and skips it.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..dialects import get_dialect
from ..expressions import SQLGLOT_DIALECT
from ..operations import Backfill, CreateEnum, DropEnum, Operation
from ..schema import Check, ForeignKey
from . import Context


def uses_mgen_sql(ctx: Context) -> bool:
    """The SQL is mgen's own: one transaction, no lock_timeout; whether it says CONCURRENTLY, NOT VALID
    or USING INDEX is in the operation's fields (``is_online``, ``added_not_valid``)."""
    return ctx.statement is None


def is_online(op: Operation, ctx: Context) -> bool:
    """The index is built or dropped without blocking writes: the operation asks for it (``online``,
    which mgen renders as CONCURRENTLY on PostgreSQL), or the linted statement says CONCURRENTLY."""
    return bool(getattr(op, "online", False)) or (ctx.statement is not None and ctx.statement.concurrently)


def added_not_valid(constraint: Check | ForeignKey, ctx: Context) -> bool:
    """The constraint is added without checking the existing rows: the model says so (``validated``
    False, rendered NOT VALID), or the linted statement says NOT VALID."""
    return not constraint.validated or (ctx.statement is not None and ctx.statement.not_valid)


def writes_statements(op: Operation, dialect: str) -> bool:
    """Whether mgen writes any SQL for the operation on ``dialect``: not for a backfill of no column
    (only its reverse changes data), nor for an enum type where the dialect keeps enums on the columns
    (MySQL, SQLite: the columns' own operations change them). Rules about what else shares a migration
    count only operations that write something."""
    if isinstance(op, Backfill):
        return op.column is not None
    if isinstance(op, (CreateEnum, DropEnum)):
        return get_dialect(dialect).enum_style == "type"
    return True


def earlier_statements(ctx: Context) -> list[str]:
    """What the migration ran, in statements of their own, before this operation's statement: for `mgen
    lint` the file's earlier statements that changed the database (``ctx.earlier_statements``), for mgen's
    own migrations the operations before this one that write SQL, described."""
    if ctx.earlier_statements is not None:
        return list(ctx.earlier_statements)
    return [op.describe() for op in ctx.operations[:ctx.index] if writes_statements(op, ctx.dialect)]


@dataclass(frozen=True)
class DataStatement:
    """A data-changing statement read from a linted file."""

    kind: str  # "update" | "delete" | "truncate"
    tables: tuple[str, ...]
    has_where: bool


def parse_data_statement(text: str, dialect: str) -> DataStatement | None:
    """The UPDATE / DELETE / TRUNCATE in ``text``, else None (DDL, SELECT, SET, unparsable text).

    Unparsable text is None rather than an error: the linter reports parse errors itself, and a data
    rule must not guess about a statement it cannot read.
    """
    import sqlglot  # here, not at import: most runs lint no data statement
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    try:
        tree = sqlglot.parse_one(text, read=SQLGLOT_DIALECT[dialect])
    except (ParseError, TokenError):
        return None
    if isinstance(tree, exp.Update):
        return DataStatement("update", _names([tree.this]), tree.args.get("where") is not None)
    if isinstance(tree, exp.Delete):
        # MySQL multi-table DELETE t1, t2 FROM ... names its targets in "tables"
        targets = tree.args.get("tables") or [tree.this]
        return DataStatement("delete", _names(targets), tree.args.get("where") is not None)
    if isinstance(tree, exp.TruncateTable):
        return DataStatement("truncate", _names(tree.expressions), False)
    return None


def _names(nodes: list) -> tuple[str, ...]:
    from sqlglot import exp

    names = []
    for node in nodes:
        table = node if isinstance(node, exp.Table) else (node.find(exp.Table) if node is not None else None)
        if table is not None and table.name:
            names.append(table.name)
    return tuple(names)
