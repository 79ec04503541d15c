"""The schema model every reader produces and every renderer consumes.

Plain, immutable data. Two schemas compare equal when they describe the same database; a dialect
decides what "the same" means for types and defaults (see ``Dialect.same_type``), the model itself
only normalises what is dialect-free (names of types, order of constraints).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Literal

# Portable type names. A reader maps its dialect's spelling onto one of these; a dialect maps them back.
TYPE_NAMES = (
    "smallint", "integer", "bigint",
    "numeric", "real", "double",
    "boolean",
    "char", "varchar", "text",
    "date", "time", "timestamp", "timestamptz",
    "uuid", "json", "jsonb",
    "binary",
    "enum",
    "native",
)

IdentityKind = Literal["serial", "always", "by_default"]
Action = Literal["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"]


@dataclass(frozen=True)
class ColumnType:
    """A portable column type.

    name: one of TYPE_NAMES.
    length: char(n), varchar(n), binary(n) (None = unbounded / dialect default).
    precision/scale: numeric(p, s); precision also for time/timestamp fractional seconds.
    enum: for name == "enum", the enum type's name (PostgreSQL type; MySQL inlines the values,
          looked up in Schema.enums by this name).
    native: for name == "native", a type of one database that has no portable meaning, as that database
          spells it (``nativetypes.py``: PostgreSQL's ``interval``, ``inet``, ``tsvector``, ``bit varying(5)``,
          an extension's or a domain's ``citext``, ``extensions.vector(3)``; ``public.`` left out). Carried
          opaquely: rendered as written, equal only when spelled the same.
    array: a PostgreSQL array of this type (``text[]``, ``"Role"[]``); PostgreSQL keeps no dimensions.
    unsigned: MySQL's UNSIGNED numeric types (kept: a foreign key between INT UNSIGNED and INT fails).
    collation: MySQL: a text column's collation (``utf8mb4_bin``), its own or its table's default; None: not
          said (the server's default), which ``Dialect.same_type`` takes as the same as any.
    """

    name: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum: str | None = None
    native: str | None = None
    array: bool = False
    unsigned: bool = False
    collation: str | None = None

    def __post_init__(self) -> None:
        if self.name not in TYPE_NAMES:
            raise ValueError(f"unknown portable type {self.name!r}")
        if (self.name == "native") != (self.native is not None):
            raise ValueError("a native type has its spelling, and only a native type has one")

    def element(self) -> ColumnType:
        """The type of an array's elements (the type itself when it is no array)."""
        return replace(self, array=False) if self.array else self

    def describe(self) -> str:
        if self.array:
            return self.element().describe() + "[]"
        if self.collation:
            return replace(self, collation=None).describe() + f" collate {self.collation}"
        if self.unsigned:
            return replace(self, unsigned=False).describe() + " unsigned"
        if self.name == "native":
            return self.native or ""
        if self.name == "enum":
            return f"enum {self.enum}"
        if self.length is not None:
            return f"{self.name}({self.length})"
        if self.name == "numeric" and self.precision is not None:
            return f"numeric({self.precision},{self.scale or 0})"
        if self.precision is not None:
            return f"{self.name}({self.precision})"
        return self.name


@dataclass(frozen=True)
class Default:
    """A server-side default.

    kind "string": value is the unquoted text; "number": canonical decimal text; "boolean": "true" or
    "false"; "null": explicit DEFAULT NULL (readers may drop it: no default means NULL);
    "expression": SQL expression text in canonical form (see ``mgen.expressions.canonical``), e.g.
    "CURRENT_TIMESTAMP", "gen_random_uuid()", "now()".
    """

    kind: Literal["string", "number", "boolean", "null", "expression"]
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind == "number":  # 0.50 (as a DECIMAL(10,2) stores it) and 0.5 are one default
            number = canonical_number(self.value)
            if number is None:
                raise ValueError(f"not a number: {self.value!r}")
            object.__setattr__(self, "value", number)

    def describe(self) -> str:
        if self.kind == "string":
            return "'" + self.value.replace("'", "''") + "'"
        if self.kind == "null":
            return "NULL"
        return self.value


def canonical_number(text: str) -> str | None:
    """``0.50`` -> ``0.5``, ``1e3`` -> ``1000``, ``-1`` -> ``-1``; None when ``text`` is no number."""
    try:
        d = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


@dataclass(frozen=True)
class Generated:
    """A generated (computed) column's definition: ``expression`` in canonical form (see
    ``mgen.expressions``); ``stored`` when the database writes the values into every row (STORED,
    PostgreSQL's only kind before 18), else they are computed when read (VIRTUAL)."""

    expression: str
    stored: bool = True

    def describe(self) -> str:
        return f"AS ({self.expression}) {'STORED' if self.stored else 'VIRTUAL'}"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    default: Default | None = None
    identity: IdentityKind | None = None  # serial/bigserial, GENERATED ALWAYS|BY DEFAULT, AUTO_INCREMENT
    comment: str | None = None
    generated: Generated | None = None  # GENERATED ALWAYS AS (expr) STORED|VIRTUAL: no default, no writes

    def describe(self) -> str:
        parts = [self.name, self.type.describe()]
        if self.identity:
            parts.append(f"identity={self.identity}")
        if self.generated:
            parts.append(self.generated.describe())
        if not self.nullable:
            parts.append("NOT NULL")
        if self.default is not None:
            parts.append(f"DEFAULT {self.default.describe()}")
        return " ".join(parts)


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class Unique:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    """A secondary index. ``columns`` are column names or, for expression indexes, the canonical
    expression text wrapped in parentheses, e.g. "(lower(email))"."""

    name: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None  # partial index predicate, canonical expression text
    method: str | None = None  # "gin", "gist", "hash", ...; None = the dialect's default (btree)
    ops: tuple[tuple[str, str], ...] = ()  # PostgreSQL operator classes: (column, "gin_trgm_ops"), in column order
    # per column, only where not the default: (column, "DESC" / "DESC NULLS LAST" / "NULLS FIRST"); MySQL: "DESC"
    orders: tuple[tuple[str, str], ...] = ()
    prefixes: tuple[tuple[str, int], ...] = ()  # MySQL prefix lengths: (column, 10) for `col`(10)
    include: tuple[str, ...] = ()  # PostgreSQL INCLUDE (non-key columns)

    def element_options(self, column: str) -> str:
        """What follows an index column in its definition: " gin_trgm_ops DESC NULLS LAST" or ""."""
        return "".join(f" {dict(options)[column]}" for options in (self.ops, self.orders) if column in dict(options))


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: Action = "NO ACTION"
    on_update: Action = "NO ACTION"
    # PostgreSQL: "DEFERRABLE" (checked at each statement unless a transaction defers it) or
    # "DEFERRABLE INITIALLY DEFERRED" (checked at commit); None: NOT DEFERRABLE, the default
    deferrable: str | None = None
    match_full: bool = False  # PostgreSQL MATCH FULL: all key columns NULL or none (default: MATCH SIMPLE)
    # False: added NOT VALID (PostgreSQL): enforced for new rows, existing rows not yet checked.
    # The differ compares definitions, not this state; ValidateConstraint changes it.
    validated: bool = True


@dataclass(frozen=True)
class Check:
    name: str
    expression: str  # canonical expression text, without the surrounding CHECK ( )
    validated: bool = True  # False: added NOT VALID (PostgreSQL), as ForeignKey.validated


@dataclass(frozen=True)
class EnumType:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Extension:
    """A PostgreSQL extension (``CREATE EXTENSION pg_trgm``): the types, functions and operator classes
    columns and indexes use. ``schema``: where its objects live, None for the current schema (public)."""

    name: str
    schema: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    uniques: tuple[Unique, ...] = ()
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    comment: str | None = None
    collation: str | None = None  # MySQL: the table's default collation (COLLATE=), for the columns added later

    @cached_property
    def _column_index(self) -> dict[str, int]:
        """Column name -> position, built once per (immutable) table: a lookup is O(1), so reading a table of
        n columns is linear in n (issue #15 item 11)."""
        index: dict[str, int] = {}
        for i, c in enumerate(self.columns):
            index.setdefault(c.name, i)
        return index

    def column(self, name: str) -> Column:
        i = self._column_index.get(name)
        if i is None:
            raise KeyError(name)
        return self.columns[i]

    def has_column(self, name: str) -> bool:
        return name in self._column_index

    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def constraint_names(self) -> set[str]:
        """The names of the table's keys, constraints and indexes (one namespace in PostgreSQL)."""
        names = {u.name for u in self.uniques} | {i.name for i in self.indexes}
        names |= {f.name for f in self.foreign_keys} | {c.name for c in self.checks}
        if self.primary_key is not None and self.primary_key.name:
            names.add(self.primary_key.name)
        return names

    def replace_column(self, name: str, new: Column) -> Table:
        i = self._column_index.get(name)
        if i is None:
            return self
        table = replace(self, columns=self.columns[:i] + (new,) + self.columns[i + 1:])
        if new.name == name:  # the names keep their positions: the index carries over
            table.__dict__["_column_index"] = self._column_index
        return table

    def referenced_tables(self) -> set[str]:
        return {fk.ref_table for fk in self.foreign_keys}


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...] = ()
    enums: tuple[EnumType, ...] = ()
    extensions: tuple[Extension, ...] = ()  # PostgreSQL, as created (the up creates them in this order)

    # -- lookups (by name, through an index built once per immutable schema) ----------------
    @cached_property
    def _table_index(self) -> dict[str, int]:
        return {t.name: i for i, t in enumerate(self.tables)}

    @cached_property
    def _enum_index(self) -> dict[str, int]:
        return {e.name: i for i, e in enumerate(self.enums)}

    def table(self, name: str) -> Table:
        return self.tables[self._table_index[name]]

    def has_table(self, name: str) -> bool:
        return name in self._table_index

    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def enum(self, name: str) -> EnumType:
        return self.enums[self._enum_index[name]]

    def has_enum(self, name: str) -> bool:
        return name in self._enum_index

    # -- functional updates (used by Operation.apply) --------------------------------------
    def with_table(self, table: Table) -> Schema:
        """Replace the table of the same name, or append it."""
        index = self._table_index
        i = index.get(table.name)
        if i is None:
            new = replace(self, tables=self.tables + (table,))
            index = {**index, table.name: len(self.tables)}
        else:
            new = replace(self, tables=self.tables[:i] + (table,) + self.tables[i + 1:])
        # names keep their positions, so the index carries over (never mutated once built)
        new.__dict__["_table_index"] = index
        return new

    def without_table(self, name: str) -> Schema:
        i = self._table_index.get(name)
        return self if i is None else replace(self, tables=self.tables[:i] + self.tables[i + 1:])

    def with_enum(self, enum: EnumType) -> Schema:
        i = self._enum_index.get(enum.name)
        if i is None:
            return replace(self, enums=self.enums + (enum,))
        return replace(self, enums=self.enums[:i] + (enum,) + self.enums[i + 1:])

    def without_enum(self, name: str) -> Schema:
        return replace(self, enums=tuple(e for e in self.enums if e.name != name))

    def extension_names(self) -> set[str]:
        return {x.name for x in self.extensions}

    def with_extension(self, extension: Extension) -> Schema:
        return replace(self, extensions=self.without_extension(extension.name).extensions + (extension,))

    def without_extension(self, name: str) -> Schema:
        return replace(self, extensions=tuple(x for x in self.extensions if x.name != name))

    def keeping_extensions(self, current: Schema) -> Schema:
        """This desired state with the extensions ``current`` has and it does not name: models (Django's,
        SQLAlchemy's, Prisma's) cannot say which extensions exist, and their generators never drop one a
        migration created (``CREATE EXTENSION pg_trgm`` in an ``op.execute``), so neither does mgen."""
        kept = tuple(x for x in current.extensions if x.name not in self.extension_names())
        return replace(self, extensions=self.extensions + kept) if kept else self

    def normalized(self) -> Schema:
        """Order-insensitive form: tables, enums and constraints sorted by name; column order kept
        (column order is part of a table's definition)."""
        return Schema(
            tables=tuple(sorted((normalize_table(t) for t in self.tables), key=lambda t: t.name)),
            enums=tuple(sorted(self.enums, key=lambda e: e.name)),
            extensions=tuple(sorted(self.extensions, key=lambda x: x.name)),  # as pg_dump lists them
        )


