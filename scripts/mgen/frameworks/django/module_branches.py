"""A module-level ``if`` of the project's modules decided as Python runs it, when its test can be read.

wagtail's search models (2.15 - 6.x) read::

    if connection.vendor == "postgresql":
        class AbstractPostgresIndexEntry(BaseIndexEntry): ...
        AbstractIndexEntry = AbstractPostgresIndexEntry
    elif connection.vendor == "sqlite":
        from .backends.database.sqlite.utils import fts5_available
        class AbstractSQLiteIndexEntry(BaseIndexEntry): ...
        AbstractIndexEntry = AbstractSQLiteIndexEntry
        if fts5_available():
            class SQLiteFTSIndexEntry(models.Model): ...
    ...
    class IndexEntry(AbstractIndexEntry): ...

A test is read as a migration's is: settings, comparisons, ``and``/``or``, ``swapper.is_swapped(...)``, the
vendor the settings' ENGINE gives (``operations_list.with_vendor``); a run-time condition as the world being
read assumes it (``runtime_conditions``). A test of a version (``django.VERSION``: the version mgen finds is
not necessarily the project's) is not decided. The branch taken is what the module binds: a name bound there resolves to that
binding (``Finder.lookup`` through ``Finder.branch_taken``) and its classes are the app's
(``models.ModelClassReader``). A test mgen cannot read leaves the names bound under it unknown, as before,
and a model class under it refuses its app at the ``if`` (``undecided_models``).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ...errors import MgenError
from . import runtime_conditions
from .conditions import plain
from .source import Module

if TYPE_CHECKING:
    from .values import Evaluator, Scope

_PLAIN = (str, int, float, bool, bytes, type(None), tuple, list, dict)
VERSIONS = frozenset({"VERSION", "version_info", "__version__", "hexversion", "get_version"})


def taken(ev: Evaluator, module: Module, stmt: ast.If) -> list[ast.stmt] | None:
    """The statements of the branch Python runs (an ``elif`` chain followed; a nested ``if`` whose test
    is read replaced by its own branch, one whose test is not kept as it is), None when the test is not read."""
    test = decide(ev, module, stmt.test)
    if test is None:
        return None
    return flattened(ev, module, stmt.body if test else stmt.orelse)


def flattened(ev: Evaluator, module: Module, stmts: list[ast.stmt]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for stmt in stmts:
        inner = taken(ev, module, stmt) if isinstance(stmt, ast.If) else None
        if inner is None:
            out.append(stmt)
        else:
            out.extend(inner)
    return out


def decide(ev: Evaluator, module: Module, test: ast.expr) -> bool | None:
    """The test's truth, or None when it cannot be read statically."""
    from .operations_list import with_vendor
    from .values import Scope, first_opaque

    scope = Scope(module)
    if not _read_statically(ev, test, scope):
        return None
    try:
        value = plain(ev.value(with_vendor(ev, test, scope), scope))
    except MgenError:
        value = None
    else:
        if first_opaque(value) is None and isinstance(value, _PLAIN):
            return bool(value)
    return runtime_conditions.assumed(ev, test, scope)


def _read_statically(ev: Evaluator, test: ast.expr, scope: Scope) -> bool:
    """Whether a test may be decided by its static value: not one of a version (``django.VERSION``, an alias
    of it, ``sys.version_info``: the versions mgen finds are not necessarily the project's)."""
    for node in ast.walk(test):
        if isinstance(node, (ast.Name, ast.Attribute)):
            spelled = node.attr if isinstance(node, ast.Attribute) else node.id
            path = ev.path_of(node, scope) or ""
            if spelled in VERSIONS or path.rpartition(".")[2] in VERSIONS:
                return False
    return True


def undecided_classes(stmt: ast.If) -> list[ast.ClassDef]:
    """The classes an ``if`` defines in any of its branches (nested ``if``s too)."""
    out: list[ast.ClassDef] = []
    for body in (stmt.body, stmt.orelse):
        for inner in body:
            if isinstance(inner, ast.ClassDef):
                out.append(inner)
            elif isinstance(inner, ast.If):
                out.extend(undecided_classes(inner))
    return out


def refuse_undecided(module: Module, stmt: ast.If, name: str) -> MgenError:
    return MgenError(f"model {name} is defined under `if {ast.unparse(stmt.test)}`, a test mgen cannot read "
                     "statically (only the running code decides whether the model exists)", str(module.path),
                     stmt.lineno)
