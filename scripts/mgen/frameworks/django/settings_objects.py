"""Settings read through an app's own objects and modules, evaluated statically (issue #12).

- **An app-settings object**: an instance of a project's or library's class (``_app_settings =
  AppSettings("ACCOUNT_")``) reached as a module's PEP 562 ``__getattr__`` (``return getattr(OBJ, name)``),
  a module replaced by it (``sys.modules[__name__] = OBJ``) or a name bound to it. Its attributes are what
  ``__init__`` assigns to ``self`` at its top level (from the call's arguments), its class attributes, and its
  properties. A property (or a helper it calls: ``self._setting(...)``, a module function, a lambda) is
  followed when its body is plain: imports, assignments to names, ``if`` on a decided test, ``return``;
  calls are followed to a bounded depth (``MAX_DEPTH``), never a loop. ``getattr(settings, NAME, default)``
  reads the project's settings, and the default when the settings module assigns no ``NAME``.
- **An app's settings module** (``helpdesk/settings.py``) whose names are bound in an ``if``: the module is
  run by the static settings evaluator (``settings.Interpreter``) with ``django.conf.settings`` read from
  the project's settings.
- **swapper** (``swapper.swappable_setting``, ``get_model_name``, ``is_swapped``, ``dependency``, ``join``,
  ``split``) as the library computes them, the prefixes from ``swapper.set_app_prefix`` calls in the
  installed apps' models; an unset swappable setting is the library's own model (``swappable_setting``
  sets it so when the model is imported).

What cannot be followed is an ``Opaque`` with the file and line of the expression: the caller refuses it.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import MgenError
from .settings import Interpreter
from .settings_values import ModuleValue, first_unknown, is_known
from .source import Definition, External, Module, ModuleRef, absolute, dotted_name
from .state import Opaque, Ref, Setting

if TYPE_CHECKING:
    from .values import Evaluator, Scope

SETTINGS_PATH = "django.conf.settings"
MAX_DEPTH = 4  # nested calls followed from one attribute (property -> helper -> library getter -> lambda)
_PROPERTIES = {"property", "cached_property"}
SWAPPER = {"swapper.swappable_setting", "swapper.get_model_name", "swapper.is_swapped", "swapper.dependency",
            "swapper.join", "swapper.split", "swapper.get_model_names"}
_STR_METHODS = {"lower", "upper", "strip", "title"}
_HARMLESS = {"warnings.warn"}  # calls a property may make before returning


# -- values only this module makes ------------------------------------------------------------------
@dataclass(eq=False)
class Instance:
    cls: Definition
    attrs: dict[str, Any] = field(default_factory=dict)
    unstable: set[str] = field(default_factory=set)  # attributes set outside __init__'s top level


@dataclass(eq=False)
class Closure:
    node: ast.Lambda
    frame: Frame


@dataclass(eq=False)
class Bound:
    instance: Instance
    func: Definition


@dataclass
class Frame:
    module: Module
    names: dict[str, Any]
    depth: int = 0


class _Stop(Exception):
    """A statement or call not followed: the value is unknown (carried as the Opaque)."""

    def __init__(self, opaque: Opaque):
        super().__init__(opaque.source)
        self.opaque = opaque


def _internal(value: Any) -> bool:
    return isinstance(value, (Instance, Closure, Bound))


def settled(ev: Evaluator, value: Any, node: ast.AST, module: Module) -> Any:
    """A value the Evaluator may hold: this module's own objects are unknown there; a setting read on the way
    is its value (Django's writer writes what the property returned, never ``settings.NAME``)."""
    if _internal(value):
        return ev.opaque(node, module)
    return _unwrapped(value)


def _unwrapped(value: Any) -> Any:
    if isinstance(value, Setting):
        return _unwrapped(value.value)
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrapped(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrapped(v) for k, v in value.items()}
    return value


# -- entry points -----------------------------------------------------------------------------------
def module_attribute(ev: Evaluator, module: Module, attr: str, node: ast.expr, scope: Scope) -> Any:
    """``module.attr`` the module does not bind plainly: its ``__getattr__`` or replacement object's
    attribute, or its value when the module's statements are run (a name bound in an ``if``)."""
    holder = _replacing_object(ev, module)
    if holder is not None:
        instance = instance_of(ev, holder)
        if instance is None:
            return ev.opaque(node, scope.module)
        return _guarded(ev, lambda: attribute(ev, instance, attr, node, 0), node, scope.module)
    if any(isinstance(s, ast.FunctionDef) and s.name == "__getattr__" for s in module.tree.body):
        return ev.opaque(node, scope.module)
    return app_module_value(ev, module, attr, node, scope)


def object_attribute(ev: Evaluator, owner: Definition, attr: str, node: ast.expr, scope: Scope) -> Any | None:
    """``obj.attr`` of a name bound to an instance of a class with the source; None when the class does not
    define ``attr`` as an instance attribute or property (the caller goes on as before)."""
    instance = instance_of(ev, owner)
    if instance is None or not _defines(ev, instance, attr):
        return None
    return _guarded(ev, lambda: attribute(ev, instance, attr, node, 0), node, scope.module)


def _guarded(ev: Evaluator, compute: Any, node: ast.expr, module: Module) -> Any:
    try:
        return settled(ev, compute(), node, module)
    except _Stop as stop:
        return explained(ev, stop.opaque, node, module)


def explained(ev: Evaluator, why: Opaque, node: ast.expr, module: Module) -> Opaque:
    """The expression at its use, unknown because of ``why`` (where the value's code stops being readable)."""
    here = ev.opaque(node, module)
    if why.file is None or why.source == here.source:
        return here
    from pathlib import Path

    return Opaque(f"{here.source} ({why.source} at {Path(why.file).name}:{why.line})", here.file, here.line)


# -- the object behind a module -------------------------------------------------------------------------
def _replacing_object(ev: Evaluator, module: Module) -> Definition | None:
    """The module-level instance a PEP 562 ``__getattr__`` forwards to, or ``sys.modules[__name__] = OBJ``."""
    for stmt in module.tree.body:
        name = None
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__getattr__" and len(stmt.args.args) == 1:
            body = [s for s in stmt.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            call = body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
            if isinstance(call, ast.Call) and dotted_name(call.func) == "getattr" and len(call.args) == 2 \
                    and isinstance(call.args[0], ast.Name) and isinstance(call.args[1], ast.Name) \
                    and call.args[1].id == stmt.args.args[0].arg:
                name = call.args[0].id
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
                and dotted_name(stmt.targets[0].value) == "sys.modules" \
                and isinstance(stmt.targets[0].slice, ast.Name) and stmt.targets[0].slice.id == "__name__" \
                and isinstance(stmt.value, ast.Name):
            name = stmt.value.id
        if name is not None:
            found = ev.finder.resolve(module, name)
            return found if isinstance(found, Definition) and isinstance(found.value, ast.Call) else None
    return None


def instance_of(ev: Evaluator, holder: Definition) -> Instance | None:
    """The instance ``holder`` (``x = Cls(args)``) is bound to, its ``__init__`` followed; None when it is not
    an instance of a class whose source is read."""
    cache = ev.objects.setdefault("instances", {})
    if holder.path in cache:
        return cache[holder.path]
    cache[holder.path] = None
    call = holder.value
    if not isinstance(call, ast.Call) or any(isinstance(a, ast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    from .values import Scope

    scope = Scope(holder.module)
    cls = ev.resolve(call.func, scope)
    if not isinstance(cls, Definition) or not isinstance(cls.node, ast.ClassDef) or cls.path.startswith("django."):
        return None
    instance = Instance(cls, unstable=_set_elsewhere(ev, cls))
    init = ev.finder.class_attribute(cls, "__init__")
    if isinstance(init, Definition) and isinstance(init.node, ast.FunctionDef):
        args = [ev.value(a, scope) for a in call.args]
        kwargs = {k.arg: ev.value(k.value, scope) for k in call.keywords if k.arg}
        try:
            frame = _bind(ev, init, args, kwargs, instance, 0)
        except _Stop:
            return None
        for stmt in init.node.body:  # what __init__ assigns to self at its top level
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _self_attr(stmt.targets[0]):
                try:
                    value = expr(ev, stmt.value, frame)
                except _Stop as stop:
                    value = stop.opaque
                except MgenError as e:  # an attribute nobody may read: unknown, refused only when read
                    value = Opaque(str(e), e.file, e.line)
                instance.attrs[stmt.targets[0].attr] = value  # type: ignore[attr-defined]
    cache[holder.path] = instance
    return instance


def _self_attr(target: ast.expr) -> bool:
    return isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"


def _set_elsewhere(ev: Evaluator, cls: Definition) -> set[str]:
    """Attributes some method assigns to ``self`` other than at ``__init__``'s top level."""
    out: set[str] = set()
    for c in [cls, *ev.finder.ancestor_classes(cls)]:
        for item in c.node.body:  # type: ignore[attr-defined]
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            top = {id(s.targets[0]) for s in item.body if isinstance(s, ast.Assign) and len(s.targets) == 1} \
                if item.name == "__init__" else set()
            for node in ast.walk(item):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _self_attr(node) \
                        and id(node) not in top:
                    out.add(node.attr)
    return out


def _defines(ev: Evaluator, instance: Instance, attr: str) -> bool:
    if attr in instance.attrs or attr in instance.unstable:
        return True
    member = ev.finder.class_attribute(instance.cls, attr)
    return isinstance(member, Definition) and isinstance(member.node, ast.FunctionDef) and _is_property(member.node)


def _is_property(func: ast.FunctionDef) -> bool:
    return any((dotted_name(d) or "").rpartition(".")[2] in _PROPERTIES for d in func.decorator_list)


def attribute(ev: Evaluator, instance: Instance, attr: str, node: ast.expr, depth: int) -> Any:
    """``instance.attr``: an instance attribute, a property's value, a bound method or a class attribute."""
    module = instance.cls.module
    if attr in instance.unstable:
        raise _Stop(Opaque(f"self.{attr} (set by a method)", str(module.path), getattr(node, "lineno", None)))
    if attr in instance.attrs:
        return instance.attrs[attr]
    member = ev.finder.class_attribute(instance.cls, attr)
    if not isinstance(member, Definition):
        raise _Stop(ev.opaque(node, module))
    if isinstance(member.node, ast.FunctionDef):
        if _is_property(member.node):
            return call_function(ev, member, [], {}, instance, depth + 1, node)
        return Bound(instance, member)
    from .values import Scope

    return ev.resolved_value(member, node, Scope(member.module))


# -- functions ----------------------------------------------------------------------------------------
def call_function(ev: Evaluator, func: Definition, args: list, kwargs: dict, instance: Instance | None,
                  depth: int, node: ast.AST) -> Any:
    """The value a function returns, its body followed (see the module's docstring)."""
    assert isinstance(func.node, ast.FunctionDef)
    if depth > MAX_DEPTH:
        raise _Stop(Opaque(f"{func.path}() (calls nested deeper than {MAX_DEPTH})", str(func.module.path),
                           func.node.lineno))
    frame = _bind(ev, func, args, kwargs, instance, depth)
    return _body(ev, func.node.body, frame)


def _bind(ev: Evaluator, func: Definition, args: list, kwargs: dict, instance: Instance | None,
          depth: int) -> Frame:
    fn = func.node
    assert isinstance(fn, ast.FunctionDef)
    stop = _Stop(Opaque(f"{func.path}(): its arguments", str(func.module.path), fn.lineno))
    params = [*fn.args.posonlyargs, *fn.args.args]
    if fn.args.vararg or fn.args.kwarg:
        raise stop
    if instance is not None:
        if not params:
            raise stop
        args = [instance, *args]
    return Frame(func.module, _parameters(ev, params, fn.args, args, kwargs, func.module, stop), depth)


def _parameters(ev: Evaluator, params: list[ast.arg], spec: ast.arguments, args: list, kwargs: dict,
                module: Module, stop: _Stop) -> dict[str, Any]:
    from .values import Scope

    if len(args) > len(params) or spec.kwonlyargs:
        raise stop
    names: dict[str, Any] = {}
    defaults = dict(zip([p.arg for p in params][len(params) - len(spec.defaults):], spec.defaults))
    for i, param in enumerate(params):
        if i < len(args):
            names[param.arg] = args[i]
        elif param.arg in kwargs:
            names[param.arg] = kwargs.pop(param.arg)
        elif param.arg in defaults:
            names[param.arg] = ev.value(defaults[param.arg], Scope(module))
        else:
            raise stop
    if kwargs:
        raise stop
    return names


def _body(ev: Evaluator, body: list[ast.stmt], frame: Frame) -> Any:
    for stmt in body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) or isinstance(stmt, (ast.Assert,
                                                                                                   ast.Pass)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and _called_path(
                ev, stmt.value, frame) in _HARMLESS:
            continue
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            _local_import(ev, stmt, frame)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and isinstance(
                target := stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target, ast.Name) \
                and (isinstance(stmt, ast.AnnAssign) or len(stmt.targets) == 1):
            frame.names[target.id] = expr(ev, stmt.value, frame)
        elif isinstance(stmt, ast.If):
            test = _plain(expr(ev, stmt.test, frame))
            if not isinstance(test, (str, int, float, bool, bytes, type(None), tuple, list, dict, set, frozenset)) \
                    and not _internal(test):
                raise _Stop(Opaque(ast.unparse(stmt.test), str(frame.module.path), stmt.lineno))
            result = _Returned.of(ev, stmt.body if _internal(test) or test else stmt.orelse, frame)
            if result is not None:
                return result.value
        elif isinstance(stmt, ast.Return):
            return None if stmt.value is None else expr(ev, stmt.value, frame)
        else:
            raise _Stop(Opaque(ast.unparse(stmt).split("\n")[0], str(frame.module.path), stmt.lineno))
    return _FELL_OFF


_FELL_OFF = object()


@dataclass
class _Returned:
    value: Any

    @classmethod
    def of(cls, ev: Evaluator, body: list[ast.stmt], frame: Frame) -> _Returned | None:
        value = _body(ev, body, frame)
        return None if value is _FELL_OFF else cls(value)


def _local_import(ev: Evaluator, stmt: ast.Import | ast.ImportFrom, frame: Frame) -> None:
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            path = alias.name if alias.asname else alias.name.split(".")[0]
            frame.names[alias.asname or path] = Ref(path)
        return
    base = absolute(frame.module, stmt)
    for alias in stmt.names:
        if alias.name == "*":
            raise _Stop(Opaque(ast.unparse(stmt), str(frame.module.path), stmt.lineno))
        frame.names[alias.asname or alias.name] = _path_value(ev, f"{base}.{alias.name}", stmt, frame.module)


def _path_value(ev: Evaluator, path: str, node: ast.AST, module: Module) -> Any:
    from .values import Scope

    if path == SETTINGS_PATH:
        return Ref(SETTINGS_PATH)
    found = ev.resolve_path(path)
    if found is None:
        raise _Stop(Opaque(path, str(module.path), getattr(node, "lineno", None)))
    if isinstance(found, ModuleRef):
        return Ref(found.module.name)
    if isinstance(found, External):
        return Ref(found.path)
    if not isinstance(found, Definition):
        raise _Stop(Opaque(path, str(module.path), getattr(node, "lineno", None)))
    if found.value is not None and isinstance(found.value, ast.Call):
        instance = instance_of(ev, found)
        if instance is not None:
            return instance
    return ev.resolved_value(found, node, Scope(found.module))  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Setting) else value


# -- expressions inside a function ------------------------------------------------------------------------
def _local_head(node: ast.expr, frame: Frame) -> bool:
    dotted = dotted_name(node)
    return dotted is not None and dotted.partition(".")[0] in frame.names


def expr(ev: Evaluator, node: ast.expr, frame: Frame) -> Any:
    from .values import Scope

    scope = Scope(frame.module)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Lambda):
        return Closure(node, frame)
    if isinstance(node, ast.Name):
        if node.id in frame.names:
            return frame.names[node.id]
        return _module_name(ev, node, scope)
    if isinstance(node, ast.Attribute):
        if not _local_head(node, frame) and not isinstance(node.value, (ast.Call, ast.Subscript)):
            return _module_name(ev, node, scope)
        return _attribute_of(ev, expr(ev, node.value, frame), node, frame)
    if isinstance(node, ast.Call):
        return _call(ev, node, frame)
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.IfExp, ast.Subscript, ast.Tuple,
                         ast.List, ast.Set, ast.Dict)):
        return ev.value(_substituted(ev, node, frame), scope)
    raise _Stop(ev.opaque(node, frame.module))


