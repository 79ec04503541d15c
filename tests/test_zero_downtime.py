"""Issue #3 item 5: every ``--zero-downtime`` series round-trips under verify on PostgreSQL and MariaDB.

Each case is an OLD and a NEW schema that differ by one risky operation on a table that holds rows.
For each dialect the test plans the series, checks its shape (which steps, which run outside a
transaction, which carry a lock_timeout), checks that no step carries an error finding (the point of
the series), and proves the whole series with ``verify_series``: every up in order, each migration in
its own transaction unless it cannot run in one, schema = NEW, rows kept (followed through renames),
every down in reverse, schema = OLD, rows back.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import require_server

from mgen.cli import main
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.formats import folder_schema, list_migrations
from mgen.operations import DropColumn
from mgen.sources.sql import read_sql_text
from mgen.verify import verify_series
from mgen.zerodowntime import plan_series, render_series

SERVER_DIALECTS = ("postgresql", "mysql")

USERS = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    email VARCHAR(100),
    age INTEGER NOT NULL,
    bio VARCHAR(200),
    legacy VARCHAR(20) NOT NULL
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER,
    title VARCHAR(200)
);
"""


def users(*edits: tuple[str, str]) -> str:
    sql = USERS
    for old, new in edits:
        assert old in sql, old
        sql = sql.replace(old, new)
    return sql


@dataclass
class Case:
    name: str
    new: str
    steps: dict  # dialect -> expected step names, in order (regular expressions, fully matched)
    renames: list[str] = field(default_factory=list)
    backfills: dict = field(default_factory=dict)  # (table, column) -> SQL in the dialect
    dialects: tuple[str, ...] = SERVER_DIALECTS


NOT_NULL_PG = [r"check_users_{c}_not_null_not_valid", r"validate_users_{c}_not_null", r"set_users_{c}_not_null"]
NOT_NULL_MY = [r"set_users_{c}_not_null"]


def _nn(dialect: str, column: str) -> list[str]:
    return [s.format(c=column) for s in (NOT_NULL_PG if dialect == "postgresql" else NOT_NULL_MY)]


CASES = [
    Case("add NOT NULL column without default",
         users(("legacy VARCHAR(20) NOT NULL\n", "legacy VARCHAR(20) NOT NULL,\n    nick VARCHAR(20) NOT NULL\n")),
         {d: ["add_users_nick_nullable", "backfill_users_nick", *_nn(d, "nick")] for d in SERVER_DIALECTS},
         backfills={("users", "nick"): "'anon'"}),
    Case("add NOT NULL column with a per-row default",
         users(("legacy VARCHAR(20) NOT NULL\n",
                "legacy VARCHAR(20) NOT NULL,\n    token UUID NOT NULL DEFAULT gen_random_uuid()\n")),
         {"postgresql": ["add_users_token_nullable", "backfill_users_token", *_nn("postgresql", "token")]},
         dialects=("postgresql",)),
    Case("rename a NOT NULL column",
         users(("name VARCHAR(50) NOT NULL", "full_name VARCHAR(50) NOT NULL")),
         {d: ["add_users_full_name", "backfill_users_full_name", *_nn(d, "full_name"),
              "switch_users_name_to_full_name", "drop_users_name"] for d in SERVER_DIALECTS},
         renames=["users.name=full_name"]),
    Case("rename a nullable column",
         users(("bio VARCHAR(200)", "about VARCHAR(200)")),
         {d: ["add_users_about", "backfill_users_about", "drop_users_bio"] for d in SERVER_DIALECTS},
         renames=["users.bio=about"]),
    Case("type change that rewrites the table",
         users(("age INTEGER NOT NULL", "age BIGINT NOT NULL")),
         {d: ["add_users_age__new", "backfill_users_age__new", *_nn(d, "age__new"), "swap_users_age",
              "drop_users_age__old"] for d in SERVER_DIALECTS}),
    Case("index on an existing table",
         users(("title VARCHAR(200)\n);", "title VARCHAR(200)\n);\nCREATE INDEX posts_title_idx ON posts (title);")),
         {d: ["add_index_posts_title_idx_online"] for d in SERVER_DIALECTS}),
    Case("drop an index",
         users(), {d: ["drop_index_users_email_idx_online"] for d in SERVER_DIALECTS}),
    Case("foreign key on an existing table",
         users(("user_id INTEGER,", "user_id INTEGER REFERENCES users (id),")),
         {"postgresql": ["add_posts_user_id_fkey_not_valid", "validate_posts_user_id_fkey"],
          "mysql": ["add_foreign_key_posts"]}),
    Case("check on an existing table",
         users(("legacy VARCHAR(20) NOT NULL\n",
                "legacy VARCHAR(20) NOT NULL,\n    CONSTRAINT users_age_check CHECK (age >= 0)\n")),
         {"postgresql": ["add_users_age_check_not_valid", "validate_users_age_check"],
          "mysql": ["add_check_users"]}),
    Case("unique on an existing table",
         users(("legacy VARCHAR(20) NOT NULL\n",
                "legacy VARCHAR(20) NOT NULL,\n    CONSTRAINT users_email_key UNIQUE (email)\n")),
         {"postgresql": ["add_unique_index_users_email_key_online", "add_unique_users_email_key_using_index"],
          "mysql": ["add_unique_users_email_key_online"]}),
    Case("drop a NOT NULL column",
         users(("    legacy VARCHAR(20) NOT NULL\n", ""), ("bio VARCHAR(200),", "bio VARCHAR(200)")),
         {d: ["stop_requiring_users_legacy", "drop_users_legacy"] for d in SERVER_DIALECTS}),
    Case("set NOT NULL with a backfill",
         users(("bio VARCHAR(200)", "bio VARCHAR(200) NOT NULL")),
         {d: ["backfill_users_bio", *_nn(d, "bio")] for d in SERVER_DIALECTS},
         backfills={("users", "bio"): "'-'"}),
]
OLD_FOR = {"drop an index": USERS + "CREATE INDEX users_email_idx ON users (email);\n"}


