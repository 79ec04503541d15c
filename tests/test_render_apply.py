"""The golden cases run on real databases: fixture schema + rows, then up, then down.

Each case gets its own scratch database (``mgen_t_<8 hex>``), dropped afterwards. After the up the
database holds exactly what the after-schema's own CREATE statements make (compared catalog to
catalog with a second scratch database) and every table keeps its rows; after the down the catalog is
the fixture's again and every row has its original values (except what the case drops: a dropped
table or column comes back empty).
"""
from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from conftest import DIALECTS, require_server
from test_render_golden import CASES, FIXTURE, ROWS, fixture_statements

from mgen.dialects import Unsupported, get_dialect, render_migration
from mgen.operations import (
    Backfill,
    CreateEnum,
    CreateTable,
    DropColumn,
    DropTable,
    Operation,
    ValidateConstraint,
    apply_all,
    reverse_all,
)
from mgen.schema import Schema, Table


def driver_errors() -> tuple[type[Exception], ...]:
    """The error base classes of the three drivers."""
    import psycopg
    import pymysql

    return (psycopg.Error, pymysql.MySQLError, sqlite3.Error)


class Database:
    """One autocommit connection to a scratch database; statements run one at a time."""

    placeholder = "%s"

    def __init__(self, conn, server: str = ""):
        self.conn = conn
        self.server = server

    def execute(self, sql: str, params: tuple | None = None) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute(sql, params) if params is not None else cur.execute(sql)
        except driver_errors() as e:
            raise AssertionError(f"statement failed: {sql}\n{type(e).__name__}: {e}") from None
        finally:
            cur.close()

    def query(self, sql: str) -> list[tuple]:
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()


class SQLiteDatabase(Database):
    placeholder = "?"


@contextmanager
def postgresql_database(url: str, tmp_path) -> Iterator[Database]:
    import psycopg

    name = f"mgen_t_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            with psycopg.connect(url, dbname=name, autocommit=True) as conn:
                yield Database(conn, "postgresql")
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def mysql_database(url: str, tmp_path) -> Iterator[Database]:
    import pymysql

    u = urlsplit(url)
    params = {"host": u.hostname, "port": u.port or 3306, "user": u.username or "root", "password": u.password or ""}
    name = f"mgen_t_{uuid.uuid4().hex[:8]}"
    admin = pymysql.connect(autocommit=True, **params)
    try:
        admin.cursor().execute(f"CREATE DATABASE {name}")
        conn = pymysql.connect(database=name, autocommit=True, **params)
        try:
            cur = conn.cursor()
            cur.execute("SELECT VERSION()")
            yield Database(conn, "mariadb" if "mariadb" in cur.fetchone()[0].lower() else "mysql")
        finally:
            conn.close()
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()


@contextmanager
def sqlite_database(url: str | None, tmp_path) -> Iterator[Database]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(tmp_path / "scratch.db", isolation_level=None)
    try:
        # foreign keys on, as applications run SQLite: a careless rebuild would cascade deletes
        conn.execute("PRAGMA foreign_keys=ON")
        yield SQLiteDatabase(conn, "sqlite")
    finally:
        conn.close()


OPEN: dict[str, Callable] = {
    "postgresql": postgresql_database,
    "mysql": mysql_database,
    "sqlite": sqlite_database,
}


def build_fixture(db: Database, dialect: str) -> None:
    for sql in fixture_statements(dialect):
        db.execute(sql)
    d = get_dialect(dialect)
    for table in FIXTURE.tables:
        columns, rows = ROWS[table.name]
        cols = ", ".join(d.quote(c) for c in columns)
        marks = ", ".join([db.placeholder] * len(columns))
        for row in rows:
            db.execute(f"INSERT INTO {d.quote(table.name)} ({cols}) VALUES ({marks})", row)


def lost_data(ops: list[Operation]) -> tuple[set[str], set[tuple[str, str]]]:
    """Tables and (table, column)s whose rows a down cannot bring back (or, for a backfill, does
    not take back: the values it wrote stay, as a data step's down only refills)."""
    tables = {op.table_def.name for op in ops if isinstance(op, DropTable)}
    columns = {(op.table, op.column.name) for op in ops if isinstance(op, DropColumn)}
    columns |= {(op.table, c) for op in ops if isinstance(op, Backfill) for c in (op.column, op.undo_column) if c}
    return tables, columns