def _module_name(ev: Evaluator, node: ast.Name | ast.Attribute, scope: Scope) -> Any:
    target = ev.resolve(node, scope)
    if isinstance(target, Definition) and target.path == SETTINGS_PATH:
        return Ref(SETTINGS_PATH)
    if isinstance(target, Definition) and isinstance(target.value, ast.Call):
        instance = instance_of(ev, target)
        if instance is not None:
            return instance
    return ev.value(node, scope)


def _substituted(ev: Evaluator, node: ast.expr, frame: Frame) -> ast.expr:
    """A copy of ``node`` whose operands are constants holding their values (the Evaluator then computes
    the operator on them as it does on literals)."""
    new = copy.copy(node)
    for name, value in ast.iter_fields(node):
        if isinstance(value, (ast.expr_context, ast.operator)) or name in ("ops", "func"):
            continue  # a call's function is resolved by the Evaluator in the module
        if name == "keywords":
            setattr(new, name, [ast.keyword(arg=k.arg, value=_constant(expr(ev, k.value, frame), k.value))
                                for k in value])
        elif isinstance(value, ast.expr):
            setattr(new, name, _constant(expr(ev, value, frame), value))
        elif isinstance(value, list):
            setattr(new, name, [_constant(expr(ev, v, frame), v) if isinstance(v, ast.expr) else v for v in value])
    return new


