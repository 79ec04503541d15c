"""The Python around the ``op.*`` calls of ``upgrade()``: what the replay follows, skips, or stops at.

A revision is a program. The replay follows what decides its schema effect statically and skips the
rest with a note, so one line that only touches data never refuses the history:

- ``try:`` blocks: the ``try`` body (then ``else`` and ``finally``) is replayed, as when it succeeds; the
  handlers are not (a note says so, and names a handler that would change the schema);
- ``if``: the condition is worked out (``replay_values``: the dialect, ``str(bind.engine.url)``, the
  inspector and helpers asking whether a table or column exists, answered from the replayed state) and
  the branch taken is replayed; ``if`` statements whose condition is unknown but whose branches change
  no schema are skipped with a note;
- ``for`` over a literal list or tuple (of tuples: ``for table, column in [("a", "x")]``): the body
  once per item, the names bound to the item's values;
- assignments: constants and tracked values (``op.get_bind()``, ``context.get_context()``,
  ``sa.inspect(bind)``, ``str(bind.engine.url)``); anything else is an opaque local, an error only if an
  ``op.*`` call reads it;
- helper functions of the revision's module or of a module beside it (``from helpers import add``):
  followed with their parameters bound to the call's arguments; ``return`` ends them;
- ``with`` blocks other than ``batch_alter_table``: their body is replayed;
- data code (``connection.execute(t.update()...)``, loops over query rows, sessions, ``print``): skipped
  with a note.

A statement the replay cannot decide and that would change the schema (an ``op.*`` call in a loop over
rows, in a branch on a server version) is ``Unknowable``: an ``MgenError`` with file and line naming
what is only known when the code runs.
"""
from __future__ import annotations

import ast
import copy
import re
from typing import Any

from ...errors import MgenError
from ..pyast import FunctionRef, Module, text_of
from ..sqlalchemy import Scope
from .replay_state import Batch
from .replay_types import SYNTHETIC
from .replay_values import Bind, Context, Inspector, Opaque, Url, ValueReading, known

# op.* functions that read, or change only data
_NOT_SCHEMA_OPS = {"get_bind", "get_context", "f", "inline_literal", "bulk_insert", "implementation_for",
                   "register_operation"}
_DDL = re.compile(r"^\s*(CREATE|ALTER|DROP|RENAME|COMMENT|TRUNCATE)\b", re.IGNORECASE)
_MAX_HELPER_DEPTH = 8


class Unknowable(MgenError):
    """A statement whose schema effect is only known when the code runs."""


class _Return(Exception):
    """``return`` in ``upgrade()`` or in a helper being followed."""


