"""Constraint and index names as Prisma derives them: ``<Table>_pkey``, ``<Table>_<cols>_key``,
``<Table>_<cols>_idx``, ``<Table>_<cols>_fkey``; when the name would pass the database's identifier limit
(PostgreSQL 63, MySQL 64), the part before the suffix is cut so that the whole is exactly the limit
(checked against Prisma's schema engine in tests/frameworks/prisma/test_prisma_oracle.py)."""
from __future__ import annotations


def index_name(table: str, columns: tuple[str, ...], suffix: str, limit: int) -> str:
    stem = "_".join((table, *columns))
    if len(stem) + len(suffix) > limit:
        stem = stem[: limit - len(suffix)]
    return stem + suffix