def _constant(value: Any, like: ast.expr) -> ast.Constant:
    return ast.copy_location(ast.Constant(value=value), like)


def _attribute_of(ev: Evaluator, owner: Any, node: ast.Attribute, frame: Frame) -> Any:
    if isinstance(owner, Instance):
        return attribute(ev, owner, node.attr, node, frame.depth)
    if isinstance(owner, Ref) and owner.path == SETTINGS_PATH:
        return read_setting(ev, node.attr, node, frame.module)
    if isinstance(owner, Ref):
        return _path_value(ev, f"{owner.path}.{node.attr}", node, frame.module)
    raise _Stop(ev.opaque(node, frame.module))


def read_setting(ev: Evaluator, name: str, node: ast.AST, module: Module) -> Any:
    """``settings.NAME``: the project's value, a swappable model's default, else unknown."""
    ev.settings_read.add(name)
    if name in ev.settings:
        return Setting(name, ev.settings[name])
    default = swapper_default(ev, name)
    if default is not None:
        return Setting(name, default)
    raise _Stop(Opaque(f"settings.{name}", str(module.path), getattr(node, "lineno", None)))


def _called_path(ev: Evaluator, node: ast.Call, frame: Frame) -> str | None:
    if _local_head(node.func, frame):
        return None
    from .values import Scope

    target = ev.resolve(node.func, Scope(frame.module))
    return target.path if isinstance(target, (Definition, External)) else None


