"""``Mapped[...]`` annotations read as column types, as SQLAlchemy 2.0's declarative maps them.

``Optional[X]`` / ``X | None`` make the column nullable; ``Annotated`` aliases may carry a
``mapped_column``; ``Literal[...]`` is a non-native Enum; a Python enum class a native one; other
Python types go through the base's ``type_annotation_map``, then SQLAlchemy's default type map.
"""
from __future__ import annotations

import ast
from collections.abc import Callable

from ..pyast import ClassRef, External, FunctionRef, Ref, Unknown, ValueRef, text_of
from .bases import BaseSpec, python_type_key
from .reader import ConstructReader, Scope, sa_name
from .specs import TypeSpec
from .types import TYPE_HANDLERS, TypeArgs, enum_class_values, enum_type, read_type

# Python types of SQLAlchemy 2.x's default annotation type map (sqlalchemy.sql.sqltypes._type_map)
_DEFAULT_TYPE_MAP = {
    "builtins.int": "Integer", "builtins.float": "Double", "builtins.bool": "Boolean", "builtins.str": "String",
    "builtins.bytes": "LargeBinary", "decimal.Decimal": "Numeric", "datetime.date": "Date",
    "datetime.datetime": "DateTime", "datetime.time": "Time", "uuid.UUID": "Uuid", "datetime.timedelta": "Interval",
}
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
_MAPPED = frozenset({"Mapped"})
_RELATIONSHIP_MAPPED = frozenset({"WriteOnlyMapped", "DynamicMapped"})


def mapped_annotation(reader: ConstructReader, node: ast.expr, scope: Scope, what: str,
                      base: BaseSpec) -> tuple[Callable[[], TypeSpec], bool, ast.Call | None] | None:
    """(type, nullable, mapped_column from Annotated) of ``Mapped[X]``; None when not ``Mapped``.
    The type is a function: it is only worked out when no explicit type overrides it (SQLAlchemy
    does not look at ``Mapped[str]`` when ``mapped_column(String(40))`` gives the type)."""
    node = parse_string_annotation(node)
    if not isinstance(node, ast.Subscript):
        return None
    kind, _ = reader.callee(node.value, scope)
    if kind not in _MAPPED:
        return None  # WriteOnlyMapped / DynamicMapped (relationships) and plain annotations
    return python_type(reader, parse_string_annotation(node.slice), scope, what, base)


def python_type(reader: ConstructReader, node: ast.expr, scope: Scope, what: str,
                base: BaseSpec) -> tuple[Callable[[], TypeSpec], bool, ast.Call | None]:
    """SQLAlchemy's annotation -> type: Optional/Union with None, Annotated, Literal, enums, the
    type map of the base, then the default map."""
    node = parse_string_annotation(node)
    inner, nullable = _strip_optional(reader, node, scope)
    inner = parse_string_annotation(inner)
    if isinstance(inner, ast.Subscript):
        qual = reader.project.qualname(scope.module, inner.value)
        if qual in _ANNOTATED:
            elts = inner.slice.elts if isinstance(inner.slice, ast.Tuple) else [inner.slice]
            extras = [e for e in elts[1:] if isinstance(e, ast.Call)
                      and reader.callee(e, scope)[0] == "mapped_column"]
            type_of, inner_nullable, _ = python_type(reader, elts[0], scope, what, base)
            return type_of, nullable or inner_nullable, extras[-1] if extras else None
        if qual in _LITERAL:
            return (lambda: _literal_enum(reader, inner, scope, what)), nullable, None
        if _names_sqlalchemy_type(reader, inner.value, scope):
            # Mapped[Enum[AuthMethod]] = mapped_column(Enum(AuthMethod)): a SQLAlchemy type made generic, no
            # Python type; as Mapped[GUID], only nullability is read from it (SQLAlchemy looks up no type)
            def no_generic_type() -> TypeSpec:
                raise reader.error(f"{what}: Mapped[{text_of(inner)}] names a SQLAlchemy type, not a Python type: "
                                   f"give the type in mapped_column(...)", inner, scope)
            return no_generic_type, nullable, None
        raise reader.error(f"{what}: Mapped[{text_of(inner)}] is a relationship or an unsupported type "
                           "(columns need a type SQLAlchemy maps)", inner, scope)
    if isinstance(inner, (ast.Name, ast.Attribute)):
        ref = reader.resolve(inner, scope)
        if isinstance(ref, Unknown):
            raise ref.error(what)
        if _lookup_type_map(reader, inner, scope, base) is None and isinstance(ref, ValueRef) \
                and isinstance(ref.node, ast.Subscript):  # an Annotated alias
            return python_type(reader, ref.node, Scope(ref.module), what, base)
        if isinstance(ref, ClassRef) and _is_sqlalchemy_type(reader, ref):
            # Mapped[GUID] = mapped_column(GUID): the explicit type is the column's; alone, SQLAlchemy finds
            # no type for the annotation (its type map holds Python types)
            def no_type() -> TypeSpec:
                raise reader.error(f"{what}: Mapped[{ref.name}] names a SQLAlchemy type, not a Python type: give "
                                   f"the type in mapped_column({ref.name})", inner, scope)
            return no_type, nullable, None
        if isinstance(ref, ClassRef) and not _is_enum_class(reader, ref):
            raise reader.error(f"{what}: Mapped[{ref.name}] without relationship() is not a column",
                               inner, scope)
        return (lambda: _named_type(reader, inner, ref, scope, what, base)), nullable, None
    if isinstance(inner, ast.Call) and _names_sqlalchemy_type(reader, inner.func, scope):
        # Mapped[Enum(AuthMethod)] = mapped_column(Enum(AuthMethod)): a type instance as the annotation; SQLAlchemy
        # takes only its nullability (not Optional: NOT NULL), the type is mapped_column's
        def no_instance_type() -> TypeSpec:
            raise reader.error(f"{what}: Mapped[{text_of(inner)}] is a SQLAlchemy type instance, not a Python type: "
                               "give the type in mapped_column(...)", inner, scope)
        return no_instance_type, nullable, None
    if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
        raise reader.error(f"{what}: Mapped[{inner.value!r}] is a relationship, not a column", inner, scope)
    raise reader.error(f"{what}: annotation {text_of(inner)} is not read", inner, scope)


