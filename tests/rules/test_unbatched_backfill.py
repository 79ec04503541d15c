"""unbatched-backfill: an UPDATE without WHERE (a linted statement) or a ``Backfill`` without batch_size is
flagged, and so is a data change inside the DDL transaction; a batched one, or one on a new table, is
not."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from rulekit import FILL, LITE, MY, NICK, PG, USERS, ctx, facts, of, operation_findings, schema

from mgen.operations import AddColumn, Backfill, CreateTable
from mgen.rules import Context, TableStats
from mgen.rules.unbatched_backfill import RULE as BACKFILL
from mgen.sources.sql import read_sql_text


def test_update_without_where_is_an_unbatched_backfill():
    for dialect in ("postgresql", "mysql", "sqlite"):
        msg = BACKFILL.check_statement(facts("UPDATE users SET age = 0"), ctx(dialect))
        assert msg and "without WHERE" in msg


def test_batched_update_and_new_tables_are_not_flagged():
    batch = facts("UPDATE users SET age = 0 WHERE id > 0 AND id <= 10000 AND age IS NULL")
    assert BACKFILL.check_statement(batch, ctx()) is None
    assert BACKFILL.check_statement(facts("UPDATE users SET age = 0"), ctx(created_here=frozenset({"users"}))) is None
    assert BACKFILL.check_statement(facts("ALTER TABLE users ADD COLUMN x INTEGER"), ctx()) is None
    assert BACKFILL.check_statement(facts("SELECT count(*) FROM users"), ctx()) is None


def test_data_change_in_the_ddl_transaction_is_flagged_where_ddl_is_transactional():
    @dataclass(frozen=True)
    class LintContext(Context):  # what the rule reads when the linter says which tables DDL touched
        altered_here: frozenset = frozenset()

    schema = read_sql_text(USERS, "postgresql")
    batch = facts("DELETE FROM users WHERE age < 0")
    assert "same transaction" in BACKFILL.check_statement(
        batch, LintContext("postgresql", schema, altered_here=frozenset({"users"})))
    assert BACKFILL.check_statement(batch, LintContext("postgresql", schema)) is None
    outside = facts("DELETE FROM users WHERE age < 0", in_transaction=False)  # MySQL DDL commits at once
    assert BACKFILL.check_statement(outside, LintContext("mysql", schema, altered_here=frozenset({"users"}))) is None


# ---------------------------------------------------------------------------------------------------
# Backfill operations
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", [PG, MY, LITE])
def test_unbatched_backfill_is_flagged_and_a_batched_one_is_not(dialect):
    [f] = of(operation_findings([replace(FILL, batch_size=None)], dialect), "unbatched-backfill")
    assert f.severity == "warning" and "users.email" in f.message and "one UPDATE" in f.message
    assert not of(operation_findings([FILL], dialect), "unbatched-backfill")


def test_unbatched_backfill_exemptions_size_and_the_ddl_transaction():
    one = replace(FILL, batch_size=None)
    table = replace(schema().table("users"), name="fresh")
    assert not of(operation_findings([CreateTable(table), replace(one, table="fresh")]), "unbatched-backfill")
    assert not of(operation_findings([Backfill("users", None, None, batch_size=None, undo_column="email")]),
                  "unbatched-backfill")
    [f] = of(operation_findings([one], stats={"users": TableStats(100, 8192)}), "unbatched-backfill")
    assert f.severity == "info"
    # after DDL on the table, in the same transaction where DDL is transactional
    [f] = of(operation_findings([AddColumn("users", NICK), one]), "unbatched-backfill")
    assert "transaction of the DDL on users" in f.message
    [f] = of(operation_findings([AddColumn("users", NICK), one], MY), "unbatched-backfill")
    assert "transaction" not in f.message  # MySQL commits the DDL at once
    # a backfill before it is data, not DDL: no lock held
    [f] = of(operation_findings([FILL, replace(one, column="age", value="0")]), "unbatched-backfill")
    assert "transaction" not in f.message
