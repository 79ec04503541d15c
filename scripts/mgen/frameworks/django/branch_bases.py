"""A class base bound in every branch of a module-level ``if`` to the same class.

allauth's ``socialaccount/fields.py`` (Django 1.7 era) reads::

    if django.VERSION < (1, 8):
        JSONFieldBase = six.with_metaclass(models.SubfieldBase, models.TextField)
    else:
        JSONFieldBase = models.TextField

    class JSONField(JSONFieldBase): ...

The name is bound conditionally, so which branch ran is only known when the code runs; but when every
branch binds it, once, to the same class (``six.with_metaclass(Meta, *bases)`` read as its bases, as
``Finder.bases`` reads a class statement's), the class's ancestry is the same whichever ran. Anything
else (a branch that binds it twice or not at all, a try/except, a loop, branches that disagree) stays
unknown.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from ..pyast import Module


def branch_values(module: Module, name: str) -> list[ast.expr] | None:
    """The expressions every branch of the one module-level ``if`` that binds ``name`` assigns to it, or None
    when ``name`` is bound any other way too (the ``if`` must be its only top-level binding)."""
    bindings = module.symbols.get(name, [])  # one per branch that binds it, all naming the same ``if``
    if not bindings or any(b.kind != "conditional" or b.node is not bindings[0].node for b in bindings) \
            or not isinstance(bindings[0].node, ast.If):
        return None
    values: list[ast.expr] = []
    for branch in _branches(bindings[0].node):
        found = [s for s in branch if name in _names_bound(s)]
        if len(found) != 1 or not _assigns(found[0], name):
            return None
        values.append(found[0].value)  # type: ignore[union-attr]
    return values


def agreed_base(values: list[ast.expr], resolve_base: Callable[[ast.expr], list[object]]) -> list[object] | None:
    """The bases the branches' values give when every branch gives the same (compared by class path);
    ``resolve_base`` turns one value into its base classes (with_metaclass unwrapped)."""
    results = [resolve_base(v) for v in values]
    paths = [[getattr(r, "path", None) for r in result] for result in results]
    if not results or any(None in p for p in paths) or any(p != paths[0] for p in paths[1:]):
        return None
    return results[0]


def _branches(stmt: ast.If) -> Iterator[list[ast.stmt]]:
    """The bodies of ``if``/``elif``/``else``; an ``if`` without an ``else`` has an empty last branch."""
    yield stmt.body
    orelse = stmt.orelse
    if len(orelse) == 1 and isinstance(orelse[0], ast.If):
        yield from _branches(orelse[0])
    else:
        yield orelse


def _assigns(stmt: ast.stmt, name: str) -> bool:
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name


def _names_bound(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} \
        | {a.asname or a.name.split(".")[0] for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))
           for a in n.names} \
        | {n.name for n in ast.walk(stmt) if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
