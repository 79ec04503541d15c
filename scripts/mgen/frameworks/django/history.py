"""The migration files as read, kept between runs in ``.claude/cache/db/django-history.json``.

Reading a migration file means parsing it and evaluating its ``dependencies`` and ``operations`` (following
names into Django's source): most of what a run costs in a project with a long history. The result of that
reading - the file's dependency lists and its operations as values (``Call('...CreateModel', ...)``) - is
kept per file, keyed by the file's content hash, the content hashes of the project modules the file
imports (a default or validator defined in ``shop/models.py``), and the values of the settings it names
(``settings.AUTH_USER_MODEL``). The whole cache is dropped when mgen or Django changes. Replaying the
operations into a state is not cached: it is cheap, and it is where renames, notes and errors come from.

The cache holds what the migration files already say, in the project's own folder; no setting value other
than those the migrations name is stored, and those are stored only as hashes.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import __version__
from ...projectcache import file_fingerprint, fingerprint, read_entry, relative, write_entry
from ..pyast import Note
from .framework import HISTORY_ENTRY
from .source import Module, project_imports
from .state import models_from_json, models_to_json, value_from_json, value_to_json

NAME, KIND, FORMAT = HISTORY_ENTRY
# what reading a migration file or a models module gives changed with it (values made canonical, settings'
# defaults read; classes on an unread library base noted, then read as partial models; a model imported from a
# nested app's module labelled by that app; unnamed indexes by their class's suffix; f-strings and string methods
# evaluated; fields of a missing library named as keys, their arguments as ForeignKey's; enum members' .value;
# a migration's opaque field through its class's consumed arguments; a set of constraint fields sorted;
# a Python 2 project's byte string literals kept as such, python2.py; a models module's `if` on the vendor
# decided; a migration named as its app's module; Model._meta.db_table; 14: both of the above):
# a cache written by an earlier reader of the same mgen version is dropped
READER = 14


@dataclass
class FileRecord:
    """What a migration file says, as ``replay.migration_files`` reads it."""

    line: int
    dependencies: list[tuple[str, str]]
    run_before: list[tuple[str, str]]
    replaces: list[tuple[str, str]]
    operations: Any  # [(line, value)], or a function giving them (decoded from the cache when first needed)
    settings_read: tuple[str, ...] = ()  # the settings reading it consulted (also through imported modules)


class History:
    """The cache of one project: ``get`` and ``put`` per file; ``state``/``put_state`` for the state the
    whole history replays to (keyed by every file's hash and the project modules the replay read, such as
    a custom field's class); ``save`` once at the end."""

    def __init__(self, root: Path, finder: Any, settings: dict[str, Any]):
        self.root, self.finder, self.settings = root, finder, settings
        self.stamp = stamp(finder)
        data = read_entry(root, NAME, KIND, FORMAT)
        files = data.get("files") if data and data.get("stamp") == self.stamp else None
        self.files: dict[str, dict[str, Any]] = files if isinstance(files, dict) else {}
        replayed = data.get("replayed") if data and files is not None else None
        self.replayed: dict[str, Any] = replayed if isinstance(replayed, dict) else {}
        self.dirty = False
        self._keys: dict[Path, str] = {}

    # -- lookups ---------------------------------------------------------------------------------
    def key(self, path: Path) -> str:
        """A file's key: its path from the project root (the cache survives a move), else absolute (a
        library's migrations). Kept per path: ``resolve`` is a system call per path component."""
        found = self._keys.get(path)
        if found is None:
            found = self._keys[path] = relative(self.root, Path(path).resolve())
        return found

    def get(self, path: Path, content: bytes) -> FileRecord | None:
        entry = self.files.get(self.key(path))
        if not isinstance(entry, dict) or entry.get("sha") != fingerprint(content):
            return None
        try:
            for rel, sha in entry["imports"].items():
                if file_fingerprint(self.root / rel) != sha:
                    return None
            for name, sha in entry["settings"].items():
                if _setting_hash(self.settings.get(name)) != sha:
                    return None
            return FileRecord(
                entry["line"], *(_pairs(entry[k]) for k in ("dependencies", "run_before", "replaces")),
                functools.partial(_decode_operations, entry["operations"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # another shape: read the file again

    def put(self, path: Path, content: bytes, module: Module, record: FileRecord) -> None:
        try:
            operations = [[line, value_to_json(op)] for line, op in record.operations]
        except TypeError:  # a value with no JSON form: this file is read every time
            self.files.pop(self.key(path), None)
            self.dirty = True
            return
        imports = {}
        for target in project_imports(self.finder, module, self.root, transitive=False):
            imports[relative(self.root, target)] = file_fingerprint(target)
        named = set(_settings_named(content)) | set(record.settings_read)
        settings = {name: _setting_hash(self.settings.get(name)) for name in sorted(named)}
        self.files[self.key(path)] = {
            "sha": fingerprint(content), "imports": imports, "settings": settings, "line": record.line,
            "dependencies": record.dependencies, "run_before": record.run_before, "replaces": record.replaces,
            "operations": operations}
        self.dirty = True

    # -- the replayed state ----------------------------------------------------------------------
    def state(self, paths: list[Path]) -> tuple[dict, list[Note]] | None:
        """(models, notes) the migration files ``paths`` replay to, when nothing they depend on changed."""
        entry = self.replayed
        try:
            if entry.get("files") != self._file_hashes(paths) or entry.get("settings") != self._settings_key():
                return None
            for rel, sha in entry["modules"].items():
                if file_fingerprint(self.root / rel) != sha:
                    return None
            notes = [Note(file=file, line=line, message=message) for message, file, line in entry["notes"]]
            return models_from_json(entry["models"]), notes
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def put_state(self, paths: list[Path], models: dict, notes: list[Note], modules: list[Path]) -> None:
        """Keep the replayed state; ``modules``: the project's Python files the replay read."""
        try:
            encoded = models_to_json(models)
        except TypeError:
            return
        hashes = self._file_hashes(paths)
        if hashes is None:
            return
        own = {relative(self.root, p.resolve()): file_fingerprint(p) for p in modules
               if self.root in p.resolve().parents and self.key(p) not in self.files}
        self.replayed = {"files": hashes, "settings": self._settings_key(), "modules": own, "models": encoded,
                         "notes": [[n.message, n.file, n.line] for n in notes]}
        self.dirty = True

    def _file_hashes(self, paths: list[Path]) -> list | None:
        out = []
        for path in sorted(self.key(p) for p in paths):
            entry = self.files.get(path)
            if not isinstance(entry, dict):
                return None
            out.append([path, entry.get("sha")])
        return out

    def _settings_key(self) -> str:
        """The settings the replayed state depends on: the two every replay reads, and those the files name
        (``getattr(settings, X, default)`` may choose a file's operations)."""
        named = {name for entry in self.files.values() if isinstance(entry, dict)
                 for name in (entry.get("settings") or ())}
        names = sorted(named | {"AUTH_USER_MODEL", "DEFAULT_AUTO_FIELD"})
        return _setting_hash({k: self.settings.get(k) for k in names})

    def save(self) -> None:
        if not self.dirty:
            return
        live = {p: e for p, e in self.files.items() if (self.root / p).is_file()}
        write_entry(self.root, NAME, KIND, FORMAT, {"stamp": self.stamp, "files": live, "replayed": self.replayed})
        self.dirty = False


def _decode_operations(encoded: list) -> list[tuple[int, Any]]:
    return [(line, value_from_json(op)) for line, op in encoded]


def _pairs(items: list) -> list[tuple[str, str]]:
    return [(str(a), str(b)) for a, b in items]


def _setting_hash(value: Any) -> str:
    try:
        text = json.dumps(value_to_json(value), sort_keys=True)
    except TypeError:
        text = repr(value)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stamp(finder: Any) -> dict[str, str]:
    """What every cached reading depends on besides the project: mgen's version, and Django as installed
    where the project's names are followed (its ``__init__.py``: path, size, modification time), and whether
    the project's own modules are read as Python 2 reads them (``python2.py``: their imports differ)."""
    located = finder.locate("django")
    django = "none"
    if located is not None:
        try:
            stat = located[0].stat()
            django = f"{located[0]}:{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            pass
    python2 = any(getattr(p, "python2", False) for p in getattr(finder, "projects", ()))
    return {"mgen": __version__, "reader": READER, "django": django, "python2": str(python2)}


def _settings_named(content: bytes) -> list[str]:
    """The ``settings.NAME`` a file mentions (read from its text: a mention in a comment only costs a check)."""
    return sorted({(a or b).decode() for a, b in _SETTING.findall(content)})


_SETTING = re.compile(rb"\bsettings\.([A-Za-z_][A-Za-z0-9_]*)|\bgetattr\(\s*settings\s*,\s*[\"']([A-Za-z_][A-Za-z0-9_]*)")
