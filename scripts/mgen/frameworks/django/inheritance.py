"""Multi-table inheritance, read as Django's ``ModelBase.__new__`` and ``Options._prepare`` build it.

A model whose base is a concrete model (``class EventPage(Page)``) has a table of its own holding only its
local fields: the fields declared in its body and copied from its abstract bases, never the concrete
parent's. Each concrete parent (Django's ``_meta.parents``, in the order of the class's MRO; a proxy parent
stands for its concrete model; an abstract base passes on its own parents) is reached through a parent
link: a ``OneToOneField(parent, parent_link=True)`` the class declares (in its body or an abstract base),
else an implicit one, ``<parent>_ptr = OneToOneField(parent, on_delete=CASCADE, parent_link=True,
auto_created=True)``. The implicit links are created in MRO order with decreasing ``creation_counter``
(``Field.auto_creation_counter``), so they come first among the local fields, the last-made first. When the
class declares no primary key, the first parent's link is promoted to it (``primary_key=True,
serialize=False``) and no ``id`` is added.

Meta: ``ModelState.from_model`` keeps ``_meta.original_attrs``, the attributes of the Meta class the model
sees (its own, or an abstract ancestor's through the MRO); what Django copies from a concrete parent's Meta
(``ordering``, ``get_latest_by``) is not among them, so the reader's ``meta_options`` is already right.
``bases`` names a concrete parent by its lower-case label (``ModelClassReader.bases``).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...errors import MgenError
from .fields import deconstructed
from .source import Definition
from .state import CASCADE, FieldState, Ref, Setting

if TYPE_CHECKING:
    from .models import ModelClass, ModelClassReader

ONE_TO_ONE_PATH = "django.db.models.OneToOneField"


def model_definition(reader: ModelClassReader, base: Any) -> Definition | None:
    """``base`` when it is a model class mgen reads (a class definition deriving from ``Model``)."""
    if isinstance(base, Definition) and isinstance(base.node, ast.ClassDef) and reader.is_model(base):
        return base
    return None


def is_concrete(reader: ModelClassReader, base: Any) -> bool:
    """A model class that is not abstract: a parent whose fields stay in its own table."""
    model = model_definition(reader, base)
    return model is not None and not reader.is_abstract(model)


def concrete_model(reader: ModelClassReader, cls: Definition, seen: frozenset = frozenset()) -> Definition:
    """``_meta.concrete_model``: a proxy's first concrete base (its own concrete model), else the class."""
    if reader.meta_options(cls).get("proxy") is not True or cls.path in seen:
        return cls
    for base in reader.ev.bases(cls):
        if is_concrete(reader, base):
            return concrete_model(reader, base, seen | {cls.path})
        model = model_definition(reader, base)
        if model is not None:  # an abstract base without fields: a proxy may have one; its parents count
            for parent in parents(reader, model):
                return concrete_model(reader, parent, seen | {cls.path})
    raise MgenError(f"proxy model {cls.node.name} has no concrete model base mgen can find",  # type: ignore[union-attr]
                    str(cls.module.path), cls.node.lineno)  # type: ignore[union-attr]


def parents(reader: ModelClassReader, cls: Definition) -> list[Definition]:
    """``_meta.parents``: the concrete models ``cls`` inherits a table from, in the order Django finds
    them (its MRO over the direct model bases; an abstract base passes on its own parents)."""
    direct = {}
    for base in reader.ev.bases(cls):
        model = model_definition(reader, base)
        if model is not None:
            direct[model.path] = model
    out: dict[str, Definition] = {}
    for path in reader.mro(cls):
        base = direct.get(path)
        if base is None:
            continue
        if reader.is_abstract(base):
            for parent in parents(reader, base):
                out.setdefault(parent.path, parent)
        else:
            parent = concrete_model(reader, base)
            out.setdefault(parent.path, parent)
    return list(out.values())


