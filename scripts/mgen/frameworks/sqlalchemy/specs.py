"""What was read from SQLAlchemy constructs, before the dialect's rules make it a Table.

Each ``*Spec`` records a construct as written (``Column(...)``, ``UniqueConstraint(...)``, ...), with
its line: ``build.build_table`` turns a ``TableSpec`` into mgen's ``Table`` on a dialect. The lookups
at the end find a table's columns the way SQLAlchemy does (by key, then by name).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ...schema import ColumnType, EnumType


@dataclass(frozen=True)
class TypeSpec:
    """A column type as SQLAlchemy would create it on the dialect; ``enum``: the native enum type it
    needs (PostgreSQL CREATE TYPE / MySQL inline ENUM). ``integer``: integer affinity (autoincrement)."""

    type: ColumnType
    enum: EnumType | None = None
    integer: bool = False
    label: str = ""  # how the source spelled it, for messages
    create_type: bool = True  # postgresql.ENUM(create_type=False): the type must exist already
    declared: Any = None  # declared.DeclaredType: how autogenerate spells the type as written, if read
    values: tuple[str, ...] | None = None  # an Enum's values (also where the database type is VARCHAR)
    enum_name: str | None = None  # an Enum's name= (its type's name), as SQLAlchemy defaults it


@dataclass
class ForeignKeySpec:
    columns: tuple[str, ...] | None  # None: the column it is declared on
    targets: tuple[Any, ...]  # "table.column" strings, or (table, column) pairs
    name: str | None
    conv: bool  # the name is final (op.f() / conv()), not subject to the naming convention
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    line: int = 0


@dataclass
class CheckSpec:
    expression: str  # canonical
    name: str | None
    conv: bool = False
    columns: tuple[str, ...] = ()  # the columns it mentions (for the name PostgreSQL would give it)
    line: int = 0


@dataclass
class UniqueSpec:
    columns: tuple[str, ...]
    name: str | None
    conv: bool = False
    line: int = 0


@dataclass
class IndexSpec:
    name: str | None
    columns: tuple[str, ...]  # names, or "(canonical expression)"
    unique: bool = False
    where: str | None = None
    method: str | None = None
    conv: bool = False
    line: int = 0
    ops: tuple[tuple[str, str], ...] = ()  # postgresql_ops of column elements (by name or key)
    orders: tuple[tuple[str, str], ...] = ()  # (column, "DESC" / "NULLS LAST" ...): col.desc() elements


@dataclass
class PrimaryKeySpec:
    columns: tuple[str, ...]
    name: str | None
    conv: bool = False
    line: int = 0


@dataclass
class ColumnSpec:
    """A ``Column(...)`` / ``mapped_column(...)`` as written; the dialect rules come in ``build_table``."""

    name: str | None
    key: str | None
    type: TypeSpec | None  # None: the type of the column its foreign key points at
    line: int
    path: Path
    primary_key: bool = False
    nullable: bool | None = None  # None: SQLAlchemy's default (not nullable when primary key)
    unique: bool | None = None
    index: bool | None = None
    server_default: Any = None  # (ast node, Scope) until the type is known
    identity: str | None = None  # "always" / "by_default" from Identity()
    computed: tuple[str, bool | None] | None = None  # Computed(sqltext, persisted=)
    autoincrement: Any = "auto"
    has_python_default: bool = False
    comment: str | None = None
    foreign_keys: list[ForeignKeySpec] = field(default_factory=list)
    checks: list[CheckSpec] = field(default_factory=list)
    sort_order: int = 0


@dataclass
class TableSpec:
    name: str
    columns: list[ColumnSpec]
    items: list[Any]  # PrimaryKeySpec / UniqueSpec / CheckSpec / IndexSpec / ForeignKeySpec
    path: Path
    line: int
    convention: Mapping[str, str]
    comment: str | None = None
    sqlite_autoincrement: bool = False


def columns_by_key(spec: TableSpec) -> dict[str, ColumnSpec]:
    out: dict[str, ColumnSpec] = {}
    for c in spec.columns:
        key = c.key or c.name
        if key in out:
            raise MgenError(f"table {spec.name}: two columns named {key!r}", str(c.path), c.line)
        out[key] = c  # type: ignore[index]
    return out


def column_name(by_key: Mapping[str, ColumnSpec], key: str, spec: TableSpec, line: int = 0,
                path: Path | None = None) -> str:
    """The name of the column ``key`` refers to (SQLAlchemy looks constraint columns up by key)."""
    if key in by_key:
        return by_key[key].name  # type: ignore[return-value]
    names = {c.name for c in spec.columns}
    if key in names:
        return key
    raise MgenError(f"table {spec.name} has no column {key!r}", str(path or spec.path), line or spec.line)


def split_target(target: Any, path: Path, line: int) -> tuple[str, str]:
    if isinstance(target, tuple):
        return target
    table, _, column = str(target).partition(".")
    return table, column
