"""What an expression in ``upgrade()`` is worth when the replay can know it without running the code.

Revisions test their surroundings before acting: the dialect (``op.get_bind().dialect.name``,
``context.get_context().dialect.name``, ``bind.engine.name``, ``str(bind.engine.url).startswith("sqlite")``)
and the database's state (``sa.inspect(bind).get_table_names()``, ``inspector.has_table("t")``,
``[c["name"] for c in inspector.get_columns("t")]``, a helper such as ``table_exists("t")`` whose body is
one ``return``). ``ValueReading.value(node)`` answers such an expression from the project's dialect and
the schema replayed so far (what the database holds at that point of ``alembic upgrade``), or ``UNKNOWN``
when only running the code would tell (a query's rows, a server version, an environment variable).

Values the replay tracks in its locals besides constants: ``Bind`` (a connection or engine: its dialect
and URL are known, its data is not), ``Context`` (Alembic's migration context), ``Inspector``, ``Url``.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..pyast import ClassRef, External, FunctionRef, LocalRef, Unknown, call_kwargs, class_attribute, text_of

UNKNOWN: Any = Unknown(None, None, "only known when the code runs")


@dataclass(frozen=True)
class Bind:
    """``op.get_bind()``, ``bind.engine``, ``context.get_bind()``: a connection to the project's database."""

    name: str


@dataclass(frozen=True)
class Context:
    """``op.get_context()`` / ``alembic.context.get_context()``."""

    name: str


@dataclass(frozen=True)
class Inspector:
    """``sa.inspect(bind)``: answers from the schema replayed so far."""

    name: str


@dataclass(frozen=True)
class Url:
    """``bind.engine.url`` or ``str()`` of it: starts with the backend's name (``postgresql+psycopg2://``)."""


@dataclass(frozen=True)
class Opaque:
    """A local value the replay does not look into (``sa.table(...)``, a session, a query's rows)."""

    name: str


class Rows(list):
    """The rows of a catalog query answered from the replayed schema (``replay_catalog``): tuples of constants."""


class DialectName(str):
    """The dialect's name as SQLAlchemy reports it (``mysql`` may also be ``mariadb``)."""


_BACKENDS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle")
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_PLAIN = (str, int, float, bool, type(None), tuple, list, dict, set, frozenset)


def known(value: Any) -> bool:
    return value is not UNKNOWN and not isinstance(value, Unknown)


