"""Read the schema of a live MySQL / MariaDB database (the URL's database) into the portable model.

Everything comes from information_schema. MySQL has no separate enum types: an ``ENUM('a','b')``
column c of table t becomes EnumType ``t_c``. MariaDB stores JSON as LONGTEXT plus a
``CHECK (json_valid(col))``; that pair reads back as a json column without the check. The index MySQL
adds by itself for a foreign key is not reported (it is part of the foreign key, not a user index).
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from ..db import Connection, redact
from ..errors import MgenError
from ..expressions import canonical
from ..naming import primary_key_name
from ..schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    ForeignKey,
    Generated,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from ..sqltypes import has_collation

# -- types -------------------------------------------------------------------------------------
_ARGS = re.compile(r"^(\w+)(?:\((.*)\))?")


def _int_args(args: str | None) -> list[int]:
    return [int(a) for a in args.split(",")] if args else []


def _first(args: str | None) -> int | None:
    values = _int_args(args)
    return values[0] if values else None


def enum_values(args: str) -> tuple[str, ...]:
    """The members of ``'a','b''c'`` (the inside of ENUM(...) in COLUMN_TYPE)."""
    return tuple(v.replace("''", "'").replace("\\\\", "\\") for v in re.findall(r"'((?:[^']|'')*)'", args))


def _numeric(args: str | None) -> ColumnType:
    values = _int_args(args)
    return ColumnType("numeric", precision=values[0] if values else None, scale=values[1] if len(values) > 1 else None)


# DATA_TYPE -> builder of the portable type from COLUMN_TYPE's arguments
_TYPES: dict[str, Callable[[str | None], ColumnType]] = {
    "tinyint": lambda a: ColumnType("boolean") if a == "1" else ColumnType("smallint"),
    "bool": lambda a: ColumnType("boolean"),
    "boolean": lambda a: ColumnType("boolean"),
    "smallint": lambda a: ColumnType("smallint"),
    "mediumint": lambda a: ColumnType("integer"),
    "int": lambda a: ColumnType("integer"),
    "integer": lambda a: ColumnType("integer"),
    "bigint": lambda a: ColumnType("bigint"),
    "decimal": _numeric,
    "numeric": _numeric,
    "float": lambda a: ColumnType("real"),
    "double": lambda a: ColumnType("double"),
    "real": lambda a: ColumnType("double"),
    "char": lambda a: ColumnType("char", length=_first(a)),
    "varchar": lambda a: ColumnType("varchar", length=_first(a)),
    "tinytext": lambda a: ColumnType("text"),
    "text": lambda a: ColumnType("text"),
    "mediumtext": lambda a: ColumnType("text"),
    "longtext": lambda a: ColumnType("text"),
    "json": lambda a: ColumnType("json"),
    "date": lambda a: ColumnType("date"),
    "time": lambda a: ColumnType("time", precision=_first(a)),
    "datetime": lambda a: ColumnType("timestamp", precision=_first(a)),
    "timestamp": lambda a: ColumnType("timestamptz", precision=_first(a)),
    "binary": lambda a: ColumnType("binary", length=_first(a)),
    "varbinary": lambda a: ColumnType("binary", length=_first(a)),
    "tinyblob": lambda a: ColumnType("binary"),
    "blob": lambda a: ColumnType("binary"),
    "mediumblob": lambda a: ColumnType("binary"),
    "longblob": lambda a: ColumnType("binary"),
    "uuid": lambda a: ColumnType("uuid"),
}


def portable_type(column_type: str, table: str, column: str) -> tuple[ColumnType, EnumType | None]:
    """The portable type of COLUMN_TYPE, and the EnumType an ENUM column brings."""
    m = _ARGS.match(column_type.strip().lower())
    base, args = (m[1], m[2]) if m else ("", None)
    if base == "enum":
        name = f"{table}_{column}"
        m_raw = re.match(r"^\w+\((.*)\)", column_type.strip(), re.DOTALL)  # values keep their case
        return ColumnType("enum", enum=name), EnumType(name, enum_values(m_raw[1] if m_raw else ""))
    if base == "set":  # a native type, spelled as the SQL reader spells it
        m_raw = re.match(r"^\w+\((.*)\)", column_type.strip(), re.DOTALL)
        values = enum_values(m_raw[1] if m_raw else "")
        return ColumnType("native", native="SET(" + ",".join("'" + v.replace("'", "''") + "'" for v in values)
                          + ")"), None
    if base not in _TYPES:
        raise MgenError(f"column {table}.{column} has type {column_type!r}, which mgen does not model")
    ctype = _TYPES[base](args)
    if "unsigned" in column_type.lower().split() and ctype.name in _NUMERIC_TYPES:
        ctype = dataclasses.replace(ctype, unsigned=True)
    return ctype, None


# -- expressions -------------------------------------------------------------------------------
def clean_expression(text: str) -> str:
    """Canonical text of an expression as MySQL stores it (backquotes dropped where they mean nothing)."""
    return canonical(text, "mysql")


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_NUMERIC_TYPES = {"smallint", "integer", "bigint", "numeric", "real", "double"}


def _unquote_literal(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": "\0", "r": "\r"}.get(m[1], m[1]),
                  body.replace("''", "'"))


def column_default(raw: str | None, extra: str, ctype: ColumnType, mariadb: bool) -> Default | None:
    """The model's Default for COLUMN_DEFAULT (MariaDB quotes literals; MySQL marks expressions in EXTRA)."""
    if raw is None or (mariadb and raw == "NULL"):
        return None
    if mariadb and len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return Default("string", _unquote_literal(raw))
    if not mariadb and "DEFAULT_GENERATED" not in extra.upper() or _NUMBER.fullmatch(raw):
        literal = raw
    else:
        return Default("expression", clean_expression(raw))
    if ctype.name == "boolean" and literal in ("0", "1"):
        return Default("boolean", "true" if literal == "1" else "false")
    if ctype.name in _NUMERIC_TYPES and _NUMBER.fullmatch(literal):
        return Default("number", literal)
    return Default("string", literal)


