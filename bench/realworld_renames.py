"""``--accept-renames`` (the Django bench's default; ``--no-accept-renames`` turns it off): the regenerate run
as a user of an interactive generator runs it.

Django's ``makemigrations`` asks "Did you rename X to Y?" where a model or field went and another with the same
definition came, and writes RenameModel/RenameField when the user answers yes. mgen asks nothing: it prints the
same questions as suggestions, each with the ``--rename`` hint that answers it yes (``"renames"`` in its JSON:
``frameworks/django/rename_questions.py``). With this mode the bench is the user who answers yes to every
question: when the regenerate run printed hints, it runs mgen again with all of them (``--rename HINT`` each),
and again while a run prints new ones (a field of a renamed model is asked about once the model rename is
given), at most ``ROUNDS`` runs in all; the last run is the one compared. Only what mgen printed is taken,
never anything read from the committed migration. The record says which hints were given
(``"renames_accepted"``) and the table counts the commits that needed them. A framework whose mgen prints no
hints (Alembic, where the mode is off unless asked for) runs once, as without the mode.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

ROUNDS = 3  # mgen runs at most, the first included (one rerun answers every question mgen printed)


def printed_hints(report: dict[str, Any] | None) -> list[str]:
    """The ``--rename`` hints mgen printed (its JSON's ``renames``), in its order."""
    hints = (report or {}).get("renames") or []
    return [h for h in hints if isinstance(h, str)]


def run_accepting_renames(run: Callable[[Sequence[str]], Any], accept: bool) -> tuple[Any, list[str], float]:
    """``run(extra_arguments)`` once, then again with every hint printed so far while new ones appear (``accept``).
    The last run, the hints given to it, and the seconds of the runs before it."""
    result = run(())
    given: list[str] = []
    before = 0.0
    for _ in range(ROUNDS - 1):
        new = [h for h in printed_hints(result.report) if h not in given] if accept else []
        if not new:
            break
        given += new
        before += result.seconds
        result = run([arg for hint in given for arg in ("--rename", hint)])
    return result, given, before
