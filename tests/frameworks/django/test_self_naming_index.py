"""An unnamed index of a project class with its own ``set_name_with_model`` (first met in Misago:
``PgPartialIndex`` hashes its ``where`` into the name): mgen does not run the method, so the name is the
migrations' same index's; a new one refuses its app at the model's file and line, the other apps are read."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # noqa: E402

UTILS = """\
import hashlib

from django.db.models import Index


class TaggedIndex(Index):
    suffix = "tag"

    def __init__(self, fields=(), name=None, tag=""):
        self.tag = tag
        super().__init__(fields=fields, name=name)

    def set_name_with_model(self, model):
        digest = hashlib.md5((model._meta.db_table + self.tag).encode()).hexdigest()[:6]
        self.name = "%s_%s_%s" % (model._meta.db_table[:10], digest, self.suffix)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["tag"] = self.tag
        return path, args, kwargs
"""
MODELS = """\
from django.db import models

from .utils import TaggedIndex


class Post(models.Model):
    rank = models.IntegerField(default=0)
    hidden = models.BooleanField(default=False)

    class Meta:
        indexes = [%s]
"""
TWO = "TaggedIndex(fields=['rank'], tag='a'), TaggedIndex(fields=['hidden'], tag='b')"
OTHER = "from django.db import models\n\n\nclass Note(models.Model):\n    text = models.TextField()\n"


def project(root: Path, indexes: str) -> Path:
    root = h.write_project(root, {"posts": {}, "notes": {}}, models={"posts": MODELS % indexes, "notes": OTHER})
    (root / "posts" / "utils.py").write_text(UTILS)
    return root


def test_the_name_the_class_gave_is_taken_from_the_migrations(tmp_path):
    root = project(tmp_path / "proj", TWO)
    h.manage(root, "makemigrations", "posts", "notes", "--noinput", "-v0")
    result = generate(root, name=None, dry_run=True, dialect="postgresql")
    assert not result.operations, result.operations
    assert any("set_name_with_model" in n and "taken" in n for n in result.notes), result.notes


def test_a_new_self_naming_index_refuses_its_app_at_the_model_and_the_others_are_read(tmp_path):
    root = project(tmp_path / "proj", TWO)
    h.manage(root, "makemigrations", "posts", "notes", "--noinput", "-v0")
    (root / "posts" / "models.py").write_text(MODELS % (TWO + ", TaggedIndex(fields=['rank'], tag='c')"))
    (root / "notes" / "models.py").write_text(OTHER + "    title = models.CharField(max_length=5, default='')\n")
    with pytest.raises(MgenError, match="TaggedIndex has no name.*no migration has this index") as raised:
        generate(root, name=None, dry_run=True)
    assert raised.value.file.endswith("posts/models.py") and raised.value.line == 6, raised.value
    other = generate(root, name=None, dry_run=True, apps=["notes"])
    assert other.operations == {"notes": ["notes: AddField note.title"]}, other.operations


@pytest.mark.parametrize("changed", [
    "TaggedIndex(fields=['rank'], tag='a'), TaggedIndex(fields=['hidden'], tag='x')",  # another tag: another name
    "TaggedIndex(fields=['rank'], tag='a'), TaggedIndex(fields=['rank'], tag='b')",    # other fields
])
def test_a_changed_self_naming_index_refuses(tmp_path, changed):
    root = project(tmp_path / "proj", TWO)
    h.manage(root, "makemigrations", "posts", "notes", "--noinput", "-v0")
    (root / "posts" / "models.py").write_text(MODELS % changed)
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 1
    with pytest.raises(MgenError, match="no migration has this index"):
        generate(root, name=None, dry_run=True)
