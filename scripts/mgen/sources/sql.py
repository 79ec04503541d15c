"""The SQL reader: a DDL interpreter on sqlglot.

``read_sql_text`` splits a script into statements and APPLIES each one to a ``Schema``: CREATE TABLE
adds a table, ALTER TABLE changes it, DROP removes it. Because it interprets rather than collects,
the same function reads a ``pg_dump --schema-only`` / ``mysqldump --no-data`` / ``sqlite3 .schema``
file, SQLite's stored ``sqlite_master.sql`` text, and a folder of up-migrations folded in order.

Everything it produces follows the model's invariants (docs/architecture.md): portable types,
canonical expressions, a name for every constraint and index. Statements that do not describe tables
(SET, GRANT, INSERT, CREATE VIEW/FUNCTION/SEQUENCE, ...) are skipped and listed in
``SqlInterpreter.ignored``.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import sqlglot
import sqlparse
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from .. import naming
from ..errors import MgenError
from ..expressions import SQLGLOT_DIALECT, canonical_node
from ..expressions import parse as parse_expression
from ..operations import RenameColumn, RenameTable
from ..schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    ForeignKey,
    Generated,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
    canonical_number,
)

DIALECTS = tuple(SQLGLOT_DIALECT)
EMPTY_SCHEMA = Schema()  # the default starting point (Schema is immutable, so one instance serves all)

# =============================================================================================
# Types
# =============================================================================================

# spelling (lower case, single spaces, without arguments) -> portable name
_SPELLINGS: dict[str, str] = {
    "smallint": "smallint", "int2": "smallint", "tinyint": "smallint",
    "integer": "integer", "int": "integer", "int4": "integer", "mediumint": "integer",
    "bigint": "bigint", "int8": "bigint",
    "numeric": "numeric", "decimal": "numeric", "dec": "numeric", "fixed": "numeric",
    "real": "real", "float4": "real", "float": "real",
    "double": "double", "double precision": "double", "float8": "double",
    "bool": "boolean", "boolean": "boolean",
    "char": "char", "character": "char", "nchar": "char",
    "varchar": "varchar", "character varying": "varchar", "nvarchar": "varchar", "varchar2": "varchar",
    "text": "text", "tinytext": "text", "mediumtext": "text", "longtext": "text", "clob": "text",
    "date": "date",
    "time": "time", "time without time zone": "time",
    "timestamp": "timestamp", "timestamp without time zone": "timestamp", "datetime": "timestamp",
    "timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
    "uuid": "uuid", "json": "json", "jsonb": "jsonb",
    "bytea": "binary", "blob": "binary", "tinyblob": "binary", "mediumblob": "binary",
    "longblob": "binary", "binary": "binary", "varbinary": "binary",
}
# spellings whose meaning differs per dialect
_DIALECT_SPELLINGS: dict[str, dict[str, str]] = {
    "mysql": {"timestamp": "timestamptz"},  # MySQL TIMESTAMP is stored in UTC and shown in the session zone
}
_SERIALS = {
    "serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint",
    "smallserial": "smallint", "serial2": "smallint",
}
_MYSQL_SERIAL = "bigint"  # MySQL SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
_MODIFIER_WORDS = {"unsigned", "signed", "zerofill"}  # MySQL integer attributes: no portable meaning
# words that continue a type name after its first word: "double precision", "timestamp(3) with time zone"
_TYPE_CONTINUATION = {"varying", "precision", "with", "without", "time", "zone", "unsigned", "signed", "zerofill"}
_NUMERIC_TYPES = {"smallint", "integer", "bigint", "numeric", "real", "double"}

SUPPORTED_TYPES = (
    "smallint/int2, integer/int/int4, bigint/int8, serial, bigserial, smallserial, numeric/decimal(p,s), "
    "real/float4, double precision/float8, boolean/bool (MySQL tinyint(1)), char(n), varchar(n), "
    "text (tiny/medium/longtext), date, time, timestamp/datetime, timestamptz, uuid, json, jsonb, "
    "bytea/blob/binary(n)/varbinary(n), enum"
)

_TYPE_RE = re.compile(
    r"^(?P<name>[^()\[\]]+)(?:\((?P<args>[^()]*)\))?\s*(?P<suffix>[a-z ]*)(?P<array>(?:\[\s*\d*\s*\])*)$",
    re.IGNORECASE)
_ENUM_RE = re.compile(r"^\s*(?P<kind>enum|set)\s*\((?P<values>.*)\)\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ParsedType:
    """What a type spelling says: the portable type, an implied identity (serial) and, for an inline
    ``ENUM('a','b')``, its values (the caller names the enum)."""

    type: ColumnType
    identity: str | None = None
    enum_values: tuple[str, ...] | None = None


def parse_type(type_: str | exp.DataType, dialect: str, enums: Iterable[str] = ()) -> ColumnType:
    """The portable ``ColumnType`` of a type as written in ``dialect``.

    ``enums`` are the names of known enum types (PostgreSQL ``CREATE TYPE ... AS ENUM``), so a column
    typed ``mood`` reads as ``ColumnType("enum", enum="mood")``. An inline MySQL ``ENUM(...)`` gives
    ``ColumnType("enum")`` without a name; ``serial`` gives its integer type (identity is the
    column's business; see ``parse_type_details``). Unknown types raise ``MgenError``."""
    return parse_type_details(type_, dialect, enums).type


def parse_type_details(type_: str | exp.DataType, dialect: str, enums: Iterable[str] = ()) -> ParsedType:
    """``parse_type`` with the implied identity and inline enum values."""
    text = type_.sql(dialect=SQLGLOT_DIALECT[dialect]) if isinstance(type_, exp.DataType) else type_
    enum = _ENUM_RE.match(text)
    if enum:
        if enum.group("kind").lower() == "set":
            raise MgenError(f"unsupported type {text!r} (MySQL SET); supported: {SUPPORTED_TYPES}")
        return ParsedType(ColumnType("enum"), enum_values=_string_values(enum.group("values"), dialect))
    m = _TYPE_RE.match(" ".join(text.split()))
    if not m or m.group("array"):
        raise MgenError(f"unknown type {text!r}; supported: {SUPPORTED_TYPES}")
    raw_name = m.group("name").strip()
    suffix = [w for w in m.group("suffix").lower().split() if w not in _MODIFIER_WORDS]
    spelling = " ".join([w for w in raw_name.lower().split() if w not in _MODIFIER_WORDS] + suffix)
    args = _type_args(m.group("args"), text)
    if spelling in _SERIALS or (dialect == "mysql" and spelling == "serial"):
        base = _MYSQL_SERIAL if dialect == "mysql" else _SERIALS[spelling]
        return ParsedType(ColumnType(base), identity="serial")
    portable = _DIALECT_SPELLINGS.get(dialect, {}).get(spelling) or _SPELLINGS.get(spelling)
    if portable is None:
        enum_name = _user_type_name(raw_name, dialect)
        if enum_name in set(enums):
            return ParsedType(ColumnType("enum", enum=enum_name))
        raise MgenError(f"unknown type {text!r}; supported: {SUPPORTED_TYPES}")
    return ParsedType(_with_args(portable, spelling, args, dialect))


def _type_args(args: str | None, text: str) -> tuple[int, ...]:
    if args is None or not args.strip():
        return ()
    try:
        return tuple(int(a) for a in args.split(","))
    except ValueError:
        raise MgenError(f"cannot read the size of type {text!r}") from None


def _with_args(portable: str, spelling: str, args: tuple[int, ...], dialect: str) -> ColumnType:
    """Apply a type's arguments: a length, a precision (and scale), or nothing (display widths)."""
    if spelling == "float" and args:
        # float(p): p <= 24 is single precision in PostgreSQL and MySQL
        return ColumnType("real" if args[0] <= 24 else "double")
    if spelling == "float" and dialect == "postgresql":
        return ColumnType("double")  # PostgreSQL's bare FLOAT is float8
    if spelling == "tinyint" and dialect == "mysql" and args == (1,):
        return ColumnType("boolean")
    if portable in ("char", "varchar", "binary"):
        return ColumnType(portable, length=args[0] if args else None)
    if portable == "numeric":
        if not args:
            return ColumnType("numeric")
        return ColumnType("numeric", precision=args[0], scale=args[1] if len(args) > 1 else 0)
    if portable in ("time", "timestamp", "timestamptz"):
        return ColumnType(portable, precision=args[0] if args else None)
    return ColumnType(portable)


def _user_type_name(raw: str, dialect: str) -> str:
    """``public."Mood"`` -> ``Mood``; ``public.mood`` -> ``mood``: the unqualified type name."""
    last = re.split(r'\.(?=(?:[^"]*"[^"]*")*[^"]*$)', raw.strip())[-1].strip()
    if len(last) >= 2 and last[0] == last[-1] and last[0] in "\"`":
        return last[1:-1]
    return last.lower() if dialect == "postgresql" else last


def _string_values(text: str, dialect: str) -> tuple[str, ...]:
    """The string literals in ``'a', 'b''c'`` (enum members)."""
    try:
        tokens = sqlglot.tokenize(text, read=SQLGLOT_DIALECT[dialect])
    except TokenError as e:
        raise MgenError(f"cannot read enum values {text!r}: {str(e).splitlines()[0]}") from None
    values = tuple(t.text for t in tokens if t.token_type in _STRING_TOKENS)
    if not values:
        raise MgenError(f"enum without values: {text!r}")
    return values


# =============================================================================================
# Expressions and defaults
# =============================================================================================
_STRING_TOKENS = {TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.BYTE_STRING, TokenType.HEREDOC_STRING,
                  TokenType.RAW_STRING}
_NAME_TOKENS = {TokenType.VAR, TokenType.IDENTIFIER}


def canonical_expression(source: str | exp.Expression, dialect: str) -> str:
    """The canonical text of an expression (see ``mgen.expressions``), from text or a parsed node."""
    node = parse_expression(source, dialect) if isinstance(source, str) else source
    return canonical_node(node, dialect)


def declared_generation(expression: str | exp.Expression, stored: bool | None, dialect: str) -> Generated:
    """The generation a column declares; ``stored`` None (no STORED/VIRTUAL written) is the dialect's
    default: STORED on PostgreSQL (its only kind before 18), VIRTUAL on MySQL and SQLite."""
    if dialect == "postgresql" and stored is False:
        raise MgenError("PostgreSQL before 18 has no VIRTUAL generated columns")
    return Generated(canonical_expression(expression, dialect), stored=dialect == "postgresql" if stored is None
                     else stored)


_TRUE = {"1", "true", "t", "yes", "on"}
_FALSE = {"0", "false", "f", "no", "off"}


def literal_default(value: str, is_string: bool, ctype: ColumnType) -> Default:
    """A literal default, typed by its column: '5' on an integer column is the number 5, 1 on a
    boolean column is true (MySQL and SQLite store booleans as integers)."""
    if ctype.name == "boolean" and value.strip().lower() in _TRUE | _FALSE:
        return Default("boolean", "true" if value.strip().lower() in _TRUE else "false")
    if ctype.name in _NUMERIC_TYPES or not is_string:
        number = canonical_number(value)
        if number is not None and (not is_string or ctype.name in _NUMERIC_TYPES):
            return Default("number", number)
    return Default("string", value)


# =============================================================================================
# Statements
# =============================================================================================
@dataclass(frozen=True)
class Statement:
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
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning for every statement it keeps as a raw Command; we decide ourselves."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


# statements that never change tables, by first keyword
_IGNORED_VERBS = {
    "SET", "SELECT", "BEGIN", "START", "COMMIT", "ROLLBACK", "END", "PRAGMA", "INSERT", "UPDATE", "DELETE",
    "REPLACE", "MERGE", "LOCK", "UNLOCK", "GRANT", "REVOKE", "USE", "ANALYZE", "ANALYSE", "VACUUM", "REINDEX",
    "CLUSTER", "DELIMITER", "SAVEPOINT", "RELEASE", "DO", "COPY", "REFRESH", "NOTIFY", "LISTEN", "CALL",
    "EXPLAIN", "WITH", "VALUES", "TRUNCATE", "SECURITY", "DECLARE", "FLUSH", "SHOW", "CHECKPOINT", "ATTACH",
    "DETACH", "DISCARD", "RESET", "PREPARE", "EXECUTE", "DEALLOCATE", "IMPORT", "LOAD", "OPTIMIZE", "REPAIR",
    "HANDLER", "FETCH", "CLOSE", "MOVE", "ABORT", "SOURCE", "CHECKSUM", "KILL", "PURGE", "XA", "WAITFOR",
}
# object kinds after CREATE / ALTER / DROP / COMMENT ON that are not tables (views, code, roles, ...)
_IGNORED_KINDS = {
    "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "SEQUENCE", "SCHEMA", "EXTENSION", "DOMAIN", "RULE", "POLICY",
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
_FK_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")
_FK_OPTION = re.compile(r"^ON\s+(DELETE|UPDATE)\s+(.+)$", re.IGNORECASE)
_SQLITE_TABLE_OPTIONS = re.compile(r"\)\s*(?:(?:WITHOUT\s+ROWID|STRICT)\s*,?\s*)+$", re.IGNORECASE)
# MySQL's online options after CREATE INDEX ... (cols): how the index is built, not what it is
_MYSQL_INDEX_OPTIONS = re.compile(r"(?:\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+)+\s*$", re.IGNORECASE)


@dataclass
class Ignored:
    line: int
    kind: str  # "CREATE VIEW", "SET", "ALTER TABLE ... OWNER TO", ...


@dataclass
class _PendingReference:
    """A FOREIGN KEY ... REFERENCES t without columns: it means t's primary key, known later."""

    table: str
    fk_name: str
    line: int


@dataclass
class _Parsed:
    """The statement text sqlglot parsed and its tokens (for the exact type spelling)."""

    sql: str
    tokens: list = field(default_factory=list)


class SqlInterpreter:
    """Applies DDL statements to a schema, one at a time; see the module docstring."""

    def __init__(self, dialect: str, schema: Schema = EMPTY_SCHEMA, filename: str | None = None):
        if dialect not in SQLGLOT_DIALECT:
            raise MgenError(f"unknown dialect {dialect!r} (choose one of: {', '.join(DIALECTS)})")
        self.dialect = dialect
        self.sg = SQLGLOT_DIALECT[dialect]
        self.schema = schema
        self.filename = filename
        self.ignored: list[Ignored] = []
        self.line = 0
        self._parsed = _Parsed("")
        self._pending: list[_PendingReference] = []
        self._auto_named: set[tuple[str, str]] = set()  # SQLite: (table, name) of derived constraint names
        # MySQL gives every foreign key an index of the same name; migrations drop it after the key
        self._fk_names: set[tuple[str, str]] = {(t.name, f.name) for t in schema.tables for f in t.foreign_keys}

    # -- driver --------------------------------------------------------------------------------
    def run(self, text: str) -> Schema:
        with _quiet_sqlglot():
            for stmt in split_statements(text, self.dialect):
                self.line = stmt.line
                self.execute(stmt)
        self._resolve_pending()
        if self.dialect == "mysql":
            self.schema = mysql_final_form(self.schema)
        return self.schema

    def execute(self, stmt: Statement) -> None:
        verb = stmt.words[0] if stmt.words else ""
        handler = self._VERBS.get(verb)
        if handler is not None:
            handler(self, stmt)
        elif verb in _IGNORED_VERBS:
            self._ignore(verb)
        else:
            raise self.error(f"unrecognised statement: {_first_line(stmt.text)!r}")

    def error(self, message: str, line: int | None = None) -> MgenError:
        return MgenError(message, self.filename, line or self.line)

    def _ignore(self, kind: str) -> None:
        self.ignored.append(Ignored(self.line, kind))

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
            self._ignore(f"CREATE TEMPORARY {kind}")
        elif handler is not None:
            handler(self, stmt)
        elif kind in _IGNORED_KINDS:
            self._ignore(f"CREATE {kind}")
        else:
            raise self.error(f"unrecognised statement: {_first_line(stmt.text)!r}")

    def _alter(self, stmt: Statement) -> None:
        kind, _ = self._kind_after(stmt.words, 1)
        handler = self._ALTER_KINDS.get(kind)
        if handler is not None:
            handler(self, stmt)
        elif kind in _IGNORED_KINDS or kind in ("ONLINE", "IGNORE"):
            self._ignore(f"ALTER {kind}")
        else:
            raise self.error(f"unrecognised statement: {_first_line(stmt.text)!r}")

    def _drop(self, stmt: Statement) -> None:
        kind, temporary = self._kind_after(stmt.words, 1)
        if kind in ("TABLE", "INDEX", "TYPE") and not temporary:
            node = self._parse(stmt.text)
            if not isinstance(node, exp.Drop):
                raise self.error(f"cannot read {_first_line(stmt.text)!r}")
            self._DROP_KINDS[kind](self, node)
        elif kind in _IGNORED_KINDS or temporary:
            self._ignore(f"DROP {kind}")
        else:
            raise self.error(f"unrecognised statement: {_first_line(stmt.text)!r}")

    # -- parsing helpers ---------------------------------------------------------------------------
    def _parse(self, sql: str) -> exp.Expression:
        try:
            tokens = sqlglot.tokenize(sql, read=self.sg)
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
        """The name an identifier denotes: PostgreSQL folds unquoted names to lower case."""
        if isinstance(node, str):
            return node.lower() if self.dialect == "postgresql" else node
        if isinstance(node, (exp.Table, exp.Column)):
            node = node.this
        if isinstance(node, exp.Dot):
            node = node.expression
        if isinstance(node, exp.Identifier):
            if node.quoted or self.dialect != "postgresql":
                return node.this
            return node.this.lower()
        if isinstance(node, (exp.Var, exp.Literal)):
            return self.ident(node.name)
        raise self.error(f"expected a name, found {node.sql(dialect=self.sg) if node is not None else 'nothing'!r}")

    def token_name(self, tok: Token) -> str:
        if tok.token_type == TokenType.IDENTIFIER or self.dialect != "postgresql":
            return tok.text
        return tok.text.lower()

    def _qualified_name(self, tokens: Sequence[Token], i: int) -> tuple[list[str], int]:
        """Read ``a.b."C"`` starting at ``tokens[i]``: the parts and the index after them."""
        parts = [self.token_name(tokens[i])]
        i += 1
        while i + 1 < len(tokens) and tokens[i].token_type == TokenType.DOT:
            parts.append(self.token_name(tokens[i + 1]))
            i += 2
        return parts, i

    def _raw_type_text(self, name_ident: exp.Identifier, fallback: exp.DataType | None) -> str:
        """The type exactly as written after the column name (sqlglot's DataType loses spellings:
        SQLite REAL becomes DOUBLE, MySQL INT8 becomes TINYINT)."""
        start = name_ident.meta.get("start") if isinstance(name_ident, exp.Identifier) else None
        tokens, sql = self._parsed.tokens, self._parsed.sql
        idx = next((k for k, t in enumerate(tokens) if t.start == start), None) if start is not None else None
        if idx is None:
            return fallback.sql(dialect=self.sg) if fallback is not None else ""
        i = idx + 1
        while i < len(tokens) and tokens[i].text.upper() in ("SET", "DATA", "TYPE"):
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
                    t.text.lower() in _TYPE_CONTINUATION and t.token_type not in _STRING_TOKENS):
                i += 1
            else:
                break
        return sql[tokens[first].start: tokens[i - 1].end + 1]

    # -- lookups -------------------------------------------------------------------------------------
    def find_table(self, name: str) -> str | None:
        if self.schema.has_table(name):
            return name
        if self.dialect != "postgresql":  # MySQL on case-insensitive systems and SQLite ignore case
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
        if self.dialect != "postgresql":  # MySQL and SQLite column names ignore case
            for c in table.columns:
                if c.name.lower() == name.lower():
                    return c.name
        raise self.error(f"unknown column {name!r} in table {table.name!r}")

    def _enum_names(self) -> set[str]:
        return {e.name for e in self.schema.enums}

    # ============================================================================================
    # CREATE TABLE
    # ============================================================================================
    def _create_table(self, stmt: Statement) -> None:
        sql = _SQLITE_TABLE_OPTIONS.sub(")", stmt.text) if self.dialect == "sqlite" else stmt.text
        node = self._parse(sql)
        if not isinstance(node, exp.Create) or not isinstance(node.this, exp.Schema):
            if isinstance(node, exp.Create) and node.expression is not None:
                raise self.error("CREATE TABLE ... AS SELECT is not supported: write the columns out")
            raise self.error(f"cannot read {_first_line(stmt.text)!r}")
        name = self.ident(node.this.this)
        if name.startswith("sqlite_") and self.dialect == "sqlite":
            self._ignore("CREATE TABLE sqlite_*")  # SQLite's internal tables (sqlite_sequence, sqlite_stat1)
            return
        if self.find_table(name) is not None:
            if node.args.get("exists"):
                return
            raise self.error(f"table {name!r} already exists")
        table = Table(name=name, comment=self._table_comment(node.args.get("properties")))
        elements = list(node.this.expressions)
        # columns first, so table constraints may name columns defined after them
        for el in elements:
            if isinstance(el, exp.ColumnDef):
                table = self._add_column_def(table, el, None)
            elif isinstance(el, exp.Identifier):
                raise self.error(f"column {self.ident(el)!r} of table {name!r} has no type")
        for el in elements:
            if isinstance(el, exp.ColumnDef):
                table = self._column_constraints(table, el)
            else:
                table = self._table_constraint(table, el)
        self.schema = self.schema.with_table(table)
        self._resolve_pending(final=False)

    def _table_comment(self, properties: exp.Properties | None) -> str | None:
        for prop in (properties.expressions if properties else ()):
            if isinstance(prop, exp.SchemaCommentProperty):
                return prop.this.name or None
        return None

    # -- columns -----------------------------------------------------------------------------------
    def _column(self, table: Table, cdef: exp.ColumnDef) -> Column:
        """The Column a definition describes (table constraints on it are applied separately)."""
        name = self.ident(cdef.this)
        raw = self._raw_type_text(cdef.this, cdef.args.get("kind"))
        if not raw:
            raise self.error(f"column {name!r} of table {table.name!r} has no type")
        try:
            parsed = parse_type_details(raw, self.dialect, self._enum_names())
        except MgenError as e:
            raise self.error(f"column {table.name}.{name}: {e.message}") from None
        ctype = parsed.type
        if parsed.enum_values is not None:
            enum_name = f"{table.name}_{name}"
            self.schema = self.schema.with_enum(EnumType(enum_name, parsed.enum_values))
            ctype = ColumnType("enum", enum=enum_name)
        column = Column(name=name, type=ctype, identity=parsed.identity)
        for cc in cdef.args.get("constraints") or ():
            kind = cc.args.get("kind")
            handler = self._COLUMN_PROPERTIES.get(type(kind))
            if handler is not None:
                column = handler(self, column, kind)
        if column.identity is not None:
            column = replace(column, nullable=False)  # identity columns are NOT NULL in every dialect
        return column

    def _add_column_def(self, table: Table, cdef: exp.ColumnDef, position: exp.ColumnPosition | None) -> Table:
        column = self._column(table, cdef)
        if table.has_column(column.name):
            raise self.error(f"column {column.name!r} already exists in table {table.name!r}")
        cols = list(table.columns)
        at = len(cols)
        if position is not None:
            if str(position.args.get("position", "")).upper() == "FIRST":
                at = 0
            else:
                at = table.column_names().index(self.column_name(table, self.ident(position.this))) + 1
        cols.insert(at, column)
        return replace(table, columns=tuple(cols))

    def _prop_not_null(self, column: Column, node: exp.NotNullColumnConstraint) -> Column:
        return replace(column, nullable=bool(node.args.get("allow_null")))

    def _prop_default(self, column: Column, node: exp.DefaultColumnConstraint) -> Column:
        default, identity = self.default(node.this, column.type)
        return replace(column, default=default, identity=identity or column.identity)

    def _prop_auto_increment(self, column: Column, node: exp.Expression) -> Column:
        return replace(column, identity="serial")

    def _prop_identity(self, column: Column, node: exp.GeneratedAsIdentityColumnConstraint) -> Column:
        if node.args.get("expression") is not None:
            raise self.error(f"generated column {column.name!r} is not supported")
        return replace(column, identity="always" if node.this else "by_default")

    def _prop_computed(self, column: Column, node: exp.ComputedColumnConstraint) -> Column:
        """``GENERATED ALWAYS AS (expr) STORED|VIRTUAL`` (MySQL and SQLite also ``AS (expr)``)."""
        expression = node.this
        while isinstance(expression, exp.Paren):
            expression = expression.this
        try:
            generated = declared_generation(expression, node.args.get("persisted"), self.dialect)
        except MgenError as e:
            raise self.error(f"generated column {column.name!r}: {e.message}") from None
        return replace(column, generated=generated)

    def _prop_comment(self, column: Column, node: exp.CommentColumnConstraint) -> Column:
        return replace(column, comment=node.this.name or None)

    _COLUMN_PROPERTIES: ClassVar[dict[type, Callable]] = {
        exp.NotNullColumnConstraint: _prop_not_null,
        exp.DefaultColumnConstraint: _prop_default,
        exp.AutoIncrementColumnConstraint: _prop_auto_increment,
        exp.GeneratedAsIdentityColumnConstraint: _prop_identity,
        exp.ComputedColumnConstraint: _prop_computed,
        exp.CommentColumnConstraint: _prop_comment,
    }

    def default(self, node: exp.Expression, ctype: ColumnType) -> tuple[Default | None, str | None]:
        """(Default or None, implied identity): ``nextval('t_id_seq')`` is a serial, not a default."""
        while isinstance(node, exp.Paren):
            node = node.this
        handler = self._DEFAULT_KINDS.get(type(node))
        if handler is not None:
            return handler(self, node, ctype)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "nextval":
            return None, "serial"
        return Default("expression", canonical_expression(node, self.dialect)), None

    def _default_null(self, node, ctype):
        return None, None

    def _default_boolean(self, node: exp.Boolean, ctype):
        return Default("boolean", "true" if node.this else "false"), None

    def _default_literal(self, node: exp.Literal, ctype):
        return literal_default(node.this, node.is_string, ctype), None

    def _default_negative(self, node: exp.Neg, ctype):
        inner = node.this
        if isinstance(inner, exp.Literal) and not inner.is_string:
            number = canonical_number("-" + inner.this)
            if number is not None:
                return Default("number", number), None
        return Default("expression", canonical_expression(node, self.dialect)), None

    def _default_cast(self, node: exp.Cast, ctype):
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, (exp.Literal, exp.Neg, exp.Boolean, exp.Null)):
            return self.default(inner, ctype)  # PostgreSQL prints literals with a cast: 'x'::character varying
        return Default("expression", canonical_expression(node, self.dialect)), None

    _DEFAULT_KINDS: ClassVar[dict[type, Callable]] = {
        exp.Null: _default_null,
        exp.Boolean: _default_boolean,
        exp.Literal: _default_literal,
        exp.Neg: _default_negative,
        exp.Cast: _default_cast,
    }

    # -- constraints -----------------------------------------------------------------------------
    def _column_constraints(self, table: Table, cdef: exp.ColumnDef) -> Table:
        """Apply the column-level PRIMARY KEY / UNIQUE / REFERENCES / CHECK of a column definition."""
        col = self.column_name(table, self.ident(cdef.this))
        for cc in cdef.args.get("constraints") or ():
            kind = cc.args.get("kind")
            name = self.ident(cc.this) if cc.this is not None else None
            handler = self._COLUMN_CONSTRAINTS.get(type(kind))
            if handler is not None:
                table = handler(self, table, col, kind, name)
        return table

    def _col_primary_key(self, table, col, node, name):
        return self.set_primary_key(table, (col,), name)

    def _col_unique(self, table, col, node, name):
        return self.add_unique(table, (col,), name)

    def _col_reference(self, table, col, node: exp.Reference, name):
        return self.add_foreign_key(table, (col,), node, name, node.args.get("options") or ())

    def _col_check(self, table, col, node: exp.CheckColumnConstraint, name):
        return self.add_check(table, node.this, name)

    _COLUMN_CONSTRAINTS: ClassVar[dict[type, Callable]] = {
        exp.PrimaryKeyColumnConstraint: _col_primary_key,
        exp.UniqueColumnConstraint: _col_unique,
        exp.Reference: _col_reference,
        exp.CheckColumnConstraint: _col_check,
    }

    def _table_constraint(self, table: Table, node: exp.Expression, name: str | None = None) -> Table:
        handler = self._TABLE_CONSTRAINTS.get(type(node))
        if handler is None:
            return table  # LIKE, EXCLUDE, table options sqlglot keeps inline: nothing the model holds
        return handler(self, table, node, name)

    def _tc_named(self, table, node: exp.Constraint, name):
        name = self.ident(node.this)
        for inner in node.expressions:
            table = self._table_constraint(table, inner, name)
        return table

    def _tc_primary_key(self, table, node: exp.PrimaryKey, name):
        return self.set_primary_key(table, self._column_list(table, node.expressions), name)

    def _tc_unique(self, table, node: exp.UniqueColumnConstraint, name):
        target = node.this
        if isinstance(target, exp.Schema):
            if target.this is not None and name is None:
                name = self.ident(target.this)  # MySQL UNIQUE KEY name (cols)
            cols = self._column_list(table, target.expressions)
        elif target is not None:
            cols = self._column_list(table, [target])
        else:
            raise self.error("UNIQUE without columns")
        return self.add_unique(table, cols, name)

    def _tc_foreign_key(self, table, node: exp.ForeignKey, name):
        cols = self._column_list(table, node.expressions)
        ref = node.args.get("reference")
        options = list(ref.args.get("options") or ()) if ref is not None else []
        for action in ("delete", "update"):
            if node.args.get(action):
                options.append(f"ON {action.upper()} {node.args[action]}")
        return self.add_foreign_key(table, cols, ref, name, options)

    def _tc_check(self, table, node: exp.CheckColumnConstraint, name):
        return self.add_check(table, node.this, name)

    def _tc_index(self, table, node: exp.IndexColumnConstraint, name):
        """MySQL ``KEY name (cols)`` / ``INDEX`` / ``FULLTEXT KEY`` inside CREATE or ALTER TABLE."""
        name = self.ident(node.this) if node.this is not None else name
        kind = str(node.args.get("kind") or "").lower() or None
        columns, labels = self._index_columns(table, node.expressions)
        return self.add_index(table, Index(name or "", columns, method=kind), labels)

    _TABLE_CONSTRAINTS: ClassVar[dict[type, Callable]] = {
        exp.Constraint: _tc_named,
        exp.PrimaryKey: _tc_primary_key,
        exp.UniqueColumnConstraint: _tc_unique,
        exp.ForeignKey: _tc_foreign_key,
        exp.CheckColumnConstraint: _tc_check,
        exp.IndexColumnConstraint: _tc_index,
    }

    def _column_list(self, table: Table, nodes: Iterable[exp.Expression]) -> tuple[str, ...]:
        cols = []
        for n in nodes:
            while isinstance(n, (exp.Ordered, exp.ColumnPrefix)):
                n = n.this
            cols.append(self.column_name(table, self.ident(n)))
        return tuple(cols)

    def _index_columns(self, table: Table, nodes: Iterable[exp.Expression]) -> tuple[tuple[str, ...], list[str]]:
        """Index columns (names, or "(expression)") and the words PostgreSQL would name them by."""
        columns, labels = [], []
        for n in nodes:
            while isinstance(n, (exp.Ordered, exp.ColumnPrefix)):
                n = n.this  # sort order and MySQL prefix lengths are not part of the model
            while isinstance(n, exp.Paren):
                n = n.this
            if isinstance(n, (exp.Column, exp.Identifier)) and not (isinstance(n, exp.Column) and n.table):
                col = self.column_name(table, self.ident(n))
                columns.append(col)
                labels.append(col)
            else:
                columns.append("(" + canonical_expression(n, self.dialect) + ")")
                labels.append(_expression_label(n))
        return tuple(columns), labels

    def _fresh_name(self, table: Table, base: str) -> str:
        """``base``, or ``base1``, ``base2``... when taken (PostgreSQL's rule)."""
        taken = _constraint_names(table)
        if base not in taken:
            return base
        n = 1
        while naming.fit(f"{base}{n}") in taken:
            n += 1
        return naming.fit(f"{base}{n}")

    def _auto(self, table: Table, name: str) -> str:
        self._auto_named.add((table.name, name))
        return name

    def set_primary_key(self, table: Table, cols: tuple[str, ...], name: str | None) -> Table:
        if table.primary_key is not None:
            raise self.error(f"table {table.name!r} already has a primary key")
        name = name or self._auto(table, naming.primary_key_name(table.name))
        columns = tuple(replace(c, nullable=False) if c.name in cols else c for c in table.columns)
        return replace(table, primary_key=PrimaryKey(cols, name), columns=columns)

    def add_unique(self, table: Table, cols: tuple[str, ...], name: str | None) -> Table:
        name = name or self._auto(table, self._fresh_name(table, naming.unique_name(table.name, cols)))
        return replace(table, uniques=table.uniques + (Unique(name, cols),))

    def add_foreign_key(self, table: Table, cols: tuple[str, ...], ref: exp.Expression | None,
                        name: str | None, options: Iterable) -> Table:
        if ref is None:
            raise self.error("FOREIGN KEY without REFERENCES")
        target = ref.this
        if isinstance(target, exp.Schema):
            ref_table = self.ident(target.this)
            ref_cols = tuple(self.ident(c) for c in target.expressions)
        else:
            ref_table, ref_cols = self.ident(target), ()
        found = self.find_table(ref_table) or (table.name if ref_table.lower() == table.name.lower() else None)
        ref_table = found or ref_table
        actions = {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
        for opt in options:
            m = _FK_OPTION.match(" ".join(str(opt).split()))
            if m:
                action = m.group(2).upper()
                if action not in _FK_ACTIONS:
                    raise self.error(f"unknown foreign key action {m.group(2)!r}")
                actions[m.group(1).upper()] = action
        name = name or self._auto(table, self._fresh_name(table, naming.foreign_key_name(table.name, cols)))
        self._fk_names.add((table.name, name))
        if not ref_cols:
            self._pending.append(_PendingReference(table.name, name, self.line))
        fk = ForeignKey(name, cols, ref_table, ref_cols, actions["DELETE"], actions["UPDATE"])  # type: ignore[arg-type]
        return replace(table, foreign_keys=table.foreign_keys + (fk,))

    def add_check(self, table: Table, node: exp.Expression, name: str | None) -> Table:
        while isinstance(node, exp.Paren):
            node = node.this
        json_column = self._mariadb_json_check(table, node)
        if json_column is not None:
            # MariaDB spells a JSON column as LONGTEXT + CHECK (json_valid(col))
            column = table.column(json_column)
            return table.replace_column(json_column, replace(column, type=ColumnType("json")))
        referenced = sorted({self.ident(c.this) for c in node.find_all(exp.Column)})
        if name is None:
            cols = [self.column_name(table, referenced[0])] if len(referenced) == 1 else []
            name = self._auto(table, self._fresh_name(table, naming.check_name(table.name, cols)))
        return replace(table, checks=table.checks + (Check(name, canonical_expression(node, self.dialect)),))

    def _mariadb_json_check(self, table: Table, node: exp.Expression) -> str | None:
        if self.dialect != "mysql":
            return None
        if isinstance(node, exp.Anonymous) and node.name.lower() == "json_valid" and len(node.expressions) == 1:
            arg = node.expressions[0]
        elif type(node).__name__ == "JSONValid":  # newer sqlglot versions give json_valid its own node
            arg = node.this
        else:
            return None
        if not isinstance(arg, exp.Column):
            return None
        try:
            col = table.column(self.column_name(table, self.ident(arg)))
        except MgenError:
            return None
        return col.name if col.type.name in ("text", "json") else None

    def add_index(self, table: Table, index: Index, labels: Sequence[str]) -> Table:
        name = index.name or self._fresh_name(table, naming.index_name(table.name, labels))
        if any(i.name == name for i in table.indexes):
            raise self.error(f"index {name!r} already exists on table {table.name!r}")
        return replace(table, indexes=table.indexes + (replace(index, name=name),))

    def _resolve_pending(self, final: bool = True) -> None:
        """Fill in ``REFERENCES t`` (no columns) with t's primary key once t is known."""
        left = []
        for p in self._pending:
            if not self.schema.has_table(p.table):
                continue
            table = self.schema.table(p.table)
            fk = next((f for f in table.foreign_keys if f.name == p.fk_name), None)
            target = self.find_table(fk.ref_table) if fk is not None else None
            if fk is None:
                continue
            if target is None or self.schema.table(target).primary_key is None:
                if final:
                    raise MgenError(f"foreign key {fk.name!r} references {fk.ref_table!r}, which has no primary key",
                                    self.filename, p.line)
                left.append(p)
                continue
            new_fk = replace(fk, ref_table=target, ref_columns=self.schema.table(target).primary_key.columns)
            self.schema = self.schema.with_table(replace(table, foreign_keys=tuple(
                new_fk if f.name == fk.name else f for f in table.foreign_keys)))
        self._pending = left

    # ============================================================================================
    # CREATE INDEX / DROP INDEX
    # ============================================================================================
    def _create_index(self, stmt: Statement) -> None:
        text = _MYSQL_INDEX_OPTIONS.sub("", stmt.text) if self.dialect == "mysql" else stmt.text
        node = self._parse(text)
        if not isinstance(node, exp.Create) or not isinstance(node.this, exp.Index):
            raise self.error(f"cannot read {_first_line(stmt.text)!r}")
        idx = node.this
        table = self.table(self.ident(idx.args["table"]))
        params = idx.args.get("params")
        columns, labels = self._index_columns(table, params.args.get("columns") or () if params else ())
        name = self.ident(idx.this) if idx.this is not None else ""
        if name and any(i.name == name for i in table.indexes) and node.args.get("exists"):
            return
        using = params.args.get("using") if params else None
        method = using.name.lower() if using is not None else None
        where = params.args.get("where") if params else None
        is_unique = bool(node.args.get("unique"))
        kind = "FULLTEXT" if "FULLTEXT" in stmt.words else "SPATIAL" if "SPATIAL" in stmt.words else None
        index = Index(name, columns, unique=is_unique,
                      where=canonical_expression(where.this, self.dialect) if where is not None else None,
                      method=kind.lower() if kind else (None if method in (None, "btree") else method))
        self.schema = self.schema.with_table(self.add_index(table, index, labels))

    def _drop_index(self, node: exp.Drop) -> None:
        on = node.args.get("cluster")  # MySQL DROP INDEX i ON t
        for target in node.args.get("tables") or ():
            name = self.ident(target)
            tables = [self.table(self.ident(on.this))] if isinstance(on, exp.OnProperty) else self.schema.tables
            if self._drop_index_named(tables, name) or node.args.get("exists"):
                continue
            if self.dialect == "mysql" and any((t.name, name) in self._fk_names for t in tables):
                continue  # the index MySQL made for a foreign key: not in the model
            raise self.error(f"unknown index {name!r}")

    def _drop_index_named(self, tables: Iterable[Table], name: str) -> bool:
        for t in tables:
            if any(i.name == name for i in t.indexes):
                self.schema = self.schema.with_table(replace(t, indexes=tuple(i for i in t.indexes if i.name != name)))
                return True
            if self.dialect == "mysql" and any(u.name == name for u in t.uniques):  # MySQL: a unique key is an index
                self.schema = self.schema.with_table(replace(t, uniques=tuple(u for u in t.uniques if u.name != name)))
                return True
        return False

    # ============================================================================================
    # DROP TABLE / TYPE, CREATE TYPE, ALTER TYPE
    # ============================================================================================
    def _drop_table(self, node: exp.Drop) -> None:
        for target in node.args.get("tables") or ():
            found = self.find_table(self.ident(target))
            if found is None:
                if node.args.get("exists"):
                    continue
                raise self.error(f"unknown table {self.ident(target)!r}")
            self.schema = self.schema.without_table(found)
            if node.args.get("cascade"):  # PostgreSQL CASCADE drops the foreign keys pointing at it
                self.schema = replace(self.schema, tables=tuple(
                    replace(t, foreign_keys=tuple(f for f in t.foreign_keys if f.ref_table != found))
                    for t in self.schema.tables))

    def _drop_type(self, node: exp.Drop) -> None:
        for target in node.args.get("tables") or ():
            name = self.ident(target)
            if not self.schema.has_enum(name):
                if node.args.get("exists"):
                    continue
                raise self.error(f"unknown type {name!r}")
            self.schema = self.schema.without_enum(name)

    def _create_type(self, stmt: Statement) -> None:
        node = self._parse(stmt.text)
        kind = node.expression if isinstance(node, exp.Create) else None
        if not (isinstance(kind, exp.DataType) and kind.this == exp.DataType.Type.ENUM):
            self._ignore("CREATE TYPE")  # composite and range types are not columns we model
            return
        name = self.ident(node.this)
        if self.schema.has_enum(name):
            raise self.error(f"type {name!r} already exists")
        self.schema = self.schema.with_enum(EnumType(name, tuple(v.name for v in kind.expressions)))

    def _alter_type(self, stmt: Statement) -> None:
        tokens = self._tokens(stmt.text)
        parts, i = self._qualified_name(tokens, 2)
        name = parts[-1]
        words = [t.text.upper() for t in tokens[i:]]
        if words[:1] == ["OWNER"] or not words:
            self._ignore("ALTER TYPE ... OWNER TO")
            return
        if not self.schema.has_enum(name):
            raise self.error(f"unknown type {name!r}")
        enum = self.schema.enum(name)
        strings = [t.text for t in tokens[i:] if t.token_type in _STRING_TOKENS]
        if words[:2] == ["ADD", "VALUE"] and strings:
            values = list(enum.values)
            value = strings[0]
            if value in values:
                if "EXISTS" in words:
                    return
                raise self.error(f"enum {name!r} already has value {value!r}")
            at = len(values)
            if len(strings) > 1:
                anchor = strings[1]
                if anchor not in values:
                    raise self.error(f"enum {name!r} has no value {anchor!r}")
                at = values.index(anchor) + (1 if "AFTER" in words else 0)
            values.insert(at, value)
            self.schema = self.schema.with_enum(replace(enum, values=tuple(values)))
        elif words[:2] == ["RENAME", "VALUE"] and len(strings) == 2:
            old, new = strings
            if old not in enum.values:
                raise self.error(f"enum {name!r} has no value {old!r}")
            self.schema = self.schema.with_enum(replace(enum, values=tuple(new if v == old else v for v in enum.values)))
        elif words[:2] == ["RENAME", "TO"]:
            self._rename_enum(name, self.token_name(tokens[i + 2]))
        else:
            self._ignore("ALTER TYPE")

    def _rename_enum(self, old: str, new: str) -> None:
        enum = self.schema.enum(old)
        schema = self.schema.without_enum(old).with_enum(replace(enum, name=new))
        tables = []
        for t in schema.tables:
            tables.append(replace(t, columns=tuple(
                replace(c, type=replace(c.type, enum=new)) if c.type.name == "enum" and c.type.enum == old else c
                for c in t.columns)))
        self.schema = replace(schema, tables=tuple(tables))

    # ============================================================================================
    # COMMENT ON, RENAME TABLE, ALTER INDEX
    # ============================================================================================
    def _comment(self, stmt: Statement) -> None:
        tokens = self._tokens(stmt.text)
        kind = tokens[2].text.upper() if len(tokens) > 2 else ""
        if kind not in ("TABLE", "COLUMN"):
            self._ignore(f"COMMENT ON {kind}")
            return
        parts, i = self._qualified_name(tokens, 3)
        if i + 1 >= len(tokens) or tokens[i].text.upper() != "IS":
            raise self.error("expected COMMENT ON ... IS '...' | NULL")
        value_tok = tokens[i + 1]
        value = value_tok.text if value_tok.token_type in _STRING_TOKENS else None
        if value is None and value_tok.token_type != TokenType.NULL:
            raise self.error("expected a string or NULL after IS")
        value = value or None  # PostgreSQL: an empty comment removes it
        if kind == "TABLE":
            table = self.table(parts[-1])
            self.schema = self.schema.with_table(replace(table, comment=value))
        else:
            if len(parts) < 2:
                raise self.error("COMMENT ON COLUMN needs table.column")
            table = self.table(parts[-2])
            col = table.column(self.column_name(table, parts[-1]))
            self.schema = self.schema.with_table(table.replace_column(col.name, replace(col, comment=value)))

    def _rename(self, stmt: Statement) -> None:
        """MySQL ``RENAME TABLE a TO b, c TO d``."""
        if stmt.words[1:2] != ("TABLE",) and stmt.words[1:2] != ("TABLES",):
            raise self.error(f"unrecognised statement: {_first_line(stmt.text)!r}")
        # sqlglot's tokenizer swallows everything after RENAME as one string: tokenize the rest
        tokens = self._tokens(re.sub(r"^\s*RENAME\b", "", stmt.text, flags=re.IGNORECASE))
        i = 1
        while i < len(tokens):
            old, i = self._qualified_name(tokens, i)
            if i >= len(tokens) or tokens[i].text.upper() != "TO":
                raise self.error("expected RENAME TABLE a TO b")
            new, i = self._qualified_name(tokens, i + 1)
            self.rename_table(self.table(old[-1]).name, new[-1])
            if i < len(tokens) and tokens[i].token_type == TokenType.COMMA:
                i += 1

    def rename_table(self, old: str, new: str) -> None:
        if self.find_table(new) is not None and new.lower() != old.lower():
            raise self.error(f"table {new!r} already exists")
        self.schema = RenameTable(old, new).apply(self.schema)
        if self.dialect == "sqlite":
            self._rename_derived_names(old, new)

    def _rename_derived_names(self, old: str, new: str) -> None:
        """SQLite stores no names for unnamed constraints: after a rename they derive from the new name."""
        table = self.schema.table(new)

        def renamed(name: str) -> str:
            if (old, name) in self._auto_named and name.startswith(old + "_"):
                self._auto_named.add((new, new + name[len(old):]))
                return naming.fit(new + name[len(old):])
            return name

        self.schema = self.schema.with_table(replace(
            table,
            primary_key=replace(table.primary_key, name=renamed(table.primary_key.name or "")) if table.primary_key else None,
            uniques=tuple(replace(u, name=renamed(u.name)) for u in table.uniques),
            foreign_keys=tuple(replace(f, name=renamed(f.name)) for f in table.foreign_keys),
            checks=tuple(replace(c, name=renamed(c.name)) for c in table.checks),
        ))

    def _alter_index(self, stmt: Statement) -> None:
        """PostgreSQL ``ALTER INDEX [IF EXISTS] a RENAME TO b``; other index options change nothing modelled."""
        tokens = self._tokens(stmt.text)
        i = 2
        if tokens[i].text.upper() == "IF":
            i += 2
        parts, i = self._qualified_name(tokens, i)
        words = [t.text.upper() for t in tokens[i:]]
        if words[:2] != ["RENAME", "TO"]:
            self._ignore("ALTER INDEX")
            return
        new = self.token_name(tokens[i + 2])
        if not self._rename_index(self.schema.tables, parts[-1], new):
            raise self.error(f"unknown index {parts[-1]!r}")

    def _rename_index(self, tables: Iterable[Table], old: str, new: str) -> bool:
        for t in tables:
            if any(i.name == old for i in t.indexes):
                self.schema = self.schema.with_table(replace(t, indexes=tuple(
                    replace(i, name=new) if i.name == old else i for i in t.indexes)))
                return True
            if any(u.name == old for u in t.uniques):  # PostgreSQL renames a unique constraint with its index
                self.schema = self.schema.with_table(replace(t, uniques=tuple(
                    replace(u, name=new) if u.name == old else u for u in t.uniques)))
                return True
            if t.primary_key is not None and t.primary_key.name == old:
                self.schema = self.schema.with_table(replace(t, primary_key=replace(t.primary_key, name=new)))
                return True
        return False

    # ============================================================================================
    # ALTER TABLE
    # ============================================================================================
    def _alter_table(self, stmt: Statement) -> None:
        tokens = self._tokens(stmt.text)
        i = 2
        exists = False
        while i < len(tokens) and tokens[i].text.upper() in ("IF", "EXISTS", "ONLY", "ONLINE", "IGNORE"):
            exists = exists or tokens[i].text.upper() == "EXISTS"
            i += 1
        if i >= len(tokens):
            raise self.error("ALTER TABLE without a table name")
        parts, i = self._qualified_name(tokens, i)
        head = stmt.text[: tokens[i - 1].end + 1]
        actions = _split_top_level(tokens[i:])
        if all(self._special_action([t.text.upper() for t in a]) is SqlInterpreter._action_ignored for a in actions):
            # pg_dump writes ALTER TABLE ... OWNER TO for sequences and views too
            self._ignore("ALTER TABLE " + " ".join(t.text.upper() for t in actions[0][:2]) if actions else "ALTER TABLE")
            return
        if self.find_table(parts[-1]) is None:
            if exists:
                return
            raise self.error(f"unknown table {parts[-1]!r}")
        for action_tokens in actions:
            action_sql = stmt.text[action_tokens[0].start: action_tokens[-1].end + 1]
            self._alter_action(head, self.table(parts[-1]).name, action_sql, action_tokens)

    def _alter_action(self, head: str, table_name: str, action_sql: str, tokens: list[Token]) -> None:
        words = [t.text.upper() for t in tokens]
        special = self._special_action(words)
        if special is not None:
            special(self, table_name, action_sql, tokens, words)
            return
        node = self._parse(f"{head} {action_sql}")
        if not isinstance(node, exp.Alter):
            raise self.error(f"unsupported ALTER TABLE action: {_first_line(action_sql)!r}")
        before = self.table(table_name)
        for action in node.args.get("actions") or ():
            handler = self._ACTIONS.get(type(action))
            if handler is None:
                raise self.error(f"unsupported ALTER TABLE action: {_first_line(action_sql)!r}")
            handler(self, table_name, action)
        if node.args.get("not_valid"):
            self._mark_not_valid(before, self.table(table_name), action_sql)
        for option in node.args.get("options") or ():
            if isinstance(option, exp.SchemaCommentProperty):
                table = self.table(table_name)
                self.schema = self.schema.with_table(replace(table, comment=option.this.name or None))

    def _special_action(self, words: list[str]) -> Callable | None:
        """Actions sqlglot keeps as raw text, recognised by their keywords."""
        if words[:1] in (["OWNER"], ["ENABLE"], ["DISABLE"], ["REPLICA"], ["CLUSTER"], ["RESET"], ["INHERIT"],
                         ["NO"], ["OF"], ["NOT"], ["ATTACH"], ["DETACH"], ["FORCE"], ["ORDER"],
                         ["CONVERT"], ["ALGORITHM"], ["LOCK"], ["ENGINE"], ["AUTO_INCREMENT"], ["ROW_FORMAT"],
                         ["CHARSET"], ["COLLATE"], ["CHARACTER"], ["DEFAULT"]) \
                or (words[:1] == ["SET"] and words[1:2] != ["DATA"]) \
                or words[:2] == ["ALTER", "CONSTRAINT"]:
            return SqlInterpreter._action_ignored
        col_words = words[2:] if words[1:2] == ["COLUMN"] else words[1:]
        if words[:1] == ["ALTER"] and len(col_words) > 1:
            rest = col_words[1:]
            if rest[:2] == ["ADD", "GENERATED"] or rest[:2] == ["SET", "GENERATED"]:
                return SqlInterpreter._action_add_identity
            if rest[:2] == ["DROP", "IDENTITY"]:
                return SqlInterpreter._action_drop_identity
            if rest[:2] == ["DROP", "EXPRESSION"]:
                return SqlInterpreter._action_drop_expression
            if rest[:2] in (["SET", "STATISTICS"], ["SET", "STORAGE"], ["SET", "COMPRESSION"], ["SET", "("],
                            ["RESET", "("]) or rest[:1] == ["RESTART"] or (rest[:1] == ["SET"] and
                                                                          rest[1:2] in (["INCREMENT"], ["START"])):
                return SqlInterpreter._action_ignored
        if words[:2] == ["RENAME", "CONSTRAINT"]:
            return SqlInterpreter._action_rename_constraint
        if words[:2] == ["VALIDATE", "CONSTRAINT"]:
            return SqlInterpreter._action_validate_constraint
        if words[:2] == ["ADD", "CHECK"] or (words[:1] == ["ADD"] and "CHECK" in words[:4] and words[1] == "CONSTRAINT"
                                             and words[3:4] == ["CHECK"]):
            return SqlInterpreter._action_add_check
        if words[:3] == ["ADD", "COLUMN", "("] or words[:2] == ["ADD", "("]:
            return SqlInterpreter._action_add_columns
        if _using_index_kind(words) is not None:
            return SqlInterpreter._action_add_constraint_using_index
        return None

    def _action_ignored(self, table_name, sql, tokens, words):
        self._ignore("ALTER TABLE " + " ".join(words[:2]))

    def _column_token(self, table: Table, tokens: list[Token], words: list[str]) -> tuple[Column, int]:
        i = 2 if words[1:2] == ["COLUMN"] else 1
        col = table.column(self.column_name(table, self.token_name(tokens[i])))
        return col, i + 1

    def _action_add_identity(self, table_name, sql, tokens, words):
        table = self.table(table_name)
        col, i = self._column_token(table, tokens, words)
        kind = "always" if "ALWAYS" in words[i:i + 4] else "by_default"
        self.schema = self.schema.with_table(table.replace_column(
            col.name, replace(col, identity=kind, nullable=False, default=None)))

    def _action_drop_identity(self, table_name, sql, tokens, words):
        table = self.table(table_name)
        col, _ = self._column_token(table, tokens, words)
        if col.identity is None and "EXISTS" not in words:
            raise self.error(f"column {table.name}.{col.name} is not an identity column")
        self.schema = self.schema.with_table(table.replace_column(col.name, replace(col, identity=None)))

    def _action_drop_expression(self, table_name, sql, tokens, words):
        """PostgreSQL 13+: a generated column becomes a plain one, keeping its values."""
        table = self.table(table_name)
        col, _ = self._column_token(table, tokens, words)
        if col.generated is None and "EXISTS" not in words:
            raise self.error(f"column {table.name}.{col.name} is not a generated column")
        self.schema = self.schema.with_table(table.replace_column(col.name, replace(col, generated=None)))

    def _action_rename_constraint(self, table_name, sql, tokens, words):
        table = self.table(table_name)
        old, new = self.token_name(tokens[2]), self.token_name(tokens[4])
        if not self._rename_constraint(table, old, new):
            raise self.error(f"unknown constraint {old!r} on table {table.name!r}")

    def _rename_constraint(self, table: Table, old: str, new: str) -> bool:
        if self._rename_index([table], old, new):
            return True
        t = self.schema.table(table.name)
        if any(f.name == old for f in t.foreign_keys):
            t = replace(t, foreign_keys=tuple(replace(f, name=new) if f.name == old else f for f in t.foreign_keys))
        elif any(c.name == old for c in t.checks):
            t = replace(t, checks=tuple(replace(c, name=new) if c.name == old else c for c in t.checks))
        else:
            return False
        self.schema = self.schema.with_table(t)
        return True

    def _action_add_check(self, table_name, sql, tokens, words):
        """``ADD [CONSTRAINT n] CHECK (expr) [NOT VALID]`` (sqlglot reads only the named form)."""
        table = self.table(table_name)
        name = self.token_name(tokens[2]) if words[1] == "CONSTRAINT" else None
        start = next(k for k, t in enumerate(tokens) if t.text.upper() == "CHECK") + 1
        end = _matching_paren(tokens, start)
        if end is None:
            raise self.error("CHECK without a parenthesised expression")
        expr_sql = sql[tokens[start].start - tokens[0].start: tokens[end].end - tokens[0].start + 1]
        try:
            node = sqlglot.parse_one(expr_sql, read=self.sg)
        except (ParseError, TokenError) as e:
            raise self.error(f"SQL syntax error: {str(e).splitlines()[0]}") from None
        after = self.add_check(table, node, name)
        self.schema = self.schema.with_table(after)
        if _has_not_valid(words[end + 1:]):
            self._mark_not_valid(table, after, sql)

    def _mark_not_valid(self, before: Table, after: Table, sql: str) -> None:
        """The CHECKs and foreign keys an ``ADD ... NOT VALID`` action added are not validated yet
        (existing rows unchecked until VALIDATE CONSTRAINT); PostgreSQL refuses NOT VALID for others."""
        if self.dialect != "postgresql":
            raise self.error(f"NOT VALID is PostgreSQL syntax: {_first_line(sql)!r}")
        old = {c.name for c in before.checks} | {f.name for f in before.foreign_keys}
        added = ({c.name for c in after.checks} | {f.name for f in after.foreign_keys}) - old
        if not added:
            raise self.error(f"only CHECK and FOREIGN KEY constraints can be marked NOT VALID: {_first_line(sql)!r}")
        self.schema = self.schema.with_table(_with_validated(after, added, False))

    def _action_validate_constraint(self, table_name, sql, tokens, words):
        """PostgreSQL ``VALIDATE CONSTRAINT name``: a CHECK or foreign key added NOT VALID is checked
        against the existing rows and becomes valid.

        A name the schema does not hold is skipped and listed, not refused: validating changes no
        definition, and a migration linted on its own often validates what an earlier one added."""
        if self.dialect != "postgresql":
            raise self.error(f"VALIDATE CONSTRAINT is PostgreSQL syntax: {_first_line(sql)!r}")
        if len(tokens) < 3:
            raise self.error("VALIDATE CONSTRAINT without a constraint name")
        table = self.table(table_name)
        name = self.token_name(tokens[2])
        if not any(c.name == name for c in (*table.checks, *table.foreign_keys)):
            keys = {u.name for u in table.uniques} | ({table.primary_key.name} if table.primary_key else set())
            if name in keys:
                raise self.error(f"constraint {name!r} of table {table.name!r} is not a foreign key or check constraint")
            self._ignore("ALTER TABLE VALIDATE CONSTRAINT")
            return
        self.schema = self.schema.with_table(_with_validated(table, {name}, True))

    def _action_add_constraint_using_index(self, table_name, sql, tokens, words):
        """PostgreSQL ``ADD [CONSTRAINT name] {UNIQUE | PRIMARY KEY} USING INDEX idx``: an existing unique
        index becomes the constraint and is renamed to the constraint's name (the zero-downtime way to
        add one: the index was built CONCURRENTLY before). sqlglot keeps this as a raw Command."""
        if self.dialect != "postgresql":
            raise self.error(f"ADD CONSTRAINT ... USING INDEX is PostgreSQL syntax: {_first_line(sql)!r}")
        at = _using_index_kind(words)
        assert at is not None  # _special_action routed here only when it is not
        kind, k = at
        if k + 3 >= len(tokens):
            raise self.error(f"USING INDEX without an index name: {_first_line(sql)!r}")
        trailing = words[k + 4:]
        if any(w not in _DEFERRABILITY for w in trailing):
            # DEFERRABLE / INITIALLY ...: the model does not hold deferrability (as for UNIQUE (cols))
            raise self.error(f"unsupported ALTER TABLE action: {_first_line(sql)!r}")
        table = self.table(table_name)
        index_name = self.token_name(tokens[k + 3])
        index = self._index_for_constraint(table, index_name)
        name = self.token_name(tokens[2]) if words[1] == "CONSTRAINT" else index_name
        if name != index_name and self._relation_name_taken(name, table, index_name):
            raise self.error(f"relation {name!r} already exists")
        table = replace(table, indexes=tuple(i for i in table.indexes if i.name != index_name))
        if kind == "PRIMARY KEY":
            table = self.set_primary_key(table, index.columns, name)
        else:
            table = self.add_unique(table, index.columns, name)
        self.schema = self.schema.with_table(table)

    def _index_for_constraint(self, table: Table, name: str) -> Index:
        """The index ``USING INDEX name`` may turn into a constraint; MgenError with PostgreSQL's reason
        when it may not (the server refuses the statement for the same reasons)."""
        index = next((i for i in table.indexes if i.name == name), None)
        if index is None:
            if name in {u.name for u in table.uniques} or (table.primary_key and table.primary_key.name == name):
                raise self.error(f"index {name!r} is already associated with a constraint")
            other = next((t.name for t in self.schema.tables if any(i.name == name for i in t.indexes)), None)
            if other is not None:
                raise self.error(f"index {name!r} does not belong to table {table.name!r}")
            raise self.error(f"unknown index {name!r} on table {table.name!r}")
        if not index.unique:
            raise self.error(f"{name!r} is not a unique index")
        if index.where is not None:
            raise self.error(f"{name!r} is a partial index")
        if any(c.startswith("(") for c in index.columns):
            raise self.error(f"index {name!r} contains expressions")
        if index.method is not None:
            raise self.error(f"index {name!r} is not a btree")
        return index

    def _relation_name_taken(self, name: str, table: Table, index_name: str) -> bool:
        """PostgreSQL renames the index to the constraint's name: the name must be free among the
        table's constraints and the schema's relations (tables, indexes and the indexes behind keys)."""
        if name in _constraint_names(table) - {index_name}:
            return True
        for t in self.schema.tables:
            if t.name == name or any(i.name == name for i in t.indexes) or any(u.name == name for u in t.uniques):
                return True
            if t.primary_key is not None and t.primary_key.name == name:
                return True
        return False

    def _action_add_columns(self, table_name, sql, tokens, words):
        """MySQL ``ADD [COLUMN] (a int, b int)``."""
        start = words.index("(")
        end = _matching_paren(tokens, start)
        if end is None:
            raise self.error("unbalanced parentheses in ADD COLUMN (...)")
        for col_tokens in _split_top_level(tokens[start + 1:end]):
            col_sql = sql[col_tokens[0].start - tokens[0].start: col_tokens[-1].end - tokens[0].start + 1]
            self._alter_action(f"ALTER TABLE {_quote_for(self.dialect, table_name)}", table_name,
                               f"ADD COLUMN {col_sql}", self._tokens(f"ADD COLUMN {col_sql}"))

    # -- actions sqlglot parses ----------------------------------------------------------------------
    def _act_add_column(self, table_name: str, cdef: exp.ColumnDef) -> None:
        table = self.table(table_name)
        name = self.ident(cdef.this)
        if cdef.args.get("exists") and table.has_column(name):
            return
        table = self._add_column_def(table, cdef, cdef.args.get("position"))
        table = self._column_constraints(table, cdef)
        self.schema = self.schema.with_table(table)
        self._resolve_pending(final=False)

    def _act_drop(self, table_name: str, node: exp.Drop) -> None:
        kind = str(node.args.get("kind") or "").upper()
        handler = self._DROP_ACTIONS.get(kind)
        if handler is None:
            raise self.error(f"unsupported ALTER TABLE DROP {kind}")
        for target in node.args.get("tables") or ():
            handler(self, table_name, self.ident(target), bool(node.args.get("exists")), bool(node.args.get("cascade")))

    def _drop_column(self, table_name: str, name: str, exists: bool, cascade: bool) -> None:
        table = self.table(table_name)
        if exists and not any(c.name.lower() == name.lower() for c in table.columns):
            return
        col = self.column_name(table, name)
        self.schema = self.schema.with_table(without_column(table, col, self.dialect))
        if self.dialect == "postgresql":  # PostgreSQL drops foreign keys elsewhere that point at the column
            self.schema = replace(self.schema, tables=tuple(
                replace(t, foreign_keys=tuple(f for f in t.foreign_keys
                                              if not (f.ref_table == table.name and col in f.ref_columns)))
                for t in self.schema.tables))

    def _drop_constraint(self, table_name: str, name: str, exists: bool, cascade: bool) -> None:
        table = self.table(table_name)
        t = _without_constraint(table, name)
        if t is None:
            if exists:
                return
            raise self.error(f"unknown constraint {name!r} on table {table.name!r}")
        self.schema = self.schema.with_table(t)

    def _drop_index_action(self, table_name: str, name: str, exists: bool, cascade: bool) -> None:
        if self._drop_index_named([self.table(table_name)], name) or exists:
            return
        if self.dialect == "mysql" and (self.table(table_name).name, name) in self._fk_names:
            return  # the index MySQL made for a foreign key: not in the model
        raise self.error(f"unknown index {name!r} on table {table_name!r}")

    _DROP_ACTIONS: ClassVar[dict[str, Callable]] = {
        "COLUMN": _drop_column, "": _drop_column,
        "CONSTRAINT": _drop_constraint, "FOREIGN KEY": _drop_constraint, "CHECK": _drop_constraint,
        "INDEX": _drop_index_action, "KEY": _drop_index_action,
    }

    def _act_drop_primary_key(self, table_name: str, node: exp.Expression) -> None:
        table = self.table(table_name)
        self.schema = self.schema.with_table(replace(table, primary_key=None))

    def _act_rename_column(self, table_name: str, node: exp.RenameColumn) -> None:
        table = self.table(table_name)
        old = self.column_name(table, self.ident(node.this))
        new = self.ident(node.args["to"])
        if table.has_column(new) and new.lower() != old.lower():
            raise self.error(f"column {new!r} already exists in table {table.name!r}")
        self.schema = RenameColumn(table.name, old, new).apply(self.schema)

    def _act_rename_table(self, table_name: str, node: exp.AlterRename) -> None:
        self.rename_table(table_name, self.ident(node.this))

    def _act_rename_index(self, table_name: str, node: exp.Expression) -> None:
        old, new = self.ident(node.this), self.ident(node.args["to"])
        if not self._rename_index([self.table(table_name)], old, new):
            raise self.error(f"unknown index {old!r} on table {table_name!r}")

    def _act_alter_column(self, table_name: str, node: exp.AlterColumn) -> None:
        table = self.table(table_name)
        col = table.column(self.column_name(table, self.ident(node.this)))
        if node.args.get("dtype") is not None:
            raw = self._raw_type_text(node.this, node.args["dtype"])
            try:
                parsed = parse_type_details(raw, self.dialect, self._enum_names())
            except MgenError as e:
                raise self.error(f"column {table.name}.{col.name}: {e.message}") from None
            col = replace(col, type=parsed.type)
        if node.args.get("default") is not None:
            default, identity = self.default(node.args["default"], col.type)
            col = replace(col, default=default, identity=identity or col.identity)
            if identity:
                col = replace(col, nullable=False)
        elif node.args.get("drop") and node.args.get("allow_null") is None:
            # a PostgreSQL serial is its nextval() default: dropping the default ends the serial
            identity = None if col.identity == "serial" and self.dialect == "postgresql" else col.identity
            col = replace(col, default=None, identity=identity)
        if node.args.get("allow_null") is not None:
            col = replace(col, nullable=bool(node.args.get("drop")))
        if node.args.get("comment") is not None:
            col = replace(col, comment=node.args["comment"].name or None)
        self.schema = self.schema.with_table(table.replace_column(col.name, col))

    def _act_add_constraint(self, table_name: str, node: exp.AddConstraint) -> None:
        table = self.table(table_name)
        for inner in node.expressions:
            table = self._table_constraint(table, inner)
        self.schema = self.schema.with_table(table)
        self._resolve_pending(final=False)

    def _act_modify_column(self, table_name: str, node: exp.Expression) -> None:
        """MySQL MODIFY / CHANGE: the column is redefined from scratch (type, nullability, default)."""
        table = self.table(table_name)
        cdef = node.this
        old_name = self.ident(node.args["rename_from"]) if node.args.get("rename_from") is not None \
            else self.ident(cdef.this)
        old = self.column_name(table, old_name)
        new_name = self.ident(cdef.this)
        if new_name != old:
            if table.has_column(new_name) and new_name.lower() != old.lower():
                raise self.error(f"column {new_name!r} already exists in table {table.name!r}")
            self.schema = RenameColumn(table.name, old, new_name).apply(self.schema)
            table = self.schema.table(table.name)
        column = self._column(table, cdef)
        if table.primary_key is not None and column.name in table.primary_key.columns:
            column = replace(column, nullable=False)
        table = table.replace_column(column.name, column)
        position = cdef.args.get("position")
        if position is not None:
            rest = replace(table, columns=tuple(c for c in table.columns if c.name != column.name))
            cols = list(rest.columns)
            at = 0 if str(position.args.get("position", "")).upper() == "FIRST" else \
                rest.column_names().index(self.column_name(rest, self.ident(position.this))) + 1
            cols.insert(at, column)
            table = replace(table, columns=tuple(cols))
        table = self._column_constraints(table, cdef)
        self.schema = self.schema.with_table(table)

    _ACTIONS: ClassVar[dict[type, Callable]] = {
        exp.ColumnDef: _act_add_column,
        exp.Drop: _act_drop,
        exp.DropPrimaryKey: _act_drop_primary_key,
        exp.RenameColumn: _act_rename_column,
        exp.AlterRename: _act_rename_table,
        exp.AlterColumn: _act_alter_column,
        exp.AddConstraint: _act_add_constraint,
        exp.ModifyColumn: _act_modify_column,
    }
    if hasattr(exp, "RenameIndex"):
        _ACTIONS[exp.RenameIndex] = _act_rename_index

    _VERBS: ClassVar[dict[str, Callable]] = {
        "CREATE": _create, "ALTER": _alter, "DROP": _drop, "COMMENT": _comment, "RENAME": _rename,
    }
    _CREATE_KINDS: ClassVar[dict[str, Callable]] = {"TABLE": _create_table, "INDEX": _create_index, "TYPE": _create_type}
    _ALTER_KINDS: ClassVar[dict[str, Callable]] = {"TABLE": _alter_table, "TYPE": _alter_type, "INDEX": _alter_index}
    _DROP_KINDS: ClassVar[dict[str, Callable]] = {"TABLE": _drop_table, "INDEX": _drop_index, "TYPE": _drop_type}


# =============================================================================================
# Table surgery the statements need beyond operations.py
# =============================================================================================
def _constraint_names(table: Table) -> set[str]:
    names = {u.name for u in table.uniques} | {i.name for i in table.indexes}
    names |= {f.name for f in table.foreign_keys} | {c.name for c in table.checks}
    if table.primary_key is not None and table.primary_key.name:
        names.add(table.primary_key.name)
    return names


def _mentions(expression: str, column: str) -> bool:
    try:
        node = sqlglot.parse_one(expression, read="postgres")
    except (ParseError, TokenError):
        return True
    return any(c.name == column for c in node.find_all(exp.Column))


def _index_mentions(index: Index, column: str) -> bool:
    return any(c == column or (c.startswith("(") and _mentions(c, column)) for c in index.columns) or (
        index.where is not None and _mentions(index.where, column))


def without_column(table: Table, col: str, dialect: str) -> Table:
    """Drop a column and what depends on it. PostgreSQL drops every index and constraint that uses
    it; MySQL takes the column out of multi-column keys instead."""
    def shrink(cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for c in cols if c != col)

    if dialect == "mysql":
        pk = table.primary_key
        if pk is not None and col in pk.columns:
            pk = replace(pk, columns=shrink(pk.columns)) if shrink(pk.columns) else None
        uniques = tuple(replace(u, columns=shrink(u.columns)) for u in table.uniques if shrink(u.columns))
        indexes = tuple(replace(i, columns=shrink(i.columns)) for i in table.indexes
                        if shrink(i.columns) and not (i.where and _mentions(i.where, col)))
    else:
        pk = None if table.primary_key is not None and col in table.primary_key.columns else table.primary_key
        uniques = tuple(u for u in table.uniques if col not in u.columns)
        indexes = tuple(i for i in table.indexes if not _index_mentions(i, col))
    return replace(
        table,
        columns=tuple(c for c in table.columns if c.name != col),
        primary_key=pk,
        uniques=uniques,
        indexes=indexes,
        foreign_keys=tuple(f for f in table.foreign_keys if col not in f.columns),
        checks=tuple(c for c in table.checks if not _mentions(c.expression, col)),
    )


def _with_validated(table: Table, names: set[str], validated: bool) -> Table:
    """``table`` with the CHECKs and foreign keys named in ``names`` marked (not) validated."""
    return replace(
        table,
        checks=tuple(replace(c, validated=validated) if c.name in names else c for c in table.checks),
        foreign_keys=tuple(replace(f, validated=validated) if f.name in names else f for f in table.foreign_keys))


def _has_not_valid(words: Sequence[str]) -> bool:
    return any(words[k:k + 2] == ["NOT", "VALID"] for k in range(len(words) - 1))


def _without_constraint(table: Table, name: str) -> Table | None:
    """The table without the constraint called ``name``, or None when it has none of that name."""
    if table.primary_key is not None and table.primary_key.name == name:
        return replace(table, primary_key=None)
    for attr in ("uniques", "foreign_keys", "checks"):
        items = getattr(table, attr)
        if any(x.name == name for x in items):
            return replace(table, **{attr: tuple(x for x in items if x.name != name)})
    return None


def mysql_final_form(schema: Schema) -> Schema:
    """What a MySQL database can say about itself: each ENUM column has its own enum type named
    ``<table>_<column>`` (unused ones vanish), and the index MySQL keeps for a foreign key under the
    key's own name is part of the key, not a separate index."""
    enums: dict[str, EnumType] = {}
    tables = []
    for t in schema.tables:
        columns = []
        for c in t.columns:
            if c.type.name == "enum" and c.type.enum and schema.has_enum(c.type.enum):
                name = f"{t.name}_{c.name}"
                enums[name] = EnumType(name, schema.enum(c.type.enum).values)
                c = replace(c, type=replace(c.type, enum=name))
            columns.append(c)
        fks = {f.name: f.columns for f in t.foreign_keys}
        indexes = tuple(i for i in t.indexes if not (
            i.name in fks and not i.unique and i.columns[:len(fks[i.name])] == fks[i.name]))
        tables.append(replace(t, columns=tuple(columns), indexes=indexes))
    return Schema(tables=tuple(tables), enums=tuple(enums.values()))


def _expression_label(node: exp.Expression) -> str:
    """The word PostgreSQL names an expression index column by: the function name, else "expr"."""
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Func):
        return node.key.lower()
    return "expr"