def check_backfills_done(db: Database, dialect: str, ops: list[Operation], schema: Schema) -> None:
    """No row a backfill of ``ops`` should have written is left: none matches its guard."""
    d = get_dialect(dialect)
    for op in ops:
        if isinstance(op, Backfill) and op.column is not None and schema.table(op.table).has_column(op.column):
            assert db.query(f"SELECT COUNT(*) FROM {d.quote(op.table)} WHERE {d.backfill_guard(op)}") == [(0,)]


def build_expected(db: Database, dialect: str, schema: Schema) -> None:
    """``schema`` built from nothing with the dialect's own renderers. CREATE TABLE makes every
    constraint valid, so the ones the model holds NOT VALID are dropped and added again NOT VALID."""
    d = get_dialect(dialect)
    ops: list[Operation] = [CreateEnum(e) for e in schema.enums] + [CreateTable(t) for t in schema.tables]
    ops += [ValidateConstraint(t.name, c.name, validated=False)
            for t in schema.tables for c in (*t.checks, *t.foreign_keys) if not c.validated]
    for sql in d.render_ops(ops, Schema()):
        db.execute(sql)


def snapshot(db: Database, dialect: str, schema: Schema, skip_tables=frozenset(), skip_columns=frozenset()) -> dict:
    """Every fixture row still present in ``schema``'s tables, by table, in primary-key order."""
    d = get_dialect(dialect)
    out = {}
    for table in FIXTURE.tables:
        if table.name in skip_tables or not schema.has_table(table.name):
            continue
        live: Table = schema.table(table.name)
        cols = [c for c in ROWS[table.name][0] if live.has_column(c) and (table.name, c) not in skip_columns]
        order = ", ".join(d.quote(c) for c in table.primary_key.columns)
        out[table.name] = db.query(
            f"SELECT {', '.join(d.quote(c) for c in cols)} FROM {d.quote(table.name)} ORDER BY {order}")
    return out


def row_counts(db: Database, dialect: str, schema: Schema) -> dict[str, int]:
    d = get_dialect(dialect)
    return {t.name: db.query(f"SELECT COUNT(*) FROM {d.quote(t.name)}")[0][0]
            for t in FIXTURE.tables if schema.has_table(t.name)}


# -- the structure a database holds, order-insensitive, to compare two databases -------------------
PG_CATALOG = [
    """SELECT table_name, column_name, data_type, udt_name, character_maximum_length, numeric_precision,
              numeric_scale, datetime_precision, is_nullable, column_default, is_identity, identity_generation
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2""",
    """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2""",
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
    """SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
       JOIN pg_type t ON t.oid = e.enumtypid GROUP BY 1 ORDER BY 1""",
    """SELECT c.relname, a.attname, col_description(c.oid, a.attnum), obj_description(c.oid, 'pg_class')
       FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY 1, 2""",
]
MYSQL_CATALOG = [
    """SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, 2""",
    """SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, 2, 3""",
    """SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS
       WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, 2, 3""",
    """SELECT CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2""",
    """SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
       WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2""",
    "SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
]
_SQLITE_CHECK = re.compile(r"CONSTRAINT\s+(\S+)\s+CHECK\s*\(", re.IGNORECASE)


def sqlite_catalog(db: Database) -> list:
    out = []
    for name, sql in db.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
        q = '"' + name.replace('"', '""') + '"'
        indexes = []
        for _, index, unique, origin, partial in db.query(f"PRAGMA index_list({q})"):
            keys = db.query(f'PRAGMA index_info("{index}")')
            indexes.append((index, unique, origin, partial, tuple(k[2] for k in keys)))
        out.append((
            name,
            sorted(c[1:] for c in db.query(f"PRAGMA table_xinfo({q})")),  # by name: cid follows ADD COLUMN order
            sorted(indexes),
            sorted(tuple(f[2:]) for f in db.query(f"PRAGMA foreign_key_list({q})")),
            sorted(_SQLITE_CHECK.findall(sql)),
            "AUTOINCREMENT" in sql.upper(),
        ))
    return out


def catalog(db: Database) -> list:
    """What the database holds: columns, keys, indexes, checks, enums, comments."""
    if db.server == "sqlite":
        return sqlite_catalog(db)
    queries = PG_CATALOG if db.server == "postgresql" else MYSQL_CATALOG
    return [db.query(q) for q in queries]


