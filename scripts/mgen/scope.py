"""Which files are a project's *schema files*, and which of them changed.

A project's schema files are described by a few ``Rule`` s - a folder (relative to the project root; a
``*`` component matches any one folder), file-name patterns, and whether sub-folders count - so that the
same description lists the files on disk and decides whether a path git reports (maybe a deleted or a new
file) is one of them. Nothing is parsed but ``env.py`` (Alembic, for where the models are); no model file
is read.

**Django** - a static walk, not ``load_project``: an app is a folder holding ``migrations/__init__.py`` and
a ``models.py`` or ``models/`` package, found by walking the project (hidden folders, ``__pycache__``,
``node_modules``, ``site-packages``, virtual environments and ``migrations``/``static``/``templates``
folders are not entered; 8 levels at most). ``load_project`` would give Django's own answer
(``INSTALLED_APPS``, ``MIGRATION_MODULES``) but it evaluates the settings with mgen's Django reader, which
costs more than the whole early-exit budget; the walk finds the same apps in every project laid out as
Django lays them out, and it matches what ``makemigrations`` without arguments considers: an app without a
``migrations`` package gets no migration until one is made for it by name. Its rules: ``<app>/models.py``,
``<app>/models/**.py`` and ``<app>/migrations/*.py``. Not found: a ``MIGRATION_MODULES`` folder elsewhere.

**Alembic** - the versions folders (``version_locations``, else ``<script_location>/versions``, from
``alembic.ini``; ``*.py``, in sub-folders too with ``recursive_version_locations``; an ``alembic.ini`` that
cannot be read: the ``versions`` folder beside the first ``env.py`` at the root or one level down), the module
``env.py`` imports ``target_metadata`` from (``from app.db import Base`` -> ``app/db.py``, or the
``app/db/`` package; ``from app import models`` then ``models.Base.metadata`` -> ``app/models.py``),
and always ``models.py`` / ``models/`` at the root, in ``src/``, or in a top-level package
(``*/models.py``, ``*/models/**.py``): the module defining ``Base`` is often not the one holding the models.

**Raw SQL** (golang-migrate, goose, plain) - every file in the migrations folder (sub-folders included:
plain migrations are folders), and ``schema.sql``, ``*.schema.sql``, ``schema.yaml`` / ``schema.yml`` at
the root or in ``db/``.

Changed files come from git when the project is in a git repository: one ``git status --porcelain=v1 -z
--untracked-files=all`` (staged, working tree and untracked files against HEAD), plus ``git diff
--name-only -z BASE`` when the base is not HEAD (what changed since BASE, committed or not), both
restricted to the project folder, then to the schema rules. Outside git, or when git is missing or fails,
**fingerprints**: each schema file's size and mtime, and its sha256 when those moved, against the baseline
kept in ``schema-state.json`` (``fingerprints``). The first run records the baseline and can report no
change; later runs report every file that differs from it - also on the run after that, as git keeps
reporting an uncommitted edit. The baseline moves when ``accept_baseline`` records the current files (the
generator, once the migration is written) or when the cache is cleared.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, NamedTuple

from . import projectcache
from .errors import MgenError

SCHEMA_NAMES = ("schema.sql", "*.schema.sql", "schema.yaml", "schema.yml")
_NO_DESCENT = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "env", "migrations", "static",
                         "templates", "media", "locale"})
_MAX_DEPTH = 8
_GIT_TIMEOUT = 20


class Rule(NamedTuple):
    """Files named like one of ``patterns`` directly in ``folder`` (anywhere below it when ``recursive``).
    ``folder`` is POSIX, relative to the project root (``""``: the root); a component ``*`` is any folder.
    Hidden files and folders and ``__pycache__`` never match."""

    folder: str
    patterns: tuple[str, ...]
    recursive: bool = False

    def matches(self, rel: str) -> bool:
        parts = rel.split("/")
        head = self.folder.split("/") if self.folder else []
        if len(parts) <= len(head) or not all(fnmatchcase(p, h) for p, h in zip(parts, head)):
            return False
        rest = parts[len(head):]
        if len(rest) != 1 and not self.recursive:
            return False
        if any(p.startswith(".") or p == "__pycache__" for p in rest):
            return False
        return any(fnmatchcase(rest[-1], pattern) for pattern in self.patterns)

    def to_json(self) -> dict[str, Any]:
        return {"folder": self.folder, "patterns": list(self.patterns), "recursive": self.recursive}

    @classmethod
    def from_json(cls, data: Any) -> Rule:
        """Raises (KeyError, TypeError, ValueError) on another shape."""
        patterns = data["patterns"]
        if not isinstance(data["folder"], str) or not all(isinstance(p, str) for p in patterns):
            raise ValueError("not a rule")
        return cls(data["folder"], tuple(patterns), bool(data.get("recursive", False)))


class SchemaScope:
    """The schema files of the project at ``root``, as rules."""

    def __init__(self, root: Path, rules: Sequence[Rule]):
        self.root = Path(root).resolve()
        self.rules = tuple(dict.fromkeys(rules))

    def matches(self, rel: str) -> bool:
        return any(rule.matches(rel) for rule in self.rules)

    def files(self) -> list[Path]:
        """Every schema file on disk, sorted."""
        found: dict[str, Path] = {}
        for rule in self.rules:
            for folder in _expand(self.root, rule.folder):
                for path in _files_in(folder, rule.recursive):
                    rel = projectcache.relative(self.root, path)
                    if rel not in found and rule.matches(rel):
                        found[rel] = path
        return [found[k] for k in sorted(found)]

    @property
    def app_folders(self) -> list[str]:
        """Django: the apps found (the folders of the ``migrations`` rules)."""
        return sorted(r.folder.rsplit("/", 1)[0] if "/" in r.folder else "" for r in self.rules
                      if r.folder == "migrations" or r.folder.endswith("/migrations"))


def _expand(root: Path, folder: str) -> list[Path]:
    """The existing folders a rule's folder (maybe with ``*`` components) names."""
    paths = [root]
    for part in folder.split("/") if folder else []:
        if part == "*":
            paths = [Path(e.path) for p in paths for e in _scandir(p)
                     if e.is_dir() and not e.name.startswith(".") and e.name not in _NO_DESCENT]
        else:
            paths = [p / part for p in paths if (p / part).is_dir()]
    return paths


