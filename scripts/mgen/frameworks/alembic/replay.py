"""An Alembic history replayed statically: ``replay(versions_folders, dialect) -> Schema``.

The schema ``alembic upgrade head`` would leave on ``dialect``, worked out from the revision files
without running them: the revisions are taken in the graph's upgrade order (``revisions.read_graph``)
and the body of each ``upgrade()`` is interpreted statement by statement. Columns, types, server
defaults and constraints inside the operations are read by the SQLAlchemy model reader
(``sqlalchemy.ConstructReader`` and its readers), so a ``sa.Column(...)`` means the same in a model and in a migration.

Interpreted: ``op.create_table`` (``sa.Column``, ``sa.PrimaryKeyConstraint``, ``sa.ForeignKeyConstraint``,
``sa.UniqueConstraint``, ``sa.CheckConstraint``, and ``sa.Index``, which SQLAlchemy attaches and Alembic
creates after the table), ``op.drop_table``, ``op.rename_table``, ``op.add_column``, ``op.drop_column``,
``op.alter_column`` (``type_``, ``nullable``, ``server_default``, ``new_column_name``, ``comment``, the
``existing_*`` arguments), ``op.create_index`` / ``op.drop_index``, ``op.create_unique_constraint``,
``op.create_foreign_key``, ``op.create_check_constraint``, ``op.create_primary_key``,
``op.drop_constraint`` (``type_=``), ``op.create_table_comment`` / ``op.drop_table_comment``,
``with op.batch_alter_table("t") as batch_op:`` blocks, ``op.f("name")``, ``sa.Enum(..., name=)`` /
``postgresql.ENUM`` (and ``ENUM(...).create(op.get_bind())`` / ``.drop(...)``), local constants.

``op.execute(...)``, ``op.bulk_insert(...)`` and ``<bind>.execute(...)`` change data (or do something
not modelled): each is a note with file and line, not an error. Anything else in ``upgrade()`` (a loop,
a conditional on the context, a call to a helper, an unknown operation) is an ``MgenError`` with file and
line saying it cannot be replayed statically.

What Alembic does per dialect is mirrored, including where it differs from what a reader might expect:
- MySQL ``alter_column`` re-specifies the whole column (``MODIFY``/``CHANGE``): a default, comment or
  AUTO_INCREMENT not repeated in ``existing_server_default`` / ``existing_comment`` /
  ``existing_autoincrement`` is dropped, and ``nullable`` not given is taken from ``existing_nullable``
  (else NULL); only a default change alone is ``ALTER ... SET DEFAULT``;
- MySQL keeps an index on every foreign key's columns: dropping the last index that covers them fails
  (error 1553, an error here), and the index it made itself outlives a dropped foreign key; renaming a
  table renames its ``<table>_ibfk_<n>`` foreign keys;
- PostgreSQL: ``op.add_column`` does not create the enum type of an ``sa.Enum`` column (the upgrade
  fails there): an error here too, unless the type exists already;
- SQLite outside a batch: only ``ALTER TABLE ... ADD COLUMN`` / ``RENAME`` / ``DROP COLUMN`` exist, so
  ``alter_column`` (other than a rename), constraint operations and ``add_column`` with a constraint
  are errors, as they are for Alembic ("No support for ALTER of constraints in SQLite dialect");
- SQLite batch blocks that rebuild the table (any operation other than ``add_column``/``create_index``/
  ``drop_index``, or ``recreate="always"``) drop unnamed CHECK constraints, as Alembic's reflection does
  (it warns "Unnamed CHECK constraint ... is being omitted"), and (Alembic 1.20) a constraint added in
  the same block on a column renamed there: a note records each;
- dropping a column drops what depends on it the way each database does (``sources.sql``).

Names the database gives unnamed constraints (``sqlalchemy.db_constraint_name``: PostgreSQL's
``t_c_key``/``t_c_fkey``, MySQL's ``t_ibfk_1``, ...) are recorded, so a later ``drop_constraint`` of that
name finds it. ``naming_convention``: the one ``env.py``'s ``target_metadata`` carries (Alembic applies
it to unnamed constraints of the operations); the default is SQLAlchemy's (``ix_<table>_<column>``).

Not supported (MgenError): ``schema=``, ``batch_alter_table`` with ``copy_from``/``table_args``/
``reflect_args``/``naming_convention``/``partial_reordering``, ``op.alter_column(autoincrement=...)``
changes, ``op.create_exclude_constraint``, ``op.invoke``/``op.run_async``, and multi-database
templates (``upgrade_<name>()``).
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ... import naming
from ...errors import MgenError
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
    CreateEnum,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameTable,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
)
from ...schema import Column, EnumType, Index, PrimaryKey, Schema, Table
from ...sources.sql import mysql_final_form, without_column
from ..pyast import External, Module, Note, Project, Unknown, call_kwargs, has_star_args, text_of
from ..sqlalchemy import (
    DEFAULT_CONVENTION,
    CheckSpec,
    ColumnSpec,
    ConstructReader,
    ForeignKeySpec,
    IndexSpec,
    PrimaryKeySpec,
    Scope,
    TableSpec,
    TypeSpec,
    UniqueSpec,
    build_table,
    db_constraint_name,
    fk_action,
    read_column,
    read_index,
    read_table_call,
    read_type,
    server_default,
)
from .revisions import Revision, read_graph


@dataclass
class Replay:
    schema: Schema
    notes: list[Note]
    operations: list[Operation]  # what the upgrades do, in order (applied to an empty schema: ``schema``)
    revisions: list[str]  # the revision ids replayed, in order


def replay(versions_folders: Sequence[str | Path] | str | Path, dialect: str, upto: str | None = None,
           naming_convention: dict[str, str] | None = None) -> Schema:
    """The schema after ``alembic upgrade <upto or head>`` of the revisions in ``versions_folders``."""
    return replay_with_notes(versions_folders, dialect, upto, naming_convention).schema


def replay_with_notes(versions_folders: Sequence[str | Path] | str | Path, dialect: str, upto: str | None = None,
                      naming_convention: dict[str, str] | None = None) -> Replay:
    """``replay`` with the notes (data steps, omitted constraints), the operations and the revisions."""
    folders = [Path(versions_folders)] if isinstance(versions_folders, (str, Path)) else [Path(f) for f in versions_folders]
    graph = read_graph(folders)
    if upto is not None and upto not in graph.revisions:
        raise MgenError(f"no revision {upto!r} in {', '.join(str(f) for f in folders)}")
    order = graph.upgrade_order(upto)
    replayer = _Replayer(dialect, dict(naming_convention) if naming_convention is not None else dict(DEFAULT_CONVENTION))
    for revision in order:
        replayer.revision(revision)
    schema = replayer.schema
    if dialect == "mysql":
        schema = mysql_final_form(schema)
    return Replay(schema, replayer.reader.notes, replayer.operations, [r.id for r in order])


@dataclass(frozen=True)
class RevisionStep:
    """One revision's upgrade: the schema before it and the operations it performs (for ``mgen lint``)."""

    revision: Revision
    before: Schema
    operations: list[Operation]


