"""Generated (computed) columns: read from every source, rendered for every dialect, and read back the
same from the database that ran them and from its own dump, in both directions.

The dumps below are what the real tools printed for the source beside them (pg_dump 15, mariadb-dump
10.11, sqlite3 .schema). The round trips of each change (add, new expression, STORED <-> VIRTUAL <-> plain)
under `mgen verify` are scenarios in test_scenarios.py; the safety rule has its own test file.
"""
from __future__ import annotations

import json

import pytest
from conftest import require_server

from mgen.cli import main
from mgen.db import apply_statements, connect, scratch_database
from mgen.dialects import get_dialect
from mgen.dialects.base import Unsupported
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.schema import Column, ColumnType, Generated, Table
from mgen.sources.live import introspect_connection
from mgen.sources.sql import read_sql_text
from mgen.statements import split_statements

SOURCES = {
    "postgresql": """
CREATE TABLE orders (
  id integer PRIMARY KEY,
  total numeric(10,2) NOT NULL,
  qty integer NOT NULL DEFAULT 1,
  a integer,
  b integer,
  email text,
  cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED,
  line_total numeric(12,2) GENERATED ALWAYS AS (total * qty) STORED NOT NULL,
  ratio numeric GENERATED ALWAYS AS (a / b::numeric) STORED,
  email_lower text GENERATED ALWAYS AS (lower(email)) STORED
);
CREATE INDEX orders_cents_idx ON orders (cents);
""",
    "mysql": """
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  total DECIMAL(10,2) NOT NULL,
  qty INTEGER NOT NULL DEFAULT 1,
  email VARCHAR(100),
  cents BIGINT AS (CAST(total * 100 AS SIGNED)) STORED,
  line_total DECIMAL(12,2) GENERATED ALWAYS AS (total * qty) VIRTUAL,
  email_lower VARCHAR(100) AS (LOWER(email)) STORED COMMENT 'folded'
);
CREATE INDEX orders_cents_idx ON orders (cents);
""",
    "sqlite": """
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  total NUMERIC(10,2) NOT NULL,
  qty INTEGER NOT NULL DEFAULT 1,
  email TEXT,
  cents INTEGER GENERATED ALWAYS AS (CAST(total * 100 AS INTEGER)) STORED,
  line_total NUMERIC(12,2) AS (total * qty),
  email_lower TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL
);
CREATE INDEX orders_cents_idx ON orders (cents);
""",
}
DUMPS = {
    "postgresql": """
CREATE TABLE public.orders (
    id integer NOT NULL,
    total numeric(10,2) NOT NULL,
    qty integer DEFAULT 1 NOT NULL,
    a integer,
    b integer,
    email text,
    cents bigint GENERATED ALWAYS AS (((total * (100)::numeric))::bigint) STORED,
    line_total numeric(12,2) GENERATED ALWAYS AS ((total * (qty)::numeric)) STORED NOT NULL,
    ratio numeric GENERATED ALWAYS AS (((a)::numeric / (b)::numeric)) STORED,
    email_lower text GENERATED ALWAYS AS (lower(email)) STORED
);
ALTER TABLE public.orders OWNER TO postgres;
ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
CREATE INDEX orders_cents_idx ON public.orders USING btree (cents);
""",
    "mysql": """
CREATE TABLE `orders` (
  `id` int(11) NOT NULL,
  `total` decimal(10,2) NOT NULL,
  `qty` int(11) NOT NULL DEFAULT 1,
  `email` varchar(100) DEFAULT NULL,
  `cents` bigint(20) GENERATED ALWAYS AS (cast(`total` * 100 as signed)) STORED,
  `line_total` decimal(12,2) GENERATED ALWAYS AS (`total` * `qty`) VIRTUAL,
  `email_lower` varchar(100) GENERATED ALWAYS AS (lcase(`email`)) STORED COMMENT 'folded',
  PRIMARY KEY (`id`),
  KEY `orders_cents_idx` (`cents`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
""",
    "sqlite": SOURCES["sqlite"],  # sqlite3 .schema prints the statements as they were run
}


