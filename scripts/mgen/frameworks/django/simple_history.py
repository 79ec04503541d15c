"""Models django-simple-history makes at run time: ``history = HistoricalRecords()`` on a model registers
a ``Historical<Model>`` model (its own table) when Django starts, so no models module defines it, while
the migrations ``makemigrations`` wrote do. mgen derives it as the library's ``create_history_model``
does, in two parts:

- **the copied fields** - every concrete field of the model but those in ``excluded_fields``
  (``copy_fields``): a ForeignKey or OneToOneField becomes a ``ForeignKey`` with ``on_delete=DO_NOTHING,
  db_constraint=False, related_name='+', null=True, blank=True``; any other field keeps its class
  (auto fields become ``IntegerField``/``BigIntegerField``, file fields ``TextField``), loses
  ``auto_now``/``auto_now_add`` (so it is ``editable=False, blank=True``) and ``db_collation``, and a
  primary key or unique field is ``db_index=True`` instead (``transform_field``); ``no_db_index`` names
  fields left unindexed. A copied field whose original did not change since the migrations keeps the
  migrations' form (so a library version that copies a field differently never shows as a change);
- **the library's own fields and options** (``history_id``, ``history_date``, ``history_change_reason``,
  ``history_type``, ``history_user``, ordering, ``get_latest_by``, bases) depend on the library's version
  and settings: they are taken from the history model the migrations already have, or for a new one from
  another history model of the project's migrations; with none, an MgenError (mgen will not guess them).
  ``verbose_name`` is ``historical <the model's verbose_name>`` (and the plural, when the migrations'
  history models have one).

The history model's app is the ``app`` argument or the model's; its name ``custom_model_name`` or
``Historical<Model>``. A ``HistoricalRecords`` subclass (found through the source) counts as the class.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import MgenError
from .fields import AUTO_FIELDS, deconstructed
from .project import DjangoProject
from .source import Definition, External
from .state import FieldState, ModelState, ProjectState, Ref
from .values import Scope

RECORDS = "simple_history.models.HistoricalRecords"
_OWN = ("history_id", "history_date", "history_change_reason", "history_type", "history_user", "history_user_id",
        "history_relation")
_FK = "django.db.models.ForeignKey"
_DO_NOTHING = "django.db.models.deletion.DO_NOTHING"
_FILE_FIELDS = ("FileField", "ImageField")


@dataclass
class Records:
    """A ``HistoricalRecords(...)`` attribute: where, and the arguments that shape the model."""

    app: str
    name: str
    line: int
    excluded: tuple[str, ...] = ()
    no_db_index: tuple[str, ...] = ()


def add_history_models(project: DjangoProject, desired: ProjectState, migrated: ProjectState) -> None:
    """Every history model the models' ``HistoricalRecords`` make, added to ``desired``."""
    templates = [m for m in migrated.models.values() if _is_history(m)]
    for model in list(desired.models.values()):
        found = records_of(project, model)
        if found is None or (found.app, found.name.lower()) in desired.models:
            continue
        key = (found.app, found.name.lower())
        kept = migrated.models.get(key)
        template = kept or next((t for t in templates if t.app_label == found.app), None) or \
            (templates[0] if templates else None)
        if template is None:
            raise MgenError(f"{model.label_lower}: django-simple-history makes {found.app}.{found.name} at run time and "
                            "no migration has a history model yet, whose fields (history_id, history_user, ...) "
                            "depend on the library's version: write this first one with makemigrations",
                            model.file, found.line)
        desired.models[key] = history_model(project, model, found, template, kept,
                                            migrated.models.get((model.app_label, model.name_lower)))


def history_model(project: DjangoProject, model: ModelState, found: Records, template: ModelState,
                  kept: ModelState | None, old_original: ModelState | None) -> ModelState:
    filefield_to_char = project.settings.get("SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD") is True
    copied: dict[str, FieldState] = {}
    for name, f in model.fields.items():
        if name in found.excluded or f.django_class == "ManyToManyField":
            continue
        new = copy_field(f, name in found.no_db_index, filefield_to_char)
        previous = old_original.fields.get(name) if old_original is not None else None
        if kept is not None and name in kept.fields and previous is not None and \
                copy_field(previous, name in found.no_db_index, filefield_to_char) == new:
            new = kept.fields[name]  # unchanged original: the migrations' copy, however the library made it
        copied[name] = new
    plain = {n: f for n, f in copied.items() if f.django_class != "ForeignKey"}
    keys = {n: f for n, f in copied.items() if f.django_class == "ForeignKey"}
    own = {n: f for n, f in template.fields.items() if n in _OWN}
    own_keys = {n: f for n, f in own.items() if f.django_class == "ForeignKey"}
    fields = {**plain, **keys, **{n: f for n, f in own.items() if n not in own_keys}, **own_keys}
    options = {k: v for k, v in template.options.items() if k not in ("verbose_name", "verbose_name_plural")}
    options["verbose_name"] = f"historical {verbose_name(model)}"
    if "verbose_name_plural" in template.options:
        options["verbose_name_plural"] = f"historical {verbose_name_plural(model)}"
    if found.app != model.app_label:
        options["app_label"] = found.app
    return ModelState(found.app, found.name, fields, options, template.bases, file=model.file, line=found.line)


