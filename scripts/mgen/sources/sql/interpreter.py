"""``SqlInterpreter``: statement dispatch. Each statement goes by its verb (CREATE, ALTER, DROP,
COMMENT, RENAME) and object kind to the handler that applies it to the schema; statements that do
not describe tables are skipped and listed in ``ignored``."""
from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from sqlglot import exp

from ...schema import Schema
from ...statements import Statement, quiet_sqlglot, split_statements
from .alter_table import AlterTableStatements
from .base import OutsideSchema, first_line
from .constraints import ConstraintStatements
from .do_blocks import DoBlocks
from .enums import EnumStatements
from .extensions import ExtensionStatements
from .indexes import IndexStatements
from .kinds import IGNORED_KINDS, IGNORED_VERBS, kind_after
from .tables import TableStatements
from .temporary import TemporaryTables


class SqlInterpreter(AlterTableStatements, TableStatements, IndexStatements, ConstraintStatements, EnumStatements,
                     ExtensionStatements, TemporaryTables, DoBlocks):
    """Applies DDL statements to a schema, one at a time; see the package docstring."""

    # -- driver --------------------------------------------------------------------------------
    def run(self, text: str) -> Schema:
        with quiet_sqlglot():
            for stmt in split_statements(text, self.dialect):
                self.line = stmt.line
                self.execute(stmt)
        self._resolve_pending()
        self.schema = self.database.final_form(self.schema)
        return self.schema

    def execute(self, stmt: Statement) -> None:
        verb = stmt.words[0] if stmt.words else ""
        handler = self._VERBS.get(verb)
        if handler is not None:
            try:
                handler(self, stmt)
            except OutsideSchema as e:
                if self.other_schemas != "skip":
                    raise
                self.skipped_schemas.setdefault(e.namespace, []).append(
                    f"{self.filename}:{self.line}" if self.filename else f"line {self.line}")
                self._ignore(f"{verb} in schema {e.namespace}")
        elif verb in IGNORED_VERBS:
            self._ignore(verb)
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    # -- verb routing ----------------------------------------------------------------------------
    def _create(self, stmt: Statement) -> None:
        kind, temporary = kind_after(stmt.words, 1)
        handler = self._CREATE_KINDS.get(kind)
        if temporary:
            self._create_temporary(stmt, kind)
        elif handler is not None:
            handler(self, stmt)
        elif kind in IGNORED_KINDS:
            self._ignore(f"CREATE {kind}")
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    def _alter(self, stmt: Statement) -> None:
        kind, _ = kind_after(stmt.words, 1)
        handler = self._ALTER_KINDS.get(kind)
        if handler is not None:
            handler(self, stmt)
        elif kind in IGNORED_KINDS or kind in ("ONLINE", "IGNORE"):
            self._ignore(f"ALTER {kind}")
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    def _drop(self, stmt: Statement) -> None:
        kind, temporary = kind_after(stmt.words, 1)
        if kind == "EXTENSION":
            self._drop_extension(stmt)
        elif kind in ("TABLE", "INDEX", "TYPE") and not temporary:
            node = self._parse(stmt.text)
            if not isinstance(node, exp.Drop):
                raise self.error(f"cannot read {first_line(stmt.text)!r}")
            self._DROP_KINDS[kind](self, node)
        elif kind in IGNORED_KINDS or temporary:
            self._ignore(f"DROP {kind}")
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    _VERBS: ClassVar[dict[str, Callable]] = {
        "CREATE": _create, "ALTER": _alter, "DROP": _drop,
        "COMMENT": TableStatements._comment, "RENAME": TableStatements._rename,
        "SELECT": TemporaryTables._select, "WITH": TemporaryTables._select, "DO": DoBlocks._do}
    _CREATE_KINDS: ClassVar[dict[str, Callable]] = {
        "TABLE": TableStatements._create_table, "INDEX": IndexStatements._create_index,
        "TYPE": EnumStatements._create_type, "EXTENSION": ExtensionStatements._create_extension}
    _ALTER_KINDS: ClassVar[dict[str, Callable]] = {
        "TABLE": AlterTableStatements._alter_table, "TYPE": EnumStatements._alter_type,
        "INDEX": IndexStatements._alter_index, "EXTENSION": ExtensionStatements._alter_extension}
    _DROP_KINDS: ClassVar[dict[str, Callable]] = {
        "TABLE": TableStatements._drop_table, "INDEX": IndexStatements._drop_index, "TYPE": EnumStatements._drop_type}
