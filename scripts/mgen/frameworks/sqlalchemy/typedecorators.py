"""Project ``TypeDecorator`` subclasses read as the type they create on the dialect.

A TypeDecorator's DDL is its ``impl`` (``impl = String(36)``, or ``impl = String`` with the decorator's
own arguments passed on), unless ``load_dialect_impl(self, dialect)`` chooses another per dialect. That
method is read when it is plain branches on the dialect's name and returns of types:

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(UUID())
        return dialect.type_descriptor(CHAR(32))

(``==``/``!=``/``in``/``not in`` on ``dialect.name``, ``and``/``or``/``not``, ``if``/``elif``/``else``;
``return self.impl`` or ``super().load_dialect_impl(dialect)`` for the impl). A branch on "mariadb" when
reading MySQL is refused: SQLAlchemy names the dialect after the URL (``mysql://`` or ``mariadb://``),
which the models do not say. Anything else in the method is an error naming it.
"""
from __future__ import annotations

import ast
from typing import Any

from ..pyast import ClassRef, External, Unknown, ValueRef, class_attribute, text_of
from .reader import ConstructReader, Scope, sa_name
from .specs import TypeSpec

_NAMES = {"postgresql": ("postgresql",), "sqlite": ("sqlite",), "mysql": ("mysql",)}


def type_decorator(reader: ConstructReader, cls: ClassRef, call: ast.Call | None, scope: Scope, what: str,
                   call_scope: type[Scope]) -> TypeSpec:
    """The type the TypeDecorator ``cls`` (called as ``call``, or named) creates on the reader's dialect.
    ``call_scope(impl_scope, scope)``: a scope that reads the call's arguments where they were written."""
    from .types import read_type  # types reads a decorator through this module

    mro = reader.project.mro(cls)
    if isinstance(mro, Unknown):
        raise mro.error(what)
    library = _library_base(reader, mro, call, scope, what)
    if library is not None:
        return library
    if not any(isinstance(b, External) and sa_name(b.qualname) == "TypeDecorator" for b in mro):
        raise reader.error(f"{what}: {cls.name} is not a SQLAlchemy type (a TypeDecorator with impl=)",
                           call or cls.node, scope)
    for base in mro:
        if not isinstance(base, ClassRef):
            break
        method = class_attribute(base, "load_dialect_impl")
        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            chosen = _chosen_type(reader, method, Scope(base.module), f"{what} ({base.name}.load_dialect_impl)")
            if chosen is not None:
                return read_type(reader, chosen, Scope(base.module), f"{what} ({base.name}.load_dialect_impl)")
            continue  # it returns the impl: found below, from this class on
        if method is not None:
            raise reader.error(f"{what}: {base.name}.load_dialect_impl is not a method", method, Scope(base.module))
        impl = class_attribute(base, "impl")
        if impl is None:
            continue
        impl_scope = Scope(base.module)
        if isinstance(impl, ast.Call):
            return read_type(reader, impl, impl_scope, f"{what} ({base.name}.impl)")
        # TypeDecorator(*args) passes its arguments to the impl class, through the decorator's own __init__
        args, keywords = _impl_arguments(reader, mro, call, scope, what)
        if not args and not keywords:
            return read_type(reader, impl, impl_scope, f"{what} ({base.name}.impl)")
        where = call or cls.node
        return read_type(reader, ast.Call(func=impl, args=args, keywords=keywords,
                                          lineno=where.lineno, col_offset=where.col_offset),
                         call_scope(impl_scope, scope), f"{what} ({base.name}.impl)")
    raise reader.error(f"{what}: TypeDecorator {cls.name} has no impl", cls.node, Scope(cls.module))


def _impl_arguments(reader: ConstructReader, mro: list, call: ast.Call | None, scope: Scope,
                    what: str) -> tuple[list[ast.expr], list[ast.keyword]]:
    """The arguments the impl class is built with: the call's, as the decorator's ``__init__`` passes them
    on (``typedecorator_init``)."""
    from .typedecorator_init import NotForwarded, forwarded_arguments, init_of

    found = init_of(mro)
    try:
        forwarded = forwarded_arguments(found[1], call) if found is not None else None
    except NotForwarded as e:
        assert found is not None
        at_call = call is not None and any(n is e.node for n in ast.walk(call))
        raise reader.error(f"{what}: {found[0].name}.__init__ {e} to the impl, which is only known when the code "
                           "runs", e.node, scope if at_call else Scope(found[0].module)) from None
    if forwarded is not None:
        return forwarded
    return (list(call.args), list(call.keywords)) if call is not None else ([], [])


