"""Canonical text for SQL expressions (defaults, CHECKs, partial-index predicates).

The model stores every expression in one canonical spelling - sqlglot's PostgreSQL output, with
what differs between sources that mean the same thing removed - so that a hand-written file, a dump
and a live database compare equal, and each dialect renders it back with ``render``:

- identifier quoting: `a`, "a" and a are one name; quotes stay only where needed (keywords, case);
- PostgreSQL folds unquoted names to lower case;
- the casts and parentheses PostgreSQL adds when it prints an expression back
  (``(price > (0)::numeric)``, ``(email)::text``, ``x = ANY (ARRAY['a'::text, 'b'::text])``).
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from . import keywords
from .errors import MgenError

if TYPE_CHECKING:
    from sqlglot import exp

# sqlglot is imported on first use, not with this module: a run that meets no expression (a Django
# AddField of a plain column, ``mgen status``) does not pay its ~100 ms import.

SQLGLOT_DIALECT = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}

_SIMPLE_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_RESERVED_ANYWHERE = keywords.POSTGRESQL | keywords.MYSQL | keywords.SQLITE


class _Kinds:
    """sqlglot's node and type classes this module tests against (built once, after the import)."""

    def __init__(self) -> None:
        from sqlglot import exp

        t = exp.DataType.Type
        self.numeric = {t.SMALLINT, t.INT, t.BIGINT, t.DECIMAL, t.FLOAT, t.DOUBLE}
        self.text = {t.TEXT, t.VARCHAR, t.CHAR, t.NVARCHAR, t.NCHAR}
        # Comparisons bind tighter than AND/OR, so parentheses around them inside AND/OR/NOT are noise.
        self.comparisons = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is, exp.In, exp.Like,
                            exp.ILike, exp.Between, exp.Not)
        self.atoms = (exp.Column, exp.Literal, exp.Func, exp.Cast, exp.Boolean, exp.Null, exp.Paren, exp.Array)


@cache
def _kinds() -> _Kinds:
    return _Kinds()


def __getattr__(name: str):  # NUMERIC_TYPES for the introspectors, built when first asked for
    if name == "NUMERIC_TYPES":
        return _kinds().numeric
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _sqlglot():
    import sqlglot

    return sqlglot


def parse(text: str, dialect: str) -> exp.Expression:
    from sqlglot.errors import ParseError, TokenError

    try:
        return _sqlglot().parse_one(text, read=SQLGLOT_DIALECT[dialect])
    except (ParseError, TokenError) as e:
        raise MgenError(f"cannot parse expression {text!r}: {str(e).splitlines()[0]}") from None


@lru_cache(maxsize=4096)
def canonical(text: str, dialect: str) -> str:
    """Parse ``text`` as written in ``dialect`` and return the canonical spelling."""
    return canonical_node(parse(text, dialect), dialect)


def canonical_node(node: exp.Expression, dialect: str) -> str:
    """The canonical spelling of an already parsed expression (the node is not modified)."""
    from sqlglot import exp

    node = node.copy()
    if dialect == "postgresql":
        node = _without_print_back_noise(node)
    for ident in node.find_all(exp.Identifier):
        name = ident.this if ident.quoted or dialect != "postgresql" else ident.this.lower()
        ident.set("this", name)
        ident.set("quoted", not is_plain_word(name, dialect))
    return unparen(node).sql(dialect="postgres")


def canonical_expression(source: str | exp.Expression, dialect: str) -> str:
    """The canonical text of an expression, from text or a parsed node."""
    node = parse(source, dialect) if isinstance(source, str) else source
    return canonical_node(node, dialect)


@lru_cache(maxsize=4096)
def render(text: str, dialect: str) -> str:
    """Render a canonical expression for ``dialect``."""
    if dialect == "postgresql":
        return text
    return _sqlglot().parse_one(text, read="postgres").sql(dialect=SQLGLOT_DIALECT[dialect])


def is_plain_word(name: str, dialect: str = "") -> bool:
    """True when ``name`` can stand unquoted in the canonical text: lower case, and reserved in none
    of the dialects it may be rendered for (so the same text is right everywhere)."""
    return bool(_SIMPLE_IDENTIFIER.match(name)) and name not in _RESERVED_ANYWHERE


# -- PostgreSQL's print-back noise ------------------------------------------------------------------
def unparen(node: exp.Expression) -> exp.Expression:
    """The expression inside any number of parentheses."""
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _drop_added_cast(node: exp.Expression) -> exp.Expression:
    from sqlglot import exp

    kinds = _kinds()
    if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType):
        inner = unparen(node.this)
        to = node.to.this
        if isinstance(inner, exp.Literal):
            if inner.is_string and to in kinds.numeric and _is_number(inner.this):
                return exp.Literal.number(inner.this)
            return inner
        if isinstance(inner, exp.Neg) and isinstance(inner.this, exp.Literal):
            return inner
        if isinstance(inner, exp.Column) and to in kinds.text:
            return inner
        if isinstance(inner, exp.Array) and to == exp.DataType.Type.ARRAY:
            return inner
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        values = unparen(node.expression.this)
        if isinstance(values, exp.Array):  # x = ANY (ARRAY[a, b]) is how PostgreSQL stores x IN (a, b)
            return exp.In(this=node.this, expressions=list(values.expressions))
    if isinstance(node, exp.NEQ) and isinstance(node.expression, exp.Anonymous) \
            and str(node.expression.this).upper() == "ALL" and len(node.expression.expressions) == 1:
        values = unparen(node.expression.expressions[0])
        if isinstance(values, exp.Array):
            return exp.Not(this=exp.In(this=node.this, expressions=list(values.expressions)))
    return node


