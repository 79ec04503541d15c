"""Partial models: model classes whose base is a model in a library mgen cannot read (issue #12: django-mptt's
``MPTTModel``, not installed where mgen runs, whose metaclass adds ``lft``, ``rght``, ``tree_id``, ``level``).

Which classes. A top-level class of an app's models modules with an ancestor (a base, or a base of one of the
project's own bases) that names a class of a module mgen does not find (``External``; the standard library
never counts) is read as a partial model when

- it is a model mgen reads anyway (a readable ``models.Model`` ancestor: ``Category(MPTTModel,
  PluginDataModel)``) and that unread base is named like a model (``model_like``);
- or that base is named like a model and the class declares what only a model has: a Django field or a
  ``Meta`` holding a model option, in its body or a project base's (``Theme(MPTTModel)``);
- or the migration history has a model of that name in that app, and either the base is named like a model
  (``class Tag(TagBase): pass``) or the class declares model parts (treebeard's ``MP_Node``).

The first two are *evident* (``UnreadBase.evident``): the class is a model whatever the history says. The
third is confirmed only by the history (``complete``), else dropped, with the note a class that is not read
as a model gets (``models.unread_model_note``). A class that is none of these stays what it was.

What is exact: the fields the class and its readable bases declare, its own ``Meta``. What is not: the fields
the unread base adds, the primary key when the class declares none (the base may), and the Meta options
when the class has no ``Meta`` of its own (it inherits the base's). ``complete`` takes those unchanged from
the state the migrations build, with a note naming the class, its base and what was taken: a field the
migrations have and no readable class declares is never reported as removed; the model is then complete
(``ModelState.unread`` None). One the migrations do not have yet stays partial: neither its CreateModel nor
its table can be known (``new_model_refusal``: the autodetector's CreateModel, ``tables``).
"""
from __future__ import annotations

import ast
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from ...errors import MgenError
from ..pyast import Note, simple_assignment
from .inheritance import own_ancestors
from .source import Definition, External
from .state import OPTION_NAMES, UNCOMPARED_OPTIONS, ModelState, ProjectState, UnreadBase

if TYPE_CHECKING:
    from .models import ModelClass, ModelClassReader

MODEL_BASE = "django.db.models.base.Model"
# names of library classes that are no model even in a ``models`` module
NOT_MODELS = ("Mixin", "Manager", "QuerySet", "Field", "Descriptor", "Form", "Serializer", "Factory", "Error",
              "Exception", "Meta", "Admin")
_STDLIB = frozenset(sys.stdlib_module_names) | {"builtins"}


def model_like(path: str) -> bool:
    """Whether a library class is named like a model: ``...Model`` (``MPTTModel``, ``TimeStampedModel``), or
    a class of a ``models`` module (``taggit.models.TagBase``) not named like a mixin, manager or field."""
    module, _, name = path.rpartition(".")
    if name.endswith(NOT_MODELS):
        return False
    return name.endswith("Model") or module.rpartition(".")[2] == "models"


class PartialModels:
    """The reader's view of partial models: which classes are (``unread_base``), and their states (``read``)."""

    def __init__(self, reader: ModelClassReader):
        self.reader = reader
        self._found: dict[str, UnreadBase | None] = {}
        self._unfound: dict[str, bool] = {}

    def unread_base(self, cls: Definition) -> UnreadBase | None:
        """The unread base that makes ``cls`` a (maybe) partial model, or None."""
        if cls.path not in self._found:
            self._found[cls.path] = self._unread_base(cls)
        return self._found[cls.path]

    def _unread_base(self, cls: Definition) -> UnreadBase | None:
        if not isinstance(cls.node, ast.ClassDef) or cls.owner is not None:
            return None
        ancestors = self.reader.ev.ancestors(cls)
        # a base behind a concrete parent adds its fields to the parent's table, not to this class's
        unread = [b.path for b in own_ancestors(self.reader, cls) if isinstance(b, External) and self._not_found(b.path)]
        if not unread:
            return None
        liked = [p for p in unread if model_like(p)]
        own_meta = _own_meta(cls) is not None
        if any(getattr(b, "path", None) == MODEL_BASE for b in ancestors):
            return UnreadBase(liked[0], True, own_meta) if liked else None
        declares = self._declares(cls) or any(self._declares(b) for b in ancestors if isinstance(b, Definition)
                                              and isinstance(b.node, ast.ClassDef))
        if liked:
            return UnreadBase(liked[0], declares, own_meta)
        return UnreadBase(unread[0], False, own_meta) if declares else None

    def _not_found(self, path: str) -> bool:
        """Whether ``path`` names a class of a module mgen does not find (a library not installed)."""
        module = path.rpartition(".")[0]
        if not module or module.partition(".")[0] in _STDLIB:
            return False
        if module not in self._unfound:
            self._unfound[module] = self.reader.project.finder.module(module) is None
        return self._unfound[module]

    def _declares(self, cls: Definition) -> bool:
        """A Django field, or a Meta holding a model option, in the class body."""
        meta = _own_meta(cls)
        if meta is not None and any((assigned := simple_assignment(s)) is not None
                                    and (assigned[0] in OPTION_NAMES or assigned[0] == "app_label")
                                    for s in meta.body):
            return True
        return bool(self.reader._own_fields(cls))

    def read(self, model: ModelClass) -> ModelState | None:
        """The state of a model class, marked partial when it is one. A candidate only the history can
        confirm that cannot be read is not a model (a note says why): nothing shows that it is one."""
        unread = self.unread_base(model.definition)
        if unread is None:
            return self.reader.model_state(model)
        try:
            state = self.reader.model_state(model)
        except MgenError as e:
            if unread.evident:
                raise
            cls = model.definition
            from .models import unread_model_note

            self.reader.notes.append(Note(message=f"{unread_model_note(model.app_label, model.name, unread.path)} "
                                          f"({e})", file=str(cls.module.path), line=cls.node.lineno))  # type: ignore[attr-defined]
            return None
        return replace(state, unread=unread)


