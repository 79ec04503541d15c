"""volatile-default: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import PG, Case, check_case, t

CASES = [
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, u UUID DEFAULT gen_random_uuid()"), PG, "error"),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, r FLOAT DEFAULT random()"), PG, "warning",
         stats={"t": 10}),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, c TIMESTAMPTZ DEFAULT now()"), PG, None),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, c INTEGER NOT NULL DEFAULT 0"), PG, None,
         server_version=(11, 0)),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, c INTEGER NOT NULL DEFAULT 0"), PG, "error",
         server_version=(10, 23)),
    Case("volatile-default", "", t("u UUID DEFAULT gen_random_uuid()"), PG, None),  # new table
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
