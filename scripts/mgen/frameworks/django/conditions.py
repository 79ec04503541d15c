"""The small expressions migration files compute their operations and values with, evaluated statically:
comparisons and ``and``/``or`` of literals, subscripts (``settings.DATABASES["default"]["ENGINE"]``, an
enum member ``Color["RED"]``), ``getattr(settings, "NAME", default)``, ``apps.is_installed("app")`` (from
INSTALLED_APPS), a module attribute its ``__getattr__`` (PEP 562) hands to an object whose property
returns one such expression (a library's ``app_settings.SITES_ENABLED``), and the import path a name was
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
    if len(node.args) == 3 and ev.assigned_settings is not None and name not in ev.assigned_settings:
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
    for stmt in ast.walk(module.tree):
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            source = finder.module(absolute(module, stmt))
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


def module_getattr(ev: Evaluator, module: Module, attr: str, node: ast.expr, scope: Scope) -> Any:
    """``module.attr`` answered by ``def __getattr__(name): return getattr(OBJ, name)``: ``OBJ``'s class
    attribute ``attr``, a property whose body returns one expression not using ``self`` evaluated."""
    func = next((s for s in module.tree.body if isinstance(s, ast.FunctionDef) and s.name == "__getattr__"), None)
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))] if func else []
    call = body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
    if not (isinstance(call, ast.Call) and dotted_name(call.func) == "getattr" and len(call.args) == 2
            and isinstance(call.args[0], ast.Name)):
        return ev.opaque(node, scope.module)
    holder = ev.finder.resolve(module, call.args[0].id)
    made = holder.value if isinstance(holder, Definition) else None
    cls = ev.finder.resolve(module, dotted_name(made.func) or "") if isinstance(made, ast.Call) else None
    if not isinstance(cls, Definition) or not isinstance(cls.node, ast.ClassDef):
        return ev.opaque(node, scope.module)
    member = ev.finder.class_attribute(cls, attr)
    if not isinstance(member, Definition):
        return ev.opaque(node, scope.module)
    if isinstance(member.node, ast.FunctionDef):
        returned = [s for s in member.node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        is_property = any(dotted_name(d) == "property" for d in member.node.decorator_list)
        if not is_property or len(returned) != 1 or not isinstance(returned[0], ast.Return) or \
                returned[0].value is None or any(isinstance(n, ast.Name) and n.id == "self"
                                                 for n in ast.walk(returned[0].value)):
            return ev.opaque(node, scope.module)
        from .values import Scope as _Scope

        return ev.value(returned[0].value, _Scope(member.module))
    return ev.resolved_value(member, node, scope)
