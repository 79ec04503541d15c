"""mysql-non-atomic-migration: migrations that must be flagged and near misses that must not (the real
pipeline, no mocks), the position rules for mgen's own migrations and for linted files, and the premise
on a real MariaDB: a failing statement leaves the earlier ones applied, a failing ALTER TABLE nothing."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rulekit import migration_findings, of, operation_findings

from mgen.db import StatementError, connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import normalize_for
from mgen.operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnNullability,
    AlterColumnType,
    Backfill,
    CreateEnum,
    CreateTable,
    DropEnumValue,
    Operation,
    SetPrimaryKey,
)
from mgen.schema import Check, Column, ColumnType, EnumType, ForeignKey, Index, PrimaryKey, Schema, Unique
from mgen.sources.sql import read_sql_text

RULE = "mysql-non-atomic-migration"
DIALECT = "mysql"
USERS = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), age INTEGER, state ENUM('a', 'b'));"
POSTS = "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER);"
EVENTS = "CREATE TABLE events (k INTEGER NOT NULL, v INTEGER);"
# an added column, then a UNIQUE that can meet duplicates ...
FLAGGED = (USERS, USERS.replace("state ENUM('a', 'b')", "state ENUM('a', 'b'), nickname VARCHAR(40), "
                                "CONSTRAINT users_email_key UNIQUE (email)"))
# ... and the UNIQUE alone: if it fails, nothing has been applied
CLEAN = (USERS, USERS.replace("state ENUM('a', 'b')", "state ENUM('a', 'b'), CONSTRAINT users_email_key UNIQUE (email)"))
NICK = AddColumn("users", Column("nick", ColumnType("varchar", length=40)))


def findings(old_sql: str, new_sql: str) -> list:
    return of(migration_findings(old_sql, new_sql, DIALECT), RULE)


def test_mysql_non_atomic_migration_flags():
    [f] = findings(*FLAGGED)
    assert f.severity == "warning" and f.operation == 1
    assert "users_email_key" in f.message and "add column users.nickname" in f.message
    assert "mgen generate --zero-downtime" in f.message and f.safe_alternative


def test_mysql_non_atomic_migration_does_not_flag():
    assert not findings(*CLEAN), "must not be flagged"


def old_schema() -> Schema:
    return normalize_for(read_sql_text(USERS + POSTS + EVENTS, DIALECT), get_dialect(DIALECT))


def run(ops: list[Operation], dialect: str = DIALECT) -> list:
    return of(operation_findings(ops, dialect, old_schema()), RULE)


ENUM = "users_state"
RISKY = {
    "unique": AddUnique("users", Unique("users_email_key", ("email",))),
    "unique index": AddIndex("users", Index("users_email_idx", ("email",), unique=True)),
    "primary key": SetPrimaryKey("events", None, PrimaryKey("events_pkey", ("k",))),
    "check": AddCheck("users", Check("users_age_check", "age >= 0")),
    "foreign key": AddForeignKey("posts", ForeignKey("posts_user_id_fkey", ("user_id",), "users", ("id",))),
    "not null": AlterColumnNullability("users", "email", False),
    "narrowing": AlterColumnType("users", "email", ColumnType("varchar", length=100), ColumnType("varchar", length=10)),
    "enum member removal": DropEnumValue(ENUM, "b", None),
}
HARMLESS = {
    "nullable": AlterColumnNullability("users", "email", True),
    "widening": AlterColumnType("users", "email", ColumnType("varchar", length=100), ColumnType("varchar", length=200)),
    "plain index": AddIndex("users", Index("users_age_idx", ("age",))),
    "column": AddColumn("users", Column("bio", ColumnType("text"))),
}


@pytest.mark.parametrize("kind", RISKY)
def test_each_statement_that_can_fail_on_data_is_flagged_after_another_and_not_first(kind):
    op = RISKY[kind]
    [f] = run([NICK, op])
    assert f.operation == 1 and "add column users.nick" in f.message
    assert not run([op, NICK]), "first in its migration: nothing applied before it"
    assert not run([op])


@pytest.mark.parametrize("kind", HARMLESS)
def test_statements_that_cannot_fail_on_data_are_not_flagged(kind):
    assert not run([NICK, HARMLESS[kind]])


def test_only_mysql_and_only_existing_tables():
    assert not run([NICK, RISKY["unique"]], "postgresql")
    table = replace(old_schema().table("users"), name="fresh")
    assert not run([CreateTable(table), AddUnique("fresh", Unique("fresh_email_key", ("email",)))])


def test_operations_that_write_no_sql_do_not_count_as_applied():
    enum = CreateEnum(EnumType("spare", ("x", "y")))  # MySQL keeps enums on columns: no statement
    nothing = Backfill("users", None, None, undo_column="age", undo_value="0")  # only its reverse writes
    assert not run([enum, nothing, RISKY["unique"]])
    [f] = run([enum, NICK, nothing, RISKY["unique"]])
    assert "statement before it stays applied" in f.message and "spare" not in f.message


def test_message_counts_the_statements_beyond_the_first_three():
    cols = [AddColumn("users", Column(f"c{i}", ColumnType("integer"))) for i in range(5)]
    [f] = run([*cols, RISKY["not null"]])
    assert "5 statements before it stay applied" in f.message and "and 2 more" in f.message
    assert "users.c0" in f.message and "users.c3" not in f.message


# ---------------------------------------------------------------------------------------------------
# mgen lint: statements, not operations, are the unit
# ---------------------------------------------------------------------------------------------------
SCHEMA_SQL = ("CREATE TABLE users (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100)) "
              "ENGINE=InnoDB;\n")


def lint(tmp_path: Path, sql: str) -> list[dict]:
    (tmp_path / "schema.sql").write_text(SCHEMA_SQL)
    (tmp_path / "m.sql").write_text(sql)
    r = subprocess.run([sys.executable, "-m", "mgen.cli", "lint", str(tmp_path / "m.sql"), "--dialect", DIALECT,
                        "--schema", str(tmp_path / "schema.sql"), "--json"],
                       capture_output=True, text=True, check=False)
    assert r.returncode in (0, 1), r.stderr
    return [f for f in json.loads(r.stdout)["findings"] if f["rule"] == RULE]


def test_lint_flags_a_later_statement_and_names_the_earlier_one_by_line(tmp_path):
    [f] = lint(tmp_path, "-- two statements\nALTER TABLE users ADD COLUMN nick VARCHAR(40) NULL;\n"
                         "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n")
    assert f["line"] == 3 and "line 2: ALTER TABLE users ADD COLUMN nick" in f["message"]


def test_lint_one_alter_table_succeeds_or_fails_whole(tmp_path):
    assert not lint(tmp_path, "ALTER TABLE users ADD COLUMN nick VARCHAR(40) NULL, "
                              "ADD CONSTRAINT users_email_key UNIQUE (email);\n")


def test_lint_session_statements_do_not_count_and_data_changes_do(tmp_path):
    assert not lint(tmp_path, "SET lock_wait_timeout = 5;\nALTER TABLE users ADD CONSTRAINT users_email_key "
                              "UNIQUE (email);\n")
    [f] = lint(tmp_path, "UPDATE users SET email = NULL WHERE email = '';\n"
                         "ALTER TABLE users MODIFY COLUMN email VARCHAR(100) NOT NULL;\n")
    assert "line 1: UPDATE users" in f["message"]


# ---------------------------------------------------------------------------------------------------
# the premise, on a real MariaDB/MySQL
# ---------------------------------------------------------------------------------------------------
def test_premise_a_failing_statement_leaves_the_earlier_ones_applied_but_one_alter_is_whole(mysql_url):
    with scratch_database(DIALECT, mysql_url) as url, connect(url) as conn:
        conn.execute("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100)) ENGINE=InnoDB")
        conn.execute("INSERT INTO users VALUES (1, 'a'), (2, 'a')")

        def columns() -> set[str]:
            return {r[0] for r in conn.query("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_schema = DATABASE() AND table_name = 'users'")}

        up = get_dialect(DIALECT).render_ops([NICK, RISKY["unique"]], old_schema())  # mgen's own statements
        assert len(up) == 2
        conn.execute(up[0])
        with pytest.raises(StatementError):
            conn.execute(up[1])
        assert "nick" in columns(), "the column added before the failing statement stays"
        with pytest.raises(StatementError):
            conn.execute("ALTER TABLE users ADD COLUMN bio TEXT, ADD CONSTRAINT users_email_key UNIQUE (email)")
        assert "bio" not in columns(), "one ALTER TABLE fails as a whole"
