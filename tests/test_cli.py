"""The `mgen` command-line contract, through the installed entry point: JSON shape, exit codes, one-line
errors for bad input, and `generate` writing (or refusing to write) migration files."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MGEN = [sys.executable, "-m", "mgen.cli"]


def mgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(MGEN + list(args), capture_output=True, text=True, cwd=cwd or ROOT, check=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


OLD = "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, legacy TEXT);\n"
NEW = "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name VARCHAR(50) NOT NULL, bio TEXT);\n"


def test_diff_json_is_one_object_with_the_contract_keys(tmp_path):
    old, new = write(tmp_path / "old.sql", OLD), write(tmp_path / "new.sql", NEW)
    r = mgen("diff", str(old), str(new), "--dialect", "postgresql", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)  # exactly one JSON document, nothing else on stdout
    assert {"operations", "up", "down", "findings"} <= set(data)
    assert all(isinstance(s, str) and not s.rstrip().endswith(";") for s in data["up"] + data["down"])
    assert [op["op"] for op in data["operations"]] == ["add_column", "add_column", "drop_column", "drop_column"]
    # drops carry findings naming their operation; the likely rename is suggested with the exact flag
    dropped = {f["operation"] for f in data["findings"] if f["rule"] == "drop-column"}
    assert dropped == {2, 3}
    assert any("--rename users.name=full_name" in s for s in data["suggestions"])


def test_rename_hint_turns_drop_add_into_rename(tmp_path):
    old, new = write(tmp_path / "old.sql", OLD), write(tmp_path / "new.sql", NEW)
    r = mgen("diff", str(old), str(new), "--dialect", "mysql", "--json", "--rename", "users.name=full_name")
    data = json.loads(r.stdout)
    assert [op["op"] for op in data["operations"]] == ["rename_column", "add_column", "drop_column"]
    assert "RENAME COLUMN name TO full_name" in data["up"][0]
    assert "RENAME COLUMN full_name TO name" in data["down"][-1]


def test_diff_text_output_shows_safety_and_sql(tmp_path):
    old, new = write(tmp_path / "old.sql", OLD), write(tmp_path / "new.sql", NEW)
    r = mgen("diff", str(old), str(new), "--dialect", "sqlite")
    assert r.returncode == 0
    assert "destructive  drop column users.legacy" in r.stdout
    assert "-- up" in r.stdout and "-- down" in r.stdout
    same = mgen("diff", str(old), str(old), "--dialect", "sqlite")
    assert same.stdout.strip() == "no changes"


@pytest.mark.parametrize("text,where,what", [
    ("CREATE TABLE a (id INTEGER PRIMARY KEY);\n\nCREATE TABLE b (id INTEGER PRIMARY KEY x INT);\n", ":3:", "expecting )"),
    ("CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREAT TABLE b (id INT);\n", ":2:", ""),
    ("CREATE TABLE a (\n  id INTEGER PRIMARY KEY,\n  x FANCYTYPE\n);\n", ":1:", "FANCYTYPE"),
])
def test_bad_sql_is_one_line_with_file_and_line_exit_2(tmp_path, text, where, what):
    bad = write(tmp_path / "bad.sql", text)
    ok = write(tmp_path / "ok.sql", OLD)
    r = mgen("diff", str(ok), str(bad), "--dialect", "postgresql", "--json")
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert f"{bad}{where}" in lines[0] and what.lower() in lines[0].lower()


@pytest.mark.parametrize("flag,message", [
    ("users.nme=full_name", "no column 'nme'"),
    ("people=members", "no table 'people'"),
    ("users.name", "expected OLD=NEW"),
])
def test_bad_rename_exit_2(tmp_path, flag, message):
    old, new = write(tmp_path / "old.sql", OLD), write(tmp_path / "new.sql", NEW)
    r = mgen("diff", str(old), str(new), "--dialect", "postgresql", "--rename", flag)
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_unreachable_database_is_redacted(tmp_path):
    new = write(tmp_path / "new.sql", NEW)
    r = mgen("diff", "postgresql://app:s3cret@127.0.0.1:1/prod", str(new), "--dialect", "postgresql")
    assert r.returncode == 2
    assert "s3cret" not in r.stderr and "***" in r.stderr and "cannot connect" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_missing_file_and_dialect_mismatch(tmp_path):
    new = write(tmp_path / "new.sql", NEW)
    r = mgen("diff", str(tmp_path / "nope.sql"), str(new), "--dialect", "sqlite")
    assert r.returncode == 2 and "no such file" in r.stderr
    r = mgen("diff", "mysql://root@127.0.0.1/x", str(new), "--dialect", "sqlite")
    assert r.returncode == 2 and "is a mysql database" in r.stderr


# -- generate ---------------------------------------------------------------------------------
@pytest.fixture
def blog(tmp_path) -> Path:
    shutil.copytree(ROOT / "examples" / "blog", tmp_path / "blog")
    return tmp_path / "blog"


def test_generate_verifies_writes_and_then_has_nothing_to_do(blog):
    r = mgen("generate", str(blog), "--dialect", "sqlite", "--schema", str(blog / "schema.sql"),
             "--name", "v2", "--verify")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verify passed on sqlite" in r.stdout
    written = sorted(p.name for p in (blog / "migrations").iterdir())
    assert "000003_v2.up.sql" in written and "000003_v2.down.sql" in written
    # the folder's state now equals the desired schema: a second run writes nothing
    again = mgen("generate", str(blog), "--dialect", "sqlite", "--schema", str(blog / "schema.sql"), "--name", "v3")
    assert again.returncode == 0 and "no changes" in again.stdout
    assert sorted(p.name for p in (blog / "migrations").iterdir()) == written


def test_generate_from_change_list_in_goose(tmp_path):
    changes = write(tmp_path / "changes.yaml", """changes:
  - create_table:
      name: users
      columns:
        id: {type: integer, primary_key: true}
        email: {type: varchar(255), nullable: false}
  - add_index: {table: users, columns: [email], unique: true}
