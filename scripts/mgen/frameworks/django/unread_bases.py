"""Models whose class derives from a library model mgen does not find (not installed), completed from the
migrations.

``class TestPlan(TreeNode, UrlMixin)`` with ``tree_queries`` not installed: the models reader cannot see
``TreeNode`` is a model, nor the fields it brings (``parent``). Left alone, such a class is no model at all
(a relation to it points nowhere and the whole project refuses) or, when another base makes it a model,
a model without the library's fields (a ``RemoveField parent`` nobody asked for). When the migrations hold
that model, what the unread base may bring is taken from them: the fields the class and its readable bases
do not declare, the bases, and (without a ``Meta`` of its own) the options it does not set; a note names
each, so the answer says what it did not read. A model the migrations do not have yet keeps the reader's
note (a relation to it then refuses, naming the class and its base).
"""
from __future__ import annotations

import ast
from dataclasses import replace

from ..pyast import Note
from .models import ModelClass, ModelClassReader, unread_model_note
from .project import DjangoProject
from .source import External
from .state import ModelState, ProjectState


def library_model_bases(reader: ModelClassReader, cls) -> list[str]:
    """The bases of ``cls`` in a library mgen does not find that look like model classes (by name, as the
    reader's own note on them judges)."""
    return [b.path for b in reader.ev.ancestors(cls) if isinstance(b, External)
            and (".models." in b.path or b.path.endswith("Model"))]


def adopt_unread_models(project: DjangoProject, desired: ProjectState, migrated: ProjectState) -> None:
    """Complete, in ``desired``, each model of the project's apps with an unread library base from the
    model the migrations (``migrated``) build for it; a note for each."""
    reader = ModelClassReader(project)
    for app in project.project_apps:
        module = project.finder.module(f"{app.name}.models")
        if module is None:
            continue
        for cls in reader._classes_of(module, app, set()):
            if not isinstance(cls.node, ast.ClassDef) or cls.owner is not None \
                    or not cls.path.startswith(app.name + "."):
                continue
            unread = library_model_bases(reader, cls)
            if not unread or reader.is_abstract(cls):
                continue
            name = cls.node.name
            label = reader.meta_options(cls).get("app_label") or (project.app_of_module(cls.module.name) or app).label
            key = (str(label), name.lower())
            old = migrated.models.get(key)
            if old is None:
                continue  # a new model: its fields are not known (the reader's note stays)
            read = desired.models.get(key) or reader.model_state(ModelClass(cls, str(label), name))
            has_meta = any(isinstance(s, ast.ClassDef) and s.name == "Meta" for s in cls.node.body)
            desired.models[key], carried = _completed(read, old, has_meta)
            note = unread_model_note(key[0], name, unread[0])
            desired.notes = [n for n in desired.notes if n.message != note]
            desired.notes.append(Note(
                file=str(cls.module.path), line=cls.node.lineno,
                message=f"{key[0]}.{key[1]}: its base {unread[0]} is in a library mgen does not find (not "
                        f"installed); {', '.join(carried)} taken from the migrations: a change to what that "
                        "base defines is not seen"))
    desired.notes.extend(reader.notes)


def _completed(read: ModelState, old: ModelState, has_meta: bool) -> tuple[ModelState, list[str]]:
    """``read`` with what ``old`` has and ``read`` lacks; and what was taken, for the note."""
    carried = [n for n in old.fields if n not in read.fields]
    fields = dict(read.fields)
    if any(old.fields[n].get("primary_key") for n in carried) and "id" in fields and "id" not in old.fields:
        del fields["id"]  # the reader's automatic key: the unread base declares the primary key
    merged = {n: fields.get(n) or old.fields[n] for n in old.fields if n in fields or n in carried}
    merged.update((n, f) for n, f in fields.items() if n not in merged)
    taken = [f"field {n}" for n in carried] + ["bases"]
    options = dict(read.options)
    if not has_meta:
        extra = {k: v for k, v in old.options.items() if k not in options}
        options.update(extra)
        taken += [f"option {k}" for k in extra]
    return replace(read, fields=merged, options=options, bases=old.bases), taken