def _split_top_level(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split tokens at commas outside parentheses (the actions of one ALTER TABLE)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in tokens:
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
        if t.token_type == TokenType.COMMA and depth == 0:
            parts.append([])
        elif t.token_type != TokenType.SEMICOLON:
            parts[-1].append(t)
    return [p for p in parts if p]


def _matching_paren(tokens: Sequence[Token], start: int) -> int | None:
    """Index of the ``)`` closing the ``(`` at ``tokens[start]``."""
    if start >= len(tokens) or tokens[start].token_type != TokenType.L_PAREN:
        return None
    depth = 0
    for k in range(start, len(tokens)):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[k].token_type, 0)
        if depth == 0:
            return k
    return None


def _quote_for(dialect: str, name: str) -> str:
    q = "`" if dialect == "mysql" else '"'
    return q + name.replace(q, q + q) + q


_DEFERRABILITY = frozenset({"DEFERRABLE", "NOT", "INITIALLY", "DEFERRED", "IMMEDIATE"})


def _using_index_kind(words: Sequence[str]) -> tuple[str, int] | None:
    """For ``ADD [CONSTRAINT n] {UNIQUE | PRIMARY KEY} USING INDEX idx ...``: the constraint kind and
    the position of UNIQUE / PRIMARY KEY in ``words``; None for any other action (``UNIQUE (cols)
    USING INDEX TABLESPACE ts`` has its columns in between and stays with sqlglot)."""
    if words[:1] != ["ADD"]:
        return None
    k = 3 if words[1:2] == ["CONSTRAINT"] else 1
    if k >= len(words):
        return None
    kind = " ".join(words[k].split())  # sqlglot's single PRIMARY KEY token keeps the written spacing
    if kind not in ("UNIQUE", "PRIMARY KEY") or list(words[k + 1:k + 3]) != ["USING", "INDEX"]:
        return None
    return kind, k


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:80] + ("..." if len(first) > 80 else "")


