"""An Alembic history replayed statically: ``replay(versions_folders, dialect) -> Schema``.

The schema ``alembic upgrade head`` would leave on ``dialect``, worked out from the revision files
without running them: the revisions are taken in the graph's upgrade order (``revisions.read_graph``)
and the body of each ``upgrade()`` is interpreted statement by statement. Columns, types, server
defaults and constraints inside the operations are read by the SQLAlchemy model reader
(``sqlalchemy.ConstructReader`` and its readers), so a ``sa.Column(...)`` means the same in a model and in a
migration. This module is the driver (revisions, statements, ``with`` blocks, the registry of ``op.*``
calls); the calls are interpreted by ``replay_tables`` and ``replay_constraints`` on the state
``replay_state.ReplayState`` keeps.

Interpreted: ``op.create_table`` (``sa.Column``, ``sa.PrimaryKeyConstraint``, ``sa.ForeignKeyConstraint``,
``sa.UniqueConstraint``, ``sa.CheckConstraint``, and ``sa.Index``, which SQLAlchemy attaches and Alembic
creates after the table), ``op.drop_table``, ``op.rename_table``, ``op.add_column``, ``op.drop_column``,
``op.alter_column`` (``type_``, ``nullable``, ``server_default``, ``new_column_name``, ``comment``, the
``existing_*`` arguments), ``op.create_index`` / ``op.drop_index``, ``op.create_unique_constraint``,
``op.create_foreign_key``, ``op.create_check_constraint``, ``op.create_primary_key``,
``op.drop_constraint`` (``type_=``), ``op.create_table_comment`` / ``op.drop_table_comment``,
``with op.batch_alter_table("t") as batch_op:`` blocks, ``op.f("name")``, ``sa.Enum(..., name=)`` /
``postgresql.ENUM`` (and ``ENUM(...).create(op.get_bind())`` / ``.drop(...)``), local constants; operations
packages register (``op.sync_enum_values`` of alembic-autogenerate-enums: ``replay_extensions``).

``op.execute(...)``, ``op.bulk_insert(...)`` and ``<bind>.execute(...)`` change data (or do something
not modelled): each is a note with file and line, not an error; literal DDL in them is replayed. The Python
around the calls (``try``, ``if`` on the dialect or on what the database holds, loops over literal lists,
helpers of the revision or of the application, decorators, data code) is ``replay_flow``'s; column types
the SQLAlchemy reader cannot read are ``replay_types``'; a history that starts from a baseline no revision
creates is replayed on one (``replay_baseline``: the database, or the models' tables, said in a note); a
history with several heads is replayed up to one (``upto``; ``replay_heads`` says which the models are
closest to). A statement whose schema effect is only known when the code runs (an ``op.*`` call in a loop
over query rows) is an ``MgenError`` (``Unknowable``) with file and line, or, with ``stop_at_unknowable``,
the end of the replay before its revision.

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
- dropping a column drops what depends on it the way each database does (``Dialect.schema_without_column``,
  as ``sources.sql`` does).

Names the database gives unnamed constraints (``Dialect.unnamed_constraint_name``: PostgreSQL's
``t_c_key``/``t_c_fkey``, MySQL's ``t_ibfk_1``, ...) are recorded, so a later ``drop_constraint`` of that
name finds it. ``naming_convention``: the one ``env.py``'s ``target_metadata`` carries (Alembic applies
it to unnamed constraints of the operations); the default is SQLAlchemy's (``ix_<table>_<column>``).

Not supported (MgenError): ``schema=``, ``batch_alter_table`` with ``copy_from``/``table_args``/
``reflect_args``/``naming_convention``/``partial_reordering`` (``table_kwargs`` only with
``sqlite_autoincrement``), ``op.alter_column(autoincrement=...)`` changes on MySQL (Alembic ignores it
elsewhere), ``op.create_exclude_constraint``, ``op.invoke``/``op.run_async``, and multi-database
templates (``upgrade_<name>()``).
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError
from ...operations import (
    AddForeignKey,
    AddUnique,
    AlterColumnIdentity,
    CreateEnum,
    DropCheck,
    DropEnum,
    DropForeignKey,
    DropUnique,
    Operation,
    RenameColumn,
)
from ...schema import Schema
from ..pyast import External, Module, Note, ValueRef, call_kwargs, text_of
from ..sqlalchemy import (
    DEFAULT_CONVENTION,
    Scope,
    read_type,
)
from .replay_baseline import Baseline, uncreated_tables
from .replay_constraints import ConstraintCalls
from .replay_extensions import ExtensionCalls
from .replay_flow import FlowStatements, Unknowable
from .replay_state import Batch, recreates
from .replay_tables import TableCalls
from .replay_types import RevisionsProject, TypeRewriting
from .replay_values import Bind, Opaque
from .revisions import Revision, read_graph


@dataclass
class RevisionReplay:
    """An Alembic history replayed: the schema it builds, the notes, its operations and revisions."""

    schema: Schema
    notes: list[Note]
    operations: list[Operation]  # what the upgrades do, in order (applied to the baseline, else an empty schema)
    revisions: list[str]  # the revision ids replayed, in order
    baseline: str | None = None  # where the history's starting point came from (replay_baseline), if not empty
    assumed_tables: tuple[str, ...] = ()  # tables whose state is the models' own: a change to them is not seen
    stopped: Note | None = None  # stop_at_unknowable: the statement the replay stopped before (file:line, why)


def replay(versions_folders: Sequence[str | Path] | str | Path, dialect: str, upto: str | None = None,
           naming_convention: dict[str, str] | None = None) -> Schema:
    """The schema after ``alembic upgrade <upto or head>`` of the revisions in ``versions_folders``."""
    return replay_with_notes(versions_folders, dialect, upto, naming_convention).schema


def replay_with_notes(versions_folders: Sequence[str | Path] | str | Path, dialect: str, upto: str | None = None,
                      naming_convention: dict[str, str] | None = None, baseline: Baseline | None = None,
                      stop_at_unknowable: bool = False) -> RevisionReplay:
    """``replay`` with the notes (data steps, omitted constraints), the operations and the revisions.

    ``baseline``: the history starts from it (``replay_baseline``: the database, or the models' tables no
    revision creates) instead of an empty database. ``stop_at_unknowable``: a revision with a statement
    whose schema effect is only known when the code runs ends the replay before that revision (the schema
    of the revisions before it, and ``stopped`` saying file:line and why) instead of an ``MgenError``."""
    folders = [Path(versions_folders)] if isinstance(versions_folders, (str, Path)) else [Path(f) for f in versions_folders]
    graph = read_graph(folders)
    if upto is not None and upto not in graph.revisions:
        raise MgenError(f"no revision {upto!r} in {', '.join(str(f) for f in folders)}")
    order = graph.upgrade_order(upto)
    replayer = _Replayer(dialect, dict(naming_convention) if naming_convention is not None else dict(DEFAULT_CONVENTION))
    stopped = None
    if baseline is not None:
        replayer.schema = baseline.schema
        replayer.assumed = set(baseline.assumed)
        replayer.vanished = set(baseline.vanished)
        replayer.doomed = set(baseline.doomed)
        replayer.tolerant = set(baseline.tolerant)
        order = [r for r in order if r.id not in baseline.applied]
        what = f"tables {', '.join(baseline.assumed)} are" if baseline.assumed else "the schema is"
        replayer.reader.notes.append(Note(str(folders[0]), None, (
            f"the history starts from a baseline no revision creates: {what} taken from {baseline.source}"
            + (" as they are now, so a change to them is not seen (give --db URL to read them from the database)"
               if baseline.assumed else ""))))
    done: list[str] = []
    for revision in order:
        before = (replayer.schema, len(replayer.operations), len(replayer.reader.notes))
        try:
            replayer.revision(revision)
        except Unknowable as e:
            if not stop_at_unknowable:
                raise
            replayer.schema, ops, notes = before
            del replayer.operations[ops:], replayer.reader.notes[notes:]
            stopped = Note(e.file or str(revision.path), e.line, f"the replay stops before revision {revision.id}: "
                           f"{e.message}")
            replayer.reader.notes.append(stopped)
            break
        except MgenError as e:
            raise _with_baseline_hint(e, graph) if baseline is None else _vanished_hint(e, baseline)
        done.append(revision.id)
    schema = replayer.database.final_form(replayer.schema)
    return RevisionReplay(schema, replayer.reader.notes, replayer.operations, done,
                          baseline.source if baseline is not None else None,
                          baseline.assumed if baseline is not None else (), stopped)


def _with_baseline_hint(error: MgenError, graph) -> MgenError:
    """A refusal about a table no revision creates: say the history starts from a baseline."""
    if isinstance(error, Unknowable):
        return error
    missing = sorted(t for t in uncreated_tables(graph) if f"'{t}'" in error.message)
    if not missing:
        return error
    names = ", ".join(sorted(uncreated_tables(graph)))
    return MgenError(f"{error.message}: the history starts from a baseline no revision creates (tables {names}): "
                     "give --db URL to replay it on the database (or take those tables from the models)",
                     error.file, error.line)


def _vanished_hint(error: MgenError, baseline: Baseline) -> MgenError:
    """A refusal about a baseline table the models no longer have: say what is not known."""
    named = [t for t in baseline.vanished if f"'{t}'" in error.message]
    if isinstance(error, Unknowable) or not named:
        return error
    return MgenError(f"{error.message}: table {named[0]} is in the history's baseline (no revision creates it) and "
                     f"not in {baseline.source}, so what it held is not known: give --db URL to replay the history "
                     "on the database", error.file, error.line)


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


_OP = "alembic.op"


class _Replayer(FlowStatements, TypeRewriting, TableCalls, ConstraintCalls, ExtensionCalls):
    """Reads each revision's ``upgrade()`` statement by statement and hands each ``op.*`` call to its
    interpreter (``_OPERATIONS``; ``_BATCH_OPERATIONS`` inside a batch block)."""

    # -- revisions ---------------------------------------------------------------------------------
    def revision(self, revision: Revision) -> None:
        self.path = revision.path
        project = self.projects.setdefault(revision.path.parent, RevisionsProject(revision.path.parent))
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
        self.pending_foreign_keys = []
        self.run_decorated(upgrade, module)
        self.add_pending_foreign_keys()

    def is_batch_block(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and self._op_name(node.func) == "batch_alter_table"

    def with_block(self, stmt: ast.With, module: Module) -> None:
        if len(stmt.items) != 1:
            raise self.error("a with block of several items cannot be replayed statically", stmt)
        item = stmt.items[0]
        call = item.context_expr
        assert isinstance(call, ast.Call)
        kwargs = self.reader.check_kwargs(call, self.scope, {"table_name", "schema", "recreate", "table_kwargs"},
                                          "batch_alter_table")
        table_node = call.args[0] if call.args else kwargs.get("table_name")
        if table_node is None:
            raise self.error("batch_alter_table without a table name", call)
        self._no_schema(kwargs, call)
        recreate = self.reader.literal(kwargs["recreate"], self.scope, "recreate") if "recreate" in kwargs else "auto"
        if recreate not in ("auto", "always", "never"):
            raise self.error(f"batch_alter_table(recreate={recreate!r}) is not 'auto', 'always' or 'never'", call)
        batch = Batch(self.reader.string(table_node, self.scope, "batch_alter_table"), recreate, stmt.lineno)
        self.table(batch.table, call)
        if "table_kwargs" in kwargs:
            batch.table_kwargs = self.table_kwargs(kwargs["table_kwargs"], batch)
        alias = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
        if alias is None and any(not isinstance(inner, ast.Pass) for inner in stmt.body):
            raise self.error("batch_alter_table must be used as 'with ... as batch_op'", stmt)
        batch.alias = alias
        for inner in stmt.body:
            self.statement(inner, module, batch)  # batch_op.* calls are collected, other code followed or skipped
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

    def call(self, call: ast.Call, batch: Batch | None) -> None:
        name = self._op_name(call.func)
        if name is not None:
            handler = _OPERATIONS.get(name)
            if handler is None:
                raise self.error(f"op.{name}() cannot be replayed statically (not a schema operation mgen reads)",
                                 call)
            self.resolve_types(call)
            self.on_assumed(call, name, lambda: handler(self, call))
            return
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("execute", "exec_driver_sql") and call.args \
                and isinstance(self.value(func.value), (Bind, Opaque)):
            self.execute(call, via=f"{text_of(func)}")  # DDL in it is replayed; data is a note
            return
        owner = func.value if isinstance(func, ast.Attribute) else None
        scope = self.scope
        if isinstance(owner, ast.Name) and isinstance(self.locals.get(owner.id), ast.Call):
            owner = self.locals[owner.id]  # enum = sa.Enum(...); enum.create(bind)
        elif isinstance(owner, ast.Name) and owner.id not in self.locals:
            ref = self.reader.project.resolve(self.scope.module, owner)
            if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):  # the same, at module level
                owner, scope = ref.node, Scope(ref.module)
        if isinstance(func, ast.Attribute) and func.attr in ("create", "drop") and isinstance(owner, ast.Call) \
                and self.reader.callee(owner, scope)[0] in ("Enum", "postgresql.ENUM"):
            self.enum_lifecycle(func.attr, owner, call, scope)
            return
        self.other_call(call)

    def enum_lifecycle(self, action: str, enum_call: ast.Call, call: ast.Call, scope: Scope | None = None) -> None:
        """``sa.Enum(..., name="x").create(op.get_bind())`` / ``postgresql.ENUM(...).drop(bind)``: the
        type itself, where enums are types (elsewhere SQLAlchemy does nothing). ``scope``: where the enum's
        call is read (a module-level ``enum = sa.Enum(...)``: its module)."""
        scope = scope or self.scope
        kind, _ = self.reader.callee(enum_call, scope)
        if kind not in ("Enum", "postgresql.ENUM"):
            raise self.error(f"upgrade() calls {text_of(call.func)}(): it cannot be replayed statically", call)
        if self.database.enum_style != "type":
            return
        spec = read_type(self.reader, enum_call, scope, "enum type")
        enum = spec.enum
        if enum is None:
            return  # native_enum=False: no type
        if action == "create":
            if self.schema.has_enum(enum.name) and not _checkfirst(self, call, kind):
                raise self.error(f"enum type {enum.name!r} already exists", call)
            if not self.schema.has_enum(enum.name):
                self.apply(CreateEnum(enum))
        elif self.schema.has_enum(enum.name):
            self.apply(DropEnum(self.schema.enum(enum.name)))
        elif not _checkfirst(self, call, kind):
            raise self.error(f"enum type {enum.name!r} does not exist", call)

    # -- data and opaque steps -----------------------------------------------------------------------
    def execute(self, call: ast.Call, table_name: str | None = None, batch: Batch | None = None,
                via: str = "op.execute") -> None:
        """``op.execute("literal SQL")`` (or ``bind.execute(sa.text(...))``): DDL in it is read with mgen's SQL
        reader (``ALTER TYPE ... ADD VALUE``, which Alembic has no op for); data statements are notes; DDL
        built at run time from what the replay cannot know is ``Unknowable``."""
        shown = text_of(call.args[0]) if call.args and via == "op.execute" else "..."
        sql = self._sql_of(call.args[0]) if call.args else None
        if sql is None and call.args and self._ddl(call.args[0]):
            raise Unknowable(f"{via}({shown}) changes the schema with SQL built when the code runs",
                             str(self.path), call.lineno)
        if sql is not None:
            from ...differ import diff
            from ...sources.sql import read_sql_text

            try:
                after = read_sql_text(sql, self.dialect, self.schema, filename=str(self.path))
            except MgenError:
                after = None
            if after is not None and after != self.schema:
                for op in diff(self.schema, after, self.database).operations:
                    self.apply(op)
                return
            if after is not None:
                self.note(f"{via}({shown}) changes data, not the schema", call)
                return
        self.note(f"{via}({shown}) is not interpreted: data changes are not part of the schema, and a schema "
                  "change made in raw SQL that mgen cannot read is not seen by the replay", call)

    def _sql_of(self, node: ast.expr) -> str | None:
        sql = _literal_sql(node)
        if sql is None:
            inner = node.args[0] if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
                and isinstance(node.func, (ast.Name, ast.Attribute)) and text_of(node.func).endswith("text") else node
            value = self.value(inner)
            sql = value if isinstance(value, str) else None
        return sql

    def bulk_insert(self, call: ast.Call) -> None:
        self.note("op.bulk_insert(...) inserts rows: not part of the schema", call)

    # -- batch blocks --------------------------------------------------------------------------------
    def flush(self, batch: Batch) -> None:
        recreate = recreates(self, batch)
        start = len(self.operations)
        for name, call in batch.calls:
            handler = _BATCH_OPERATIONS.get(name)
            if handler is None:
                raise self.error(f"batch_op.{name}() cannot be replayed statically", call)
            self.resolve_types(call)
            self.on_assumed(call, name, lambda h=handler, c=call: h(self, c, batch.table, batch), batch.table)
        if recreate and self.impl.batch_rebuilds:
            self._sqlite_rebuild(batch, self.operations[start:])
            if "sqlite_autoincrement" in batch.table_kwargs and self.schema.has_table(batch.table):
                self._sqlite_autoincrement(batch, bool(batch.table_kwargs["sqlite_autoincrement"]))

    def table_kwargs(self, node: ast.expr, batch: Batch) -> dict[str, object]:
        """``table_kwargs={"sqlite_autoincrement": True}``: the options of the table a SQLite batch rebuilds
        (other backends alter in place and ignore them)."""
        value = self.reader.literal(node, self.scope, "table_kwargs")
        if not isinstance(value, dict) or set(value) - {"sqlite_autoincrement"}:
            raise self.error("batch_alter_table(table_kwargs=...): only {'sqlite_autoincrement': bool} is replayed",
                             node)
        return value

    def _sqlite_autoincrement(self, batch: Batch, on: bool) -> None:
        """The rebuilt table's single integer primary key is ``INTEGER PRIMARY KEY AUTOINCREMENT`` or not,
        as SQLAlchemy's SQLite compiler writes it."""
        table = self.schema.table(batch.table)
        pk = table.primary_key.columns if table.primary_key else ()
        if len(pk) != 1 or table.column(pk[0]).type.name not in ("integer", "bigint", "smallint") \
                or any(pk[0] in f.columns for f in table.foreign_keys):
            return
        column = table.column(pk[0])
        new = "serial" if on else None
        if column.identity != new:
            self.apply(AlterColumnIdentity(table.name, column.name, column.identity, new))

    def _sqlite_rebuild(self, batch: Batch, done: list[Operation]) -> None:
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


def _literal_sql(node: ast.expr) -> str | None:
    """The SQL of ``"..."`` or ``sa.text("...")``; None when it is built at run time."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "text") or (isinstance(func, ast.Name) and func.id == "text"):
            node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _checkfirst(replayer: _Replayer, call: ast.Call, kind: str | None) -> bool:
    node = call_kwargs(call).get("checkfirst")
    if node is None:  # postgresql.ENUM.create/drop(bind, checkfirst=True); SchemaType's (sa.Enum) checkfirst=False
        return kind == "postgresql.ENUM"
    return bool(replayer.reader.literal(node, replayer.scope, "checkfirst"))


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
    "sync_enum_values": _Replayer.sync_enum_values,  # alembic-autogenerate-enums (replay_extensions)
}

_BATCH_OPERATIONS: dict[str, Callable[[_Replayer, ast.Call, str, Batch], None]] = {
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

__all__ = ["RevisionReplay", "replay", "replay_with_notes"]
