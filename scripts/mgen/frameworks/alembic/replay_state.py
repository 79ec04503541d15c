"""What an Alembic replay carries from one ``op.*`` call to the next, and the helpers every call uses.

``ReplayState`` holds the schema so far, the operations performed, the SQLAlchemy construct reader
(``frameworks.sqlalchemy``) and the scope of the revision being read. Its helpers read Alembic's
arguments by their names in Alembic's signatures, and build tables and constraints by the same
SQLAlchemy rules as the models (``build_table``), so both name things alike. The calls themselves are
interpreted in ``replay_tables`` and ``replay_constraints``; ``replay`` drives them.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...errors import MgenError
from ...operations import CreateEnum, Operation
from ...schema import Column, EnumType, Schema, Table
from ..pyast import Note, Project, call_kwargs, has_star_args
from ..sqlalchemy import ConstructReader, Scope, TableSpec, build_table
from .replay_types import ReplayReader


class Conflict(MgenError):
    """An operation whose precondition the schema so far contradicts (a column there already, an index or a
    constraint not there): on a table taken from the models (``replay_baseline``) the models' state explains it
    and the operation is skipped with a note; any other refusal stays one."""


@dataclass(frozen=True)
class AlembicImpl:
    """What Alembic's implementation for one backend (``alembic.ddl.<backend>``) does, where that differs by
    backend; what the database then does is its ``Dialect``'s (``ReplayState.database``)."""

    batch_rebuilds: bool  # batch_alter_table(recreate="auto") rebuilds the table as modelled here (SQLiteImpl)
    alter_column_rewrites: bool  # alter_column writes the whole column, MODIFY / CHANGE (MySQLImpl)


ALEMBIC_IMPLS = {
    "postgresql": AlembicImpl(batch_rebuilds=False, alter_column_rewrites=False),
    "mysql": AlembicImpl(batch_rebuilds=False, alter_column_rewrites=True),
    "sqlite": AlembicImpl(batch_rebuilds=True, alter_column_rewrites=False),
}


@dataclass
class Batch:
    """A ``with op.batch_alter_table(...)`` block: operations are collected and applied together at
    its end, as Alembic's batch does (``BatchOperationsImpl.flush``)."""

    table: str
    recreate: str
    line: int
    calls: list[tuple[str, ast.Call]] = field(default_factory=list)
    alias: str | None = None  # the ``as batch_op`` name
    table_kwargs: dict[str, object] = field(default_factory=dict)  # of the rebuilt table (SQLite)


