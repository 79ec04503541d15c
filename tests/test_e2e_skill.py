"""End to end (issue #5, done-when 1; #15 items 15 and 17): throwaway git repositories - a raw-SQL project, a Django project and
an Alembic project - get a schema edit, and then exactly the commands skills/migration-generate/SKILL.md
tells the agent to run, in its order, through the plugin's launcher (scripts/mgen-plugin, installed into a
temporary CLAUDE_PLUGIN_DATA as Claude Code would), as if the user typed `/migration-generate --with-tests`.
Each step's output and the files written are checked, and the test generate writes is then run and passes.
A clean repository stops at the first step."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import django_store

ROOT = Path(__file__).resolve().parent.parent
SKILL = ROOT / "skills" / "migration-generate" / "SKILL.md"
COMMON = Path(__file__).parent / "fixtures" / "django" / "_common"
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}


def skill_steps() -> list[str]:
    """The mgen subcommands of SKILL.md's numbered steps, in order (``M check P`` -> ``check``)."""
    body = SKILL.read_text().split("---", 2)[2]
    return [m.group(1) for line in body.splitlines() if re.match(r"\d+\. ", line)
            for m in [re.search(r"`M (\w[\w-]*) P", line)] if m]


@pytest.fixture(scope="module")
def plugin_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("plugin-data")
    done = launcher(data, ROOT, "--version")
    assert done.returncode == 0, done.stderr[-2000:]
    return data


def launcher(data: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_PLUGIN_", "VIRTUAL_ENV"))}
    return subprocess.run([str(ROOT / "scripts" / "mgen-plugin"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False, env={**clean, **GIT_ENV, "CLAUDE_PLUGIN_DATA": str(data), **env})


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", "state")


def agent(data: Path, root: Path, arguments: list[str]) -> dict[str, subprocess.CompletedProcess]:
    """What the agent runs, following SKILL.md: each step in order, stopping where it says to stop, adding
    the flags its steps name when the output calls for them, and the user's arguments to generate."""
    flags: list[str] = []
    ran: dict[str, subprocess.CompletedProcess] = {}
    for step in skill_steps():
        args = [step, "."] + (flags if step in ("plan", "generate") else [])
        if step == "generate":
            args += arguments
        done = ran[step] = launcher(data, root, *args)
        if step == "check" and done.returncode in (0, 2):  # "exit 0 or 2, relay it and stop"
            break
        assert done.returncode in (0, 1) if step == "check" else done.returncode == 0, (step, done.stderr)
        if step == "status":
            if "dialect: unknown" in done.stdout:
                flags += ["--dialect", "sqlite"]
            if done.stdout.startswith("framework: sql") or "framework: golang-migrate" in done.stdout:
                changed = re.search(r"changed vs \S+: (\S+\.sql)", done.stdout)
                flags += ["--schema", changed.group(1).rstrip(",")]
    return ran


def test_the_skill_runs_check_status_plan_generate():
    assert skill_steps() == ["check", "status", "plan", "generate"]


def test_sql_project(plugin_data: Path, tmp_path: Path):
    root = tmp_path / "blog"
    shutil.copytree(ROOT / "examples" / "blog", root)
    git(root, "init", "-q")
    assert launcher(plugin_data, root, "generate", ".", "--dialect", "sqlite", "--schema", "schema.sql",
                    "--name", "baseline").returncode == 0
    commit(root)
    clean = agent(plugin_data, root, ["--with-tests"])
    assert list(clean) == ["check"] and clean["check"].stdout == "no schema change\n"

    with (root / "schema.sql").open("a") as f:
        f.write("\nCREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);\n")
    ran = agent(plugin_data, root, ["--with-tests", "--name", "comments"])
    assert ran["check"].returncode == 1 and "schema.sql" in ran["check"].stdout
    assert "dialect: sqlite" in ran["status"].stdout or "dialect: unknown" in ran["status"].stdout
    assert "safe         create table comments (2 columns)" in ran["plan"].stdout
    out = ran["generate"].stdout
    written = [line.strip() for line in out.splitlines() if line.startswith("  ") and "/" in line]
    assert any(w.endswith("_comments.up.sql") for w in written) and any(w.endswith(".down.sql") for w in written)
    [test] = (root / "tests").glob("test_migration_*_comments.py")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)], cwd=root,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def django_project(plugin_data: Path, root: Path) -> Path:
    """The Django store with its own virtual environment (where its Django is: the plugin's venv has none),
    a SQLite database, in git with its first migrations written by mgen and committed."""
    import django

    django_store(root)
    venv = root / ".venv"
    (venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages").symlink_to(
        Path(django.__file__).parent.parent)
    settings = root / "config" / "settings.py"
    settings.write_text(settings.read_text() + "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', "
                        "'NAME': 'db.sqlite3'}}\n")
    (root / ".gitignore").write_text(".venv/\n.claude/\n")
    git(root, "init", "-q")
    assert launcher(plugin_data, root, "generate", ".").returncode == 0
    commit(root)
    return root


def test_django_drift_is_reported_through_the_launcher(plugin_data: Path, tmp_path: Path):
    """#15 item 15: a model change committed without its migration (drift at HEAD) was never reported through
    the launcher: the base commit was read where the plugin's Python has no Django, and the error was
    swallowed. It is read with the project's environment now; status says it, plan and generate carry it."""
    root = django_project(plugin_data, tmp_path / "store")
    shop = root / "shop" / "models.py"
    shop.write_text(shop.read_text() + "\n\nclass Coupon(models.Model):\n    code = models.CharField(max_length=20)\n")
    commit(root)  # committed without its migration
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    ran = agent(plugin_data, root, ["--with-tests"])
    status = ran["status"].stdout
    assert "drift at HEAD: 1 operation without a migration: shop: CreateModel Coupon" in status, status
    assert "add column blog_post.summary" in ran["plan"].stdout and "shop_coupon" in ran["plan"].stdout
    assert "note: drift at HEAD: the models there already differ" in ran["generate"].stdout
    assert (root / "shop" / "migrations" / "0002_coupon.py").is_file()
    assert (root / "blog" / "migrations" / "0002_post_summary.py").is_file()
    # one test per migration written (#15 item 17), each passing under Django's own test runner
    modules = ["shop.test_migration_0002_coupon", "blog.test_migration_0002_post_summary"]
    done = subprocess.run([sys.executable, "manage.py", "test", *modules], cwd=root, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, "PYTHONPATH": str(COMMON)})
    assert done.returncode == 0 and "Ran 2 tests" in done.stderr and "OK" in done.stderr, done.stderr


