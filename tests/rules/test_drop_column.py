"""drop-column: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from rulekit import MY, Case, check_case, of, operation_findings, schema, t

from mgen.operations import Backfill, DropColumn

CASES = [
    Case("drop-column", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, "error"),
    Case("drop-column", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)


def test_drop_column_whose_down_refills_it_is_a_warning_not_an_error():
    email = schema().table("users").column("email")
    [f] = of(operation_findings([DropColumn("users", email)]), "drop-column")
    assert f.severity == "error" and "without them" in f.message
    refill = Backfill("users", None, None, batch_size=None, undo_column="email", undo_value="age")
    [f] = of(operation_findings([refill, DropColumn("users", email)]), "drop-column")
    assert f.severity == "warning" and "refills it with age" in f.message
    # after the drop its reverse would run before the column is back: no refill
    [f] = of(operation_findings([DropColumn("users", email), refill]), "drop-column")
    assert f.severity == "error"
    other = replace(refill, undo_column="age")
    [f] = of(operation_findings([other, DropColumn("users", email)]), "drop-column")
    assert f.severity == "error"
