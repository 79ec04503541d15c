"""The current state of an Alembic project from its revisions, choosing the starting point and the head.

``current_replay`` is what ``project.AlembicProject.current_schema`` needs beyond a plain replay:

- ``--db URL``: the history is replayed on that database from the revision its ``alembic_version`` is at
  (``replay_baseline.database_baseline``);
- a history whose revisions alter tables none creates, without ``--db``: the baseline ``db.create_all()``
  made, read from git (``replay_git.git_baseline``: the models at the parent of the commit that added the
  first revision; the note says which commit). Where git cannot say (not a repository, ...): refused,
  naming the tables and why git could not, unless ``--baseline-db models`` says to take them from the models (``models_baseline``; the notes and
  ``assumed_tables`` say so), since a change to a table taken from the models is read as part of the
  baseline and cannot be seen; a models table the history does not account for (``unaccounted_tables``:
  baseline or new?) is refused, named;
- several heads: ``--head REV`` replays up to it; without it the refusal names every head, and, when the
  models are given, the one they are closest to (``replay_heads.head_advice``). Nothing is merged.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ...errors import MgenError
from ...schema import Schema
from .replay import RevisionReplay, replay_with_notes
from .replay_baseline import Baseline, database_baseline, models_baseline, unaccounted_tables, uncreated_tables
from .revisions import RevisionGraph, read_graph

MODELS = "models"  # --baseline-db models: the baseline taken from the models, knowing its tables' changes are not seen


def current_replay(version_locations: Sequence[str | Path], dialect: str, head: str | None = None,
                   db_url: str | None = None, models: Schema | None = None, models_source: str = "the models",
                   naming_convention: dict[str, str] | None = None,
                   from_git: Callable[[RevisionGraph], Baseline | str] | None = None) -> RevisionReplay:
    """What ``alembic upgrade <head>`` leaves, from the starting point the project's history needs.
    ``from_git``: the baseline a history with one needs, read from git, or why it cannot be
    (``replay_git.git_baseline``)."""
    folders = [Path(f) for f in version_locations]
    graph = read_graph(folders)
    if head is None and len(graph.heads) > 1:
        from .replay_heads import head_advice

        advice = head_advice(folders, dialect, models) if models is not None else None
        if advice is not None:
            raise MgenError(f"the Alembic history has {advice}")
        graph.head()  # raises, naming the heads
    if db_url is not None and db_url != MODELS:
        return replay_with_notes(folders, dialect, head, naming_convention, baseline=database_baseline(db_url, graph))
    baseline = None
    needs_baseline = bool(uncreated_tables(graph))
    why_not_git = "no git repository was looked for"
    if needs_baseline and db_url != MODELS and from_git is not None:  # the models of now are not needed for it
        found = from_git(graph)
        if isinstance(found, Baseline):
            return replay_with_notes(folders, dialect, head, naming_convention, baseline=found)
        why_not_git = found
    if models is not None and needs_baseline:
        baseline = models_baseline(graph, models, models_source)
        if baseline is not None and baseline.assumed and db_url != MODELS:
            shown = ", ".join(baseline.assumed[:8]) + (f" and {len(baseline.assumed) - 8} more"
                                                      if len(baseline.assumed) > 8 else "")
            raise MgenError(f"the history starts from a baseline no revision creates (tables {shown}): taken from "
                            f"{models_source}, a change to those tables would be read as part of the baseline and "
                            f"not be seen, and git cannot say what create_all() made them from ({why_not_git}); give "
                            "--baseline-db URL (a database of this history) to read it, or --baseline-db models to "
                            "take it from the models knowing that", str(folders[0]))
        unaccounted = unaccounted_tables(graph, models, baseline) if baseline is not None else []
        if unaccounted:
            shown = ", ".join(unaccounted[:8]) + (f" and {len(unaccounted) - 8} more" if len(unaccounted) > 8 else "")
            taken = f" (tables {', '.join(baseline.assumed)} taken from {models_source})" if baseline.assumed else ""
            raise MgenError(f"the history starts from a baseline no revision creates{taken}, and no revision creates or "
                            f"names the models' tables {shown}: whether each was in that baseline or is new is not "
                            "known from the files: give --db URL to replay the history on the database",
                            str(folders[0]))
    return replay_with_notes(folders, dialect, head, naming_convention, baseline=baseline)


__all__ = ["current_replay"]
