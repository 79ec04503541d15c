"""The baseline of a history that starts from ``db.create_all()``, read from git (redash, lemur).

Such a history's first revision alters tables no revision creates (``replay_baseline``): ``create_all()``
made them from the models of its time. That time is in git: the first revision was committed into a
repository whose models, one commit earlier, are what ``create_all()`` had built the database from. So the
baseline is the models **as they were at the parent of the commit that added the history's first
revision** (its root revision; the oldest such commit when the history has several roots), found with
``git log --follow`` (a file moved since is still followed to the commit that added it; a file that first
appears in a merge, which neither parent had, is added by that merge and its first parent is taken), read with the
same static SQLAlchemy reader from that commit's tree (``gitread.export_files``: ``git ls-tree`` and ``git
cat-file``, never a checkout: the Python and requirement files are written to a temporary folder that is
removed after the read). Every table of those models is in the baseline, as ``create_all`` made them all;
unlike a baseline taken from the current models (``--baseline-db models``) its tables' later changes are
seen. The model change a revision carries may have been committed before the revision (redash's
``is_draft`` columns were in the models a few commits before the revision that adds them): an operation
those models hold the effect of already (a column there, an index not there) is skipped with a note
(``Baseline.tolerant``, as ``replay_state.ReplayState.on_assumed`` does for a models baseline); any other
refusal stays one. A table those models have that a revision creates is left out of the baseline (lemur's
``certificate_replacement_associations``, in the models a commit before the revision creating it):
``create_table`` on a database that has it fails, so the history says the baseline did not hold it.

Not used (``git_baseline`` answers why, and the caller keeps its refusal, naming it): the project folder is
not in a git repository; the first revision is not committed, or was committed with the repository's first
commit; the models' path is not in that commit's tree (for Flask-SQLAlchemy models, no ``db.Model`` classes
found there either); those models cannot be read; or a table the revisions alter but none creates is not in
those models (it came from a later ``create_all``, which the files do not show), unless a revision drops it
(lemur's ``accounts``, gone from the models before its first revision dropped it): then only its drop is
known, and what the revisions do to it before that is skipped with a note (``Baseline.doomed``).
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ... import gitread
from ...errors import MgenError
from ...schema import Schema
from .replay_baseline import Baseline, dropped_tables, tables_in_revisions
from .revisions import RevisionGraph

# files the models' reader looks at: Python modules, and the requirement and lock files a pin is read from
# (``frameworks.pins``)
_PATTERNS = ("*.py", "*.txt", "*.in", "*.toml", "*.cfg", "*.lock", "Pipfile")


@dataclass(frozen=True)
class ModelsPlace:
    """Where the project's models are now, to find them in an older tree of the same repository."""

    root: Path  # the project folder
    models: Path  # the models module or package read now
    read_root: Path  # where their imports start
    dialect: str
    flask: bool = False  # found as a Flask app's db.Model classes: found that way again if moved since
    skip: tuple[Path, ...] = ()  # the script and revision folders (not models)


