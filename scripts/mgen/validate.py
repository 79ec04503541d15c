"""A schema the database would refuse is bad input (issue #15 item 12): refused with one line naming the object,
before a migration is planned or written, instead of a migration that fails when it runs.

``refuse_invalid(schema, dialect, file)`` runs every check; ``refuse_invalid(..., checks=VALUES)`` all but the
foreign keys' targets, which a part of a schema does not hold (a framework's app points at other apps' tables). Each
check is one function yielding what is wrong; what a database refuses is its dialect's
(``Dialect.identifier_limit``, ``name_scopes``, ``non_finite_defaults``, ``foreign_key_target``):

- text no database stores: a NUL byte or a lone surrogate in a name, a default, an expression, a comment;
- a name over the dialect's identifier limit (MySQL refuses it; PostgreSQL cuts it, so it never matches again);
- two objects of one name in one namespace (PostgreSQL's relations, MySQL's foreign keys, ...);
- a foreign key to a table or column that is not there, with a column count that differs, or to columns no
  key or index covers;
- a non-finite number (``.nan``) or non-number as a numeric column's default where the database has none, a
  text no database reads as a date or time as a temporal column's;
- a check on a column its table does not have;
- an expression with a bind placeholder (``%s``, ``?``, ``$1``): no value is ever bound to it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .dialects import get_dialect
from .dialects.base import Dialect
from .errors import MgenError
from .schema import Schema, Table

Check = Callable[[Schema, Dialect], Iterator[str]]
_NUMERIC = {"smallint", "integer", "bigint", "numeric", "real", "double"}
_NON_FINITE_TYPES = {"numeric", "real", "double"}
_TEMPORAL = {"date", "time", "timestamp", "timestamptz"}
_CLOCK = re.compile(r"(current_timestamp|current_date|current_time|localtimestamp|localtime)(\(\d+\))?|now\(\)")
_TEMPORAL_WORDS = {"now", "today", "tomorrow", "yesterday", "epoch", "infinity", "-infinity", "allballs"}
_KINDS = {"table": "table", "primary_key": "primary key", "unique": "unique key", "index": "index",
          "foreign_key": "foreign key", "check": "check"}


def refuse_invalid(schema: Schema, dialect: str, file: str | None, checks: tuple[Check, ...] | None = None) -> None:
    """MgenError (``file``, the first problem found) when the database of ``dialect`` would refuse ``schema``."""
    found = get_dialect(dialect)
    for check in ALL if checks is None else checks:
        for problem in check(schema, found):
            raise MgenError(f"{problem}: {found.name} would refuse it", file)


# -- text ------------------------------------------------------------------------------------------
def _texts(schema: Schema) -> Iterator[tuple[str, str]]:
    """(what, text) for every name and text value of the schema."""
    for enum in schema.enums:
        yield f"enum {enum.name!r}", enum.name
        for value in enum.values:
            yield f"enum {enum.name!r} value", value
    for t in schema.tables:
        yield f"table {t.name!r}", t.name
        if t.comment:
            yield f"table {t.name!r} comment", t.comment
        for c in t.columns:
            where = f"column {t.name}.{c.name!r}"
            yield where, c.name
            for label, text in (("default", c.default.value if c.default else None), ("comment", c.comment),
                                ("generation", c.generated.expression if c.generated else None)):
                if text:
                    yield f"{where} {label}", text
        for kind, name, text in _constraints(t):
            yield f"{_KINDS[kind]} {name!r} of table {t.name!r}", name
            if text:
                yield f"{_KINDS[kind]} {name!r} of table {t.name!r}", text


def _constraints(t: Table) -> Iterator[tuple[str, str, str | None]]:
    """(kind, name, expression) of every named object of a table but its columns."""
    if t.primary_key is not None and t.primary_key.name:
        yield "primary_key", t.primary_key.name, None
    yield from (("unique", u.name, None) for u in t.uniques)
    yield from (("index", i.name, i.where or " ".join(c for c in i.columns if c.startswith("("))) for i in t.indexes)
    yield from (("foreign_key", f.name, None) for f in t.foreign_keys)
    yield from (("check", c.name, c.expression) for c in t.checks)


def text(schema: Schema, dialect: Dialect) -> Iterator[str]:
    names = {id(name) for _, name in _names(schema)}
    for what, value in _texts(schema):
        if "\x00" in value and (id(value) in names or not dialect.text_takes_nul):
            yield f"{what} holds a NUL byte"
        elif any("\ud800" <= ch <= "\udfff" for ch in value):
            bad = next(ch for ch in value if "\ud800" <= ch <= "\udfff")
            yield f"{what} holds a lone surrogate (U+{ord(bad):04X}), which is no Unicode character"


# -- names -----------------------------------------------------------------------------------------
def lengths(schema: Schema, dialect: Dialect) -> Iterator[str]:
    limit = dialect.identifier_limit or 1 << 30
    for what, name in _names(schema):
        if not name:
            yield f"{what} is an empty name"
            continue
        if dialect.identifiers_in_bmp and any(ord(ch) > 0xFFFF for ch in name):
            yield f"{what} has a character outside Unicode's Basic Multilingual Plane, which no name may have"
            continue
        size = len(name.encode("utf-8", "surrogatepass")) if dialect.identifier_unit == "bytes" else len(name)
        if size > limit:
            yield f"{what} is {size} {dialect.identifier_unit} long, over {dialect.name}'s limit of {limit}"


def _names(schema: Schema) -> Iterator[tuple[str, str]]:
    yield from ((f"enum {e.name!r}", e.name) for e in schema.enums)
    for t in schema.tables:
        yield f"table {t.name!r}", t.name
        yield from ((f"column {t.name}.{c.name!r}", c.name) for c in t.columns)
        yield from ((f"{_KINDS[kind]} {name!r} of table {t.name!r}", name) for kind, name, _ in _constraints(t))


def duplicates(schema: Schema, dialect: Dialect) -> Iterator[str]:
    seen: dict[tuple[str, str, str], str] = {}
    for t in schema.tables:
        for kind, name in [("table", t.name), *((k, n) for k, n, _ in _constraints(t))]:
            for scope in dialect.name_scopes.get(kind, ()):
                key = (scope, t.name if scope.startswith("table:") else "", name)
                what = f"{_KINDS[kind]} {name!r}" + ("" if kind == "table" else f" of table {t.name!r}")
                if key in seen:
                    yield f"{what} has the name of {seen[key]}"
                    break
                seen[key] = what


# -- foreign keys ----------------------------------------------------------------------------------
def foreign_keys(schema: Schema, dialect: Dialect) -> Iterator[str]:
    for t in schema.tables:
        own = {c.name for c in t.columns}
        for fk in t.foreign_keys:
            what = f"foreign key {fk.name!r} of table {t.name!r}"
            missing = [c for c in fk.columns if c not in own]
            if missing:
                yield f"{what} is on column {missing[0]!r}, which table {t.name!r} does not have"
            elif not schema.has_table(fk.ref_table):
                if "." not in fk.ref_table:  # another schema's table may be there; this one's is not
                    yield f"{what} references table {fk.ref_table!r}, which the schema does not have"
            elif len(fk.columns) != len(fk.ref_columns):
                yield (f"{what} has {len(fk.columns)} column(s) but references {len(fk.ref_columns)} of "
                       f"{fk.ref_table!r}")
            else:
                yield from _target(schema.table(fk.ref_table), fk.ref_columns, what, dialect)


def _target(ref: Table, columns: tuple[str, ...], what: str, dialect: Dialect) -> Iterator[str]:
    names = {c.name for c in ref.columns}
    absent = [c for c in columns if c not in names]
    if absent:
        yield f"{what} references column {ref.name}.{absent[0]!r}, which does not exist"
        return
    keys = ([ref.primary_key.columns] if ref.primary_key else []) + [u.columns for u in ref.uniques] + \
        [i.columns for i in ref.indexes if i.unique and not i.where]
    if dialect.foreign_key_target == "unique" and set(columns) not in [set(k) for k in keys]:
        yield f"{what} references {ref.name}({', '.join(columns)}), which no primary key or unique key covers"
    if dialect.foreign_key_target == "indexed" and not any(
            tuple(k[:len(columns)]) == tuple(columns) for k in [*keys, *(i.columns for i in ref.indexes)]):
        yield f"{what} references {ref.name}({', '.join(columns)}), which no key or index begins with"


# -- values ----------------------------------------------------------------------------------------
def defaults(schema: Schema, dialect: Dialect) -> Iterator[str]:
    allowed = dialect.non_finite_defaults
    if allowed is None:
        return
    for t in schema.tables:
        for c in t.columns:
            if c.default is None or c.default.kind != "string" or c.type.name not in _NUMERIC or c.type.array:
                continue
            if c.default.value.strip().lower() in allowed and c.type.name in _NON_FINITE_TYPES:
                continue
            yield f"column {t.name}.{c.name!r} ({c.type.name}) has the default {c.default.value!r}, which is no number"
        for c in t.columns:
            if c.default is not None and c.default.kind == "number" and dialect.number_default_types is not None \
                    and c.type.name != "native" and (c.type.array or c.type.name not in dialect.number_default_types):
                yield (f"column {t.name}.{c.name!r} ({c.type.describe()}) has the number {c.default.value} as its "
                       "default, which is not of its type")
        for c in t.columns:  # the clock where the database has no cast from it to a number (PostgreSQL)
            if not dialect.clock_default_numbers and c.default is not None and c.default.kind == "expression" \
                    and c.type.name in _NUMERIC and not c.type.array \
                    and _CLOCK.fullmatch(c.default.value.strip().lower()):
                yield (f"column {t.name}.{c.name!r} ({c.type.describe()}) has the default {c.default.value}, "
                       "a date or time, which is not of its type")
        for c in t.columns:
            if c.default is not None and c.default.kind == "string" and c.type.name in _TEMPORAL \
                    and not c.type.array and not _temporal_text(c.default.value):
                yield (f"column {t.name}.{c.name!r} ({c.type.name}) has the default {c.default.value[:40]!r}, "
                       "which is no date or time")


def _temporal_text(value: str) -> bool:
    """Whether a database could read ``value`` as a date or time: it has a digit, or is one of the words
    PostgreSQL reads as one (a text of neither is refused by every database that types its columns)."""
    text = value.strip().lower()
    return any(ch.isdigit() for ch in text) or text in _TEMPORAL_WORDS


def placeholders(schema: Schema, dialect: Dialect) -> Iterator[str]:
    from sqlglot import exp

    from .expressions import parse

    for t in schema.tables:
        texts = [(f"check {c.name!r} of table {t.name!r}", c.expression) for c in t.checks] + \
            [(f"column {t.name}.{c.name!r} default", c.default.value) for c in t.columns
             if c.default is not None and c.default.kind == "expression"]
        for what, expression in texts:
            if not any(mark in expression for mark in ("%", "?", "$", ":")):
                continue
            try:
                node = parse(expression, "postgresql")
            except MgenError:  # text sqlglot cannot read is judged where it is read
                continue
            if node.find(exp.Placeholder, exp.Parameter) is not None:
                yield f"{what} holds a bind placeholder ({expression}), which no value is ever bound to"
    if dialect.boolean_checks:
        for t in schema.tables:
            for check in t.checks:
                if isinstance(_unparen(check.expression), exp.Literal):
                    yield f"check {check.name!r} of table {t.name!r} is {check.expression}, which is no condition"


def _unparen(expression: str):
    from .expressions import parse, unparen

    try:
        return unparen(parse(expression, "postgresql"))
    except MgenError:
        return None


def types(schema: Schema, dialect: Dialect) -> Iterator[str]:
    """Sizes the database refuses (``Dialect.type_limits``: type name -> (the least, the most) its size may
    be): ``numeric(0, 2)``, ``numeric(99)`` on MySQL, ``varchar(0)`` on PostgreSQL; a scale over the precision."""
    for t in schema.tables:
        for c in t.columns:
            size = c.type.precision if c.type.name == "numeric" else c.type.length
            limits = dialect.type_limits.get(c.type.name)
            what = f"column {t.name}.{c.name!r} ({c.type.describe()})"
            if limits is not None and size is not None and not limits[0] <= size <= limits[1]:
                yield f"{what} has the size {size}, out of {dialect.name}'s {limits[0]}..{limits[1]}"
            elif c.type.name == "numeric" and c.type.scale is not None and c.type.precision is not None \
                    and c.type.scale > c.type.precision and limits is not None:
                yield f"{what} has a scale over its precision"


def check_columns(schema: Schema, dialect: Dialect) -> Iterator[str]:
    from .expressions import columns_in

    fold = str.lower if dialect.case_insensitive_names else str
    for t in schema.tables:
        own = {fold(c.name) for c in t.columns}
        for check in t.checks:
            unknown = sorted(c for c in columns_in(check.expression) if fold(c) not in own)
            if unknown:
                yield f"check {check.name!r} of table {t.name!r} uses column {unknown[0]!r}, which the table does not have"


# every check but the foreign keys' targets holds for a part of a schema (one framework app or models module)
VALUES: tuple[Check, ...] = (text, lengths, duplicates, types, defaults, placeholders, check_columns)
ALL: tuple[Check, ...] = (*VALUES, foreign_keys)
