"""Enum type operations (PostgreSQL CREATE TYPE; MySQL renders them inline on the columns that use them)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..schema import EnumType
from .base import Operation


@dataclass(frozen=True)
class CreateEnum(Operation):
    kind: ClassVar[str] = "create_enum"
    enum: EnumType

    @property
    def table(self) -> str:  # type: ignore[override]
        return ""

    def apply(self, schema):
        return schema.with_enum(self.enum)

    def reverse(self):
        return DropEnum(self.enum)

    def describe(self):
        return f"create enum {self.enum.name} ({', '.join(self.enum.values)})"


@dataclass(frozen=True)
class DropEnum(Operation):
    kind: ClassVar[str] = "drop_enum"
    enum: EnumType

    @property
    def table(self) -> str:  # type: ignore[override]
        return ""

    def apply(self, schema):
        return schema.without_enum(self.enum.name)

    def reverse(self):
        return CreateEnum(self.enum)

    def describe(self):
        return f"drop enum {self.enum.name}"


@dataclass(frozen=True)
class AddEnumValue(Operation):
    """Add ``value`` to enum ``name``; ``before`` is the member it goes before (None = at the end)."""

    kind: ClassVar[str] = "add_enum_value"
    name: str
    value: str
    before: str | None = None

    @property
    def table(self) -> str:  # type: ignore[override]
        return ""

    def apply(self, schema):
        e = schema.enum(self.name)
        values = list(e.values)
        values.insert(values.index(self.before) if self.before else len(values), self.value)
        return schema.with_enum(replace(e, values=tuple(values)))

    def reverse(self):
        return DropEnumValue(self.name, self.value, self.before)

    def describe(self):
        where = f" before {self.before!r}" if self.before else ""
        return f"add value {self.value!r} to enum {self.name}{where}"


@dataclass(frozen=True)
class DropEnumValue(Operation):
    """Remove a member. PostgreSQL has no DROP VALUE: dialects rebuild the type. Rows holding the
    value make it fail, so it is destructive."""

    kind: ClassVar[str] = "drop_enum_value"
    name: str
    value: str
    before: str | None = None  # where the value stood, so the reverse puts it back in place

    @property
    def table(self) -> str:  # type: ignore[override]
        return ""

    def apply(self, schema):
        e = schema.enum(self.name)
        return schema.with_enum(replace(e, values=tuple(v for v in e.values if v != self.value)))

    def reverse(self):
        return AddEnumValue(self.name, self.value, self.before)

    def describe(self):
        return f"drop value {self.value!r} from enum {self.name}"

    @property
    def destructive(self):
        return True
