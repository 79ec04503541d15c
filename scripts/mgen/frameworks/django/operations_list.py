"""``Migration.operations`` (and ``dependencies``, ``run_before``, ``replaces``) as the class body builds
it, read statically: the expressions of its elements, in order, each with its own line.

Besides a literal list, a migration may build the list: ``[...] + [...]``, ``[...] if <condition> else
[...]``, a module-level name, and after the assignment ``operations += [...]``,
``operations.append(op)``, ``operations.extend([...])``, each maybe under ``if <condition>:`` (allauth
adds a constraint depending on a setting). A condition is evaluated like any value
(``getattr(settings, "X", default)``, comparisons, ``not``), ``connection.vendor`` as the settings' database
engine gives it (``_with_vendor``); one mgen cannot evaluate is an MgenError naming it, never a guess.

Inside the elements, a call may unpack a literal: ``Field(**options)``, ``CheckConstraint(*args)``, where
``options`` is a dict (a list or tuple for ``*``) the migration's module or class body assigns, maybe
completed before the use by ``options["k"] = v`` or ``options.update(...)`` statements, each maybe under
``if <condition>:`` (a constraint written as Django's version wants it). The unpacked items become the
call's own arguments (``_Splats``); anything else unpacked stays unreadable, and says so where it is used.
"""
from __future__ import annotations

import ast
import copy
from pathlib import Path

from ...errors import MgenError
from .conditions import plain
from .source import Definition
from .values import Evaluator, Scope, first_opaque

CONNECTION = "django.db.connection"  # the default database's connection; its vendor follows the settings


def operation_nodes(ev: Evaluator, cls: ast.ClassDef, scope: Scope, path: Path,
                    name: str = "operations") -> list[ast.expr] | None:
    """The element expressions of the ``Migration`` class's list ``name`` (``operations``, ``dependencies``,
    ...); None when the class does not set it."""
    reader = _Reader(ev, scope, path, name)
    items = reader.body(cls.body)
    if items is None:
        return None
    return [_Splats(reader).expand(node) for node in items]


class _Reader:
    def __init__(self, ev: Evaluator, scope: Scope, path: Path, name: str):
        self.ev, self.scope, self.path, self.name = ev, scope, path, name
        self.items: list[ast.expr] | None = None

    def body(self, stmts: list[ast.stmt]) -> list[ast.expr] | None:
        for stmt in stmts:
            self.statement(stmt)
        return self.items

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == self.name for t in targets) and stmt.value is not None:
                self.items = self.elements(stmt.value)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == self.name:
            if not isinstance(stmt.op, ast.Add):
                raise MgenError(f"Migration.{self.name} changed by an operator mgen cannot read", str(self.path),
                                stmt.lineno)
            self.extend(self.elements(stmt.value), stmt)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                and isinstance(stmt.value.func, ast.Attribute) and isinstance(stmt.value.func.value, ast.Name) \
                and stmt.value.func.value.id == self.name:
            call = stmt.value
            if call.func.attr == "append" and len(call.args) == 1 and not call.keywords:
                self.extend([call.args[0]], stmt)
            elif call.func.attr == "extend" and len(call.args) == 1 and not call.keywords:
                self.extend(self.elements(call.args[0]), stmt)
            else:
                raise MgenError(f"Migration.{self.name}.{call.func.attr}() is not read by mgen", str(self.path),
                                stmt.lineno)
        elif isinstance(stmt, ast.If) and self._mentions(stmt):
            branch = stmt.body if self.condition(stmt.test) else stmt.orelse
            for inner in branch:
                self.statement(inner)
        elif self._mentions(stmt) and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            raise MgenError(f"Migration.{self.name} is changed by a statement mgen cannot read", str(self.path),
                            stmt.lineno)

    def _mentions(self, stmt: ast.stmt) -> bool:
        return any(isinstance(n, ast.Name) and n.id == self.name for n in ast.walk(stmt))

    def extend(self, items: list[ast.expr], stmt: ast.stmt) -> None:
        if self.items is None:
            raise MgenError(f"Migration.{self.name} is changed before it is assigned", str(self.path), stmt.lineno)
        self.items = [*self.items, *items]

    def condition(self, node: ast.expr) -> bool:
        value = self.ev.value(_with_vendor(self.ev, node, self.scope), self.scope)
        value = plain(value)
        opaque = first_opaque(value)
        if opaque is not None or not isinstance(value, (str, int, float, bool, bytes, type(None), tuple, list,
                                                        dict)):
            source = opaque.source if opaque is not None else ast.unparse(node)
            raise MgenError(f"Migration.{self.name} depends on {source}, which mgen cannot evaluate statically",
                            str(self.path), getattr(node, "lineno", None))
        return bool(value)

    def elements(self, node: ast.expr, depth: int = 0) -> list[ast.expr]:
        """The element expressions of a list expression."""
        if depth > 16:
            raise MgenError(f"Migration.{self.name} refers back to itself", str(self.path), node.lineno)
        if isinstance(node, (ast.List, ast.Tuple)):
            out: list[ast.expr] = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    out.extend(self.elements(elt.value, depth + 1))
                else:
                    out.append(elt)
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.elements(node.left, depth + 1) + self.elements(node.right, depth + 1)
        if isinstance(node, ast.IfExp):
            return self.elements(node.body if self.condition(node.test) else node.orelse, depth + 1)
        if isinstance(node, ast.Name) and node.id == self.name and self.items is not None:
            return list(self.items)
        if isinstance(node, (ast.Name, ast.Attribute)):
            target = self.ev.resolve(node, self.scope)
            if isinstance(target, Definition) and target.value is not None \
                    and target.module.path == self.scope.module.path:
                return self.elements(target.value, depth + 1)
        raise MgenError(f"Migration.{self.name} is not a list mgen can read ({ast.unparse(node)[:60]})",
                        str(self.path), node.lineno)


def _with_vendor(ev: Evaluator, node: ast.expr, scope: Scope) -> ast.expr:
    """A condition with ``connection.vendor`` (``django.db.connection``: the default database's) as the
    constant the ``vendor`` of the settings' ENGINE's ``DatabaseWrapper`` is ("sqlite", "postgresql", ...);
    as it is when the engine or its vendor cannot be read (then the condition says so)."""
    if not any(isinstance(n, ast.Attribute) and n.attr == "vendor" for n in ast.walk(node)):
        return node
    vendor = _vendor(ev)

    class _Vendor(ast.NodeTransformer):
        def visit_Attribute(self, n: ast.Attribute) -> ast.AST:
            if n.attr == "vendor" and vendor is not None and ev.path_of(n.value, scope) == CONNECTION:
                return ast.copy_location(ast.Constant(vendor), n)
            return self.generic_visit(n)

    return _Vendor().visit(copy.deepcopy(node))


def _vendor(ev: Evaluator) -> str | None:
    databases = ev.settings.get("DATABASES")
    default = databases.get("default") if isinstance(databases, dict) else None
    engine = default.get("ENGINE") if isinstance(default, dict) else None
    wrapper = ev.resolve_path(f"{engine}.base.DatabaseWrapper") if isinstance(engine, str) else None
    if not isinstance(wrapper, Definition) or not isinstance(wrapper.node, ast.ClassDef):
        return None
    for cls in (wrapper, *ev.ancestors(wrapper)):
        for stmt in getattr(cls.node, "body", []) if isinstance(cls, Definition) else []:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "vendor" for t in stmt.targets):
                value = stmt.value
                return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    return None


class _Splats:
    """Calls of an element that unpack literals, with the items as their own arguments (a copy of the
    element; the module's tree is shared)."""

    def __init__(self, reader: _Reader):
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
