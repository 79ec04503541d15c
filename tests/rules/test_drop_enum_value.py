"""drop-enum-value: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import PG, PG_ENUM, Case, check_case

CASES = [
    Case("drop-enum-value", PG_ENUM.format("'a', 'b'"), PG_ENUM.format("'a'"), PG, "warning"),
    Case("drop-enum-value", PG_ENUM.format("'a'"), PG_ENUM.format("'a', 'b'"), PG, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
