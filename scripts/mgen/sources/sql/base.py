"""The interpreter's state and the reading every statement handler shares: the schema so far, the
statement's tokens, names as the database folds and finds them, and errors at the statement's line."""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from ...dialects import get_dialect
from ...errors import MgenError
from ...expressions import SQLGLOT_DIALECT
from ...schema import Schema, Table
from ...sqltypes import TYPE_CONTINUATION
from ...statements import STRING_TOKENS

DIALECTS = tuple(SQLGLOT_DIALECT)
EMPTY_SCHEMA = Schema()  # the default starting point (Schema is immutable, so one instance serves all)


@dataclass
class Ignored:
    """A statement skipped because it describes no table."""

    line: int
    kind: str  # "CREATE VIEW", "SET", "ALTER TABLE ... OWNER TO", ...


@dataclass
class PendingReference:
    """A FOREIGN KEY ... REFERENCES t without columns: it means t's primary key, known later."""

    table: str
    fk_name: str
    line: int


@dataclass
class _Parsed:
    """The statement text sqlglot parsed and its tokens (for the exact type spelling)."""

    sql: str
    tokens: list = field(default_factory=list)
    _starts: dict[int, int] | None = None

    def index_at(self, start: int) -> int | None:
        """The index of the token that starts at ``start`` (the positions are indexed once per statement)."""
        if self._starts is None:
            self._starts = {}
            for k, t in enumerate(self.tokens):
                self._starts.setdefault(t.start, k)
        return self._starts.get(start)


