"""The reader of SQLAlchemy constructs: its state and the primitives every reading step uses.

A ``ConstructReader`` holds what one reading (of a project's models, or of an Alembic history) shares:
the project whose names it resolves (``mgen.frameworks.pyast``), the dialect (what SQLAlchemy writes on
it, ``Compiler``, and what the database does with that, its ``Dialect``), the notes on what was left out
and the names the database made up. Its methods are the primitives the readers of types (``types``),
columns (``columns``), constraints (``constraints``) and ``Table(...)`` calls (``tables``) are written
with: errors and notes with file and line, what a callee is in SQLAlchemy's terms, literal values,
keyword arguments checked against what is read, SQL text.
"""
from __future__ import annotations

import ast
import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...dialects import Dialect, get_dialect
from ...errors import MgenError
from ...expressions import canonical_expression
from ..pyast import (
    ClassRef,
    External,
    Module,
    Note,
    Project,
    Ref,
    Unknown,
    call_kwargs,
    has_star_args,
    text_of,
)


@dataclass(frozen=True)
class Compiler:
    """What SQLAlchemy's DDL and type compilers for one backend write, where that differs by backend;
    what the database then does with it is its ``Dialect``'s (``ConstructReader.database``)."""

    fraction_keyword: str  # the argument TIME/TIMESTAMP fractional seconds are read from
    writes_fraction: bool  # TIME/TIMESTAMP keep those fractional seconds (SQLite's compiler drops them)
    writes_time_zone: bool  # DateTime/Time(timezone=True) is WITH TIME ZONE (elsewhere: ignored)
    writes_float_precision: bool  # Float(p) is FLOAT(p) (SQLite's: FLOAT)
    native_uuid: bool  # Uuid is the UUID type (supports_native_uuid; MySQL-family read as MariaDB)
    writes_identity: bool  # Identity() is GENERATED ... AS IDENTITY (elsewhere: ignored)
    serial_autoincrement: bool  # the autoincrement column is SERIAL / AUTO_INCREMENT without being asked
    max_identifier: int | None  # max_identifier_length: longer convention names are shortened
    functions: Mapping[str, str] = field(default_factory=dict)  # func.<name>() written otherwise


COMPILERS = {
    "postgresql": Compiler(fraction_keyword="precision", writes_fraction=True, writes_time_zone=True,
                           writes_float_precision=True, native_uuid=True, writes_identity=True,
                           serial_autoincrement=True, max_identifier=63),
    "mysql": Compiler(fraction_keyword="fsp", writes_fraction=True, writes_time_zone=False,
                      writes_float_precision=True, native_uuid=True, writes_identity=False,
                      serial_autoincrement=True, max_identifier=64),
    # fsp= (of mysql.DATETIME) is read here too, then dropped; AUTOINCREMENT needs sqlite_autoincrement=True
    "sqlite": Compiler(fraction_keyword="fsp", writes_fraction=False, writes_time_zone=False,
                       writes_float_precision=False, native_uuid=False, writes_identity=False,
                       serial_autoincrement=False, max_identifier=None, functions={"now": "CURRENT_TIMESTAMP"}),
}
DIALECTS = tuple(COMPILERS)


def sa_name(qualname: str | None) -> str | None:
    """SQLAlchemy's public name for a qualified name, None when it is not SQLAlchemy's:
    ``sqlalchemy.types.String`` -> ``String``; ``sqlalchemy.dialects.postgresql.json.JSONB`` ->
    ``postgresql.JSONB``; ``sqlalchemy.orm.mapped_column`` -> ``mapped_column``."""
    if not qualname or not (qualname == "sqlalchemy" or qualname.startswith("sqlalchemy.")):
        return None
    parts = qualname.split(".")
    if len(parts) >= 4 and parts[1] == "dialects":
        return f"{parts[2]}.{parts[-1]}"
    return parts[-1]


