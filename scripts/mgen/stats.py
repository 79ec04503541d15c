"""Table statistics (row counts, sizes) and the server version from a live database, for the safety rules.

``mgen diff --db URL`` and ``mgen lint --db URL`` read them so that a rule can step its severity by table
size and estimate how long a lock or rewrite lasts. Reading is read-only and cheap: the session is put
in read-only mode, the catalogs' own estimates are used where the server keeps them, and an exact
``count(*)`` (only where no estimate exists) is cut off after ``COUNT_TIMEOUT_SECONDS``. A table whose
row count cannot be had cheaply is left out: to the rules, unknown is not small.

    table_stats(url, dialect=None) -> {table: TableStats(rows, bytes)}
    live_facts(url, dialect=None) -> LiveFacts(stats, server_version)
"""
from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from .db import Connection, StatementError, connect, dialect_of_url, quote_identifier, redact
from .errors import MgenError
from .rules import TableStats

# An exact count is a fallback for tables the server has no estimate for; past this it is not worth
# holding a snapshot on someone's production database.
COUNT_TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class LiveFacts:
    """What the rules may learn from the target database: table statistics and the server version."""

    stats: dict[str, TableStats]
    server_version: tuple[int, ...] | None  # None for SQLite: the file does not say which library runs it


def table_stats(url: str, dialect: str | None = None) -> dict[str, TableStats]:
    """Row counts and on-disk sizes (table + indexes) of the tables in ``url``'s database (PostgreSQL: its
    current schema). ``dialect``, when given, must be the URL's. MgenError when unreachable."""
    return live_facts(url, dialect).stats


def live_facts(url: str, dialect: str | None = None) -> LiveFacts:
    """Statistics and server version of the database at ``url`` over one read-only connection."""
    actual = dialect_of_url(url)
    if dialect is not None and actual != dialect:
        raise MgenError(f"--db {redact(url)} is a {actual} database, not {dialect}")
    reader = _READERS[actual]
    with connect(url) as conn:
        try:
            return reader(conn)
        except StatementError as e:
            # the driver's text may quote the statement, never the URL; still name the URL redacted
            raise MgenError(f"cannot read statistics from {redact(url)}: {e.db_message}") from None


# -- PostgreSQL ---------------------------------------------------------------------------------
# Partitioned parents hold no rows themselves: their size and estimate are the sum of their leaves
# (pg_partition_tree is PostgreSQL 12+; older servers fall back to counting the parent).
_PG_TABLES = """
SELECT c.relname, {rows}, {size}
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname
"""
_PG12_ROWS = """CASE WHEN c.relkind = 'p'
       THEN (SELECT CASE WHEN bool_and(l.reltuples >= 0) THEN sum(l.reltuples) ELSE -1 END
             FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
       ELSE c.reltuples END"""
_PG12_SIZE = """CASE WHEN c.relkind = 'p'
       THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t)
       ELSE pg_total_relation_size(c.oid) END"""


