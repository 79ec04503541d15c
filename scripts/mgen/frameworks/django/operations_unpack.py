"""Calls inside a migration's operations that unpack literals - ``models.FileField(**options)``,
``models.CheckConstraint(**check_kwargs)``, ``Index(*args)`` - rewritten with the items as the call's own
arguments, so that the operation is read like one written out.

What is unpacked must be a literal: inline, or a dict (a list or tuple for ``*``) assigned to a plain name of
the migration's module or ``Migration`` class body, maybe completed between the assignment and the use by
``name["key"] = value`` or ``name.update(...)``, each maybe under ``if <condition>:`` (evaluated as the
operations list's conditions are: ``DJANGO_VERSION >= (5, 1)``). Another statement that may change it (a
loop, a method call, ``del``) is an MgenError at its line; anything else unpacked is left as it is, and
reads as a value mgen cannot know where it is used.
"""
from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Protocol

from ...errors import MgenError
from .source import Definition
from .values import Evaluator, Scope


class Reader(Protocol):
    """What ``operations_list._Reader`` gives: the evaluator, the class body's scope, the file, and how
    a condition is decided."""

    ev: Evaluator
    scope: Scope
    path: Path

    def condition(self, node: ast.expr) -> bool: ...


class Unpacker:
    """Calls of an element that unpack literals, with the items as their own arguments (a copy of the
    element; the module's tree is shared)."""

    def __init__(self, reader: Reader):
        self.reader = reader

    def expand(self, node: ast.expr) -> ast.expr:
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)
                 and (any(isinstance(a, ast.Starred) for a in n.args) or any(k.arg is None for k in n.keywords))]
        if not calls:
            return node
        node = copy.deepcopy(node)
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            call.args = [item for a in call.args for item in self.positional(a, call)]
            call.keywords = [item for k in call.keywords for item in self.keywords(k, call)]
        return node

    def positional(self, arg: ast.expr, call: ast.Call) -> list[ast.expr]:
        if not isinstance(arg, ast.Starred):
            return [arg]
        found = self.literal(arg.value, call, (ast.List, ast.Tuple))
        if found is None or any(isinstance(e, ast.Starred) for e in found.elts):  # type: ignore[attr-defined]
            return [arg]
        return list(found.elts)  # type: ignore[attr-defined]

    def keywords(self, kw: ast.keyword, call: ast.Call) -> list[ast.keyword]:
        if kw.arg is not None:
            return [kw]
        found = self.literal(kw.value, call, (ast.Dict,))
        items = self.items(found, call, self.assigned(kw.value, (ast.Dict,))) if found is not None else None
        if items is None:
            return [kw]
        given = {k.arg for k in call.keywords if k.arg is not None}
        if given & set(items):
            return [kw]  # Python refuses a keyword given twice: left unreadable
        return [ast.copy_location(ast.keyword(arg=key, value=value), kw) for key, value in items.items()]

    def literal(self, node: ast.expr, call: ast.Call, kinds: tuple[type, ...]) -> ast.expr | None:
        """The literal itself, or the one a name of this module (or of the Migration class) is assigned."""
        if isinstance(node, kinds):
            return node
        found = self.assigned(node, kinds)
        return found[0].value if found is not None else None  # type: ignore[union-attr]

    def assigned(self, node: ast.expr, kinds: tuple[type, ...]) -> tuple[ast.Assign, list[ast.stmt], str] | None:
        """The assignment of a literal to a plain name of the migration's module or class body, the body
        holding it, and the name."""
        if not isinstance(node, ast.Name):
            return None
        target = self.reader.ev.resolve(node, self.reader.scope)
        if not isinstance(target, Definition) or not isinstance(target.value, kinds) \
                or target.module.path != self.reader.scope.module.path:
            return None
        owner = target.owner.node if target.owner is not None else target.module.tree
        body: list[ast.stmt] = getattr(owner, "body", [])
        assign = next((s for s in body if isinstance(s, ast.Assign) and (s is target.node or s.value is target.node)
                       and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                       and s.targets[0].id == node.id), None)
        return (assign, body, node.id) if assign is not None else None

    def items(self, found: ast.Dict, call: ast.Call,
              named: tuple[ast.Assign, list[ast.stmt], str] | None) -> dict[str, ast.expr] | None:
        """A dict literal's items by key (None: a key that is no string), with what the statements between
        its assignment (``named``; none for an inline dict) and the call set in it."""
        items: dict[str, ast.expr] = {}
        for key, value in zip(found.keys, found.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            items[key.value] = value
        if named is not None:
            assign, body, name = named
            for stmt in body:
                if stmt.lineno > assign.lineno and (stmt.end_lineno or stmt.lineno) < call.lineno:
                    self.mutation(stmt, name, items)
        return items

    def mutation(self, stmt: ast.stmt, name: str, items: dict[str, ast.expr]) -> None:
        """``name[key] = value``, ``name.update(...)``, under ``if``; another statement that may change ``name``
        is an error (one that only reads it is passed over)."""
        if isinstance(stmt, ast.If):
            if any(isinstance(n, ast.Name) and n.id == name for s in stmt.body + stmt.orelse for n in ast.walk(s)):
                for inner in stmt.body if self.reader.condition(stmt.test) else stmt.orelse:
                    self.mutation(inner, name, items)
            return
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _subscript_of(stmt.targets[0], name):
            items[stmt.targets[0].slice.value] = stmt.value  # type: ignore[attr-defined]
            return
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "update" \
                and isinstance(call.func.value, ast.Name) and call.func.value.id == name and len(call.args) <= 1:
            update = self.literal(call.args[0], call, (ast.Dict,)) if call.args else ast.Dict(keys=[], values=[])
            pairs = self.items(update, call, None) if isinstance(update, ast.Dict) else None
            if pairs is not None and all(k.arg is not None for k in call.keywords):
                items.update(pairs)
                items.update({k.arg: k.value for k in call.keywords})  # type: ignore[misc]
                return
        if _may_change(stmt, name):
            raise MgenError(f"{name}, unpacked into a migration operation, is changed by a statement mgen cannot "
                            "read", str(self.reader.path), stmt.lineno)


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _subscript_of(target: ast.expr, name: str) -> bool:
    """``name["key"]`` as an assignment's target."""
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name \
        and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str)


def _may_change(stmt: ast.stmt, name: str) -> bool:
    """Whether a statement may change the object ``name`` holds: an assignment to it or into it, ``del``,
    a method called on it, a loop, ``with`` or ``try`` that mentions it."""
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return any(_mentions(t, name) for t in targets)
    if isinstance(stmt, ast.Delete):
        return any(_mentions(t, name) for t in stmt.targets)
    if isinstance(stmt, ast.Expr):
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and _mentions(n.func.value, name)
                   for n in ast.walk(stmt))
    if isinstance(stmt, (ast.For, ast.While, ast.With, ast.Try)):
        return _mentions(stmt, name)
    return False
