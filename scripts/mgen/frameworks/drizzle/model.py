"""A Drizzle schema as drizzle-kit serializes it (its snapshot's terms): tables with columns, indexes, foreign
keys, composite primary keys, unique and check constraints, and enums; and the names drizzle-kit gives what the
schema leaves unnamed. ``snapshot.py`` writes it as drizzle-kit's JSON, ``ddl.py`` as the SQL it would write."""
from __future__ import annotations

from dataclasses import dataclass, field

NO_DEFAULT = object()


@dataclass
class Column:
    key: str  # the property in the TypeScript object
    name: str
    type: str  # as the snapshot spells it: "varchar(255)", "timestamp (3) with time zone", "text[]", "mood"
    not_null: bool = False
    primary: bool = False
    default: object = NO_DEFAULT  # the snapshot's value: a bool, a number, or SQL text ("'anon'", "now()")
    type_schema: str | None = None  # "public" for an enum's column
    autoincrement: bool = False  # SQLite's .primaryKey({ autoIncrement: true })
    unique: tuple[str, bool] | None = None  # (name, nulls not distinct) of `.unique()`
    references: tuple | None = None  # (call node, source) of `.references(...)`, resolved after every table
    line: int = 0

    def default_sql(self) -> str | None:
        if self.default is NO_DEFAULT:
            return None
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        return str(self.default)


@dataclass
class ForeignKey:
    name: str
    table_from: str
    columns_from: list[str]
    table_to: str
    columns_to: list[str]
    on_delete: str = "no action"
    on_update: str = "no action"


@dataclass
class Index:
    name: str
    columns: list[str]
    unique: bool = False
    method: str = "btree"
    concurrently: bool = False


@dataclass
class Table:
    name: str
    file: str
    line: int
    columns: list[Column] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    primary_keys: list[tuple[str, list[str]]] = field(default_factory=list)  # composite: (name, columns)
    uniques: list[tuple[str, list[str], bool]] = field(default_factory=list)  # (name, columns, nulls not distinct)
    checks: list[tuple[str, str]] = field(default_factory=list)  # (name, SQL)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclass
class Enum:
    name: str
    values: list[str]


@dataclass
class Model:
    tables: list[Table] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)


# the names drizzle-kit gives (drizzle-orm's pg-core: ForeignKeyBuilder, UniqueConstraint, PrimaryKey, IndexBuilder)
def fk_name(table: str, columns: list[str], to: str, to_columns: list[str]) -> str:
    return f"{table}_{'_'.join(columns)}_{to}_{'_'.join(to_columns)}_fk"


def unique_name(table: str, columns: list[str]) -> str:
    return f"{table}_{'_'.join(columns)}_unique"


def pk_name(table: str, columns: list[str]) -> str:
    return f"{table}_{'_'.join(columns)}_pk"


def index_name(table: str, columns: list[str]) -> str:
    return f"{table}_{'_'.join(columns)}_index"


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
