"""The values the static settings evaluator (``settings.py``) computes with, and how the two branches of an
``if`` whose test is unknown merge into one value.

A value is a Python literal (``str``, numbers, ``None``, lists, tuples, dicts, sets), a ``pathlib.Path``, a
``ModuleValue`` (a module bound to a name), a ``state.Ref`` (a name defined outside what is evaluated), an
``Opaque`` (unknown: source, file, line; inside a list it stands for unknown items) or, inside a list, a
``Conditional`` item (present in one branch only).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .state import Opaque


@dataclass(frozen=True)
class Conditional:
    """A list item present in one branch of an ``if`` whose test is not known statically."""

    value: Any
    test: str
    file: str
    line: int


@dataclass(frozen=True)
class ModuleValue:
    """A module bound to a name (``import os``): attribute access gives names inside it."""

    name: str


def is_known(value: Any) -> bool:
    """Whether a value is fully known (no Opaque, Conditional, module or reference inside)."""
    if isinstance(value, (str, int, float, bool, bytes, type(None))):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(k) and is_known(v) for k, v in value.items())
    return False


def first_unknown(value: Any) -> Opaque | Conditional | None:
    """The first Opaque or Conditional inside a value (for its file and line)."""
    if isinstance(value, (Opaque, Conditional)):
        return value
    items: list = list(value) if isinstance(value, (list, tuple)) else (
        list(value.values()) if isinstance(value, dict) else [])
    for item in items:
        found = first_unknown(item)
        if found is not None:
            return found
    return None


def numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))


def hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return not isinstance(value, (Opaque, Conditional))


def truth(value: Any) -> bool | None:
    """A value's truth when it is known (a list with unknown items that already has known ones is true)."""
    if isinstance(value, (str, int, float, bool, bytes, type(None))):
        return bool(value)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if is_known(value):
            return bool(value)
        known = [v for v in value if not isinstance(v, (Opaque, Conditional))]
        return True if known else None
    if isinstance(value, (ModuleValue, Path)):
        return True
    return None


def copy_namespace(ns: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in ns.items():
        out[name] = copy.deepcopy(value) if isinstance(value, (list, dict, set)) else value
    return out


def merge(yes: Any, no: Any, test: str, where: tuple[str, int]) -> Any:
    """One value for both branches of an undecided ``if`` (see the module's docstring)."""
    if yes == no and type(yes) is type(no):
        return yes
    if isinstance(yes, (list, tuple)) and isinstance(no, (list, tuple)) and type(yes) is type(no):
        out = []
        for item in yes:
            out.append(item if item in no else Conditional(item, test, *where))
        out.extend(Conditional(item, f"not ({test})", *where) for item in no if item not in yes)
        return type(yes)(out)
    if isinstance(yes, dict) and isinstance(no, dict):
        merged = {}
        for key in dict.fromkeys([*yes, *no]):
            if key in yes and key in no:
                merged[key] = merge(yes[key], no[key], test, where)
            else:
                merged[key] = Opaque(f"{key!r} set only when {test}", *where)
        return merged
    return Opaque(f"depends on {test}", *where)


def unconditional_unknowns(value: Any) -> Any:
    """After a loop of unknown length: items it added are unknown items (Opaque), not Conditional ones."""
    if isinstance(value, list):
        return [Opaque(f"added in a loop ({v.test})", v.file, v.line) if isinstance(v, Conditional) else v
                for v in value]
    return value