# =============================================================================================
# Public entry points
# =============================================================================================
def read_sql_text(text: str, dialect: str, schema: Schema = EMPTY_SCHEMA, filename: str | None = None) -> Schema:
    """Apply the DDL in ``text`` (written for ``dialect``: postgresql, mysql or sqlite) to ``schema``."""
    return SqlInterpreter(dialect, schema, filename).run(text)


def sql_files(path: str) -> list[Path]:
    """The .sql files ``path`` names: itself, or every ``*.sql`` below it sorted by relative path."""
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        return sorted((f for f in p.rglob("*.sql") if f.is_file()), key=lambda f: f.relative_to(p).as_posix())
    raise MgenError(f"no such file or folder: {path}")


def read_sql_paths(path: str, dialect: str, schema: Schema = EMPTY_SCHEMA) -> Schema:
    """Fold one .sql file, or every .sql file in a folder (recursively, by name), into a Schema."""
    for f in sql_files(path):
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise MgenError(f"cannot read: {e}", str(f)) from None
        schema = read_sql_text(text, dialect, schema, str(f))
    return schema


__all__ = [
    "SUPPORTED_TYPES",
    "ParsedType",
    "SqlInterpreter",
    "Statement",
    "canonical_expression",
    "canonical_number",
    "literal_default",
    "parse_type",
    "parse_type_details",
    "read_sql_paths",
    "read_sql_text",
    "split_statements",
    "sql_files",
]
