"""The SQL reader (mgen.sources.sql): the state of a constraint beside its definition - PostgreSQL's
ADD CONSTRAINT ... USING INDEX (the zero-downtime unique recipe) and NOT VALID / VALIDATE CONSTRAINT.
The rest of the reader: tests/test_sql_reader.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.schema import (
    Check,
    ForeignKey,
    Index,
    PrimaryKey,
    Unique,
)
from mgen.sources.sql import SqlInterpreter, read_sql_text
from mgen.statements import split_statements

FIXTURES = Path(__file__).parent / "fixtures" / "sql"


def table(sql: str, dialect: str = "postgresql", name: str = "t"):
    return read_sql_text(sql, dialect).table(name)


# ---------------------------------------------------------------------------------------------
# PostgreSQL ADD CONSTRAINT ... {UNIQUE | PRIMARY KEY} USING INDEX: the zero-downtime unique recipe
# ---------------------------------------------------------------------------------------------
USING_INDEX_BASE = "CREATE TABLE products (id bigint NOT NULL, sku text, region text, name text);\n"
USING_INDEX_CASES = [
    # (statements attaching an index, the same constraint written directly)
    (("CREATE UNIQUE INDEX CONCURRENTLY products_sku_key ON products (sku);\n"
     "ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE USING INDEX products_sku_key;"),
     "ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);"),
    # a different constraint name: PostgreSQL renames the index to it
    (("CREATE UNIQUE INDEX CONCURRENTLY tmp_idx ON products (region, sku);\n"
     "ALTER TABLE products ADD CONSTRAINT products_region_sku_key UNIQUE USING INDEX tmp_idx;"),
     "ALTER TABLE products ADD CONSTRAINT products_region_sku_key UNIQUE (region, sku);"),
    # no CONSTRAINT name: the constraint takes the index's name; DEFERRABLE is not in the model
    (("CREATE UNIQUE INDEX \"Sku_Idx\" ON products (sku);\n"
     "ALTER TABLE ONLY products ADD UNIQUE USING INDEX \"Sku_Idx\" DEFERRABLE INITIALLY DEFERRED;"),
     "ALTER TABLE products ADD CONSTRAINT \"Sku_Idx\" UNIQUE (sku);"),
    # PRIMARY KEY: its columns become NOT NULL
    (("CREATE UNIQUE INDEX CONCURRENTLY products_pk_idx ON products (id, region);\n"
     "ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY  KEY USING INDEX products_pk_idx;"),
     "ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY KEY (id, region);"),
    (("CREATE UNIQUE INDEX products_id_idx ON products (id);\n"
     "alter table products add primary key using index products_id_idx;"),
     "ALTER TABLE products ADD CONSTRAINT products_id_idx PRIMARY KEY (id);"),
]


@pytest.mark.parametrize("attach,direct", USING_INDEX_CASES, ids=[f"case{i}" for i in range(len(USING_INDEX_CASES))])
def test_add_constraint_using_index_equals_the_direct_constraint(attach, direct):
    got = read_sql_text(USING_INDEX_BASE + attach, "postgresql")
    assert got.normalized() == read_sql_text(USING_INDEX_BASE + direct, "postgresql").normalized()
    assert got.table("products").indexes == ()  # the index became the constraint


def test_add_constraint_using_index_result():
    t = read_sql_text(USING_INDEX_BASE + USING_INDEX_CASES[3][0], "postgresql").table("products")
    assert t.primary_key == PrimaryKey(("id", "region"), "products_pkey")
    assert [c.name for c in t.columns if not c.nullable] == ["id", "region"]
    t = read_sql_text(USING_INDEX_BASE + USING_INDEX_CASES[1][0], "postgresql").table("products")
    assert t.uniques == (Unique("products_region_sku_key", ("region", "sku")),)


def test_add_constraint_using_index_keeps_other_indexes():
    sql = (USING_INDEX_BASE + "CREATE INDEX products_name_idx ON products (name);\n"
           "CREATE UNIQUE INDEX products_sku_key ON products (sku);\n"
           "ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE USING INDEX products_sku_key;")
    t = read_sql_text(sql, "postgresql").table("products")
    assert t.indexes == (Index("products_name_idx", ("name",)),)
    assert t.uniques == (Unique("products_sku_key", ("sku",)),)


USING_INDEX_ERRORS = [
    # (statements after the base table, message) -- the reasons PostgreSQL itself refuses
    ("ALTER TABLE products ADD CONSTRAINT k UNIQUE USING INDEX nope;", "unknown index 'nope' on table 'products'"),
    (("CREATE INDEX products_sku_idx ON products (sku);\n"
     "ALTER TABLE products ADD CONSTRAINT k UNIQUE USING INDEX products_sku_idx;"),
     "'products_sku_idx' is not a unique index"),
    (("CREATE UNIQUE INDEX products_sku_idx ON products (sku) WHERE name IS NOT NULL;\n"
     "ALTER TABLE products ADD CONSTRAINT k UNIQUE USING INDEX products_sku_idx;"),
     "'products_sku_idx' is a partial index"),
    (("CREATE UNIQUE INDEX products_lower_idx ON products (lower(sku));\n"
     "ALTER TABLE products ADD CONSTRAINT k UNIQUE USING INDEX products_lower_idx;"),
     "index 'products_lower_idx' contains expressions"),
    (("CREATE TABLE other (x int);\nCREATE UNIQUE INDEX other_x_idx ON other (x);\n"
     "ALTER TABLE products ADD CONSTRAINT k UNIQUE USING INDEX other_x_idx;"),
     "index 'other_x_idx' does not belong to table 'products'"),
    (("ALTER TABLE products ADD CONSTRAINT k UNIQUE (sku);\n"
     "ALTER TABLE products ADD CONSTRAINT k2 UNIQUE USING INDEX k;"),
     "index 'k' is already associated with a constraint"),
    (("CREATE INDEX products_name_idx ON products (name);\nCREATE UNIQUE INDEX products_sku_idx ON products (sku);\n"
     "ALTER TABLE products ADD CONSTRAINT products_name_idx UNIQUE USING INDEX products_sku_idx;"),
     "relation 'products_name_idx' already exists"),
    (("ALTER TABLE products ADD CONSTRAINT p PRIMARY KEY (id);\nCREATE UNIQUE INDEX products_sku_idx ON products (sku);\n"
     "ALTER TABLE products ADD PRIMARY KEY USING INDEX products_sku_idx;"),
     "table 'products' already has a primary key"),
    (("CREATE UNIQUE INDEX products_sku_idx ON products (sku);\n"
     "ALTER TABLE products ADD UNIQUE USING INDEX products_sku_idx WITH (fillfactor = 70);"),
     "unsupported ALTER TABLE action"),
    ("CREATE UNIQUE INDEX products_sku_idx ON products (sku);\nALTER TABLE products ADD UNIQUE USING INDEX;",
     "USING INDEX without an index name"),
]


@pytest.mark.parametrize("sql,message", USING_INDEX_ERRORS, ids=[m.split("'")[0].strip() or m.split("'")[2].strip()
                                                                 for _, m in USING_INDEX_ERRORS])
def test_add_constraint_using_index_errors(sql, message):
    text = USING_INDEX_BASE + sql
    with pytest.raises(MgenError) as info:
        read_sql_text(text, "postgresql", filename="m.sql")
    assert message in info.value.message
    assert info.value.file == "m.sql"
    assert info.value.line == text.count("\n") + 1  # the ALTER TABLE is the last line


def test_add_constraint_using_index_is_postgresql_only():
    with pytest.raises(MgenError, match="PostgreSQL syntax"):
        read_sql_text("CREATE TABLE t (a int); CREATE UNIQUE INDEX i ON t (a);\n"
                      "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i;", "mysql")


def test_unique_using_index_tablespace_is_not_the_attach_form():
    """``UNIQUE (cols) USING INDEX TABLESPACE ts`` names a tablespace, not an index to attach."""
    t = table("CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT u UNIQUE (a) USING INDEX TABLESPACE pg_default;")
    assert t.uniques == (Unique("u", ("a",)),)


def test_add_constraint_using_index_matches_the_live_server(postgres_url):
    """A database built with the recipe introspects to what the reader produced: the index is gone,
    the constraint (renamed index) is there, the primary key's columns are NOT NULL."""
    from mgen.db import apply_statements, connect, scratch_database
    from mgen.dialects import get_dialect
    from mgen.differ import diff
    from mgen.sources.live import introspect_connection

    sql = (USING_INDEX_BASE
           + "CREATE UNIQUE INDEX CONCURRENTLY products_pk_idx ON products (id);\n"
           + "ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY KEY USING INDEX products_pk_idx;\n"
           + USING_INDEX_CASES[0][0] + "\n" + USING_INDEX_CASES[1][0])
    expected = read_sql_text(sql, "postgresql")
    with scratch_database("postgresql", postgres_url) as url, connect(url) as conn:
        apply_statements(conn, [s.text for s in split_statements(sql, "postgresql")])
        live = introspect_connection(conn)
    assert diff(live, expected, get_dialect("postgresql")).operations == []
    t = live.table("products")
    assert t.indexes == () and t.primary_key == PrimaryKey(("id",), "products_pkey")
    assert {u.name for u in t.uniques} == {"products_sku_key", "products_region_sku_key"}


