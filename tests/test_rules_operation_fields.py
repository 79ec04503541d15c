"""The rules read what an operation itself says about its SQL (issue #3): ``online`` (CONCURRENTLY),
``validated`` (NOT VALID), ``using_index``, ``ValidateConstraint`` and ``Backfill``. Each rule gets the
same operation with and without the field: flagged without it, not flagged with it. Operations are built
directly (the differ never emits these fields); the premises the rules rest on are checked on the real
PostgreSQL, through mgen's own rendering where it matters."""
from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest

from mgen.db import scratch_database
from mgen.dialects import get_dialect
from mgen.operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnNullability,
    Backfill,
    CreateTable,
    DropColumn,
    DropIndex,
    Operation,
    RenameColumn,
    RenameTable,
    ValidateConstraint,
)
from mgen.rules import Context, Finding, TableStats, analyze, rule_by_id
from mgen.schema import Check, Column, ColumnType, ForeignKey, Index, Schema, Unique
from mgen.sources.sql import read_sql_text

PG, MY, LITE = "postgresql", "mysql", "sqlite"
BASE = ("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), age INTEGER);\n"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT);\n")
EMAIL_IDX = Index("users_email_idx", ("email",))
EMAIL_UNIQUE_IDX = Index("users_email_key", ("email",), unique=True)
AGE_CHECK = Check("users_age_check", "age >= 0")
POSTS_FK = ForeignKey("posts_user_id_fkey", ("user_id",), "users", ("id",))
NICK = Column("nick", ColumnType("text"))


def schema(dialect: str = PG, extra: str = "") -> Schema:
    return read_sql_text(BASE + extra, dialect)


def run(ops: list[Operation], dialect: str = PG, old: Schema | None = None, **kw) -> list[Finding]:
    return analyze(ops, old if old is not None else schema(dialect), dialect, **kw)


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# ---------------------------------------------------------------------------------------------------
# online: require-concurrent-index, require-concurrent-index-drop, require-lock-timeout
# ---------------------------------------------------------------------------------------------------
def test_online_index_build_is_not_flagged_and_a_plain_one_is():
    [f] = of(run([AddIndex("users", EMAIL_IDX)]), "require-concurrent-index")
    assert f.severity == "error"
    assert not of(run([AddIndex("users", EMAIL_IDX, online=True)]), "require-concurrent-index")


def test_online_index_drop_is_not_flagged_and_a_plain_one_is():
    old = schema(extra="CREATE INDEX users_email_idx ON users (email);")
    [f] = of(run([DropIndex("users", EMAIL_IDX)], old=old), "require-concurrent-index-drop")
    assert f.severity == "warning"
    assert not of(run([DropIndex("users", EMAIL_IDX, online=True)], old=old), "require-concurrent-index-drop")


def test_online_index_operations_need_no_lock_timeout():
    old = schema(extra="CREATE INDEX users_email_idx ON users (email);")
    assert of(run([AddIndex("users", replace(EMAIL_IDX, name="x_idx"))], old=old), "require-lock-timeout")
    assert not of(run([AddIndex("users", replace(EMAIL_IDX, name="x_idx"), online=True)], old=old),
                  "require-lock-timeout")
    assert of(run([DropIndex("users", EMAIL_IDX)], old=old), "require-lock-timeout")
    assert not of(run([DropIndex("users", EMAIL_IDX, online=True)], old=old), "require-lock-timeout")


# ---------------------------------------------------------------------------------------------------
# concurrently-in-transaction: an operation that must run outside a transaction, sharing its migration
# ---------------------------------------------------------------------------------------------------
def test_online_index_sharing_its_migration_is_an_error_alone_it_is_not():
    shared = [AddColumn("users", NICK), AddIndex("users", EMAIL_IDX, online=True)]
    [f] = of(run(shared), "concurrently-in-transaction")
    assert f.operation == 1 and f.severity == "error"
    assert "CREATE INDEX CONCURRENTLY (users_email_idx)" in f.message and "add column users.nick" in f.message
    assert not of(run([AddIndex("users", EMAIL_IDX, online=True)]), "concurrently-in-transaction")
    # the same pair without online is one ordinary transaction
    assert not of(run([AddColumn("users", NICK), AddIndex("users", EMAIL_IDX)]), "concurrently-in-transaction")


