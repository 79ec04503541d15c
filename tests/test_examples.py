"""The examples run as the README says (issue #4: a framework project, a model edit, the framework applies
and reverses what mgen wrote)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import checkout_install_lock

ROOT = Path(__file__).resolve().parent.parent


def test_alembic_shop_demo(tmp_path: Path):
    done = subprocess.run(["bash", str(ROOT / "examples" / "alembic_shop" / "demo.sh"), str(tmp_path)],
                          capture_output=True, text=True, check=False, timeout=300,
                          env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    revisions = sorted((tmp_path / "shop" / "migrations" / "versions").glob("*.py"))
    assert len(revisions) == 2
    first, second = (p.name.split("_")[0] for p in sorted(revisions, key=lambda p: "create_shop" not in p.name))
    assert f'down_revision: Union[str, Sequence[str], None] = "{first}"' in out  # the edit revises the head
    assert "op.add_column" in out and "orders_total_check" in out
    assert "verify passed on sqlite" in out
    # alembic current after upgrade, downgrade -1, upgrade
    assert out.count(f"{second} (head)") == 2 and f"{first}\n" in out
    assert "$ " + str(ROOT / ".venv" / "bin" / "mgen") + " generate .\nno changes: nothing written\n" in out


def test_django_library_demo(tmp_path: Path):
    done = subprocess.run(["bash", str(ROOT / "examples" / "django_library" / "demo.sh"), str(tmp_path)],
                          capture_output=True, text=True, check=False, timeout=300,
                          env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    migrations = sorted(p.name for p in (tmp_path / "library" / "library" / "migrations").glob("0*.py"))
    assert migrations == ["0001_initial.py", "0002_author_born_book_isbn_book_stock_alter_book_title_and_more.py"]
    assert "No changes detected" in out  # Django's own makemigrations --check agrees with what mgen wrote
    assert out.count("Applying library.0002_") == 2 and "Unapplying library.0002_" in out
    assert out.rstrip().endswith("no changes: nothing written\nengine: static")


def test_quickstart_prints_the_migration_and_leaves_nothing_behind(tmp_path: Path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    with checkout_install_lock():  # its pip install -e . rewrites the checkout's egg-info (test_plugin watches)
        done = subprocess.run(["bash", str(ROOT / "examples" / "quickstart.sh")], capture_output=True, text=True,
                              check=False, timeout=300, env={**os.environ, "TMPDIR": str(temp)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "==> blog/migrations/000003_blog_v2" in done.stdout and "verify passed on sqlite" in done.stdout
    assert list(temp.iterdir()) == [], "the quickstart's temporary copy is removed"
    assert not list((ROOT / "examples" / "blog" / "migrations").glob("000003_*")), "the example stays as it is"
