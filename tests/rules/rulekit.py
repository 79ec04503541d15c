"""What the rule tests share: the schemas and operations they start from, and the ways to run the rules.

A migration is run through the real pipeline (SQL -> reader -> differ -> ``rules.analyze``, as `mgen diff`
does) with ``migration_findings`` or a ``Case``; operations the differ never emits (``online``, NOT VALID,
``Backfill``) are built directly and run with ``operation_findings``; statement rules get ``facts`` and
``ctx``. Each rule's tests are in ``tests/rules/test_<id>.py`` (``rule_test_module``).
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from mgen.cli import main
from mgen.dialects import get_dialect
from mgen.differ import diff, normalize_for
from mgen.operations import Backfill, Operation
from mgen.rules import Context, Finding, StatementFacts, TableStats, analyze
from mgen.schema import Check, Column, ColumnType, ForeignKey, Index, Schema
from mgen.sources.sql import read_sql_text

RULE_TESTS = Path(__file__).resolve().parent
ROOT = RULE_TESTS.parents[1]
DOCS = ROOT / "docs" / "rules"
REQUIRED_SECTIONS = ("## Problem", "## Solution", "## Bad", "## Good", "## How mgen handles it")

PG, MY, LITE = "postgresql", "mysql", "sqlite"

# ---------------------------------------------------------------------------------------------------
# schemas as SQL
# ---------------------------------------------------------------------------------------------------
USERS = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER);\n"
POSTS = "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT);\n"
BASE = USERS + POSTS
IDX = "CREATE INDEX users_email_idx ON users (email);\n"
ADDED = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER, bio TEXT);\n"
POSTS_FK = ("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, "
            "CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id));\n"
            "CREATE INDEX posts_user_id_idx ON posts (user_id);\n")
T = "CREATE TABLE t (id INTEGER PRIMARY KEY, {});"
PG_ENUM = "CREATE TYPE mood AS ENUM ({}); CREATE TABLE t (id INTEGER PRIMARY KEY, m mood);"


def t(cols: str) -> str:
    return T.format(cols)


def schema(dialect: str = PG, extra: str = "") -> Schema:
    """``BASE`` (users and posts) read for ``dialect``, with the SQL ``extra`` applied."""
    return read_sql_text(BASE + extra, dialect)


def base_statements() -> list[str]:
    return [s.strip() for s in BASE.split(";") if s.strip()]


# ---------------------------------------------------------------------------------------------------
# schema objects and operations, built directly
# ---------------------------------------------------------------------------------------------------
EMAIL_IDX = Index("users_email_idx", ("email",))
AGE_CHECK = Check("users_age_check", "age >= 0")
POSTS_USER_FK = ForeignKey("posts_user_id_fkey", ("user_id",), "users", ("id",))
NICK = Column("nick", ColumnType("text"))
FILL = Backfill("users", "email", "'unknown'", batch_size=1000)


# ---------------------------------------------------------------------------------------------------
# running the rules
# ---------------------------------------------------------------------------------------------------
def sql_migration(old_sql: str, new_sql: str, dialect: str,
                  renames: tuple[str, ...] = ()) -> tuple[Schema, list[Operation]]:
    """The schema OLD (as the differ sees it) and the operations that take it to NEW."""
    d = get_dialect(dialect)
    old = normalize_for(read_sql_text(old_sql, dialect), d)
    ops = diff(old, read_sql_text(new_sql, dialect), d, renames=renames).operations
    assert ops, "the case produces no operation: fill it in"
    return old, ops


def migration_findings(old_sql: str, new_sql: str, dialect: str = PG, *, facts: StatementFacts | None = None,
                       stats: dict[str, TableStats] | None = None,
                       version: tuple[int, ...] | None = None) -> list[Finding]:
    """Findings of the migration OLD -> NEW; ``facts`` (as `mgen lint` would give them) on every operation."""
    old, ops = sql_migration(old_sql, new_sql, dialect)
    return analyze(ops, old, dialect, server_version=version, stats=stats,
                   statements=[facts] * len(ops) if facts is not None else None)


def operation_findings(ops: list[Operation], dialect: str = PG, old: Schema | None = None, **kw) -> list[Finding]:
    """Findings of operations built directly, on ``old`` (default: ``schema(dialect)``)."""
    return analyze(ops, old if old is not None else schema(dialect), dialect, **kw)


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def facts(text: str, **flags) -> StatementFacts:
    return StatementFacts(text=text, **flags)


def ctx(dialect: str = PG, schema_sql: str = BASE, **kw) -> Context:
    return Context(dialect, read_sql_text(schema_sql, dialect), **kw)


def diff_json(tmp_path: Path, capsys, old: str, new: str, *extra: str, dialect: str = PG) -> dict:
    """`mgen diff OLD NEW --json` on two SQL files, read back."""
    (tmp_path / "old.sql").write_text(old)
    (tmp_path / "new.sql").write_text(new)
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "--dialect", dialect, "--json",
                 *extra]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------------
# a table of cases: OLD SQL, NEW SQL, the rule that must be flagged (with its severity) or must not be
# ---------------------------------------------------------------------------------------------------
@dataclass
class Case:
    rule: str
    old: str
    new: str
    dialect: str
    severity: str | None  # expected severity; None: the rule must NOT be flagged
    server_version: tuple[int, ...] | None = None
    stats: dict = field(default_factory=dict)  # table -> rows
    renames: tuple[str, ...] = ()
    op: str | None = None  # only findings on operations of this kind count (the diff emits several)

    @property
    def id(self) -> str:
        flag = f"flag-{self.severity}" if self.severity else "clean"
        version = "-v" + ".".join(map(str, self.server_version)) if self.server_version else ""
        return f"{self.rule}-{self.dialect}{version}-{flag}"


def run_case(case: Case) -> tuple[list, list]:
    old, ops = sql_migration(case.old, case.new, case.dialect, case.renames)
    stats = {name: TableStats(rows, rows * 100) for name, rows in case.stats.items()} or None
    return ops, analyze(ops, old, case.dialect, server_version=case.server_version, stats=stats)


def findings_for(case: Case) -> list:
    ops, findings = run_case(case)
    return [f for f in findings if case.op is None or ops[f.operation].kind == case.op]


def check_case(case: Case) -> None:
    """The case's rule is flagged with its severity, or (severity None) not flagged."""
    mine = [f for f in findings_for(case) if f.rule == case.rule]
    if case.severity is None:
        assert not mine, f"{case.rule} must not be flagged: {mine}"
    else:
        assert mine, f"{case.rule} must be flagged"
        assert {f.severity for f in mine} == {case.severity}, mine
        assert all(f.message and f.safe_alternative for f in mine)


# ---------------------------------------------------------------------------------------------------
# the rule test files themselves
# ---------------------------------------------------------------------------------------------------
def rule_test_path(rule_id: str) -> Path:
    return RULE_TESTS / f"test_{rule_id.replace('-', '_')}.py"


def rule_test_module(rule_id: str) -> ModuleType:
    """``tests/rules/test_<id>.py`` as pytest imports it (this folder is on sys.path beside it)."""
    return importlib.import_module(rule_test_path(rule_id).stem)
