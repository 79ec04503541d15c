"""SQLAlchemy columns read as specs: ``Column(...)`` / ``mapped_column(...)`` and their server defaults.

``read_column`` records a column as written (type, ``primary_key``, ``nullable``, ``unique``, ``index``,
``comment``, ``autoincrement``, ``Identity()``, ``Computed()``, inline ``ForeignKey`` / ``CheckConstraint``);
SQLAlchemy's per-dialect defaults are applied when the table is built (``build``). ``server_default``
reads what SQLAlchemy renders as a column's DEFAULT (a string, ``text()``, ``func.x()``, ``true()``) into
mgen's ``Default``. Python-side ``default=``/``onupdate=`` are no database default: a note says so.
"""
from __future__ import annotations

import ast
from collections.abc import Callable

from ...errors import MgenError
from ...expressions import parse as parse_expression
from ...schema import ColumnType, Default
from ...sources.sql import SqlInterpreter
from ...sqltypes import literal_default
from ..pyast import ClassRef, External, FunctionRef, LocalRef, Unknown, ValueRef, class_attribute, text_of
from .constraints import read_check, read_foreign_key
from .reader import ConstructReader, Scope, sa_name
from .specs import ColumnSpec, TypeSpec
from .types import read_type

# Keyword arguments that only concern Python (the ORM, dataclasses, documentation): no DDL.
_PYTHON_ONLY = frozenset({
    "doc", "info", "quote", "system", "init", "repr", "default_factory", "compare", "kw_only", "hash",
    "deferred", "deferred_group", "deferred_raiseload", "active_history", "use_existing_column",
    "server_onupdate", "insert_sentinel", "dataclass_metadata", "_proxies",
})
_PYTHON_DEFAULTS = frozenset({"default", "insert_default", "onupdate"})


def _classmethod_member(reader: ConstructReader, node: ast.expr, scope: Scope) -> str | None:
    """``Mode.default().name``: the name (``.value``: the value) of the member a classmethod of the class
    returns when its body is only ``return cls.MEMBER``; None for any other expression."""
    if not (isinstance(node, ast.Attribute) and node.attr in ("name", "value") and isinstance(node.value, ast.Call)
            and not node.value.args and not node.value.keywords and isinstance(node.value.func, ast.Attribute)):
        return None
    owner = reader.resolve(node.value.func.value, scope)
    method = reader.resolve(node.value.func, scope)
    if not isinstance(owner, ClassRef) or not isinstance(method, FunctionRef):
        return None
    fn = method.node
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if not (any(isinstance(d, ast.Name) and d.id == "classmethod" for d in fn.decorator_list) and fn.args.args
            and len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Attribute)
            and isinstance(body[0].value.value, ast.Name) and body[0].value.value.id == fn.args.args[0].arg):
        return None
    member = body[0].value.attr
    assigned = class_attribute(owner, member)
    if not isinstance(assigned, ast.expr):
        return None
    if node.attr == "name":
        return member
    value = reader.project.literal(owner.module, assigned)
    return value if isinstance(value, str) else None


def server_default(reader: ConstructReader, node: ast.expr, scope: Scope, ctype: ColumnType,
                   what: str) -> Default | None:
    """A ``server_default``: a string (a quoted literal), ``text("sql")``, ``func.x()``,
    ``true()``/``false()``, ``literal_column("sql")``, ``DefaultClause(...)``."""
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Call):
        name, ref = reader.callee(node, scope)
        func_name = _func_name(reader, node.func, scope)
        if name in ("text", "literal_column") and len(node.args) == 1:
            return _sql_default(reader, reader.string(node.args[0], scope, what), ctype, node, scope)
        if name in ("true", "false", "true_", "false_") and not node.args:
            return Default("boolean", "true" if name.startswith("true") else "false")
        if name in ("DefaultClause", "PassiveDefault") and node.args:
            return server_default(reader, node.args[0], scope, ctype, what)
        if name == "FetchedValue":
            return None
        if name == "Computed":
            raise reader.error(f"{what}: generated columns (Computed) are not supported", node, scope)
        if func_name is not None:
            return _sql_default(reader, _function_sql(reader, func_name, node, scope, what), ctype, node, scope)
        if name is None and isinstance(ref, Unknown):
            raise ref.error(what)
        if isinstance(ref, External) and ref.qualname == "json.dumps" and len(node.args) == 1 and not node.keywords:
            import json  # json.dumps({}) (redash): the string it returns for a literal, as a string default
            return literal_default(json.dumps(reader.literal(node.args[0], scope, what)), True, ctype)
        raise reader.error(f"{what}: {text_of(node)} is not a server default SQLAlchemy renders", node, scope)
    member = _classmethod_member(reader, node, scope)
    value = member if member is not None else reader.literal(node, scope, what)
    if isinstance(value, str):
        return literal_default(value, True, ctype)
    raise reader.error(f"{what}: server_default must be a string, text() or a SQL function; got {text_of(node)} "
                       "(SQLAlchemy's DefaultClause refuses it too: ArgumentError, so this cannot run; sa.false() or "
                       "sa.true() is what it would mean)" if isinstance(value, bool) else
                       f"{what}: server_default must be a string, text() or a SQL function; got {text_of(node)}",
                       node, scope)


