"""Where a Django project's modules are: the module path Python would have when ``manage.py`` runs.

In order (``search_path``):

1. the folder of ``manage.py`` (Python puts the script's folder first);
2. the folders ``manage.py`` itself puts on ``sys.path`` (``sys.path.insert(0, os.path.join(BASE, "src"))``,
   evaluated statically) and those the caller names (``--search-path``);
3. the project's own packages above it: each folder from ``manage.py``'s up to the repository root (the
   folder with ``.git``/``.hg``) or the home folder that holds a ``pyproject.toml``, ``setup.py`` or
   ``setup.cfg`` is a package the project is developed in (installed editable, or run from there): the
   package folders it declares (``[tool.setuptools.packages.find] where``, ``package-dir``, poetry's
   ``packages = [{from = ...}]``, hatch's ``packages``, setup.cfg's ``package_dir``/``where``, setup.py's
   ``package_dir={"": "src"}``/``find_packages("src")``), then its ``src/`` when that holds a package, then
   the folder itself (``find_packages()``'s flat layout);
4. the project's environment (``frameworks.interpreter.project_interpreter``): the folders its ``.pth``
   files name (editable installs: setuptools, hatch, pdm, flit) and those setuptools' editable finders
   map, then its ``site-packages``;
5. mgen's own interpreter's path (the standard library, and Django when the project's environment is not found).

1-3 are the project's own source (``own``): its apps are read as the project's; 4-5 are installed libraries.
Nothing is imported or run.
"""
from __future__ import annotations

import ast
import configparser
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..interpreter import ENV_FOLDERS, folders_up, project_interpreter, site_packages

PACKAGING = ("pyproject.toml", "setup.py", "setup.cfg")


@dataclass
class SearchPath:
    """The module roots of a project: its own source, then installed libraries, in search order."""

    own: list[Path]
    libraries: list[Path]
    interpreter: Path | None = None  # the project's interpreter, when found
    packaged: list[Path] = field(default_factory=list)  # the folders with packaging files found above


def search_path(root: Path, extra: list[Path] | tuple[Path, ...] = (), inserted: list[Path] = ()) -> SearchPath:
    """The module roots of the project whose ``manage.py`` is in ``root`` (see the module's docstring);
    ``inserted``: the folders ``manage.py`` puts on ``sys.path``."""
    root = Path(root).resolve()
    own: list[Path] = [root, *[Path(p).resolve() for p in inserted], *[Path(e).resolve() for e in extra]]
    packaged = []
    for folder in folders_up(root):
        if any((folder / name).is_file() for name in PACKAGING):
            packaged.append(folder)
            own.extend(package_roots(folder))
    interpreter = project_interpreter(root)
    libraries: list[Path] = []
    if interpreter is None:  # a virtual environment without its interpreter (made elsewhere): still readable
        interpreter_of = [folder / name / "bin" / "python" for folder in folders_up(root) for name in ENV_FOLDERS
                          if (folder / name / "pyvenv.cfg").is_file()]
        packages = site_packages(interpreter_of[0]) if interpreter_of else []
    elif not _is_own_interpreter(interpreter):
        packages = site_packages(interpreter)
    else:
        packages = []
    if packages:
        libraries.extend(editable_roots(packages))
        libraries.extend(packages)
    libraries.extend(Path(p).resolve() for p in sys.path if p and Path(p).is_dir())
    own = [p for p in dict.fromkeys(own) if p.is_dir()]
    # a folder above the project on mgen's path (the folder mgen was started from) holds no library of it
    libraries = [p for p in dict.fromkeys(libraries) if p.is_dir() and not any(p == o or p in o.parents for o in own)]
    # an editable install of the project itself is the project's own source
    own += [p for p in libraries if p not in own and any(p == o or o in p.parents for o in packaged)
            and not any(part in ("site-packages", "dist-packages") for part in p.parts)]
    libraries = [p for p in libraries if p not in own]
    return SearchPath(own, libraries, interpreter, packaged)


def _is_own_interpreter(interpreter: Path) -> bool:
    """mgen's own environment: its libraries are already on mgen's path (item 5)."""
    try:
        return interpreter.parent.parent.resolve() == Path(sys.prefix).resolve()
    except OSError:
        return False


