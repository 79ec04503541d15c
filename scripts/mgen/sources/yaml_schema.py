"""The YAML desired-state schema (docs/yaml-schema.md): a hand-writable description of tables.

``read_yaml_schema(path)`` gives a ``Schema``; the parsers for one type, column or table are public so
the change-list reader accepts exactly the same spellings. Every mistake is an ``MgenError`` naming
the file and line.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import naming
from ..errors import MgenError
from ..expressions import canonical_expression
from ..schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from ..sqltypes import literal_default, parse_type_details
from .yaml_lines import LineDict, line_of, load_yaml_with_lines

Where = tuple[str | None, int | None]  # (file, line) an error is reported at

SCHEMA_KEYS = {"enums", "tables"}
TABLE_KEYS = {"name", "comment", "columns", "primary_key", "uniques", "indexes", "checks", "foreign_keys"}
COLUMN_KEYS = {"name", "type", "nullable", "default", "identity", "primary_key", "unique", "references",
               "on_delete", "on_update", "comment", "check"}
INDEX_KEYS = {"name", "columns", "unique", "where", "method"}
UNIQUE_KEYS = {"name", "columns"}
CHECK_KEYS = {"name", "expression"}
FOREIGN_KEY_KEYS = {"name", "columns", "references", "on_delete", "on_update"}
REFERENCE_KEYS = {"table", "columns"}
IDENTITIES = {"serial": "serial", "always": "always", "by_default": "by_default", "by default": "by_default"}
ACTIONS = {"no action": "NO ACTION", "restrict": "RESTRICT", "cascade": "CASCADE", "set null": "SET NULL",
           "set default": "SET DEFAULT"}
EXPRESSION_DIALECT = "postgresql"  # expressions in the YAML file are written in PostgreSQL's SQL


def _fail(message: str, where: Where) -> MgenError:
    return MgenError(message, where[0], where[1])


def _at(where: Where, obj: Any, key: Any = None) -> Where:
    """The position of ``obj[key]`` (or ``obj``), falling back to ``where``."""
    return where[0], line_of(obj, key) or where[1]


def _mapping(value: Any, what: str, where: Where) -> dict:
    if not isinstance(value, dict):
        raise _fail(f"{what} must be a mapping, not {_kind(value)}", where)
    return value


def _sequence(value: Any, what: str, where: Where) -> list:
    if not isinstance(value, list):
        raise _fail(f"{what} must be a list, not {_kind(value)}", where)
    return value


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "empty"}.get(type(value), type(value).__name__)


def _known_keys(d: dict, allowed: set[str], what: str, where: Where) -> None:
    for key in d:
        if key not in allowed:
            raise _fail(f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})", _at(where, d, key))


def _name(value: Any, what: str, where: Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{what} must be a non-empty string", where)
    return value


def _names(value: Any, what: str, where: Where) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    items = _sequence(value, what, where)
    if not items:
        raise _fail(f"{what} must not be empty", where)
    return tuple(_name(v, what, where) for v in items)


def _bool(value: Any, what: str, where: Where) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"{what} must be true or false, not {value!r}", where)
    return value


def _expression(value: Any, what: str, where: Where) -> str:
    text = _name(value, what, where)
    try:
        return canonical_expression(text, EXPRESSION_DIALECT)
    except MgenError as e:
        raise _fail(f"{what}: {e.message}", where) from None


# -- types -----------------------------------------------------------------------------------------
def parse_type_spec(text: str, where: Where) -> ColumnType:
    """``varchar(255)``, ``numeric(10,2)``, ``timestamptz``, ``enum:mood``... -> ColumnType.

    Portable names and the usual PostgreSQL spellings are accepted; ``serial`` gives its integer
    type (the column's identity says it is a serial)."""
    return _type_and_identity(text, where)[0]


def _type_and_identity(text: Any, where: Where) -> tuple[ColumnType, str | None]:
    if not isinstance(text, str) or not text.strip():
        raise _fail(f"type must be a string such as varchar(255), not {text!r}", where)
    spec = text.strip()
    if spec.lower().startswith("enum:"):
        enum = spec[5:].strip()
        if not enum:
            raise _fail("enum type without a name: write enum:<name>", where)
        return ColumnType("enum", enum=enum), None
    try:
        parsed = parse_type_details(spec, "postgresql")
    except MgenError as e:
        raise _fail(e.message.replace("supported:", "supported: enum:<name>,"), where) from None
    if parsed.enum_values is not None:
        raise _fail("declare enums under the top-level 'enums' key and use enum:<name>", where)
    return parsed.type, parsed.identity


def _default(value: Any, ctype: ColumnType, where: Where) -> Default | None:
    handler = _DEFAULTS.get(type(value))
    if handler is None:
        raise _fail(f"default must be a value or {{expression: ...}}, not {_kind(value)}", where)
    return handler(value, ctype, where)


def _default_mapping(value: dict, ctype: ColumnType, where: Where) -> Default:
    _known_keys(value, {"expression"}, "default", where)
    if "expression" not in value:
        raise _fail("default mapping needs 'expression'", where)
    return Default("expression", _expression(value["expression"], "default expression", where))


def _default_bool(value: bool, ctype: ColumnType, where: Where) -> Default:
    return Default("boolean", "true" if value else "false")


def _default_number(value: Any, ctype: ColumnType, where: Where) -> Default:
    return literal_default(str(value), False, ctype)


def _default_string(value: str, ctype: ColumnType, where: Where) -> Default:
    return literal_default(value, True, ctype)


def _default_none(value: None, ctype: ColumnType, where: Where) -> None:
    return None


_DEFAULTS: dict[type, Callable[[Any, ColumnType, Where], Default | None]] = {
    dict: _default_mapping, LineDict: _default_mapping, bool: _default_bool, int: _default_number,
    float: _default_number, str: _default_string, type(None): _default_none,
}


# -- columns ---------------------------------------------------------------------------------------
def parse_column(d: Any, where: Where, name: str | None = None) -> Column:
    """One column: ``d`` is a type string (short form) or a mapping (see docs/yaml-schema.md).
    The name comes from ``name`` (the key under ``columns:``) or from ``d["name"]``."""
    return _column_spec(d, where, name).column


class _ColumnSpec:
    """A column and the table-level things its mapping asks for (primary key, unique, reference, check)."""

    def __init__(self, column: Column, d: dict, where: Where):
        self.column = column
        self.d = d
        self.where = where


def _column_spec(d: Any, where: Where, name: str | None) -> _ColumnSpec:
    if isinstance(d, str):
        d = {"type": d}
    d = _mapping(d, f"column {name or ''}".strip(), where)
    where = _at(where, d)
    _known_keys(d, COLUMN_KEYS, f"column {name or d.get('name', '')}".strip(), where)
    if name is None:
        name = _name(d.get("name"), "column name", where)
    elif "name" in d and d["name"] != name:
        raise _fail(f"column {name!r} has a different name key {d['name']!r}", _at(where, d, "name"))
    if "type" not in d:
        raise _fail(f"column {name!r} needs a type", where)
    ctype, identity = _type_and_identity(d["type"], _at(where, d, "type"))
    if "identity" in d:
        key = str(d["identity"]).lower() if d["identity"] is not None else ""
        if key not in IDENTITIES:
            raise _fail(f"identity must be one of: serial, always, by_default (not {d['identity']!r})",
                        _at(where, d, "identity"))
        identity = IDENTITIES[key]
    nullable = _bool(d.get("nullable", True), "nullable", _at(where, d, "nullable"))
    if identity is not None or d.get("primary_key") is True:
        nullable = False  # identity and primary key columns are NOT NULL in every database
    default = _default(d["default"], ctype, _at(where, d, "default")) if "default" in d else None
    comment = d.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise _fail("comment must be a string", _at(where, d, "comment"))
    column = Column(name=name, type=ctype, nullable=nullable, default=default, identity=identity,
                    comment=comment or None)
    return _ColumnSpec(column, d, where)


# -- tables ----------------------------------------------------------------------------------------
def parse_table(d: Any, where: Where, name: str | None = None) -> Table:
    """One table mapping (see docs/yaml-schema.md). References to other tables are checked by
    ``read_yaml_schema``, which sees them all."""
    return _parse_table(d, where, name).table


def _parse_table(d: Any, where: Where, name: str | None) -> _TableBuilder:
    d = _mapping(d, f"table {name or ''}".strip(), where)
    key_where, where = where, _at(where, d)
    if name is None:
        name = _name(d.get("name"), "table name", where)
    _known_keys(d, TABLE_KEYS, f"table {name}", where)
    columns_node = _mapping(d.get("columns"), f"columns of table {name}", _at(where, d, "columns")) \
        if "columns" in d else None
    if not columns_node:
        raise _fail(f"table {name!r} needs at least one column under 'columns'", key_where)
    specs = [_column_spec(v, _at(where, columns_node, k), str(k)) for k, v in columns_node.items()]
    comment = d.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise _fail("comment must be a string", _at(where, d, "comment"))
    table = Table(name=name, columns=tuple(s.column for s in specs), comment=comment or None)
    builder = _TableBuilder(table, where)

    pk_columns = [s.column.name for s in specs if s.d.get("primary_key") is True]
    for s in specs:
        if "primary_key" in s.d:
            _bool(s.d["primary_key"], "primary_key", _at(s.where, s.d, "primary_key"))
    if "primary_key" in d:
        if pk_columns:
            raise _fail("primary key given both on columns and on the table", _at(where, d, "primary_key"))
        builder.primary_key(d["primary_key"], _at(where, d, "primary_key"))
    elif pk_columns:
        builder.set_primary_key(tuple(pk_columns), None, where)
    for s in specs:
        builder.column_constraints(s)
    for key, add in (("uniques", builder.unique), ("indexes", builder.index), ("checks", builder.check),
                     ("foreign_keys", builder.foreign_key)):
        items = _sequence(d.get(key) or [], key, _at(where, d, key))
        for k, item in enumerate(items):
            add(item, _at(_at(where, d, key), items, k))
    return builder


class _TableBuilder:
    """Adds constraints to a table, naming unnamed ones like PostgreSQL and refusing duplicates."""

    def __init__(self, table: Table, where: Where):
        self.table = table
        self.where = where
        self.reference_lines: dict[str, Where] = {}  # foreign key name -> where it was written

    def _column(self, name: Any, where: Where) -> str:
        name = _name(name, "column name", where)
        if not self.table.has_column(name):
            raise _fail(f"table {self.table.name!r} has no column {name!r}", where)
        return name

    def _columns(self, value: Any, where: Where) -> tuple[str, ...]:
        return tuple(self._column(c, where) for c in _names(value, "columns", where))

    def _claim(self, name: str | None, default: str, where: Where) -> str:
        taken = {u.name for u in self.table.uniques} | {i.name for i in self.table.indexes} | \
            {f.name for f in self.table.foreign_keys} | {c.name for c in self.table.checks} | \
            ({self.table.primary_key.name} if self.table.primary_key and self.table.primary_key.name else set())
        if name is not None:
            name = _name(name, "name", where)
            if name in taken:
                raise _fail(f"duplicate constraint or index name {name!r} in table {self.table.name!r}", where)
            return name
        if default not in taken:
            return default
        n = 1
        while naming.fit(f"{default}{n}") in taken:
            n += 1
        return naming.fit(f"{default}{n}")

    def set_primary_key(self, cols: tuple[str, ...], name: str | None, where: Where) -> None:
        name = self._claim(name, naming.primary_key_name(self.table.name), where)
        columns = tuple(replace(c, nullable=False) if c.name in cols else c for c in self.table.columns)
        self.table = replace(self.table, columns=columns, primary_key=PrimaryKey(cols, name))

    def primary_key(self, value: Any, where: Where) -> None:
        if isinstance(value, dict):
            _known_keys(value, {"name", "columns"}, "primary_key", where)
            self.set_primary_key(self._columns(value.get("columns"), where), value.get("name"), where)
        else:
            self.set_primary_key(self._columns(value, where), None, where)

    def column_constraints(self, spec: _ColumnSpec) -> None:
        col, d, where = spec.column.name, spec.d, spec.where
        unique = d.get("unique")
        if unique is not None and unique is not False:
            name = unique if isinstance(unique, str) else None
            if not isinstance(unique, (bool, str)):
                raise _fail("unique must be true or a constraint name", _at(where, d, "unique"))
            self._add_unique((col,), name, _at(where, d, "unique"))
        if "references" in d:
            ref = _name(d["references"], "references", _at(where, d, "references"))
            table, _, column = ref.partition(".")
            self._add_foreign_key((col,), table, (column,) if column else (), d, None, _at(where, d, "references"))
        elif "on_delete" in d or "on_update" in d:
            raise _fail("on_delete/on_update need 'references'", where)
        if "check" in d:
            self._add_check(d["check"], None, _at(where, d, "check"))

    def _add_unique(self, cols: tuple[str, ...], name: str | None, where: Where) -> None:
        name = self._claim(name, naming.unique_name(self.table.name, cols), where)
        self.table = replace(self.table, uniques=self.table.uniques + (Unique(name, cols),))

    def unique(self, item: Any, where: Where) -> None:
        item = _mapping(item, "unique", where)
        _known_keys(item, UNIQUE_KEYS, "unique", where)
        self._add_unique(self._columns(item.get("columns"), where), item.get("name"), where)

    def index(self, item: Any, where: Where) -> None:
        item = _mapping(item, "index", where)
        _known_keys(item, INDEX_KEYS, "index", where)
        columns, labels = [], []
        for c in _names(item.get("columns"), "columns", where):
            if c.startswith("(") and c.endswith(")"):
                expression = _expression(c, "index expression", where)
                columns.append(f"({expression})")
                labels.append(expression.split("(")[0].lower() if "(" in expression else "expr")
            else:
                columns.append(self._column(c, where))
                labels.append(c)
        name = self._claim(item.get("name"), naming.index_name(self.table.name, labels), where)
        method = item.get("method")
        if method is not None:
            method = _name(method, "method", where).lower()
        index = Index(name=name, columns=tuple(columns),
                      unique=_bool(item.get("unique", False), "unique", where),
                      where=_expression(item["where"], "where", where) if "where" in item else None,
                      method=None if method == "btree" else method)
        self.table = replace(self.table, indexes=self.table.indexes + (index,))

    def _add_check(self, expression: Any, name: str | None, where: Where) -> None:
        text = _expression(expression, "check expression", where)
        referenced = _referenced_columns(text)
        default = naming.check_name(self.table.name, sorted(referenced) if len(referenced) == 1 else [])
        for col in referenced:
            if not self.table.has_column(col):
                raise _fail(f"check expression uses unknown column {col!r}", where)
        name = self._claim(name, default, where)
        self.table = replace(self.table, checks=self.table.checks + (Check(name, text),))

    def check(self, item: Any, where: Where) -> None:
        if isinstance(item, str):
            item = {"expression": item}
        item = _mapping(item, "check", where)
        _known_keys(item, CHECK_KEYS, "check", where)
        if "expression" not in item:
            raise _fail("check needs an 'expression'", where)
        self._add_check(item["expression"], item.get("name"), where)

    def _add_foreign_key(self, cols: tuple[str, ...], ref_table: str, ref_cols: tuple[str, ...], d: dict,
                         name: str | None, where: Where) -> None:
        actions = {}
        for key in ("on_delete", "on_update"):
            value = d.get(key, "no action")
            action = ACTIONS.get(str(value).lower().replace("_", " "))
            if action is None:
                raise _fail(f"{key} must be one of: {', '.join(ACTIONS)} (not {value!r})", _at(where, d, key))
            actions[key] = action
        name = self._claim(name, naming.foreign_key_name(self.table.name, cols), where)
        fk = ForeignKey(name, cols, _name(ref_table, "referenced table", where), ref_cols,
                        actions["on_delete"], actions["on_update"])  # type: ignore[arg-type]
        self.table = replace(self.table, foreign_keys=self.table.foreign_keys + (fk,))
        self.reference_lines[name] = where

    def foreign_key(self, item: Any, where: Where) -> None:
        item = _mapping(item, "foreign key", where)
        _known_keys(item, FOREIGN_KEY_KEYS, "foreign key", where)
        cols = self._columns(item.get("columns"), where)
        ref = item.get("references")
        if isinstance(ref, str):
            table, _, column = ref.partition(".")
            ref_table, ref_cols = table, ((column,) if column else ())
        else:
            ref = _mapping(ref, "references", _at(where, item, "references"))
            _known_keys(ref, REFERENCE_KEYS, "references", where)
            ref_table = _name(ref.get("table"), "references.table", where)
            ref_cols = _names(ref["columns"], "references.columns", where) if "columns" in ref else ()
        self._add_foreign_key(cols, ref_table, ref_cols, item, item.get("name"), where)


def _referenced_columns(expression: str) -> set[str]:
    import sqlglot
    from sqlglot import exp

    return {c.name for c in sqlglot.parse_one(expression, read="postgres").find_all(exp.Column)}


# -- the whole file --------------------------------------------------------------------------------
def parse_schema(data: Any, filename: str | None) -> Schema:
    """A Schema from the loaded YAML document (``load_yaml_with_lines``)."""
    where: Where = (filename, line_of(data) or 1)
    if data is None:
        return Schema()
    data = _mapping(data, "the schema file", where)
    _known_keys(data, SCHEMA_KEYS, "the schema file", where)
    enums = _parse_enums(data.get("enums") or {}, _at(where, data, "enums"))
    tables_node = data.get("tables") or {}
    tables_node = _mapping(tables_node, "tables", _at(where, data, "tables"))
    builders = [_parse_table(v, _at(where, tables_node, k), str(k)) for k, v in tables_node.items()]
    schema = Schema(tables=tuple(b.table for b in builders), enums=enums)
    lines = {(b.table.name, fk): at for b in builders for fk, at in b.reference_lines.items()}
    schema = _check_references(schema, lines, (filename, where[1]))
    for t in schema.tables:
        for c in t.columns:
            if c.type.name == "enum" and not schema.has_enum(c.type.enum or ""):
                raise _fail(f"column {t.name}.{c.name} uses enum {c.type.enum!r}, which is not declared under 'enums'",
                            _at(_at(where, tables_node, t.name), _column_node(tables_node, t.name), c.name))
    return schema


def _column_node(tables_node: dict, table: str) -> Any:
    node = tables_node.get(table)
    return node.get("columns") if isinstance(node, dict) else None


def _parse_enums(node: Any, where: Where) -> tuple[EnumType, ...]:
    node = _mapping(node, "enums", where)
    out = []
    for name, values in node.items():
        at = _at(where, node, name)
        items = _sequence(values, f"enum {name}", at)
        if not items:
            raise _fail(f"enum {name!r} needs at least one value", at)
        strings = tuple(str(v) for v in items)
        if len(set(strings)) != len(strings):
            raise _fail(f"enum {name!r} repeats a value", at)
        out.append(EnumType(str(name), strings))
    return tuple(out)


def _check_references(schema: Schema, lines: dict[tuple[str, str], Where], where: Where) -> Schema:
    """Every foreign key points at an existing table and columns; ``references: t`` means t's key."""
    tables = []
    for t in schema.tables:
        fks = []
        for fk in t.foreign_keys:
            at = lines.get((t.name, fk.name), where)
            if not schema.has_table(fk.ref_table):
                raise _fail(f"foreign key {fk.name!r} references unknown table {fk.ref_table!r}", at)
            target = schema.table(fk.ref_table)
            ref_cols = fk.ref_columns
            if not ref_cols:
                if target.primary_key is None:
                    raise _fail(f"foreign key {fk.name!r}: table {target.name!r} has no primary key to reference", at)
                ref_cols = target.primary_key.columns
            for c in ref_cols:
                if not target.has_column(c):
                    raise _fail(f"foreign key {fk.name!r} references unknown column {target.name}.{c}", at)
            if len(ref_cols) != len(fk.columns):
                raise _fail(f"foreign key {fk.name!r} has {len(fk.columns)} columns but references {len(ref_cols)}", at)
            fks.append(replace(fk, ref_columns=tuple(ref_cols)))
        tables.append(replace(t, foreign_keys=tuple(fks)))
    return replace(schema, tables=tuple(tables))


def read_yaml_schema(path: str) -> Schema:
    """The Schema a YAML schema file describes (format: docs/yaml-schema.md)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise MgenError(f"cannot read: {e}", path) from None
    return parse_schema(load_yaml_with_lines(text, path), path)


__all__ = ["parse_column", "parse_schema", "parse_table", "parse_type_spec", "read_yaml_schema"]
