"""add-primary-key: a primary key added to an existing table is flagged; one on a new table, or dropped,
is not."""
from __future__ import annotations

from rulekit import migration_findings, of

NO_PK = "CREATE TABLE events (id INTEGER NOT NULL, name TEXT);\n"
WITH_PK = "CREATE TABLE events (id INTEGER NOT NULL, name TEXT, CONSTRAINT events_pkey PRIMARY KEY (id));\n"


def test_primary_key_added_to_existing_table_is_flagged():
    [f] = of(migration_findings(NO_PK, WITH_PK), "add-primary-key")
    assert f.severity == "error" and "adding" in f.message
    [f] = of(migration_findings(NO_PK, WITH_PK, "mysql"), "add-primary-key")
    assert f.severity == "warning" and "rebuilds" in f.message


def test_primary_key_on_new_table_or_dropped_is_not_flagged():
    assert not of(migration_findings("", WITH_PK), "add-primary-key")
    assert not of(migration_findings(WITH_PK, NO_PK), "add-primary-key")
