"""A Django project on disk: its settings module and its installed apps, found statically.

The settings module is the one ``manage.py`` names (``os.environ.setdefault("DJANGO_SETTINGS_MODULE",
"config.settings")``) unless the caller names one, as ``--settings`` does. Its module-level assignments are
evaluated without running it (``from .base import *`` and ``INSTALLED_APPS += [...]`` included); a setting
computed at run time (``os.environ[...]``) is simply unknown, and an error only where it is needed:
``INSTALLED_APPS`` must be readable. Each app's ``AppConfig`` is found as Django finds it - the class named
in ``INSTALLED_APPS``, or the single (or ``default = True``) ``AppConfig`` subclass in ``<app>/apps.py`` - for
its ``label`` and ``default_auto_field``.
"""
from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MgenError
from .source import Definition, Finder, Module, absolute, parse_file
from .state import Call, Opaque, Ref
from .values import Evaluator, Scope, first_opaque

APP_CONFIG = "django.apps.config.AppConfig"
DEFAULTS: dict[str, Any] = {
    "AUTH_USER_MODEL": "auth.User",
    "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
    "USE_TZ": True,  # Django 5's default
    "MIGRATION_MODULES": {},
}


@dataclass
class App:
    """An installed app: its label, its module and where it is, its default auto field."""

    label: str
    name: str  # the app's module, dotted
    path: Path | None  # the package folder (None: not found on the search path)
    default_auto_field: str
    in_project: bool
    migrations_module: str | None  # None: migrations disabled (MIGRATION_MODULES = {label: None})

    @property
    def migrations_path(self) -> Path | None:
        return None if self.migrations_module is None else self._module_dir(self.migrations_module)

    def _module_dir(self, dotted: str) -> Path | None:
        if self.path is None:
            return None
        if dotted.startswith(self.name + "."):
            return self.path.joinpath(*dotted[len(self.name) + 1:].split("."))
        return None


@dataclass
class DjangoProject:
    """A Django project read statically: settings, installed apps, and what this run has read."""

    root: Path
    finder: Finder
    settings_module: str
    settings_file: Path
    settings: dict[str, Any]
    apps: list[App] = field(default_factory=list)
    evaluator: Evaluator = field(init=False)
    # what this run has read of the migration files (replay.read_migrations), and the cache behind it
    migration_files: dict[str, list] = field(default_factory=dict, repr=False)
    history: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.evaluator = Evaluator(self.finder, self.settings)

    def app(self, label: str) -> App:
        for app in self.apps:
            if app.label == label:
                return app
        raise KeyError(label)

    def app_of_module(self, module: str) -> App | None:
        """The installed app a module belongs to (the longest app name that prefixes it)."""
        best = None
        for app in self.apps:
            if (module == app.name or module.startswith(app.name + ".")) and (
                    best is None or len(app.name) > len(best.name)):
                best = app
        return best

    @property
    def project_apps(self) -> list[App]:
        return [a for a in self.apps if a.in_project]

    @property
    def auth_user_model(self) -> str:
        return str(self.settings["AUTH_USER_MODEL"])

    @property
    def database_dialect(self) -> str | None:
        """The dialect of DATABASES['default']['ENGINE'] when the settings spell it out, else None (a
        DATABASES built at run time: the caller names the database)."""
        databases = self.settings.get("DATABASES")
        default = databases.get("default") if isinstance(databases, dict) else None
        engine = default.get("ENGINE") if isinstance(default, dict) else None
        if not isinstance(engine, str):
            return None
        backend = engine.rpartition(".")[2]
        return {"postgresql": "postgresql", "postgresql_psycopg2": "postgresql", "postgis": "postgresql",
                "mysql": "mysql", "sqlite3": "sqlite", "spatialite": "sqlite"}.get(backend)


def settings_from_manage_py(root: Path) -> str:
    """The DJANGO_SETTINGS_MODULE default ``manage.py`` sets."""
    manage = root / "manage.py"
    if not manage.is_file():
        raise MgenError("no manage.py in the project folder: name the settings module (--settings)", str(root))
    for node in ast.walk(parse_file(manage)):
        if (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "DJANGO_SETTINGS_MODULE" and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)):
            return node.args[1].value
    raise MgenError("manage.py sets no DJANGO_SETTINGS_MODULE default: name the settings module (--settings)",
                    str(manage))


def read_settings(finder: Finder, evaluator: Evaluator, module: Module, seen: set[str] | None = None) -> dict:
    """The settings a module assigns (UPPER_CASE names), in statement order, with star imports merged."""
    seen = seen if seen is not None else set()
    seen.add(module.name)
    out: dict[str, Any] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            source = finder.module(absolute(module, stmt))
            if source is not None and source.name not in seen:
                out.update(read_settings(finder, evaluator, source, seen))
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name.isupper():
                out[name] = _known(evaluator.value(stmt.value, Scope(module)), out, stmt.value, module, evaluator)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.Add):
            name = stmt.target.id
            extra = evaluator.value(stmt.value, Scope(module))
            if isinstance(out.get(name), (tuple, list)) and isinstance(extra, (tuple, list)):
                out[name] = type(out[name])([*out[name], *extra])
            else:
                out[name] = Opaque(ast.unparse(stmt), str(module.path), stmt.lineno)
    return out


