"""`mgen lint`: SQL migration files judged by the real rules, through the real CLI.

Rule ids asserted here are the ones in scripts/mgen/rules/ when this was written; a test never asks the
registry which rules exist (a vanished rule must fail a test, not silently pass it).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.db import connect, scratch_database
from mgen.errors import MgenError
from mgen.lint import lint_paths, statement_renames
from mgen.schema import Column, ColumnType, Schema, Table
from mgen.sources.sql import read_sql_text

ROOT = Path(__file__).resolve().parent.parent
MGEN = [sys.executable, "-m", "mgen.cli"]


def mgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(MGEN + list(args), capture_output=True, text=True, cwd=cwd or ROOT, check=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def lint_json(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    r = mgen("lint", *args, "--json", cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, json.loads(r.stdout)


def rules_at(data: dict) -> set[tuple[str, int]]:
    return {(f["rule"], f["line"]) for f in data["findings"]}


# ---------------------------------------------------------------------------------------------
# verdicts
# ---------------------------------------------------------------------------------------------
def test_safe_file_exits_0_without_findings(tmp_path):
    f = write(tmp_path / "safe.sql", """\
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
CREATE INDEX accounts_email_idx ON accounts (email);
ALTER TABLE accounts ADD COLUMN note text;
""")
    r = mgen("lint", str(f), "--dialect", "postgresql")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "1 file, 0 errors, 0 warnings, 0 info, 0 suppressed"


def test_drop_column_exits_1_at_the_statement_line(tmp_path):
    f = write(tmp_path / "drop.sql", """\
-- remove the legacy field

ALTER TABLE users
    DROP COLUMN legacy;
""")
    r = mgen("lint", str(f), "--dialect", "postgresql")
    assert r.returncode == 1, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith(f"{f}:3: error drop-column: dropping column users.legacy")
    assert r.stdout.splitlines()[-1].startswith("1 file, 1 error, ")


def test_json_finding_carries_location_operation_and_alternative(tmp_path):
    f = write(tmp_path / "m.sql", "ALTER TABLE users DROP COLUMN legacy;\n")
    code, data = lint_json(str(f), "--dialect", "postgresql")
    assert code == 1 and data["exit_code"] == 1
    drop = next(x for x in data["findings"] if x["rule"] == "drop-column")
    assert drop == {**drop, "file": str(f), "line": 1, "severity": "error", "operation": "drop column users.legacy"}
    assert drop["safe_alternative"]
    assert data["summary"]["errors"] >= 1 and data["files"] == [str(f)]


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_unknown_table_is_assumed_to_exist(tmp_path, dialect):
    f = write(tmp_path / "m.sql", "ALTER TABLE users ADD COLUMN x int NOT NULL;\n")
    code, data = lint_json(str(f), "--dialect", dialect)
    assert code == 1
    assert ("add-required-column", 1) in rules_at(data)


def test_unknown_index_and_column_are_assumed_to_exist(tmp_path):
    f = write(tmp_path / "m.sql", """\
DROP INDEX orders_created_idx;
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
""")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    assert {("require-concurrent-index-drop", 1), ("set-not-null", 2)} <= rules_at(data)


def test_with_a_schema_unknown_tables_are_bad_input(tmp_path):
    f = write(tmp_path / "m.sql", "SELECT 1;\nALTER TABLE users ADD COLUMN x int;\n")
    r = mgen("lint", str(f), "--dialect", "postgresql", "--schema", "empty")
    assert r.returncode == 2
    assert r.stderr.strip() == f"mgen: {f}:2: unknown table 'users'"


def test_table_created_in_the_same_file_is_exempt(tmp_path):
    f = write(tmp_path / "m.sql", """\
CREATE TABLE t (id int PRIMARY KEY, a text);
ALTER TABLE t DROP COLUMN a;
ALTER TABLE t ADD COLUMN b int NOT NULL;
ALTER TABLE t ALTER COLUMN b TYPE smallint;
""")
    code, data = lint_json(str(f), "--dialect", "postgresql")
    assert code == 0 and data["findings"] == []


def test_created_here_follows_a_rename_within_the_file(tmp_path):
    f = write(tmp_path / "m.sql", """\
