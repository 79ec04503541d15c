"""A relation into an installed app mgen finds nowhere (django-helpdesk's ``KBItem.team`` ->
``pinax_teams.Team``, pinax-teams not where mgen reads): the migration is Django's all the same, and judging
it for a database leaves that one column out with a note (its type is its target's primary key's), where it
refused the whole answer. A model missing from an app mgen does read is still refused."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # noqa: E402

KB = ("from django.db import models\n\n\nclass Item(models.Model):\n"
      "    team = models.ForeignKey('ext_teams.Team', null=True, on_delete=models.CASCADE)\n")


def manage(project: Path, lib: Path, *args: str) -> subprocess.CompletedProcess:
    env = h.env()
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(lib)])
    return subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    lib = tmp_path / "lib"
    (lib / "ext" / "teams" / "migrations").mkdir(parents=True)
    for init in ("ext/__init__.py", "ext/teams/__init__.py", "ext/teams/migrations/__init__.py"):
        (lib / init).write_text("")
    (lib / "ext" / "teams" / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\nclass TeamsConfig(AppConfig):\n    name = 'ext.teams'\n"
        "    label = 'ext_teams'\n")
    (lib / "ext" / "teams" / "models.py").write_text(
        "from django.db import models\n\n\nclass Team(models.Model):\n    name = models.TextField()\n")
    root = h.write_project(tmp_path / "proj", {"kb": {}}, models={"kb": KB})
    settings = root / "config" / "settings.py"
    settings.write_text(settings.read_text().replace("['kb']", "['ext.teams', 'kb']"))
    made = manage(root, lib, "makemigrations", "ext_teams", "kb", "--noinput", "-v0")
    assert made.returncode == 0, made.stderr
    return root, lib


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_a_change_beside_a_relation_into_an_unread_app_is_judged_without_that_column(project, dialect):
    root, lib = project
    (root / "kb" / "models.py").write_text(KB + "    rank = models.IntegerField(default=0)\n")
    written = generate(root, name=None, dialect=dialect)
    assert written.operations == {"kb": ["kb: AddField item.rank"]}, written.operations
    check = manage(root, lib, "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stdout + check.stderr
    assert manage(root, lib, "migrate", "-v0").returncode == 0


def test_the_unread_column_itself_changed_is_noted(project):
    root, lib = project
    (root / "kb" / "models.py").write_text(KB.replace("null=True, ", ""))
    written = generate(root, name=None, dialect="postgresql", defaults=["kb.item.team=1"])
    assert written.operations == {"kb": ["kb: AlterField item.team"]}, written.operations
    assert any("kb_item.team_id" in n and "mgen reads no model of app ext_teams" in n for n in written.notes), \
        written.notes


def test_a_missing_model_of_an_app_mgen_reads_still_refuses(tmp_path):
    root = h.write_project(tmp_path / "proj", {"kb": {}}, models={"kb": "from django.db import models\n\n\n"
                                                               "class Other(models.Model):\n    pass\n"})
    h.manage(root, "makemigrations", "kb", "--noinput", "-v0")
    (root / "kb" / "models.py").write_text("from django.db import models\n\n\nclass Other(models.Model):\n    pass\n"
                                           "\n\nclass Item(models.Model):\n"
                                           "    other = models.ForeignKey('kb.Missing', on_delete=models.CASCADE)\n")
    with pytest.raises(MgenError):
        generate(root, name=None, dry_run=True, dialect="postgresql")


# -- the label of such an app: its AppConfig's, which mgen cannot read ----------------------------------------
KB_CLASS = ("from django.db import models\n\nimport ext.teams.models\n\n\nclass Item(models.Model):\n"
            "    team = models.ForeignKey(ext.teams.models.Team, null=True, on_delete=models.CASCADE)\n")


def test_a_relation_by_class_into_an_unread_app_takes_the_label_its_migration_has(project):
    """``ext.teams``' AppConfig says ``label = 'ext_teams'``; its default would be ``teams``: taking that would
    write an AlterField Django does not."""
    root, lib = project
    (root / "kb" / "models.py").write_text(KB_CLASS)
    assert manage(root, lib, "makemigrations", "--check", "--dry-run").returncode == 0
    assert not generate(root, name=None, dry_run=True, dialect="postgresql").operations
    (root / "kb" / "models.py").write_text(KB_CLASS + "    rank = models.IntegerField(default=0)\n")
    written = generate(root, name=None)
    assert written.operations == {"kb": ["kb: AddField item.rank"]}, written.operations
    assert manage(root, lib, "makemigrations", "--check", "--dry-run").returncode == 0


def test_a_new_relation_by_class_into_an_unread_app_refuses_its_app(project):
    root, lib = project
    (root / "kb" / "models.py").write_text(KB_CLASS + "    lead = models.ForeignKey(ext.teams.models.Team, null=True, "
                                           "on_delete=models.SET_NULL, related_name='+')\n")
    with pytest.raises(MgenError, match="kb.item.lead points at a model of ext.teams.*label.*is unknown") as raised:
        generate(root, name=None, dry_run=True)
    assert raised.value.file.endswith("kb/models.py") and raised.value.line == 8, raised.value