def complete(desired: ProjectState, migrated: ProjectState) -> None:
    """Each partial model of ``desired`` completed from ``migrated``: the fields no readable class declares
    (and the implicit primary key, the Meta options when the class has no Meta of its own) taken unchanged,
    with a note. A candidate the history does not confirm is dropped (the note of a class not read as a
    model); a new evident one refuses its app (``ProjectState.refused``: ``new_model_refusal``)."""
    from .models import unread_model_note

    for key, model in list(desired.models.items()):
        unread = model.unread
        if unread is None:
            continue
        old = migrated.models.get(key)
        if old is not None:
            desired.models[key] = _completed(model, old, unread, desired.notes)
        else:
            del desired.models[key]
            if unread.evident:
                desired.refused.setdefault(model.app_label, new_model_refusal(model))
            else:
                desired.notes.append(Note(message=unread_model_note(model.app_label, model.name, unread.path),
                                          file=model.file or "", line=model.line))


def _completed(model: ModelState, old: ModelState, unread: UnreadBase, notes: list[Note]) -> ModelState:
    declared = dict(model.fields)
    implicit = declared["id"] if "id" in declared and declared["id"].get("auto_created") else None
    if implicit is not None:
        del declared["id"]  # the unread base may declare the key: the migrations say which
    fields = {name: declared.get(name, f) for name, f in old.fields.items()}
    fields.update((name, f) for name, f in declared.items() if name not in fields)
    if implicit is not None and not any(f.get("primary_key") for f in fields.values()):
        fields = {"id": implicit, **fields}
    taken = [name for name in fields if name not in declared and not (name == "id" and fields[name] == implicit)]
    options, meta = model.options, ""
    if not unread.own_meta:
        options = old.options
        if _compared(old.options) != _compared(model.options):
            meta = "; its Meta options too (the class has no Meta of its own, so it inherits the base's)"
    listed = ", ".join(f"field {name}" for name in taken) or "none now"
    notes.append(Note(message=f"class {model.name} ({model.label_lower}): its base {unread.path} is in a library "
                      f"mgen does not find; fields of {unread.path} taken from the migrations: {listed} (a field "
                      f"no readable class declares is never reported as removed){meta}", file=model.file or "",
                      line=model.line))
    return replace(model, fields=fields, options=options, bases=old.bases, unread=None)  # complete now


def _compared(options: dict) -> dict:
    return {k: v for k, v in options.items() if k not in UNCOMPARED_OPTIONS}


def new_model_refusal(model: ModelState, what: str = "its CreateModel cannot be written exactly") -> MgenError:
    """A partial model the migrations do not have (``complete`` left it partial): what its base adds is
    unknown, so neither its CreateModel nor its table can be known."""
    base = model.unread.path if model.unread else "?"
    return MgenError(f"{model.label_lower}: a new model whose base {base} is in a library mgen does not find (not "
                     f"installed): the fields {base} adds are unknown, so {what}; make the library importable "
                     "where mgen reads the project, or write this migration with makemigrations (--engine "
                     "native)", model.file, model.line)


def _own_meta(cls: Definition) -> ast.ClassDef | None:
    for stmt in cls.node.body:  # type: ignore[attr-defined]
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            return stmt
    return None