CREATE TABLE t (id int PRIMARY KEY, a text);
ALTER TABLE t RENAME TO u;
ALTER TABLE u DROP COLUMN a;
""")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    assert ("drop-column", 3) not in rules_at(data)


def test_rename_column_is_one_rename_not_drop_and_add(tmp_path):
    f = write(tmp_path / "m.sql", "ALTER TABLE users RENAME COLUMN name TO full_name;\n")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    assert ("rename-column", 1) in rules_at(data)
    assert not {"drop-column", "add-required-column"} & {x["rule"] for x in data["findings"]}
    rename = next(x for x in data["findings"] if x["rule"] == "rename-column")
    assert rename["operation"] == "rename column users.name to full_name"


def test_mysql_change_column_and_rename_table(tmp_path):
    f = write(tmp_path / "m.sql", """\
CREATE TABLE users (id int PRIMARY KEY, name varchar(50));
""")
    g = write(tmp_path / "n.sql", """\
ALTER TABLE users CHANGE COLUMN name full_name varchar(50);
RENAME TABLE users TO members;
""")
    _, data = lint_json(str(f), str(g), "--dialect", "mysql")
    assert {("rename-column", 1), ("rename-table", 2)} <= {(x["rule"], x["line"]) for x in data["findings"]
                                                           if x["file"] == str(g)}
    assert "drop-column" not in {x["rule"] for x in data["findings"]}


def test_statement_renames_only_when_both_schemas_agree():
    before = Schema(tables=(Table("users", (Column("id", ColumnType("integer")), Column("name", ColumnType("text")))),))
    after = read_sql_text("ALTER TABLE users RENAME COLUMN name TO full_name;", "postgresql", before)
    text = "ALTER TABLE users RENAME COLUMN name TO full_name"
    words = ("ALTER", "TABLE", "USERS", "RENAME", "COLUMN", "NAME")
    assert statement_renames(text, words, "postgresql", before, after) == ["users.name=full_name"]
    # a rename constraint is no column rename
    assert statement_renames("ALTER TABLE users RENAME CONSTRAINT a TO b", words, "postgresql", before, before) == []


# ---------------------------------------------------------------------------------------------
# statement facts
# ---------------------------------------------------------------------------------------------
def test_a_file_is_in_a_transaction_only_where_its_format_runs_it_in_one(tmp_path):
    """#15 item 19: a lone file holding only CREATE INDEX CONCURRENTLY was said to fail in a transaction, though
    nothing wraps a lone file. Now each file is judged as its format's runner runs it
    (``formats.transactions``): goose wraps unless NO TRANSACTION, golang-migrate sends a file as one query
    (PostgreSQL wraps several statements, not one), plain/Diesel and Flyway wrap; a file of no format is not in
    a transaction unless --transaction says so."""
    sql = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n"
    two = "SET lock_timeout = '2s';\n" + sql

    def fires(*args: str) -> bool:
        _, data = lint_json(*args, "--dialect", "postgresql")
        return "concurrently-in-transaction" in {x["rule"] for x in data["findings"]}

    lone = write(tmp_path / "m.sql", two)
    assert not fires(str(lone))
    assert fires(str(lone), "--transaction")
    assert not fires(str(write(tmp_path / "g" / "00002_idx.sql", "-- +goose NO TRANSACTION\n-- +goose Up\n" + sql
                                + "-- +goose Down\nSELECT 1;\n")))
    goose = write(tmp_path / "g2" / "00002_idx.sql", "-- +goose Up\n" + sql + "-- +goose Down\nSELECT 1;\n")
    assert fires(str(goose)) and not fires(str(goose), "--no-transaction")
    assert not fires(str(write(tmp_path / "gm" / "000002_idx.up.sql", sql)))  # one statement: outside
    multi = write(tmp_path / "gm2" / "000002_idx.up.sql", two)
    write(tmp_path / "gm2" / "000002_idx.down.sql", "DROP INDEX users_email_idx;\n")
    assert fires(str(multi)) and fires(str(multi.parent))  # the file, or its folder
    assert fires(str(write(tmp_path / "plain" / "20240101000000_idx" / "up.sql", sql)))
    assert fires(str(write(tmp_path / "fw" / "V2__idx.sql", sql)))


def test_the_type_of_an_unseen_column_is_unknown_not_text(tmp_path):
    """#15 item 19: without --schema an unseen column was assumed to be text, and a type change on it reported
    "from text": the old type is now said to be unknown."""
    f = write(tmp_path / "m.sql", "ALTER TABLE users ALTER COLUMN email TYPE varchar(300);\n")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    messages = [x["message"] for x in data["findings"]]
    assert messages and not any("text" in m for m in messages), messages
    assert any("from an unknown type (no --schema) to varchar(300)" in m for m in messages), messages


def test_index_without_concurrently_on_existing_table(tmp_path):
    f = write(tmp_path / "m.sql", "CREATE INDEX users_email_idx ON users (email);\n")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    assert ("require-concurrent-index", 1) in rules_at(data)


def test_lock_timeout_set_earlier_in_the_file(tmp_path):
    body = "ALTER TABLE users ADD COLUMN bio text;\n"
    f = write(tmp_path / "a.sql", body)
    _, data = lint_json(str(f), "--dialect", "postgresql")
    assert ("require-lock-timeout", 1) in rules_at(data)
    g = write(tmp_path / "b.sql", "SET lock_timeout = '3s';\n" + body)
    code, data = lint_json(str(g), "--dialect", "postgresql")
    assert code == 0 and data["findings"] == []


def test_mysql_algorithm_clause_reaches_the_rules(tmp_path):
    base = "CREATE TABLE users (id int PRIMARY KEY, name varchar(50) NOT NULL);\n"
    f = write(tmp_path / "a.sql", base)
    g = write(tmp_path / "b.sql", "ALTER TABLE users MODIFY name varchar(50) NULL;\n")
    h = write(tmp_path / "c.sql", "ALTER TABLE users MODIFY name varchar(50) NULL, ALGORITHM=INPLACE, LOCK=NONE;\n")
    _, data = lint_json(str(f), str(g), "--dialect", "mysql")
    assert ("mysql-copy-algorithm", 1) in rules_at(data)
    _, data = lint_json(str(f), str(h), "--dialect", "mysql")
    assert "mysql-copy-algorithm" not in {x["rule"] for x in data["findings"]}


def test_set_not_null_trusts_a_not_null_check_only_once_the_file_validated_it(tmp_path):
    """The reader marks ADD ... NOT VALID unvalidated and VALIDATE CONSTRAINT validated; set-not-null reads
    that from the schema, so the PostgreSQL 12+ recipe passes and a forgotten VALIDATE does not."""
    schema = write(tmp_path / "schema.sql", "CREATE TABLE users (id int PRIMARY KEY, email text);\n")
    add = "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
    validate = "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n"
    set_not_null = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
    forgot = write(tmp_path / "forgot.sql", add + set_not_null)
    _, data = lint_json(str(forgot), "--dialect", "postgresql", "--schema", str(schema), "--no-transaction")
    [f] = [x for x in data["findings"] if x["rule"] == "set-not-null"]
    assert f["line"] == 2 and "users_email_nn" in f["message"] and "VALIDATE" in f["message"]
    assert "add-check-constraint" not in {x["rule"] for x in data["findings"]}  # NOT VALID: no scan
    recipe = write(tmp_path / "recipe.sql", add + validate + set_not_null)
    _, data = lint_json(str(recipe), "--dialect", "postgresql", "--schema", str(schema), "--no-transaction")
    assert "set-not-null" not in {x["rule"] for x in data["findings"]}


def test_mysql_earlier_statements_reach_the_rules(tmp_path):
    """Only statements that changed the database count as applied before a later one (MySQL)."""
    f = write(tmp_path / "m.sql", """\
