"""The project the models are read from: ``pyast.Project`` with what model code adds to name resolution.

- A Flask-SQLAlchemy extension object re-exports ``sqlalchemy`` and ``sqlalchemy.orm``: ``db.Column`` is
  ``sqlalchemy.Column``, ``db.relationship`` ``sqlalchemy.orm.relationship`` (``flask``). Its own attributes
  (``db.Model``, ``db.metadata``, ``db.Table``) stay attributes of the object, read by the declarative scan.
- Scanning a folder for models parses only the files that can define some (their text shows a mapped
  class's or a table's markers), leaving out tests, Alembic revisions and installed code: a module that
  cannot be parsed blocks the reading only when it is one of them, or one they import a name from.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from ..pyast import External, Module, Note, Project, Ref, Unknown, ValueRef
from .flask import OWN_ATTRIBUTES, FlaskDb, flask_db_of

# what a module that defines mapped classes or tables must say somewhere
_MODEL_MARKERS = re.compile(r"__tablename__|__table__|\bTable\s*\(|mapped_column|Mapped\[|\.Model\b|table\s*=\s*True|"
                            r"declarative|DeclarativeBase|registry\s*\(|Column\s*\(")


class ModelProject(Project):
    """A ``Project`` that knows Flask-SQLAlchemy extension objects (see the module docstring)."""

    def __init__(self, root: Path | str):
        super().__init__(root)
        self._flask: dict[tuple[str, int], FlaskDb | None] = {}

    def flask_db(self, ref: Ref | Unknown) -> FlaskDb | None:
        if not isinstance(ref, ValueRef):
            return None
        key = (ref.module.name, ref.line)
        if key not in self._flask:
            self._flask[key] = None  # a cycle while reading it: not one
            self._flask[key] = flask_db_of(self, ref)
        return self._flask[key]

    def attribute(self, of: Ref, name: str, node: ast.AST | None = None, _depth: int = 0) -> Ref | Unknown:
        if isinstance(of, ValueRef) and name not in OWN_ATTRIBUTES and self.flask_db(of) is not None:
            return External(f"sqlalchemy.{name}")  # sqlalchemy's or sqlalchemy.orm's: read by their last part
        return super().attribute(of, name, node, _depth)

    def model_modules(self, path: Path, notes: list[Note]) -> list[Module]:
        """The modules of ``path`` (a file, or the ``*.py`` files under a folder) that may define models.
        Under a folder, a file whose text shows no model marker is not parsed, and one this Python cannot
        parse is left out with a note unless its text shows one."""
        if path.is_file():
            return [self.module_at(path)]
        out: list[Module] = []
        files = sorted(p for p in path.rglob("*.py") if not any(part.startswith(".") or part in _NOT_PROJECT
                                                                for part in p.relative_to(path).parts))
        environments = {d.parent for d in path.rglob("pyvenv.cfg")}  # virtual environments inside the folder
        skipped = 0
        for p in files:
            if any(env in p.parents for env in environments):
                continue
            if _is_test(p.relative_to(path)):
                skipped += 1
                continue
            try:
                text = p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                notes.append(Note(str(p), None, f"not read ({e.__class__.__name__}): models in it are not seen"))
                continue
            if not _MODEL_MARKERS.search(text) or _REVISION.search(text):
                continue  # no model here, or an Alembic revision (its tables are the history's)
            out.append(self.module_at(p))
        if skipped:
            notes.append(Note(str(path), None, f"{skipped} test module(s) under it not read for models (tests/, "
                                               "test_*.py, *_test.py, conftest.py)"))
        return out


_NOT_PROJECT = frozenset({"site-packages", "node_modules", "__pycache__"})  # installed code, not the models
_REVISION = re.compile(r"^down_revision\s*[:=]", re.MULTILINE)


def _is_test(relative: Path) -> bool:
    """A test module, by the names test runners collect (tests are read for models only when named)."""
    if any(part in ("tests", "test") for part in relative.parts[:-1]):
        return True
    name = relative.name
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")
