"""Refusals scoped to the app they are in (issue #12: a refusal names its file and line and blocks only what
depends on it).

The static engine reads a project app by app: its history (``replay.replay_project(scoped=True)``) and its
models (``replay.models_state(scoped=True)``). A migration file or a model module mgen cannot read refuses
that app (``ProjectState.refused``: app label -> the ``MgenError`` with its file and line), and the other apps
are still read; an app that fails because of it (a relation into a model the refused app did not build) is
refused in turn, with its own line. For the models, a refused app's models are the ones its history builds,
so that relations into it still resolve; its own changes are never compared.

``generate`` then answers for the apps asked (``--app LABEL``, as ``makemigrations LABEL``; default: every
app of the project): an asked app that is refused is the command's refusal (exit 2), naming the apps read
and the flag that generates them alone; a refused app that was not asked is a note. Any other reader
(``--format`` SQL, drift, data migrations) takes the whole project and refuses at the first app refused.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ...errors import MgenError

if TYPE_CHECKING:
    from .state import ProjectState


def raise_refused(state: ProjectState, apps: Iterable[str] | None = None) -> None:
    """The first refusal of ``apps`` (default: all) in ``state``, unchanged."""
    for app, error in state.refused.items():
        if apps is None or app in set(apps):
            raise error


def merged(*states: ProjectState) -> dict[str, MgenError]:
    """The refused apps of several states (the history's first: its refusal is the older cause)."""
    out: dict[str, MgenError] = {}
    for state in states:
        for app, error in state.refused.items():
            out.setdefault(app, error)
    return out


def selected_apps(apps: Sequence[str], asked: Sequence[str]) -> list[str]:
    """The apps ``generate`` answers for: ``--app`` labels (each an app of the project with a migrations
    package), else all of ``apps``."""
    if not asked:
        return list(apps)
    unknown = [a for a in asked if a not in apps]
    if unknown:
        raise MgenError(f"--app {unknown[0]}: not an app of this project with a migrations package (its apps: "
                        f"{', '.join(sorted(apps)) or 'none'})")
    return list(dict.fromkeys(asked))


def check(refused: dict[str, MgenError], selected: Sequence[str], apps: Sequence[str]) -> list[str]:
    """Raise the refusal of the first asked app that is refused, saying which apps were read; the notes for
    the refused apps that were not asked (their changes are not in the answer)."""
    blocked = [a for a in selected if a in refused]
    if blocked:
        first = refused[blocked[0]]
        others = blocked[1:]
        read = [a for a in apps if a not in refused]
        scope = f"app {blocked[0]} refused" + (f" (and {', '.join(others)})" if others else "")
        if read:
            flags = " ".join(f"--app {a}" for a in read[:3]) + (" ..." if len(read) > 3 else "")
            scope += f"; the {len(read)} other app(s) were read: generate them alone with {flags}"
        raise MgenError(f"{first.message} [{scope}]", first.file, first.line)
    return [f"app {app} not read, so its changes are not in this answer: {error.one_line()}"
            for app, error in refused.items() if app in apps and app not in selected]
