"""The Python interpreter a project runs with, found the way its own tools would find it (nothing is run).

``project_interpreter(root)`` asks, in this order, and answers the first interpreter file that exists:

1. ``VIRTUAL_ENV``: the environment activated in the shell mgen was started from (what ``python`` means
   there), unless it is mgen's own environment and the project has a virtual environment in its folder or
   above (2.).
2. A virtual environment in the project or a folder above it, up to the repository root (the folder with
   ``.git``/``.hg``) or the home folder: ``.venv``, ``venv``, ``env``, ``.env`` (a folder with a
   ``pyvenv.cfg``). ``uv``, ``poetry`` with ``virtualenvs.in-project`` and ``PIPENV_VENV_IN_PROJECT`` all
   make ``.venv`` there; ``UV_PROJECT_ENVIRONMENT`` names another folder.
3. Poetry (a ``poetry.lock``, or ``[tool.poetry]`` in ``pyproject.toml``): the environment poetry made in its
   cache, ``<virtualenvs.path>/<name>-<hash>-py<X.Y>`` (``POETRY_VIRTUALENVS_PATH``, else
   ``<POETRY_CACHE_DIR or the platform cache>/virtualenvs``), ``<hash>`` from the project's path as poetry
   computes it; the newest Python when there are several.
4. Pipenv (a ``Pipfile``): ``<WORKON_HOME or ~/.local/share/virtualenvs>/<name>-<hash>``, ``<hash>`` from the
   Pipfile's path as pipenv computes it, or the one environment whose ``.project`` file names the project.
5. pyenv (``PYENV_VERSION``, else a ``.python-version`` in the project or above): that version (or
   pyenv-virtualenv environment) under ``$PYENV_ROOT/versions`` (default ``~/.pyenv``).

None when nothing is found: the caller falls back to mgen's own interpreter's libraries (for Django's own
source) and says so where it matters. ``site_packages(interpreter)`` lists the folders with that
interpreter's installed packages, read from the file system without running it.
"""
from __future__ import annotations

import base64
import glob
import hashlib
import os
import re
import sys
from pathlib import Path

ENV_FOLDERS = (".venv", "venv", "env", ".env")


def project_interpreter(root: Path) -> Path | None:
    """The interpreter of the project at ``root`` (see the module's docstring for the order), or None."""
    root = Path(root).resolve()
    folders = folders_up(root)
    active = os.environ.get("VIRTUAL_ENV")
    if active:
        found = _env_python(Path(active))
        own = Path(sys.prefix).resolve() == Path(active).resolve()
        if found is not None and not (own and any(_in_folder_env(f) for f in folders)):
            return found
    uv_env = os.environ.get("UV_PROJECT_ENVIRONMENT")
    for folder in folders:
        if uv_env and (folder / "uv.lock").is_file() or uv_env and (folder / "pyproject.toml").is_file():
            found = _env_python(folder / uv_env if not os.path.isabs(uv_env) else Path(uv_env))
            if found is not None:
                return found
        found = _in_folder_env(folder)
        if found is not None:
            return found
    for folder in folders:
        found = _poetry(folder) or _pipenv(folder)
        if found is not None:
            return found
    return _pyenv(folders)


def site_packages(interpreter: Path) -> list[Path]:
    """The folders holding the packages installed for ``interpreter`` (a virtual environment's or an
    installation's ``lib/pythonX.Y/site-packages``, ``Lib/site-packages`` on Windows), newest Python first."""
    prefix = _prefix(interpreter)
    out = sorted(prefix.glob("lib/python3*/site-packages"), reverse=True)
    out += [p for p in [prefix / "Lib" / "site-packages"] if p.is_dir()]
    return [p.resolve() for p in out if p.is_dir()]


def _prefix(interpreter: Path) -> Path:
    """``<prefix>`` of ``<prefix>/bin/python`` (``<prefix>/Scripts/python.exe``), the link not followed."""
    interpreter = Path(os.path.abspath(interpreter))
    return interpreter.parent.parent


def folders_up(root: Path) -> list[Path]:
    """``root`` and its parents up to the repository root or the home folder (whichever comes first)."""
    home = Path.home().resolve() if Path.home().is_dir() else None
    out = []
    for folder in (root, *root.parents):
        out.append(folder)
        if (folder / ".git").exists() or (folder / ".hg").exists() or folder == home:
            break
    return out


