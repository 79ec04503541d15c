"""The managers a CreateModel carries, as Django's ``ModelState.from_model`` lists them.

Along the model's class and its bases, each manager assigned ``name = ManagerClass()`` (first seen wins):
one whose class sets ``use_in_migrations = True`` is written as its class; the default manager (Meta's
``default_manager_name``, else the first declared) is otherwise written as a plain ``models.Manager()`` under
its name (Django's shim: wagtail's ``instances = CustomManager()``), except when that leaves only a plain
``objects``. A model with a manager built any other way (``Manager.from_queryset(QS)()``) keeps only those
``use_in_migrations`` ones, as before: which manager is its default is not known.
"""
from __future__ import annotations

import ast
from typing import Any

from .state import Call

# Manager is ``BaseManager.from_queryset(QuerySet)``, a call the reader does not follow: both count
MANAGER_BASES = ("django.db.models.manager.BaseManager", "django.db.models.manager.Manager")
PLAIN = "django.db.models.manager.Manager"


def migration_managers(project: Any, apps: list[str] | tuple[str, ...]) -> dict[tuple[str, str], list[tuple[str, Call]]]:
    from .models import ModelClassReader
    from .values import Scope

    reader = ModelClassReader(project)
    ev = project.evaluator
    out: dict[tuple[str, str], list[tuple[str, Call]]] = {}
    for model in reader.discover([a for a in project.apps if a.label in apps]):
        declared: list[tuple[str, Any, bool]] = []  # (name, class, use_in_migrations) in Django's order
        seen: set[str] = set()
        unread = False
        chain = [model.definition, *[b for b in ev.ancestors(model.definition) if hasattr(b, "node")]]
        for cls in chain:
            if not isinstance(getattr(cls, "node", None), ast.ClassDef):
                continue
            for stmt in cls.node.body:
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                        and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)):
                    continue
                name = stmt.targets[0].id
                target = ev.resolve(stmt.value.func, Scope(cls.module, (cls.node,)))
                if isinstance(stmt.value.func, ast.Name) and cls.owner is None \
                        and not _class_binds(cls.node, stmt.value.func.id):
                    # a module-level name as the class statement sees it (bound again further down: not that)
                    target = project.finder.lookup_before(cls.module, stmt.value.func.id, cls.node.lineno)
                if name in seen:
                    continue
                if not hasattr(target, "node") or not isinstance(target.node, ast.ClassDef):
                    unread |= _manager_like(stmt.value)
                    continue
                ancestors = [target, *ev.ancestors(target)]
                if not any(getattr(b, "path", None) in MANAGER_BASES for b in ancestors):
                    continue
                seen.add(name)
                flag = _class_flag(ancestors, "use_in_migrations") and not stmt.value.args and not stmt.value.keywords
                declared.append((name, target, flag))
        found = [(name, Call.of(target.path)) for name, target, flag in declared if flag]
        if declared and not unread:
            default = reader.meta_options(model.definition).get("default_manager_name") or declared[0][0]
            found = [(name, Call.of(target.path) if flag else Call.of(PLAIN)) for name, target, flag in declared
                     if flag or name == default]
            if found == [("objects", Call.of(PLAIN))]:
                found = []
        if found:
            out[(model.app_label, model.name.lower())] = found
    return out


def _class_binds(node: ast.ClassDef, name: str) -> bool:
    return any(isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)
               for s in node.body)


def _manager_like(call: ast.Call) -> bool:
    """A class-body call that may build a manager mgen does not read (``X.from_queryset(QS)()``,
    ``QS.as_manager()``)."""
    text = ast.unparse(call.func)
    return "from_queryset" in text or "as_manager" in text or "Manager" in text


def _class_flag(classes: list, name: str) -> bool:
    for cls in classes:
        node = getattr(cls, "node", None)
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                return isinstance(stmt.value, ast.Constant) and stmt.value.value is True
    return False
