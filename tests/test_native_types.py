"""Arrays of any type and the types of PostgreSQL's own (issue #14): golden SQL, and the file, the database
built from it and its pg_dump read the same; verify proves a migration adding them, with sample rows."""
from __future__ import annotations

import subprocess

import pytest
from conftest import require_server

from mgen.db import apply_statements, connect, scratch_database
from mgen.dialects import get_dialect
from mgen.dialects.base import render_migration
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.schema import ColumnType, Schema
from mgen.sources.live import introspect_connection
from mgen.sources.sql import read_sql_text
from mgen.sqltypes import parse_type
from mgen.statements import split_statements
from mgen.verify import verify

PG = get_dialect("postgresql")

SQL = """
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE TYPE "Role" AS ENUM ('ADMIN', 'USER');
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE account (
    id serial PRIMARY KEY,
    tags text[],
    names VARCHAR(20)[] NOT NULL DEFAULT '{}',
    grid integer[][],
    roles "Role"[] NOT NULL DEFAULT ARRAY['USER']::"Role"[],
    moods public.mood[] DEFAULT ARRAY[]::mood[],
    stamps timestamptz[],
    span interval,
    ip inet,
    net cidr,
    mac macaddr,
    doc tsvector,
    price money,
    body xml,
    flag bit,
    flags bit(3),
    mask varbit(8),
    seats int4range,
    during tstzrange,
    at_tz timetz,
    email citext,
    emails public.citext[],
    attrs hstore,
    path ltree
);
"""

GOLDEN_UP = [
    "CREATE EXTENSION IF NOT EXISTS citext",
    "CREATE EXTENSION IF NOT EXISTS hstore",
    "CREATE EXTENSION IF NOT EXISTS ltree",
    "CREATE TYPE \"Role\" AS ENUM ('ADMIN', 'USER')",
    "CREATE TYPE mood AS ENUM ('ok', 'sad')",
    """CREATE TABLE account (
  id serial NOT NULL,
  tags text[],
  names varchar(20)[] NOT NULL DEFAULT '{}',
  grid integer[],
  roles "Role"[] NOT NULL DEFAULT ARRAY['USER']::"Role"[],
  moods mood[] DEFAULT ARRAY[]::mood[],
  stamps timestamptz[],
  span interval,
  ip inet,
  net cidr,
  mac macaddr,
  doc tsvector,
  price money,
  body xml,
  flag bit(1),
  flags bit(3),
  mask bit varying(8),
  seats int4range,
  during tstzrange,
  at_tz time with time zone,
  email citext,
  emails citext[],
  attrs hstore,
  path ltree,
  CONSTRAINT account_pkey PRIMARY KEY (id)
)""",
]


def _statements(sql: str) -> list[str]:
    return [s.text for s in split_statements(sql, "postgresql")]


def test_types_read_as_arrays_and_native_spellings():
    t = read_sql_text(SQL, "postgresql").table("account")
    types = {c.name: c.type for c in t.columns}
    assert types["tags"] == ColumnType("text", array=True)
    assert types["names"] == ColumnType("varchar", length=20, array=True)
    assert types["roles"] == ColumnType("enum", enum="Role", array=True)
    assert types["moods"] == ColumnType("enum", enum="mood", array=True)
    assert types["mask"] == ColumnType("native", native="bit varying(8)")
    assert types["emails"] == ColumnType("native", native="citext", array=True)
    assert types["at_tz"].describe() == "time with time zone"


def test_golden_up_and_down():
    new = read_sql_text(SQL, "postgresql")
    ops = diff(Schema(), new, PG).operations
    up, down = render_migration(ops, Schema(), PG)
    assert up == GOLDEN_UP
    assert down == ["DROP TABLE account", 'DROP TYPE mood', 'DROP TYPE "Role"', "DROP EXTENSION IF EXISTS ltree",
                    "DROP EXTENSION IF EXISTS hstore", "DROP EXTENSION IF EXISTS citext"]


def test_native_names_keep_their_schema_and_quotes():
    assert parse_type('extensions."Vector"(3)', "postgresql") == ColumnType("native", native='extensions."Vector"(3)')
    assert parse_type("public.vector(1536)", "postgresql") == ColumnType("native", native="vector(1536)")
    assert parse_type("Public.LTREE", "postgresql") == ColumnType("native", native="ltree")
    assert parse_type("time(3) with time zone", "postgresql").native == "time(3) with time zone"


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_arrays_are_postgresql_only(dialect):
    with pytest.raises(MgenError, match="arrays are PostgreSQL's"):
        parse_type("text[]", dialect)
    with pytest.raises(MgenError, match="no array types"):
        get_dialect(dialect).type_sql(ColumnType("text", array=True), Schema())


