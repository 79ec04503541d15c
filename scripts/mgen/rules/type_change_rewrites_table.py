"""type-change-rewrites-table: a widening type change that still rewrites the table under a lock."""
from __future__ import annotations

from ..operations import AlterColumnType, Operation
from ..schema import ColumnType
from . import Context, Rule
from ._sizing import size_note, step_by_size

# utf8mb4, MySQL's default character set, takes up to 4 bytes a character
MYSQL_BYTES_PER_CHAR = 4
# a VARCHAR stores its length in 1 byte up to 255 bytes, in 2 beyond: crossing that line copies the table
MYSQL_ONE_LENGTH_BYTE_MAX = 255


def pg_in_place(old: ColumnType, new: ColumnType) -> bool:
    """PostgreSQL changes that are binary-coercible and only relax a limit: the catalog changes, no row does."""
    if old.name == "varchar" and new.name == "varchar":
        return new.length is None or (old.length is not None and new.length >= old.length)
    if old.name == "varchar" and new.name == "text":
        return True
    if old.name == "numeric" and new.name == "numeric":
        if new.precision is None:
            return True  # dropping the precision limit keeps every stored value as it is
        same_scale = (old.scale or 0) == (new.scale or 0)
        return old.precision is not None and same_scale and new.precision >= old.precision
    # bytea has no length: a binary length change is no change on PostgreSQL
    return old.name == "binary" and new.name == "binary"


def mysql_in_place(old: ColumnType, new: ColumnType) -> bool:
    """MySQL/MariaDB grow a VARCHAR in place only while the length prefix keeps its size."""
    if old.name != "varchar" or new.name != "varchar" or old.length is None or new.length is None:
        return False
    if new.length < old.length:
        return False
    old_bytes, new_bytes = old.length * MYSQL_BYTES_PER_CHAR, new.length * MYSQL_BYTES_PER_CHAR
    return new_bytes <= MYSQL_ONE_LENGTH_BYTE_MAX or old_bytes > MYSQL_ONE_LENGTH_BYTE_MAX


def rewrites(op: AlterColumnType, dialect: str) -> bool:
    """True when the type change rewrites every row on ``dialect`` (PostgreSQL or MySQL)."""
    if dialect == "postgresql":
        return not pg_in_place(op.old, op.new)
    return not mysql_in_place(op.old, op.new)


class TypeChangeRewritesTableRule(Rule):
    id = "type-change-rewrites-table"
    severity = "error"
    hazards = ("table rewrite", "blocking lock")
    dialects = ("postgresql", "mysql")
    safe_alternative = ("Add a column of the new type, backfill it in batches, switch reads and writes, "
                        "then drop the old column.")

    def check(self, op: Operation, ctx: Context) -> str | None:
        # narrowing/lossy changes are lossy-type-change's; this rule is about the safe-looking ones
        if not isinstance(op, AlterColumnType) or not op.widening or op.old == op.new:
            return None
        if ctx.is_new_table(op.table) or not rewrites(op, ctx.dialect):
            return None
        change = f"changing {op.table}.{op.column} from {op.old.describe()} to {op.new.describe()}"
        where = size_note(ctx, op.table)
        if ctx.dialect == "postgresql":
            return (f"{change} rewrites the table{where} and its indexes under an ACCESS EXCLUSIVE lock: "
                    "reads and writes wait until it ends")
        if op.old.name == "varchar" and op.new.name == "varchar":
            return (f"{change} moves the stored length past {MYSQL_ONE_LENGTH_BYTE_MAX} bytes (utf8mb4), "
                    f"so MySQL copies the table{where} (ALGORITHM=COPY): writes wait until it ends")
        return f"{change} copies the table{where} (ALGORITHM=COPY): writes wait until it ends"

    def severity_for(self, op: Operation, ctx: Context) -> str:
        return step_by_size(self.severity, ctx, op.table)


RULE = TypeChangeRewritesTableRule()
