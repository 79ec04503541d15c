"""``Member.value``, ``Member.name`` and ``Member.label`` of an enum the project defines, read from its class.

``class ThreadPinned(IntEnum): EVERYWHERE = 2`` and ``Q(pinned=ThreadPinned.EVERYWHERE.value)``: Python's
``enum`` makes each assignment in the class body a member (names with a leading underscore, functions,
nested classes and descriptors are not), ``.name`` is the name it is assigned to and ``.value`` the value:
for a mixin enum (``IntEnum``, ``StrEnum``, ``class E(str, Enum)``) the mixin type called on it, for a plain
``Enum`` the assigned value itself; Django's ``Choices`` split a trailing label off a tuple (``.label``).
What is not read as Python would compute it - ``auto()``, a value of another type than the mixin, a
member the class does not assign in its own body - is ``Opaque`` at its file and line, never a guess.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .source import Definition, External

if TYPE_CHECKING:
    from .values import Evaluator, Scope

ENUM_BASE = "enum.Enum"
_MIXINS = {"builtins.int": int, "enum.IntEnum": int, "enum.IntFlag": int, "builtins.str": str,
           "enum.StrEnum": str}
ATTRIBUTES = ("value", "name", "label")


def _ancestor_paths(ev: Evaluator, cls: Definition) -> set[str]:
    return {b.path for b in ev.ancestors(cls) if isinstance(b, (Definition, External))}


def enum_class(ev: Evaluator, cls: Definition | None) -> bool:
    """Whether ``cls`` is a class of the project's source deriving from ``enum.Enum``."""
    return cls is not None and isinstance(cls.node, ast.ClassDef) and ENUM_BASE in _ancestor_paths(ev, cls)


def is_member(name: str, value: ast.expr | None) -> bool:
    """An assignment in an enum's body that makes a member (``enum._is_descriptor``/``_is_dunder``/``_is_sunder``
    aside: a private or dunder name, a function, is not one)."""
    return value is not None and not name.startswith("_") and not isinstance(value, ast.Lambda)


def member_attribute(ev: Evaluator, member: Definition, attr: str, node: ast.expr, scope: Scope) -> Any:
    """``member.attr`` for ``attr`` in ``ATTRIBUTES``; None when ``member`` is not a member of an enum class
    (the caller goes on as before); ``Opaque`` when it is one but its value is not read statically."""
    owner = member.owner
    if attr not in ATTRIBUTES or not enum_class(ev, owner):
        return None
    assert owner is not None
    name = member.path.rpartition(".")[2]
    raw = member.value
    if raw is None or not is_member(name, raw):
        return None  # a method, a nested class, a private name: not a member, not this reader's question
    if attr == "name":
        return name
    if ev.is_choices(owner):
        for member_name, value, label in ev.choices_members(owner):
            if member_name == name:
                return value if attr == "value" else label
        return ev.opaque(node, scope.module, "a Choices member not read")
    if attr == "label":
        return None  # not a Choices member: ``.label`` is an ordinary attribute lookup
    if isinstance(raw, ast.Call) and ev.path_of(raw.func, scope) in ("enum.auto", None):
        return ev.opaque(node, scope.module, "an auto() or computed member value")
    value = ev.value(raw, type(scope)(member.module, ev._class_chain(owner)))  # earlier members: their raw values
    mixin = next((t for p, t in _MIXINS.items() if p in _ancestor_paths(ev, owner)), None)
    if mixin is None:
        return value  # a plain Enum: the value as assigned (a tuple stays a tuple)
    if type(value) is mixin or (mixin is int and type(value) is bool):
        return mixin(value)
    return ev.opaque(node, scope.module, f"a {mixin.__name__} enum member whose value is not a {mixin.__name__}")
