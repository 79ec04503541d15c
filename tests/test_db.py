"""mgen.db: URLs, connections, statement errors, scratch databases (real servers, no mocks)."""
from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest

from mgen import db as db_module
from mgen.db import (
    StatementError,
    apply_statements,
    connect,
    dialect_of_url,
    redact,
    scratch_database,
    sqlite_path,
    url_with_database,
)
from mgen.errors import MgenError


@pytest.mark.parametrize("url, expected", [
    ("postgresql://bob:s3cret@db:5432/app", "postgresql://bob:***@db:5432/app"),
    ("mysql://root:p%40ss@127.0.0.1/test", "mysql://root:***@127.0.0.1/test"),
    ("postgresql://bob@db/app", "postgresql://bob@db/app"),
    ("postgresql://bob:a@b@db/app", "postgresql://bob:***@db/app"),
    ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
    ("app.db", "app.db"),
])
def test_redact_hides_only_the_password(url, expected):
    assert redact(url) == expected


@pytest.mark.parametrize("url, dialect", [
    ("postgresql://h/db", "postgresql"), ("postgres://h/db", "postgresql"),
    ("postgresql+psycopg://h/db", "postgresql"), ("mysql://h/db", "mysql"), ("mariadb://h/db", "mysql"),
    ("mysql+pymysql://h/db", "mysql"), ("sqlite:///x.db", "sqlite"), ("sqlite://", "sqlite"),
    ("data/app.db", "sqlite"), ("x.sqlite", "sqlite"), ("x.SQLITE3", "sqlite"),
])
def test_dialect_of_url(url, dialect):
    assert dialect_of_url(url) == dialect


@pytest.mark.parametrize("url", ["oracle://u:pw@h/db", "schema.sql", "http://example.com"])
def test_dialect_of_url_rejects_others_without_showing_the_password(url):
    with pytest.raises(MgenError) as e:
        dialect_of_url(url)
    assert "pw" not in e.value.message


def test_sqlite_paths_and_database_swap():
    assert sqlite_path("sqlite://") == ":memory:"
    assert sqlite_path("sqlite:///rel/x.db") == "rel/x.db"
    assert sqlite_path("sqlite:////abs/x.db") == "/abs/x.db"
    assert sqlite_path("plain.db") == "plain.db"
    assert url_with_database("postgresql://u:pw@h:5432/test", "other") == "postgresql://u:pw@h:5432/other"
    assert url_with_database("mysql://u@h/test?charset=utf8mb4", "") == "mysql://u@h?charset=utf8mb4"


def test_sqlite_connection_runs_statements_with_foreign_keys_on():
    with connect("sqlite://") as conn:
        assert conn.query("PRAGMA foreign_keys") == [(1,)]
        apply_statements(conn, ["CREATE TABLE p (id INTEGER PRIMARY KEY)",
                                "CREATE TABLE c (p_id INTEGER REFERENCES p (id))"])
        conn.execute("INSERT INTO p (id) VALUES (?)", [7])
        assert conn.query("SELECT id FROM p") == [(7,)]
        with pytest.raises(StatementError, match="FOREIGN KEY"):
            conn.execute("INSERT INTO c (p_id) VALUES (8)")


def test_missing_sqlite_file_is_an_error_not_a_new_database(tmp_path):
    missing = tmp_path / "nope.db"
    with pytest.raises(MgenError, match="cannot connect"):
        connect(f"sqlite:///{missing}")
    assert not missing.exists()


@pytest.mark.parametrize("url", ["postgresql://bob:topsecret@127.0.0.1:1/x", "mysql://bob:topsecret@127.0.0.1:1/x"])
def test_unreachable_server_is_one_redacted_line(url):
    with pytest.raises(MgenError) as e:
        connect(url)
    assert e.value.message.startswith(f"cannot connect to {redact(url)}: ")
    assert "topsecret" not in e.value.one_line() and "\n" not in e.value.message


def test_bad_mysql_credentials(mysql_url):
    parts = urlsplit(mysql_url)
    url = urlunsplit(parts._replace(netloc=f"mgen_nobody:wrongpw@{parts.hostname}:{parts.port or 3306}"))
    with pytest.raises(MgenError, match=r"cannot connect to mysql://mgen_nobody:\*\*\*@.*denied") as e:
        connect(url)
    assert "wrongpw" not in e.value.message


def test_missing_driver_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what an uninstalled module looks like to import
    with pytest.raises(MgenError, match=r"pip install 'migration-generate\[postgres\]'"):
        connect("postgresql://u@127.0.0.1/x")


def test_failing_statement_names_index_statement_and_message():
    with connect("sqlite://") as conn, pytest.raises(StatementError) as e:
        apply_statements(conn, ["CREATE TABLE t (a INTEGER)", "INSERT INTO nowhere VALUES (1)"])
    assert e.value.message.startswith("statement 2 failed: INSERT INTO nowhere VALUES (1): ")
    assert "no such table" in e.value.db_message


def _database_exists(dialect: str, server_url: str, name: str) -> bool:
    with connect(server_url if dialect == "postgresql" else url_with_database(server_url, "")) as conn:
        if dialect == "postgresql":
            return bool(conn.query("SELECT 1 FROM pg_database WHERE datname = %s", [name]))
        return bool(conn.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s", [name]))


def test_scratch_database_is_new_empty_and_dropped(dialect_server):
    dialect, server = dialect_server
    with scratch_database(dialect, server) as url:
        assert dialect_of_url(url) == dialect
        with connect(url) as conn:
            apply_statements(conn, ["CREATE TABLE t (a INTEGER)"])
            conn.execute("INSERT INTO t (a) VALUES (1)")
            assert conn.query("SELECT a FROM t") == [(1,)]
        name = url.rsplit("/", 1)[-1]
        if dialect == "sqlite":
            assert os.path.exists(sqlite_path(url))
        else:
            assert name.startswith(f"mgen_scratch_{db_module._host_tag()}_{os.getpid()}_")
            assert _database_exists(dialect, server, name)
    if dialect == "sqlite":
        assert not os.path.exists(sqlite_path(url))
    else:
        assert not _database_exists(dialect, server, name)


def test_scratch_database_dropped_on_error_with_a_connection_still_open(dialect_server):
    dialect, server = dialect_server
    with pytest.raises(RuntimeError), scratch_database(dialect, server) as url:
        conn = connect(url)  # left open on purpose: the drop must not wait for it
        conn.execute("CREATE TABLE t (a INTEGER)")
        raise RuntimeError("step failed")
    conn.close()
    if dialect == "sqlite":
        assert not os.path.exists(sqlite_path(url))
    else:
        assert not _database_exists(dialect, server, url.rsplit("/", 1)[-1])


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_scratch_server_database_needs_a_server_url(dialect):
    with pytest.raises(MgenError, match="needs a server URL"), scratch_database(dialect):
        pass


def test_scratch_database_refuses_a_server_of_another_dialect():
    with pytest.raises(MgenError, match="is not a postgresql server"), \
            scratch_database("postgresql", "mysql://root:pw@127.0.0.1/test"):
        pass
