"""drop-table: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import PG, Case, check_case, t

CASES = [
    Case("drop-table", t("a INTEGER") + "CREATE TABLE u (id INTEGER PRIMARY KEY);", t("a INTEGER"), PG, "error"),
    Case("drop-table", t("a INTEGER"), t("a INTEGER") + "CREATE TABLE u (id INTEGER PRIMARY KEY);", PG, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
