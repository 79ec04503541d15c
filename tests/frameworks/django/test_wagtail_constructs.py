"""Constructs of wagtail's migrations and fields (issue #12), on a fixture of the same shapes, judged by
Django's own ``makemigrations --check``.

Fixture ``wagtail_constructs`` (app ``pages``):

- ``KindsField(kinds, **kwargs)``: a project's field class whose ``deconstruct()`` returns its first
  argument positionally (as a ``StreamField`` of blocks does); mgen reads it as opaque and carries the
  positional arguments, compares them as written and writes them back positionally;
- ``NumberedField``: one whose ``deconstruct()`` rewrites what it is given (numbers the kinds into a
  ``table`` keyword argument): a difference of its positional arguments is refused at the model's line;
- ``on_delete=models.SET(no_parent)``: a call of a function, kept as the call it deconstructs as;
- a hand-written migration unpacking ``FileField(**photo_options)`` (a class-body dict completed by
  ``.update(...)``) and ``CheckConstraint(**check_kwargs)`` (a module dict completed under
  ``if DJANGO_VERSION >= (5, 1):``).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.fields import ARGS, bind_arguments, field_call
from mgen.frameworks.django.state import Call, FieldState, ModelState, ProjectState
from mgen.frameworks.django.unreadable import keep_unreadable
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

NAME, APP = "wagtail_constructs", "pages"


def manage(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(h.env(), PYTHONPATH=str(COMMON))
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def makemigrations_check(project: Path) -> None:
    result = manage(project, "makemigrations", "--check", "--dry-run", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def fresh(project: Path) -> None:
    """Forget mgen's project cache (the tests edit files between runs)."""
    shutil.rmtree(project / ".claude", ignore_errors=True)