def _call(ev: Evaluator, node: ast.Call, frame: Frame) -> Any:
    from .values import Scope

    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        raise _Stop(ev.opaque(node, frame.module))
    func = node.func
    builtin = func.id if isinstance(func, ast.Name) and func.id not in frame.names and _called_path(
        ev, node, frame) in (None, f"builtins.{func.id}") else None
    if builtin in ("getattr", "hasattr", "callable"):
        args = [expr(ev, a, frame) for a in node.args]
        return _builtin(ev, builtin, args, node, frame)
    if isinstance(func, ast.Attribute) and (_local_head(func, frame) or isinstance(func.value, ast.Call)):
        owner = expr(ev, func.value, frame)
        if isinstance(_plain(owner), str) and func.attr in _STR_METHODS and not node.args and not node.keywords:
            return getattr(_plain(owner), func.attr)()
        function = _attribute_of(ev, owner, func, frame)
    elif isinstance(func, ast.Name) and func.id in frame.names:
        function = frame.names[func.id]
    else:
        path = _called_path(ev, node, frame)
        target = ev.resolve_path(path) if path and not _library_call(path) else None
        if not (isinstance(target, Definition) and isinstance(target.node, ast.FunctionDef)):
            return ev.value(_substituted(ev, node, frame), Scope(frame.module))
        function = target
    args = [expr(ev, a, frame) for a in node.args]
    kwargs = {k.arg: expr(ev, k.value, frame) for k in node.keywords if k.arg}
    return _invoke(ev, function, args, kwargs, node, frame)