# -- information_schema queries --------------------------------------------------------------
_TABLES = """
SELECT TABLE_NAME, TABLE_COMMENT, TABLE_COLLATION FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME
"""
_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT,
       GENERATION_EXPRESSION, COLLATION_NAME
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_KEYS = """
SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,
       k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.KEY_COLUMN_USAGE k
  ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME
 AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND r.TABLE_NAME = tc.TABLE_NAME
 AND r.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""
# MariaDB names checks per table (CHECK_CONSTRAINTS.TABLE_NAME); MySQL 8 per schema, without TABLE_NAME.
_CHECKS_MARIADB = """
SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME
"""
_CHECKS_MYSQL = """
SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS cc
JOIN information_schema.TABLE_CONSTRAINTS tc
  ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME
 AND tc.CONSTRAINT_TYPE = 'CHECK'
WHERE cc.CONSTRAINT_SCHEMA = DATABASE() ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME
"""
_INDEXES = """
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, INDEX_TYPE, SUB_PART, COLLATION
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""
_INDEX_METHODS = {"BTREE": None, "FULLTEXT": "fulltext", "HASH": "hash", "SPATIAL": "spatial", "RTREE": "spatial"}


def _fk_action(rule: str) -> str:
    """InnoDB checks NO ACTION immediately, exactly like RESTRICT, and MariaDB reports an unspecified
    action as RESTRICT: both are the model's default, NO ACTION."""
    return "NO ACTION" if rule == "RESTRICT" else rule


class _TableParts:
    """What the queries collect for one table before it becomes a frozen Table."""

    def __init__(self, name: str, comment: str | None, collation: str | None = None):
        self.name = name
        self.collation = collation.lower() if collation else None
        self.comment = comment or None  # MySQL reports "no comment" as ''
        self.columns: list[Column] = []
        self.primary_key: PrimaryKey | None = None
        self.uniques: list[Unique] = []
        self.indexes: list[Index] = []
        self.foreign_keys: list[ForeignKey] = []
        self.checks: list[Check] = []
        self.longtext: set[str] = set()  # MariaDB's JSON is LONGTEXT guarded by json_valid()

    def table(self) -> Table:
        return Table(self.name, tuple(self.columns), self.primary_key, tuple(self.uniques), tuple(self.indexes),
                     tuple(self.foreign_keys), tuple(self.checks), self.comment, self.collation)


def _text(v) -> str | None:
    return v.decode() if isinstance(v, (bytes, bytearray)) else v


def _grouped(rows: list[tuple], width: int) -> dict[tuple, list[tuple]]:
    """Rows grouped by their first ``width`` values, in order."""
    out: dict[tuple, list[tuple]] = {}
    for r in rows:
        out.setdefault(tuple(r[:width]), []).append(r)
    return out