def _postgres(conn: Connection) -> LiveFacts:
    # every later statement in this session is refused if it would write
    conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    conn.execute(f"SET statement_timeout = '{COUNT_TIMEOUT_SECONDS}s'")
    conn.execute("SET lock_timeout = '1s'")  # never queue behind a migration holding ACCESS EXCLUSIVE
    version_num = int(conn.query("SHOW server_version_num")[0][0])
    stats: dict[str, TableStats] = {}
    query = (_PG_TABLES.format(rows=_PG12_ROWS, size=_PG12_SIZE) if version_num >= 120000
             else _PG_TABLES.format(rows="c.reltuples", size="pg_total_relation_size(c.oid)"))
    for name, reltuples, size in conn.query(query):
        # reltuples is -1 before the first VACUUM/ANALYZE (PostgreSQL 14+) and 0 on older servers, where
        # 0 is also what an empty table says: count those exactly, cheap when the table really is empty
        rows = int(reltuples) if reltuples is not None and reltuples > 0 else _count(conn, name)
        if rows is not None:
            stats[name] = TableStats(rows, int(size or 0))
    return LiveFacts(stats, (version_num // 10000, version_num % 10000))


def _count(conn: Connection, table: str) -> int | None:
    """``count(*)`` of ``table``, or None when the statement timeout (or a lock) cuts it off."""
    try:
        return int(conn.query(f"SELECT count(*) FROM {quote_identifier(table, conn.dialect)}")[0][0])
    except StatementError:
        return None


# -- MySQL / MariaDB ----------------------------------------------------------------------------
_MYSQL_TABLES = """
SELECT TABLE_NAME, TABLE_ROWS, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0)
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
ORDER BY TABLE_NAME
"""


def _mysql(conn: Connection) -> LiveFacts:
    version, database = conn.query("SELECT VERSION(), DATABASE()")[0]
    if not database:
        raise MgenError(f"--db {redact(conn.url)} names no database: add /DBNAME to the URL")
    conn.execute("SET SESSION TRANSACTION READ ONLY")
    # MySQL 8 caches information_schema statistics for a day by default; MariaDB has no such variable.
    # Likewise only one of max_execution_time (MySQL, ms) / max_statement_time (MariaDB, s) exists.
    for setting in ("SET SESSION information_schema_stats_expiry = 0",
                    f"SET SESSION max_execution_time = {COUNT_TIMEOUT_SECONDS * 1000}",
                    f"SET SESSION max_statement_time = {COUNT_TIMEOUT_SECONDS}"):
        with contextlib.suppress(StatementError):
            conn.execute(setting)
    stats: dict[str, TableStats] = {}
    for name, rows, size in conn.query(_MYSQL_TABLES):
        # TABLE_ROWS is InnoDB's sampled estimate (exact for MyISAM); NULL for engines that keep none
        if rows is not None:
            stats[str(name)] = TableStats(int(rows), int(size))
    return LiveFacts(stats, _version_tuple(str(version)))


def _version_tuple(text: str) -> tuple[int, ...] | None:
    """(10, 11, 6) from "10.11.6-MariaDB-0+deb12u1"; None when the text has no version."""
    m = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", text.strip())
    return tuple(int(g) for g in m.groups() if g is not None) if m else None


# -- SQLite -------------------------------------------------------------------------------------
def _sqlite(conn: Connection) -> LiveFacts:
    conn.execute("PRAGMA query_only = ON")  # the connection refuses any write from here on
    names = [r[0] for r in conn.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")]
    has_dbstat = _sqlite_has_dbstat(conn)
    stats: dict[str, TableStats] = {}
    for name in names:
        # SQLite keeps no row estimate (sqlite_stat1 is optional and often stale), so count, with a deadline
        rows = _with_deadline(conn, lambda n=name: _count(conn, n))
        if rows is None:
            continue
        size = 0
        if has_dbstat:
            # the table's b-tree and its indexes', as pg_total_relation_size and DATA+INDEX_LENGTH count
            size = int(conn.query(
                "SELECT coalesce(sum(d.pgsize), 0) FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
                "WHERE m.tbl_name = ?", [name])[0][0])
        stats[name] = TableStats(rows, size)
    return LiveFacts(stats, None)


def _sqlite_has_dbstat(conn: Connection) -> bool:
    """dbstat is a compile-time option (SQLITE_ENABLE_DBSTAT_VTAB); without it sizes stay 0."""
    try:
        conn.query("SELECT 1 FROM dbstat LIMIT 1")
    except StatementError:
        return False
    return True


def _with_deadline(conn: Connection, run: Callable[[], int | None]) -> int | None:
    """``run()`` interrupted after COUNT_TIMEOUT_SECONDS (SQLite has no statement timeout of its own)."""
    raw: sqlite3.Connection = conn.raw
    deadline = time.monotonic() + COUNT_TIMEOUT_SECONDS
    # a non-zero return from the progress handler aborts the running statement ("interrupted")
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        return run()
    finally:
        raw.set_progress_handler(None, 0)


_READERS: dict[str, Callable[[Connection], LiveFacts]] = {
    "postgresql": _postgres,
    "mysql": _mysql,
    "sqlite": _sqlite,
}
