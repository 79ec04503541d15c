"""The small expressions migration files compute their operations and values with, evaluated statically:
comparisons and ``and``/``or`` of literals, subscripts (``settings.DATABASES["default"]["ENGINE"]``, an
enum member ``Color["RED"]``), ``getattr(settings, "NAME", default)``, ``apps.is_installed("app")`` (from
INSTALLED_APPS), and the import path a name was
spelled with when its module cannot be read (``decimal`` imports ``Decimal`` from C).

``getattr(settings, NAME, default)`` is the default only when the settings module assigns no ``NAME`` at
all (``Evaluator.assigned_settings``, read by ``settings_assigned``); a setting assigned something mgen
cannot read is unknown, never the default.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .source import Definition, Finder, Module, absolute, dotted_name
from .state import Opaque, Setting

if TYPE_CHECKING:
    from .values import Evaluator, Scope

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
IS_INSTALLED = {"django.apps.registry.apps.is_installed", "django.apps.apps.is_installed"}
_PLAIN = (str, int, float, Decimal, bool, bytes, type(None), tuple, list, dict, frozenset, set)


def plain(value: Any) -> Any:
    """A setting's value stands for itself in a comparison."""
    return value.value if isinstance(value, Setting) else value


def evaluate(ev: Evaluator, node: ast.Compare | ast.BoolOp, scope: Scope) -> Any:
    if isinstance(node, ast.BoolOp):
        result: Any = None
        for operand in node.values:
            result = plain(ev.value(operand, scope))
            if not isinstance(result, _PLAIN):
                return ev.opaque(node, scope.module)
            if isinstance(node.op, ast.And) and not result or isinstance(node.op, ast.Or) and result:
                return result
        return result
    left = plain(ev.value(node.left, scope))
    for op, right_node in zip(node.ops, node.comparators):
        right = plain(ev.value(right_node, scope))
        if not isinstance(left, _PLAIN) or not isinstance(right, _PLAIN) or type(op) not in _COMPARE:
            return ev.opaque(node, scope.module)
        try:
            if not _COMPARE[type(op)](left, right):
                return False
        except TypeError:
            return ev.opaque(node, scope.module)
        left = right
    return True