class FlowStatements(ValueReading):
    """Mixed into the replayer (``replay._Replayer``): ``statement`` for every kind of Python statement."""

    helper_depth = 0
    batch_aliases: frozenset[str] = frozenset({"batch_op"})

    def body(self, stmts: list[ast.stmt], module: Module, batch: Batch | None = None) -> None:
        for stmt in stmts:
            self.statement(stmt, module, batch)

    def run_function(self, stmts: list[ast.stmt], module: Module) -> None:
        """The body of ``upgrade()`` or of a helper: ``return`` ends it."""
        try:
            self.body(stmts, module)
        except _Return:
            pass

    def run_decorated(self, function: ast.FunctionDef | ast.AsyncFunctionDef, module: Module) -> None:
        """``upgrade()`` itself, or through its decorators: a project decorator ``def deco(func): def
        wrapper(*args, **kwargs): ...; return wrapper`` is followed, ``func(...)`` in the wrapper running
        what it wraps (``@skip_if_sqlite``: a dialect test, then ``return func()``)."""
        def innermost() -> None:
            self.run_function(function.body, module)

        run = innermost
        for decorator in reversed(function.decorator_list):
            run = self._decorated(decorator, run)
        run()

    def _decorated(self, decorator: ast.expr, inner):
        ref = self.helper(decorator)
        body = [s for s in ref.node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))] \
            if ref is not None else []
        wrapper = body[0] if len(body) == 2 and isinstance(body[0], ast.FunctionDef) else None
        if ref is None or wrapper is None or len(ref.node.args.args) != 1 or not (
                isinstance(body[1], ast.Return) and isinstance(body[1].value, ast.Name)
                and body[1].value.id == wrapper.name):
            raise Unknowable(f"upgrade() is decorated with {text_of(decorator)}: only a project decorator that "
                             "returns a wrapper function is followed", str(self.path), decorator.lineno)
        caller = self.scope, self.locals, self.path

        def run() -> None:
            def wrapped() -> None:
                saved = self.scope, self.locals, self.path
                self.scope, self.locals, self.path = caller
                try:
                    inner()
                finally:
                    self.scope, self.locals, self.path = saved

            local: dict[str, Any] = {ref.node.args.args[0].arg: _Wrapped(wrapped)}
            for a in (wrapper.args.vararg, wrapper.args.kwarg, *wrapper.args.args):
                if a is not None:
                    local[a.arg] = Opaque(a.arg)
            saved = self.scope, self.locals, self.path
            self.scope, self.locals, self.path = Scope(ref.module, local), local, ref.module.path
            try:
                self.run_function(wrapper.body, ref.module)
            finally:
                self.scope, self.locals, self.path = saved
        return run

    def _wrapped_call(self, node: ast.expr | None) -> bool:
        """``func(*args, **kwargs)`` of a decorator's wrapper: runs what it wraps."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and isinstance(self.locals.get(node.func.id), _Wrapped):
            self.locals[node.func.id].run()
            return True
        return False

    def statement(self, stmt: ast.stmt, module: Module, batch: Batch | None = None) -> None:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            return
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            if batch is not None and batch.alias and isinstance(func, ast.Attribute) \
                    and isinstance(func.value, ast.Name) and func.value.id == batch.alias:
                batch.calls.append((func.attr, _Frozen(self.locals, batch.alias).visit(copy.deepcopy(stmt.value))))
                return
            self.call(stmt.value, batch)
            return
        if isinstance(stmt, ast.With):
            if len(stmt.items) == 1 and isinstance(stmt.items[0].context_expr, ast.Name) \
                    and self.is_batch_block(self.locals.get(stmt.items[0].context_expr.id)):
                stmt = ast.copy_location(ast.With([ast.withitem(self.locals[stmt.items[0].context_expr.id],
                                                                stmt.items[0].optional_vars)], stmt.body), stmt)
            if batch is None and len(stmt.items) == 1 and self.is_batch_block(stmt.items[0].context_expr):
                self.with_block(stmt, module)
            else:
                self.other_with(stmt, module, batch)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            self.assignment(stmt)
            return
        if isinstance(stmt, ast.If):
            self.conditional(stmt, module, batch)
            return
        if isinstance(stmt, ast.For):
            self.loop(stmt, module, batch)
            return
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.try_block(stmt, module, batch)  # type: ignore[arg-type]
            return
        if isinstance(stmt, ast.Return):
            self._wrapped_call(stmt.value)
            raise _Return()
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
            return
        if isinstance(stmt, ast.Raise):
            raise MgenError(f"upgrade() raises here ({text_of(stmt)[:80]}): alembic upgrade fails at this line",
                            str(self.path), stmt.lineno)
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            combined = ast.copy_location(ast.BinOp(ast.Name(stmt.target.id, ast.Load()), stmt.op, stmt.value), stmt)
            value = self.value(combined)
            self.locals[stmt.target.id] = self.held(ast.copy_location(ast.Constant(value), stmt)) \
                if isinstance(value, (str, int, float)) and known(value) else Opaque(stmt.target.id)
            return
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.locals[stmt.name] = FunctionRef(self.scope.module, stmt, stmt.lineno)
            return
        self.skip(stmt, f"'{text_of(stmt).splitlines()[0]}'")

    # -- what is skipped ---------------------------------------------------------------------------------
    def skip(self, node: ast.AST, what: str, why: str = "") -> None:
        """Skip ``node`` with a note when it changes no schema; else it is ``Unknowable``."""
        effect = self.schema_effect(node)
        if effect is not None:
            reason = why or "it cannot be replayed statically"
            raise Unknowable(f"upgrade() contains {what}: {reason}, and it changes the schema "
                             f"({text_of(effect).splitlines()[0]}, line {effect.lineno})", str(self.path),
                             getattr(node, "lineno", None))
        for assigned in ast.walk(node):  # what it assigns is unknown from here on
            if isinstance(assigned, ast.Name) and isinstance(assigned.ctx, ast.Store):
                self.locals[assigned.id] = Opaque(assigned.id)
        self.note(f"{what} is skipped: it changes no schema (data or run-time code only)", node)

    def schema_effect(self, node: ast.AST, _seen: set[int] | None = None) -> ast.Call | None:
        """The first call under ``node`` that changes the schema (an ``op.*`` operation, DDL in
        ``execute``, ``.create(bind)``, a helper that does), or None."""
        seen = _seen if _seen is not None else set()
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            func = call.func
            op = self._op_name(func)
            if op is not None:
                if op == "execute":
                    if call.args and self._ddl(call.args[0]):
                        return call
                elif op not in _NOT_SCHEMA_OPS:
                    return call
                continue
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                    and func.value.id in self.batch_aliases and func.attr != "execute":
                return call
            if isinstance(func, ast.Attribute):
                if func.attr in ("execute", "exec_driver_sql") and call.args and self._ddl(call.args[0]):
                    return call
                if func.attr in ("create", "drop", "create_all", "drop_all") and self._is_ddl_owner(func.value):
                    return call
            helper = self.helper(func)
            if helper is not None and id(helper.node) not in seen:
                seen.add(id(helper.node))
                saved = self.scope
                self.scope = Scope(helper.module, {})
                try:
                    found = self.schema_effect(helper.node, seen)
                finally:
                    self.scope = saved
                if found is not None:
                    return call
        return None

    def _ddl(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, (ast.Name, ast.Attribute)) \
                and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "text":
            node = node.args[0]
        if isinstance(node, ast.JoinedStr):
            head = node.values[0] if node.values else None
            return isinstance(head, ast.Constant) and bool(_DDL.match(str(head.value)))
        v = self.value(node)
        return isinstance(v, str) and bool(_DDL.match(v))

    def _is_ddl_owner(self, node: ast.expr) -> bool:
        """``X`` of ``X.create(bind)``: a type, a table or metadata (not a session or a query)."""
        if isinstance(node, ast.Name) and isinstance(self.locals.get(node.id), (Bind, Context, Inspector, Url)):
            return False
        return not (isinstance(node, ast.Name) and node.id in ("session", "db", "conn", "connection", "bind"))

    # -- conditionals, loops, try ----------------------------------------------------------------------
    def conditional(self, stmt: ast.If, module: Module, batch: Batch | None) -> None:
        taken = self.truth(stmt.test)
        if taken is None:
            self.skip(stmt, f"'if {text_of(stmt.test)}'",
                      "the condition is only known when the code runs")
            return
        self.body(stmt.body if taken else stmt.orelse, module, batch)

    def loop(self, stmt: ast.For, module: Module, batch: Batch | None) -> None:
        source = self.locals.get(stmt.iter.id) if isinstance(stmt.iter, ast.Name) else stmt.iter
        if isinstance(source, (ast.List, ast.Tuple)) and any(self.is_batch_block(e) for e in source.elts):
            for element in source.elts:  # the batch_alter_table calls themselves, for "with <name>:"
                if not isinstance(stmt.target, ast.Name):
                    break
                self.locals[stmt.target.id] = element
                self.body(stmt.body, module, batch)
            else:
                self.body(stmt.orelse, module, batch)
                return
        items = self.value(stmt.iter)
        if not known(items) or not isinstance(items, (list, tuple)):
            self.skip(stmt, f"a loop over {text_of(stmt.iter)}", "what it iterates over is only known when the "
                      "code runs")
            return
        for item in items:
            if not self.bind_target(stmt.target, item, stmt):
                self.skip(stmt, f"a loop over {text_of(stmt.iter)}", f"its items do not unpack into "
                          f"{text_of(stmt.target)}")
                return
            self.body(stmt.body, module, batch)
        self.body(stmt.orelse, module, batch)

    def bind_target(self, target: ast.expr, item: Any, node: ast.AST) -> bool:
        if isinstance(target, ast.Name):
            self.locals[target.id] = self.held(ast.copy_location(ast.Constant(item), node)) \
                if isinstance(item, (str, int, float, bool, type(None))) else self._held_value(item, node)
            return True
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(item, (tuple, list)) \
                and len(item) == len(target.elts):
            return all(self.bind_target(t, i, node) for t, i in zip(target.elts, item))
        return False

    @staticmethod
    def _held_value(item: Any, node: ast.AST) -> Any:
        if isinstance(item, (tuple, list)) and all(isinstance(i, (str, int, float, bool, type(None))) for i in item):
            elts = [ast.copy_location(ast.Constant(i), node) for i in item]
            made = ast.Tuple(elts, ast.Load()) if isinstance(item, tuple) else ast.List(elts, ast.Load())
            return ast.copy_location(made, node)
        return item

    def try_block(self, stmt: ast.Try, module: Module, batch: Batch | None) -> None:
        changing = [h for h in stmt.handlers if self.schema_effect(h) is not None]
        extra = (f"; the handler at line {changing[0].lineno} would change the schema, and is not replayed"
                 if changing else "")
        self.note("a try block: its body is replayed as when it succeeds, the except handlers are not" + extra,
                  stmt)
        self.body(stmt.body, module, batch)
        self.body(stmt.orelse, module, batch)
        self.body(stmt.finalbody, module, batch)

    def other_with(self, stmt: ast.With, module: Module, batch: Batch | None) -> None:
        """``with conn.begin():``, ``with Session(bind=bind) as session:``, ``with op.get_context()
        .autocommit_block():``: the body, as if the block were not there."""
        for item in stmt.items:
            effect = self.schema_effect(item.context_expr)
            if effect is not None:
                raise Unknowable(f"with {text_of(item.context_expr)}: only 'with op.batch_alter_table(...) as "
                                 "batch_op' is replayed among blocks that change the schema", str(self.path),
                                 stmt.lineno)
            if isinstance(item.optional_vars, ast.Name):
                self.locals[item.optional_vars.id] = Opaque(item.optional_vars.id)
        self.body(stmt.body, module, batch)

    # -- assignments ----------------------------------------------------------------------------------
    def assignment(self, stmt: ast.Assign | ast.AnnAssign) -> None:
        """Constants and tracked values are kept (``bind = op.get_bind()``, ``url = str(bind.engine.url)``,
        ``inspector = sa.inspect(bind)``); ``tags = op.create_table(...)`` is replayed; anything else is an
        opaque local (read by nothing but data code, or an error where an ``op.*`` call reads it)."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        if value is None:
            return
        if isinstance(value, ast.Call) and self._op_name(value.func) not in (None, *_NOT_SCHEMA_OPS, "execute"):
            self.call(value, None)  # tags = op.create_table(...): the Table, for bulk_insert
            for target in targets:
                for name in _names(target):
                    self.locals[name] = Opaque(name)
            return
        if isinstance(value, (ast.List, ast.Tuple)) and value.elts and all(self.is_batch_block(e) for e in value.elts):
            for target in targets:  # batches = [op.batch_alter_table("a"), ...]; for b in batches: with b: ...
                for name in _names(target):
                    self.locals[name] = value
            return
        effect = self.schema_effect(value)
        if effect is not None:
            raise Unknowable(f"upgrade() assigns {text_of(value)}: a call in it changes the schema "
                             f"({text_of(effect).splitlines()[0]}) and only plain op.* calls are replayed",
                             str(self.path), stmt.lineno)
        v = self.value(value)
        for target in targets:
            if isinstance(target, ast.Name):
                if isinstance(v, (Bind, Context, Inspector, Url, Opaque)):
                    self.locals[target.id] = v
                elif known(v) and isinstance(v, (str, int, float, bool, type(None), tuple, list, dict)):
                    self.locals[target.id] = self.held(value)
                else:
                    self.locals[target.id] = value if _constant_expression(value) else Opaque(target.id)
            elif isinstance(target, (ast.Tuple, ast.List)) and known(v) and isinstance(v, (tuple, list)):
                if not self.bind_target(target, v, stmt):
                    for name in _names(target):
                        self.locals[name] = Opaque(name)
            else:  # t.c.x = ..., d["k"] = ...: nothing the replay reads
                for name in _names(target):
                    self.locals[name] = Opaque(name)

    # -- helpers -------------------------------------------------------------------------------------
    def helper(self, func: ast.expr) -> FunctionRef | None:
        """The project function ``func`` names (in the revision's module or a module of the versions
        folder), or None."""
        if isinstance(func, ast.Name) and isinstance(self.locals.get(func.id), FunctionRef):
            return self.locals[func.id]
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return None
        ref = self.reader.project.resolve(self.scope.module, func, self.locals)
        return ref if isinstance(ref, FunctionRef) else None

    def follow(self, ref: FunctionRef, call: ast.Call) -> None:
        """Replay a helper's body with its parameters bound to the call's arguments."""
        if self.helper_depth >= _MAX_HELPER_DEPTH:
            raise Unknowable(f"{ref.node.name}() calls helpers more than {_MAX_HELPER_DEPTH} deep",
                             str(self.path), call.lineno)
        bound = self.bind_arguments(ref, call)
        if bound is None:
            self.skip(call, f"the call {text_of(call.func)}(...)", "its arguments do not fit the function's "
                      "parameters statically")
            return
        saved = self.scope, self.locals, self.path
        self.scope, self.locals = Scope(ref.module, bound), bound
        self.path = ref.module.path
        self.helper_depth += 1
        try:
            self.run_function(ref.node.body, ref.module)
        except MgenError as e:
            if e.file == str(self.path) and saved[2] != self.path:
                raise type(e)(f"{e.message} (in {ref.node.name}(), called at {saved[2].name}:{call.lineno})",
                              e.file, e.line) from None
            raise
        finally:
            self.helper_depth -= 1
            self.scope, self.locals, self.path = saved

    def other_call(self, call: ast.Call) -> None:
        """A call that is not an ``op.*`` operation: a helper is followed, data code is skipped."""
        if self._wrapped_call(call):
            return
        ref = self.helper(call.func)
        if ref is not None:
            self.follow(ref, call)
            return
        self.skip(call, f"the call {text_of(call.func)}(...)")


