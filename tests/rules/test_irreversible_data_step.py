"""irreversible-data-step: DELETE, TRUNCATE and UPDATE on existing rows (linted statements) and a
``Backfill`` without a reverse on an old column are flagged; schema statements, reads, new tables and
columns, and backfills with a reverse are not."""
from __future__ import annotations

from dataclasses import replace

import pytest
from rulekit import FILL, NICK, ctx, facts, of, operation_findings

from mgen.operations import AddColumn, Backfill, RenameColumn
from mgen.rules.irreversible_data_step import RULE as IRREVERSIBLE


@pytest.mark.parametrize("dialect,text,word", [
    ("postgresql", "DELETE FROM users WHERE age IS NULL", "DELETE"),
    ("postgresql", "TRUNCATE TABLE users", "TRUNCATE"),
    ("mysql", "UPDATE `users` SET age = 0 WHERE age < 0 LIMIT 100", "UPDATE"),
    ("sqlite", "DELETE FROM users", "DELETE"),
])
def test_data_changes_are_irreversible(dialect, text, word):
    msg = IRREVERSIBLE.check_statement(facts(text), ctx(dialect))
    assert msg and msg.startswith(word) and "users" in msg


def test_schema_statements_reads_and_new_tables_are_not_irreversible_data_steps():
    for text in ("ALTER TABLE users ADD COLUMN x INTEGER", "SELECT 1", "INSERT INTO users (id) VALUES (1)",
                 "SET lock_timeout = '5s'", "this is not sql at all ((("):
        assert IRREVERSIBLE.check_statement(facts(text), ctx()) is None, text
    assert IRREVERSIBLE.check_statement(facts("DELETE FROM users"), ctx(created_here=frozenset({"users"}))) is None


# ---------------------------------------------------------------------------------------------------
# Backfill operations
# ---------------------------------------------------------------------------------------------------
def test_backfill_without_reverse_on_an_old_column_is_info():
    [f] = of(operation_findings([FILL]), "irreversible-data-step")
    assert f.severity == "info" and "users.email" in f.message and "down" in f.message


def test_backfill_of_a_column_added_here_or_with_a_reverse_is_not_irreversible():
    assert not of(operation_findings([AddColumn("users", NICK), replace(FILL, column="nick")]),
                  "irreversible-data-step")
    assert not of(operation_findings([replace(FILL, undo_column="age", undo_value="NULL")]), "irreversible-data-step")
    assert not of(operation_findings([Backfill("users", None, None, undo_column="email", undo_value="'x'")]),
                  "irreversible-data-step")
    # the column added here and renamed before the backfill is still new
    ops = [AddColumn("users", NICK), RenameColumn("users", "nick", "handle"), replace(FILL, column="handle")]
    assert not of(operation_findings(ops), "irreversible-data-step")
