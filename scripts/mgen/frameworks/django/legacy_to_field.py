"""``to_field`` naming the target's primary key, as Django before 4.0 compared it: not at all.

Django 1.7 wrote ``to_field`` on every ``ForeignKey`` (Misago's ``0001_initial``: ``to_field="id"``).
``ForeignKey.deconstruct()`` leaves it out when the target is a model class whose primary key it names, and
keeps it when the target is a string (``to_meta`` is None). Before 4.0 the autodetector compared fields of
the *rendered* models (``self.old_apps.get_model(...)._meta.get_field``, 3.2 autodetector.py
``generate_altered_fields``), whose targets are classes: a migration's ``to_field="id"`` and a model without
it were the same field. From 4.0 it compares the migration state's fields (``self.from_state.models[...]
.get_field``), whose targets are strings: ``to_field="id"`` is kept and differs, and ``makemigrations``
writes an ``AlterField`` (Misago's ``0010_alter_rolecategoryacl_category_role`` came with its upgrade). So
for a project pinning a Django before 4.0 (``legacy_semantics``), a ``to_field`` equal to the target's
primary key name is left out on both sides; a target mgen does not have, or one without a primary key in
the state, keeps it as written.
"""
from __future__ import annotations

from dataclasses import replace

from .state import FieldState, ModelState, Setting

UNTIL = (4, 0)  # first Django whose autodetector compares the migration state's (unrendered) fields
CLASSES = ("ForeignKey", "OneToOneField")


def _target(models: dict[tuple[str, str], ModelState], to: object) -> ModelState | None:
    label = to.value if isinstance(to, Setting) else to
    if not isinstance(label, str) or "." not in label:
        return None
    app, _, name = label.partition(".")
    return models.get((app, name.lower()))


def _field(models: dict[tuple[str, str], ModelState], f: FieldState) -> FieldState:
    if f.django_class not in CLASSES or f.get("to_field") is None:
        return f
    target = _target(models, f.get("to"))
    pk = target.pk() if target is not None else None
    if pk is None or pk.name != f.get("to_field"):
        return f
    return replace(f, kwargs={k: v for k, v in f.kwargs.items() if k != "to_field"})


def without_pk_to_field(models: dict[tuple[str, str], ModelState], version: tuple[int, ...]
                        ) -> dict[tuple[str, str], ModelState]:
    """The models with ``to_field`` naming the target's primary key left out, for a Django before 4.0."""
    if tuple(version[:2]) >= UNTIL:
        return models
    out = {}
    for key, model in models.items():
        fields = {name: _field(models, f) for name, f in model.fields.items()}
        changed = any(fields[n] is not f for n, f in model.fields.items())
        out[key] = replace(model, fields=fields) if changed else model
    return out
