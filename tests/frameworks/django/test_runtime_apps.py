"""An app the settings may install at run time is never answered "no changes" for (issue #12): with
``INSTALLED_APPS = [...] + discover_plugins(...)``, a plugin folder of the project that no installed app covers
is refused by name (whole project: the refusal names it and the ``--app`` flags of the apps read; ``--app`` of
the others answers as before)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SETTINGS = """import os
from conf.plugins import discover_plugins
SECRET_KEY = "x"
INSTALLED_APPS = ["shop"] + discover_plugins(os.path.join(os.path.dirname(__file__), "..", "plugins"))
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""
PLUGINS = """import os


def discover_plugins(folder):
    return [f"plugins.{name}" for name in sorted(os.listdir(folder)) if not name.startswith("_")]
"""
MODEL = "from django.db import models\n\n\nclass {name}(models.Model):\n    title = models.TextField()\n"


def _project(root: Path) -> Path:
    files = {"manage.py": "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'conf.settings')\n"
                          "from django.core.management import execute_from_command_line\n"
                          "execute_from_command_line(sys.argv)\n",
             "conf/__init__.py": "", "conf/settings.py": SETTINGS, "conf/plugins.py": PLUGINS,
             "shop/__init__.py": "", "shop/migrations/__init__.py": "", "shop/models.py": MODEL.format(name="Item"),
             "plugins/__init__.py": "", "plugins/forum/__init__.py": "", "plugins/forum/migrations/__init__.py": "",
             "plugins/forum/models.py": MODEL.format(name="Topic")}
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def _mgen(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mgen.cli", "generate", ".", "--dry-run", "--engine", "static",
                           *args], cwd=root, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "MGEN_CACHE_DIR": str(root.parent / "c")})


def test_a_plugin_app_installed_at_run_time_is_refused_never_no_changes(tmp_path: Path) -> None:
    root = _project(tmp_path / "site")
    judge = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=root,
                           capture_output=True, text=True, check=False)
    assert judge.returncode == 1 and "forum" in judge.stdout  # Django installs the plugin and sees its model
    whole = _mgen(root)
    assert whole.returncode == 2, whole.stdout + whole.stderr
    assert "app folder plugins/forum may be installed at run time" in whole.stderr
    assert "conf/settings.py:4:" in whole.stderr and "--app shop" in whole.stderr
    assert "may be installed at run time" in _mgen(root, "--app", "forum").stderr
    shop = _mgen(root, "--app", "shop")
    assert shop.returncode == 0 and "shop/migrations/0001_initial.py" in shop.stdout, shop.stderr
