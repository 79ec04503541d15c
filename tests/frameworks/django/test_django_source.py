"""Where the static reader finds a module, as Python's import system would: a regular module or package
anywhere on the path wins over a directory without ``__init__.py`` earlier on it (a namespace portion)."""
from __future__ import annotations

from pathlib import Path

from mgen.frameworks.django.source import Finder


def test_a_regular_package_later_on_the_path_wins_over_a_namespace_directory(tmp_path: Path):
    shadow = tmp_path / "shadow"
    (shadow / "django").mkdir(parents=True)  # a folder named like the library, no __init__.py: not Django
    project = tmp_path / "proj"
    project.mkdir()
    finder = Finder.for_project(project, extra=[shadow])
    package = finder.module("django")
    assert package is not None and package.path.name == "__init__.py" and package.path.parent != shadow / "django"
    module = finder.module("django.utils.timezone")
    assert module is not None and module.path.name == "timezone.py"


def test_a_namespace_package_counts_when_nothing_else_does(tmp_path: Path):
    (tmp_path / "proj" / "plugins").mkdir(parents=True)  # an implicit namespace package of the project
    (tmp_path / "proj" / "plugins" / "extra.py").write_text("VALUE = 1\n")
    finder = Finder.for_project(tmp_path / "proj")
    assert finder.module("plugins") is not None
    assert finder.module("plugins.extra").path.name == "extra.py"
