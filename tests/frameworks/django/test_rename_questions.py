"""The renames ``makemigrations`` asks about (``rename_questions``), judged by Django's own autodetector.

Each case is a small app whose first migration Django's ``makemigrations`` writes; the models are then edited.
The judge is ``MigrationAutodetector`` run by Django (a subprocess, in the project) with a questioner that
answers yes to every "Did you rename ...?": the renames it writes must be exactly the hints mgen prints
(``GenerateResult.renames``), no more and no fewer; generating again with those hints must write the
operations Django wrote (kind, model, field: compared as sets), and then ``makemigrations --check`` finds
nothing left and ``migrate`` applies the migration, reverses it and applies it again (SQLite).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

# Django's autodetector with a questioner that answers yes to both rename questions: what it writes
JUDGE = """\
import json
import django
django.setup()
from django.apps import apps
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.questioner import InteractiveMigrationQuestioner
from django.db.migrations.state import ProjectState


class Yes(InteractiveMigrationQuestioner):
    def ask_rename(self, *args):
        return True

    def ask_rename_model(self, *args):
        return True


loader = MigrationLoader(None, ignore_no_migrations=True)
changes = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(apps),
                                Yes(dry_run=True)).changes(graph=loader.graph)
out = []
for app, migrations in changes.items():
    for migration in migrations:
        for op in migration.operations:
            kind, _, kw = op.deconstruct()
            out.append([app, kind, kw.get("model_name") or kw.get("name") or "", kw.get("old_name", ""),
                        kw.get("new_name") or (kw.get("name", "") if "model_name" in kw else "")])
