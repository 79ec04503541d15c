"""rename-column: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import PG, Case, check_case, t

CASES = [
    Case("rename-column", t("a INTEGER"), t("b INTEGER"), PG, "warning", renames=("t.a=b",)),
    Case("rename-column", t("a INTEGER"), t("a INTEGER, b INTEGER"), PG, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
