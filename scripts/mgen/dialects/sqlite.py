"""SQLite: native ALTER where SQLite has it, otherwise the table rebuild that keeps every row."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from .. import keywords
from ..expressions import columns_in
from ..naming import primary_key_name
from ..operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddUnique,
    AlterColumnDefault,
    AlterColumnGenerated,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropTable,
    DropUnique,
    Operation,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
    additions_on,
)
from ..schema import Column, ColumnType, Default, Schema, Table
from .base import Dialect, Unsupported, renders

_SIMPLE_TYPES = {
    "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT", "real": "REAL",
    "double": "DOUBLE PRECISION", "boolean": "BOOLEAN", "text": "TEXT", "date": "DATE", "uuid": "UUID",
    "json": "JSON", "jsonb": "JSONB", "binary": "BLOB", "enum": "TEXT",
}
_INTEGERS = frozenset({"smallint", "integer", "bigint"})
# SQLite takes these bare after DEFAULT; any other expression must be in parentheses.
_BARE_DEFAULTS = frozenset({"CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"})
REBUILD_PREFIX = "new__"


def _fraction(t: ColumnType) -> str:
    return f"({t.precision})" if t.precision is not None else ""


def _table_uses_column(before: Schema, table: Table, column: str) -> bool:
    """True when a key, index, check, foreign key (here or pointing here) or generated column involves
    ``column``: ALTER TABLE DROP COLUMN refuses it."""
    if (table.primary_key and column in table.primary_key.columns) or additions_on(table, column):
        return True
    if any(c.generated and column in columns_in(c.generated.expression) for c in table.columns):
        return True
    return any(f.ref_table == table.name and column in f.ref_columns for other in before.tables
               for f in other.foreign_keys)


def _add_column_needs_rebuild(op: AddColumn, before: Schema, after: Schema) -> bool:
    # ALTER TABLE ADD COLUMN takes no key, no expression default, and NOT NULL only with a default
    c = op.column
    t = after.table(op.table)
    in_key = (t.primary_key is not None and c.name in t.primary_key.columns) or any(
        c.name in u.columns for u in t.uniques)
    default_ok = c.default is None or c.default.kind != "expression"
    has_value = c.default is not None and c.default.kind != "null"
    stored = c.generated is not None and c.generated.stored  # "cannot add a STORED column"
    return in_key or bool(c.identity) or not default_ok or (not c.nullable and not has_value) or stored


def _drop_column_needs_rebuild(op: DropColumn, before: Schema, after: Schema) -> bool:
    return _table_uses_column(before, before.table(op.table), op.column.name)


def _always(op: Operation, before: Schema, after: Schema) -> bool:
    return True


# Operations SQLite's ALTER TABLE cannot do, and when: they rebuild the table.
REBUILDS: dict[type, Callable[..., bool]] = {
    AddColumn: _add_column_needs_rebuild,
    DropColumn: _drop_column_needs_rebuild,
    AlterColumnType: _always,
    AlterColumnNullability: _always,
    AlterColumnDefault: _always,
    AlterColumnIdentity: _always,
    AlterColumnGenerated: _always,
    AddUnique: _always,
    DropUnique: _always,
    AddForeignKey: _always,
    DropForeignKey: _always,
    AddCheck: _always,
    DropCheck: _always,
    SetPrimaryKey: _always,
}


class SQLite(Dialect):
    name = "sqlite"
    supports_comments = False
    supports_partial_indexes = True
    supports_index_methods = False
    enum_style = "text"
    transactional_ddl = True
    max_identifier = 63
    identifier_limit = None
    # a table and an index cannot share a name; constraint names are not checked
    name_scopes: ClassVar[dict[str, tuple[str, ...]]] = {"table": ("schema:relation",),
                                                         "index": ("schema:relation",)}
    non_finite_defaults = None
    quote_char = '"'
    reserved_words = keywords.SQLITE

    # -- types and defaults ----------------------------------------------------------------------------
    def type_sql(self, ctype: ColumnType, schema: Schema, column: Column | None = None) -> str:
        self.no_array(ctype)
        if ctype.name in _SIMPLE_TYPES:
            return _SIMPLE_TYPES[ctype.name]
        return getattr(self, f"type_{ctype.name}")(ctype)

    def type_numeric(self, t: ColumnType) -> str:
        return f"NUMERIC({t.precision},{t.scale or 0})" if t.precision is not None else "NUMERIC"

    def type_char(self, t: ColumnType) -> str:
        return f"CHAR({t.length})" if t.length is not None else "CHAR"

    def type_varchar(self, t: ColumnType) -> str:
        return f"VARCHAR({t.length})" if t.length is not None else "VARCHAR"

    def type_time(self, t: ColumnType) -> str:
        return "TIME" + _fraction(t)

    def type_timestamp(self, t: ColumnType) -> str:
        return "TIMESTAMP" + _fraction(t)

    def type_timestamptz(self, t: ColumnType) -> str:
        return "TIMESTAMPTZ" + _fraction(t)

    def default_expression(self, default: Default, column: Column) -> str:
        text = self.expression_sql(default.value)
        return text if text.upper() in _BARE_DEFAULTS else f"({text})"

    # -- columns: an identity column is SQLite's INTEGER PRIMARY KEY AUTOINCREMENT --------------------
    def inline_primary_key(self, table: Table) -> bool:
        pk = table.primary_key
        if pk is None or len(pk.columns) != 1:
            return False
        column = table.column(pk.columns[0])
        return bool(column.identity) and column.type.name in _INTEGERS

    def column_sql(self, column: Column, table: Table, schema: Schema) -> str:
        if not column.identity:
            return super().column_sql(column, table, schema)
        if not (self.inline_primary_key(table) and table.primary_key.columns[0] == column.name):
            raise Unsupported(f"sqlite auto-increments only a single-column INTEGER PRIMARY KEY "
                              f"({table.name}.{column.name})")
        name = table.primary_key.name or primary_key_name(table.name)
        return f"{self.quote(column.name)} INTEGER CONSTRAINT {self.quote(name)} PRIMARY KEY AUTOINCREMENT"

    # -- the table rebuild ---------------------------------------------------------------------------
    def rebuild_table(self, name: str, before: Schema, after: Schema) -> list[str]:
        """SQLite's documented 12-step ALTER: a new table, the rows copied by column name, the old
        table dropped, the new one renamed, its indexes recreated. Foreign keys are off meanwhile so
        that rows of other tables referencing this one stay."""
        old, new = before.table(name), after.table(name)
        temp = REBUILD_PREFIX + name
        # generated columns take no values: the new table computes them
        common = [c.name for c in new.columns if old.has_column(c.name) and c.generated is None]
        out = ["PRAGMA foreign_keys=OFF", self.create_table_sql(new, after, name=temp)]
        if common:
            cols = self.columns_sql(common)
            out.append(f"INSERT INTO {self.quote(temp)} ({cols}) SELECT {cols} FROM {self.quote(name)}")
        out += [f"DROP TABLE {self.quote(name)}",
                f"ALTER TABLE {self.quote(temp)} RENAME TO {self.quote(name)}"]
        out += [self.create_index_sql(name, i) for i in new.indexes]
        out.append("PRAGMA foreign_keys=ON")
        return out

    def needs_rebuild(self, op: Operation, before: Schema, after: Schema) -> bool:
        test = REBUILDS.get(type(op))
        return test is not None and test(op, before, after)

    def refuse_inexpressible(self, op: Operation) -> None:
        """Raise Unsupported for what a rebuild would carry out but not as asked: a rebuilt table
        checks every row against its constraints (there is no NOT VALID), and an index does not
        turn into a constraint (USING INDEX is PostgreSQL's)."""
        if isinstance(op, AddUnique) and op.using_index is not None:
            raise Unsupported(f"sqlite cannot make unique index {op.using_index.name} a constraint "
                              "(ADD CONSTRAINT ... USING INDEX is PostgreSQL's)")
        if isinstance(op, AddCheck):
            self.not_valid_sql(op.check.validated, f"check {op.check.name}")
        if isinstance(op, AddForeignKey):
            self.not_valid_sql(op.foreign_key.validated, f"foreign key {op.foreign_key.name}")

    def render_ops(self, ops: Sequence[Operation], schema: Schema) -> list[str]:
        """Consecutive operations that each rebuild the same table rebuild it once, from the state
        before the first to the state after the last (columns are carried over by name)."""
        out: list[str] = []
        group: tuple[str, Schema] | None = None  # (table, schema before the group)
        for op in ops:
            self.refuse_inexpressible(op)
            after = op.apply(schema)
            # an ADD/DROP COLUMN right after a rebuild of its table rides along in that rebuild
            joins_group = group is not None and group[0] == op.table and type(op) in REBUILDS
            if joins_group or self.needs_rebuild(op, schema, after):
                if group is not None and group[0] != op.table:
                    out.extend(self.rebuild_table(group[0], group[1], schema))
                    group = None
                if group is None:
                    group = (op.table, schema)
            else:
                if group is not None:
                    out.extend(self.rebuild_table(group[0], group[1], schema))
                    group = None
                out.extend(self.render_op(op, schema, after))
            schema = after
        if group is not None:
            out.extend(self.rebuild_table(group[0], group[1], schema))
        return out

    # -- renderers that differ -------------------------------------------------------------------------
    @renders(DropTable)
    def render_drop_table(self, op: DropTable, before: Schema, after: Schema) -> list[str]:
        drop = f"DROP TABLE {self.quote(op.table_def.name)}"
        referenced = any(f.ref_table == op.table_def.name for t in after.tables for f in t.foreign_keys)
        # with foreign keys on, dropping a parent deletes its rows first: children would cascade
        return ["PRAGMA foreign_keys=OFF", drop, "PRAGMA foreign_keys=ON"] if referenced else [drop]

    # Each of these rebuilds the table (render_ops coalesces neighbours into one rebuild).
    @renders(AddColumn)
    def render_add_column(self, op: AddColumn, before: Schema, after: Schema) -> list[str]:
        if _add_column_needs_rebuild(op, before, after):
            return self.rebuild_table(op.table, before, after)
        return super().render_add_column(op, before, after)

    @renders(DropColumn)
    def render_drop_column(self, op: DropColumn, before: Schema, after: Schema) -> list[str]:
        if _drop_column_needs_rebuild(op, before, after):
            return self.rebuild_table(op.table, before, after)
        return super().render_drop_column(op, before, after)

    @renders(AlterColumnType)
    def render_alter_column_type(self, op: AlterColumnType, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(AlterColumnNullability)
    def render_alter_column_nullability(self, op: AlterColumnNullability, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(AlterColumnDefault)
    def render_alter_column_default(self, op: AlterColumnDefault, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(AlterColumnIdentity)
    def render_alter_column_identity(self, op: AlterColumnIdentity, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(AlterColumnGenerated)
    def render_alter_column_generated(self, op: AlterColumnGenerated, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(AddUnique)
    def render_add_unique(self, op: AddUnique, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(DropUnique)
    def render_drop_unique(self, op: DropUnique, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(AddForeignKey)
    def render_add_foreign_key(self, op: AddForeignKey, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(DropForeignKey)
    def render_drop_foreign_key(self, op: DropForeignKey, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(AddCheck)
    def render_add_check(self, op: AddCheck, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(DropCheck)
    def render_drop_check(self, op: DropCheck, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(SetPrimaryKey)
    def render_set_primary_key(self, op: SetPrimaryKey, before: Schema, after: Schema) -> list[str]:
        return self.rebuild_table(op.table, before, after)

    @renders(SetTableComment)
    def render_set_table_comment(self, op: SetTableComment, before: Schema, after: Schema) -> list[str]:
        return []

    @renders(SetColumnComment)
    def render_set_column_comment(self, op: SetColumnComment, before: Schema, after: Schema) -> list[str]:
        return []

    # == What the database does with the DDL it runs (Dialect's group of the same name; issue #11) ========
    keeps_constraint_names = False  # it stores no name for an unnamed constraint: it derives one
    autoincrement_in_composite_key = False  # AUTOINCREMENT is the single INTEGER PRIMARY KEY's
    drops_referenced_tables = True  # it checks the rows only, and only with PRAGMA foreign_keys=ON
    alters_in_place = False  # everything else is the table rebuild (render_ops)

    def is_internal_table(self, name: str) -> bool:
        return name.startswith("sqlite_")  # sqlite_sequence, sqlite_stat1, ...


DIALECT = SQLite()
