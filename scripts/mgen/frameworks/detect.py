"""Which framework a project uses, and which database dialect: a pure function of the project's files.

Each registered framework (``registry.frameworks()``, in order) is asked whether its own files say the project
is one of its (``Framework.detect``: Django's ``manage.py`` and settings, Alembic's ``alembic.ini``, a raw-SQL
migrations folder, ...); the first that answers decides, with the dialect its configuration names and the
evidence (each fact with the file that says it). When none does, the dependencies (requirements*.txt,
pyproject.toml, Pipfile, setup.py) name the framework (``Framework.packages``); the database driver they list
(psycopg, PyMySQL, ...) gives the dialect when the configuration does not, else the database image of a
docker-compose file (``postgres:16``, ``mysql``, ``mariadb``) in the project folder or the one above.

Nothing is imported or run; a value computed at run time (``ENGINE = os.environ[...]``) is reported in
the evidence as unknown, and the dependencies decide. The result is cacheable: it depends only on the
files listed in ``Detection.sources``.
"""
from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

from .records import Detection
from .registry import frameworks

# distribution name (normalised, PEP 503) -> the dialect its driver speaks
_DRIVER_PACKAGES = {
    "psycopg": "postgresql", "psycopg2": "postgresql", "psycopg2-binary": "postgresql", "asyncpg": "postgresql",
    "psycopg-binary": "postgresql", "pg8000": "postgresql",
    "pymysql": "mysql", "mysqlclient": "mysql", "mysql-connector-python": "mysql", "aiomysql": "mysql",
    "mariadb": "mysql", "asyncmy": "mysql",
    "aiosqlite": "sqlite",
}
_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def detect(root: Path | str) -> Detection:
    root = Path(root)
    evidence: list[str] = []
    sources: list[Path] = []
    found: Detection | None = None
    for framework in frameworks():
        found = framework.detect(root, evidence, sources)
        if found is not None:
            break

    packages = _dependencies(root, evidence, sources)
    if found is None:
        named = [f for f in frameworks() if any(normalise(p) in packages for p in f.packages)]
        found = named[0].dependency_detection(root) if named else Detection(root)
        if named:
            evidence.append(f"framework {found.framework} from the dependencies")
    else:
        found = replace(found, by_files=True)
    if found.dialect is None:
        drivers = sorted({_DRIVER_PACKAGES[p] for p in packages if p in _DRIVER_PACKAGES})
        if len(drivers) == 1:
            evidence.append(line := f"dialect {drivers[0]} from the database driver in the dependencies")
            found = replace(found, dialect=drivers[0], dialect_source="dependencies", dialect_detail=line)
        elif drivers:
            evidence.append(f"drivers for several dialects in the dependencies ({', '.join(drivers)}): none chosen")
    if found.dialect is None and found.framework is not None:
        composed = _compose_dialect(root, evidence, sources)
        if composed is not None:
            found = replace(found, dialect=composed[0], dialect_source=composed[1], dialect_detail=evidence[-1])
    return replace(found, evidence=tuple(evidence), sources=tuple(sources))


# -- docker-compose -------------------------------------------------------------------------------
_COMPOSE_FILES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
# image name (without registry, tag) -> dialect
_IMAGES = {"postgres": "postgresql", "postgis": "postgresql", "timescaledb": "postgresql", "mysql": "mysql",
           "mariadb": "mysql", "mysql-server": "mysql", "percona": "mysql"}


def _compose_dialect(root: Path, evidence: list[str], sources: list[Path]) -> tuple[str, str] | None:
    """The dialect of the database images the docker-compose file beside the project (or one folder up)
    runs, when they name one; (dialect, the file relative to root)."""
    for folder in (root, root.parent):
        for name in _COMPOSE_FILES:
            path = folder / name
            if not path.is_file():
                continue
            sources.append(path)
            found = _compose_images(path)
            dialects = sorted({d for d, _ in found})
            shown = name if folder == root else f"../{name}"
            if len(dialects) == 1:
                evidence.append(f"dialect {dialects[0]} from the {found[0][1]} image of a service in {shown}")
                return dialects[0], shown
            if dialects:
                evidence.append(f"database images for several dialects in {shown} ({', '.join(dialects)}): "
                                "none chosen")
                return None
    return None


def _compose_images(path: Path) -> list[tuple[str, str]]:
    import yaml  # here: only a project with no dialect so far has its compose file read

    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError:
        return []
    services = data.get("services") if isinstance(data, dict) else None
    out = []
    for service in (services or {}).values():
        image = service.get("image") if isinstance(service, dict) else None
        if isinstance(image, str):
            base = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
            if base in _IMAGES:
                out.append((_IMAGES[base], image))
    return out


# -- dependencies ---------------------------------------------------------------------------------
def _dependencies(root: Path, evidence: list[str], sources: list[Path]) -> set[str]:
    """The distributions the project lists: in its folder, and when that folder is itself a package (a
    Flask-Migrate project run from ``app/``, whose ``migrations/`` is inside it) in the folder above it too."""
    names: set[str] = set()
    folders = [root]
    while (folders[-1] / "__init__.py").is_file() and folders[-1].resolve().parent != folders[-1].resolve():
        folders.append(folders[-1].resolve().parent)
    for folder in dict.fromkeys([folders[0], folders[-1]]):
        names |= _listed(folder, evidence, sources)
    return names


def _listed(root: Path, evidence: list[str], sources: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt")):
        sources.append(path)
        for line in read_text(path).splitlines():
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
        for line in read_text(pipfile).splitlines():
            stripped = line.strip()
            if stripped.startswith("["):
                section = stripped
            elif section in ("[packages]", "[dev-packages]") and "=" in stripped:
                names.add(normalise(stripped.split("=", 1)[0].strip().strip('"')))
    setup = root / "setup.py"
    if setup.is_file():
        sources.append(setup)
        names |= _setup_names(setup)
    return names


def _setup_names(path: Path) -> set[str]:
    """The literal ``install_requires`` / ``extras_require`` strings of a ``setup()`` call (or of the module-level
    variable it names)."""
    tree = parse(path)
    names: set[str] = set()
    assigned = {t.id: n.value for n in (tree.body if tree is not None else []) if isinstance(n, ast.Assign)
                for t in n.targets if isinstance(t, ast.Name)}  # install_requires = [...]; setup(install_requires=...)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.keyword) and node.arg in ("install_requires", "extras_require"):
            value = assigned.get(node.value.id, node.value) if isinstance(node.value, ast.Name) else node.value
            values = value.values if isinstance(value, ast.Dict) else [value]  # not the extras' names
            for item in (i for v in values for i in ast.walk(v)):
                if isinstance(item, ast.Constant) and isinstance(item.value, str) \
                        and (match := _REQUIREMENT_NAME.match(item.value)):
                    names.add(normalise(match.group(1)))
    return names


def _pyproject_names(path: Path, evidence: list[str]) -> set[str]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        evidence.append("pyproject.toml not read (Python 3.10 has no tomllib)")
        return set()
    try:
        data = tomllib.loads(read_text(path))
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


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def parse(path: Path) -> ast.Module | None:
    """The module at ``path`` parsed (newer Python too: ``pysyntax``), None when it is not Python."""
    from ..errors import MgenError
    from .pysyntax import parse_python

    try:
        return parse_python(read_text(path), str(path))
    except MgenError:
        return None
