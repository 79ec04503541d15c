"""Table operations: create, drop, rename, comment."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..schema import Table
from .base import Operation, update_table


@dataclass(frozen=True)
class CreateTable(Operation):
    kind: ClassVar[str] = "create_table"
    table_def: Table

    @property
    def table(self) -> str:  # type: ignore[override]
        return self.table_def.name

    def apply(self, schema):
        return schema.with_table(self.table_def)

    def reverse(self):
        return DropTable(self.table_def)

    def describe(self):
        return f"create table {self.table_def.name} ({len(self.table_def.columns)} columns)"


@dataclass(frozen=True)
class DropTable(Operation):
    kind: ClassVar[str] = "drop_table"
    table_def: Table

    @property
    def table(self) -> str:  # type: ignore[override]
        return self.table_def.name

    def apply(self, schema):
        return schema.without_table(self.table_def.name)

    def reverse(self):
        return CreateTable(self.table_def)

    def describe(self):
        return f"drop table {self.table_def.name}"

    @property
    def destructive(self):
        return True


@dataclass(frozen=True)
class RenameTable(Operation):
    kind: ClassVar[str] = "rename_table"
    table: str
    new_name: str

    def apply(self, schema):
        t = schema.table(self.table)
        renamed = replace(t, name=self.new_name)
        tables = []
        for other in schema.tables:
            other = renamed if other.name == self.table else other
            if any(fk.ref_table == self.table for fk in other.foreign_keys):
                other = replace(other, foreign_keys=tuple(
                    replace(fk, ref_table=self.new_name) if fk.ref_table == self.table else fk
                    for fk in other.foreign_keys))
            tables.append(other)
        return replace(schema, tables=tuple(tables))

    def reverse(self):
        return RenameTable(self.new_name, self.table)

    def describe(self):
        return f"rename table {self.table} to {self.new_name}"


@dataclass(frozen=True)
class SetTableComment(Operation):
    kind: ClassVar[str] = "set_table_comment"
    table: str
    old: str | None
    new: str | None

    def apply(self, schema):
        return update_table(schema, self.table, comment=self.new)

    def reverse(self):
        return SetTableComment(self.table, self.new, self.old)

    def describe(self):
        if self.new is None:
            return f"drop comment on table {self.table}"
        return f"set comment on table {self.table}"

