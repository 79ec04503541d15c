"""PostgreSQL: enum types, identity columns, COMMENT ON, ALTER ... TYPE ... USING."""
from __future__ import annotations

from dataclasses import replace
from itertools import permutations
from typing import ClassVar

from .. import expressions, keywords
from ..naming import fit
from ..operations import (
    AddEnumValue,
    AddIndex,
    AddUnique,
    AlterColumnGenerated,
    AlterColumnIdentity,
    AlterColumnType,
    Backfill,
    CreateEnum,
    CreateExtension,
    DropEnum,
    DropEnumValue,
    DropExtension,
    DropIndex,
    Operation,
    RenameIndex,
)
from ..schema import Column, ColumnType, Default, Schema, Table
from .base import Dialect, Unsupported, renders

_SIMPLE_TYPES = {
    "smallint": "smallint", "integer": "integer", "bigint": "bigint",
    "real": "real", "double": "double precision", "boolean": "boolean", "text": "text",
    "date": "date", "uuid": "uuid", "json": "json", "jsonb": "jsonb", "binary": "bytea",
}
_SERIAL_TYPES = {"smallint": "smallserial", "integer": "serial", "bigint": "bigserial"}

_NUMBERS = ("smallint", "integer", "bigint", "numeric", "real", "double")
_STRINGS = ("char", "varchar", "text")
# Conversions PostgreSQL makes by itself in ALTER ... TYPE (assignment or implicit casts in
# pg_cast); every other one needs USING. Any type converts to a string type by I/O conversion.
_CASTS_WITHOUT_USING = frozenset(
    set(permutations(_NUMBERS, 2))
    | set(permutations(_STRINGS, 2))
    | {("date", "timestamp"), ("date", "timestamptz"), ("timestamp", "timestamptz"),
       ("timestamptz", "timestamp"), ("timestamp", "date"), ("timestamptz", "date"),
       ("timestamp", "time"), ("timestamptz", "time"), ("json", "jsonb"), ("jsonb", "json")}
)


def needs_using(old: ColumnType, new: ColumnType) -> bool:
    if new.name == "enum" or old.array != new.array or "native" in (old.name, new.name):
        return old != new
    if old.name == new.name or new.name in _STRINGS:
        return False
    return (old.name, new.name) not in _CASTS_WITHOUT_USING


def _is_array_literal(canonical: str) -> bool:
    from sqlglot import exp
    try:
        return isinstance(expressions.unparen(expressions.parse(canonical, "postgresql")), exp.Array)
    except Exception:  # noqa: BLE001 - an expression sqlglot cannot read is no ARRAY[...] it wrote
        return False