def test_an_unknown_word_is_still_refused_on_mysql():
    with pytest.raises(MgenError, match="unknown type"):
        parse_type("tsvector", "mysql")


def _pg_dump(url: str) -> str:
    """The dump without its random ``\\restrict`` keys (pg_dump 15.14 and later)."""
    out = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", url], check=True,
                         capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


def test_file_database_and_dump_agree():
    server = require_server("postgresql")
    from_file = read_sql_text(SQL, "postgresql")
    with scratch_database("postgresql", server) as url:
        with connect(url) as conn:
            apply_statements(conn, _statements(SQL))
        with connect(url) as conn:
            from_db = introspect_connection(conn)
        dump = _pg_dump(url)
    from_dump = read_sql_text(dump, "postgresql")
    for a, b in ((from_file, from_db), (from_db, from_file), (from_file, from_dump), (from_dump, from_db)):
        assert [op.describe() for op in diff(a, b, PG).operations] == []
    assert from_db.table("account").column("roles").type == ColumnType("enum", enum="Role", array=True)


def test_up_rebuilds_the_dump_exactly():
    """mgen's up, run on an empty database, gives what pg_dump dumps of the database built by the file."""
    server = require_server("postgresql")
    extensions = [s for s in _statements(SQL) if s.startswith("CREATE EXTENSION")]
    with scratch_database("postgresql", server) as url:
        with connect(url) as conn:
            apply_statements(conn, _statements(SQL))
        want = _pg_dump(url)
    up, _ = render_migration(diff(Schema(), read_sql_text(SQL, "postgresql"), PG).operations, Schema(), PG)
    with scratch_database("postgresql", server) as url:
        with connect(url) as conn:
            apply_statements(conn, extensions + up)
        got = _pg_dump(url)
    assert got == want


def test_verify_adds_and_drops_them_with_rows():
    server = require_server("postgresql")
    base = """CREATE TYPE "Role" AS ENUM ('ADMIN', 'USER');
        CREATE TABLE account (id serial PRIMARY KEY, doc tsvector NOT NULL, nums integer[] NOT NULL);"""
    old = read_sql_text(base, "postgresql")
    new = read_sql_text(base + """ALTER TABLE account ADD COLUMN roles "Role"[] NOT NULL DEFAULT '{USER}',
        ADD COLUMN tags text[], ADD COLUMN span interval, ADD COLUMN ip inet, ADD COLUMN seats int4range,
        ADD COLUMN mask bit(4);""", "postgresql")
    report = verify(old, new, "postgresql", server)
    assert report.ok, report.to_dict()
    assert report.up == ['ALTER TABLE account ADD COLUMN roles "Role"[] NOT NULL DEFAULT \'{USER}\'',
                         "ALTER TABLE account ADD COLUMN tags text[]", "ALTER TABLE account ADD COLUMN span interval",
                         "ALTER TABLE account ADD COLUMN ip inet", "ALTER TABLE account ADD COLUMN seats int4range",
                         "ALTER TABLE account ADD COLUMN mask bit(4)"]


def test_enum_array_column_follows_its_enum_when_a_value_goes():
    """The down of ADD VALUE rebuilds the type: an array column of it moves to the new type as an array
    (documenso's ``"WebhookTriggerEvents"[]``: the down made it a plain enum column)."""
    server = require_server("postgresql")
    table = """CREATE TABLE hook (id integer PRIMARY KEY,
        events "Event"[] NOT NULL DEFAULT ARRAY['sent']::"Event"[], first "Event");"""
    old = read_sql_text("""CREATE TYPE "Event" AS ENUM ('sent', 'opened');""" + table, "postgresql")
    new = read_sql_text("""CREATE TYPE "Event" AS ENUM ('sent', 'opened', 'signed');""" + table, "postgresql")
    report = verify(old, new, "postgresql", server)
    assert report.ok, report.to_dict()
    assert report.up == ["ALTER TYPE \"Event\" ADD VALUE 'signed'"]
    assert 'ALTER TABLE hook ALTER COLUMN events TYPE "Event"[] USING events::text[]::"Event"[]' in report.down
    assert 'ALTER TABLE hook ALTER COLUMN first TYPE "Event" USING first::text::"Event"' in report.down


def test_changing_an_array_column_to_its_element_type_names_the_cast():
    old = read_sql_text("CREATE TABLE t (id int PRIMARY KEY, tags text[], r int4range);", "postgresql")
    new = read_sql_text("CREATE TABLE t (id int PRIMARY KEY, tags text, r int8range);", "postgresql")
    up, _ = render_migration(diff(old, new, PG).operations, old, PG)
    assert up == ["ALTER TABLE t ALTER COLUMN tags TYPE text USING tags::text",
                  "ALTER TABLE t ALTER COLUMN r TYPE int8range USING r::int8range"]