def test_postgresql_refuses_what_the_reader_refuses(postgres_url):
    """Each USING INDEX error above is one the server raises too: the last statement fails there."""
    from mgen.db import StatementError, apply_statements, connect, scratch_database

    with scratch_database("postgresql", postgres_url) as url, connect(url) as conn:
        for n, (sql, message) in enumerate(USING_INDEX_ERRORS):
            statements = [s.text for s in split_statements(USING_INDEX_BASE + sql, "postgresql")]
            apply_statements(conn, [f"CREATE SCHEMA s{n}", f"SET search_path TO s{n}", *statements[:-1]])
            with pytest.raises(StatementError):
                apply_statements(conn, statements[-1:])


# ---------------------------------------------------------------------------------------------
# PostgreSQL NOT VALID and VALIDATE CONSTRAINT: the state of a CHECK or foreign key, not its definition
# ---------------------------------------------------------------------------------------------
NOT_VALID_BASE = "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, p_id int, n int);\n"
NOT_VALID_ADDS = (
    "ALTER TABLE c ADD CONSTRAINT c_n_check CHECK (n > 0) NOT VALID;\n"
    "ALTER TABLE c ADD CHECK (n < 10) NOT VALID, ADD CONSTRAINT c_n_odd CHECK (n <> 5);\n"
    "ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE NOT VALID;\n"
    "ALTER TABLE ONLY c ADD FOREIGN KEY (n) REFERENCES p NOT VALID;\n"
)


