"""Revision folders the project runs itself, outside Alembic's version locations (issue #13; CTFd's plugins).

CTFd keeps each plugin's revisions in ``CTFd/plugins/<plugin>/migrations/``: files with ``revision`` and
``down_revision`` whose ``upgrade(op=None)`` the application runs with its own ``Operations`` when the plugin
loads (``CTFd.plugins.migrations.upgrade``), after ``alembic upgrade`` has run the main history. A deployed
database has both; Alembic's autogenerate, comparing the models with it, sees the plugin's tables as those
revisions left them. mgen replays the version locations only, so those tables' replayed state is the main
history's: every change a plugin revision made (a column renamed, a foreign key remade with ``ondelete``)
looked like drift, and mgen wrote it back.

Such a folder is found statically: a folder under the project, not a version location, not tests or a
virtualenv, holding revision files. A table its ``upgrade()`` functions name (the first arguments of the
``op.*`` calls) that the models declare is taken as the models declare it, and a note names the folder and
says that a change to those tables is not seen, as for a baseline's tables (``replay_baseline``). A table
such a revision drops that the models no longer declare is dropped from the state.
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError
from ...schema import Schema
from ..pysyntax import parse_python

_REVISION = re.compile(r"^revision\b[^=\n]*=.*^down_revision\b", re.MULTILINE | re.DOTALL)
_SKIPPED = {"node_modules", "venv", ".venv", "site-packages", "__pycache__", "build", "dist", "docs"}
_TEST = re.compile(r"(^|_)tests?($|_)|^conftest$", re.IGNORECASE)
_TABLE_KEYWORDS = ("table_name", "source_table", "source", "table")
_MAX_FILES = 4000


@dataclass(frozen=True)
class SideFolder:
    folder: Path
    tables: frozenset[str]  # the table names its upgrade() calls give
    dropped: frozenset[str]  # op.drop_table(...) names


def side_folders(root: Path, version_locations: tuple[Path, ...]) -> list[SideFolder]:
    """The revision folders under ``root`` that are not version locations (nor below one)."""
    locations = [p.resolve() for p in version_locations]
    found: list[SideFolder] = []
    seen = 0
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if any(here.resolve() == p or p in here.resolve().parents for p in locations):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED and not _TEST.search(d)
                         and not (here / d / "pyvenv.cfg").exists())
        tables: set[str] = set()
        dropped: set[str] = set()
        revisions = 0
        for name in sorted(files):
            seen += 1
            if seen > _MAX_FILES:
                return found
            if not name.endswith(".py"):
                continue
            try:
                text = (here / name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if not _REVISION.search(text):
                continue
            revisions += 1
            _named(text, here / name, tables, dropped)
        if revisions:
            found.append(SideFolder(here, frozenset(tables), frozenset(dropped)))
    return found


def _named(text: str, path: Path, tables: set[str], dropped: set[str]) -> None:
    try:
        tree = parse_python(text, str(path))
    except (MgenError, ValueError):
        return
    upgrade = next((s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "upgrade"), None)
    for node in ast.walk(upgrade) if upgrade is not None else []:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("op", "batch_op")):
            continue
        candidates = list(node.args[:2]) + [k.value for k in node.keywords if k.arg in _TABLE_KEYWORDS]
        names = [c.value for c in candidates if isinstance(c, ast.Constant) and isinstance(c.value, str)]
        tables.update(names)
        if node.func.attr == "drop_table" and names:
            dropped.add(names[0])


def with_side_tables(replayed: Schema, models: Schema, folders: list[SideFolder], root: Path) -> tuple[Schema, list[str]]:
    """``replayed`` with the tables the side folders' revisions change taken from ``models``; notes."""
    schema = replayed
    notes: list[str] = []
    for side in folders:
        taken = sorted(t for t in side.tables if models.has_table(t) and replayed.has_table(t))
        added = sorted(t for t in side.tables if models.has_table(t) and not replayed.has_table(t))
        gone = sorted(t for t in side.dropped if replayed.has_table(t) and not models.has_table(t))
        for name in taken + added:
            schema = schema.with_table(models.table(name))
        for name in gone:
            schema = schema.without_table(name)
        if taken or added or gone:
            where = _rel(root, side.folder)
            notes.append(f"{where}: revisions the project runs itself, outside Alembic's version locations, change "
                         f"table(s) {', '.join(taken + added + gone)}: mgen does not replay them, so those tables are "
                         "taken as the models declare them and a change to them is not seen")
    return schema, notes


def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