def introspect_mysql(conn: Connection) -> Schema:
    """The schema of the connected MySQL/MariaDB database."""
    version, database = conn.query("SELECT VERSION(), DATABASE()")[0]
    if database is None:
        raise MgenError(f"{redact(conn.url)} names no database (add /<database> to the URL)")
    mariadb = "mariadb" in str(version).lower()
    parts = {name: _TableParts(name, _text(comment), _text(collation))
             for name, comment, collation in conn.query(_TABLES)}
    enums: list[EnumType] = []
    for table, name, column_type, data_type, nullable, default, extra, comment, expression, collation \
            in conn.query(_COLUMNS):
        if table not in parts:
            continue  # a view
        ctype, enum = portable_type(_text(column_type), table, name)
        if collation and has_collation(ctype):
            ctype = dataclasses.replace(ctype, collation=_text(collation).lower())
        if enum is not None:
            enums.append(enum)
        extra = _text(extra) or ""
        if _text(data_type) == "longtext":
            parts[table].longtext.add(name)
        generated = _generated(extra, _text(expression))
        parts[table].columns.append(Column(
            name, ctype, nullable=nullable == "YES",
            default=None if generated else column_default(_text(default), extra, ctype, mariadb),
            identity="serial" if "auto_increment" in extra.lower() else None,
            comment=_text(comment) or None, generated=generated))

    for (table, name, kind), rows in _grouped(conn.query(_KEYS), 3).items():
        t = parts[table]
        cols = tuple(r[3] for r in rows)
        if kind == "PRIMARY KEY":
            t.primary_key = PrimaryKey(cols, primary_key_name(table))  # MySQL calls every PK "PRIMARY"
        elif kind == "UNIQUE":
            t.uniques.append(Unique(name, cols))
        else:
            t.foreign_keys.append(ForeignKey(name, cols, rows[0][4], tuple(r[5] for r in rows),
                                             _fk_action(rows[0][6]), _fk_action(rows[0][7])))

    for table, name, clause in conn.query(_CHECKS_MARIADB if mariadb else _CHECKS_MYSQL):
        t = parts[table]
        expression = clean_expression(_text(clause))
        json_column = _json_valid_column(expression)
        if json_column in t.longtext:
            t.columns = [replace_type(c, ColumnType("json")) if c.name == json_column else c for c in t.columns]
            continue
        t.checks.append(Check(name, expression))

    key_names = {(t.name, u.name) for t in parts.values() for u in t.uniques}
    for (table, name), rows in _grouped(conn.query(_INDEXES), 2).items():
        t = parts[table]
        cols = tuple(r[3] for r in rows)
        if name == "PRIMARY" or (table, name) in key_names or _backs_foreign_key(t, name, cols):
            continue
        t.indexes.append(Index(name, cols, unique=not int(rows[0][2]), method=_INDEX_METHODS.get(rows[0][4]),
                               prefixes=tuple((r[3], int(r[5])) for r in rows if r[5] is not None),
                               orders=tuple((r[3], "DESC") for r in rows if r[6] == "D")))

    return Schema(tuple(p.table() for p in parts.values()), tuple(enums)).normalized()


def _generated(extra: str, expression: str | None) -> Generated | None:
    """EXTRA says ``STORED GENERATED`` or ``VIRTUAL GENERATED`` (MySQL 8's ``DEFAULT_GENERATED`` is an
    expression default, not a generated column)."""
    kind = extra.upper()
    if not expression or ("STORED GENERATED" not in kind and "VIRTUAL GENERATED" not in kind):
        return None
    return Generated(clean_expression(expression), stored="STORED GENERATED" in kind)


def replace_type(c: Column, ctype: ColumnType) -> Column:
    return dataclasses.replace(c, type=ctype)


def _json_valid_column(expression: str) -> str | None:
    m = re.fullmatch(r'JSON_VALID\("?([^"()]+)"?\)', expression)
    return m[1] if m else None


def _backs_foreign_key(t: _TableParts, name: str, cols: tuple[str, ...]) -> bool:
    """The index MySQL creates for a foreign key: named after the constraint (or, for an unnamed one,
    after its first column) on exactly its columns."""
    return any(cols == fk.columns and name in (fk.name, fk.columns[0]) for fk in t.foreign_keys)
