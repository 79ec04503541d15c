"""PostgreSQL ``DO`` blocks: anonymous PL/pgSQL a migration runs once.

Most move data (a loop of UPDATEs, an INSERT under ``IF NOT EXISTS``): they change no table and are listed
in ``ignored``, as before. Some change the schema, in shapes generators write and people copy:

- Drizzle Kit's ``DO $$ BEGIN CREATE TYPE ... / ALTER TABLE ... ADD CONSTRAINT ...; EXCEPTION WHEN
  duplicate_object THEN null; END $$;``: each statement is applied; when one fails the way the handler's
  condition names (the object already exists / is not there), the block's changes are undone, as PL/pgSQL
  rolls a block back to its start when a handler catches;
- ``IF [NOT] EXISTS (SELECT 1 FROM pg_type / information_schema.columns / ... WHERE name = '...') THEN <DDL>
  END IF``: the condition is asked of the schema read so far (``catalog_condition``);
- ``EXECUTE 'a literal statement'``: that statement.

A block whose schema change mgen cannot follow (DDL in a loop, under a condition it cannot decide, or built
at run time by ``EXECUTE format(...)``) is refused at its line: leaving it out would be a wrong answer.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from ...errors import MgenError
from ...statements import split_statements
from .kinds import changes_tables

_DDL = {"CREATE", "ALTER", "DROP", "COMMENT", "RENAME"}
_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# conditions a handler may name, by what our interpreter reports
_DUPLICATE = {"DUPLICATE_OBJECT", "DUPLICATE_TABLE", "DUPLICATE_COLUMN", "DUPLICATE_SCHEMA", "DUPLICATE_FUNCTION"}
_UNDEFINED = {"UNDEFINED_OBJECT", "UNDEFINED_TABLE", "UNDEFINED_COLUMN"}
_BLOCK_ENDS = {"END", "ELSIF", "ELSEIF", "ELSE", "EXCEPTION", "WHEN"}


@dataclass
class _Stmt:
    """One PL/pgSQL statement: a simple one (``text``), or an IF / loop / nested block (``branches``:
    (condition text or None, statements) pairs; ``kind`` IF, LOOP or BLOCK)."""

    line: int
    kind: str
    text: str = ""
    branches: list[tuple[str | None, list[_Stmt]]] = field(default_factory=list)
    handlers: list[tuple[set[str], list[_Stmt]]] = field(default_factory=list)

    def has_ddl(self) -> bool:
        if self.kind == "SIMPLE":
            return _changes_tables(self.text) or (_first_word(self.text) == "EXECUTE" and _executes_ddl(self.text))
        return any(s.has_ddl() for _, body in self.branches for s in body) or \
            any(s.has_ddl() for _, body in self.handlers for s in body)


def _first_word(text: str) -> str:
    word = text.strip().split(None, 1)
    return word[0].upper().rstrip(";") if word else ""


class _Parser:
    """A recursive-descent reader of the PL/pgSQL statement structure over sqlglot's PostgreSQL tokens
    (which know the strings, dollar quotes and comments); expressions and simple statements stay text."""

    def __init__(self, body: str, line: int) -> None:
        self.body = body
        self.tokens = sqlglot.tokenize(body, read="postgres")
        self.i = 0
        self.line0 = line

    def word(self, k: int = 0) -> str:
        j = self.i + k
        if j >= len(self.tokens):
            return ""
        tok = self.tokens[j]
        return "" if tok.token_type in (TokenType.STRING, TokenType.IDENTIFIER, TokenType.HEREDOC_STRING) \
            else tok.text.upper()

    def line(self) -> int:
        tok = self.tokens[min(self.i, len(self.tokens) - 1)]
        return self.line0 + self.body.count("\n", 0, tok.start)

    def expect(self, *words: str) -> None:
        for w in words:
            if self.word() != w:
                raise ValueError(f"expected {w}, found {self.word() or 'the end'}")
            self.i += 1

    def semicolon(self) -> None:
        if self.i < len(self.tokens) and self.tokens[self.i].token_type == TokenType.SEMICOLON:
            self.i += 1

    def block(self) -> _Stmt:
        """``[DECLARE ...] BEGIN statements [EXCEPTION WHEN ... THEN statements ...] END``."""
        line = self.line()
        if self.word() == "DECLARE":
            while self.i < len(self.tokens) and self.word() != "BEGIN":
                self.i += 1
        self.expect("BEGIN")
        body = self.statements()
        handlers: list[tuple[set[str], list[_Stmt]]] = []
        if self.word() == "EXCEPTION":
            self.i += 1
            while self.word() == "WHEN":
                self.i += 1
                names = set()
                while self.i < len(self.tokens) and self.word() != "THEN":
                    if self.word() not in ("OR", ""):
                        names.add(self.word())
                    self.i += 1
                self.expect("THEN")
                handlers.append((names, self.statements()))
        self.expect("END")
        if self.word() not in ("", ";") and self.tokens[self.i].token_type == TokenType.VAR:
            self.i += 1  # END label
        self.semicolon()
        return _Stmt(line, "BLOCK", branches=[(None, body)], handlers=handlers)

    def statements(self) -> list[_Stmt]:
        out = []
        while self.i < len(self.tokens) and self.word() not in _BLOCK_ENDS:
            out.append(self.statement())
        return out

    def statement(self) -> _Stmt:
        w = self.word()
        if self.tokens[self.i].token_type == TokenType.LT and self.word(1) == "<":  # <<label>>
            self.i += 4
            w = self.word()
        if w in ("BEGIN", "DECLARE"):
            return self.block()
        if w == "IF":
            return self.if_statement()
        if w in ("LOOP", "FOR", "WHILE", "FOREACH"):
            return self.loop()
        if w == "CASE":
            raise ValueError("CASE statements are not read")
        return self.simple()

    def until(self, *words: str) -> str:
        """The text up to (not including) the first of ``words`` at parenthesis depth 0."""
        start, depth = self.i, 0
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if tok.token_type == TokenType.L_PAREN:
                depth += 1
            elif tok.token_type == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and self.word() in words:
                break
            self.i += 1
        if self.i == start:
            return ""
        return self.body[self.tokens[start].start:self.tokens[self.i - 1].end + 1]

    def if_statement(self) -> _Stmt:
        line = self.line()
        self.expect("IF")
        branches: list[tuple[str | None, list[_Stmt]]] = []
        condition = self.until("THEN")
        self.expect("THEN")
        branches.append((condition, self.statements()))
        while self.word() in ("ELSIF", "ELSEIF"):
            self.i += 1
            condition = self.until("THEN")
            self.expect("THEN")
            branches.append((condition, self.statements()))
        if self.word() == "ELSE":
            self.i += 1
            branches.append((None, self.statements()))
        self.expect("END", "IF")
        self.semicolon()
        return _Stmt(line, "IF", branches=branches)

    def loop(self) -> _Stmt:
        line = self.line()
        self.until("LOOP")
        self.expect("LOOP")
        body = self.statements()
        self.expect("END", "LOOP")
        if self.tokens[self.i].token_type == TokenType.VAR:
            self.i += 1
        self.semicolon()
        return _Stmt(line, "LOOP", branches=[(None, body)])

    def simple(self) -> _Stmt:
        line = self.line()
        start, depth = self.i, 0
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if tok.token_type in (TokenType.L_PAREN,):
                depth += 1
            elif tok.token_type == TokenType.R_PAREN:
                depth -= 1
            elif tok.token_type == TokenType.SEMICOLON and depth == 0:
                break
            self.i += 1
        text = self.body[self.tokens[start].start:self.tokens[self.i - 1].end + 1] if self.i > start else ""
        self.semicolon()
        return _Stmt(line, "SIMPLE", text=text)


_DOLLAR_BODY = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*|)\$(.*?)\$\1\$", re.DOTALL)
_QUOTED_BODY = re.compile(r"[Ee]?'((?:[^']|'')*)'", re.DOTALL)
_LANGUAGE = re.compile(r"\bLANGUAGE\s+\"?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def do_body(text: str) -> tuple[str, int, str] | None:
    """(the body, its offset in ``text``, its language) of ``DO [LANGUAGE l] $tag$body$tag$ [LANGUAGE l]`` (or a
    quoted body); sqlglot reads DO as an opaque command, so the body is found here."""
    dollar = _DOLLAR_BODY.search(text, 2)
    quoted = _QUOTED_BODY.search(text, 2)
    if dollar is not None and (quoted is None or dollar.start() < quoted.start()):
        body, offset, outside = dollar.group(2), dollar.start(2), text[:dollar.start()] + text[dollar.end():]
    elif quoted is not None:
        body, offset = quoted.group(1).replace("''", "'"), quoted.start(1)
        outside = text[:quoted.start()] + text[quoted.end():]
    else:
        return None
    language = _LANGUAGE.search(outside)
    return body, offset, language.group(1).lower() if language else "plpgsql"


class DoBlocks:
    """Mixed into ``SqlInterpreter``: the ``DO`` verb."""

    def _do(self, stmt) -> None:
        if self.dialect != "postgresql":
            self._ignore("DO")
            return
        found = do_body(stmt.text)
        if found is None:
            raise self.error("cannot read this DO block's body")
        body, offset, language = found
        line = stmt.line + stmt.text.count("\n", 0, offset)
        if language != "plpgsql":
            raise self.error(f"a DO block in {language}: mgen cannot tell what it changes")
        try:
            block = _Parser(body, line).block()
        except (ValueError, IndexError, TokenError, ParseError) as e:
            if not _mentions_ddl(body):
                self._ignore("DO")
                return
            raise self.error(f"a DO block that changes the schema, which mgen cannot read: {e}") from None
        if not block.has_ddl():
            self._ignore("DO")
            return
        self._run_block(block)
        self.line = stmt.line

    def _run_block(self, block: _Stmt) -> None:
        saved = (self.schema, set(self._temporary))
        try:
            self._run_all(block.branches[0][1])
        except MgenError as e:
            caught = self._handler_for(block, e)
            if caught is None:
                raise
            self.schema, self._temporary = saved  # PL/pgSQL undoes the block when a handler catches
            self._run_all(caught)

    def _handler_for(self, block: _Stmt, error: MgenError) -> list[_Stmt] | None:
        kind = "duplicate" if "already exists" in error.message else \
            "undefined" if error.message.startswith("unknown ") else None
        for names, body in block.handlers:
            if "OTHERS" in names or (kind == "duplicate" and names & _DUPLICATE) or \
                    (kind == "undefined" and names & _UNDEFINED):
                return body
        return None

    def _run_all(self, statements: list[_Stmt]) -> None:
        for s in statements:
            self.line = s.line
            if s.kind == "BLOCK":
                self._run_block(s)
            elif s.kind == "LOOP":
                if s.has_ddl():
                    raise self.error("a DO block changes the schema inside a loop; mgen cannot tell how often "
                                     "(write the statements out)")
            elif s.kind == "IF":
                self._run_if(s)
            else:
                self._run_simple(s)

    def _run_if(self, s: _Stmt) -> None:
        if not s.has_ddl():
            return
        for condition, body in s.branches:
            if condition is None:
                self._run_all(body)
                return
            answer = catalog_condition(condition, self)
            if answer is None:
                raise self.error(f"a DO block changes the schema under IF {condition.strip()[:60]!r}, a condition "
                                 "mgen cannot decide from the schema (write the statements out)", s.line)
            if answer:
                self._run_all(body)
                return

    def _run_simple(self, s: _Stmt) -> None:
        word = _first_word(s.text)
        if word == "EXECUTE":
            sql = _literal_execute(s.text)
            if sql is None:
                if _executes_ddl(s.text):
                    raise self.error("a DO block runs SQL built at run time (EXECUTE of an expression); mgen "
                                     "cannot tell what it changes")
                return  # EXECUTE format('UPDATE ...'): data
            for inner in split_statements(sql, self.dialect):
                self.line = s.line
                self.execute(inner)
            return
        if _changes_tables(s.text):
            for inner in split_statements(s.text, self.dialect):
                self.line = s.line + inner.line - 1
                self.execute(inner)


def _mentions_ddl(body: str) -> bool:
    words = {w.upper() for w in body.replace(";", " ; ").split()}
    return bool(words & (_DDL | {"EXECUTE"}))


def _executes_ddl(text: str) -> bool:
    """Whether ``EXECUTE ...`` may change the schema: its literal statement, else its first string (a format
    string) begins with a DDL verb, or it has no string at all (a variable: anything)."""
    sql = _literal_execute(text)
    sql = sql if sql is not None else _first_string(text)
    return sql is None or _changes_tables(sql)


def _changes_tables(sql: str) -> bool:
    return changes_tables(tuple(w.upper() for w in _WORDS.findall(sql[:400])[:6]))


def _first_string(text: str) -> str | None:
    """The first string literal in ``text`` (a format string's), or None."""
    found = [m for m in (_DOLLAR_BODY.search(text), _QUOTED_BODY.search(text)) if m is not None]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return first.group(2) if first.re is _DOLLAR_BODY else first.group(1)


def _literal_execute(text: str) -> str | None:
    """The statement of ``EXECUTE 'literal'`` (one string, nothing else); None otherwise. (sqlglot reads
    EXECUTE as an opaque command: the string is matched here.)"""
    rest = text.strip()[len("EXECUTE"):].strip()
    dollar = _DOLLAR_BODY.fullmatch(rest)
    if dollar is not None:
        return dollar.group(2)
    quoted = _QUOTED_BODY.fullmatch(rest)
    return quoted.group(1).replace("''", "'") if quoted is not None and rest[:1] not in "Ee" else None


# -- conditions on the catalog -----------------------------------------------------------------
# the catalog relation -> {its column: what the name denotes}
_CATALOG = {
    "pg_type": {"typname": "type"},
    "pg_enum": {},
    "pg_class": {"relname": "relation"},
    "pg_tables": {"tablename": "table"},
    "pg_indexes": {"indexname": "index", "tablename": "table"},
    "pg_constraint": {"conname": "constraint"},
    "pg_extension": {"extname": "extension"},
    "tables": {"table_name": "table"},
    "columns": {"table_name": "table", "column_name": "column"},
    "table_constraints": {"constraint_name": "constraint", "table_name": "table"},
}
_IGNORED_FILTERS = {"table_schema", "schemaname", "nspname", "table_catalog", "constraint_schema", "typnamespace",
                    "connamespace", "relnamespace", "table_type", "relkind", "contype", "constraint_type"}


def catalog_condition(condition: str, interpreter) -> bool | None:
    """``[NOT] EXISTS (SELECT ... FROM <catalog> WHERE name = 'x' [AND ...])`` asked of the schema read so far;
    None when the condition is anything else."""
    try:
        node = sqlglot.parse_one(f"SELECT {condition}", read="postgres").expressions[0]
    except (ParseError, TokenError, IndexError):
        return None
    negate = False
    while isinstance(node, (exp.Not, exp.Paren)):
        negate ^= isinstance(node, exp.Not)
        node = node.this
    if not isinstance(node, exp.Exists) or not isinstance(node.this, exp.Select):
        return None
    answer = _exists(node.this, interpreter)
    return None if answer is None else answer != negate


def _exists(select: exp.Select, interpreter) -> bool | None:
    sources = [select.args.get("from_") or select.args.get("from")]
    if sources[0] is None or select.args.get("joins"):
        return None
    table = sources[0].this
    if not isinstance(table, exp.Table) or table.name.lower() not in _CATALOG:
        return None
    kinds = _CATALOG[table.name.lower()]
    wanted: dict[str, str] = {}
    where = select.args.get("where")
    for eq in _conjuncts(where.this if where is not None else None):
        if eq is None:
            return None
        column, value = eq
        if column in kinds:
            wanted[kinds[column]] = value
        elif column not in _IGNORED_FILTERS:
            return None
    return _lookup(wanted, interpreter)


def _conjuncts(node) -> Iterator[tuple[str, str] | None]:
    if node is None:
        return
    if isinstance(node, exp.And):
        yield from _conjuncts(node.this)
        yield from _conjuncts(node.expression)
    elif isinstance(node, exp.EQ) and isinstance(node.this, exp.Column) and isinstance(node.expression, exp.Literal):
        yield node.this.name.lower(), node.expression.this
    elif isinstance(node, exp.EQ) and isinstance(node.this, exp.Column) and \
            isinstance(node.expression, (exp.Cast, exp.Column)) and node.this.name.lower() in _IGNORED_FILTERS:
        yield node.this.name.lower(), ""
    else:
        yield None


def _lookup(wanted: dict[str, str], interpreter) -> bool | None:
    schema = interpreter.schema
    if set(wanted) == {"type"}:
        return any(e.name == wanted["type"] for e in schema.enums)
    if set(wanted) == {"extension"}:
        return any(x.name == wanted["extension"] for x in schema.extensions)
    if set(wanted) in ({"table"}, {"relation"}):
        name = wanted.get("table", wanted.get("relation"))
        if "relation" in wanted and any(i.name == name for t in schema.tables for i in t.indexes):
            return True
        return interpreter.find_table(name) is not None
    if set(wanted) == {"table", "column"}:
        found = interpreter.find_table(wanted["table"])
        return found is not None and any(c.name == wanted["column"] for c in schema.table(found).columns)
    if set(wanted) <= {"index", "table"} and "index" in wanted:
        return any(i.name == wanted["index"] for t in schema.tables for i in t.indexes
                   if "table" not in wanted or t.name == wanted["table"])
    if set(wanted) <= {"constraint", "table"} and "constraint" in wanted:
        return any(wanted["constraint"] in _constraint_names(t) for t in schema.tables
                   if "table" not in wanted or t.name == wanted["table"])
    return None


def _constraint_names(table) -> set[str]:
    names = {c.name for group in (table.foreign_keys, table.uniques, table.checks) for c in group}
    if table.primary_key is not None:
        names.add(table.primary_key.name)
    return names
