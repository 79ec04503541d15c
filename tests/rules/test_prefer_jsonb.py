"""prefer-jsonb: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import PG, Case, check_case, t

CASES = [
    Case("prefer-jsonb", t("a INTEGER"), t("a INTEGER, doc JSON"), PG, "info"),
    Case("prefer-jsonb", "", t("doc JSON"), PG, "info"),
    Case("prefer-jsonb", t("a INTEGER"), t("a INTEGER, doc JSONB"), PG, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
