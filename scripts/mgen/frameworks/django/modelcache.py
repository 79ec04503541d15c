"""Each app's models as read, kept between runs in ``.claude/cache/db/django-models.json``.

Reading the models is the other half of a run's cost (the migration history is the first: ``history.py``).
An app's models state depends only on files: the app's models modules, every project module they import
(transitively: abstract bases, mixins, custom fields, choices, constants in other apps), the settings and
the app's ``apps.py`` (``DEFAULT_AUTO_FIELD``, ``AUTH_USER_MODEL``, ``default_auto_field``), and installed
Django. So each app's state is kept with the content hashes of exactly those files, and an app is read again
only when one of them changed: after a one-field edit, one app is read, not the project. The whole cache
is dropped when mgen or Django changes. The state is kept before the cross-app step (``to_field`` naming
the target's primary key), which runs on the assembled state every time.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...projectcache import file_fingerprint, read_entry, relative, write_entry
from ..pyast import Note
from .framework import MODELS_ENTRY
from .history import stamp
from .project import App, DjangoProject
from .source import project_imports
from .state import ModelState, models_from_json, models_to_json

NAME, KIND, FORMAT = MODELS_ENTRY


class ModelsCache:
    def __init__(self, project: DjangoProject):
        self.project, self.root = project, project.root.resolve()
        self.stamp = stamp(project.finder)
        data = read_entry(self.root, NAME, KIND, FORMAT)
        apps = data.get("apps") if data and data.get("stamp") == self.stamp else None
        self.apps: dict[str, Any] = apps if isinstance(apps, dict) else {}
        self.dirty = False

    def get(self, app: App) -> tuple[dict[tuple[str, str], ModelState], list[Note]] | None:
        entry = self.apps.get(app.label)
        try:
            if not entry or entry["name"] != app.name:
                return None
            for rel, sha in entry["files"].items():
                if file_fingerprint(self.root / rel) != sha:
                    return None
            return models_from_json(entry["models"]), [Note(file=f, line=n, message=m) for m, f, n in entry["notes"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def put(self, app: App, models: dict[tuple[str, str], ModelState], notes: list[Note]) -> None:
        files = self.files_of(app)
        if files is None:
            return
        try:
            encoded = models_to_json(models)
        except TypeError:
            return
        self.apps[app.label] = {"name": app.name, "files": files, "models": encoded,
                                "notes": [[n.message, n.file, n.line] for n in notes]}
        self.dirty = True

    def files_of(self, app: App) -> dict[str, str | None] | None:
        """What the app's models state is read from: its models modules and what they import, the settings,
        its apps.py; None when the app's models are not a module mgen finds."""
        finder = self.project.finder
        module = finder.module(f"{app.name}.models")
        if module is None:
            return None
        paths = {module.path.resolve(), *project_imports(finder, module, self.root)}
        if module.is_package:  # a models package: every module in it, imported by __init__ or not
            paths.update(p.resolve() for p in module.path.parent.rglob("*.py"))
        paths.add(Path(self.project.settings_file).resolve())
        settings = finder.module(self.project.settings_module)
        if settings is not None:
            paths.update(project_imports(finder, settings, self.root))
        if app.path is not None and (app.path / "apps.py").is_file():
            paths.add((app.path / "apps.py").resolve())
        return {relative(self.root, p): file_fingerprint(p) for p in sorted(paths)}

    def save(self) -> None:
        if self.dirty:
            write_entry(self.root, NAME, KIND, FORMAT, {"stamp": self.stamp, "apps": self.apps})
            self.dirty = False
