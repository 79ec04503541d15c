"""A Django project on disk: its settings module and its installed apps, found statically.

The settings module is the one ``manage.py`` names (``os.environ.setdefault("DJANGO_SETTINGS_MODULE",
"config.settings")``) unless the caller names one, as ``--settings`` does; it is looked for on the module
path Python would have for the project (``roots.py``), not only under the folder of ``manage.py``. Its
statements are evaluated without running them (``settings.py``: star imports, imported lists, ``+=``,
``append``, ``try``/``except ImportError``, ``if``, the environment's defaults); a setting computed at run
time is simply unknown, and an error only where it is needed: ``INSTALLED_APPS`` must be readable, though an
unknown part of it (``[*discover_plugins(), ...]``) is only a note and its known apps are read. An app of
``INSTALLED_APPS`` found nowhere is noted; one whose folder is in the repository but off the module path, or
a models file git reports changed in an app folder no installed app holds, is an error (``load_project``
never lets an app's changes go unseen). An app is the project's own (``App.in_project``) when its source
is the project's (``Finder.is_own``), not an installed library's. Each app's ``AppConfig`` is found as Django finds it - the class named
in ``INSTALLED_APPS``, or the single (or ``default = True``) ``AppConfig`` subclass in ``<app>/apps.py`` - for
its ``label`` and ``default_auto_field``.
"""
from __future__ import annotations

import ast
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ..interpreter import folders_up
from ..pyast import Note
from . import model_meta, module_branches
from .settings import Conditional, DjangoSettings, evaluate_file, evaluate_settings, first_unknown, is_known
from .source import Definition, External, Finder, Module, dotted_name, parse_file
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
    # what the settings module sets, known or not (DATABASES with a NAME from the environment), and notes:
    # apps installed conditionally, or not found, or computed at run time
    raw_settings: dict[str, Any] = field(default_factory=dict, repr=False)
    notes: list[Note] = field(default_factory=list)
    # INSTALLED_APPS computed in part at run time: (file, line, source), and the app folders it may install
    # that mgen does not read (``runtime_apps``: label -> refusal)
    runtime_part: tuple[str, int | None, str] | None = None
    unread_apps: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.evaluator = Evaluator(self.finder, self.settings, settings_module=self.settings_module)
        # a module-level ``if`` on the database vendor or a setting: the branch Python runs (module_branches)
        self.finder.branch_taken = functools.partial(module_branches.taken, self.evaluator)
        self.evaluator.model_meta = functools.partial(model_meta.attribute, self)

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
        databases = self.raw_settings.get("DATABASES", self.settings.get("DATABASES"))
        default = databases.get("default") if isinstance(databases, dict) else None
        engine = default.get("ENGINE") if isinstance(default, dict) else None
        return engine_dialect(engine) if isinstance(engine, str) else None


