"""Shared context helpers for the data/type/rewrite rules: table size, server version, dialect family.

Not a rule module (no ``RULE``), so discovery skips it.
"""
from __future__ import annotations

from . import Context

# A rewrite or scan of a table known to hold fewer rows than this finishes in well under a second on
# any server, so the lock it takes is a warning, not an error.
SMALL_TABLE_ROWS = 10_000
# Above this many rows a lock that waits behind a long query stalls every later query on the table.
LARGE_TABLE_ROWS = 100_000
# Rough sequential rewrite throughput for the time estimate; an order of magnitude, not a promise.
_REWRITE_BYTES_PER_SECOND = 50 * 1024 * 1024

_STEP_DOWN = {"error": "warning", "warning": "info", "info": "info"}


def is_small(ctx: Context, table: str) -> bool:
    """True only when statistics say the table is small; unknown size is never small."""
    rows = ctx.rows(table)
    return rows is not None and rows < SMALL_TABLE_ROWS


def is_large(ctx: Context, table: str) -> bool:
    rows = ctx.rows(table)
    return rows is not None and rows > LARGE_TABLE_ROWS


def step_by_size(severity: str, ctx: Context, table: str) -> str:
    """``severity`` one step lower when the table is known to be small; unchanged when unknown."""
    return _STEP_DOWN[severity] if is_small(ctx, table) else severity


def size_note(ctx: Context, table: str) -> str:
    """" (1,234,567 rows, ~40 s to rewrite)" when statistics are known, else ""."""
    if not ctx.stats or table not in ctx.stats:
        return ""
    s = ctx.stats[table]
    seconds = s.bytes / _REWRITE_BYTES_PER_SECOND
    estimate = f", ~{seconds:.0f} s to rewrite" if seconds >= 1 else ""
    return f" ({s.rows:,} rows{estimate})"


def version_at_least(ctx: Context, *version: int) -> bool | None:
    """True/False when the server version is known, None when it is not."""
    if ctx.server_version is None:
        return None
    return tuple(ctx.server_version) >= version


def is_mariadb(ctx: Context) -> bool | None:
    """MariaDB reports 10.x/11.x where MySQL reports 5.x/8.x/9.x; None when the version is unknown."""
    if ctx.server_version is None:
        return None
    return ctx.server_version[0] >= 10