def _library_base(reader: ConstructReader, mro: list, call: ast.Call | None, scope: Scope,
                  what: str) -> TypeSpec | None:
    """A project subclass of a library type ``libtypes`` reads (redash's ``EncryptedConfiguration(EncryptedType)``)
    that sets no ``impl`` / ``load_dialect_impl`` of its own: the library type called with the same arguments."""
    from .libtypes import library_type
    from .types import TypeArgs
    for base in mro:
        if isinstance(base, ClassRef):
            if class_attribute(base, "impl") is not None or class_attribute(base, "load_dialect_impl") is not None:
                return None
            continue
        handler = library_type(base.qualname) if isinstance(base, External) else None
        if handler is None:
            return None
        if call is not None and any(isinstance(a, ast.Starred) for a in call.args) or \
                call is not None and any(k.arg is None for k in call.keywords):
            raise reader.error(f"{what}: *args/**kwargs are only known when the code runs", call, scope)
        return handler(reader, TypeArgs(reader, base.name, list(call.args) if call else [],
                                        {k.arg: k.value for k in call.keywords if k.arg} if call else {}, scope,
                                        call or ast.Name(base.name)))
    return None


def _chosen_type(reader: ConstructReader, method: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope,
                 what: str) -> ast.expr | None:
    """The type expression ``load_dialect_impl`` returns on the reader's dialect; None: the impl."""
    params = [a.arg for a in method.args.args]
    if len(params) != 2:
        raise reader.error(f"{what}: expected (self, dialect) parameters", method, scope)
    self_name, dialect_name = params
    body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    result = _run(reader, body, scope, what, self_name, dialect_name)
    if result is None:
        raise reader.error(f"{what}: no return statement is reached on {reader.dialect}", method, scope)
    return _returned_type(reader, result, scope, what, self_name, dialect_name)


def _run(reader: ConstructReader, body: list[ast.stmt], scope: Scope, what: str, self_name: str,
         dialect_name: str) -> ast.expr | None:
    for stmt in body:
        if isinstance(stmt, ast.Return):
            if stmt.value is None:
                raise reader.error(f"{what}: returns None", stmt, scope)
            return stmt.value
        if isinstance(stmt, ast.If):
            branch = stmt.body if _test(reader, stmt.test, scope, what, dialect_name) else stmt.orelse
            found = _run(reader, branch, scope, what, self_name, dialect_name)
            if found is not None:
                return found
            continue
        if isinstance(stmt, ast.Pass):
            continue
        raise reader.error(f"{what}: {type(stmt).__name__.lower()} statements are read only when the code runs "
                           "(read: if on dialect.name, return)", stmt, scope)
    return None


