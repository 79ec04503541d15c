"""`mgen migrate` (mgen.runner) on real databases: run, status, rollback, refusals, non-transactional
migrations, dry runs, the command line's JSON and one-line errors, the production guard, redaction."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from conftest import DIALECTS, require_server

from mgen import runner
from mgen.db import connect, scratch_database, url_with_database
from mgen.errors import MgenError
from mgen.formats import FORMATS, NewMigration, list_migrations, write_migrations
from mgen.schema import Schema
from mgen.sources.live import introspect_connection

ROOT = Path(__file__).resolve().parent.parent
RUNNER = [sys.executable, "-m", "mgen.runner", "migrate"]
V1, V2, V3 = "20240101000001", "20240101000002", "20240101000003"
BASE = [
    (V1, "create_users", ["CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL)"],
     ["DROP TABLE users"]),
    (V2, "create_posts", ["CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL)",
                          "CREATE INDEX posts_user_id ON posts (user_id)"], ["DROP TABLE posts"]),
    (V3, "add_bio", ["ALTER TABLE users ADD COLUMN bio VARCHAR(200)"], ["ALTER TABLE users DROP COLUMN bio"]),
]
BROKEN = (V2, "broken", ["CREATE TABLE half (id INTEGER)", "INSERT INTO no_such_table VALUES (1)"],
          ["DROP TABLE half"])


def write(folder: Path, fmt: str, migrations, transactional: bool = True) -> Path:
    for version, name, up, down in migrations:
        write_migrations(folder, fmt, [NewMigration(name, up, down, (), transactional)], "postgresql", version=version)
    return folder


def up_path(folder: Path, version: str) -> Path:
    return next(m.paths[0] for m in list_migrations(folder) if m.version == version)


def schema(url: str) -> Schema:
    with connect(url) as conn:
        return introspect_connection(conn)


def mgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(RUNNER + list(args), capture_output=True, text=True, cwd=cwd or ROOT, check=False)


def mgen_here(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess:
    """The same command in this process (faster; the subprocess tests cover the real entry point)."""
    capsys.readouterr()
    code = runner._standalone(["migrate", *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def one_error_line(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mgen: "), r.stderr
    return lines[0]


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{parts.username or 'postgres'}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(params=DIALECTS)
def database(request) -> str:
    with scratch_database(request.param, require_server(request.param)) as url:
        yield url


@pytest.fixture
def sqlite_db():
    with scratch_database("sqlite") as url:
        yield url


@pytest.fixture
def postgres_db(postgres_url):
    with scratch_database("postgresql", postgres_url) as url:
        yield url


# -- run, status, rollback -----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_run_status_rerun_and_rollback(tmp_path: Path, database: str, fmt: str) -> None:
    folder = write(tmp_path / "m", fmt, BASE)
    steps = runner.run(folder, database)
    assert [s.migration.version for s in steps] == [V1, V2, V3]
    assert all(isinstance(s.ms, int) and s.ms >= 0 for s in steps)
    st = runner.status(folder, database)
    assert [(e.applied, e.checksum_mismatch) for e in st.entries] == [(True, False)] * 3
    assert st.unknown == [] and st.pending == []
    assert [e.record.checksum for e in st.entries] == [runner.checksum(m.up_sql) for m in list_migrations(folder)]
    assert runner.run(folder, database) == []  # a second run is a no-op
    after = schema(database)
    assert after.has_table("posts") and after.table("users").has_column("bio")

    assert [s.migration.version for s in runner.rollback(folder, database)] == [V3]
    after = schema(database)
    assert not after.table("users").has_column("bio") and after.has_table("posts")
    assert [m.version for m in runner.pending(folder, database)] == [V3]

    assert [s.migration.version for s in runner.rollback(folder, database, steps=2)] == [V2, V1]
    after = schema(database)
    assert not after.has_table("users") and not after.has_table("posts") and after.has_table("schema_migrations")
    assert [m.version for m in runner.pending(folder, database)] == [V1, V2, V3]


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_migration_on_postgresql_leaves_no_record_and_no_schema(tmp_path: Path, postgres_db: str,
                                                                        fmt: str) -> None:
    folder = write(tmp_path / "m", fmt, [BASE[0], BROKEN])
    with pytest.raises(MgenError) as caught:
        runner.run(folder, postgres_db)
    error = caught.value
    assert "statement 2 of 2 failed: INSERT INTO no_such_table VALUES (1)" in error.message
    assert "rolled back, the migration is NOT recorded" in error.message
    path = up_path(folder, V2)
    assert error.file == str(path)
    assert path.read_text().splitlines()[error.line - 1].startswith("INSERT INTO no_such_table")
    after = schema(postgres_db)
    assert after.has_table("users") and not after.has_table("half")
    assert [e.applied for e in runner.status(folder, postgres_db).entries] == [True, False]


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_failed_migration_where_ddl_commits_names_the_statement_and_is_dirty(tmp_path: Path,
                                                                            dialect: str) -> None:
    folder = write(tmp_path / "m", "golang-migrate", [BASE[0], BROKEN])
    with scratch_database(dialect, require_server(dialect)) as url:
        r = mgen("run", "--db", url, "--migrations", str(folder))
        assert r.stdout.startswith(f"applied {V1}_create_users (")  # the one before still ran
        line = one_error_line(r)
        assert "statement 2 of 2 failed: INSERT INTO no_such_table VALUES (1)" in line
        assert "statement 1 of it stayed applied" in line and "it is recorded as dirty in schema_migrations" in line
        assert f"mgen migrate force {V2}" in line and f"{V2}_broken.up.sql:" in line
        assert schema(url).has_table("half")  # what the database committed stays, and the error says so
        st = runner.status(folder, url)
        assert [r.version for r in st.dirty] == [V2] and f"DIRTY {V2}_broken" in "\n".join(st.lines())
        again = one_error_line(mgen("run", "--db", url, "--migrations", str(folder)))
        assert f"migration {V2}_broken is dirty in schema_migrations" in again  # nothing runs until resolved
        assert mgen("force", V2, "--db", url, "--undone").returncode == 0
        assert [m.version for m in runner.pending(folder, url)] == [V2] and not runner.status(folder, url).dirty


# -- refusals ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_changed_applied_migration_is_refused(tmp_path: Path, sqlite_db: str, fmt: str) -> None:
    folder = write(tmp_path / "m", fmt, BASE[:1])
    runner.run(folder, sqlite_db)
    write(folder, fmt, BASE[1:2])
    down_file = next(m for m in list_migrations(folder) if m.version == V1).paths[-1]
    down_file.write_text(down_file.read_text().replace("DROP TABLE users;", "-- a note\nDROP TABLE IF EXISTS users;"))
    assert not any(e.checksum_mismatch for e in runner.status(folder, sqlite_db).entries)  # down edits are fine

    path = up_path(folder, V1)
    path.write_text(path.read_text().replace("VARCHAR(100)", "VARCHAR(200)"))
    assert [e.checksum_mismatch for e in runner.status(folder, sqlite_db).entries] == [True, False]
    with pytest.raises(MgenError, match="changed after it was applied") as caught:
        runner.run(folder, sqlite_db)
    assert caught.value.file == str(path)
    assert not schema(sqlite_db).has_table("posts")  # refused before anything ran


def test_out_of_order_migration_is_refused(tmp_path: Path, sqlite_db: str) -> None:
    folder = write(tmp_path / "m", "goose", [BASE[0], BASE[2]])
    runner.run(folder, sqlite_db)
    write(folder, "goose", [BASE[1]])
    with pytest.raises(MgenError, match="out of order") as caught:
        runner.run(folder, sqlite_db)
    assert caught.value.file == str(up_path(folder, V2))
    assert not schema(sqlite_db).has_table("posts")


def test_irreversible_migration_and_create(tmp_path: Path, sqlite_db: str) -> None:
    folder = tmp_path / "m"
    r = mgen("create", "Add users", "--migrations", str(folder), "--format", "plain")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"created \S+/\d{14}_add_users/up\.sql\ncreated \S+/\d{14}_add_users/down\.sql\n", r.stdout)
    second = runner.create(folder, "add posts")  # continues the folder's format and numbering
    assert [m.name for m in list_migrations(folder)] == ["add_users", "add_posts"]
    assert second[0].parent.name.endswith("_add_posts")
    with pytest.raises(MgenError, match="is empty: its up SQL has no statement"):
        runner.run(folder, sqlite_db)
    assert len(runner.pending(folder, sqlite_db)) == 2  # nothing ran, nothing recorded
    up_path(folder, second[0].parent.name.split("_")[0]).write_text("CREATE TABLE posts (id INTEGER PRIMARY KEY);\n")
    first_up = list_migrations(folder)[0].paths[0]
    first_up.write_text("CREATE TABLE users (id INTEGER PRIMARY KEY);\n")
    assert len(runner.run(folder, sqlite_db)) == 2
    with pytest.raises(MgenError, match="irreversible: its down SQL is empty"):  # an up with no down
        runner.rollback(folder, sqlite_db)
    assert runner.pending(folder, sqlite_db) == []


def test_create_then_run_is_refused_and_an_empty_migration_rolls_back(tmp_path: Path, sqlite_db: str,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """#15 item 18: ``create`` then ``run`` applied an empty migration that could then neither be rolled back
    ("its down SQL is empty") nor edited ("changed after it was applied"). ``run`` refuses it now, before
    anything runs; and a migration applied empty (by an older mgen) is rolled back by its empty down."""
    folder = tmp_path / "m"
    assert mgen_here(capsys, "create", "nothing yet", "--migrations", str(folder)).returncode == 0
    r = mgen_here(capsys, "run", "--migrations", str(folder), "--db", sqlite_db)
    assert "is empty: its up SQL has no statement (write it, or delete it); nothing ran" in one_error_line(r)
    assert len(runner.pending(folder, sqlite_db)) == 1
    # applied empty before this rule: the up made nothing, so an empty down undoes it
    [m] = list_migrations(folder)
    m.paths[0].write_text("SELECT 1;\n")
    assert len(runner.run(folder, sqlite_db)) == 1
    m.paths[0].write_text("")
    assert [s.migration.version for s in runner.rollback(folder, sqlite_db)] == [m.version]
    assert len(runner.pending(folder, sqlite_db)) == 1


def test_run_lints_the_pending_migrations_first(tmp_path: Path, sqlite_db: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """#15 item 18: commands/migrate.md says ``run`` lints the pending migrations first; on a SQL folder it
    applied a DROP COLUMN without a word. The pending migrations' error findings now stop the run (exit 2,
    the finding in the line) unless --yes; those already applied are not reported again."""
    folder = write(tmp_path / "m", "golang-migrate", BASE[:1] + [
        (V2, "drop_email", ["ALTER TABLE users DROP COLUMN email"], ["ALTER TABLE users ADD COLUMN email VARCHAR(100)"])])
    assert len(runner.run(folder, sqlite_db, target=V1)) == 1
    r = mgen_here(capsys, "run", "--migrations", str(folder), "--db", sqlite_db)
    line = one_error_line(r)
    assert "a pending migration has an error finding" in line and "error drop-column" in line, line
    assert "lint of the pending migrations:" in r.stdout and "drop-column" in r.stdout
    assert [m.version for m in runner.pending(folder, sqlite_db)] == [V2]  # nothing ran
    r = mgen_here(capsys, "run", "--migrations", str(folder), "--db", sqlite_db, "--yes")
    assert r.returncode == 0 and "drop-column" in r.stdout, r.stderr
    assert runner.pending(folder, sqlite_db) == []
    assert "email" not in [c.name for c in schema(sqlite_db).table("users").columns]


@pytest.mark.parametrize("fmt", FORMATS)
def test_create_writes_each_format(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "m"
    runner.create(folder, "first", fmt=fmt)
    runner.create(folder, "second")
    migrations = list_migrations(folder, fmt)
    assert [m.name for m in migrations] == ["first", "second"] and migrations[0].number < migrations[1].number


def test_target_unknown_versions_and_foreign_table(tmp_path: Path, sqlite_db: str) -> None:
    folder = write(tmp_path / "m", "golang-migrate", BASE)
    with pytest.raises(MgenError, match="no migration with version 20240101000009"):
        runner.run(folder, sqlite_db, target="20240101000009")
    assert [s.migration.version for s in runner.run(folder, sqlite_db, target=V2)] == [V1, V2]
    runner.run(folder, sqlite_db)
    for path in list_migrations(folder)[2].paths:
        path.unlink()
    st = runner.status(folder, sqlite_db)
    assert [r.version for r in st.unknown] == [V3] and len(st.entries) == 2
    with pytest.raises(MgenError, match=f"applied migration {V3}_add_bio is not in the folder"):
        runner.rollback(folder, sqlite_db)

    with connect(sqlite_db) as conn:  # golang-migrate's own ledger under the default name
        conn.execute("CREATE TABLE gm (version BIGINT PRIMARY KEY, dirty BOOLEAN NOT NULL)")
    with pytest.raises(MgenError, match="table gm exists but is not a mgen migration table"):
        runner.status(folder, sqlite_db, table="gm")
    with scratch_database("sqlite") as fresh:
        runner.run(folder, fresh, table="mgen_ledger")
        assert len(runner.status(folder, fresh, table="mgen_ledger").entries) == 2
        assert {"mgen_ledger", "users", "posts"} == set(schema(fresh).table_names())


# -- transactions on PostgreSQL ------------------------------------------------------------------
CONCURRENTLY = "CREATE INDEX CONCURRENTLY users_email ON users (email)"
DO_BLOCK = ("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'users_email') "
            "THEN RAISE EXCEPTION 'index missing'; END IF; END $$")


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_transactional_migration_runs_concurrently_on_postgresql(tmp_path: Path, postgres_db: str,
                                                                     fmt: str) -> None:
    # golang-migrate marks it by a file of one statement; goose by NO TRANSACTION; plain by metadata.toml
    up = [CONCURRENTLY] if fmt == "golang-migrate" else [CONCURRENTLY, DO_BLOCK]
    folder = write(tmp_path / "m", fmt, BASE[:1])
    write(folder, fmt, [(V2, "index_email", up, ["DROP INDEX CONCURRENTLY users_email"])], transactional=False)
    steps = runner.run(folder, postgres_db)
    # a golang-migrate file of one statement (the CREATE TABLE too) runs outside a transaction, as there
    assert [s.script.transactional for s in steps] == [fmt != "golang-migrate", False]
    with connect(postgres_db) as conn:
        assert conn.query("SELECT count(*) FROM pg_indexes WHERE indexname = 'users_email'") == [(1,)]
    assert [s.migration.version for s in runner.rollback(folder, postgres_db)] == [V2]
    with connect(postgres_db) as conn:
        assert conn.query("SELECT count(*) FROM pg_indexes WHERE indexname = 'users_email'") == [(0,)]


def test_goose_without_no_transaction_runs_in_one(tmp_path: Path, postgres_db: str) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / f"{V1}_users.sql").write_text(
        "-- +goose Up\n" + BASE[0][2][0] + ";\n" + CONCURRENTLY + ";\n"
        "-- +goose StatementBegin\n" + DO_BLOCK + ";\n-- +goose StatementEnd\n-- +goose Down\nDROP TABLE users;\n")
    with pytest.raises(MgenError, match="statement 2 of 3 failed.*cannot run inside a transaction block"):
        runner.run(folder, postgres_db)
    assert not schema(postgres_db).has_table("users")
    text = (folder / f"{V1}_users.sql").read_text()
    (folder / f"{V1}_users.sql").write_text("-- +goose NO TRANSACTION\n" + text)
    assert [s.script.transactional for s in runner.run(folder, postgres_db)] == [False]
    assert runner.pending(folder, postgres_db) == []


# -- dry run, command line -------------------------------------------------------------------
def test_dry_run_changes_nothing(tmp_path: Path, sqlite_db: str) -> None:
    folder = write(tmp_path / "m", "goose", BASE)
    steps = runner.run(folder, sqlite_db, dry_run=True)
    assert [(s.migration.version, s.dry_run, s.ms) for s in steps] == [(V1, True, None), (V2, True, None),
                                                                       (V3, True, None)]
    assert schema(sqlite_db).table_names() == ()  # not even the ledger table
    r = mgen("run", "--db", sqlite_db, "--migrations", str(folder), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1] == f"would apply {V2}_create_posts (2 statements, in a transaction)"
    assert schema(sqlite_db).table_names() == ()

    runner.run(folder, sqlite_db)
    before = schema(sqlite_db)
    assert [s.migration.version for s in runner.rollback(folder, sqlite_db, steps=2, dry_run=True)] == [V3, V2]
    assert schema(sqlite_db) == before and runner.pending(folder, sqlite_db) == []


def test_cli_json_and_text_output(tmp_path: Path, sqlite_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path / "m", "plain", BASE)
    r = mgen("run", "--db", sqlite_db, "--migrations", str(folder), "--target", V1)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(rf"applied {V1}_create_users \(\d+ ms\)\n", r.stdout)

    r = mgen_here(capsys, "run", "--db", sqlite_db, "--migrations", str(folder), "--json")
    data = json.loads(r.stdout)
    assert set(data) == {"database", "table", "action", "dry_run", "migrations", "lint"}
    assert (data["action"], data["dry_run"], data["table"]) == ("run", False, "schema_migrations")
    assert [m["version"] for m in data["migrations"]] == [V2, V3]
    assert set(data["migrations"][0]) == {"version", "name", "file", "statements", "transactional", "ms"}
    assert data["migrations"][0]["statements"] == 2 and data["migrations"][0]["file"].endswith("up.sql")

    r = mgen_here(capsys, "status", "--db", sqlite_db, "--migrations", str(folder), "--json")
    data = json.loads(r.stdout)
    assert {"database", "format", "table", "migrations", "unknown", "applied", "pending", "dirty"} == set(data)
    assert (data["format"], data["applied"], data["pending"], data["unknown"], data["dirty"]) == \
        ("plain", 3, 0, [], [])
    assert set(data["migrations"][0]) == {"version", "name", "file", "applied", "dirty", "checksum_mismatch",
                                          "applied_at", "execution_ms"}
    assert all(m["applied"] and not m["checksum_mismatch"] for m in data["migrations"])

    r = mgen_here(capsys, "rollback", "--db", sqlite_db, "--migrations", str(folder), "--json", "--steps", "2")
    data = json.loads(r.stdout)
    assert data["action"] == "rollback" and [m["version"] for m in data["migrations"]] == [V3, V2]
    r = mgen_here(capsys, "status", "--db", sqlite_db, "--migrations", str(folder))
    assert r.stdout.splitlines()[1:] == [f"pending {V2}_create_posts", f"pending {V3}_add_bio", "1 applied, 2 pending"]
    assert "needs --db URL" in one_error_line(mgen_here(capsys, "status", "--migrations", str(folder)))
    assert "--steps applies to migrate rollback only" in one_error_line(
        mgen_here(capsys, "run", "--db", sqlite_db, "--migrations", str(folder), "--steps", "2"))


# -- production guard, secrets -----------------------------------------------------------------
@pytest.mark.parametrize(("url", "reason"), [
    ("postgresql://app@localhost/app", None),
    ("postgresql://app@127.0.0.1:5432/app", None),
    ("postgresql://app@[::1]:5432/app", None),
    ("postgresql:///app?host=/var/run/postgresql", None),
    ("postgresql://app@%2Fvar%2Frun%2Fpostgresql/app", None),
    ("mysql://root@localhost/app?unix_socket=/run/mysqld/mysqld.sock", None),
    ("sqlite:///tmp/app.db", None),
    ("postgresql://app:pw@db.example.com/app", "host db.example.com is not this machine"),
    ("mysql://root@10.0.0.5:3306/app", "host 10.0.0.5 is not this machine"),
    ("postgresql:///app?host=db.internal", "host db.internal is not this machine"),
    ("postgresql://app@localhost/app_production", "contains 'production'"),
    ("mysql://root@127.0.0.1/shop_prod", "contains 'prod'"),
    ("postgresql://app@localhost/LiveData", "contains 'live'"),
    ("sqlite:///var/data/prod.db", "contains 'prod'"),
])
def test_looks_like_production(url: str, reason: str | None) -> None:
    found = runner.looks_like_production(url)
    assert found == reason if reason is None else reason in (found or "")


def test_production_guard_needs_yes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(mgen("run", "--db", "postgresql://app:hunter2@db.example.com/app",
                               "--migrations", str(tmp_path)))
    assert "looks like production (host db.example.com is not this machine); pass --yes" in line
    assert "hunter2" not in line and "app:***@db.example.com" in line

    folder = write(tmp_path / "m", "golang-migrate", BASE[:1])
    prod = tmp_path / "prod.db"
    prod.touch()
    args = ["--db", f"sqlite:///{prod}", "--migrations", str(folder)]
    assert "pass --yes to rollback it anyway" in one_error_line(mgen_here(capsys, "rollback", *args))
    assert mgen_here(capsys, "run", "--dry-run", *args).returncode == 0  # a dry run changes nothing
    r = mgen_here(capsys, "run", "--yes", *args)
    assert r.returncode == 0 and r.stdout.startswith(f"applied {V1}_create_users"), r.stderr


def test_password_never_in_output(tmp_path: Path, postgres_db: str, mysql_url: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path / "m", "golang-migrate", [BASE[0], BROKEN])
    secret = "s3cret-Pa55"
    missing = url_with_database(with_password(postgres_db, secret), "mgen_no_such_database")
    line = one_error_line(mgen("status", "--db", missing, "--migrations", str(folder)))
    assert "cannot connect to" in line and ":***@" in line and secret not in line
    line = one_error_line(mgen_here(capsys, "status", "--db", with_password(mysql_url, secret),
                                    "--migrations", str(folder)))
    assert secret not in line

    url = postgres_db if urlsplit(postgres_db).password else with_password(postgres_db, secret)
    shown = urlsplit(url).password
    try:
        connect(url).close()
    except MgenError:
        pytest.skip("the PostgreSQL server checks passwords; the success-path half needs one it accepts")
    r = mgen_here(capsys, "run", "--db", url, "--migrations", str(folder), "--json")
    assert r.returncode == 2 and shown not in r.stdout + r.stderr  # migration 2 fails: the error line too
    r = mgen_here(capsys, "status", "--db", url, "--migrations", str(folder), "--json")
    assert r.returncode == 0 and shown not in r.stdout + r.stderr
    assert ":***@" in json.loads(r.stdout)["database"]
