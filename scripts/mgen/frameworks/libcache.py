"""Syntax trees of installed libraries (Django, SQLAlchemy, the standard library), kept between runs.

Reading a Django project statically means following names into Django's own source: ``models.CharField``
is defined in ``django/db/models/fields/__init__.py`` (100 kB), ``migrations.CreateModel`` in
``django/db/migrations/operations/models.py``. Parsing those files costs more than parsing the project
(about 90 ms for the four largest). Only their module and class level is ever read - names, imports,
class bases and class attributes - so each file is kept *pruned* (function bodies replaced by ``...``,
line numbers intact) in the user's cache, the way Python keeps ``.pyc`` files of installed packages:

    $MGEN_CACHE_DIR or $XDG_CACHE_HOME/mgen or ~/.cache/mgen / pyast-<v>/<sha1>.pickle

keyed by the file's path, size and modification time and the Python version, so an upgraded package is
parsed again. Only files under the interpreter's own path are kept; the project's files (settings may hold
secrets) never are. The folder is the user's own (mode 0700), like ``__pycache__``; ``MGEN_CACHE_DIR=off``
turns the cache off. A cache that cannot be read or written is ignored: the file is parsed as usual.

A cache entry is never trusted to be what mgen wrote (issue #15): it is read by an unpickler that builds
syntax-tree nodes and nothing else (``_TreeUnpickler``: any other class or function named in the file is
refused, so a planted pickle cannot run code), and the folder is used only when it is a real folder owned by
the user running mgen that no one else may write to.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import hashlib
import io
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .. import usercache
from .pyast import parse_file

FORMAT = 1  # bump when the pruning or the pickled form changes


def cache_dir() -> Path | None:
    """The folder of this Python's pruned trees, or None when caching is off."""
    base = usercache.base()
    return None if base is None else base / f"pyast-{FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}"


def prune(tree: ast.Module) -> ast.Module:
    """Function bodies become ``...``: nothing static reading asks is inside one. A ``def`` is a statement, so
    only statement lists are walked (module, class and compound-statement bodies), not every expression."""
    _prune_block(tree.body)
    return tree


def _prune_block(stmts: list[ast.stmt]) -> None:
    for node in stmts:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Expr(ast.Constant(...), lineno=node.lineno, col_offset=node.col_offset,
                                  end_lineno=node.lineno, end_col_offset=node.col_offset)]
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                _prune_block(block)
        for inner in getattr(node, "handlers", None) or getattr(node, "cases", None) or ():
            _prune_block(inner.body)  # except handlers, match cases


def parse_library_file(path: Path) -> ast.Module:
    """``path`` (a file of an installed library) parsed and pruned, from the cache when it is there."""
    folder = cache_dir()
    try:
        stat = path.stat()
    except OSError:
        return parse_file(path)  # parse_file says what is wrong with it
    if folder is None:
        return prune(parse_file(path))
    key = hashlib.sha1(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()
    entry = folder / f"{key}.pickle"
    trusted = usercache.private(folder)
    if trusted:
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError,
                                 IndexError, KeyError, RecursionError, MemoryError):
            tree = _TreeUnpickler(io.BytesIO(entry.read_bytes())).load()
            if isinstance(tree, ast.Module):
                return tree
    tree = prune(parse_file(path))
    if trusted is False:  # a folder someone else owns or may write to: neither read nor written
        return tree
    with contextlib.suppress(OSError, pickle.PicklingError, RecursionError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                pickle.dump(tree, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return tree

_CONSTANTS = {"Ellipsis": builtins.Ellipsis, "complex": complex}  # the globals a syntax tree's pickle names


class _TreeUnpickler(pickle.Unpickler):
    """Builds ``ast`` nodes and the few constants a tree holds (``...``, complex numbers); any other global a
    pickle names is refused, so an entry someone else wrote cannot call anything."""

    def find_class(self, module: str, name: str) -> type:
        if module == "ast":
            found = getattr(ast, name, None)
            if isinstance(found, type) and issubclass(found, ast.AST):
                return found
        elif module == "builtins" and name in _CONSTANTS:
            return _CONSTANTS[name]
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a syntax tree")

