"""SQLAlchemy constraints and indexes read as specs: ``ForeignKey``, ``ForeignKeyConstraint``,
``CheckConstraint``, ``UniqueConstraint``, ``PrimaryKeyConstraint`` and ``Index``.

Names stay as written (``name_arg``: ``conv()`` / ``op.f()`` mark a final name); the naming convention
and the names a database gives unnamed constraints come later (``constraint_names``). Columns are
named by strings or by the columns of the class body; expressions are read as SQL text, canonical.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import Any

from ...expressions import columns_in
from ..pyast import AttributeRef, ClassRef, LocalRef, ValueRef, call_kwargs, text_of
from .reader import ConstructReader, Scope, dialect_of_kwarg
from .specs import CheckSpec, ColumnSpec, ForeignKeySpec, IndexSpec, PrimaryKeySpec, UniqueSpec

FK_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")


def fk_action(reader: ConstructReader, node: ast.expr | None, scope: Scope, what: str) -> str:
    if node is None:
        return "NO ACTION"
    value = reader.literal(node, scope, what)
    if value is None:
        return "NO ACTION"
    action = " ".join(str(value).upper().split())
    if action not in FK_ACTIONS:
        raise reader.error(f"{what}: unknown foreign key action {value!r}", node, scope)
    return action


_FK_KWARGS = frozenset({"name", "ondelete", "onupdate", "use_alter", "info", "comment", "link_to_name",
                        "_colspec", "_unresolvable", "_constraint"})


def read_foreign_key(reader: ConstructReader, call: ast.Call, scope: Scope, what: str) -> ForeignKeySpec:
    kwargs = reader.check_kwargs(call, scope, _FK_KWARGS | {"column"}, f"{what} ForeignKey")
    target = call.args[0] if call.args else kwargs.get("column")
    if target is None:
        raise reader.error(f"{what}: ForeignKey without a target column", call, scope)
    name, conv = reader.name_arg(kwargs.get("name"), scope, f"{what} ForeignKey name")
    return ForeignKeySpec(
        columns=None, targets=(_fk_target(reader, target, scope, what),), name=name, conv=conv,
        on_delete=fk_action(reader, kwargs.get("ondelete"), scope, f"{what} ondelete"),
        on_update=fk_action(reader, kwargs.get("onupdate"), scope, f"{what} onupdate"),
        line=call.lineno)


def _fk_target(reader: ConstructReader, node: ast.expr, scope: Scope, what: str) -> Any:
    """"table.column", or (table, column) for ``Model.attribute`` / ``table.c.column``."""
    if isinstance(node, ast.Attribute) and not isinstance(node.value, ast.Constant):
        owner = reader.resolve(node.value, scope)
        if isinstance(owner, ClassRef) and reader.class_column is not None:
            return reader.class_column(owner, node.attr, node, scope.path)
        if isinstance(owner, AttributeRef) and owner.name == "c" and isinstance(owner.of, ValueRef):
            table = _table_name_of(reader, owner.of)
            if table is not None:
                return (table, node.attr)
    value = reader.literal(node, scope, f"{what} ForeignKey target")
    if not isinstance(value, str) or value.count(".") != 1:
        raise reader.error(f"{what}: ForeignKey target {value!r} is not 'table.column' "
                           "(schema-qualified targets are not supported)", node, scope)
    return value


def _table_name_of(reader: ConstructReader, ref: ValueRef) -> str | None:
    """The name of a module-level ``Table("name", ...)``."""
    if isinstance(ref.node, ast.Call) and ref.node.args:
        name, _ = reader.callee(ref.node, Scope(ref.module))
        if name == "Table":
            value = reader.project.literal(ref.module, ref.node.args[0])
            return value if isinstance(value, str) else None
    return None


def _column_list(reader: ConstructReader, nodes: Sequence[ast.expr], scope: Scope, what: str) -> tuple[str, ...]:
    """Column names from strings or names of columns in the class body."""
    out = []
    for n in nodes:
        if isinstance(n, (ast.Name, ast.Attribute)):
            ref = reader.resolve(n, scope)
            if isinstance(ref, LocalRef) and isinstance(ref.value, ColumnSpec):
                out.append(ref.value.name)
                continue
        value = reader.literal(n, scope, what)
        if not isinstance(value, str):
            raise reader.error(f"{what}: {text_of(n)} is not a column name", n, scope)
        out.append(value)
    return tuple(out)


def _list_arg(reader: ConstructReader, node: ast.expr, scope: Scope, what: str) -> list[ast.expr]:
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    value = reader.literal(node, scope, what)
    if isinstance(value, (list, tuple)):
        return [ast.Constant(v, lineno=node.lineno, col_offset=node.col_offset) for v in value]
    raise reader.error(f"{what}: expected a list of columns", node, scope)


def read_check(reader: ConstructReader, call: ast.Call, scope: Scope, what: str = "CheckConstraint") -> CheckSpec:
    kwargs = reader.check_kwargs(call, scope, {"sqltext", "name", "info", "deferrable", "initially",
                                               "table", "_create_rule", "_autoattach", "_type_bound"}, what)
    if "deferrable" in kwargs or "initially" in kwargs:
        raise reader.error(f"{what}: deferrable constraints are not supported", call, scope)
    text_node = call.args[0] if call.args else kwargs.get("sqltext")
    if text_node is None:
        raise reader.error(f"{what} without an expression", call, scope)
    sql = reader.sql_text(text_node, scope, what)
    name, conv = reader.name_arg(call.args[1] if len(call.args) > 1 else kwargs.get("name"), scope, f"{what} name")
    canonical = reader.canonical(sql, text_node, scope)
    return CheckSpec(canonical, name, conv, tuple(sorted(columns_in(canonical))), call.lineno)


def read_unique(reader: ConstructReader, call: ast.Call, scope: Scope, what: str = "UniqueConstraint") -> UniqueSpec:
    kwargs = reader.check_kwargs(call, scope, {"name", "info", "_implicit_generated"}, what)
    for key in ("deferrable", "initially"):
        if key in call_kwargs(call):
            raise reader.error(f"{what}: deferrable constraints are not supported", call, scope)
    name, conv = reader.name_arg(kwargs.get("name"), scope, f"{what} name")
    return UniqueSpec(_column_list(reader, call.args, scope, what), name, conv, call.lineno)


def read_primary_key(reader: ConstructReader, call: ast.Call, scope: Scope,
                     what: str = "PrimaryKeyConstraint") -> PrimaryKeySpec:
    kwargs = reader.check_kwargs(call, scope, {"name", "info", "_implicit_generated"}, what)
    name, conv = reader.name_arg(kwargs.get("name"), scope, f"{what} name")
    return PrimaryKeySpec(_column_list(reader, call.args, scope, what), name, conv, call.lineno)


def read_foreign_key_constraint(reader: ConstructReader, call: ast.Call, scope: Scope,
                                what: str = "ForeignKeyConstraint") -> ForeignKeySpec:
    kwargs = reader.check_kwargs(call, scope, {"columns", "refcolumns", "name", "ondelete", "onupdate",
                                               "use_alter", "info", "comment", "link_to_name", "table"}, what)
    for key in ("deferrable", "initially", "match"):
        if key in call_kwargs(call):
            raise reader.error(f"{what}: {key}= is not supported", call, scope)
    cols_node = call.args[0] if call.args else kwargs.get("columns")
    refs_node = call.args[1] if len(call.args) > 1 else kwargs.get("refcolumns")
    if cols_node is None or refs_node is None:
        raise reader.error(f"{what} needs columns and refcolumns", call, scope)
    columns = _column_list(reader, _list_arg(reader, cols_node, scope, what), scope, what)
    targets = tuple(_fk_target(reader, t, scope, what) for t in _list_arg(reader, refs_node, scope, what))
    if len(columns) != len(targets):
        raise reader.error(f"{what}: {len(columns)} columns but {len(targets)} referenced columns", call, scope)
    name, conv = reader.name_arg(call.args[2] if len(call.args) > 2 else kwargs.get("name"), scope, f"{what} name")
    return ForeignKeySpec(columns, targets, name, conv,
                          fk_action(reader, kwargs.get("ondelete"), scope, f"{what} ondelete"),
                          fk_action(reader, kwargs.get("onupdate"), scope, f"{what} onupdate"), call.lineno)


def read_index(reader: ConstructReader, call: ast.Call, scope: Scope, what: str = "Index") -> IndexSpec:
    kwargs = reader.check_kwargs(call, scope, {"unique", "quote", "info", "_table", "_column_flag",
                                               "postgresql_where", "postgresql_using", "sqlite_where",
                                               "postgresql_concurrently", "postgresql_ops", "mysql_length",
                                               "postgresql_include", "postgresql_with", "mysql_using",
                                               "mariadb_using", "mariadb_length"}, what)
    for key in ("postgresql_include", "postgresql_with", "mysql_length", "mariadb_length"):
        if key in kwargs and dialect_of_kwarg(key) == reader.dialect:
            raise reader.error(f"{what}: {key}= is not supported", kwargs[key], scope)
    if not call.args:
        raise reader.error(f"{what} without a name", call, scope)
    name, conv = reader.name_arg(call.args[0], scope, f"{what} name")
    columns = []
    orders = []
    for n in call.args[1:]:
        ordered = _ordered(reader, n, scope, what)
        if ordered is not None:
            n, order = ordered
            if order:
                orders.append((_column_list(reader, [n], scope, what)[0], order))
        if isinstance(n, ast.Call):
            sql = reader.sql_text(n, scope, what)
            columns.append("(" + reader.canonical(sql, n, scope) + ")")
        else:
            columns.extend(_column_list(reader, [n], scope, what))
    if not columns:
        raise reader.error(f"{what} {name or ''} has no columns", call, scope)
    unique = reader.boolean(kwargs["unique"], scope, f"{what} unique") if "unique" in kwargs else False
    where_node = kwargs.get(f"{reader.dialect}_where")
    where = None
    if where_node is not None:
        where = reader.canonical(reader.sql_text(where_node, scope, f"{what} where"), where_node, scope)
    method = None
    using = kwargs.get(f"{reader.dialect}_using")
    if using is not None:
        method = reader.string(using, scope, f"{what} using").lower()
        method = None if method == "btree" else method
    ops = _index_ops(reader, kwargs.get("postgresql_ops") if reader.dialect == "postgresql" else None, columns,
                     scope, what)
    return IndexSpec(name, tuple(columns), unique, where, method, conv, call.lineno, ops, tuple(orders))


_TEXT_ORDER = re.compile(r'^\s*("?)([A-Za-z_][\w$]*)\1\s+(ASC|DESC)?\s*(NULLS\s+(?:FIRST|LAST))?\s*$', re.IGNORECASE)


def _text_order(reader: ConstructReader, node: ast.expr, scope: Scope) -> tuple[ast.expr, list[str]] | None:
    """``sa.text("col DESC")`` / ``sa.literal_column("col DESC NULLS LAST")``: the column and the order words."""
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and isinstance(
            node.func, (ast.Name, ast.Attribute)) and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return None
    if (reader.project.qualname(scope.module, node.func, scope.local) or "").rpartition(".")[2] not in (
            "text", "literal_column"):
        return None
    m = _TEXT_ORDER.match(node.args[0].value)
    if m is None or not (m.group(3) or m.group(4)):
        return None
    words = [w.upper() for w in (m.group(3), m.group(4)) if w]
    return ast.copy_location(ast.Constant(m.group(2)), node), [" ".join(w.split()) for w in words]


_ORDER_WORDS = {"desc": "DESC", "asc": "ASC", "nulls_last": "NULLS LAST", "nullslast": "NULLS LAST",
                "nulls_first": "NULLS FIRST", "nullsfirst": "NULLS FIRST"}


def _ordered(reader: ConstructReader, node: ast.expr, scope: Scope, what: str) -> tuple[ast.expr, str] | None:
    """``col.desc()``, ``sa.desc(col)``, ``col.desc().nulls_last()``: the column and its order where it is not
    the default, as the database keeps it ("DESC", "DESC NULLS LAST", "NULLS FIRST"); None for anything else."""
    words: list[str] = []
    spelled = _text_order(reader, node, scope)
    if spelled is not None:  # sa.text("not_after DESC"), as autogenerate writes an ordered element
        node, words = spelled
    while isinstance(node, ast.Call) and not node.keywords:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _ORDER_WORDS and not node.args:
            words.append(_ORDER_WORDS[func.attr])
            node = func.value
            continue
        if isinstance(func, (ast.Name, ast.Attribute)) and len(node.args) == 1:
            qualname = reader.project.qualname(scope.module, func, scope.local) or ""
            last = qualname.rpartition(".")[2]
            if qualname.startswith("sqlalchemy.") and last in _ORDER_WORDS:
                words.append(_ORDER_WORDS[last])
                node = node.args[0]
                continue
        break
    if not words:
        return None
    if isinstance(node, ast.Call):
        raise reader.error(f"{what}: the order of an expression element is not read", node, scope)
    descending = "DESC" in words
    nulls = next((w for w in words if w.startswith("NULLS")), None)
    if nulls is not None and reader.dialect != "postgresql":
        raise reader.error(f"{what}: {nulls} in an index is PostgreSQL's (SQLAlchemy writes it, {reader.dialect} "
                           "refuses it)", node, scope)
    default_nulls = "NULLS FIRST" if descending else "NULLS LAST"
    order = " ".join([*(["DESC"] if descending else []), *([nulls] if nulls and nulls != default_nulls else [])])
    return node, order


def _index_ops(reader: ConstructReader, node: ast.expr | None, columns: list[str], scope: Scope,
               what: str) -> tuple[tuple[str, str], ...]:
    """``postgresql_ops={"cn": "gin_trgm_ops"}``: the operator class of each column element, as SQLAlchemy's
    PostgreSQL compiler writes it (``ops[expr.key]``: a text expression has no key, so an operator class
    keyed by one is not written, and neither is a key naming no element of the index)."""
    if node is None:
        return ()
    ops = reader.literal(node, scope, f"{what} postgresql_ops")
    if not isinstance(ops, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in ops.items()):
        raise reader.error(f"{what}: postgresql_ops is not a dict of strings", node, scope)
    return tuple((c, ops[c]) for c in columns if not c.startswith("(") and c in ops)
