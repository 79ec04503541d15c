"""Schema operations: small immutable objects that know their inverse.

Each operation
- ``apply(schema)`` returns the schema after it (Django's ``state_forwards``);
- ``reverse()`` returns the operation that undoes it, built from the old definition it carries, so
  a down migration is a consequence of the up, never a second hand-written thing;
- ``describe()`` says what it does in one line;
- ``destructive`` is True when it loses data its down cannot bring back (drop column/table, narrowing).

Rendering to SQL lives in ``mgen.dialects``; this package knows nothing about dialects. ``base`` holds
the ``Operation`` class and what works on lists of operations; one module per family of operations
(``tables``, ``columns``, ``keys``, ``constraints``, ``data``, ``enums``, ``extensions``).
"""
from __future__ import annotations

from .base import REGISTRY, Operation, apply_all, reverse_all
from .columns import (
    AddColumn,
    AlterColumnDefault,
    AlterColumnGenerated,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    DropColumn,
    RenameColumn,
    SetColumnComment,
    is_widening,
)
from .constraints import AddCheck, AddForeignKey, DropCheck, DropForeignKey, ValidateConstraint, additions_on
from .data import Backfill
from .enums import AddEnumValue, CreateEnum, DropEnum, DropEnumValue
from .extensions import CreateExtension, DropExtension
from .keys import AddIndex, AddUnique, DropIndex, DropUnique, RenameIndex, SetPrimaryKey
from .tables import CreateTable, DropTable, RenameTable, SetTableComment

__all__ = [
    "REGISTRY",
    "AddCheck",
    "AddColumn",
    "AddEnumValue",
    "AddForeignKey",
    "AddIndex",
    "AddUnique",
    "AlterColumnDefault",
    "AlterColumnGenerated",
    "AlterColumnIdentity",
    "AlterColumnNullability",
    "AlterColumnType",
    "Backfill",
    "CreateEnum",
    "CreateExtension",
    "CreateTable",
    "DropCheck",
    "DropColumn",
    "DropEnum",
    "DropEnumValue",
    "DropExtension",
    "DropForeignKey",
    "DropIndex",
    "DropTable",
    "DropUnique",
    "Operation",
    "RenameColumn",
    "RenameIndex",
    "RenameTable",
    "SetColumnComment",
    "SetPrimaryKey",
    "SetTableComment",
    "ValidateConstraint",
    "additions_on",
    "apply_all",
    "is_widening",
    "reverse_all",
]
