"""add-stored-generated-column: migrations that must be flagged and near misses that must not (the real
pipeline, no mocks)."""
from __future__ import annotations

import pytest
from rulekit import migration_findings, of

RULE = "add-stored-generated-column"
ORDERS = "CREATE TABLE orders (id INTEGER PRIMARY KEY, total NUMERIC(10,2) NOT NULL{});"
STORED = ", total_cents BIGINT GENERATED ALWAYS AS (CAST(total * 100 AS BIGINT)) STORED"
VIRTUAL = ", total_cents BIGINT GENERATED ALWAYS AS (CAST(total * 100 AS BIGINT)) VIRTUAL"
PLAIN = ", total_cents BIGINT"


def findings(old_sql: str, new_sql: str, dialect: str) -> list:
    return of(migration_findings(old_sql, new_sql, dialect), RULE)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_adding_a_stored_generated_column_is_flagged(dialect):
    found = findings(ORDERS.format(""), ORDERS.format(STORED), dialect)
    assert len(found) == 1 and found[0].severity == "error"
    assert "orders.total_cents" in found[0].message


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_a_plain_column_becoming_generated_is_flagged_with_its_lost_values(dialect):
    (found,) = findings(ORDERS.format(PLAIN), ORDERS.format(STORED), dialect)
    assert "its own values are replaced" in found.message


def test_a_new_expression_is_flagged():
    new = ORDERS.format(STORED.replace("100", "1000"))
    assert findings(ORDERS.format(STORED), new, "postgresql")


@pytest.mark.parametrize(("old", "new", "dialect"), [
    ("", VIRTUAL, "mysql"),  # computed when read: nothing written
    ("", PLAIN, "postgresql"),  # a plain nullable column: catalog only
    (STORED, PLAIN, "postgresql"),  # DROP EXPRESSION keeps the values, rewrites nothing
    (STORED, "", "postgresql"),  # dropping it is drop-column's business
])
def test_near_misses_are_not_flagged(old, new, dialect):
    assert not findings(ORDERS.format(old), ORDERS.format(new), dialect)


def test_a_table_created_in_the_same_migration_is_exempt():
    assert not findings("CREATE TABLE other (id INTEGER PRIMARY KEY);",
                        "CREATE TABLE other (id INTEGER PRIMARY KEY);" + ORDERS.format(STORED), "postgresql")