def test_not_valid_constraints_are_read_as_not_validated():
    t = read_sql_text(NOT_VALID_BASE + NOT_VALID_ADDS, "postgresql").table("c")
    assert t.checks == (Check("c_n_check", "n > 0", validated=False), Check("c_n_check1", "n < 10", validated=False),
                        Check("c_n_odd", "n <> 5"))
    assert t.foreign_keys == (
        ForeignKey("c_p_fkey", ("p_id",), "p", ("id",), on_delete="CASCADE", validated=False),
        ForeignKey("c_n_fkey", ("n",), "p", ("id",), validated=False),  # REFERENCES p: its key, resolved later
    )


def test_not_valid_changes_no_definition():
    """The same constraints written without NOT VALID differ only in their state: no operation."""
    from mgen.dialects import get_dialect
    from mgen.differ import diff

    not_valid = read_sql_text(NOT_VALID_BASE + NOT_VALID_ADDS, "postgresql")
    valid = read_sql_text(NOT_VALID_BASE + NOT_VALID_ADDS.replace(" NOT VALID", ""), "postgresql")
    assert not_valid != valid
    assert diff(not_valid, valid, get_dialect("postgresql")).operations == []


def test_validate_constraint_makes_it_valid():
    sql = (NOT_VALID_BASE + NOT_VALID_ADDS + "ALTER TABLE c VALIDATE CONSTRAINT c_n_check;\n"
           "ALTER TABLE c VALIDATE CONSTRAINT c_p_fkey, VALIDATE CONSTRAINT c_n_fkey;\n")
    t = read_sql_text(sql, "postgresql").table("c")
    assert [(c.name, c.validated) for c in (*t.checks, *t.foreign_keys)] == [
        ("c_n_check", True), ("c_n_check1", False), ("c_n_odd", True), ("c_p_fkey", True), ("c_n_fkey", True)]


