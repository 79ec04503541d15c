"""The ``op.*`` calls of an Alembic replay that create, change and drop tables and columns.

``op.create_table``, ``op.drop_table``, ``op.rename_table``, the table comments, ``op.add_column``,
``op.drop_column`` and ``op.alter_column``, each applied to the replayed schema as the dialect does it:
MySQL's ``alter_column`` re-specifies the whole column (``MODIFY``/``CHANGE``), PostgreSQL's
``add_column`` does not create an enum type, SQLite outside a batch refuses what its ALTER cannot do.
"""
from __future__ import annotations

import ast
from dataclasses import replace

from ... import naming
from ...expressions import columns_in
from ...operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    CreateTable,
    DropColumn,
    DropTable,
    RenameColumn,
    RenameTable,
    SetColumnComment,
    SetTableComment,
)
from ...schema import Column, EnumType, ForeignKey, Table
from ..pyast import text_of
from ..sqlalchemy import ColumnSpec, TableSpec, TypeSpec, read_column, read_table_call, read_type, server_default
from .replay_state import Batch, ReplayState, recreates


class TableCalls(ReplayState):
    """``op.*`` calls on tables and columns (also as ``batch_op.*`` inside a batch block)."""

    # -- tables --------------------------------------------------------------------------------------
    def create_table(self, call: ast.Call) -> None:
        call = self._without_use_alter(call)
        spec = read_table_call(self.reader, call, self.scope, self.convention, with_metadata=False)
        if self.schema.has_table(spec.name):
            raise self.error(f"table {spec.name!r} already exists", call)
        for c in spec.columns:
            if c.type is None:
                raise self.error(f"column {c.name} has no type (Alembic's create_table needs one)", call)
        table, enums = self._build(spec)
        existing = {c.type.enum.name for c in spec.columns
                    if c.type is not None and c.type.enum is not None and not c.type.create_type}
        for e in enums:  # the Enum types' before_create event creates them (checkfirst=False)
            if e.name in existing:
                if self.database.enum_style == "type" and not self.schema.has_enum(e.name):
                    raise self.error(f"create_table({spec.name!r}): enum type {e.name!r} does not exist "
                                     "(postgresql.ENUM(create_type=False) does not create it)", call)
                continue
            self._create_enum(e, call, on_create_table=True)
        self.apply(CreateTable(table))

    def _without_use_alter(self, call: ast.Call) -> ast.Call:
        """SQLAlchemy's CREATE TABLE leaves out foreign keys with ``use_alter=True`` where the database has
        ALTER (PostgreSQL, MySQL), and ``op.create_table`` does not add them afterwards: they are not made."""
        if self.dialect == "sqlite":
            return self._forward_foreign_keys(call)

        def use_alter(node: ast.expr) -> bool:
            if not isinstance(node, ast.Call) or self.reader.callee(node, self.scope)[0] not in (
                    "ForeignKeyConstraint", "ForeignKey"):
                return False
            flag = next((k.value for k in node.keywords if k.arg == "use_alter"), None)
            return flag is not None and self.reader.literal(flag, self.scope, "use_alter") is True

        def kept(args: list[ast.expr]) -> list[ast.expr]:
            out = []
            for a in args:
                if use_alter(a):
                    self.note(f"{text_of(a)[:80]}: use_alter=True, so SQLAlchemy leaves it out of CREATE TABLE on "
                              f"{self.dialect} and op.create_table does not add it", a)
                    continue
                if isinstance(a, ast.Call) and self.reader.callee(a, self.scope)[0] == "Column" \
                        and any(use_alter(x) for x in a.args):
                    a = ast.copy_location(ast.Call(a.func, kept(a.args), a.keywords), a)
                out.append(a)
            return out

        args = kept(call.args)
        return call if len(args) == len(call.args) and all(x is y for x, y in zip(args, call.args)) else \
            ast.copy_location(ast.Call(call.func, args, call.keywords), call)

    def _forward_foreign_keys(self, call: ast.Call) -> ast.Call:
        """SQLite takes a foreign key to a table created later (flaskbb's first revision creates ``posts``
        before the ``topics`` it references): a ``ForeignKeyConstraint`` to a table that does not exist yet is
        set aside and added when the revision ends, if the table exists by then (an unnamed one, with no naming
        convention for it, under the name the database gives it, as it would have had inline)."""
        table_name = self.value(call.args[0]) if call.args else None
        args = []
        for a in call.args:
            fk = self._named_foreign_key(a) if isinstance(table_name, str) else None
            if fk is not None and fk.ref_table != table_name and not self.schema.has_table(fk.ref_table):
                self.pending_foreign_keys.append((table_name, fk, a))
                continue
            args.append(a)
        return call if len(args) == len(call.args) else ast.copy_location(ast.Call(call.func, args, call.keywords),
                                                                          call)

    def _named_foreign_key(self, node: ast.expr) -> ForeignKey | None:
        if not isinstance(node, ast.Call) or self.reader.callee(node, self.scope)[0] != "ForeignKeyConstraint" \
                or len(node.args) != 2:
            return None
        columns, refs = self.value(node.args[0]), self.value(node.args[1])
        kwargs = {k.arg: self.value(k.value) for k in node.keywords}
        if not isinstance(columns, (list, tuple)) or not isinstance(refs, (list, tuple)) or not refs \
                or not all(isinstance(r, str) and r.count(".") == 1 for r in refs) \
                or set(kwargs) - {"name", "ondelete", "onupdate", "use_alter"}:
            return None
        if not isinstance(kwargs.get("name"), str) and (kwargs.get("name") is not None or "fk" in self.convention):
            return None  # a name mgen would have to make up as the convention makes it: read inline, as before
        actions = {"ondelete": "NO ACTION", "onupdate": "NO ACTION"}
        for key in actions:
            if kwargs.get(key) is not None:
                if not isinstance(kwargs[key], str):
                    return None
                actions[key] = kwargs[key].upper()
        return ForeignKey(kwargs.get("name"), tuple(columns), refs[0].split(".")[0], tuple(r.split(".")[1] for r in refs),  # type: ignore[arg-type]
                          on_delete=actions["ondelete"], on_update=actions["onupdate"])  # type: ignore[arg-type]

    def add_pending_foreign_keys(self) -> None:
        """At the end of a revision: the foreign keys ``_forward_foreign_keys`` set aside."""
        pending, self.pending_foreign_keys = self.pending_foreign_keys, []
        for table, fk, node in pending:
            if not self.schema.has_table(fk.ref_table):
                raise self.error(f"table {table}: foreign key to {fk.ref_table!r}, which is not defined", node)
            if fk.name is None:  # created unnamed inline: the name the database gives it
                name = self.database.unnamed_constraint_name("fk", table, fk.columns,
                                                             self.schema.table(table).constraint_names())
                self.reader.auto_named.add((table, name))
                fk = replace(fk, name=name)
            self.apply(AddForeignKey(table, fk))

    def drop_table(self, call: ast.Call) -> None:
        args = self._args(call, ["table_name"], {"schema", "if_exists"}, "op.drop_table")
        name = self._str(args.get("table_name"), "op.drop_table table name", call)
        if not self.schema.has_table(name):
            if args.get("if_exists") is not None and self.reader.literal(args["if_exists"], self.scope, "if_exists"):
                return
            if name in self.vanished:  # in the baseline, not in the models: gone after this whatever it held
                self.vanished.discard(name)
                self.note(f"op.drop_table({name!r}): a table of the baseline the models no longer have; it is gone "
                          "after this revision whatever it held", call)
                return
            raise self.error(f"op.drop_table: table {name!r} does not exist", call)
        referencing = [t.name for t in self.schema.tables if t.name != name
                       and any(f.ref_table == name for f in t.foreign_keys)]
        if referencing and not self.database.drops_referenced_tables:
            raise self.error(f"op.drop_table({name!r}): table {referencing[0]} still has a foreign key to it", call)
        self.apply(DropTable(self.schema.table(name)))

    def rename_table(self, call: ast.Call) -> None:
        args = self._args(call, ["old_table_name", "new_table_name"], {"schema"}, "op.rename_table")
        old = self._str(args.get("old_table_name"), "old table name", call)
        new = self._str(args.get("new_table_name"), "new table name", call)
        self.table(old, call)
        if self.schema.has_table(new):
            raise self.error(f"op.rename_table: table {new!r} already exists", call)
        self.apply(RenameTable(old, new))
        self._rename_made_up_names(old, new)

    def _rename_made_up_names(self, old: str, new: str) -> None:
        """Names that follow the table's name: those ``Dialect.constraint_name_after_rename`` renames (MySQL's
        ``<old>_ibfk_<n>``, SQLite's made-up ones), and the primary key's where its name is not kept (MySQL)."""
        table = self.schema.table(new)
        auto = self.reader.auto_named
        mapping = {name: self.database.constraint_name_after_rename(name, old, new, (old, name) in auto)
                   for name in table.constraint_names()}
        for name, to in mapping.items():
            if (old, name) in auto:
                auto.discard((old, name))
                auto.add((new, to))

        def renamed(name: str) -> str:
            return mapping.get(name, name)

        pk = table.primary_key
        if pk is not None and pk.name:
            pk = replace(pk, name=renamed(pk.name) if self.database.keeps_primary_key_name
                         else naming.primary_key_name(new))
        self.schema = self.schema.with_table(replace(
            table,
            primary_key=pk,
            uniques=tuple(replace(u, name=renamed(u.name)) for u in table.uniques),
            foreign_keys=tuple(replace(f, name=renamed(f.name)) for f in table.foreign_keys),
            checks=tuple(replace(c, name=renamed(c.name)) for c in table.checks)))

    def table_comment(self, call: ast.Call, drop: bool = False, table_name: str | None = None) -> None:
        names = ["table_name", "comment"] if not drop else ["table_name"]
        if table_name is not None:
            names = names[1:]
        args = self._args(call, names, {"existing_comment", "schema"}, "table comment")
        name = table_name or self._str(args.get("table_name"), "table name", call)
        table = self.table(name, call)
        comment = None if drop else self.reader.literal(args["comment"], self.scope, "comment")
        if self.database.supports_comments:
            self.apply(SetTableComment(name, table.comment, comment))

    # -- columns -------------------------------------------------------------------------------------
    def _column_spec(self, node: ast.expr | None, what: str, call: ast.AST) -> ColumnSpec:
        if not isinstance(node, ast.Call) or self.reader.callee(node, self.scope)[0] != "Column":
            raise self.error(f"{what}: expected sa.Column(...)", node or call)
        spec = read_column(self.reader, node, self.scope)
        if spec.name is None:
            raise self.error(f"{what}: a Column without a name", node)
        if spec.type is None:
            raise self.error(f"{what}: column {spec.name} has no type", node)
        return spec

    def add_column(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = ["column"] if table_name is not None else ["table_name", "column"]
        allowed = {"schema", "if_not_exists", "inline_references", "inline_primary_key"}
        if batch is not None:
            allowed |= {"insert_before", "insert_after"}
        args = self._args(call, names, allowed, "add_column")
        table_name = table_name or self._str(args.get("table_name"), "add_column table name", call)
        table = self.table(table_name, call)
        col = self._column_spec(args.get("column"), "add_column", call)
        if table.has_column(col.name):  # type: ignore[arg-type]
            raise self.conflict(f"add_column: table {table.name!r} already has a column {col.name!r}", call)
        implied = bool(col.foreign_keys or col.unique and not col.index or col.checks)
        if not self.database.alters_in_place and batch is None and implied:
            raise self.error(f"op.add_column({table.name!r}, {col.name}) with a foreign key, unique or check "
                             "constraint fails on SQLite: Alembic refuses 'ALTER of constraints in SQLite' "
                             "(use batch_alter_table)", call)
        if self.impl.batch_rebuilds and batch is not None and recreates(self, batch) \
                and any(fk.name is None for fk in col.foreign_keys):
            raise self.error(f"add_column({col.name}) in a batch that rebuilds the table: Alembic needs the "
                             "foreign key named ('Constraint must have a name')", call)
        if col.primary_key and (batch is not None or self.dialect == "mysql" or args.get("inline_primary_key")):
            raise self.error(f"add_column: adding the primary key column {col.name!r} is not replayed here (only "
                             "outside a batch, without inline_primary_key, on PostgreSQL or SQLite)", call)
        spec = TableSpec(table.name, [col], [], self.path, call.lineno, self.convention)
        built, enums = self._build(spec, existing=table)
        for e in enums:
            if self.database.enum_style == "type" and not self.schema.has_enum(e.name):
                raise self.error(f"add_column({table.name!r}, {col.name}): enum type {e.name!r} does not exist, and "
                                 "Alembic's add_column does not create it (create it first: "
                                 f"sa.Enum(..., name={e.name!r}).create(op.get_bind()))", call)
            self._create_enum(e, call, on_create_table=False)
        column = built.columns[0]
        self.apply(AddColumn(table.name, column))
        position = args.get("insert_before") or args.get("insert_after")
        if position is not None:
            self._position_column(table.name, column.name, args, batch, call)
        for u in built.uniques:
            self.apply(AddUnique(table.name, u))
        for i in built.indexes:
            self.apply(AddIndex(table.name, i))
        for f in built.foreign_keys:
            self.apply(AddForeignKey(table.name, f))
        for c in built.checks:
            self.apply(AddCheck(table.name, c))

    def _position_column(self, table: str, column: str, args: dict, batch: Batch | None, call: ast.AST) -> None:
        if batch is None or not recreates(self, batch):
            raise self.error("insert_before/insert_after need the table rebuilt: Alembic refuses them with ALTER "
                             "(\"please specify recreate='always'\")", call)
        t = self.schema.table(table)
        anchor_node = args.get("insert_before") or args.get("insert_after")
        anchor = self._str(anchor_node, "insert_before/insert_after", call)
        self.column(t, anchor, call)
        cols = [c for c in t.columns if c.name != column]
        moved = t.column(column)
        at = [c.name for c in cols].index(anchor) + (0 if "insert_before" in args else 1)
        cols.insert(at, moved)
        self.schema = self.schema.with_table(replace(t, columns=tuple(cols)))

    def drop_column(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = ["column_name"] if table_name is not None else ["table_name", "column_name"]
        args = self._args(call, names, {"schema", "if_exists", "mssql_drop_check", "mssql_drop_default",
                                        "mssql_drop_foreign_key"}, "drop_column")
        table_name = table_name or self._str(args.get("table_name"), "drop_column table name", call)
        table = self.table(table_name, call)
        name = self._str(args.get("column_name"), "drop_column column name", call)
        self.column(table, name, call)
        if not self.database.alters_in_place and batch is None and _column_is_used(table, name):
            raise self.error(f"op.drop_column({table.name!r}, {name!r}): SQLite cannot drop a column that an index "
                             "or constraint uses (use batch_alter_table)", call)
        # recorded as DropColumn; the schema follows the database (on SQLite: the batch rebuild), which drops
        # what used the column too
        self.operations.append(DropColumn(table.name, table.column(name)))
        self.schema = self.database.schema_without_column(self.schema, table, name)

    _ALTER_ARGS = ("nullable", "comment", "server_default", "new_column_name", "type_", "existing_type",
                   "existing_server_default", "existing_nullable", "existing_comment", "schema",
                   "autoincrement", "existing_autoincrement", "postgresql_using")

    def alter_column(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None) -> None:
        names = ["column_name"] if table_name is not None else ["table_name", "column_name"]
        args = self._args(call, names, self._ALTER_ARGS, "alter_column")
        table_name = table_name or self._str(args.get("table_name"), "alter_column table name", call)
        table = self.table(table_name, call)
        name = self._str(args.get("column_name"), "alter_column column name", call)
        column = self.column(table, name, call)
        increment = self.reader.literal(args["autoincrement"], self.scope, "autoincrement") \
            if "autoincrement" in args else None
        # Alembic uses autoincrement= on MySQL only ("only make sense for MySQL", it warns elsewhere);
        # there, False on a column without AUTO_INCREMENT changes nothing
        in_key = table.primary_key is not None and name in table.primary_key.columns
        if increment is not None and (self.dialect == "mysql" and (increment or column.identity is not None)
                                      or self.dialect == "sqlite" and batch is not None and in_key):
            raise self.error("alter_column(autoincrement=...) is not replayed", call)
        new_type = self._type(args.get("type_"), "type_")
        nullable = self._optional_bool(args.get("nullable"), "nullable")
        default_node = args.get("server_default")
        change_default = default_node is not None and not _is_false(default_node)
        comment_node = args.get("comment")
        change_comment = comment_node is not None and not _is_false(comment_node)
        new_name = self._str(args["new_column_name"], "new_column_name", call) if "new_column_name" in args else None
        changes_more_than_name = new_type is not None or nullable is not None or change_default or change_comment
        if not self.database.alters_in_place and batch is None and changes_more_than_name:
            raise self.error(f"op.alter_column({table.name!r}, {name!r}) fails on SQLite: Alembic emits ALTER COLUMN, "
                             "which SQLite does not have (use batch_alter_table)", call)
        target_type = new_type.type if new_type is not None else column.type
        if self.impl.alter_column_rewrites and self._mysql_rewrites(args, new_type, nullable, change_comment, new_name):
            column = self._mysql_modify(table, column, args, new_type, nullable, change_default, change_comment, call)
        else:
            if nullable is not None and nullable != column.nullable:
                self.apply(AlterColumnNullability(table.name, name, nullable))
            if change_default:
                default = server_default(self.reader, default_node, self.scope, target_type, "server_default")
                if default != column.default:
                    self.apply(AlterColumnDefault(table.name, name, column.default, default))
            if new_type is not None and new_type.type != column.type:
                new_type = self._enum_for(new_type, table.name, name, call)
                self.apply(AlterColumnType(table.name, name, column.type, new_type.type))
            if change_comment and self.database.supports_comments:
                comment = self.reader.literal(comment_node, self.scope, "comment")
                self.apply(SetColumnComment(table.name, name, column.comment, comment))
        if new_name is not None and new_name != name:
            self.apply(RenameColumn(table.name, name, new_name))

    def _mysql_rewrites(self, args: dict, new_type, nullable: bool | None, change_comment: bool,
                        new_name: str | None) -> bool:
        """Whether Alembic's MySQL alter_column writes the whole column (MODIFY/CHANGE) rather than
        ALTER ... SET DEFAULT: a rename, a nullability, type or comment change, or any change of a
        DateTime column whose server_default is not None (``_is_mysql_allowed_functional_default``)."""
        if new_name is not None or nullable is not None or new_type is not None or change_comment:
            return True
        default_node = args.get("server_default")
        if default_node is not None and isinstance(default_node, ast.Constant) and default_node.value is None:
            return False
        existing = self._type(args.get("existing_type"), "existing_type")
        return existing is not None and existing.type.name in ("timestamp", "timestamptz")

    def _mysql_modify(self, table: Table, column: Column, args: dict, new_type, nullable: bool | None,
                      change_default: bool, change_comment: bool, call: ast.Call) -> Column:
        """MySQL's ALTER TABLE ... MODIFY/CHANGE: the column is written out whole from the arguments
        (Alembic's MySQLImpl.alter_column), so what is not repeated is lost."""
        if new_type is None and "existing_type" not in args:
            raise self.error("alter_column on MySQL needs type_ or existing_type (Alembic writes the whole column)",
                             call)
        type_spec = new_type or self._type(args["existing_type"], "existing_type")
        if nullable is None:
            existing = self._optional_bool(args.get("existing_nullable"), "existing_nullable")
            nullable = True if existing is None else existing
        default_node = args.get("server_default") if change_default else args.get("existing_server_default")
        default = None
        if default_node is not None and not _is_false(default_node):
            default = server_default(self.reader, default_node, self.scope, type_spec.type, "server_default")
        comment_node = args.get("comment") if change_comment else args.get("existing_comment")
        comment = self.reader.literal(comment_node, self.scope, "comment") if comment_node is not None else None
        keeps_increment = self._optional_bool(args.get("existing_autoincrement"), "existing_autoincrement")
        name = column.name
        type_spec = self._enum_for(type_spec, table.name, name, call)
        if column.identity == "serial" and not keeps_increment:
            self.apply(AlterColumnIdentity(table.name, name, column.identity, None))
        if type_spec.type != column.type:
            self.apply(AlterColumnType(table.name, name, column.type, type_spec.type))
        if nullable != column.nullable:
            self.apply(AlterColumnNullability(table.name, name, nullable))
        if default != column.default:
            self.apply(AlterColumnDefault(table.name, name, column.default, default))
        if comment != column.comment:
            self.apply(SetColumnComment(table.name, name, column.comment, comment))
        return self.schema.table(table.name).column(name)

    def _enum_for(self, type_spec: TypeSpec, table: str, column: str, call: ast.AST) -> TypeSpec:
        """The type an alter_column gives: an enum type (PostgreSQL) must exist already; an inline one
        (MySQL) is the column's own."""
        if type_spec.enum is None:
            return type_spec
        if self.database.enum_style == "type" and not self.schema.has_enum(type_spec.enum.name):
            raise self.error(f"alter_column to enum type {type_spec.enum.name!r}, which does not exist "
                             "(Alembic does not create it)", call)
        if self.database.enum_style == "inline":
            enum = EnumType(f"{table}_{column}", type_spec.enum.values)
            self._create_enum(enum, call, on_create_table=False)
            return replace(type_spec, type=replace(type_spec.type, enum=enum.name), enum=enum)
        return type_spec

    def _type(self, node: ast.expr | None, what: str):
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            return None
        return read_type(self.reader, node, self.scope, what)

    def _optional_bool(self, node: ast.expr | None, what: str) -> bool | None:
        if node is None:
            return None
        value = self.reader.literal(node, self.scope, what)
        if value is not None and not isinstance(value, bool):
            raise self.error(f"{what} must be True, False or None", node)
        return value


def _column_is_used(table: Table, column: str) -> bool:
    if table.primary_key is not None and column in table.primary_key.columns:
        return True
    if any(column in u.columns for u in table.uniques) or any(column in f.columns for f in table.foreign_keys):
        return True
    if any(column in i.columns or (i.where and column in columns_in(i.where)) for i in table.indexes):
        return True
    return any(column in columns_in(c.expression) for c in table.checks)


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False
