"""Cycles in a migration graph (Django's migrations, Alembic's revisions), found without recursion.

Both frameworks refuse a cycle (Django's ``CircularDependencyError``, Alembic's ``CycleDetected``). A plan
that starts from the leaves or the heads does not find one by itself: a cycle inside one app or one history
has no leaf and no head, so it would be skipped without a word. ``find_cycle`` looks at every node.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def find_cycle(parents: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A cycle of the graph as a path that ends where it starts (parents first: ``[a, b, a]`` when ``b``
    depends on ``a`` and ``a`` on ``b``), or None. Parents that are not nodes are ignored; Kahn's algorithm,
    so a history of any length is fine."""
    inside = {k: sorted((p for p in set(ps) if p in parents), key=repr) for k, ps in parents.items()}
    waiting = {k: len(ps) for k, ps in inside.items()}
    children: dict[K, list[K]] = {k: [] for k in inside}
    for key, ps in inside.items():
        for p in ps:
            children[p].append(key)
    ready = [k for k, n in waiting.items() if n == 0]
    while ready:
        for child in children[ready.pop()]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    stuck = {k for k, n in waiting.items() if n > 0}
    if not stuck:
        return None
    path: list[K] = []
    key = min(stuck, key=repr)
    while key not in path:  # every stuck node has a stuck parent: walk up until one repeats
        path.append(key)
        key = next(p for p in inside[key] if p in stuck)
    return [*path[path.index(key):], key][::-1]