SET lock_wait_timeout = 5;
ALTER TABLE users ADD COLUMN nick varchar(40) NULL;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
""")
    _, data = lint_json(str(f), "--dialect", "mysql")
    [finding] = [x for x in data["findings"] if x["rule"] == "mysql-non-atomic-migration"]
    assert finding["line"] == 3 and "line 2:" in finding["message"] and "line 1:" not in finding["message"]


def test_data_statements_go_to_statement_rules(tmp_path):
    f = write(tmp_path / "m.sql", """\
UPDATE users SET active = true;
CREATE TABLE t (id int PRIMARY KEY, v int);
DELETE FROM t;
""")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    found = rules_at(data)
    assert {("unbatched-backfill", 1), ("irreversible-data-step", 1)} <= found
    assert ("irreversible-data-step", 3) not in found  # t was created in this file: no old rows


# ---------------------------------------------------------------------------------------------
# suppression
# ---------------------------------------------------------------------------------------------
def test_ignore_with_reason_suppresses_and_keeps_the_reason(tmp_path):
    f = write(tmp_path / "m.sql", """\
SET lock_timeout = '3s';
-- mgen:ignore drop-column nothing reads it since release 4.2
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE users DROP COLUMN old_flag; -- mgen:ignore drop-column,drop-table always NULL
""")
    r = mgen("lint", str(f), "--dialect", "postgresql")
    assert r.returncode == 0, r.stdout
    assert r.stdout.strip().endswith("0 errors, 0 warnings, 0 info, 2 suppressed")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    assert [(s["rule"], s["line"], s["reason"]) for s in data["suppressed"]] == [
        ("drop-column", 3, "nothing reads it since release 4.2"), ("drop-column", 4, "always NULL")]


def test_ignore_applies_only_to_its_statement_and_rule(tmp_path):
    f = write(tmp_path / "m.sql", """\
