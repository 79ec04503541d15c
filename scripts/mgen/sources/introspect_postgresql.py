"""Read the current schema of a live PostgreSQL database into the portable model.

Everything comes from the catalogs (pg_class, pg_attribute, pg_constraint, pg_index, pg_enum), so
names are the real ones. PostgreSQL stores expressions with casts it added itself
(``price > (0)::numeric``, ``(kind)::text = ANY (ARRAY[...])``); ``clean_expression`` takes those
back out so a CHECK written ``price > 0`` compares equal to what PostgreSQL stores.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import sqlglot
from sqlglot import exp

from ..db import Connection
from ..errors import MgenError
from ..expressions import NUMERIC_TYPES, canonical, unparen
from ..schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    Extension,
    ForeignKey,
    Generated,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
    canonical_number,
)
from ..sqltypes import parse_type

# -- types -------------------------------------------------------------------------------------
_SIMPLE_TYPES = {
    "smallint": "smallint", "integer": "integer", "bigint": "bigint",
    "real": "real", "double precision": "double", "boolean": "boolean",
    "text": "text", "date": "date", "uuid": "uuid", "json": "json", "jsonb": "jsonb", "bytea": "binary",
}


def _int(s: str | None) -> int | None:
    return int(s) if s is not None else None


# format_type() spellings with arguments: regex -> builder of the portable type
_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], ColumnType]]] = [
    (re.compile(r"character varying(?:\((\d+)\))?"), lambda m: ColumnType("varchar", length=_int(m[1]))),
    (re.compile(r"character(?:\((\d+)\))?"), lambda m: ColumnType("char", length=_int(m[1]))),
    (re.compile(r"numeric(?:\((\d+),(\d+)\))?"),
     lambda m: ColumnType("numeric", precision=_int(m[1]), scale=_int(m[2]))),
    (re.compile(r"time(?:\((\d+)\))? without time zone"), lambda m: ColumnType("time", precision=_int(m[1]))),
    (re.compile(r"timestamp(?:\((\d+)\))? without time zone"),
     lambda m: ColumnType("timestamp", precision=_int(m[1]))),
    (re.compile(r"timestamp(?:\((\d+)\))? with time zone"),
     lambda m: ColumnType("timestamptz", precision=_int(m[1]))),
]


def portable_type(formatted: str, typtype: str, typname: str, where: str) -> ColumnType:
    """The portable type of a column from format_type() and pg_type."""
    if typtype == "e":
        return ColumnType("enum", enum=typname)
    if formatted in _SIMPLE_TYPES:
        return ColumnType(_SIMPLE_TYPES[formatted])
    for pattern, build in _PATTERNS:
        m = pattern.fullmatch(formatted)
        if m:
            return build(m)
    try:  # a type of PostgreSQL's own, an extension's or a domain: carried as format_type() spells it
        ctype = parse_type(formatted, "postgresql", any_name=True)
    except MgenError:
        ctype = None
    if ctype is None or ctype.name != "native":
        raise MgenError(f"column {where} has type {formatted!r}, which mgen does not model")
    return ctype


# -- expressions -------------------------------------------------------------------------------
def clean_expression(text: str) -> str:
    """Canonical text of an expression as PostgreSQL stores it (its added casts and parentheses go)."""
    return canonical(text, "postgresql")


_BOOLEAN_TYPES = {exp.DataType.Type.BOOLEAN}


def column_default(stored: str | None) -> Default | None:
    """The model's Default for pg_get_expr(adbin): literals lose PostgreSQL's casts."""
    if stored is None:
        return None
    try:
        node = unparen(sqlglot.parse_one(stored, read="postgres"))
    except sqlglot.errors.ParseError:
        return Default("expression", canonical(stored, "postgresql"))
    cast_to = None
    if isinstance(node, exp.Cast):
        cast_to = node.to.this
        node = unparen(node.this)
    if isinstance(node, exp.Null):
        return None  # DEFAULT NULL means no default
    if isinstance(node, exp.Boolean):
        return Default("boolean", "true" if node.this else "false")
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return Default("number", "-" + node.this.this)
    if isinstance(node, exp.Literal):
        if not node.is_string:
            return Default("number", node.this)
        if cast_to in NUMERIC_TYPES and canonical_number(node.this) is not None:
            return Default("number", node.this)
        if cast_to in _BOOLEAN_TYPES:
            return Default("boolean", "true" if node.this.lower() in ("t", "true", "1", "y", "yes", "on") else "false")
        return Default("string", node.this)
    return Default("expression", clean_expression(stored))


# -- catalog queries ---------------------------------------------------------------------------
_TABLES = """
SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname
"""

_COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), t.typtype, t.typname, a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, col_description(a.attrelid, a.attnum),
       EXISTS (SELECT 1 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid
               WHERE dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
                 AND dep.classid = 'pg_class'::regclass AND s.relkind = 'S'),
       et.typtype, et.typname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, pos)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.pos),
       fc.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, pos)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.pos),
       con.confdeltype, con.confupdtype, pg_get_constraintdef(con.oid), con.convalidated,
       CASE WHEN con.condeferred THEN 'DEFERRABLE INITIALLY DEFERRED' WHEN con.condeferrable THEN 'DEFERRABLE' END,
       con.confmatchtype = 'f'
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.conname
"""