def _test(reader: ConstructReader, node: ast.expr, scope: Scope, what: str, dialect_name: str) -> bool:
    if isinstance(node, ast.BoolOp):
        values = [_test(reader, v, scope, what, dialect_name) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _test(reader, node.operand, scope, what, dialect_name)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and _is_dialect_name(node.left, dialect_name):
        value = reader.literal(node.comparators[0], scope, what)
        names = value if isinstance(value, (tuple, list, set, frozenset)) else (value,)
        if reader.dialect == "mysql" and "mariadb" in names:
            raise reader.error(f"{what}: {text_of(node)}: whether the dialect is named mysql or mariadb depends on "
                               "the database URL, which the models do not say", node, scope)
        op = node.ops[0]
        here = reader.dialect in names
        if isinstance(op, (ast.Eq, ast.In)):
            return here
        if isinstance(op, (ast.NotEq, ast.NotIn)):
            return not here
    raise reader.error(f"{what}: the condition {text_of(node)} is only known when the code runs "
                       "(read: dialect.name == / != / in / not in constants)", node, scope)


# dialect.type_descriptor() of these on PostgreSQL is what the driver's dialect makes of them: psycopg2 keeps
# CHAR/TEXT, psycopg (SQLAlchemy 2.1's default) and pg8000 make every string VARCHAR
DRIVER_DEPENDENT_ON_POSTGRESQL = frozenset({"String", "CHAR", "VARCHAR", "NCHAR", "NVARCHAR", "Text", "TEXT",
                                            "Unicode", "UnicodeText", "CLOB"})


def driver_dependent(shown: str) -> str:
    return (f"dialect.type_descriptor({shown}) on PostgreSQL depends on the driver (psycopg2: as written; "
            "psycopg and pg8000: VARCHAR), which the models do not say")


def _is_dialect_name(node: ast.expr, dialect_name: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "name" and isinstance(node.value, ast.Name) \
        and node.value.id == dialect_name


def _returned_type(reader: ConstructReader, node: ast.expr, scope: Scope, what: str, self_name: str,
                   dialect_name: str) -> Any:
    """``dialect.type_descriptor(T)`` -> T; the impl (``self.impl``, ``self.impl_instance``,
    ``super().load_dialect_impl(dialect)``) -> None; a type expression -> itself."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if node.func.attr == "type_descriptor" and isinstance(owner, ast.Name) and owner.id == dialect_name \
                and len(node.args) == 1:
            chosen = _returned_type(reader, node.args[0], scope, what, self_name, dialect_name)
            if chosen is not None and reader.dialect == "postgresql" and \
                    reader.callee(chosen, scope)[0] in DRIVER_DEPENDENT_ON_POSTGRESQL:
                raise reader.error(driver_dependent(text_of(chosen)), node, scope)
            return chosen
        if node.func.attr == "load_dialect_impl" and isinstance(owner, ast.Call) and \
                isinstance(owner.func, ast.Name) and owner.func.id == "super":
            return None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self_name:
        if node.attr in ("impl", "impl_instance"):
            return None
        raise reader.error(f"{what}: {text_of(node)} depends on the instance (its arguments)", node, scope)
    if any(isinstance(n, ast.Name) and n.id == self_name for n in ast.walk(node)):
        raise reader.error(f"{what}: {text_of(node)} depends on the instance (its arguments)", node, scope)
    return node


def derived_type(reader: ConstructReader, node: ast.expr, scope: Scope, what: str) -> tuple[ast.expr, Scope] | None:
    """The type expression ``node`` stands for when it is not a type call itself: ``T.with_variant(V, "sqlite")``
    (V on that dialect, else T), ``T.evaluates_none()`` (T), ``MutableDict.as_mutable(T)`` (T: mutation
    tracking is Python's), or a module-level name for a type expression (``JSON = types.JSON().with_variant(...)``).
    None: read ``node`` as it is."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        attr, owner = node.func.attr, node.func.value
        if attr == "with_variant" and len(node.args) >= 2 and not node.keywords:
            names: list[Any] = []
            for a in node.args[1:]:
                value = reader.literal(a, scope, f"{what} with_variant dialect")
                names.extend(value if isinstance(value, (tuple, list)) else [value])
            if reader.dialect == "mysql" and "mariadb" in names and "mysql" not in names:
                raise reader.error(f"{what}: {text_of(node)}: whether the dialect is named mysql or mariadb depends "
                                   "on the database URL, which the models do not say", node, scope)
            return (node.args[0], scope) if reader.dialect in names else (owner, scope)
        if attr == "evaluates_none" and not node.args and not node.keywords:
            return owner, scope
        if attr == "as_mutable" and len(node.args) == 1 and _is_mutable(reader, owner, scope):
            return node.args[0], scope
    if isinstance(node, (ast.Name, ast.Attribute)):
        ref = reader.resolve(node, scope)
        if isinstance(ref, ValueRef) and isinstance(ref.node, (ast.Call, ast.Name, ast.Attribute)):
            return ref.node, Scope(ref.module)
    return None


def _is_mutable(reader: ConstructReader, node: ast.expr, scope: Scope) -> bool:
    """``node`` is a class of ``sqlalchemy.ext.mutable`` or a project subclass of one."""
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return False
    ref = reader.resolve(node, scope)
    if isinstance(ref, External):
        return ref.qualname.startswith("sqlalchemy.ext.mutable.")
    if isinstance(ref, ClassRef):
        mro = reader.project.mro(ref)
        return not isinstance(mro, Unknown) and any(
            isinstance(b, External) and b.qualname.startswith("sqlalchemy.ext.mutable.") for b in mro)
    return False
