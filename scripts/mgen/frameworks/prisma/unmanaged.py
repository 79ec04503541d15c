"""What a Prisma schema cannot say and ``prisma migrate`` leaves alone: CHECK constraints, comments and partial
indexes (``CREATE INDEX ... WHERE``) that migrations added by hand. Prisma's differ never sees them, so it never
drops them; mgen keeps them in the desired state of every table both states have, so that no migration drops
them either. (Extensions a migration created are kept for every models-based framework alike:
``Schema.keeping_extensions`` in ``frameworks/generate.py``.)"""
from __future__ import annotations

from dataclasses import replace

from ...schema import Schema


def keep_unmanaged(current: Schema, desired: Schema) -> Schema:
    out = desired
    for table in desired.tables:
        if not current.has_table(table.name):
            continue
        old = current.table(table.name)
        names = {c.name for c in table.checks}
        checks = table.checks + tuple(c for c in old.checks if c.name not in names)
        have = {i.name for i in table.indexes} | {u.name for u in table.uniques}
        # a partial index on expressions too ("(lower(email))": Index.columns); its plain columns must remain
        indexes = table.indexes + tuple(i for i in old.indexes if i.where and i.name not in have
                                        and all(c.startswith("(") or table.has_column(c) for c in i.columns))
        if checks != table.checks or indexes != table.indexes or (old.comment and not table.comment):
            out = out.with_table(replace(table, checks=checks, indexes=indexes, comment=table.comment or old.comment))
    return out
