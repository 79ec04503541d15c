"""SQL dialects by name. One module per dialect; each overrides only what differs."""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .names import ALIASES, DIALECTS, canonical_name

if TYPE_CHECKING:
    from .base import Dialect, Unsupported, render_migration, renders

_MODULES = {"postgresql": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}
_cache: dict[str, Dialect] = {}
_FROM_BASE = ("Dialect", "Unsupported", "render_migration", "renders")


def __getattr__(name: str) -> Any:
    """``base``'s names, imported when first used: the command line needs only the dialect names."""
    if name in _FROM_BASE:
        from . import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_dialect(name: str) -> Dialect:
    key = canonical_name(name)
    if key not in _cache:
        module = import_module(f".{_MODULES[key]}", __name__)
        _cache[key] = module.DIALECT
    return _cache[key]


__all__ = ["ALIASES", "DIALECTS", "Dialect", "Unsupported", "canonical_name", "get_dialect", "render_migration", "renders"]
