"""What every SQL dialect provides, and the dispatch that picks a renderer by operation type.

A dialect module subclasses ``Dialect`` and registers one method per operation class:

    class PostgreSQL(Dialect):
        name = "postgresql"

        @renders(AddColumn)
        def add_column(self, op, before, after):
            return [f"ALTER TABLE {self.quote(op.table)} ADD COLUMN {self.column_sql(op.column, after)}"]

A renderer gets the operation, the schema before it and the schema after it, and returns a list of
single SQL statements (no trailing semicolon), each runnable on its own in autocommit mode.
Anything the dialect cannot express raises ``Unsupported`` (never emits wrong SQL silently).

The readers go the other way and ask the dialect what its database does with the DDL it runs (how it
folds names, what a type spelling means, what DROP COLUMN takes with it): the group of that name at
the end of the class.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import ClassVar

from .. import expressions, naming
from ..errors import MgenError
from ..naming import primary_key_name
from ..operations import (
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnGenerated,
    AlterColumnNullability,
    AlterColumnType,
    Backfill,
    CreateEnum,
    CreateExtension,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropEnumValue,
    DropExtension,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameIndex,
    RenameTable,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
    ValidateConstraint,
    additions_on,
    apply_all,
)
from ..schema import Check, Column, ColumnType, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Unique

# Unquoted identifiers every dialect reads back unchanged: lower case, digits, underscore.
_BARE_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")

Renderer = Callable[["Dialect", Operation, Schema, Schema], list]


class Unsupported(MgenError):
    """The dialect cannot express this operation."""


def renders(op_type: type[Operation]):
    """Mark a Dialect method as the renderer for ``op_type``."""

    def mark(fn):
        fn._renders = op_type
        return fn

    return mark


class Dialect:
    name: ClassVar[str] = ""
    # feature flags the differ, readers and verify consult
    supports_comments: ClassVar[bool] = True
    supports_partial_indexes: ClassVar[bool] = True
    supports_index_methods: ClassVar[bool] = False
    supports_index_include: ClassVar[bool] = False  # CREATE INDEX ... INCLUDE (cols): PostgreSQL 11+
    supports_deferrable: ClassVar[bool] = False  # DEFERRABLE / MATCH FULL foreign keys (PostgreSQL)
    places_columns: ClassVar[bool] = False  # ADD COLUMN ... AFTER c / FIRST (MySQL); else always at the end
    supports_index_prefixes: ClassVar[bool] = False  # an index on the first n characters: MySQL's col(10)
    supports_index_nulls_order: ClassVar[bool] = False  # an index column's NULLS FIRST / LAST: PostgreSQL
    supports_arrays: ClassVar[bool] = False  # a column of any type can be an array of it (text[])
    keeps_collation: ClassVar[bool] = False  # a text column's collation is kept in ColumnType.collation (MySQL)
    keeps_unsigned: ClassVar[bool] = False  # numeric types can be UNSIGNED (MySQL): kept in ColumnType.unsigned
    enum_style: ClassVar[str] = "type"  # "type" (CREATE TYPE), "inline" (ENUM(...) on the column), "text"
    transactional_ddl: ClassVar[bool] = True
    max_identifier: ClassVar[int] = 63
    # what the database refuses in a schema (validate.py): a name longer than ``identifier_limit`` (None: no
    # limit) counted in ``identifier_unit`` ("bytes" of UTF-8 or "characters"); the namespaces each kind of
    # name lives in ("schema:<space>" one per database, "table:<space>" one per table); the spellings of
    # non-finite numbers a numeric column's default may be (None: any default, as SQLite's dynamic types
    # take); what a foreign key's referenced columns need ("unique": a primary key or unique constraint on
    # exactly them, "indexed": an index they begin, None: nothing when the table is created)
    identifier_limit: ClassVar[int | None] = 63
    identifier_unit: ClassVar[str] = "bytes"
    cuts_long_identifiers: ClassVar[bool] = False  # a longer name is cut to the limit (PostgreSQL), not refused
    name_scopes: ClassVar[dict[str, tuple[str, ...]]] = {}
    non_finite_defaults: ClassVar[frozenset[str] | None] = frozenset()
    foreign_key_target: ClassVar[str | None] = None
    type_limits: ClassVar[dict[str, tuple[int, int]]] = {}  # type name -> the least and most size it takes
    identifiers_in_bmp: ClassVar[bool] = False  # a name's characters are in the Basic Multilingual Plane
    boolean_checks: ClassVar[bool] = False  # a CHECK is a boolean condition (not CHECK (1))
    number_default_types: ClassVar[frozenset[str] | None] = None  # the types a number default fits (None: any)
    clock_default_numbers: ClassVar[bool] = True  # whether a number column takes CURRENT_TIMESTAMP as its default
    text_takes_nul: ClassVar[bool] = False  # a NUL byte in a string literal (a default, a comment) is stored
    # equivalences the differ honours: what the dialect stores the same way
    distinct_identity_kinds: ClassVar[bool] = False  # serial / ALWAYS / BY DEFAULT are different things
    restrict_is_no_action: ClassVar[bool] = False  # ON DELETE RESTRICT behaves exactly as NO ACTION
    unique_index_is_constraint: ClassVar[bool] = False  # a plain unique index IS a unique constraint
    quote_char: ClassVar[str] = '"'
    # how an online (non-blocking) index build or drop is spelled: a keyword after INDEX
    # (PostgreSQL's CONCURRENTLY) and/or a clause at the end (MySQL's ALGORITHM/LOCK); SQLite has none
    online_index_keyword: ClassVar[str] = ""
    online_alter_clause: ClassVar[str] = ""
    supports_not_valid: ClassVar[bool] = False  # ADD CONSTRAINT ... NOT VALID, VALIDATE CONSTRAINT
    reserved_words: ClassVar[frozenset[str]] = frozenset()  # see keywords.py

    _renderers: ClassVar[dict[type, Renderer]] = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        table: dict[type, Renderer] = {}
        for base in reversed(cls.__mro__):
            for attr in vars(base).values():
                op_type = getattr(attr, "_renders", None)
                if op_type is not None:
                    table[op_type] = attr
        cls._renderers = table

    # -- the entry point ---------------------------------------------------------------------
    def render_ops(self, ops: Sequence[Operation], schema: Schema) -> list[str]:
        """Statements for ``ops`` applied in order to ``schema``. Dialects that batch several
        operations into one statement sequence (SQLite's table rebuild) override this."""
        out: list[str] = []
        for op in ops:
            after = op.apply(schema)
            out.extend(self.render_op(op, schema, after))
            schema = after
        return out

    def render_op(self, op: Operation, before: Schema, after: Schema) -> list[str]:
        fn = self._renderers.get(type(op))
        if fn is None:
            raise Unsupported(f"{self.name} cannot render operation {op.kind}")
        return fn(self, op, before, after)

    # -- what each dialect implements ----------------------------------------------------------
    def quote(self, ident: str) -> str:
        """The identifier, quoted only where needed (reserved word, mixed case, odd characters)."""
        if _BARE_IDENTIFIER.fullmatch(ident) and ident not in self.reserved_words:
            return ident
        q = self.quote_char
        return q + ident.replace(q, q + q) + q

    def type_sql(self, ctype: ColumnType, schema: Schema, column: Column | None = None) -> str:  # pragma: no cover
        raise NotImplementedError

    def type_native(self, t: ColumnType) -> str:
        """A type of the database's own (``nativetypes.py``), as it was spelled."""
        return t.native or ""

    def no_array(self, ctype: ColumnType) -> None:
        if ctype.array and not self.supports_arrays:
            raise Unsupported(f"{self.name} has no array types ({ctype.describe()}): arrays are PostgreSQL's")

    def default_sql(self, default: Default, column: Column, schema: Schema) -> str:
        """The text after DEFAULT. One method per kind: ``default_<kind>``."""
        return getattr(self, f"default_{default.kind}")(default, column)

    def expression_sql(self, canonical: str) -> str:
        return expressions.render(canonical, self.name)

    def comparable_expression(self, canonical: str, table: Table) -> str:
        """What the differ compares of an expression on ``table`` (a CHECK, a generation): the text as
        the dialect spells it; PostgreSQL also makes its implicit casts explicit."""
        return self.expression_sql(canonical)

    # -- literals and defaults, by kind (dialects override the kinds they spell differently) ---
    def literal(self, text: str) -> str:
        """A string literal with its quotes escaped."""
        return "'" + text.replace("'", "''") + "'"

    def default_string(self, default: Default, column: Column) -> str:
        return self.literal(default.value)

    def default_number(self, default: Default, column: Column) -> str:
        return default.value

    def default_boolean(self, default: Default, column: Column) -> str:
        return "1" if default.value.lower() == "true" else "0"

    def default_null(self, default: Default, column: Column) -> str:
        return "NULL"

    def default_expression(self, default: Default, column: Column) -> str:
        return self.expression_sql(default.value)

    # -- building blocks shared by the renderers -------------------------------------------------
    def columns_sql(self, columns: Sequence[str]) -> str:
        return ", ".join(self.quote(c) for c in columns)

    def column_sql(self, column: Column, table: Table, schema: Schema) -> str:
        """The full column definition as CREATE TABLE / ADD COLUMN write it."""
        parts = [self.quote(column.name), self.type_sql(column.type, schema, column)]
        parts.extend(self.column_clauses(column, table, schema))
        return " ".join(p for p in parts if p)

    def column_clauses(self, column: Column, table: Table, schema: Schema) -> list[str]:
        """What follows the type: the generation, nullability and default (dialects add identity,
        comments)."""
        clauses = self.generated_clauses(column, table)
        if not column.nullable:
            clauses.append("NOT NULL")
        if column.default is not None and column.default.kind != "null" and column.generated is None:
            clauses.append("DEFAULT " + self.default_sql(column.default, column, schema))
        return clauses

    def generated_clauses(self, column: Column, table: Table) -> list[str]:
        """``GENERATED ALWAYS AS (expr) STORED|VIRTUAL`` for a generated column (first after the type:
        MySQL takes it nowhere else), else nothing."""
        g = column.generated
        if g is None:
            return []
        return [f"GENERATED ALWAYS AS ({self.expression_sql(g.expression)}) {'STORED' if g.stored else 'VIRTUAL'}"]

    def primary_key_sql(self, table: Table) -> str:
        pk = table.primary_key
        assert pk is not None
        name = pk.name or primary_key_name(table.name)
        return f"CONSTRAINT {self.quote(name)} PRIMARY KEY ({self.columns_sql(pk.columns)})"

    def unique_sql(self, unique: Unique) -> str:
        return f"CONSTRAINT {self.quote(unique.name)} UNIQUE ({self.columns_sql(unique.columns)})"

    def check_sql(self, check: Check) -> str:
        return f"CONSTRAINT {self.quote(check.name)} CHECK ({self.expression_sql(check.expression)})"

    def foreign_key_sql(self, fk: ForeignKey) -> str:
        if (fk.deferrable or fk.match_full) and not self.supports_deferrable:
            raise Unsupported(f"{self.name} has no DEFERRABLE or MATCH FULL foreign keys ({fk.name})")
        sql = (f"CONSTRAINT {self.quote(fk.name)} FOREIGN KEY ({self.columns_sql(fk.columns)}) "
               f"REFERENCES {self.quote(fk.ref_table)} ({self.columns_sql(fk.ref_columns)})")
        if fk.match_full:
            sql += " MATCH FULL"
        # NO ACTION is every dialect's default: leaving it out keeps the SQL what a human writes
        if fk.on_delete != "NO ACTION":
            sql += f" ON DELETE {fk.on_delete}"
        if fk.on_update != "NO ACTION":
            sql += f" ON UPDATE {fk.on_update}"
        return sql + (f" {fk.deferrable}" if fk.deferrable else "")

    def inline_primary_key(self, table: Table) -> bool:
        """True when the primary key is written on its column (SQLite's INTEGER PRIMARY KEY)."""
        return False

    def table_elements(self, table: Table, schema: Schema) -> list[str]:
        """Columns, then named PK, uniques, checks, foreign keys."""
        elements = [self.column_sql(c, table, schema) for c in table.columns]
        if table.primary_key and not self.inline_primary_key(table):
            elements.append(self.primary_key_sql(table))
        elements.extend(self.unique_sql(u) for u in table.uniques)
        elements.extend(self.check_sql(c) for c in table.checks)
        elements.extend(self.foreign_key_sql(f) for f in table.foreign_keys)
        return elements

    def create_table_sql(self, table: Table, schema: Schema, name: str | None = None) -> str:
        """CREATE TABLE for ``table`` (under ``name`` when given: SQLite's rebuild)."""
        body = ",\n  ".join(self.table_elements(table, schema))
        return f"CREATE TABLE {self.quote(name or table.name)} (\n  {body}\n){self.table_options_sql(table)}"

    def table_options_sql(self, table: Table) -> str:
        """What follows the closing parenthesis of CREATE TABLE (MySQL's COMMENT = ...)."""
        return ""

    def index_element_sql(self, element: str) -> str:
        """A column name, or an expression "(expr)" rendered for this dialect."""
        if element.startswith("(") and element.endswith(")"):
            return "(" + self.expression_sql(element[1:-1]) + ")"
        return self.quote(element)

    def index_elements_sql(self, index: Index) -> str:
        """An index's columns as its definition lists them: prefix length, operator class, sort order."""
        prefixes = dict(index.prefixes)  # MySQL: `col`(10)
        return ", ".join(self.index_element_sql(e) + (f"({prefixes[e]})" if e in prefixes else "")
                         + index.element_options(e) for e in index.columns)

    def create_index_sql(self, table: str, index: Index, online: bool = False) -> str:
        if index.where is not None and not self.supports_partial_indexes:
            raise Unsupported(f"{self.name} has no partial indexes (index {index.name} on {table})")
        if index.method not in (None, "btree") and not self.supports_index_methods:
            raise Unsupported(f"{self.name} has no {index.method} indexes (index {index.name} on {table})")
        unique = "UNIQUE " if index.unique else ""
        using = f" USING {index.method}" if index.method not in (None, "btree") else ""
        for present, supported, what in (
                (index.include, self.supports_index_include, "INCLUDE columns"),
                (index.ops, self.supports_index_methods, "operator classes"),
                (index.prefixes, self.supports_index_prefixes, "index prefix lengths"),
                (any("NULLS" in o for _, o in index.orders), self.supports_index_nulls_order, "NULLS FIRST/LAST")):
            if present and not supported:
                raise Unsupported(f"{self.name} has no {what} (index {index.name} on {table})")
        elements = self.index_elements_sql(index)
        keyword = self.online_index_keyword + " " if online and self.online_index_keyword else ""
        sql = f"CREATE {unique}INDEX {keyword}{self.quote(index.name)} ON {self.quote(table)}{using} ({elements})"
        if index.include:
            sql += " INCLUDE (" + ", ".join(self.quote(c) for c in index.include) + ")"
        if index.where is not None:
            sql += f" WHERE {self.expression_sql(index.where)}"
        return sql + self.online_suffix(online, in_alter=False)

    def drop_index_sql(self, table: str, index: Index, online: bool = False) -> str:
        keyword = self.online_index_keyword + " " if online and self.online_index_keyword else ""
        return f"DROP INDEX {keyword}{self.quote(index.name)}"

    def online_suffix(self, online: bool, in_alter: bool) -> str:
        """The clause that makes an ALTER TABLE (``in_alter``) or CREATE/DROP INDEX online, with its
        leading separator; "" when the dialect spells none (MySQL: ``, ALGORITHM=INPLACE, LOCK=NONE``)."""
        if not (online and self.online_alter_clause):
            return ""
        return ", " + self.online_alter_clause if in_alter else " " + self.online_alter_clause.replace(",", "")

    def outside_transaction(self, op: Operation) -> bool:
        """True when ``op``'s statements cannot run inside a transaction (PostgreSQL CONCURRENTLY, a
        backfill that commits batch by batch): its migration holds nothing else."""
        return False

    def comment_statements(self, table: Table) -> list[str]:
        """Comments written after CREATE TABLE (PostgreSQL's COMMENT ON); inline dialects: none."""
        return []

    def create_table_statements(self, table: Table, schema: Schema) -> list[str]:
        return ([self.create_table_sql(table, schema)]
                + [self.create_index_sql(table.name, i) for i in table.indexes]
                + self.comment_statements(table))

    def alter_table(self, table: str, action: str) -> str:
        return f"ALTER TABLE {self.quote(table)} {action}"

    # -- the common (ANSI-ish) renderers; a dialect overrides only what it spells differently --
    @renders(CreateTable)
    def render_create_table(self, op: CreateTable, before: Schema, after: Schema) -> list[str]:
        return self.create_table_statements(op.table_def, after)

    @renders(DropTable)
    def render_drop_table(self, op: DropTable, before: Schema, after: Schema) -> list[str]:
        return [f"DROP TABLE {self.quote(op.table_def.name)}"]

    @renders(RenameTable)
    def render_rename_table(self, op: RenameTable, before: Schema, after: Schema) -> list[str]:
        return [self.alter_table(op.table, f"RENAME TO {self.quote(op.new_name)}")]

    @renders(SetTableComment)
    def render_set_table_comment(self, op: SetTableComment, before: Schema, after: Schema) -> list[str]:
        text = "NULL" if op.new is None else self.literal(op.new)
        return [f"COMMENT ON TABLE {self.quote(op.table)} IS {text}"]

    @renders(SetColumnComment)
    def render_set_column_comment(self, op: SetColumnComment, before: Schema, after: Schema) -> list[str]:
        text = "NULL" if op.new is None else self.literal(op.new)
        return [f"COMMENT ON COLUMN {self.quote(op.table)}.{self.quote(op.column)} IS {text}"]

    @renders(AddColumn)
    def render_add_column(self, op: AddColumn, before: Schema, after: Schema) -> list[str]:
        table = after.table(op.table)
        return [self.alter_table(op.table, f"ADD COLUMN {self.column_sql(op.column, table, after)}"
                                 + self.column_place_sql(op))]

    def column_place_sql(self, op: AddColumn) -> str:
        """`` FIRST`` / `` AFTER c`` where the dialect places columns (the differ asks only then)."""
        if not (op.first or op.after):
            return ""
        if not self.places_columns:
            raise Unsupported(f"{self.name} cannot place column {op.table}.{op.column.name}: it is added at the end")
        return " FIRST" if op.first else f" AFTER {self.quote(op.after)}"

    @renders(DropColumn)
    def render_drop_column(self, op: DropColumn, before: Schema, after: Schema) -> list[str]:
        return [self.alter_table(op.table, f"DROP COLUMN {self.quote(op.column.name)}")]

    def regenerate_column(self, op: AlterColumnGenerated, before: Schema, after: Schema) -> list[str]:
        """A column's generation changed the one way every dialect has: DROP COLUMN, ADD COLUMN with
        the new definition, then the indexes, keys, checks and foreign keys the drop took, again."""
        table = after.table(op.table)
        out = [self.alter_table(op.table, f"DROP COLUMN {self.quote(op.column)}"),
               self.alter_table(op.table, f"ADD COLUMN {self.column_sql(table.column(op.column), table, after)}")]
        return out + self.readd_on_column(op.table, op.column, after)

    def readd_on_column(self, table: str, column: str, schema: Schema) -> list[str]:
        """The statements that add again the indexes, keys, checks and foreign keys on ``column``
        (after a DROP COLUMN took them), as ``schema`` has them."""
        out: list[str] = []
        for addition in additions_on(schema.table(table), column):
            out += self.render_op(addition, schema, schema)
        return out

    @renders(RenameColumn)
    def render_rename_column(self, op: RenameColumn, before: Schema, after: Schema) -> list[str]:
        return [self.alter_table(op.table, f"RENAME COLUMN {self.quote(op.column)} TO {self.quote(op.new_name)}")]

    @renders(AlterColumnType)
    def render_alter_column_type(self, op: AlterColumnType, before: Schema, after: Schema) -> list[str]:
        column = after.table(op.table).column(op.column)
        new_type = self.type_sql(op.new, after, column)
        return [self.alter_table(op.table, f"ALTER COLUMN {self.quote(op.column)} TYPE {new_type}")]

    @renders(AlterColumnNullability)
    def render_alter_column_nullability(self, op: AlterColumnNullability, before: Schema, after: Schema) -> list[str]:
        action = "DROP NOT NULL" if op.nullable else "SET NOT NULL"
        return [self.alter_table(op.table, f"ALTER COLUMN {self.quote(op.column)} {action}")]

    @renders(AlterColumnDefault)
    def render_alter_column_default(self, op: AlterColumnDefault, before: Schema, after: Schema) -> list[str]:
        column = after.table(op.table).column(op.column)
        if op.new is None or op.new.kind == "null":
            action = "DROP DEFAULT"
        else:
            action = "SET DEFAULT " + self.default_sql(op.new, column, after)
        return [self.alter_table(op.table, f"ALTER COLUMN {self.quote(op.column)} {action}")]

    @renders(SetPrimaryKey)
    def render_set_primary_key(self, op: SetPrimaryKey, before: Schema, after: Schema) -> list[str]:
        out = []
        if op.old is not None:
            out.append(self.drop_primary_key_sql(op.table, op.old))
        if op.new is not None:
            out.append(self.alter_table(op.table, "ADD " + self.primary_key_sql(after.table(op.table))))
        return out

    def drop_primary_key_sql(self, table: str, pk: PrimaryKey) -> str:
        return self.alter_table(table, f"DROP CONSTRAINT {self.quote(pk.name or primary_key_name(table))}")

    @renders(AddIndex)
    def render_add_index(self, op: AddIndex, before: Schema, after: Schema) -> list[str]:
        return [self.create_index_sql(op.table, op.index, op.online)]

    @renders(DropIndex)
    def render_drop_index(self, op: DropIndex, before: Schema, after: Schema) -> list[str]:
        return [self.drop_index_sql(op.table, op.index, op.online)]

    @renders(RenameIndex)
    def render_rename_index(self, op: RenameIndex, before: Schema, after: Schema) -> list[str]:
        """SQLite has no rename: the index is built again under its new name (MySQL, PostgreSQL override)."""
        return [self.drop_index_sql(op.table, op.index),
                self.create_index_sql(op.table, replace(op.index, name=op.new_name))]

    @renders(AddUnique)
    def render_add_unique(self, op: AddUnique, before: Schema, after: Schema) -> list[str]:
        if op.using_index is not None:
            raise Unsupported(f"{self.name} cannot make unique index {op.using_index.name} a constraint "
                              "(ADD CONSTRAINT ... USING INDEX is PostgreSQL's)")
        return [self.alter_table(op.table, "ADD " + self.unique_sql(op.unique) + self.online_suffix(op.online, True))]

    @renders(DropUnique)
    def render_drop_unique(self, op: DropUnique, before: Schema, after: Schema) -> list[str]:
        out = [self.alter_table(op.table, f"DROP CONSTRAINT {self.quote(op.unique.name)}")]
        if op.restore_index is not None:
            out.append(self.create_index_sql(op.table, op.restore_index))
        return out

    def not_valid_sql(self, validated: bool, what: str) -> str:
        """`` NOT VALID`` for a constraint added without checking existing rows, where the dialect has it."""
        if validated:
            return ""
        if not self.supports_not_valid:
            raise Unsupported(f"{self.name} cannot add {what} NOT VALID")
        return " NOT VALID"

    @renders(AddForeignKey)
    def render_add_foreign_key(self, op: AddForeignKey, before: Schema, after: Schema) -> list[str]:
        fk = op.foreign_key
        return [self.alter_table(op.table, "ADD " + self.foreign_key_sql(fk)
                                 + self.not_valid_sql(fk.validated, f"foreign key {fk.name}"))]

    @renders(DropForeignKey)
    def render_drop_foreign_key(self, op: DropForeignKey, before: Schema, after: Schema) -> list[str]:
        return [self.alter_table(op.table, f"DROP CONSTRAINT {self.quote(op.foreign_key.name)}")]

    @renders(AddCheck)
    def render_add_check(self, op: AddCheck, before: Schema, after: Schema) -> list[str]:
        check = op.check
        return [self.alter_table(op.table, "ADD " + self.check_sql(check)
                                 + self.not_valid_sql(check.validated, f"check {check.name}"))]

    @renders(DropCheck)
    def render_drop_check(self, op: DropCheck, before: Schema, after: Schema) -> list[str]:
        return [self.alter_table(op.table, f"DROP CONSTRAINT {self.quote(op.check.name)}")]

    @renders(ValidateConstraint)
    def render_validate_constraint(self, op: ValidateConstraint, before: Schema, after: Schema) -> list[str]:
        if not self.supports_not_valid:
            raise Unsupported(f"{self.name} has no NOT VALID constraints to validate ({op.name} on {op.table})")
        if op.validated:
            return [self.alter_table(op.table, f"VALIDATE CONSTRAINT {self.quote(op.name)}")]
        # no "invalidate": drop it and add it again NOT VALID (metadata only, no scan)
        table = after.table(op.table)
        adds = ([AddCheck(op.table, c) for c in table.checks if c.name == op.name]
                + [AddForeignKey(op.table, f) for f in table.foreign_keys if f.name == op.name])
        if not adds:
            raise Unsupported(f"no check or foreign key {op.name} on {op.table}")
        drop = self.alter_table(op.table, f"DROP CONSTRAINT {self.quote(op.name)}")
        return [drop] + self.render_op(adds[0], before, after)

    # -- data steps ------------------------------------------------------------------------------
    @renders(Backfill)
    def render_backfill(self, op: Backfill, before: Schema, after: Schema) -> list[str]:
        if op.column is None:
            return []
        if op.batch_size:
            return self.batched_backfill(op, before, self.backfill_key(op, before))
        return [self.backfill_update(op)]

    def backfill_guard(self, op: Backfill) -> str:
        """What makes a backfill idempotent: only rows still NULL (and ``where``) are written."""
        assert op.column is not None
        guard = f"{self.quote(op.column)} IS NULL"
        if op.where:
            guard += f" AND ({self.expression_sql(op.where)})"
        return guard

    def backfill_update(self, op: Backfill, extra: str = "") -> str:
        assert op.column is not None and op.value is not None
        return (f"UPDATE {self.quote(op.table)} SET {self.quote(op.column)} = {self.expression_sql(op.value)} "
                f"WHERE {extra}{self.backfill_guard(op)}")

    def backfill_key(self, op: Backfill, schema: Schema) -> Column:
        """The single-column primary key a batched backfill walks."""
        table = schema.table(op.table)
        pk = table.primary_key
        if pk is None or len(pk.columns) != 1:
            raise Unsupported(f"a batched backfill of {op.table}.{op.column} walks a single-column primary key, "
                              f"and {op.table} has {'none' if pk is None else 'a composite one'}; "
                              "backfill it in one statement (batch size 0)")
        return table.column(pk.columns[0])

    def batched_backfill(self, op: Backfill, schema: Schema, key: Column) -> list[str]:
        """Dialects with a loop construct walk the key in batches; the default is one statement."""
        return [self.backfill_update(op)]

    # Extensions are PostgreSQL's (it overrides these); no reader of another dialect makes one.
    @renders(CreateExtension)
    def render_create_extension(self, op: CreateExtension, before: Schema, after: Schema) -> list[str]:
        raise Unsupported(f"{self.name} has no extensions (extension {op.extension.name})")

    @renders(DropExtension)
    def render_drop_extension(self, op: DropExtension, before: Schema, after: Schema) -> list[str]:
        raise Unsupported(f"{self.name} has no extensions (extension {op.extension.name})")

    # Enum types exist only where the dialect has them as types (PostgreSQL overrides these);
    # elsewhere the enum lives on its columns, which their own operations render.
    @renders(CreateEnum)
    def render_create_enum(self, op: CreateEnum, before: Schema, after: Schema) -> list[str]:
        return []

    @renders(DropEnum)
    def render_drop_enum(self, op: DropEnum, before: Schema, after: Schema) -> list[str]:
        return []

    @renders(AddEnumValue)
    def render_add_enum_value(self, op: AddEnumValue, before: Schema, after: Schema) -> list[str]:
        return []

    @renders(DropEnumValue)
    def render_drop_enum_value(self, op: DropEnumValue, before: Schema, after: Schema) -> list[str]:
        return []

    # -- comparisons the differ uses: equal when the dialect would store the same thing ---------
    def same_type(self, a: ColumnType, b: ColumnType, schema_a: Schema, schema_b: Schema) -> bool:
        return self.type_sql(a, schema_a).lower() == self.type_sql(b, schema_b).lower()

    def same_default(self, a: Default | None, b: Default | None, column: Column, schema: Schema) -> bool:
        if a is None or b is None or a.kind == "null" or b.kind == "null":
            return (a is None or a.kind == "null") == (b is None or b.kind == "null")
        return self.default_sql(a, column, schema) == self.default_sql(b, column, schema)

    def same_expression(self, a: str | None, b: str | None) -> bool:
        if a is None or b is None:
            return a == b
        return self.expression_sql(a) == self.expression_sql(b)

    # == What the database does with the DDL it runs: the SQL reader (sources/sql) and the framework
    # == readers apply these to a Schema; a dialect overrides only where its database differs (issue #11)
    folds_unquoted_names: ClassVar[bool] = False  # PostgreSQL reads an unquoted name in lower case
    case_insensitive_names: ClassVar[bool] = True  # a table or column is found whatever the case
    type_spellings: ClassVar[dict[str, str]] = {}  # spellings whose portable type is the database's own
    serial_integer: ClassVar[str | None] = None  # the integer type of every SERIAL, else each serial's own
    tinyint1_is_boolean: ClassVar[bool] = False  # TINYINT(1) is how the database spells BOOLEAN
    generated_stored_by_default: ClassVar[bool] = False  # GENERATED ... AS (expr) without STORED/VIRTUAL
    supports_virtual_generated: ClassVar[bool] = True
    serial_is_default: ClassVar[bool] = False  # a serial is its nextval() default: DROP DEFAULT ends it
    json_is_checked_text: ClassVar[bool] = False  # JSON is text with CHECK (json_valid(col)) (MariaDB)
    indexes_foreign_keys: ClassVar[bool] = False  # each foreign key gets an index under the key's name
    keeps_constraint_names: ClassVar[bool] = True  # False: an unnamed constraint's name follows its table's
    supports_constraint_using_index: ClassVar[bool] = False  # ADD CONSTRAINT ... USING INDEX
    varchar_needs_length: ClassVar[bool] = False  # VARCHAR without a length is an error
    bare_decimal_size: ClassVar[tuple[int, int] | None] = None  # (precision, scale) of a DECIMAL written bare
    real_is_double: ClassVar[bool] = False  # REAL is a synonym of DOUBLE
    has_sized_binary: ClassVar[bool] = True  # BINARY(n) / VARBINARY(n) exist
    binary_keeps_length: ClassVar[bool] = False  # a BINARY(n)'s length is kept (elsewhere binary is unsized)
    autoincrement_in_composite_key: ClassVar[bool] = True  # an auto-increment column may share the primary key
    keeps_primary_key_name: ClassVar[bool] = True  # False: every primary key has one name (mgen: <table>_pkey)
    drops_referenced_tables: ClassVar[bool] = False  # DROP TABLE succeeds while foreign keys point at the table
    alters_in_place: ClassVar[bool] = True  # False: ALTER TABLE only adds, renames and drops unused columns

    def is_internal_table(self, name: str) -> bool:
        """True for the tables the database keeps for itself (never part of the model)."""
        return False

    def unnamed_constraint_name(self, kind: str, table: str, columns: Sequence[str], taken: Iterable[str],
                                column_check: str | None = None) -> str:
        """The name the database gives a ``kind`` ("uq", "fk", "ck", "ix") constraint on ``table`` created
        without one, ``taken`` being the table's names so far; ``column_check``: the column an inline CHECK
        is written on. PostgreSQL's rule (``mgen.naming``: ``t_c_key``, ``t_c_fkey``, ``t_c_check``, ``t_c_idx``,
        with 1, 2... when taken); SQLite, which stores none, is read back with the same names."""
        make = {"uq": naming.unique_name, "fk": naming.foreign_key_name, "ck": naming.check_name,
                "ix": naming.index_name}.get(kind)
        if make is None:
            raise ValueError(kind)
        return fresh_name(make(table, columns), set(taken))

    def constraint_name_after_rename(self, name: str, old: str, new: str, made_up: bool) -> str:
        """The name constraint ``name`` of table ``old`` has once the table is renamed ``new``; ``made_up``:
        the database gave it (``unnamed_constraint_name``). Where it keeps no names, those follow the table."""
        if not self.keeps_constraint_names and made_up and name.startswith(f"{old}_"):
            return new + name[len(old):]
        return name

    def without_column(self, table: Table, column: str) -> Table:
        """``table`` after DROP COLUMN ``column``: every index and constraint that uses it goes too."""
        pk = None if table.primary_key is not None and column in table.primary_key.columns else table.primary_key
        return replace(
            table,
            columns=tuple(c for c in table.columns if c.name != column),
            primary_key=pk,
            uniques=tuple(u for u in table.uniques if column not in u.columns),
            indexes=tuple(i for i in table.indexes if not _index_mentions(i, column)),
            foreign_keys=tuple(f for f in table.foreign_keys if column not in f.columns),
            checks=tuple(c for c in table.checks if not mentions_column(c.expression, column)),
        )

    def schema_without_column(self, schema: Schema, table: Table, column: str) -> Schema:
        """``schema`` after ``table`` (one of its tables) dropped ``column``."""
        return schema.with_table(self.without_column(table, column))

    def final_form(self, schema: Schema) -> Schema:
        """What the database says about itself once ``schema`` is built in it (see MySQL)."""
        return schema


def fresh_name(base: str, taken: set[str], sep: str = "", start: int = 1) -> str:
    """``base``, or the first of ``base<sep><start>``, ``base<sep><start+1>``... not in ``taken``."""
    name, n = base, start - 1
    while name in taken:
        n += 1
        name = naming.fit(f"{base}{sep}{n}")
    return name


def mentions_column(expression: str, column: str) -> bool:
    """True when a canonical expression names ``column``; one that cannot be parsed counts as naming it
    (what depends on a dropped column goes with it)."""
    from sqlglot import exp

    try:
        node = expressions.parse(expression, "postgresql")
    except MgenError:
        return True
    return any(c.name == column for c in node.find_all(exp.Column))


def _index_mentions(index: Index, column: str) -> bool:
    return any(c == column or (c.startswith("(") and mentions_column(c, column)) for c in index.columns) or (
        index.where is not None and mentions_column(index.where, column))


def render_migration(ops: Sequence[Operation], old: Schema, dialect: Dialect) -> tuple[list[str], list[str]]:
    """The up and the down statements of ``ops`` starting from ``old``."""
    from ..operations import reverse_all

    up = dialect.render_ops(ops, old)
    down = dialect.render_ops(reverse_all(ops), apply_all(ops, old))
    return up, down