-- mgen:ignore drop-column checked with the team

ALTER TABLE users DROP COLUMN a;
-- mgen:ignore rename-column clients updated
ALTER TABLE users DROP COLUMN b;
""")
    _, data = lint_json(str(f), "--dialect", "postgresql")
    # a blank line breaks the comment block off the statement; another rule's id suppresses nothing
    assert {("drop-column", 3), ("drop-column", 5)} <= rules_at(data)
    assert data["suppressed"] == []


def test_ignore_without_reason_is_an_error_and_suppresses_nothing(tmp_path):
    f = write(tmp_path / "m.sql", """\
SET lock_timeout = '3s';
-- mgen:ignore drop-column
ALTER TABLE users DROP COLUMN legacy;
""")
    code, data = lint_json(str(f), "--dialect", "postgresql")
    assert code == 1
    assert {("ignore-without-reason", 3), ("drop-column", 3)} <= rules_at(data)
    assert data["suppressed"] == []


def test_ignore_of_an_unknown_rule_is_a_warning(tmp_path):
    f = write(tmp_path / "m.sql", """\
CREATE TABLE t (id int PRIMARY KEY);
-- mgen:ignore no-such-rule because
CREATE TABLE u (id int PRIMARY KEY);
""")
    code, data = lint_json(str(f), "--dialect", "postgresql")
    assert code == 0
    assert [(x["rule"], x["severity"], x["line"]) for x in data["findings"]] == [("ignore-unknown-rule", "warning", 3)]


# ---------------------------------------------------------------------------------------------
# folders
# ---------------------------------------------------------------------------------------------
def test_golang_migrate_folder_in_version_order_with_state_carried(tmp_path):
    folder = tmp_path / "migrations"
    # written out of order on purpose: version 10 must come after version 2
    write(folder / "000010_drop_name.up.sql", "-- step three\nALTER TABLE users DROP COLUMN nickname;\n")
    write(folder / "000010_drop_name.down.sql", "ALTER TABLE users ADD COLUMN nickname text;\n")
    write(folder / "000001_init.up.sql", "CREATE TABLE users (id int PRIMARY KEY, name text);\n")
    write(folder / "000001_init.down.sql", "DROP TABLE users;\n")
    write(folder / "000002_nick.up.sql", "ALTER TABLE users ADD COLUMN nickname text;\n")
    write(folder / "000002_nick.down.sql", "ALTER TABLE users DROP COLUMN nickname;\n")
    # --schema empty: strict, so every table must come from an earlier migration
    code, data = lint_json(str(folder), "--dialect", "postgresql", "--schema", "empty")
    assert [Path(p).name for p in data["files"]] == ["000001_init.up.sql", "000002_nick.up.sql",
                                                     "000010_drop_name.up.sql"]
    drop = [x for x in data["findings"] if x["rule"] == "drop-column"]
    # users was created by another migration: not exempt any more
    assert [(Path(x["file"]).name, x["line"]) for x in drop] == [("000010_drop_name.up.sql", 2)]
    assert code == 1


def test_folder_of_plain_sql_files_is_linted_by_name(tmp_path):
    write(tmp_path / "b.sql", "ALTER TABLE t DROP COLUMN a;\n")
    write(tmp_path / "a.sql", "CREATE TABLE t (id int PRIMARY KEY, a text);\n")
    code, data = lint_json(str(tmp_path), "--dialect", "sqlite", "--schema", "empty")
    assert [Path(p).name for p in data["files"]] == ["a.sql", "b.sql"]
    assert code == 1 and ("drop-column", 1) in rules_at(data)


# ---------------------------------------------------------------------------------------------
# SARIF
# ---------------------------------------------------------------------------------------------
def test_sarif_2_1_0_shape(tmp_path):
    write(tmp_path / "m.sql", """\