print(json.dumps(out))
"""


@dataclass
class Case:
    id: str
    before: str  # the models Django's first migration is made from
    after: str  # the edited models


HEAD = "from django.db import models\n\n\n"
CASES = [
    Case("field_same_definition",
         HEAD + "class Item(models.Model):\n    sku = models.CharField(max_length=20)\n    n = models.IntegerField()\n",
         HEAD + "class Item(models.Model):\n    code = models.CharField(max_length=20)\n    n = models.IntegerField()\n"),
    Case("field_definition_changed_too",  # not asked: the definition changed with the name
         HEAD + "class Item(models.Model):\n    sku = models.CharField(max_length=20)\n",
         HEAD + "class Item(models.Model):\n    code = models.CharField(max_length=30)\n"),
    Case("field_keeps_its_column",  # db_column set to the old column: asked; 4.1+ writes AlterField first
         HEAD + "class Item(models.Model):\n    sku = models.CharField(max_length=20)\n",
         HEAD + "class Item(models.Model):\n    code = models.CharField(max_length=20, db_column='sku')\n"),
    Case("key_keeps_its_column",  # a ForeignKey's column is <name>_id
         HEAD + "class Tag(models.Model):\n    pass\n\n\nclass Item(models.Model):\n"
         "    owner = models.ForeignKey(Tag, on_delete=models.CASCADE)\n",
         HEAD + "class Tag(models.Model):\n    pass\n\n\nclass Item(models.Model):\n"
         "    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, db_column='owner_id')\n"),
    Case("two_fields_alike",  # each added field takes the first removed one left, by name
         HEAD + "class Item(models.Model):\n    a = models.IntegerField()\n    b = models.IntegerField()\n",
         HEAD + "class Item(models.Model):\n    x = models.IntegerField()\n    y = models.IntegerField()\n"),
    Case("model_with_a_renamed_field_and_a_key_into_it",
         HEAD + "class Tag(models.Model):\n    label = models.CharField(max_length=9)\n    parent = models.ForeignKey("
         "'self', null=True, on_delete=models.CASCADE)\n\n\nclass Item(models.Model):\n"
         "    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)\n",
         HEAD + "class Label(models.Model):\n    name = models.CharField(max_length=9)\n    parent = models.ForeignKey("
         "'self', null=True, on_delete=models.CASCADE)\n\n\nclass Item(models.Model):\n"
         "    tag = models.ForeignKey(Label, on_delete=models.CASCADE)\n"),
    Case("model_whose_fields_sort_otherwise",  # the fields are compared sorted by name: not asked
         HEAD + "class Tag(models.Model):\n    label = models.CharField(max_length=9)\n    when = models.DateField()\n",
         HEAD + "class Label(models.Model):\n    text = models.CharField(max_length=9)\n    day = models.DateField()\n"),
    Case("models_through_a_renamed_table",  # through= is not left out: Django does not ask about Group
         HEAD + "class Prop(models.Model):\n    name = models.CharField(max_length=9)\n\n\n"
         "class Group(models.Model):\n    props = models.ManyToManyField(Prop, through='Link')\n\n\n"
         "class Link(models.Model):\n    group = models.ForeignKey(Group, on_delete=models.CASCADE)\n"
         "    prop = models.ForeignKey(Prop, on_delete=models.CASCADE)\n",
         HEAD + "class Property(models.Model):\n    name = models.CharField(max_length=9)\n\n\n"
         "class Set(models.Model):\n    props = models.ManyToManyField(Property, through='Membership')\n\n\n"
         "class Membership(models.Model):\n    group = models.ForeignKey(Set, on_delete=models.CASCADE)\n"
         "    prop = models.ForeignKey(Property, on_delete=models.CASCADE)\n"),
    Case("proxy_not_asked",
         HEAD + "class Item(models.Model):\n    n = models.IntegerField()\n\n\n"
         "class Cheap(Item):\n    class Meta:\n        proxy = True\n",
         HEAD + "class Item(models.Model):\n    n = models.IntegerField()\n\n\n"
         "class Bargain(Item):\n    class Meta:\n        proxy = True\n"),
]


def _project(tmp_path: Path, case: Case) -> Path:
    root = h.write_project(tmp_path / "proj", {"shop": {}}, models={"shop": case.before})
    h.manage(root, "makemigrations", "shop", "-v0")
    (root / "shop" / "models.py").write_text(case.after)
    return root


def _django(root: Path) -> list[tuple[str, str, str, str, str]]:
    done = subprocess.run([sys.executable, "-c", JUDGE], cwd=root, capture_output=True, text=True, timeout=300,
                          env={**h.env(), "DJANGO_SETTINGS_MODULE": "config.settings"}, check=False)
    assert done.returncode == 0, done.stderr
    return [tuple(x) for x in json.loads(done.stdout)]


def _hints(ops: list[tuple[str, str, str, str, str]]) -> set[str]:
    """Django's renames as ``--rename`` hints, the model part without case (Django writes it lower-cased)."""
    out = set()
    for app, kind, model, old, new in ops:
        if kind == "RenameModel":
            out.add(f"{app}.{old.lower()}={new}")
        elif kind == "RenameField":
            out.add(f"{app}.{model.lower()}.{old}={new}")
    return out


def _lower_model(hint: str) -> str:
    left, _, new = hint.partition("=")
    parts = left.split(".")
    parts[1] = parts[1].lower()
    return ".".join(parts) + "=" + new


def _written(texts: dict) -> set[tuple[str, str, str]]:
    out = set()
    for text in texts.values():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "migrations" \
                    and node.func.attr not in ("Migration", "swappable_dependency"):
                kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords
                      if k.arg in ("model_name", "name", "old_name", "new_name")}
                out.add(_key(node.func.attr, kw))
    return out


def _key(kind: str, kw: dict) -> tuple[str, str, str]:
    model = kw.get("model_name") or kw.get("name") or ""
    if kind == "RenameModel":
        return kind, kw["old_name"].lower(), kw["new_name"].lower()
    if kind == "RenameField":
        return kind, model.lower(), f"{kw['old_name']}->{kw['new_name']}"
    return kind, model.lower(), kw.get("name", "") if "model_name" in kw else ""