def test_batched_backfill_sharing_its_migration_is_an_error_on_postgresql_only():
    fill = Backfill("users", "email", "'none'", batch_size=1000)
    [f] = of(run([AddColumn("users", NICK), fill]), "concurrently-in-transaction")
    assert "commits per batch" in f.message
    assert not of(run([AddColumn("users", NICK), replace(fill, batch_size=None)]), "concurrently-in-transaction")
    assert not of(run([fill]), "concurrently-in-transaction")
    # an operation that writes no SQL does not share the migration: the reverse-only backfill
    nothing = Backfill("users", None, None, undo_column="age", undo_value="0")
    assert not of(run([nothing, fill]), "concurrently-in-transaction")


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


def base_statements() -> list[str]:
    return [s.strip() for s in BASE.split(";") if s.strip()]


# ---------------------------------------------------------------------------------------------------
# validated: add-check-constraint, add-foreign-key, and ValidateConstraint
# ---------------------------------------------------------------------------------------------------
def test_check_added_not_valid_is_not_flagged_and_a_valid_one_is():
    [f] = of(run([AddCheck("users", AGE_CHECK)]), "add-check-constraint")
    assert f.severity == "error"
    assert not of(run([AddCheck("users", replace(AGE_CHECK, validated=False))]), "add-check-constraint")


def test_foreign_key_added_not_valid_is_not_flagged_and_a_valid_one_is():
    [f] = of(run([AddForeignKey("posts", POSTS_FK)]), "add-foreign-key")
    assert f.severity == "error"
    assert not of(run([AddForeignKey("posts", replace(POSTS_FK, validated=False))]), "add-foreign-key")


def test_validate_constraint_is_info_naming_the_weaker_lock():
    ops = [AddCheck("users", replace(AGE_CHECK, validated=False)), ValidateConstraint("users", AGE_CHECK.name)]
    [f] = of(run(ops), "add-check-constraint")
    assert f.operation == 1 and f.severity == "info" and "SHARE UPDATE EXCLUSIVE" in f.message
    ops = [AddForeignKey("posts", replace(POSTS_FK, validated=False)), ValidateConstraint("posts", POSTS_FK.name)]
    [f] = of(run(ops), "add-foreign-key")
    assert f.operation == 1 and f.severity == "info"
    assert "SHARE UPDATE EXCLUSIVE on posts" in f.message and "ROW SHARE on users" in f.message
    assert not of(run(ops), "add-check-constraint")  # each rule speaks of its own kind of constraint


def test_validate_reverse_and_new_tables_are_not_flagged():
    old = schema(extra="ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);")
    # the reverse drops the check and adds it again NOT VALID: no row is read
    assert not of(run([ValidateConstraint("users", AGE_CHECK.name, validated=False)], old=old), "add-check-constraint")
    table = replace(old.table("users"), name="fresh", checks=(replace(AGE_CHECK, name="fresh_check", validated=False),))
    assert not of(run([CreateTable(table), ValidateConstraint("fresh", "fresh_check")], old=old),
                  "add-check-constraint")