@dataclass
class Scope:
    """Where an expression is read: its module (for names) and a local namespace (a class body)."""

    module: Module
    local: Mapping[str, Any] | None = None

    @property
    def path(self) -> Path:
        return self.module.path


# @compiles overrides of the models in effect for every reader made meanwhile (``compiled_as``)
_COMPILED_AS: ContextVar[Mapping[str, Any] | None] = ContextVar("mgen_compiled_as", default=None)


@contextlib.contextmanager
def compiled_as(type_ddl: Mapping[str, Any]) -> Iterator[None]:
    """Readers made inside take ``type_ddl`` (the models' ``@compiles`` overrides) as their own: an Alembic
    history runs in a process whose env.py imported the models, so ``sa.DateTime()`` in a revision is the
    ``DATETIME(6)`` that CTFd's ``@compiles(db.DateTime, "mysql")`` makes it."""
    token = _COMPILED_AS.set(dict(type_ddl))
    try:
        yield
    finally:
        _COMPILED_AS.reset(token)


_DIALECT_PREFIXES = ("postgresql_", "mysql_", "mariadb_", "sqlite_", "mssql_", "oracle_")


def dialect_of_kwarg(name: str) -> str | None:
    for prefix in _DIALECT_PREFIXES:
        if name.startswith(prefix):
            return {"mariadb": "mysql"}.get(prefix[:-1], prefix[:-1])
    return None