class _Wrapped:
    """The function a decorator wraps, as its wrapper calls it."""

    def __init__(self, run):
        self.run = run


class _Frozen(ast.NodeTransformer):
    """A batch call collected now and interpreted at the end of the block: the loop variables and
    constants it names are replaced by their current values."""

    def __init__(self, local: dict[str, Any], alias: str):
        self.local = local
        self.alias = alias

    def visit_Call(self, node: ast.Call) -> ast.expr:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "f" and isinstance(func.value, ast.Name) \
                and func.value.id == self.alias and len(node.args) == 1 and not node.keywords:
            # batch_op.f("name") is op.f("name"): a final name, as sqlalchemy's conv("name")
            made = ast.Call(ast.Name(SYNTHETIC + "conv", ast.Load()), [self.visit(node.args[0])], [])
            return ast.copy_location(made, node)
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.expr:
        held = self.local.get(node.id)
        if isinstance(held, ast.Constant) or (isinstance(held, (ast.Tuple, ast.List))
                                              and all(isinstance(e, ast.Constant) for e in held.elts)):
            return ast.copy_location(copy.deepcopy(held), node)
        return node


def _names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for e in target.elts for n in _names(e)]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []


def _constant_expression(node: ast.expr) -> bool:
    """An expression read where it is used (``sa.Column(...)``, ``sa.Enum(...)`` kept for a later op.* call)."""
    return isinstance(node, (ast.Call, ast.Attribute, ast.Name, ast.Dict, ast.List, ast.Tuple, ast.Constant))
