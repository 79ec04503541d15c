"""mysql-copy-algorithm: MySQL/MariaDB operations that copy or rebuild the whole table.

Type changes are left to type-change-rewrites-table and lossy-type-change, ENUM member changes to
mysql-enum-reorder, added keys to add-primary-key and add-foreign-key, so one operation does not carry
the same warning twice. A linted statement that names ALGORITHM=INSTANT or INPLACE is not flagged: the
server refuses it rather than copying.
"""
from __future__ import annotations

from ..operations import (
    AddColumn,
    AlterColumnIdentity,
    AlterColumnNullability,
    DropColumn,
    Operation,
    SetPrimaryKey,
)
from . import Context, Rule
from ._sizing import is_mariadb, size_note, step_by_size, version_at_least

COPY, REBUILD = "copy", "rebuild"


def _instant_add_column(ctx: Context) -> bool | None:
    """ADD COLUMN (at the end, as mgen writes it) is INSTANT from MySQL 8.0.12 and MariaDB 10.3."""
    mariadb = is_mariadb(ctx)
    if mariadb is None:
        return None
    return version_at_least(ctx, 10, 3) if mariadb else version_at_least(ctx, 8, 0, 12)


def _instant_drop_column(ctx: Context) -> bool | None:
    """DROP COLUMN is INSTANT from MySQL 8.0.29 and MariaDB 10.4."""
    mariadb = is_mariadb(ctx)
    if mariadb is None:
        return None
    return version_at_least(ctx, 10, 4) if mariadb else version_at_least(ctx, 8, 0, 29)


def classify(op: Operation, ctx: Context) -> tuple[str, str] | None:
    """(COPY|REBUILD, message) for an operation that copies or rebuilds its table, else None."""
    where = size_note(ctx, op.table)
    if isinstance(op, AlterColumnNullability):
        # allowed INPLACE with concurrent writes, but every row is still rewritten
        return REBUILD, (f"changing nullability of {op.table}.{op.column} rebuilds the table{where} "
                         "(ALGORITHM=INPLACE at best)")
    if isinstance(op, AlterColumnIdentity):
        return COPY, (f"changing AUTO_INCREMENT on {op.table}.{op.column} redefines the column: "
                      f"MySQL copies the table{where} (ALGORITHM=COPY) and writes wait")
    if isinstance(op, SetPrimaryKey) and op.new is None:
        # InnoDB must invent a hidden clustered key: only the COPY algorithm can do that
        return COPY, (f"dropping the primary key of {op.table} without a replacement copies the "
                      f"table{where} (ALGORITHM=COPY) and writes wait")
    if isinstance(op, AddColumn) and op.column.generated and op.column.generated.stored:
        return None  # add-stored-generated-column
    if isinstance(op, AddColumn) and not op.column.identity:  # identity: add-identity-column
        if _instant_add_column(ctx) is False:
            return REBUILD, (f"adding {op.table}.{op.column.name} rebuilds the table{where}: this server "
                             "predates INSTANT ADD COLUMN (MySQL 8.0.12, MariaDB 10.3)")
        return None
    if isinstance(op, DropColumn):
        instant = _instant_drop_column(ctx)
        if instant is False:
            return REBUILD, (f"dropping {op.table}.{op.column.name} rebuilds the table{where}: this server "
                             "predates INSTANT DROP COLUMN (MySQL 8.0.29, MariaDB 10.4)")
        if instant is None:
            return REBUILD, (f"dropping {op.table}.{op.column.name} rebuilds the table{where} unless the "
                             "server is MySQL 8.0.29+ or MariaDB 10.4+ (INSTANT); pass --db to know")
    return None


class MysqlCopyAlgorithmRule(Rule):
    id = "mysql-copy-algorithm"
    severity = "warning"
    hazards = ("table rewrite", "blocking lock")
    dialects = ("mysql",)
    safe_alternative = ("Run it with ALGORITHM=INPLACE, LOCK=NONE where allowed, or with an online schema "
                        "change tool (gh-ost, pt-online-schema-change) on a large table.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        if ctx.is_new_table(op.table):
            return None
        if ctx.statement is not None and (ctx.statement.algorithm or "").upper() in ("INSTANT", "INPLACE"):
            return None
        found = classify(op, ctx)
        return found[1] if found else None

    def severity_for(self, op: Operation, ctx: Context) -> str:
        found = classify(op, ctx)
        # an in-place rebuild lets writes through: worth knowing, not a blocker
        base = self.severity if found and found[0] == COPY else "info"
        return step_by_size(base, ctx, op.table)


RULE = MysqlCopyAlgorithmRule()