def git_baseline(graph: RevisionGraph, place: ModelsPlace) -> Baseline | str:
    """The baseline the history starts from, read from git; or why it cannot be (one clause)."""
    top_out = gitread.output(place.root, "rev-parse", "--show-toplevel")
    if top_out is None:
        return "the project folder is not in a git repository"
    top = Path(top_out.decode("utf-8", "surrogateescape").strip()).resolve()
    first = _first_commit(top, graph)
    if isinstance(first, str):
        return first
    added, revision = first
    parent_out = gitread.output(top, "rev-parse", "--verify", "-q", f"{added}^1^{{commit}}")
    if parent_out is None:
        return (f"commit {added[:10]}, which added the first revision {revision}, has no parent in this "
                "repository (its first commit, or a shallow clone)")
    parent = parent_out.decode().strip()
    source = (f"the models at commit {parent[:10]} (git: the parent of {added[:10]}, which added the first "
              f"revision {revision})")
    tmp = Path(tempfile.mkdtemp(prefix="mgen-baseline-"))
    try:
        schema = _models_at(top, parent, tmp, place)
    except MgenError as e:
        shown = e.message.replace(str(tmp) + "/", f"{parent[:10]}:")
        where = f"{(e.file or '').replace(str(tmp) + '/', f'{parent[:10]}:')}" + (f":{e.line}" if e.line else "")
        return f"the models at commit {parent[:10]} cannot be read ({where + ': ' if where else ''}{shown})"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    touched, created = tables_in_revisions(graph)
    early = sorted(t.name for t in schema.tables if t.name in created)
    if early:  # committed to the models before the revision that creates them: not in the baseline
        schema = Schema(tables=tuple(t for t in schema.tables if t.name not in created), enums=schema.enums)
        source += f"; without {', '.join(early)}, which a revision creates"
    lacking = touched - created - {t.name for t in schema.tables}
    unknown = sorted(lacking - dropped_tables(graph))
    if unknown:
        return (f"the revisions alter tables no revision creates ({', '.join(unknown)}) that {source} do not "
                "have: a later create_all() made them, which the files do not show")
    gone = tuple(sorted(lacking))  # dropped by a revision: what they held before matters to nothing left
    return Baseline(schema, source, vanished=gone, doomed=gone, tolerant=tuple(sorted(t.name for t in schema.tables)))


def _first_commit(top: Path, graph: RevisionGraph) -> tuple[str, str] | str:
    """(the commit that added the history's first revision, that revision), the oldest of several roots."""
    roots = sorted((r for r in graph.revisions.values() if not r.down), key=lambda r: r.id)
    found: list[tuple[int, str, str]] = []
    for rev in roots:
        try:
            rel = rev.path.resolve().relative_to(top)
        except ValueError:
            return f"the first revision {rev.id} is outside the git repository at {top}"
        lines = _added_by(top, "--follow", str(rel)) or _added_by(top, "--full-history", "-m", str(rel))
        if len(lines) < 2:
            return f"the first revision {rev.id} ({rel}) is not committed"
        sha, when = lines[-2], int(lines[-1])
        found.append((when, sha, rev.id))
    if not found:
        return "the history has no first revision"
    _, sha, rev_id = min(found)
    return sha, rev_id


def _added_by(top: Path, how: str, *rest: str) -> list[str]:
    """``[sha, time]`` of the oldest commit that added a path, as ``git log --diff-filter=A`` finds it (``how``:
    ``--follow`` through renames; ``--full-history -m`` where the file first appears in a merge, which
    neither parent had: lemur's revisions came in by a merge's conflict resolution), else []."""
    log = gitread.output(top, "log", how, *rest[:-1], "--diff-filter=A", "--format=%H %ct", "--", rest[-1])
    return log.decode().split()[-2:] if log else []


def _models_at(top: Path, commit: str, tmp: Path, place: ModelsPlace):
    """The models' schema as the reader reads them from ``commit``'s tree (written under ``tmp``)."""
    from ..sqlalchemy import read_models_with_notes
    from .models_entry import flask_models

    if not gitread.export_files(top, commit, tmp, _PATTERNS):
        raise MgenError(f"git could not read the files of commit {commit[:10]}")
    rel = place.models.resolve().relative_to(top)
    models = tmp / rel
    read_root = tmp / place.read_root.resolve().relative_to(top)
    if not models.exists():
        if not place.flask:
            raise MgenError(f"the models' path {rel} is not in that commit's tree")
        old_root = tmp / place.root.resolve().relative_to(top)
        skip = tuple(tmp / p.resolve().relative_to(top) for p in place.skip if p.resolve().is_relative_to(top))
        models, _ = flask_models(old_root, skip)
        from ..pyast import import_root

        read_root = import_root(models)
    return read_models_with_notes(models, place.dialect, root=read_root).schema


__all__ = ["ModelsPlace", "git_baseline"]
