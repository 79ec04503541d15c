"""`mgen migrate` in a Django or Alembic project (issue #5 item 1): the framework's own command, printed and
run from the project folder; the pending migrations linted first (an error finding stops `run` unless
--yes); a database that looks like production needs --yes; --dry-run runs nothing."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import django_store

ROOT = Path(__file__).resolve().parents[2]
COMMON = Path(__file__).parents[1] / "fixtures" / "django" / "_common"


def mgen(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mgen.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **env})


def tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_alembic_run_status_rollback_and_the_lint_gate(tmp_path: Path):
    root = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "alembic_shop" / "project", root)
    assert mgen(root, "generate", ".", "--quick").returncode == 0
    dry = mgen(root, "migrate", "run", "--dry-run")
    assert dry.returncode == 0 and dry.stdout.strip().endswith("-m alembic upgrade head")
    assert not (root / "shop.db").exists()
    done = mgen(root, "migrate", "run")
    assert done.returncode == 0, done.stderr
    assert {"customers", "orders", "alembic_version"} <= tables(root / "shop.db")

    # a pending revision that drops a column: linted, and the error stops the run
    models = root / "app" / "models.py"
    models.write_text(models.read_text().replace("    email: Mapped[str] = mapped_column(String(255), unique=True)\n", ""))
    assert mgen(root, "generate", ".", "--quick").returncode == 0
    refused = mgen(root, "migrate", "run")
    assert refused.returncode == 2 and "error drop-column" in refused.stdout and "--yes" in refused.stderr
    assert mgen(root, "migrate", "run", "--yes").returncode == 0
    status = mgen(root, "migrate", "status")
    assert "(head) (current)" in status.stdout or "(current)" in status.stdout.splitlines()[1]
    back = mgen(root, "migrate", "rollback")
    assert back.returncode == 0 and "-m alembic downgrade -1" in back.stdout

    # a remote database asks for --yes before anything runs
    ini = root / "alembic.ini"
    ini.write_text(ini.read_text().replace("sqlite:///shop.db", "postgresql://app:secret@db.example.com/shop"))
    guarded = mgen(root, "migrate", "run")
    assert guarded.returncode == 2 and "looks like production" in guarded.stderr and "secret" not in guarded.stderr


def test_django_run_and_rollback(tmp_path: Path):
    root = tmp_path / "store"
    django_store(root)
    assert mgen(root, "generate", ".", "--quick").returncode == 0
    env = {"PYTHONPATH": str(COMMON), "MGEN_DJANGO_DB": f"sqlite:///{tmp_path / 'store.sqlite3'}"}
    done = mgen(root, "migrate", "run", **env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "manage.py migrate" in done.stdout and "Applying blog.0001_initial... OK" in done.stdout
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    assert mgen(root, "generate", ".", "--quick").returncode == 0
    assert mgen(root, "migrate", "run", **env).returncode == 0
    back = mgen(root, "migrate", "rollback", "blog", **env)
    assert back.returncode == 0 and "manage.py migrate blog 0001_initial" in back.stdout, back.stdout + back.stderr
    status = mgen(root, "migrate", "status", **env)
    assert "[ ] 0002_post_summary" in status.stdout and "[X] 0001_initial" in status.stdout
    assert mgen(root, "migrate", "rollback", **env).returncode == 2  # which app: it must be named
