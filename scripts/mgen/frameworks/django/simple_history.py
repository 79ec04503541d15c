"""Models django-simple-history makes at run time: ``history = HistoricalRecords()`` on a model registers
a ``Historical<Model>`` model (its own table) when Django starts, so no models module defines it, while
the migrations ``makemigrations`` wrote do.

mgen does not derive that model's fields (they depend on the library's version: the ``history_*``
fields, the copied foreign keys, the options). A model the migrations hold whose origin mgen sees - a
model of the project with a ``HistoricalRecords()`` attribute (the library's class or a subclass, found
through the source) - is carried into the desired state as the migrations build it, with a note: never a
``DeleteModel``. A change to the original model's fields is then not carried to its history model
(``makemigrations`` would), and a history model the migrations do not have yet is not created: the notes
say both.
"""
from __future__ import annotations

import ast
from pathlib import Path

from ..pyast import Note
from .project import DjangoProject
from .source import Definition, External
from .state import ModelState, ProjectState
from .values import Scope

RECORDS = "simple_history.models.HistoricalRecords"


def keep_history_models(project: DjangoProject, desired: ProjectState, migrated: ProjectState) -> None:
    for model in list(desired.models.values()):
        found = _records(project, model)
        if found is None:
            continue
        app, name, line = found
        key = (app, name.lower())
        if key in desired.models:
            continue
        where = f"{model.file}:{line}"
        kept = migrated.models.get(key)
        if kept is None:
            desired.notes.append(Note(file=model.file or "", line=line, message=(
                f"{model.label_lower}: django-simple-history makes {app}.{name} at run time and no migration "
                "creates it yet; mgen does not derive it (makemigrations would create it)")))
            continue
        desired.models[key] = kept
        desired.notes.append(Note(file=model.file or "", line=line, message=(
            f"{app}.{name.lower()} is made by django-simple-history from {model.label_lower} ({where}); kept as the "
            "migrations build it (a change to the fields of "
            f"{model.name} is not carried to it: makemigrations would)")))


def _records(project: DjangoProject, model: ModelState) -> tuple[str, str, int] | None:
    """(app, model name, line) of the history model a ``HistoricalRecords()`` attribute of ``model`` makes."""
    if not model.file or not model.line:
        return None
    try:
        module = project.finder.module_at(Path(model.file))
    except Exception:  # noqa: BLE001 - a file outside the roots: no class to look at
        return None
    cls = next((s for s in ast.walk(module.tree) if isinstance(s, ast.ClassDef) and s.lineno == model.line), None)
    if cls is None:
        return None
    ev = project.evaluator
    for stmt in cls.body:
        if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
            continue
        target = ev.resolve(stmt.value.func, Scope(module, (cls,)))
        if not _is_records(ev, target):
            continue
        scope = Scope(module, (cls,))
        kw = {k.arg: ev.value(k.value, scope) for k in stmt.value.keywords if k.arg}
        name = kw.get("custom_model_name")
        name = name if isinstance(name, str) else f"Historical{model.name}"
        app = kw.get("app")
        app = app if isinstance(app, str) else model.app_label
        return app, name, stmt.lineno
    return None


def _is_records(ev, target) -> bool:  # noqa: ANN001
    if isinstance(target, External):
        return target.path == RECORDS
    if not isinstance(target, Definition) or not isinstance(target.node, ast.ClassDef):
        return False
    return target.path == RECORDS or any(getattr(b, "path", None) == RECORDS for b in ev.ancestors(target))
