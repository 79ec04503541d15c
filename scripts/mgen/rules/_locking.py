"""Shared by the lock, index, constraint and statement rules: DML parsing (table sizes: ``_sizing``).

Not a rule (no ``RULE``): discovery imports it and skips it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ..expressions import SQLGLOT_DIALECT
from . import Context


def uses_mgen_sql(ctx: Context) -> bool:
    """The SQL is mgen's own: one transaction, no CONCURRENTLY, no NOT VALID, no lock_timeout."""
    return ctx.statement is None


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
    names = []
    for node in nodes:
        table = node if isinstance(node, exp.Table) else (node.find(exp.Table) if node is not None else None)
        if table is not None and table.name:
            names.append(table.name)
    return tuple(names)
