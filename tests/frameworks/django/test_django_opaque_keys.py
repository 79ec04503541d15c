"""Relations of a library mgen does not find (wagtail's modelcluster ``ParentalKey`` and
``ParentalManyToManyField``), written with the target first as ForeignKey takes it: the migrations hold
``to=`` as a keyword (the class's ``deconstruct()``). Django writes the migrations with a stand-in of the
library on its path (the static read never sees it); mgen must then find no change, and a changed target
must be one."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import models_state, replay_project
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

STAND_IN = '''from django.db import models


class ParentalKey(models.ForeignKey):
    pass


class ParentalManyToManyField(models.ManyToManyField):
    pass
'''

MODELS = '''from django.db import models
from mgenfakecluster.fields import ParentalKey, ParentalManyToManyField


class Category(models.Model):
    name = models.CharField(max_length=20)


class Event(models.Model):
    title = models.CharField(max_length=20)
    categories = ParentalManyToManyField(Category, blank=True)


class Slot(models.Model):
    event = ParentalKey("events.Event", models.CASCADE, related_name="slots")
    other = ParentalKey(Event, on_delete=models.CASCADE, related_name="+")
'''


def django(project: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    library = tmp_path / "fakelib" / "mgenfakecluster"
    library.mkdir(parents=True, exist_ok=True)
    (library / "__init__.py").write_text("")
    (library / "fields.py").write_text(STAND_IN)
    env = dict(h.env(), PYTHONPATH=os.pathsep.join([str(COMMON), str(library.parent)]))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def test_a_library_key_written_with_its_target_first_is_no_change(tmp_path):
    project = h.write_project(tmp_path / "proj", {"events": {}}, {"events": MODELS})
    made = django(project, tmp_path, "makemigrations", "events", "-v0")
    assert made.returncode == 0, made.stderr
    assert "to='events.event'" in next((project / "events" / "migrations").glob("0001_*.py")).read_text()
    loaded = load_project(project)
    assert replay_project(loaded, {"events"}).differences(models_state(loaded).only({"events"})) == []
    assert not generate(project, name=None, dry_run=True).operations
    migration = next((project / "events" / "migrations").glob("0001_*.py"))  # as Django before 4.0 wrote it
    migration.write_text(migration.read_text().replace("to='events.event'", "to='events.Event'"))
    result = generate(project, name=None, dry_run=True)
    assert not result.operations and not [n for n in result.notes if "taken as its defaults" in n], result.notes

    models = project / "events" / "models.py"
    models.write_text(models.read_text().replace('ParentalKey("events.Event", models.CASCADE',
                                                 'ParentalKey("events.Category", models.CASCADE'))
    assert generate(project, name=None, dry_run=True).operations == {"events": ["events: AlterField slot.event"]}
    assert django(project, tmp_path, "makemigrations", "--check", "--dry-run").returncode == 1  # Django agrees
