"""Run-time conditions: a test only the running code decides, such as wagtail's ``if fts5_available():``
(whether the SQLite library Python links has FTS5), in a migration's ``operations`` and in a models module.

mgen never guesses one. ``generate`` reads the project once per assignment of the conditions it meets (a
``World``: each condition true, then false), a condition taking the same value wherever it is written (the
same function, by its definition's path, called with the same constant arguments), and compares what each
app's migration would be: an app whose migration is the same in every world gets it, with a note naming the
condition; an app whose migration depends on it is refused at the condition's file and line
(``writer_worlds``). A reader without a world (``--format sql``, drift) refuses the app at the condition, as
before. What is read under an assumption is never cached (``World.asked`` counts the questions).

A condition is taken as a fact about the environment the code runs in: the same wherever and whenever it is
asked (a function of the SQLite library, the installed packages, the environment variables). A test built
otherwise (``f() and g()``, ``f() == "x"``) is not one and refuses as before.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .source import Definition, External, Module, absolute, dotted_name, source_text

if TYPE_CHECKING:
    from .values import Evaluator, Scope


@dataclass(frozen=True)
class Hit:
    """Where a run-time condition was first met: its source, file and line."""

    text: str
    file: str
    line: int | None


@dataclass
class World:
    """The values assumed for the run-time conditions (a condition not listed is true) and those met."""

    values: dict[str, bool] = field(default_factory=dict)
    hits: dict[str, Hit] = field(default_factory=dict)
    asked: int = 0  # questions answered so far: a reading that asked one is not cached

    def value(self, key: str, hit: Hit) -> bool:
        self.asked += 1
        self.hits.setdefault(key, hit)
        return self.values.get(key, True)


def assumed(ev: Evaluator, node: ast.expr, scope: Scope) -> bool | None:
    """The value the evaluator's world gives the test ``node`` when it is a run-time condition (``f(...)``
    or ``not f(...)`` of constant arguments, ``f`` a function named by an import); None otherwise."""
    world = getattr(ev, "world", None)
    if world is None:
        return None
    negated = False
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        negated, node = not negated, node.operand
    key = condition_key(ev, node, scope)
    if key is None:
        return None
    hit = Hit(source_text(scope.module, node), str(scope.module.path), getattr(node, "lineno", None))
    return world.value(key, hit) != negated


def condition_key(ev: Evaluator, node: ast.expr, scope: Scope) -> str | None:
    """``path(args)`` for a call of a function with constant arguments, ``path`` the function's definition
    (through re-exports), else the import path it is spelled with; None for anything else."""
    if not isinstance(node, ast.Call) or any(isinstance(a, ast.Starred) for a in node.args) \
            or any(k.arg is None for k in node.keywords):
        return None
    arguments = [*node.args, *(k.value for k in node.keywords)]
    if not all(isinstance(a, ast.Constant) for a in arguments):
        return None
    path = _function_path(ev, node.func, scope)
    if path is None:
        return None
    args = [repr(a.value) for a in node.args] + [f"{k.arg}={k.value.value!r}" for k in node.keywords]  # type: ignore[attr-defined]
    return f"{path}({', '.join(args)})"


def _function_path(ev: Evaluator, func: ast.expr, scope: Scope) -> str | None:
    target = ev.resolve(func, scope)
    if isinstance(target, Definition):
        return target.path if isinstance(target.node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    if isinstance(target, External):
        return target.path
    dotted = dotted_name(func)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    imported = _imported_as(scope.module, head)  # an import in a branch: the only one binding the name
    if imported is None:
        return None
    path = f"{imported}.{rest}" if rest else imported
    found = ev.resolve_path(path)
    if isinstance(found, Definition):
        return found.path if isinstance(found.node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    return found.path if isinstance(found, External) else None


def _imported_as(module: Module, name: str) -> str | None:
    """The import path every import of the file that binds ``name`` gives it (at any depth: an import in a
    branch of the class body), or None when none does or something else binds it too."""
    paths: set[str] = set()
    bound_otherwise = False
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            paths.update(f"{absolute(module, node)}.{a.name}" for a in node.names if (a.asname or a.name) == name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname == name:
                    paths.add(alias.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name \
                or isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            bound_otherwise = True
    return paths.pop() if len(paths) == 1 and not bound_otherwise else None
