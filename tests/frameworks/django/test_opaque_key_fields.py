"""A relation class of a library mgen does not find, named as a key (first met in Misago: django-mptt's
``TreeForeignKey("self", ...)`` imported from ``mptt.models``, written by Django as
``mptt.fields.TreeForeignKey(..., to="app.model")``): its arguments read as ``ForeignKey``'s and the
re-exported path taken as the same class, so the project is in sync where Django says so, and a real change
is still an AlterField Django agrees with. Django (which has the library) judges; mgen does not read it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # noqa: E402

FIELDS = """\
from django.db import models


class TreeForeignKey(models.ForeignKey):
    pass
"""
MODELS = {  # the model as written, the class re-exported from another module of the library
    "self positional": ("parent = TreeForeignKey('self', on_delete=models.PROTECT, null=True, blank=True, "
                        "related_name='children')"),
    "target and on_delete positional": "parent = TreeForeignKey('Node', models.PROTECT, null=True)",
    "a model class": "parent = TreeForeignKey(Other, on_delete=models.PROTECT, null=True)",
    "another app's label": "parent = TreeForeignKey('extra.Thing', on_delete=models.PROTECT, null=True)",
}


def manage(project: Path, lib: Path, *args: str) -> subprocess.CompletedProcess:
    env = h.env()
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(lib)])
    return subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def models_text(field: str) -> str:
    return ("from django.db import models\n\nfrom keylib.models import TreeForeignKey\n\n\n"
            "class Other(models.Model):\n    pass\n\n\n"
            f"class Node(models.Model):\n    {field}\n")


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    lib = tmp_path / "lib"
    (lib / "keylib").mkdir(parents=True)
    (lib / "keylib" / "__init__.py").write_text("")
    (lib / "keylib" / "fields.py").write_text(FIELDS)
    (lib / "keylib" / "models.py").write_text("from keylib.fields import TreeForeignKey  # noqa: F401\n")
    root = h.write_project(tmp_path / "proj", {"tree": {}, "extra": {}},
                           models={"extra": "from django.db import models\n\n\nclass Thing(models.Model):\n    pass\n"})
    return root, lib


@pytest.mark.parametrize("case", sorted(MODELS))
def test_an_unread_key_class_is_in_sync_with_djangos_migration_and_a_change_is_one_alterfield(project, case):
    root, lib = project
    (root / "tree" / "models.py").write_text(models_text(MODELS[case]))
    made = manage(root, lib, "makemigrations", "tree", "extra", "--noinput", "-v0")
    assert made.returncode == 0, made.stderr
    assert "keylib.fields.TreeForeignKey" in (root / "tree" / "migrations" / "0001_initial.py").read_text()

    same = generate(root, name=None, dry_run=True)
    assert not same.operations, same.operations

    (root / "tree" / "models.py").write_text(models_text(MODELS[case].replace("PROTECT", "CASCADE")))
    written = generate(root, name=None)
    assert written.operations == {"tree": ["tree: AlterField node.parent"]}, written.operations
    check = manage(root, lib, "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stdout + check.stderr
