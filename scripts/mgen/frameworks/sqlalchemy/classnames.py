"""Strings computed from a mapped class's name, read statically: what a ``declared_attr`` makes of
``cls.__name__`` (a ``__tablename__``, a constraint name in a column it returns).

``class_name_value`` evaluates an expression in which ``cls.__name__`` is the class's name: constants,
``+`` and ``%`` on strings, f-strings, the pure ``str`` methods (``lower``, ``replace``, ``format``, ...),
``re.sub`` with literal arguments, and calls of functions of the project whose body is plain assignments
and one ``return`` of such expressions (``resolve_table_name(cls.__name__)``), their arguments bound.
``with_class_name`` replaces each such sub-expression of a tree by its value, so the column readers see
constants. Anything else is ``Unknown``: the caller refuses the class.
"""
from __future__ import annotations

import ast
import copy
import re
from typing import Any

from ..pyast import External, FunctionRef, Unknown, text_of
from .reader import ConstructReader, Scope

_STR_METHODS = frozenset({"lower", "upper", "title", "capitalize", "casefold", "strip", "lstrip", "rstrip",
                          "replace", "format", "removeprefix", "removesuffix", "zfill", "swapcase"})
_MAX_DEPTH = 16


class _Evaluator:
    def __init__(self, reader: ConstructReader, class_name: str):
        self.reader = reader
        self.class_name = class_name

    def value(self, node: ast.expr, scope: Scope, names: dict[str, Any], depth: int = 0) -> Any:
        """The value of ``node``; ``names``: local names (the declared_attr's ``cls``, a function's
        parameters and assignments). ``_ClassArg`` stands for the class itself."""
        if depth > _MAX_DEPTH:
            return Unknown(node, scope.path, "the computation is too deep to read")
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name) and node.id in names:
            return names[node.id]
        if isinstance(node, ast.Attribute) and node.attr == "__name__":
            owner = self.value(node.value, scope, names, depth + 1)
            return self.class_name if isinstance(owner, _ClassArg) else Unknown(node, scope.path,
                                                                               f"{text_of(node)} is not read")
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            left = self.value(node.left, scope, names, depth + 1)
            right = self.value(node.right, scope, names, depth + 1)
            for v in (left, right):
                if isinstance(v, Unknown):
                    return v
            try:
                if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
                    return left + right
                if isinstance(node.op, ast.Mod) and isinstance(left, str) and isinstance(right, (str, int, tuple)):
                    return left % right
            except (TypeError, ValueError):
                pass
            return Unknown(node, scope.path, f"{text_of(node)} is not read")
        if isinstance(node, (ast.Tuple, ast.List)):
            items = [self.value(e, scope, names, depth + 1) for e in node.elts]
            bad = next((i for i in items if isinstance(i, Unknown)), None)
            return bad if bad is not None else tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.Constant):
                    parts.append(str(v.value))
                    continue
                if not isinstance(v, ast.FormattedValue) or v.format_spec is not None or v.conversion not in (-1, 115):
                    return Unknown(node, scope.path, f"{text_of(node)}: only plain {{}} fields are read")
                inner = self.value(v.value, scope, names, depth + 1)
                if isinstance(inner, Unknown):
                    return inner
                if isinstance(inner, _ClassArg):
                    return Unknown(node, scope.path, "the class itself is not a string (its __name__ is)")
                parts.append(str(inner))
            return "".join(parts)
        if isinstance(node, ast.Call):
            return self.call(node, scope, names, depth)
        if isinstance(node, (ast.Name, ast.Attribute)):
            value = self.reader.project.literal(scope.module, node)
            return value
        return Unknown(node, scope.path, f"{text_of(node)} is not read")

    def call(self, node: ast.Call, scope: Scope, names: dict[str, Any], depth: int) -> Any:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return Unknown(node, scope.path, f"{text_of(node)}: *args/**kwargs are not read")
        args = [self.value(a, scope, names, depth + 1) for a in node.args]
        kwargs = {k.arg: self.value(k.value, scope, names, depth + 1) for k in node.keywords}
        bad = next((v for v in [*args, *kwargs.values()] if isinstance(v, (Unknown, _ClassArg))), None)
        if isinstance(bad, Unknown):
            return bad
        if bad is not None:
            return Unknown(node, scope.path, f"{text_of(node)}: the class itself is passed, not its name")
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _STR_METHODS and not (
                isinstance(func.value, ast.Name) and func.value.id not in names and self._is_module(func.value, scope)):
            receiver = self.value(func.value, scope, names, depth + 1)
            if isinstance(receiver, str):
                try:
                    return getattr(receiver, func.attr)(*args, **kwargs)
                except (TypeError, ValueError, IndexError, KeyError) as e:
                    return Unknown(node, scope.path, f"{text_of(node)}: {e}")
            if isinstance(receiver, Unknown):
                return receiver
        if not isinstance(func, (ast.Name, ast.Attribute)) or (isinstance(func, ast.Name) and func.id in names):
            return Unknown(node, scope.path, f"{text_of(node)} is not read")
        ref = self.reader.resolve(func, scope)
        if isinstance(ref, External) and ref.qualname in ("re.sub", "re.subn") and not kwargs \
                and all(isinstance(a, (str, int)) for a in args) and 3 <= len(args) <= 4:
            try:
                return re.sub(*args)
            except re.error as e:
                return Unknown(node, scope.path, f"{text_of(node)}: {e}")
        if isinstance(ref, FunctionRef):
            return self.function(ref, args, kwargs, node, depth)
        return Unknown(node, scope.path, f"{text_of(node)} is computed when the code runs")

    def _is_module(self, node: ast.Name, scope: Scope) -> bool:
        ref = self.reader.resolve(node, scope)
        return not isinstance(ref, Unknown) and type(ref).__name__ in ("ModuleRef", "External")

    def function(self, ref: FunctionRef, args: list[Any], kwargs: dict[str, Any], node: ast.AST, depth: int) -> Any:
        """A project function of plain assignments and one final ``return``, on these arguments."""
        func = ref.node
        scope = Scope(ref.module)
        params = [a.arg for a in func.args.posonlyargs + func.args.args]
        if func.args.vararg or func.args.kwarg or func.args.kwonlyargs or func.decorator_list \
                or len(args) > len(params):
            return Unknown(node, scope.path, f"{ref.qualname} is not a plain function of its arguments")
        local: dict[str, Any] = dict(zip(params, args))
        local.update(kwargs)
        defaults = func.args.defaults
        for name, default in zip(params[len(params) - len(defaults):], defaults):
            if name not in local:
                local[name] = self.value(default, scope, {}, depth + 1)
        if set(params) - set(local):
            return Unknown(node, scope.path, f"{ref.qualname}: an argument is missing")
        body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = self.value(stmt.value, scope, local, depth + 1)
                if isinstance(value, Unknown):
                    return value
                local[stmt.targets[0].id] = value
            elif isinstance(stmt, ast.Return) and stmt is body[-1] and stmt.value is not None:
                return self.value(stmt.value, scope, local, depth + 1)
            else:
                return Unknown(stmt, scope.path, f"{ref.qualname}: {type(stmt).__name__.lower()} statements are "
                               "not read (plain assignments and one return are)")
        return Unknown(func, scope.path, f"{ref.qualname} returns nothing that is read")


class _ClassArg:
    """The class a declared_attr is called with (only its ``__name__`` is read)."""


def class_name_value(reader: ConstructReader, node: ast.expr, class_name: str, arg: str, scope: Scope) -> Any:
    """The value of ``node`` with ``arg`` (the declared_attr's first parameter) the class named ``class_name``."""
    return _Evaluator(reader, class_name).value(node, scope, {arg: _ClassArg()})


def with_class_name(reader: ConstructReader, node: ast.expr, class_name: str, arg: str, scope: Scope) -> ast.expr:
    """``node`` with each string sub-expression that uses ``arg.__name__`` replaced by its value."""
    evaluator = _Evaluator(reader, class_name)

    class Replace(ast.NodeTransformer):
        def visit(self, n: ast.AST) -> Any:
            if isinstance(n, ast.expr) and _uses_name(n, arg):
                value = evaluator.value(n, scope, {arg: _ClassArg()})
                if isinstance(value, str):
                    return ast.copy_location(ast.Constant(value), n)
            return self.generic_visit(n)

    return Replace().visit(copy.deepcopy(node))


def _uses_name(node: ast.AST, arg: str) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "__name__" and isinstance(n.value, ast.Name)
               and n.value.id == arg for n in ast.walk(node))
