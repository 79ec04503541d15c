"""What a project ``TypeDecorator``'s own ``__init__`` passes on to its ``impl`` class.

``TypeDecorator.__init__(*args, **kwargs)`` builds the impl class with those arguments, so a decorator whose
``__init__`` supplies defaults creates a sized type even when it is named bare (redash)::

    class LowercasedString(TypeDecorator):
        impl = db.String

        def __init__(self, length=320, *args, **kwargs):
            super(LowercasedString, self).__init__(length=length, *args, **kwargs)

``Column(LowercasedString)`` is ``VARCHAR(320)``, not ``VARCHAR``. Read: the first class of the MRO defining
``__init__``; in its body the one ``super().__init__(...)`` / ``super(C, self).__init__(...)`` /
``Base.__init__(self, ...)`` statement; the call's arguments bound to the parameters (defaults that are
literals), then the super call's arguments with the parameters put in (``*args``/``**kwargs`` forward the
rest). An ``__init__`` that calls no base ``__init__`` leaves today's reading (the call's own arguments);
anything else it passes (an expression of the parameters, a default that is not a literal) is refused,
naming it: the size is only known when the code runs.
"""
from __future__ import annotations

import ast

from ..pyast import ClassRef, class_attribute


class NotForwarded(ValueError):
    """The ``__init__`` passes something that is not a parameter or a literal: (message, node)."""

    def __init__(self, message: str, node: ast.AST):
        super().__init__(message)
        self.node = node


def init_of(mro: list) -> tuple[ClassRef, ast.FunctionDef] | None:
    """The first project class of ``mro`` that defines ``__init__``, with it."""
    for base in mro:
        if not isinstance(base, ClassRef):
            return None
        init = class_attribute(base, "__init__")
        if isinstance(init, ast.FunctionDef):
            return base, init
    return None


def forwarded_arguments(init: ast.FunctionDef, call: ast.Call | None) -> tuple[list[ast.expr], list[ast.keyword]] | None:
    """The positional and keyword arguments ``init`` passes to its base's ``__init__`` when the decorator is
    ``call``ed (None: named without a call); None when it calls no base ``__init__``."""
    base_call = _base_init_call(init)
    if base_call is None:
        return None
    bound, rest, extra = _bind(init, call)
    args: list[ast.expr] = []
    keywords: list[ast.keyword] = []
    vararg = init.args.vararg.arg if init.args.vararg else None
    kwarg = init.args.kwarg.arg if init.args.kwarg else None
    passed = base_call.args[1:] if _explicit_self(base_call) else base_call.args
    for node in passed:
        if isinstance(node, ast.Starred) and isinstance(node.value, ast.Name) and node.value.id == vararg:
            args.extend(rest)
        else:
            args.append(_value(node, bound))
    for keyword in base_call.keywords:
        if keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == kwarg:
            keywords.extend(extra)
        elif keyword.arg is not None:
            keywords.append(ast.keyword(arg=keyword.arg, value=_value(keyword.value, bound)))
        else:
            raise NotForwarded("passes **" + ast.unparse(keyword.value) + " on", keyword.value)
    return args, keywords


def _value(node: ast.expr, bound: dict[str, ast.expr]) -> ast.expr:
    if isinstance(node, ast.Name) and node.id in bound:
        return bound[node.id]
    if isinstance(node, ast.Constant):
        return node
    raise NotForwarded(f"passes {ast.unparse(node)} on", node)


def _bind(init: ast.FunctionDef, call: ast.Call | None) \
        -> tuple[dict[str, ast.expr], list[ast.expr], list[ast.keyword]]:
    """(parameter -> the argument or its default, the positional arguments left for ``*args``, the keywords
    left for ``**kwargs``)."""
    params = [a.arg for a in init.args.posonlyargs + init.args.args][1:]  # without self
    defaults = dict(zip(params[len(params) - len(init.args.defaults):], init.args.defaults, strict=True))
    defaults.update({a.arg: d for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True) if d is not None})
    given = list(call.args) if call is not None else []
    if any(isinstance(node, ast.Starred) for node in given):
        raise NotForwarded("is given *arguments", call)  # type: ignore[arg-type]
    bound: dict[str, ast.expr] = dict(zip(params, given))
    rest = given[len(params):]
    if rest and init.args.vararg is None:
        raise NotForwarded("is given more arguments than __init__ takes", call)  # type: ignore[arg-type]
    extra: list[ast.keyword] = []
    for keyword in call.keywords if call is not None else []:
        if keyword.arg is not None and (keyword.arg in params or keyword.arg in defaults):
            bound[keyword.arg] = keyword.value
        elif init.args.kwarg is not None:
            extra.append(keyword)
        else:
            raise NotForwarded(f"is given {keyword.arg}=, which __init__ does not take", keyword.value)
    for name, default in defaults.items():
        if name not in bound:
            if not isinstance(default, ast.Constant):
                raise NotForwarded(f"defaults {name} to {ast.unparse(default)}", default)
            bound[name] = default
    return bound, rest, extra


def _base_init_call(init: ast.FunctionDef) -> ast.Call | None:
    for stmt in init.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            if isinstance(func, ast.Attribute) and func.attr == "__init__" and (
                    isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
                    and func.value.func.id == "super" or _explicit_self(stmt.value)):
                return stmt.value
    return None


def _explicit_self(call: ast.Call) -> bool:
    """``Base.__init__(self, ...)``."""
    return isinstance(call.func, ast.Attribute) and isinstance(call.func.value, (ast.Name, ast.Attribute)) \
        and bool(call.args) and isinstance(call.args[0], ast.Name) and call.args[0].id == "self"


__all__ = ["NotForwarded", "forwarded_arguments", "init_of"]
