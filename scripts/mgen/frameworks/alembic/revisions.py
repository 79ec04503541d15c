"""The revision graph of an Alembic ``versions`` folder, read statically.

A revision file assigns module-level ``revision``, ``down_revision`` (None, an id, or a tuple/list of ids
for a merge), ``branch_labels`` and ``depends_on``, plain or annotated (``revision: str = "abc"``).
The graph gives the heads (revisions nothing revises), the order from the base to a head (parents before
children, as ``alembic upgrade`` runs them) and clear errors for what Alembic itself refuses: a duplicate
id, a ``down_revision`` naming no revision, a cycle, a file without ``revision``.
"""
from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError
from ..graphs import find_cycle
from ..pyast import parse_file, simple_assignment


@dataclass(frozen=True)
class Revision:
    id: str
    down: tuple[str, ...]  # the revisions this one revises (several: a merge; none: a base)
    path: Path
    line: int  # of the ``revision =`` assignment
    branch_labels: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()


def _ids(node: ast.expr, what: str, path: Path) -> tuple[str, ...]:
    if isinstance(node, ast.Constant) and node.value is None:
        return ()
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, (ast.Tuple, ast.List)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
    raise MgenError(f"{what} is not a revision id, None or a tuple of ids", str(path), node.lineno)


def read_revision(path: Path) -> Revision | None:
    """The revision a file defines; None for a Python file that defines none (a helper module)."""
    tree = parse_file(path)
    values: dict[str, ast.expr] = {}
    lines: dict[str, int] = {}
    for stmt in tree.body:
        assigned = simple_assignment(stmt)
        if assigned is None:
            continue
        name, value = assigned
        values[name], lines[name] = value, stmt.lineno
    if "revision" not in values:
        return None
    ids = _ids(values["revision"], "revision", path)
    if len(ids) != 1:
        raise MgenError("revision must be one id", str(path), lines["revision"])
    if "down_revision" not in values:
        raise MgenError("revision file without down_revision", str(path), lines["revision"])
    return Revision(
        id=ids[0],
        down=_ids(values["down_revision"], "down_revision", path),
        path=path,
        line=lines["revision"],
        branch_labels=_ids(values["branch_labels"], "branch_labels", path) if "branch_labels" in values else (),
        depends_on=_ids(values["depends_on"], "depends_on", path) if "depends_on" in values else (),
    )


@dataclass(frozen=True)
class RevisionGraph:
    revisions: dict[str, Revision]

    @property
    def heads(self) -> list[str]:
        revised = {d for r in self.revisions.values() for d in r.down}
        return sorted(r for r in self.revisions if r not in revised)

    def head(self) -> str | None:
        """The single head (None for an empty folder); several heads: an error naming each (its file and
        the revisions it has of its own since the branches split) and saying how to choose."""
        heads = self.heads
        if len(heads) > 1:
            raise MgenError(f"the Alembic history has {len(heads)} heads ({', '.join(heads)}): "
                            f"{self.describe_heads()}; give --head REV to generate on one of them, or merge them "
                            "first (alembic merge heads)")
        return heads[0] if heads else None

    def ancestors(self, rev_id: str) -> set[str]:
        """``rev_id`` and every revision it revises or depends on, transitively."""
        seen: set[str] = set()
        todo = [rev_id]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            rev = self.revisions[current]
            todo.extend((*rev.down, *rev.depends_on))
        return seen

    def own_revisions(self, head: str) -> list[str]:
        """The revisions of ``head``'s branch that no other head has, in upgrade order."""
        shared: set[str] = set()
        for other in self.heads:
            if other != head:
                shared |= self.ancestors(other)
        return [r.id for r in self.upgrade_order(head) if r.id not in shared]

    def describe_heads(self) -> str:
        """``abc (abc_add_x.py, branch "feature", 2 revisions of its own: a1, abc)`` for each head."""
        parts = []
        for head in self.heads:
            rev = self.revisions[head]
            own = self.own_revisions(head)
            label = f", branch {', '.join(repr(b) for b in rev.branch_labels)}" if rev.branch_labels else ""
            parts.append(f"{head} ({rev.path.name}{label}, {len(own)} revision{'s' if len(own) != 1 else ''} of its "
                         f"own: {', '.join(own)})")
        return "; ".join(parts)

    def upgrade_order(self, target: str | None = None) -> list[Revision]:
        """Every revision up to ``target`` (default: the single head), parents before children."""
        target = target or self.head()
        if target is None:
            return []
        order: list[Revision] = []
        done: set[str] = set()
        stack: list[tuple[str, bool]] = [(target, False)]
        while stack:  # depth-first, parents in file order, without recursion (histories run to thousands)
            rev_id, expanded = stack.pop()
            if rev_id in done:
                continue
            if expanded:
                done.add(rev_id)
                order.append(self.revisions[rev_id])
                continue
            rev = self.revisions[rev_id]
            stack.append((rev_id, True))
            stack.extend((p, False) for p in reversed((*rev.down, *rev.depends_on)) if p not in done)
        return order


def read_graph(folders: Sequence[Path], recursive: bool = False) -> RevisionGraph:
    """The revisions of every ``*.py`` file in ``folders`` (Alembic's version_locations), and in their
    sub-folders with ``recursive`` (``recursive_version_locations = true``)."""
    revisions: dict[str, Revision] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py") if recursive else folder.glob("*.py")):
            if "__pycache__" in path.parts:
                continue
            rev = read_revision(path)
            if rev is None:
                continue
            if rev.id in revisions:
                raise MgenError(f"duplicate revision id {rev.id!r} (also {revisions[rev.id].path.name})",
                                str(path), rev.line)
            revisions[rev.id] = rev
    for rev in revisions.values():
        for parent in (*rev.down, *rev.depends_on):
            if parent not in revisions:
                raise MgenError(f"revision {rev.id} revises {parent!r}, which no file defines", str(rev.path),
                                rev.line)
    cycle = find_cycle({rev.id: (*rev.down, *rev.depends_on) for rev in revisions.values()})
    if cycle:  # Alembic's CycleDetected; with no head, a plan from the heads would skip it without a word
        first = revisions[cycle[0]]
        raise MgenError(f"revision cycle: {' -> '.join(cycle)}", str(first.path), first.line)
    return RevisionGraph(revisions)
