"""Index details (issue #14): operator classes, sort order and NULLS placement, INCLUDE columns (PostgreSQL),
prefix lengths and DESC (MySQL); an index renamed with its definition unchanged. Golden SQL; the file, the database built from it and its dump read the
same (tests/test_sources_agree.py); verify proves the up and down with rows; a changed detail is a changed index, never "no changes"."""
from __future__ import annotations

import pytest
from conftest import require_server

from mgen.dialects import get_dialect
from mgen.dialects.base import render_migration
from mgen.differ import diff
from mgen.sources.sql import read_sql_text
from mgen.verify import verify

TABLES = {
    "postgresql": "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
                  "CREATE TABLE t (id integer PRIMARY KEY, name text, b text, c integer, d integer);\n",
    "mysql": "CREATE TABLE t (id int NOT NULL PRIMARY KEY, name varchar(200), b text, c int, d int);\n",
}
INDEXES = {
    "postgresql": """
CREATE INDEX t_name_trgm ON public.t USING gin (name public.gin_trgm_ops);
CREATE INDEX t_lower_trgm ON t USING gist (lower(name) gist_trgm_ops);
CREATE INDEX t_b_desc ON t (b DESC NULLS LAST, c NULLS FIRST, d DESC);
CREATE INDEX t_b_pattern ON t (b text_pattern_ops);
CREATE UNIQUE INDEX t_c_cover ON t (c) INCLUDE (d, name);
""",
    "mysql": """
ALTER TABLE t ADD KEY t_name_prefix (name(10), c DESC);
CREATE INDEX t_b_prefix ON t (b(20));
CREATE INDEX t_c_desc ON t (c DESC, id);
""",
}
GOLDEN_UP = {
    "postgresql": [
        "CREATE INDEX t_b_desc ON t (b DESC NULLS LAST, c NULLS FIRST, d DESC)",
        "CREATE INDEX t_b_pattern ON t (b text_pattern_ops)",
        "CREATE UNIQUE INDEX t_c_cover ON t (c) INCLUDE (d, name)",
        "CREATE INDEX t_lower_trgm ON t USING gist ((LOWER(name)) gist_trgm_ops)",
        "CREATE INDEX t_name_trgm ON t USING gin (name gin_trgm_ops)",
    ],
    "mysql": [
        "CREATE INDEX t_b_prefix ON t (b(20))",
        "CREATE INDEX t_c_desc ON t (c DESC, id)",
        "CREATE INDEX t_name_prefix ON t (name(10), c DESC)",
    ],
}


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_golden_up_and_down(dialect):
    d = get_dialect(dialect)
    old = read_sql_text(TABLES[dialect], dialect)
    new = read_sql_text(TABLES[dialect] + INDEXES[dialect], dialect)
    up, down = render_migration(sorted(diff(old, new, d).operations, key=lambda op: op.index.name), old, d)
    assert up == GOLDEN_UP[dialect]
    assert len(down) == len(up) and all("DROP INDEX" in s for s in down)


@pytest.mark.parametrize("dialect,changed", [
    ("postgresql", "CREATE INDEX t_b_desc ON t (b DESC NULLS FIRST, c NULLS FIRST, d DESC)"),
    ("postgresql", "CREATE INDEX t_b_pattern ON t (b varchar_pattern_ops)"),
    ("postgresql", "CREATE UNIQUE INDEX t_c_cover ON t (c) INCLUDE (d)"),
    ("mysql", "CREATE INDEX t_b_prefix ON t (b(30))"),
    ("mysql", "CREATE INDEX t_c_desc ON t (c, id)"),
])
def test_a_changed_detail_is_a_changed_index(dialect, changed):
    d = get_dialect(dialect)
    old_sql = TABLES[dialect] + INDEXES[dialect]
    name = changed.split(" ON ")[0].split()[-1]
    new_sql = old_sql.replace(next(s for s in INDEXES[dialect].splitlines() if f" {name} " in s), changed + ";")
    ops = [op.describe() for op in diff(read_sql_text(old_sql, dialect), read_sql_text(new_sql, dialect), d).operations]
    assert ops[0] == f"drop index {name} on t" and ops[1].startswith("add ") and len(ops) == 2


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_verify_adds_and_drops_them_with_rows(dialect):
    server = require_server(dialect)
    old = read_sql_text(TABLES[dialect], dialect)
    new = read_sql_text(TABLES[dialect] + INDEXES[dialect], dialect)
    report = verify(old, new, dialect, server)
    assert report.ok, report.to_dict()


@pytest.mark.parametrize("dialect,up", [
    ("postgresql", ["ALTER INDEX t_b_desc RENAME TO t_b_sorted"]),
    ("mysql", ["ALTER TABLE t RENAME INDEX t_c_desc TO t_b_sorted"]),
])
def test_an_index_under_another_name_is_renamed_and_verified(dialect, up):
    server = require_server(dialect)
    old_sql = TABLES[dialect] + INDEXES[dialect]
    renamed = "t_b_desc" if dialect == "postgresql" else "t_c_desc"
    old, new = read_sql_text(old_sql, dialect), read_sql_text(old_sql.replace(renamed, "t_b_sorted"), dialect)
    ops = diff(old, new, get_dialect(dialect), as_stored=True).operations
    assert [op.describe() for op in ops] == [f"rename index {renamed} on t to t_b_sorted"]
    assert diff(old, new, get_dialect(dialect)).operations == []  # a framework's model: matched by definition
    report = verify(old, new, dialect, server, as_stored=True)
    assert report.ok, report.to_dict()
    assert report.up == up
