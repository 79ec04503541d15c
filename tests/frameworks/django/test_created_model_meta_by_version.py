"""A new model's Meta options as the pinned Django's ``makemigrations`` writes them (``created_model_deferred``).

``generate_created_models`` pops ``unique_together``/``index_together``, ``indexes`` and ``constraints`` and
adds an operation for each after the ``CreateModel``; the optimizer folds them back into it only from 2.2
(``AlterUniqueTogether``), 4.2.1 (``AddIndex``) and 5.1 (``AddConstraint``), so an older pin has them apart
(first met in taiga-back under 1.11 and Misago under 4.2). The installed Django (5.2) is the judge of what
mgen writes for a project with no pin (the same text as its own ``makemigrations``), and of every migration
written for a pin: it must read back to the models (``makemigrations --check``) and apply, forward and back.
"""
from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

import pytest

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

MODEL = """\
from django.db import models


class Shelf(models.Model):
    name = models.CharField(max_length=20)


class Book(models.Model):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)
    title = models.CharField(max_length=20)
    code = models.CharField(max_length=20)

    class Meta:
        unique_together = [("shelf", "title")]
        indexes = [models.Index(fields=["code"], name="book_code_idx")]
        constraints = [models.UniqueConstraint(fields=["shelf", "code"], name="book_shelf_code_uniq")]
"""


def operations(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Each operation's class and, for a CreateModel, the option keys it holds."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr[:1].isupper() \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "migrations":
            options = next((k.value for k in node.keywords if k.arg == "options"), None)
            keys = tuple(sorted(ast.literal_eval(k) for k in options.keys)) if isinstance(options, ast.Dict) else ()
            out.append((node.func.attr, keys if node.func.attr == "CreateModel" else ()))
    return sorted(out)


def project(tmp_path: Path, pin: str | None) -> Path:
    root = h.write_project(tmp_path / "p", {"library": {}}, models={"library": "from django.db import models\n"})
    (root / "library" / "models.py").write_text(MODEL)
    if pin:
        (root / "requirements.txt").write_text(f"Django=={pin}\n")
    return root


def test_with_no_pin_the_text_is_djangos_own(tmp_path):
    root = project(tmp_path, None)
    theirs = tmp_path / "theirs"
    shutil.copytree(root, theirs)
    h.manage(theirs, "makemigrations", "library", "--noinput", "-v0")
    generate(root, name=None)
    ours = next((root / "library" / "migrations").glob("0001_*.py"))
    assert operations(ours) == operations(next((theirs / "library" / "migrations").glob("0001_*.py")))
    assert ("CreateModel", ("constraints", "indexes", "unique_together")) in operations(ours)


@pytest.mark.parametrize(("pin", "apart", "book_options"), [
    ("2.1.15", ["AddConstraint", "AddIndex", "AlterUniqueTogether"], ()),
    ("2.2.28", ["AddConstraint", "AddIndex"], ("unique_together",)),
    ("4.2", ["AddConstraint"], ("indexes", "unique_together")),  # a bare series: its latest release
    ("4.2.0", ["AddConstraint", "AddIndex"], ("unique_together",)),
    ("4.2.10", ["AddConstraint"], ("indexes", "unique_together")),
    ("5.1.4", [], ("constraints", "indexes", "unique_together")),
])
def test_a_pinned_django_keeps_apart_what_its_optimizer_did_not_fold(tmp_path, pin, apart, book_options):
    root = project(tmp_path, pin)
    generate(root, name=None)
    written = operations(next((root / "library" / "migrations").glob("0001_*.py")))
    assert [kind for kind, _ in written if kind != "CreateModel"] == apart, written
    assert ("CreateModel", book_options) in written, written
    # Django reads it back to the models, and applies and unapplies it
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    h.manage(root, "migrate", "-v0")
    h.manage(root, "migrate", "library", "zero", "-v0")