class PostgreSQL(Dialect):
    name = "postgresql"
    distinct_identity_kinds = True
    supports_index_methods = True
    supports_index_include = True
    supports_index_nulls_order = True
    supports_deferrable = True
    enum_style = "type"
    transactional_ddl = True
    max_identifier = 63
    identifier_limit = 63  # NAMEDATALEN - 1: a longer name is cut, so it never matches the schema's again
    cuts_long_identifiers = True
    # tables, indexes and the indexes behind unique and primary keys are relations of one schema; every
    # constraint's name is one of its table's
    name_scopes: ClassVar[dict[str, tuple[str, ...]]] = {"table": ("schema:relation",), "index": ("schema:relation",),
                   "unique": ("schema:relation", "table:constraint"),
                   "primary_key": ("schema:relation", "table:constraint"),
                   "foreign_key": ("table:constraint",), "check": ("table:constraint",)}
    clock_default_numbers = False  # timestamptz has no assignment cast to a number: the CREATE TABLE fails
    non_finite_defaults = frozenset({"nan", "infinity", "-infinity", "inf", "-inf", "+inf", "+infinity"})
    foreign_key_target = "unique"
    boolean_checks = True
    # an integer has an assignment cast to numbers and text, none to dates, enums, uuid, json or bytea
    number_default_types = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double", "char",
                                      "varchar", "text", "boolean"})
    type_limits: ClassVar[dict[str, tuple[int, int]]] = {"numeric": (1, 1000), "varchar": (1, 10485760),
                                                         "char": (1, 10485760)}
    quote_char = '"'
    reserved_words = keywords.POSTGRESQL
    online_index_keyword = "CONCURRENTLY"
    supports_not_valid = True
    supports_arrays = True

    # -- types and defaults ----------------------------------------------------------------------
    def type_sql(self, ctype: ColumnType, schema: Schema, column: Column | None = None) -> str:
        if ctype.array:
            return self.type_sql(ctype.element(), schema, column) + "[]"
        if ctype.name in _SIMPLE_TYPES:
            return _SIMPLE_TYPES[ctype.name]
        return getattr(self, f"type_{ctype.name}")(ctype)

    def type_numeric(self, t: ColumnType) -> str:
        return f"numeric({t.precision},{t.scale or 0})" if t.precision is not None else "numeric"

    def type_char(self, t: ColumnType) -> str:
        return f"char({t.length})" if t.length is not None else "char"

    def type_varchar(self, t: ColumnType) -> str:
        return f"varchar({t.length})" if t.length is not None else "varchar"

    def type_time(self, t: ColumnType) -> str:
        return f"time({t.precision})" if t.precision is not None else "time"

    def type_timestamp(self, t: ColumnType) -> str:
        return f"timestamp({t.precision})" if t.precision is not None else "timestamp"

    def type_timestamptz(self, t: ColumnType) -> str:
        return f"timestamptz({t.precision})" if t.precision is not None else "timestamptz"

    def type_enum(self, t: ColumnType) -> str:
        return self.quote(t.enum or "")

    def default_boolean(self, default: Default, column: Column) -> str:
        return "true" if default.value.lower() == "true" else "false"

    def default_expression(self, default: Default, column: Column) -> str:
        """An ``ARRAY[...]`` default of an array column keeps its cast: the canonical form drops it, and
        without it ``ARRAY[]`` has no type and ``ARRAY['USER']`` is a text[] no enum array takes."""
        text = self.expression_sql(default.value)
        if column.type.array and _is_array_literal(default.value):
            return f"{text}::{self.type_sql(column.type, Schema())}"
        return text

    # -- columns: serial replaces the type; identity columns carry no default -----------------------
    def column_sql(self, column: Column, table: Table, schema: Schema) -> str:
        if column.identity == "serial":
            if column.type.name not in _SERIAL_TYPES:
                raise Unsupported(f"postgresql has serial only for integer columns ({table.name}.{column.name})")
            parts = [self.quote(column.name), _SERIAL_TYPES[column.type.name]]
            if not column.nullable:
                parts.append("NOT NULL")
            return " ".join(parts)
        return super().column_sql(column, table, schema)

    def column_clauses(self, column: Column, table: Table, schema: Schema) -> list[str]:
        if column.identity in ("always", "by_default"):
            kind = "ALWAYS" if column.identity == "always" else "BY DEFAULT"
            return [f"GENERATED {kind} AS IDENTITY"] + ([] if column.nullable else ["NOT NULL"])
        return super().column_clauses(column, table, schema)

    def comparable_expression(self, canonical: str, table: Table) -> str:
        return expressions.with_promotions(canonical, tuple((c.name, c.type.name) for c in table.columns))

    def generated_clauses(self, column: Column, table: Table) -> list[str]:
        if column.generated is not None and not column.generated.stored:
            raise Unsupported(f"postgresql before 18 has only STORED generated columns ({table.name}.{column.name})")
        return super().generated_clauses(column, table)

    def comment_statements(self, table: Table) -> list[str]:
        out = []
        if table.comment is not None:
            out.append(f"COMMENT ON TABLE {self.quote(table.name)} IS {self.literal(table.comment)}")
        for c in table.columns:
            if c.comment is not None:
                out.append(f"COMMENT ON COLUMN {self.quote(table.name)}.{self.quote(c.name)} IS {self.literal(c.comment)}")
        return out

    # -- columns -----------------------------------------------------------------------------------
    @renders(AlterColumnType)
    def render_alter_column_type(self, op: AlterColumnType, before: Schema, after: Schema) -> list[str]:
        column = after.table(op.table).column(op.column)
        new_type = self.type_sql(op.new, after, column)
        col = self.quote(op.column)
        if not needs_using(op.old, op.new):
            alter = self.alter_table(op.table, f"ALTER COLUMN {col} TYPE {new_type}")
        else:
            # enums convert only through text
            via = ("::text[]" if op.old.array else "::text") if "enum" in (op.old.name, op.new.name) else ""
            alter = self.alter_table(op.table, f"ALTER COLUMN {col} TYPE {new_type} USING {col}{via}::{new_type}")
        if op.old.name == op.new.name:
            return [alter]
        # a default typed for the old type would block the cast or keep the old type's cast
        return self.around_default(op.table, column, after, [alter])

    def around_default(self, table: str, column: Column, schema: Schema, statements: list[str]) -> list[str]:
        """``statements`` with the column's default dropped before and set again after."""
        if column.default is None or column.default.kind == "null" or column.identity:
            return statements
        col = self.quote(column.name)
        return ([self.alter_table(table, f"ALTER COLUMN {col} DROP DEFAULT")] + statements
                + [self.alter_table(table, f"ALTER COLUMN {col} SET DEFAULT {self.default_sql(column.default, column, schema)}")])

    @renders(AlterColumnGenerated)
    def render_alter_column_generated(self, op: AlterColumnGenerated, before: Schema, after: Schema) -> list[str]:
        """A stored column becomes a plain one keeping its values (DROP EXPRESSION, PostgreSQL 13);
        any other change is a drop and add (SET EXPRESSION is PostgreSQL 17's)."""
        if op.new is None:
            return [self.alter_table(op.table, f"ALTER COLUMN {self.quote(op.column)} DROP EXPRESSION")]
        return self.regenerate_column(op, before, after)

    @renders(AlterColumnIdentity)
    def render_alter_column_identity(self, op: AlterColumnIdentity, before: Schema, after: Schema) -> list[str]:
        column = after.table(op.table).column(op.column)
        generated = ("always", "by_default")
        if op.old in generated and op.new in generated:
            kind = "ALWAYS" if op.new == "always" else "BY DEFAULT"
            return [self.alter_table(op.table, f"ALTER COLUMN {self.quote(op.column)} SET GENERATED {kind}")]
        out = self.drop_identity(op.table, op.column, op.old) + self.add_identity(op.table, column, op.new)
        return out

    def drop_identity(self, table: str, column: str, kind: str | None) -> list[str]:
        col = self.quote(column)
        if kind in ("always", "by_default"):
            return [self.alter_table(table, f"ALTER COLUMN {col} DROP IDENTITY")]
        if kind == "serial":
            # the sequence's name is whatever PostgreSQL chose: ask it, inside one DO statement
            seq = f"pg_get_serial_sequence({self.literal(self.quote(table))}, {self.literal(column)})"
            return [self.alter_table(table, f"ALTER COLUMN {col} DROP DEFAULT"),
                    f"DO $$ BEGIN EXECUTE 'DROP SEQUENCE ' || {seq}; END $$"]
        return []

    def add_identity(self, table: str, column: Column, kind: str | None) -> list[str]:
        col = self.quote(column.name)
        if kind in ("always", "by_default"):
            generated = "ALWAYS" if kind == "always" else "BY DEFAULT"
            out = [self.alter_table(table, f"ALTER COLUMN {col} ADD GENERATED {generated} AS IDENTITY")]
        elif kind == "serial":
            seq = fit(f"{table}_{column.name}_seq")
            seq_type = column.type.name if column.type.name in _SERIAL_TYPES else "bigint"
            out = [f"CREATE SEQUENCE {self.quote(seq)} AS {seq_type} OWNED BY {self.quote(table)}.{col}",
                   self.alter_table(table, f"ALTER COLUMN {col} SET DEFAULT nextval({self.literal(self.quote(seq))})")]
        else:
            return []
        # existing rows keep their values: the sequence continues after the largest one
        seq = f"pg_get_serial_sequence({self.literal(self.quote(table))}, {self.literal(column.name)})"
        out.append(f"SELECT setval({seq}, COALESCE(MAX({col}), 0) + 1, false) FROM {self.quote(table)}")
        return out

    @renders(RenameIndex)
    def render_rename_index(self, op: RenameIndex, before: Schema, after: Schema) -> list[str]:
        return [f"ALTER INDEX {self.quote(op.index.name)} RENAME TO {self.quote(op.new_name)}"]

    # -- extensions --------------------------------------------------------------------------------
    @renders(CreateExtension)
    def render_create_extension(self, op: CreateExtension, before: Schema, after: Schema) -> list[str]:
        where = f" WITH SCHEMA {self.quote(op.extension.schema)}" if op.extension.schema else ""
        return [f"CREATE EXTENSION IF NOT EXISTS {self.quote(op.extension.name)}{where}"]

    @renders(DropExtension)
    def render_drop_extension(self, op: DropExtension, before: Schema, after: Schema) -> list[str]:
        return [f"DROP EXTENSION IF EXISTS {self.quote(op.extension.name)}"]

    # -- enum types --------------------------------------------------------------------------------
    def enum_values_sql(self, values) -> str:
        return ", ".join(self.literal(v) for v in values)

    @renders(CreateEnum)
    def render_create_enum(self, op: CreateEnum, before: Schema, after: Schema) -> list[str]:
        return [f"CREATE TYPE {self.quote(op.enum.name)} AS ENUM ({self.enum_values_sql(op.enum.values)})"]

    @renders(DropEnum)
    def render_drop_enum(self, op: DropEnum, before: Schema, after: Schema) -> list[str]:
        return [f"DROP TYPE {self.quote(op.enum.name)}"]

    @renders(AddEnumValue)
    def render_add_enum_value(self, op: AddEnumValue, before: Schema, after: Schema) -> list[str]:
        where = f" BEFORE {self.literal(op.before)}" if op.before else ""
        return [f"ALTER TYPE {self.quote(op.name)} ADD VALUE {self.literal(op.value)}{where}"]

    @renders(DropEnumValue)
    def render_drop_enum_value(self, op: DropEnumValue, before: Schema, after: Schema) -> list[str]:
        # PostgreSQL cannot drop an enum value: build the new type and move every column onto it
        name = self.quote(op.name)
        old_name = fit(f"{op.name}__old")
        out = [f"ALTER TYPE {name} RENAME TO {self.quote(old_name)}",
               f"CREATE TYPE {name} AS ENUM ({self.enum_values_sql(after.enum(op.name).values)})"]
        for table in before.tables:
            for column in table.columns:
                if column.type.name == "enum" and column.type.enum == op.name:
                    col, typ = self.quote(column.name), self.type_sql(column.type, after)  # "Role" or "Role"[]
                    via = "::text[]" if column.type.array else "::text"
                    alter = self.alter_table(table.name, f"ALTER COLUMN {col} TYPE {typ} USING {col}{via}::{typ}")
                    out.extend(self.around_default(table.name, column, before, [alter]))
        out.append(f"DROP TYPE {self.quote(old_name)}")
        return out


    # -- online changes and data steps -------------------------------------------------------------------
    def outside_transaction(self, op: Operation) -> bool:
        if isinstance(op, (AddIndex, DropIndex)):
            return op.online
        return isinstance(op, Backfill) and op.column is not None and bool(op.batch_size)

    @renders(AddUnique)
    def render_add_unique(self, op: AddUnique, before: Schema, after: Schema) -> list[str]:
        if op.using_index is None:
            return super().render_add_unique(op, before, after)
        # the index (built CONCURRENTLY before) becomes the constraint and takes its name
        return [self.alter_table(op.table, f"ADD CONSTRAINT {self.quote(op.unique.name)} UNIQUE "
                                           f"USING INDEX {self.quote(op.using_index.name)}")]

    def batched_backfill(self, op: Backfill, schema: Schema, key: Column) -> list[str]:
        """One DO block walking the primary key in batches (keyset: ``key >= lo``, never OFFSET), each
        batch committed (PostgreSQL 11+ allows COMMIT in a DO block run outside a transaction),
        with a NOTICE per batch for progress.

        The block's variables carry an ``mgen_`` prefix: PL/pgSQL refuses a name that is both a
        variable and a column of the table (``value`` and ``where`` name the user's columns)."""
        table, k = self.quote(op.table), self.quote(key.name)
        key_type = f"{table}.{k}%TYPE"
        # RAISE's format string: a quote is doubled, a % would be read as a placeholder
        label = f"{op.table}.{op.column}".replace("'", "''").replace("%", "%%")
        update = self.backfill_update(op, extra=f"{k} >= mgen_lo AND {k} <= mgen_hi AND ")
        body = f"""DO $mgen$
DECLARE
  mgen_lo {key_type};
  mgen_hi {key_type};
  mgen_done bigint := 0;
  mgen_rows bigint;
BEGIN
  SELECT {k} INTO mgen_lo FROM {table} ORDER BY {k} LIMIT 1;
  WHILE mgen_lo IS NOT NULL LOOP
    SELECT b.{k} INTO mgen_hi FROM (SELECT {k} FROM {table} WHERE {k} >= mgen_lo ORDER BY {k} LIMIT {op.batch_size}) AS b
      ORDER BY b.{k} DESC LIMIT 1;
    {update};
    GET DIAGNOSTICS mgen_rows = ROW_COUNT;
    mgen_done := mgen_done + mgen_rows;
    RAISE NOTICE 'mgen backfill {label}: % rows written, key up to %', mgen_done, mgen_hi;
    COMMIT;
    mgen_lo := NULL;
    SELECT {k} INTO mgen_lo FROM {table} WHERE {k} > mgen_hi ORDER BY {k} LIMIT 1;
  END LOOP;
END
$mgen$"""
        return [body]

    # == What the database does with the DDL it runs (Dialect's group of the same name; issue #11) ========
    folds_unquoted_names = True
    case_insensitive_names = False
    type_spellings: ClassVar[dict[str, str]] = {"float": "double"}  # a bare FLOAT is float8
    generated_stored_by_default = True  # STORED is its only kind before 18
    supports_virtual_generated = False
    serial_is_default = True
    supports_constraint_using_index = True
    has_sized_binary = False  # BYTEA only

    def schema_without_column(self, schema: Schema, table: Table, column: str) -> Schema:
        """PostgreSQL also drops the foreign keys elsewhere that point at the column."""
        schema = super().schema_without_column(schema, table, column)
        return replace(schema, tables=tuple(
            replace(t, foreign_keys=tuple(f for f in t.foreign_keys
                                          if not (f.ref_table == table.name and column in f.ref_columns)))
            for t in schema.tables))


DIALECT = PostgreSQL()
