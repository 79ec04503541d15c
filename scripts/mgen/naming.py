"""Names for constraints and indexes the source left unnamed.

PostgreSQL's own convention (``users_email_key``, ``posts_user_id_fkey``, ``users_pkey``,
``orders_total_check``, ``users_email_idx``) so that what we create matches what PostgreSQL would have
named it; truncated with a stable hash to fit every dialect's 63/64-character identifier limit.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

MAX_IDENTIFIER = 63


def fit(name: str, limit: int = MAX_IDENTIFIER) -> str:
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return name[: limit - 9] + "_" + digest


def _join(table: str, columns: Sequence[str], suffix: str) -> str:
    cols = "_".join(c.strip("()").replace(" ", "_") for c in columns)
    return fit(f"{table}_{cols}_{suffix}" if cols else f"{table}_{suffix}")


def primary_key_name(table: str) -> str:
    return fit(f"{table}_pkey")


def unique_name(table: str, columns: Sequence[str]) -> str:
    return _join(table, columns, "key")


def foreign_key_name(table: str, columns: Sequence[str]) -> str:
    return _join(table, columns, "fkey")


def index_name(table: str, columns: Sequence[str]) -> str:
    return _join(table, columns, "idx")


def check_name(table: str, columns: Sequence[str] = ()) -> str:
    return _join(table, columns, "check")