def _scandir(path: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError:
        return []


def _files_in(folder: Path, recursive: bool) -> list[Path]:
    out = []
    stack = [folder]
    while stack:
        for entry in _scandir(stack.pop()):
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_file():
                out.append(Path(entry.path))
            elif recursive and entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return out


# =============================================================================================
# The rules per framework
# =============================================================================================
def schema_rules(root: Path, detection: Any) -> list[Rule]:
    """The rules of the project at ``root``; ``detection`` is a ``Detection`` (or anything with its
    ``framework`` and ``config``)."""
    framework = detection.framework
    if framework == "django":
        return django_rules(root)
    if framework == "alembic":
        return alembic_rules(root, detection.config)
    if framework in ("golang-migrate", "goose", "plain"):
        return sql_rules(root, detection.config)
    return []


def schema_scope(root: Path, detection: Any) -> SchemaScope:
    return SchemaScope(root, schema_rules(root, detection))


def schema_files(root: Path, detection: Any) -> list[Path]:
    """The schema files of the project at ``root`` (see the module's docstring for the rules)."""
    return schema_scope(root, detection).files()


def rules_depend_on(root: Path, detection: Any) -> list[Path] | None:
    """The files the rules are derived from, for a cache to re-check; None when the rules must be found
    again on every run (Django: a new app adds rules without any configuration file changing)."""
    if detection.framework == "django":
        return None
    if detection.framework == "alembic":
        ini = _ini(root, detection.config)
        out = [ini]
        env = _env_py(ini)
        if env is not None:
            out.append(env)
        return out
    return []


def django_apps(root: Path) -> list[str]:
    """The folders (relative, POSIX; ``""`` the root) holding ``migrations/__init__.py`` and a ``models.py``
    or ``models/`` package."""
    apps = []
    stack: list[tuple[str, Path, int]] = [("", root, 0)]
    while stack:
        rel, path, depth = stack.pop()
        entries = _scandir(path)
        names = {e.name: e for e in entries}
        if "migrations" in names and ("models.py" in names or "models" in names) and \
                os.path.isfile(os.path.join(path, "migrations", "__init__.py")):
            apps.append(rel)
        if depth >= _MAX_DEPTH:
            continue
        for entry in entries:
            if (entry.name.startswith(".") or entry.name in _NO_DESCENT or entry.name.endswith(".egg-info")
                    or not entry.is_dir(follow_symlinks=False)):
                continue
            stack.append((f"{rel}/{entry.name}" if rel else entry.name, Path(entry.path), depth + 1))
    return sorted(apps)


def django_rules(root: Path) -> list[Rule]:
    rules = []
    for app in django_apps(root):
        prefix = f"{app}/" if app else ""
        rules += [Rule(app, ("models.py",)), Rule(f"{prefix}models", ("*.py",), True),
                  Rule(f"{prefix}migrations", ("*.py",))]
    return rules


def _ini(root: Path, config: Path | None) -> Path:
    return config if config is not None and config.suffix == ".ini" else root / "alembic.ini"


def _env_py(ini: Path) -> Path | None:
    try:
        from .frameworks.alembic.config import read_config

        return read_config(ini).script_location / "env.py"
    except MgenError:
        return None


def alembic_rules(root: Path, config: Path | None) -> list[Rule]:
    rules: list[Rule] = []
    ini = _ini(root, config)
    env = None
    if ini.is_file():
        from .frameworks.alembic.config import read_config

        try:
            cfg = read_config(ini)
        except MgenError:
            cfg = None
        if cfg is not None:
            env = cfg.script_location / "env.py"
            for location in cfg.version_locations:
                rel = _inside(root, location)
                if rel is not None:
                    rules.append(Rule(rel, ("*.py",), cfg.recursive_version_locations))
    if env is None:  # no readable alembic.ini: a folder holding env.py and versions/ is the script location
        for folder in [root, *(Path(e.path) for e in _scandir(root) if e.is_dir() and not e.name.startswith("."))]:
            if (folder / "env.py").is_file() and (folder / "versions").is_dir():
                env = folder / "env.py"
                rules.append(Rule(_inside(root, folder / "versions") or "versions", ("*.py",)))
                break
    if env is not None and env.is_file():
        rules += _target_rules(root, env)
    for base in ("", "src/*", "*"):
        prefix = f"{base}/" if base else ""
        rules += [Rule(base, ("models.py",)), Rule(f"{prefix}models", ("*.py",), True)]
    return rules


def _inside(root: Path, path: Path) -> str | None:
    """``path`` relative to ``root`` (POSIX, ``""`` for the root itself); None when it is outside."""
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


def _target_rules(root: Path, env: Path) -> list[Rule]:
    """The module ``env.py`` takes ``target_metadata`` from, as rules (nothing when it cannot be told):
    the name chain (``models.Base.metadata``) with its first name replaced by what it was imported as
    (``app.models``), and the longest prefix of it that is a module file or a package folder."""
    import ast  # here: a warm run keeps the rules in orm-type.json and never parses env.py

    try:
        tree = ast.parse(env.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return []
    imported: dict[str, str] = {}  # local name -> dotted origin
    chain: list[str] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                imported[local] = alias.name if alias.asname else local
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "target_metadata" for t in targets):
                names: list[str] = []
                head = node.value
                while isinstance(head, ast.Attribute):
                    names.insert(0, head.attr)
                    head = head.value
                chain = [head.id, *names] if isinstance(head, ast.Name) else None
    if not chain or chain[0] not in imported:
        return []
    dotted = [*imported[chain[0]].split("."), *chain[1:]]
    for end in range(len(dotted), 0, -1):
        for base in ("", "src/"):
            rel = base + "/".join(dotted[:end])
            if (root / f"{rel}.py").is_file():
                folder, _, name = rel.rpartition("/")
                return [Rule(folder, (f"{name}.py",))]
            if (root / rel).is_dir():
                return [Rule(rel, ("*.py",), True)]
    return []


def sql_rules(root: Path, folder: Path | None) -> list[Rule]:
    rules = [Rule("", SCHEMA_NAMES), Rule("db", SCHEMA_NAMES)]
    rel = _inside(root, folder) if folder is not None else None
    if rel:
        rules.insert(0, Rule(rel, ("*",), True))
    return rules


# =============================================================================================
# What changed
# =============================================================================================
class Changes(NamedTuple):
    """The changed schema files (POSIX paths relative to the project root, sorted) with what happened to
    each (``modified``, ``added``, ``deleted``, ``renamed``, ``untracked``; ``changed`` for a file that
    differs from ``--base`` only), how it was found (``git`` or ``fingerprints``), the git ref compared
    with (None for fingerprints) and, for fingerprints, why git was not used; ``baseline_recorded``: this
    run recorded the first fingerprints (nothing to compare with yet)."""

    files: list[str]
    kinds: dict[str, str]
    method: str
    base: str | None
    note: str | None = None
    baseline_recorded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "base": self.base, "files": [{"path": f, "kind": self.kinds[f]}
                                                                    for f in self.files],
                "note": self.note, "baseline_recorded": self.baseline_recorded}