def test_django_project(plugin_data: Path, tmp_path: Path):
    root = django_project(plugin_data, tmp_path / "store")
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    ran = agent(plugin_data, root, ["--with-tests"])
    assert ran["check"].returncode == 1 and "blog/models/post.py" in ran["check"].stdout
    assert ran["status"].stdout.splitlines()[0].startswith("framework: django")
    assert ran["plan"].stdout.splitlines()[0] == "safe         add column blog_post.summary text"
    assert "blog/migrations/0002_post_summary.py" in ran["generate"].stdout
    assert (root / "blog" / "test_migration_0002_post_summary.py").is_file()
    done = subprocess.run([sys.executable, "manage.py", "test", "blog.test_migration_0002_post_summary"], cwd=root,
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(COMMON)})
    assert done.returncode == 0 and "OK" in done.stderr, done.stderr


def test_alembic_project(plugin_data: Path, tmp_path: Path):
    root = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "alembic_shop" / "project", root)
    (root / ".gitignore").write_text(".claude/\n*.db\n")
    git(root, "init", "-q")
    assert launcher(plugin_data, root, "generate", ".", "--name", "initial").returncode == 0
    commit(root)
    shutil.copy(ROOT / "examples" / "alembic_shop" / "models_v2.py", root / "app" / "models.py")
    ran = agent(plugin_data, root, ["--with-tests"])
    assert ran["check"].returncode == 1 and "app/models.py" in ran["check"].stdout
    assert ran["status"].stdout.splitlines()[0].startswith("framework: alembic")
    assert "add column customers.phone" in ran["plan"].stdout
    [test] = (root / "tests").glob("test_migration_*.py")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)], cwd=root,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
