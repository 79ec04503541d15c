"""foreign-key-without-index: a foreign key whose columns lead no index is flagged, on an added key and on
a new table; one with a leading index (even one added later in the migration) or on MySQL is not."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from rulekit import POSTS, POSTS_FK, USERS, migration_findings, of

from mgen.operations import CreateTable
from mgen.rules import Context
from mgen.rules.foreign_key_without_index import RULE as FK_INDEX_RULE
from mgen.schema import Schema
from mgen.sources.sql import read_sql_text

POSTS_FK_BARE = ("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, "
                 "CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id));\n")


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_foreign_key_without_index_is_flagged_on_add_and_on_create_table(dialect):
    [f] = of(migration_findings(USERS + POSTS, USERS + POSTS_FK_BARE, dialect), "foreign-key-without-index")
    assert f.severity == "warning" and "posts_user_id_fkey" in f.message
    [f] = of(migration_findings(USERS, USERS + POSTS_FK_BARE, dialect), "foreign-key-without-index")
    assert f.operation_description.startswith("create table posts")


def test_foreign_key_with_a_leading_index_or_on_mysql_is_not_flagged():
    assert not of(migration_findings(USERS + POSTS, USERS + POSTS_FK), "foreign-key-without-index")
    assert not of(migration_findings(USERS, USERS + POSTS_FK), "foreign-key-without-index")
    assert not of(migration_findings(USERS + POSTS, USERS + POSTS_FK_BARE, "mysql"), "foreign-key-without-index")


def test_foreign_key_index_must_lead_with_the_key_columns():
    compound = ("CREATE TABLE m (a INTEGER, b INTEGER, c INTEGER, CONSTRAINT m_pkey PRIMARY KEY (c, a), "
                "CONSTRAINT m_ab_fkey FOREIGN KEY (a, b) REFERENCES p (x, y));\n")
    parent = "CREATE TABLE p (x INTEGER, y INTEGER, CONSTRAINT p_pkey PRIMARY KEY (x, y));\n"
    # (c, a) does not lead with (a, b)
    assert of(migration_findings(parent, parent + compound), "foreign-key-without-index")
    led = compound.replace(");\n", ");\nCREATE INDEX m_ba_c_idx ON m (b, a, c);\n", 1)
    # any order of the leading columns
    assert not of(migration_findings(parent, parent + led), "foreign-key-without-index")
    partial = compound.replace(");\n", ");\nCREATE INDEX m_ab_idx ON m (a, b) WHERE c > 0;\n", 1)
    assert of(migration_findings(parent, parent + partial), "foreign-key-without-index")


def test_foreign_key_index_added_later_counts_when_the_final_schema_is_known():
    @dataclass(frozen=True)
    class FinalContext(Context):  # what the rule reads when the analyzer passes the migration's end state
        final: Schema | None = None

    schema = read_sql_text(USERS, "postgresql")
    op = CreateTable(read_sql_text(USERS + POSTS_FK_BARE, "postgresql").table("posts"))
    assert FK_INDEX_RULE.check(op, FinalContext("postgresql", schema))
    final = read_sql_text(USERS + POSTS_FK, "postgresql")
    assert FK_INDEX_RULE.check(op, FinalContext("postgresql", schema, final=final)) is None
