"""The renames ``makemigrations`` asks about ("Did you rename ...?"), found as Django's autodetector finds them.

mgen never answers these questions itself: each one comes back as a suggestion with the ``--rename`` hint
that answers it yes (``autodetect``: a hint turns the remove + add into RenameModel / RenameField). The
questions are the ones Django's interactive questioner puts, in one run, to a user who answers yes to each,
computed on the migrations' state before any hint is applied (a hint answers its question; it asks no new one):

- **a model** (``generate_renamed_models``; managed models that are not proxies): for each added model (by
  app label and name), the first deleted model of the same app whose fields are the same once names and the
  relations' ``to`` are left out (``only_relation_agnostic_fields``: sorted by field name; in field order
  before Django 1.9). Django walks the deleted models in a set's order; mgen takes them by name, so with two
  deleted models that both match, the one Django asks about first may be the other.
- **a field** (``create_renamed_fields``), in each model both states have, a renamed one included under its
  new name: for each added field (by name), the first removed field (by name) not already taken whose
  deconstruction is the same, its ``to`` following the renamed models, or, from Django 2.1 (ticket 29245),
  the same with ``db_column`` set to the removed field's column (a rename that keeps its column).

"The same" is what ``makemigrations`` compares (``state.same_field``: the deconstruction, an opaque field's
arguments as written); the questioner asks nothing when the definition changed too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .state import FieldState, ModelState, ProjectState, same_field

Version = tuple[int, ...]
_KEYS = ("ForeignKey", "OneToOneField")  # the relations whose column is ``<name>_id``


@dataclass(frozen=True)
class RenameQuestion:
    """One question: the ``--rename`` hint that answers it yes, and the sentence mgen prints. ``key`` is the
    hint as ``QuestionerAnswers`` keys it: (app, old model lower) for a model, (app, model lower, old field)
    for a field."""

    hint: str
    text: str
    key: tuple[str, ...]


def rename_questions(old: ProjectState, new: ProjectState, apps: Sequence[str],
                     version: Version | None) -> list[RenameQuestion]:
    """The questions for the models of ``apps``, models first; ``old`` is the migrations' state, no hint applied."""
    wanted = set(apps)
    old_keys = {k for k, m in old.models.items() if k[0] in wanted and _managed(m)}
    new_keys = {k for k, m in new.models.items() if k[0] in wanted and _managed(m)}
    out: list[RenameQuestion] = []
    renamed: dict[tuple[str, str], tuple[str, str]] = {}  # new key -> old key
    pool = sorted(old_keys - new_keys)
    for key in sorted(new_keys - old_keys):
        shape = _agnostic(new.models[key], version)
        match = next((d for d in pool if d[0] == key[0] and _same_shape(_agnostic(old.models[d], version), shape)),
                     None)
        if match is None:
            continue
        pool.remove(match)
        renamed[key] = match
        was, model = old.models[match], new.models[key]
        out.append(RenameQuestion(
            f"{key[0]}.{was.name}={model.name}",
            f"model {key[0]}.{was.name} deleted and {key[0]}.{model.name} created with the same fields (names and "
            f"relation targets aside): if it is a rename, pass --rename {key[0]}.{was.name}={model.name}", match))
    targets = {f"{o[0]}.{o[1]}": f"{n[0]}.{n[1]}" for n, o in renamed.items()}  # renamed_models_rel
    for key in sorted((old_keys & new_keys) | set(renamed)):
        out += _field_questions(old.models[renamed.get(key, key)], new.models[key], targets, version)
    return out


def _managed(model: ModelState) -> bool:
    """Django's ``old_model_keys``/``new_model_keys``: managed models that are not proxies."""
    return model.options.get("managed", True) is not False and not model.options.get("proxy")


def _field_questions(old: ModelState, new: ModelState, targets: dict[str, str],
                     version: Version | None) -> list[RenameQuestion]:
    removed = sorted(n for n in old.fields if n not in new.fields)
    out: list[RenameQuestion] = []
    for name in sorted(n for n in new.fields if n not in old.fields):
        f = new.fields[name]
        match = next((r for r in removed if _renamed(_retargeted(old.fields[r], f, targets), f, version)), None)
        if match is None:
            continue
        removed.remove(match)
        keeps = "" if same_field(_retargeted(old.fields[match], f, targets), f) \
            else " (its db_column keeps the old column)"
        out.append(RenameQuestion(
            f"{new.app_label}.{new.name}.{match}={name}",
            f"{old.label_lower}.{match} removed and {new.label_lower}.{name} added with the same definition{keeps}: "
            f"if it is a rename, pass --rename {new.app_label}.{new.name}.{match}={name}",
            (new.app_label, new.name_lower, match)))
    return out


def _retargeted(was: FieldState, now: FieldState, targets: dict[str, str]) -> FieldState:
    """The removed field with its ``to`` following the renamed models (when the added field is a relation)."""
    to, target = was.kwargs.get("to"), now.kwargs.get("to")
    if isinstance(to, str) and isinstance(target, str) and targets.get(to.lower()) == target.lower():
        return replace(was, kwargs={**was.kwargs, "to": target})
    return was


def _renamed(was: FieldState, now: FieldState, version: Version | None) -> bool:
    """Whether Django asks if ``was`` was renamed to ``now``."""
    if same_field(was, now):
        return True
    if version is not None and version[:2] < (2, 1):
        return False
    column = old_column(was)
    return column is not None and "db_column" in now.kwargs \
        and same_field(replace(was, kwargs={**was.kwargs, "db_column": column}), now)


def old_column(f: FieldState) -> str | None:
    """``Field.get_attname_column()[1]``: the field's column (None: not known, an opaque class)."""
    if "db_column" in f.kwargs:
        value = f.kwargs["db_column"]
        return value if isinstance(value, str) else None
    if f.opaque:
        return None
    return f"{f.name}_id" if f.django_class in _KEYS else f.name


def _agnostic(model: ModelState, version: Version | None) -> list[FieldState]:
    """``only_relation_agnostic_fields``: each field without its relation's ``to``, sorted by name (Django
    1.9+; in field order before)."""
    names = list(model.fields) if version is not None and version[:2] < (1, 9) else sorted(model.fields)
    out = []
    for name in names:
        f = model.fields[name]
        if f.is_relation or "to" in f.kwargs:
            f = replace(f, kwargs={k: v for k, v in f.kwargs.items() if k != "to"})
        out.append(f)
    return out


def _same_shape(a: list[FieldState], b: list[FieldState]) -> bool:
    return len(a) == len(b) and all(same_field(x, y) for x, y in zip(a, b))
