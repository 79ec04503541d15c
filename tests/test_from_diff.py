"""`generate --from-diff [REF]` (issue #5 item 3): the change is what the desired-state file, or the Alembic
models, changed since a git commit - not the state of a history mgen may not be able to read (hand-written
SQL it cannot parse, revisions doing what static reading cannot follow)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import ALEMBIC_MODELS_V1 as MODELS_V1
from conftest import alembic_project as project
from conftest import django_store

from mgen.cli import main

GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}


def commit_all(root: Path) -> None:
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=GIT_ENV)


def test_schema_file_diff_over_an_unreadable_folder(tmp_path: Path, capsys):
    root = tmp_path / "app"
    (root / "migrations").mkdir(parents=True)
    # a hand-written migration mgen's reader refuses: the folder's state cannot be known
    (root / "migrations" / "000001_legacy.up.sql").write_text("CREATE TABLE users (id int PRIMARY KEY);\n"
                                                              "CREATE TABLE hosts (addr inet, mask cidr);\n")
    (root / "migrations" / "000001_legacy.down.sql").write_text("DROP TABLE users;\n")
    (root / "schema.sql").write_text("CREATE TABLE users (id integer PRIMARY KEY, email text);\n")
    commit_all(root)
    assert main(["generate", str(root), "--dialect", "sqlite", "--schema", str(root / "schema.sql")]) == 2
    capsys.readouterr()
    with (root / "schema.sql").open("a") as f:
        f.write("CREATE TABLE tags (id integer PRIMARY KEY, label text NOT NULL);\n")
    assert main(["generate", str(root), "--dialect", "sqlite", "--schema", str(root / "schema.sql"), "--from-diff",
                 "--name", "tags"]) == 0
    [up] = (root / "migrations").glob("000002_tags.up.sql")
    text = up.read_text()
    assert "CREATE TABLE tags" in text and "users" not in text.split("Review before applying.")[1]
    capsys.readouterr()
    assert main(["generate", str(root), "--dialect", "sqlite", "--schema", str(root / "schema.sql"),
                 "--from-diff", "no-such-ref"]) == 2
    assert "--from-diff no-such-ref" in capsys.readouterr().err


def test_alembic_models_diff(tmp_path: Path, capsys):
    root = project(tmp_path, "sqlite")
    commit_all(root)  # the models committed; no revision at all yet
    models = root / "app" / "models.py"
    models.write_text(MODELS_V1 + "    nickname: Mapped[str | None] = mapped_column(String(40))\n")
    capsys.readouterr()
    assert main(["generate", str(root), "--from-diff", "HEAD", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["1 operation (sqlite):", "  safe         add column users.nickname varchar(40)"]
    assert "the revisions were not read" in out


def test_django_refuses_with_the_reason(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root), "--from-diff"]) == 2
    assert "reported as drift" in capsys.readouterr().err
