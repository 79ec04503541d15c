"""``generate`` across the run-time conditions it met (``runtime_conditions``): the project read once per
assignment of them, each app's operations compared.

The first reading assumes every condition true and records those it met; each other assignment of them is
read again (the caches hold everything that did not depend on one, so only the files that did are read
again). A condition first met in another world joins the others (at most ``MOST`` in all: more refuse the
apps that met them). An app whose operations are the same in every world is answered, with a note per
condition; an app whose operations differ is refused at the first condition met in its own files (else
the first met), naming both answers' sizes.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import MgenError
from .runtime_conditions import Hit, World

MOST = 3  # conditions read both ways: 2**3 readings at most


Answer = tuple[dict[str, list[Any]], dict[str, MgenError]]  # operations per app label, refused apps


def settle(first: World, first_ops: dict[str, list[Any]], answer: Callable[[World], Answer],
           app_of: Callable[[str], str | None]) -> tuple[dict[str, MgenError], list[str]]:
    """The apps refused because their operations depend on a condition (or because another world's reading
    of them refuses), and the notes for the others. ``answer(world)``: the operations per app label the
    project gives in that world and the apps it refuses there; ``app_of(file)``: the app label of a file."""
    hits = dict(first.hits)
    if not hits:
        return {}, []
    readings: dict[tuple[bool, ...], dict[str, list[Any]]] = {}
    elsewhere: dict[str, MgenError] = {}  # apps another world's reading refuses
    while True:
        keys = list(hits)
        if len(keys) > MOST:
            return _too_many(hits, app_of), []
        new = False
        for values in itertools.product((True, False), repeat=len(keys)):
            if all(values) or values in readings:
                continue
            world = World(dict(zip(keys, values)))
            readings[values], refused_there = answer(world)
            for app, error in refused_there.items():
                elsewhere.setdefault(app, error)
            for key, hit in world.hits.items():
                if key not in hits:
                    hits[key], new = hit, True
        if not new:
            break
        readings, elsewhere = {}, {}  # a new condition: read every assignment of them all again
    apps = set(first_ops).union(*readings.values()) if readings else set(first_ops)
    refused: dict[str, MgenError] = dict(elsewhere)
    for app in sorted(apps - set(refused)):
        differ = [values for values, ops in readings.items() if ops.get(app, []) != first_ops.get(app, [])]
        if differ:
            hit = next((h for h in hits.values() if app_of(h.file) == app), next(iter(hits.values())))
            other = readings[differ[0]].get(app, [])
            refused[app] = MgenError(
                f"app {app}'s migration depends on {hit.text}, which only the running code decides: read with it "
                f"true, mgen finds {len(first_ops.get(app, []))} operation(s), false {len(other)}; write this "
                "migration by hand (or generate it where the condition is known, with --engine native)",
                hit.file, hit.line)
    notes = [f"{_where(hit)}: {hit.text} is decided only when the code runs; the project was read with it true "
             "and false, and the migrations are the same" for hit in hits.values()
             if not any(app_of(hit.file) == app for app in refused)]
    return refused, notes


def _too_many(hits: dict[str, Hit], app_of: Callable[[str], str | None]) -> dict[str, MgenError]:
    out: dict[str, MgenError] = {}
    for hit in hits.values():
        app = app_of(hit.file)
        error = MgenError(f"app {app or '?'} depends on {hit.text}, which only the running code decides, and the "
                          f"project has more than {MOST} such conditions to read both ways", hit.file, hit.line)
        if app is None:
            raise error  # no app to scope it to
        out.setdefault(app, error)
    return out


def _where(hit: Hit) -> str:
    return f"{hit.file}:{hit.line}" if hit.line else str(Path(hit.file))
