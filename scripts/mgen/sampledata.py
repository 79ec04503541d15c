"""Sample rows that satisfy a schema's constraints, and the comparable form of rows read back.

``insert_sample_rows`` fills every table (parents before children) with a few rows: values valid for
each portable type, distinct per row so primary keys and uniques hold, enum members from the enum,
foreign keys pointing at rows already inserted, identity columns left to the database. A CHECK is not
solved: when a row is refused, candidate values (the literals the checks mention, then 0, 1, 10, ...)
are tried on the columns the checks use, and rows that still do not insert are left out.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlglot
from sqlglot import exp

from .db import Connection, StatementError, quote_identifier
from .nativetypes import native_sample
from .schema import Column, ColumnType, Schema, Table

Row = dict[str, Any]
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_MAX_ATTEMPTS = 40  # candidate rows tried for one row refused by a CHECK


# -- values per portable type --------------------------------------------------------------------
def _short_text(i: int, length: int | None) -> str:
    """A string distinct for each i that fits in ``length`` characters."""
    text = f"v{i}"
    if length is None or len(text) <= length:
        return text
    digits = ""
    while True:  # i in base 36, as short as it gets
        i, r = divmod(i, len(_ALPHABET))
        digits = _ALPHABET[r] + digits
        if i == 0:
            return digits[-length:]


def _numeric(t: ColumnType, i: int) -> Decimal:
    value = Decimal(i + 1)
    if t.precision is not None:
        room = t.precision - (t.scale or 0)  # digits before the point
        value = Decimal((i + 1) % (10 ** room)) if room > 0 else Decimal(0)
    if t.scale:
        value += Decimal(5).scaleb(-t.scale)  # a fraction: shows the scale survives
    return value


_VALUES: dict[str, Callable[[ColumnType, int], Any]] = {
    "smallint": lambda t, i: i + 1,
    "integer": lambda t, i: i + 1,
    "bigint": lambda t, i: i + 1,
    "numeric": _numeric,
    "real": lambda t, i: i + 1.5,
    "double": lambda t, i: i + 1.25,
    "boolean": lambda t, i: i % 2 == 0,
    "char": lambda t, i: _short_text(i, t.length or 1),
    "varchar": lambda t, i: _short_text(i, t.length),
    "text": lambda t, i: f"text {i}",
    "date": lambda t, i: (dt.date(2024, 1, 1) + dt.timedelta(days=i)).isoformat(),
    "time": lambda t, i: f"10:{i % 60:02d}:00",
    "timestamp": lambda t, i: (dt.datetime(2024, 1, 1, 10) + dt.timedelta(days=i)).isoformat(" "),
    "timestamptz": lambda t, i: (dt.datetime(2024, 1, 1, 10) + dt.timedelta(days=i)).isoformat(" "),
    "uuid": lambda t, i: str(uuid.UUID(int=i + 1)),
    "json": lambda t, i: json.dumps({"n": i}),
    "jsonb": lambda t, i: json.dumps({"n": i}),
    "binary": lambda t, i: bytes([i % 256, 7, 9])[: t.length or 3],
}
_NUMBER_TYPES = {"smallint", "integer", "bigint", "numeric", "real", "double"}


def sample_value(column: Column, schema: Schema, i: int) -> Any:
    """The value of ``column`` in sample row ``i`` (distinct per i wherever the type allows)."""
    t = column.type
    if t.array:  # a one-element array of the element's value (psycopg sends a list as an array)
        value = sample_value(replace(column, type=t.element()), schema, i)
        return None if value is None else [value]
    if t.name == "native":
        return native_sample(t.native or "", i)
    if t.name == "enum":
        values = schema.enum(t.enum).values if t.enum and schema.has_enum(t.enum) else ()
        return values[i % len(values)] if values else None
    return _VALUES[t.name](t, i)


# -- CHECK candidates ------------------------------------------------------------------------------
def _check_literals(table: Table) -> tuple[set[str], list[Any]]:
    """The columns the table's checks use and the literals they mention (numbers also +-1)."""
    columns: set[str] = set()
    literals: list[Any] = []
    for check in table.checks:
        try:
            tree = sqlglot.parse_one(check.expression, read="postgres")
        except sqlglot.errors.ParseError:
            continue
        columns.update(c.name for c in tree.find_all(exp.Column))
        for lit in tree.find_all(exp.Literal):
            if lit.is_string:
                literals.append(lit.this)
                continue
            try:
                n = Decimal(lit.this)
            except InvalidOperation:
                continue
            negative = isinstance(lit.parent, exp.Neg)
            n = -n if negative else n
            literals.extend([n, n + 1, n - 1])
    return columns, literals


_GENERIC = {
    "number": [0, 1, 10, 100, 1000, -1],
    "text": ["a", "abc", "active", "x", "yes", "A"],
}


def _candidates(column: Column, literals: list[Any], i: int) -> list[Any]:
    if column.type.name in _NUMBER_TYPES:
        numbers = [x for x in literals if isinstance(x, Decimal)] + [Decimal(g) for g in _GENERIC["number"]]
        as_int = column.type.name in ("smallint", "integer", "bigint")
        out = [int(x) if as_int else x for x in numbers if not as_int or x == x.to_integral_value()]
        return [x + i for x in out] + out  # shifted first: keeps rows distinct for uniques
    if column.type.name in ("char", "varchar", "text"):
        strings = [x for x in literals if isinstance(x, str)] + _GENERIC["text"]
        if column.type.length:
            strings = [s for s in strings if len(s) <= column.type.length]
        return strings
    return []


