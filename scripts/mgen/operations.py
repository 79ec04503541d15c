"""Schema operations: small immutable objects that know their inverse.

Each operation
- ``apply(schema)`` returns the schema after it (Django's ``state_forwards``);
- ``reverse()`` returns the operation that undoes it, built from the old definition it carries, so
  a down migration is a consequence of the up, never a second hand-written thing;
- ``describe()`` says what it does in one line;
- ``destructive`` is True when it loses data its down cannot bring back (drop column/table, narrowing).

Rendering to SQL lives in ``mgen.dialects``; this module knows nothing about dialects.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import ClassVar

from . import expressions
from .schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
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
    if isinstance(v, (Unique, Check, PrimaryKey, EnumType)):
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


def _cols(cols: Sequence[str]) -> str:
    return ", ".join(cols)


def _update_table(schema: Schema, name: str, **changes) -> Schema:
    return schema.with_table(replace(schema.table(name), **changes))


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
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
        return _update_table(schema, self.table, comment=self.new)

    def reverse(self):
        return SetTableComment(self.table, self.new, self.old)

    def describe(self):
        if self.new is None:
            return f"drop comment on table {self.table}"
        return f"set comment on table {self.table}"


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddColumn(Operation):
    kind: ClassVar[str] = "add_column"
    table: str
    column: Column

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, columns=t.columns + (self.column,)))

    def reverse(self):
        return DropColumn(self.table, self.column)

    def describe(self):
        return f"add column {self.table}.{self.column.describe()}"


@dataclass(frozen=True)
class DropColumn(Operation):
    kind: ClassVar[str] = "drop_column"
    table: str
    column: Column

    def apply(self, schema):
        t = schema.table(self.table)
        return schema.with_table(replace(t, columns=tuple(c for c in t.columns if c.name != self.column.name)))

    def reverse(self):
        return AddColumn(self.table, self.column)

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
    return replace(i, columns=columns, where=expressions.rename_column(i.where, old, new) if i.where else None)


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
_TEXT_RANK = {"char": 1, "varchar": 2, "text": 3}


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


# ---------------------------------------------------------------------------------------------
# Keys, constraints, indexes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetPrimaryKey(Operation):
    kind: ClassVar[str] = "set_primary_key"
    table: str
    old: PrimaryKey | None
    new: PrimaryKey | None

    def apply(self, schema):
        return _update_table(schema, self.table, primary_key=self.new)

    def reverse(self):
        return SetPrimaryKey(self.table, self.new, self.old)

    def describe(self):
        if self.new is None:
            return f"drop primary key on {self.table}"
        return f"set primary key on {self.table} ({_cols(self.new.columns)})"


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
        return f"add {u}index {self.index.name} on {self.table} ({_cols(self.index.columns)}){_online(self.online)}"


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
        return f"add unique {self.unique.name} on {self.table} ({_cols(self.unique.columns)}){how}"


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
        return f"add foreign key {f.name} {self.table}({_cols(f.columns)}) -> {f.ref_table}({_cols(f.ref_columns)})"


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


@dataclass(frozen=True)
class Backfill(Operation):
    """A data step: ``UPDATE table SET column = value`` for the rows where ``column IS NULL`` (and
    ``where``), in batches of ``batch_size`` rows walked by primary key (keyset, never OFFSET), each
    batch its own transaction; ``batch_size`` None is one statement. The guard makes it idempotent:
    re-run after a crash, it skips the rows already done.

    ``value`` and ``where`` are canonical expressions (mgen.expressions). ``column`` None changes no
    data. The inverse is the backfill named by ``undo_column``/``undo_value`` (None: nothing to undo,
    as when the column it filled goes away in the down anyway), so a contract step that drops a
    column can carry the backfill that refills it on the way down.
    """

    kind: ClassVar[str] = "backfill"
    table: str
    column: str | None
    value: str | None
    where: str | None = None
    batch_size: int | None = 1000
    undo_column: str | None = None
    undo_value: str | None = None
    undo_where: str | None = None

    def apply(self, schema):
        return schema  # data only

    def reverse(self):
        return Backfill(self.table, self.undo_column, self.undo_value, self.undo_where, self.batch_size,
                        self.column, self.value, self.where)

    def describe(self):
        if self.column is None:
            return f"no data change on {self.table} (the reverse backfills {self.table}.{self.undo_column})"
        batches = f"in batches of {self.batch_size}" if self.batch_size else "in one statement"
        return f"backfill {self.table}.{self.column} = {self.value} where it is NULL, {batches}"


# ---------------------------------------------------------------------------------------------
# Enum types (PostgreSQL CREATE TYPE; MySQL renders them inline on the columns that use them)
# ---------------------------------------------------------------------------------------------
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


def apply_all(ops: Sequence[Operation], schema: Schema) -> Schema:
    for op in ops:
        schema = op.apply(schema)
    return schema


def reverse_all(ops: Sequence[Operation]) -> list[Operation]:
    """The down of a list of operations: each reversed, in reverse order (Alembic's reverse_into)."""
    return [op.reverse() for op in reversed(ops)]


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
