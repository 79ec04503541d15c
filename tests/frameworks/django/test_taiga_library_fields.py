"""Field classes of libraries that are not installed but whose ``deconstruct()`` mgen knows (``library_fields``):
djorm-pgarray's array fields and django-pgjson's JSON fields, which projects of the Django 1.7 - 1.9 years pin,
and django-picklefield's ``PickledObjectField``.

The judge is the libraries' own source at the versions named (djorm-pgarray 1.0, 1.0.4, 1.1 and 1.2
``djorm_pgarray/fields.py``: ``ArrayField.__init__`` sets blank=True, null=True, default=None when not given,
``deconstruct()`` writes blank and null only when false, default unless None, dbtype unless "int";
django-pgjson 0.2.x has no ``deconstruct()`` of its own, 0.3.1 writes ``options`` when not empty) and the
migrations a project of that time holds (``TextArrayField(dbtype='text', default=[], null=False, ...)``);
django-picklefield 0.3.2 - 2.1 ``PickledObjectField.__init__`` (``editable`` False unless given, no
``deconstruct()``), 3.0 - 3.4 ``deconstruct()`` (``compress`` when true, ``protocol`` unless the default).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from mgen.cli import main
from mgen.frameworks.django.library_fields import LIBRARIES_KEY, library_field
from mgen.frameworks.django.state import FieldState, Opaque

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
ARRAY = "djorm_pgarray.fields.TextArrayField"
JSON = "django_pgjson.fields.JsonField"


def deconstructed(path: str, pins: dict, **kw) -> dict:
    return library_field(FieldState("f", path, kw, ""), pins).kwargs


@pytest.mark.parametrize("pin", [{"djorm-pgarray": (1, 2)}, {"djorm-pgarray": (1, 0, 4)}, {}])
def test_djorm_array_arguments_as_its_deconstruct_writes_them(pin):
    assert deconstructed(ARRAY, pin, null=False, blank=True, default=[], verbose_name="tags") == {
        "dbtype": "text", "null": False, "default": [], "verbose_name": "tags"}
    assert deconstructed(ARRAY, pin, null=True, blank=True, default=None) == {"dbtype": "text"}
    assert deconstructed(ARRAY, pin, blank=False, dimension=2) == {"dbtype": "text", "blank": False, "dimension": 2}
    assert deconstructed("djorm_pgarray.fields.ArrayField", pin, dbtype="int") == {}
    assert deconstructed("djorm_pgarray.fields.BigIntegerArrayField", pin) == {"dbtype": "bigint"}


def test_djorm_array_is_idempotent_on_what_a_migration_holds():
    held = {"dbtype": "text", "dimension": 2, "default": [], "null": False, "verbose_name": "tags colors"}
    assert deconstructed(ARRAY, {"djorm-pgarray": (1, 2)}, **held) == held


def test_djorm_type_cast_none_depends_on_the_release():
    # 1.0 - 1.1: ``if "type_cast" in kwargs`` (written, None included); 1.2: ``if type_cast is not None``
    assert deconstructed(ARRAY, {"djorm-pgarray": (1, 0)}, type_cast=None) == {"dbtype": "text", "type_cast": None}
    assert deconstructed(ARRAY, {"djorm-pgarray": (1, 2)}, type_cast=None) == {"dbtype": "text"}
    assert deconstructed(ARRAY, {}, type_cast=None) == {"type_cast": None}  # no pin: as written (opaque)


def test_pgjson_options_from_0_3_only():
    assert deconstructed(JSON, {"django-pgjson": (0, 3, 1)}, null=False, blank=False, default={},
                         options={"indent": 2}) == {"default": {}, "options": {"indent": 2}}
    assert deconstructed(JSON, {"django-pgjson": (0, 3, 1)}, null=True, options={}) == {"null": True}
    assert deconstructed(JSON, {"django-pgjson": (0, 2, 2)}, null=False, verbose_name="v") == {"verbose_name": "v"}
    # no pin: 0.2 and 0.3 differ on ``options``, so nothing is decided
    assert deconstructed(JSON, {}, null=False) == {"null": False}


PICKLED = "picklefield.fields.PickledObjectField"


def test_picklefield_editable_false_and_its_own_arguments_by_release():
    # 0.3.2 - 2.1: __init__ pops compress/protocol/copy, sets editable=False; Field.deconstruct() writes it
    assert deconstructed(PICKLED, {"django-picklefield": (0, 3, 2)}, null=True, blank=True, compress=True) == {
        "null": True, "blank": True, "editable": False}
    assert deconstructed(PICKLED, {"django-picklefield": (2, 1)}, editable=True) == {}
    # 3.0+: compress written when true; protocol compared with a setting's default: not decided
    assert deconstructed(PICKLED, {"django-picklefield": (3, 1)}, compress=True, copy=False) == {
        "editable": False, "compress": True}
    assert deconstructed(PICKLED, {"django-picklefield": (3, 1)}, protocol=2) == {"protocol": 2}
    assert deconstructed(PICKLED, {}, null=True) == {"null": True}  # no pin: the releases differ


def test_what_a_rule_cannot_decide_stays_as_written():
    unread = Opaque("DEFAULT_TAGS", "models.py", 3)
    assert deconstructed(ARRAY, {"djorm-pgarray": (1, 2)}, null=unread) == {"null": unread}
    positional = {"*args": ("text",), "null": False}
    assert deconstructed(ARRAY, {"djorm-pgarray": (1, 2)}, **positional) == positional
    assert deconstructed("djorm_pgarray.fields.Unknown", {"djorm-pgarray": (1, 2)}, null=False) == {"null": False}
    assert deconstructed(ARRAY, {"djorm-pgarray": (0, 9)}, null=False) == {"null": False}  # before any rule


# -- a whole project: the library is not installed -------------------------------------------------------------
MODELS = '''\
from django.db import models
from djorm_pgarray.fields import TextArrayField
from django_pgjson.fields import JsonField


class Issue(models.Model):
    tags = TextArrayField(null=False, blank=True, default=[], verbose_name="tags")
    colors = TextArrayField(dbtype="text", dimension=2, null=False, blank=True, default=[])
    refs = TextArrayField(null=True, blank=True, default=None)
    data = JsonField(null=False, blank=False, default={}, verbose_name="data")
    extra = JsonField(null=True, blank=True)
'''
# what makemigrations of Django 1.8 with djorm-pgarray 1.2 and django-pgjson 0.3.1 writes for MODELS
MIGRATION = '''\
from django.db import migrations, models
import djorm_pgarray.fields
import django_pgjson.fields


class Migration(migrations.Migration):

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Issue',
            fields=[
                ('id', models.AutoField(verbose_name='ID', serialize=False, auto_created=True, primary_key=True)),
                ('tags', djorm_pgarray.fields.TextArrayField(dbtype='text', default=[], null=False, verbose_name='tags')),
                ('colors', djorm_pgarray.fields.TextArrayField(dbtype='text', dimension=2, default=[], null=False)),
                ('refs', djorm_pgarray.fields.TextArrayField(dbtype='text')),
                ('data', django_pgjson.fields.JsonField(default={}, verbose_name='data')),
                ('extra', django_pgjson.fields.JsonField(null=True, blank=True)),
            ],
        ),
    ]
'''


def project(root: Path, pins: str) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "config" / "__init__.py").write_text("")
    (root / "config" / "settings.py").write_text(
        "from mgen_fixture_settings import *  # noqa: F403\n\nINSTALLED_APPS = ['tracker']\n")
    (root / "manage.py").write_text((COMMON / "manage.py").read_text())
    (root / "tracker" / "migrations").mkdir(parents=True)
    (root / "tracker" / "__init__.py").write_text("")
    (root / "tracker" / "migrations" / "__init__.py").write_text("")
    (root / "tracker" / "models.py").write_text(MODELS)
    (root / "tracker" / "migrations" / "0001_initial.py").write_text(MIGRATION)
    (root / "requirements.txt").write_text(pins)
    return root


PINS = "Django==1.8.6\ndjango-pgjson==0.3.1\ndjorm-pgarray==1.2\npsycopg2==2.6\n"


def test_the_history_is_in_sync_with_the_models(tmp_path, capsys):
    root = project(tmp_path / "p", PINS)
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out, out


def test_without_the_rules_the_arguments_read_as_changes(tmp_path, capsys):
    # django-pgjson unpinned: 0.2 and 0.3 differ, so its fields stay as written (the model's null=False,
    # blank=False are not in the migration: a change mgen cannot rule out)
    root = project(tmp_path / "p", "Django==1.8.6\ndjorm-pgarray==1.2\n")
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "AlterField issue.data" in out, out
    assert "AlterField issue.tags" not in out, out  # every djorm-pgarray release deconstructs alike


@pytest.mark.parametrize(("edit", "written"), [
    ('tags = TextArrayField(null=True, blank=True, default=[], verbose_name="tags")',
     "djorm_pgarray.fields.TextArrayField(dbtype='text', default=[], verbose_name='tags')"),
    ('tags = TextArrayField(null=False, blank=False, default=[], verbose_name="tags")',
     "djorm_pgarray.fields.TextArrayField(blank=False, dbtype='text', default=[], null=False, verbose_name='tags')"),
    ('data = JsonField(null=True, blank=False, default={}, verbose_name="data")',
     "django_pgjson.fields.JsonField(default={}, null=True, verbose_name='data')"),
])
def test_a_real_change_is_an_alter_field_written_as_the_library_writes_it(tmp_path, capsys, edit, written):
    root = project(tmp_path / "p", PINS)
    models = root / "tracker" / "models.py"
    name = edit.split(" = ")[0]
    lines = [edit if line.strip().startswith(f"{name} = ") else line for line in MODELS.splitlines()]
    models.write_text("\n".join(line if not line.strip().startswith(f"{name} = ") else "    " + edit
                                for line in lines) + "\n")
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert f"AlterField issue.{name}" in out, out
    assert written in out, out
    assert out.count("migrations.AlterField(") == 1, out


def test_the_pins_reach_the_states(tmp_path):
    from mgen.frameworks.django.project import load_project

    root = project(tmp_path / "p", PINS)
    loaded = load_project(root)
    assert loaded.settings[LIBRARIES_KEY] == {"django-pgjson": (0, 3, 1), "djorm-pgarray": (1, 2)}
