"""lossy-type-change: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import PG, Case, check_case, t

CASES = [
    Case("lossy-type-change", t("a VARCHAR(100)"), t("a VARCHAR(10)"), PG, "error"),
    Case("lossy-type-change", t("a VARCHAR(10)"), t("a VARCHAR(100)"), PG, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
