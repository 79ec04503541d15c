"""A field class whose ``__init__`` only passes its parameters on to its base, some with defaults of its own.

``class JSONField(models.JSONField): def __init__(self, verbose_name=None, name=None, encoder=DjangoJSONEncoder,
**kwargs): super().__init__(verbose_name, name, encoder, **kwargs)`` changes no rule of ``deconstruct()``:
the field is its base built with the arguments the call passes on, the defaults filled in (``encoder`` is
written by ``JSONField.deconstruct()`` whenever it is not None). ``init_shape`` recognizes such an
``__init__`` - a docstring at most, then one call of the base's ``__init__`` whose arguments are the
parameters themselves, ``*args`` and ``**kwargs`` passed on whole - so that ``field_classes`` reads the class as
its base instead of as opaque; ``InitShape.passed`` gives the base's arguments for a call. Any other body
(a parameter changed, popped, tested, or an argument computed) is not this: the class stays opaque.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InitShape:
    params: tuple[str, ...]  # the named parameters after self, positional-or-keyword, in order
    keyword_only: tuple[str, ...]  # after *args (or *): given by keyword only
    defaults: dict[str, ast.expr]  # parameter -> its default's expression
    vararg: str | None  # *args
    kwarg: str | None  # **kwargs
    positional: tuple[str, ...]  # the parameters the base call passes positionally, in order
    starred: bool  # the base call passes *args on after them
    keywords: tuple[tuple[str, str], ...]  # (the base's keyword, the parameter passed)

    def passed(self, args: tuple, kwargs: dict, default: Callable[[ast.expr], Any]) -> tuple[tuple, dict]:
        """The positional and keyword arguments the base's ``__init__`` gets for ``cls(*args, **kwargs)``
        (``default`` evaluates a default's expression). ValueError as Python raises TypeError."""
        bound: dict[str, Any] = dict(zip(self.params, args))
        extra = tuple(args[len(self.params):])
        if extra and self.vararg is None:
            raise ValueError(f"takes at most {len(self.params)} positional arguments")
        rest: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key in self.params or key in self.keyword_only:
                if key in bound:
                    raise ValueError(f"got {key} twice")
                bound[key] = value
            elif self.kwarg is not None:
                rest[key] = value
            else:
                raise ValueError(f"got an unexpected keyword argument {key}")
        for name in (*self.params, *self.keyword_only):
            if name not in bound:
                if name not in self.defaults:
                    raise ValueError(f"missing the argument {name}")
                bound[name] = default(self.defaults[name])
        positional = tuple(bound[p] for p in self.positional) + (extra if self.starred else ())
        passed = {key: bound[p] for key, p in self.keywords}
        clash = set(passed) & set(rest)
        if clash:
            raise ValueError(f"got {', '.join(sorted(clash))} twice")
        return positional, {**passed, **rest}


def init_shape(function: ast.FunctionDef | ast.AsyncFunctionDef, class_name: str) -> InitShape | None:
    """The shape of a pass-through ``__init__`` (see the module), or None when it does anything else."""
    a = function.args
    if isinstance(function, ast.AsyncFunctionDef) or a.posonlyargs or not a.args or function.decorator_list:
        return None
    params = tuple(p.arg for p in a.args[1:])
    keyword_only = tuple(p.arg for p in a.kwonlyargs)
    self_name = a.args[0].arg
    defaults = dict(zip(params[len(params) - len(a.defaults):], a.defaults)) if a.defaults else {}
    defaults.update({p.arg: d for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None})
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    if not _base_init(call.func, class_name, self_name):
        return None
    args = list(call.args)
    vararg, kwarg = (a.vararg.arg if a.vararg else None), (a.kwarg.arg if a.kwarg else None)
    positional: list[str] = []
    starred = False
    for i, arg in enumerate(args):
        if isinstance(arg, ast.Starred):
            if i != len(args) - 1 or not (isinstance(arg.value, ast.Name) and arg.value.id == vararg):
                return None
            starred = True
        elif isinstance(arg, ast.Name) and arg.id in (*params, *keyword_only) and not starred:
            positional.append(arg.id)
        else:
            return None
    keywords: list[tuple[str, str]] = []
    kwargs_passed = False
    for k in call.keywords:
        if k.arg is None:
            if kwargs_passed or not (isinstance(k.value, ast.Name) and k.value.id == kwarg):
                return None
            kwargs_passed = True
        elif isinstance(k.value, ast.Name) and k.value.id in (*params, *keyword_only):
            keywords.append((k.arg, k.value.id))
        else:
            return None
    used = positional + [p for _, p in keywords]
    if sorted(used) != sorted((*params, *keyword_only)) or (vararg is not None and not starred) \
            or (kwarg is not None and not kwargs_passed):
        return None  # a parameter dropped or passed twice, or *args/**kwargs swallowed
    return InitShape(params, keyword_only, defaults, vararg, kwarg, tuple(positional), starred, tuple(keywords))


def _base_init(func: ast.expr, class_name: str, self_name: str) -> bool:
    """``super().__init__`` or ``super(Class, self).__init__`` (``Base.__init__(self, ...)`` names a class
    that would have to be checked to be the base: not recognized)."""
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return False
    owner = func.value
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
        if not owner.args and not owner.keywords:
            return True
        return (len(owner.args) == 2 and isinstance(owner.args[0], ast.Name) and owner.args[0].id == class_name
                and isinstance(owner.args[1], ast.Name) and owner.args[1].id == self_name)
    return False



_DICT_METHODS = ("pop", "get", "setdefault")


def mentioned_arguments(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str] | None:
    """The argument names an overriding ``__init__``/``deconstruct``/``contribute_to_class`` can touch: its
    parameters, every string constant in it (``kwargs['encoder']``, ``kwargs.pop('options')``) and every
    ``self.X`` it names. None when it uses a keyword dictionary in any other way than ``**kwargs`` passed on,
    a constant key (``kwargs['x']``, ``del kwargs['x']``) or ``pop``/``get``/``setdefault`` of one: then any
    argument may be touched. An argument outside the set passes through to the Django base untouched, so the
    base's ``deconstruct()`` rules decide it (``field_classes``)."""
    a = function.args
    names = {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
    dicts = {a.kwarg.arg} if a.kwarg else set()
    for node in ast.walk(function):  # name, path, args, kwargs = super().deconstruct()
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "deconstruct":
            for target in node.targets:
                if isinstance(target, ast.Tuple) and len(target.elts) == 4 and isinstance(target.elts[3], ast.Name):
                    dicts.add(target.elts[3].id)
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(function):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(function):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            names.add(node.attr)
        elif isinstance(node, ast.Name) and node.id in dicts and not _allowed(node, parents):
            return None
    return frozenset(names)


def _allowed(node: ast.Name, parents: dict[int, ast.AST]) -> bool:
    parent = parents.get(id(node))
    if isinstance(parent, ast.keyword) and parent.arg is None:  # **kwargs passed on whole
        return True
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return isinstance(parent.slice, ast.Constant) and isinstance(parent.slice.value, str)
    if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _DICT_METHODS:
        call = parents.get(id(parent))
        return isinstance(call, ast.Call) and call.func is parent and bool(call.args) \
            and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
    if isinstance(parent, ast.Tuple):
        holder = parents.get(id(parent))
        if isinstance(holder, ast.Assign) and parent in holder.targets:
            return True  # the target of ``name, path, args, kwargs = super().deconstruct()``
        return isinstance(holder, ast.Return)  # ``return name, path, args, kwargs``
    return False
