"""Arithmetic the static evaluators (Django's models and settings readers) do on a project's constants, with
its work and size bounded (issue #15 item 10): ``10**10**7`` or ``['app'] * 10**9`` in a file mgen reads is
not computed. ``fits(op, left, right)`` says, before computing, whether the result stays within the bounds;
an evaluator answers what it answers for any value it cannot know (an opaque value) when it does not.

The bounds are far above what a schema needs (a ``max_length``, a list of choices or apps) and far below what
costs a second: an integer of at most ``MAX_BITS`` bits, a string, list or tuple of at most ``MAX_ITEMS``."""
from __future__ import annotations

import ast
from typing import Any

MAX_BITS = 4096
MAX_ITEMS = 100_000


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sized(value: Any) -> bool:
    return isinstance(value, (str, bytes, list, tuple))


def _product_fits(left: Any, right: Any) -> bool:
    if _int(left) and _int(right):
        return left.bit_length() + right.bit_length() <= MAX_BITS
    if _sized(left) and _int(right):
        return len(left) * max(right, 0) <= MAX_ITEMS
    if _int(left) and _sized(right):
        return len(right) * max(left, 0) <= MAX_ITEMS
    return True


def _power_fits(left: Any, right: Any) -> bool:
    if _int(left) and _int(right) and right > 0 and abs(left) > 1:
        return right <= MAX_BITS and left.bit_length() * right <= MAX_BITS
    return True


def _sum_fits(left: Any, right: Any) -> bool:
    if _sized(left) and _sized(right):
        return len(left) + len(right) <= MAX_ITEMS
    return True


def _format_fits(left: Any, right: Any) -> bool:
    # '%*d' % (10**9, 1) and '%0999999999d' take their width from the operands or the format: a width
    # of more than a few digits is refused
    if isinstance(left, str):
        return "*" not in left and not any(len(run) > 5 for run in _digit_runs(left))
    return _power_fits(left, right) and _product_fits(left, right)


def _digit_runs(text: str) -> list[str]:
    runs, current = [], ""
    for char in text:
        if char.isdigit():
            current += char
        elif current:
            runs.append(current)
            current = ""
    return [*runs, current] if current else runs


_CHECKS = {ast.Mult: _product_fits, ast.Pow: _power_fits, ast.Add: _sum_fits, ast.Mod: _format_fits,
           ast.LShift: lambda left, right: not (_int(right) and right > MAX_BITS)}


def fits(op: ast.operator, left: Any, right: Any) -> bool:
    """Whether ``left op right`` can be computed within the bounds (operands of any other type: yes)."""
    check = _CHECKS.get(type(op))
    return check is None or check(left, right)
