"""sqlite-table-rebuild: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import LITE, Case, check_case, t

CASES = [
    Case("sqlite-table-rebuild", t("a INTEGER"), t("a INTEGER NOT NULL"), LITE, "info"),
    Case("sqlite-table-rebuild", t("a INTEGER"), t("a INTEGER, b INTEGER"), LITE, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