def test_the_reader_keeps_expression_and_kind():
    pg = read_sql_text(SOURCES["postgresql"], "postgresql").table("orders")
    assert pg.column("cents").generated == Generated("CAST(total * 100 AS BIGINT)", stored=True)
    assert pg.column("line_total").generated.stored and not pg.column("line_total").nullable
    my = read_sql_text(SOURCES["mysql"], "mysql").table("orders")
    assert my.column("cents").generated == Generated("CAST(total * 100 AS BIGINT)", stored=True)
    assert my.column("line_total").generated == Generated("total * qty", stored=False)
    assert my.column("email_lower").comment == "folded"
    lite = read_sql_text(SOURCES["sqlite"], "sqlite").table("orders")
    assert lite.column("line_total").generated == Generated("total * qty", stored=False)  # VIRTUAL by default
    assert [c.name for c in lite.columns if c.generated and c.generated.stored] == ["cents"]


def test_drop_expression_makes_it_plain():
    s = read_sql_text(SOURCES["postgresql"] + "ALTER TABLE orders ALTER COLUMN cents DROP EXPRESSION;", "postgresql")
    assert s.table("orders").column("cents").generated is None
    with pytest.raises(MgenError, match="not a generated column"):
        read_sql_text(SOURCES["postgresql"] + "ALTER TABLE orders ALTER COLUMN qty DROP EXPRESSION;", "postgresql")


def test_describe_and_json_carry_the_generation(tmp_path, capsys):
    (tmp_path / "old.sql").write_text("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);")
    (tmp_path / "new.sql").write_text("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, "
                                      "b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL);")
    assert main(["diff", str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "--dialect", "mysql", "--json"]) == 0
    (op,) = json.loads(capsys.readouterr().out)["operations"]
    assert op["column"]["generated"] == {"expression": "a * 2", "stored": False}
    assert op["description"] == "add column t.b integer AS (a * 2) VIRTUAL"


@pytest.mark.parametrize(("dialect", "expected"), [
    ("postgresql", "cents bigint GENERATED ALWAYS AS (a * 2) STORED NOT NULL"),
    ("mysql", "cents BIGINT GENERATED ALWAYS AS (a * 2) STORED NOT NULL"),  # MySQL takes the clause nowhere else
    ("sqlite", "cents BIGINT GENERATED ALWAYS AS (a * 2) STORED NOT NULL"),
])
def test_rendered_definition_has_no_default(dialect, expected):
    from mgen.schema import Default, Schema
    column = Column("cents", ColumnType("bigint"), nullable=False, default=Default("number", "0"),
                    generated=Generated("a * 2"))
    table = Table("t", (Column("a", ColumnType("integer")), column))
    assert get_dialect(dialect).column_sql(column, table, Schema((table,))) == expected


def test_postgresql_refuses_a_virtual_column():
    from mgen.schema import Schema
    column = Column("c", ColumnType("integer"), generated=Generated("a + 1", stored=False))
    table = Table("t", (column,))
    with pytest.raises(Unsupported, match="only STORED"):
        get_dialect("postgresql").column_sql(column, table, Schema((table,)))


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_source_database_and_dump_read_the_same(dialect):
    server = require_server(dialect)
    from_file = read_sql_text(SOURCES[dialect], dialect)
    from_dump = read_sql_text(DUMPS[dialect], dialect)
    with scratch_database(dialect, server) as url:
        with connect(url) as conn:
            apply_statements(conn, [s.text for s in split_statements(SOURCES[dialect], dialect)])
        with connect(url) as conn:
            from_db = introspect_connection(conn)
    assert [c.name for c in from_db.table("orders").columns if c.generated] == \
        [c.name for c in from_file.table("orders").columns if c.generated]
    d = get_dialect(dialect)
    for a, b in ((from_file, from_db), (from_db, from_file), (from_file, from_dump), (from_dump, from_db)):
        assert [op.describe() for op in diff(a, b, d).operations] == []


def test_a_changed_expression_is_one_operation_and_its_cast_spelling_is_not():
    d = get_dialect("postgresql")
    old = read_sql_text(DUMPS["postgresql"], "postgresql")
    same = read_sql_text(SOURCES["postgresql"].replace("a / b::numeric", "a::numeric / b"), "postgresql")
    assert diff(old, same, d).operations == []
    other = read_sql_text(SOURCES["postgresql"].replace("a / b::numeric", "a / b"), "postgresql")  # integer division
    assert [op.kind for op in diff(old, other, d).operations] == ["alter_column_generated"]
