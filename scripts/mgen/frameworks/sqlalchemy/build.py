"""From what was read to mgen's Tables, by the dialect's rules: what ``metadata.create_all()`` builds.

``build_table`` applies what SQLAlchemy does per dialect to a ``TableSpec``: nullability defaults, the
autoincrementing column (``SERIAL`` / ``AUTO_INCREMENT`` / SQLite's ``AUTOINCREMENT``), server defaults
typed by the column, enum types, generated columns, and every constraint and index named
(``constraint_names``) in the order SQLAlchemy emits them. ``schema_from_specs`` builds a whole schema.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from ... import naming
from ...errors import MgenError
from ...schema import Check, Column, EnumType, ForeignKey, Generated, Index, PrimaryKey, Schema, Table, Unique
from ...sqltypes import declared_generation
from .columns import server_default
from .constraint_names import ConstraintNamer
from .reader import ConstructReader
from .specs import (
    CheckSpec,
    ColumnSpec,
    ForeignKeySpec,
    IndexSpec,
    PrimaryKeySpec,
    TableSpec,
    TypeSpec,
    UniqueSpec,
    column_name,
    columns_by_key,
    split_target,
)


def build_table(reader: ConstructReader, spec: TableSpec, specs: Mapping[str, TableSpec | Table],
                taken: Iterable[str] = ()) -> tuple[Table, list[EnumType]]:
    """The Table SQLAlchemy's ``CREATE TABLE`` (plus its ``CREATE INDEX``) makes of ``spec`` on the
    reader's dialect. ``specs``: the tables foreign keys may point at, read (TableSpec) or already
    built (Table); ``taken``: constraint names the table already has (when columns are added to it)."""
    compiler, database = reader.compiler, reader.database
    what = f"table {spec.name}"
    by_key = columns_by_key(spec)
    pk_items = [i for i in spec.items if isinstance(i, PrimaryKeySpec)]
    if len(pk_items) > 1:
        raise MgenError(f"{what} has more than one PrimaryKeyConstraint", str(spec.path), spec.line)
    if pk_items:
        pk_spec = pk_items[0]
        pk_columns = tuple(column_name(by_key, c, spec, pk_spec.line) for c in pk_spec.columns)
    else:
        pk_spec = None
        pk_columns = tuple(c.name for c in spec.columns if c.primary_key)  # type: ignore[misc]
    autoinc = _autoincrement_column(spec, pk_columns, specs)
    if not database.autoincrement_in_composite_key and len(pk_columns) > 1:
        for c in spec.columns:
            if c.name in pk_columns and c.autoincrement is True:  # SQLAlchemy's SQLite compiler refuses it
                raise MgenError(f"{what}.{c.name}: SQLite does not support autoincrement for composite primary keys",
                                str(c.path), c.line)
    enums: list[EnumType] = []
    columns: list[Column] = []
    for c in sorted(spec.columns, key=lambda c: c.sort_order):
        ctype = column_type(c, specs, reader)
        identity: str | None = None
        sqlite_autoincrement = (c.identity is None and spec.sqlite_autoincrement and len(pk_columns) == 1
                                and ctype.integer and not c.foreign_keys)
        if c.identity is not None and compiler.writes_identity:
            identity = c.identity
        elif c is autoinc and (compiler.serial_autoincrement or sqlite_autoincrement):
            identity = "serial"  # SERIAL / AUTO_INCREMENT / INTEGER PRIMARY KEY AUTOINCREMENT
        in_pk = c.name in pk_columns
        nullable = (c.nullable if c.nullable is not None else not c.primary_key) and not in_pk
        if c.identity is not None or identity is not None:
            nullable = False
        default = None
        if c.server_default is not None:
            node, scope = c.server_default
            default = server_default(reader, node, scope, ctype.type, f"{what}.{c.name} server_default")
        if ctype.enum is not None:
            enum = ctype.enum if ctype.enum.name else EnumType(f"{spec.name}_{c.name}", ctype.enum.values)
            enums.append(enum)
            ctype = replace(ctype, type=replace(ctype.type, enum=enum.name))
        if ctype.declared is not None:  # how a revision spells the type (the writer's, for this database type)
            reader.declared[(spec.name, c.name)] = (ctype.type, ctype.declared)
        generated = None
        if c.computed is not None:
            generated = _generated(c, reader.dialect, f"{what}.{c.name}")
            default = None
        columns.append(Column(name=c.name, type=ctype.type, nullable=nullable, default=default,  # type: ignore[arg-type]
                              identity=identity, comment=c.comment if database.supports_comments else None,
                              generated=generated))
    namer = ConstraintNamer(reader, spec, by_key, taken)
    primary_key = None
    if pk_columns:
        name = namer.name("pk", pk_spec.name if pk_spec else None, pk_spec.conv if pk_spec else False, pk_columns)
        if name is None or not database.keeps_primary_key_name:
            name = naming.primary_key_name(spec.name)
            reader.auto_named.add((spec.name, name))
        primary_key = PrimaryKey(pk_columns, name)
    uniques: list[Unique] = []
    indexes: list[Index] = []
    foreign_keys: list[ForeignKey] = []
    checks: list[Check] = []
    # constraint objects written out (Table args, __table_args__) exist before the Table, the ones its
    # columns imply are made when it is built: SQLAlchemy emits them in that order, and that order is
    # how MySQL numbers unnamed foreign keys (t_ibfk_1, t_ibfk_2) and PostgreSQL picks t_c_key1
    for item in spec.items:
        if isinstance(item, UniqueSpec):
            cols = tuple(column_name(by_key, x, spec, item.line) for x in item.columns)
            uniques.append(Unique(namer.name("uq", item.name, item.conv, cols) or namer.unnamed("uq", cols), cols))
        elif isinstance(item, IndexSpec):
            cols = tuple(x if x.startswith("(") else column_name(by_key, x, spec, item.line) for x in item.columns)
            name = namer.name("ix", item.name, item.conv, cols)
            if name is None:
                raise MgenError(f"{what}: an Index needs a name (or an 'ix' naming convention)",
                                str(spec.path), item.line)
            ops = tuple((column_name(by_key, c, spec, item.line), o) for c, o in item.ops)
            orders = tuple((column_name(by_key, c, spec, item.line), o) for c, o in item.orders)
            indexes.append(Index(name, cols, item.unique, item.where, item.method, ops, orders))
        elif isinstance(item, ForeignKeySpec):
            cols = tuple(column_name(by_key, x, spec, item.line) for x in item.columns or ())
            foreign_keys.append(namer.foreign_key(replace(item, columns=cols), specs))
        elif isinstance(item, CheckSpec):
            checks.append(namer.check(item))
    for c in spec.columns:
        assert c.name is not None
        if c.index:
            name = namer.name("ix", None, False, (c.name,))
            if name is None:
                raise MgenError(f"{what}.{c.name}: index=True needs an 'ix' naming convention to be named",
                                str(c.path), c.line)
            indexes.append(Index(name, (c.name,), unique=bool(c.unique)))
        elif c.unique:
            uniques.append(Unique(namer.name("uq", None, False, (c.name,)) or namer.unnamed("uq", (c.name,)),
                                  (c.name,)))
        for fk in c.foreign_keys:
            foreign_keys.append(namer.foreign_key(replace(fk, columns=(c.name,)), specs))
        for check in c.checks:
            checks.append(namer.check(check, column=c.name))
    table = Table(name=spec.name, columns=tuple(columns), primary_key=primary_key, uniques=tuple(uniques),
                  indexes=tuple(indexes), foreign_keys=tuple(foreign_keys), checks=tuple(checks),
                  comment=spec.comment if database.supports_comments else None)
    return table, enums


def column_type(c: ColumnSpec, specs: Mapping[str, TableSpec | Table], reader: ConstructReader,
                _seen: frozenset = frozenset()) -> TypeSpec:
    """The column's type; a column declared with only a ForeignKey takes its target's type (as
    SQLAlchemy does), without the target's autoincrement."""
    if c.type is not None:
        return c.type
    if len(c.foreign_keys) != 1 or (c.path, c.line) in _seen:
        raise MgenError(f"column {c.name} has no type", str(c.path), c.line)
    table, column = split_target(c.foreign_keys[0].targets[0], c.path, c.line)
    target_spec = specs.get(table)
    if target_spec is None:
        raise MgenError(f"column {c.name}: ForeignKey to {table}.{column}, but no model defines table {table!r}",
                        str(c.path), c.line)
    if isinstance(target_spec, Table):
        if not target_spec.has_column(column):
            raise MgenError(f"column {c.name}: table {table} has no column {column!r}", str(c.path), c.line)
        ctype = target_spec.column(column).type
        return TypeSpec(ctype, integer=ctype.name in ("smallint", "integer", "bigint"))
    by_key = columns_by_key(target_spec)
    target = by_key.get(column) or next((x for x in target_spec.columns if x.name == column), None)
    if target is None:
        raise MgenError(f"column {c.name}: table {table} has no column {column!r}", str(c.path), c.line)
    return column_type(target, specs, reader, _seen | {(c.path, c.line)})


