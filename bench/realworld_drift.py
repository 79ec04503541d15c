"""In-sync operations the project's own history adds later: its models were ahead of its migrations there.

A sampled commit is measured in sync on the assumption that the project's models and migrations agree at
it. Some do not: the commit changed a model and forgot a migration (taiga-back's ``Meta.ordering`` of its
webhooks, django-helpdesk's ``blank=True`` on attachments), and a later commit adds the migration. There the
operations mgen reports are the right answer, not a miss of mgen's: when every one of them (its operation,
app, model and name, as ``Operation.key``) is in a migration one of the next first-parent commits adds, the
in-sync miss is classed ``DRIFT``, naming that commit. Nothing else changes: it stays a miss, not a no-op.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import realworld_git as rw

DRIFT = "project drift (a later commit adds them)"
LOOK_AHEAD = 30  # later commits that add migrations, read at most


@functools.lru_cache(maxsize=8)
def _history(source: rw.Source) -> tuple[rw.Commit, ...]:
    return tuple(rw.first_parent_commits(source))


def classify(in_sync: dict[str, Any], framework: Any, source: rw.Source, sha: str) -> None:
    """An in-sync record's "operations reported" miss classed ``DRIFT`` when a later commit adds them all."""
    misses, keys = in_sync.get("misses") or [], in_sync.get("reported") or []
    if len(misses) == 1 and misses[0]["class"] == rw.OPERATIONS and keys:
        later = later_commit(framework, source, sha, [tuple(k) for k in keys])
        if later:
            misses[0].update({"class": DRIFT, "detail": f"added by {later}: {misses[0]['detail']}"[:300]})


def later_commit(framework: Any, source: rw.Source, sha: str, reported: Sequence[tuple[str, ...]]) -> str | None:
    """The first later first-parent commit by which the migrations added since ``sha`` hold every reported
    operation key, as ``<sha> <date>``; None when the next ``LOOK_AHEAD`` commits adding migrations do not."""
    history = _history(source)
    after = next((i for i, c in enumerate(history) if c.sha == sha), None)
    if after is None or not reported:
        return None
    wanted = set(reported)
    seen = 0
    for commit in history[after + 1:]:
        added = commit.paths("A", framework.is_migration_path)
        if not added:
            continue
        seen += 1
        for path, text in rw.read_blobs(source.git_dir, commit.sha, added).items():
            try:
                ops, _ = framework.read_file(path, text)
            except (SyntaxError, rw.NotComparable):
                continue
            wanted -= {op.key for op in ops}
        if not wanted:
            return f"{commit.sha[:10]} {commit.date}"
        if seen >= LOOK_AHEAD:
            return None
    return None
