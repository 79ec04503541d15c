"""Which files are a project's *schema files*, and which of them changed.

A project's schema files are described by a few ``PathRule`` s - a folder (relative to the project root; a
``*`` component matches any one folder), file-name patterns, and whether sub-folders count - so that the
same description lists the files on disk and decides whether a path git reports (maybe a deleted or a new
file) is one of them. Each framework gives its own rules (``Framework.schema_rules``, documented in its
package: the model modules and the migrations folders, the versions folder and the models module ``env.py``
names, a raw-SQL migrations folder and its schema files); reading them parses no model file.

Changed files come from git when the project is in a git repository: one ``git status --porcelain=v1 -z
--untracked-files=all`` (staged, working tree and untracked files against HEAD), plus ``git diff
--name-only -z BASE`` when the base is not HEAD (what changed since BASE, committed or not), both
restricted to the project folder, then to the schema rules. Outside git, or when git is missing or fails,
**fingerprints**: each schema file's size and mtime, and its sha256 when those moved, against the baseline
kept in ``schema-state.json`` (``fingerprints``). The baseline is the schema files as they were when mgen
last knew the migrations build the models: ``accept_baseline``, called by ``generate`` once it has written the
migration (or found nothing to write). Before that there is no baseline, and no answer (``no_baseline``:
``check`` says so and exits 1, never "no change"); after it, every file that differs from it is reported - also
on the run after that, as git keeps reporting an uncommitted edit - until the next generate. Clearing the
cache removes the baseline.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, NamedTuple

from . import gitread, projectcache
from .errors import MgenError

# folders a walk for a project's own files does not enter
NO_DESCENT = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "env", "migrations", "static",
                         "templates", "media", "locale"})
MAX_DEPTH = 8
_GIT_TIMEOUT = 20


class PathRule(NamedTuple):
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
    def from_json(cls, data: Any) -> PathRule:
        """Raises (KeyError, TypeError, ValueError) on another shape."""
        patterns = data["patterns"]
        if not isinstance(data["folder"], str) or not all(isinstance(p, str) for p in patterns):
            raise ValueError("not a rule")
        return cls(data["folder"], tuple(patterns), bool(data.get("recursive", False)))


class SchemaScope:
    """The schema files of the project at ``root``, as rules."""

    def __init__(self, root: Path, rules: Sequence[PathRule]):
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


def _expand(root: Path, folder: str) -> list[Path]:
    """The existing folders a rule's folder (maybe with ``*`` components) names."""
    paths = [root]
    for part in folder.split("/") if folder else []:
        if part == "*":
            paths = [Path(e.path) for p in paths for e in scandir(p)
                     if e.is_dir() and not e.name.startswith(".") and e.name not in NO_DESCENT]
        else:
            paths = [p / part for p in paths if (p / part).is_dir()]
    return paths


def scandir(path: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError:
        return []


def _files_in(folder: Path, recursive: bool) -> list[Path]:
    out = []
    stack = [folder]
    while stack:
        for entry in scandir(stack.pop()):
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_file():
                out.append(Path(entry.path))
            elif recursive and entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return out


# =============================================================================================
# The rules of the project's framework
# =============================================================================================
def schema_rules(root: Path, detection: Any) -> list[PathRule]:
    """The rules of the project at ``root``; ``detection`` is a ``Detection`` (or anything with its
    ``framework`` and ``config``)."""
    from .frameworks.registry import get

    framework = get(detection.framework)
    return framework.schema_rules(root, detection) if framework is not None else []


def schema_scope(root: Path, detection: Any) -> SchemaScope:
    return SchemaScope(root, schema_rules(root, detection))


def schema_files(root: Path, detection: Any) -> list[Path]:
    """The schema files of the project at ``root`` (see the module's docstring for the rules)."""
    return schema_scope(root, detection).files()


def rules_depend_on(root: Path, detection: Any) -> list[Path] | None:
    """The files the rules are derived from, for a cache to re-check; None when the rules must be found
    again on every run (a framework whose new modules add rules without any configuration file changing)."""
    from .frameworks.registry import get

    framework = get(detection.framework)
    return framework.rules_depend_on(root, detection) if framework is not None else []


def inside(root: Path, path: Path) -> str | None:
    """``path`` relative to ``root`` (POSIX, ``""`` for the root itself); None when it is outside."""
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


# =============================================================================================
# What changed
# =============================================================================================
class Changes(NamedTuple):
    """The changed schema files (POSIX paths relative to the project root, sorted) with what happened to
    each (``modified``, ``added``, ``deleted``, ``renamed``, ``untracked``; ``changed`` for a file that
    differs from ``--base`` only), how it was found (``git`` or ``fingerprints``), the git ref compared
    with (None for fingerprints) and, for fingerprints, why git was not used; ``no_baseline``: outside git
    and no baseline recorded yet (nothing to compare with: the answer is unknown, not "no change")."""

    files: list[str]
    kinds: dict[str, str]
    method: str
    base: str | None
    note: str | None = None
    no_baseline: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "base": self.base, "files": [{"path": f, "kind": self.kinds[f]}
                                                                    for f in self.files],
                "note": self.note, "no_baseline": self.no_baseline}


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


def git_changes(root: Path, base: str = "HEAD") -> dict[str, str] | str:
    """What git says changed under ``root`` since ``base`` (untracked files included): {path relative to
    root: kind}, or why git could not tell."""
    top = git_toplevel(root)
    if top is None:
        return "not in a git repository"
    return _git_changes(root, top, base)


def _run_git(root: Path, *args: str) -> subprocess.CompletedProcess | str:
    return gitread.run(root, *args, timeout=_GIT_TIMEOUT)


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
        diff = _run_git(root, "diff", "--no-ext-diff", "--no-textconv", "--name-only", "-z", base, "--", ".")
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
    if baseline is None:  # recorded by generate, when the migrations are known to build the models
        return Changes([], {}, "fingerprints", None, why, no_baseline=True)
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
    compares with). For the generator to call once the migration for the change is written
    (``workflow.record_baseline``)."""
    root = Path(root).resolve()
    paths = files.files() if isinstance(files, SchemaScope) else list(files)
    projectcache.save_fingerprints(root, {projectcache.relative(root, Path(p)): projectcache.take_fingerprint(Path(p))
                                          for p in paths})