def _is_enum_class(reader: ConstructReader, ref: ClassRef) -> bool:
    mro = reader.project.mro(ref)
    return not isinstance(mro, Unknown) and any(
        isinstance(b, External) and b.qualname.startswith("enum.") for b in mro)


def _literal_enum(reader: ConstructReader, node: ast.Subscript, scope: Scope, what: str) -> TypeSpec:
    values = reader.literal(node.slice, scope, f"{what} Literal")
    values = values if isinstance(values, tuple) else (values,)
    if not all(isinstance(v, str) for v in values):
        raise reader.error(f"{what}: Literal[...] of non-strings has no SQLAlchemy type", node, scope)
    # SQLAlchemy maps Literal to a non-native Enum: VARCHAR(longest value) everywhere
    return enum_type(reader, TypeArgs(reader, "Enum", [], {}, scope, node), tuple(values), None,
                     native=False)


def _named_type(reader: ConstructReader, node: ast.expr, ref: Ref, scope: Scope, what: str, base: BaseSpec) -> TypeSpec:
    found = _lookup_type_map(reader, node, scope, base)
    if found is not None:
        return found
    if isinstance(ref, ClassRef):  # a Python enum class: Enum(cls), native, named after the class
        values = enum_class_values(reader, ref, None, scope)
        return enum_type(reader, TypeArgs(reader, "Enum", [node], {}, scope, node), values,
                         ref.name.lower())
    qualname = ref.qualname if isinstance(ref, (External, ValueRef, FunctionRef)) else text_of(node)
    type_name = _DEFAULT_TYPE_MAP.get(qualname)
    if type_name is None:
        raise reader.error(f"{what}: no SQLAlchemy type for Python type {qualname}", node, scope)
    handler = TYPE_HANDLERS.get(type_name)
    if handler is None:
        raise reader.error(f"{what}: Python type {qualname} maps to {type_name}, which is not supported",
                           node, scope)
    return handler(reader, TypeArgs(reader, type_name, [], {}, scope, node))


def _lookup_type_map(reader: ConstructReader, node: ast.expr, scope: Scope, base: BaseSpec) -> TypeSpec | None:
    if not base.type_map:
        return None
    key = None
    if isinstance(node, (ast.Name, ast.Attribute)):
        key = python_type_key(reader, node, scope)
    elif isinstance(node, ast.Subscript):
        return None
    if key is not None and key in base.type_map:
        type_node, type_scope = base.type_map[key]
        return read_type(reader, type_node, type_scope, f"type_annotation_map[{key}]")
    return None


def _strip_optional(reader: ConstructReader, node: ast.expr, scope: Scope) -> tuple[ast.expr, bool]:
    """``Optional[X]`` / ``Union[X, None]`` / ``X | None`` -> (X, True); anything else (node, False)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = _union_parts(node)
        rest = [p for p in parts if not _is_none(p)]
        if len(rest) == 1:
            return rest[0], len(rest) < len(parts)
        raise reader.error(f"union {text_of(node)} has no single SQLAlchemy type", node, scope)
    if isinstance(node, ast.Subscript):
        qual = reader.project.qualname(scope.module, node.value)
        if qual in _OPTIONAL:
            return node.slice, True
        if qual in _UNION:
            parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
            rest = [p for p in parts if not _is_none(p)]
            if len(rest) == 1:
                return rest[0], len(rest) < len(parts)
            raise reader.error(f"union {text_of(node)} has no single SQLAlchemy type", node, scope)
    return node, False


def _names_sqlalchemy_type(reader: ConstructReader, node: ast.expr, scope: Scope) -> bool:
    """Whether ``node`` names a SQLAlchemy type class: SQLAlchemy's own (``sa.Enum``) or a project's subclass."""
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return False
    ref = reader.resolve(node, scope)
    if isinstance(ref, External):
        return sa_name(ref.qualname) in TYPE_HANDLERS
    return isinstance(ref, ClassRef) and _is_sqlalchemy_type(reader, ref)


def _is_sqlalchemy_type(reader: ConstructReader, cls: ClassRef) -> bool:
    mro = reader.project.mro(cls)
    return not isinstance(mro, Unknown) and any(
        isinstance(b, External) and sa_name(b.qualname) in ("TypeDecorator", "TypeEngine", "UserDefinedType")
        for b in mro)


def is_mapped_annotation(reader: ConstructReader, node: ast.expr | None, scope: Scope) -> bool:
    node = parse_string_annotation(node) if node is not None else None
    return isinstance(node, ast.Subscript) and reader.callee(node.value, scope)[0] in _MAPPED


def parse_string_annotation(node: ast.expr) -> ast.expr:
    """``"Mapped[int]"`` written as a string: its expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            parsed = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return node
        for n in ast.walk(parsed):
            if hasattr(n, "lineno"):
                n.lineno, n.col_offset = node.lineno, node.col_offset  # type: ignore[attr-defined]
        if isinstance(parsed, (ast.Name, ast.Attribute, ast.Subscript, ast.BinOp)):
            return parsed
    return node


def _union_parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_parts(node.left) + _union_parts(node.right)
    return [node]


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (isinstance(node, ast.Name) and node.id == "None")
