"""set-not-null: migrations that must be flagged and near misses that must not (``rulekit.Case``: OLD SQL
and NEW SQL through the real pipeline)."""
from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest
from rulekit import PG, Case, check_case, findings_for, of, operation_findings, schema, t

from mgen.db import scratch_database
from mgen.operations import AlterColumnNullability, ValidateConstraint
from mgen.schema import Schema

CASES = [
    Case("set-not-null", t("a INTEGER"), t("a INTEGER NOT NULL"), PG, "warning"),
    Case("set-not-null", t("a INTEGER"), t("a INTEGER NOT NULL"), PG, "info", stats={"t": 50}),
    Case("set-not-null", t("a INTEGER NOT NULL"), t("a INTEGER"), PG, None),
    # the PostgreSQL 12+ recipe: a CHECK (a IS NOT NULL) already in place makes SET NOT NULL metadata-only
    Case("set-not-null", t("a INTEGER, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"),
         t("a INTEGER NOT NULL, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"), PG, None, server_version=(12, 0)),
    Case("set-not-null", t("a INTEGER, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"),
         t("a INTEGER NOT NULL, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"), PG, "warning", server_version=(11, 9)),
    Case("set-not-null", t("a INTEGER, b INTEGER, CONSTRAINT t_b_nn CHECK (b IS NOT NULL)"),
         t("a INTEGER NOT NULL, b INTEGER, CONSTRAINT t_b_nn CHECK (b IS NOT NULL)"), PG, "warning"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    check_case(case)


def test_set_not_null_mentions_the_pg12_check_recipe():
    case = Case("set-not-null", t("a INTEGER"), t("a INTEGER NOT NULL"), PG, "warning", server_version=(15, 4))
    [f] = [f for f in findings_for(case) if f.rule == "set-not-null"]
    assert "CHECK (a IS NOT NULL)" in f.message and "12" in f.message


# ---------------------------------------------------------------------------------------------------
# Check.validated: only a validated CHECK (email IS NOT NULL) spares the scan
# ---------------------------------------------------------------------------------------------------
def with_email_check(validated: bool) -> Schema:
    """The base schema with CHECK (email IS NOT NULL), validated or added NOT VALID."""
    old = schema(extra="ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL);")
    users = old.table("users")
    return old.with_table(replace(users, checks=tuple(replace(c, validated=validated) for c in users.checks)))


def test_set_not_null_trusts_only_a_validated_check():
    op = AlterColumnNullability("users", "email", False)
    assert not of(operation_findings([op], old=with_email_check(True), server_version=(15, 0)), "set-not-null")
    [f] = of(operation_findings([op], old=with_email_check(False), server_version=(15, 0)), "set-not-null")
    assert f.severity == "warning" and "users_email_not_null" in f.message and "VALIDATE" in f.message


def test_set_not_null_after_validate_in_the_same_migration_is_not_flagged():
    ops = [ValidateConstraint("users", "users_email_not_null"), AlterColumnNullability("users", "email", False)]
    assert not of(operation_findings(ops, old=with_email_check(False)), "set-not-null")


def test_premise_postgresql_skips_the_scan_only_for_a_validated_check(postgres_url):
    """PostgreSQL 12+ says at DEBUG1 when existing constraints prove a column has no NULLs."""
    proof = "sufficient to prove that it does not contain nulls"
    with scratch_database(PG, postgres_url) as url, psycopg.connect(url, autocommit=True) as conn:
        notices: list[str] = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("INSERT INTO users VALUES (1, 'a')")
        conn.execute("ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID")
        conn.execute("SET client_min_messages = debug1")
        conn.execute("ALTER TABLE users ALTER COLUMN email SET NOT NULL")
        assert not any(proof in n for n in notices)  # NOT VALID: it scanned
        conn.execute("ALTER TABLE users ALTER COLUMN email DROP NOT NULL")
        conn.execute("ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null")
        notices.clear()
        conn.execute("ALTER TABLE users ALTER COLUMN email SET NOT NULL")
        assert any(proof in n for n in notices), notices
