"""Every source of the same schema reads the same: a SQL file, and a live database built by running that
very file, diff as "no changes" - in both directions, on each database. This is what lets a user diff
a production database against the desired-state file without phantom operations."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import require_server

from mgen.db import apply_statements, connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.sources.live import introspect_connection
from mgen.sources.sql import read_sql_paths, read_sql_text
from mgen.statements import split_statements

FIXTURES = Path(__file__).parent / "fixtures" / "sql"
SOURCES = {
    "postgresql": ["postgresql_source.sql", "postgresql_pg_dump.sql"],
    "mysql": ["mysql_source.sql", "mysql_mysqldump.sql"],
    "sqlite": ["sqlite_source.sql", "sqlite_dot_schema.sql"],
}
CASES = [pytest.param(d, f, id=f) for d, files in SOURCES.items() for f in files]


@pytest.mark.parametrize("dialect,filename", CASES)
def test_file_and_database_built_from_it_agree(dialect, filename):
    server = require_server(dialect)
    path = FIXTURES / filename
    from_file = read_sql_paths(str(path), dialect)
    # what the dump's own preamble does (mysqldump sets it in a /*!40014 ... */ comment)
    statements = ["SET FOREIGN_KEY_CHECKS=0"] if dialect == "mysql" else []
    statements += [s.text for s in split_statements(path.read_text(), dialect)
                   if not s.text.startswith("CREATE TABLE sqlite_")]  # SQLite's own tables
    with scratch_database(dialect, server) as url:
        with connect(url) as conn:
            apply_statements(conn, statements)
        with connect(url) as conn:  # a fresh session, as a user's (pg_dump empties search_path)
            from_db = introspect_connection(conn)
    d = get_dialect(dialect)
    assert [op.describe() for op in diff(from_file, from_db, d).operations] == []
    assert [op.describe() for op in diff(from_db, from_file, d).operations] == []


NOT_VALID_SQL = """
CREATE TABLE p (id integer PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer, n integer);
INSERT INTO c VALUES (1, 42, -1);
ALTER TABLE c ADD CONSTRAINT c_n_check CHECK (n > 0) NOT VALID;
ALTER TABLE c ADD CHECK (n < 100) NOT VALID;
ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;
ALTER TABLE c VALIDATE CONSTRAINT c_n_check1;
"""


def test_not_valid_constraints_agree_exactly():
    """The differ does not compare a constraint's validation state, so the file and the database
    are compared as whole models too: NOT VALID and VALIDATE read the same from both."""
    server = require_server("postgresql")
    from_file = read_sql_text(NOT_VALID_SQL, "postgresql")
    with scratch_database("postgresql", server) as url, connect(url) as conn:
        apply_statements(conn, [s.text for s in split_statements(NOT_VALID_SQL, "postgresql")])
        from_db = introspect_connection(conn)
    assert from_db == from_file.normalized()
    assert [(c.name, c.validated) for c in (*from_db.table("c").checks, *from_db.table("c").foreign_keys)] == [
        ("c_n_check1", True), ("c_n_check", False), ("c_p_fkey", False)]
    d = get_dialect("postgresql")
    assert diff(from_file, from_db, d).operations == [] and diff(from_db, from_file, d).operations == []



# Issue #14's objects and details, each as a file, the database built from it and that database's dump
REAL_SCHEMA = {
    "index-details-postgresql": ("postgresql", """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE t (id integer PRIMARY KEY, name text, b text, c integer, d integer);
CREATE INDEX t_name_trgm ON public.t USING gin (name public.gin_trgm_ops);
CREATE INDEX t_lower_trgm ON t USING gist (lower(name) gist_trgm_ops);
CREATE INDEX t_b_desc ON t (b DESC NULLS LAST, c NULLS FIRST, d DESC);
CREATE INDEX t_b_pattern ON t (b text_pattern_ops);
CREATE UNIQUE INDEX t_c_cover ON t (c) INCLUDE (d, name);
"""),
    "index-details-mysql": ("mysql", """
CREATE TABLE t (id int NOT NULL PRIMARY KEY, name varchar(200), b text, c int, d int,
                KEY t_name_prefix (name(10), c DESC));
CREATE INDEX t_b_prefix ON t (b(20));
CREATE INDEX t_c_desc ON t (c DESC, id);
"""),
    "foreign-key-details": ("postgresql", """
CREATE TABLE p (id integer PRIMARY KEY, a integer, b integer, UNIQUE (a, b));
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,
  q_id integer, a integer, b integer,
  CONSTRAINT c_q FOREIGN KEY (q_id) REFERENCES p (id) ON UPDATE CASCADE DEFERRABLE,
  CONSTRAINT c_ab FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL);
"""),
    "extensions": ("postgresql", """
CREATE SCHEMA ext;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION citext;
CREATE EXTENSION hstore WITH SCHEMA ext;
CREATE TABLE account (id integer PRIMARY KEY, email citext NOT NULL, attrs ext.hstore);
"""),
}


def dump_sql(dialect: str, url: str) -> str:
    """pg_dump --schema-only (without its random \\restrict keys) or mysqldump --no-data."""
    if dialect == "postgresql":
        out = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", url], check=True,
                             capture_output=True, text=True).stdout
        return "\n".join(line for line in out.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))
    return subprocess.run(["mysqldump", "-h", "127.0.0.1", "-u", "root", "--no-data", "--skip-comments",
                           url.rsplit("/", 1)[1]], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("case", sorted(REAL_SCHEMA))
def test_file_database_and_dump_agree_on_real_schema_objects(case):
    dialect, sql = REAL_SCHEMA[case]
    server = require_server(dialect)
    from_file = read_sql_text(sql, dialect)
    with scratch_database(dialect, server) as url:
        with connect(url) as conn:
            apply_statements(conn, [s.text for s in split_statements(sql, dialect)])
        with connect(url) as conn:
            from_db = introspect_connection(conn)
        from_dump = read_sql_text(dump_sql(dialect, url), dialect)
    d = get_dialect(dialect)
    for a, b in ((from_file, from_db), (from_db, from_file), (from_dump, from_db), (from_file, from_dump)):
        assert [op.describe() for op in diff(a, b, d).operations] == []
    # the details the differ compares, and exactly (a MySQL column's collation is None in a file: "not said")
    for t in from_db.tables:
        for key in ("indexes", "foreign_keys"):
            assert getattr(t, key) == getattr(from_file.normalized().table(t.name), key) == getattr(
                from_dump.normalized().table(t.name), key)
    assert from_db.extensions == from_file.normalized().extensions == from_dump.normalized().extensions