def _autoincrement_column(spec: TableSpec, pk_columns: tuple[str, ...],
                          specs: Mapping[str, TableSpec]) -> ColumnSpec | None:
    """SQLAlchemy's ``PrimaryKeyConstraint._autoincrement_column``: the single integer primary key
    column without a Python or server default (other than Identity) and without a foreign key, or the
    one marked ``autoincrement=True``."""
    pk = [c for c in spec.columns if c.name in pk_columns]

    def eligible(c: ColumnSpec, explicit: bool) -> bool:
        if c.type is not None and not c.type.integer:
            if explicit:
                raise MgenError(f"column {c.name}: autoincrement=True needs an integer type", str(c.path), c.line)
            return False
        if c.type is None:
            return False  # a type copied from a foreign key: the column has a foreign key anyway
        if explicit:
            return True
        if c.has_python_default or (c.server_default is not None and c.identity is None):
            return False
        return not (c.foreign_keys or c.name in table_fk_columns) or c.autoincrement == "ignore_fk"

    # a ForeignKeyConstraint(["id"], ...) of the table gives its columns a foreign key too (col.foreign_keys)
    table_fk_columns = {name for item in spec.items if isinstance(item, ForeignKeySpec) for name in item.columns or ()}
    if len(pk) == 1:
        c = pk[0]
        if c.autoincrement is True:
            return c if eligible(c, True) else None
        if c.autoincrement in ("auto", "ignore_fk") and eligible(c, False):
            return c
        return None
    marked = [c for c in pk if c.autoincrement is True]
    if len(marked) > 1:
        raise MgenError(f"table {spec.name}: only one column may be autoincrement=True", str(spec.path), spec.line)
    return marked[0] if marked and eligible(marked[0], True) else None


