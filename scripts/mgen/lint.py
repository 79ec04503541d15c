"""`mgen lint`: safety findings for SQL migration files someone already wrote.

Each statement is interpreted against the schema as it stands before it (``sources.sql``), the
difference becomes operations (``differ.diff``, with the renames the statement itself spells out), and
the same rules that judge mgen's own plans judge them (``rules.analyze``), told what the SQL said
(``StatementFacts``: CONCURRENTLY, NOT VALID, a lock_timeout set earlier, MySQL ALGORITHM/LOCK).
Statements that change no table (UPDATE, DELETE) go to the rules' ``check_statement``. The rules also
learn which earlier statements of the file changed the database (``Context.earlier_statements``): where
DDL is not transactional (MySQL) they stay applied when a later statement fails.

Files are linted in order and the schema carries over, so a migrations folder lints as it would run.
Without a starting schema the linter is permissive: a table, column, index or enum it has never seen
is assumed to exist already (a placeholder), so ``ALTER TABLE users ...`` lints on its own.

``-- mgen:ignore <rule-id>[,<rule-id>...] <reason>`` on the comment lines just above a statement, or on
its lines, suppresses those rules for that statement; the finding is kept, with the reason, under
``suppressed``.
"""
from __future__ import annotations

import ast
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .dialects import get_dialect
from .differ import diff, normalize_for
from .errors import MgenError
from .operations import CreateTable, DropTable, Operation, RenameTable
from .rules import Context, StatementFacts, TableStats, all_rules, analyze
from .schema import Check, Column, ColumnType, EnumType, Index, Schema, Table

# Findings about the lint comments themselves; not rules of the registry (they judge no operation).
META_RULES: dict[str, tuple[str, str]] = {
    "ignore-without-reason": ("error", "An mgen:ignore comment must give a reason after the rule id."),
    "ignore-unknown-rule": ("warning", "An mgen:ignore comment names a rule id that does not exist."),
}
# ADD CONSTRAINT ... UNIQUE|PRIMARY KEY USING INDEX idx (not USING INDEX TABLESPACE)
_USING_INDEX = re.compile(r"\bUSING\s+INDEX\s+(?!TABLESPACE\b)", re.IGNORECASE)
# statements that change data (and stay applied where DDL is not transactional) without a schema operation
DATA_VERBS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE", "MERGE", "CALL", "LOAD"})
PLACEHOLDER_LIMIT = 50  # placeholders one statement may need before we give up (each fixes one name)
PLACEHOLDER_TYPE = ColumnType("native", native="an unknown type (no --schema)")  # an unseen column: its type is not known

_IGNORE_RE = re.compile(r"--\s*mgen:ignore\b[ \t]*(?P<rest>.*)$", re.IGNORECASE)
_GOOSE_UP_RE = re.compile(r"^\s*--\s*\+goose\s+up\s*$", re.IGNORECASE | re.MULTILINE)
# comments and string literals, blanked before looking for keywords in a statement
_SCRUB_RE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|#[^\n]*|/\*.*?\*/", re.DOTALL)
_NAME = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME})*"
_ALTER_TABLE_RE = re.compile(
    rf"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>{_QUALIFIED})", re.IGNORECASE)
