"""Temporary tables in a migration script.

A migration that moves data may build a scratch table for the length of the script: ``CREATE TEMP TABLE``,
PostgreSQL's ``SELECT ... INTO TEMP TABLE``, then insert, index, alter and drop it. It lives only in the
session that ran the script, so it never enters the schema; while the script runs its name comes first
(PostgreSQL's ``pg_temp`` schema is first on the search path, MySQL's temporary table shadows a permanent one
of its name), so ``ALTER TABLE``, ``CREATE INDEX ... ON``, ``DROP TABLE`` and ``DROP INDEX`` on that name
are skipped, and listed in ``ignored``. The set of names is the interpreter's, one script (one session).

``SELECT ... INTO t`` without TEMP creates a *permanent* table whose columns only the query knows: refused
with the line, as ``CREATE TABLE ... AS SELECT`` is (a table mgen silently left out would be a wrong answer).
"""
from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from ...statements import Statement
from .base import first_line

_TEMP_WORDS = {"TEMP", "TEMPORARY"}
# words between INTO and the new table's name in PostgreSQL's SELECT ... INTO
_INTO_MODIFIERS = _TEMP_WORDS | {"UNLOGGED", "TABLE", "LOCAL", "GLOBAL"}
_CREATE_PREFIX = _TEMP_WORDS | {"CREATE", "GLOBAL", "LOCAL", "TABLE", "IF", "NOT", "EXISTS"}


class TemporaryTables:
    """Mixed into ``SqlInterpreter``; ``self._temporary`` holds the names of this script's temporary tables
    (and of the indexes made on them)."""

    def _create_temporary(self, stmt: Statement, kind: str) -> None:
        """``CREATE TEMP[ORARY] TABLE name ...``: remember the name; nothing enters the schema."""
        if kind == "TABLE":
            tokens = self._tokens(stmt.text)
            i = 0
            while i < len(tokens) and tokens[i].text.upper() in _CREATE_PREFIX:
                i += 1
            if i < len(tokens):
                self._temporary.add(self._qualified_name(tokens, i)[0][-1])
        self._ignore(f"CREATE TEMPORARY {kind}")

    def _select(self, stmt: Statement) -> None:
        """A query changes no table, unless it is PostgreSQL's ``SELECT ... INTO [TEMP] [TABLE] name``."""
        into = self._select_into(stmt) if self.dialect == "postgresql" else None
        if into is None:
            self._ignore(stmt.words[0] if stmt.words else "SELECT")
            return
        modifiers, name = into
        if not modifiers & _TEMP_WORDS:
            raise self.error(f"SELECT ... INTO {name} creates a table whose columns only the query knows; mgen "
                             f"cannot read it (write CREATE TABLE {name} (...) and INSERT ... SELECT instead)")
        self._temporary.add(name)
        self._ignore("SELECT INTO TEMPORARY TABLE")

    def _select_into(self, stmt: Statement) -> tuple[set[str], str] | None:
        """(the words between INTO and the name, the name) of a top-level ``INTO`` that is not an
        ``INSERT INTO`` / ``MERGE INTO``; None when the statement has none."""
        if "INTO" not in stmt.text.upper():
            return None
        tokens = self._tokens(stmt.text)
        depth = 0
        for i, tok in enumerate(tokens):
            if tok.token_type == TokenType.L_PAREN:
                depth += 1
            elif tok.token_type == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and tok.text.upper() == "INTO" and i > 0 and \
                    tokens[i - 1].text.upper() not in ("INSERT", "MERGE"):
                return self._into_target(tokens, i + 1)
        return None

    def _into_target(self, tokens: list[Token], i: int) -> tuple[set[str], str]:
        modifiers: set[str] = set()
        while i < len(tokens) and tokens[i].text.upper() in _INTO_MODIFIERS and tokens[i].token_type != \
                TokenType.IDENTIFIER:
            modifiers.add(tokens[i].text.upper())
            i += 1
        if i >= len(tokens):
            raise self.error(f"cannot read {first_line(tokens[0].text)!r}: SELECT ... INTO without a name")
        return modifiers, self._qualified_name(tokens, i)[0][-1]

    def is_temporary(self, name: str) -> bool:
        """Whether ``name`` (as the database folds it) is one of this script's temporary tables or their
        indexes."""
        return name in self._temporary

    def forget_temporary(self, name: str) -> bool:
        """Drop ``name`` if it is temporary (True: skipped, listed in ``ignored``); False: a permanent one."""
        if name not in self._temporary:
            return False
        self._temporary.discard(name)
        self._ignore("DROP TEMPORARY")
        return True