class ConstructReader:
    """Reads SQLAlchemy schema constructs (types, columns, constraints, tables) from AST nodes for one
    dialect. Shared by the declarative scan (``declarative``) and the Alembic replay."""

    def __init__(self, project: Project, dialect: str):
        if dialect not in DIALECTS:
            raise MgenError(f"unknown dialect {dialect!r} (choose one of: {', '.join(DIALECTS)})")
        self.project = project
        self.dialect = dialect
        self.compiler = COMPILERS[dialect]  # what SQLAlchemy writes on it
        self.database: Dialect = get_dialect(dialect)  # what the database does with that
        self.notes: list[Note] = []
        self.auto_named: set[tuple[str, str]] = set()  # (table, name): names the database made up
        # a SQLAlchemy type's DDL replaced on this dialect by @compiles in the models (``compiles``); while
        # revisions are replayed, the models' overrides (``compiled_as``): env.py imported them before they ran
        self.type_ddl: dict[str, Any] = dict(_COMPILED_AS.get() or {})
        # (table, column) -> (its ColumnType, declared.DeclaredType): the model's type as a revision spells it
        self.declared: dict[tuple[str, str], tuple[Any, Any]] = {}
        # table -> (file, line, class) of a SQLAlchemy-Continuum class (__versioned__): ``continuum``
        self.versioned: dict[str, tuple[str, int, str]] = {}
        self.versioned_classes: list[Any] = []  # continuum_tables.VersionedClass, in the order they were read
        # resolves ForeignKey(Model.column): set by the declarative scan, which knows the mapped classes
        self.class_column: Callable[[ClassRef, str, ast.AST, Path], tuple[str, str]] | None = None

    # -- small helpers ---------------------------------------------------------------------------
    def error(self, message: str, node: ast.AST | None, scope: Scope | Path) -> MgenError:
        path = scope.path if isinstance(scope, Scope) else scope
        return MgenError(message, str(path), getattr(node, "lineno", None))

    def note(self, message: str, node: ast.AST | None, scope: Scope) -> None:
        self.notes.append(Note(str(scope.path), getattr(node, "lineno", None), message))

    def resolve(self, node: ast.expr, scope: Scope) -> Ref | Unknown:
        return self.project.resolve(scope.module, node, scope.local)

    def callee(self, node: ast.expr, scope: Scope) -> tuple[str | None, Ref | Unknown]:
        """(SQLAlchemy's name for what ``node`` (a callee or a class) refers to, the reference)."""
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(target, ast.Constant):
            return None, Unknown(node, scope.path, f"{text_of(target)} is a constant, not a SQLAlchemy construct")
        if not isinstance(target, (ast.Name, ast.Attribute)):
            return None, Unknown(node, scope.path, f"{text_of(target)} is computed when the code runs")
        ref = self.resolve(target, scope)
        if isinstance(ref, External):
            return sa_name(ref.qualname), ref
        return None, ref

    def literal(self, node: ast.expr, scope: Scope, what: str) -> Any:
        value = self.project.literal(scope.module, node, scope.local)
        if isinstance(value, Unknown):
            raise value.error(what)
        return value

    def string(self, node: ast.expr, scope: Scope, what: str) -> str:
        value = self.literal(node, scope, what)
        if not isinstance(value, str):
            raise self.error(f"{what}: expected a string, got {text_of(node)}", node, scope)
        return value

    def boolean(self, node: ast.expr, scope: Scope, what: str) -> bool:
        value = self.literal(node, scope, what)
        if not isinstance(value, bool):
            raise self.error(f"{what}: expected True or False, got {text_of(node)}", node, scope)
        return value

    def name_arg(self, node: ast.expr | None, scope: Scope, what: str) -> tuple[str | None, bool]:
        """A constraint's ``name=``: (name, final). ``op.f("x")`` / ``conv("x")`` are final names."""
        if node is None:
            return None, False
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            callee = node.func
            name, _ = self.callee(node, scope)
            is_f = isinstance(callee, ast.Attribute) and callee.attr == "f" and \
                self.project.qualname(scope.module, callee.value, scope.local) in ("alembic.op", "op")
            if name == "conv" or is_f:
                return self.string(node.args[0], scope, what), True
        value = self.literal(node, scope, what)
        if value is None:
            return None, False
        if not isinstance(value, str):
            raise self.error(f"{what}: expected a name, got {text_of(node)}", node, scope)
        return value, False

    def check_kwargs(self, call: ast.Call, scope: Scope, allowed: Iterable[str], what: str) -> dict[str, ast.expr]:
        """The call's keyword arguments; one not in ``allowed`` (and not for another dialect) is an error."""
        if has_star_args(call):
            raise self.error(f"{what}: *args/**kwargs are only known when the code runs", call, scope)
        kwargs = call_kwargs(call)
        allowed = set(allowed)
        for key, value in kwargs.items():
            if key in allowed:
                continue
            owner = dialect_of_kwarg(key)
            if owner is not None and owner != self.dialect:
                continue  # SQLAlchemy applies dialect options on their own dialect only
            raise self.error(f"{what}: argument {key}= is not supported", value, scope)
        return kwargs

    # -- expressions (CHECK, index expressions and predicates) -----------------------------------
    def sql_text(self, node: ast.expr, scope: Scope, what: str) -> str:
        """The SQL of a string or ``text("...")`` (what CheckConstraint and Index take as text)."""
        if isinstance(node, ast.Call):
            name, ref = self.callee(node, scope)
            if name in ("text", "literal_column") and len(node.args) == 1 and not node.keywords:
                return self.string(node.args[0], scope, what)
            root = node.func
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(ref, Unknown) and isinstance(root, ast.Name) and not (scope.local and root.id in scope.local) \
                    and root.id not in scope.module.symbols and not scope.module.star_imports:
                raise self.error(f"{what}: {text_of(node)}: {root.id} is not defined in this file (NameError when "
                                 "it runs)", node, scope)
        value = self.project.literal(scope.module, node, scope.local)
        if isinstance(value, str):
            return value
        raise self.error(f"{what}: {text_of(node)} is a SQL expression built in Python, read only when the code "
                         "runs; write it as a string or text(\"...\")", node, scope)

    def canonical(self, sql: str, node: ast.AST, scope: Scope) -> str:
        try:
            return canonical_expression(sql, self.dialect)
        except MgenError as e:
            raise self.error(e.message, node, scope) from None
