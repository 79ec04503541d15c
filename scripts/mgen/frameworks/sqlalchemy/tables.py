"""``Table(...)`` calls read as a ``TableSpec``: its name, columns, constraints, indexes and options.

The same reading serves a module-level ``Table("name", metadata, ...)``, a class's ``__table__`` and
``__table_args__`` (``declarative``) and Alembic's ``op.create_table("name", ...)`` (``alembic.replay``).
"""
from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from ..pyast import Unknown, call_kwargs, has_star_args, text_of
from .columns import read_column
from .constraint_names import DEFAULT_CONVENTION
from .constraints import read_check, read_foreign_key_constraint, read_index, read_primary_key, read_unique
from .reader import ConstructReader, Scope, dialect_of_kwarg
from .specs import ColumnSpec, TableSpec

_TABLE_NOOPS = frozenset({"info", "extend_existing", "keep_existing", "quote", "quote_schema", "listeners",
                          "must_exist", "implicit_returning", "prefixes"})
# MySQL table options that do not change what the model records
_MYSQL_TABLE_NOOPS = frozenset({"mysql_engine", "mysql_charset", "mysql_collate", "mysql_default_charset",
                                "mariadb_engine", "mariadb_charset", "mariadb_collate",
                                "mariadb_default_charset", "mysql_row_format", "mariadb_row_format"})
_TABLE_KWARGS = frozenset({"comment", "schema", "sqlite_autoincrement", *_TABLE_NOOPS, *_MYSQL_TABLE_NOOPS})


def read_table_item(reader: ConstructReader, node: ast.expr, scope: Scope, what: str) -> Any:
    """One positional item of ``Table(...)`` / ``__table_args__`` / ``op.create_table(...)``."""
    kind, ref = reader.callee(node, scope)
    if not isinstance(node, ast.Call):
        raise reader.error(f"{what}: {text_of(node)} is not a Column or constraint", node, scope)
    read = {
        "Column": read_column, "PrimaryKeyConstraint": read_primary_key,
        "UniqueConstraint": read_unique, "CheckConstraint": read_check,
        "ForeignKeyConstraint": read_foreign_key_constraint, "Index": read_index,
    }.get(kind or "")
    if read is None:
        if isinstance(ref, Unknown):
            raise ref.error(what)
        raise reader.error(f"{what}: {text_of(node.func)} is not a Column, constraint or Index", node, scope)
    return read(reader, node, scope)


def table_options(reader: ConstructReader, kwargs: Mapping[str, ast.expr], scope: Scope, spec: TableSpec, what: str,
                  node: ast.AST) -> None:
    """Apply ``Table(...)`` keyword arguments (also a ``__table_args__`` dict)."""
    for key, value in kwargs.items():
        if key not in _TABLE_KWARGS:
            owner = dialect_of_kwarg(key)
            if owner is not None and owner != reader.dialect:
                continue
            raise reader.error(f"{what}: table option {key}= is not supported", value, scope)
    if "schema" in kwargs and reader.literal(kwargs["schema"], scope, f"{what} schema") is not None:
        raise reader.error(f"{what}: schema= is not supported (tables are read into one schema)",
                           kwargs["schema"], scope)
    if "comment" in kwargs:
        spec.comment = reader.literal(kwargs["comment"], scope, f"{what} comment")
    if "sqlite_autoincrement" in kwargs:
        spec.sqlite_autoincrement = reader.boolean(kwargs["sqlite_autoincrement"], scope,
                                                   f"{what} sqlite_autoincrement")


def read_table_call(reader: ConstructReader, call: ast.Call, scope: Scope, convention: Mapping[str, str] | None,
                    with_metadata: bool = True) -> TableSpec:
    """``Table("name", metadata, *items, **kw)``; ``with_metadata=False``: ``op.create_table("name",
    *items, **kw)``."""
    if has_star_args(call):
        raise reader.error("Table(...): *args/**kwargs are only known when the code runs", call, scope)
    args = list(call.args)
    if not args:
        raise reader.error("Table(...) without a name", call, scope)
    name = reader.string(args.pop(0), scope, "table name")
    if with_metadata:
        if not args:
            raise reader.error(f"Table {name!r} without a MetaData", call, scope)
        args.pop(0)
    spec = TableSpec(name, [], [], scope.path, call.lineno, convention or DEFAULT_CONVENTION)
    what = f"table {name}"
    for a in args:
        item = read_table_item(reader, a, scope, what)
        if isinstance(item, ColumnSpec):
            if item.name is None:
                raise reader.error(f"{what}: a Column without a name", a, scope)
            spec.columns.append(item)
        else:
            spec.items.append(item)
    table_options(reader, call_kwargs(call), scope, spec, what, call)
    return spec
