"""A project field class that takes arguments for itself (wagtail's ``StreamField(blocks, min_num=2,
use_json_field=False)``, ``RichTextField(features=[...])``): what its ``__init__`` consumes never reaches
``deconstruct()``, so Django's migrations do not hold it and ``makemigrations`` sees no change when it
changes; what ``deconstruct`` puts back (``use_json_field``) is compared. Django writes the migrations and
judges; and a relation to a model of an installed app mgen finds nowhere (taggit) is no refusal."""
from __future__ import annotations

import sys
from pathlib import Path

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

FIELDS = '''from django.db import models


class StreamishField(models.TextField):
    def __init__(self, block_types, use_json_field=None, **kwargs):
        self.block_opts = {}
        for arg in ["min_num", "max_num"]:
            if arg in kwargs:
                self.block_opts[arg] = kwargs.pop(arg)
        super().__init__(**kwargs)
        self.use_json_field = use_json_field
        self.block_types = block_types

    def deconstruct(self):
        name, path, _, kwargs = super().deconstruct()
        args = [self.block_types]
        kwargs["use_json_field"] = self.use_json_field
        return name, path, args, kwargs


class RichField(models.TextField):
    def __init__(self, *args, **kwargs):
        self.features = kwargs.pop("features", None)
        super().__init__(*args, **kwargs)


class LabelledField(models.CharField):
    def __init__(self, verbose_name=None, **kwargs):
        super().__init__(verbose_name, **kwargs)
'''

MODELS = '''from django.db import models

from .fields import LabelledField, RichField, StreamishField


class Page(models.Model):
    body = StreamishField([("text", "char")], min_num=2, max_num=5)
    other = StreamishField([("text", "char")], use_json_field=True)
    intro = RichField(features=["bold"], blank=True)
    label = LabelledField(verbose_name="Label", max_length=12)
'''


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_consumed_arguments_are_not_compared_and_the_rest_is(tmp_path):
    project = h.write_project(tmp_path / "proj", {"pages": {}}, {"pages": MODELS})
    (project / "pages" / "fields.py").write_text(FIELDS)
    h.manage(project, "makemigrations", "pages", "-v0")
    assert "min_num" not in next((project / "pages" / "migrations").glob("0001_*.py")).read_text()
    assert not generate(project, name=None, dry_run=True).operations

    models = project / "pages" / "models.py"
    edit(models, "min_num=2, max_num=5", "min_num=3")  # Django sees no change either
    edit(models, 'features=["bold"]', 'features=["italic"]')
    assert not generate(project, name=None, dry_run=True).operations
    assert h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode == 0

    edit(models, "use_json_field=True)", "use_json_field=False)")  # put back by deconstruct: a change
    edit(models, "blank=True", "blank=False")
    edit(models, 'verbose_name="Label"', 'verbose_name="Name"')  # handed on to Field.__init__: compared
    ops = generate(project, name=None, dry_run=True).operations
    assert sorted(ops["pages"]) == ["pages: AlterField page.intro", "pages: AlterField page.label",
                                    "pages: AlterField page.other"], ops
    assert h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode == 1


def test_a_relation_to_a_model_of_an_app_mgen_finds_nowhere_is_no_refusal(tmp_path):
    project = h.write_project(tmp_path / "proj", {"pages": {"0001_initial": '''
        from django.db import migrations, models
        import django.db.models.deletion


        class Migration(migrations.Migration):
            initial = True
            dependencies = [("mgenmissingtags", "0001_initial")]
            operations = [
                migrations.CreateModel(name="Page", fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("tag", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="mgenmissingtags.tag")),
                ]),
            ]
        '''}}, {"pages": '''from django.db import models


class Page(models.Model):
    tag = models.ForeignKey("mgenmissingtags.Tag", on_delete=models.CASCADE)
    title = models.CharField(max_length=5, default="")
'''})
    settings = project / "config" / "settings.py"
    edit(settings, "INSTALLED_APPS = ['pages']", "INSTALLED_APPS = ['pages', 'mgenmissingtags']")
    result = generate(project, name=None, dry_run=True, dialect="sqlite")  # judged: the tables are built
    assert result.operations == {"pages": ["pages: AddField page.title"]}