def engine_dialect(engine: str) -> str | None:
    """mgen's dialect of a DATABASES ENGINE (its last dotted part: Django's and GeoDjango's backends)."""
    return {"postgresql": "postgresql", "postgresql_psycopg2": "postgresql", "postgis": "postgresql",
            "mysql": "mysql", "sqlite3": "sqlite", "spatialite": "sqlite"}.get(engine.rpartition(".")[2])


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
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if (isinstance(target, ast.Subscript) and dotted_name(target.value) == "os.environ"
                and isinstance(target.slice, ast.Constant) and target.slice.value == "DJANGO_SETTINGS_MODULE"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value  # os.environ["DJANGO_SETTINGS_MODULE"] = "x": set, not defaulted
    raise MgenError("manage.py sets no DJANGO_SETTINGS_MODULE default: name the settings module (--settings)",
                    str(manage))


def manage_py_path(root: Path) -> list[Path]:
    """The folders ``manage.py`` puts on ``sys.path`` before Django starts (evaluated statically)."""
    manage = root / "manage.py"
    if not manage.is_file():
        return []
    finder = Finder([root])
    try:
        interpreter = evaluate_file(finder, finder.module_at(manage))
    except MgenError:
        return []
    return [Path(p) for p in interpreter.sys_path]


def load_project(root: Path, settings_module: str | None = None, search_paths: Sequence[Path] = ()) -> DjangoProject:
    """The project in ``root``: settings and installed apps. ``search_paths`` come before the installed
    libraries when looking for apps and libraries (``roots.search_path`` has the whole module path)."""
    root = Path(root).resolve()
    inserted = manage_py_path(root)
    finder = Finder.for_project(root, search_paths, inserted)
    if finder.module("django.db.models") is None:
        # without Django's source no class can be told to be a model or a field: refuse, never guess
        raise MgenError("Django's source is not found: neither the project's environment (VIRTUAL_ENV, a .venv, "
                        "venv or env in the project or above, poetry, pipenv, pyenv) nor mgen's own Python has "
                        "django.db.models to read", str(root))
    name = settings_module or settings_from_manage_py(root)
    module = finder.module(name)
    if module is None:
        raise MgenError(f"settings module {name!r} not found: neither under the project folder nor on the "
                        f"project's module path ({_roots_text(finder)})", str(root))
    evaluated = evaluate_settings(finder, module, root)
    added = [Path(p) for p in evaluated.sys_path if Path(p).resolve() not in finder.roots]
    if added:  # the settings put folders on sys.path (apps/, lib/): the apps are searched there too
        finder = Finder.for_project(root, search_paths, [*inserted, *added])
        module = finder.module(name) or module
        evaluated = evaluate_settings(finder, module, root)
    raw = evaluated.values
    settings = dict(DEFAULTS)
    settings.update({k: v for k, v in raw.items() if is_known(v)})
    project = DjangoProject(root, finder, name, module.path, settings)
    project.raw_settings = raw
    project.evaluator.unknown_settings = {k for k, v in raw.items() if not is_known(v)}
    conditional: set[str] = set()
    entries = _installed_apps(project, evaluated, module, conditional)
    apps = [_app(project, entry) for entry in entries]
    for app in list(apps):  # an app installed only in one branch of an undecided if gives way to a sure one
        if app.name in conditional and any(a.label == app.label and a.name not in conditional for a in apps):
            apps.remove(app)
            project.notes.append(Note(str(module.path), None, f"{app.name} not read: its label {app.label!r} is "
                                      "that of an app installed unconditionally"))
    project.apps = apps
    labels = [a.label for a in project.apps]
    for label in labels:
        if labels.count(label) > 1:
            raise MgenError(f"two installed apps have the label {label!r}", str(module.path))
    _check_found(project, evaluated)
    _check_changed(project)
    _check_django_version(project)
    if project.runtime_part is not None:
        from .runtime_apps import unread_apps

        project.unread_apps = unread_apps(project, *project.runtime_part)
    return project


def _check_django_version(project: DjangoProject) -> None:
    """A note when the Django whose source is read (the project's environment's, else mgen's own) is not the
    one the project pins: what a field deconstructs to changed between versions (``BooleanField`` was
    ``blank=True`` before 2.1, ``related_name`` patterns were written filled in), so such fields may read
    as changes ``makemigrations`` of the pinned version would not see."""
    from ..pins import pinned_series, pinned_version
    from .legacy_semantics import PINNED_KEY, rules_for

    django = project.finder.module("django")
    pinned = pinned_version(project.root, "django")
    series = pinned or pinned_series(project.root, "django")  # the rules need only major.minor
    if series is not None:  # the states are compared by the pinned Django's rules (legacy_semantics)
        project.settings[PINNED_KEY] = series
    from .library_fields import LIBRARIES_KEY, library_pins  # and the known libraries' (library_fields)
    project.settings[LIBRARIES_KEY] = library_pins(project.root)
    if django is None or pinned is None:
        return
    match = re.search(r"^VERSION\s*=\s*\((\d+),\s*(\d+)", django.path.read_text(encoding="utf-8", errors="replace"),
                      re.MULTILINE)
    if match is None or (int(match[1]), int(match[2])) == pinned[:2]:
        return
    read = f"{match[1]}.{match[2]}"
    applied = rules_for(pinned)
    known = f"; mgen applies what it knows of Django {pinned[0]}.{pinned[1]}'s ({', '.join(r.name for r in applied)})" \
        if applied else ""
    project.notes.append(Note(str(project.root), None, f"the project pins Django {'.'.join(map(str, pinned))}; mgen "
                              f"reads Django {read}'s source ({django.path.parent}): fields whose deconstruction "
                              f"changed between them may read as changes{known}; install the project's environment, "
                              "or use --engine native"))


def _check_changed(project: DjangoProject) -> None:
    """A models or migration file git reports changed (against HEAD, untracked included) in an app folder (one
    with ``migrations/`` or ``apps.py``) of this project that no app read holds is an error: generating without
    it would not see its change. A file of another project of the repository (nearer another ``manage.py``)
    or of an installed library is not this project's."""
    from ...scope import git_changes, git_toplevel

    top = git_toplevel(project.root)
    changes = git_changes(top) if top is not None else "not in a git repository"
    if isinstance(changes, str):  # git cannot tell: nothing to check against
        return
    read = [a.path.resolve() for a in project.apps if a.path is not None]
    for changed in changes:
        if not changed.endswith(".py"):
            continue
        path = (top / changed).resolve()
        app = _app_folder(path)
        if app is None or any(app == r or r in app.parents for r in read) or not project.finder.is_own(path):
            continue
        nearest = next((f for f in app.parents if (f / "manage.py").is_file()), None)
        if nearest is not None and nearest != project.root and nearest not in project.root.parents:
            continue  # another project's app
        if (app / "migrations" / "__init__.py").is_file() or (app / "apps.py").is_file():
            raise MgenError(f"{changed} changed, but it is in {app}, which no installed app mgen read holds "
                            f"(INSTALLED_APPS of {project.settings_module}): its change would not be seen",
                            str(project.settings_file))


def _app_folder(path: Path) -> Path | None:
    """The app folder of a models or migration file (``app/models.py``, ``app/models/x.py``,
    ``app/migrations/0001_x.py``), else None."""
    if path.name == "models.py":
        return path.parent
    for folder in path.parents:
        if folder.name in ("models", "migrations"):
            return folder.parent
    return None


def _literal(value: Any) -> bool:
    return first_opaque(value) is None and not isinstance(value, (Call, Ref))


def _roots_text(finder: Finder, limit: int = 4) -> str:
    roots = [str(r) for r in finder.own_roots]
    return ", ".join(roots[:limit]) + (f" and {len(roots) - limit} more" if len(roots) > limit else "")


def _installed_apps(project: DjangoProject, evaluated: DjangoSettings, module: Module,
                    conditional: set[str]) -> list[str]:
    """INSTALLED_APPS as strings: the known entries, the conditional ones whose module is found (each
    noted), and a note for a part mgen cannot read (those apps are not read)."""
    value = evaluated.values.get("INSTALLED_APPS")
    if value is None:
        missing = [m for f, _, m in evaluated.missing_imports]
        why = f" (it imports {', '.join(dict.fromkeys(missing))}, found nowhere)" if missing else ""
        raise MgenError(f"the settings module sets no INSTALLED_APPS{why}", str(module.path))
    if not isinstance(value, (list, tuple)) or value and not any(
            isinstance(v, str) or isinstance(v, Conditional) and isinstance(v.value, str) for v in value):
        where = first_unknown(value)
        raise MgenError("INSTALLED_APPS is computed at run time; mgen reads it only as a list of strings",
                        where.file if where is not None and where.file else str(module.path),
                        where.line if where is not None else None)
    entries: list[str] = []
    for item in value:
        if isinstance(item, str):
            entries.append(item)
        elif isinstance(item, Conditional) and isinstance(item.value, str):
            found = project.finder.locate(item.value) is not None or \
                project.finder.locate(item.value.rpartition(".")[0]) is not None
            if found:
                entries.append(item.value)
                conditional.add(item.value)
            project.notes.append(Note(item.file, item.line, f"INSTALLED_APPS has {item.value} only when {item.test}: "
                                      + ("read, as its module is found" if found else "not read (its module is "
                                                                                      "found nowhere)")))
        elif isinstance(item, (Opaque, Conditional)):
            where = item if isinstance(item, Opaque) else first_unknown(item.value) or item
            project.notes.append(Note(where.file or str(module.path), where.line,
                                      f"INSTALLED_APPS also holds apps computed at run time ({_source(where)}): "
                                      "mgen does not read them"))
            project.runtime_part = project.runtime_part or (where.file or str(module.path), where.line,
                                                            _source(where))
        else:
            raise MgenError(f"INSTALLED_APPS holds {item!r}, not a dotted path", str(module.path))
    for file, line, test, apps in evaluated.other_branch_apps:
        project.notes.append(Note(file, line, f"settings read with the environment empty: when {test}, "
                                  f"INSTALLED_APPS also has {', '.join(apps)} (not read)"))
    return list(dict.fromkeys(entries))


def _source(value: Opaque | Conditional) -> str:
    text = value.source if isinstance(value, Opaque) else value.test
    return text if len(text) <= 80 else text[:77] + "..."


def _check_found(project: DjangoProject, evaluated: DjangoSettings) -> None:
    """An installed app whose module is found nowhere is noted; one whose folder is in the repository but
    off the module path mgen found is an error (reading the project without it would miss its models)."""
    missing = [a for a in project.apps if a.path is None and project.finder.locate(a.name) is None]
    if not missing:
        return
    search = project.finder.search
    tops = folders_up(project.root)
    for app in missing:
        rel = Path(*app.name.split("."))
        for folder in tops:
            for base in (folder, folder / "src"):
                candidate = base / rel
                if (candidate / "models.py").is_file() or (candidate / "models" / "__init__.py").is_file() \
                        or (candidate / "migrations" / "__init__.py").is_file():
                    raise MgenError(f"installed app {app.name} is at {candidate}, which is not on the module path "
                                    f"mgen finds for the project ({_roots_text(project.finder)}): its models would "
                                    "not be read", str(project.settings_file))
    env = "" if search is None or search.interpreter is not None else \
        " (no environment of the project found: libraries are read from mgen's own Python)"
    names = ", ".join(a.name for a in missing)
    project.notes.append(Note(str(project.settings_file), None,
                              f"{len(missing)} installed app(s) found nowhere on the module path{env}: {names}; "
                              "their models and migrations are not read"))


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
    in_project = path is not None and project.finder.is_own(path)
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
            if _is_app_config(project.evaluator, cls) and _config_attr(project.evaluator, cls, "default") is not False:
                candidates.append(cls)
    if len(candidates) == 1:
        return candidates[0]
    chosen = [c for c in candidates if _config_attr(project.evaluator, c, "default") is True]
    return chosen[0] if len(chosen) == 1 else None


def _is_app_config(evaluator: Evaluator, cls: Definition) -> bool:
    """An ``AppConfig`` subclass; or one on a base of a library mgen does not find that is named as one
    (wagtail's ``WagtailSearchAppConfig(modelsearch.apps.ModelSearchAppConfig)``) when it sets its
    ``label`` itself: what the base would have set is unknown, so such a class without one is no config."""
    ancestors = evaluator.ancestors(cls)
    if any(getattr(b, "path", None) == APP_CONFIG for b in ancestors):
        return True
    return any(isinstance(b, External) and b.path.endswith("AppConfig") for b in ancestors) \
        and isinstance(_config_attr(evaluator, cls, "label"), str)


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
