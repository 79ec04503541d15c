"""Whether a folder is a Django project, and its dialect, from its files alone (nothing imported or run).

``manage.py`` names the settings module (``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)``); the
settings' ``DATABASES["default"]["ENGINE"]`` gives the dialect, as the settings evaluate statically
(``settings.py``: star imports, imported names, ``os.environ.get(..., default)`` as its default); a value known
only at run time is reported in the evidence as unknown, and the dependencies decide. The settings module is
looked for on the project's module path (``roots.py``), not only under the folder of ``manage.py``.
"""
from __future__ import annotations

import ast
from pathlib import Path

from ..detect import parse
from ..records import Detection

_ENGINE_DIALECTS = (("postgis", "postgresql"), ("postgresql", "postgresql"), ("mysql", "mysql"),
                    ("sqlite", "sqlite"))


def detect_django(root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
    manage = root / "manage.py"
    if not manage.is_file():
        return None
    if not _is_django_manage(manage):
        evidence.append("manage.py found; it neither imports Django nor sets DJANGO_SETTINGS_MODULE: not Django's")
        return None
    sources.append(manage)
    module = _settings_module(manage)
    if module is None:
        evidence.append("manage.py found; it names no settings module statically")
        return Detection(root, "django")
    found = _literal_engine(root, module) or _settings_engine(root, module)
    if found is None:
        evidence.append(f"manage.py names settings {module}, which is not found on the project's module path")
        return Detection(root, "django")
    settings, engine, engine_file, files = found
    sources.extend(dict.fromkeys([settings, *files]))
    evidence.append(f"manage.py: settings {module} ({_shown(settings, root)})")
    if engine is None:
        evidence.append("DATABASES['default']['ENGINE'] is not a literal in the settings (nor known statically): dialect unknown")
        return Detection(root, "django", None, settings)
    for needle, dialect in _ENGINE_DIALECTS:
        if needle in engine:
            evidence.append(line := f"DATABASES ENGINE {engine}")
            return Detection(root, "django", dialect, settings, dialect_source=_shown(engine_file, root),
                             dialect_detail=line)
    evidence.append(f"DATABASES ENGINE {engine}: not a dialect mgen knows")
    return Detection(root, "django", None, settings)


def _is_django_manage(manage: Path) -> bool:
    """Whether ``manage.py`` is Django's: it imports ``django`` or names ``DJANGO_SETTINGS_MODULE`` (a Flask,
    Flask-Script or Click ``manage.py`` does neither). One that does not parse is taken for Django's: a file of
    that name and nothing known about it is far more often Django's."""
    tree = parse(manage)
    if tree is None:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "django" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
            return True
        if isinstance(node, ast.Constant) and node.value == "DJANGO_SETTINGS_MODULE":
            return True
    return False


def _settings_module(manage: Path) -> str | None:
    tree = parse(manage)
    for node in ast.walk(tree) if tree else ():
        if (isinstance(node, ast.Call) and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "DJANGO_SETTINGS_MODULE" and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)):
            return node.args[1].value
    return None


def _literal_engine(root: Path, dotted: str) -> tuple[Path, str, Path, list[Path]] | None:
    """The quick answer, without the readers (``mgen check`` stays light): the settings module is a file under
    the project folder whose own ``DATABASES["default"]["ENGINE"]`` is a string literal, and nothing else in it
    (a star import, an ``if``, a ``try``, an assignment into ``DATABASES``) may change it."""
    settings = _module_file(root, dotted)
    tree = parse(settings) if settings is not None else None
    if tree is None or any(isinstance(s, (ast.If, ast.Try, ast.For, ast.With)) or isinstance(s, ast.ImportFrom) and any(
            a.name == "*" for a in s.names) or "DATABASES" in ast.unparse(s) and not (
            isinstance(s, ast.Assign) and [ast.unparse(t) for t in s.targets] == ["DATABASES"]) for s in tree.body):
        return None
    engine = _django_engine(settings)
    return (settings, engine, settings, []) if settings is not None and engine is not None else None


def _settings_engine(root: Path, dotted: str) -> tuple[Path, str | None, Path, list[Path]] | None:
    """The settings file, DATABASES["default"]["ENGINE"] as the settings evaluate statically (the
    environment empty: ``os.environ.get("DB_ENGINE", "...postgresql")`` is its default) and the file that
    set DATABASES, and every file the evaluation read; None when the settings module is not found on the project's module path."""
    from ...errors import MgenError
    from .project import manage_py_path
    from .settings import evaluate_settings
    from .source import Finder

    finder = Finder.for_project(root, (), manage_py_path(root))
    module = finder.module(dotted)
    if module is None or not module.path.is_file():
        return None
    try:
        evaluated = evaluate_settings(finder, module, root)
    except MgenError:
        return module.path, None, module.path, []
    values = evaluated.values
    databases = values.get("DATABASES")
    default = databases.get("default") if isinstance(databases, dict) else None
    engine = default.get("ENGINE") if isinstance(default, dict) else None
    return (module.path, engine if isinstance(engine, str) else None, _setter(finder, module, "DATABASES"),
            [f for f in evaluated.files if finder.is_own(f)])


def _setter(finder, module, name: str) -> Path:
    """The file whose assignment to ``name`` the settings module ends with (itself, or a star-imported one)."""
    from .source import absolute

    found = module.path
    for stmt in module.tree.body:
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            source = finder.module(absolute(module, stmt))
            if source is not None and source.path.is_file() and _assigns(source.tree, name):
                found = source.path
        elif _assigns(ast.Module(body=[stmt], type_ignores=[]), name):
            found = module.path
    return found


def _assigns(tree: ast.Module, name: str) -> bool:
    return any(isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
               for node in tree.body)


def _shown(path: Path, root: Path) -> str:
    """A path from the project folder when it is inside it, else as it is."""
    path, root = Path(path).resolve(), Path(root).resolve()
    return path.relative_to(root).as_posix() if root in path.parents else str(path)


def _module_file(root: Path, dotted: str) -> Path | None:
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _django_engine(settings: Path) -> str | None:
    """DATABASES["default"]["ENGINE"] when the settings spell it as a string (the last assignment wins;
    the other entries may be anything, ``BASE_DIR / "db.sqlite3"`` included)."""
    tree = parse(settings)
    engine = None
    for node in tree.body if tree else ():
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "DATABASES" for t in node.targets):
            engine = _string_at(_string_at(node.value, "default"), "ENGINE")
            engine = engine.value if isinstance(engine, ast.Constant) and isinstance(engine.value, str) else None
    return engine


def _string_at(node: ast.expr | None, key: str) -> ast.expr | None:
    """The value under the string ``key`` of a dict display (None when it is not one, or has no such key)."""
    if not isinstance(node, ast.Dict):
        return None
    for k, v in zip(node.keys, node.values):
        if isinstance(k, ast.Constant) and k.value == key:
            return v
    return None
