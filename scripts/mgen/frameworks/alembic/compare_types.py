"""Column types compared as Alembic's autogenerate compares them (issue #13).

Autogenerate's ``compare_type`` (``DefaultImpl._column_args_match``) compares a type's arguments only when
both sides give as many: ``String()`` in a model against ``VARCHAR(255)`` in the database, or
``Numeric(10, 2)`` against ``NUMERIC``, is no change, so ``alembic revision --autogenerate`` writes nothing for
them (flaskbb's ``String`` models against revisions that wrote ``length=255``). On SQLite, which enforces no
length or precision, that is also what the database says, and mgen answers the same: where the model's type
and the replayed one are the same type and one of them gives no arguments, the model's column takes the
replayed type, and one note says which columns.

On a database that keeps lengths (PostgreSQL, MySQL) only the model's side counts: a model type that gives no
argument (``String()``) over a sized column (lemur's ``api_keys.name``, ``VARCHAR(128)``) is no change, as no
Alembic version reports it (before 1.4 autogenerate compared a length only when the model gave one; since, only
when both sides do); the note says which columns. A length the model gives and the database lacks
(``String(255)`` over ``VARCHAR``) is written: autogenerate since 1.4 misses it and projects write that revision
by hand (full-stack-fastapi-template's ``max_length`` revision), so leaving it out would be a silent "no changes".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ...schema import Column, ColumnType, Schema, Table


def _arguments(t: ColumnType) -> tuple:
    return tuple(a for a in (t.length, t.precision, t.scale) if a is not None)


def _same_but_unsized(model: ColumnType, replayed: ColumnType, either_side: bool) -> bool:
    if model == replayed or model.name != replayed.name or model.enum != replayed.enum:
        return False
    return not _arguments(model) or (either_side and not _arguments(replayed))


def tables_taken(models: Schema, replayed: Schema, take: Callable[[Table, Table], tuple[Table, list[str]] | None]
                 ) -> tuple[Schema, list[str]]:
    """``models`` where ``take(table, the replayed table of its name)`` gives a table: that one instead, and what
    ``take`` says of each (the shared walk of every "as autogenerate compares" rule: types, keys, indexes)."""
    said: list[str] = []
    tables = []
    for table in models.tables:
        found = take(table, replayed.table(table.name)) if replayed.has_table(table.name) else None
        if found is not None:
            table, more = found
            said += more
        tables.append(table)
    return (replace(models, tables=tuple(tables)) if said else models), said


def columns_taken(models: Schema, replayed: Schema, take: Callable[[Column, Column], tuple[Column, str] | None]
                  ) -> tuple[Schema, list[str]]:
    """``models`` where ``take(column, the replayed column of the same table and name)`` gives a column: that
    one instead, and the list of ``table.column`` (with what ``take`` says) taken."""
    def table_taken(table: Table, before: Table) -> tuple[Table, list[str]] | None:
        old = {c.name: c for c in before.columns}
        taken: list[str] = []
        columns: list[Column] = []
        for column in table.columns:
            found = take(column, old[column.name]) if column.name in old else None
            if found is not None:
                column, said = found
                taken.append(f"{table.name}.{column.name}" + (f" {said}" if said else ""))
            columns.append(column)
        return (replace(table, columns=tuple(columns)), taken) if taken else None

    return tables_taken(models, replayed, table_taken)


def as_autogenerate_compares(models: Schema, replayed: Schema, either_side: bool = True) -> tuple[Schema, list[str]]:
    """``models`` with the types autogenerate would not see as changed taken from ``replayed``; a note.
    ``either_side``: a length only the revisions give is no change either (SQLite); else only one the model
    leaves out is."""
    def take(column: Column, before: Column) -> tuple[Column, str] | None:
        if not _same_but_unsized(column.type, before.type, either_side):
            return None
        return replace(column, type=before.type), f"({column.type.describe()} / {before.type.describe()})"

    schema, taken = columns_taken(models, replayed, take)
    if not taken:
        return models, []
    return schema, [
        (f"{len(taken)} column type(s) where only one side gives a length or precision, unchanged as Alembic's "
         f"autogenerate compares them: {listed(taken, 3)}")]


def listed(items: list[str], most: int) -> str:
    """The first ``most`` items, and how many more."""
    return ", ".join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")
