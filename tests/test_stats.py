"""Table statistics read from a live database (`mgen.stats`, `mgen diff --db`, `mgen lint --db`): the right row
counts and sizes on all three dialects, severities stepped by them, and URLs never printed with a password.

Every database here is a scratch database of the test's own on the real servers (tests/conftest.py)."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.db import connect, scratch_database
from mgen.errors import MgenError
from mgen.stats import live_facts, table_stats

ROOT = Path(__file__).resolve().parent.parent
MGEN = [sys.executable, "-m", "mgen.cli"]
PASSWORD = "pw-must-not-leak-7f3a"
# nothing listens on port 1: the connection is refused at once
CLOSED = {"postgresql": f"postgresql://mgen:{PASSWORD}@127.0.0.1:1/db",
          "mysql": f"mysql://mgen:{PASSWORD}@127.0.0.1:1/db"}
BIG_ROWS = 150_000  # above the rules' LARGE_TABLE_ROWS (100,000)


def mgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(MGEN + list(args), capture_output=True, text=True, cwd=ROOT, check=False)


def run_all(url: str, statements: list[str]) -> None:
    with connect(url) as conn:
        for sql in statements:
            conn.execute(sql)


def make_sqlite(path: Path, statements: list[str]) -> str:
    """A new SQLite file holding ``statements``' tables; its URL (mgen never creates a file it reads)."""
    with sqlite3.connect(path) as raw:
        for sql in statements:
            raw.execute(sql)
    raw.close()
    return f"sqlite:///{path}"


def findings(out: str, rule: str) -> list[dict]:
    return [f for f in json.loads(out)["findings"] if f["rule"] == rule]


# -- reading statistics ------------------------------------------------------------------------
def test_postgres_rows_and_sizes_after_analyze(postgres_url):
    with scratch_database("postgresql", postgres_url) as url:
        run_all(url, [
            "CREATE TABLE small (id integer PRIMARY KEY, name text)",
            "INSERT INTO small SELECT g, 'n' || g FROM generate_series(1, 5) g",
            "CREATE TABLE big (id integer PRIMARY KEY, name text)",
            f"INSERT INTO big SELECT g, 'n' || g FROM generate_series(1, {BIG_ROWS}) g",
            "CREATE TABLE empty (id integer)",
            # a partitioned table counts as one table holding its partitions' rows
            "CREATE TABLE events (day date NOT NULL, n integer) PARTITION BY RANGE (day)",
            "CREATE TABLE events_a PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
            "CREATE TABLE events_b PARTITION OF events FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')",
            "INSERT INTO events SELECT DATE '2020-06-01' + (g % 400), g FROM generate_series(1, 800) g",
            # outside the current schema: not a table the migration names
            "CREATE SCHEMA other",
            "CREATE TABLE other.hidden (id integer)",
            "ANALYZE",
        ])
        facts = live_facts(url, "postgresql")
    stats = facts.stats
    assert set(stats) == {"small", "big", "empty", "events"}
    assert stats["small"].rows == 5
    assert stats["big"].rows == BIG_ROWS  # ANALYZE read every page of a table this size: exact
    assert stats["empty"].rows == 0
    assert stats["events"].rows == 800
    # table + index + toast; a 150,000-row heap is megabytes, a 5-row one a few pages
    assert stats["big"].bytes > 3_000_000 > stats["small"].bytes > 0
    assert stats["events"].bytes > 0
    assert facts.server_version is not None and facts.server_version[0] >= 10


def test_postgres_counts_tables_never_analyzed(postgres_url):
    with scratch_database("postgresql", postgres_url) as url:
        run_all(url, ["CREATE TABLE fresh (id integer)",
                      "INSERT INTO fresh SELECT generate_series(1, 7)"])
        with connect(url) as conn:  # before any ANALYZE the catalog has no estimate (PostgreSQL 14+: -1)
            assert conn.query("SELECT reltuples FROM pg_class WHERE relname = 'fresh'")[0][0] <= 0
        assert table_stats(url)["fresh"].rows == 7


def test_postgres_table_locked_by_a_migration_fails_fast_instead_of_queueing(postgres_url):
    # a migration holding ACCESS EXCLUSIVE must not make mgen wait (and make others wait behind it)
    with scratch_database("postgresql", postgres_url) as url:
        run_all(url, ["CREATE TABLE busy (id integer)"])
        with connect(url) as holder:
            holder.execute("BEGIN")
            holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
            try:
                with pytest.raises(MgenError, match="lock timeout"):
                    table_stats(url)
            finally:
                holder.execute("ROLLBACK")
        assert table_stats(url)["busy"].rows == 0


def test_postgres_session_is_read_only(postgres_url, monkeypatch):
    # the reader's own session refuses writes: prove it by slipping a write into it
    from mgen import stats as stats_module

    seen = {}

    def spy(conn):
        result = original(conn)
        with pytest.raises(MgenError, match="read-only"):
            conn.execute("CREATE TABLE sneaky (id integer)")
        seen["checked"] = True
        return result

    original = stats_module._READERS["postgresql"]
    monkeypatch.setitem(stats_module._READERS, "postgresql", spy)
    with scratch_database("postgresql", postgres_url) as url:
        table_stats(url)
    assert seen == {"checked": True}


