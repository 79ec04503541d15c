"""require-lock-timeout: PostgreSQL DDL on an existing table without ``SET lock_timeout`` is flagged (info,
a warning on a large table); after SET lock_timeout, on a new table, on MySQL, or for an ``online`` index
operation it is not."""
from __future__ import annotations

from dataclasses import replace

from rulekit import ADDED, EMAIL_IDX, USERS, facts, migration_findings, of, operation_findings, schema

from mgen.operations import AddIndex, DropIndex
from mgen.rules import TableStats


def test_ddl_without_lock_timeout_is_info_and_a_warning_on_a_large_table():
    [f] = of(migration_findings(USERS, ADDED), "require-lock-timeout")
    assert f.severity == "info" and "lock_timeout" in f.message
    [f] = of(migration_findings(USERS, ADDED, stats={"users": TableStats(2_000_000, 10**9)}), "require-lock-timeout")
    assert f.severity == "warning" and "2,000,000 rows" in f.message
    [f] = of(migration_findings(USERS, ADDED, stats={"users": TableStats(50_000, 10**7)}), "require-lock-timeout")
    assert f.severity == "info"


def test_ddl_after_set_lock_timeout_or_on_a_new_table_is_not_flagged():
    ok = facts("ALTER TABLE users ADD COLUMN bio TEXT", lock_timeout=True)
    assert not of(migration_findings(USERS, ADDED, facts=ok), "require-lock-timeout")
    assert not of(migration_findings("", ADDED), "require-lock-timeout")
    assert not of(migration_findings(USERS, ADDED, "mysql"), "require-lock-timeout")


def test_online_index_operations_need_no_lock_timeout():
    old = schema(extra="CREATE INDEX users_email_idx ON users (email);")
    assert of(operation_findings([AddIndex("users", replace(EMAIL_IDX, name="x_idx"))], old=old),
              "require-lock-timeout")
    assert not of(operation_findings([AddIndex("users", replace(EMAIL_IDX, name="x_idx"), online=True)], old=old),
                  "require-lock-timeout")
    assert of(operation_findings([DropIndex("users", EMAIL_IDX)], old=old), "require-lock-timeout")
    assert not of(operation_findings([DropIndex("users", EMAIL_IDX, online=True)], old=old), "require-lock-timeout")
