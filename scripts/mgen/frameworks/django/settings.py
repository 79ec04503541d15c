"""A Django settings module evaluated statically: its module-level statements run by a small interpreter.

Nothing is imported or run. The statements are followed in order, as Python would run them at import:
assignments (names, tuple unpacking, ``DATABASES["default"]["NAME"] = ...``), ``+=``/``|=``, the list and
dict methods that change a setting in place (``append``, ``extend``, ``insert``, ``remove``, ``update``,
...), ``import``/``from ... import`` of the project's own modules (evaluated the same way, once each, so an
imported list or constant is its value), star imports (in order, a later one wins; ``__all__`` honoured),
``try``/``except ImportError`` (the handler runs when the body imports a module found nowhere: a missing
``local.py``), ``if``/``else``, ``for`` loops over known lists, and ``sys.path.insert``/``append`` (recorded:
they put folders on the module path, see ``DjangoSettings.sys_path``).

**The environment is taken as empty**: ``os.environ.get(name, default)``, ``os.getenv`` and
``decouple.config(name, default=...)`` give their default, ``name in os.environ`` is false,
``os.environ[name]`` is unknown. An ``if`` whose test is then decidable runs one branch; where the test read
the environment, what the other branch would have added to ``INSTALLED_APPS`` is recorded
(``DjangoSettings.other_branch_apps``), so the caller can say which apps were left out. An ``if`` whose test
stays unknown runs both branches and merges them: a value equal in both is kept; a list grows by the items
either branch added, those of one branch only marked ``Conditional`` (with the test and its line); a dict
merges key by key; anything else becomes ``Opaque`` naming the test. An unknown part of a list
(``[*discover_plugins(), ...]``, ``for p in entry_points(): APPS.append(p)``) is an ``Opaque`` item in it:
the known items stay known.

What cannot be known is an ``Opaque`` (source, file, line) - never a guess.
"""
from __future__ import annotations

import ast
import os.path
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MgenError
from .. import bounded
from .settings_values import (
    Conditional,
    ModuleValue,
    copy_namespace,
    first_unknown,
    hashable,
    is_known,
    merge,
    numbers,
    truth,
    unconditional_unknowns,
)
from .source import Finder, Module, absolute
from .state import Opaque, Ref

__all__ = ["Conditional", "DjangoSettings", "ModuleValue", "evaluate_file", "evaluate_settings", "first_unknown",
           "is_known"]

_ENV_GETTERS = {"os.environ.get", "os.getenv", "posix.environ.get", "os._Environ.get", "decouple.config",
                "os.environ.setdefault"}
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_LIST_METHODS = {"append", "extend", "insert", "remove", "pop", "clear", "reverse", "sort"}
_DICT_METHODS = {"update", "setdefault", "pop", "clear"}
_STR_METHODS = {"lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith",
                "find", "replace", "join", "format", "title", "capitalize", "casefold", "partition",
                "rpartition", "isdigit", "count", "removeprefix", "removesuffix"}
_PURE_BUILTINS = {"list": list, "tuple": tuple, "dict": dict, "set": set, "frozenset": frozenset, "bool": bool,
                  "int": int, "str": str, "float": float, "len": len, "sorted": sorted, "reversed": list,
                  "min": min, "max": max, "any": any, "all": all}
_PATH_FUNCS = {"os.path.join": os.path.join, "os.path.dirname": os.path.dirname,
               "os.path.abspath": os.path.abspath, "os.path.normpath": os.path.normpath,
               "os.path.realpath": os.path.realpath, "os.path.basename": os.path.basename,
               "os.path.expanduser": os.path.expanduser, "posixpath.join": os.path.join,
               "posixpath.dirname": os.path.dirname, "posixpath.abspath": os.path.abspath}
