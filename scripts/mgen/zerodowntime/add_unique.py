"""Add a unique constraint to a table in use: PostgreSQL builds the unique index CONCURRENTLY (its own
migration, outside a transaction), then ``ADD CONSTRAINT ... UNIQUE USING INDEX`` turns it into the
constraint with a brief lock; MySQL adds it with ALGORITHM=INPLACE, LOCK=NONE."""
from __future__ import annotations

from dataclasses import replace

from ..operations import AddIndex, AddUnique
from ..schema import Index
from . import Expansion, PlanContext, Step, expands

_HASHED_TYPES = frozenset({"text", "json", "jsonb", "binary"})


@expands(AddUnique)
def expand_add_unique(op: AddUnique, ctx: PlanContext) -> Expansion | None:
    if op.using_index is not None or op.online:
        return None
    u = op.unique
    if ctx.dialect.supports_not_valid:  # PostgreSQL
        index = Index(u.name, u.columns, unique=True)
        return Expansion((Step(f"add_unique_index_{u.name}_online", (AddIndex(op.table, index, online=True),)),
                          Step(f"add_unique_{u.name}_using_index", (AddUnique(op.table, u, using_index=index),))))
    table = ctx.before.table(op.table)
    long_values = [c for c in u.columns if table.column(c).type.name in _HASHED_TYPES]
    if long_values:
        # MariaDB enforces UNIQUE on TEXT/BLOB through a hidden hash column, which only a copy can add
        ctx.notes.append(f"unique {u.name} on {op.table} ({', '.join(long_values)}) cannot be added in place "
                         "(a unique over TEXT/BLOB needs a table copy): one statement, in its own migration")
        return None
    if ctx.dialect.online_alter_clause:
        return Expansion((Step(f"add_unique_{u.name}_online", (replace(op, online=True),)),))
    return None
