"""add-identity-column: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import MY, PG, Case, check_case

CASES = [
    Case("add-identity-column", "CREATE TABLE t (a INTEGER);", "CREATE TABLE t (a INTEGER, id SERIAL);",
         PG, "error"),
    Case("add-identity-column", "CREATE TABLE t (a INTEGER);",
         "CREATE TABLE t (a INTEGER, id INTEGER GENERATED ALWAYS AS IDENTITY);", PG, "error"),
    Case("add-identity-column", "CREATE TABLE t (a INTEGER);",
         "CREATE TABLE t (a INTEGER, id INTEGER NOT NULL AUTO_INCREMENT, UNIQUE (id));", MY, "error"),
    Case("add-identity-column", "", "CREATE TABLE t (a INTEGER, id SERIAL);", PG, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