def _library_call(path: str) -> bool:
    """Calls the Evaluator answers itself (Django's, swapper's): never followed into their source."""
    from .conditions import IS_INSTALLED

    return path.startswith(("django.", "builtins.")) or path in SWAPPER or path in IS_INSTALLED


def _invoke(ev: Evaluator, function: Any, args: list, kwargs: dict, node: ast.Call, frame: Frame) -> Any:
    if isinstance(function, Closure):
        lam = function.node
        stop = _Stop(ev.opaque(node, frame.module))
        names = dict(function.frame.names)
        names.update(_parameters(ev, [*lam.args.posonlyargs, *lam.args.args], lam.args, args, dict(kwargs),
                                 function.frame.module, stop))
        return expr(ev, lam.body, Frame(function.frame.module, names, frame.depth + 1))
    if isinstance(function, Bound):
        return call_function(ev, function.func, args, kwargs, function.instance, frame.depth + 1, node)
    if isinstance(function, Ref):
        function = ev.resolve_path(function.path)
    if isinstance(function, Definition) and isinstance(function.node, ast.FunctionDef):
        return call_function(ev, function, args, kwargs, None, frame.depth + 1, node)
    raise _Stop(ev.opaque(node, frame.module))


def _builtin(ev: Evaluator, name: str, args: list, node: ast.Call, frame: Frame) -> Any:
    if name == "callable" and len(args) == 1 or name == "hasattr" and len(args) == 2 and args[1] == "__call__":
        value = _plain(args[0])
        if isinstance(value, (Closure, Bound)):
            return True
        if isinstance(value, Ref):
            target = ev.resolve_path(value.path)
            if isinstance(target, Definition) and isinstance(target.node, (ast.FunctionDef, ast.ClassDef)):
                return True
        if isinstance(value, (str, int, float, bool, bytes, type(None), list, tuple, dict)):
            return False
    elif name == "getattr" and len(args) in (2, 3) and isinstance(args[1], str):
        owner = args[0]
        if isinstance(owner, Ref) and owner.path == SETTINGS_PATH:
            return setting_or_default(ev, args[1], args[2:], node, frame.module)
        if isinstance(owner, Instance) and (len(args) == 2 or _defines(ev, owner, args[1])):
            return attribute(ev, owner, args[1], node, frame.depth)
    raise _Stop(ev.opaque(node, frame.module))