def test_mysql_rows_and_sizes_after_analyze_table(mysql_url):
    with scratch_database("mysql", mysql_url) as url:
        run_all(url, [
            "CREATE TABLE small (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB",
            "INSERT INTO small VALUES (1, 'a'), (2, 'b'), (3, 'c')",
            "CREATE TABLE empty (id INT PRIMARY KEY) ENGINE=InnoDB",
            "CREATE TABLE plain (id INT) ENGINE=MyISAM",
            "INSERT INTO plain VALUES (1), (2), (3), (4), (5), (6)",
            "CREATE VIEW small_view AS SELECT id FROM small",
            "ANALYZE TABLE small, empty, plain",
        ])
        facts = live_facts(url, "mysql")
    assert set(facts.stats) == {"small", "empty", "plain"}  # the view is no table
    assert facts.stats["small"].rows == 3
    assert facts.stats["empty"].rows == 0
    assert facts.stats["plain"].rows == 6
    assert facts.stats["small"].bytes > 0
    assert facts.server_version is not None and facts.server_version[0] >= 5


def test_mysql_url_without_database_is_bad_input(mysql_url):
    with pytest.raises(MgenError, match="names no database"):
        table_stats(mysql_url.rsplit("/", 1)[0])


def test_sqlite_counts_rows_and_measures_pages_with_indexes(tmp_path):
    path = tmp_path / "app.db"
    url = make_sqlite(path, [
        "CREATE TABLE plain (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)",
        "CREATE TABLE indexed (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE INDEX indexed_name_idx ON indexed (name)",
        "CREATE TABLE empty (id INTEGER)",
        *[f"INSERT INTO {t} (name) VALUES ('{'x' * 200}{i}')" for t in ("plain", "indexed") for i in range(40)],
    ])
    before = path.read_bytes()
    stats = table_stats(url, "sqlite")
    assert path.read_bytes() == before  # read only
    assert set(stats) == {"plain", "indexed", "empty"}  # sqlite_sequence and friends are not the user's
    assert (stats["plain"].rows, stats["indexed"].rows, stats["empty"].rows) == (40, 40, 0)
    # same rows, plus an index holding every name: more pages
    assert stats["indexed"].bytes > stats["plain"].bytes > 0
    assert live_facts(url).server_version is None


# -- bad input ---------------------------------------------------------------------------------
def test_dialect_of_url_must_match(tmp_path):
    with pytest.raises(MgenError, match="is a postgresql database, not mysql"):
        table_stats(CLOSED["postgresql"], "mysql")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_unreachable_url_is_bad_input_and_password_is_redacted(dialect):
    with pytest.raises(MgenError) as info:
        table_stats(CLOSED[dialect], dialect)
    assert PASSWORD not in info.value.one_line()
    assert "mgen:***@127.0.0.1:1" in info.value.one_line()


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_cli_unreachable_db_exits_2_without_the_password(tmp_path, dialect):
    sql = tmp_path / "t.sql"
    sql.write_text("CREATE TABLE t (id INTEGER PRIMARY KEY);\n")
    for args in (["diff", str(sql), str(sql)], ["lint", str(sql)]):
        r = mgen(*args, "--dialect", dialect, "--db", CLOSED[dialect], "--json")
        assert r.returncode == 2, (args, r.stderr)
        assert PASSWORD not in r.stdout + r.stderr
        assert "***" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_cli_db_of_another_dialect_exits_2(tmp_path):
    sql = tmp_path / "t.sql"
    sql.write_text("CREATE TABLE t (id INTEGER PRIMARY KEY);\n")
    r = mgen("diff", str(sql), str(sql), "--dialect", "mysql", "--db", CLOSED["postgresql"])
    assert r.returncode == 2
    assert "not mysql" in r.stderr and PASSWORD not in r.stderr


# -- severity stepped by the statistics ----------------------------------------------------------
ITEMS = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
INDEX = "CREATE INDEX items_name_idx ON items (name);\n"


@pytest.fixture
def pg_items(postgres_url):
    """A scratch PostgreSQL database whose ``items`` table is filled by the test, then analyzed."""
    with scratch_database("postgresql", postgres_url) as url:
        run_all(url, [ITEMS.rstrip().rstrip(";")])

        def fill(rows: int) -> str:
            run_all(url, [f"INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, {rows}) g",
                          "ANALYZE items"])
            return url
        yield fill


@pytest.fixture
def index_diff(tmp_path) -> tuple[str, str]:
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text(ITEMS)
    new.write_text(ITEMS + INDEX)
    return str(old), str(new)


