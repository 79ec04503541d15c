"""Reading git state runs none of the repository's configured programs (issue #15 item 4).

A hostile checkout's ``.git/config`` names a ``core.fsmonitor`` hook and a ``clean`` filter for every
file; plain ``git status`` / ``git diff`` run both (shown first, so the fixture can fail). ``mgen check``,
``mgen status`` and the base-commit read that drift detection does (``git ls-tree`` / ``cat-file``) must run
neither, and still see the change."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MGEN = [sys.executable, "-m", "mgen.cli"]
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "T",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
FILES = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")\n',
    "site_conf/__init__.py": "",
    "site_conf/settings.py": ("INSTALLED_APPS = ['blog']\n"
                              "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db'}}\n"),
    "blog/__init__.py": "",
    "blog/models.py": "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.TextField()\n",
    "blog/migrations/__init__.py": "",
}


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, env=GIT_ENV, capture_output=True, check=True)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    root, marks = tmp_path / "checkout", tmp_path / "marks"
    marks.mkdir()
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "init")
    (root / ".gitattributes").write_text("* filter=evil\n")
    _git(root, "config", "core.fsmonitor", f"touch {marks}/fsmonitor; false")
    _git(root, "config", "filter.evil.clean", f"touch {marks}/clean; cat")
    _git(root, "config", "filter.evil.process", f"touch {marks}/process")
    with (root / "blog/models.py").open("a") as f:
        f.write("    body = models.TextField(default='')\n")
    return root, marks


def test_plain_git_runs_the_hostile_programs(hostile: tuple[Path, Path]) -> None:
    """The fixture is hostile: plain git runs its programs (if this fails, the test below proves nothing)."""
    root, marks = hostile
    subprocess.run(["git", "status", "--porcelain"], cwd=root, env=GIT_ENV, capture_output=True, check=False)
    subprocess.run(["git", "diff", "--name-only", "HEAD"], cwd=root, env=GIT_ENV, capture_output=True, check=False)
    assert sorted(p.name for p in marks.iterdir()) != []


@pytest.mark.parametrize("command", [["check"], ["check", "--json"], ["status", "--json"]])
def test_mgen_reads_git_and_runs_none_of_them(hostile: tuple[Path, Path], command: list[str],
                                               tmp_path: Path) -> None:
    root, marks = hostile
    env = {**GIT_ENV, "MGEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([*MGEN, *command, str(root)], env=env, capture_output=True, text=True, check=False)
    assert list(marks.iterdir()) == [], done.stderr
    assert done.returncode in (0, 1), done.stderr
    out = done.stdout if "--json" not in command else json.dumps(json.loads(done.stdout))
    assert "blog/models.py" in out  # the change is still seen


def test_the_base_commit_read_runs_none_of_them(hostile: tuple[Path, Path]) -> None:
    from mgen.frameworks.drift import base_tree  # the tree drift detection and --from-diff compare against

    root, marks = hostile
    with base_tree(root, "HEAD") as tree:
        assert (tree / "blog/models.py").read_text() == FILES["blog/models.py"]
    assert list(marks.iterdir()) == []
