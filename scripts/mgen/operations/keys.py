"""Key and index operations: the primary key, unique keys and indexes, each optionally built online."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..schema import Index, PrimaryKey, Unique
from .base import Operation, column_list, update_table


@dataclass(frozen=True)
class SetPrimaryKey(Operation):
    kind: ClassVar[str] = "set_primary_key"
    table: str
    old: PrimaryKey | None
    new: PrimaryKey | None

    def apply(self, schema):
        return update_table(schema, self.table, primary_key=self.new)

    def reverse(self):
        return SetPrimaryKey(self.table, self.new, self.old)

    def describe(self):
        if self.new is None:
            return f"drop primary key on {self.table}"
        return f"set primary key on {self.table} ({column_list(self.new.columns)})"


@dataclass(frozen=True)
class AddIndex(Operation):
    """``online``: built without blocking writes: PostgreSQL CREATE INDEX CONCURRENTLY (outside any
    transaction), MySQL ALGORITHM=INPLACE, LOCK=NONE."""

    kind: ClassVar[str] = "add_index"
    table: str
    index: Index
    online: bool = False

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, indexes=t.indexes + (self.index,)))

    def reverse(self):
        return DropIndex(self.table, self.index, self.online)

    def describe(self):
        u = "unique " if self.index.unique else ""
        columns = ", ".join(c + self.index.element_options(c) for c in self.index.columns)
        include = f" include ({column_list(self.index.include)})" if self.index.include else ""
        return f"add {u}index {self.index.name} on {self.table} ({columns}){include}{_online(self.online)}"


def _online(online: bool) -> str:
    return " online (concurrently)" if online else ""


@dataclass(frozen=True)
class DropIndex(Operation):
    kind: ClassVar[str] = "drop_index"
    table: str
    index: Index
    online: bool = False  # PostgreSQL DROP INDEX CONCURRENTLY; MySQL ALGORITHM=INPLACE, LOCK=NONE

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, indexes=tuple(i for i in t.indexes if i.name != self.index.name)))

    def reverse(self):
        return AddIndex(self.table, self.index, self.online)

    def describe(self):
        return f"drop index {self.index.name} on {self.table}{_online(self.online)}"


@dataclass(frozen=True)
class RenameIndex(Operation):
    """An index whose definition is unchanged under another name (``index``: as it was, old name)."""

    kind: ClassVar[str] = "rename_index"
    table: str
    index: Index
    new_name: str

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, indexes=tuple(
            replace(i, name=self.new_name) if i.name == self.index.name else i for i in t.indexes)))

    def reverse(self):
        return RenameIndex(self.table, replace(self.index, name=self.new_name), self.index.name)

    def describe(self):
        return f"rename index {self.index.name} on {self.table} to {self.new_name}"


@dataclass(frozen=True)
class AddUnique(Operation):
    """``using_index``: PostgreSQL ``ADD CONSTRAINT ... UNIQUE USING INDEX``: an existing unique index
    (built concurrently before) becomes the constraint, so the table is not scanned under lock.
    ``online``: MySQL ALGORITHM=INPLACE, LOCK=NONE."""

    kind: ClassVar[str] = "add_unique"
    table: str
    unique: Unique
    using_index: Index | None = None
    online: bool = False

    def apply(self, schema):
        t = schema.table(self.table)
        if self.using_index is not None:
            t = replace(t, indexes=tuple(i for i in t.indexes if i.name != self.using_index.name))
        return schema.with_table(replace(t, uniques=t.uniques + (self.unique,)))

    def reverse(self):
        return DropUnique(self.table, self.unique, self.using_index, self.online)

    def describe(self):
        how = f" using index {self.using_index.name}" if self.using_index is not None else _online(self.online)
        return f"add unique {self.unique.name} on {self.table} ({column_list(self.unique.columns)}){how}"


@dataclass(frozen=True)
class DropUnique(Operation):
    """``restore_index``: the unique index the constraint was made from comes back (the inverse of
    ``AddUnique(using_index=...)``; PostgreSQL drops a constraint's index with it, so it is rebuilt)."""

    kind: ClassVar[str] = "drop_unique"
    table: str
    unique: Unique
    restore_index: Index | None = None
    online: bool = False

    def apply(self, schema):
        t = schema.table(self.table)
        t = replace(t, uniques=tuple(u for u in t.uniques if u.name != self.unique.name))
        if self.restore_index is not None:
            t = replace(t, indexes=t.indexes + (self.restore_index,))
        return schema.with_table(t)

    def reverse(self):
        return AddUnique(self.table, self.unique, self.restore_index, self.online)

    def describe(self):
        keep = f", keeping unique index {self.restore_index.name}" if self.restore_index is not None else ""
        return f"drop unique {self.unique.name} on {self.table}{keep}{_online(self.online)}"

