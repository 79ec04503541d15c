"""A migration graph with a cycle is refused with the cycle named (issue #15 item 9), as Django
(``CircularDependencyError``) and Alembic (``CycleDetected``) refuse it: judged by each framework's own
loader. A cycle inside one app or history has no leaf or head, so before this it was skipped and mgen wrote
an initial migration over the project's own (exit 0). A long history is planned without recursion."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.frameworks.graphs import find_cycle

MGEN = [sys.executable, "-m", "mgen.cli", "generate", ".", "--dry-run", "--engine", "static"]


def _mgen(root: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MGEN_CACHE_DIR": str(tmp_path / "user-cache")}
    return subprocess.run(MGEN, cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize(("parents", "cycle"), [
    ({"a": [], "b": ["a"], "c": ["b"]}, None),
    ({"a": ["b"], "b": ["a"]}, ["a", "b", "a"]),
    ({"a": [], "b": ["a", "d"], "c": ["b"], "d": ["c"]}, ["b", "c", "d", "b"]),
    ({"a": ["a"]}, ["a", "a"]),
    ({"x": ["missing"]}, None),
])
def test_find_cycle(parents: dict, cycle: list | None) -> None:
    assert find_cycle(parents) == cycle


def _django_project(root: Path, deps: dict[str, list[str]]) -> None:
    files = {"manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")\n',
             "conf/__init__.py": "", "shop/__init__.py": "", "shop/migrations/__init__.py": "",
             "conf/settings.py": ('SECRET_KEY = "x"\nINSTALLED_APPS = ["shop"]\n'
                                  'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db"}}\n'),
             "shop/models.py": "from django.db import models\n\n\nclass Item(models.Model):\n    name = models.TextField()\n"}
    for name, parents in deps.items():
        ops = ('migrations.CreateModel(name="Item", fields=[("id", models.AutoField(auto_created=True, '
               'primary_key=True, serialize=False, verbose_name="ID")), ("name", models.TextField())])'
               if name.startswith("0001") else "")
        files[f"shop/migrations/{name}.py"] = (
            "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
            f"    dependencies = {[('shop', p) for p in parents]!r}\n    operations = [{ops}]\n")
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def test_django_cycle_is_refused_as_django_refuses_it(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    _django_project(root, {"0001_initial": ["0002_b"], "0002_b": ["0001_initial"]})
    judge = subprocess.run([sys.executable, "-c", "import django; django.setup()\n"
                            "from django.db.migrations.loader import MigrationLoader\nMigrationLoader(None)"],
                           cwd=root, env={**os.environ, "DJANGO_SETTINGS_MODULE": "conf.settings"},
                           capture_output=True, text=True, check=False)
    assert "CircularDependencyError" in judge.stderr
    done = _mgen(root, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "circular migration dependency: shop.0001_initial -> shop.0002_b -> shop.0001_initial" in done.stderr
    assert "0001_initial.py:4:" in done.stderr and "Traceback" not in done.stderr


def _alembic_project(root: Path, revisions: dict[str, str | None]) -> None:
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "alembic.ini").write_text("[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///x.db\n")
    (root / "migrations" / "env.py").write_text("from alembic import context\nfrom app.models import Base\n"
                                                 "target_metadata = Base.metadata\n")
    (root / "migrations" / "script.py.mako").write_text("")
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models.py").write_text(
        "import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\n"
        "class T(Base):\n    __tablename__ = 't'\n    id = sa.Column(sa.Integer, primary_key=True)\n")
    for i, (rev, down) in enumerate(revisions.items()):
        body = ('op.create_table("t", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))'
                if i == 0 else "pass")
        (root / "migrations" / "versions" / f"{rev}_x.py").write_text(
            f"from alembic import op\nimport sqlalchemy as sa\n\nrevision = {rev!r}\ndown_revision = {down!r}\n\n\n"
            f"def upgrade():\n    {body}\n\n\ndef downgrade():\n    pass\n")


def test_alembic_cycle_is_refused_as_alembic_refuses_it(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    root = tmp_path / "shop"
    _alembic_project(root, {"aaa": "bbb", "bbb": "aaa"})
    with pytest.raises(CommandError, match="Cycle is detected in revisions"):
        list(ScriptDirectory(str(root / "migrations")).walk_revisions())
    done = _mgen(root, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "revision cycle: aaa -> bbb -> aaa" in done.stderr or "revision cycle: bbb -> aaa -> bbb" in done.stderr


def test_a_long_alembic_history_is_planned(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    count = 1500  # deeper than Python's recursion limit
    _alembic_project(root, {f"r{i:04d}": (f"r{i - 1:04d}" if i else None) for i in range(count)})
    done = _mgen(root, tmp_path)
    assert done.returncode == 0 and "no changes" in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