def test_premise_mgen_s_not_valid_check_skips_existing_rows_and_validate_lets_writes_through(postgres_url):
    d = get_dialect(PG)
    add = d.render_ops([AddCheck("users", replace(AGE_CHECK, validated=False))], schema())
    with scratch_database(PG, postgres_url) as url, psycopg.connect(url, autocommit=True) as conn, \
            psycopg.connect(url, autocommit=True) as other:
        for sql in base_statements():
            conn.execute(sql)
        conn.execute("INSERT INTO users (id, age) VALUES (1, -1), (2, 5)")
        for sql in add:  # a violating row is there: without NOT VALID this would fail
            conn.execute(sql)
        conn.execute("UPDATE users SET age = 0 WHERE age < 0")
        validate = d.render_ops([ValidateConstraint("users", AGE_CHECK.name)],
                                schema(extra="ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);"))
        with conn.transaction():
            for sql in validate:
                conn.execute(sql)
            modes = {m for (m,) in conn.execute(
                "SELECT mode FROM pg_locks WHERE relation = 'users'::regclass AND pid = pg_backend_pid()")}
            assert "ShareUpdateExclusiveLock" in modes and "AccessExclusiveLock" not in modes
            other.execute("SET lock_timeout = '2s'")
            other.execute("INSERT INTO users (id, age) VALUES (3, 7)")  # writes go on meanwhile
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (3,)


# ---------------------------------------------------------------------------------------------------
# using_index: add-unique-constraint
# ---------------------------------------------------------------------------------------------------
def test_unique_made_from_an_index_is_not_flagged_and_a_plain_one_is():
    unique = Unique("users_email_key", ("email",))
    [f] = of(run([AddUnique("users", unique)]), "add-unique-constraint")
    assert f.severity == "error"
    old = schema(extra="CREATE UNIQUE INDEX users_email_key ON users (email);")
    assert not of(run([AddUnique("users", unique, using_index=EMAIL_UNIQUE_IDX)], old=old), "add-unique-constraint")


def test_the_online_unique_index_build_carries_the_duplicates_note():
    series = [AddIndex("users", EMAIL_UNIQUE_IDX, online=True),
              AddUnique("users", Unique("users_email_key", ("email",)), using_index=EMAIL_UNIQUE_IDX)]
    [f] = of(run(series), "add-unique-constraint")
    assert f.operation == 0 and f.severity == "info" and "duplicates" in f.message and "INVALID" in f.message
    # not online: require-concurrent-index reports the build; a non-unique index has no duplicates to fail on
    assert not of(run([AddIndex("users", EMAIL_UNIQUE_IDX)]), "add-unique-constraint")
    assert not of(run([AddIndex("users", EMAIL_IDX, online=True)]), "add-unique-constraint")


# ---------------------------------------------------------------------------------------------------
# Check.validated: set-not-null
# ---------------------------------------------------------------------------------------------------
def with_email_check(validated: bool) -> Schema:
    """The base schema with CHECK (email IS NOT NULL), validated or added NOT VALID."""
    old = schema(extra="ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL);")
    users = old.table("users")
    return old.with_table(replace(users, checks=tuple(replace(c, validated=validated) for c in users.checks)))


def test_set_not_null_trusts_only_a_validated_check():
    op = AlterColumnNullability("users", "email", False)
    assert not of(run([op], old=with_email_check(True), server_version=(15, 0)), "set-not-null")
    [f] = of(run([op], old=with_email_check(False), server_version=(15, 0)), "set-not-null")
    assert f.severity == "warning" and "users_email_not_null" in f.message and "VALIDATE" in f.message


def test_set_not_null_after_validate_in_the_same_migration_is_not_flagged():
    ops = [ValidateConstraint("users", "users_email_not_null"), AlterColumnNullability("users", "email", False)]
    assert not of(run(ops, old=with_email_check(False)), "set-not-null")


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


# ---------------------------------------------------------------------------------------------------
# Backfill: unbatched-backfill, irreversible-data-step
# ---------------------------------------------------------------------------------------------------
FILL = Backfill("users", "email", "'unknown'", batch_size=1000)


@pytest.mark.parametrize("dialect", [PG, MY, LITE])
def test_unbatched_backfill_is_flagged_and_a_batched_one_is_not(dialect):
    [f] = of(run([replace(FILL, batch_size=None)], dialect), "unbatched-backfill")
    assert f.severity == "warning" and "users.email" in f.message and "one UPDATE" in f.message
    assert not of(run([FILL], dialect), "unbatched-backfill")


