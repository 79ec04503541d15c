"""``to_field`` naming the target's primary key (Misago's ``0001_initial``, written by Django 1.7:
``ForeignKey(to="misago_categories.CategoryRole", to_field="id")``, models without it): the same field to a
Django before 4.0 (whose autodetector compared rendered models: 3.2 autodetector.py ``generate_altered_fields``
takes ``self.old_apps.get_model(...)._meta.get_field``, and ``ForeignKey.deconstruct()`` leaves ``to_field`` out
when it names the target class's primary key), an ``AlterField`` from 4.0 on (the migration state's fields,
targets as strings, keep it) - which the Django installed here (5.2) judges."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from mgen.frameworks.django.legacy_semantics import PINNED_KEY, legacy_state
from mgen.frameworks.django.state import FieldState, ModelState, ProjectState
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # noqa: E402


def _state(version, to_field: str, pk: str = "id") -> ProjectState:
    role_pk = FieldState(pk, "django.db.models.AutoField", {"primary_key": True}, "AutoField")
    code = FieldState("code", "django.db.models.CharField", {"max_length": 5}, "CharField")
    role = ModelState("cats", "Role", {pk: role_pk, "code": code}, {})
    fk = FieldState("role", "django.db.models.ForeignKey", {"to": "cats.role", "to_field": to_field,
                                                            "on_delete": "CASCADE"}, "ForeignKey")
    acl = ModelState("cats", "Acl", {"role": fk}, {})
    return ProjectState({("cats", "role"): role, ("cats", "acl"): acl},
                        settings={PINNED_KEY: version} if version else {})


@pytest.mark.parametrize(("version", "to_field", "pk", "kept"), [
    ((2, 2, 1), "id", "id", False),     # the target's primary key: left out before 4.0
    ((3, 2), "id", "id", False),
    ((4, 0), "id", "id", True),         # from 4.0 compared as written
    (None, "id", "id", True),           # no pin: the Django mgen is written against (5.2)
    ((2, 2), "code", "id", True),       # another field: always kept
    ((2, 2), "id", "uid", True),        # "id" that is not the target's primary key
])
def test_to_field_naming_the_primary_key_is_left_out_before_4_0(version, to_field, pk, kept):
    got = legacy_state(_state(version, to_field, pk)).models[("cats", "acl")].fields["role"].kwargs
    assert ("to_field" in got) is kept, got


INITIAL = """\
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Role",
            fields=[("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))],
        ),
        migrations.CreateModel(
            name="Acl",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="cats.Role", to_field="id")),
            ],
        ),
    ]
"""
MODELS = """\
from django.db import models


class Role(models.Model):
    pass


class Acl(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE)
"""


def _project(root: Path, pin: str | None) -> Path:
    h.write_project(root, {"cats": {"0001_initial": INITIAL}}, models={"cats": MODELS})
    settings = root / "config" / "settings.py"
    settings.write_text(settings.read_text().replace("BigAutoField", "AutoField"))
    if pin:
        (root / "requirements.txt").write_text(f"Django=={pin}\n")
    return root


def test_a_1_7_history_with_to_field_id_is_in_sync_under_a_django_2_2_pin(tmp_path):
    root = _project(tmp_path / "proj", "2.2.1")
    assert not generate(root, name=None, dry_run=True).operations


def test_from_django_4_0_the_same_history_needs_the_alterfield_django_writes(tmp_path):
    root = _project(tmp_path / "proj", None)
    check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert check.returncode == 1 and "Alter field role on acl" in check.stdout, check.stdout + check.stderr
    written = generate(root, name=None)
    assert written.operations == {"cats": ["cats: AlterField acl.role"]}, written.operations
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    text = textwrap.dedent(next((root / "cats" / "migrations").glob("0002_*.py")).read_text())
    assert "to_field" not in text, text
