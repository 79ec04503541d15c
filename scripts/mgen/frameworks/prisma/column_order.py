"""Columns and enum values in the order Prisma's migration leaves them. An enum keeps its values' order and the
values Prisma adds come after them (``ALTER TYPE ... ADD VALUE`` appends; Prisma compares values as a set, so
it never reorders them). Columns: a table that exists keeps its columns' order, and the
columns Prisma adds to it come after them sorted by name (its ``ALTER TABLE ... ADD COLUMN`` lists them so on
PostgreSQL, checked against its schema engine in the tests; on SQLite it appends in field order or rebuilds the
table in field order); a new table has the schema's field order."""
from __future__ import annotations

from dataclasses import replace

from ...schema import Schema


def prisma_column_order(current: Schema, desired: Schema, provider: str) -> Schema:
    desired = _enum_order(current, desired)
    if provider == "sqlite":  # Prisma appends there, or rebuilds the table in the schema's field order
        return desired
    out = desired
    for table in desired.tables:
        if not current.has_table(table.name):
            continue
        kept = [c for c in current.table(table.name).column_names() if table.has_column(c)]
        added = sorted(c for c in table.column_names() if c not in set(kept))
        order = kept + added
        if tuple(order) != table.column_names():
            out = out.with_table(replace(table, columns=tuple(table.column(c) for c in order)))
    return out


def _enum_order(current: Schema, desired: Schema) -> Schema:
    out = desired
    for enum in desired.enums:
        if not current.has_enum(enum.name):
            continue
        kept = [v for v in current.enum(enum.name).values if v in enum.values]
        order = tuple(kept + [v for v in enum.values if v not in kept])
        if order != enum.values:
            out = out.with_enum(replace(enum, values=order))
    return out
