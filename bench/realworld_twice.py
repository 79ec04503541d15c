"""Regenerate misses on what the commit's migrations change more than once: the states in between are not in it.

A commit whose migrations add a field nullable and then make it NOT NULL (two ``makemigrations`` runs, or a
hand-written add-fill-alter sequence), or add a field and remove it again, holds model states that are not
in the commit: from its last models ``makemigrations`` writes one operation for that field at most. A missing
operation, or one that differs from mgen's, on a field (``targets``: the framework's (app, model, field)
names an operation changes) that another committed operation changes too is classed ``TWICE``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import realworld_git as rw

TWICE = "the commit changes it twice (states in between)"


def reclassify(misses: list[rw.Miss], committed: Sequence[rw.Operation],
               targets: Callable[[rw.Operation], set] | None) -> list[rw.Miss]:
    """``misses`` with those on a committed operation (found by its ``file:line``: a missing one, or one that
    differs from mgen's; a rename written as drop + add stays what it is) whose targets another committed
    operation changes too classed ``TWICE``."""
    if targets is None:
        return misses
    touched = Counter(t for op in committed for t in targets(op))
    twice = {op.where for op in committed if op.where and any(touched[t] > 1 for t in targets(op))}
    return [rw.Miss(TWICE, m.label, m.detail, m.location) if m.location in twice and m.klass != rw.RENAME else m
            for m in misses]
