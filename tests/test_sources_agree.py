"""Every source of the same schema reads the same: a SQL file, and a live database built by running that
very file, diff as "no changes" - in both directions, on each database. This is what lets a user diff
a production database against the desired-state file without phantom operations."""
from __future__ import annotations

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

