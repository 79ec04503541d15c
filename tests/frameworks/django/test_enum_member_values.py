"""Enum members' ``.value``/``.name``/``.label`` in models (first met in Misago: ``Q(pinned=
ThreadPinned.EVERYWHERE.value)`` in a partial index's condition, ``default=ThreadPinned.NONE.value``), read
from the project's enum class as Python computes them, judged by Django's ``makemigrations --check``; a
member whose value mgen does not read refuses at its file and line."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # noqa: E402

ENUMS = """\
import enum

from django.db import models


class Pinned(enum.IntEnum):
    NONE = 0
    CATEGORY = 1
    EVERYWHERE = 2
    GLOBAL = EVERYWHERE

    @classmethod
    def get_choices(cls):
        return ((cls.NONE, "none"), (cls.EVERYWHERE, "everywhere"))


class Kind(str, enum.Enum):
    POST = "post"
    EVENT = "event"


class Shade(enum.Enum):
    DARK = "dark-x"
    LIGHT = 7


class Color(models.TextChoices):
    RED = "r", "Red color"
    BLUE = "b"
"""

MODELS = """\
from django.db import models
from django.db.models import Q

from .enums import Color, Kind, Pinned, Shade


class Thread(models.Model):
    pinned = models.PositiveIntegerField(default=Pinned.NONE.value)
    kind = models.CharField(max_length=20, default=Kind.POST.value)
    shade = models.CharField(max_length=20, default=Shade.DARK.value)
    label = models.CharField(max_length=20, default=Color.RED.label)
    code = models.CharField(max_length=20, default=Pinned.CATEGORY.name)
    color = models.CharField(max_length=2, default=Color.BLUE.value)
    rank = models.IntegerField(default=Shade.LIGHT.value)

    class Meta:
        indexes = [
            models.Index(name="everywhere", fields=["rank"], condition=Q(pinned=Pinned.GLOBAL.value)),
            models.Index(name="unpinned", fields=["rank"], condition=Q(pinned__lt=Pinned.EVERYWHERE.value)),
            models.Index(name="posts", fields=["rank"], condition=Q(kind=Kind.POST.value)
                         | Q(color__in=[Color.RED.value, Color.BLUE])),
        ]
        constraints = [
            models.CheckConstraint(name="pinned_known", check=Q(pinned__lte=Pinned.EVERYWHERE.value)),
        ]
"""


def project(root: Path, models: str, enums: str = ENUMS) -> Path:
    root = h.write_project(root, {"threads": {}}, models={"threads": models})
    (root / "threads" / "enums.py").write_text(enums)
    return root


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_enum_values_in_conditions_and_defaults_are_in_sync_with_djangos_migration(tmp_path, dialect):
    root = project(tmp_path / "proj", MODELS)
    h.manage(root, "makemigrations", "threads", "--noinput", "-v0")
    result = generate(root, name=None, dry_run=True, dialect=dialect)
    assert not result.operations, result.operations


def test_enum_values_written_by_mgen_leave_django_nothing_to_do(tmp_path):
    root = project(tmp_path / "proj", "from django.db import models\n")
    h.manage(root, "makemigrations", "threads", "--noinput", "-v0")
    (root / "threads" / "models.py").write_text(MODELS)
    written = generate(root, name=None, dialect="sqlite")
    assert written.operations, written
    text = "\n".join(p.read_text() for p in (root / "threads" / "migrations").glob("0*.py"))
    assert "'pinned', 2" in text and "'kind', 'post'" in text and "default='Red color'" in text, text
    assert "default='CATEGORY'" in text and "default='dark-x'" in text and "default=7" in text, text
    check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    h.manage(root, "migrate", "-v0")


@pytest.mark.parametrize("member", [
    "AUTO = enum.auto()",          # auto(): a counter mgen does not run
    "MADE = compute()",            # a call of a project function
    "WORD = 'two'",                # an IntEnum member whose value is not an int: int('two') fails in Python
])
def test_an_enum_value_mgen_does_not_read_refuses_at_its_file_and_line(tmp_path, member):
    enums = ("import enum\n\n\ndef compute():\n    return 3\n\n\nclass Pinned(enum.IntEnum):\n    NONE = 0\n"
             f"    {member}\n")
    name = member.split(" ")[0]
    models = ("from django.db import models\nfrom django.db.models import Q\n\nfrom .enums import Pinned\n\n\n"
              "class Thread(models.Model):\n    pinned = models.IntegerField(default=0)\n\n    class Meta:\n"
              "        indexes = [models.Index(name='p', fields=['pinned'], "
              f"condition=Q(pinned=Pinned.{name}.value))]\n")
    root = project(tmp_path / "proj", models, enums)
    with pytest.raises(MgenError) as raised:
        generate(root, name=None, dry_run=True, dialect="postgresql")
    assert raised.value.file and raised.value.file.endswith("models.py"), (raised.value.file, str(raised.value))
    assert raised.value.line == 11, raised.value.line


def test_a_plain_enum_member_itself_in_a_condition_refuses_at_the_model(tmp_path):
    """``Q(shade=Shade.DARK)``: the member (not its value) has no SQL literal; the refusal names the model's
    file and line (it named none before)."""
    models = ("from django.db import models\nfrom django.db.models import Q\n\nfrom .enums import Shade\n\n\n"
              "class Thread(models.Model):\n    shade = models.CharField(max_length=9)\n\n    class Meta:\n"
              "        indexes = [models.Index(name='p', fields=['shade'], condition=Q(shade=Shade.DARK))]\n")
    root = project(tmp_path / "proj", models)
    with pytest.raises(MgenError, match="threads.thread: value threads.enums.Shade.DARK in a condition") as raised:
        generate(root, name=None, dry_run=True, dialect="postgresql")
    assert raised.value.file.endswith("models.py") and raised.value.line == 7, (raised.value.file, raised.value.line)
