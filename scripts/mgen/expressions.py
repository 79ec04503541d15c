"""Canonical text for SQL expressions (defaults, CHECKs, partial-index predicates).

The model stores every expression in one canonical spelling - sqlglot's PostgreSQL output - so
that two sources that mean the same thing compare equal, and each dialect renders it back with
``render``.
"""
from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from .errors import MgenError

SQLGLOT_DIALECT = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}


def _strip_outer_parens(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


@lru_cache(maxsize=4096)
def canonical(text: str, dialect: str) -> str:
    """Parse ``text`` as written in ``dialect`` and return the canonical spelling."""
    try:
        node = sqlglot.parse_one(text, read=SQLGLOT_DIALECT[dialect])
    except sqlglot.errors.ParseError as e:
        raise MgenError(f"cannot parse expression {text!r}: {str(e).splitlines()[0]}") from None
    return _strip_outer_parens(node).sql(dialect="postgres")


@lru_cache(maxsize=4096)
def render(text: str, dialect: str) -> str:
    """Render a canonical expression for ``dialect``."""
    if dialect == "postgresql":
        return text
    node = sqlglot.parse_one(text, read="postgres")
    return node.sql(dialect=SQLGLOT_DIALECT[dialect])