def normalize_table(t: Table) -> Table:
    return replace(
        t,
        uniques=tuple(sorted(t.uniques, key=lambda u: (u.columns, u.name))),
        indexes=tuple(sorted(t.indexes, key=lambda i: i.name)),
        foreign_keys=tuple(sorted(t.foreign_keys, key=lambda f: (f.columns, f.ref_table, f.name))),
        checks=tuple(sorted(t.checks, key=lambda c: (c.expression, c.name))),
    )


def tables_by_name(tables: Iterable[Table]) -> dict[str, Table]:
    return {t.name: t for t in tables}


# -- JSON form (stable; part of `mgen diff --json` and the cache contract) -----------------------
def column_to_dict(c: Column) -> dict:
    d: dict = {"name": c.name, "type": c.type.describe(), "nullable": c.nullable}
    if c.default is not None:
        d["default"] = {"kind": c.default.kind, "value": c.default.value}
    if c.identity:
        d["identity"] = c.identity
    if c.generated:
        d["generated"] = {"expression": c.generated.expression, "stored": c.generated.stored}
    if c.comment is not None:
        d["comment"] = c.comment
    return d


def table_to_dict(t: Table) -> dict:
    d: dict = {"name": t.name, "columns": [column_to_dict(c) for c in t.columns]}
    if t.primary_key:
        d["primary_key"] = list(t.primary_key.columns)
    if t.uniques:
        d["uniques"] = [{"name": u.name, "columns": list(u.columns)} for u in t.uniques]
    if t.indexes:
        d["indexes"] = [index_to_dict(i) for i in t.indexes]
    if t.foreign_keys:
        d["foreign_keys"] = [fk_to_dict(f) for f in t.foreign_keys]
    if t.checks:
        d["checks"] = [{"name": c.name, "expression": c.expression, **({} if c.validated else {"validated": False})}
                       for c in t.checks]
    if t.comment is not None:
        d["comment"] = t.comment
    return d


def index_to_dict(i: Index) -> dict:
    d: dict = {"name": i.name, "columns": list(i.columns), "unique": i.unique}
    if i.where:
        d["where"] = i.where
    if i.method:
        d["method"] = i.method
    for key in ("ops", "orders", "prefixes"):
        if getattr(i, key):
            d[key] = dict(getattr(i, key))
    if i.include:
        d["include"] = list(i.include)
    return d


def fk_to_dict(f: ForeignKey) -> dict:
    d: dict = {
        "name": f.name,
        "columns": list(f.columns),
        "ref_table": f.ref_table,
        "ref_columns": list(f.ref_columns),
        "on_delete": f.on_delete,
        "on_update": f.on_update,
    }
    if not f.validated:
        d["validated"] = False
    if f.deferrable:
        d["deferrable"] = f.deferrable
    if f.match_full:
        d["match"] = "FULL"
    return d


def schema_to_dict(s: Schema) -> dict:
    d: dict = {
        "tables": [table_to_dict(t) for t in s.tables],
        "enums": [{"name": e.name, "values": list(e.values)} for e in s.enums],
    }
    if s.extensions:
        d["extensions"] = [{"name": x.name, **({"schema": x.schema} if x.schema else {})} for x in s.extensions]
    return d