def test_unbatched_backfill_exemptions_size_and_the_ddl_transaction():
    one = replace(FILL, batch_size=None)
    table = replace(schema().table("users"), name="fresh")
    assert not of(run([CreateTable(table), replace(one, table="fresh")]), "unbatched-backfill")
    assert not of(run([Backfill("users", None, None, batch_size=None, undo_column="email")]), "unbatched-backfill")
    [f] = of(run([one], stats={"users": TableStats(100, 8192)}), "unbatched-backfill")
    assert f.severity == "info"
    # after DDL on the table, in the same transaction where DDL is transactional
    [f] = of(run([AddColumn("users", NICK), one]), "unbatched-backfill")
    assert "transaction of the DDL on users" in f.message
    [f] = of(run([AddColumn("users", NICK), one], MY), "unbatched-backfill")
    assert "transaction" not in f.message  # MySQL commits the DDL at once
    # a backfill before it is data, not DDL: no lock held
    [f] = of(run([FILL, replace(one, column="age", value="0")]), "unbatched-backfill")
    assert "transaction" not in f.message


def test_backfill_without_reverse_on_an_old_column_is_info():
    [f] = of(run([FILL]), "irreversible-data-step")
    assert f.severity == "info" and "users.email" in f.message and "down" in f.message


def test_backfill_of_a_column_added_here_or_with_a_reverse_is_not_irreversible():
    assert not of(run([AddColumn("users", NICK), replace(FILL, column="nick")]), "irreversible-data-step")
    assert not of(run([replace(FILL, undo_column="age", undo_value="NULL")]), "irreversible-data-step")
    assert not of(run([Backfill("users", None, None, undo_column="email", undo_value="'x'")]),
                  "irreversible-data-step")
    # the column added here and renamed before the backfill is still new
    ops = [AddColumn("users", NICK), RenameColumn("users", "nick", "handle"), replace(FILL, column="handle")]
    assert not of(run(ops), "irreversible-data-step")


def test_drop_column_whose_down_refills_it_is_a_warning_not_an_error():
    email = schema().table("users").column("email")
    [f] = of(run([DropColumn("users", email)]), "drop-column")
    assert f.severity == "error" and "without them" in f.message
    refill = Backfill("users", None, None, batch_size=None, undo_column="email", undo_value="age")
    [f] = of(run([refill, DropColumn("users", email)]), "drop-column")
    assert f.severity == "warning" and "refills it with age" in f.message
    # after the drop its reverse would run before the column is back: no refill
    [f] = of(run([DropColumn("users", email), refill]), "drop-column")
    assert f.severity == "error"
    other = replace(refill, undo_column="age")
    [f] = of(run([other, DropColumn("users", email)]), "drop-column")
    assert f.severity == "error"


def test_is_new_column_follows_the_migration():
    old = schema()
    ops: list[Operation] = [AddColumn("users", NICK), RenameTable("users", "people"), DropColumn("people", NICK)]

    def ctx(index: int, created: frozenset = frozenset()) -> Context:
        return Context(PG, old, created, operations=tuple(ops), index=index)

    assert not ctx(0).is_new_column("users", "nick")  # nothing before the first operation
    assert ctx(1).is_new_column("users", "nick")
    assert ctx(2).is_new_column("people", "nick") and not ctx(2).is_new_column("users", "nick")
    assert not ctx(3).is_new_column("people", "nick")  # dropped again
    assert not ctx(3).is_new_column("users", "email")
    assert ctx(0, frozenset({"users"})).is_new_column("users", "email")  # a new table's columns are new


def test_rule_by_id():
    assert rule_by_id("unbatched-backfill").id == "unbatched-backfill"
    with pytest.raises(KeyError):
        rule_by_id("no-such-rule")