def _func_name(reader: ConstructReader, func: ast.expr, scope: Scope) -> str | None:
    """``func.now`` / ``sa.func.lower`` -> "now" / "lower"."""
    if isinstance(func, ast.Attribute):
        owner = reader.project.qualname(scope.module, func.value, scope.local) \
            if isinstance(func.value, (ast.Name, ast.Attribute)) else None
        if sa_name(owner) == "func":
            return func.attr
    return None


_NO_PARENS = frozenset({"current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
                        "current_user", "session_user", "user"})


def _function_sql(reader: ConstructReader, name: str, call: ast.Call, scope: Scope, what: str) -> str:
    """The SQL ``func.<name>(args)`` compiles to on the dialect."""
    if call.keywords:
        raise reader.error(f"{what}: func.{name}() with keyword arguments is not read", call, scope)
    if name.lower() in _NO_PARENS and not call.args:
        return name.upper()
    if name.lower() in reader.compiler.functions and not call.args:
        return reader.compiler.functions[name.lower()]  # SQLite's spells now() CURRENT_TIMESTAMP
    args = []
    for a in call.args:
        value = reader.literal(a, scope, what)
        if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
            raise reader.error(f"{what}: func.{name}() argument {text_of(a)} is not read", a, scope)
        args.append("'" + value.replace("'", "''") + "'" if isinstance(value, str) else str(value))
    return f"{name}({', '.join(args)})"


def _sql_default(reader: ConstructReader, sql: str, ctype: ColumnType, node: ast.AST, scope: Scope) -> Default | None:
    try:
        parsed = parse_expression(sql, reader.dialect)
        default, identity = SqlInterpreter(reader.dialect).default(parsed, ctype)
    except MgenError as e:
        raise reader.error(e.message, node, scope) from None
    if identity is not None:
        raise reader.error(f"server default {sql!r} makes a serial column; use autoincrement/Identity()",
                           node, scope)
    return default


_COLUMN_KWARGS = frozenset({
    "name", "type_", "key", "primary_key", "nullable", "unique", "index", "server_default", "comment",
    "autoincrement", "sort_order", *_PYTHON_ONLY, *_PYTHON_DEFAULTS,
})


def read_column(reader: ConstructReader, call: ast.Call, scope: Scope, attribute: str | None = None,
                annotation: tuple[TypeSpec | Callable[[], TypeSpec] | None, bool | None] | None = None,
                defaults: ast.Call | None = None) -> ColumnSpec:
    """A ``Column(...)`` or ``mapped_column(...)``. ``attribute``: the class attribute it is assigned
    to (its name when the call names none); ``annotation``: (type, nullable) from ``Mapped[...]``;
    ``defaults``: a ``mapped_column`` from an ``Annotated`` alias, overridden by this call."""
    what = f"column {attribute}" if attribute else "column"
    merged = _merge_calls(defaults, call) if defaults is not None else call
    kwargs = reader.check_kwargs(merged, scope, _COLUMN_KWARGS, what)
    args = list(merged.args)
    name: str | None = None
    if args and _is_name_argument(reader, args[0], scope):
        name = reader.string(args[0], scope, what)
        args.pop(0)
    if "name" in kwargs:
        name = reader.string(kwargs["name"], scope, what)
    name = name or attribute
    what = f"column {name}" if name else what
    spec = ColumnSpec(name=name, key=None, type=None, line=call.lineno, path=scope.path)
    if "key" in kwargs:
        spec.key = reader.string(kwargs["key"], scope, what)
    type_node = kwargs.get("type_")
    for a in args:
        if isinstance(a, ast.Constant) and a.value is None:
            continue  # Column(None, ForeignKey(...)): SQLAlchemy skips None items (the type is the target's)
        item, _ = reader.callee(a, scope)
        if item == "ForeignKey":
            spec.foreign_keys.append(read_foreign_key(reader, a, scope, what))  # type: ignore[arg-type]
        elif item == "CheckConstraint":
            spec.checks.append(read_check(reader, a, scope, what))  # type: ignore[arg-type]
        elif item == "Identity":
            spec.identity = _identity(reader, a, scope, what)  # type: ignore[arg-type]
        elif item == "Computed":
            spec.computed = _computed(reader, a, scope, what)  # type: ignore[arg-type]
        elif item == "Sequence":
            raise reader.error(f"{what}: {item} is not supported", a, scope)
        elif item in ("DefaultClause", "FetchedValue", "PassiveDefault"):  # (PassiveDefault: DefaultClause's old name)
            spec.server_default = (a, scope)
        elif type_node is None:
            type_node = a
        else:
            raise reader.error(f"{what}: unexpected argument {text_of(a)}", a, scope)
    if type_node is not None:
        spec.type = read_type(reader, type_node, scope, f"{what} type")
    elif annotation is not None and annotation[0] is not None and not spec.foreign_keys:
        # with a ForeignKey and no explicit type, SQLAlchemy takes the referenced column's type, not
        # the annotation's (MappedColumn.declarative_scan: "sqltype._isnull and not foreign_keys")
        spec.type = annotation[0]() if callable(annotation[0]) else annotation[0]
    elif not spec.foreign_keys:
        raise reader.error(f"{what} has no type", call, scope)
    if "primary_key" in kwargs:
        spec.primary_key = reader.boolean(kwargs["primary_key"], scope, f"{what} primary_key")
    if "nullable" in kwargs:
        value = reader.literal(kwargs["nullable"], scope, f"{what} nullable")
        if not isinstance(value, bool):
            raise reader.error(f"{what}: nullable={text_of(kwargs['nullable'])} is not read "
                               "(SQLAlchemy's SchemaConst values are not supported)", kwargs["nullable"], scope)
        spec.nullable = value
    elif annotation is not None and annotation[1] is not None:
        spec.nullable = annotation[1]
    for flag in ("unique", "index"):
        if flag in kwargs:
            value = reader.literal(kwargs[flag], scope, f"{what} {flag}")
            if value is not None and not isinstance(value, bool):
                raise reader.error(f"{what}: {flag}= must be True, False or None", kwargs[flag], scope)
            setattr(spec, flag, value)
    if "server_default" in kwargs:
        spec.server_default = (kwargs["server_default"], scope)
    if "comment" in kwargs:
        comment = reader.literal(kwargs["comment"], scope, f"{what} comment")
        if comment is not None and not isinstance(comment, str):
            raise reader.error(f"{what}: comment must be a string", kwargs["comment"], scope)
        spec.comment = comment
    if "autoincrement" in kwargs:
        value = reader.literal(kwargs["autoincrement"], scope, f"{what} autoincrement")
        if value not in (True, False, "auto", "ignore_fk"):
            raise reader.error(f"{what}: autoincrement={value!r} is not True, False, 'auto' or 'ignore_fk'",
                               kwargs["autoincrement"], scope)
        spec.autoincrement = value
    if "sort_order" in kwargs:
        value = reader.literal(kwargs["sort_order"], scope, f"{what} sort_order")
        if not isinstance(value, int) or isinstance(value, bool):
            raise reader.error(f"{what}: sort_order must be an integer", kwargs["sort_order"], scope)
        spec.sort_order = value
    python_defaults = sorted(k for k in kwargs if k in _PYTHON_DEFAULTS)
    if python_defaults:
        spec.has_python_default = "default" in python_defaults or "insert_default" in python_defaults
        reader.note(f"{what}: {'/'.join(k + '=' for k in python_defaults)} is applied by SQLAlchemy in Python, "
                    "not by the database: not part of the schema", call, scope)
    return spec