def subscript(ev: Evaluator, node: ast.Subscript, scope: Scope) -> Any:
    key = plain(ev.value(node.slice, scope))
    owner = ev.resolve(node.value, scope) if isinstance(node.value, (ast.Name, ast.Attribute)) else None
    if isinstance(owner, Definition) and isinstance(owner.node, ast.ClassDef) and isinstance(key, str):
        member = ev.finder.class_attribute(owner, key)  # Color["RED"]: the member, as Color.RED
        if isinstance(member, Definition) and member.owner is not None:
            return ev.resolved_value(member, node, scope)
        return ev.opaque(node, scope.module)
    value = plain(ev.value(node.value, scope))
    if isinstance(value, (dict, list, tuple, str)) and isinstance(key, (str, int)) and not isinstance(key, bool):
        try:
            return value[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            pass
    return ev.opaque(node, scope.module)


def settings_getattr(ev: Evaluator, node: ast.Call, scope: Scope) -> Any:
    """``getattr(settings, "NAME"[, default])``."""
    if node.keywords or len(node.args) not in (2, 3):
        return ev.opaque(node, scope.module)
    owner = ev.path_of(node.args[0], scope)
    name = ev.value(node.args[1], scope)
    if owner != "django.conf.settings" or not isinstance(name, str):
        return ev.opaque(node, scope.module)
    ev.settings_read.add(name)
    if name in ev.settings:
        return Setting(name, ev.settings[name])
    assigned = ev.assigned()
    if len(node.args) == 3 and assigned is not None and name not in assigned:
        return ev.value(node.args[2], scope)
    return Opaque(f"settings.{name}", str(scope.module.path), node.lineno)


def spelled_path(node: ast.expr, module: Module) -> str | None:
    """The import path a name is written with (``decimal.Decimal`` for ``from decimal import Decimal``)."""
    dotted = dotted_name(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    bindings = module.symbols.get(head) or []
    if not bindings or bindings[-1].kind != "import":
        return None
    return bindings[-1].target + ("." + rest if rest else "")


def settings_assigned(finder: Finder, module: Module, seen: set[str] | None = None) -> set[str] | None:
    """Every UPPER_CASE name the settings module binds at its top level (star imports followed); None when
    a star import leaves the project's and libraries' source (any name may come from there)."""
    seen = seen if seen is not None else set()
    seen.add(module.name)
    names: set[str] = set()
    guarded = {id(s) for t in ast.walk(module.tree) if isinstance(t, ast.Try) and _catches_import_error(t)
               for s in t.body}
    for stmt in ast.walk(module.tree):
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            source = finder.module(absolute(module, stmt))
            if source is None and id(stmt) in guarded:
                continue  # try: from .local import * / except ImportError: found nowhere, the handler runs
            if source is None:
                return None
            if source.name not in seen:
                inner = settings_assigned(finder, source, seen)
                if inner is None:
                    return None
                names |= inner
        elif isinstance(stmt, (ast.Name,)) and isinstance(stmt.ctx, ast.Store) and stmt.id.isupper():
            names.add(stmt.id)
        elif isinstance(stmt, ast.ImportFrom):
            names.update(a.asname or a.name for a in stmt.names if (a.asname or a.name).isupper())
        elif isinstance(stmt, ast.Call) and isinstance(stmt.func, ast.Attribute) and stmt.func.attr == "update" \
                and isinstance(stmt.func.value, ast.Call) and dotted_name(stmt.func.value.func) in ("globals",
                                                                                                   "locals", "vars"):
            return None  # globals().update(...): any name
    return names


def _catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if handler.type is None or any((dotted_name(t) or "").rpartition(".")[2] in (
                "ImportError", "ModuleNotFoundError", "Exception") for t in types if t is not None):
            return True
    return False


def is_installed(ev: Evaluator, node: ast.Call, scope: Scope) -> Any:
    """``apps.is_installed("name")``: whether INSTALLED_APPS names the app (or an AppConfig of its package)."""
    name = ev.value(node.args[0], scope) if len(node.args) == 1 and not node.keywords else None
    ev.settings_read.add("INSTALLED_APPS")
    installed = ev.settings.get("INSTALLED_APPS")
    if not isinstance(name, str) or not isinstance(installed, (list, tuple)):
        return ev.opaque(node, scope.module)
    for entry in installed:
        if entry == name:
            return True
        if isinstance(entry, str) and entry.startswith(name + ".apps."):
            return True  # an AppConfig of the package: its name is the package, as AppConfig's default is
        if isinstance(entry, str) and ".apps." in entry and name.startswith(entry.partition(".apps.")[0] + "."):
            return ev.opaque(node, scope.module)  # a config of a parent package may name a sub-package
    return False


def class_body(ev: Evaluator, body: list[ast.stmt], scope: Scope) -> list[ast.stmt]:
    """A class body's statements as Python runs them: an ``if`` on a test read statically (an app setting:
    ``if app_settings.SITES_ENABLED:``) replaced by the branch taken; ``name.append(x)``, ``.extend(xs)`` and
    ``name += xs`` after ``name = [...]`` folded into one more assignment of the grown list (``constraints``
    in a Meta). An ``if`` that binds names on a test mgen cannot read is refused at its line."""
    out: list[ast.stmt] = []
    values: dict[str, ast.expr] = {}  # the expression each name was last assigned
    for stmt in _decided(ev, body, scope):
        grown = _grown(stmt, values)
        if grown is not None:
            stmt = grown
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            values[stmt.targets[0].id] = stmt.value
        out.append(stmt)
    return out


def _decided(ev: Evaluator, body: list[ast.stmt], scope: Scope) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for stmt in body:
        if not isinstance(stmt, ast.If):
            out.append(stmt)
            continue
        if not _branch_binds(stmt):
            continue  # methods or annotations only: nothing of the state
        test = plain(ev.value(stmt.test, scope))
        if not isinstance(test, _PLAIN):
            from ...errors import MgenError
            from .values import first_opaque

            opaque = first_opaque(test)
            why = f" ({opaque.source})" if opaque is not None and opaque.source != ast.unparse(stmt.test) else ""
            raise MgenError(f"the class body binds names under `if {ast.unparse(stmt.test)}`{why}, a test mgen "
                            "cannot read statically", str(scope.module.path), stmt.lineno)
        out.extend(_decided(ev, stmt.body if test else stmt.orelse, scope))
    return out


def _branch_binds(stmt: ast.If) -> bool:
    return any(_binds(s) or isinstance(s, ast.If) and _branch_binds(s) for s in [*stmt.body, *stmt.orelse])


def _binds(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.Assign, ast.AugAssign)) or isinstance(stmt, ast.AnnAssign) and stmt.value is not None \
        or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
        and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr in ("append", "extend")


def _grown(stmt: ast.stmt, values: dict[str, ast.expr]) -> ast.Assign | None:
    """``name.append(x)`` / ``name.extend(xs)`` / ``name += xs`` as ``name = <last value> + [x]``."""
    name, added = None, None
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) \
            and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.attr in ("append", "extend") \
            and len(stmt.value.args) == 1 and not stmt.value.keywords:
        name = stmt.value.func.value.id
        arg = stmt.value.args[0]
        added = ast.List(elts=[arg], ctx=ast.Load()) if stmt.value.func.attr == "append" else arg
    elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.Add):
        name, added = stmt.target.id, stmt.value
    if name is None or name not in values:
        return None
    value = ast.copy_location(ast.BinOp(left=values[name], op=ast.Add(), right=ast.copy_location(added, stmt)), stmt)
    return ast.copy_location(ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value), stmt)


def value_elements(ev: Evaluator, node: ast.expr, scope: Scope) -> list[ast.expr] | None:
    """The items of a list a name reads from elsewhere (an app's settings module), each as a constant node
    holding its value; None when the value is not a list or tuple fully known."""
    value = plain(ev.value(node, scope))
    if not isinstance(value, (list, tuple)) or any(isinstance(v, Opaque) for v in value):
        return None
    from .values import first_opaque

    if first_opaque(list(value)) is not None:
        return None
    return [ast.copy_location(ast.Constant(value=v), node) for v in value]
