"""A project's field class whose ``__init__`` only passes its parameters on, with defaults of its own
(``passthrough_init``): read as its Django base built with those arguments, not as an opaque field.

Judged by Django (5.2, installed here): ``makemigrations --check`` of each project below, and the migration its
``makemigrations`` writes, against what mgen says and writes.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.cli import main
from mgen.frameworks.django.passthrough_init import init_shape

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"


def shape(source: str):
    cls = ast.parse(source).body[0]
    return init_shape(cls.body[0], cls.name)


def test_the_shape_of_a_pass_through_init():
    s = shape("class J(B):\n    def __init__(self, verbose_name=None, name=None, encoder=E, **kwargs):\n"
              "        super().__init__(verbose_name, name, encoder, **kwargs)\n")
    assert s is not None
    got = s.passed(("data",), {"null": True}, lambda node: ast.unparse(node))
    assert got == (("data", "None", "E"), {"null": True})  # the defaults, evaluated
    assert s.passed((), {"encoder": "X"}, lambda node: None) == ((None, None, "X"), {})
    with pytest.raises(ValueError):
        s.passed(("a", "b", "c", "d"), {}, lambda node: None)
    with pytest.raises(ValueError):
        s.passed(("a",), {"verbose_name": "b"}, lambda node: None)
    s = shape("class J(B):\n    def __init__(self, *args, size=3, **kwargs):\n"
              "        super(J, self).__init__(*args, size=size, **kwargs)\n")
    assert s is not None and s.passed((1, 2), {}, lambda node: 3) == ((1, 2), {"size": 3})


@pytest.mark.parametrize("body", [
    "kwargs['blank'] = True\n        super().__init__(verbose_name, **kwargs)",  # a change before the call
    "super().__init__(verbose_name or 'x', **kwargs)",  # an argument computed
    "super().__init__(**kwargs)",  # a parameter dropped
    "super().__init__(verbose_name, verbose_name, **kwargs)",  # passed twice
    "super().__init__(verbose_name)",  # **kwargs swallowed
    "B.__init__(self, verbose_name, **kwargs)",  # a named base: not checked to be the base
    "super(Other, self).__init__(verbose_name, **kwargs)",
])
def test_anything_else_is_not_a_pass_through(body):
    assert shape(f"class J(B):\n    def __init__(self, verbose_name=None, **kwargs):\n        {body}\n") is None


FIELDS = '''\
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class JSONField(models.JSONField):
    def __init__(self, verbose_name=None, name=None, encoder=DjangoJSONEncoder, **kwargs):
        super().__init__(verbose_name, name, encoder, **kwargs)


class ForcedJSONField(models.JSONField):
    def __init__(self, *args, **kwargs):
        kwargs["blank"] = True
        super().__init__(*args, **kwargs)
'''
MODELS = '''\
from django.db import models

from .fields import JSONField


class Hook(models.Model):
    data = JSONField(null=False, blank=False, verbose_name="data")
    headers = JSONField("headers", null=False, blank=False, default=dict)
'''
# what Django 5.2's makemigrations writes for MODELS (DEFAULT_AUTO_FIELD AutoField)
MIGRATION = '''\
import django.core.serializers.json
import tracker.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Hook',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('data', tracker.fields.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='data')),
                ('headers', tracker.fields.JSONField(default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='headers')),
            ],
        ),
    ]
'''


def project(root: Path) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "config" / "__init__.py").write_text("")
    (root / "config" / "settings.py").write_text(
        "from mgen_fixture_settings import *  # noqa: F403\n\n"
        "INSTALLED_APPS = ['tracker']\nDEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\n")
    (root / "manage.py").write_text((COMMON / "manage.py").read_text())
    (root / "tracker" / "migrations").mkdir(parents=True)
    (root / "tracker" / "__init__.py").write_text("")
    (root / "tracker" / "migrations" / "__init__.py").write_text("")
    (root / "tracker" / "fields.py").write_text(FIELDS)
    (root / "tracker" / "models.py").write_text(MODELS)
    (root / "tracker" / "migrations" / "0001_initial.py").write_text(MIGRATION)
    return root


def django(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(COMMON), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "manage.py", "makemigrations", *args], check=False, cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_history_django_wrote_is_in_sync(tmp_path, capsys):
    root = project(tmp_path / "p")
    checked = django(root, "--check", "--dry-run")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out, out
    assert "read as written" not in out, out  # not opaque: its column is JSONField's


def test_a_new_field_is_written_as_django_writes_it(tmp_path, capsys):
    root = project(tmp_path / "p")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text() + "    extra = JSONField(null=True, blank=True)\n")
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    wrote = django(root, "--dry-run", "-v", "3").stdout
    line = "field=tracker.fields.JSONField(blank=True, encoder=django.core.serializers.json.DjangoJSONEncoder, " \
           "null=True)"
    assert line in wrote, wrote
    assert line in out, out


def test_a_change_of_a_passed_argument_is_a_change(tmp_path, capsys):
    root = project(tmp_path / "p")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text().replace('null=False, blank=False, verbose_name="data"',
                                                 'null=True, blank=False, verbose_name="data"'))
    assert django(root, "--check", "--dry-run").returncode == 1
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "AlterField hook.data" in out and "AlterField hook.headers" not in out, out


def test_an_init_that_changes_its_arguments_stays_opaque(tmp_path, capsys):
    root = project(tmp_path / "p")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text().replace("from .fields import JSONField",
                                                 "from .fields import ForcedJSONField, JSONField")
                      + "    forced = ForcedJSONField(null=True)\n")
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "tracker.fields.ForcedJSONField overrides __init__()" in out, out


# -- an opaque class whose overrides mgen reads: the arguments they never touch follow the base's rules -----
def mentioned(source: str):
    from mgen.frameworks.django.passthrough_init import mentioned_arguments

    return mentioned_arguments(ast.parse(source).body[0])


def test_the_arguments_an_override_can_touch():
    got = mentioned("def __init__(self, verbose_name=None, encoder=None, **kwargs):\n"
                    "    kwargs.setdefault('blank', True)\n    super().__init__(verbose_name, **kwargs)\n"
                    "    self.encoder = encoder\n")
    assert {"verbose_name", "encoder", "blank"} <= got and "null" not in got
    got = mentioned("def deconstruct(self):\n    name, path, args, kwargs = super().deconstruct()\n"
                    "    del kwargs['editable']\n    return name, path, args, kwargs\n")
    assert "editable" in got and "null" not in got
    for body in ("for key in list(kwargs):\n        kwargs.pop(key)", "kwargs.update(self.extra)",
                 "key = 'x'\n    kwargs[key] = 1", "self.saved = kwargs"):
        assert mentioned(f"def __init__(self, **kwargs):\n    {body}\n    super().__init__(**kwargs)\n") is None


CHECKED = '''

class CheckedJSONField(models.JSONField):
    def __init__(self, verbose_name=None, name=None, encoder=None, **kwargs):
        if encoder and not callable(encoder):
            raise ValueError("The encoder parameter must be a callable object.")
        super().__init__(verbose_name, name, **kwargs)
        self.encoder = encoder

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not None:
            kwargs["encoder"] = self.encoder
        return name, path, args, kwargs


class GreedyJSONField(models.JSONField):
    def __init__(self, *args, **kwargs):
        for key in ("null", "blank"):
            kwargs.pop(key, None)
        super().__init__(*args, **kwargs)
'''


def checked_project(root: Path) -> Path:
    project(root)
    (root / "tracker" / "fields.py").write_text(FIELDS + CHECKED)
    (root / "tracker" / "models.py").write_text(MODELS.replace("from .fields import JSONField",
                                                               "from .fields import CheckedJSONField, JSONField")
                                                + '    checked = CheckedJSONField(null=False, blank=False, '
                                                  'default=dict, verbose_name="checked")\n')
    migration = root / "tracker" / "migrations" / "0001_initial.py"
    migration.write_text(migration.read_text().replace(
        "            ],\n", "                ('checked', tracker.fields.CheckedJSONField(default=dict, "
        "verbose_name='checked')),\n            ],\n"))
    return root


def test_arguments_no_override_touches_follow_the_base(tmp_path, capsys):
    root = checked_project(tmp_path / "p")
    checked = django(root, "--check", "--dry-run")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out, out
    assert "CheckedJSONField overrides __init__()" in out, out  # still opaque: read as written


def test_a_change_of_such_an_argument_is_a_change(tmp_path, capsys):
    root = checked_project(tmp_path / "p")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text().replace("CheckedJSONField(null=False", "CheckedJSONField(null=True"))
    assert django(root, "--check", "--dry-run").returncode == 1
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "AlterField hook.checked" in out and "null=True" in out, out


def test_an_override_that_may_touch_any_argument_keeps_them_as_written(tmp_path, capsys):
    root = checked_project(tmp_path / "p")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text().replace("CheckedJSONField(null=False", "GreedyJSONField(null=False")
                      .replace("import CheckedJSONField", "import GreedyJSONField"))
    migration = root / "tracker" / "migrations" / "0001_initial.py"
    migration.write_text(migration.read_text().replace("CheckedJSONField", "GreedyJSONField"))
    # its __init__ pops null and blank before Field sees them (consumed.py reads that loop): Django's
    # deconstruct() never gives them, so makemigrations sees no change, and neither does mgen
    assert django(root, "--check", "--dry-run").returncode == 0
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out and "GreedyJSONField overrides __init__()" in out, out
