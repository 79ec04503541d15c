"""SQL dialects by name. One module per dialect; each overrides only what differs."""
from __future__ import annotations

from importlib import import_module

from ..errors import MgenError
from .base import Dialect, Unsupported, render_migration, renders

ALIASES = {
    "postgresql": "postgresql", "postgres": "postgresql", "pg": "postgresql",
    "mysql": "mysql", "mariadb": "mysql",
    "sqlite": "sqlite", "sqlite3": "sqlite",
}
_MODULES = {"postgresql": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}
_cache: dict[str, Dialect] = {}

DIALECTS = tuple(_MODULES)


def canonical_name(name: str) -> str:
    try:
        return ALIASES[name.lower()]
    except KeyError:
        raise MgenError(f"unknown dialect {name!r} (choose one of: {', '.join(DIALECTS)})") from None


def get_dialect(name: str) -> Dialect:
    key = canonical_name(name)
    if key not in _cache:
        module = import_module(f".{_MODULES[key]}", __name__)
        _cache[key] = module.DIALECT
    return _cache[key]


__all__ = ["DIALECTS", "Dialect", "Unsupported", "canonical_name", "get_dialect", "render_migration", "renders"]