_RENAME_COLUMN_RE = re.compile(rf"\bRENAME\s+(?:COLUMN\s+)?(?P<a>{_NAME})\s+TO\s+(?P<b>{_NAME})", re.IGNORECASE)
_RENAME_TO_RE = re.compile(rf"\bRENAME\s+(?:TO|AS)\s+(?P<b>{_QUALIFIED})", re.IGNORECASE)
_CHANGE_RE = re.compile(rf"\bCHANGE\s+(?:COLUMN\s+)?(?P<a>{_NAME})\s+(?P<b>{_NAME})", re.IGNORECASE)
_RENAME_TABLE_RE = re.compile(rf"(?P<a>{_QUALIFIED})\s+TO\s+(?P<b>{_QUALIFIED})", re.IGNORECASE)
_UNKNOWN_RE = re.compile(
    r"^unknown (?P<kind>table|column|index|type|constraint) (?P<name>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"(?: (?:in|on) table (?P<table>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))?$")


# =============================================================================================
# Report
# =============================================================================================
@dataclass(frozen=True)
class LintFinding:
    file: str
    line: int  # the statement's first line
    rule: str
    severity: str
    message: str
    safe_alternative: str = ""
    operation: str = ""  # the operation's description, or the statement's first line
    reason: str | None = None  # set on a suppressed finding: the mgen:ignore comment's reason

    def to_dict(self) -> dict:
        d = asdict(self)
        if self.reason is None:
            del d["reason"]
        return d


@dataclass
class LintReport:
    dialect: str
    files: list[str] = field(default_factory=list)
    findings: list[LintFinding] = field(default_factory=list)
    suppressed: list[LintFinding] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def counts(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "errors": sum(f.severity == "error" for f in self.findings),
            "warnings": sum(f.severity == "warning" for f in self.findings),
            "info": sum(f.severity == "info" for f in self.findings),
            "suppressed": len(self.suppressed),
        }

    def to_dict(self) -> dict:
        return {
            "dialect": self.dialect,
            "files": list(self.files),
            "findings": [f.to_dict() for f in self.findings],
            "suppressed": [f.to_dict() for f in self.suppressed],
            "summary": self.counts(),
            "exit_code": self.exit_code,
        }

    def format_text(self) -> str:
        lines = [f"{f.file}:{f.line}: {f.severity} {f.rule}: {f.message}" for f in self.findings]
        c = self.counts()
        lines.append(f"{c['files']} file{'s' if c['files'] != 1 else ''}, {c['errors']} error"
                     f"{'s' if c['errors'] != 1 else ''}, {c['warnings']} warning{'s' if c['warnings'] != 1 else ''}, "
                     f"{c['info']} info, {c['suppressed']} suppressed")
        return "\n".join(lines)


def rule_catalog() -> list[tuple[str, str, str]]:
    """(id, default severity, one-line description) of every rule a lint finding may carry."""
    import sys

    out = []
    for rule in all_rules():
        doc = (sys.modules[type(rule).__module__].__doc__ or type(rule).__doc__ or "").strip()
        first = doc.splitlines()[0] if doc else ""
        # module docstrings read "rule-id: what it is"; keep the what
        description = first.split(":", 1)[1].strip() if first.startswith(rule.id + ":") else first
        out.append((rule.id, rule.severity, description or ", ".join(rule.hazards)))
    out.extend((rid, sev, text) for rid, (sev, text) in sorted(META_RULES.items()))
    return out


# =============================================================================================
# Inputs: which SQL, from which files, in which order
# =============================================================================================
@dataclass(frozen=True)
class SqlUnit:
    """One file's SQL to lint: ``text`` keeps the file's line numbers."""

    path: str
    text: str
    no_transaction: bool = False  # it runs outside a transaction (``formats.transactions``)


def collect_units(paths: Sequence[str | os.PathLike[str]], dialect: str = "postgresql") -> list[SqlUnit]:
    """The SQL of every path, in order: a .sql file, a migrations folder (up SQL by version), or a
    folder of .sql files (by relative path); each marked as its format's runner runs it, in a transaction
    or not (``formats.transactions``: a file of no known format is not assumed to be in one)."""
    from .formats import detect_format, list_migrations, read_text

    units: list[SqlUnit] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise MgenError("no such file or folder", str(raw))
        if path.is_file():
            units.append(_file_unit(path, read_text(path), dialect))
            continue
        fmt = detect_format(path)
        if fmt == "goose" and not _all_goose(path):
            fmt = None  # numbered plain .sql files look like goose's names but carry no annotations
        if fmt is not None:
            for m in list_migrations(path, fmt):
                units.append(SqlUnit(str(m.paths[0]), m.up_sql, not _runs_in_transaction(fmt, m.paths[0], m.up_sql,
                                                                                       dialect)))
            continue
        files = sorted((f for f in path.rglob("*.sql") if f.is_file()), key=lambda f: f.relative_to(path).as_posix())
        units.extend(_file_unit(f, read_text(f), dialect) for f in files)
    return units


def _runs_in_transaction(fmt: str | None, path: Path, text: str, dialect: str) -> bool:
    from .formats.transactions import in_transaction
    from .statements import split_statements

    return in_transaction(fmt, path, len(split_statements(text, dialect)) if fmt == "golang-migrate" else 0)


def _all_goose(folder: Path) -> bool:
    from .formats import read_text

    files = [f for f in folder.iterdir() if f.is_file() and f.suffix == ".sql" and not f.name.startswith(".")]
    return all(_GOOSE_UP_RE.search(read_text(f)) for f in files)


def _file_unit(path: Path, text: str, dialect: str) -> SqlUnit:
    from .formats.transactions import file_format

    fmt = file_format(path)
    if fmt == "goose":  # a goose file given directly: lint its up section
        from .formats.goose import split_sections

        text, _ = split_sections(text, str(path))
    return SqlUnit(str(path), text, not _runs_in_transaction(fmt, path, text, dialect))


# =============================================================================================
# Statement facts, renames, suppressions
# =============================================================================================
def _scrub(text: str) -> str:
    return _SCRUB_RE.sub(" ", text)


def statement_facts(text: str, line: int, words: Sequence[str], dialect: str, in_transaction: bool,
                    lock_timeout: bool) -> StatementFacts:
    """What the statement says beyond its operation."""
    clean = _scrub(text)
    ddl = bool(words) and words[0] in ("ALTER", "CREATE", "DROP")
    algorithm = lock = None
    if dialect == "mysql" and ddl:
        m = re.search(r"\bALGORITHM\s*=?\s*([A-Za-z]+)", clean, re.IGNORECASE)
        algorithm = m.group(1).upper() if m else None
        m = re.search(r"\bLOCK\s*=?\s*([A-Za-z]+)", clean, re.IGNORECASE)
        lock = m.group(1).upper() if m else None
    return StatementFacts(
        text=text,
        line=line,
        concurrently=ddl and re.search(r"\bCONCURRENTLY\b", clean, re.IGNORECASE) is not None,
        not_valid=re.search(r"\bNOT\s+VALID\b", clean, re.IGNORECASE) is not None,
        using_index=ddl and _USING_INDEX.search(clean) is not None,
        in_transaction=in_transaction,
        lock_timeout=lock_timeout,
        algorithm=algorithm,
        lock=lock,
    )


def sets_lock_timeout(text: str, words: Sequence[str]) -> bool | None:
    """True/False when the statement sets (or clears, with 0) a lock timeout; None when it does not
    touch one. PostgreSQL: lock_timeout; MySQL: lock_wait_timeout (metadata locks)."""
    if not words or words[0] != "SET":
        return None
    without_comments = re.sub(r"--[^\n]*|/\*.*?\*/", " ", text, flags=re.DOTALL)  # the value may be a string
    m = re.search(r"\b(?:innodb_)?lock(?:_wait)?_timeout\b\s*(?:=|\bTO\b)?\s*'?\s*(\w+)", without_comments,
                  re.IGNORECASE)
    if not m:
        return None
    return m.group(1) not in ("0", "DEFAULT", "default")


def _name(raw: str, dialect: str) -> str:
    """The name an identifier denotes (last part of a qualified name; PostgreSQL folds unquoted)."""
    parts = re.findall(_NAME, raw)
    last = parts[-1] if parts else raw.strip()
    if last[0] in "\"`[":
        return last[1:-1].replace('""', '"').replace("``", "`")
    return last.lower() if dialect == "postgresql" else last


def _find(names: Sequence[str], name: str, dialect: str) -> str | None:
    if name in names:
        return name
    if dialect != "postgresql":  # MySQL and SQLite compare names without case
        return next((n for n in names if n.lower() == name.lower()), None)
    return None


def statement_renames(text: str, words: Sequence[str], dialect: str, before: Schema, after: Schema) -> list[str]:
    """The ``--rename`` specs the statement spells out (RENAME COLUMN, RENAME TO, RENAME TABLE, MySQL
    CHANGE), kept only when both schemas agree, so the differ sees a rename instead of drop + add."""
    clean = _scrub(text)
    tables: list[tuple[str, str]] = []
    columns: list[tuple[str, str, str]] = []
    if words[:2] == ("RENAME", "TABLE"):
        body = re.sub(r"^\s*RENAME\s+TABLES?\b", "", clean, flags=re.IGNORECASE)
        for m in _RENAME_TABLE_RE.finditer(body):
            tables.append((_name(m.group("a"), dialect), _name(m.group("b"), dialect)))
    elif words[:2] == ("ALTER", "TABLE"):
        head = _ALTER_TABLE_RE.match(clean)
        if head is None:
            return []
        table = _name(head.group("table"), dialect)
        rest = clean[head.end():]
        for m in _RENAME_COLUMN_RE.finditer(rest):
            if m.group("a").upper() not in ("TO", "AS", "CONSTRAINT", "INDEX", "KEY", "COLUMN"):
                columns.append((table, _name(m.group("a"), dialect), _name(m.group("b"), dialect)))
        for m in _RENAME_TO_RE.finditer(rest):
            tables.append((table, _name(m.group("b"), dialect)))
        if dialect == "mysql":
            for m in _CHANGE_RE.finditer(rest):
                a, b = _name(m.group("a"), dialect), _name(m.group("b"), dialect)
                if a != b:
                    columns.append((table, a, b))
    specs: list[str] = []
    renamed_tables: dict[str, str] = {}
    for a, b in tables:
        old = _find(before.table_names(), a, dialect)
        new = _find(after.table_names(), b, dialect)
        if old and new and not after.has_table(old) and not before.has_table(new):
            specs.append(f"{old}={new}")
            renamed_tables[old] = new
    for t, a, b in columns:
        old_t = _find(before.table_names(), t, dialect)
        if old_t is None:
            continue
        new_t = renamed_tables.get(old_t, old_t)
        if not after.has_table(new_t):
            continue
        old_c = _find(before.table(old_t).column_names(), a, dialect)
        new_c = _find(after.table(new_t).column_names(), b, dialect)
        if old_c and new_c and not after.table(new_t).has_column(old_c) and not before.table(old_t).has_column(new_c):
            specs.append(f"{old_t}.{old_c}={new_c}")
    return specs


@dataclass(frozen=True)
class Ignore:
    rules: tuple[str, ...]
    reason: str
    line: int


def ignores_for(lines: Sequence[str], first: int, last: int) -> list[Ignore]:
    """The mgen:ignore comments that apply to a statement on lines ``first``..``last`` (1-based): on
    the comment lines directly above it, or on its own lines."""
    found: list[Ignore] = []
    number = first - 1
    while number >= 1 and lines[number - 1].lstrip().startswith("--"):
        number -= 1
    for n in range(number + 1, min(last, len(lines)) + 1):
        m = _IGNORE_RE.search(lines[n - 1])
        if m:
            ids, _, reason = m.group("rest").strip().partition(" ")
            found.append(Ignore(tuple(r for r in ids.split(",") if r), reason.strip(), n))
    return found


# =============================================================================================
# Permissive interpretation: assume what the file does not show
# =============================================================================================
def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def _placeholder(message: str, schema: Schema, dialect: str, unique_index: bool = False) -> Schema | None:
    """``schema`` with the thing an 'unknown ...' error names added, or None when the error is of
    another kind. ``unique_index``: the statement needs the index to be unique (USING INDEX)."""
    m = _UNKNOWN_RE.match(message)
    if m is None:
        return None
    kind, name = m.group("kind"), _unquote(m.group("name"))
    table_name = _unquote(m.group("table")) if m.group("table") else None
    if kind == "table":
        if schema.has_table(name):
            return None
        return schema.with_table(Table(name=name))
    if kind == "type":
        if schema.has_enum(name):
            return None
        return schema.with_enum(EnumType(name, ()))
    if table_name is None:
        if kind != "index":
            return None
        # PostgreSQL DROP INDEX names no table: hang the index on a placeholder table of its own
        table_name = f"(table of index {name})"
        if not schema.has_table(table_name):
            schema = schema.with_table(Table(name=table_name, columns=(Column("?", PLACEHOLDER_TYPE),)))
    if not schema.has_table(table_name):
        return None
    table = schema.table(table_name)
    if kind == "column":
        if table.has_column(name):
            return None
        table = replace(table, columns=table.columns + (Column(name, PLACEHOLDER_TYPE),))
    elif kind == "index":
        if not table.columns:
            table = replace(table, columns=(Column("?", PLACEHOLDER_TYPE),))
        table = replace(table, indexes=table.indexes + (Index(name, (table.columns[0].name,), unique=unique_index),))
    else:  # constraint: its kind is unknown; a CHECK is the one whose removal means nothing else
        table = replace(table, checks=table.checks + (Check(name, "true"),))
    return schema.with_table(table)


def _interpret(text: str, dialect: str, before: Schema, path: str, line: int,
               permissive: bool) -> tuple[Schema, Schema]:
    """(before, after) of one statement; ``before`` gains the placeholders the statement needed."""
    from .sources.sql import read_sql_text

    unique_index = _USING_INDEX.search(text) is not None
    for _ in range(PLACEHOLDER_LIMIT):
        try:
            return before, read_sql_text(text, dialect, before, filename=path)
        except MgenError as e:
            patched = _placeholder(e.message, before, dialect, unique_index) if permissive else None
            if patched is None:
                # the interpreter counts lines from the statement's start; report the file's line
                raise MgenError(e.message, path, line + (e.line or 1) - 1) from None
            before = patched
    raise MgenError("too many unknown names in one statement", path, line)


# =============================================================================================
# Linting
# =============================================================================================
def lint_paths(paths: Sequence[str | os.PathLike[str]], dialect: str, schema: Schema | None = None,
               server_version: tuple[int, ...] | None = None, *, no_transaction: bool = False,
               transaction: bool = False,
               stats: dict[str, TableStats] | None = None) -> LintReport:
    """Lint SQL migration files in order; ``schema`` is the state before the first one (None: start
    empty and assume unseen tables and columns exist); ``stats``: table sizes read from the target
    database (``mgen lint --db``), so the rules can step severity by size. Each file runs in a transaction
    or not as its format's runner runs it (``formats.transactions``), unless ``no_transaction`` (none does)
    or ``transaction`` (each does) says for all."""
    from .statements import quiet_sqlglot

    units = collect_units(paths, dialect)
    if no_transaction or transaction:  # the caller knows how the files run: every one alike
        units = [replace(u, no_transaction=no_transaction) for u in units]
    report = LintReport(dialect=dialect, files=[u.path for u in units])
    state = schema if schema is not None else Schema()
    with quiet_sqlglot():  # rules parse statements too; sqlglot's fallback warnings are noise here
        for unit in units:
            state = _lint_unit(unit, dialect, state, schema is None, server_version, no_transaction, report,
                               stats)
    return report


def _lint_unit(unit: SqlUnit, dialect: str, state: Schema, permissive: bool,
               server_version: tuple[int, ...] | None, no_transaction: bool, report: LintReport,
               stats: dict[str, TableStats] | None = None) -> Schema:
    from .statements import split_statements

    d = get_dialect(dialect)
    lines = unit.text.splitlines()
    in_transaction = dialect == "postgresql" and not (no_transaction or unit.no_transaction)
    lock_timeout = False
    known = {r.id for r in all_rules()}
    # first read the whole file, then judge each statement knowing where the file ends up
    steps = []
    for stmt in split_statements(unit.text, dialect):
        facts = statement_facts(stmt.text, stmt.line, stmt.words, dialect, in_transaction, lock_timeout)
        timeout = sets_lock_timeout(stmt.text, stmt.words)
        if timeout is not None:
            lock_timeout = timeout
        before, after = _interpret(stmt.text, dialect, state, unit.path, stmt.line, permissive)
        before = normalize_for(before, d)
        renames = statement_renames(stmt.text, stmt.words, dialect, before, after)
        steps.append((stmt, facts, before, diff(before, after, d, renames).operations))
        state = after
    created: set[str] = set()  # tables created earlier in this file: nobody uses them yet
    altered: set[str] = set()  # existing tables whose structure the file changed earlier
    earlier: list[str] = []  # statements earlier in this file that changed the database
    for stmt, facts, before, ops in steps:
        raw = _statement_findings(ops, before, created, altered, dialect, server_version, facts, state, stats,
                                  earlier)
        last = stmt.line + stmt.text.count("\n")
        _file_findings(raw, ignores_for(lines, stmt.line, last), known, unit.path, stmt, report)
        _track_created(ops, created, altered)
        if ops or (stmt.words and stmt.words[0] in DATA_VERBS):
            earlier.append(f"line {stmt.line}: {_first_line(stmt.text)}")
    return state


def _statement_findings(ops: list[Operation], before: Schema, created: set[str], altered: set[str], dialect: str,
                        server_version: tuple[int, ...] | None, facts: StatementFacts,
                        final: Schema, stats: dict[str, TableStats] | None = None,
                        earlier: Sequence[str] = ()) -> list[LintFinding]:
    """The rules' findings on one statement's operations, or on the statement itself when it has none.
    ``earlier``: the file's statements before this one that changed the database (a statement's own
    operations succeed or fail together, so only those count as applied before it)."""
    findings = analyze(ops, before, dialect, server_version=server_version, stats=stats,
                       statements=[facts] * len(ops), created_here=created, altered_here=altered, final=final,
                       earlier_statements=earlier)
    out = [LintFinding("", facts.line, f.rule, f.severity, f.message, f.safe_alternative, f.operation_description)
           for f in findings]
    if ops:
        return out
    # a statement that changes no table (UPDATE, DELETE, TRUNCATE, REINDEX): the statement rules
    ctx = Context(dialect, before, frozenset(created), server_version, stats, facts, final, frozenset(altered),
                  earlier_statements=tuple(earlier))
    for rule in all_rules():
        if rule.dialects is not None and dialect not in rule.dialects:
            continue
        check = getattr(rule, "check_statement", None)
        message = check(facts, ctx) if check is not None else None
        if message:
            out.append(LintFinding("", facts.line, rule.id, rule.severity, message, rule.safe_alternative,
                                   _first_line(facts.text)))
    return out


def _file_findings(raw: list[LintFinding], ignores: list[Ignore], known: set[str], path: str, stmt,
                   report: LintReport) -> None:
    reasons: dict[str, str] = {}
    for ig in ignores:
        where = f"mgen:ignore on line {ig.line}"
        if not ig.rules or not ig.reason:
            sev, _ = META_RULES["ignore-without-reason"]
            report.findings.append(LintFinding(
                path, stmt.line, "ignore-without-reason", sev,
                f"{where} gives no reason; write '-- mgen:ignore <rule-id> <why it is safe here>'",
                "Say why the finding does not apply here.", _first_line(stmt.text)))
            continue
        for rid in ig.rules:
            if rid not in known:
                sev, _ = META_RULES["ignore-unknown-rule"]
                report.findings.append(LintFinding(path, stmt.line, "ignore-unknown-rule", sev,
                                                   f"{where} names unknown rule {rid!r}",
                                                   "Use a rule id from docs/rules/.", _first_line(stmt.text)))
            reasons.setdefault(rid, ig.reason)
    for f in raw:
        f = replace(f, file=path)
        if f.rule in reasons:
            report.suppressed.append(replace(f, reason=reasons[f.rule]))
        else:
            report.findings.append(f)


def _track_created(ops: Sequence[Operation], created: set[str], altered: set[str]) -> None:
    for op in ops:
        if isinstance(op, CreateTable):
            created.add(op.table)
        elif isinstance(op, DropTable):
            created.discard(op.table)
        elif isinstance(op, RenameTable) and op.table in created:
            created.discard(op.table)
            created.add(op.new_name)
        elif isinstance(op, RenameTable) and op.table in altered:
            altered.discard(op.table)
            altered.add(op.new_name)
        elif op.table and op.table not in created:
            altered.add(op.table)


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:100] + ("..." if len(first) > 100 else "")


__all__ = ["META_RULES", "LintFinding", "LintReport", "SqlUnit", "collect_units", "lint_paths", "rule_catalog",
           "statement_facts", "statement_renames"]
