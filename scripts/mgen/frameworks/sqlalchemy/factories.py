"""Columns and types made by a function of the project, read as the call the function returns.

``id = primary_key("DataSource")`` with ``def primary_key(name): key_type, kwargs = key_definitions[name];
return Column(key_type, primary_key=True, **kwargs)``: the function's body is evaluated on its arguments
as far as plain Python goes, and its ``return`` becomes a ``Column(...)`` / type call written in the
function's module, which the column and type readers read as if it were written there. What is evaluated:
constants, tuples, lists and dicts of them, expressions of SQLAlchemy (kept as written, read later in their
module), names bound at module level (their value evaluated where they are bound), subscripts, tuple
unpacking, calls of other such functions, ``collections.defaultdict(lambda: value)`` with ``.update({...})``,
and ``importlib.import_module(os.environ.get("VAR", "default.module"))`` (the default, with a note naming
the variable). A statement or value outside that is ``Unknown``: the caller's refusal says why, file:line.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from ..pyast import (
    AttributeRef,
    ClassRef,
    External,
    FunctionRef,
    LocalRef,
    Module,
    ModuleRef,
    Unknown,
    ValueRef,
    text_of,
)
from .reader import ConstructReader, Scope

_MAX_DEPTH = 24


@dataclass(frozen=True)
class Expr:
    """An expression kept as written, to be read in its module (``db.Integer``, ``db.String(255)``)."""

    node: ast.expr
    module: Module


@dataclass
class DefaultDict:
    default: Any
    items: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Function:
    ref: FunctionRef


@dataclass(frozen=True)
class ModuleValue:
    module: Module


class _Stop(Exception):
    def __init__(self, node: ast.AST | None, module: Module, why: str):
        super().__init__(why)
        self.unknown = Unknown(node, module.path, why)


def factory_call(reader: ConstructReader, call: ast.Call, scope: Scope) -> tuple[ast.Call, Scope] | Unknown:
    """The call a project function returns for ``call`` (its arguments bound), in the function's module."""
    try:
        ev = _Evaluator(reader)
        func = ev.value(call.func, scope.module, {}, 0)
        if not isinstance(func, Function):
            return Unknown(call, scope.path, f"{text_of(call.func)} is not a function of the project")
        args, kwargs = ev.arguments(call, scope.module, {}, 0)
        made = ev.function(func.ref, args, kwargs, call, 0, returns_call=True)
        assert isinstance(made, tuple)
        return made
    except _Stop as e:
        return e.unknown
    except (TypeError, ValueError) as e:  # an unhashable key, a value of the wrong kind: not plain enough
        return Unknown(call, scope.path, f"{text_of(call)}: {e}")


def factory_value(reader: ConstructReader, call: ast.Call, scope: Scope) -> tuple[ast.expr, Scope] | Unknown:
    """The expression a project function returns for ``call`` (``key_type("User")`` -> ``db.Integer``), in
    its module."""
    try:
        ev = _Evaluator(reader)
        value = ev.value(call, scope.module, {}, 0)
    except _Stop as e:
        return e.unknown
    except (TypeError, ValueError) as e:
        return Unknown(call, scope.path, f"{text_of(call)}: {e}")
    if isinstance(value, Expr):
        return value.node, Scope(value.module)
    return Unknown(call, scope.path, f"{text_of(call)} returns no expression read statically")


