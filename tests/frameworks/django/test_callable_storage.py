"""``FileField(storage=<function>)`` by the Django the project allows (``callable_storage``, issue #12).

Django 3.1 - 4.1 wrote a callable storage in a migration only when the storage it returned was not
``default_storage`` (``FileField.deconstruct``: ``if self.storage is not default_storage``), so a migration
written then may lack it while the model passes it; 4.2 writes the callable always (ticket #34192). The
installed Django (5.2) is the judge of the second; the first is what mgen cannot tell statically: the
migrations' value is kept, with a note.
"""
from __future__ import annotations

import sys
from pathlib import Path

from mgen.frameworks.django.callable_storage import _allowed
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

MIGRATION = '''
from django.db import migrations, models
import pages.models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Doc", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("file", models.FileField(upload_to=pages.models.upload_path)),
        ]),
    ]
'''

MODELS = '''from django.core.files.storage import default_storage
from django.db import models


def upload_path(instance, filename):
    return filename


def doc_storage():
    return default_storage


class Doc(models.Model):
    file = models.FileField(upload_to=upload_path, storage=doc_storage)
'''


def project(tmp_path: Path, requirement: str) -> Path:
    root = h.write_project(tmp_path / "proj", {"pages": {"0001_initial": MIGRATION}}, {"pages": MODELS})
    (root / "requirements.txt").write_text(requirement + "\n")
    return root


def test_under_django_before_4_2_a_storage_function_is_kept_as_the_migrations_have_it(tmp_path: Path):
    root = project(tmp_path, "Django>=3.2,<4.2")
    result = generate(root, name=None, dry_run=True)
    assert not result.operations
    assert any("pages.doc.file: storage=pages.models.doc_storage is a function; Django before 4.2" in n
               for n in result.notes), result.notes


def test_under_django_4_2_on_it_is_compared_as_django_does(tmp_path: Path):
    root = project(tmp_path, "Django>=4.2")
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 1
    assert generate(root, name=None).operations == {"pages": ["pages: AlterField doc.file"]}
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0


def test_a_bound_of_a_major_version_only_is_read_as_its_first_minor(tmp_path: Path):
    """``Django>=2.2,<3``: below 3.0, so before 3.1, where a callable storage did not exist; the function is
    compared as written (an exit 3 once: the bound's missing minor)."""
    root = project(tmp_path, "Django>=2.2,<3")
    result = generate(root, name=None, dry_run=True)
    assert result.operations == {"pages": ["pages: AlterField doc.file"]}
    assert not any("storage=" in n for n in result.notes), result.notes
    assert _allowed(root) == ((2, 2), (2, 99))
