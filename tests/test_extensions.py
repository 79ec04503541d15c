"""PostgreSQL extensions as schema objects (issue #14): read from SQL and pg_dump, introspected, created
before the types and operator classes that use them and dropped after; verify proves the round trip."""
from __future__ import annotations

import pytest
from conftest import require_server

from mgen.dialects import get_dialect
from mgen.dialects.base import render_migration
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.schema import Extension, Schema
from mgen.sources.sql import read_sql_text
from mgen.verify import verify

PG = get_dialect("postgresql")
SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION citext;
CREATE TABLE account (id integer PRIMARY KEY, email citext NOT NULL, name text);
CREATE INDEX account_name_trgm ON account USING gin (name public.gin_trgm_ops);
"""


def test_read_with_their_schema():
    s = read_sql_text(SQL + "CREATE SCHEMA ext; CREATE EXTENSION hstore WITH SCHEMA ext;", "postgresql")
    assert s.extensions == (Extension("pg_trgm"), Extension("citext"), Extension("hstore", "ext"))
    s = read_sql_text(SQL + "ALTER EXTENSION citext SET SCHEMA ext; DROP EXTENSION IF EXISTS pg_trgm, nope CASCADE;"
                      "CREATE EXTENSION IF NOT EXISTS citext;", "postgresql")
    assert s.extensions == (Extension("citext", "ext"),)


def test_unknown_and_duplicate_extensions_are_errors_at_their_line():
    with pytest.raises(MgenError, match="unknown extension 'nope'") as e:
        read_sql_text("CREATE TABLE t (id int);\nDROP EXTENSION nope;", "postgresql", filename="x.sql")
    assert e.value.line == 2
    with pytest.raises(MgenError, match="extension 'citext' already exists"):
        read_sql_text("CREATE EXTENSION citext; CREATE EXTENSION citext;", "postgresql")


def test_golden_up_and_down():
    new = read_sql_text(SQL, "postgresql")
    up, down = render_migration(diff(Schema(), new, PG).operations, Schema(), PG)
    assert up[:2] == ["CREATE EXTENSION IF NOT EXISTS pg_trgm", "CREATE EXTENSION IF NOT EXISTS citext"]
    assert up[2].startswith("CREATE TABLE account (") and "email citext NOT NULL" in up[2]
    assert up[3:] == ["CREATE INDEX account_name_trgm ON account USING gin (name gin_trgm_ops)"]
    assert down == ["DROP TABLE account", "DROP EXTENSION IF EXISTS citext", "DROP EXTENSION IF EXISTS pg_trgm"]
    moved = read_sql_text("CREATE SCHEMA ext; CREATE EXTENSION citext WITH SCHEMA ext;", "postgresql")
    up, down = render_migration(diff(Schema(), moved, PG).operations, Schema(), PG)
    assert up == ["CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA ext"]


def test_verify_adds_and_drops_them_with_rows():
    server = require_server("postgresql")
    old = read_sql_text("CREATE TABLE account (id integer PRIMARY KEY, name text);", "postgresql")
    new = read_sql_text(SQL.replace("CREATE TABLE account (id integer PRIMARY KEY, email citext NOT NULL, name text);",
                                    "CREATE TABLE account (id integer PRIMARY KEY, name text);"
                                    "ALTER TABLE account ADD COLUMN email citext;"), "postgresql")
    report = verify(old, new, "postgresql", server)
    assert report.ok, report.to_dict()
    assert report.up[:2] == ["CREATE EXTENSION IF NOT EXISTS pg_trgm", "CREATE EXTENSION IF NOT EXISTS citext"]


def test_skipped_where_there_are_none():
    s = read_sql_text("CREATE EXTENSION citext; CREATE TABLE t (id int);", "mysql")
    assert s.extensions == () and s.table_names() == ("t",)
