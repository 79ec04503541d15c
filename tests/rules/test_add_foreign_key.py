"""add-foreign-key: a foreign key added to an existing table is flagged; one added NOT VALID (the statement
says so, or ``ForeignKey.validated`` is False) or on a new table is not."""
from __future__ import annotations

from dataclasses import replace

from rulekit import POSTS, POSTS_FK, POSTS_USER_FK, USERS, facts, migration_findings, of, operation_findings

from mgen.operations import AddForeignKey


def test_foreign_key_on_existing_table_is_flagged():
    [f] = of(migration_findings(USERS + POSTS, USERS + POSTS_FK), "add-foreign-key")
    assert f.severity == "error" and "users" in f.message and "posts" in f.message
    [f] = of(migration_findings(USERS + POSTS, USERS + POSTS_FK, "mysql"), "add-foreign-key")
    assert f.severity == "warning" and "COPY" in f.message


def test_foreign_key_not_valid_or_on_a_new_table_is_not_flagged():
    nv = facts("ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) "
               "NOT VALID", not_valid=True)
    assert not of(migration_findings(USERS + POSTS, USERS + POSTS_FK, facts=nv), "add-foreign-key")
    assert not of(migration_findings(USERS, USERS + POSTS_FK), "add-foreign-key")


def test_foreign_key_added_not_valid_is_not_flagged_and_a_valid_one_is():
    [f] = of(operation_findings([AddForeignKey("posts", POSTS_USER_FK)]), "add-foreign-key")
    assert f.severity == "error"
    assert not of(operation_findings([AddForeignKey("posts", replace(POSTS_USER_FK, validated=False))]),
                  "add-foreign-key")
