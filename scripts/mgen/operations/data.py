"""Data operations: steps that change rows, not the schema."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Operation


@dataclass(frozen=True)
class Backfill(Operation):
    """A data step: ``UPDATE table SET column = value`` for the rows where ``column IS NULL`` (and
    ``where``), in batches of ``batch_size`` rows walked by primary key (keyset, never OFFSET), each
    batch its own transaction; ``batch_size`` None is one statement. The guard makes it idempotent:
    re-run after a crash, it skips the rows already done.

    ``value`` and ``where`` are canonical expressions (mgen.expressions). ``column`` None changes no
    data. The inverse is the backfill named by ``undo_column``/``undo_value`` (None: nothing to undo,
    as when the column it filled goes away in the down anyway), so a contract step that drops a
    column can carry the backfill that refills it on the way down.
    """

    kind: ClassVar[str] = "backfill"
    table: str
    column: str | None
    value: str | None
    where: str | None = None
    batch_size: int | None = 1000
    undo_column: str | None = None
    undo_value: str | None = None
    undo_where: str | None = None

    def apply(self, schema):
        return schema  # data only

    def reverse(self):
        return Backfill(self.table, self.undo_column, self.undo_value, self.undo_where, self.batch_size,
                        self.column, self.value, self.where)

    def describe(self):
        if self.column is None:
            return f"no data change on {self.table} (the reverse backfills {self.table}.{self.undo_column})"
        batches = f"in batches of {self.batch_size}" if self.batch_size else "in one statement"
        return f"backfill {self.table}.{self.column} = {self.value} where it is NULL, {batches}"
