"""foreign-key-without-index: a foreign key whose columns lead no index makes every parent delete scan the child.

PostgreSQL and SQLite do not index the referencing columns by themselves (MySQL/MariaDB do, so they are
not covered). A key is covered when its columns, in any order, are the leading columns of the primary key,
a unique constraint, or a plain (btree, non-partial) index of the table. Applies to foreign keys added to
a table and to those of a table created by the migration.

The table is judged as it stands after the operation. If the context carries the schema after the whole
migration (``ctx.final``), an index added by a later operation counts too.
"""
from __future__ import annotations

from ..operations import AddForeignKey, CreateTable, Operation
from ..schema import ForeignKey, Table
from . import Context, Rule
from ._sizing import is_small


def is_covered(fk: ForeignKey, table: Table) -> bool:
    """True when some index of ``table`` can find the rows of one referenced key without a scan."""
    n = len(fk.columns)
    wanted = set(fk.columns)
    leading = []
    if table.primary_key is not None:
        leading.append(table.primary_key.columns)
    leading.extend(u.columns for u in table.uniques)
    # expression, partial and non-btree indexes cannot serve the equality lookup a parent delete makes
    leading.extend(i.columns for i in table.indexes if i.where is None and i.method in (None, "btree"))
    return any(len(cols) >= n and set(cols[:n]) == wanted for cols in leading)


class ForeignKeyWithoutIndexRule(Rule):
    id = "foreign-key-without-index"
    severity = "warning"
    hazards = ("full scan under lock",)
    dialects = ("postgresql", "sqlite")
    safe_alternative = ("Add an index whose leading columns are the foreign key's columns (on PostgreSQL, "
                        "CREATE INDEX CONCURRENTLY for an existing table).")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if isinstance(op, CreateTable):
            tables, fks = [op.table_def], op.table_def.foreign_keys
        elif isinstance(op, AddForeignKey):
            tables, fks = [op.apply(ctx.before).table(op.table)], (op.foreign_key,)
        else:
            return None
        final = ctx.final
        if final is not None and final.has_table(op.table):
            tables.append(final.table(op.table))
        bare = [fk for fk in fks if not any(is_covered(fk, t) for t in tables)]
        if not bare:
            return None
        what = "; ".join(f"{fk.name} ({', '.join(fk.columns)}) -> {fk.ref_table}" for fk in bare)
        return (f"no index on {op.table} leads with the columns of foreign key {what}: each delete or key update "
                f"on the referenced table scans {op.table}")

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return "info" if is_small(ctx, op.table) else self.severity


RULE = ForeignKeyWithoutIndexRule()