def check_sqlite_foreign_keys(db: Database) -> None:
    if db.server == "sqlite":
        assert db.query("PRAGMA foreign_key_check") == []


# MariaDB has no functional indexes (MySQL 8.0.13+ has); the golden keeps the MySQL 8 syntax.
NEEDS_MYSQL8 = {"add_index_unique_expression"}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_case_applies_and_reverts(dialect, case, tmp_path):
    url = require_server(dialect)
    ops = CASES[case]
    try:
        up, down = render_migration(ops, FIXTURE, get_dialect(dialect))
    except Unsupported as e:
        pytest.skip(f"{dialect} cannot express {case}: {e.message}")
    with OPEN[dialect](url, tmp_path) as db:
        if db.server == "mariadb" and case in NEEDS_MYSQL8:
            pytest.skip("MariaDB has no functional indexes")
        build_fixture(db, dialect)
        # an extension created into a schema of its own (WITH SCHEMA ext) needs that schema, as a database has it
        for schema_name in sorted({getattr(op, "extension", None).schema for op in ops
                                   if getattr(getattr(op, "extension", None), "schema", None)}):
            db.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"')
        fixture_catalog = catalog(db)
        before = snapshot(db, dialect, FIXTURE)
        counts = row_counts(db, dialect, FIXTURE)
        assert sum(counts.values()) == sum(len(rows) for _, rows in ROWS.values())

        for sql in up:
            db.execute(sql)
        after_schema = apply_all(ops, FIXTURE)
        check_sqlite_foreign_keys(db)
        check_backfills_done(db, dialect, ops, after_schema)
        with OPEN[dialect](url, tmp_path / "fresh") as fresh:
            # the up leaves exactly what the after-schema's own CREATE statements make
            build_expected(fresh, dialect, after_schema)
            assert catalog(db) == catalog(fresh)
        assert row_counts(db, dialect, after_schema) == {t: n for t, n in counts.items() if after_schema.has_table(t)}

        for sql in down:
            db.execute(sql)
        check_sqlite_foreign_keys(db)
        check_backfills_done(db, dialect, reverse_all(ops), FIXTURE)
        assert catalog(db) == fixture_catalog
        lost_tables, lost_columns = lost_data(ops)
        expected = {t: rows for t, rows in snapshot_expected(before, lost_tables, lost_columns).items()}
        assert snapshot(db, dialect, FIXTURE, lost_tables, lost_columns) == expected


def snapshot_expected(before: dict, lost_tables: set[str], lost_columns: set[tuple[str, str]]) -> dict:
    """``before`` without what the case drops for good."""
    out = {}
    for table, rows in before.items():
        if table in lost_tables:
            continue
        cols = ROWS[table][0]
        keep = [i for i, c in enumerate(cols) if (table, c) not in lost_columns]
        out[table] = [tuple(row[i] for i in keep) for row in rows]
    return out


def test_sqlite_dropping_a_referenced_table_keeps_child_rows(tmp_path):
    """With foreign keys on, DROP TABLE deletes the parent's rows first, which would cascade."""
    users = FIXTURE.table("users")
    up, _down = render_migration([DropTable(users)], FIXTURE, get_dialect("sqlite"))
    assert up[0] == "PRAGMA foreign_keys=OFF"
    with sqlite_database(None, tmp_path) as db:
        build_fixture(db, "sqlite")
        for sql in up:
            db.execute(sql)
        assert db.query("SELECT COUNT(*) FROM posts") == [(3,)]
        assert db.query("PRAGMA foreign_keys") == [(1,)]


def test_sqlite_rebuild_keeps_rows_that_reference_the_rebuilt_table(tmp_path):
    """users is rebuilt (drop_unique); posts rows point at it with ON DELETE CASCADE."""
    with sqlite_database(None, tmp_path) as db:
        build_fixture(db, "sqlite")
        up, _ = render_migration(CASES["drop_unique"], FIXTURE, get_dialect("sqlite"))
        assert any(s.startswith("CREATE TABLE new__users") for s in up)
        for sql in up:
            db.execute(sql)
        assert db.query("SELECT id, user_id FROM posts ORDER BY id") == [(1, 1), (2, 1), (3, 2)]
        assert db.query("SELECT COUNT(*) FROM users") == [(2,)]
        assert db.query("PRAGMA foreign_key_check") == []
