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

A test of ``connection.vendor`` and settings only is read as a migration's is: comparisons, ``and``/``or``,
the vendor the settings' ENGINE gives (``operations_list.with_vendor``); a run-time condition as the world
being read assumes it (``runtime_conditions``). Any other test (``django.VERSION``: the version mgen finds
is not necessarily the project's) is not decided. The branch taken is what the module binds: a name bound there resolves to that
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
    if not _about_database_or_settings(ev, test, scope):
        return runtime_conditions.assumed(ev, test, scope)
    try:
        value = plain(ev.value(with_vendor(ev, test, scope), scope))
    except MgenError:
        value = None
    else:
        if first_opaque(value) is None and isinstance(value, _PLAIN):
            return bool(value)
    return runtime_conditions.assumed(ev, test, scope)


def _about_database_or_settings(ev: Evaluator, test: ast.expr, scope: Scope) -> bool:
    """Whether the test reads only ``connection.vendor`` and settings (and constants): a test on anything else
    (``django.VERSION``: the version mgen finds is not the project's) is not decided here."""
    from .operations_list import CONNECTION
    from .values import SETTINGS_PATH

    names = [n for n in ast.walk(test) if isinstance(n, ast.Name)]
    return bool(names) and not any(isinstance(n, ast.Call) for n in ast.walk(test)) \
        and all(ev.path_of(n, scope) in (CONNECTION, SETTINGS_PATH) for n in names)


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