def setting_or_default(ev: Evaluator, name: str, default: list, node: ast.AST, module: Module) -> Any:
    """``getattr(settings, NAME[, default])``: the project's value; the default only when the settings module
    assigns no ``NAME`` at all; unknown otherwise."""
    ev.settings_read.add(name)
    if name in ev.settings:
        return Setting(name, ev.settings[name])
    assigned = ev.assigned()
    if default and assigned is not None and name not in assigned:
        return default[0]
    raise _Stop(Opaque(f"settings.{name}", str(module.path), getattr(node, "lineno", None)))


# -- an app's settings module ------------------------------------------------------------------------------
class _AppSettingsInterpreter(Interpreter):
    """The settings evaluator on an app's settings module: ``django.conf.settings`` is the project's."""

    def __init__(self, ev: Evaluator):
        super().__init__(ev.finder)
        self.ev = ev

    def _attribute(self, node: ast.Attribute, ns: dict[str, Any]) -> Any:
        owner = self.value(node.value, ns)
        if isinstance(owner, Ref) and owner.path == SETTINGS_PATH:
            return self._read(lambda: read_setting(self.ev, node.attr, node, self._module))
        return super()._attribute(node, ns)

    def _call(self, node: ast.Call, ns: dict[str, Any]) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id == "getattr" and "getattr" not in ns \
                and len(node.args) in (2, 3) and not node.keywords:
            owner = self.value(node.args[0], ns)
            name = self.value(node.args[1], ns)
            if isinstance(owner, Ref) and owner.path == SETTINGS_PATH and isinstance(name, str):
                default = [self.value(a, ns) for a in node.args[2:]]
                return self._read(lambda: setting_or_default(self.ev, name, default, node, self._module))
        return super()._call(node, ns)

    def _read(self, compute: Any) -> Any:
        try:
            return _plain(compute())
        except _Stop as stop:
            return stop.opaque


