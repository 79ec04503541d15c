"""Drift (issue #4 item 2): the models at the base commit already differ from the migrations there - a
model change committed without its migration. generate says so (the migration it writes carries that
change too), read from git's copy of the base, once per commit."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

from conftest import ALEMBIC_MODELS_V1 as MODELS_V1
from conftest import alembic_project as project
from conftest import django_store, rewrite_cache_entry

from mgen.cli import main
from mgen.frameworks.drift import drift

GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=GIT_ENV)


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def test_django_model_change_committed_without_its_migration(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    (root / ".gitignore").write_text(".claude/\n")
    git(root, "init", "-q")
    assert main(["generate", str(root)]) == 0
    commit_all(root, "models and their migrations")
    assert drift(root).lines == []  # in step at HEAD

    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    commit_all(root, "a field, no migration")  # the drift
    post.write_text(post.read_text() + "    subtitle = models.CharField(max_length=80, null=True)\n")
    capsys.readouterr()
    assert main(["generate", str(root), "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    notes = [n for n in report["notes"] if n.startswith("drift at HEAD")]
    assert len(notes) == 1 and "AddField post.summary" in notes[0] and "subtitle" not in notes[0]
    assert sorted(report["operations"]["blog"]) == ["blog: AddField post.subtitle", "blog: AddField post.summary"]

    # kept per commit: the second answer comes from .claude/cache/db/drift.json
    cache = root / ".claude" / "cache" / "db" / "drift.json"
    assert cache.is_file()
    data = json.loads(cache.read_text())
    data["commits"] = {k: ["(from the cache)"] for k in data["commits"]}
    rewrite_cache_entry(cache, data)
    assert drift(root).lines == ["(from the cache)"]

    # an earlier base: HEAD~1 was in step
    cache.unlink()
    assert drift(root, "HEAD~1").lines == []
    # outside git, or a base that does not exist: no answer, no error
    assert drift(root, "no-such-ref") is None
    plain = tmp_path / "plain"
    django_store(plain)
    assert drift(plain) is None


def test_alembic_model_change_committed_without_its_revision(tmp_path: Path, capsys):
    root = project(tmp_path, "sqlite")
    (root / ".gitignore").write_text(".claude/\n")
    git(root, "init", "-q")
    assert main(["generate", str(root), "--name", "users"]) == 0
    commit_all(root, "models and the first revision")
    models = root / "app" / "models.py"
    models.write_text(MODELS_V1 + "    nickname: Mapped[str | None] = mapped_column(String(40))\n")
    commit_all(root, "a column, no revision")
    capsys.readouterr()
    assert main(["generate", str(root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "note: drift at HEAD" in out and "add column users.nickname" in out

    # a subfolder project in a larger repository: the base is read at the same place
    repo = tmp_path / "repo"
    (repo / "services").mkdir(parents=True)
    shutil.move(str(root), repo / "services" / "api")
    shutil.rmtree(repo / "services" / "api" / ".git")
    (repo / "README").write_text(textwrap.dedent("a repository with a project in a subfolder\n"))
    git(repo, "init", "-q")
    commit_all(repo, "import")
    found = drift(repo / "services" / "api")
    assert found is not None and found.lines == ["add column users.nickname varchar(40)"]


def test_a_base_error_names_the_projects_own_file(tmp_path):
    """A base that does not read is said with the project's path (a project in a subfolder of its repository),
    never the temporary copy's; this line crashed with a NameError after a merge (redash at ce8ffae152)."""
    from mgen.errors import MgenError
    from mgen.frameworks.drift import _in_project

    copy = tmp_path / "tmp" / "mgen-base-x1" / "app" / "models" / "user.py"
    line = _in_project(MgenError("cannot read this", str(copy), 7), tmp_path / "repo" / "app", "app")
    assert line.startswith(f"{tmp_path / 'repo' / 'app' / 'models' / 'user.py'}:7")
    assert "mgen-base-" not in line
