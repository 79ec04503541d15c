"""require-concurrent-index-drop: a plain DROP INDEX on PostgreSQL is flagged; DROP INDEX CONCURRENTLY (the
statement says so, or the operation is ``online``) is not."""
from __future__ import annotations

from rulekit import EMAIL_IDX, IDX, USERS, facts, migration_findings, of, operation_findings, schema

from mgen.operations import DropIndex


def test_drop_index_without_concurrently_is_a_warning():
    [f] = of(migration_findings(USERS + IDX, USERS), "require-concurrent-index-drop")
    assert f.severity == "warning" and "users_email_idx" in f.message


def test_drop_index_concurrently_is_not_flagged():
    ok = facts("DROP INDEX CONCURRENTLY users_email_idx", concurrently=True, in_transaction=False)
    assert not of(migration_findings(USERS + IDX, USERS, facts=ok), "require-concurrent-index-drop")
    assert not of(migration_findings(USERS + IDX, USERS, "sqlite"), "require-concurrent-index-drop")


def test_online_index_drop_is_not_flagged_and_a_plain_one_is():
    old = schema(extra="CREATE INDEX users_email_idx ON users (email);")
    [f] = of(operation_findings([DropIndex("users", EMAIL_IDX)], old=old), "require-concurrent-index-drop")
    assert f.severity == "warning"
    assert not of(operation_findings([DropIndex("users", EMAIL_IDX, online=True)], old=old),
                  "require-concurrent-index-drop")
