"""PostgreSQL extensions: CREATE EXTENSION [IF NOT EXISTS] x [WITH] [SCHEMA s], ALTER EXTENSION x SET
SCHEMA s, DROP EXTENSION [IF EXISTS] x, y. Other dialects have none: the statements are skipped there."""
from __future__ import annotations

from sqlglot.tokens import Token

from ...schema import Extension
from ...statements import Statement
from .base import InterpreterBase

_IF_EXISTS = ("IF", "NOT", "EXISTS")


def _extension_schema(name: str | None) -> str | None:
    """The schema an extension's objects go to; None where that is the current one (``public``)."""
    return None if name in (None, "public") else name


class ExtensionStatements(InterpreterBase):
    """CREATE / ALTER / DROP EXTENSION."""

    def _extension_tokens(self, stmt: Statement) -> tuple[list[Token], bool] | None:
        """The tokens after ``VERB EXTENSION [IF [NOT] EXISTS]`` and whether IF was written; None (the
        statement skipped) on a dialect without extensions."""
        if self.dialect != "postgresql":
            self._ignore(f"{stmt.words[0]} EXTENSION")
            return None
        tokens = self._tokens(stmt.text)[2:]
        guarded = bool(tokens) and tokens[0].text.upper() == "IF"
        while tokens and tokens[0].text.upper() in _IF_EXISTS:
            tokens = tokens[1:]
        return tokens, guarded

    def _create_extension(self, stmt: Statement) -> None:
        read = self._extension_tokens(stmt)
        if read is None:
            return
        tokens, guarded = read
        name = self.token_name(tokens[0])
        words = [t.text.upper() for t in tokens]
        schema = self.token_name(tokens[words.index("SCHEMA") + 1]) if "SCHEMA" in words[1:-1] else None
        if name in self.schema.extension_names():
            if guarded:
                return
            raise self.error(f"extension {name!r} already exists")
        self.schema = self.schema.with_extension(Extension(name, _extension_schema(schema)))

    def _alter_extension(self, stmt: Statement) -> None:
        read = self._extension_tokens(stmt)
        if read is None:
            return
        tokens, _ = read
        name = self.token_name(tokens[0])
        if [t.text.upper() for t in tokens[1:3]] != ["SET", "SCHEMA"] or len(tokens) < 4:
            self._ignore("ALTER EXTENSION")  # UPDATE, ADD / DROP a member: nothing modelled changes
            return
        if name not in self.schema.extension_names():
            raise self.error(f"unknown extension {name!r}")
        self.schema = self.schema.with_extension(Extension(name, _extension_schema(self.token_name(tokens[3]))))

    def _drop_extension(self, stmt: Statement) -> None:
        read = self._extension_tokens(stmt)
        if read is None:
            return
        tokens, guarded = read
        names = [self.token_name(t) for t in tokens
                 if t.text != "," and t.text.upper() not in ("CASCADE", "RESTRICT")]
        for name in names:
            if name in self.schema.extension_names():
                self.schema = self.schema.without_extension(name)
            elif not guarded:
                raise self.error(f"unknown extension {name!r}")
