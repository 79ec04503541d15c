"""add-check-constraint: a CHECK added to an existing table is flagged, one added NOT VALID (the statement
says so, or ``Check.validated`` is False) or on a new table is not; VALIDATE CONSTRAINT is info; with the
premise on a real PostgreSQL, through mgen's own rendering."""
from __future__ import annotations

from dataclasses import replace

import psycopg
from rulekit import (
    AGE_CHECK,
    PG,
    USERS,
    base_statements,
    facts,
    migration_findings,
    of,
    operation_findings,
    schema,
)

from mgen.db import scratch_database
from mgen.dialects import get_dialect
from mgen.operations import AddCheck, CreateTable, ValidateConstraint

CHECKED = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER, " \
          "CONSTRAINT users_age_check CHECK (age >= 0));\n"


def test_check_on_existing_table_is_an_error_on_postgresql_and_a_warning_on_mysql():
    [f] = of(migration_findings(USERS, CHECKED), "add-check-constraint")
    assert f.severity == "error" and "ACCESS EXCLUSIVE" in f.message
    [f] = of(migration_findings(USERS, CHECKED, "mysql"), "add-check-constraint")
    assert f.severity == "warning"


def test_check_not_valid_or_on_a_new_table_is_not_flagged():
    nv = facts("ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID", not_valid=True)
    assert not of(migration_findings(USERS, CHECKED, facts=nv), "add-check-constraint")
    assert not of(migration_findings("", CHECKED), "add-check-constraint")


# ---------------------------------------------------------------------------------------------------
# Check.validated and ValidateConstraint
# ---------------------------------------------------------------------------------------------------
def test_check_added_not_valid_is_not_flagged_and_a_valid_one_is():
    [f] = of(operation_findings([AddCheck("users", AGE_CHECK)]), "add-check-constraint")
    assert f.severity == "error"
    assert not of(operation_findings([AddCheck("users", replace(AGE_CHECK, validated=False))]),
                  "add-check-constraint")


def test_validate_reverse_and_new_tables_are_not_flagged():
    old = schema(extra="ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);")
    # the reverse drops the check and adds it again NOT VALID: no row is read
    assert not of(operation_findings([ValidateConstraint("users", AGE_CHECK.name, validated=False)], old=old),
                  "add-check-constraint")
    table = replace(old.table("users"), name="fresh", checks=(replace(AGE_CHECK, name="fresh_check", validated=False),))
    assert not of(operation_findings([CreateTable(table), ValidateConstraint("fresh", "fresh_check")], old=old),
                  "add-check-constraint")


def test_premise_mgen_s_not_valid_check_skips_existing_rows_and_validate_lets_writes_through(postgres_url):
    d = get_dialect(PG)
    add = d.render_ops([AddCheck("users", replace(AGE_CHECK, validated=False))], schema())
    with scratch_database(PG, postgres_url) as url, psycopg.connect(url, autocommit=True) as conn, \
            psycopg.connect(url, autocommit=True) as other:
        for sql in base_statements():
            conn.execute(sql)
        conn.execute("INSERT INTO users (id, age) VALUES (1, -1), (2, 5)")
        for sql in add:  # a violating row is there: without NOT VALID this would fail
            conn.execute(sql)
        conn.execute("UPDATE users SET age = 0 WHERE age < 0")
        validate = d.render_ops([ValidateConstraint("users", AGE_CHECK.name)],
                                schema(extra="ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);"))
        with conn.transaction():
            for sql in validate:
                conn.execute(sql)
            modes = {m for (m,) in conn.execute(
                "SELECT mode FROM pg_locks WHERE relation = 'users'::regclass AND pid = pg_backend_pid()")}
            assert "ShareUpdateExclusiveLock" in modes and "AccessExclusiveLock" not in modes
            other.execute("SET lock_timeout = '2s'")
            other.execute("INSERT INTO users (id, age) VALUES (3, 7)")  # writes go on meanwhile
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (3,)