def _is_name_argument(reader: ConstructReader, node: ast.expr, scope: Scope) -> bool:
    """True when a Column's first argument is its name (a string, or a constant naming one)."""
    if isinstance(node, ast.Call):
        return False
    if isinstance(node, (ast.Name, ast.Attribute)):
        ref = reader.resolve(node, scope)
        if isinstance(ref, LocalRef) and isinstance(ref.value, ast.expr):
            return isinstance(reader.project.literal(scope.module, ref.value), str)
        if not isinstance(ref, ValueRef):
            return False
        return isinstance(reader.project.literal(ref.module, ref.node), str)
    return isinstance(reader.project.literal(scope.module, node, scope.local), str)


def _identity(reader: ConstructReader, call: ast.Call, scope: Scope, what: str) -> str:
    kwargs = reader.check_kwargs(call, scope, {"always", "start", "increment", "minvalue", "maxvalue", "cycle",
                                               "cache", "order", "nominvalue", "nomaxvalue", "on_null"}, what)
    always = reader.boolean(kwargs["always"], scope, f"{what} Identity(always=)") if "always" in kwargs else False
    return "always" if always else "by_default"


def _computed(reader: ConstructReader, call: ast.Call, scope: Scope, what: str) -> tuple[str, bool | None]:
    """``Computed("expr", persisted=True|False|None)``: the SQL text as written, and STORED/VIRTUAL/the
    dialect's default."""
    kwargs = reader.check_kwargs(call, scope, {"sqltext", "persisted"}, f"{what} Computed")
    node = call.args[0] if call.args else kwargs.get("sqltext")
    sqltext = reader.literal(node, scope, f"{what} Computed") if node is not None else None
    if not isinstance(sqltext, str) or not sqltext.strip():
        raise reader.error(f"{what}: Computed needs its SQL expression as a string literal", call, scope)
    persisted = kwargs.get("persisted")
    stored = reader.boolean(persisted, scope, f"{what} Computed(persisted=)") if persisted is not None else None
    return sqltext, stored


def _merge_calls(base: ast.Call, override: ast.Call) -> ast.Call:
    """``mapped_column`` from an ``Annotated`` alias, with the class's own call winning per argument."""
    override_kw = {k.arg for k in override.keywords}
    return ast.Call(func=override.func, args=list(override.args or base.args),
                    keywords=[k for k in base.keywords if k.arg not in override_kw] + list(override.keywords),
                    lineno=override.lineno, col_offset=override.col_offset)
