"""Which framework a project uses, and which database dialect: a pure function of the project's files.

Read statically, in this order of authority, and each fact with the file that says it (``evidence``):

1. Django: ``manage.py`` names the settings module (``os.environ.setdefault("DJANGO_SETTINGS_MODULE",
   ...)``); the settings' ``DATABASES["default"]["ENGINE"]`` gives the dialect.
2. Alembic: ``alembic.ini`` (at the root) gives ``sqlalchemy.url``, whose scheme gives the dialect
   (Alembic's template placeholder ``driver://...`` says nothing).
3. Raw SQL migration folders (golang-migrate, goose, plain up/down) under ``migrations/``,
   ``db/migrations/`` or ``migrations/sql``.
4. Dependencies (requirements*.txt, pyproject.toml, Pipfile) name the framework when nothing above did,
   and the driver (psycopg, PyMySQL, ...) the dialect when the configuration does not.

Nothing is imported or run; a value computed at run time (``ENGINE = os.environ[...]``) is reported in
the evidence as unknown, and the dependencies decide. The result is cacheable: it depends only on the
files listed in ``Detection.sources``.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

_ENGINE_DIALECTS = (("postgis", "postgresql"), ("postgresql", "postgresql"), ("mysql", "mysql"),
                    ("sqlite", "sqlite"))
_URL_DIALECTS = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql",
                 "sqlite": "sqlite"}
# distribution name (normalised, PEP 503) -> what it says
_FRAMEWORK_PACKAGES = {"django": "django", "alembic": "alembic", "flask-migrate": "alembic"}
_DRIVER_PACKAGES = {
    "psycopg": "postgresql", "psycopg2": "postgresql", "psycopg2-binary": "postgresql", "asyncpg": "postgresql",
    "psycopg-binary": "postgresql", "pg8000": "postgresql",
    "pymysql": "mysql", "mysqlclient": "mysql", "mysql-connector-python": "mysql", "aiomysql": "mysql",
    "mariadb": "mysql", "asyncmy": "mysql",
    "aiosqlite": "sqlite",
}
# where a raw-SQL migrations folder is looked for (also what the project cache fingerprints for detection)
MIGRATION_FOLDERS = ("migrations", "db/migrations", "migrations/sql", "sql/migrations")
_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Detection:
    """What ``detect`` found: the framework, the dialect, the file that says so, and why."""

    root: Path
    framework: str | None = None  # "django" | "alembic" | "golang-migrate" | "goose" | "plain" | None
    dialect: str | None = None  # "postgresql" | "mysql" | "sqlite" | None
    config: Path | None = None  # settings module, alembic.ini or migrations folder
    evidence: tuple[str, ...] = ()
    sources: tuple[Path, ...] = field(default=(), compare=False)  # the files the answer depends on

    def to_dict(self) -> dict:
        return {"root": str(self.root), "framework": self.framework, "dialect": self.dialect,
                "config": str(self.config) if self.config else None, "evidence": list(self.evidence)}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def detect(root: Path | str) -> Detection:
    root = Path(root)
    evidence: list[str] = []
    sources: list[Path] = []
    framework = dialect = None
    config: Path | None = None

    django = _django(root, evidence, sources)
    if django is not None:
        framework, config, dialect = "django", django[0], django[1]
    else:
        alembic = _alembic(root, evidence, sources)
        if alembic is not None:
            framework, config, dialect = "alembic", alembic[0], alembic[1]
        else:
            folder = _sql_folder(root, evidence)
            if folder is not None:
                framework, config = folder[1], folder[0]

    packages = _dependencies(root, evidence, sources)
    if framework is None:
        named = sorted({_FRAMEWORK_PACKAGES[p] for p in packages if p in _FRAMEWORK_PACKAGES})
        if named:
            framework = "django" if "django" in named else named[0]
            evidence.append(f"framework {framework} from the dependencies")
    if dialect is None:
        drivers = sorted({_DRIVER_PACKAGES[p] for p in packages if p in _DRIVER_PACKAGES})
        if len(drivers) == 1:
            dialect = drivers[0]
            evidence.append(f"dialect {dialect} from the database driver in the dependencies")
        elif drivers:
            evidence.append(f"drivers for several dialects in the dependencies ({', '.join(drivers)}): none chosen")
    return Detection(root, framework, dialect, config, tuple(evidence), tuple(sources))


# -- Django --------------------------------------------------------------------------------------
def _django(root: Path, evidence: list[str], sources: list[Path]) -> tuple[Path | None, str | None] | None:
    manage = root / "manage.py"
    if not manage.is_file():
        return None
    sources.append(manage)
    module = _settings_module(manage)
    if module is None:
        evidence.append("manage.py found; it names no settings module statically")
        return None, None
    settings = _module_file(root, module)
    if settings is None:
        evidence.append(f"manage.py names settings {module}, which is not a file under the project")
        return None, None
    sources.append(settings)
    engine = _django_engine(settings)
    evidence.append(f"manage.py: settings {module} ({settings.relative_to(root)})")
    if engine is None:
        evidence.append("DATABASES['default']['ENGINE'] is not a literal in the settings: dialect unknown")
        return settings, None
    for needle, dialect in _ENGINE_DIALECTS:
        if needle in engine:
            evidence.append(f"DATABASES ENGINE {engine}")
            return settings, dialect
    evidence.append(f"DATABASES ENGINE {engine}: not a dialect mgen knows")
    return settings, None


def _settings_module(manage: Path) -> str | None:
    tree = _parse(manage)
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
    tree = _parse(settings)
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


# -- Alembic -------------------------------------------------------------------------------------
def _alembic(root: Path, evidence: list[str], sources: list[Path]) -> tuple[Path, str | None] | None:
    ini = root / "alembic.ini"
    if not ini.is_file():
        return None
    sources.append(ini)
    import configparser  # here: only an Alembic project has an alembic.ini to read

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
    except configparser.Error as e:
        evidence.append(f"alembic.ini cannot be read ({type(e).__name__}): dialect unknown")
        return ini, None
    url = parser.get("alembic", "sqlalchemy.url", fallback="").strip()
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower() if "://" in url or url.startswith("sqlite:") else ""
    if scheme in _URL_DIALECTS:
        evidence.append(f"alembic.ini: sqlalchemy.url is a {scheme} URL")
        return ini, _URL_DIALECTS[scheme]
    evidence.append("alembic.ini found; its sqlalchemy.url names no dialect (set in env.py or left as the template)")
    return ini, None


# -- raw SQL folders ----------------------------------------------------------------------------------
def _sql_folder(root: Path, evidence: list[str]) -> tuple[Path, str] | None:
    from ..errors import MgenError
    from ..formats import detect_format

    for rel in MIGRATION_FOLDERS:
        folder = root / rel
        if not folder.is_dir():
            continue
        try:
            fmt = detect_format(folder)
        except MgenError as e:
            evidence.append(f"{rel}: {e.message}")
            continue
        if fmt is not None:
            evidence.append(f"{rel}: {fmt} migrations")
            return folder, fmt
    return None


# -- dependencies ---------------------------------------------------------------------------------
def _dependencies(root: Path, evidence: list[str], sources: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt")):
        sources.append(path)
        for line in _text(path).splitlines():
            line = line.split("#", 1)[0].strip()
            match = _REQUIREMENT_NAME.match(line) if line and not line.startswith("-") else None
            if match:
                names.add(normalise(match.group(1)))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        sources.append(pyproject)
        names |= _pyproject_names(pyproject, evidence)
    pipfile = root / "Pipfile"
    if pipfile.is_file():
        sources.append(pipfile)
        section = ""
        for line in _text(pipfile).splitlines():
            stripped = line.strip()
            if stripped.startswith("["):
                section = stripped
            elif section in ("[packages]", "[dev-packages]") and "=" in stripped:
                names.add(normalise(stripped.split("=", 1)[0].strip().strip('"')))
    return names


def _pyproject_names(path: Path, evidence: list[str]) -> set[str]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        evidence.append("pyproject.toml not read (Python 3.10 has no tomllib)")
        return set()
    try:
        data = tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as e:
        evidence.append(f"pyproject.toml cannot be read: {e}")
        return set()
    project = data.get("project", {})
    specs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    names = {normalise(m.group(1)) for s in specs if (m := _REQUIREMENT_NAME.match(str(s)))}
    poetry = data.get("tool", {}).get("poetry", {})
    for table in [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {}),
                  *(g.get("dependencies", {}) for g in poetry.get("group", {}).values())]:
        names |= {normalise(n) for n in table if n != "python"}
    return names


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(_text(path), filename=str(path))
    except SyntaxError:
        return None