def changed_files(root: Path, files: Sequence[Path] | SchemaScope, base: str = "HEAD") -> Changes:
    """The schema files of the project at ``root`` that changed: ``files`` (a ``SchemaScope`` also counts
    new and deleted files under its rules; a list of paths, only those paths). Raises MgenError for a
    ``base`` git does not know; any other git failure falls back to fingerprints."""
    root = Path(root).resolve()
    if isinstance(files, SchemaScope):
        scope = files
        listed: set[str] = set()
    else:
        scope = None
        listed = {projectcache.relative(root, Path(p).resolve()) for p in files}

    def wanted(rel: str) -> bool:
        return rel in listed or (scope is not None and scope.matches(rel))

    top = git_toplevel(root)
    if top is None:
        why = "not in a git repository"
    else:
        found = _git_changes(root, top, base)
        if isinstance(found, dict):
            kept = {rel: kind for rel, kind in found.items() if wanted(rel)}
            return Changes(sorted(kept), kept, "git", base)
        why = found
    current = scope.files() if scope is not None else [root / rel for rel in sorted(listed)]
    return _fingerprint_changes(root, current, why)


def git_toplevel(root: Path) -> Path | None:
    """The folder holding the ``.git`` of the repository ``root`` is in (found without running git)."""
    for folder in (root, *root.parents):
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    return None


