"""``E(value)`` of an enum whose members equal their values (``enum.IntEnum``, ``str`` mixins, Django's
``IntegerChoices``/``TextChoices``), read as the value.

Django 1.x and 2.x serialized an enum member in a migration as ``module.E(value)`` (2.2
django/db/migrations/serializer.py ``EnumSerializer``: ``"%s.%s(%s)" % (module, enum_class.__name__,
v_string)``; 3.0 writes ``module.E['NAME']``). Such a member compares equal to its value, which is what the
models' reader gives for ``E.NAME`` (``values.Evaluator.resolved_value``): the call is read the same way, so a
migration's ``default=NotifyLevel(1)`` and a model's ``default=NotifyLevel.involved`` are one value, as they
are to the autodetector. A value that is no member's (``E(9)`` raises at run time) is not read.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .source import Definition

if TYPE_CHECKING:
    from .values import Evaluator

NOT_A_MEMBER = object()
_LITERALS = (bool, int, float, str, bytes)


def enum_call(ev: Evaluator, target: Definition, args: tuple, kwargs: dict) -> Any:
    """The value ``target(*args, **kwargs)`` equals, when ``target`` is such an enum and ``args`` one of its
    members' values; ``NOT_A_MEMBER`` otherwise."""
    if kwargs or len(args) != 1 or not isinstance(args[0], _LITERALS) or not isinstance(target.node, ast.ClassDef):
        return NOT_A_MEMBER
    from .values import _VALUE_ENUMS

    paths = {getattr(b, "path", None) for b in ev.ancestors(target)}
    if not (paths & _VALUE_ENUMS and ("enum.Enum" in paths or ev.is_choices(target))):
        return NOT_A_MEMBER
    values = [value for _name, value, _label in ev.choices_members(target)]
    return args[0] if any(type(v) is type(args[0]) and v == args[0] for v in values) else NOT_A_MEMBER