def replay_steps(versions_folders: Sequence[str | Path], dialect: str) -> list[RevisionStep]:
    """Every revision up to the head, in upgrade order, with the schema before it and its operations."""
    graph = read_graph([Path(f) for f in versions_folders])
    replayer = _Replayer(dialect, dict(DEFAULT_CONVENTION))
    steps = []
    for revision in graph.upgrade_order():
        before, done = replayer.schema, len(replayer.operations)
        replayer.revision(revision)
        steps.append(RevisionStep(revision, before, list(replayer.operations[done:])))
    return steps


# ---------------------------------------------------------------------------------------------------
# The interpreter
# ---------------------------------------------------------------------------------------------------
_OP = "alembic.op"
_MYSQL_OWN_FK = re.compile(r"^.+_ibfk_\d+$")


@dataclass
class _Batch:
    """A ``with op.batch_alter_table(...)`` block: operations are collected and applied together at
    its end, as Alembic's batch does (``BatchOperationsImpl.flush``)."""

    table: str
    recreate: str
    line: int
    calls: list[tuple[str, ast.Call]] = field(default_factory=list)


class _Replayer:
    def __init__(self, dialect: str, convention: dict[str, str]):
        self.dialect = dialect
        self.convention = convention
        self.schema = Schema()
        self.operations: list[Operation] = []
        self.reader: ConstructReader = ConstructReader(Project(Path(".")), dialect)
        self.path = Path(".")
        self.scope: Scope | None = None
        self.locals: dict[str, object] = {}
        self.projects: dict[Path, Project] = {}

    # -- plumbing ----------------------------------------------------------------------------------
    def error(self, message: str, node: ast.AST | None) -> MgenError:
        return MgenError(message, str(self.path), getattr(node, "lineno", None))

    def note(self, message: str, node: ast.AST | None) -> None:
        self.reader.notes.append(Note(str(self.path), getattr(node, "lineno", None), message))

    def apply(self, op: Operation) -> None:
        self.operations.append(op)
        self.schema = op.apply(self.schema)

    def table(self, name: str, node: ast.AST) -> Table:
        if not self.schema.has_table(name):
            raise self.error(f"table {name!r} does not exist at this point of the history", node)
        return self.schema.table(name)

    def column(self, table: Table, name: str, node: ast.AST) -> Column:
        if not table.has_column(name):
            raise self.error(f"table {table.name!r} has no column {name!r} at this point of the history", node)
        return table.column(name)

    # -- revisions ---------------------------------------------------------------------------------
    def revision(self, revision: Revision) -> None:
        self.path = revision.path
        project = self.projects.setdefault(revision.path.parent, Project(revision.path.parent))
        self.reader.project = project
        module = project.module_at(revision.path)
        upgrade = next((s for s in module.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                        and s.name == "upgrade"), None)
        if upgrade is None:
            raise self.error(f"revision {revision.id} has no upgrade() function", None)
        if upgrade.args.args or upgrade.args.vararg or upgrade.args.kwarg or upgrade.args.kwonlyargs:
            raise self.error("upgrade() with arguments cannot be replayed statically", upgrade)
        self.locals = {}
        self.scope = Scope(module, self.locals)
        for stmt in upgrade.body:
            self.statement(stmt, module)

    def statement(self, stmt: ast.stmt, module: Module, batch: _Batch | None = None) -> None:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            return
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.call(stmt.value, batch)
            return
        if isinstance(stmt, ast.With) and batch is None:
            self.with_block(stmt, module)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and batch is None:
            self.assignment(stmt)
            return
        kind = {ast.If: "a conditional", ast.For: "a loop", ast.While: "a loop", ast.Try: "a try block",
                ast.With: "a nested with block", ast.Return: "a return", ast.FunctionDef: "a nested function"}
        what = next((v for k, v in kind.items() if isinstance(stmt, k)), f"'{text_of(stmt).splitlines()[0]}'")
        raise self.error(f"upgrade() contains {what}: it cannot be replayed statically "
                         "(only op.* calls and batch_alter_table blocks are read)", stmt)

    def assignment(self, stmt: ast.Assign | ast.AnnAssign) -> None:
        """``name = <constant>`` (usable later), ``bind = op.get_bind()`` and ``t = sa.table(...)``
        (opaque values only passed to execute/bulk_insert)."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        if value is None or len(targets) != 1 or not isinstance(targets[0], ast.Name):
            raise self.error(f"upgrade() contains '{text_of(stmt)}': it cannot be replayed statically", stmt)
        name = targets[0].id
        if isinstance(value, ast.Call):
            op_name = self._op_name(value.func)
            if op_name in ("create_table", "add_column"):  # tags = op.create_table(...): the Table, for bulk_insert
                self.call(value, None)
                self.locals[name] = _Opaque(name)
                return
            sa = self.reader.callee(value, self.scope)[0]
            if op_name in ("get_bind", "get_context") or sa in ("table", "column", "select", "update", "delete",
                                                                "insert", "text"):
                self.locals[name] = _Opaque(name)
                return
        literal = self.reader.project.literal(self.scope.module, value, self.locals)
        if isinstance(literal, Unknown):
            raise self.error(f"upgrade() assigns {name} = {text_of(value)}: only constants, op.get_bind() and "
                             "sa.table()/sa.column() are replayed statically", stmt)
        self.locals[name] = value

    def with_block(self, stmt: ast.With, module: Module) -> None:
        if len(stmt.items) != 1:
            raise self.error("a with block of several items cannot be replayed statically", stmt)
        item = stmt.items[0]
        call = item.context_expr
        if _is_autocommit_block(call):
            # ``with op.get_context().autocommit_block():`` only takes its body out of the transaction
            # (CREATE INDEX CONCURRENTLY, a backfill committing per batch): the body is replayed as it is
            for inner in stmt.body:
                self.statement(inner, module)
            return
        if not (isinstance(call, ast.Call) and self._op_name(call.func) == "batch_alter_table"):
            raise self.error(f"with {text_of(call)}: only 'with op.batch_alter_table(...) as batch_op' is replayed",
                             stmt)
        kwargs = self.reader.check_kwargs(call, self.scope, {"table_name", "schema", "recreate"},
                                          "batch_alter_table")
        table_node = call.args[0] if call.args else kwargs.get("table_name")
        if table_node is None:
            raise self.error("batch_alter_table without a table name", call)
        self._no_schema(kwargs, call)
        recreate = self.reader.literal(kwargs["recreate"], self.scope, "recreate") if "recreate" in kwargs else "auto"
        if recreate not in ("auto", "always", "never"):
            raise self.error(f"batch_alter_table(recreate={recreate!r}) is not 'auto', 'always' or 'never'", call)
        batch = _Batch(self.reader.string(table_node, self.scope, "batch_alter_table"), recreate, stmt.lineno)
        self.table(batch.table, call)
        alias = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
        if alias is None:
            raise self.error("batch_alter_table must be used as 'with ... as batch_op'", stmt)
        for inner in stmt.body:
            if isinstance(inner, ast.Pass) or (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Constant)):
                continue
            if not (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call)
                    and isinstance(inner.value.func, ast.Attribute)
                    and isinstance(inner.value.func.value, ast.Name) and inner.value.func.value.id == alias):
                self.statement(inner, module, batch)  # raises: only batch_op.* calls
                continue
            batch.calls.append((inner.value.func.attr, inner.value))
        self.flush(batch)

    # -- calls ---------------------------------------------------------------------------------------
    def _op_name(self, func: ast.expr) -> str | None:
        """"create_table" for ``op.create_table`` (``op`` being ``alembic.op``), else None."""
        if isinstance(func, ast.Attribute):
            owner = self.reader.project.resolve(self.scope.module, func.value, self.locals) \
                if isinstance(func.value, (ast.Name, ast.Attribute)) else None
            if isinstance(owner, External) and owner.qualname == _OP:
                return func.attr
        return None

    def call(self, call: ast.Call, batch: _Batch | None) -> None:
        name = self._op_name(call.func)
        if name is not None:
            handler = _OPERATIONS.get(name)
            if handler is None:
                raise self.error(f"op.{name}() cannot be replayed statically (not a schema operation mgen reads)",
                                 call)
            handler(self, call)
            return
        func = call.func
        on_bind = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and isinstance(self.locals.get(func.value.id), _Opaque)
        if on_bind and func.attr in ("execute", "exec_driver_sql"):  # type: ignore[union-attr]
            self.note(f"{func.value.id}.{func.attr}(...) runs SQL the replay does not interpret "  # type: ignore[union-attr]
                      "(a data change, or a schema change mgen does not see)", call)
            return
        if isinstance(func, ast.Attribute) and func.attr in ("create", "drop") and isinstance(func.value, ast.Call):
            self.enum_lifecycle(func.attr, func.value, call)
            return
        raise self.error(f"upgrade() calls {text_of(call.func)}(): it cannot be replayed statically "
                         "(only op.* operations are read)", call)

    def enum_lifecycle(self, action: str, enum_call: ast.Call, call: ast.Call) -> None:
        """``sa.Enum(..., name="x").create(op.get_bind())`` / ``postgresql.ENUM(...).drop(bind)``: the
        type itself, on PostgreSQL (elsewhere SQLAlchemy does nothing)."""
        kind, _ = self.reader.callee(enum_call, self.scope)
        if kind not in ("Enum", "postgresql.ENUM"):
            raise self.error(f"upgrade() calls {text_of(call.func)}(): it cannot be replayed statically", call)
        if self.dialect != "postgresql":
            return
        spec = read_type(self.reader, enum_call, self.scope, "enum type")
        enum = spec.enum
        if enum is None:
            return  # native_enum=False: no type
        if action == "create":
            if self.schema.has_enum(enum.name) and not _checkfirst(self, call):
                raise self.error(f"enum type {enum.name!r} already exists", call)
            if not self.schema.has_enum(enum.name):
                self.apply(CreateEnum(enum))
        elif self.schema.has_enum(enum.name):
            self.apply(DropEnum(self.schema.enum(enum.name)))
        elif not _checkfirst(self, call):
            raise self.error(f"enum type {enum.name!r} does not exist", call)

    def _no_schema(self, kwargs: dict[str, ast.expr], node: ast.AST) -> None:
        if "schema" in kwargs and self.reader.literal(kwargs["schema"], self.scope, "schema") is not None:
            raise self.error("schema= is not supported (the replay reads one schema)", node)

    def _args(self, call: ast.Call, names: Sequence[str], allowed: Iterable[str] = (),
              what: str = "") -> dict[str, ast.expr]:
        """Positional and keyword arguments by name (Alembic's signatures)."""
        if has_star_args(call):
            raise self.error(f"{what}: *args/**kwargs cannot be replayed statically", call)
        if len(call.args) > len(names):
            raise self.error(f"{what}: too many positional arguments", call)
        out = dict(zip(names, call.args))
        for key, value in call_kwargs(call).items():
            if key in out:
                raise self.error(f"{what}: {key} given twice", call)
            out[key] = value
        allowed = set(names) | set(allowed)
        for key, value in out.items():
            if key not in allowed:
                owner = key.split("_", 1)[0]
                if owner in ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle") and \
                        {"mariadb": "mysql"}.get(owner, owner) != self.dialect:
                    continue
                raise self.error(f"{what}: argument {key}= is not supported", value)
        self._no_schema(out, call)
        return out

    def _str(self, node: ast.expr | None, what: str, call: ast.AST) -> str:
        if node is None:
            raise self.error(f"{what} is missing", call)
        name, _ = self.reader.name_arg(node, self.scope, what)
        if name is None:
            raise self.error(f"{what} is missing", call)
        return name

    def _name(self, node: ast.expr | None, what: str) -> tuple[str | None, bool]:
        return self.reader.name_arg(node, self.scope, what) if node is not None else (None, False)

    def _columns(self, node: ast.expr | None, what: str, call: ast.AST) -> tuple[str, ...]:
        if node is None:
            raise self.error(f"{what} is missing", call)
        value = self.reader.literal(node, self.scope, what)
        if isinstance(value, str):
            value = (value,)
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{what}: expected a list of column names", node)
        return tuple(value)

    # -- tables ------------------------------------------------------------------------------------
    def _build(self, spec: TableSpec, existing: Table | None = None) -> tuple[Table, list[EnumType]]:
        targets: dict[str, TableSpec | Table] = {t.name: t for t in self.schema.tables}
        targets[spec.name] = spec
        taken = _names(existing) if existing is not None else ()
        try:
            table, enums = build_table(self.reader, spec, targets, taken)
        except MgenError as e:
            raise MgenError(e.message, e.file or str(self.path), e.line) from None
        if self.dialect != "mysql":
            return table, enums
        # MySQL writes ENUM(...) on the column: one type per column (renamed at the end, mysql_final_form)
        by_name = {e.name: e for e in enums}
        columns, inline = [], []
        for c in table.columns:
            if c.type.name == "enum" and c.type.enum in by_name:
                enum = EnumType(f"{table.name}_{c.name}", by_name[c.type.enum].values)
                inline.append(enum)
                c = replace(c, type=replace(c.type, enum=enum.name))
            columns.append(c)
        return replace(table, columns=tuple(columns)), inline

    def create_table(self, call: ast.Call) -> None:
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
                if self.dialect == "postgresql" and not self.schema.has_enum(e.name):
                    raise self.error(f"create_table({spec.name!r}): enum type {e.name!r} does not exist "
                                     "(postgresql.ENUM(create_type=False) does not create it)", call)
                continue
            self._create_enum(e, call, on_create_table=True)
        self.apply(CreateTable(table))

    def _create_enum(self, enum: EnumType, node: ast.AST, on_create_table: bool) -> None:
        if self.dialect == "mysql":  # an inline ENUM(...): named after its column (see _build)
            self.schema = self.schema.with_enum(enum)
            return
        if self.schema.has_enum(enum.name):
            if on_create_table:
                raise self.error(f"enum type {enum.name!r} already exists: create_table would create it again "
                                 "(use postgresql.ENUM(..., create_type=False))", node)
            return
        self.apply(CreateEnum(enum))

    def drop_table(self, call: ast.Call) -> None:
        args = self._args(call, ["table_name"], {"schema", "if_exists"}, "op.drop_table")
        name = self._str(args.get("table_name"), "op.drop_table table name", call)
        if not self.schema.has_table(name):
            if args.get("if_exists") is not None and self.reader.literal(args["if_exists"], self.scope, "if_exists"):
                return
            raise self.error(f"op.drop_table: table {name!r} does not exist", call)
        referencing = [t.name for t in self.schema.tables if t.name != name
                       and any(f.ref_table == name for f in t.foreign_keys)]
        if referencing and self.dialect != "sqlite":
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
        """Names that follow the table's name: MySQL renames ``<old>_ibfk_<n>`` foreign keys with the
        table; SQLite stores no names, so the made-up ones are the new table's (as introspection says)."""
        table = self.schema.table(new)
        auto = self.reader.auto_named

        def new_name(name: str) -> str:
            if self.dialect == "mysql" and _MYSQL_OWN_FK.match(name) and name.startswith(f"{old}_ibfk_"):
                return new + name[len(old):]
            if self.dialect == "sqlite" and (old, name) in auto and name.startswith(f"{old}_"):
                return new + name[len(old):]
            return name

        mapping = {name: new_name(name) for name in _names(table)}
        for name, to in mapping.items():
            if (old, name) in auto:
                auto.discard((old, name))
                auto.add((new, to))

        def renamed(name: str) -> str:
            return mapping.get(name, name)

        pk = table.primary_key
        if pk is not None and pk.name:
            pk = replace(pk, name=naming.primary_key_name(new) if self.dialect == "mysql" else renamed(pk.name))
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
        if self.dialect != "sqlite":
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

    def add_column(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = ["column"] if table_name is not None else ["table_name", "column"]
        allowed = {"schema", "if_not_exists", "inline_references", "inline_primary_key"}
        if batch is not None:
            allowed |= {"insert_before", "insert_after"}
        args = self._args(call, names, allowed, "add_column")
        table_name = table_name or self._str(args.get("table_name"), "add_column table name", call)
        table = self.table(table_name, call)
        col = self._column_spec(args.get("column"), "add_column", call)
        if table.has_column(col.name):  # type: ignore[arg-type]
            raise self.error(f"add_column: table {table.name!r} already has a column {col.name!r}", call)
        implied = bool(col.foreign_keys or col.unique and not col.index or col.checks)
        if self.dialect == "sqlite" and batch is None and implied:
            raise self.error(f"op.add_column({table.name!r}, {col.name}) with a foreign key, unique or check "
                             "constraint fails on SQLite: Alembic refuses 'ALTER of constraints in SQLite' "
                             "(use batch_alter_table)", call)
        if self.dialect == "sqlite" and batch is not None and _recreates(self, batch) \
                and any(fk.name is None for fk in col.foreign_keys):
            raise self.error(f"add_column({col.name}) in a batch that rebuilds the table: Alembic needs the "
                             "foreign key named ('Constraint must have a name')", call)
        if col.primary_key:
            raise self.error(f"add_column: adding the primary key column {col.name!r} is not replayed", call)
        spec = TableSpec(table.name, [col], [], self.path, call.lineno, self.convention)
        built, enums = self._build(spec, existing=table)
        for e in enums:
            if self.dialect == "postgresql" and not self.schema.has_enum(e.name):
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

    def _position_column(self, table: str, column: str, args: dict, batch: _Batch | None, call: ast.AST) -> None:
        if batch is None or not _recreates(self, batch):
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

    def drop_column(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = ["column_name"] if table_name is not None else ["table_name", "column_name"]
        args = self._args(call, names, {"schema", "if_exists", "mssql_drop_check", "mssql_drop_default",
                                        "mssql_drop_foreign_key"}, "drop_column")
        table_name = table_name or self._str(args.get("table_name"), "drop_column table name", call)
        table = self.table(table_name, call)
        name = self._str(args.get("column_name"), "drop_column column name", call)
        self.column(table, name, call)
        if self.dialect == "sqlite" and batch is None and _column_is_used(table, name):
            raise self.error(f"op.drop_column({table.name!r}, {name!r}): SQLite cannot drop a column that an index "
                             "or constraint uses (use batch_alter_table)", call)
        before = self.schema
        rules = "postgresql" if self.dialect == "sqlite" else self.dialect  # a rebuild drops what used it
        new_table = without_column(table, name, rules)
        # recorded as DropColumn; the schema follows the database, which drops what used the column too
        self.operations.append(DropColumn(table.name, table.column(name)))
        self.schema = before.with_table(new_table)
        if self.dialect == "postgresql":  # foreign keys elsewhere that point at the column go with it
            self.schema = replace(self.schema, tables=tuple(
                replace(t, foreign_keys=tuple(f for f in t.foreign_keys
                                              if not (f.ref_table == table.name and name in f.ref_columns)))
                for t in self.schema.tables))

    _ALTER_ARGS = ("nullable", "comment", "server_default", "new_column_name", "type_", "existing_type",
                   "existing_server_default", "existing_nullable", "existing_comment", "schema",
                   "autoincrement", "existing_autoincrement", "postgresql_using")

    def alter_column(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = ["column_name"] if table_name is not None else ["table_name", "column_name"]
        args = self._args(call, names, self._ALTER_ARGS, "alter_column")
        table_name = table_name or self._str(args.get("table_name"), "alter_column table name", call)
        table = self.table(table_name, call)
        name = self._str(args.get("column_name"), "alter_column column name", call)
        column = self.column(table, name, call)
        if "autoincrement" in args and self.reader.literal(args["autoincrement"], self.scope, "autoincrement") \
                is not None:
            raise self.error("alter_column(autoincrement=...) is not replayed", call)
        new_type = self._type(args.get("type_"), "type_")
        nullable = self._optional_bool(args.get("nullable"), "nullable")
        default_node = args.get("server_default")
        change_default = default_node is not None and not _is_false(default_node)
        comment_node = args.get("comment")
        change_comment = comment_node is not None and not _is_false(comment_node)
        new_name = self._str(args["new_column_name"], "new_column_name", call) if "new_column_name" in args else None
        changes_more_than_name = new_type is not None or nullable is not None or change_default or change_comment
        if self.dialect == "sqlite" and batch is None and changes_more_than_name:
            raise self.error(f"op.alter_column({table.name!r}, {name!r}) fails on SQLite: Alembic emits ALTER COLUMN, "
                             "which SQLite does not have (use batch_alter_table)", call)
        target_type = new_type.type if new_type is not None else column.type
        if self.dialect == "mysql" and self._mysql_rewrites(args, new_type, nullable, change_comment, new_name):
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
            if change_comment and self.dialect != "sqlite":
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
        """The type an alter_column gives: a PostgreSQL enum must exist already; a MySQL one is inline."""
        if type_spec.enum is None:
            return type_spec
        if self.dialect == "postgresql" and not self.schema.has_enum(type_spec.enum.name):
            raise self.error(f"alter_column to enum type {type_spec.enum.name!r}, which does not exist "
                             "(Alembic does not create it)", call)
        if self.dialect == "mysql":
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

    # -- indexes and constraints ---------------------------------------------------------------------
    def create_index(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = ["index_name", "columns"] if table_name is not None else ["index_name", "table_name", "columns"]
        args = self._args(call, names, {"schema", "unique", "if_not_exists", "postgresql_where", "postgresql_using",
                                        "sqlite_where", "postgresql_concurrently", "mysql_using", "mariadb_using",
                                        "quote", "info"}, "create_index")
        table_name = table_name or self._str(args.get("table_name"), "create_index table name", call)
        table = self.table(table_name, call)
        name_node = args.get("index_name")
        columns_node = args.get("columns")
        if columns_node is None:
            raise self.error("create_index without columns", call)
        elements = columns_node.elts if isinstance(columns_node, (ast.List, ast.Tuple)) else [columns_node]
        fake = ast.Call(func=ast.Name("Index"), args=[name_node or ast.Constant(None), *elements],
                        keywords=[k for k in call.keywords if k.arg in ("unique", f"{self.dialect}_where",
                                                                        f"{self.dialect}_using")],
                        lineno=call.lineno, col_offset=call.col_offset)
        spec = self._index_spec(fake)
        if spec.name is not None and any(i.name == spec.name for i in table.indexes):
            if self._if_not_exists(args):
                return
            raise self.error(f"create_index: index {spec.name!r} already exists on {table.name}", call)
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

    def drop_index(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = ["index_name"] if table_name is not None else ["index_name", "table_name"]
        args = self._args(call, names, {"schema", "if_exists", "postgresql_concurrently", "info"}, "drop_index")
        name = self._str(args.get("index_name"), "drop_index index name", call)
        table_name = table_name or (self._str(args["table_name"], "drop_index table name", call)
                                    if args.get("table_name") is not None else None)
        tables = [self.table(table_name, call)] if table_name else list(self.schema.tables)
        for t in tables:
            index = next((i for i in t.indexes if i.name == name), None)
            if index is not None:
                if self.dialect == "mysql":
                    _mysql_check_fk_index(self, t, index.name, call)
                self.apply(DropIndex(t.name, index))
                return
            if self.dialect == "mysql":  # a unique key is an index there
                unique = next((u for u in t.uniques if u.name == name), None)
                if unique is not None:
                    self.apply(DropUnique(t.name, unique))
                    return
        if args.get("if_exists") is not None and self.reader.literal(args["if_exists"], self.scope, "if_exists"):
            return
        raise self.error(f"drop_index: no index {name!r}{' on ' + table_name if table_name else ''}", call)

    def _sqlite_constraint_op(self, what: str, call: ast.AST, batch: _Batch | None) -> None:
        if self.dialect == "sqlite" and batch is None:
            raise self.error(f"op.{what}() fails on SQLite: Alembic refuses 'ALTER of constraints in SQLite' "
                             "(use batch_alter_table)", call)

    def create_unique_constraint(self, call: ast.Call, table_name: str | None = None,
                                 batch: _Batch | None = None) -> None:
        names = ["constraint_name", "columns"] if table_name else ["constraint_name", "table_name", "columns"]
        args = self._args(call, names, {"schema", "deferrable", "initially", "info"}, "create_unique_constraint")
        self._sqlite_constraint_op("create_unique_constraint", call, batch)
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

    def create_primary_key(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = ["constraint_name", "columns"] if table_name else ["constraint_name", "table_name", "columns"]
        args = self._args(call, names, {"schema"}, "create_primary_key")
        self._sqlite_constraint_op("create_primary_key", call, batch)
        table_name = table_name or self._str(args.get("table_name"), "table name", call)
        table = self.table(table_name, call)
        if table.primary_key is not None:
            raise self.error(f"create_primary_key: table {table.name} already has a primary key", call)
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

    def create_foreign_key(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = (["constraint_name", "referent_table", "local_cols", "remote_cols"] if table_name else
                 ["constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"])
        args = self._args(call, names, {"onupdate", "ondelete", "deferrable", "initially", "match", "source_schema",
                                        "referent_schema", "use_alter", "info"}, "create_foreign_key")
        self._sqlite_constraint_op("create_foreign_key", call, batch)
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

    def create_check_constraint(self, call: ast.Call, table_name: str | None = None,
                                batch: _Batch | None = None) -> None:
        names = ["constraint_name", "condition"] if table_name else ["constraint_name", "table_name", "condition"]
        args = self._args(call, names, {"schema", "deferrable", "initially", "info"}, "create_check_constraint")
        self._sqlite_constraint_op("create_check_constraint", call, batch)
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

    def _mysql_keep_fk_index(self, table: Table, fk) -> None:
        """MySQL made an index for the foreign key when nothing covered its columns (named after the
        constraint, or after its first column when the constraint was unnamed); it outlives the key."""
        n = len(fk.columns)
        covering = [i.columns for i in table.indexes] + [u.columns for u in table.uniques]
        if table.primary_key is not None:
            covering.append(table.primary_key.columns)
        if any(tuple(c[:n]) == fk.columns for c in covering):
            return
        if (table.name, fk.name) in self.reader.auto_named:
            index_name = db_constraint_name("mysql", "uq", table.name, fk.columns, _names(table))
        else:
            index_name = fk.name
        self.apply(AddIndex(table.name, Index(index_name, fk.columns)))

    def _not_deferrable(self, args: dict, call: ast.AST) -> None:
        for key in ("deferrable", "initially", "match"):
            if args.get(key) is not None and self.reader.literal(args[key], self.scope, key) is not None:
                raise self.error(f"{key}= is not supported", call)

    def drop_constraint(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        names = ["constraint_name", "type_"] if table_name else ["constraint_name", "table_name", "type_"]
        args = self._args(call, names, {"schema", "if_exists"}, "drop_constraint")
        self._sqlite_constraint_op("drop_constraint", call, batch)
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
                if self.dialect == "mysql":
                    self._mysql_keep_fk_index(table, fk)
                return
        if kind in (None, "unique"):
            unique = next((u for u in table.uniques if u.name == name), None)
            if unique is not None:
                self.apply(DropUnique(table.name, unique))
                return
            index = next((i for i in table.indexes if i.name == name and i.unique), None)
            if index is not None and self.dialect == "mysql":
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
        raise self.error(f"drop_constraint: table {table.name} has no {kind + ' ' if kind else ''}constraint named {name!r} "
                         f"(it has: {', '.join(sorted(_names(table))) or 'none'})", call)

    # -- data and opaque steps -----------------------------------------------------------------------
    def execute(self, call: ast.Call, table_name: str | None = None, batch: _Batch | None = None) -> None:
        """``op.execute("literal SQL")``: DDL in it is read with mgen's SQL reader (``ALTER TYPE ... ADD VALUE``,
        which Alembic has no op for); data statements and SQL built at run time are notes."""
        shown = text_of(call.args[0]) if call.args else ""
        sql = _literal_sql(call.args[0]) if call.args else None
        if sql is not None:
            from ...dialects import get_dialect
            from ...differ import diff
            from ...sources.sql import read_sql_text

            try:
                after = read_sql_text(sql, self.dialect, self.schema, filename=str(self.path))
            except MgenError:
                after = None
            if after is not None and after != self.schema:
                for op in diff(self.schema, after, get_dialect(self.dialect)).operations:
                    self.apply(op)
                return
            if after is not None:
                self.note(f"op.execute({shown}) changes data, not the schema", call)
                return
        self.note(f"op.execute({shown}) is not interpreted: data changes are not part of the schema, and a schema "
                  "change made in raw SQL that mgen cannot read is not seen by the replay", call)

    def bulk_insert(self, call: ast.Call) -> None:
        self.note("op.bulk_insert(...) inserts rows: not part of the schema", call)

    # -- batch blocks --------------------------------------------------------------------------------
    def flush(self, batch: _Batch) -> None:
        recreate = _recreates(self, batch)
        start = len(self.operations)
        for name, call in batch.calls:
            handler = _BATCH_OPERATIONS.get(name)
            if handler is None:
                raise self.error(f"batch_op.{name}() cannot be replayed statically", call)
            handler(self, call, batch.table, batch)
        if recreate and self.dialect == "sqlite":
            self._sqlite_rebuild(batch, self.operations[start:])

    def _sqlite_rebuild(self, batch: _Batch, done: list[Operation]) -> None:
        """What Alembic's table rebuild (``ApplyBatchImpl``) leaves out: unnamed CHECKs (not reflected),
        and constraints added in the batch that name a column renamed in the same batch by its new name
        (it copies only constraints whose columns are among the original column keys)."""
        renamed = {op.new_name for op in done if isinstance(op, RenameColumn) and op.table == batch.table}
        for op in done:
            lost = None
            if isinstance(op, AddUnique) and set(op.unique.columns) & renamed:
                lost = DropUnique(op.table, op.unique)
            elif isinstance(op, AddForeignKey) and set(op.foreign_key.columns) & renamed:
                lost = DropForeignKey(op.table, op.foreign_key)
            if lost is not None and self.schema.has_table(op.table):
                self.apply(lost)
                self.note(f"batch_alter_table({batch.table!r}) on SQLite: Alembic's rebuild leaves out the "
                          f"constraint added on a column renamed in the same batch ({lost.describe()})",
                          ast.Constant(None, lineno=batch.line))
        if self.schema.has_table(batch.table):
            table = self.schema.table(batch.table)
            dropped = [c for c in table.checks if (table.name, c.name) in self.reader.auto_named]
            for c in dropped:
                self.apply(DropCheck(table.name, c))
                self.note(f"batch_alter_table({table.name!r}) rebuilds the table on SQLite and Alembic omits the "
                          f"unnamed CHECK ({c.expression}) from the new table", ast.Constant(None, lineno=batch.line))


def _is_autocommit_block(node: ast.expr) -> bool:
    """``op.get_context().autocommit_block()`` (or ``context.autocommit_block()``)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "autocommit_block" and not node.args and not node.keywords)


def _literal_sql(node: ast.expr) -> str | None:
    """The SQL of ``"..."`` or ``sa.text("...")``; None when it is built at run time."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "text") or (isinstance(func, ast.Name) and func.id == "text"):
            node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _recreates(replayer: _Replayer, batch: _Batch) -> bool:
    """Alembic's ``requires_recreate_in_batch``: SQLite rebuilds the table unless every operation is
    add_column (without a SQL-expression default) / create_index / drop_index."""
    if batch.recreate == "always":
        return True
    if batch.recreate == "never" or replayer.dialect != "sqlite":
        return False
    for name, call in batch.calls:
        if name == "add_column":
            column = call.args[0] if call.args else call_kwargs(call).get("column")
            default = call_kwargs(column).get("server_default") if isinstance(column, ast.Call) else None
            if isinstance(default, ast.Call):
                return True
        elif name not in ("create_index", "drop_index"):
            return True
    return False


def _mysql_check_fk_index(replayer: _Replayer, table: Table, index: str, call: ast.AST) -> None:
    """MySQL keeps an index on every foreign key's columns (it drops the one it made itself once a user
    index covers them): dropping the last covering index fails with error 1553."""
    others = [i.columns for i in table.indexes if i.name != index] + [u.columns for u in table.uniques]
    if table.primary_key is not None:
        others.append(table.primary_key.columns)
    mine = next(i.columns for i in table.indexes if i.name == index)
    for fk in table.foreign_keys:
        n = len(fk.columns)
        if tuple(mine[:n]) == fk.columns and not any(tuple(o[:n]) == fk.columns for o in others):
            raise replayer.error(f"drop_index({index!r}) fails on MySQL: the index is needed in the foreign key "
                                 f"constraint {fk.name} (error 1553)", call)


def _column_is_used(table: Table, column: str) -> bool:
    if table.primary_key is not None and column in table.primary_key.columns:
        return True
    if any(column in u.columns for u in table.uniques) or any(column in f.columns for f in table.foreign_keys):
        return True
    if any(column in i.columns or (i.where and column in columns_in(i.where)) for i in table.indexes):
        return True
    return any(column in columns_in(c.expression) for c in table.checks)


def _checkfirst(replayer: _Replayer, call: ast.Call) -> bool:
    node = call_kwargs(call).get("checkfirst")
    if node is None:
        return True  # SchemaType.create(bind, checkfirst=True) is the default
    return bool(replayer.reader.literal(node, replayer.scope, "checkfirst"))


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _names(table: Table) -> set[str]:
    names = {u.name for u in table.uniques} | {i.name for i in table.indexes}
    names |= {f.name for f in table.foreign_keys} | {c.name for c in table.checks}
    if table.primary_key is not None and table.primary_key.name:
        names.add(table.primary_key.name)
    return names


def _table_spec_of(table: Table, items: list, path: Path, convention: dict[str, str]) -> TableSpec:
    """A TableSpec of an existing table (its columns, typed) plus new items, to name and build those
    items by the same rules as everywhere else (only the new items are taken from the result)."""
    columns = [ColumnSpec(name=c.name, key=None, type=TypeSpec(c.type), line=0, path=path, nullable=c.nullable,
                          autoincrement=False)
               for c in table.columns]
    return TableSpec(table.name, columns, items, path, 0, convention)


@dataclass(frozen=True)
class _Opaque:
    """A local value the replay does not look into (``op.get_bind()``, ``sa.table(...)``)."""

    name: str


_OPERATIONS: dict[str, Callable[[_Replayer, ast.Call], None]] = {
    "create_table": _Replayer.create_table,
    "drop_table": _Replayer.drop_table,
    "rename_table": _Replayer.rename_table,
    "create_table_comment": _Replayer.table_comment,
    "drop_table_comment": lambda r, c: r.table_comment(c, drop=True),
    "add_column": _Replayer.add_column,
    "drop_column": _Replayer.drop_column,
    "alter_column": _Replayer.alter_column,
    "create_index": _Replayer.create_index,
    "drop_index": _Replayer.drop_index,
    "create_unique_constraint": _Replayer.create_unique_constraint,
    "create_primary_key": _Replayer.create_primary_key,
    "create_foreign_key": _Replayer.create_foreign_key,
    "create_check_constraint": _Replayer.create_check_constraint,
    "drop_constraint": _Replayer.drop_constraint,
    "execute": _Replayer.execute,
    "bulk_insert": _Replayer.bulk_insert,
}

_BATCH_OPERATIONS: dict[str, Callable[[_Replayer, ast.Call, str, _Batch], None]] = {
    "add_column": lambda r, c, t, b: r.add_column(c, t, b),
    "drop_column": lambda r, c, t, b: r.drop_column(c, t, b),
    "alter_column": lambda r, c, t, b: r.alter_column(c, t, b),
    "create_index": lambda r, c, t, b: r.create_index(c, t, b),
    "drop_index": lambda r, c, t, b: r.drop_index(c, t, b),
    "create_unique_constraint": lambda r, c, t, b: r.create_unique_constraint(c, t, b),
    "create_primary_key": lambda r, c, t, b: r.create_primary_key(c, t, b),
    "create_foreign_key": lambda r, c, t, b: r.create_foreign_key(c, t, b),
    "create_check_constraint": lambda r, c, t, b: r.create_check_constraint(c, t, b),
    "drop_constraint": lambda r, c, t, b: r.drop_constraint(c, t, b),
    "create_table_comment": lambda r, c, t, b: r.table_comment(c, table_name=t),
    "drop_table_comment": lambda r, c, t, b: r.table_comment(c, drop=True, table_name=t),
    "execute": lambda r, c, t, b: r.execute(c),
}

__all__ = ["Replay", "replay", "replay_with_notes"]
