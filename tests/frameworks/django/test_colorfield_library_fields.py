"""django-colorfield's ``ColorField`` when the library is not installed (``library_fields``): its arguments as
the pinned release's ``__init__`` and ``deconstruct()`` give them (first met in Kiwi TCMS, which pinned 0.1.15
to 0.14.0 over its history).

The judge is the library's source at the releases named in the rule (``colorfield/fields.py``): 0.1.15 sets
``max_length = 18``; 0.2.0 - 0.2.2 default it to 18 and ``default`` to '#FFFFFF'; 0.3.0 - 0.3.2 default
``default`` to None when ``null`` (``blank`` True), to '' when ``blank``; 0.4.0 - 0.4.5 pop ``format`` (the
default by format, never written); 0.5.0 pops ``samples`` and writes it back; 0.6.0 - 0.10.0 also
``image_field`` (``blank`` True when given); 0.10.1 - 0.14.0 default ``max_length`` to 25.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from mgen.frameworks.django.library_fields import library_field
from mgen.frameworks.django.state import FieldState, Opaque
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
COLOR = "colorfield.fields.ColorField"


def deconstructed(pin: tuple[int, ...] | None, **kw) -> dict:
    pins = {"django-colorfield": pin} if pin else {}
    return library_field(FieldState("color", COLOR, kw, ""), pins).kwargs


@pytest.mark.parametrize(("pin", "expected"), [
    ((0, 1, 15), {"max_length": 18}),
    ((0, 2, 2), {"max_length": 18, "default": "#FFFFFF"}),
    ((0, 3, 2), {"max_length": 18, "default": "#FFFFFF"}),
    ((0, 4, 5), {"max_length": 18, "default": "#FFFFFF"}),
    ((0, 5, 0), {"max_length": 18, "default": "#FFFFFF", "samples": None}),
    ((0, 7, 2), {"max_length": 18, "default": "#FFFFFF", "samples": None, "image_field": None}),
    ((0, 10, 0), {"max_length": 18, "default": "#FFFFFF", "samples": None, "image_field": None}),
    ((0, 14, 0), {"max_length": 25, "default": "#FFFFFF", "samples": None, "image_field": None}),
])
def test_a_bare_color_field_by_release(pin, expected):
    assert deconstructed(pin) == expected


def test_null_blank_format_and_image_field():
    assert deconstructed((0, 2, 2), null=True) == {"max_length": 18, "default": "#FFFFFF", "null": True}
    assert deconstructed((0, 3, 0), null=True) == {"max_length": 18, "default": None, "null": True, "blank": True}
    assert deconstructed((0, 3, 0), blank=True) == {"max_length": 18, "default": "", "blank": True}
    assert deconstructed((0, 4, 0), format="hexa") == {"max_length": 18, "default": "#FFFFFFFF"}
    assert deconstructed((0, 11, 0), format="rgb", samples=[("#000", "black")]) == {
        "max_length": 25, "default": "rgb(255, 255, 255)", "samples": [("#000", "black")], "image_field": None}
    assert deconstructed((0, 6, 0), image_field="logo") == {
        "max_length": 18, "default": "", "blank": True, "samples": None, "image_field": "logo"}


def test_idempotent_on_what_a_migration_holds():
    held = {"default": "#FFFFFF", "image_field": None, "max_length": 18, "samples": None}
    assert deconstructed((0, 7, 2), **held) == held
    assert deconstructed((0, 7, 2), max_length=18) == held  # an older release's migration, read by 0.7.2


def test_what_the_rule_cannot_decide_stays_as_written():
    assert deconstructed(None) == {}  # no pin: the releases differ
    assert deconstructed((0, 7, 2), format=Opaque("FMT")) == {"format": Opaque("FMT")}
    assert deconstructed((0, 7, 2), format="cmyk") == {"format": "cmyk"}


INITIAL = """\
import colorfield.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name='Status', fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('color', colorfield.fields.ColorField(max_length=18)),
        ]),
    ]
"""
MODELS = """\
from colorfield.fields import ColorField
from django.db import models


class Status(models.Model):
    color = ColorField()


class Severity(models.Model):
    color = ColorField()
"""


def test_a_new_model_is_written_as_the_pinned_release_deconstructs(tmp_path: Path):
    """A history written under 0.1.15 and models read under 0.7.2: the old field is unchanged (both sides go
    through 0.7.2's ``__init__``, as in Django), the new model's field has 0.7.2's arguments."""
    import sys
    sys.path.insert(0, str(COMMON))
    import djharness as h

    root = h.write_project(tmp_path / "proj", {"shop": {"0001_initial": INITIAL}}, models={"shop": MODELS})
    (root / "requirements.txt").write_text("Django==3.2.25\ndjango-colorfield==0.7.2\n")
    result = generate(root, name=None, dry_run=True)
    assert result.operations == {"shop": ["shop: CreateModel Severity"]}
    (text,) = result.files.values()
    assert "colorfield.fields.ColorField(default='#FFFFFF', image_field=None, max_length=18, samples=None)" in text
