"""add-required-column: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import ADDED, MY, PG, USERS, Case, check_case, diff_json, t

CASES = [
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL"), PG, "error"),
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL"), MY, "error"),
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL"), PG, "warning",
         stats={"t": 0}),
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL DEFAULT 0"), PG, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)


def test_diff_json_carries_add_required_column_and_nothing_above_info_for_a_nullable_add(tmp_path, capsys):
    required = USERS.replace("age INTEGER", "age INTEGER, nick TEXT NOT NULL")
    data = diff_json(tmp_path, capsys, USERS, required)
    assert [f["rule"] for f in data["findings"] if f["severity"] == "error"] == ["add-required-column"]
    data = diff_json(tmp_path, capsys, USERS, ADDED)
    assert data["findings"] and all(f["severity"] == "info" for f in data["findings"])
    assert [op["safety"] for op in data["operations"]] == ["safe"]