def app_module_value(ev: Evaluator, module: Module, attr: str, node: ast.expr, scope: Scope) -> Any:
    """``module.attr`` where the module binds ``attr`` in an ``if`` (or otherwise not plainly): the module's
    statements run by the settings evaluator, reading the project's settings."""
    if not _reads_settings(module) or not any(isinstance(n, ast.Name) and n.id == attr and isinstance(
            n.ctx, ast.Store) for n in ast.walk(module.tree)):
        return ev.opaque(node, scope.module)
    cache = ev.objects.setdefault("modules", {})
    if module.name not in cache:
        try:
            cache[module.name] = _AppSettingsInterpreter(ev).run_module(module)
        except MgenError as e:  # (more statements than the evaluator runs)
            cache[module.name] = {}
            return Opaque(f"{ast.unparse(node)} ({e})", e.file, e.line)
    value = cache[module.name].get(attr, ev.opaque(node, scope.module))
    if isinstance(value, ModuleValue):
        return Ref(value.name)
    if isinstance(value, Ref) or is_known(value):
        return value
    unknown = first_unknown(value)
    if isinstance(unknown, Opaque):
        return explained(ev, unknown, node, scope.module)
    return ev.opaque(node, scope.module)


def _reads_settings(module: Module) -> bool:
    """Whether the module imports Django's settings at its top level (an app's settings module does)."""
    return any(isinstance(s, ast.ImportFrom) and s.module == "django.conf" and any(a.name == "settings"
                                                                                  for a in s.names)
               for s in module.tree.body)