_PATH_CLASSES = {"pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "pathlib.PurePosixPath"}
_MAX_STEPS = 20000  # statements run in one evaluation (loops unrolled), a guard against pathological files


class _ImportFailed(Exception):
    def __init__(self, module: str):
        super().__init__(module)
        self.module = module


@dataclass
class DjangoSettings:
    """What a settings module sets (UPPER_CASE names), and what its evaluation recorded."""

    module: Module
    values: dict[str, Any]
    sys_path: list[str] = field(default_factory=list)  # folders put on sys.path, in order
    # (file, line, test, apps): an if decided by the empty environment, and the apps its other branch adds
    other_branch_apps: list[tuple[str, int, str, list[str]]] = field(default_factory=list)
    missing_imports: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, module)
    files: list[Path] = field(default_factory=list)  # every project file evaluated (what the values depend on)


def evaluate_settings(finder: Finder, module: Module, cwd: Path | None = None) -> DjangoSettings:
    """The settings ``module`` sets, evaluated statically (see the module's docstring); ``cwd``: the folder
    ``manage.py`` runs in (relative ``sys.path`` entries start there)."""
    interpreter = Interpreter(finder, cwd)
    namespace = interpreter.run_module(module)
    values = {k: v for k, v in namespace.items() if k.isupper()}
    return DjangoSettings(module, values, interpreter.sys_path, interpreter.other_branch_apps,
                          interpreter.missing_imports, interpreter.files)


def evaluate_file(finder: Finder, module: Module) -> Interpreter:
    """Run a script's module-level statements (``manage.py``, as ``__main__``) for what they record
    (``sys_path``)."""
    interpreter = Interpreter(finder, module.path.parent)
    interpreter.run_module(module, as_main=True)
    return interpreter


