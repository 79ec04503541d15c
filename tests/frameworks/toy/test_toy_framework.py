"""A framework plugs in through the registry alone (issue #11): a toy one (``toy_framework.py``, a YAML
"models" file and one-file migrations) registered here, and ``check``, ``status``, ``plan``, ``generate``,
``--with-tests`` and ``/migrate status`` work on its projects without any other change to mgen."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from toy_framework import FOLDER, ToyFramework

from mgen.cli import main
from mgen.frameworks import registry

V1 = """# dialect: sqlite
tables:
  users:
    columns:
      id: {type: integer, primary_key: true}
      email: {type: varchar(255), nullable: false}
"""
V2 = V1 + """  posts:
    columns:
      id: {type: integer, primary_key: true}
      user_id: {type: integer, references: users.id}
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}


@pytest.fixture
def toy():
    registry.register(ToyFramework(), first=True)
    yield
    registry.unregister("toy")


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "toy.yaml").write_text(V1)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "models")
    return root


def test_unregistered_is_unknown(project: Path, capsys):
    code, out = run(capsys, "check", str(project))
    assert code == 2 and "not a project mgen knows" in out


def test_the_whole_workflow(toy, project: Path, capsys, monkeypatch):
    monkeypatch.chdir(project)
    code, out = run(capsys, "status", str(project))
    assert code == 0
    assert out.splitlines()[:2] == ["framework: toy (toy.yaml)", "dialect: sqlite (toy.yaml)"]
    assert "last migration: none yet" in out

    code, out = run(capsys, "plan", str(project))
    assert code == 0 and "create table users" in out.lower()
    code, out = run(capsys, "generate", str(project), "--dry-run", "--json")
    assert json.loads(out)["states"] == {"current": "toy migrations replayed", "desired": "toy.yaml"}

    code, out = run(capsys, "generate", str(project), "--name", "initial")
    assert code == 0, out
    first = project / FOLDER / "0001_initial.toy"
    assert first.is_file() and "CREATE TABLE" in first.read_text()
    git(project, "add", ".")
    git(project, "commit", "-qm", "initial")

    assert run(capsys, "check", str(project)) == (0, "no schema change\n")
    assert run(capsys, "generate", str(project))[1] == "no changes: nothing written\n"

    (project / "toy.yaml").write_text(V2)
    code, out = run(capsys, "check", str(project))
    assert (code, out) == (1, "1 schema file changed: toy.yaml\n")
    code, out = run(capsys, "plan", str(project))
    assert code == 0 and "create table posts" in out.lower() and "table users" not in out.lower()

    code, out = run(capsys, "generate", str(project), "--name", "posts", "--with-tests")
    assert code == 0, out
    second = project / FOLDER / "0002_posts.toy"
    test_file = project / "tests" / "test_0002_posts.py"
    assert second.is_file() and test_file.is_file()
    assert run(capsys, "generate", str(project))[1] == "no changes: nothing written\n"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
                          cwd=project, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

    code, out = run(capsys, "status", str(project))
    assert "last migration: 0002_posts.toy" in out

    code, out = run(capsys, "migrate", "status", "--project", str(project))
    assert code == 0, out


def test_migrate_status_runs_the_frameworks_command(toy, project: Path, capfd):
    (project / FOLDER).mkdir()
    (project / FOLDER / "0001_initial.toy").write_text("-- up\n-- down\n")
    assert main(["migrate", "status", "--project", str(project)]) == 0
    out = capfd.readouterr().out
    assert "0001_initial.toy" in out.splitlines()[-1]


def test_a_capability_it_lacks_is_refused_by_name(toy, project: Path, capsys):
    code, out = run(capsys, "generate", str(project), "--rollback")
    assert (code, out) == (2, "mgen: generate --rollback is not supported for toy projects\n")
