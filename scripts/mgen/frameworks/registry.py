"""The frameworks mgen knows, in the order detection asks them: the one place a framework is listed.

``BUILTIN`` names each framework's class by import path, so that listing them imports nothing heavy (each
``framework.py`` imports its readers only inside the methods that need them). ``register`` adds one more at
run time (first or last in the detection order), for a plugin or a test; ``unregister`` takes it away.
"""
from __future__ import annotations

from importlib import import_module

from .base import Framework

# detection order: a project's own configuration file decides before a raw-SQL folder does
BUILTIN = (
    "mgen.frameworks.django.framework:DjangoFramework",
    "mgen.frameworks.alembic.framework:AlembicFramework",
    "mgen.frameworks.prisma.framework:PrismaFramework",
    "mgen.frameworks.drizzle.framework:DrizzleFramework",
    "mgen.frameworks.sqlfolder.framework:SqlFolderFramework",
)

_loaded: list[Framework] | None = None


def frameworks() -> list[Framework]:
    """Every registered framework, in detection order."""
    global _loaded
    if _loaded is None:
        _loaded = []
        for spec in BUILTIN:
            module, _, cls = spec.partition(":")
            _loaded.append(getattr(import_module(module), cls)())
    return list(_loaded)


def register(framework: Framework, *, first: bool = False) -> Framework:
    """Add ``framework`` (last in the detection order, or first); a framework of the same name is replaced."""
    current = [f for f in frameworks() if f.name != framework.name]
    global _loaded
    _loaded = [framework, *current] if first else [*current, framework]
    return framework


def unregister(name: str) -> None:
    global _loaded
    _loaded = [f for f in frameworks() if f.name != name]


def get(name: str | None) -> Framework | None:
    """The framework that answers for ``name`` (a detection's framework), None when none does."""
    if name is None:
        return None
    return next((f for f in frameworks() if name in f.names), None)


def fallback() -> Framework:
    """The framework ``generate`` uses when a desired-state file is given or no framework was detected."""
    return next(f for f in frameworks() if f.fallback)
