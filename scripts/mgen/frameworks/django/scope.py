"""A Django project's schema files, as ``scope`` rules: what ``check`` and ``status`` look at.

A static walk, not ``load_project``: an app is a folder holding ``migrations/__init__.py`` and a ``models.py``
or ``models/`` package, found by walking the project (hidden folders, ``__pycache__``, ``node_modules``,
``site-packages``, virtual environments and ``migrations``/``static``/``templates`` folders are not entered; 8
levels at most). ``load_project`` would give Django's own answer (``INSTALLED_APPS``, ``MIGRATION_MODULES``)
but it evaluates the settings with mgen's Django reader, which costs more than the whole early-exit budget;
the walk finds the same apps in every project laid out as Django lays them out, and it matches what
``makemigrations`` without arguments considers: an app without a ``migrations`` package gets no migration
until one is made for it by name. Its rules: ``<app>/models.py``, ``<app>/models/**.py`` and
``<app>/migrations/*.py``. Not found: a ``MIGRATION_MODULES`` folder elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path

from ...scope import MAX_DEPTH, NO_DESCENT, scandir
from ...scope import PathRule as Rule


def app_folders(root: Path) -> list[str]:
    """The folders (relative, POSIX; ``""`` the root) holding ``migrations/__init__.py`` and a ``models.py``
    or ``models/`` package."""
    apps = []
    stack: list[tuple[str, Path, int]] = [("", root, 0)]
    while stack:
        rel, path, depth = stack.pop()
        entries = scandir(path)
        names = {e.name: e for e in entries}
        if "migrations" in names and ("models.py" in names or "models" in names) and \
                os.path.isfile(os.path.join(path, "migrations", "__init__.py")):
            apps.append(rel)
        if depth >= MAX_DEPTH:
            continue
        for entry in entries:
            if (entry.name.startswith(".") or entry.name in NO_DESCENT or entry.name.endswith(".egg-info")
                    or not entry.is_dir(follow_symlinks=False)):
                continue
            stack.append((f"{rel}/{entry.name}" if rel else entry.name, Path(entry.path), depth + 1))
    return sorted(apps)


def schema_rules(root: Path) -> list[Rule]:
    rules = []
    for app in app_folders(root):
        prefix = f"{app}/" if app else ""
        rules += [Rule(app, ("models.py",)), Rule(f"{prefix}models", ("*.py",), True),
                  Rule(f"{prefix}migrations", ("*.py",))]
    return rules
