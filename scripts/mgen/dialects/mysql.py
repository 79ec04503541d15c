"""MySQL and MariaDB: MODIFY COLUMN for column changes, inline ENUM(...), AUTO_INCREMENT, inline comments."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import ClassVar

from .. import keywords
from ..errors import MgenError
from ..naming import fit
from ..operations import (
    AddEnumValue,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnGenerated,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    Backfill,
    DropEnumValue,
    DropForeignKey,
    DropIndex,
    DropUnique,
    RenameIndex,
    RenameTable,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
)
from ..schema import Column, ColumnType, Default, EnumType, ForeignKey, Schema, Table
from .base import Dialect, Unsupported, fresh_name, mentions_column, renders

_SIMPLE_TYPES = {
    "smallint": "SMALLINT", "integer": "INT", "bigint": "BIGINT", "real": "FLOAT", "double": "DOUBLE",
    "boolean": "TINYINT(1)", "text": "TEXT", "date": "DATE", "uuid": "CHAR(36)", "json": "JSON",
    "jsonb": "JSON",
}
# Types whose literal defaults MySQL 8 accepts only as an expression: DEFAULT ('x').
_BLOB_LIKE = frozenset({"text", "json", "jsonb"})
_CURRENT_TIME_FUNCTIONS = frozenset({"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP()", "NOW()", "LOCALTIMESTAMP"})
# the names MySQL / MariaDB give unnamed foreign keys and CHECKs
_OWN_FOREIGN_KEY = re.compile(r"_ibfk_(\d+)$")
_NUMBERED_CHECK = re.compile(r"^CONSTRAINT_(\d+)$")


def _fraction(t: ColumnType) -> str:
    return f"({t.precision})" if t.precision is not None else ""


def _leads_with(columns: Sequence[str], lead: Sequence[str]) -> bool:
    return tuple(columns[: len(lead)]) == tuple(lead)


class MySQL(Dialect):
    name = "mysql"
    restrict_is_no_action = True
    unique_index_is_constraint = True
    supports_partial_indexes = False
    supports_index_methods = False
    supports_index_prefixes = True
    places_columns = True
    enum_style = "inline"
    transactional_ddl = False
    max_identifier = 64
    identifier_limit = 64
    identifier_unit = "characters"
    # a unique key is an index of its table; a foreign key's name is InnoDB's, one per database
    name_scopes: ClassVar[dict[str, tuple[str, ...]]] = {"table": ("schema:table",), "index": ("table:index",), "unique": ("table:index",),
                   "foreign_key": ("schema:foreign_key",), "check": ("table:check",)}
    foreign_key_target = "indexed"
    type_limits: ClassVar[dict[str, tuple[int, int]]] = {"numeric": (1, 65), "varchar": (0, 65535),
                                                         "char": (0, 255)}
    text_takes_nul = True
    identifiers_in_bmp = True
    quote_char = "`"
    reserved_words = keywords.MYSQL
    online_alter_clause = "ALGORITHM=INPLACE, LOCK=NONE"

    # -- types, literals, defaults -------------------------------------------------------------------
    def type_sql(self, ctype: ColumnType, schema: Schema, column: Column | None = None) -> str:
        self.no_array(ctype)
        if ctype.collation:
            return self.type_sql(replace(ctype, collation=None), schema, column) + f" COLLATE {ctype.collation}"
        if ctype.unsigned:
            return self.type_sql(replace(ctype, unsigned=False), schema, column) + " UNSIGNED"
        if ctype.name in _SIMPLE_TYPES:
            return _SIMPLE_TYPES[ctype.name]
        if ctype.name == "enum":
            return self.type_enum(ctype, schema)
        return getattr(self, f"type_{ctype.name}")(ctype)

    def same_type(self, a: ColumnType, b: ColumnType, schema_a: Schema, schema_b: Schema) -> bool:
        """A collation one side does not say (the server's default) is the same as the other's."""
        if a.collation is None or b.collation is None:
            a, b = replace(a, collation=None), replace(b, collation=None)
        return super().same_type(a, b, schema_a, schema_b)

    def type_numeric(self, t: ColumnType) -> str:
        return f"DECIMAL({t.precision},{t.scale or 0})" if t.precision is not None else "DECIMAL"

    def type_char(self, t: ColumnType) -> str:
        return f"CHAR({t.length})" if t.length is not None else "CHAR"

    def type_varchar(self, t: ColumnType) -> str:
        # MySQL has no unbounded VARCHAR
        return f"VARCHAR({t.length if t.length is not None else 255})"

    def type_time(self, t: ColumnType) -> str:
        return "TIME" + _fraction(t)

    def type_timestamp(self, t: ColumnType) -> str:
        return "DATETIME" + _fraction(t)

    def type_timestamptz(self, t: ColumnType) -> str:
        return "TIMESTAMP" + _fraction(t)

    def type_binary(self, t: ColumnType) -> str:
        return f"VARBINARY({t.length})" if t.length is not None else "LONGBLOB"

    def type_enum(self, t: ColumnType, schema: Schema) -> str:
        try:
            values = schema.enum(t.enum or "").values
        except KeyError:
            raise MgenError(f"enum type {t.enum!r} is used by a column but not defined") from None
        return "ENUM(" + ",".join(self.literal(v) for v in values) + ")"

    def literal(self, text: str) -> str:
        # backslash is an escape character in MySQL string literals (unless NO_BACKSLASH_ESCAPES)
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    def default_string(self, default: Default, column: Column) -> str:
        text = self.literal(default.value)
        return f"({text})" if column.type.name in _BLOB_LIKE or (
            column.type.name == "binary" and column.type.length is None) else text

    def default_expression(self, default: Default, column: Column) -> str:
        if default.value.upper() in _CURRENT_TIME_FUNCTIONS:
            # DATETIME(3)/TIMESTAMP(3) accept only the same fractional precision
            return "CURRENT_TIMESTAMP" + _fraction(column.type)
        return f"({self.expression_sql(default.value)})"

    # -- columns and tables ----------------------------------------------------------------------------
    def column_clauses(self, column: Column, table: Table, schema: Schema) -> list[str]:
        clauses = self.generated_clauses(column, table)
        if not column.nullable:
            clauses.append("NOT NULL")
        elif column.type.name == "timestamptz":
            # an old-style TIMESTAMP column is NOT NULL unless told otherwise
            clauses.append("NULL")
        if column.default is not None and column.default.kind != "null" and not column.identity \
                and column.generated is None:
            clauses.append("DEFAULT " + self.default_sql(column.default, column, schema))
        if column.identity:
            clauses.append("AUTO_INCREMENT")
        if column.comment is not None:
            clauses.append("COMMENT " + self.literal(column.comment))
        return clauses

    def table_options_sql(self, table: Table) -> str:
        collation = f" DEFAULT COLLATE = {table.collation}" if table.collation else ""
        return collation + (f" COMMENT = {self.literal(table.comment)}" if table.comment is not None else "")

    def modify_column(self, table: str, column: str, schema: Schema) -> str:
        """MODIFY COLUMN with the full definition the column has in ``schema``."""
        t = schema.table(table)
        return self.alter_table(table, f"MODIFY COLUMN {self.column_sql(t.column(column), t, schema)}")

    # -- renderers ---------------------------------------------------------------------------------------
    @renders(RenameTable)
    def render_rename_table(self, op: RenameTable, before: Schema, after: Schema) -> list[str]:
        return [f"RENAME TABLE {self.quote(op.table)} TO {self.quote(op.new_name)}"]

    @renders(SetTableComment)
    def render_set_table_comment(self, op: SetTableComment, before: Schema, after: Schema) -> list[str]:
        return [self.alter_table(op.table, f"COMMENT = {self.literal(op.new or '')}")]

    @renders(SetColumnComment)
    def render_set_column_comment(self, op: SetColumnComment, before: Schema, after: Schema) -> list[str]:
        return [self.modify_column(op.table, op.column, after)]

    @renders(AlterColumnType)
    def render_alter_column_type(self, op: AlterColumnType, before: Schema, after: Schema) -> list[str]:
        return [self.modify_column(op.table, op.column, after)]

    @renders(AlterColumnNullability)
    def render_alter_column_nullability(self, op: AlterColumnNullability, before: Schema, after: Schema) -> list[str]:
        return [self.modify_column(op.table, op.column, after)]

    @renders(AlterColumnGenerated)
    def render_alter_column_generated(self, op: AlterColumnGenerated, before: Schema, after: Schema) -> list[str]:
        """MODIFY COLUMN between STORED and plain (a new stored expression; STORED to plain, keeping the
        values; plain to STORED). A VIRTUAL column holds no values, so it is dropped and added (MariaDB
        10.11 fails to index a VIRTUAL column whose expression MODIFY changed after a table copy); VIRTUAL
        to plain keeps the values through a staging column."""
        kinds = {op.old.stored if op.old else None, op.new.stored if op.new else None}  # None: plain
        if False not in kinds:
            return [self.modify_column(op.table, op.column, after)]
        if op.new is None:  # VIRTUAL to plain: the values are copied into a new column first
            return self.materialize_virtual(op, after)
        return self.regenerate_column(op, before, after)

    def materialize_virtual(self, op: AlterColumnGenerated, after: Schema) -> list[str]:
        table = after.table(op.table)
        column = table.column(op.column)
        temp = fit(f"{op.column}_mgen_plain", self.max_identifier)
        staging = Column(temp, column.type, comment=column.comment)
        out = [self.alter_table(op.table, f"ADD COLUMN {self.column_sql(staging, table, after)}"),
               f"UPDATE {self.quote(op.table)} SET {self.quote(temp)} = {self.quote(op.column)}",
               self.alter_table(op.table, f"DROP COLUMN {self.quote(op.column)}"),
               self.alter_table(op.table, f"CHANGE COLUMN {self.quote(temp)} {self.column_sql(column, table, after)}")]
        return out + self.readd_on_column(op.table, op.column, after)

    @renders(AlterColumnIdentity)
    def render_alter_column_identity(self, op: AlterColumnIdentity, before: Schema, after: Schema) -> list[str]:
        return [self.modify_column(op.table, op.column, after)]

    @renders(AlterColumnDefault)
    def render_alter_column_default(self, op: AlterColumnDefault, before: Schema, after: Schema) -> list[str]:
        column = after.table(op.table).column(op.column)
        if op.new is None or op.new.kind == "null":
            return [self.alter_table(op.table, f"ALTER COLUMN {self.quote(op.column)} DROP DEFAULT")]
        value = self.default_sql(op.new, column, after)
        if op.new.kind == "expression" or value.startswith("("):
            # SET DEFAULT takes only literals on older servers; the full definition always works
            return [self.modify_column(op.table, op.column, after)]
        return [self.alter_table(op.table, f"ALTER COLUMN {self.quote(op.column)} SET DEFAULT {value}")]

    def foreign_key_index_clauses(self, table: str, before: Schema, after: Schema) -> list[str]:
        """Keep exactly one index for each foreign key, as MySQL requires and as the model hides it.

        A key whose supporting index goes gets an index named after itself in the same statement
        (MySQL refuses to drop an index a foreign key needs, and names its own such index so); a
        key that gains a supporting index loses that self-named index.
        """
        old, new = before.table(table), after.table(table)
        clauses = []
        for fk in new.foreign_keys:
            had, has = self.has_index_for(old, fk), self.has_index_for(new, fk)
            if had and not has:
                clauses.append(f"ADD INDEX {self.quote(fk.name)} ({self.columns_sql(fk.columns)})")
            elif has and not had and any(f.name == fk.name for f in old.foreign_keys):
                clauses.append(f"DROP INDEX {self.quote(fk.name)}")
        return clauses

    def alter_key(self, table: str, change: str, before: Schema, after: Schema, online: bool = False) -> list[str]:
        clauses = [change] + self.foreign_key_index_clauses(table, before, after)
        return [self.alter_table(table, ", ".join(clauses)) + self.online_suffix(online, in_alter=True)]

    @renders(AddIndex)
    def render_add_index(self, op: AddIndex, before: Schema, after: Schema) -> list[str]:
        if not self.foreign_key_index_clauses(op.table, before, after):
            return [self.create_index_sql(op.table, op.index, op.online)]
        self.create_index_sql(op.table, op.index)  # refuses what MySQL cannot index
        unique = "UNIQUE " if op.index.unique else ""
        elements = self.index_elements_sql(op.index)
        return self.alter_key(op.table, f"ADD {unique}INDEX {self.quote(op.index.name)} ({elements})", before, after,
                              op.online)

    @renders(RenameIndex)
    def render_rename_index(self, op: RenameIndex, before: Schema, after: Schema) -> list[str]:
        return [self.alter_table(op.table, f"RENAME INDEX {self.quote(op.index.name)} TO {self.quote(op.new_name)}")]

    @renders(AddUnique)
    def render_add_unique(self, op: AddUnique, before: Schema, after: Schema) -> list[str]:
        if op.using_index is not None:
            return super().render_add_unique(op, before, after)  # refused: PostgreSQL only
        return self.alter_key(op.table, "ADD " + self.unique_sql(op.unique), before, after, op.online)

    @renders(DropIndex)
    def render_drop_index(self, op: DropIndex, before: Schema, after: Schema) -> list[str]:
        return self.alter_key(op.table, f"DROP INDEX {self.quote(op.index.name)}", before, after, op.online)

    @renders(DropUnique)
    def render_drop_unique(self, op: DropUnique, before: Schema, after: Schema) -> list[str]:
        # a MySQL unique constraint is its index: dropping it and keeping the index is one rename away,
        # but nothing mgen emits asks for that (USING INDEX is PostgreSQL's)
        if op.restore_index is not None:
            raise Unsupported(f"mysql cannot drop unique {op.unique.name} on {op.table} and keep its index "
                              f"{op.restore_index.name} (the inverse of ADD CONSTRAINT ... USING INDEX, "
                              "which is PostgreSQL's)")
        return self.alter_key(op.table, f"DROP INDEX {self.quote(op.unique.name)}", before, after, op.online)

    def batched_backfill(self, op: Backfill, schema: Schema, key: Column) -> list[str]:
        """A procedure walking the primary key in batches (keyset, never OFFSET), created, called and
        dropped; autocommit makes each batch its own transaction. DROP ... IF EXISTS first, so a run
        cut off by a crash can simply be run again (the IS NULL guard skips the rows done).

        The batch bounds are user variables (``@mgen_lo``), not DECLAREd ones: a user variable takes
        the character set and collation of the key it is read from, so ``key >= @mgen_lo`` compares
        in the order ORDER BY walks (a DECLAREd VARCHAR has the database's default collation, and a
        key in another one would be compared in another order and rows skipped); and unlike a local
        variable it can never shadow a column that ``value`` or ``where`` names."""
        table, k = self.quote(op.table), self.quote(key.name)
        proc = self.quote(fit(f"mgen_backfill_{op.table}_{op.column}", self.max_identifier))
        update = self.backfill_update(op, extra=f"{k} >= @mgen_lo AND {k} <= @mgen_hi AND ")
        body = f"""CREATE PROCEDURE {proc}()
BEGIN
  SET @mgen_lo = NULL, @mgen_hi = NULL;
  SELECT {k} INTO @mgen_lo FROM {table} ORDER BY {k} LIMIT 1;
  WHILE @mgen_lo IS NOT NULL DO
    SELECT b.{k} INTO @mgen_hi FROM (SELECT {k} FROM {table} WHERE {k} >= @mgen_lo ORDER BY {k} LIMIT {op.batch_size}) AS b
      ORDER BY b.{k} DESC LIMIT 1;
    {update};
    COMMIT;
    SET @mgen_lo = NULL;
    SELECT {k} INTO @mgen_lo FROM {table} WHERE {k} > @mgen_hi ORDER BY {k} LIMIT 1;
  END WHILE;
END"""
        return [f"DROP PROCEDURE IF EXISTS {proc}", body, f"CALL {proc}()", f"DROP PROCEDURE {proc}"]

    @renders(SetPrimaryKey)
    def render_set_primary_key(self, op: SetPrimaryKey, before: Schema, after: Schema) -> list[str]:
        # one statement: an AUTO_INCREMENT column must stay a key at every moment
        clauses = []
        if op.old is not None:
            clauses.append("DROP PRIMARY KEY")
        if op.new is not None:
            clauses.append("ADD " + self.primary_key_sql(after.table(op.table)))
        clauses += self.foreign_key_index_clauses(op.table, before, after)
        return [self.alter_table(op.table, ", ".join(clauses))] if clauses else []

    @renders(DropForeignKey)
    def render_drop_foreign_key(self, op: DropForeignKey, before: Schema, after: Schema) -> list[str]:
        fk = op.foreign_key
        out = [self.alter_table(op.table, f"DROP FOREIGN KEY {self.quote(fk.name)}")]
        if not self.has_index_for(before.table(op.table), fk):
            # MySQL made an index named after the foreign key when it was added; it goes with it
            out.append(self.alter_table(op.table, f"DROP INDEX {self.quote(fk.name)}"))
        return out

    def has_index_for(self, table: Table, fk: ForeignKey) -> bool:
        """True when a PK, unique or index of ``table`` starts with the foreign key's columns, so
        MySQL used it instead of creating an index of its own."""
        keys = [u.columns for u in table.uniques] + [i.columns for i in table.indexes]
        if table.primary_key:
            keys.append(table.primary_key.columns)
        return any(_leads_with(k, fk.columns) for k in keys)

    @renders(AddEnumValue)
    def render_add_enum_value(self, op: AddEnumValue, before: Schema, after: Schema) -> list[str]:
        return self.modify_enum_columns(op.name, after)

    @renders(DropEnumValue)
    def render_drop_enum_value(self, op: DropEnumValue, before: Schema, after: Schema) -> list[str]:
        return self.modify_enum_columns(op.name, after)

    def modify_enum_columns(self, enum: str, schema: Schema) -> list[str]:
        return [self.modify_column(t.name, c.name, schema)
                for t in schema.tables for c in t.columns
                if c.type.name == "enum" and c.type.enum == enum]

    # == What the database does with the DDL it runs (Dialect's group of the same name; issue #11) ========
    # TIMESTAMP is stored in UTC and shown in the session's time zone
    type_spellings: ClassVar[dict[str, str]] = {"timestamp": "timestamptz"}
    keeps_unsigned = True
    keeps_collation = True
    serial_integer = "bigint"  # SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
    tinyint1_is_boolean = True
    json_is_checked_text = True  # MariaDB's JSON is LONGTEXT + CHECK (json_valid(col))
    indexes_foreign_keys = True  # migrations drop that index after the key: it is not in the model
    varchar_needs_length = True
    bare_decimal_size = (10, 0)
    real_is_double = True  # unless the server's sql_mode has REAL_AS_FLOAT
    binary_keeps_length = True
    keeps_primary_key_name = False  # every primary key is PRIMARY

    def unnamed_constraint_name(self, kind: str, table: str, columns: Sequence[str], taken: Iterable[str],
                                column_check: str | None = None) -> str:
        """A UNIQUE key or an index is named after its first column (``c``, ``c_2``...; an expression's:
        ``functional_index``), a foreign key
        ``<table>_ibfk_<n>`` (one more than the highest n), a table CHECK ``CONSTRAINT_<n>`` (MariaDB) and
        a column's inline CHECK after the column."""
        taken = set(taken)
        if kind == "ix" and columns[0].startswith("("):
            return fresh_name("functional_index", taken, "_", 2)
        if kind in ("uq", "ix"):
            return fresh_name(columns[0], taken, "_", 2)
        if kind == "fk":
            numbers = [int(m.group(1)) for n in taken if n.startswith(table) and (m := _OWN_FOREIGN_KEY.search(n))]
            return f"{table}_ibfk_{max(numbers, default=0) + 1}"
        if kind == "ck":
            if column_check is not None:
                return column_check
            numbers = [int(m.group(1)) for n in taken if (m := _NUMBERED_CHECK.match(n))]
            return f"CONSTRAINT_{max(numbers, default=0) + 1}"
        return super().unnamed_constraint_name(kind, table, columns, taken, column_check)

    def constraint_name_after_rename(self, name: str, old: str, new: str, made_up: bool) -> str:
        """MySQL renames the ``<table>_ibfk_<n>`` foreign keys with their table, however they were named."""
        if _OWN_FOREIGN_KEY.search(name) and name.startswith(f"{old}_ibfk_"):
            return new + name[len(old):]
        return super().constraint_name_after_rename(name, old, new, made_up)

    def without_column(self, table: Table, column: str) -> Table:
        """MySQL takes the column out of multi-column keys and indexes instead of dropping them."""
        def shrink(cols: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(c for c in cols if c != column)

        pk = table.primary_key
        if pk is not None and column in pk.columns:
            pk = replace(pk, columns=shrink(pk.columns)) if shrink(pk.columns) else None
        return replace(
            table,
            columns=tuple(c for c in table.columns if c.name != column),
            primary_key=pk,
            uniques=tuple(replace(u, columns=shrink(u.columns)) for u in table.uniques if shrink(u.columns)),
            indexes=tuple(replace(i, columns=shrink(i.columns)) for i in table.indexes
                          if shrink(i.columns) and not (i.where and mentions_column(i.where, column))),
            foreign_keys=tuple(f for f in table.foreign_keys if column not in f.columns),
            checks=tuple(c for c in table.checks if not mentions_column(c.expression, column)),
        )

    def final_form(self, schema: Schema) -> Schema:
        """Each ENUM column has its own enum type named ``<table>_<column>`` (unused ones vanish), and
        the index MySQL keeps for a foreign key under the key's own name is part of the key, not a
        separate index."""
        enums: dict[str, EnumType] = {}
        tables = []
        for t in schema.tables:
            columns = []
            for c in t.columns:
                if c.type.name == "enum" and c.type.enum and schema.has_enum(c.type.enum):
                    name = f"{t.name}_{c.name}"
                    enums[name] = EnumType(name, schema.enum(c.type.enum).values)
                    c = replace(c, type=replace(c.type, enum=name))
                columns.append(c)
            fks = {f.name: f.columns for f in t.foreign_keys}
            indexes = tuple(i for i in t.indexes if not (
                i.name in fks and not i.unique and i.columns[:len(fks[i.name])] == fks[i.name]))
            tables.append(replace(t, columns=tuple(columns), indexes=indexes))
        return Schema(tables=tuple(tables), enums=tuple(enums.values()))


DIALECT = MySQL()