def migration_files(project: Path) -> list[Path]:
    return sorted((project / APP / "migrations").glob("0*.py"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = h.copy_project(NAME, tmp_path)
    makemigrations_check(root)  # Django agrees: the hand-written migrations and the models are in sync
    return root


def test_in_sync_with_positional_arguments_and_unpacked_dicts(project: Path):
    assert generate(project, name=None).changed_apps == []


def test_regenerated_unpacked_operations_and_initial(project: Path):
    unpacked = project / APP / "migrations" / "0002_photo_and_check.py"
    unpacked.unlink()
    written = generate(project, name=None)
    assert written.changed_apps == [APP]
    text = Path(written.files[0]).read_text()
    assert "migrations.AddField(" in text and "migrations.AddConstraint(" in text
    makemigrations_check(project)

    for f in migration_files(project):
        f.unlink()
    fresh(project)
    written = generate(project, name=None)
    text = Path(written.files[0]).read_text()
    # the positional argument as Django's writer puts it: first, before the sorted keyword arguments
    assert ("pages.kinds.KindsField([('heading', pages.kinds.Kind(size=3)), ('text', pages.kinds.Kind())], "
            "blank=True)") in text
    assert "on_delete=models.SET(pages.kinds.no_parent)" in text  # a function whose result deconstructs as the call
    makemigrations_check(project)


def test_changed_positional_arguments_are_an_alter_field(project: Path):
    for step in h.steps(NAME):
        h.overlay(step, project)
    before = [f.stem for f in migration_files(project)]
    written = generate(project, name=None)
    assert written.changed_apps == [APP]
    text = Path(written.files[0]).read_text()
    assert "migrations.AlterField(" in text and "pages.kinds.Kind(label='q')" in text
    makemigrations_check(project)
    fresh(project)
    assert generate(project, name=None).changed_apps == []  # the second run writes nothing
    manage(project, "migrate", "-v0")
    manage(project, "migrate", APP, before[-1], "-v0")
    manage(project, "migrate", "-v0")


def test_rewritten_positional_arguments_are_refused(project: Path):
    models = project / APP / "models.py"
    text = models.read_text().replace("from .kinds import Kind, KindsField",
                                      "from .kinds import Kind, KindsField, NumberedField")
    models.write_text(text.replace('    photo = ', '    extra = NumberedField([("quote", Kind(label="q"))], null=True)\n'
                                                 '    photo = '))
    manage(project, "makemigrations", APP, "-v0")  # Django writes [('quote', 0)] and table={0: Kind(...)}
    makemigrations_check(project)
    fresh(project)
    with pytest.raises(MgenError) as caught:
        generate(project, name=None, dry_run=True)
    e = caught.value
    assert "pages.page.extra" in str(e) and "table" in str(e)
    assert e.file == str(models) and e.line == 9


@pytest.mark.parametrize(("statement", "error"), [
    ("for k in ('check', 'condition'):\n    check_kwargs.setdefault(k, None)\n", "check_kwargs, unpacked"),
    ("check_kwargs = make()\n", "cannot be read statically"),
])
def test_unpacked_dicts_mgen_cannot_follow_are_refused(project: Path, statement: str, error: str):
    migration = project / APP / "migrations" / "0002_photo_and_check.py"
    text = migration.read_text().replace("\n\nclass Migration", "\n" + statement + "\n\nclass Migration")
    migration.write_text(text.replace("from django.db import", "def make():\n    return {}\n\n\nfrom django.db import"))
    fresh(project)
    with pytest.raises(MgenError, match=error) as caught:
        generate(project, name=None, dry_run=True)
    assert caught.value.file == str(migration)


def test_positional_arguments_of_an_opaque_field_are_carried():
    kinds = [("a", 1)]
    assert bind_arguments("", (kinds,), {"blank": True}) == {ARGS: (kinds,), "blank": True}
    assert bind_arguments("", (), {"blank": True}) == {"blank": True}
    call = field_call(FieldState("body", "pages.kinds.KindsField", {ARGS: (kinds,), "blank": True}))
    assert call.args == (kinds,) and call.kw == {"blank": True}


KIND = Call.of("pages.kinds.Kind", (), {"size": 3})


def _state(args: tuple, extra: dict) -> ProjectState:
    body = FieldState("body", "pages.kinds.KindsField", {ARGS: args, "blank": True, **extra}, "", "models.py", 8)
    return ProjectState({("pages", "page"): ModelState("pages", "Page", {"body": body})})


@pytest.mark.parametrize(("model_args", "migrated_args", "extra", "refused"), [
    (([("a", KIND)],), ([("a", KIND)],), {}, None),  # the same: unchanged
    (([("a", KIND), ("b", KIND)],), ([("a", KIND)],), {}, None),  # a kind added: a change, left to the autodetector
    (([("a", KIND)],), ([("a", 0)],), {"table": {0: KIND}}, "table, which the model does not pass"),
    (([("a", KIND)],), ([("a", 0)],), {}, "values of another kind"),
    ((KIND,), ([("a", KIND)],), {}, "values of another kind"),  # one object, written as a list
])
def test_positional_arguments_compared(model_args, migrated_args, extra, refused):
    desired, migrated = _state(model_args, {}), _state(migrated_args, extra)
    if refused is None:
        keep_unreadable(desired, migrated)
        assert desired.models[("pages", "page")].fields["body"].kwargs[ARGS] == model_args
        return
    keep_unreadable(desired, migrated)  # refuses the model's app alone (``scoped``)
    caught = desired.refused["pages"]
    assert isinstance(caught, MgenError) and re.search(refused, caught.message), caught.message
    assert (caught.file, caught.line) == ("models.py", 8)


def test_attribute_of_a_class_with_a_conditional_base_stays_unknown(tmp_path: Path):
    """``IndexEntry._meta.db_table`` where IndexEntry's base is bound under ``if``: followed back to itself,
    it stays an unknown name (it was a RecursionError, exit 3)."""
    from mgen.frameworks.django.source import External, Finder

    (tmp_path / "entries.py").write_text("import os\n\nif os.environ.get('X'):\n    class Base:\n        pass\n"
                                         "    Chosen = Base\nelse:\n    Chosen = object\n\n\n"
                                         "class Entry(Chosen):\n    pass\n")
    (tmp_path / "user.py").write_text("from entries import Entry\n\nTABLE = Entry._meta.db_table\n")
    finder = Finder([tmp_path])
    assert finder.resolve(finder.module("user"), "Entry._meta.db_table") == External("entries.Entry._meta.db_table")