def copy_field(f: FieldState, no_index: bool, filefield_to_char: bool) -> FieldState:
    """The field as ``copy_fields`` copies it into the history model (deconstructed)."""
    kw = dict(f.kwargs)
    if f.django_class in ("ForeignKey", "OneToOneField"):
        kw.update(db_constraint=False, related_name="+", null=True, blank=True, on_delete=Ref(_DO_NOTHING))
        for key in ("primary_key", "unique", "serialize", "db_index"):
            kw.pop(key, None)
        if no_index:
            kw["db_index"] = False
        path = _FK if f.django_class == "OneToOneField" else f.path
        return FieldState(f.name, path, deconstructed("ForeignKey", kw), "ForeignKey", f.file, f.line)
    django_class, path = f.django_class, f.path
    if django_class in AUTO_FIELDS:
        django_class = "BigIntegerField" if django_class == "BigAutoField" else "IntegerField"
        path = f"django.db.models.{django_class}"
        kw["blank"] = True  # AutoField sets it and only AutoField's deconstruct leaves it out
    elif django_class in _FILE_FIELDS:
        django_class = "CharField" if filefield_to_char else "TextField"
        path = f"django.db.models.{django_class}"
        kw = {k: v for k, v in kw.items() if k not in ("upload_to", "storage", "width_field", "height_field")}
        kw.setdefault("max_length", 100)
    if kw.pop("auto_now", False) | kw.pop("auto_now_add", False):
        kw.update(editable=False, blank=True)  # what auto_now set at __init__ stays on the copy
    kw.pop("db_collation", None)
    if kw.get("primary_key") or kw.get("unique"):
        for key in ("primary_key", "unique", "serialize"):
            kw.pop(key, None)
        kw["db_index"] = True
    if no_index:
        kw["db_index"] = False
    return FieldState(f.name, path, deconstructed(django_class, kw), django_class, f.file, f.line)


def verbose_name(model: ModelState) -> str:
    name = model.options.get("verbose_name")
    if isinstance(name, str):
        return name
    return re.sub(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))", r" \1", model.name).strip().lower()


def verbose_name_plural(model: ModelState) -> str:
    name = model.options.get("verbose_name_plural")
    return name if isinstance(name, str) else f"{verbose_name(model)}s"


def _is_history(model: ModelState) -> bool:
    """A history model in the migrations (older versions of the library wrote no ``bases``)."""
    return {"history_id", "history_date", "history_type"} <= set(model.fields)


def records_of(project: DjangoProject, model: ModelState) -> Records | None:
    """The ``HistoricalRecords()`` attribute of ``model``'s class body, if it has one."""
    if not model.file or not model.line:
        return None
    try:
        module = project.finder.module_at(Path(model.file))
    except (MgenError, OSError, ValueError):
        return None
    cls = next((s for s in ast.walk(module.tree) if isinstance(s, ast.ClassDef) and s.lineno == model.line), None)
    if cls is None:
        return None
    ev = project.evaluator
    scope = Scope(module, (cls,))
    for stmt in cls.body:
        if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
            continue
        if not _is_records(ev, ev.resolve(stmt.value.func, scope)):
            continue
        kw: dict[str, Any] = {k.arg: ev.value(k.value, scope) for k in stmt.value.keywords if k.arg}
        name = kw.get("custom_model_name")
        app = kw.get("app")
        return Records(app if isinstance(app, str) else model.app_label,
                       name if isinstance(name, str) else f"Historical{model.name}", stmt.lineno,
                       tuple(_names(kw.get("excluded_fields"))), tuple(_names(kw.get("no_db_index"))))
    return None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else []


def _is_records(ev: Any, target: Any) -> bool:
    if isinstance(target, External):
        return target.path == RECORDS
    if not isinstance(target, Definition) or not isinstance(target.node, ast.ClassDef):
        return False
    return target.path == RECORDS or any(getattr(b, "path", None) == RECORDS for b in ev.ancestors(target))
