"""A relation class of a library mgen does not find, named as a key (django-mptt's ``TreeForeignKey``,
modelcluster's ``ParentalKey``): an opaque field (``field_classes.looks_like_field``) whose arguments are
read as ``ForeignKey``'s, since that is what these classes are and what their ``deconstruct()`` writes.

Misago's ``parent = TreeForeignKey("self", on_delete=models.PROTECT, ...)`` is in its migration as
``mptt.fields.TreeForeignKey(on_delete=..., to="misago_themes.Theme")``: the target is positional in the
model and ``to=`` in the migration, and the class is imported from ``mptt.models`` (which re-exports it)
while the migration names the module that defines it. So, for a key-named class only:

- the positional arguments are ``ForeignKey``'s (``to``, ``on_delete``), and ``to`` is the target's label
  as Django deconstructs it (``"self"`` and a model class alike), on both sides;
- two paths of the same package top and class name (``mptt.models.TreeForeignKey`` and
  ``mptt.fields.TreeForeignKey``) are one class re-exported: neither module is readable, and a library
  holding two different key classes of one name is not a case met; every other argument is still compared.

A class whose arguments do not fit (three positional ones, a target computed at run time) keeps them as
written, as any opaque field does.
"""
from __future__ import annotations

from typing import Any

ARGS = "*args"  # fields.ARGS (not imported: state.py imports this module)
POSITIONAL = ("to", "on_delete")


def is_key(path: str) -> bool:
    return path.rpartition(".")[2].endswith("Key")


def bound(kwargs: dict[str, Any]) -> dict[str, Any]:
    """An opaque key's keyword arguments with its positional ones named as ``ForeignKey`` names them."""
    args = kwargs.get(ARGS)
    if not args:
        return kwargs
    if len(args) > len(POSITIONAL) or set(POSITIONAL[:len(args)]) & set(kwargs):
        return kwargs
    out = {k: v for k, v in kwargs.items() if k != ARGS}
    out.update(zip(POSITIONAL, args))
    return out


def same_class(path_a: str, path_b: str) -> bool:
    """Whether two paths of opaque key classes name one class (``mptt.models.X`` re-exports ``mptt.fields.X``)."""
    if path_a == path_b:
        return True
    top_a, name_a = path_a.partition(".")[0], path_a.rpartition(".")[2]
    top_b, name_b = path_b.partition(".")[0], path_b.rpartition(".")[2]
    return is_key(path_a) and top_a == top_b and name_a == name_b
