"""verify on real databases: a migration is proved on scratch databases with rows, or the report says
exactly what went wrong."""
from __future__ import annotations

import importlib.util
import json
from dataclasses import replace

import pytest

from mgen.errors import MgenError
from mgen.schema import Check, Column, ColumnType, ForeignKey, Index, PrimaryKey, Schema, Table
from mgen.verify import verify, verify_statements


@pytest.fixture
def server(dialect_server):
    """(dialect, server URL); SQLite needs its DDL interpreter to read a database back."""
    dialect, url = dialect_server
    if dialect == "sqlite" and importlib.util.find_spec("mgen.sources.sql") is None:
        pytest.skip("mgen.sources.sql (read back of SQLite databases) is not in the tree yet")
    return dialect, url


USERS = Table(
    "users",
    (Column("id", ColumnType("integer"), False, identity="serial"),
     Column("name", ColumnType("varchar", 40), False),
     Column("score", ColumnType("numeric", precision=6, scale=2))),
    PrimaryKey(("id",), "users_pkey"),
    checks=(Check("users_score_check", "score > 0"),),
)
OLD = Schema((USERS,))
WITH_BIO = Schema((replace(USERS, columns=USERS.columns + (Column("bio", ColumnType("text")),)),))


def by_name(report, text):
    return [c for c in report.checks if text in c.name]


def test_add_column_table_foreign_key_and_index_passes(server):
    dialect, url = server
    posts = Table(
        "posts",
        (Column("id", ColumnType("bigint"), False, identity="serial"),
         Column("user_id", ColumnType("integer"), False),
         Column("title", ColumnType("varchar", 100))),
        PrimaryKey(("id",), "posts_pkey"),
        indexes=(Index("posts_title_idx", ("title",)),),
        foreign_keys=(ForeignKey("posts_user_id_fkey", ("user_id",), "users", ("id",), on_delete="CASCADE"),),
    )
    new = Schema(WITH_BIO.tables + (posts,))
    report = verify(OLD, new, dialect, url)
    assert report.ok, report.format_text()
    assert [c.name for c in report.checks] == [
        "OLD built from empty (1 statements)", "sample rows inserted (5 rows in 1 tables)",
        f"NEW built from empty ({len(report.up)} statements)", f"up applied ({len(report.up)} statements)",
        "schema after up matches NEW", "rows kept after up",
        f"down applied ({len(report.down)} statements)", "schema after down matches OLD", "rows back after down",
    ]
    assert not report.warnings
    assert json.loads(json.dumps(report.to_dict()))["ok"] is True
    assert report.format_text().splitlines()[0] == "ok   OLD built from empty (1 statements)"


def test_rename_by_hint_keeps_the_rows(server):
    dialect, url = server
    renamed = Schema((replace(USERS, columns=(USERS.columns[0], replace(USERS.columns[1], name="full_name"),
                                              USERS.columns[2])),))
    report = verify(OLD, renamed, dialect, url, renames=["users.name=full_name"])
    assert report.ok, report.format_text()
    assert [op.kind for op in report.operations] == ["rename_column"]
    assert by_name(report, "rows kept after up")[0].name == "rows kept after up"  # compared in full


def test_destructive_drop_column_keeps_the_other_columns_and_says_the_check_was_limited(server):
    dialect, url = server
    report = verify(WITH_BIO, OLD, dialect, url)
    assert report.ok, report.format_text()
    limited = by_name(report, "limited to surviving columns")
    assert [c.name.split(" (")[0] for c in limited] == ["rows kept after up", "rows back after down"]
    assert all("users" in c.detail for c in limited)


def test_a_down_that_forgets_the_column_fails_naming_the_difference(server):
    dialect, url = server
    report = verify_statements(OLD, WITH_BIO, ["ALTER TABLE users ADD COLUMN bio text"], [], dialect, url)
    assert report.ok is False
    failed = [c for c in report.checks if not c.ok]
    assert [c.name for c in failed] == ["schema after down differs from OLD"]
    assert failed[0].detail == "drop column users.bio"
    assert "FAIL schema after down differs from OLD: drop column users.bio" in report.format_text()


def test_an_up_that_loses_rows_fails(server):
    dialect, url = server
    up = ["ALTER TABLE users ADD COLUMN bio text", "DELETE FROM users"]
    report = verify_statements(OLD, WITH_BIO, up, ["ALTER TABLE users DROP COLUMN bio"], dialect, url)
    assert report.ok is False
    failed = {c.name: c.detail for c in report.checks if not c.ok}
    assert set(failed) == {"rows kept after up failed", "rows back after down failed"}
    assert failed["rows kept after up failed"].startswith("table users: 5 of 5 rows missing or changed, e.g. {")


def test_a_refused_statement_is_a_failed_check_with_the_database_message(server):
    dialect, url = server
    report = verify_statements(OLD, WITH_BIO, ["ALTER TABLE users ADD COLUMN bio text",
                                               "ALTER TABLE no_such_table ADD COLUMN x integer"], [], dialect, url)
    assert report.ok is False
    assert report.checks[-1].name == "up failed"
    assert report.checks[-1].detail.startswith("statement 2 failed: ALTER TABLE no_such_table ADD COLUMN x integer: ")
    assert "no_such_table" in report.checks[-1].detail.split(": ", 2)[2]


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_unreachable_server_raises_with_the_password_hidden(dialect):
    url = f"{dialect}://mgen:hunter2@127.0.0.1:1/test"
    with pytest.raises(MgenError) as e:
        verify(OLD, WITH_BIO, dialect, url)
    assert "hunter2" not in e.value.message and "***" in e.value.message


def test_a_lossy_change_that_cannot_run_on_the_rows_is_proven_without_them(server):
    # varchar -> integer: the sample strings do not convert on PostgreSQL/MySQL. The change is
    # destructive by nature, so verify warns with the database's words and proves it without rows.
    dialect, url = server
    old = Schema((Table("t", columns=(Column("id", ColumnType("integer"), nullable=False),
                                      Column("n", ColumnType("varchar", 10))),
                        primary_key=PrimaryKey(("id",), "t_pkey")),))
    new = Schema((old.tables[0].replace_column("n", Column("n", ColumnType("integer"))),))
    report = verify(old, new, dialect, url)
    assert report.ok, report.format_text()
    names = [c.name for c in report.checks]
    if dialect == "sqlite":  # type affinity: SQLite keeps the strings, so it runs on the rows
        assert "rows kept after up" not in names and not report.warnings
    else:
        assert "up applied (no rows) (1 statements)" in names and "schema after down matches OLD" in names
        assert report.warnings and "cannot run on the sample rows" in report.warnings[0]
