"""``unique_together`` in a new model's ``options`` is written as Django writes it: a set of tuples
(``ModelState.from_model``: ``set(normalize_together(...))``), whether Meta spells a tuple or a list
(first met in django-allauth's and Misago's CreateModel); compared with the text
Django's own ``makemigrations`` writes for the same model."""
from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

import pytest

from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # noqa: E402

MODEL = """\
from django.db import models


class Token(models.Model):
    kind = models.CharField(max_length=5)
    value = models.CharField(max_length=5)
    owner = models.IntegerField()

    class Meta:
        unique_together = %s
"""


def options_of(path: Path) -> dict:
    """The CreateModel's options as written (the literal, unevaluated text of each value)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "CreateModel":
            options = next(k.value for k in node.keywords if k.arg == "options")
            return {ast.literal_eval(k): ast.unparse(v) for k, v in zip(options.keys, options.values)}
    raise AssertionError(f"no CreateModel in {path}")


@pytest.mark.parametrize("spelled", ["(('kind', 'value'),)", "[['kind', 'value'], ['owner', 'kind']]",
                                     "('kind', 'value')"])
def test_unique_together_is_written_as_djangos_set(tmp_path, spelled):
    ours = h.write_project(tmp_path / "ours", {"tokens": {}}, models={"tokens": "from django.db import models\n"})
    h.manage(ours, "makemigrations", "tokens", "--noinput", "-v0")  # nothing: no model yet
    (ours / "tokens" / "models.py").write_text(MODEL % spelled)
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    h.manage(theirs, "makemigrations", "tokens", "--noinput", "-v0")
    generate(ours, name=None)
    written = options_of(next((ours / "tokens" / "migrations").glob("0001_*.py")))
    django = options_of(next((theirs / "tokens" / "migrations").glob("0001_*.py")))
    assert written["unique_together"] == django["unique_together"], (written, django)
    assert django["unique_together"].startswith("{"), django
    assert h.manage(ours, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
