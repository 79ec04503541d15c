"""rename-table: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import MY, Case, check_case

CASES = [
    Case("rename-table", "CREATE TABLE t (id INTEGER PRIMARY KEY);", "CREATE TABLE u (id INTEGER PRIMARY KEY);",
         MY, "warning", renames=("t=u",)),
    Case("rename-table", "CREATE TABLE t (id INTEGER PRIMARY KEY);",
         "CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE TABLE u (id INTEGER PRIMARY KEY);", MY, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
