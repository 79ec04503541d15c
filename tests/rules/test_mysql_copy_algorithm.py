"""mysql-copy-algorithm: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

import pytest
from rulekit import MY, Case, check_case, t

CASES = [
    Case("mysql-copy-algorithm", "CREATE TABLE t (id INTEGER NOT NULL);",
         "CREATE TABLE t (id INTEGER NOT NULL AUTO_INCREMENT, UNIQUE (id));", MY, "warning"),
    Case("mysql-copy-algorithm", "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);",
         "CREATE TABLE t (id INTEGER, a INTEGER);", MY, "warning", op="set_primary_key"),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER NOT NULL"), MY, "info"),
    Case("mysql-copy-algorithm", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, "info", server_version=(8, 0, 28)),
    Case("mysql-copy-algorithm", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, None, server_version=(8, 0, 29)),
    Case("mysql-copy-algorithm", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, None, server_version=(10, 11, 6)),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, "info", server_version=(10, 2, 44)),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, None, server_version=(10, 3, 0)),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)