def _run_git(root: Path, *args: str) -> subprocess.CompletedProcess | str:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, env=env, timeout=_GIT_TIMEOUT,
                              check=False)
    except FileNotFoundError:
        return "git is not installed"
    except (OSError, subprocess.SubprocessError) as e:
        return f"git failed ({type(e).__name__})"


def _git_changes(root: Path, top: Path, base: str) -> dict[str, str] | str:
    """{path relative to root: kind}, or why git could not tell."""
    prefix = projectcache.relative(top, root)
    prefix = "" if prefix == "." else prefix + "/"
    status = _run_git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    if isinstance(status, str):
        return status
    if status.returncode != 0:
        return f"git status failed: {_first_line(status.stderr)}"
    found: dict[str, str] = {}
    if base != "HEAD":
        diff = _run_git(root, "diff", "--name-only", "-z", base, "--", ".")
        if isinstance(diff, str):
            return diff
        if diff.returncode != 0:
            err = _first_line(diff.stderr)
            if any(s in err for s in ("bad revision", "unknown revision", "ambiguous argument", "bad object")):
                raise MgenError(f"--base {base}: not a commit in this repository")
            return f"git diff failed: {err}"
        for path in diff.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if path.startswith(prefix) and path:
                found[path[len(prefix):]] = "changed"
    tokens = status.stdout.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if len(token) < 4:
            continue
        xy, path = token[:2], token[3:]
        if xy[0] in "RC" and i < len(tokens):
            original = tokens[i]
            i += 1
            if xy[0] == "R" and original.startswith(prefix):
                found[original[len(prefix):]] = "deleted"
        if not path.startswith(prefix):
            continue
        if xy == "??":
            kind = "untracked"
        elif "D" in xy:
            kind = "deleted"
        elif xy[0] == "A":
            kind = "added"
        elif xy[0] == "R":
            kind = "renamed"
        else:
            kind = "modified"
        found[path[len(prefix):]] = kind
    return found


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


# -- fingerprints ---------------------------------------------------------------------------------
def _fingerprint_changes(root: Path, current: list[Path], why: str) -> Changes:
    now = {projectcache.relative(root, p): p for p in current}
    baseline = projectcache.load_fingerprints(root)
    if baseline is None:
        projectcache.save_fingerprints(root, {rel: projectcache.take_fingerprint(p) for rel, p in now.items()})
        return Changes([], {}, "fingerprints", None, why, baseline_recorded=True)
    kinds: dict[str, str] = {}
    refreshed: dict[str, Any] = {}
    for rel, path in now.items():
        if rel not in baseline:
            kinds[rel] = "added"
            continue
        same, fresh = projectcache.check_fingerprint(path, baseline[rel])
        if not same:
            kinds[rel] = "modified"
        elif fresh is not None:
            refreshed[rel] = fresh
    for rel in baseline:
        if rel not in now:
            kinds[rel] = "deleted"
    if refreshed:  # same content, the mtime moved: trust the new one next time (the baseline is unchanged)
        projectcache.save_fingerprints(root, {**baseline, **refreshed})
    return Changes(sorted(kinds), kinds, "fingerprints", None, why)


def accept_baseline(root: Path, files: Sequence[Path] | SchemaScope) -> None:
    """Record the schema files as they are now as the fingerprint baseline (outside git: what a later run
    compares with). For the generator to call once the migration for the change is written."""
    root = Path(root).resolve()
    paths = files.files() if isinstance(files, SchemaScope) else list(files)
    projectcache.save_fingerprints(root, {projectcache.relative(root, Path(p)): projectcache.take_fingerprint(Path(p))
                                          for p in paths})