def _case_params() -> list:
    return [pytest.param(case, dialect, id=f"{case.name.replace(' ', '-')}-{dialect}")
            for case in CASES for dialect in case.dialects]


def _plan(case: Case, dialect: str):
    from mgen.expressions import canonical

    old = read_sql_text(OLD_FOR.get(case.name, USERS), dialect)
    new = read_sql_text(case.new, dialect)
    ops = diff(old, new, get_dialect(dialect), case.renames).operations
    backfills = {k: canonical(v, dialect) for k, v in case.backfills.items()}
    return old, new, plan_series(ops, old, dialect, backfills=backfills)


@pytest.mark.parametrize(("case", "dialect"), _case_params())
def test_series_round_trips(case: Case, dialect: str):
    server = require_server(dialect)
    old, _new, series = _plan(case, dialect)
    names = [s.name for s in series.steps]
    expected = case.steps[dialect]
    assert len(names) == len(expected), names
    for name, pattern in zip(names, expected):
        assert re.fullmatch(pattern, name), (name, pattern, names)

    rendered = render_series(series, old)
    dropped = {(op.table, op.column.name) for op in series.operations if isinstance(op, DropColumn)}
    for r in rendered:
        # the series takes every lock risk away; what stays an error is a column the user drops on purpose
        errors = [f for f in r.findings if f.severity == "error"
                  and not (f.rule == "drop-column" and {(op.table, op.column.name) for op in r.step.ops
                                                        if isinstance(op, DropColumn)} <= dropped)]
        assert not errors, (r.step.name, [f.message for f in errors])
        statements = r.up + r.down
        if dialect == "postgresql":
            online = any("CONCURRENTLY" in s or s.startswith("DO ") for s in statements)
            assert r.transactional is not online, (r.step.name, statements)
            if not r.transactional:
                # runs alone: golang-migrate sends a file as one query
                assert len(r.up) <= 1 and len(r.down) <= 1, (r.step.name, r.up, r.down)
            else:
                for sql in (r.up, r.down):
                    assert not sql or sql[0].startswith("SET LOCAL lock_timeout"), (r.step.name, sql)
        else:
            assert r.transactional
    report = verify_series(series, old, server, rows_per_table=7)
    assert report.ok, report.format_text()
    # a series that changes no data in a destructive way keeps every row through it
    if not any(op.destructive for op in series.operations):
        assert any(c.name == "rows kept after up" for c in report.checks), report.format_text()
        assert any(c.name == "rows back after down" for c in report.checks), report.format_text()


def test_series_reaches_new_on_sqlite_as_the_plain_migration():
    old = read_sql_text(USERS, "sqlite")
    new = read_sql_text(users(("name VARCHAR(50) NOT NULL", "full_name VARCHAR(50) NOT NULL")), "sqlite")
    ops = diff(old, new, get_dialect("sqlite"), ["users.name=full_name"]).operations
    series = plan_series(ops, old, "sqlite")
    assert [s.ops for s in series.steps] == [tuple(ops)]
    assert series.notes and "sqlite" in series.notes[0]
    assert verify_series(series, old).ok


def test_blocked_rename_is_kept_in_place_with_a_note():
    old_sql = USERS.replace("email VARCHAR(100),", "email VARCHAR(100) UNIQUE,")
    old = read_sql_text(old_sql, "postgresql")
    new = read_sql_text(old_sql.replace("email VARCHAR(100) UNIQUE", "mail VARCHAR(100) UNIQUE"), "postgresql")
    ops = diff(old, new, get_dialect("postgresql"), ["users.email=mail"]).operations
    series = plan_series(ops, old, "postgresql")
    assert [op.kind for s in series.steps for op in s.ops] == ["rename_column"]
    assert any("users.email is in unique" in n for n in series.notes), series.notes


