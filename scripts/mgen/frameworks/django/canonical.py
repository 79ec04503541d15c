"""Values of the standard library as Django's migration serializer writes them, so that two spellings of
one value compare equal, as they do to ``makemigrations`` (which compares the objects themselves).

``timedelta(0, 3600)`` and ``timedelta(hours=1)`` are one object, written ``datetime.timedelta(seconds=3600)``
(``repr``'s form: ``datetime.timedelta(0)`` when zero);
``datetime(2020, 1, 1, tzinfo=timezone.utc)`` is written with hour and minute; a ``Path`` is written as the
``PurePosixPath`` it equals; ``Decimal`` keeps its digits (``Decimal('1.50')`` is not ``Decimal('1.5')`` to
the serializer, but is equal to it: Django compares the values, so the canonical form is the value itself).
Only literal arguments are computed; anything else stays a ``Call`` as written. ``models.SET(value)`` (a
function, whose result Django deconstructs as the call) is kept as the call ``django.db.models.SET(value)``.
"""
from __future__ import annotations

import datetime
import pathlib
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .state import Call, Ref

_MODULES = {"datetime": "datetime", "_pydatetime": "datetime", "decimal": "decimal", "_pydecimal": "decimal",
            "_decimal": "decimal", "pathlib": "pathlib", "uuid": "uuid", "functools": "functools",
            "_functools": "functools"}
_CLASSES = {
    "datetime": ("timedelta", "date", "datetime", "time"),
    "decimal": ("Decimal",),
    "pathlib": ("Path", "PurePath", "PosixPath", "PurePosixPath"),
    "uuid": ("UUID",),
    "functools": ("partial",),
}
# every spelling of the classes above (``_pydatetime.timedelta`` is what ``datetime`` imports on 3.12)
KNOWN_CALLS = {f"{spelled}.{name}": f"{module}.{name}" for spelled, module in _MODULES.items()
               for name in _CLASSES[module]}
# functions whose result deconstructs as the call itself: ``models.SET(value)`` returns a function whose
# ``deconstruct()`` is ``("django.db.models.SET", (value,), {})``; written and compared as that call
DECONSTRUCTED_CALLS = {"django.db.models.deletion.SET": "django.db.models.SET"}
KNOWN_CALLS.update(DECONSTRUCTED_CALLS)
_UTC = ("datetime.timezone.utc", "django.utils.timezone.utc", "datetime.UTC")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def value_of(path: str, args: tuple, kwargs: dict, opaque: Callable[[], Any]) -> Any:
    """The canonical value of a call of ``path`` (one of ``KNOWN_CALLS``); as written when its arguments
    are not literals, ``opaque()`` when they are literals Python itself refuses."""
    name = KNOWN_CALLS[path]
    as_written = Call.of(name, args, kwargs)
    try:
        if name == "decimal.Decimal":
            if len(args) == 1 and not kwargs and isinstance(args[0], (str, int, float)) \
                    and not isinstance(args[0], bool):
                return Decimal(args[0])
            return as_written
        if name == "datetime.timedelta":
            if not all(_number(v) for v in (*args, *kwargs.values())):
                return as_written
            delta = datetime.timedelta(*args, **kwargs)
            parts = {k: v for k, v in (("days", delta.days), ("seconds", delta.seconds),
                                       ("microseconds", delta.microseconds)) if v}
            return Call.of(name, () if parts else (0,), parts)  # repr: timedelta(0) when zero
        if name == "datetime.date":
            if not all(_number(v) for v in (*args, *kwargs.values())):
                return as_written
            day = datetime.date(*args, **kwargs)
            return Call.of(name, (day.year, day.month, day.day))
        if name in ("datetime.datetime", "datetime.time"):
            return _moment(name, args, kwargs, as_written)
        if name.startswith("pathlib."):
            if args and all(isinstance(a, str) for a in args) and not kwargs:
                return Call.of("pathlib.PurePosixPath", (str(pathlib.PurePosixPath(*args)),))
            return as_written
        if name == "uuid.UUID":
            if len(args) == 1 and isinstance(args[0], str) and not kwargs:
                return Call.of(name, (str(uuid.UUID(args[0])),))
            return as_written
    except (TypeError, ValueError, OverflowError, InvalidOperation):
        return opaque()
    return as_written  # functools.partial: written as called (function, its arguments, keywords)


def _moment(name: str, args: tuple, kwargs: dict, as_written: Call) -> Any:
    """``datetime.datetime``/``datetime.time`` as ``repr`` writes them: hour and minute always, seconds and
    microseconds when not zero, ``tzinfo`` UTC as ``datetime.timezone.utc`` (Django writes every aware
    datetime in UTC; another zone is left as written)."""
    kwargs = dict(kwargs)
    tz = kwargs.pop("tzinfo", None)
    if tz is not None and not (isinstance(tz, Ref) and tz.path in _UTC):
        return as_written
    if not all(_number(v) for v in (*args, *kwargs.values())):
        return as_written
    value = (datetime.datetime if name == "datetime.datetime" else datetime.time)(*args, **kwargs)
    head = (value.year, value.month, value.day) if isinstance(value, datetime.datetime) else ()
    parts = (*head, value.hour, value.minute)
    if value.second or value.microsecond:
        parts += (value.second,)
    if value.microsecond:
        parts += (value.microsecond,)
    return Call.of(name, parts, {"tzinfo": Ref("datetime.timezone.utc")} if tz is not None else {})