MYSQL_UNSIGNED = """
CREATE TABLE parent (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, n BIGINT(20) UNSIGNED, d DECIMAL(10,2) UNSIGNED,
  s TINYINT UNSIGNED, i INT NOT NULL);
CREATE TABLE child (id INT NOT NULL PRIMARY KEY, parent_id INT(10) UNSIGNED NOT NULL,
  CONSTRAINT child_parent_fkey FOREIGN KEY (parent_id) REFERENCES parent (id));
"""


def test_mysql_unsigned_is_kept_so_foreign_keys_between_unsigned_columns_work():
    server = require_server("mysql")
    mysql = get_dialect("mysql")
    schema = read_sql_text(MYSQL_UNSIGNED, "mysql")
    assert schema.table("child").column("parent_id").type == ColumnType("integer", unsigned=True)
    assert schema.table("parent").column("i").type == ColumnType("integer")
    up, _ = render_migration(diff(Schema(), schema, mysql).operations, Schema(), mysql)
    assert "  id INT UNSIGNED NOT NULL AUTO_INCREMENT," in up[0] and "  d DECIMAL(10,2) UNSIGNED," in up[0]
    with scratch_database("mysql", server) as url:
        with connect(url) as conn:
            apply_statements(conn, up)  # errno 150 when parent_id is INT and id INT UNSIGNED
        with connect(url) as conn:
            from_db = introspect_connection(conn)
    assert [op.describe() for op in diff(schema, from_db, mysql).operations] == []
    assert [op.describe() for op in diff(from_db, schema, mysql).operations] == []
    changed = read_sql_text(MYSQL_UNSIGNED.replace("i INT NOT NULL", "i INT UNSIGNED NOT NULL"), "mysql")
    assert [op.describe() for op in diff(schema, changed, mysql).operations] == [
        "alter column parent.i type integer -> integer unsigned"]


MYSQL_COLLATIONS = """
CREATE TABLE ident (
  id varchar(36) NOT NULL,
  identifier varchar(255) COLLATE utf8mb4_bin NOT NULL,
  note text,
  kind ENUM('a','b') NOT NULL,
  flags SET('x','y''z') NOT NULL DEFAULT 'x',
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
"""


def test_mysql_collations_and_set_round_trip():
    """A column's collation, its own or its table's default, is written on the column, so the database mgen's
    up builds has the dump's collations (kratos' ``utf8mb4_bin`` identifiers, umami's ``unicode_ci`` tables)."""
    server = require_server("mysql")
    mysql = get_dialect("mysql")
    schema = read_sql_text(MYSQL_COLLATIONS, "mysql")
    types = {c.name: c.type for c in schema.table("ident").columns}
    assert types["identifier"].collation == "utf8mb4_bin" and types["note"].collation == "utf8mb4_unicode_ci"
    assert types["flags"] == ColumnType("native", native="SET('x','y''z')", collation="utf8mb4_unicode_ci")
    up, _ = render_migration(diff(Schema(), schema, mysql).operations, Schema(), mysql)
    assert "  identifier VARCHAR(255) COLLATE utf8mb4_bin NOT NULL," in up[0]
    with scratch_database("mysql", server) as url:
        with connect(url) as conn:
            apply_statements(conn, up)
            got = conn.query("SELECT COLUMN_NAME, COLLATION_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
                             "WHERE TABLE_SCHEMA = DATABASE() ORDER BY ORDINAL_POSITION")
        with connect(url) as conn:
            from_db = introspect_connection(conn)
    assert [tuple(r) for r in got] == [
        ("id", "utf8mb4_unicode_ci", "varchar(36)"), ("identifier", "utf8mb4_bin", "varchar(255)"),
        ("note", "utf8mb4_unicode_ci", "text"), ("kind", "utf8mb4_unicode_ci", "enum('a','b')"),
        ("flags", "utf8mb4_unicode_ci", "set('x','y''z')")]
    assert [op.describe() for op in diff(schema, from_db, mysql).operations] == []
    assert [op.describe() for op in diff(from_db, schema, mysql).operations] == []
    unsaid = read_sql_text(MYSQL_COLLATIONS.replace(" COLLATE=utf8mb4_unicode_ci", ""), "mysql")
    assert [op.describe() for op in diff(unsaid, schema, mysql).operations] == []  # not said: the server's
    changed = read_sql_text(MYSQL_COLLATIONS.replace("utf8mb4_bin", "utf8mb4_general_ci"), "mysql")
    assert [op.describe() for op in diff(schema, changed, mysql).operations] == [
        ("alter column ident.identifier type varchar(255) collate utf8mb4_bin -> "
         "varchar(255) collate utf8mb4_general_ci")]
