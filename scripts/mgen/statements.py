"""The statements of a SQL script: split at their semicolons, each with its start line and leading
keywords; and the quieting of sqlglot's warnings while a reader decides for itself what to keep."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlglot
import sqlparse
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from .expressions import SQLGLOT_DIALECT

# the token kinds of a string literal in any dialect
STRING_TOKENS = frozenset({TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.BYTE_STRING,
                           TokenType.HEREDOC_STRING, TokenType.RAW_STRING})


@dataclass(frozen=True)
class Statement:
    """One statement of a script, without its trailing semicolon."""

    line: int  # 1-based line of the statement's first keyword in the file
    text: str
    words: tuple[str, ...]  # leading keywords, upper case: ("CREATE", "UNIQUE", "INDEX", ...)


_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\S")
_PSQL_META = re.compile(r"(?m)^\\.*$")  # psql meta-commands in pg_dump output (\restrict, \connect)


def _pieces_by_tokens(text: str, dialect: str) -> list[tuple[int, str]] | None:
    """(offset, text) of each statement, split at the semicolon tokens of the dialect's own tokenizer
    (which knows its quoting: backticks, dollar quotes); None when the text does not tokenize."""
    try:
        tokens = sqlglot.tokenize(text, read=SQLGLOT_DIALECT[dialect])
    except (TokenError, ParseError):
        return None
    pieces, first, depth = [], None, 0
    for tok in tokens:
        kind = tok.token_type
        if kind == TokenType.SEMICOLON and depth == 0:
            if first is not None:
                pieces.append((first.start, text[first.start:tok.end + 1]))
            first = None
        elif first is None:
            first = tok  # a leading BEGIN is a transaction, not a body
        elif kind in (TokenType.BEGIN, TokenType.CASE):
            depth += 1  # a trigger body or a CASE: its semicolons do not end the statement
        elif kind == TokenType.END and depth:
            depth -= 1
    if first is not None:
        pieces.append((first.start, text[first.start:]))
    return pieces


def _pieces_by_sqlparse(text: str) -> list[tuple[int, str]]:
    pieces, pos = [], 0
    for piece in sqlparse.split(text):
        at = text.find(piece, pos)
        if at < 0:  # sqlparse never rewrites text, so this only guards against surprises
            at = pos
        pos = at + len(piece)
        pieces.append((at, piece))
    return pieces


def split_statements(text: str, dialect: str | None = None) -> list[Statement]:
    """The statements of a script with their start lines; comment-only pieces are dropped. With a
    dialect, sqlglot's tokenizer splits (fast, exact quoting); sqlparse is the fallback."""
    cleaned = _PSQL_META.sub("", text)
    pieces = (_pieces_by_tokens(cleaned, dialect) if dialect else None) or _pieces_by_sqlparse(cleaned)
    out: list[Statement] = []
    counted_to, line_base = 0, 1  # newlines counted so far, so the count stays linear in the file
    for at, piece in pieces:
        noise = _LEADING_NOISE.match(piece)
        body = piece[noise.end():] if noise else piece
        if not body.strip() or body.strip() == ";":
            continue
        start = at + (noise.end() if noise else 0)
        line_base += cleaned.count("\n", counted_to, start)
        counted_to = start
        line = line_base
        words: list[str] = []
        for w in _WORD.findall(body[:400]):
            if not (w[0].isalpha() or w[0] == "_"):
                break
            words.append(w.upper())
            if len(words) == 6:
                break
        out.append(Statement(line, body.strip().rstrip(";").strip(), tuple(words)))
    return out


@contextmanager
def quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning for every statement it keeps as a raw Command; we decide ourselves."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
