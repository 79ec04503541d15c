"""Rules batch 2 (locks, indexes, constraints, statements): for each rule an input that must be flagged
and one that must not, through the real pipeline (SQL -> reader -> differ -> analyze); statement rules
on StatementFacts built from real SQL text; and on PostgreSQL the premises the rules rest on."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from mgen.cli import main
from mgen.db import scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff, normalize_for
from mgen.operations import CreateTable
from mgen.rules import Context, Finding, StatementFacts, TableStats, all_rules, analyze
from mgen.rules.foreign_key_without_index import RULE as FK_INDEX_RULE
from mgen.rules.irreversible_data_step import RULE as IRREVERSIBLE
from mgen.rules.unbatched_backfill import RULE as BACKFILL
from mgen.schema import Schema
from mgen.sources.sql import read_sql_text

ROOT = Path(__file__).resolve().parent.parent
BATCH = ("require-concurrent-index", "concurrently-in-transaction", "require-concurrent-index-drop",
         "add-check-constraint", "add-foreign-key", "add-unique-constraint", "add-primary-key",
         "foreign-key-without-index", "require-lock-timeout", "unbatched-backfill", "irreversible-data-step")

USERS = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER);\n"
POSTS = "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT);\n"


def run(old_sql: str, new_sql: str, dialect: str = "postgresql", *, facts: StatementFacts | None = None,
        stats: dict[str, TableStats] | None = None, version: tuple[int, ...] | None = None) -> list[Finding]:
    """Findings of the migration OLD -> NEW; ``facts`` (as `mgen lint` would give them) on every operation."""
    d = get_dialect(dialect)
    old = normalize_for(read_sql_text(old_sql, dialect), d)
    ops = diff(old, read_sql_text(new_sql, dialect), d).operations
    assert ops, "the test migration must do something"
    return analyze(ops, old, dialect, server_version=version, stats=stats,
                   statements=[facts] * len(ops) if facts is not None else None)


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def facts(text: str, **flags) -> StatementFacts:
    return StatementFacts(text=text, **flags)


def ctx(dialect: str = "postgresql", schema_sql: str = USERS + POSTS, **kw) -> Context:
    return Context(dialect, read_sql_text(schema_sql, dialect), **kw)


# ---------------------------------------------------------------------------------------------------
# registry and docs
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule_id", BATCH)
def test_rule_is_registered_with_a_doc_page(rule_id):
    rule = next(r for r in all_rules() if r.id == rule_id)
    assert rule.severity in ("error", "warning", "info") and rule.hazards and rule.safe_alternative
    page = (ROOT / "docs" / "rules" / f"{rule_id}.md").read_text()
    assert page.startswith(f"# {rule_id}\n")
    for section in ("## Problem", "## Solution", "## Bad", "## Good", "## How mgen handles it"):
        assert section in page, section
    assert "```sql" in page


# ---------------------------------------------------------------------------------------------------
# require-concurrent-index
# ---------------------------------------------------------------------------------------------------
IDX = "CREATE INDEX users_email_idx ON users (email);\n"


def test_index_on_existing_table_without_concurrently_is_an_error():
    [f] = of(run(USERS, USERS + IDX), "require-concurrent-index")
    assert f.severity == "error" and "users_email_idx" in f.message and "blocks every write" in f.message


def test_index_built_concurrently_or_on_a_new_table_is_not_flagged():
    concurrent = facts("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)", concurrently=True,
                       in_transaction=False)
    assert not of(run(USERS, USERS + IDX, facts=concurrent), "require-concurrent-index")
    assert not of(run("", USERS + IDX), "require-concurrent-index")


def test_index_on_a_small_known_table_is_only_info_and_other_dialects_are_not_flagged():
    [f] = of(run(USERS, USERS + IDX, stats={"users": TableStats(500, 65536)}), "require-concurrent-index")
    assert f.severity == "info"
    [f] = of(run(USERS, USERS + IDX, stats={"users": TableStats(5_000_000, 10**9)}), "require-concurrent-index")
    assert f.severity == "error"
    assert not of(run(USERS, USERS + IDX, "mysql"), "require-concurrent-index")


# ---------------------------------------------------------------------------------------------------
# concurrently-in-transaction
# ---------------------------------------------------------------------------------------------------
def test_concurrent_index_inside_a_transaction_is_an_error():
    in_tx = facts("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)", concurrently=True)
    [f] = of(run(USERS, USERS + IDX, facts=in_tx), "concurrently-in-transaction")
    assert f.severity == "error" and "transaction" in f.message
    drop_tx = facts("DROP INDEX CONCURRENTLY users_email_idx", concurrently=True)
    assert of(run(USERS + IDX, USERS, facts=drop_tx), "concurrently-in-transaction")


def test_concurrent_index_outside_a_transaction_and_mgen_own_sql_are_not_flagged():
    no_tx = facts("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)", concurrently=True,
                  in_transaction=False)
    assert not of(run(USERS, USERS + IDX, facts=no_tx), "concurrently-in-transaction")
    assert not of(run(USERS, USERS + IDX), "concurrently-in-transaction")  # mgen never says CONCURRENTLY


def test_concurrently_statements_without_an_operation_are_checked_once():
    rule = next(r for r in all_rules() if r.id == "concurrently-in-transaction")
    c = ctx(schema_sql=USERS + IDX)
    assert rule.check_statement(facts("REINDEX INDEX CONCURRENTLY users_email_idx"), c)
    assert rule.check_statement(facts("DROP INDEX CONCURRENTLY IF EXISTS gone_idx"), c)
    # a known index's drop and every CREATE INDEX become operations: check() reports them, not this
    assert rule.check_statement(facts("DROP INDEX CONCURRENTLY users_email_idx"), c) is None
    assert rule.check_statement(facts("CREATE INDEX CONCURRENTLY x ON users (age)"), c) is None
    assert rule.check_statement(facts("REINDEX INDEX CONCURRENTLY users_email_idx", in_transaction=False), c) is None


# ---------------------------------------------------------------------------------------------------
# require-concurrent-index-drop
# ---------------------------------------------------------------------------------------------------
def test_drop_index_without_concurrently_is_a_warning():
    [f] = of(run(USERS + IDX, USERS), "require-concurrent-index-drop")
    assert f.severity == "warning" and "users_email_idx" in f.message


def test_drop_index_concurrently_is_not_flagged():
    ok = facts("DROP INDEX CONCURRENTLY users_email_idx", concurrently=True, in_transaction=False)
    assert not of(run(USERS + IDX, USERS, facts=ok), "require-concurrent-index-drop")
    assert not of(run(USERS + IDX, USERS, "sqlite"), "require-concurrent-index-drop")


# ---------------------------------------------------------------------------------------------------
# add-check-constraint
# ---------------------------------------------------------------------------------------------------
CHECKED = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER, " \
          "CONSTRAINT users_age_check CHECK (age >= 0));\n"


def test_check_on_existing_table_is_an_error_on_postgresql_and_a_warning_on_mysql():
    [f] = of(run(USERS, CHECKED), "add-check-constraint")
    assert f.severity == "error" and "ACCESS EXCLUSIVE" in f.message
    [f] = of(run(USERS, CHECKED, "mysql"), "add-check-constraint")
    assert f.severity == "warning"


def test_check_not_valid_or_on_a_new_table_is_not_flagged():
    nv = facts("ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID", not_valid=True)
    assert not of(run(USERS, CHECKED, facts=nv), "add-check-constraint")
    assert not of(run("", CHECKED), "add-check-constraint")


# ---------------------------------------------------------------------------------------------------
# add-foreign-key
# ---------------------------------------------------------------------------------------------------
POSTS_FK = ("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, "
            "CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id));\n"
            "CREATE INDEX posts_user_id_idx ON posts (user_id);\n")


def test_foreign_key_on_existing_table_is_flagged():
    [f] = of(run(USERS + POSTS, USERS + POSTS_FK), "add-foreign-key")
    assert f.severity == "error" and "users" in f.message and "posts" in f.message
    [f] = of(run(USERS + POSTS, USERS + POSTS_FK, "mysql"), "add-foreign-key")
    assert f.severity == "warning" and "COPY" in f.message


def test_foreign_key_not_valid_or_on_a_new_table_is_not_flagged():
    nv = facts("ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) "
               "NOT VALID", not_valid=True)
    assert not of(run(USERS + POSTS, USERS + POSTS_FK, facts=nv), "add-foreign-key")
    assert not of(run(USERS, USERS + POSTS_FK), "add-foreign-key")


# ---------------------------------------------------------------------------------------------------
# add-unique-constraint
# ---------------------------------------------------------------------------------------------------
UNIQUE = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER, " \
         "CONSTRAINT users_email_key UNIQUE (email));\n"


@pytest.mark.parametrize("dialect,severity", [("postgresql", "error"), ("mysql", "warning"), ("sqlite", "warning")])
def test_unique_on_existing_table_is_flagged(dialect, severity):
    [f] = of(run(USERS, UNIQUE, dialect), "add-unique-constraint")
    assert f.severity == severity and "duplicates" in f.message


def test_unique_on_a_new_table_is_not_flagged_and_a_small_table_steps_down():
    assert not of(run("", UNIQUE), "add-unique-constraint")
    [f] = of(run(USERS, UNIQUE, stats={"users": TableStats(10, 8192)}), "add-unique-constraint")
    assert f.severity == "warning"


# ---------------------------------------------------------------------------------------------------
# add-primary-key
# ---------------------------------------------------------------------------------------------------
NO_PK = "CREATE TABLE events (id INTEGER NOT NULL, name TEXT);\n"
WITH_PK = "CREATE TABLE events (id INTEGER NOT NULL, name TEXT, CONSTRAINT events_pkey PRIMARY KEY (id));\n"


def test_primary_key_added_to_existing_table_is_flagged():
    [f] = of(run(NO_PK, WITH_PK), "add-primary-key")
    assert f.severity == "error" and "adding" in f.message
    [f] = of(run(NO_PK, WITH_PK, "mysql"), "add-primary-key")
    assert f.severity == "warning" and "rebuilds" in f.message


def test_primary_key_on_new_table_or_dropped_is_not_flagged():
    assert not of(run("", WITH_PK), "add-primary-key")
    assert not of(run(WITH_PK, NO_PK), "add-primary-key")


# ---------------------------------------------------------------------------------------------------
# foreign-key-without-index
# ---------------------------------------------------------------------------------------------------
POSTS_FK_BARE = ("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, "
                 "CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id));\n")


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_foreign_key_without_index_is_flagged_on_add_and_on_create_table(dialect):
    [f] = of(run(USERS + POSTS, USERS + POSTS_FK_BARE, dialect), "foreign-key-without-index")
    assert f.severity == "warning" and "posts_user_id_fkey" in f.message
    [f] = of(run(USERS, USERS + POSTS_FK_BARE, dialect), "foreign-key-without-index")
    assert f.operation_description.startswith("create table posts")


def test_foreign_key_with_a_leading_index_or_on_mysql_is_not_flagged():
    assert not of(run(USERS + POSTS, USERS + POSTS_FK), "foreign-key-without-index")
    assert not of(run(USERS, USERS + POSTS_FK), "foreign-key-without-index")
    assert not of(run(USERS + POSTS, USERS + POSTS_FK_BARE, "mysql"), "foreign-key-without-index")


def test_foreign_key_index_must_lead_with_the_key_columns():
    compound = ("CREATE TABLE m (a INTEGER, b INTEGER, c INTEGER, CONSTRAINT m_pkey PRIMARY KEY (c, a), "
                "CONSTRAINT m_ab_fkey FOREIGN KEY (a, b) REFERENCES p (x, y));\n")
    parent = "CREATE TABLE p (x INTEGER, y INTEGER, CONSTRAINT p_pkey PRIMARY KEY (x, y));\n"
    assert of(run(parent, parent + compound), "foreign-key-without-index")  # (c, a) does not lead with (a, b)
    led = compound.replace(");\n", ");\nCREATE INDEX m_ba_c_idx ON m (b, a, c);\n", 1)
    assert not of(run(parent, parent + led), "foreign-key-without-index")  # any order of the leading columns
    partial = compound.replace(");\n", ");\nCREATE INDEX m_ab_idx ON m (a, b) WHERE c > 0;\n", 1)
    assert of(run(parent, parent + partial), "foreign-key-without-index")


def test_foreign_key_index_added_later_counts_when_the_final_schema_is_known():
    @dataclass(frozen=True)
    class FinalContext(Context):  # what the rule reads when the analyzer passes the migration's end state
        final: Schema | None = None

    schema = read_sql_text(USERS, "postgresql")
    op = CreateTable(read_sql_text(USERS + POSTS_FK_BARE, "postgresql").table("posts"))
    assert FK_INDEX_RULE.check(op, FinalContext("postgresql", schema))
    final = read_sql_text(USERS + POSTS_FK, "postgresql")
    assert FK_INDEX_RULE.check(op, FinalContext("postgresql", schema, final=final)) is None


# ---------------------------------------------------------------------------------------------------
# require-lock-timeout
# ---------------------------------------------------------------------------------------------------
ADDED = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER, bio TEXT);\n"


def test_ddl_without_lock_timeout_is_info_and_a_warning_on_a_large_table():
    [f] = of(run(USERS, ADDED), "require-lock-timeout")
    assert f.severity == "info" and "lock_timeout" in f.message
    [f] = of(run(USERS, ADDED, stats={"users": TableStats(2_000_000, 10**9)}), "require-lock-timeout")
    assert f.severity == "warning" and "2,000,000 rows" in f.message
    [f] = of(run(USERS, ADDED, stats={"users": TableStats(50_000, 10**7)}), "require-lock-timeout")
    assert f.severity == "info"


def test_ddl_after_set_lock_timeout_or_on_a_new_table_is_not_flagged():
    ok = facts("ALTER TABLE users ADD COLUMN bio TEXT", lock_timeout=True)
    assert not of(run(USERS, ADDED, facts=ok), "require-lock-timeout")
    assert not of(run("", ADDED), "require-lock-timeout")
    assert not of(run(USERS, ADDED, "mysql"), "require-lock-timeout")


# ---------------------------------------------------------------------------------------------------
# unbatched-backfill (statement rule)
# ---------------------------------------------------------------------------------------------------
def test_update_without_where_is_an_unbatched_backfill():
    for dialect in ("postgresql", "mysql", "sqlite"):
        msg = BACKFILL.check_statement(facts("UPDATE users SET age = 0"), ctx(dialect))
        assert msg and "without WHERE" in msg


def test_batched_update_and_new_tables_are_not_flagged():
    batch = facts("UPDATE users SET age = 0 WHERE id > 0 AND id <= 10000 AND age IS NULL")
    assert BACKFILL.check_statement(batch, ctx()) is None
    assert BACKFILL.check_statement(facts("UPDATE users SET age = 0"), ctx(created_here=frozenset({"users"}))) is None
    assert BACKFILL.check_statement(facts("ALTER TABLE users ADD COLUMN x INTEGER"), ctx()) is None
    assert BACKFILL.check_statement(facts("SELECT count(*) FROM users"), ctx()) is None


def test_data_change_in_the_ddl_transaction_is_flagged_where_ddl_is_transactional():
    @dataclass(frozen=True)
    class LintContext(Context):  # what the rule reads when the linter says which tables DDL touched
        altered_here: frozenset = frozenset()

    schema = read_sql_text(USERS, "postgresql")
    batch = facts("DELETE FROM users WHERE age < 0")
    assert "same transaction" in BACKFILL.check_statement(
        batch, LintContext("postgresql", schema, altered_here=frozenset({"users"})))
    assert BACKFILL.check_statement(batch, LintContext("postgresql", schema)) is None
    outside = facts("DELETE FROM users WHERE age < 0", in_transaction=False)  # MySQL DDL commits at once
    assert BACKFILL.check_statement(outside, LintContext("mysql", schema, altered_here=frozenset({"users"}))) is None


# ---------------------------------------------------------------------------------------------------
# irreversible-data-step (statement rule)
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect,text,word", [
    ("postgresql", "DELETE FROM users WHERE age IS NULL", "DELETE"),
    ("postgresql", "TRUNCATE TABLE users", "TRUNCATE"),
    ("mysql", "UPDATE `users` SET age = 0 WHERE age < 0 LIMIT 100", "UPDATE"),
    ("sqlite", "DELETE FROM users", "DELETE"),
])
def test_data_changes_are_irreversible(dialect, text, word):
    msg = IRREVERSIBLE.check_statement(facts(text), ctx(dialect))
    assert msg and msg.startswith(word) and "users" in msg


def test_schema_statements_reads_and_new_tables_are_not_irreversible_data_steps():
    for text in ("ALTER TABLE users ADD COLUMN x INTEGER", "SELECT 1", "INSERT INTO users (id) VALUES (1)",
                 "SET lock_timeout = '5s'", "this is not sql at all ((("):
        assert IRREVERSIBLE.check_statement(facts(text), ctx()) is None, text
    assert IRREVERSIBLE.check_statement(facts("DELETE FROM users"), ctx(created_here=frozenset({"users"}))) is None


# ---------------------------------------------------------------------------------------------------
# mgen diff --json: the Done-when points
# ---------------------------------------------------------------------------------------------------
def diff_json(tmp_path: Path, capsys, old: str, new: str, dialect: str = "postgresql") -> dict:
    (tmp_path / "old.sql").write_text(old)
    (tmp_path / "new.sql").write_text(new)
    assert main(["diff", str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "--dialect", dialect, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_diff_json_carries_require_concurrent_index_on_an_existing_table(tmp_path, capsys):
    data = diff_json(tmp_path, capsys, USERS, USERS + IDX)
    [f] = [f for f in data["findings"] if f["rule"] == "require-concurrent-index"]
    assert data["operations"][f["operation"]]["op"] == "add_index" and f["severity"] == "error"
    assert data["operations"][f["operation"]]["safety"] == "needs care"


def test_diff_json_carries_add_required_column_and_nothing_above_info_for_a_nullable_add(tmp_path, capsys):
    required = USERS.replace("age INTEGER", "age INTEGER, nick TEXT NOT NULL")
    data = diff_json(tmp_path, capsys, USERS, required)
    assert [f["rule"] for f in data["findings"] if f["severity"] == "error"] == ["add-required-column"]
    data = diff_json(tmp_path, capsys, USERS, ADDED)
    assert data["findings"] and all(f["severity"] == "info" for f in data["findings"])
    assert [op["safety"] for op in data["operations"]] == ["safe"]


# ---------------------------------------------------------------------------------------------------
# the premises, on a real PostgreSQL
# ---------------------------------------------------------------------------------------------------
def test_postgresql_refuses_concurrently_in_a_transaction_and_accepts_not_valid_then_validate(postgres_url):
    with scratch_database("postgresql", postgres_url) as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, age INTEGER)")
        conn.execute("INSERT INTO users VALUES (1, -1), (2, 5)")
        with pytest.raises(psycopg.errors.ActiveSqlTransaction), conn.transaction():
            conn.execute("CREATE INDEX CONCURRENTLY users_age_idx ON users (age)")
        conn.execute("CREATE INDEX CONCURRENTLY users_age_idx ON users (age)")  # fine outside one
        # NOT VALID skips the existing rows; VALIDATE then finds the bad one: the split the rule suggests
        conn.execute("ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID")
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("ALTER TABLE users VALIDATE CONSTRAINT users_age_check")
        conn.execute("UPDATE users SET age = 0 WHERE age < 0")
        conn.execute("ALTER TABLE users VALIDATE CONSTRAINT users_age_check")


def test_postgresql_unique_constraint_from_a_concurrent_index_and_duplicates_fail(postgres_url):
    with scratch_database("postgresql", postgres_url) as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("INSERT INTO users VALUES (1, 'a'), (2, 'a')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)")
        conn.execute("UPDATE users SET email = 'b' WHERE id = 2")
        conn.execute("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)")
        conn.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key")
        kind = conn.execute("SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'").fetchone()
        assert kind == ("u",)
