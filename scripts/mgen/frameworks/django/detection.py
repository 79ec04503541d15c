"""Whether a folder is a Django project, and its dialect, from its files alone (nothing imported or run).

``manage.py`` names the settings module (``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)``); the
settings' ``DATABASES["default"]["ENGINE"]`` gives the dialect when it is a literal (a value computed at run
time is reported in the evidence as unknown, and the dependencies decide).
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
    settings = _module_file(root, module)
    if settings is None:
        evidence.append(f"manage.py names settings {module}, which is not a file under the project")
        return Detection(root, "django")
    sources.append(settings)
    engine = _django_engine(settings)
    evidence.append(f"manage.py: settings {module} ({settings.relative_to(root)})")
    if engine is None:
        evidence.append("DATABASES['default']['ENGINE'] is not a literal in the settings: dialect unknown")
        return Detection(root, "django", None, settings)
    for needle, dialect in _ENGINE_DIALECTS:
        if needle in engine:
            evidence.append(line := f"DATABASES ENGINE {engine}")
            return Detection(root, "django", dialect, settings, dialect_source=settings.relative_to(root).as_posix(),
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
