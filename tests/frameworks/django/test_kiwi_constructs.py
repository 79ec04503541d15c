"""Constructs first met in Kiwi TCMS (issue #12), each in a few-line project of its own, judged by Django's
``makemigrations`` where it can run.

- A model whose base is an abstract model of a library mgen does not find (``TreeNode`` of a tree library
  not installed where mgen reads): the fields that base brings are taken from the migrations, with a note;
  Django (which has the library) agrees the written migration leaves nothing to do.
- Two apps that each gain a relation to the other's new model: the migrations are split as Django's
  autodetector splits them (one app gets two migrations).
- A model class imported into an app's models module from a nested installed app's module: that app's.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

TREELIB = """\
from django.db import models


class TreeNode(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        abstract = True
"""
# the model on the unread base alone, and beside a base of the project's own (Kiwi had both shapes)
PLANS = {
    "alone": "from treelib.models import TreeNode\n\n\nclass Plan(TreeNode):\n",
    "with a project base": ("from treelib.models import TreeNode\n\n\nclass Stamped(models.Model):\n"
                            "    made = models.IntegerField(default=0)\n\n    class Meta:\n        abstract = True\n\n\n"
                            "class Plan(TreeNode, Stamped):\n"),
}


def manage(project: Path, lib: Path, *args: str) -> subprocess.CompletedProcess:
    """manage.py with the library importable for Django (and only for Django: mgen does not read ``lib``)."""
    env = h.env()
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(lib)])
    return subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def project(root: Path, apps: dict[str, str]) -> Path:
    """A project of ``apps`` (an app -> its models module), each with an empty migrations package."""
    return h.write_project(root, {app: {} for app in apps}, models=apps)


@pytest.fixture
def treelib(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    (lib / "treelib").mkdir(parents=True)
    (lib / "treelib" / "__init__.py").write_text("")
    (lib / "treelib" / "models.py").write_text(TREELIB)
    return lib


@pytest.mark.parametrize("shape", sorted(PLANS))
def test_a_model_on_an_unread_library_base_takes_its_fields_from_the_migrations(tmp_path, treelib, shape):
    body = "from django.db import models\n" + PLANS[shape] + "    name = models.CharField(max_length=20)\n"
    tags = "\n\nclass Tag(models.Model):\n    plan = models.ForeignKey(Plan, on_delete=models.CASCADE)\n"
    root = project(tmp_path / "proj", {"plans": body + tags})
    made = manage(root, treelib, "makemigrations", "--noinput", "-v0")
    assert made.returncode == 0, made.stderr

    same = generate(root, name=None, dry_run=True)
    assert not same.operations
    assert any("treelib.models.TreeNode" in n and "field parent" in n for n in same.notes), same.notes

    (root / "plans" / "models.py").write_text(body + "    rank = models.IntegerField(default=0)\n" + tags)
    written = generate(root, name=None)
    assert written.operations == {"plans": ["plans: AddField plan.rank"]}, written.operations
    check = manage(root, treelib, "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_new_model_on_an_unread_library_base_still_refuses_a_relation_to_it(tmp_path, treelib):
    root = project(tmp_path / "proj", {"plans": "from django.db import models\n"})
    made = manage(root, treelib, "makemigrations", "--noinput", "-v0")
    assert made.returncode == 0, made.stderr
    (root / "plans" / "models.py").write_text(
        "from django.db import models\n" + PLANS["alone"] + "    name = models.CharField(max_length=20)\n\n\n"
        "class Tag(models.Model):\n    plan = models.ForeignKey(Plan, on_delete=models.CASCADE)\n")
    with pytest.raises(MgenError, match="TreeNode is in a library mgen does not find"):
        generate(root, name=None, dry_run=True, dialect="sqlite")


# -- two apps that depend on each other's new operations ---------------------------------------------
MUTUAL = {  # (models before, models after) per app
    "new models pointing at each other": {
        "alpha": ("from django.db import models\n",
                  ("from django.db import models\n\n\nclass A(models.Model):\n"
                  "    to_b = models.ForeignKey('beta.B', on_delete=models.CASCADE)\n")),
        "beta": ("from django.db import models\n",
                 ("from django.db import models\n\n\nclass B(models.Model):\n"
                 "    to_a = models.ForeignKey('alpha.A', null=True, on_delete=models.SET_NULL)\n"
                 "    name = models.CharField(max_length=10)\n")),
    },
    "a model replaced while another app points at it": {  # Kiwi's TestCaseRun -> TestExecution, no --rename
        "cases": (("from django.db import models\n\n\nclass Case(models.Model):\n    pass\n\n\n"
                  "class Bug(models.Model):\n    run = models.ForeignKey('runs.Old', on_delete=models.CASCADE)\n"),
                  ("from django.db import models\n\n\nclass Case(models.Model):\n    pass\n\n\n"
                  "class Bug(models.Model):\n    run = models.ForeignKey('runs.New', on_delete=models.CASCADE)\n")),
        "runs": (("from django.db import models\n\n\nclass Old(models.Model):\n"
                 "    case = models.ForeignKey('cases.Case', on_delete=models.CASCADE)\n"),
                 ("from django.db import models\n\n\nclass New(models.Model):\n"
                 "    case = models.ForeignKey('cases.Case', on_delete=models.CASCADE)\n")),
    },
}


def migration_files(root: Path) -> list[str]:
    """The migration files after each app's first, as Django's loader reads them: number, dependencies (by
    number) and operations (model, field, a CreateModel's fields)."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import django, os, sys
        os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'
        sys.path.insert(0, '.')
        django.setup()
        from django.db.migrations.loader import MigrationLoader
        loader = MigrationLoader(None, ignore_no_migrations=True)
        for (app, name), m in sorted(loader.disk_migrations.items()):
            if app in sys.argv[1:] and not name.startswith('0001'):
                deps = sorted(f'{a}.{n[:4]}' for a, n in m.dependencies)
                ops = [f'{type(o).__name__} {getattr(o, "model_name", None) or o.name} {getattr(o, "name", "")}'
                       + (' ' + ','.join(n for n, _ in o.fields) if hasattr(o, 'fields') else '')
                       for o in m.operations]
                print(f'{app}.{name[:4]} | {deps} | {ops}')
    """), "alpha", "beta", "cases", "runs"], cwd=root, env=h.env(), capture_output=True, text=True,
        timeout=300, check=True)
    return sorted(out.stdout.splitlines())


@pytest.mark.parametrize("case", sorted(MUTUAL))
def test_apps_depending_on_each_other_are_split_as_django_splits_them(tmp_path, case):
    apps = MUTUAL[case]
    ours = project(tmp_path / "ours", {app: before for app, (before, _) in apps.items()})
    h.manage(ours, "makemigrations", *apps, "--noinput", "-v0")
    for app, (_, after) in apps.items():
        (ours / app / "models.py").write_text(after)
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    h.manage(theirs, "makemigrations", *apps, "--noinput", "-v0")

    generate(ours, name=None)
    assert h.manage(ours, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    h.manage(ours, "migrate", "-v0")
    assert migration_files(ours) == migration_files(theirs)


def test_a_model_imported_from_a_nested_apps_module_is_that_apps(tmp_path):
    """``core/models.py`` imports ``Log`` from the installed app ``core.logs``: Django labels it ``logs``
    (the app whose module defines it), so ``core`` gains no model."""
    root = project(tmp_path / "proj", {"core": "from django.db import models\n\nfrom core.logs.models import Log\n\n\n"
                                               "class Note(models.Model):\n    log = models.ForeignKey(Log, "
                                               "on_delete=models.CASCADE)\n"})
    (root / "core" / "logs" / "migrations").mkdir(parents=True)
    for init in ("core/logs/__init__.py", "core/logs/migrations/__init__.py"):
        (root / init).write_text("")
    (root / "core" / "logs" / "models.py").write_text(
        "from django.db import models\n\n\nclass Log(models.Model):\n    text = models.TextField()\n")
    settings = root / "config" / "settings.py"
    settings.write_text(settings.read_text().replace("['core']", "['core', 'core.logs']"))
    h.manage(root, "makemigrations", "core", "logs", "--noinput", "-v0")
    assert (root / "core" / "logs" / "migrations" / "0001_initial.py").is_file()
    assert not generate(root, name=None, dry_run=True).operations


def test_a_dependency_on_an_installed_app_found_nowhere_is_noted_not_refused(tmp_path):
    """helpdesk's ``('pinax_teams', '0004_...')`` with pinax-teams not where mgen reads: the app's
    migrations are not read either way, so the dependency orders nothing mgen replays; a label no installed
    app can have still refuses."""
    lib = tmp_path / "lib"
    (lib / "ext" / "teams" / "migrations").mkdir(parents=True)
    for init in ("ext/__init__.py", "ext/teams/__init__.py", "ext/teams/migrations/__init__.py"):
        (lib / init).write_text("")
    (lib / "ext" / "teams" / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\nclass TeamsConfig(AppConfig):\n    name = 'ext.teams'\n"
        "    label = 'ext_teams'\n")
    (lib / "ext" / "teams" / "models.py").write_text(
        "from django.db import models\n\n\nclass Team(models.Model):\n    name = models.TextField()\n")
    kb = ("from django.db import models\n\n\nclass Item(models.Model):\n"
          "    team = models.ForeignKey('ext_teams.Team', null=True, on_delete=models.CASCADE)\n")
    root = project(tmp_path / "proj", {"kb": kb})
    settings = root / "config" / "settings.py"
    settings.write_text(settings.read_text().replace("['kb']", "['ext.teams', 'kb']"))
    made = manage(root, lib, "makemigrations", "ext_teams", "kb", "--noinput", "-v0")
    assert made.returncode == 0, made.stderr
    assert "('ext_teams', '0001_initial')" in (root / "kb" / "migrations" / "0001_initial.py").read_text()

    same = generate(root, name=None, dry_run=True)
    assert not same.operations
    assert any("taken as a migration of ext.teams" in n for n in same.notes), same.notes
    (root / "kb" / "models.py").write_text(kb + "    rank = models.IntegerField(default=0)\n")
    assert generate(root, name=None).operations == {"kb": ["kb: AddField item.rank"]}
    check = manage(root, lib, "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stdout + check.stderr

    settings.write_text(settings.read_text().replace("['ext.teams', 'kb']", "['kb']"))
    with pytest.raises(MgenError, match="depends on app 'ext_teams', which is not installed"):
        generate(root, name=None, dry_run=True)
