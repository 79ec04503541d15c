"""A field added with a default is not "a NOT NULL column without a default" (issue #15 item 16): Django's
schema editor adds it with that DEFAULT, filling the existing rows, then drops the DEFAULT. So
``BooleanField(default=False)`` on an existing model is safe, while a NOT NULL column added by SQL without a
default stays an error. Judged by Django: the migration mgen writes applies on PostgreSQL to a table that
already has rows."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_server

from mgen.db import scratch_database

SETTINGS = """import os
SECRET_KEY = "x"
INSTALLED_APPS = ["shop"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ.get("DB_NAME", "x"),
                         "HOST": "127.0.0.1", "USER": "postgres"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""
MODEL = "from django.db import models\n\n\nclass Item(models.Model):\n    name = models.TextField()\n"


def _run(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "MGEN_CACHE_DIR": str(root.parent / "c"), **env})


@pytest.mark.parametrize("field", ["models.BooleanField(default=False)", "models.IntegerField(default=7)",
                                   "models.CharField(max_length=20, default='new')"])
def test_a_field_added_with_a_default_is_safe(field: str, tmp_path: Path) -> None:
    server = require_server("postgresql")
    root = tmp_path / "shop"
    for path, text in {"manage.py": "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'conf.settings')\n"
                                    "from django.core.management import execute_from_command_line\n"
                                    "execute_from_command_line(sys.argv)\n",
                       "conf/__init__.py": "", "conf/settings.py": SETTINGS, "shop/__init__.py": "",
                       "shop/migrations/__init__.py": "", "shop/models.py": MODEL}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    assert _run(root, "-m", "mgen.cli", "generate", ".", "--engine", "static").returncode == 0
    (root / "shop/models.py").write_text(MODEL + f"    added = {field}\n")
    plan = _run(root, "-m", "mgen.cli", "plan", ".", "--engine", "static", "--json")
    findings = [f["rule"] for f in json.loads(plan.stdout)["findings"]]
    assert "add-required-column" not in findings, plan.stdout
    assert _run(root, "-m", "mgen.cli", "generate", ".", "--engine", "static").returncode == 0
    with scratch_database("postgresql", server) as url:  # the judge: Django applies it over existing rows
        name = url.rsplit("/", 1)[1]
        assert _run(root, "manage.py", "migrate", "shop", "0001", DB_NAME=name).returncode == 0
        insert = "from django.db import connection; connection.cursor().execute(\"INSERT INTO shop_item (name) VALUES ('a'), ('b')\")"
        assert _run(root, "manage.py", "shell", "-c", insert, DB_NAME=name).returncode == 0
        done = _run(root, "manage.py", "migrate", "shop", DB_NAME=name)
        assert done.returncode == 0, done.stderr


def test_a_not_null_column_added_by_sql_without_a_default_is_still_an_error(tmp_path: Path) -> None:
    (tmp_path / "m.sql").write_text("ALTER TABLE item ADD COLUMN added boolean NOT NULL;\n")
    (tmp_path / "s.sql").write_text("CREATE TABLE item (id int PRIMARY KEY);\n")
    done = _run(tmp_path, "-m", "mgen.cli", "lint", str(tmp_path / "m.sql"), "--dialect", "postgresql",
                "--schema", str(tmp_path / "s.sql"))
    assert "add-required-column" in done.stdout, done.stdout + done.stderr