def test_validate_constraint_after_drop_and_add_not_valid():
    """mgen's own down of a validation (ValidateConstraint reversed) reads back as not valid."""
    sql = (NOT_VALID_BASE + "ALTER TABLE c ADD CONSTRAINT c_n_check CHECK (n > 0);\n"
           "ALTER TABLE c DROP CONSTRAINT c_n_check;\nALTER TABLE c ADD CONSTRAINT c_n_check CHECK (n > 0) NOT VALID;\n")
    assert read_sql_text(sql, "postgresql").table("c").checks == (Check("c_n_check", "n > 0", validated=False),)


def test_validating_a_constraint_the_schema_does_not_hold_is_skipped_and_listed():
    """A migration linted on its own often validates what an earlier one added."""
    interp = SqlInterpreter("postgresql")
    interp.run(NOT_VALID_BASE + "ALTER TABLE c VALIDATE CONSTRAINT added_elsewhere;")
    assert interp.schema == read_sql_text(NOT_VALID_BASE, "postgresql")
    assert [i.kind for i in interp.ignored] == ["ALTER TABLE VALIDATE CONSTRAINT"]


NOT_VALID_ERRORS = [
    # (dialect, statement after the base, message): PostgreSQL refuses the first two the same way
    ("postgresql", "ALTER TABLE c ADD CONSTRAINT c_n_key UNIQUE (n) NOT VALID;",
     "only CHECK and FOREIGN KEY constraints can be marked NOT VALID"),
    ("postgresql", "ALTER TABLE c VALIDATE CONSTRAINT c_pkey;",
     "constraint 'c_pkey' of table 'c' is not a foreign key or check constraint"),
    ("postgresql", "ALTER TABLE nope VALIDATE CONSTRAINT c_n_check;", "unknown table 'nope'"),
    ("mysql", "ALTER TABLE c ADD CONSTRAINT c_n_check CHECK (n > 0) NOT VALID;", "NOT VALID is PostgreSQL syntax"),
    ("mysql", "ALTER TABLE c VALIDATE CONSTRAINT c_n_check;", "VALIDATE CONSTRAINT is PostgreSQL syntax"),
]


@pytest.mark.parametrize("dialect,sql,message", NOT_VALID_ERRORS, ids=[m for _, _, m in NOT_VALID_ERRORS])
def test_not_valid_errors(dialect, sql, message):
    text = NOT_VALID_BASE + sql
    with pytest.raises(MgenError) as info:
        read_sql_text(text, dialect, filename="m.sql")
    assert message in info.value.message
    assert info.value.line == 3


def test_postgresql_refuses_what_the_reader_refuses_about_not_valid(postgres_url):
    from mgen.db import StatementError, apply_statements, connect, scratch_database

    with scratch_database("postgresql", postgres_url) as url, connect(url) as conn:
        apply_statements(conn, [s.text for s in split_statements(NOT_VALID_BASE, "postgresql")])
        for _dialect, sql, _message in NOT_VALID_ERRORS[:2]:
            with pytest.raises(StatementError):
                conn.execute(sql.rstrip(";"))
