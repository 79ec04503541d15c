"""require-concurrent-index: a plain CREATE INDEX on an existing PostgreSQL table is flagged; one built
CONCURRENTLY (the statement says so, or the operation is ``online``) or on a new table is not."""
from __future__ import annotations

from rulekit import EMAIL_IDX, IDX, USERS, diff_json, facts, migration_findings, of, operation_findings

from mgen.operations import AddIndex
from mgen.rules import TableStats


def test_index_on_existing_table_without_concurrently_is_an_error():
    [f] = of(migration_findings(USERS, USERS + IDX), "require-concurrent-index")
    assert f.severity == "error" and "users_email_idx" in f.message and "blocks every write" in f.message


def test_index_built_concurrently_or_on_a_new_table_is_not_flagged():
    concurrent = facts("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)", concurrently=True,
                       in_transaction=False)
    assert not of(migration_findings(USERS, USERS + IDX, facts=concurrent), "require-concurrent-index")
    assert not of(migration_findings("", USERS + IDX), "require-concurrent-index")


def test_index_on_a_small_known_table_is_only_info_and_other_dialects_are_not_flagged():
    [f] = of(migration_findings(USERS, USERS + IDX, stats={"users": TableStats(500, 65536)}),
             "require-concurrent-index")
    assert f.severity == "info"
    [f] = of(migration_findings(USERS, USERS + IDX, stats={"users": TableStats(5_000_000, 10**9)}),
             "require-concurrent-index")
    assert f.severity == "error"
    assert not of(migration_findings(USERS, USERS + IDX, "mysql"), "require-concurrent-index")


def test_online_index_build_is_not_flagged_and_a_plain_one_is():
    [f] = of(operation_findings([AddIndex("users", EMAIL_IDX)]), "require-concurrent-index")
    assert f.severity == "error"
    assert not of(operation_findings([AddIndex("users", EMAIL_IDX, online=True)]), "require-concurrent-index")


def test_diff_json_carries_require_concurrent_index_on_an_existing_table(tmp_path, capsys):
    data = diff_json(tmp_path, capsys, USERS, USERS + IDX)
    [f] = [f for f in data["findings"] if f["rule"] == "require-concurrent-index"]
    assert data["operations"][f["operation"]]["op"] == "add_index" and f["severity"] == "error"
    assert data["operations"][f["operation"]]["safety"] == "needs care"
