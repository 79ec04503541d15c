"""Build or drop an index without blocking writes: PostgreSQL CONCURRENTLY, in a migration of its own
that runs outside a transaction (a failed build leaves an INVALID index: drop it and run again);
MySQL ALGORITHM=INPLACE, LOCK=NONE, which the server refuses rather than lock when it cannot."""
from __future__ import annotations

from dataclasses import replace

from ..operations import AddIndex, DropIndex
from . import Expansion, PlanContext, Step, expands


@expands(AddIndex, DropIndex)
def expand_index(op: AddIndex | DropIndex, ctx: PlanContext) -> Expansion | None:
    if op.online or not (ctx.dialect.online_index_keyword or ctx.dialect.online_alter_clause):
        return None
    verb = "add" if isinstance(op, AddIndex) else "drop"
    return Expansion((Step(f"{verb}_index_{op.index.name}_online", (replace(op, online=True),)),))
