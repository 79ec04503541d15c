"""Keyword arguments a project's field class takes for itself and never deconstructs (wagtail's
``StreamField(blocks, min_num=2, max_num=5, block_counts=..., use_json_field=False)`` and
``RichTextField(features=[...], editor=...)``, read from the source at the commit).

Such a class overrides ``__init__``, so ``field_classes`` reads it as opaque: its arguments kept as written.
But the migrations hold what its ``deconstruct()`` returns, and an argument ``__init__`` takes out of
``kwargs`` before ``super().__init__`` never reaches ``Field.deconstruct``: a model passing it compared as a
change that ``makemigrations`` does not see. What is read, in the first ``__init__`` along the class's
project bases:

- ``kwargs.pop("name"...)`` and ``for name in ["a", "b"]: ... kwargs.pop(name)`` (``**kwargs`` by its name);
- a keyword parameter of ``__init__`` itself (``use_json_field=None``), unless passed on to ``super().__init__``.

Those are left out of the model's arguments, except what ``deconstruct`` puts back as
``kwargs["name"] = self.attr`` where ``__init__`` did ``self.attr = name``: then it is there with the value
given, or the parameter's literal default (wagtail 4's ``use_json_field=None``). When ``deconstruct`` merges
anything else into its ``kwargs`` (``kwargs.update(...)``), nothing is taken out: the arguments stay as
written, as before.
"""
from __future__ import annotations

import ast
from typing import Any

from .fields import ARGS
from .source import Definition

_UNSET = object()


def consumed_arguments(reader: Any, cls: Any, bound: dict[str, Any]) -> dict[str, Any]:
    """``bound`` (a field's arguments as written) without what the class consumes (see the module)."""
    if not isinstance(cls, Definition) or not isinstance(cls.node, ast.ClassDef):
        return bound
    # the project's (or a library's) classes, not Django's: Django's own methods are fields.py's rules
    chain = [c for c in [cls, *reader.ev.ancestors(cls)] if isinstance(c, Definition)
             and isinstance(c.node, ast.ClassDef) and not c.path.startswith("django.")]
    init = _method(chain, "__init__")
    if init is None:
        return bound
    taken, defaults, attrs = _taken(init)
    if not taken:
        return bound
    deconstruct = _method(chain, "deconstruct")
    put_back = _put_back(deconstruct, attrs) if deconstruct is not None else set()
    if put_back is None:
        return bound
    out = {k: v for k, v in bound.items() if k == ARGS or k not in taken or k in put_back}
    guarded = _guarded(deconstruct) if deconstruct is not None else set()
    for name in put_back - guarded:  # put back under an if (``if self.encoder is not None``): not at its default
        if name not in out and defaults.get(name, _UNSET) is not _UNSET:
            out[name] = defaults[name]
    return out


def consumed_by_path(reader: Any, path: str, bound: dict[str, Any]) -> dict[str, Any]:
    """``consumed_arguments`` for a class named by a dotted path (a migration's field): Django builds the
    migrations' fields through the same ``__init__`` and ``deconstruct()`` as the models'."""
    module_name, _, name = path.rpartition(".")
    module = reader.project.finder.module(module_name) if module_name else None
    cls = reader.project.finder.resolve(module, name) if module is not None else None
    return consumed_arguments(reader, cls, bound)


def _guarded(deconstruct: ast.FunctionDef) -> set[str]:
    """The names ``deconstruct`` puts back only under an ``if``."""
    return {target.slice.value for node in ast.walk(deconstruct) if isinstance(node, ast.If)
            for inner in ast.walk(node) if isinstance(inner, ast.Assign)
            for target in inner.targets if isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str)}


def _method(chain: list[Definition], name: str) -> ast.FunctionDef | None:
    for c in chain:
        for stmt in c.node.body:  # type: ignore[union-attr]
            if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
                return stmt
    return None


def _taken(init: ast.FunctionDef) -> tuple[set[str], dict[str, Any], dict[str, str]]:
    """The names ``__init__`` consumes, its keyword parameters' literal defaults, ``self.attr = param``."""
    a = init.args
    kwargs_name = a.kwarg.arg if a.kwarg else None
    params = [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]][1:]  # not self
    positional = [p.arg for p in a.args][1:]
    defaults: dict[str, Any] = {}
    for p, d in zip(positional[len(positional) - len(a.defaults):], a.defaults):
        defaults[p] = _literal(d)
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        if d is not None:
            defaults[p.arg] = _literal(d)
    taken = {p for p in params if p in defaults}  # keyword parameters (a required one is positional: ARGS)
    loops: dict[str, list[str]] = {}
    attrs: dict[str, str] = {}
    for node in ast.walk(init):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, (ast.List, ast.Tuple)) \
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.iter.elts):
            loops[node.target.id] = [e.value for e in node.iter.elts]  # type: ignore[attr-defined]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Name):
            t = node.targets[0]
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                attrs[t.attr] = node.value.id
    for node in ast.walk(init):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "pop"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == kwargs_name and node.args):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            taken.add(first.value)
        elif isinstance(first, ast.Name) and first.id in loops:
            taken.update(loops[first.id])
        else:
            return set(), {}, {}  # a name mgen cannot follow: nothing is taken out
    for node in ast.walk(init):  # a parameter handed on to Field.__init__ is deconstructed by Django
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
            taken -= {n.id for a in [*node.args, *[k.value for k in node.keywords]] for n in ast.walk(a)
                      if isinstance(n, ast.Name)}
            if any(k.arg is None and not (isinstance(k.value, ast.Name) and k.value.id == kwargs_name)
                   for k in node.keywords):
                return set(), {}, {}
        # put back into kwargs before super().__init__: kwargs["x"] = x, kwargs.setdefault("x", x)
        refill = None
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                                                and t.value.id == kwargs_name for t in node.targets):
            refill = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "setdefault", "update") and isinstance(node.func.value, ast.Name) and node.func.value.id == kwargs_name:
            refill = node
        if refill is not None:
            taken -= {n.id for n in ast.walk(refill) if isinstance(n, ast.Name)}
    return taken, defaults, attrs


def _put_back(deconstruct: ast.FunctionDef, attrs: dict[str, str]) -> set[str] | None:
    """The names ``deconstruct`` sets as ``kwargs["name"] = self.attr`` (of ``self.attr = name``); None when
    it merges its keyword arguments in a way mgen does not follow."""
    out: set[str] = set()
    for node in ast.walk(deconstruct):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "setdefault"):
            return None
        if isinstance(node, ast.Dict) and any(k is None for k in node.keys):
            return None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            key = node.targets[0].slice
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            value = node.value
            if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "self" \
                    and attrs.get(value.attr) == key.value:
                out.add(key.value)
            elif (not isinstance(node.targets[0].value, ast.Name) or node.targets[0].value.id == "kwargs") \
                    and key.value != "args":
                return None  # another value put under a name: not followed
    return out


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError):
        return _UNSET
