"""concurrently-in-transaction: CONCURRENTLY inside a transaction (a linted statement that says so), and an
operation that must run outside a transaction (an ``online`` index, a batched ``Backfill``) sharing its
migration with others; with the premise on a real PostgreSQL, through mgen's own rendering."""
from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest
from rulekit import (
    EMAIL_IDX,
    IDX,
    NICK,
    PG,
    USERS,
    base_statements,
    ctx,
    facts,
    migration_findings,
    of,
    operation_findings,
    schema,
)

from mgen.db import scratch_database
from mgen.dialects import get_dialect
from mgen.operations import AddColumn, AddIndex, Backfill
from mgen.rules import all_rules


def test_concurrent_index_inside_a_transaction_is_an_error():
    in_tx = facts("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)", concurrently=True)
    [f] = of(migration_findings(USERS, USERS + IDX, facts=in_tx), "concurrently-in-transaction")
    assert f.severity == "error" and "transaction" in f.message
    drop_tx = facts("DROP INDEX CONCURRENTLY users_email_idx", concurrently=True)
    assert of(migration_findings(USERS + IDX, USERS, facts=drop_tx), "concurrently-in-transaction")


def test_concurrent_index_outside_a_transaction_and_mgen_own_sql_are_not_flagged():
    no_tx = facts("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)", concurrently=True,
                  in_transaction=False)
    assert not of(migration_findings(USERS, USERS + IDX, facts=no_tx), "concurrently-in-transaction")
    assert not of(migration_findings(USERS, USERS + IDX), "concurrently-in-transaction")  # mgen never says CONCURRENTLY


def test_concurrently_statements_without_an_operation_are_checked_once():
    rule = next(r for r in all_rules() if r.id == "concurrently-in-transaction")
    c = ctx(schema_sql=USERS + IDX)
    assert rule.check_statement(facts("REINDEX INDEX CONCURRENTLY users_email_idx"), c)
    assert rule.check_statement(facts("DROP INDEX CONCURRENTLY IF EXISTS gone_idx"), c)
    # a known index's drop and every CREATE INDEX become operations: check() reports them, not this
    assert rule.check_statement(facts("DROP INDEX CONCURRENTLY users_email_idx"), c) is None
    assert rule.check_statement(facts("CREATE INDEX CONCURRENTLY x ON users (age)"), c) is None
    assert rule.check_statement(facts("REINDEX INDEX CONCURRENTLY users_email_idx", in_transaction=False), c) is None


# ---------------------------------------------------------------------------------------------------
# an operation that must run outside a transaction, sharing its migration
# ---------------------------------------------------------------------------------------------------
def test_online_index_sharing_its_migration_is_an_error_alone_it_is_not():
    shared = [AddColumn("users", NICK), AddIndex("users", EMAIL_IDX, online=True)]
    [f] = of(operation_findings(shared), "concurrently-in-transaction")
    assert f.operation == 1 and f.severity == "error"
    assert "CREATE INDEX CONCURRENTLY (users_email_idx)" in f.message and "add column users.nick" in f.message
    assert not of(operation_findings([AddIndex("users", EMAIL_IDX, online=True)]), "concurrently-in-transaction")
    # the same pair without online is one ordinary transaction
    assert not of(operation_findings([AddColumn("users", NICK), AddIndex("users", EMAIL_IDX)]),
                  "concurrently-in-transaction")


def test_batched_backfill_sharing_its_migration_is_an_error_on_postgresql_only():
    fill = Backfill("users", "email", "'none'", batch_size=1000)
    [f] = of(operation_findings([AddColumn("users", NICK), fill]), "concurrently-in-transaction")
    assert "commits per batch" in f.message
    assert not of(operation_findings([AddColumn("users", NICK), replace(fill, batch_size=None)]),
                  "concurrently-in-transaction")
    assert not of(operation_findings([fill]), "concurrently-in-transaction")
    # an operation that writes no SQL does not share the migration: the reverse-only backfill
    nothing = Backfill("users", None, None, undo_column="age", undo_value="0")
    assert not of(operation_findings([nothing, fill]), "concurrently-in-transaction")


def test_premise_postgresql_refuses_mgen_s_batched_backfill_inside_a_transaction(postgres_url):
    """The rule's claim, on mgen's own rendering: the DO block COMMITs per batch."""
    d = get_dialect(PG)
    fill = Backfill("users", "age", "0", batch_size=2)
    assert d.outside_transaction(fill) and d.outside_transaction(AddIndex("users", EMAIL_IDX, online=True))
    statements = d.render_ops([fill], schema())
    with scratch_database(PG, postgres_url) as url, psycopg.connect(url, autocommit=True) as conn:
        for sql in base_statements():
            conn.execute(sql)
        conn.execute("INSERT INTO users (id) SELECT generate_series(1, 5)")
        with pytest.raises(psycopg.errors.InvalidTransactionTermination), conn.transaction():
            for sql in statements:
                conn.execute(sql)
        for sql in statements:  # outside a transaction it runs
            conn.execute(sql)
        assert conn.execute("SELECT count(*) FROM users WHERE age = 0").fetchone() == (5,)
