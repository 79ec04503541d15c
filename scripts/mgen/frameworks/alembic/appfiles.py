"""The application's own Python files under a project folder: what mgen reads to find the models entry and
the configured database. Tests (``tests/``, ``test_*.py``, ``conftest.py``, ``testing.py``), revision and
script folders, documentation, virtualenvs and hidden folders are left out."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRS = {"node_modules", "venv", "site-packages", "__pycache__", "migrations", "versions", "alembic",
                "build", "dist", "docs"}
TEST_NAME = re.compile(r"(^|_)tests?($|_)|^conftest$|testing", re.IGNORECASE)
MAX_FILES = 4000  # a folder holding more is not one application: the rest is not read


def app_files(root: Path, skip: tuple[Path, ...] = ()) -> Iterator[Path]:
    """The ``.py`` files under ``root``, sorted, except tests, ``skip`` (the revisions) and the folders above."""
    skipped = {p.resolve() for p in skip}
    seen = 0
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                         and not TEST_NAME.search(d) and (here / d).resolve() not in skipped
                         and not (here / d / "pyvenv.cfg").exists())
        for name in sorted(files):
            if name.endswith(".py") and not TEST_NAME.search(name[:-3]) and name != "env.py":
                seen += 1
                if seen > MAX_FILES:
                    return
                yield here / name


_TEST_CLASS = re.compile(r"^test|testing|test(config|settings)", re.IGNORECASE)


def is_test_class(name: str) -> bool:
    """A configuration class for the tests (``TestingConfig``, ``TestConfig``)."""
    return bool(_TEST_CLASS.search(name))