def first_line(text: str) -> str:
    """The statement's first line, cut at 80 characters, for messages."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:80] + ("..." if len(first) > 80 else "")


class OutsideSchema(MgenError):
    """A statement on an object in a PostgreSQL schema other than ``public`` (``events.run_executions``): mgen's
    model holds one namespace, so such an object is refused at its line, or, where the caller reads only the
    default schema as its tool does (Prisma without ``multiSchema``), skipped and named."""

    def __init__(self, message: str, file: str | None, line: int | None, namespace: str):
        super().__init__(message, file, line)
        self.namespace = namespace


class InterpreterBase:
    """The state of one interpreter run and the helpers every statement handler uses. The handler
    classes are mixed into one ``SqlInterpreter`` and call each other's methods through ``self``."""

    def __init__(self, dialect: str, schema: Schema = EMPTY_SCHEMA, filename: str | None = None,
                 cut_long_names: bool = True, other_schemas: str = "refuse") -> None:
        if dialect not in SQLGLOT_DIALECT:
            raise MgenError(f"unknown dialect {dialect!r} (choose one of: {', '.join(DIALECTS)})")
        self.dialect = dialect
        self.sg = SQLGLOT_DIALECT[dialect]
        self.database = get_dialect(dialect)  # what the database does with what it is given
        self.schema = schema
        self.filename = filename
        self.cut_long_names = cut_long_names and self.database.cuts_long_identifiers
        self.other_schemas = other_schemas  # "refuse" or "skip" a statement on another schema's object
        self.skipped_schemas: dict[str, list[str]] = {}  # schema -> where its statements were skipped
        self.ignored: list[Ignored] = []
        self.line = 0
        self._parsed = _Parsed("")
        self._pending: list[PendingReference] = []
        self._temporary: set[str] = set()  # this script's temporary tables and their indexes (temporary.py)
        self._auto_named: set[tuple[str, str]] = set()  # SQLite: (table, name) of derived constraint names
        # MySQL gives every foreign key an index of its name (Dialect.indexes_foreign_keys); migrations drop it
        self._fk_names: set[tuple[str, str]] = {(t.name, f.name) for t in schema.tables for f in t.foreign_keys}

    def error(self, message: str, line: int | None = None) -> MgenError:
        return MgenError(message, self.filename, line or self.line)

    def _ignore(self, kind: str) -> None:
        self.ignored.append(Ignored(self.line, kind))

    # -- parsing ---------------------------------------------------------------------------------
    def _parse(self, sql: str) -> exp.Expression:
        try:
            tokens = sqlglot.tokenize(sql, read=self.sg)
            if self.dialect == "postgresql":
                sql, tokens = _bit_varying_as_varbit(sql, tokens, self.sg)
            node = sqlglot.parse_one(sql, read=self.sg)
        except (ParseError, TokenError) as e:
            raise self.error(f"SQL syntax error: {str(e).splitlines()[0]}") from None
        self._parsed = _Parsed(sql, tokens)
        return node

    def _tokens(self, sql: str) -> list[Token]:
        try:
            return sqlglot.tokenize(sql, read=self.sg)
        except TokenError as e:
            raise self.error(f"SQL syntax error: {str(e).splitlines()[0]}") from None

    def ident(self, node: exp.Expression | str | None) -> str:
        """The name an identifier denotes: PostgreSQL folds unquoted names to lower case and cuts long ones."""
        if isinstance(node, str):
            return self.cut_name(node.lower() if self.database.folds_unquoted_names else node)
        if isinstance(node, exp.Table):
            if node.args.get("db") is not None:
                self.check_namespace(self.ident(node.args["db"]), node.name)
            node = node.this
        elif isinstance(node, exp.Column):
            node = node.this
        if isinstance(node, exp.Dot):
            node = node.expression
        if isinstance(node, exp.Identifier):
            if node.quoted or not self.database.folds_unquoted_names:
                return self.cut_name(node.this)
            return self.cut_name(node.this.lower())
        if isinstance(node, (exp.Var, exp.Literal)):
            return self.ident(node.name)
        raise self.error(f"expected a name, found {node.sql(dialect=self.sg) if node is not None else 'nothing'!r}")

    def token_name(self, tok: Token) -> str:
        if tok.token_type == TokenType.IDENTIFIER or not self.database.folds_unquoted_names:
            return self.cut_name(tok.text)
        return self.cut_name(tok.text.lower())

    def cut_name(self, name: str) -> str:
        """``name`` as the database stores it: PostgreSQL cuts a name over NAMEDATALEN - 1 bytes at a character
        boundary, quoted or not (a notice, not an error), and every later statement's name is cut alike."""
        limit = self.database.identifier_limit
        if not self.cut_long_names or limit is None or len(name) * 4 <= limit:
            return name
        data = name.encode("utf-8", "surrogatepass")
        return name if len(data) <= limit else data[:limit].decode("utf-8", "ignore")

    def _qualified_name(self, tokens: Sequence[Token], i: int, column: bool = False) -> tuple[list[str], int]:
        """Read ``a.b."C"`` starting at ``tokens[i]``: the parts and the index after them."""
        parts = [self.token_name(tokens[i])]
        i += 1
        while i + 1 < len(tokens) and tokens[i].token_type == TokenType.DOT:
            parts.append(self.token_name(tokens[i + 1]))
            i += 2
        named = 2 if column else 1  # the parts after the schema: a relation, or a relation and its column
        if len(parts) > named:
            self.check_namespace(parts[-1 - named], parts[-named])
        return parts, i

    def check_namespace(self, namespace: str, name: str) -> None:
        """Refuse (``OutsideSchema``) an object named in a PostgreSQL schema other than ``public``."""
        if self.dialect != "postgresql" or namespace in ("public", "pg_temp"):
            return
        raise OutsideSchema(f"{namespace}.{name} is in schema {namespace!r}: mgen models the public schema only "
                            "(objects in other schemas are not read yet)", self.filename, self.line, namespace)

    def _raw_type_text(self, name_ident: exp.Identifier, fallback: exp.DataType | None) -> str:
        """The type exactly as written after the column name (sqlglot's DataType loses spellings:
        SQLite REAL becomes DOUBLE, MySQL INT8 becomes TINYINT)."""
        start = name_ident.meta.get("start") if isinstance(name_ident, exp.Identifier) else None
        tokens, sql = self._parsed.tokens, self._parsed.sql
        idx = self._parsed.index_at(start) if start is not None else None
        if idx is None:
            return fallback.sql(dialect=self.sg) if fallback is not None else ""
        i = idx + 1
        while i < len(tokens) and tokens[i].text.upper() in ("SET", "DATA", "TYPE") and not (  # MySQL's SET(...)
                i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.L_PAREN):
            i += 1
        first = i
        if i >= len(tokens):
            return ""
        i += 1
        while i < len(tokens):
            t = tokens[i]
            if t.token_type == TokenType.DOT and i + 1 < len(tokens):
                i += 2
            elif t.token_type == TokenType.L_PAREN and tokens[i - 1].token_type != TokenType.R_PAREN:
                depth = 0
                while i < len(tokens):
                    depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[i].token_type, 0)
                    i += 1
                    if depth == 0:
                        break
            elif t.token_type in (TokenType.L_BRACKET, TokenType.R_BRACKET) or (
                    t.text.lower() in TYPE_CONTINUATION and t.token_type not in STRING_TOKENS):
                i += 1
            else:
                break
        return sql[tokens[first].start: tokens[i - 1].end + 1]

    # -- lookups -------------------------------------------------------------------------------------
    def find_table(self, name: str) -> str | None:
        if self.schema.has_table(name):
            return name
        if self.database.case_insensitive_names:  # MySQL on case-insensitive systems, SQLite
            for t in self.schema.tables:
                if t.name.lower() == name.lower():
                    return t.name
        return None

    def table(self, name: str) -> Table:
        found = self.find_table(name)
        if found is None:
            raise self.error(f"unknown table {name!r}")
        return self.schema.table(found)

    def column_name(self, table: Table, name: str) -> str:
        if table.has_column(name):
            return name
        if self.database.case_insensitive_names:
            for c in table.columns:
                if c.name.lower() == name.lower():
                    return c.name
        raise self.error(f"unknown column {name!r} in table {table.name!r}")

    def _enum_names(self) -> set[str]:
        return {e.name for e in self.schema.enums}


def _bit_varying_as_varbit(sql: str, tokens: list[Token], sg: str) -> tuple[str, list[Token]]:
    """PostgreSQL's ``bit varying(n)`` (how pg_dump writes ``varbit``) spelled ``varbit(n)``, which sqlglot
    reads (it stops at ``bit varying``); the text is tokenized again, so token positions stay true."""
    spans = [(a.start, b.end) for a, b in itertools.pairwise(tokens)
             if a.text.lower() == "bit" and b.text.lower() == "varying" and a.token_type not in STRING_TOKENS
             and b.token_type not in STRING_TOKENS]
    if not spans:
        return sql, tokens
    for start, end in reversed(spans):
        sql = sql[:start] + "varbit" + sql[end + 1:]
    return sql, sqlglot.tokenize(sql, read=sg)