def package_roots(folder: Path) -> list[Path]:
    """The folders a package project at ``folder`` imports from (see the module's docstring, item 3)."""
    declared = _pyproject_roots(folder) + _setup_cfg_roots(folder) + _setup_py_roots(folder)
    out = [folder / d for d in declared]
    src = folder / "src"
    if src.is_dir() and any((p / "__init__.py").is_file() for p in src.iterdir() if p.is_dir()):
        out.append(src)
    out.append(folder)
    return [p.resolve() for p in dict.fromkeys(out) if p.is_dir()]


def _pyproject_roots(folder: Path) -> list[str]:
    path = folder / "pyproject.toml"
    if not path.is_file():
        return []
    try:
        import tomllib
    except ImportError:  # Python 3.10: only the src/ and flat layouts
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    out: list[str] = []
    setuptools = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
    found = (setuptools.get("packages") or {}) if isinstance(setuptools.get("packages"), dict) else {}
    where = (found.get("find") or {}).get("where") if isinstance(found.get("find"), dict) else None
    out += [w for w in (where if isinstance(where, list) else [where] if isinstance(where, str) else [])
            if isinstance(w, str)]
    package_dir = setuptools.get("package-dir")
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        out.append(package_dir[""])
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    for entry in poetry.get("packages") or [] if isinstance(poetry.get("packages"), list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("from"), str):
            out.append(entry["from"])
    hatch = tool.get("hatch") if isinstance(tool.get("hatch"), dict) else {}
    wheel = ((hatch.get("build") or {}).get("targets") or {}).get("wheel") if isinstance(hatch.get("build"), dict) \
        else None
    for package in (wheel or {}).get("packages") or [] if isinstance(wheel, dict) else []:
        if isinstance(package, str) and "/" in package.strip("/"):
            out.append(package.strip("/").rpartition("/")[0])
    return out


def _setup_cfg_roots(folder: Path) -> list[str]:
    path = folder / "setup.cfg"
    if not path.is_file():
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return []
    out = []
    if parser.has_option("options.packages.find", "where"):
        out.append(parser.get("options.packages.find", "where").strip())
    if parser.has_option("options", "package_dir"):
        for line in parser.get("options", "package_dir").replace(";", "\n").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "" and value.strip():
                out.append(value.strip())
    return [o for o in out if o]


def _setup_py_roots(folder: Path) -> list[str]:
    path = folder / "setup.py"
    if not path.is_file():
        return []
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return []
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("find_packages", "find_namespace_packages"):
            where = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "where"), None)
            if isinstance(where, ast.Constant) and isinstance(where.value, str):
                out.append(where.value)
        for keyword in node.keywords:
            if keyword.arg == "package_dir" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values):
                    if isinstance(key, ast.Constant) and key.value == "" and isinstance(value, ast.Constant) \
                            and isinstance(value.value, str):
                        out.append(value.value)
    return out


def editable_roots(packages: list[Path]) -> list[Path]:
    """The folders the ``.pth`` files of ``packages`` (site-packages folders) put on the path, and the
    parents of the packages setuptools' editable finders (``__editable___*_finder.py``) map."""
    out: list[Path] = []
    for folder in packages:
        for pth in sorted(folder.glob("*.pth")):
            try:
                lines = pth.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for line in lines:
                line = line.strip()
                if not line or line.startswith(("#", "import ", "import\t")):
                    continue
                entry = Path(line) if Path(line).is_absolute() else folder / line
                if entry.is_dir():
                    out.append(entry.resolve())
        for finder in sorted(folder.glob("__editable___*_finder.py")):
            out.extend(_mapped_roots(finder))
    return list(dict.fromkeys(out))


def _mapped_roots(finder: Path) -> list[Path]:
    try:
        tree = ast.parse(finder.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "MAPPING" for t in node.targets):
            try:
                mapping = ast.literal_eval(node.value)
            except ValueError:
                return []
            if isinstance(mapping, dict):
                return [Path(p).resolve().parent for name, p in mapping.items()
                        if isinstance(p, str) and Path(p).name == str(name).rpartition(".")[2] and Path(p).is_dir()]
    return []
