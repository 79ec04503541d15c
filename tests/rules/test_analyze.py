"""Tests about several rules at once: the analyzer (``rules.analyze`` and its ``Context``), what
`mgen diff --json` carries across rules, each constraint rule speaking only of its own kind, and a premise
two rules share, on a real PostgreSQL."""
from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest
from rulekit import AGE_CHECK, NICK, PG, POSTS_USER_FK, diff_json, of, operation_findings, schema, t

from mgen.db import scratch_database
from mgen.operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AlterColumnType,
    CreateTable,
    DropColumn,
    Operation,
    RenameTable,
    ValidateConstraint,
)
from mgen.rules import Context, analyze
from mgen.schema import Column, ColumnType, Default, Schema
from mgen.sources.sql import read_sql_text


def test_rewrite_of_table_created_in_same_migration_is_exempt():
    # CREATE TABLE then ALTER in one operation list: only possible when ops are composed, so build it
    table = read_sql_text(t("a INTEGER"), PG).table("t")
    ops = [CreateTable(table),
           AlterColumnType("t", "a", ColumnType("integer"), ColumnType("bigint")),
           AddColumn("t", Column("u", ColumnType("uuid"), default=Default("expression", "gen_random_uuid()")))]
    rules = {f.rule for f in analyze(ops, Schema(), PG)}
    assert not rules & {"type-change-rewrites-table", "volatile-default"}


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


def test_validate_constraint_is_info_naming_the_weaker_lock():
    ops = [AddCheck("users", replace(AGE_CHECK, validated=False)), ValidateConstraint("users", AGE_CHECK.name)]
    [f] = of(operation_findings(ops), "add-check-constraint")
    assert f.operation == 1 and f.severity == "info" and "SHARE UPDATE EXCLUSIVE" in f.message
    ops = [AddForeignKey("posts", replace(POSTS_USER_FK, validated=False)),
           ValidateConstraint("posts", POSTS_USER_FK.name)]
    [f] = of(operation_findings(ops), "add-foreign-key")
    assert f.operation == 1 and f.severity == "info"
    assert "SHARE UPDATE EXCLUSIVE on posts" in f.message and "ROW SHARE on users" in f.message
    assert not of(operation_findings(ops), "add-check-constraint")  # each rule speaks of its own kind of constraint


# ---------------------------------------------------------------------------------------------------
# mgen diff --json
# ---------------------------------------------------------------------------------------------------
def test_diff_json_drop_column_and_rename_carry_findings(tmp_path, capsys):
    old = t("a INTEGER, b INTEGER, c INTEGER")
    new = t("a INTEGER, c2 INTEGER")
    data = diff_json(tmp_path, capsys, old, new, "--rename", "t.c=c2")
    kinds = [op["op"] for op in data["operations"]]
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert kinds[by_rule["drop-column"]["operation"]] == "drop_column"
    assert by_rule["drop-column"]["severity"] == "error"
    assert kinds[by_rule["rename-column"]["operation"]] == "rename_column"
    assert by_rule["rename-column"]["severity"] == "warning"


def test_diff_json_nullable_add_column_carries_nothing_above_info(tmp_path, capsys):
    data = diff_json(tmp_path, capsys, t("a INTEGER"), t("a INTEGER, note TEXT"))
    assert [op["op"] for op in data["operations"]] == ["add_column"]
    assert all(f["severity"] == "info" for f in data["findings"]), data["findings"]
    assert data["operations"][0]["safety"] == "safe"


# ---------------------------------------------------------------------------------------------------
# the premises of concurrently-in-transaction and add-check-constraint, on a real PostgreSQL
# ---------------------------------------------------------------------------------------------------
def test_postgresql_refuses_concurrently_in_a_transaction_and_accepts_not_valid_then_validate(postgres_url):
    with scratch_database("postgresql", postgres_url) as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, age INTEGER)")
        conn.execute("INSERT INTO users VALUES (1, -1), (2, 5)")
        with pytest.raises(psycopg.errors.ActiveSqlTransaction), conn.transaction():
            conn.execute("CREATE INDEX CONCURRENTLY users_age_idx ON users (age)")
        conn.execute("CREATE INDEX CONCURRENTLY users_age_idx ON users (age)")  # fine outside one
        # NOT VALID skips the existing rows; VALIDATE then finds the bad one: the split the rule suggests
        conn.execute("ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID")
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("ALTER TABLE users VALIDATE CONSTRAINT users_age_check")
        conn.execute("UPDATE users SET age = 0 WHERE age < 0")
        conn.execute("ALTER TABLE users VALIDATE CONSTRAINT users_age_check")
