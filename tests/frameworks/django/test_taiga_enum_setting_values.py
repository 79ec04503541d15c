"""Values Django evaluates before it deconstructs a field: an ``IntEnum`` member a migration of Django 1.x/2.x
wrote as ``module.E(value)`` (``enum_calls``), and ``settings.X`` in a field's arguments (``legacy_semantics``).

Judged by Django: ``makemigrations --check`` of the project below (Django 5.2, installed here) sees no change
for the history as Django 2.2 wrote it (2.2 django/db/migrations/serializer.py ``EnumSerializer``:
``module.E(value)``), and a field whose default is ``settings.MAX_ITEMS`` is written with the setting's value.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mgen.cli import main

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"

CHOICES = '''\
import enum


class Level(enum.IntEnum):
    involved = 1
    all = 2
    none = 3


LEVEL_CHOICES = (
    (Level.involved, "Involved"),
    (Level.all, "All"),
    (Level.none, "None"),
)
'''
MODELS = '''\
from django.conf import settings
from django.db import models

from .choices import LEVEL_CHOICES, Level


class Policy(models.Model):
    level = models.SmallIntegerField(choices=LEVEL_CHOICES, default=Level.involved)
    limit = models.IntegerField(null=True, blank=True, default=settings.MAX_ITEMS)
'''
# what Django 2.2's makemigrations wrote for MODELS
MIGRATION = '''\
from django.db import migrations, models
import tracker.choices


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Policy',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.SmallIntegerField(choices=[(tracker.choices.Level(1), 'Involved'), (tracker.choices.Level(2), 'All'), (tracker.choices.Level(3), 'None')], default=tracker.choices.Level(1))),
                ('limit', models.IntegerField(blank=True, default=None, null=True)),
            ],
        ),
    ]
'''


def project(root: Path, pin: str = "2.2.28") -> Path:
    (root / "config").mkdir(parents=True)
    (root / "config" / "__init__.py").write_text("")
    (root / "config" / "settings.py").write_text(
        "from mgen_fixture_settings import *  # noqa: F403\n\n"
        "INSTALLED_APPS = ['tracker']\nMAX_ITEMS = None\nDEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\n")
    (root / "manage.py").write_text((COMMON / "manage.py").read_text())
    (root / "tracker" / "migrations").mkdir(parents=True)
    (root / "tracker" / "__init__.py").write_text("")
    (root / "tracker" / "migrations" / "__init__.py").write_text("")
    (root / "tracker" / "choices.py").write_text(CHOICES)
    (root / "tracker" / "models.py").write_text(MODELS)
    (root / "tracker" / "migrations" / "0001_initial.py").write_text(MIGRATION)
    (root / "requirements.txt").write_text(f"Django=={pin}\n")
    return root


def django_check(root: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(COMMON), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], check=False,
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_the_history_django_wrote_is_in_sync(tmp_path, capsys):
    root = project(tmp_path / "p")
    checked = django_check(root)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # Django's judgement: no changes
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out, out


def test_a_changed_member_is_a_change(tmp_path, capsys):
    root = project(tmp_path / "p")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text().replace("default=Level.involved", "default=Level.all"))
    assert django_check(root).returncode == 1
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "AlterField policy.level" in out and "default=2" in out, out


def test_a_setting_default_is_written_as_its_value(tmp_path, capsys):
    root = project(tmp_path / "p")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text() + "    cap = models.IntegerField(null=True, default=settings.MAX_ITEMS)\n")
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "models.IntegerField(default=None, null=True)" in out, out
    assert "settings.MAX_ITEMS" not in out, out


def test_a_setting_that_changes_is_a_change(tmp_path, capsys):
    root = project(tmp_path / "p")
    settings = root / "config" / "settings.py"
    settings.write_text(settings.read_text().replace("MAX_ITEMS = None", "MAX_ITEMS = 5"))
    assert django_check(root).returncode == 1
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "AlterField policy.limit" in out and "default=5" in out, out


def test_an_enum_value_that_is_no_member_stays_a_call(tmp_path, capsys):
    root = project(tmp_path / "p")
    migration = root / "tracker" / "migrations" / "0001_initial.py"
    migration.write_text(migration.read_text().replace("default=tracker.choices.Level(1)",
                                                       "default=tracker.choices.Level(9)"))
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "AlterField policy.level" in out, out
