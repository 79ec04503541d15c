"""Attributes the database never sees that mgen cannot evaluate statically (``choices`` built by a
comprehension, ``verbose_name`` from a function, ``help_text`` from a constant it cannot follow): they
never block.

The models' reader keeps such a value as ``Opaque`` (its source text). Compared with what the migrations
build, an opaque value is taken as unchanged - the migrations' value stays in the desired state - and a
one-line note names the attribute, file and line: the user sees what mgen did not compare. The same
holds the other way round, for an opaque value on the migrations' side. Arguments the database depends
on (``models.DB_ARGUMENTS``, Meta's table and constraints) are refused where they are read, not here.

An opaque field's positional arguments are compared here too, where mgen can see that its class rewrites
them (``_compare_positional``): then a difference is refused, never written as a change nor taken as none.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...errors import MgenError
from ..pyast import Note
from .fields import ARGS
from .models import DB_ARGUMENTS
from .state import FieldState, ModelState, ProjectState
from .values import first_opaque

# Meta options that change no table (the ones that do are refused by the models' reader)
_NON_DB_OPTIONS = ("verbose_name", "verbose_name_plural", "ordering", "permissions", "default_permissions",
                   "get_latest_by", "default_related_name", "base_manager_name", "default_manager_name",
                   "select_on_save")


def keep_unreadable(desired: ProjectState, migrated: ProjectState) -> None:
    """In ``desired`` (the models), every non-database attribute opaque on either side takes the
    migrations' value; a note for each (in place of the models' reader's note on the same value)."""
    before = len(desired.notes)
    for key, model in list(desired.models.items()):
        old = migrated.models.get(key)
        if old is None:
            continue
        fields = dict(model.fields)
        changed = False
        for name, f in model.fields.items():
            g = old.fields.get(name)
            if g is None or g.path != f.path or g.kwargs == f.kwargs:
                continue
            kwargs = dict(f.kwargs)
            for arg in sorted(set(f.kwargs) | set(g.kwargs)):
                if arg in DB_ARGUMENTS:
                    continue
                mine, theirs = f.kwargs.get(arg), g.kwargs.get(arg)
                opaque = first_opaque(mine) or first_opaque(theirs)
                if opaque is None or mine == theirs:
                    continue
                _take(kwargs, arg, g.kwargs)
                what = "a positional argument" if arg == ARGS else arg
                desired.notes.append(_note(f"{model.label_lower}.{name}: {what}={opaque.source}", opaque, f.file,
                                           f.line))
            try:
                _compare_positional(model, f, kwargs, g)
            except MgenError as e:  # refuses the model's app alone (``scoped``)
                desired.refused.setdefault(key[0], e)
                continue
            if kwargs != f.kwargs:
                fields[name] = replace(f, kwargs=kwargs)
                changed = True
        options = _options(model, old, desired.notes)
        if changed or options is not None:
            desired.models[key] = replace(model, fields=fields, options=options if options is not None
                                          else model.options)
    mine = desired.notes[before:]
    said = {(n.file, n.line, n.message.partition(" cannot be read")[0]) for n in mine}
    desired.notes[:before] = [n for n in desired.notes[:before]
                              if (n.file, n.line, n.message.partition(" cannot be read")[0]) not in said]


def _compare_positional(model: ModelState, f: FieldState, kwargs: dict, g: FieldState) -> None:
    """An opaque field's positional arguments (``fields.ARGS``) compare as written: equal, the field is
    unchanged; different, a change - unless its ``deconstruct()`` is seen to rewrite what it is given: the
    migrations hold keyword arguments the model does not pass, or values of another shape (numbers where the
    model has objects: a class that writes its blocks into a lookup table of its own; a list where the
    model passes one object). Then mgen cannot tell a change from a rewriting without running the code: an
    MgenError at the model's field, never a change written nor one taken as none."""
    mine, theirs = kwargs.get(ARGS), g.kwargs.get(ARGS)
    if not (f.opaque or g.opaque) or mine == theirs:
        return
    added = sorted(set(g.kwargs) - set(kwargs) - {ARGS})
    if added:
        why = f"the migrations hold {', '.join(added)}, which the model does not pass"
    elif _shape(mine) != _shape(theirs):
        why = "the migrations hold values of another kind than the model passes"
    else:
        return
    raise MgenError(f"{model.label_lower}.{f.name}: the positional arguments of {f.path} differ from the "
                    f"migrations', and its deconstruct() rewrites its arguments ({why}): mgen cannot tell "
                    "whether the field changed without running the code (use --engine native, or write this "
                    "change by hand)", f.file, f.line)


def _shape(value: Any) -> Any:
    """What kinds of values a value is made of, whatever their number and contents: a call is a leaf
    (its arguments may change), a list or tuple the set of its items' shapes, a dict its keys' and values'."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value).__name__, frozenset(_shape(v) for v in value)
    if isinstance(value, dict):
        return "dict", frozenset(_shape(k) for k in value), frozenset(_shape(v) for v in value.values())
    return type(value).__name__


def _options(model: ModelState, old: ModelState, notes: list[Note]) -> dict[str, Any] | None:
    options = dict(model.options)
    for name in _NON_DB_OPTIONS:
        mine, theirs = model.options.get(name), old.options.get(name)
        opaque = first_opaque(mine) or first_opaque(theirs)
        if opaque is None or mine == theirs:
            continue
        _take(options, name, old.options)
        notes.append(_note(f"{model.label_lower}: Meta.{name}={opaque.source}", opaque, model.file, model.line))
    return options if options != model.options else None


def _take(into: dict, key: str, source: dict) -> None:
    if key in source:
        into[key] = source[key]
    else:
        into.pop(key, None)


def _note(what: str, opaque: Any, file: str | None, line: int | None) -> Note:
    """The note; ``keep_unreadable`` drops the reader's own note on the same value ("kept as written")."""
    return Note(file=opaque.file or file or "", line=opaque.line or line,
                message=f"{what} cannot be read statically; taken as unchanged since the last migration "
                        "(it does not change the database)")