SET lock_timeout = '3s';
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE users DROP COLUMN b; -- mgen:ignore drop-column unused since v2
""")
    r = mgen("lint", "m.sql", "--dialect", "postgresql", "--format", "sarif", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mgen" and driver["version"]
    rules = {x["id"]: x for x in driver["rules"]}
    assert rules["drop-column"]["helpUri"] == "docs/rules/drop-column.md"
    assert rules["drop-column"]["defaultConfiguration"] == {"level": "error"}
    assert rules["drop-column"]["shortDescription"]["text"]
    assert rules["ignore-without-reason"]["defaultConfiguration"] == {"level": "error"}
    for rule in driver["rules"]:
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = [x for x in run["results"] if x["ruleId"] == "drop-column"]
    assert len(results) == 2
    active, suppressed = results
    assert active["level"] == "error" and active["message"]["text"].startswith("dropping column users.legacy")
    assert driver["rules"][active["ruleIndex"]]["id"] == "drop-column"
    loc = active["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "m.sql"}, "region": {"startLine": 2, "startColumn": 1}}
    assert "suppressions" not in active
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "unused since v2"}]
    assert suppressed["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    for res in run["results"]:
        assert res["level"] in ("error", "warning", "note")
        assert set(res) >= {"ruleId", "level", "message", "locations"}


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
def test_bad_sql_exits_2_with_file_and_line(tmp_path):
    f = write(tmp_path / "bad.sql", """\
CREATE TABLE t (id int PRIMARY KEY);

ALTER TABLE t ADD COLUMN (;
""")
    r = mgen("lint", str(f), "--dialect", "postgresql")
    assert r.returncode == 2
    assert r.stderr.startswith(f"mgen: {f}:3: ") and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_bad_sql_inside_a_goose_file_points_at_the_file_line(tmp_path):
    f = write(tmp_path / "00001_x.sql", "-- +goose Up\nCREATE TABLE t (id int PRIMARY KEY);\nFROBNICATE t;\n"
                                        "-- +goose Down\nDROP TABLE t;\n")
    r = mgen("lint", str(tmp_path), "--dialect", "postgresql")
    assert r.returncode == 2 and r.stderr.startswith(f"mgen: {f}:3: unrecognised statement")


@pytest.mark.parametrize("args", [
    ["no-such.sql", "--dialect", "postgresql"],
    ["{f}", "--dialect", "mysql", "--pg-version", "12"],
    ["{f}", "--dialect", "postgresql", "--pg-version", "twelve"],
])
def test_bad_arguments_exit_2(tmp_path, args):
    f = write(tmp_path / "m.sql", "SELECT 1;\n")
    r = mgen("lint", *[a.format(f=f) for a in args])
    assert r.returncode == 2 and r.stderr.startswith("mgen: ") and len(r.stderr.strip().splitlines()) == 1


def test_lint_paths_raises_mgen_error_with_location(tmp_path):
    f = write(tmp_path / "m.sql", "\n\nALTER TABLE users ADD COLUMN x nosuchtype;\n")
    with pytest.raises(MgenError) as e:
        lint_paths([f], "postgresql")
    assert (e.value.file, e.value.line) == (str(f), 3)


# ---------------------------------------------------------------------------------------------
# a live database as the starting schema
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_schema_from_a_live_database(tmp_path, request, dialect):
    server = request.getfixturevalue("postgres_url" if dialect == "postgresql" else "mysql_url")
    f = write(tmp_path / "m.sql", "ALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users ADD COLUMN n int NOT NULL;\n")
    with scratch_database(dialect, server) as url:
        with connect(url) as conn:
            conn.execute("CREATE TABLE users (id int PRIMARY KEY, legacy text)")
        code, data = lint_json(str(f), "--dialect", dialect, "--schema", url)
        assert code == 1
        assert {("drop-column", 1), ("add-required-column", 2)} <= rules_at(data)
        # strict against the real schema: a column it does not have is bad input
        g = write(tmp_path / "n.sql", "ALTER TABLE users DROP COLUMN nope;\n")
        r = mgen("lint", str(g), "--dialect", dialect, "--schema", url)
        assert r.returncode == 2 and f"{g}:1: unknown column 'nope'" in r.stderr


def test_using_index_without_schema_attaches_an_assumed_unique_index(tmp_path):
    # the safe unique recipe's second step, linted alone: the unknown index is assumed unique (as the
    # statement requires), and attaching it is neither a unique build nor an index drop
    f = tmp_path / "attach.sql"
    f.write_text("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_uidx;\n")
    report = lint_paths([str(f)], "postgresql")
    rules = {x.rule for x in report.findings}
    assert report.exit_code == 0
    assert not rules & {"add-unique-constraint", "require-concurrent-index-drop"}