# -- swapper ---------------------------------------------------------------------------------------------
def swapper_call(ev: Evaluator, path: str, args: tuple, kwargs: dict, node: ast.Call, scope: Scope) -> Any:
    """What ``swapper.<function>(...)`` returns (its source is small and fixed; see the module's docstring)."""
    values = [_plain(a) for a in args]
    if path == "swapper.split" and len(values) == 1 and isinstance(values[0], str) and not kwargs:
        label, _, model = values[0].rpartition(".")
        return (label, model)
    version = kwargs.pop("version", values.pop(2) if path == "swapper.dependency" and len(values) == 3 else None)
    if kwargs or len(values) != 2 or not all(isinstance(v, str) for v in values):
        return ev.opaque(node, scope.module)
    label, model = values
    joined = f"{label}.{model}"
    if path == "swapper.join":
        return joined
    setting = swappable_setting(ev, label, model)
    if path == "swapper.swappable_setting":
        return setting
    ev.settings_read.add(setting)
    value = ev.settings.get(setting, joined)
    if not isinstance(value, str):
        return ev.opaque(node, scope.module)
    swapped = value if value != joined else False
    if path == "swapper.is_swapped":
        return swapped
    name = swapped or joined
    if path == "swapper.get_model_name":
        return name
    if path == "swapper.dependency":
        return (name.split(".", 1)[0], version) if version else (name.split(".", 1)[0], "__first__")
    return ev.opaque(node, scope.module)


def swappable_setting(ev: Evaluator, label: str, model: str) -> str:
    prefix = swapper_prefixes(ev).get(label, label)
    return f"{prefix.upper()}_{model.upper()}_MODEL"


def swapper_default(ev: Evaluator, name: str) -> str | None:
    """The model a swappable setting the project does not set stands for: ``swappable_setting`` (in a
    model's Meta) sets it to its own model. None when no installed app declares it, or the project's
    settings assign it something unknown."""
    if name in ev.unknown_settings:
        return None
    return swapper_models(ev).get(name)


def _app_model_modules(ev: Evaluator) -> list[Module]:
    """The models modules (``models.py``, ``models/*.py``) of the installed apps."""
    installed = ev.settings.get("INSTALLED_APPS")
    out: list[Module] = []
    for entry in installed if isinstance(installed, (list, tuple)) else ():
        if not isinstance(entry, str):
            continue
        package = ev.finder.module(entry) or ev.finder.module(entry.partition(".apps.")[0])
        if package is None or not package.is_package:
            continue
        folder = package.path.parent
        files = [folder / "models.py", *sorted((folder / "models").glob("*.py"))]
        for path in files:
            if path.is_file() and "swapper" in path.read_text(encoding="utf-8", errors="replace"):
                out.append(ev.finder.module_at(path))
    return out


def _swapper_calls(ev: Evaluator, name: str) -> list[tuple[str, ...]]:
    cache = ev.objects.setdefault("swapper", {})
    if name not in cache:
        calls: list[tuple[str, ...]] = []
        for module in _app_model_modules(ev):
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call) and (dotted_name(node.func) or "").endswith(name) \
                        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args) \
                        and not node.keywords:
                    from .conditions import spelled_path

                    if spelled_path(node.func, module) == f"swapper.{name}":
                        calls.append(tuple(a.value for a in node.args))  # type: ignore[attr-defined]
        cache[name] = calls
    return cache[name]


def swapper_prefixes(ev: Evaluator) -> dict[str, str]:
    out: dict[str, str] = {}
    for label, prefix in (c for c in _swapper_calls(ev, "set_app_prefix") if len(c) == 2):
        out[label] = prefix
    return out


def swapper_models(ev: Evaluator) -> dict[str, str]:
    return {swappable_setting(ev, label, model): f"{label}.{model}"
            for label, model in (c for c in _swapper_calls(ev, "swappable_setting") if len(c) == 2)}