""")
    r = mgen("generate", str(tmp_path), "--dialect", "postgresql", "--format", "goose", "--changes", str(changes),
             "--name", "create users", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    (path,) = data["files"]
    text = Path(path).read_text()
    assert Path(path).name.endswith("_create_users.sql")
    assert "-- +goose Up" in text and "-- +goose Down" in text and "CREATE UNIQUE INDEX users_email_idx" in text


def test_generate_refuses_a_name_collision_and_keeps_the_folder(blog):
    before = sorted(p.name for p in (blog / "migrations").iterdir())
    r = mgen("generate", str(blog), "--dialect", "sqlite", "--schema", str(blog / "schema.sql"),
             "--name", "create_users")
    assert r.returncode == 2 and "create_users" in r.stderr
    assert sorted(p.name for p in (blog / "migrations").iterdir()) == before


def test_generate_writes_nothing_when_verification_fails(blog):
    # NOT NULL without a default cannot be added to a table that has rows: verify fails, no file
    schema = (ROOT / "examples" / "blog" / "migrations" / "000001_create_users.up.sql").read_text()
    schema = schema.replace("name VARCHAR(100) NOT NULL,", "name VARCHAR(100) NOT NULL,\n    nickname VARCHAR(20) NOT NULL,")
    posts = (ROOT / "examples" / "blog" / "migrations" / "000002_create_posts.up.sql").read_text()
    desired = write(blog / "desired.sql", schema + posts)
    before = sorted(p.name for p in (blog / "migrations").iterdir())
    r = mgen("generate", str(blog), "--dialect", "sqlite", "--schema", str(desired), "--verify")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "add-required-column" in r.stdout and "verification failed: nothing written" in r.stdout
    assert sorted(p.name for p in (blog / "migrations").iterdir()) == before
