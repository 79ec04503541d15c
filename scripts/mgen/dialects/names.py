"""Dialect names and their aliases: what the command line accepts, without importing any dialect."""
from __future__ import annotations

from ..errors import MgenError

ALIASES = {
    "postgresql": "postgresql", "postgres": "postgresql", "pg": "postgresql",
    "mysql": "mysql", "mariadb": "mysql",
    "sqlite": "sqlite", "sqlite3": "sqlite",
}
DIALECTS = ("postgresql", "mysql", "sqlite")


def canonical_name(name: str) -> str:
    try:
        return ALIASES[name.lower()]
    except KeyError:
        raise MgenError(f"unknown dialect {name!r} (choose one of: {', '.join(DIALECTS)})") from None
