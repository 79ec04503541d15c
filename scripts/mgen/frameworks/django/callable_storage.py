"""A ``FileField(storage=<function>)`` under the Django 3.1 - 4.1 the project pins: whether the migrations
hold it depends on what the function returns when the code runs.

Django 3.1 made ``storage`` take a callable; until 4.2 ``FileField.deconstruct()`` wrote it only when the
storage it returned ``is not default_storage`` (``django/db/models/fields/files.py``, 3.1 - 4.1:
``if self.storage is not default_storage: kwargs["storage"] = getattr(self, "_storage_callable", self.storage)``;
4.2 compares the callable itself, ticket #34192). So a model passing ``storage=get_storage`` whose function
returns ``default_storage`` (wagtail's ``get_rendition_storage`` without its setting) has migrations without
it, and one whose function returns another storage has migrations with it: mgen cannot tell which without
running the function. ``storage`` does not change the database, so, as for the other attributes mgen cannot
evaluate (``unreadable``), the field keeps the migrations' ``storage`` and a note names it; never a change
written nor a refusal. Under any other pinned Django (or none) the argument is compared as written.
"""
from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..pins import requirement_texts
from ..pyast import Note
from .legacy_semantics import pinned
from .source import Definition
from .state import ProjectState, Ref

Version = tuple[int, ...]
SINCE, UNTIL = (3, 1), (4, 2)
_RANGE = re.compile(r"""(?<![\w.-])django["']?\s*((?:(?:>=|<=|==|~=|<|>)\s*\d+(?:\.\d+)*\s*,?\s*)+)""", re.IGNORECASE)
_SPEC = re.compile(r"(>=|<=|==|~=|<|>)\s*(\d+(?:\.\d+)*)")
FILE_FIELDS = ("FileField", "ImageField")


def keep_callable_storage(desired: ProjectState, migrated: ProjectState, project: Any) -> None:
    """In ``desired`` (the models), a file field's ``storage`` that is a function on either side, when it
    differs from the migrations', takes the migrations' value, with a note (see the module)."""
    version = pinned(desired)
    allowed = (tuple(version[:2]), tuple(version[:2])) if version else _allowed(project.root)
    if allowed is None or allowed[0] >= UNTIL or allowed[1] < SINCE:
        return
    which = ".".join(map(str, allowed[0])) if allowed[0] == allowed[1] else "before 4.2"
    for key, model in list(desired.models.items()):
        old = migrated.models.get(key)
        if old is None:
            continue
        fields = dict(model.fields)
        for name, f in model.fields.items():
            g = old.fields.get(name)
            if g is None or f.django_class not in FILE_FIELDS or g.django_class != f.django_class:
                continue
            mine, theirs = f.kwargs.get("storage"), g.kwargs.get("storage")
            function = next((v for v in (mine, theirs) if _function(project, v)), None)
            if mine == theirs or function is None:
                continue
            kwargs = {k: v for k, v in f.kwargs.items() if k != "storage"}
            if "storage" in g.kwargs:
                kwargs["storage"] = theirs
            fields[name] = replace(f, kwargs=kwargs)
            desired.notes.append(Note(
                file=f.file or "", line=f.line,
                message=f"{model.label_lower}.{name}: storage={function.path} is a function; Django "
                        f"{which} writes it in a migration only when it returns a "
                        "storage other than default_storage, which mgen cannot tell without running it: taken "
                        "as unchanged since the last migration (it does not change the database)"))
        if fields != model.fields:
            desired.models[key] = replace(model, fields=fields)


def _allowed(root: Path) -> tuple[Version, Version] | None:
    """The lowest and highest Django (major, minor) the project's requirement files allow (``Django>=3.2,<4.2``:
    3.2 and 4.1, read as "below 4.2"; ``Django>=2.2,<3``: 2.2 and "below 3.0"), from the folder of manage.py and the two above it; None when they name
    no bound."""
    lower: Version = (0, 0)
    upper: Version = (99, 0)
    for texts in requirement_texts(root):
        for text in texts:
            for match in _RANGE.finditer(text):
                for op, number in _SPEC.findall(match[1]):
                    v = (*(int(p) for p in number.split(".")), 0)[:2]  # "<3" is (3, 0)
                    if op in (">=", "==", "~=", ">"):
                        lower = max(lower, v)
                    if op in ("<", "<=", "=="):
                        upper = min(upper, v if op != "<" else (v[0], v[1] - 1) if v[1] else (v[0] - 1, 99))
        if lower != (0, 0) or upper != (99, 0):
            break
    return None if (lower, upper) == ((0, 0), (99, 0)) else (lower, upper)


def _function(project: Any, value: Any) -> bool:
    """Whether ``value`` names a function of the project or a library (not a storage object)."""
    if not isinstance(value, Ref):
        return False
    module_name, _, name = value.path.rpartition(".")
    module = project.finder.module(module_name) if module_name else None
    target = project.finder.resolve(module, name) if module is not None else None
    return isinstance(target, Definition) and isinstance(target.node, (ast.FunctionDef, ast.AsyncFunctionDef))