class ValueReading:
    """Mixed into the replayer (``replay._Replayer``): needs ``dialect``, ``schema``, ``reader``, ``scope``,
    ``locals`` and ``_op_name``."""

    _depth = 0

    def value(self, node: ast.expr | None) -> Any:
        """The value of ``node``, or ``UNKNOWN``."""
        if node is None:
            return None
        try:
            return self._value(node)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError):
            return UNKNOWN  # a comparison the code itself would make of values we hold only in part

    def truth(self, node: ast.expr) -> bool | None:
        """``bool(node)``: True, False, or None when only running the code would tell."""
        v = self.value(node)
        if not known(v) or isinstance(v, (Bind, Context, Inspector, Url, Opaque)):
            return None
        return bool(v)

    # -- expressions ---------------------------------------------------------------------------------
    def _value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = [self._value(e) for e in node.elts]
            if any(not known(i) for i in items) or any(isinstance(e, ast.Starred) for e in node.elts):
                return UNKNOWN
            return tuple(items) if isinstance(node, ast.Tuple) else set(items) if isinstance(node, ast.Set) else items
        if isinstance(node, ast.Name):
            return self._name_value(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.BoolOp):
            result: Any = None
            for operand in node.values:
                result = self.truth(operand)
                if result is None:
                    return UNKNOWN
                if isinstance(node.op, ast.And) and not result or isinstance(node.op, ast.Or) and result:
                    return result
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            t = self.truth(node.operand)
            return UNKNOWN if t is None else not t
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self._comprehension(node)
        if isinstance(node, ast.Subscript):
            of, key = self._value(node.value), self._value(node.slice)
            if known(of) and known(key) and isinstance(of, (dict, list, tuple, str)):
                return of[key]
            return UNKNOWN
        if isinstance(node, ast.JoinedStr):
            literal = self.reader.project.literal(self.scope.module, node, self.locals)
            return UNKNOWN if isinstance(literal, Unknown) else literal
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._value(node.left), self._value(node.right)
            return left + right if known(left) and known(right) else UNKNOWN
        return UNKNOWN

    def _name_value(self, node: ast.Name) -> Any:
        if node.id in self.locals:
            held = self.locals[node.id]
            return self._value(held) if isinstance(held, ast.expr) else held
        ref = self.reader.project.resolve(self.scope.module, node, self.locals)
        if isinstance(ref, External) and ref.qualname in ("builtins.None", "builtins.True", "builtins.False"):
            return {"None": None, "True": True, "False": False}[ref.name]
        literal = self.reader.project.literal(self.scope.module, node, self.locals)
        return UNKNOWN if isinstance(literal, Unknown) else literal

    def _attribute(self, node: ast.Attribute) -> Any:
        of = self._value(node.value)
        attr = node.attr
        if isinstance(of, Bind):
            if attr in ("engine", "connection", "bind"):
                return of
            if attr == "dialect":
                return Context(of.name)
            if attr == "name":  # engine.name
                return DialectName(self.dialect)
            if attr == "url":
                return Url()
            return UNKNOWN
        if isinstance(of, Context):
            if attr in ("bind", "connection"):
                return Bind(of.name)
            if attr == "dialect":
                return Context(of.name)
            if attr == "name":  # dialect.name
                return DialectName(self.dialect)
            return UNKNOWN
        if isinstance(of, Url) and attr in ("drivername",):
            return UNKNOWN
        if isinstance(of, dict):
            return UNKNOWN
        member = self._enum_member(node)
        if member is not None:
            return member
        literal = self.reader.project.literal(self.scope.module, node, self.locals)
        return UNKNOWN if isinstance(literal, Unknown) else literal

    def _enum_member(self, node: ast.Attribute) -> Any:
        """``Colour.RED.name`` (``"RED"``) and ``Colour.RED.value`` of an ``enum.Enum`` class of the project."""
        if node.attr not in ("name", "value") or not isinstance(node.value, ast.Attribute):
            return None
        cls = self.reader.project.resolve(self.scope.module, node.value.value, self.locals) \
            if isinstance(node.value.value, (ast.Name, ast.Attribute)) else None
        if not isinstance(cls, ClassRef):
            return None
        mro = self.reader.project.mro(cls)
        if isinstance(mro, Unknown) or not any(isinstance(b, External) and b.qualname.startswith("enum.")
                                               for b in mro):
            return None
        assigned = class_attribute(cls, node.value.attr)
        if not isinstance(assigned, ast.expr):
            return None
        if node.attr == "name":
            return node.value.attr
        value = self.reader.project.literal(cls.module, assigned)
        return None if isinstance(value, Unknown) else value

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        op = self._op_name(func)
        if op == "get_bind":
            return Bind("op.get_bind()")
        if op == "get_context":
            return Context("op.get_context()")
        ref = self.reader.project.resolve(self.scope.module, func, self.locals) \
            if isinstance(func, (ast.Name, ast.Attribute)) else None
        qualname = ref.qualname if isinstance(ref, External) else ""
        if qualname in ("alembic.context.get_context",):
            return Context("context.get_context()")
        if qualname in ("alembic.context.get_bind",):
            return Bind("context.get_bind()")
        if qualname in ("sqlalchemy.create_engine", "sqlalchemy.engine.create_engine"):
            return Bind("create_engine()")  # the application's database: the one being migrated
        if qualname.split(".")[-1] in ("inspect", "from_engine") and qualname.startswith("sqlalchemy") \
                and len(node.args) == 1 and isinstance(self._value(node.args[0]), (Bind, Context)):
            return Inspector(qualname)
        if isinstance(ref, FunctionRef):
            return self._function_value(ref, node)
        args = [self._value(a) for a in node.args]
        if qualname.startswith("builtins.") and not node.keywords and all(known(a) for a in args):
            return self._builtin(qualname[len("builtins."):], args, node)
        if isinstance(func, ast.Attribute):
            of = self._value(func.value)
            if isinstance(of, Inspector):
                return self._inspect(func.attr, node)
            if isinstance(of, Bind) and func.attr in ("execute", "exec_driver_sql") and len(node.args) == 1:
                return self._catalog_query(node)
            if isinstance(of, Rows) and func.attr in ("fetchall", "all") and not node.args:
                return of
            if isinstance(of, Context) and func.attr == "has_table" and len(node.args) == 2:
                return self._inspect("has_table", ast.Call(func=func, args=node.args[1:], keywords=node.keywords))
            if isinstance(of, Url) and func.attr == "get_backend_name":
                return DialectName(self.dialect)
            if isinstance(of, Url) and func.attr in ("startswith", "__contains__") and len(args) == 1:
                return self._url_starts(args[0])
            if isinstance(of, (str, list, tuple, dict)) and known(of) and all(known(a) for a in args) \
                    and func.attr in ("startswith", "endswith", "lower", "upper", "get", "keys", "values",
                                      "index", "count", "split", "strip"):
                return getattr(of, func.attr)(*args)
        return UNKNOWN

    def _builtin(self, name: str, args: list[Any], node: ast.Call) -> Any:
        if name == "str" and len(args) == 1 and isinstance(args[0], Url):
            return Url()
        if any(isinstance(a, (Bind, Context, Inspector, Url, Opaque)) for a in args):
            return UNKNOWN
        functions: dict[str, Callable[..., Any]] = {
            "str": str, "len": len, "any": any, "all": all, "set": set, "list": list, "tuple": tuple,
            "sorted": sorted, "bool": bool, "frozenset": frozenset}
        return functions[name](*args) if name in functions else UNKNOWN

    def _url_starts(self, prefix: Any) -> Any:
        """``url.startswith(prefix)``: a URL starts with its backend's name, then ``+driver`` or ``://``."""
        if not isinstance(prefix, str):
            return UNKNOWN
        backend = self.dialect
        if backend.startswith(prefix):
            return True
        if prefix.startswith(backend):
            return UNKNOWN if prefix[len(backend):][:1] in ("+", ":") and prefix != backend + "://" else \
                prefix == backend + "://"
        if backend == "mysql" and "mariadb".startswith(prefix):
            return UNKNOWN  # a MariaDB URL may start with either name
        return False

    def _compare(self, node: ast.Compare) -> Any:
        left = self._value(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self._value(right_node)
            if not known(left) or not known(right):
                return UNKNOWN
            if isinstance(right, Url) and isinstance(op, (ast.In, ast.NotIn)):  # "sqlite" in url
                starts = left == self.dialect if isinstance(left, str) and left in _BACKENDS else UNKNOWN
                if not known(starts) or (self.dialect == "mysql" and left == "mariadb"):
                    return UNKNOWN
                result = starts if isinstance(op, ast.In) else not starts
            else:
                if any(isinstance(v, (Bind, Context, Inspector, Url, Opaque)) for v in (left, right)):
                    return UNKNOWN
                if self.dialect == "mysql" and "mariadb" in (left, right) and \
                        any(isinstance(v, DialectName) for v in (left, right)):
                    return UNKNOWN  # SQLAlchemy names a MariaDB server either way
                if self.dialect == "mysql" and isinstance(right, (tuple, list, set)) and "mariadb" in right \
                        and isinstance(left, DialectName) and "mysql" not in right:
                    return UNKNOWN
                if isinstance(op, (ast.Is, ast.IsNot)) and not isinstance(right, (bool, type(None))):
                    return UNKNOWN
                result = _COMPARE[type(op)](left, right)
            if not result:
                return False
            left = right
        return True

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> Any:
        if len(node.generators) != 1 or not isinstance(node.generators[0].target, ast.Name):
            return UNKNOWN
        gen = node.generators[0]
        items = self._value(gen.iter)
        if not known(items) or not isinstance(items, (list, tuple, set)):
            return UNKNOWN
        name = gen.target.id
        saved = self.locals.get(name, _MISSING)
        out = []
        try:
            for item in items:
                self.locals[name] = item if isinstance(item, (dict, list, tuple)) else ast.Constant(item)
                if all(self.truth(cond) for cond in gen.ifs):
                    v = self._value(node.elt)
                    if not known(v):
                        return UNKNOWN
                    out.append(v)
        finally:
            if saved is _MISSING:
                self.locals.pop(name, None)
            else:
                self.locals[name] = saved
        return set(out) if isinstance(node, ast.SetComp) else out

    def _function_value(self, ref: FunctionRef, call: ast.Call) -> Any:
        """A helper whose body (past a docstring) is one ``return <expression>``: that expression, its
        parameters bound to the call's arguments."""
        body = [s for s in ref.node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None or self._depth > 8:
            return UNKNOWN
        bound = self.bind_arguments(ref, call)
        if bound is None:
            return UNKNOWN
        from ..sqlalchemy import Scope

        saved = self.scope, self.locals
        self.scope, self.locals = Scope(ref.module, bound), bound
        self._depth += 1
        try:
            return self._value(body[0].value)
        finally:
            self._depth -= 1
            self.scope, self.locals = saved

    def bind_arguments(self, ref: FunctionRef, call: ast.Call) -> dict[str, Any] | None:
        """The helper's parameters bound to the call's arguments (their values where known, else the
        caller's expression), defaults for the rest; None when the call does not fit the signature."""
        args = ref.node.args
        if args.vararg or args.kwarg or any(isinstance(a, ast.Starred) for a in call.args) \
                or any(k.arg is None for k in call.keywords):
            return None
        params = [a.arg for a in (*args.posonlyargs, *args.args)]
        bound: dict[str, Any] = {}
        if len(call.args) > len(params):
            return None
        for name, node in zip(params, call.args):
            bound[name] = self.held(node)
        kwonly = [a.arg for a in args.kwonlyargs]
        for name, node in call_kwargs(call).items():
            if name not in params and name not in kwonly or name in bound:
                return None
            bound[name] = self.held(node)
        defaults = dict(zip(params[len(params) - len(args.defaults):], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        for name in (*params, *kwonly):
            if name not in bound:
                if name not in defaults:
                    return None
                bound[name] = self.held(defaults[name])
        return bound

    def held(self, node: ast.expr) -> Any:
        """What a local name bound to ``node`` holds: the constant's node, a tracked value, or the
        expression itself (read later where it is used)."""
        v = self.value(node)
        if isinstance(v, (Bind, Context, Inspector, Url, Opaque)):
            return v
        if known(v) and isinstance(v, (str, int, float, bool, type(None))):
            return ast.copy_location(ast.Constant(v), node)
        if isinstance(v, Rows):  # held as read, not asked again of a schema the loop then changes
            rows = [ast.Tuple([ast.Constant(i) for i in row], ast.Load()) for row in v]
            return ast.fix_missing_locations(ast.copy_location(ast.List(rows, ast.Load()), node))
        if known(v) and isinstance(v, (tuple, list)) and all(isinstance(i, (str, int, float, bool, type(None)))
                                                             for i in v):
            elts = [ast.copy_location(ast.Constant(i), node) for i in v]
            made = ast.Tuple(elts, ast.Load()) if isinstance(v, tuple) else ast.List(elts, ast.Load())
            return ast.copy_location(made, node)
        if isinstance(node, ast.Name) and isinstance(self.locals.get(node.id), (ast.expr, Opaque)):
            return self.locals[node.id]
        return node

    # -- the database's state, as replayed ------------------------------------------------------------
    def _catalog_query(self, call: ast.Call) -> Any:
        """``bind.execute("SELECT ... FROM information_schema.COLUMNS ...")``: the rows, from the schema
        replayed so far (``replay_catalog``); any other query's rows are unknown."""
        from .replay_catalog import catalog_rows

        arg = call.args[0]
        if isinstance(arg, ast.Call) and arg.args and self.reader.callee(arg, self.scope)[0] in ("text", "sql.text"):
            arg = arg.args[0]  # sa.text("...")
        sql = self._value(arg)
        rows = catalog_rows(sql, self.schema, self.dialect) if isinstance(sql, str) and known(sql) else None
        if rows is None:
            return UNKNOWN
        if not any(n.line == call.lineno and n.file == str(self.path) and "catalog" in n.message
                   for n in self.reader.notes):  # said once, however often the value is read
            self.note(f"{text_of(call.func)}(...) reads the database's catalog (information_schema): its {len(rows)} "
                      "row(s) are read from the schema replayed so far, as MySQL 8 spells the types", call)
        return Rows(rows)

    def _inspect(self, method: str, call: ast.Call) -> Any:
        args = [self._value(a) for a in call.args]
        kwargs = {k: self._value(v) for k, v in call_kwargs(call).items()}
        if any(not known(a) for a in (*args, *kwargs.values())) or kwargs.get("schema") is not None:
            return UNKNOWN
        kwargs.pop("schema", None)
        table_name = args[0] if args else kwargs.get("table_name")
        schema = self.schema
        if method == "get_table_names":
            return [t.name for t in schema.tables]
        if method == "has_table":
            return schema.has_table(table_name)
        if method in ("get_enums",) and not args:
            return [{"name": e.name, "labels": list(e.values)} for e in schema.enums]
        if not isinstance(table_name, str):
            return UNKNOWN
        if not schema.has_table(table_name):
            return UNKNOWN  # SQLAlchemy raises NoSuchTableError
        table = schema.table(table_name)
        if method == "get_columns":
            return [{"name": c.name, "nullable": c.nullable} for c in table.columns]
        if method == "get_indexes":
            return [{"name": i.name, "column_names": list(i.columns), "unique": i.unique} for i in table.indexes]
        if method == "get_unique_constraints":
            return [{"name": u.name, "column_names": list(u.columns)} for u in table.uniques]
        if method == "get_foreign_keys":
            return [{"name": f.name, "constrained_columns": list(f.columns), "referred_table": f.ref_table,
                     "referred_columns": list(f.ref_columns)} for f in table.foreign_keys]
        if method == "get_pk_constraint":
            pk = table.primary_key
            return {"name": pk.name if pk else None, "constrained_columns": list(pk.columns) if pk else []}
        if method == "get_check_constraints":
            return [{"name": c.name, "sqltext": c.expression} for c in table.checks]
        return UNKNOWN


class _Missing:
    pass


_MISSING = _Missing()


__all__ = ["UNKNOWN", "Bind", "Context", "DialectName", "Inspector", "LocalRef", "Opaque", "Rows", "Url",
           "ValueReading", "known"]
