"""Server defaults compared as the project's autogenerate compares them (issue #13).

Alembic's autogenerate compares a column's server default only when ``context.configure`` gets
``compare_server_default`` (``MigrationContext._compare_server_default`` returns "no change" otherwise; an
identity or a computed column is compared either way). Flask-Migrate passes no such option unless
``Migrate(app, db, compare_server_default=True)`` says so. So in a project that never sets it, a model whose
``server_default`` differs from the one its revisions created (CTFd's ``challenges.position``, created with
``server_default="0"`` and declared without one; ihatemoney's ``bill.bill_type``) is no change to
``alembic revision --autogenerate``, and ``alembic check`` passes.

mgen answers the same: when no Python file of the project (env.py, the application, outside the revisions)
names ``compare_server_default`` with a value other than ``False``/``None``, the default of a column the
models and the replayed revisions both have is the replayed one, and one note names the columns. A column
that is added keeps its model's default (autogenerate writes it in ``add_column``). A project that names the
option anywhere (even through a helper mgen does not read) keeps every default compared.
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import replace
from pathlib import Path

from ...schema import Column, Schema
from ..pysyntax import parse_python
from .compare_types import columns_taken, listed

_OPTION = "compare_server_default"
_SKIPPED = {"node_modules", "venv", ".venv", "site-packages", "__pycache__", "build", "dist", "docs"}
_TEST = re.compile(r"(^|_)tests?($|_)|^conftest$", re.IGNORECASE)
_MAX_FILES = 4000


def option_set_at(root: Path, revisions: tuple[Path, ...]) -> str | None:
    """``file:line`` where the project sets ``compare_server_default`` to something that compares (a literal
    True, a callable, a name), or the file that names it in a way not read; None when nothing sets it."""
    skipped = {p.resolve() for p in revisions}
    seen = 0
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED and not _TEST.search(d)
                         and (here / d).resolve() not in skipped and not (here / d / "pyvenv.cfg").exists())
        for name in sorted(files):
            if not name.endswith(".py") or _TEST.search(name[:-3]):
                continue
            seen += 1
            if seen > _MAX_FILES:
                return f"{root} (more than {_MAX_FILES} files: not all read)"
            path = here / name
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if _OPTION in text:
                where = _compares(text, path)
                if where is not None:
                    return where
    return None


def _compares(text: str, path: Path) -> str | None:
    try:
        tree = parse_python(text, str(path))
    except Exception:  # noqa: BLE001 - named but not read: compared, as before
        return str(path)
    values: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == _OPTION:
            values.append(node.value)
        elif isinstance(node, ast.Dict):
            values += [v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value == _OPTION]
    if not values:
        return str(path)  # named some other way (a string built, setattr): not read, so compared
    for value in values:
        if not (isinstance(value, ast.Constant) and value.value in (False, None)):
            return f"{path}:{value.lineno}"
    return None


def _plain(column: Column) -> bool:
    return column.identity is None and column.generated is None


def with_replayed_defaults(models: Schema, replayed: Schema) -> tuple[Schema, list[str]]:
    """``models`` where a column both sides have takes the replayed server default; a note naming them."""
    def take(column: Column, before: Column) -> tuple[Column, str] | None:
        if before.default != column.default and _plain(column) and _plain(before):
            return replace(column, default=before.default), ""
        return None

    schema, taken = columns_taken(models, replayed, take)
    if not taken:
        return models, []
    return schema, [
        (f"{len(taken)} column(s) whose server default differs from the revisions' ({listed(taken, 4)}): no change, as "
         f"Alembic's autogenerate compares them (the project sets no {_OPTION})")]
