"""A history with several heads: which head the models' change belongs to.

Each head is replayed on its own (``replay_with_notes(upto=head)``) and diffed against the models: the
head whose schema needs the fewest operations to reach the models is the one the change was made on.
``head_fits`` gives every head's count; ``head_advice`` says it in one line, or says that the counts do not
single one out. Nothing is merged: generating on a head is ``--head REV`` (``replay_with_notes(upto=REV)``),
merging is the user's ``alembic merge heads``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...dialects import get_dialect
from ...differ import diff
from ...errors import MgenError
from ...schema import Schema
from .replay import replay_with_notes
from .revisions import read_graph


@dataclass(frozen=True)
class HeadFit:
    head: str
    changes: int | None  # operations from the head's schema to the models; None: the head cannot be replayed
    why: str = ""  # why not, when ``changes`` is None


def head_fits(versions_folders: Sequence[str | Path], dialect: str, models: Schema) -> list[HeadFit]:
    """Every head with the number of operations between its replayed schema and ``models``, fewest first."""
    folders = [Path(f) for f in versions_folders]
    fits = []
    for head in read_graph(folders).heads:
        try:
            schema = replay_with_notes(folders, dialect, upto=head).schema
        except MgenError as e:
            fits.append(HeadFit(head, None, e.one_line()))
            continue
        fits.append(HeadFit(head, len(diff(schema, models.keeping_extensions(schema), get_dialect(dialect)).operations)))
    return sorted(fits, key=lambda f: (f.changes is None, f.changes or 0, f.head))


def head_advice(versions_folders: Sequence[str | Path], dialect: str, models: Schema) -> str:
    """One line for a history with several heads: the head the models' change belongs to, if one is
    clearly closest, and how to generate on it."""
    fits = head_fits(versions_folders, dialect, models)
    counted = [f for f in fits if f.changes is not None]
    shown = ", ".join(f"{f.head}: {f.changes} change{'s' if f.changes != 1 else ''}" if f.changes is not None
                      else f"{f.head}: not replayable ({f.why})" for f in fits)
    if len(counted) >= 2 and counted[0].changes < counted[1].changes:
        return (f"{len(fits)} heads ({shown}): the models are closest to {counted[0].head}; generate on it with "
                f"--head {counted[0].head}, or merge the heads first (alembic merge heads)")
    if len(counted) == 1:
        return f"{len(fits)} heads ({shown}): only {counted[0].head} can be replayed; --head {counted[0].head}"
    return (f"{len(fits)} heads ({shown}): the models are as close to several heads; choose one with --head REV, "
            "or merge them first (alembic merge heads)")


__all__ = ["HeadFit", "head_advice", "head_fits"]