def test_not_null_column_without_default_needs_a_backfill_value(tmp_path: Path, capsys):
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text(USERS)
    new.write_text(CASES[0].new)
    code = main(["diff", str(old), str(new), "--dialect", "postgresql", "--zero-downtime"])
    err = capsys.readouterr().err
    assert code == 2
    assert "users.nick is NOT NULL without a default" in err and "--backfill users.nick=SQL" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("bad", ["users.nick", "nick='x'", "users.nick=", "users.nope='x'"])
def test_bad_backfill_is_one_line_and_exit_2(tmp_path: Path, capsys, bad: str):
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text(USERS)
    new.write_text(CASES[0].new)
    code = main(["diff", str(old), str(new), "--dialect", "postgresql", "--zero-downtime", "--backfill", bad,
                 "--backfill", "users.nick='anon'"] if bad == "users.nope='x'" else
                ["diff", str(old), str(new), "--dialect", "postgresql", "--zero-downtime", "--backfill", bad])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert err.startswith("mgen: ") and "\n" not in err


def _project(tmp_path: Path, dialect: str, fmt: str) -> Path:
    project = tmp_path / "proj"
    (project / "schema").mkdir(parents=True)
    (project / "schema" / "old.sql").write_text(USERS)
    assert main(["generate", str(project), "--dialect", dialect, "--schema", str(project / "schema" / "old.sql"),
                 "--format", fmt, "--name", "init"]) == 0
    return project


@pytest.mark.parametrize("fmt", ["golang-migrate", "goose", "sql"])
def test_generate_writes_the_series_and_the_folder_reads_back_as_new(tmp_path: Path, capsys, fmt: str):
    server = require_server("postgresql")
    project = _project(tmp_path, "postgresql", fmt)
    new = project / "schema" / "new.sql"
    new.write_text(CASES[0].new)
    capsys.readouterr()
    code = main(["generate", str(project), "--dialect", "postgresql", "--schema", str(new), "--zero-downtime",
                 "--backfill", "users.nick='anon'", "--name", "nick", "--verify", "--db", server, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["verified"] is True
    assert [s["name"] for s in out["steps"]] == ["add_users_nick_nullable", "backfill_users_nick",
                                                 *_nn("postgresql", "nick")]
    migrations = list_migrations(project / "migrations")
    assert [m.name for m in migrations][1:] == [f"nick_{k:02d}_{s['name']}" for k, s in enumerate(out["steps"], 1)]
    # the folder now reads as NEW: nothing left to generate
    folder = folder_schema(project / "migrations", "postgresql")
    assert not diff(folder, read_sql_text(CASES[0].new, "postgresql"), get_dialect("postgresql")).operations
    backfill = migrations[2]
    if fmt == "goose":
        assert "-- +goose NO TRANSACTION" in backfill.paths[0].read_text()
        assert "-- +goose NO TRANSACTION" not in migrations[1].paths[0].read_text()
    if fmt == "sql":
        assert (backfill.paths[0].parent / "metadata.toml").read_text() == "run_in_transaction = false\n"
        assert not (migrations[1].paths[0].parent / "metadata.toml").exists()


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_data_migration_backfills_in_batches(tmp_path: Path, capsys, dialect: str):
    from mgen.db import apply_statements, connect, scratch_database

    server = require_server(dialect)
    project = _project(tmp_path, dialect, "golang-migrate")
    capsys.readouterr()
    value = "CONCAT('user ', name)" if dialect == "mysql" else "'user ' || name"
    code = main(["generate", str(project), "--dialect", dialect, "--data-migration", "--backfill",
                 f"users.bio={value}", "--batch-size", "3", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert [op["op"] for s in out["steps"] for op in s["operations"]] == ["backfill"]
    migrations = list_migrations(project / "migrations")
    assert len(migrations) == 2 and migrations[1].name == "backfill_users_bio"
    # apply the folder's ups on a real database holding rows, the data migration last
    with scratch_database(dialect, server) as url, connect(url) as conn:
        init = folder_schema_statements(migrations[0].up_sql, dialect)
        apply_statements(conn, init)
        for i in range(1, 11):
            conn.execute(f"INSERT INTO users (id, name, age, legacy, bio) VALUES ({i}, 'n{i}', {i}, 'x', "
                         f"{'NULL' if i != 4 else repr('kept')})")
        apply_statements(conn, out["steps"][0]["up"])
        rows = conn.query("SELECT id, bio FROM users ORDER BY id")
    assert rows == [(i, "kept" if i == 4 else f"user n{i}") for i in range(1, 11)]


def folder_schema_statements(sql: str, dialect: str) -> list[str]:
    from mgen.statements import split_statements

    return [s.text for s in split_statements(sql, dialect) if s.text.strip()]


def test_data_migration_refuses_unknown_columns(tmp_path: Path, capsys):
    project = _project(tmp_path, "sqlite", "golang-migrate")
    capsys.readouterr()
    assert main(["generate", str(project), "--dialect", "sqlite", "--data-migration", "--backfill",
                 "users.nope='x'"]) == 2
    assert "table 'users' has no column 'nope'" in capsys.readouterr().err
    assert len(list_migrations(project / "migrations")) == 1
