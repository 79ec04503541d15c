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


NOTES = """\


class Note(Stamped):
    title = models.CharField(max_length=20, default='untitled', help_text='A title', verbose_name=_('Title'))
    owner = models.ForeignKey('Product', related_name='notes', db_column='owner', on_delete=models.CASCADE)

    class Meta:
        verbose_name = 'Product note'
        unique_together = ('title', 'owner')
"""


def test_a_python2_projects_byte_strings_are_written_as_its_django_wrote_them(tmp_path):
    """Django 1.x on Python 2 kept a field's str arguments as given: a module without ``unicode_literals`` gave
    byte strings, written ``b'...'`` (``help_text``, ``default``, ``db_column``); it made text of a translation,
    of ``related_name`` (``force_text`` when the field joins its model) and of the Meta options (the project's
    own migrations of that time show ``'db_table': 'x'``, ``unique_together=set([('a', 'b')])`` beside
    ``db_column=b'x'``). A module with ``unicode_literals`` gave text. The second run reads the ``b'...'`` back
    as the text it equals and writes nothing; a run on the warm cache writes the same text."""
    root = _project(tmp_path)
    (root / "setup.py").write_text(SETUP % "")
    package = root / "shop" / "models"
    models = MODELS.replace("from django.db import models\n", "from django.db import models\n"
                            "from django.utils.translation import ugettext_lazy as _\n") % ("", "") + NOTES
    (package / "__init__.py").write_text(models)
    first = generate(root, name=None, dry_run=True)
    (text,) = first.files.values()
    for spelled in ("default=b'untitled'", "help_text=b'A title'", "verbose_name='Title'", "db_column=b'owner'",
                    "related_name='notes'", "'verbose_name': 'Product note'", "'unique_together': {('title', 'owner')}",
                    "verbose_name=b'Created at'", "verbose_name='ID'"):  # base.py's byte string; Django's own text
        assert spelled in text, (spelled, text)
    def body(files):  # the header names the minute it was written: a slow run crosses one
        return {path: text.split("\n", 1)[1] for path, text in files.items()}

    assert body(generate(root, name=None, dry_run=True).files) == body(first.files)  # the models cache keeps them
    (package / "__init__.py").write_text("from __future__ import unicode_literals\n" + models)
    (text,) = generate(root, name=None, dry_run=True).files.values()
    assert "help_text='A title'" in text and "db_column='owner'" in text and "verbose_name=b'Created at'" in text
    generate(root, name=None)
    assert not generate(root, name=None, dry_run=True).operations
