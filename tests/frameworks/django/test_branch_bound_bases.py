"""A field class whose base is bound in every branch of a module-level ``if`` (first met in django-allauth
2015: ``if django.VERSION < (1, 8): JSONFieldBase = six.with_metaclass(models.SubfieldBase,
models.TextField) else: JSONFieldBase = models.TextField``): every branch gives the same class, so the field
is that class whichever branch runs. Branches that disagree stay a refusal naming the field. Judged by
Django's ``makemigrations --check`` and ``migrate``."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

FIELDS = """\
import django
from django.db import models


class Meta(type(models.TextField)):
    pass


if django.VERSION < (1, 8):
    JSONFieldBase = models.TextField
elif django.VERSION < (2, 0):
    JSONFieldBase = Meta('JSONFieldBase', (models.TextField,), {})
else:
    JSONFieldBase = %s


class JSONField(JSONFieldBase):
    pass
"""
MODELS = """\
from django.db import models

from .fields import JSONField


class Account(models.Model):
    extra = JSONField(default='{}')
%s"""


def _project(tmp_path: Path, last_branch: str) -> Path:
    root = h.write_project(tmp_path / "proj", {"social": {}}, models={"social": MODELS % ""})
    (root / "social" / "fields.py").write_text(FIELDS % "models.TextField")
    h.manage(root, "makemigrations", "social", "--noinput", "-v0")
    (root / "social" / "fields.py").write_text(FIELDS % last_branch)
    return root


def test_a_base_every_branch_binds_alike_is_that_class(tmp_path):
    # the elif's value is a call (a class built at run time): that branch is not read, so this refuses ...
    root = _project(tmp_path, "models.TextField")
    with pytest.raises(MgenError, match="JSONField"):
        generate(root, name=None, dry_run=True)
    # ... and once each branch names the class, it is read
    (root / "social" / "fields.py").write_text(FIELDS.replace(
        "Meta('JSONFieldBase', (models.TextField,), {})", "models.TextField") % "models.TextField")
    assert not generate(root, name=None, dry_run=True).operations
    (root / "social" / "models.py").write_text(MODELS % "    more = JSONField(null=True)\n")
    written = generate(root, name=None)
    assert written.operations == {"social": ["social: AddField account.more"]}, written.operations
    check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    h.manage(root, "migrate", "-v0")
    h.manage(root, "migrate", "social", "0001", "-v0")


def test_branches_that_disagree_stay_unknown(tmp_path):
    root = _project(tmp_path, "models.CharField")
    (root / "social" / "fields.py").write_text(FIELDS.replace(
        "Meta('JSONFieldBase', (models.TextField,), {})", "models.TextField") % "models.CharField")
    with pytest.raises(MgenError, match="JSONField"):
        generate(root, name=None, dry_run=True)
