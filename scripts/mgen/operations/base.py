"""The ``Operation`` base class (what each operation provides: the package docstring), the registry of
operation classes by kind, and what works on a list of operations."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from typing import ClassVar

from ..schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    Extension,
    ForeignKey,
    Generated,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
    column_to_dict,
    fk_to_dict,
    index_to_dict,
    table_to_dict,
)

REGISTRY: dict[str, type[Operation]] = {}


class Operation:
    kind: ClassVar[str] = ""
    table: str  # every operation but the enum ones concerns one table

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.kind:
            REGISTRY[cls.kind] = cls

    def apply(self, schema: Schema) -> Schema:  # pragma: no cover - abstract
        raise NotImplementedError

    def reverse(self) -> Operation:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def destructive(self) -> bool:
        return False

    def to_dict(self) -> dict:
        d: dict = {"op": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            d[f.name] = _jsonable(getattr(self, f.name))
        d["destructive"] = self.destructive
        d["description"] = self.describe()
        return d


def _jsonable(v):
    if isinstance(v, Table):
        return table_to_dict(v)
    if isinstance(v, Column):
        return column_to_dict(v)
    if isinstance(v, Index):
        return index_to_dict(v)
    if isinstance(v, ForeignKey):
        return fk_to_dict(v)
    if isinstance(v, (Unique, Check, PrimaryKey, EnumType, Extension)):
        return {f.name: _jsonable(getattr(v, f.name)) for f in fields(v)}
    if isinstance(v, ColumnType):
        return v.describe()
    if isinstance(v, Default):
        return {"kind": v.kind, "value": v.value}
    if isinstance(v, Generated):
        return {"expression": v.expression, "stored": v.stored}
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    return v


def column_list(cols: Sequence[str]) -> str:
    """Columns as ``describe()`` lists them: ``a, b``."""
    return ", ".join(cols)


def update_table(schema: Schema, name: str, **changes) -> Schema:
    """``schema`` with table ``name`` changed by ``dataclasses.replace``."""
    return schema.with_table(replace(schema.table(name), **changes))


def apply_all(ops: Sequence[Operation], schema: Schema) -> Schema:
    for op in ops:
        schema = op.apply(schema)
    return schema


def reverse_all(ops: Sequence[Operation]) -> list[Operation]:
    """The down of a list of operations: each reversed, in reverse order (Alembic's reverse_into)."""
    return [op.reverse() for op in reversed(ops)]