def _generated(c: ColumnSpec, dialect: str, what: str) -> Generated:
    """The generation ``Computed`` declares (``persisted=None`` is the dialect's default, as SQLAlchemy's
    compilers write it)."""
    assert c.computed is not None
    try:
        return declared_generation(*c.computed, dialect)
    except MgenError as e:
        raise MgenError(f"{what}: {e.message}", str(c.path), c.line) from None


def schema_from_specs(reader: ConstructReader, specs: Sequence[TableSpec]) -> Schema:
    """Build every table; enums are collected (one PostgreSQL type per name, each must agree)."""
    by_name: dict[str, TableSpec] = {}
    for spec in specs:
        if spec.name in by_name:
            other = by_name[spec.name]
            raise MgenError(f"table {spec.name!r} is defined twice (also {other.path}:{other.line})",
                            str(spec.path), spec.line)
        by_name[spec.name] = spec
    tables = []
    enums: dict[str, EnumType] = {}
    for spec in specs:
        table, table_enums = build_table(reader, spec, by_name)
        tables.append(table)
        for e in table_enums:
            if e.name in enums and enums[e.name].values != e.values:
                raise MgenError(f"enum type {e.name!r} is declared with different values "
                                f"({', '.join(enums[e.name].values)} / {', '.join(e.values)})", str(spec.path),
                                spec.line)
            enums[e.name] = e
    schema = Schema(tables=tuple(tables), enums=tuple(enums.values()))
    return reader.database.final_form(schema)