class Interpreter:
    """Runs module-level statements over a namespace of values; one instance per evaluation."""

    def __init__(self, finder: Finder, cwd: Path | None = None):
        self.finder = finder
        self.cwd = cwd  # where relative sys.path entries start (the folder manage.py runs in)
        self.namespaces: dict[str, dict[str, Any]] = {}
        self.sys_path: list[str] = []
        self.other_branch_apps: list[tuple[str, int, str, list[str]]] = []
        self.missing_imports: list[tuple[str, int, str]] = []
        self.files: list[Path] = []
        self.env_reads = 0
        self.env_names: set[str] = set()  # names assigned from the environment
        self.steps = 0
        self._try_depth = 0
        self._module: Module | None = None

    # -- modules -------------------------------------------------------------------------------
    def run_module(self, module: Module, as_main: bool = False) -> dict[str, Any]:
        found = self.namespaces.get(module.name)
        if found is not None:
            return found  # already run (or running: an import cycle sees what is bound so far, as Python does)
        namespace: dict[str, Any] = {"__name__": "__main__" if as_main else module.name,
                                     "__file__": str(module.path)}
        self.namespaces[module.name] = namespace
        self.files.append(module.path)
        outer, self._module = self._module, module
        try:
            self.block(module.tree.body, namespace)
        finally:
            self._module = outer
        return namespace

    def _evaluable(self, dotted: str) -> Module | None:
        """A module whose statements are run when imported: one of the project's own (not an installed library)."""
        module = self.finder.module(dotted)
        if module is None or not module.path.is_file():
            return None
        if any(root in module.path.resolve().parents for root in self.finder.library_roots):
            return None
        return module

    def _import(self, dotted: str, line: int) -> None:
        """Raise _ImportFailed when a module is found nowhere (inside a ``try``: the handler decides)."""
        top = dotted.split(".")[0]
        if top in sys.builtin_module_names or top in sys.stdlib_module_names:
            return
        if self.finder.module(dotted) is None:
            self.missing_imports.append((str(self._module.path) if self._module else "", line, dotted))
            if self._try_depth:
                raise _ImportFailed(dotted)

    # -- statements ----------------------------------------------------------------------------
    def block(self, body: list[ast.stmt], ns: dict[str, Any]) -> None:
        for stmt in body:
            self.steps += 1
            if self.steps > _MAX_STEPS:
                raise MgenError(f"the settings run more than {_MAX_STEPS} statements (loops unrolled): mgen stops "
                                "evaluating them", str(self._module.path) if self._module else None, stmt.lineno)
            self.statement(stmt, ns)

    def statement(self, stmt: ast.stmt, ns: dict[str, Any]) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self._import(alias.name, stmt.lineno)
                if alias.asname:
                    ns[alias.asname] = self._module_value(alias.name)
                else:
                    ns[alias.name.split(".")[0]] = self._module_value(alias.name.split(".")[0])
        elif isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt, ns)
        elif isinstance(stmt, ast.Assign):
            reads = self.env_reads
            value = self.value(stmt.value, ns)
            for target in stmt.targets:
                self.assign(target, value, ns, stmt)
                if self.env_reads != reads:  # DEBUG = os.environ.get(...): a later ``if DEBUG`` reads it too
                    self.env_names.update(_target_names(target))
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self.assign(stmt.target, self.value(stmt.value, ns), ns, stmt)
        elif isinstance(stmt, ast.AugAssign):
            self._aug_assign(stmt, ns)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.value(stmt.value, ns)  # a method call changing a setting in place happens in _call
        elif isinstance(stmt, ast.If):
            self._if(stmt, ns)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self._try(stmt, ns)  # type: ignore[arg-type]
        elif isinstance(stmt, ast.For):
            self._for(stmt, ns)
        elif isinstance(stmt, ast.With):
            self.block(stmt.body, ns)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            ns[stmt.name] = Ref(f"{self._module.name if self._module else ''}.{stmt.name}")
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    ns.pop(target.id, None)
        elif isinstance(stmt, ast.While):
            for name in _bound_names(stmt):
                ns[name] = self.opaque(stmt, ns, "set in a while loop")

    def _module_value(self, dotted: str) -> Any:
        return ModuleValue(dotted)

    def _import_from(self, stmt: ast.ImportFrom, ns: dict[str, Any]) -> None:
        base = absolute(self._module, stmt) if self._module is not None else (stmt.module or "")
        if stmt.level and self._module is not None and not self._module.is_package and not self._module.package:
            base = stmt.module or ""
        if not stmt.level and self._module is not None and self._module.package and base \
                and self.finder.module(base) is None \
                and self.finder.module(f"{self._module.package}.{base}") is not None:
            base = f"{self._module.package}.{base}"  # Python 2's implicit relative import (``from common import *``)
        if any(a.name == "*" for a in stmt.names):
            self._import(base, stmt.lineno)
            source = self._evaluable(base) or self._star_library(base)
            if source is None:
                return
            exported = self.run_module(source)
            public = exported.get("__all__")
            names = [n for n in public if isinstance(n, str)] if isinstance(public, (list, tuple)) and all(
                isinstance(n, str) for n in public) else [n for n in exported if not n.startswith("_")]
            for name in names:
                if name in exported:
                    ns[name] = exported[name]
            return
        source = self._evaluable(base)
        for alias in stmt.names:
            bound = alias.asname or alias.name
            if source is not None:
                exported = self.run_module(source)
                if alias.name in exported:
                    ns[bound] = exported[alias.name]
                    continue
            if self.finder.module(f"{base}.{alias.name}") is not None:
                ns[bound] = self._module_value(f"{base}.{alias.name}")
                continue
            self._import(base, stmt.lineno)
            ns[bound] = Ref(f"{base}.{alias.name}")

    def _star_library(self, dotted: str) -> Module | None:
        """An installed module star-imported into settings (a library's default settings): run it too."""
        module = self.finder.module(dotted)
        return module if module is not None and module.path.is_file() else None

    def assign(self, target: ast.expr, value: Any, ns: dict[str, Any], stmt: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            ns[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = list(value) if isinstance(value, (list, tuple)) and not any(
                isinstance(t, ast.Starred) for t in target.elts) else None
            for i, element in enumerate(target.elts):
                element = element.value if isinstance(element, ast.Starred) else element
                item = items[i] if items is not None and len(items) == len(target.elts) else \
                    self.opaque(stmt, ns, "unpacked from an unknown value")
                self.assign(element, item, ns, stmt)
        elif isinstance(target, ast.Subscript):
            container = self.value(target.value, ns)
            key = self.value(target.slice, ns)
            if isinstance(container, dict) and hashable(key) or isinstance(container, list) and isinstance(key, int) and -len(container) <= key < len(container):
                container[key] = value
            else:
                self._spoil(target.value, ns, stmt)

    def _spoil(self, node: ast.expr, ns: dict[str, Any], stmt: ast.stmt) -> None:
        """A value changed in a way not followed: the name it is under becomes unknown."""
        while isinstance(node, (ast.Subscript, ast.Attribute)):
            node = node.value
        if isinstance(node, ast.Name) and node.id in ns:
            ns[node.id] = self.opaque(stmt, ns, "changed in a way mgen does not follow")

    def _aug_assign(self, stmt: ast.AugAssign, ns: dict[str, Any]) -> None:
        current = self.value(stmt.target, ns) if not isinstance(stmt.target, ast.Attribute) else None
        extra = self.value(stmt.value, ns)
        if isinstance(current, list) and isinstance(stmt.op, ast.Add) and isinstance(extra, (list, tuple)):
            current.extend(extra)  # in place, as Python's list +=
            return
        if isinstance(current, dict) and isinstance(stmt.op, ast.BitOr) and isinstance(extra, dict):
            current.update(extra)
            return
        result = self._binop(stmt.op, current, extra, stmt, ns)
        self.assign(stmt.target, result, ns, stmt)

    def _if(self, stmt: ast.If, ns: dict[str, Any]) -> None:
        reads = self.env_reads
        test = self.value(stmt.test, ns)
        decided = truth(test)
        if decided is not None:
            chosen, other = (stmt.body, stmt.orelse) if decided else (stmt.orelse, stmt.body)
            if self.env_reads != reads and other:
                self._note_other_branch(stmt, other, ns)
            self.block(chosen, ns)
            return
        yes, no = copy_namespace(ns), copy_namespace(ns)
        self.block(stmt.body, yes)
        self.block(stmt.orelse, no)
        text = ast.unparse(stmt.test)
        where = (str(self._module.path) if self._module else "", stmt.lineno)
        for name in list(dict.fromkeys([*yes, *no])):
            if name in yes and name in no:
                ns[name] = merge(yes[name], no[name], text, where)
            else:
                only = yes.get(name, no.get(name))
                ns[name] = self.opaque(stmt, ns, f"set only when {text}") if not isinstance(only, ModuleValue) \
                    else only

    def _note_other_branch(self, stmt: ast.If, other: list[ast.stmt], ns: dict[str, Any]) -> None:
        """The apps the branch not taken would add to INSTALLED_APPS (told to the user, not read)."""
        trial = copy_namespace(ns)
        before = trial.get("INSTALLED_APPS")
        known = {a for a in before if isinstance(a, str)} if isinstance(before, (list, tuple)) else set()
        saved = (self.env_reads, self.steps, list(self.sys_path), list(self.other_branch_apps),
                 list(self.missing_imports))
        self.block(other, trial)
        self.env_reads, self.steps = saved[0], saved[1]
        self.sys_path[:], self.other_branch_apps[:], self.missing_imports[:] = saved[2], saved[3], saved[4]
        after = trial.get("INSTALLED_APPS")
        if isinstance(after, (list, tuple)):
            added = [a for a in after if isinstance(a, str) and a not in known]
            if added:
                self.other_branch_apps.append((str(self._module.path) if self._module else "", stmt.lineno,
                                               ast.unparse(stmt.test), added))

    def _try(self, stmt: ast.Try, ns: dict[str, Any]) -> None:
        trial = copy_namespace(ns)
        self._try_depth += 1
        try:
            self.block(stmt.body, trial)
            failed = False
        except _ImportFailed:
            failed = True
        finally:
            self._try_depth -= 1
        if not failed:
            ns.clear()
            ns.update(trial)
            self.block(stmt.orelse, ns)
        else:
            for handler in stmt.handlers:
                names = _handler_names(handler)
                if names is None or names & _IMPORT_ERRORS:
                    self.block(handler.body, ns)
                    break
        self.block(stmt.finalbody, ns)

    def _for(self, stmt: ast.For, ns: dict[str, Any]) -> None:
        iterable = self.value(stmt.iter, ns)
        if isinstance(iterable, dict):
            iterable = list(iterable)
        if isinstance(iterable, (list, tuple, str)) and is_known(iterable) and len(iterable) <= 1000:
            for item in iterable:
                self.assign(stmt.target, item, ns, stmt)
                self.block(stmt.body, ns)
            self.block(stmt.orelse, ns)
            return
        # an unknown number of rounds: the body runs once on unknown items, a list it appends to keeps
        # its known items and gets an unknown one
        unknown = self.opaque(stmt.iter, ns, "iterated at run time")
        once = copy_namespace(ns)
        self.assign(stmt.target, unknown, once, stmt)
        self.block(stmt.body, once)
        text = f"{ast.unparse(stmt.iter)} is not empty"
        where = (str(self._module.path) if self._module else "", stmt.lineno)
        for name in list(once):
            if name in ns:
                merged = merge(once[name], ns[name], text, where)
                ns[name] = unconditional_unknowns(merged)
            elif name not in _target_names(stmt.target):
                ns[name] = self.opaque(stmt, ns, "set in a loop")

    # -- expressions ---------------------------------------------------------------------------
    def opaque(self, node: ast.AST, ns: dict[str, Any] | None = None, why: str = "") -> Opaque:
        return Opaque(ast.unparse(node) if isinstance(node, ast.expr) else ast.unparse(node).split("\n")[0],
                      str(self._module.path) if self._module else None, getattr(node, "lineno", None))

    def value(self, node: ast.expr, ns: dict[str, Any]) -> Any:
        try:
            return self._value(node, ns)
        except _ImportFailed:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError, RecursionError):
            return self.opaque(node, ns)

    def _value(self, node: ast.expr, ns: dict[str, Any]) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items: list = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    inner = self.value(element.value, ns)
                    if isinstance(inner, dict):
                        inner = list(inner)
                    items.extend(inner if isinstance(inner, (list, tuple, set)) else [inner])
                else:
                    items.append(self.value(element, ns))
            if isinstance(node, ast.List):
                return items
            if isinstance(node, ast.Tuple):
                return tuple(items)
            return set(items) if all(hashable(i) for i in items) else self.opaque(node, ns)
        if isinstance(node, ast.Dict):
            out: dict = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    inner = self.value(v, ns)
                    if not isinstance(inner, dict):
                        return self.opaque(node, ns)
                    out.update(inner)
                    continue
                key = self.value(k, ns)
                if not hashable(key):
                    return self.opaque(node, ns)
                out[key] = self.value(v, ns)
            return out
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                piece = self.value(part.value, ns) if isinstance(part, ast.FormattedValue) else part.value
                if not isinstance(piece, (str, int, float)) or isinstance(part, ast.FormattedValue) and (
                        part.format_spec is not None or part.conversion not in (-1, 115)):
                    return self.opaque(node, ns)
                parts.append(str(piece))
            return "".join(parts)
        if isinstance(node, ast.Name):
            if node.id in ns:
                if node.id in self.env_names:
                    self.env_reads += 1
                return ns[node.id]
            if node.id in _PURE_BUILTINS:
                return Ref(f"builtins.{node.id}")
            return self.opaque(node, ns)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, ns)
        if isinstance(node, ast.Subscript):
            container = self.value(node.value, ns)
            if isinstance(container, Ref) and container.path in ("os.environ", "posix.environ"):
                self.env_reads += 1
                return self.opaque(node, ns)
            key = self.value(node.slice, ns)
            if isinstance(container, dict) and hashable(key) and key in container:
                return container[key]
            if isinstance(container, (list, tuple, str)) and is_known(container) and isinstance(key, (int, slice)):
                return container[key]
            return self.opaque(node, ns)
        if isinstance(node, ast.Slice):
            parts = [self.value(p, ns) if p is not None else None for p in (node.lower, node.upper, node.step)]
            if all(p is None or isinstance(p, int) for p in parts):
                return slice(*parts)
            return self.opaque(node, ns)
        if isinstance(node, ast.BinOp):
            return self._binop(node.op, self.value(node.left, ns), self.value(node.right, ns), node, ns)
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, ns)
            if isinstance(node.op, ast.Not):
                known = truth(operand)
                return (not known) if known is not None else self.opaque(node, ns)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand if isinstance(node.op, ast.USub) else operand
            return self.opaque(node, ns)
        if isinstance(node, ast.BoolOp):
            return self._boolop(node, ns)
        if isinstance(node, ast.Compare):
            return self._compare(node, ns)
        if isinstance(node, ast.IfExp):
            decided = truth(self.value(node.test, ns))
            if decided is None:
                yes, no = self.value(node.body, ns), self.value(node.orelse, ns)
                return yes if yes == no and is_known(yes) else self.opaque(node, ns)
            return self.value(node.body if decided else node.orelse, ns)
        if isinstance(node, ast.Call):
            return self._call(node, ns)
        if isinstance(node, ast.NamedExpr):
            value = self.value(node.value, ns)
            ns[node.target.id] = value
            return value
        return self.opaque(node, ns)

    def _attribute(self, node: ast.Attribute, ns: dict[str, Any]) -> Any:
        owner = self.value(node.value, ns)
        if isinstance(owner, ModuleValue):
            module = self._evaluable(owner.name)
            if module is not None:
                exported = self.run_module(module)
                if node.attr in exported:
                    return exported[node.attr]
            if self.finder.module(f"{owner.name}.{node.attr}") is not None:
                return ModuleValue(f"{owner.name}.{node.attr}")
            return Ref(_canonical(f"{owner.name}.{node.attr}"))
        if isinstance(owner, Ref):
            return Ref(_canonical(f"{owner.path}.{node.attr}"))
        if isinstance(owner, Path) and node.attr in ("parent", "name", "stem", "suffix"):
            return getattr(owner, node.attr)
        return self.opaque(node, ns)

    def _binop(self, op: ast.operator, left: Any, right: Any, node: ast.AST, ns: dict[str, Any]) -> Any:
        if not bounded.fits(op, left, right):
            return self._opaque_binop(node, ns)
        if isinstance(op, ast.Add) and (isinstance(left, (list, tuple, str)) and type(left) is type(right)
                                        or numbers(left, right)):
            return left + right
        if isinstance(op, ast.Add) and isinstance(left, (list, tuple)) != isinstance(right, (list, tuple)):
            # ``plugins() + [...]``: code that runs adds a sequence of the same type; its items are unknown
            known, unknown = (left, right) if isinstance(left, (list, tuple)) else (right, left)
            if isinstance(unknown, Opaque):
                items = [*known, unknown] if known is left else [unknown, *known]
                return type(known)(items)
        if isinstance(op, ast.Sub) and (isinstance(left, (set, frozenset)) and isinstance(right, (set, frozenset))
                                        or numbers(left, right)):
            return left - right
        if isinstance(op, ast.BitOr):
            if isinstance(left, dict) and isinstance(right, dict):
                return {**left, **right}
            if isinstance(left, (set, frozenset)) and isinstance(right, (set, frozenset)):
                return left | right
        if isinstance(op, ast.Div) and isinstance(left, Path) and isinstance(right, (str, Path)):
            return left / right
        if isinstance(op, ast.Mod) and isinstance(left, str) and is_known(right):
            return left % right
        if isinstance(op, (ast.Mult, ast.Div, ast.FloorDiv, ast.Pow)) and numbers(left, right):
            return {ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b,
                    ast.Pow: lambda a, b: a ** b}[type(op)](left, right)
        if isinstance(op, ast.Mult) and isinstance(left, (str, list, tuple)) and isinstance(right, int) \
                and not isinstance(right, bool):
            return left * right
        return self._opaque_binop(node, ns)

    def _opaque_binop(self, node: ast.AST, ns: dict[str, Any]) -> Any:
        return self.opaque(node, ns) if isinstance(node, ast.expr) else Opaque(
            ast.unparse(node).split("\n")[0], str(self._module.path) if self._module else None,
            getattr(node, "lineno", None))

    def _boolop(self, node: ast.BoolOp, ns: dict[str, Any]) -> Any:
        result: Any = None
        for operand in node.values:
            result = self.value(operand, ns)
            known = truth(result)
            if known is None:
                return self.opaque(node, ns)
            if isinstance(node.op, ast.And) and not known or isinstance(node.op, ast.Or) and known:
                return result
        return result

    def _compare(self, node: ast.Compare, ns: dict[str, Any]) -> Any:
        left = self.value(node.left, ns)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.value(right_node, ns)
            if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, Ref) \
                    and right.path in ("os.environ", "posix.environ"):
                self.env_reads += 1
                result: Any = False  # the environment is taken as empty
            elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (list, tuple, set, dict, str)) \
                    and is_known(left):
                if left in right:
                    result = True
                elif is_known(right):
                    result = False
                else:
                    return self.opaque(node, ns)  # not among the known items; an unknown one may be it
            elif isinstance(op, (ast.Is, ast.IsNot)) and (left is None or right is None) and \
                    is_known(left) and is_known(right):
                result = left is right
            elif is_known(left) and is_known(right):
                result = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
                          ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
                          ast.Is: lambda a, b: a == b, ast.IsNot: lambda a, b: a != b,
                          ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a in b}[type(op)](left, right)
            else:
                return self.opaque(node, ns)
            if isinstance(op, ast.NotIn):
                result = not result
            if not result:
                return False
            left = right
        return True

    def _call(self, node: ast.Call, ns: dict[str, Any]) -> Any:
        if isinstance(node.func, ast.Attribute):
            owner = self.value(node.func.value, ns)
            method = node.func.attr
            if isinstance(owner, Ref) and owner.path == "sys.path" and method in ("insert", "append"):
                self._sys_path(node, ns)
                return None
            if isinstance(owner, (list, dict)) and (method in _LIST_METHODS and isinstance(owner, list)
                                                    or method in _DICT_METHODS and isinstance(owner, dict)
                                                    or method in ("copy", "get", "keys", "values", "items",
                                                                  "index", "count")):
                return self._method(owner, method, node, ns)
            if isinstance(owner, str) and method in _STR_METHODS:
                args = [self.value(a, ns) for a in node.args]
                kwargs = {k.arg: self.value(k.value, ns) for k in node.keywords if k.arg}
                if all(is_known(a) for a in [*args, *kwargs.values()]) and len(kwargs) == len(node.keywords):
                    return getattr(owner, method)(*args, **kwargs)
                return self.opaque(node, ns)
            if isinstance(owner, Path) and method in ("resolve", "absolute", "joinpath", "with_name",
                                                      "with_suffix"):
                args = [self.value(a, ns) for a in node.args]
                if all(isinstance(a, str) for a in args):
                    return getattr(owner, method)(*args)
                return self.opaque(node, ns)
        function = self.value(node.func, ns)
        path = function.path if isinstance(function, Ref) else None
        if path is None:
            return self.opaque(node, ns)
        args = [self.value(a, ns) for a in node.args if not isinstance(a, ast.Starred)]
        kwargs = {k.arg: self.value(k.value, ns) for k in node.keywords if k.arg}
        if path in _ENV_GETTERS:
            self.env_reads += 1
            if path == "decouple.config":
                return kwargs.get("default", self.opaque(node, ns))
            default = args[1] if len(args) > 1 else kwargs.get("default")
            return default
        if path in ("dj_database_url.config", "dj_database_url.parse"):
            self.env_reads += path.endswith("config")  # DATABASE_URL unset: the default
            url = kwargs.get("default") if path.endswith("config") else (args[0] if args else kwargs.get("url"))
            engine = _url_engine(url) if isinstance(url, str) else None
            return {"ENGINE": engine, "NAME": self.opaque(node, ns)} if engine else self.opaque(node, ns)
        if len(args) != len(node.args) or len(kwargs) != len(node.keywords):
            return self.opaque(node, ns)
        if path in _PATH_FUNCS and args and all(isinstance(a, (str, Path)) for a in args) and not kwargs:
            return _PATH_FUNCS[path](*[str(a) for a in args])
        if path in _PATH_CLASSES and all(isinstance(a, (str, Path)) for a in args) and not kwargs:
            return Path(*[str(a) for a in args])
        builtin = path.removeprefix("builtins.")
        if path == "builtins.str" and len(args) == 1 and isinstance(args[0], Path):
            return str(args[0])
        if path.startswith("builtins.") and builtin in _PURE_BUILTINS and all(is_known(a) for a in args) \
                and not kwargs:
            return _PURE_BUILTINS[builtin](*args)
        if path.startswith("builtins.") and builtin in ("list", "tuple", "sorted") and len(args) == 1 \
                and isinstance(args[0], (list, tuple)):
            return _PURE_BUILTINS[builtin](args[0])  # unknown items stay items
        return self.opaque(node, ns)

    def _method(self, owner: list | dict, method: str, node: ast.Call, ns: dict[str, Any]) -> Any:
        args = [self.value(a, ns) for a in node.args]
        if any(isinstance(a, ast.Starred) for a in node.args) or node.keywords and method != "update":
            self._spoil(node.func, ns, node)  # type: ignore[arg-type]
            return self.opaque(node, ns)
        kwargs = {k.arg: self.value(k.value, ns) for k in node.keywords if k.arg}
        if isinstance(owner, list):
            if method == "extend" and len(args) == 1 and not isinstance(args[0], (list, tuple)):
                owner.append(args[0] if isinstance(args[0], Opaque) else self.opaque(node, ns))
                return None
            if method == "remove" and len(args) == 1 and args[0] not in owner:
                if any(isinstance(i, (Opaque, Conditional)) for i in owner):
                    return None  # among the unknown items, perhaps
                self._spoil(node.func, ns, node)  # type: ignore[arg-type]
                return None
        if method == "update" and isinstance(owner, dict) and (args and not isinstance(args[0], dict)):
            self._spoil(node.func, ns, node)  # type: ignore[arg-type]
            return None
        result = getattr(owner, method)(*args, **kwargs)
        return result if method in ("copy", "get", "index", "count", "pop", "setdefault") else (
            list(result) if method in ("keys", "values", "items") else None)

    def _sys_path(self, node: ast.Call, ns: dict[str, Any]) -> None:
        args = [self.value(a, ns) for a in node.args]
        folder = args[-1] if args else None
        if isinstance(folder, (str, Path)):
            base = self.cwd or (self._module.path.parent if self._module else Path.cwd())
            path = str((base / str(folder)).resolve()) if not os.path.isabs(str(folder)) else str(folder)
            if path not in self.sys_path:
                if node.func.attr == "insert":  # type: ignore[attr-defined]
                    self.sys_path.insert(0, path)
                else:
                    self.sys_path.append(path)


_URL_ENGINES = {"postgres": "postgresql", "postgresql": "postgresql", "pgsql": "postgresql",
                "postgis": "django.contrib.gis.db.backends.postgis", "mysql": "mysql", "mysql2": "mysql",
                "mysqlgis": "django.contrib.gis.db.backends.mysql", "sqlite": "sqlite3",
                "spatialite": "django.contrib.gis.db.backends.spatialite", "oracle": "oracle"}


def _url_engine(url: str) -> str | None:
    """The ENGINE dj_database_url gives a database URL (by its scheme)."""
    scheme = url.partition("://")[0].split("+")[0].lower()
    engine = _URL_ENGINES.get(scheme)
    return None if engine is None else engine if "." in engine else f"django.db.backends.{engine}"


def _canonical(path: str) -> str:
    return path.replace("posix.", "os.", 1) if path.startswith("posix.") else path


def _handler_names(handler: ast.ExceptHandler) -> set[str] | None:
    """The exception names a handler catches (None: a bare ``except``)."""
    if handler.type is None:
        return None
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "") for n in nodes}


def _target_names(target: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _bound_names(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
