"""The ``op.*`` calls of an Alembic replay on indexes and constraints.

``op.create_index`` / ``op.drop_index``, ``op.create_unique_constraint``, ``op.create_primary_key``,
``op.create_foreign_key``, ``op.create_check_constraint`` and ``op.drop_constraint``. New constraints
are named as SQLAlchemy and the database name them (the naming convention, else the database's own
name: ``Dialect.unnamed_constraint_name``); MySQL's index on every foreign key is kept as MySQL keeps it.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from ...expressions import columns_in
from ...operations import (
    AddCheck,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnNullability,
    DropCheck,
    DropForeignKey,
    DropIndex,
    DropUnique,
    SetPrimaryKey,
)
from ...schema import Index, PrimaryKey, Table
from ..sqlalchemy import (
    CheckSpec,
    ColumnSpec,
    ForeignKeySpec,
    IndexSpec,
    PrimaryKeySpec,
    TableSpec,
    TypeSpec,
    UniqueSpec,
    fk_action,
    read_index,
)
from .replay_state import Batch, ReplayState


class ConstraintCalls(ReplayState):
    """``op.*`` calls on indexes and constraints (also as ``batch_op.*`` inside a batch block)."""

    def create_index(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = ["index_name", "columns"] if table_name is not None else ["index_name", "table_name", "columns"]
        args = self._args(call, names, {"schema", "unique", "if_not_exists", "postgresql_where", "postgresql_using",
                                        "sqlite_where", "postgresql_concurrently", "mysql_using", "mariadb_using",
                                        "quote", "info", "postgresql_ops"}, "create_index")
        table_name = table_name or self._str(args.get("table_name"), "create_index table name", call)
        table = self.table(table_name, call)
        name_node = args.get("index_name")
        columns_node = args.get("columns")
        if columns_node is None:
            raise self.error("create_index without columns", call)
        elements = columns_node.elts if isinstance(columns_node, (ast.List, ast.Tuple)) else [columns_node]
        fake = ast.Call(func=ast.Name("Index"), args=[name_node or ast.Constant(None), *elements],
                        keywords=[k for k in call.keywords if k.arg in ("unique", f"{self.dialect}_where",
                                                                        f"{self.dialect}_using", "postgresql_ops")],
                        lineno=call.lineno, col_offset=call.col_offset)
        spec = self._index_spec(fake)
        if spec.name is not None and any(i.name == spec.name for i in table.indexes):
            if self._if_not_exists(args):
                return
            raise self.conflict(f"create_index: index {spec.name!r} already exists on {table.name}", call)
        for c in spec.columns:
            if not c.startswith("("):
                self.column(table, c, call)
        built, _ = self._build(_table_spec_of(table, [spec], self.path, self.convention), existing=table)
        self.apply(AddIndex(table.name, built.indexes[-1]))

    def _index_spec(self, fake: ast.Call) -> IndexSpec:
        return read_index(self.reader, fake, self.scope, "create_index")

    def _if_not_exists(self, args: dict) -> bool:
        node = args.get("if_not_exists")
        return bool(node is not None and self.reader.literal(node, self.scope, "if_not_exists"))

    def drop_index(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = ["index_name"] if table_name is not None else ["index_name", "table_name"]
        args = self._args(call, names, {"schema", "if_exists", "postgresql_concurrently", "info"}, "drop_index")
        name = self._str(args.get("index_name"), "drop_index index name", call)
        table_name = table_name or (self._str(args["table_name"], "drop_index table name", call)
                                    if args.get("table_name") is not None else None)
        tables = [self.table(table_name, call)] if table_name else list(self.schema.tables)
        for t in tables:
            index = next((i for i in t.indexes if i.name == name), None)
            if index is not None:
                if self.database.indexes_foreign_keys:
                    _check_fk_index(self, t, index.name, call)
                self.apply(DropIndex(t.name, index))
                return
            if self.database.unique_index_is_constraint:  # a unique key is an index there
                unique = next((u for u in t.uniques if u.name == name), None)
                if unique is not None:
                    self.apply(DropUnique(t.name, unique))
                    return
        if args.get("if_exists") is not None and self.reader.literal(args["if_exists"], self.scope, "if_exists"):
            return
        raise self.conflict(f"drop_index: no index {name!r}{' on ' + table_name if table_name else ''}", call)

    def _constraint_op_needs_batch(self, what: str, call: ast.AST, batch: Batch | None) -> None:
        if not self.database.alters_in_place and batch is None:
            raise self.error(f"op.{what}() fails on SQLite: Alembic refuses 'ALTER of constraints in SQLite' "
                             "(use batch_alter_table)", call)

    def create_unique_constraint(self, call: ast.Call, table_name: str | None = None,
                                 batch: Batch | None = None) -> None:
        names = ["constraint_name", "columns"] if table_name else ["constraint_name", "table_name", "columns"]
        args = self._args(call, names, {"schema", "deferrable", "initially", "info"}, "create_unique_constraint")
        self._constraint_op_needs_batch("create_unique_constraint", call, batch)
        self._not_deferrable(args, call)
        table_name = table_name or self._str(args.get("table_name"), "table name", call)
        table = self.table(table_name, call)
        name, conv = self._name(args.get("constraint_name"), "constraint name")
        columns = self._columns(args.get("columns"), "columns", call)
        for c in columns:
            self.column(table, c, call)
        built, _ = self._build(_table_spec_of(table, [UniqueSpec(columns, name, conv)], self.path, self.convention),
                               existing=table)
        self.apply(AddUnique(table.name, built.uniques[-1]))

    def create_primary_key(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = ["constraint_name", "columns"] if table_name else ["constraint_name", "table_name", "columns"]
        args = self._args(call, names, {"schema"}, "create_primary_key")
        self._constraint_op_needs_batch("create_primary_key", call, batch)
        table_name = table_name or self._str(args.get("table_name"), "table name", call)
        table = self.table(table_name, call)
        if table.primary_key is not None:
            raise self.conflict(f"create_primary_key: table {table.name} already has a primary key", call)
        name, conv = self._name(args.get("constraint_name"), "constraint name")
        columns = self._columns(args.get("columns"), "columns", call)
        for c in columns:
            self.column(table, c, call)
        built, _ = self._build(_table_spec_of(table, [PrimaryKeySpec(columns, name, conv)], self.path,
                                              self.convention), existing=table)
        pk = built.primary_key
        assert pk is not None
        self.apply(SetPrimaryKey(table.name, None, PrimaryKey(pk.columns, pk.name)))
        for c in columns:
            col = self.schema.table(table.name).column(c)
            if col.nullable:
                self.apply(AlterColumnNullability(table.name, c, False))

    def create_foreign_key(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = (["constraint_name", "referent_table", "local_cols", "remote_cols"] if table_name else
                 ["constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"])
        args = self._args(call, names, {"onupdate", "ondelete", "deferrable", "initially", "match", "source_schema",
                                        "referent_schema", "use_alter", "info"}, "create_foreign_key")
        self._constraint_op_needs_batch("create_foreign_key", call, batch)
        self._not_deferrable(args, call)
        for key in ("source_schema", "referent_schema"):
            if args.get(key) is not None and self.reader.literal(args[key], self.scope, key) is not None:
                raise self.error(f"{key}= is not supported", call)
        table_name = table_name or self._str(args.get("source_table"), "source table", call)
        table = self.table(table_name, call)
        referent = self._str(args.get("referent_table"), "referent table", call)
        if referent != table.name:
            self.table(referent, call)
        name, conv = self._name(args.get("constraint_name"), "constraint name")
        local = self._columns(args.get("local_cols"), "local_cols", call)
        remote = self._columns(args.get("remote_cols"), "remote_cols", call)
        if len(local) != len(remote):
            raise self.error("create_foreign_key: local_cols and remote_cols differ in length", call)
        for c in local:
            self.column(table, c, call)
        fk = ForeignKeySpec(local, tuple((referent, c) for c in remote), name, conv,
                            fk_action(self.reader, args.get("ondelete"), self.scope, "ondelete"),
                            fk_action(self.reader, args.get("onupdate"), self.scope, "onupdate"), call.lineno)
        built, _ = self._build(_table_spec_of(table, [fk], self.path, self.convention), existing=table)
        self.apply(AddForeignKey(table.name, built.foreign_keys[-1]))
        if self.database.indexes_foreign_keys:
            self._adopt_fk_index(table.name, built.foreign_keys[-1])

    def _adopt_fk_index(self, table_name: str, fk) -> None:
        """The index a dropped foreign key left (``_keep_fk_index``) backs the key made again on its columns:
        MySQL takes it as the key's own, and it is the key's index again, not one of the model's (as the
        database is read: ``sources.introspect_mysql``, named after the key or its first column)."""
        table = self.schema.table(table_name)
        own = next((i for i in table.indexes if i.columns == fk.columns and not i.unique
                    and i.name in (fk.name, fk.columns[0])), None)
        if own is not None:
            self.schema = self.schema.with_table(replace(table, indexes=tuple(i for i in table.indexes if i is not own)))

    def create_check_constraint(self, call: ast.Call, table_name: str | None = None,
                                batch: Batch | None = None) -> None:
        names = ["constraint_name", "condition"] if table_name else ["constraint_name", "table_name", "condition"]
        args = self._args(call, names, {"schema", "deferrable", "initially", "info"}, "create_check_constraint")
        self._constraint_op_needs_batch("create_check_constraint", call, batch)
        self._not_deferrable(args, call)
        table_name = table_name or self._str(args.get("table_name"), "table name", call)
        table = self.table(table_name, call)
        name, conv = self._name(args.get("constraint_name"), "constraint name")
        condition = args.get("condition")
        if condition is None:
            raise self.error("create_check_constraint without a condition", call)
        sql = self.reader.sql_text(condition, self.scope, "condition")
        canonical = self.reader.canonical(sql, condition, self.scope)
        check = CheckSpec(canonical, name, conv, tuple(sorted(columns_in(canonical))))
        built, _ = self._build(_table_spec_of(table, [check], self.path, self.convention), existing=table)
        self.apply(AddCheck(table.name, built.checks[-1]))

    def _keep_fk_index(self, table: Table, fk) -> None:
        """The database made an index for the foreign key when nothing covered its columns (MySQL: named
        after the constraint, or as an unnamed key when the constraint was unnamed); it outlives the key."""
        n = len(fk.columns)
        covering = [i.columns for i in table.indexes] + [u.columns for u in table.uniques]
        if table.primary_key is not None:
            covering.append(table.primary_key.columns)
        if any(tuple(c[:n]) == fk.columns for c in covering):
            return
        if (table.name, fk.name) in self.reader.auto_named:
            index_name = self.database.unnamed_constraint_name("uq", table.name, fk.columns, table.constraint_names())
        else:
            index_name = fk.name
        self.apply(AddIndex(table.name, Index(index_name, fk.columns)))

    def _not_deferrable(self, args: dict, call: ast.AST) -> None:
        for key in ("deferrable", "initially", "match"):
            if args.get(key) is not None and self.reader.literal(args[key], self.scope, key) is not None:
                raise self.error(f"{key}= is not supported", call)

    def drop_constraint(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = ["constraint_name", "type_"] if table_name else ["constraint_name", "table_name", "type_"]
        args = self._args(call, names, {"schema", "if_exists"}, "drop_constraint")
        self._constraint_op_needs_batch("drop_constraint", call, batch)
        table_name = table_name or self._str(args.get("table_name"), "table name", call)
        table = self.table(table_name, call)
        name = self._str(args.get("constraint_name"), "constraint name", call)
        kind = self.reader.literal(args["type_"], self.scope, "type_") if args.get("type_") is not None else None
        if kind not in (None, "foreignkey", "unique", "check", "primary"):
            raise self.error(f"drop_constraint type_={kind!r} is not foreignkey, unique, check or primary", call)
        if kind in (None, "foreignkey"):
            fk = next((f for f in table.foreign_keys if f.name == name), None)
            if fk is not None:
                self.apply(DropForeignKey(table.name, fk))
                if self.database.indexes_foreign_keys:
                    self._keep_fk_index(table, fk)
                return
        if kind in (None, "unique"):
            unique = next((u for u in table.uniques if u.name == name), None)
            if unique is not None:
                self.apply(DropUnique(table.name, unique))
                return
            index = next((i for i in table.indexes if i.name == name and i.unique), None)
            if index is not None and self.database.unique_index_is_constraint:
                self.apply(DropIndex(table.name, index))
                return
        if kind in (None, "check"):
            check = next((c for c in table.checks if c.name == name), None)
            if check is not None:
                self.apply(DropCheck(table.name, check))
                return
        if kind in (None, "primary") and table.primary_key is not None and (
                table.primary_key.name == name or kind == "primary"):
            self.apply(SetPrimaryKey(table.name, table.primary_key, None))
            return
        if args.get("if_exists") is not None and self.reader.literal(args["if_exists"], self.scope, "if_exists"):
            return
        raise self.conflict(f"drop_constraint: table {table.name} has no {kind + ' ' if kind else ''}constraint named {name!r} "
                         f"(it has: {', '.join(sorted(table.constraint_names())) or 'none'})", call)


def _check_fk_index(state: ReplayState, table: Table, index: str, call: ast.AST) -> None:
    """MySQL keeps an index on every foreign key's columns (it drops the one it made itself once a user
    index covers them): dropping the last covering index fails with error 1553."""
    others = [i.columns for i in table.indexes if i.name != index] + [u.columns for u in table.uniques]
    if table.primary_key is not None:
        others.append(table.primary_key.columns)
    mine = next(i.columns for i in table.indexes if i.name == index)
    for fk in table.foreign_keys:
        n = len(fk.columns)
        if tuple(mine[:n]) == fk.columns and not any(tuple(o[:n]) == fk.columns for o in others):
            raise state.error(f"drop_index({index!r}) fails on MySQL: the index is needed in the foreign key "
                              f"constraint {fk.name} (error 1553)", call)


def _table_spec_of(table: Table, items: list, path: Path, convention: dict[str, str]) -> TableSpec:
    """A TableSpec of an existing table (its columns, typed) plus new items, to name and build those
    items by the same rules as everywhere else (only the new items are taken from the result)."""
    columns = [ColumnSpec(name=c.name, key=None, type=TypeSpec(c.type), line=0, path=path, nullable=c.nullable,
                          autoincrement=False)
               for c in table.columns]
    return TableSpec(table.name, columns, items, path, 0, convention)
