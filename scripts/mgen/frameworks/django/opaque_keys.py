"""Relations of a library mgen does not find, named as keys (modelcluster's ``ParentalKey`` and
``ParentalManyToManyField``, django-mptt's ``TreeForeignKey``): read as opaque fields (``field_classes``), but
written like the ``ForeignKey`` they extend, ``ParentalKey("tests.EventPage", related_name=..., on_delete=...)``
or ``TreeForeignKey("self", on_delete=models.PROTECT)``, while the migrations hold what their
``deconstruct()`` gave: ``to="tests.eventpage"`` as a keyword.

- The model's first positional argument is bound as ``to`` when it names a model (a string, or a model class),
  and the second as ``on_delete`` when it is one of Django's deletion handlers - the order
  ``ForeignKey.__init__`` takes them in; anything else stays positional and is compared as written
  (``unreadable._compare_positional`` refuses what it cannot tell). ``to`` is then a label as Django
  deconstructs it (``models.related_references``; ``"self"`` and a model class alike).
- A migration's ``to`` compares without case (``same_to``): Django resolves the label to the model, whatever
  its case, before comparing.
- Two paths of the same package top and class name (``mptt.models.TreeForeignKey``, imported by the model,
  and ``mptt.fields.TreeForeignKey``, which defines it and which the migration names) are one class
  re-exported (``same_class``): neither module is readable, and a library holding two different key classes
  of one name is not a case met; every other argument is still compared.
"""
from __future__ import annotations

from typing import Any

from .fields import ARGS
from .state import Ref

DELETION = "django.db.models.deletion."


def key_like(path: str) -> bool:
    """An opaque class named as a relation (``...Key``, ``...ManyToManyField``: modelcluster's
    ``ParentalManyToManyField(Category, blank=True)`` takes ``to`` first too)."""
    return path.rpartition(".")[2].endswith(("Key", "ManyToManyField"))


def bind_key_arguments(bound: dict[str, Any]) -> dict[str, Any]:
    """The positional ``to`` (and ``on_delete``) of an opaque key bound by name, as ForeignKey takes them."""
    args = tuple(bound.get(ARGS) or ())
    if not args or "to" in bound or not isinstance(args[0], (str, Ref)):
        return bound
    out = {k: v for k, v in bound.items() if k != ARGS}
    out["to"], rest = args[0], list(args[1:])
    if rest and "on_delete" not in out and isinstance(rest[0], Ref) and rest[0].path.startswith(DELETION):
        out["on_delete"] = rest.pop(0)
    if rest:
        out[ARGS] = tuple(rest)
    return out


def same_to(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with a string ``to`` and ``through`` in lower case, for comparing an opaque relation."""
    out = kwargs
    for key in ("to", "through"):
        value = out.get(key)
        if isinstance(value, str) and value != value.lower():
            out = {**out, key: value.lower()}
    return out


def same_class(path_a: str, path_b: str) -> bool:
    """Whether two paths of opaque key classes name one class (``mptt.models.X`` re-exports ``mptt.fields.X``)."""
    if path_a == path_b:
        return True
    top_a, name_a = path_a.partition(".")[0], path_a.rpartition(".")[2]
    top_b, name_b = path_b.partition(".")[0], path_b.rpartition(".")[2]
    return key_like(path_a) and top_a == top_b and name_a == name_b