def _django_keys(ops: list[tuple[str, str, str, str, str]]) -> set[tuple[str, str, str]]:
    out = set()
    for _app, kind, model, old, new in ops:
        if kind == "RenameModel":
            out.add((kind, old.lower(), new.lower()))
        elif kind == "RenameField":
            out.add((kind, model.lower(), f"{old}->{new}"))
        else:
            out.add((kind, model.lower(), new))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_renames_django_asks_about_are_the_hints_mgen_prints(tmp_path: Path, case: Case):
    root = _project(tmp_path, case)
    django = _django(root)
    asked = generate(root, name=None, dry_run=True)
    assert {_lower_model(x) for x in asked.renames} == _hints(django), (asked.renames, django)
    for hint in asked.renames:  # each printed with its question
        assert any(f"--rename {hint}" in note for note in asked.notes), asked.notes

    answered = generate(root, name=None, dry_run=True, renames=asked.renames)
    assert answered.renames == []  # every question answered
    assert _written(answered.files) == _django_keys(django), (answered.operations, django)

    written = generate(root, name="renamed", renames=asked.renames)
    assert written.changed_apps == ["shop"]
    check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    h.manage(root, "migrate", "-v0")
    h.manage(root, "migrate", "shop", "0001", "-v0")
    h.manage(root, "migrate", "-v0")


def test_before_django_2_1_a_rename_keeping_its_column_is_not_asked(tmp_path: Path):
    """Ticket 29245 (Django 2.1) added the ``db_column`` question; a project pinning 2.0 is asked nothing."""
    case = next(c for c in CASES if c.id == "field_keeps_its_column")
    root = _project(tmp_path, case)
    (root / "requirements.txt").write_text("Django==2.0.13\n")
    assert generate(root, name=None, dry_run=True).renames == []
    (root / "requirements.txt").write_text("Django==2.1\n")
    assert generate(root, name=None, dry_run=True).renames == ["shop.Item.sku=code"]


def test_before_django_4_1_the_column_keeping_rename_comes_first(tmp_path: Path):
    """Ticket 33197 (Django 4.1) moved the AlterField before the RenameField, under the old name."""
    case = next(c for c in CASES if c.id == "field_keeps_its_column")
    root = _project(tmp_path, case)
    (root / "requirements.txt").write_text("Django==4.0.10\n")
    result = generate(root, name=None, dry_run=True, renames=["shop.Item.sku=code"])
    assert result.operations["shop"] == ["shop: RenameField item.sku -> code", "shop: AlterField item.code"]
    (root / "requirements.txt").write_text("Django==4.1\n")
    result = generate(root, name=None, dry_run=True, renames=["shop.Item.sku=code"])
    assert result.operations["shop"] == ["shop: AlterField item.sku", "shop: RenameField item.sku -> code"]


def test_an_app_label_with_dots_in_a_hint(tmp_path: Path):
    """Django before 3.0 took any label (``label = 'corp.auth'``); the hint names it whole."""
    root = h.write_project(tmp_path / "proj", {"shop": {}}, models={"shop": CASES[0].before})
    (root / "shop" / "apps.py").write_text("from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n"
                                           "    name = 'shop'\n    label = 'corp.shop'\n")
    (root / "config" / "settings.py").write_text((root / "config" / "settings.py").read_text().replace(
        "'shop'", "'shop.apps.ShopConfig'"))
    (root / "shop" / "migrations" / "0001_initial.py").write_text(
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n"
        "    dependencies = []\n    operations = [migrations.CreateModel(name='Item', fields=[('id', models.BigAutoField("
        "auto_created=True, primary_key=True, serialize=False, verbose_name='ID')), ('sku', models.CharField("
        "max_length=20)), ('n', models.IntegerField())])]\n")
    (root / "shop" / "models.py").write_text(CASES[0].after)
    asked = generate(root, name=None, dry_run=True)
    assert asked.renames == ["corp.shop.Item.sku=code"]
    answered = generate(root, name=None, dry_run=True, renames=asked.renames)
    assert answered.operations == {"corp.shop": ["corp.shop: RenameField item.sku -> code"]}
    with pytest.raises(MgenError, match="expected app.Model.old_field=new_field"):
        generate(root, name=None, dry_run=True, renames=["corp.shop.Item.sku.x=code"])
