"""A project folder that is itself a package of the repository (wagtail's ``wagtail/test``: ``manage.py`` there,
its apps installed as ``wagtail.test.customuser``), whose migration imports a field class relatively (``from
..fields import CodeField``). Django's loader imports the migration as ``<app>.migrations.<name>``, so the
field's path is the app's (``pkg.site.accounts.fields.CodeField``), as in the models: no change. And a
third-party tag manager (django-taggit's ``TaggableManager``, not installed here) given ``through="Model"``
of its own app: its ``deconstruct()`` names the model with its app label. Judged by Django's
``makemigrations --check`` and ``migrate`` forward and back."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"

FIELDS = """\
from django.db import models


class CodeField(models.IntegerField):
    pass
"""
MODELS = """\
from django.db import models

from .fields import CodeField


class Account(models.Model):
    code = CodeField(primary_key=True)
    name = models.CharField(max_length=20)
%s"""
MIGRATION = """\
from django.db import migrations, models

from ..fields import CodeField


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Account", fields=[
            ("code", CodeField(serialize=False, primary_key=True)),
            ("name", models.CharField(max_length=20)),
        ]),
    ]
"""
MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkg.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


def _manage(site: Path, repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(COMMON), str(repo)]), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=site, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _project(tmp_path: Path) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    site = repo / "pkg" / "site"
    app = site / "accounts"
    (app / "migrations").mkdir(parents=True)
    for package in (repo / "pkg", site, app, app / "migrations"):
        (package / "__init__.py").write_text("")
    (site / "manage.py").write_text(MANAGE)
    (repo / ".git").mkdir()  # the repository, developed as a package (mgen's roots: the flat layout above)
    (repo / "setup.py").write_text("from setuptools import setup\n\nsetup(name='pkg', packages=['pkg'])\n")
    (site / "settings.py").write_text("from mgen_fixture_settings import *  # noqa: F403\n\n"
                                      "INSTALLED_APPS = ['pkg.site.accounts']\n"
                                      "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n")
    (app / "fields.py").write_text(FIELDS)
    (app / "models.py").write_text(MODELS % "")
    (app / "migrations" / "0001_initial.py").write_text(MIGRATION)
    return repo, site


def test_a_relative_import_in_a_migration_names_the_app_s_module(tmp_path: Path):
    repo, site = _project(tmp_path)
    assert _manage(site, repo, "makemigrations", "--check", "--dry-run").returncode == 0
    assert not generate(site, name=None, dry_run=True).operations  # not an AlterField of customuser.fields...
    (site / "accounts" / "models.py").write_text(MODELS % "    rank = models.IntegerField(default=0)\n")
    result = generate(site, name=None)
    assert result.operations == {"accounts": ["accounts: AddField account.rank"]}, result.operations
    check = _manage(site, repo, "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stdout + check.stderr
    for args in (["migrate", "-v0"], ["migrate", "accounts", "0001", "-v0"], ["migrate", "-v0"]):
        done = _manage(site, repo, *args)
        assert done.returncode == 0, done.stdout + done.stderr


TAGGED = """\
from django.db import models
from taggit.managers import TaggableManager


class Post(models.Model):
    tags = TaggableManager(through="TaggedPost", blank=True)


class TaggedPost(models.Model):
    content_object = models.ForeignKey(Post, on_delete=models.CASCADE)
"""
TAGGED_MIGRATION = """\
from django.db import migrations, models
import taggit.managers


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Post", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ]),
        migrations.CreateModel(name="TaggedPost", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("content_object", models.ForeignKey(on_delete=models.deletion.CASCADE, to="blog.post")),
        ]),
        migrations.AddField(model_name="post", name="tags", field=taggit.managers.TaggableManager(
            blank=True, help_text="A comma-separated list of tags.", through="blog.TaggedPost", to="taggit.Tag",
            verbose_name="Tags")),
    ]
"""


def test_a_tag_manager_s_through_of_its_own_app_is_labelled(tmp_path: Path):
    # django-taggit is not installed here, so Django cannot judge this one: the migration is written as the
    # manager's deconstruct() gives it (``through`` as "app_label.Model"), which wagtail's own test project
    # holds for ``ClusterTaggableManager(through="BlogEntryPageTag")``
    sys.path.insert(0, str(COMMON))
    import djharness as h

    root = h.write_project(tmp_path / "proj", {"blog": {"0001_initial": TAGGED_MIGRATION}}, {"blog": TAGGED})
    assert not generate(root, name=None, dry_run=True).operations
    (root / "blog" / "models.py").write_text(TAGGED.replace('through="TaggedPost"', 'through="TaggedOther"')
                                             + "\n\nclass TaggedOther(models.Model):\n    pass\n")
    ops = generate(root, name=None, dry_run=True).operations
    assert ops == {"blog": ["blog: CreateModel TaggedOther", "blog: AlterField post.tags"]}, ops
