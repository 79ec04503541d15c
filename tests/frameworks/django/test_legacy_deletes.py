"""Deleting models in a project that pins a Django before 2.2 (``legacy_deletes``): that Django's
``makemigrations`` wrote ``AlterUniqueTogether(unique_together=set())`` and a ``RemoveField`` per relation
before the ``DeleteModel``s (first met in Kiwi TCMS 2018, Django 2.0). The expected operations are what
Django 2.1.15's own ``makemigrations`` wrote for these models (run on Python 3.7 when the rule was written;
it does not run on this Python); Django 5.2 is the judge that the written migration leaves nothing to do and
migrates forward and back. From 2.2 on (``RemoveField.reduce`` absorbs them), only the ``DeleteModel``s."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

KEPT = """\
from django.db import models


class B(models.Model):
    name = models.CharField(max_length=5)
"""
MODELS = KEPT + """

class A(models.Model):
    b = models.ForeignKey(B, on_delete=models.CASCADE)
    c = models.ManyToManyField(B, related_name='+')
    x = models.IntegerField()

    class Meta:
        unique_together = [('b', 'x')]


class C(models.Model):
    b = models.ForeignKey(B, on_delete=models.CASCADE)
    x = models.IntegerField()

    class Meta:
        unique_together = [('x',)]


class D(models.Model):
    x = models.IntegerField()

    class Meta:
        unique_together = [('x',)]
"""
# Django 2.1.15's makemigrations, these models deleted (operation, model, field or option value)
DJANGO_2_1 = [("AlterUniqueTogether", "a", "set()"), ("RemoveField", "a", "b"), ("RemoveField", "a", "c"),
              ("AlterUniqueTogether", "c", "set()"), ("RemoveField", "c", "b"),
              ("DeleteModel", "D", ""), ("DeleteModel", "A", ""), ("DeleteModel", "C", "")]


def _operations(text: str) -> list[tuple[str, str, str]]:
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "AlterUniqueTogether", "RemoveField", "DeleteModel"):
            kw = {k.arg: ast.unparse(k.value).strip("'") for k in node.keywords}
            out.append((node.func.attr, kw.get("model_name") or kw["name"],
                        kw.get("unique_together", kw.get("name", "") if "model_name" in kw else "")))
    return out


@pytest.mark.parametrize(("pin", "expected"), [
    ("2.1.15", DJANGO_2_1),
    ("2.2", [op for op in DJANGO_2_1 if op[0] == "DeleteModel"]),
])
def test_deleted_models_as_the_pinned_django_wrote_them(tmp_path, pin, expected):
    root = h.write_project(tmp_path / "proj", {"shop": {}}, models={"shop": MODELS})
    (root / "requirements.txt").write_text(f"Django=={pin}\n")
    h.manage(root, "makemigrations", "shop", "-v0")
    (root / "shop" / "models.py").write_text(KEPT)
    written = generate(root, name="delete")
    text = next((root / "shop" / "migrations").glob("0002_*.py")).read_text()
    assert sorted(_operations(text)) == sorted(expected), (written.operations, text)
    check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    h.manage(root, "migrate", "-v0")
    h.manage(root, "migrate", "shop", "0001", "-v0")
