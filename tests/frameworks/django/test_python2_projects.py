"""A project that runs on Python 2 (its ``setup.py`` classifiers name Python 2 and not 3; first met in Kiwi
TCMS 2017): its migrations hold ``b'...'`` where Django 1.x on Python 2 wrote a native str, equal there to
the models' text; and ``from fields import CodeField`` in a package is the package's own ``fields`` module
(Python 2's implicit relative import). Judged by Django: the Python 3 spelling of the same project
(``from .fields import ...``, text strings) is what ``makemigrations --check`` finds in sync; the same
migrations with ``b'...'`` read on Python 3 are not (Django reports the change), and neither is mgen."""
from __future__ import annotations

import sys
from pathlib import Path

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

FIELDS = """\
from django.db import models


class CodeField(models.CharField):
    pass
"""
BASE = """\
from django.db import models


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True, verbose_name='Created at')

    class Meta:
        abstract = True
"""
MODELS = """\
from django.db import models

from %sbase import Stamped
from %sfields import CodeField


class Product(Stamped):
    code = CodeField(max_length=8, db_column='product_code', help_text='The code')
"""
SETUP = """\
from setuptools import setup

setup(name='shop', classifiers=[
    'Programming Language :: Python :: 2',
    'Programming Language :: Python :: 2.7',%s
])
"""


def _project(tmp_path: Path) -> Path:
    root = h.write_project(tmp_path / "proj", {"shop": {}})
    (root / "shop" / "models.py").unlink()
    package = root / "shop" / "models"
    package.mkdir()
    (package / "fields.py").write_text(FIELDS)
    (package / "base.py").write_text(BASE)
    (package / "__init__.py").write_text(MODELS % (".", "."))
    h.manage(root, "makemigrations", "shop", "--noinput", "-v0")
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    migration = root / "shop" / "migrations" / "0001_initial.py"
    text = migration.read_text()
    for value in ("'Created at'", "'product_code'", "'The code'"):  # as Django 1.x on Python 2 wrote them
        assert value in text
        text = text.replace(value, "b" + value)
    migration.write_text(text)
    return root


def test_a_python2_project_reads_as_python2_ran_it(tmp_path):
    root = _project(tmp_path)
    (root / "shop" / "models" / "__init__.py").write_text(MODELS % ("", ""))  # implicit relative imports
    (root / "setup.py").write_text(SETUP % "")
    assert not generate(root, name=None, dry_run=True).operations
    models = root / "shop" / "models" / "__init__.py"
    models.write_text(models.read_text().replace("help_text='The code'", "help_text='The product code'"))
    assert generate(root, name=None, dry_run=True).operations == {"shop": ["shop: AlterField product.code"]}


def test_on_python3_the_bytes_differ_as_django_says(tmp_path):
    root = _project(tmp_path)
    check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert check.returncode == 1, check.stdout + check.stderr  # Django on Python 3: b'...' is not the text
    for setup in ("", SETUP % "\n    'Programming Language :: Python :: 3',"):
        if setup:
            (root / "setup.py").write_text(setup)
        ops = generate(root, name=None, dry_run=True).operations
        assert sorted(ops["shop"]) == ["shop: AlterField product.code", "shop: AlterField product.created"], ops
