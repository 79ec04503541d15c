"""Column operations: add, drop, rename, and each kind of change to a column's definition."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from .. import expressions
from ..schema import Column, ColumnType, Default, Generated, Index
from .base import Operation


@dataclass(frozen=True)
class AddColumn(Operation):
    """``after``: placed after that column, ``first``: before every column (MySQL's ``AFTER c`` / ``FIRST``);
    neither: at the end, as every database adds a column."""

    kind: ClassVar[str] = "add_column"
    table: str
    column: Column
    after: str | None = None
    first: bool = False

    def apply(self, schema):
        t = schema.table(self.table)
        at = 0 if self.first else (t.column_names().index(self.after) + 1 if self.after else len(t.columns))
        return schema.with_table(replace(t, columns=t.columns[:at] + (self.column,) + t.columns[at:]))

    def reverse(self):
        return DropColumn(self.table, self.column, self.after, self.first)

    def describe(self):
        where = " first" if self.first else f" after {self.after}" if self.after else ""
        return f"add column {self.table}.{self.column.describe()}{where}"


@dataclass(frozen=True)
class DropColumn(Operation):
    """``after`` / ``first``: where the column was (AddColumn's), so that the down puts it back there."""

    kind: ClassVar[str] = "drop_column"
    table: str
    column: Column
    after: str | None = None
    first: bool = False

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, columns=tuple(c for c in t.columns if c.name != self.column.name)))

    def reverse(self):
        return AddColumn(self.table, self.column, self.after, self.first)

    def describe(self):
        return f"drop column {self.table}.{self.column.name}"

    @property
    def destructive(self):
        return True


def _rename_in(cols: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if c == old else c for c in cols)


def _rename_in_index(i: Index, old: str, new: str) -> Index:
    # expression columns "(lower(email))" and the partial predicate name the column too
    columns = tuple(
        f"({expressions.rename_column(c[1:-1], old, new)})" if c.startswith("(") else (new if c == old else c)
        for c in i.columns)
    return replace(i, columns=columns, where=expressions.rename_column(i.where, old, new) if i.where else None,
                   ops=_rename_keyed(i.ops, old, new), orders=_rename_keyed(i.orders, old, new),
                   prefixes=_rename_keyed(i.prefixes, old, new), include=_rename_in(i.include, old, new))


def _rename_keyed(pairs: tuple, old: str, new: str) -> tuple:
    return tuple((new if c == old else c, o) for c, o in pairs)


@dataclass(frozen=True)
class RenameColumn(Operation):
    kind: ClassVar[str] = "rename_column"
    table: str
    column: str
    new_name: str

    def apply(self, schema):
        t = schema.table(self.table)
        o, n = self.column, self.new_name
        t = replace(
            t,
            columns=tuple(replace(c, name=n) if c.name == o else c for c in t.columns),
            primary_key=replace(t.primary_key, columns=_rename_in(t.primary_key.columns, o, n)) if t.primary_key else None,
            uniques=tuple(replace(u, columns=_rename_in(u.columns, o, n)) for u in t.uniques),
            indexes=tuple(_rename_in_index(i, o, n) for i in t.indexes),
            foreign_keys=tuple(replace(f, columns=_rename_in(f.columns, o, n)) for f in t.foreign_keys),
            checks=tuple(replace(c, expression=expressions.rename_column(c.expression, o, n)) for c in t.checks),
        )
        schema = schema.with_table(t)
        # foreign keys elsewhere that point at the renamed column
        tables = []
        for other in schema.tables:
            if any(fk.ref_table == self.table for fk in other.foreign_keys):
                other = replace(other, foreign_keys=tuple(
                    replace(fk, ref_columns=_rename_in(fk.ref_columns, o, n)) if fk.ref_table == self.table else fk
                    for fk in other.foreign_keys))
            tables.append(other)
        return replace(schema, tables=tuple(tables))

    def reverse(self):
        return RenameColumn(self.table, self.new_name, self.column)

    def describe(self):
        return f"rename column {self.table}.{self.column} to {self.new_name}"


# Type widening that never loses a value; anything else that changes the type may (destructive).
_INT_RANK = {"smallint": 1, "integer": 2, "bigint": 3}


