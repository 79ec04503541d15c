"""``Migration.operations`` (and ``dependencies``, ``run_before``, ``replaces``) as the class body builds
it, read statically: the expressions of its elements, in order, each with its own line.

Besides a literal list, a migration may build the list: ``[...] + [...]``, ``[...] if <condition> else
[...]``, a module-level name, and after the assignment ``operations += [...]``,
``operations.append(op)``, ``operations.extend([...])``, each maybe under ``if <condition>:`` (allauth
adds a constraint depending on a setting). A condition is evaluated like any value
(``getattr(settings, "X", default)``, comparisons, ``not``), ``connection.vendor`` as the settings' database
engine gives it (``with_vendor``); one mgen cannot evaluate is an MgenError naming it, never a guess.

Inside the elements, a call may unpack a literal: ``Field(**options)``, ``CheckConstraint(*args)``, where
``options`` is a dict (a list or tuple for ``*``) the migration's module or class body assigns, maybe
completed before the use by ``options["k"] = v`` or ``options.update(...)`` statements, each maybe under
``if <condition>:`` (a constraint written as Django's version wants it). The unpacked items become the
call's own arguments (``operations_unpack``); anything else unpacked stays unreadable, and says so where it is used.
"""
from __future__ import annotations

import ast
import copy
from pathlib import Path

from ...errors import MgenError
from . import conditions, runtime_conditions
from .conditions import plain
from .operations_unpack import Unpacker
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
    return [Unpacker(reader).expand(node) for node in items]


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
        value = self.ev.value(with_vendor(self.ev, node, self.scope), self.scope)
        value = plain(value)
        opaque = first_opaque(value)
        if opaque is not None or not isinstance(value, (str, int, float, bool, bytes, type(None), tuple, list,
                                                        dict)):
            assumed = runtime_conditions.assumed(self.ev, node, self.scope)  # fts5_available(): per world
            if assumed is not None:
                return assumed
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
            found = conditions.value_elements(self.ev, node, self.scope)  # an app setting: helpdesk_settings.X
            if found is not None:
                return found
        raise MgenError(f"Migration.{self.name} is not a list mgen can read ({ast.unparse(node)[:60]})",
                        str(self.path), node.lineno)


def with_vendor(ev: Evaluator, node: ast.expr, scope: Scope) -> ast.expr:
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