def _known(value: Any, so_far: dict, node: ast.expr, module: Module, evaluator: Evaluator) -> Any:
    """A setting's value; a reference to an earlier setting of the same module is that setting."""
    if isinstance(node, ast.Name) and node.id in so_far:
        return so_far[node.id]
    return value


def _literal(value: Any) -> bool:
    return first_opaque(value) is None and not isinstance(value, (Call, Ref))


def load_project(root: Path, settings_module: str | None = None, search_paths: Sequence[Path] = ()) -> DjangoProject:
    """The project in ``root``: settings and installed apps. ``search_paths`` come before the interpreter's
    path when looking for apps and libraries outside the project (a virtualenv's site-packages)."""
    root = Path(root).resolve()
    finder = Finder.for_project(root, search_paths)
    if finder.module("django.db.models") is None:
        # without Django's source no class can be told to be a model or a field: refuse, never guess
        raise MgenError("Django's source is not found: neither a virtual environment in the project (.venv, venv, "
                        "env) nor mgen's own Python has django.db.models to read", str(root))
    name = settings_module or settings_from_manage_py(root)
    module = finder.module(name)
    if module is None:
        raise MgenError(f"settings module {name!r} not found under the project folder", str(root))
    evaluator = Evaluator(finder, {})
    raw = read_settings(finder, evaluator, module)
    settings = dict(DEFAULTS)
    settings.update({k: v for k, v in raw.items() if _literal(v)})
    apps_value = raw.get("INSTALLED_APPS")
    if apps_value is None:
        raise MgenError("the settings module sets no INSTALLED_APPS", str(module.path))
    if not _literal(apps_value) or not all(isinstance(a, str) for a in apps_value):
        where = first_opaque(apps_value)
        raise MgenError("INSTALLED_APPS is computed at run time; mgen reads it only as a list of strings",
                        str(module.path), where.line if where else None)
    project = DjangoProject(root, finder, name, module.path, settings)
    project.apps = [_app(project, entry) for entry in apps_value]
    labels = [a.label for a in project.apps]
    for label in labels:
        if labels.count(label) > 1:
            raise MgenError(f"two installed apps have the label {label!r}", str(module.path))
    return project


def _app(project: DjangoProject, entry: str) -> App:
    finder, evaluator = project.finder, project.evaluator
    config: Definition | None = None
    app_module = entry
    if finder.locate(entry) is None:
        # "pkg.apps.ShopConfig": a class path
        parent, _, cls = entry.rpartition(".")
        module = finder.module(parent) if parent else None
        target = finder.resolve(module, cls) if module is not None else None
        if isinstance(target, Definition) and isinstance(target.node, ast.ClassDef):
            config = target
            app_module = _config_attr(evaluator, config, "name") or parent.rpartition(".")[0]
    else:
        config = _default_config(project, entry)
    located = finder.locate(app_module)
    path = located[0].parent if located is not None and located[1] else None
    label = (_config_attr(evaluator, config, "label") if config else None) or app_module.rpartition(".")[2]
    auto = (_config_attr(evaluator, config, "default_auto_field") if config else None) \
        or project.settings["DEFAULT_AUTO_FIELD"]
    migrations = project.settings.get("MIGRATION_MODULES", {}).get(label, f"{app_module}.migrations")
    in_project = path is not None and project.root in path.resolve().parents
    return App(label, app_module, path, str(auto), in_project, migrations)


def _default_config(project: DjangoProject, app_module: str) -> Definition | None:
    """The AppConfig Django picks in ``<app>/apps.py``: the only subclass, or the one with default = True."""
    module = project.finder.module(f"{app_module}.apps")
    if module is None:
        return None
    candidates = []
    for stmt in module.tree.body:
        if isinstance(stmt, ast.ClassDef):
            cls = Definition(f"{module.name}.{stmt.name}", module, stmt)
            if any(getattr(b, "path", None) == APP_CONFIG for b in project.evaluator.ancestors(cls)) \
                    and _config_attr(project.evaluator, cls, "default") is not False:
                candidates.append(cls)
    if len(candidates) == 1:
        return candidates[0]
    chosen = [c for c in candidates if _config_attr(project.evaluator, c, "default") is True]
    return chosen[0] if len(chosen) == 1 else None


def _config_attr(evaluator: Evaluator, config: Definition | None, name: str) -> Any:
    """A class attribute of an AppConfig, looked up along its bases; None when absent or not literal."""
    if config is None:
        return None
    for cls in [config, *[b for b in evaluator.ancestors(config) if isinstance(b, Definition)]]:
        if not isinstance(cls.node, ast.ClassDef):
            continue
        for stmt in cls.node.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                value = evaluator.value(stmt.value, Scope(cls.module, (cls.node,)))
                return value if _literal(value) else None
    return None