class _Evaluator:
    def __init__(self, reader: ConstructReader):
        self.reader = reader

    def arguments(self, call: ast.Call, module: Module, local: dict, depth: int) -> tuple[list, dict]:
        args, kwargs = [], {}
        for a in call.args:
            if isinstance(a, ast.Starred):
                value = self.value(a.value, module, local, depth + 1)
                if not isinstance(value, (tuple, list)):
                    raise _Stop(a, module, f"*{text_of(a.value)} is not a sequence known statically")
                args.extend(value)
            else:
                args.append(self.value(a, module, local, depth + 1))
        for k in call.keywords:
            value = self.value(k.value, module, local, depth + 1)
            if k.arg is None:
                if not isinstance(value, dict) or not all(isinstance(x, str) for x in value):
                    raise _Stop(k.value, module, f"**{text_of(k.value)} is not a dict known statically")
                kwargs.update(value)
            else:
                kwargs[k.arg] = value
        return args, kwargs

    def function(self, ref: FunctionRef, args: list, kwargs: dict, node: ast.AST, depth: int,
                 returns_call: bool = False) -> Any:
        func, module = ref.node, ref.module
        if depth > _MAX_DEPTH:
            raise _Stop(node, module, "the computation is too deep to read")
        params = [a.arg for a in func.args.posonlyargs + func.args.args]
        if func.args.vararg or func.args.kwarg or func.args.kwonlyargs or func.decorator_list or \
                len(args) > len(params) or isinstance(func, ast.AsyncFunctionDef):
            raise _Stop(func, module, f"{ref.qualname} is not a plain function of its arguments")
        local: dict[str, Any] = dict(zip(params, args))
        local.update(kwargs)
        defaults = func.args.defaults
        for name, default in zip(params[len(params) - len(defaults):], defaults):
            local.setdefault(name, self.value(default, module, {}, depth + 1))
        if set(params) - set(local) or set(local) - set(params):
            raise _Stop(node, module, f"{ref.qualname}: the arguments do not match its parameters")
        body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                self.assign(stmt.targets[0], self.value(stmt.value, module, local, depth + 1), module, local)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(
                    stmt.value.func, ast.Attribute) and stmt.value.func.attr == "update" and isinstance(
                    stmt.value.func.value, ast.Name) and stmt.value.func.value.id in local and not stmt.value.keywords:
                self.update(local[stmt.value.func.value.id], stmt.value, module, local, depth)
            elif isinstance(stmt, ast.Return) and stmt is body[-1] and stmt.value is not None:
                if returns_call:
                    return self.returned_call(stmt.value, module, local, depth)
                return self.value(stmt.value, module, local, depth + 1)
            else:
                raise _Stop(stmt, module, f"{ref.qualname}: a {type(stmt).__name__.lower()} statement is not read "
                            "(assignments, .update({...}) and one final return are)")
        raise _Stop(func, module, f"{ref.qualname} returns nothing that is read")

    def returned_call(self, node: ast.expr, module: Module, local: dict, depth: int) -> tuple[ast.Call, Scope]:
        """``return Column(...)``: the call with the function's locals replaced by what they are."""
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)) or \
                _uses(node.func, local):
            raise _Stop(node, module, f"{text_of(node)} is not a call read statically")
        args, kwargs = self.arguments(node, module, local, depth)
        call = ast.Call(func=node.func, args=[self.expression(a, node, module) for a in args],
                        keywords=[ast.keyword(arg=k, value=self.expression(v, node, module)) for k, v in kwargs.items()])
        return ast.fix_missing_locations(ast.copy_location(call, node)), Scope(module)

    def expression(self, value: Any, node: ast.AST, module: Module) -> ast.expr:
        """A value as an expression of ``module``."""
        if isinstance(value, Expr):
            if value.module != module:
                raise _Stop(node, module, f"{text_of(value.node)} comes from {value.module.name}, not the module of "
                            "the call that uses it")
            return value.node
        if value is None or isinstance(value, (str, int, float, bool)):
            return ast.copy_location(ast.Constant(value), node)
        if isinstance(value, (tuple, list)):
            items = [self.expression(v, node, module) for v in value]
            return ast.copy_location((ast.Tuple if isinstance(value, tuple) else ast.List)(elts=items, ctx=ast.Load()),
                                     node)
        raise _Stop(node, module, f"a value made by the function ({type(value).__name__}) is not an expression")

    def assign(self, target: ast.expr, value: Any, module: Module, local: dict) -> None:
        if isinstance(target, ast.Name):
            local[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(t, ast.Name) for t in target.elts):
            if not isinstance(value, (tuple, list)) or len(value) != len(target.elts):
                raise _Stop(target, module, f"{text_of(target)}: the value does not unpack into it")
            for t, v in zip(target.elts, value):
                local[t.id] = v  # type: ignore[attr-defined]
        else:
            raise _Stop(target, module, f"assignment to {text_of(target)} is not read")

    def update(self, target: Any, call: ast.Call, module: Module, local: dict, depth: int) -> None:
        items = self.value(call.args[0], module, local, depth + 1) if len(call.args) == 1 else None
        if not isinstance(items, dict):
            raise _Stop(call, module, f"{text_of(call)}: only .update() of a dict known statically is read")
        if isinstance(target, DefaultDict):
            target.items.update(items)
        elif isinstance(target, dict):
            target.update(items)
        else:
            raise _Stop(call, module, f"{text_of(call)}: not a dict")

    def value(self, node: ast.expr, module: Module, local: dict, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise _Stop(node, module, "the computation is too deep to read")
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name) and node.id in local:
            return local[node.id]
        if isinstance(node, (ast.Tuple, ast.List)):
            items = [self.value(e, module, local, depth + 1) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):
                raise _Stop(node, module, f"{text_of(node)}: ** in a dict is not read")
            return {self.value(k, module, local, depth + 1): self.value(v, module, local, depth + 1)  # type: ignore[arg-type]
                    for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.Subscript):
            return self.subscript(node, module, local, depth)
        if isinstance(node, ast.Call):
            return self.call(node, module, local, depth)
        if isinstance(node, (ast.Name, ast.Attribute)):
            if _uses(node, local):
                base = self.value(node.value, module, local, depth + 1) if isinstance(node, ast.Attribute) else None
                if isinstance(base, ModuleValue):
                    return self.ref(self.reader.project.lookup(base.module, node.attr, node=node), node, module, depth)
                raise _Stop(node, module, f"{text_of(node)} is not read")
            return self.ref(self.reader.resolve(node, Scope(module)), node, module, depth)
        raise _Stop(node, module, f"{text_of(node)} is not read")

    def ref(self, ref: Any, node: ast.expr, module: Module, depth: int) -> Any:
        if isinstance(ref, AttributeRef):
            of = self.ref(ref.of, node, module, depth + 1)
            if isinstance(of, ModuleValue):
                return self.ref(self.reader.project.lookup(of.module, ref.name, node=node), node, module, depth + 1)
            if isinstance(of, Expr):
                return Expr(node, module)
            raise _Stop(node, module, f"{text_of(node)} is not read")
        if isinstance(ref, ValueRef):
            return self.value(ref.node, ref.module, {}, depth + 1)
        if isinstance(ref, FunctionRef):
            return Function(ref)
        if isinstance(ref, ModuleRef):
            return ModuleValue(ref.module)
        if isinstance(ref, (External, ClassRef)):
            return Expr(node, module)
        if isinstance(ref, LocalRef):
            raise _Stop(node, module, f"{text_of(node)} is a name of a class body")
        why = ref.why if isinstance(ref, Unknown) else f"{text_of(node)} is not read"
        raise _Stop(node, module, why)

    def subscript(self, node: ast.Subscript, module: Module, local: dict, depth: int) -> Any:
        of = self.value(node.value, module, local, depth + 1)
        key = self.value(node.slice, module, local, depth + 1)
        if isinstance(of, DefaultDict):
            return of.items.get(key, of.default)
        if isinstance(of, dict) and key in of:
            return of[key]
        if isinstance(of, (tuple, list)) and isinstance(key, int) and -len(of) <= key < len(of):
            return of[key]
        raise _Stop(node, module, f"{text_of(node)} is not known statically")

    def call(self, node: ast.Call, module: Module, local: dict, depth: int) -> Any:
        if not isinstance(node.func, (ast.Name, ast.Attribute)):
            raise _Stop(node, module, f"{text_of(node)} is not read")
        func = self.value(node.func, module, local, depth + 1)
        if isinstance(func, Function):
            args, kwargs = self.arguments(node, module, local, depth)
            return self.function(func.ref, args, kwargs, node, depth + 1)
        if isinstance(func, Expr):
            qualname = self.reader.project.qualname(module, node.func)
            if qualname == "collections.defaultdict":
                return self.defaultdict(node, module, local, depth)
            if qualname == "importlib.import_module" and len(node.args) == 1 and not node.keywords:
                return self.import_module(node, module, local, depth)
            if _uses(node, local):
                raise _Stop(node, module, f"{text_of(node)}: a call on the function's own values is not read")
            return Expr(node, module)
        raise _Stop(node, module, f"{text_of(node)} is not read")

    def defaultdict(self, node: ast.Call, module: Module, local: dict, depth: int) -> DefaultDict:
        factory = node.args[0] if len(node.args) == 1 and not node.keywords else None
        if not isinstance(factory, ast.Lambda) or factory.args.args or factory.args.vararg or factory.args.kwarg:
            raise _Stop(node, module, f"{text_of(node)}: defaultdict(lambda: value) is read")
        return DefaultDict(self.value(factory.body, module, local, depth + 1))

    def import_module(self, node: ast.Call, module: Module, local: dict, depth: int) -> ModuleValue:
        arg = node.args[0]
        name = arg.value if isinstance(arg, ast.Constant) else None
        if isinstance(arg, ast.Call) and self.reader.project.qualname(module, arg.func) in (
                "os.environ.get", "os.getenv") and len(arg.args) == 2 and not arg.keywords and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in arg.args):
            name = arg.args[1].value  # type: ignore[attr-defined]
            if not any(n.line == node.lineno and n.file == str(module.path) for n in self.reader.notes):
                self.reader.note(f"{text_of(node)}: the module {name!r} (the environment variable "
                                 f"{arg.args[0].value} would choose another)", node, Scope(module))  # type: ignore[attr-defined]
        found = self.reader.project.module(name) if isinstance(name, str) else None
        if found is None:
            raise _Stop(node, module, f"{text_of(node)}: the module it imports is not known statically")
        return ModuleValue(found)


def _uses(node: ast.AST, local: dict) -> bool:
    return any(isinstance(n, ast.Name) and n.id in local for n in ast.walk(node))


__all__ = ["factory_call", "factory_value"]
