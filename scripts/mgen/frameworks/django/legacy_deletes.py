"""What ``makemigrations`` of a Django before 2.2 wrote before a ``DeleteModel``.

Every Django's autodetector (``generate_deleted_models``, 1.7 to 5.2) emits, for a deleted managed model,
``AlterUniqueTogether(name, None)`` / ``AlterIndexTogether(name, None)`` when it has the option, then a
``RemoveField`` for each of its own relations (foreign keys, one-to-ones, many-to-manys; sorted by name),
then the ``DeleteModel``. Its optimizer leaves the ``DeleteModel`` alone since Django 2.2
(``RemoveField.reduce`` absorbs a ``RemoveField`` into the ``DeleteModel`` of its model; 2.1's
``operations/fields.py`` has no such branch, 2.2's has). Before 2.2:

- the ``RemoveField``s stay;
- an ``Alter*Together(None)`` folds into the ``DeleteModel`` unless a ``RemoveField`` of the model is in
  between, which it cannot pass: in 1.9 to 2.1 an emptied option references every field of its model
  (``AlterTogetherOptionOperation.references_field``: ``not self.option_value or ...``), in 1.7 and 1.8 a
  model-level operation passes only what does not reference its model (``can_optimize_through``).

Django 2.1.15's own ``makemigrations`` (run once on Python 3.7 while writing this) deleting four models
wrote ``AlterUniqueTogether(set())`` + ``RemoveField`` x2 for one with two relations and a unique_together
naming one, ``AlterUniqueTogether(set())`` + ``RemoveField`` for one whose unique_together names no
relation, and the lone ``DeleteModel`` for one with a unique_together and no relation; Kiwi TCMS 2018
(Django 2.0): ``AlterUniqueTogether(unique_together=set())`` and two ``RemoveField``s before
``DeleteModel('TestPlanComponent')``.

Django 2.0 writes the emptied option as ``set()``, as ``AlterUniqueTogether`` normalises ``None``.
"""
from __future__ import annotations

from typing import Any

from .state import ModelState

Version = tuple[int, ...]
ABSORBED_SINCE = (2, 2)
_OPTIONS = (("unique_together", "AlterUniqueTogether"), ("index_together", "AlterIndexTogether"))


def before_delete(model: ModelState, version: Version | None,
                  related: Any) -> list[tuple[str, dict[str, Any]]]:
    """The operations (kind, arguments) the pinned Django wrote before ``DeleteModel`` of ``model``;
    ``related(field)`` tells a relation. None before 1.7 or from 2.2 on, and for an unmanaged model."""
    if version is None or not ((1, 7) <= tuple(version)[:2] < ABSORBED_SINCE) \
            or model.options.get("managed") is False:
        return []
    relations = sorted(name for name, f in model.fields.items() if related(f))
    out: list[tuple[str, dict[str, Any]]] = []
    for option, kind in _OPTIONS:
        together = model.options.get(option) or ()
        if together and relations:
            out.append((kind, {"name": model.name_lower, option: set()}))
    out.extend(("RemoveField", {"model_name": model.name_lower, "name": name}) for name in relations)
    return out

