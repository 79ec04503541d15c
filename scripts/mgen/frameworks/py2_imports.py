"""Python 2's implicit relative imports: in a package's module, ``from base import X`` is the package's own
``base`` module when it has one (PEP 328; ``from __future__ import absolute_import`` turns it off).

Kiwi TCMS 2017 (``tcms/core/models/__init__.py``: ``from base import UrlMixin``, ``from fields import
BlobField``) ran on Python 2, where those are ``tcms.core.models.base`` and ``tcms.core.models.fields``; read
as Python 3 reads them they are libraries nobody installed. ``implicit_relative`` rewrites a parsed module's
import bindings (and star imports) of the statements at its top level the way Python 2 resolved them; it is
applied only to a project whose packaging declares Python 2 (``django/python2.py``).
"""
from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from .pyast import Module


def unicode_literals(tree: ast.Module) -> bool:
    """Whether the module starts with ``from __future__ import unicode_literals`` (its string literals are text
    on Python 2; without it they are byte strings)."""
    return _future(tree, "unicode_literals")


def implicit_relative(module: Module) -> None:
    """Rewrite ``module``'s top-level absolute imports whose first name is a sibling module of its package."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    if not package or _absolute_import(module.tree):
        return
    folder = module.path.parent
    targets: dict[tuple[str, int], str] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if _sibling(folder, alias.name):
                    bound = alias.asname or alias.name.split(".")[0]
                    targets[(bound, stmt.lineno)] = f"{package}.{alias.name if alias.asname else bound}"
        elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module and _sibling(folder, stmt.module):
            source = f"{package}.{stmt.module}"
            for alias in stmt.names:
                if alias.name == "*":
                    module.star_imports[:] = [(line, source if line == stmt.lineno else s)
                                              for line, s in module.star_imports]
                else:
                    targets[(alias.asname or alias.name, stmt.lineno)] = f"{source}.{alias.name}"
    for name, bindings in module.symbols.items():
        bindings[:] = [replace(b, target=targets[(name, b.line)]) if b.kind == "import" and (name, b.line) in targets
                       else b for b in bindings]


def _sibling(folder: Path, dotted: str) -> bool:
    head = dotted.split(".")[0]
    return (folder / f"{head}.py").is_file() or (folder / head / "__init__.py").is_file()


def _absolute_import(tree: ast.Module) -> bool:
    return _future(tree, "absolute_import")


def _future(tree: ast.Module, feature: str) -> bool:
    return any(isinstance(s, ast.ImportFrom) and s.module == "__future__" and any(a.name == feature
               for a in s.names) for s in tree.body)
