"""add-unique-constraint: a UNIQUE added to an existing table is flagged; one made from an index built
beforehand (``AddUnique.using_index``) or on a new table is not, and the online unique index build carries
the duplicates note; with the premise on a real PostgreSQL."""
from __future__ import annotations

import psycopg
import pytest
from rulekit import EMAIL_IDX, USERS, migration_findings, of, operation_findings, schema

from mgen.db import scratch_database
from mgen.operations import AddIndex, AddUnique
from mgen.rules import TableStats
from mgen.schema import Index, Unique

UNIQUE = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER, " \
         "CONSTRAINT users_email_key UNIQUE (email));\n"
EMAIL_UNIQUE_IDX = Index("users_email_key", ("email",), unique=True)


@pytest.mark.parametrize("dialect,severity", [("postgresql", "error"), ("mysql", "warning"), ("sqlite", "warning")])
def test_unique_on_existing_table_is_flagged(dialect, severity):
    [f] = of(migration_findings(USERS, UNIQUE, dialect), "add-unique-constraint")
    assert f.severity == severity and "duplicates" in f.message


def test_unique_on_a_new_table_is_not_flagged_and_a_small_table_steps_down():
    assert not of(migration_findings("", UNIQUE), "add-unique-constraint")
    [f] = of(migration_findings(USERS, UNIQUE, stats={"users": TableStats(10, 8192)}), "add-unique-constraint")
    assert f.severity == "warning"


# ---------------------------------------------------------------------------------------------------
# using_index
# ---------------------------------------------------------------------------------------------------
def test_unique_made_from_an_index_is_not_flagged_and_a_plain_one_is():
    unique = Unique("users_email_key", ("email",))
    [f] = of(operation_findings([AddUnique("users", unique)]), "add-unique-constraint")
    assert f.severity == "error"
    old = schema(extra="CREATE UNIQUE INDEX users_email_key ON users (email);")
    assert not of(operation_findings([AddUnique("users", unique, using_index=EMAIL_UNIQUE_IDX)], old=old),
                  "add-unique-constraint")


def test_the_online_unique_index_build_carries_the_duplicates_note():
    series = [AddIndex("users", EMAIL_UNIQUE_IDX, online=True),
              AddUnique("users", Unique("users_email_key", ("email",)), using_index=EMAIL_UNIQUE_IDX)]
    [f] = of(operation_findings(series), "add-unique-constraint")
    assert f.operation == 0 and f.severity == "info" and "duplicates" in f.message and "INVALID" in f.message
    # not online: require-concurrent-index reports the build; a non-unique index has no duplicates to fail on
    assert not of(operation_findings([AddIndex("users", EMAIL_UNIQUE_IDX)]), "add-unique-constraint")
    assert not of(operation_findings([AddIndex("users", EMAIL_IDX, online=True)]), "add-unique-constraint")


# ---------------------------------------------------------------------------------------------------
# the premise, on a real PostgreSQL
# ---------------------------------------------------------------------------------------------------
def test_postgresql_unique_constraint_from_a_concurrent_index_and_duplicates_fail(postgres_url):
    with scratch_database("postgresql", postgres_url) as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("INSERT INTO users VALUES (1, 'a'), (2, 'a')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)")
        conn.execute("UPDATE users SET email = 'b' WHERE id = 2")
        conn.execute("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)")
        conn.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key")
        kind = conn.execute("SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'").fetchone()
        assert kind == ("u",)