def label_of(reader: ModelClassReader, cls: Definition) -> str:
    """A model class's ``app_label.modelname`` in lower case (Meta.app_label, else its module's app)."""
    found = reader.classes.get(cls.path)
    if found is not None:
        return found.label_lower
    label = reader.meta_options(cls).get("app_label")
    if not isinstance(label, str):
        app = reader.project.app_of_module(cls.module.name)
        if app is None:
            raise MgenError(f"{cls.path} is not a model of an installed app", str(cls.module.path),
                            cls.node.lineno)  # type: ignore[union-attr]
        label = app.label
    return f"{label}.{cls.node.name.lower()}"  # type: ignore[union-attr]


def inherited_names(reader: ModelClassReader, cls: Definition) -> set[str]:
    """The names of every field a concrete model has, its parents' included (an abstract base's field of
    the same name, after it in the MRO, is not copied into a child: Django's ``inherited_attributes``)."""
    names = set(reader.field_specs(cls)) | {"id"}
    for parent in parents(reader, cls):
        names |= inherited_names(reader, parent)
        names.add(f"{parent.node.name.lower()}_ptr")  # type: ignore[union-attr]
    return names


def with_parent_links(reader: ModelClassReader, model: ModelClass, fields: dict[str, FieldState]) -> dict[str, FieldState]:
    """``fields`` (the class's local fields as read) with the parent links of multi-table inheritance: the
    implicit ``<parent>_ptr`` fields first, the last-made first, and the first parent's link promoted to the
    primary key when the class declares none. Unchanged for a model with no concrete parent."""
    cls = model.definition
    found = parents(reader, cls)
    if not found:
        return fields
    file, line = str(cls.module.path), cls.node.lineno  # type: ignore[union-attr]
    declared = {}  # parent label -> the declared parent_link field's name
    for name, f in fields.items():
        if f.django_class == "OneToOneField" and f.get("parent_link") is True:
            to = f.get("to")
            declared.setdefault(str(to.value if isinstance(to, Setting) else to).lower(), name)
    from .models import related_references

    implicit: list[FieldState] = []
    links: list[str] = []
    for parent in found:
        label = label_of(reader, parent)
        if label in declared:
            links.append(declared[label])
            continue
        name = f"{parent.node.name.lower()}_ptr"  # type: ignore[union-attr]
        if name in fields:
            raise MgenError(f"{model.name}: the field {name} clashes with the parent link Django adds for "
                            f"{parent.node.name} (multi-table inheritance)", file, line)  # type: ignore[union-attr]
        kw = related_references({"to": label, "on_delete": Ref(CASCADE), "parent_link": True, "auto_created": True},
                                reader.project, model.app_label, model.name, file, line)
        implicit.append(FieldState(name, ONE_TO_ONE_PATH, deconstructed("OneToOneField", kw), "OneToOneField",
                                   file, line))
        links.append(name)
    out = {f.name: f for f in reversed(implicit)}
    out.update(fields)
    if not any(f.get("primary_key") for f in out.values()):
        first = out[links[0]]
        out[first.name] = FieldState(first.name, first.path,
                                     deconstructed("OneToOneField", {**first.kwargs, "primary_key": True}),
                                     first.django_class, first.file, first.line, first.db_type)
    return out


def own_ancestors(reader: ModelClassReader, cls: Definition) -> list[Any]:
    """The class's ancestors up to its concrete parents (each parent listed, its own bases not): what can
    add fields to the class's own table. Depth first, each once."""
    out: list[Any] = []
    seen: set[str] = set()
    stack = list(reversed(reader.ev.bases(cls)))
    while stack:
        base = stack.pop()
        key = getattr(base, "path", None) or repr(base)
        if key in seen:
            continue
        seen.add(key)
        out.append(base)
        if isinstance(base, Definition) and isinstance(base.node, ast.ClassDef) and not is_concrete(reader, base):
            stack.extend(reversed(reader.ev.bases(base)))
    return out
