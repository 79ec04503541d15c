"""``SqlInterpreter``: statement dispatch. Each statement goes by its verb (CREATE, ALTER, DROP,
COMMENT, RENAME) and object kind to the handler that applies it to the schema; statements that do
not describe tables are skipped and listed in ``ignored``."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from sqlglot import exp

from ...schema import Schema
from ...statements import Statement, quiet_sqlglot, split_statements
from .alter_table import AlterTableStatements
from .base import first_line
from .constraints import ConstraintStatements
from .enums import EnumStatements
from .extensions import ExtensionStatements
from .indexes import IndexStatements
from .tables import TableStatements
from .temporary import TemporaryTables

# statements that never change tables, by first keyword
_IGNORED_VERBS = {
    "SET", "BEGIN", "START", "COMMIT", "ROLLBACK", "END", "PRAGMA", "INSERT", "UPDATE", "DELETE",
    "REPLACE", "MERGE", "LOCK", "UNLOCK", "GRANT", "REVOKE", "USE", "ANALYZE", "ANALYSE", "VACUUM", "REINDEX",
    "CLUSTER", "DELIMITER", "SAVEPOINT", "RELEASE", "DO", "COPY", "REFRESH", "NOTIFY", "LISTEN", "CALL",
    "EXPLAIN", "VALUES", "TRUNCATE", "SECURITY", "DECLARE", "FLUSH", "SHOW", "CHECKPOINT", "ATTACH",
    "DETACH", "DISCARD", "RESET", "PREPARE", "EXECUTE", "DEALLOCATE", "IMPORT", "LOAD", "OPTIMIZE", "REPAIR",
    "HANDLER", "FETCH", "CLOSE", "MOVE", "ABORT", "SOURCE", "CHECKSUM", "KILL", "PURGE", "XA", "WAITFOR",
}
# object kinds after CREATE / ALTER / DROP / COMMENT ON that are not tables (views, code, roles, ...)
_IGNORED_KINDS = {
    "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "SEQUENCE", "SCHEMA", "DOMAIN", "RULE", "POLICY",
    "ROLE", "USER", "DATABASE", "EVENT", "AGGREGATE", "CAST", "COLLATION", "OPERATOR", "PUBLICATION",
    "SUBSCRIPTION", "SERVER", "STATISTICS", "TABLESPACE", "TEXT", "FOREIGN", "MATERIALIZED", "CONVERSION",
    "LANGUAGE", "ACCESS", "TRANSFORM", "GROUP", "DEFINER", "ALGORITHM", "SQL", "VIRTUAL", "DEFAULT",
    "OWNED", "LARGE", "SYSTEM", "INSTANCE", "LOGFILE", "RESOURCE", "SPATIAL_REFERENCE", "PROCEDURAL",
    "ROUTINE", "CONSTRAINT", "COLUMN_DUMMY", "TRUSTED", "RECURSIVE", "LOGIN",
    "MASKING", "PACKAGE", "SYNONYM", "MODULE", "PROFILE", "COMMENT", "OPCLASS", "EXTENDED", "ENCRYPTION",
}
_CREATE_MODIFIERS = {"OR", "REPLACE", "UNIQUE", "UNLOGGED", "GLOBAL", "LOCAL", "FULLTEXT", "SPATIAL", "IF", "NOT",
                     "EXISTS", "CONCURRENTLY", "ONLINE", "OFFLINE"}
_TEMPORARY = {"TEMP", "TEMPORARY"}


class SqlInterpreter(AlterTableStatements, TableStatements, IndexStatements, ConstraintStatements, EnumStatements,
                     ExtensionStatements, TemporaryTables):
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
            handler(self, stmt)
        elif verb in _IGNORED_VERBS:
            self._ignore(verb)
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    def _kind_after(self, words: Sequence[str], start: int) -> tuple[str, bool]:
        """The object kind after CREATE/ALTER/DROP modifiers, and whether it is temporary."""
        temporary = False
        for w in words[start:]:
            if w in _TEMPORARY:
                temporary = True
            elif w not in _CREATE_MODIFIERS:
                return w, temporary
        return "", temporary

    # -- verb routing ----------------------------------------------------------------------------
    def _create(self, stmt: Statement) -> None:
        kind, temporary = self._kind_after(stmt.words, 1)
        handler = self._CREATE_KINDS.get(kind)
        if temporary:
            self._create_temporary(stmt, kind)
        elif handler is not None:
            handler(self, stmt)
        elif kind in _IGNORED_KINDS:
            self._ignore(f"CREATE {kind}")
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    def _alter(self, stmt: Statement) -> None:
        kind, _ = self._kind_after(stmt.words, 1)
        handler = self._ALTER_KINDS.get(kind)
        if handler is not None:
            handler(self, stmt)
        elif kind in _IGNORED_KINDS or kind in ("ONLINE", "IGNORE"):
            self._ignore(f"ALTER {kind}")
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    def _drop(self, stmt: Statement) -> None:
        kind, temporary = self._kind_after(stmt.words, 1)
        if kind == "EXTENSION":
            self._drop_extension(stmt)
        elif kind in ("TABLE", "INDEX", "TYPE") and not temporary:
            node = self._parse(stmt.text)
            if not isinstance(node, exp.Drop):
                raise self.error(f"cannot read {first_line(stmt.text)!r}")
            self._DROP_KINDS[kind](self, node)
        elif kind in _IGNORED_KINDS or temporary:
            self._ignore(f"DROP {kind}")
        else:
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")

    _VERBS: ClassVar[dict[str, Callable]] = {
        "CREATE": _create, "ALTER": _alter, "DROP": _drop,
        "COMMENT": TableStatements._comment, "RENAME": TableStatements._rename,
        "SELECT": TemporaryTables._select, "WITH": TemporaryTables._select}
    _CREATE_KINDS: ClassVar[dict[str, Callable]] = {
        "TABLE": TableStatements._create_table, "INDEX": IndexStatements._create_index,
        "TYPE": EnumStatements._create_type, "EXTENSION": ExtensionStatements._create_extension}
    _ALTER_KINDS: ClassVar[dict[str, Callable]] = {
        "TABLE": AlterTableStatements._alter_table, "TYPE": EnumStatements._alter_type,
        "INDEX": IndexStatements._alter_index, "EXTENSION": ExtensionStatements._alter_extension}
    _DROP_KINDS: ClassVar[dict[str, Callable]] = {
        "TABLE": TableStatements._drop_table, "INDEX": IndexStatements._drop_index, "TYPE": EnumStatements._drop_type}