def is_widening(old: ColumnType, new: ColumnType) -> bool:
    if old == new:
        return True
    if old.name in _INT_RANK and new.name in _INT_RANK:
        return _INT_RANK[new.name] >= _INT_RANK[old.name]
    if old.name in _INT_RANK and new.name == "numeric":
        return new.precision is None or (new.precision - (new.scale or 0)) >= {1: 5, 2: 10, 3: 19}[_INT_RANK[old.name]]
    if old.name == "numeric" and new.name == "numeric":
        if new.precision is None:
            return True
        if old.precision is None:
            return False
        return (new.scale or 0) >= (old.scale or 0) and (new.precision - (new.scale or 0)) >= (old.precision - (old.scale or 0))
    if old.name == "real" and new.name == "double":
        return True
    if old.name in ("varchar", "char") and new.name in ("varchar", "text"):
        if new.name == "text" or new.length is None:
            return True
        return old.length is not None and new.length >= old.length
    if old.name == "binary" and new.name == "binary":
        return new.length is None or (old.length is not None and new.length >= old.length)
    if old.name == "timestamp" and new.name == "timestamptz":
        return True
    return bool(old.name == "json" and new.name == "jsonb")


@dataclass(frozen=True)
class AlterColumnType(Operation):
    kind: ClassVar[str] = "alter_column_type"
    table: str
    column: str
    old: ColumnType
    new: ColumnType

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(t.replace_column(self.column, replace(t.column(self.column), type=self.new)))

    def reverse(self):
        return AlterColumnType(self.table, self.column, self.new, self.old)

    def describe(self):
        return f"alter column {self.table}.{self.column} type {self.old.describe()} -> {self.new.describe()}"

    @property
    def widening(self) -> bool:
        return is_widening(self.old, self.new)

    @property
    def destructive(self):
        # Narrowing or a lossy conversion: values that do not fit are cut or refused.
        return not self.widening


@dataclass(frozen=True)
class AlterColumnNullability(Operation):
    kind: ClassVar[str] = "alter_column_nullability"
    table: str
    column: str
    nullable: bool  # the new state

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(t.replace_column(self.column, replace(t.column(self.column), nullable=self.nullable)))

    def reverse(self):
        return AlterColumnNullability(self.table, self.column, not self.nullable)

    def describe(self):
        return f"{'drop' if self.nullable else 'set'} NOT NULL on {self.table}.{self.column}"


@dataclass(frozen=True)
class AlterColumnDefault(Operation):
    kind: ClassVar[str] = "alter_column_default"
    table: str
    column: str
    old: Default | None
    new: Default | None

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(t.replace_column(self.column, replace(t.column(self.column), default=self.new)))

    def reverse(self):
        return AlterColumnDefault(self.table, self.column, self.new, self.old)

    def describe(self):
        if self.new is None:
            return f"drop default on {self.table}.{self.column}"
        return f"set default {self.new.describe()} on {self.table}.{self.column}"


@dataclass(frozen=True)
class AlterColumnIdentity(Operation):
    kind: ClassVar[str] = "alter_column_identity"
    table: str
    column: str
    old: str | None
    new: str | None

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(t.replace_column(self.column, replace(t.column(self.column), identity=self.new)))

    def reverse(self):
        return AlterColumnIdentity(self.table, self.column, self.new, self.old)

    def describe(self):
        return f"identity on {self.table}.{self.column}: {self.old or 'none'} -> {self.new or 'none'}"


@dataclass(frozen=True)
class AlterColumnGenerated(Operation):
    """A column's generation changes: another expression, STORED <-> VIRTUAL, a generated column
    becoming a plain one (``new`` None: its values stay) or a plain one becoming generated (``old``
    None: its values are replaced by the computed ones, which the down does not bring back)."""

    kind: ClassVar[str] = "alter_column_generated"
    table: str
    column: str
    old: Generated | None
    new: Generated | None

    def apply(self, schema):
        t = schema.table(self.table)
        column = t.column(self.column)
        column = replace(column, generated=self.new, default=None if self.new else column.default)  # no default
        return schema.with_table(t.replace_column(self.column, column))

    def reverse(self):
        return AlterColumnGenerated(self.table, self.column, self.new, self.old)

    @property
    def destructive(self) -> bool:
        return self.old is None  # the column's own values are overwritten by the expression's

    def describe(self):
        def text(g: Generated | None) -> str:
            return g.describe() if g else "not generated"

        return f"generation of {self.table}.{self.column}: {text(self.old)} -> {text(self.new)}"


@dataclass(frozen=True)
class SetColumnComment(Operation):
    kind: ClassVar[str] = "set_column_comment"
    table: str
    column: str
    old: str | None
    new: str | None

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(t.replace_column(self.column, replace(t.column(self.column), comment=self.new)))

    def reverse(self):
        return SetColumnComment(self.table, self.column, self.new, self.old)

    def describe(self):
        if self.new is None:
            return f"drop comment on column {self.table}.{self.column}"
        return f"set comment on column {self.table}.{self.column}"