class ReplayState:
    """The schema an Alembic history has built so far, and how the next ``op.*`` call is read."""

    def __init__(self, dialect: str, convention: dict[str, str]):
        self.dialect = dialect
        self.convention = convention
        self.schema = Schema()
        self.operations: list[Operation] = []
        self.reader: ConstructReader = ReplayReader(Project(Path(".")), dialect)
        self.impl = ALEMBIC_IMPLS[dialect]  # what Alembic does on the dialect
        self.database = self.reader.database  # what the database does with what Alembic emits
        self.path = Path(".")
        self.scope: Scope | None = None
        self.locals: dict[str, object] = {}
        self.projects: dict[Path, Project] = {}
        self.pending_foreign_keys: list = []  # SQLite foreign keys to tables created later in the revision
        self.assumed: set[str] = set()  # baseline tables taken from the models (replay_baseline)
        self.vanished: set[str] = set()  # baseline tables the models lack (replay_baseline.Baseline.vanished)
        self.doomed: set[str] = set()  # those of them a revision drops (replay_baseline.dropped_tables)
        self.tolerant: set[str] = set()  # baseline tables of older models (replay_git): a conflict is skipped

    def on_assumed(self, call: ast.Call, op_name: str, run, batch_table: str | None = None) -> None:
        """Run an operation; on a table taken from the models (which hold its effect already, or not
        yet), what fails is skipped with a note instead of refusing the history. On a baseline table the models
        no longer have and a revision drops (``doomed``), an operation on it alone changes nothing that
        remains: skipped with a note."""
        if self.doomed and op_name not in ("create_table", "drop_table", "rename_table"):
            tables = {batch_table} if batch_table else _named_tables(self, op_name, call)
            if tables and tables <= self.doomed and not any(self.schema.has_table(t) for t in tables):
                self.note(f"op.{op_name}() on {', '.join(sorted(tables))}, a table of the baseline the models no "
                          "longer have and a later revision drops, is skipped: nothing of it remains", call)
                return
        if not self.assumed and not self.tolerant:
            run()
            return
        try:
            run()
        except Conflict as e:
            tables = {batch_table} if batch_table else _named_tables(self, op_name, call)
            if not tables & (self.assumed | self.tolerant):
                raise
            taken = "taken from the models" if tables & self.assumed else \
                "in the baseline's models, which held its effect already (or not yet)"
            self.note(f"op.{op_name}() on {', '.join(sorted(tables & (self.assumed | self.tolerant)))}, {taken}, is "
                      f"skipped: {e.message}", call)

    # -- plumbing ----------------------------------------------------------------------------------
    def error(self, message: str, node: ast.AST | None) -> MgenError:
        return MgenError(message, str(self.path), getattr(node, "lineno", None))

    def conflict(self, message: str, node: ast.AST | None) -> Conflict:
        return Conflict(message, str(self.path), getattr(node, "lineno", None))

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
            raise self.conflict(f"table {table.name!r} has no column {name!r} at this point of the history", node)
        return table.column(name)

    # -- arguments, by their names in Alembic's signatures ----------------------------------------
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

    # -- tables and enum types built by SQLAlchemy's rules --------------------------------------
    def _build(self, spec: TableSpec, existing: Table | None = None) -> tuple[Table, list[EnumType]]:
        targets: dict[str, TableSpec | Table] = {t.name: t for t in self.schema.tables}
        targets[spec.name] = spec
        taken = existing.constraint_names() if existing is not None else ()
        try:
            table, enums = build_table(self.reader, spec, targets, taken)
        except MgenError as e:
            raise MgenError(e.message, e.file or str(self.path), e.line) from None
        if self.database.enum_style != "inline":
            return table, enums
        # ENUM(...) is written on the column: one type per column (renamed at the end, Dialect.final_form)
        by_name = {e.name: e for e in enums}
        columns, inline = [], []
        for c in table.columns:
            if c.type.name == "enum" and c.type.enum in by_name:
                enum = EnumType(f"{table.name}_{c.name}", by_name[c.type.enum].values)
                inline.append(enum)
                c = replace(c, type=replace(c.type, enum=enum.name))
            columns.append(c)
        return replace(table, columns=tuple(columns)), inline

    def _create_enum(self, enum: EnumType, node: ast.AST, on_create_table: bool) -> None:
        if self.database.enum_style == "inline":  # an ENUM(...) on the column: named after it (see _build)
            self.schema = self.schema.with_enum(enum)
            return
        if self.schema.has_enum(enum.name):
            if on_create_table:
                raise self.error(f"enum type {enum.name!r} already exists: create_table would create it again "
                                 "(use postgresql.ENUM(..., create_type=False))", node)
            return
        self.apply(CreateEnum(enum))


def _named_tables(state: ReplayState, op_name: str, call: ast.Call) -> set[str]:
    from .replay_baseline import _TABLE_ARGS, _TABLE_KWARGS

    nodes = [call.args[i] for i in _TABLE_ARGS.get(op_name, ()) if len(call.args) > i]
    nodes += [v for k, v in call_kwargs(call).items() if k in _TABLE_KWARGS]
    if op_name == "create_table":
        nodes += [n for n in ast.walk(call) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and "." in n.value]
    out = set()
    for node in nodes:
        value = state.value(node) if hasattr(state, "value") else None
        if isinstance(value, str):
            out.add(value.split(".")[0] if op_name == "create_table" else value)
    return out


def recreates(state: ReplayState, batch: Batch) -> bool:
    """Alembic's ``requires_recreate_in_batch``: SQLite rebuilds the table unless every operation is
    add_column (without a SQL-expression default) / create_index / drop_index."""
    if batch.recreate == "always":
        return True
    if batch.recreate == "never" or not state.impl.batch_rebuilds:
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