# Indexes that do not back a primary key, unique or exclusion constraint; per key column the
# attribute name, or NULL and the expression text.
_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, am.amname, pg_get_expr(i.indpred, i.indrelid),
       ARRAY(SELECT a.attname::text FROM generate_series(1, i.indnkeyatts) k
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] AND a.attnum > 0
             ORDER BY k),
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k),
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' WHEN ocn.nspname IN ('pg_catalog', current_schema())
                         THEN oc.opcname::text ELSE ocn.nspname || '.' || oc.opcname END
             FROM generate_series(1, i.indnkeyatts) k
             JOIN pg_opclass oc ON oc.oid = i.indclass[k - 1]
             JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace ORDER BY k),
       ARRAY(SELECT i.indoption[k - 1]::int FROM generate_series(1, i.indnkeyatts) k ORDER BY k),
       ARRAY(SELECT a.attname::text FROM generate_series(i.indnkeyatts + 1, i.indnatts) k
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] ORDER BY k)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

# plpgsql is in every database PostgreSQL creates (template1): no migration creates it
_EXTENSIONS = """
SELECT x.extname, CASE WHEN n.nspname IN ('public', current_schema()) THEN NULL ELSE n.nspname END
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'
ORDER BY x.oid
"""

_ENUMS = """
SELECT t.typname, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = current_schema() AND t.typtype = 'e'
ORDER BY t.typname
"""

# pg_index.indoption per column: bit 1 DESC, bit 2 NULLS FIRST; the model keeps only what is not the default
_SORT_ORDERS = {0: "", 1: "DESC NULLS LAST", 2: "NULLS FIRST", 3: "DESC"}
_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_IDENTITY = {"a": "always", "d": "by_default"}


def _check_expression(definition: str) -> str:
    body = re.sub(r"\s+NOT VALID$", "", definition.strip())
    body = re.sub(r"\s+NO INHERIT$", "", body)
    if not body.upper().startswith("CHECK"):
        raise MgenError(f"unexpected check definition {definition!r}")
    return clean_expression(body[len("CHECK"):].strip())


class _TableParts:
    """What the catalog queries collect for one table before it becomes a frozen Table."""

    def __init__(self, name: str, comment: str | None):
        self.name = name
        self.comment = comment
        self.columns: list[Column] = []
        self.primary_key: PrimaryKey | None = None
        self.uniques: list[Unique] = []
        self.indexes: list[Index] = []
        self.foreign_keys: list[ForeignKey] = []
        self.checks: list[Check] = []

    def table(self) -> Table:
        return Table(self.name, tuple(self.columns), self.primary_key, tuple(self.uniques), tuple(self.indexes),
                     tuple(self.foreign_keys), tuple(self.checks), self.comment)


def _column(row: tuple, table: str) -> Column:
    _, name, formatted, typtype, typname, notnull, default, identity, generated, comment, owns_seq = row[:11]
    element_typtype, element_typname = row[11:13] if len(row) > 11 else (None, None)
    where = f"{table}.{name}"
    if element_typtype is not None and formatted.endswith("[]"):  # an array: its element's type, then []
        ctype = replace(portable_type(formatted[:-2], element_typtype, element_typname, where), array=True)
    else:
        ctype = portable_type(formatted, typtype, typname, where)
    if generated:  # 's' (stored); PostgreSQL 18's 'v' (virtual) too: pg_attrdef holds the expression
        return Column(name, ctype, nullable=not notnull, comment=comment,
                      generated=Generated(clean_expression(default), stored=generated == "s"))
    ident = _IDENTITY.get(identity or "")
    dflt = None
    if ident is None and default is not None and owns_seq and default.startswith("nextval("):
        ident = "serial"  # serial/bigserial: an owned sequence feeding the default
    elif default is not None:
        dflt = column_default(default)
    return Column(name, ctype, nullable=not notnull, default=dflt, identity=ident, comment=comment)


def introspect_postgresql(conn: Connection) -> Schema:
    """The schema of ``current_schema()`` in the connected PostgreSQL database."""
    parts: dict[int, _TableParts] = {}
    for oid, name, comment in conn.query(_TABLES):
        parts[oid] = _TableParts(name, comment)
    for row in conn.query(_COLUMNS):
        if row[0] in parts:
            parts[row[0]].columns.append(_column(row, parts[row[0]].name))
    for row in conn.query(_CONSTRAINTS):
        relid, name, kind, cols, ref_table, ref_cols, on_delete, on_update, definition, validated, deferrable, full = row
        if relid not in parts:
            continue  # a partition: its parent carries the definition
        t = parts[relid]
        if kind == "p":
            t.primary_key = PrimaryKey(tuple(cols), name)
        elif kind == "u":
            t.uniques.append(Unique(name, tuple(cols)))
        elif kind == "f":
            # convalidated is false for a key added NOT VALID and not yet validated
            t.foreign_keys.append(ForeignKey(name, tuple(cols), ref_table, tuple(ref_cols),
                                             _FK_ACTIONS[on_delete], _FK_ACTIONS[on_update], validated=validated,
                                             deferrable=deferrable, match_full=bool(full)))
        else:
            t.checks.append(Check(name, _check_expression(definition), validated=validated))
    for relid, name, unique, method, predicate, attnames, defs, opclasses, options, include in conn.query(_INDEXES):
        if relid not in parts:
            continue
        columns = tuple(a if a is not None else f"({clean_expression(d)})" for a, d in zip(attnames, defs))
        parts[relid].indexes.append(Index(
            name, columns, unique=unique,
            where=clean_expression(predicate) if predicate else None,
            method=None if method == "btree" else method,
            ops=tuple((c, o) for c, o in zip(columns, opclasses) if o),
            orders=tuple((c, _SORT_ORDERS[o & 3]) for c, o in zip(columns, options) if _SORT_ORDERS[o & 3]),
            include=tuple(include)))
    enums = tuple(EnumType(name, tuple(values)) for name, values in conn.query(_ENUMS))
    extensions = tuple(Extension(name, schema) for name, schema in conn.query(_EXTENSIONS))
    return Schema(tuple(p.table() for p in parts.values()), enums, extensions).normalized()
