"""A field class whose base is ``six.with_metaclass(Meta, *bases)`` (first met in django-allauth 2015:
``class JSONField(six.with_metaclass(models.SubfieldBase, models.TextField))``): its bases are ``bases``, so
it is a ``TextField`` a migration can hold. Judged by Django's ``makemigrations --check``."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # noqa: E402

SIX = '''\
def with_metaclass(meta, *bases):
    """six 1.16's with_metaclass."""
    class metaclass(type):
        def __new__(cls, name, this_bases, d):
            return meta(name, bases, d)

        @classmethod
        def __prepare__(cls, name, this_bases):
            return meta.__prepare__(name, bases)
    return type.__new__(metaclass, "temporary_class", (), {})
'''
FIELDS = """\
from django.db import models

from compat import six


class Meta(type(models.TextField)):
    pass


class JSONField(six.with_metaclass(Meta, models.TextField)):
    pass
"""
MODELS = """\
from django.db import models

from .fields import JSONField


class Account(models.Model):
    extra = JSONField(default='{}')
%s"""


@pytest.mark.parametrize("extra", ["", "    more = JSONField(null=True)\n"])
def test_a_with_metaclass_base_is_read_as_its_bases(tmp_path, extra):
    root = h.write_project(tmp_path / "proj", {"social": {}}, models={"social": MODELS % ""})
    (root / "compat").mkdir()
    (root / "compat" / "__init__.py").write_text("")
    (root / "compat" / "six.py").write_text(SIX)
    (root / "social" / "fields.py").write_text(FIELDS)
    h.manage(root, "makemigrations", "social", "--noinput", "-v0")
    assert not generate(root, name=None, dry_run=True).operations
    if extra:
        (root / "social" / "models.py").write_text(MODELS % extra)
        written = generate(root, name=None)
        assert written.operations == {"social": ["social: AddField account.more"]}, written.operations
        check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