def test_diff_db_small_table_lowers_concurrent_index_severity(pg_items, index_diff):
    url = pg_items(5)
    without = mgen("diff", *index_diff, "--dialect", "postgresql", "--json")
    with_db = mgen("diff", *index_diff, "--dialect", "postgresql", "--db", url, "--json")
    assert without.returncode == 0 and with_db.returncode == 0, with_db.stderr
    assert [f["severity"] for f in findings(without.stdout, "require-concurrent-index")] == ["error"]
    assert [f["severity"] for f in findings(with_db.stdout, "require-concurrent-index")] == ["info"]
    # with no error or warning left, the index is classed safe
    assert json.loads(with_db.stdout)["operations"][0]["safety"] == "safe"


def test_diff_db_large_table_raises_lock_timeout_to_warning(pg_items, index_diff):
    url = pg_items(BIG_ROWS)
    without = findings(mgen("diff", *index_diff, "--dialect", "postgresql", "--json").stdout,
                       "require-lock-timeout")
    r = mgen("diff", *index_diff, "--dialect", "postgresql", "--db", url, "--json")
    assert r.returncode == 0, r.stderr
    with_db = findings(r.stdout, "require-lock-timeout")
    assert [f["severity"] for f in without] == ["info"] and "rows" not in without[0]["message"]
    assert [f["severity"] for f in with_db] == ["warning"]
    assert "150,000 rows" in with_db[0]["message"]
    # a large table keeps the concurrent-index error
    assert [f["severity"] for f in findings(r.stdout, "require-concurrent-index")] == ["error"]


def test_lint_db_steps_severity_both_ways(pg_items, tmp_path):
    migration = tmp_path / "001_index.sql"
    migration.write_text(INDEX)

    def lint(*extra: str) -> dict:
        r = mgen("lint", str(migration), "--dialect", "postgresql", "--json", *extra)
        assert r.returncode in (0, 1), r.stderr
        return {f["rule"]: f for f in json.loads(r.stdout)["findings"]}

    plain = lint()
    assert plain["require-concurrent-index"]["severity"] == "error"
    assert plain["require-lock-timeout"]["severity"] == "info"
    url = pg_items(BIG_ROWS)
    big = lint("--db", url)
    assert big["require-concurrent-index"]["severity"] == "error"
    assert big["require-lock-timeout"]["severity"] == "warning"
    assert "150,000 rows" in big["require-lock-timeout"]["message"]
    # the same migration on a table emptied back to a few rows: no error left, exit 0
    run_all(url, ["DELETE FROM items WHERE id > 3", "VACUUM ANALYZE items"])
    r = mgen("lint", str(migration), "--dialect", "postgresql", "--json", "--db", url)
    assert r.returncode == 0, r.stdout
    small = {f["rule"]: f for f in json.loads(r.stdout)["findings"]}
    assert small["require-concurrent-index"]["severity"] == "info"
    assert small["require-lock-timeout"]["severity"] == "info"


def test_mysql_diff_db_gives_server_version_and_sizes(mysql_url, tmp_path):
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, legacy TEXT);\n")
    new.write_text("CREATE TABLE t (id INT NOT NULL);\n")  # drops a column and the primary key
    with scratch_database("mysql", mysql_url) as url:
        run_all(url, ["CREATE TABLE t (id INT NOT NULL PRIMARY KEY, legacy TEXT)",
                      "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')", "ANALYZE TABLE t"])
        without = mgen("diff", str(old), str(new), "--dialect", "mysql", "--json")
        with_db = mgen("diff", str(old), str(new), "--dialect", "mysql", "--db", url, "--json")
    assert with_db.returncode == 0, with_db.stderr
    copy_without = findings(without.stdout, "mysql-copy-algorithm")
    copy_with = findings(with_db.stdout, "mysql-copy-algorithm")
    # unknown server: DROP COLUMN may rebuild; MariaDB 10.4+/MySQL 8.0.29+ (known with --db) drops it INSTANT
    assert any("pass --db to know" in f["message"] for f in copy_without)
    assert not any("pass --db to know" in f["message"] for f in copy_with)
    # dropping the primary key copies the table: a warning, one step lower on a 3-row table, sized
    pk_without = [f for f in copy_without if "primary key" in f["message"]]
    pk_with = [f for f in copy_with if "primary key" in f["message"]]
    assert [f["severity"] for f in pk_without] == ["warning"]
    assert [f["severity"] for f in pk_with] == ["info"]
    assert "(3 rows" in pk_with[0]["message"]


def test_sqlite_diff_db_sizes_a_dropped_table(tmp_path):
    db = tmp_path / "app.db"
    url = make_sqlite(db, ["CREATE TABLE gone (id INTEGER PRIMARY KEY)",
                           "INSERT INTO gone VALUES (1), (2), (3), (4)"])
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text("CREATE TABLE gone (id INTEGER PRIMARY KEY);\n")
    new.write_text("")
    r = mgen("diff", str(old), str(new), "--dialect", "sqlite", "--db", url, "--json")
    assert r.returncode == 0, r.stderr
    assert "(4 rows" in findings(r.stdout, "drop-table")[0]["message"]

