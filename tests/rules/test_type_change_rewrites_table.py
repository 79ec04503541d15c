"""type-change-rewrites-table: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import LITE, MY, PG, Case, check_case, t

from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.rules import TableStats, analyze
from mgen.sources.sql import read_sql_text

CASES = [
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "error"),
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "warning", stats={"t": 500}),
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "error", stats={"t": 5_000_000}),
    Case("type-change-rewrites-table", t("a VARCHAR(10)"), t("a VARCHAR(20)"), PG, None),
    Case("type-change-rewrites-table", t("a VARCHAR(10)"), t("a TEXT"), PG, None),
    Case("type-change-rewrites-table", t("a NUMERIC(10,2)"), t("a NUMERIC(14,2)"), PG, None),
    Case("type-change-rewrites-table", t("a NUMERIC(10,2)"), t("a NUMERIC(14,4)"), PG, "error"),
    Case("type-change-rewrites-table", t("a VARCHAR(10)"), t("a VARCHAR(60)"), MY, None),  # 40 -> 240 bytes
    Case("type-change-rewrites-table", t("a VARCHAR(100)"), t("a VARCHAR(500)"), MY, None),  # 400 -> 2000
    Case("type-change-rewrites-table", t("a VARCHAR(60)"), t("a VARCHAR(64)"), MY, "error"),  # 240 -> 256
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), MY, "error"),
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), LITE, None),  # sqlite-table-rebuild's
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)


def test_size_note_gives_rows_and_estimate():
    case = Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "error")
    dialect = get_dialect(PG)
    old = read_sql_text(case.old, PG)
    ops = diff(old, read_sql_text(case.new, PG), dialect).operations
    stats = {"t": TableStats(2_000_000, 5 * 1024 ** 3)}
    [f] = [f for f in analyze(ops, old, PG, stats=stats) if f.rule == case.rule]
    assert "2,000,000 rows" in f.message and "s to rewrite" in f.message
