"""An unnamed index of a project class that names itself: its ``set_name_with_model`` is the project's code.

Misago's ``PgPartialIndex(Index)`` overrides ``set_name_with_model`` to hash its ``where`` too, so the
name Django gives ``PgPartialIndex(fields=["has_events"], where={"has_events": True})`` is not the one
``Index.set_name_with_model`` (``models.index_name``) computes, and mgen does not run the method. The
models' reader leaves such a name ``Opaque``; here, after the history is replayed, it takes the name of the
migrations' index that is the same in everything else (same class, same arguments): that index is what the
model's already is, under the name the method gave it when ``makemigrations`` wrote it. An index the
migrations do not have (new, or with other arguments) cannot be named without running the method: its app
is refused at the model's file and line (name it in ``Meta.indexes`` and mgen compares it).
"""
from __future__ import annotations

import ast
from typing import Any

from ...errors import MgenError
from ..pyast import Note
from .source import Definition
from .state import Call, Opaque, ProjectState

METHOD = "set_name_with_model"


def names_itself(reader: Any, path: str) -> bool:
    """Whether the index class at ``path`` or a base of the project's own source defines ``set_name_with_model``
    (Django's own ``Index`` is followed by ``models.index_name``)."""
    finder = reader.project.finder
    module_name, _, name = path.rpartition(".")
    module = finder.module(module_name) if module_name else None
    target = finder.resolve(module, name) if module is not None else None
    if not isinstance(target, Definition) or not isinstance(target.node, ast.ClassDef):
        return False
    for c in [target, *reader.ev.ancestors(target)]:
        if not isinstance(c, Definition) or not isinstance(c.node, ast.ClassDef) or c.path.startswith("django."):
            continue
        if any(isinstance(s, ast.FunctionDef) and s.name == METHOD for s in c.node.body):
            return True
    return False


def unnamed(index: Call, file: str, line: int) -> Call:
    """The index with its name ``Opaque`` until ``fill`` finds it in the migrations."""
    where = index.path.rpartition(".")[2]
    return Call.of(index.path, index.args, {**index.kw, "name": Opaque(f"{where}.{METHOD}()", file, line)})


def _unnamed(index: Any) -> bool:
    return isinstance(index, Call) and isinstance(index.kw.get("name"), Opaque)


def _same(a: Call, b: Call) -> bool:
    if a.path.rpartition(".")[2] != b.path.rpartition(".")[2] or tuple(a.args) != tuple(b.args):
        return False
    rest = lambda c: {k: v for k, v in c.kw.items() if k != "name"}
    return rest(a) == rest(b)


def fill(desired: ProjectState, migrated: ProjectState | None) -> None:
    """Each self-naming index of ``desired`` named as the migrations' same index; an app with one the
    migrations do not have is refused (``desired.refused``)."""
    for key, model in list(desired.models.items()):
        if key not in desired.models:  # its app was refused above
            continue
        indexes = model.options.get("indexes") or ()
        if not any(_unnamed(i) for i in indexes):
            continue
        old = [i for i in ((migrated.models[key].options.get("indexes") or ()) if migrated is not None
                           and key in migrated.models else ()) if isinstance(i, Call)]
        named = []
        for index in indexes:
            if not _unnamed(index):
                named.append(index)
                continue
            opaque = index.kw["name"]
            taken = {i.kw.get("name") for i in named if isinstance(i, Call)}
            matches = [i for i in old if _same(i, index) and i.kw.get("name") not in taken]
            if len(matches) != 1:
                desired.refused.setdefault(key[0], MgenError(
                    f"{model.label_lower}: an index of {index.path} has no name, and {opaque.source} (the "
                    f"project's code, which mgen does not run) names it; "
                    + ("no migration has this index" if not matches else "several migrations' indexes fit")
                    + ": give it a name in Meta.indexes", opaque.file, opaque.line))
                for other in [k for k in desired.models if k[0] == key[0]]:  # the history's models stand in
                    del desired.models[other]
                break
            named.append(matches[0])
            desired.notes.append(Note(message=f"{model.label_lower}: an index of {index.path} is named by "
                                      f"{opaque.source}, which mgen does not run: the migrations' same index "
                                      f"{matches[0].kw.get('name')!r} taken", file=opaque.file, line=opaque.line))
        else:
            desired.models[key] = _with_indexes(model, tuple(named))


def _with_indexes(model: Any, indexes: tuple) -> Any:
    from dataclasses import replace
    return replace(model, options={**model.options, "indexes": indexes})
