"""Constraint operations: foreign keys and CHECKs, added, dropped and validated; and what a dropped
column takes with it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from .. import expressions
from ..schema import Check, ForeignKey, Table
from .base import Operation, column_list
from .keys import AddIndex, AddUnique


@dataclass(frozen=True)
class AddForeignKey(Operation):
    kind: ClassVar[str] = "add_foreign_key"
    table: str
    foreign_key: ForeignKey

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, foreign_keys=t.foreign_keys + (self.foreign_key,)))

    def reverse(self):
        return DropForeignKey(self.table, self.foreign_key)

    def describe(self):
        f = self.foreign_key
        return (f"add foreign key {f.name} {self.table}({column_list(f.columns)}) "
                f"-> {f.ref_table}({column_list(f.ref_columns)})")


@dataclass(frozen=True)
class DropForeignKey(Operation):
    kind: ClassVar[str] = "drop_foreign_key"
    table: str
    foreign_key: ForeignKey

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, foreign_keys=tuple(
            f for f in t.foreign_keys if f.name != self.foreign_key.name)))

    def reverse(self):
        return AddForeignKey(self.table, self.foreign_key)

    def describe(self):
        return f"drop foreign key {self.foreign_key.name} on {self.table}"


@dataclass(frozen=True)
class AddCheck(Operation):
    kind: ClassVar[str] = "add_check"
    table: str
    check: Check

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, checks=t.checks + (self.check,)))

    def reverse(self):
        return DropCheck(self.table, self.check)

    def describe(self):
        return f"add check {self.check.name} on {self.table} ({self.check.expression})"


@dataclass(frozen=True)
class DropCheck(Operation):
    kind: ClassVar[str] = "drop_check"
    table: str
    check: Check

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, checks=tuple(c for c in t.checks if c.name != self.check.name)))

    def reverse(self):
        return AddCheck(self.table, self.check)

    def describe(self):
        return f"drop check {self.check.name} on {self.table}"


@dataclass(frozen=True)
class ValidateConstraint(Operation):
    """Check the existing rows against a CHECK or foreign key added NOT VALID (PostgreSQL VALIDATE
    CONSTRAINT: a SHARE UPDATE EXCLUSIVE lock, reads and writes go on). ``validated`` False is the
    inverse: the constraint is dropped and added again NOT VALID (there is no "invalidate")."""

    kind: ClassVar[str] = "validate_constraint"
    table: str
    name: str
    validated: bool = True

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(
            t,
            checks=tuple(replace(c, validated=self.validated) if c.name == self.name else c for c in t.checks),
            foreign_keys=tuple(replace(f, validated=self.validated) if f.name == self.name else f
                               for f in t.foreign_keys)))

    def reverse(self):
        return ValidateConstraint(self.table, self.name, not self.validated)

    def describe(self):
        if self.validated:
            return f"validate constraint {self.name} on {self.table}"
        return f"mark constraint {self.name} on {self.table} not valid (drop, add again NOT VALID)"


def additions_on(table: Table, column: str) -> list[Operation]:
    """The operations that add again what on ``table`` involves ``column``: its indexes (also through
    an expression or predicate), unique keys, checks and foreign keys - what a DROP COLUMN takes with it."""
    def mentions(expression: str | None) -> bool:
        return bool(expression) and column in expressions.columns_in(expression)

    out: list[Operation] = []
    out += [AddIndex(table.name, i) for i in table.indexes
            if any(c == column or (c.startswith("(") and mentions(c)) for c in i.columns) or mentions(i.where)]
    out += [AddUnique(table.name, u) for u in table.uniques if column in u.columns]
    out += [AddCheck(table.name, c) for c in table.checks if mentions(c.expression)]
    out += [AddForeignKey(table.name, f) for f in table.foreign_keys if column in f.columns]
    return out
