"""A migration operation of a class that is not Django's own (a project's ``class X(RunPython)``, a
library's operation), classified statically through the source of the class and its bases.

- a subclass of ``RunPython`` or ``RunSQL``: data code, as those are (a note; never replayed);
- a subclass of another Django operation that overrides neither ``__init__`` nor ``state_forwards``:
  that operation, with the same arguments;
- an operation whose nearest ``state_forwards`` does nothing (``pass``, a docstring, ``return``): no
  change to the state (a note);
- anything else changes the state in code mgen cannot read: an MgenError at the operation's line,
  naming the class and where its ``state_forwards`` is.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .source import Definition, External
from .values import Evaluator

OPERATIONS = "django.db.migrations.operations."
BASE_OPERATION = "django.db.migrations.operations.base.Operation"
DATA_OPERATIONS = ("RunPython", "RunSQL")


@dataclass(frozen=True)
class Kind:
    """What an operation class is: ``kind`` "django" (``name``: the Django operation to apply), "data",
    "noop", or "unknown" (``why``: a sentence for the error)."""

    kind: str
    name: str = ""
    why: str = ""


def classify(ev: Evaluator, path: str) -> Kind:
    target = ev.resolve_path(path)
    if isinstance(target, External):
        return Kind("unknown", why=f"operation class {path} has no source mgen can read")
    if not isinstance(target, Definition) or not isinstance(target.node, ast.ClassDef):
        return Kind("unknown", why=f"{path} is not a migration operation class mgen can find")
    chain = [target, *ev.ancestors(target)]
    own: list[Definition] = []
    django = None
    for c in chain:
        c_path = getattr(c, "path", "")
        if c_path.startswith(OPERATIONS):
            django = c_path
            break
        if isinstance(c, Definition) and isinstance(c.node, ast.ClassDef):
            own.append(c)
    if django is None:
        return Kind("unknown", why=f"{path} does not derive from a Django migration operation mgen can find")
    name = django.rpartition(".")[2]
    if name in DATA_OPERATIONS:
        return Kind("data", name)
    forwards = _method(own, "state_forwards")
    if forwards is not None:
        if _does_nothing(forwards[1]):
            return Kind("noop", name)
        where = f"{forwards[0].module.path}:{forwards[1].lineno}"
        return Kind("unknown", why=f"operation class {path} changes the state in its own state_forwards() "
                                   f"({where}), which mgen cannot read")
    if django == BASE_OPERATION:
        return Kind("unknown", why=f"operation class {path} has no state_forwards() (Django's Operation raises "
                                   "NotImplementedError there)")
    if _method(own, "__init__") is not None:
        return Kind("unknown", why=f"operation class {path} takes its own arguments (__init__) and changes "
                                   f"the state as {name} does: mgen cannot tell what it passes on")
    return Kind("django", name)


def _method(classes: list[Definition], name: str) -> tuple[Definition, ast.FunctionDef] | None:
    for c in classes:
        for stmt in c.node.body:  # type: ignore[attr-defined]
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                return c, stmt  # type: ignore[return-value]
    return None


def _does_nothing(func: ast.FunctionDef) -> bool:
    for stmt in func.body:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Return) and stmt.value is None):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # a docstring or ...
        return False
    return True
