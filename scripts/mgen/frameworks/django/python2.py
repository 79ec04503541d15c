"""A project that runs on Python 2: its migrations' ``b'...'`` strings are the str they compare equal to,
and the byte strings of its models are written ``b'...'`` as its Django wrote them.

Django 1.x on Python 2 wrote a native ``str`` (a byte string) as ``b'...'``: a models module without
``from __future__ import unicode_literals`` gave ``help_text=b'...'``, ``db_column=b'who'``. On Python 2
``b'who' == u'who'``, so its ``makemigrations`` saw no change between those migrations and the models;
read on Python 3 they would differ everywhere (Kiwi TCMS 2017: 43 AlterFields at a commit whose models and
migrations agree). A project whose packaging declares Python 2 and no Python 3 (its ``setup.py`` /
``setup.cfg`` classifiers, in its folder or the two above) runs on Python 2: there a byte string of ASCII
in a migration is read as the str it equals. Bytes of anything else stay bytes (Python 2 compared them
unequal to text, with a warning).

Writing, the other way: a string literal of such a project's module without ``from __future__ import
unicode_literals`` is read as a ``state.NativeStr`` (equal to the text), which the writer spells ``b'...'``
in a field's arguments, as Django 1.x on Python 2 did (``help_text=b'...'``, ``db_column=b'who'``); where that
Django made the value text it is a str again (``as_text``: Meta options, ``related_name``; a translation, a
label Django builds such as ``to``).
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from .state import Call, NativeStr

_PACKAGING = ("setup.py", "setup.cfg")
_CLASSIFIER = re.compile(r"Programming Language\s*::\s*Python\s*::\s*(\d)")


def runs_python2(root: Path) -> bool:
    """Whether the packaging files nearest ``root`` (it, or the first of the two folders above that has
    one) declare Python 2 and not Python 3."""
    folder = root.resolve()
    for _ in range(3):
        majors: set[str] = set()
        found = False
        for name in _PACKAGING:
            try:
                text = (folder / name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            found = True
            majors.update(_CLASSIFIER.findall(text))
        if found:
            return majors == {"2"}
        if folder.parent == folder:
            break
        folder = folder.parent
    return False


def native_strings(value: Any) -> Any:
    """``value`` with each ASCII byte string inside it (a call's arguments, tuples, lists, dicts) as str."""
    if isinstance(value, bytes):
        return value.decode("ascii") if value.isascii() else value
    if isinstance(value, Call):
        args = tuple(native_strings(a) for a in value.args)
        kwargs = tuple((k, native_strings(v)) for k, v in value.kwargs)
        return Call(value.path, args, kwargs)
    if type(value) in (tuple, list, set, frozenset):
        return type(value)(native_strings(v) for v in value)
    if isinstance(value, dict):
        return {native_strings(k): native_strings(v) for k, v in value.items()}
    return value


def as_text(value: Any) -> Any:
    """``value`` with each ``NativeStr`` inside it as text: where Django 1.x on Python 2 wrote the models'
    byte strings as text (Meta options: ``unique_together``, ``verbose_name``, ``db_table``; a relation's
    ``related_name``, forced to text when the field joins its model)."""
    if type(value) is NativeStr:
        return str(value)
    if isinstance(value, Call):
        return replace(value, args=tuple(as_text(a) for a in value.args),
                       kwargs=tuple((k, as_text(v)) for k, v in value.kwargs))
    if type(value) in (tuple, list, set, frozenset):
        return type(value)(as_text(v) for v in value)
    if isinstance(value, dict):
        return {as_text(k): as_text(v) for k, v in value.items()}
    return value
