"""mysql-enum-reorder: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import MY, Case, check_case, t

CASES = [
    Case("mysql-enum-reorder", t("s ENUM('a','b','c')"), t("s ENUM('a','c')"), MY, "warning"),
    Case("mysql-enum-reorder", t("s ENUM('a','b')"), t("s ENUM('z','a','b')"), MY, "warning"),
    Case("mysql-enum-reorder", t("s ENUM('a','b')"), t("s ENUM('a','b','c')"), MY, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
