"""SQLAlchemy-Searchable's GIN indexes, which the models do not declare.

``make_searchable(...)`` listens for every mapper made after it (``instrument_class``): a mapped class with a
``TSVectorType`` column (SQLAlchemy-Utils) gets ``Index("ix_<table>_<column>", column, postgresql_using="gin")``
(``SearchManager.append_index``), unless ``auto_index`` is off (3.x: ``SearchOptions(auto_index=False)`` or
the type's own ``auto_index=False``). The triggers and functions it adds are not schema objects mgen compares.

Read statically: the module-level ``make_searchable(...)`` calls of the models' modules and, per class, whether
it is mapped after one ran: it is defined below the call in the same module, or its module imports the
call's module (directly or through the project's modules, parent packages included); one above the call
in its module is not indexed. Where the order is not known, or ``auto_index`` is spelled, the class is refused
naming the file and line.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable

from ..pyast import ClassRef, External, Module, _absolute, call_kwargs, text_of
from .reader import ConstructReader, Scope
from .specs import IndexSpec, TableSpec

PACKAGE = "sqlalchemy_searchable"


def add_search_indexes(reader: ConstructReader, modules: list[Module],
                       classes: Iterable[tuple[ClassRef, TableSpec]]) -> bool:
    """Append the GIN index of each ``TSVectorType`` column of the mapped classes to their table specs; whether
    ``make_searchable()`` runs at all (the classes mapped when the mappers are configured get the index too)."""
    calls = [(m, s.value) for m in modules for s in m.tree.body if isinstance(s, ast.Expr)
             and isinstance(s.value, ast.Call) and _is_make_searchable(reader, s.value, Scope(m))]
    searchable = [(cls, spec, c) for cls, spec in classes for c in spec.columns
                  if c.type is not None and c.type.label == "TSVectorType"]
    if not calls or not searchable:
        return bool(calls)
    for module, call in calls:
        _check_call(reader, module, call)
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and any(k.arg == "auto_index" for k in node.keywords):
                raise reader.error(f"{text_of(node.func)}(auto_index=...): SQLAlchemy-Searchable's own index is not "
                                   "derived when auto_index is spelled", node, Scope(module))
    for cls, spec, column in searchable:
        after = [_mapped_after(reader, cls, module, call) for module, call in calls]
        if True not in after and False in after:
            continue  # mapped above the call in the same module: not indexed
        if True not in after:
            module, call = calls[0]
            raise reader.error(f"class {cls.name}: its TSVectorType column {column.name} gets a GIN index only if "
                               f"make_searchable() ({module.path}:{call.lineno}) ran before the class was mapped, "
                               "which is not known statically (no import of that module from the class's)",
                               cls.node, Scope(cls.module))
        name = f"ix_{spec.name}_{column.name}"
        if not any(isinstance(i, IndexSpec) and i.name == name for i in spec.items):
            spec.items.append(IndexSpec(name, (column.key or column.name,), method="gin", line=column.line))  # type: ignore[arg-type]
    return True


def search_index(spec: TableSpec, column_name: str, line: int) -> IndexSpec:
    """The index ``append_index`` gives a ``TSVectorType`` column of a class mapped after the call (a version
    class SQLAlchemy-Continuum maps when the mappers are configured)."""
    return IndexSpec(f"ix_{spec.name}_{column_name}", (column_name,), method="gin", line=line)


def _is_make_searchable(reader: ConstructReader, call: ast.Call, scope: Scope) -> bool:
    if not isinstance(call.func, (ast.Name, ast.Attribute)):
        return False
    ref = reader.resolve(call.func, scope)
    return isinstance(ref, External) and ref.qualname.split(".")[0] == PACKAGE and ref.name == "make_searchable"


def _check_call(reader: ConstructReader, module: Module, call: ast.Call) -> None:
    scope = Scope(module)
    kwargs = call_kwargs(call)
    if len(call.args) > 1 or any(k in kwargs for k in ("mapper", "manager")):
        raise reader.error("make_searchable(...): a mapper or manager of the project's is not read", call, scope)
    options = kwargs.get("options")
    if options is None:
        return
    value = reader.project.literal(module, options) if not isinstance(options, ast.Call) else None
    if isinstance(value, dict) and "auto_index" not in value:
        return
    if isinstance(options, ast.Call) and not any(k.arg == "auto_index" for k in options.keywords) and all(
            k.arg is not None for k in options.keywords):
        return
    raise reader.error("make_searchable(options=...): whether it indexes (auto_index) is not read", options, scope)


def _mapped_after(reader: ConstructReader, cls: ClassRef, module: Module, call: ast.Call) -> bool | None:
    """Whether the class is mapped after the call ran; None when that is not known."""
    if cls.module == module:
        return cls.line > call.lineno
    return True if module.name in _imported(reader, cls.module) else None


def _imported(reader: ConstructReader, start: Module) -> set[str]:
    """The project modules ``start`` imports at module level, transitively (parent packages included)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        for stmt in _module_level(module.tree.body):
            names: list[str] = []
            if isinstance(stmt, ast.Import):
                names = [a.name for a in stmt.names]
            elif isinstance(stmt, ast.ImportFrom):
                base = _absolute(module, stmt.level, stmt.module)
                names = [base, *(f"{base}.{a.name}" for a in stmt.names if a.name != "*")] if base else []
            for name in names:
                parts = name.split(".")
                for i in range(1, len(parts) + 1):
                    dotted = ".".join(parts[:i])
                    if dotted in seen:
                        continue
                    found = reader.project.module(dotted)
                    if found is not None:
                        seen.add(dotted)
                        todo.append(found)
    return seen


def _module_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield stmt
        for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None), getattr(stmt, "finalbody", None)):
            if isinstance(inner, list):
                yield from _module_level(inner)
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _module_level(handler.body)


__all__ = ["add_search_indexes", "search_index"]