# -- inserting -------------------------------------------------------------------------------------
def tables_in_dependency_order(schema: Schema) -> list[Table]:
    """Parents before children; a cycle is broken where it is found (those references start NULL)."""
    by_name = {t.name: t for t in schema.tables}
    done: list[Table] = []
    seen: set[str] = set()

    def visit(t: Table, path: set[str]) -> None:
        if t.name in seen or t.name in path:
            return
        for ref in sorted(t.referenced_tables()):
            if ref in by_name and ref != t.name:
                visit(by_name[ref], path | {t.name})
        seen.add(t.name)
        done.append(t)

    for t in sorted(schema.tables, key=lambda t: t.name):
        visit(t, set())
    return done


def _insert_sql(table: str, columns: list[str], dialect: str, placeholder: str) -> str:
    q = quote_identifier(table, dialect)
    if not columns:
        return f"INSERT INTO {q} () VALUES ()" if dialect == "mysql" else f"INSERT INTO {q} DEFAULT VALUES"
    cols = ", ".join(quote_identifier(c, dialect) for c in columns)
    return f"INSERT INTO {q} ({cols}) VALUES ({', '.join([placeholder] * len(columns))})"


def _row_for(table: Table, schema: Schema, i: int, inserted: dict[str, list[Row]]) -> Row | None:
    """Sample row ``i`` of ``table``, or None when a required parent row does not exist."""
    row: Row = {}
    for fk in table.foreign_keys:
        parents = inserted.get(fk.ref_table, []) if fk.ref_table != table.name else []
        if parents:
            parent = parents[i % len(parents)]
            row.update({c: parent[rc] for c, rc in zip(fk.columns, fk.ref_columns)})
        elif all(table.column(c).nullable for c in fk.columns if table.has_column(c)):
            row.update({c: None for c in fk.columns})
        else:
            return None
    for column in table.columns:
        if column.name in row or column.identity is not None or column.generated is not None:
            continue  # foreign key values set above; identity and generated values are the database's
        row[column.name] = sample_value(column, schema, i)
    return row


def _try_insert(conn: Connection, table: Table, row: Row, dialect: str) -> bool:
    sql = _insert_sql(table.name, list(row), dialect, conn.placeholder)
    try:
        conn.execute(sql, list(row.values()) if row else None)
    except StatementError:
        return False
    return True


def _insert_with_candidates(conn: Connection, table: Table, row: Row, dialect: str, i: int) -> bool:
    """Insert ``row``; when refused, vary the columns the checks use until one variant inserts."""
    if _try_insert(conn, table, row, dialect):
        return True
    check_columns, literals = _check_literals(table)
    varied = [c for c in table.columns if c.name in check_columns and c.name in row]
    options = {c.name: _candidates(c, literals, i) for c in varied}
    attempts = 0
    # every varied column on its k-th candidate together, then one column at a time
    for k in range(max((len(v) for v in options.values()), default=0)):
        trial = dict(row, **{name: values[k] for name, values in options.items() if k < len(values)})
        attempts += 1
        if attempts > _MAX_ATTEMPTS:
            return False
        if _try_insert(conn, table, trial, dialect):
            return True
    for name, values in options.items():
        for value in values:
            attempts += 1
            if attempts > _MAX_ATTEMPTS:
                return False
            if _try_insert(conn, table, dict(row, **{name: value}), dialect):
                return True
    return False


def insert_sample_rows(conn: Connection, schema: Schema, dialect: str, n: int = 5) -> dict[str, list[Row]]:
    """Insert up to ``n`` rows per table; returns every table's rows as stored (an empty list: none
    could be inserted)."""
    inserted: dict[str, list[Row]] = {}
    for table in tables_in_dependency_order(schema):
        for i in range(n):
            row = _row_for(table, schema, i, inserted)
            if row is not None:
                _insert_with_candidates(conn, table, row, dialect, i)
        inserted[table.name] = read_rows(conn, table, dialect)
    return inserted


def read_rows(conn: Connection, table: Table, dialect: str, columns: Iterable[str] | None = None) -> list[Row]:
    """All rows of ``table`` (only ``columns`` when given), as column -> value dicts."""
    names = list(columns) if columns is not None else list(table.column_names())
    if not names:
        return []
    cols = ", ".join(quote_identifier(c, dialect) for c in names)
    return [dict(zip(names, r)) for r in conn.query(f"SELECT {cols} FROM {quote_identifier(table.name, dialect)}")]


# -- comparable values -------------------------------------------------------------------------------
def _number(v: Any) -> str:
    d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _timedelta(v: dt.timedelta) -> str:
    seconds = int(v.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _text(v: str) -> Any:
    v = v.rstrip(" ")  # char(n) pads, varchar does not: the same value either way
    if v[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(v), sort_keys=True)
        except ValueError:
            pass
    return v


_NORMALIZERS: list[tuple[type, Callable[[Any], Any]]] = [
    (bool, lambda v: "1" if v else "0"),  # MySQL and SQLite store booleans as 1/0
    (int, _number),
    (float, _number),
    (Decimal, _number),
    (str, _text),
    ((bytes, bytearray, memoryview), lambda v: bytes(v).hex()),  # type: ignore[list-item]
    (dt.datetime, lambda v: v.replace(tzinfo=None).isoformat(" ")),  # tz: session wall clock either way
    (dt.date, lambda v: v.isoformat()),
    (dt.time, lambda v: v.replace(tzinfo=None).isoformat()),
    (dt.timedelta, _timedelta),  # pymysql reads TIME as a timedelta
    (uuid.UUID, str),
    ((dict, list), lambda v: json.dumps(v, sort_keys=True)),
]


def comparable(value: Any) -> Any:
    """``value`` as read from any driver, in a form equal across drivers and widened types."""
    if value is None:
        return None
    for kind, normalize in _NORMALIZERS:
        if isinstance(value, kind):
            return normalize(value)
    return str(value)
