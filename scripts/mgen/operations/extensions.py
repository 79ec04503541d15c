"""Extension operations (PostgreSQL ``CREATE EXTENSION``): created before the types and operator classes
columns and indexes take from it, dropped once nothing uses them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..schema import Extension
from .base import Operation


@dataclass(frozen=True)
class CreateExtension(Operation):
    kind: ClassVar[str] = "create_extension"
    extension: Extension

    @property
    def table(self) -> str:  # type: ignore[override]
        return ""

    def apply(self, schema):
        return schema.with_extension(self.extension)

    def reverse(self):
        return DropExtension(self.extension)

    def describe(self):
        where = f" in schema {self.extension.schema}" if self.extension.schema else ""
        return f"create extension {self.extension.name}{where}"


@dataclass(frozen=True)
class DropExtension(Operation):
    kind: ClassVar[str] = "drop_extension"
    extension: Extension

    @property
    def table(self) -> str:  # type: ignore[override]
        return ""

    def apply(self, schema):
        return schema.without_extension(self.extension.name)

    def reverse(self):
        return CreateExtension(self.extension)

    def describe(self):
        return f"drop extension {self.extension.name}"