def _env_python(env: Path) -> Path | None:
    for candidate in (env / "bin" / "python", env / "bin" / "python3", env / "Scripts" / "python.exe"):
        if candidate.exists() or candidate.is_symlink():  # a link made on another machine: the env is still read
            return candidate
    return None


def _in_folder_env(folder: Path) -> Path | None:
    for name in ENV_FOLDERS:
        env = folder / name
        if (env / "pyvenv.cfg").is_file():
            found = _env_python(env)
            if found is not None:
                return found
    return None


def _read_toml(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _cache_home() -> Path:
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def poetry_env_name(name: str, project: Path) -> str:
    """``<name>-<hash>``, as poetry names a project's environment (its EnvManager.generate_env_name)."""
    sanitized = re.sub(r'[ $`!*@"\\\r\n\t]', "_", name.lower())[:42]
    normalized = os.path.normcase(os.path.realpath(project))
    digest = base64.urlsafe_b64encode(hashlib.sha256(normalized.encode()).digest()).decode()[:8]
    return f"{sanitized}-{digest}"


def _poetry(folder: Path) -> Path | None:
    pyproject = _read_toml(folder / "pyproject.toml")
    tool = pyproject.get("tool", {}).get("poetry") if isinstance(pyproject.get("tool"), dict) else None
    if not (folder / "poetry.lock").is_file() and not isinstance(tool, dict):
        return None
    name = (tool or {}).get("name") or (pyproject.get("project") or {}).get("name")
    if not isinstance(name, str):
        return None
    if os.environ.get("POETRY_VIRTUALENVS_PATH"):
        base = Path(os.environ["POETRY_VIRTUALENVS_PATH"])
    else:
        cache = Path(os.environ["POETRY_CACHE_DIR"]) if os.environ.get("POETRY_CACHE_DIR") else (
            _cache_home() / ("pypoetry" if os.name != "nt" else "pypoetry/Cache"))
        base = cache / "virtualenvs"
    envs = sorted(base.glob(f"{glob.escape(poetry_env_name(name, folder))}-py*"), key=_python_version, reverse=True)
    for env in envs:
        found = _env_python(env)
        if found is not None:
            return found
    return None


def _python_version(env: Path) -> tuple[int, ...]:
    match = re.search(r"-py(\d+)\.(\d+)$", env.name)
    return (int(match[1]), int(match[2])) if match else (0,)


def pipenv_env_name(project: Path) -> str:
    """``<name>-<hash>``, as pipenv names a project's environment (its Project.virtualenv_name)."""
    name = _pipenv_sanitized(project)
    location = str(project / "Pipfile")
    digest = base64.urlsafe_b64encode(hashlib.sha256(location.encode()).digest()[:6]).decode()
    return f"{name}-{digest[:8]}"


def _pipenv_sanitized(project: Path) -> str:
    return re.sub(r'[ &$`!*@"()\[\]\\\r\n\t]', "_", project.name)[0:42]


def _pipenv(folder: Path) -> Path | None:
    if not (folder / "Pipfile").is_file():
        return None
    base = Path(os.environ["WORKON_HOME"]) if os.environ.get("WORKON_HOME") else \
        Path.home() / ".local" / "share" / "virtualenvs"
    found = _env_python(base / pipenv_env_name(folder))
    if found is not None:
        return found
    named = []  # pipenv writes the project folder into <env>/.project
    prefix = glob.escape(_pipenv_sanitized(folder))  # the hash may hold "-" itself
    for env in base.glob(f"{prefix}-*") if base.is_dir() else ():
        try:
            if Path((env / ".project").read_text(encoding="utf-8").strip()).resolve() == folder:
                named.append(env)
        except OSError:
            continue
    return _env_python(named[0]) if len(named) == 1 else None


def _pyenv(folders: list[Path]) -> Path | None:
    version = os.environ.get("PYENV_VERSION")
    if not version:
        for folder in folders:
            marker = folder / ".python-version"
            if marker.is_file():
                lines = [line.strip() for line in marker.read_text(encoding="utf-8", errors="replace").splitlines()]
                version = next((line for line in lines if line and not line.startswith("#")), None)
                break
    if not version or version == "system":
        return None
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for name in version.split(":"):
        found = _env_python(root / "versions" / name.strip())
        if found is not None:
            return found
    return None