def _paren_is_noise(paren: exp.Paren) -> bool:
    from sqlglot import exp

    kinds = _kinds()
    inner, parent = paren.this, paren.parent
    if parent is None or isinstance(inner, kinds.atoms) and not isinstance(inner, exp.Binary):  # AND/OR are Funcs too
        return True
    if isinstance(parent, (exp.And, exp.Or)) and isinstance(inner, kinds.comparisons):
        return True
    if isinstance(parent, exp.Cast) and parent.this is paren:  # ((a * b))::bigint is CAST(a * b AS BIGINT)
        return True
    return isinstance(parent, exp.And) and isinstance(inner, exp.And) or \
        isinstance(parent, exp.Or) and isinstance(inner, exp.Or)


def _without_print_back_noise(tree: exp.Expression) -> exp.Expression:
    from sqlglot import exp

    for _ in range(20):  # transform() does not revisit a replaced node's children: repeat to a fixpoint
        before = tree.sql(dialect="postgres")
        tree = tree.transform(_drop_added_cast)
        if tree.sql(dialect="postgres") == before:
            break
    changed = True
    while changed:  # removing one layer can make the next one removable
        changed = False
        for paren in list(tree.find_all(exp.Paren)):
            if _paren_is_noise(paren):
                if paren is tree:
                    tree = paren.this
                else:
                    paren.replace(paren.this)
                changed = True
    return tree


@lru_cache(maxsize=4096)
def rename_column(text: str, old: str, new: str) -> str:
    """A canonical expression with column ``old`` renamed to ``new`` (what the database does to CHECKs
    and index predicates on RENAME COLUMN)."""
    from sqlglot import exp

    tree = _sqlglot().parse_one(text, read="postgres")
    hit = False
    for column in tree.find_all(exp.Column):
        if column.name == old:
            column.set("this", exp.Identifier(this=new, quoted=True))
            hit = True
    return canonical_node(tree, "postgresql") if hit else text


def columns_in(text: str) -> set[str]:
    """The column names a canonical expression mentions (empty when it cannot be parsed)."""
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    try:
        node = _sqlglot().parse_one(text, read="postgres")
    except (ParseError, TokenError):
        return set()
    return {c.name for c in node.find_all(exp.Column)}


def index_uses(index, column: str) -> bool:
    """True when ``index`` (a schema.Index) names ``column``: as a key, in an expression key, in its predicate."""
    if index.where and column in columns_in(index.where):
        return True
    return any(c == column or (c.startswith("(") and column in columns_in(c)) for c in index.columns)


# -- PostgreSQL's implicit numeric promotion ----------------------------------------------------------
_CATEGORY = {"smallint": 0, "integer": 0, "bigint": 0, "numeric": 1, "real": 2, "double": 2}  # int, numeric, float


@lru_cache(maxsize=4096)
def with_promotions(text: str, column_types: tuple[tuple[str, str], ...]) -> str:
    """``text`` (canonical) with the casts PostgreSQL's arithmetic adds made explicit, for comparing: it
    stores ``total * qty`` (numeric * integer) as ``total * (qty)::numeric``, ``a / b::numeric`` as
    ``(a)::numeric / (b)::numeric``, ``abs(a) * total`` as ``(abs(a))::numeric * total``. A cast to the
    operator's type that the other operand already has goes, then each operand of a lower category
    (integer < numeric < floating point) whose type is known gets it: both spellings meet in one."""
    from sqlglot import exp

    types = dict(column_types)
    tree = _sqlglot().parse_one(text, read="postgres")
    arithmetic = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
    cast_category = {exp.DataType.Type.DECIMAL: 1, exp.DataType.Type.FLOAT: 2, exp.DataType.Type.DOUBLE: 2}

    def category(node: exp.Expression) -> int | None:
        node = unparen(node)
        if isinstance(node, exp.Column):
            return _CATEGORY.get(types.get(node.name, ""))
        if isinstance(node, exp.Literal) and not node.is_string:
            return 0 if node.this.lstrip("-").isdigit() else 1
        if isinstance(node, exp.Cast):
            return cast_category.get(node.to.this, 0 if node.to.this in _kinds().numeric else None)
        if isinstance(node, arithmetic):
            a, b = category(node.this), category(node.expression)
            return None if a is None or b is None else max(a, b)
        return None

    def sides(node: exp.Expression) -> tuple[exp.Expression, exp.Expression] | None:
        return (node.this, node.expression) if isinstance(node, arithmetic) else None

    for op in list(tree.find_all(*arithmetic)):  # 1. casts the other side makes implicit go
        for first in (True, False):  # read the sides again: the first pass may have replaced one
            own, other = (op.this, op.expression) if first else (op.expression, op.this)
            inner = unparen(own)
            target = cast_category.get(inner.to.this) if isinstance(inner, exp.Cast) else None
            if target is not None and category(other) == target:
                inner.replace(inner.this)
    for op in list(tree.find_all(*arithmetic)):  # 2. each lower operand of known type cast up
        pair = sides(op)
        assert pair is not None
        a, b = category(pair[0]), category(pair[1])
        if a is None or b is None or a == b:
            continue
        low, high = (pair[0], b) if a < b else (pair[1], a)
        if isinstance(unparen(low), exp.Literal):
            continue  # PostgreSQL's casts on literals are dropped by the canonical form already
        to = "DECIMAL" if high == 1 else "DOUBLE"
        low.replace(exp.Cast(this=low.copy(), to=exp.DataType.build(to)))
    return canonical_node(tree, "postgresql")
