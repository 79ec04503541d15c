"""Static Python: what a project's modules define, read with ``ast`` and never imported or run.

Model readers (SQLAlchemy, Django) and migration replayers need to know what a name in a user's file
stands for: a class defined two modules away, ``sqlalchemy.String``, a module-level constant, a mixin
three bases up. Importing the user's code would answer that, but would also run it (database
connections, settings, side effects), so this module answers it from the source alone:

- ``Project(root)`` maps dotted module names to the ``.py`` files under ``root`` (packages with
  ``__init__.py`` and namespace directories alike) and parses each file once, on first use;
- every module gets a symbol table of what its top level binds: assignments, ``class`` and ``def``,
  ``import x as y``, ``from .a import B`` (relative imports resolved against the package), ``*``;
- ``Project.resolve(module, node)`` follows a ``Name``/``Attribute`` to its definition across modules.
  A name from outside the project resolves to its qualified name, ``External("sqlalchemy.String")``,
  without importing anything;
- ``Project.literal(module, node)`` evaluates constants, tuples/lists/sets/dicts, unary minus, ``+`` on
  strings/numbers/tuples, f-strings of literals and module-level constants referenced by name;
- ``Project.mro(cls)`` linearises class bases across modules the way Python does (C3).

Whatever cannot be known statically comes back as ``Unknown(node, path, why)`` (a value, not an
exception), which the caller turns into an ``MgenError`` with file and line: never a guess.

Not handled (each gives ``Unknown``, or is documented where it is approximated):
- names bound inside ``if``/``try``/``for``/``while``/``with`` at module level (except ``if
  TYPE_CHECKING:``, whose imports are taken as written), ``global`` rebinding, ``del``;
- a module-level name bound twice: a lookup from a line of the same module sees the binding above
  that line; a lookup from elsewhere sees the last one (the module has finished running);
- metaclasses, ``__mro_entries__``, ``__getattr__`` on modules, class decorators that replace the
  class, bases computed by a call (``class A(make_base()):``); bases outside the project are taken as
  leaves of the MRO (their own bases are not known, and do not matter for the classes in the project);
- circular imports are followed (each module is parsed once); a module-level value that refers back
  to itself is ``Unknown``.
"""
from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MgenError
from .pysyntax import parse_python

_MAX_DEPTH = 64  # alias chains and nested lookups deeper than this are cycles in practice


# ---------------------------------------------------------------------------------------------------
# What a name can stand for
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unknown:
    """Something that cannot be known without running the code; ``error()`` makes it an MgenError."""

    node: ast.AST | None
    path: Path | None
    why: str

    @property
    def line(self) -> int | None:
        return getattr(self.node, "lineno", None)

    def error(self, context: str = "") -> MgenError:
        message = f"{context}: {self.why}" if context else self.why
        return MgenError(message, str(self.path) if self.path else None, self.line)


@dataclass(frozen=True)
class Note:
    """A finding that is not an error: something the reader saw and deliberately did not model."""

    file: str
    line: int | None
    message: str

    def one_line(self) -> str:
        where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return where + self.message


@dataclass(frozen=True)
class External:
    """A name from outside the project, by its qualified name (``sqlalchemy.orm.Mapped``)."""

    qualname: str

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


@dataclass(frozen=True, eq=False)
class Module:
    """A parsed module: its dotted name, file, syntax tree and top-level symbol table."""

    name: str  # dotted
    path: Path
    is_package: bool
    tree: ast.Module = field(repr=False)
    symbols: dict[str, list[Binding]] = field(default_factory=dict, repr=False)
    star_imports: list[tuple[int, str]] = field(default_factory=list, repr=False)  # (line, module)
    # a Python 2 project's own module without ``unicode_literals``: its string literals are byte strings
    native_strings: bool = field(default=False, repr=False, compare=False)

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Module) and other.name == self.name

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass(frozen=True)
class ModuleRef:
    """A module, as a name can refer to it."""

    module: Module


@dataclass(frozen=True)
class ClassRef:
    """A class defined in the project, identified by module and line (the node is not compared)."""

    module: Module
    node: ast.ClassDef = field(compare=False, repr=False)
    line: int = 0  # with the module, identifies the class (the node compares by identity)

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def qualname(self) -> str:
        return f"{self.module.name}.{self.node.name}"


@dataclass(frozen=True)
class FunctionRef:
    """A function defined in the project (by module and line)."""

    module: Module
    node: ast.FunctionDef | ast.AsyncFunctionDef = field(compare=False, repr=False)
    line: int = 0

    @property
    def qualname(self) -> str:
        return f"{self.module.name}.{self.node.name}"


@dataclass(frozen=True)
class ValueRef:
    """A value assigned at module level (or in a class body): ``node`` is the expression, to be read
    in ``module``'s namespace."""

    module: Module
    name: str
    node: ast.expr = field(compare=False, repr=False)
    line: int = 0

    @property
    def qualname(self) -> str:
        return f"{self.module.name}.{self.name}"


@dataclass(frozen=True)
class AttributeRef:
    """``obj.name`` where ``obj`` is a value the project computes (``Base.metadata`` with ``Base =
    declarative_base()``): what it is depends on the caller's knowledge of ``obj``."""

    of: Ref
    name: str


@dataclass(frozen=True)
class LocalRef:
    """A name found in the caller's local namespace (a class body, a function's arguments)."""

    name: str
    value: Any


Ref = ModuleRef | ClassRef | FunctionRef | ValueRef | AttributeRef | External | LocalRef


# ---------------------------------------------------------------------------------------------------
# Symbol tables
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Binding:
    """One top-level binding of a name. kind: "import" (target: a qualified name), "class",
    "function", "value" (node: the assigned expression), "conditional" (bound in a branch or loop)."""

    kind: str
    line: int
    target: str = ""
    node: ast.AST | None = None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for e in target.elts:
            yield from _target_names(e)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _absolute(module: Module, level: int, name: str | None) -> str:
    """The absolute module name of ``from <level dots><name> import ...`` inside ``module``."""
    if level == 0:
        return name or ""
    parts = module.package.split(".") if module.package else []
    if level - 1 > len(parts):
        return ""
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _collect(module: Module) -> None:
    """Fill the module's symbol table from its top-level statements."""
    _visit(module, module.tree.body, False)


def _visit(module: Module, stmts: list[ast.stmt], conditional: bool) -> None:
    # a module-level function, not a closure: a recursive closure is a reference cycle that would keep every
    # parsed tree alive until the cyclic collector walks them all (a third of a short run, at exit)
    symbols = module.symbols

    def add(name: str, binding: Binding) -> None:
        symbols.setdefault(name, []).append(binding)

    for stmt in stmts:
        line = stmt.lineno
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    add(alias.asname, Binding("import", line, alias.name))
                else:  # import a.b.c binds "a"
                    top = alias.name.split(".")[0]
                    add(top, Binding("import", line, top))
        elif isinstance(stmt, ast.ImportFrom):
            source = _absolute(module, stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    module.star_imports.append((line, source))
                else:
                    add(alias.asname or alias.name, Binding("import", line, f"{source}.{alias.name}"))
        elif conditional:
            for name in _bound_names(stmt):
                add(name, Binding("conditional", line, node=stmt))
        elif isinstance(stmt, ast.ClassDef):
            add(stmt.name, Binding("class", line, node=stmt))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(stmt.name, Binding("function", line, node=stmt))
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    add(target.id, Binding("value", line, node=stmt.value))
                else:  # a, b = ...: bound, but to what is not read
                    for name in _target_names(target):
                        add(name, Binding("conditional", line, node=stmt))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if stmt.value is not None:
                add(stmt.target.id, Binding("value", line, node=stmt.value))
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            add(stmt.target.id, Binding("conditional", line, node=stmt))
        elif isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
            _visit(module, stmt.body, conditional)
            _visit(module, stmt.orelse, True)
        elif isinstance(stmt, (ast.If, ast.Try, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            for name in _bound_names(stmt):
                add(name, Binding("conditional", line, node=stmt))
            for body in bodies(stmt):  # imports inside still bind (conditionally)
                for inner in body:
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        for name in _bound_names(inner):
                            add(name, Binding("conditional", inner.lineno, node=inner))
        elif hasattr(ast, "TryStar") and isinstance(stmt, ast.TryStar):  # pragma: no cover - 3.11+
            for name in _bound_names(stmt):
                add(name, Binding("conditional", line, node=stmt))


def bound_names(stmt: ast.AST) -> Iterator[str]:
    """Every name a statement (and the statements nested in it) binds at its own scope level."""
    return _bound_names(stmt)


def bodies(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    for attr in ("body", "orelse", "finalbody"):
        body = getattr(stmt, attr, None)
        if body:
            yield body
    for handler in getattr(stmt, "handlers", ()) or ():
        yield handler.body


def _bound_names(stmt: ast.AST) -> Iterator[str]:
    """Every name a statement (and the statements nested in it) binds at its own scope level."""
    if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        yield stmt.name
        return
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            yield alias.asname or alias.name.split(".")[0]
        return
    if isinstance(stmt, ast.ImportFrom):
        for alias in stmt.names:
            if alias.name != "*":
                yield alias.asname or alias.name
        return
    if isinstance(stmt, ast.Assign):
        for t in stmt.targets:
            yield from _target_names(t)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        yield from _target_names(stmt.target)
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        for item in stmt.items:
            if item.optional_vars is not None:
                yield from _target_names(item.optional_vars)
    if isinstance(stmt, ast.stmt):
        for body in bodies(stmt):
            for inner in body:
                yield from _bound_names(inner)


# ---------------------------------------------------------------------------------------------------
# The project
# ---------------------------------------------------------------------------------------------------
def import_root(path: Path) -> Path:
    """The directory imports of ``path`` start from: the first ancestor that is not a package (has
    no ``__init__.py``), as when the project is run from there."""
    directory = path if path.is_dir() else path.parent
    directory = directory.resolve()
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        directory = directory.parent
    return directory


class Project:
    """The Python modules under ``root``, parsed on demand; paths in messages are ``root`` joined
    with the module's path, as the caller gave ``root``."""

    def __init__(self, root: Path | str, parser: Callable[[Path], ast.Module] | None = None):
        self.root = Path(root)
        self._resolved_root = self.root.resolve()
        self._modules: dict[str, Module | None] = {}
        self._parser = parser or parse_file  # an installed library's root reads through libcache
        self._real_paths: dict[Path, Path] = {}
        self.python2 = False  # a Python 2 project's own root: implicit relative imports (py2_imports)

    # -- modules ---------------------------------------------------------------------------------
    def _real(self, path: Path) -> Path:
        """``path.resolve()``, once per path (a system call per path component)."""
        found = self._real_paths.get(path)
        if found is None:
            found = self._real_paths[path] = path.resolve()
        return found

    def module_name(self, path: Path) -> str:
        rel = self._real(path).relative_to(self._resolved_root)
        parts = list(rel.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def module(self, name: str) -> Module | None:
        """The module named ``name`` (dotted), or None when no file under the root defines it."""
        if name in self._modules:
            return self._modules[name]
        found = None
        if name:
            base = self.root.joinpath(*name.split("."))
            for path, is_package in ((base / "__init__.py", True), (base.with_name(base.name + ".py"), False)):
                if path.is_file():
                    found = self._parse(name, path, is_package)
                    break
            else:
                if base.is_dir():  # a namespace package
                    found = Module(name, base, True, ast.Module(body=[], type_ignores=[]))
        self._modules[name] = found
        return found

    def parsed_files(self) -> list[Path]:
        return [m.path for m in self._modules.values() if m is not None and m.path.is_file()]

    def module_at(self, path: Path) -> Module:
        """The module of a file under the root."""
        name = self.module_name(path)
        module = self.module(name) if name else None
        if module is None or self._real(module.path) != self._real(path):  # the root's own __init__.py
            module = self._parse(name or path.stem, path, path.name == "__init__.py")
            self._modules[module.name] = module
        return module

    def modules_under(self, path: Path) -> list[Module]:
        """Every module of ``path``: the file itself, or all ``*.py`` files under a directory."""
        if path.is_file():
            return [self.module_at(path)]
        files = sorted(p for p in path.rglob("*.py") if not any(part.startswith(".") for part in p.parts))
        return [self.module_at(p) for p in files]

    def _parse(self, name: str, path: Path, is_package: bool) -> Module:
        module = Module(name, path, is_package, self._parser(path))
        _collect(module)
        if self.python2:
            from .py2_imports import implicit_relative, unicode_literals
            implicit_relative(module)
            object.__setattr__(module, "native_strings", not unicode_literals(module.tree))
        return module

    # -- names -----------------------------------------------------------------------------------
    def lookup(self, module: Module, name: str, before: int | None = None, node: ast.AST | None = None,
               _depth: int = 0) -> Ref | Unknown:
        """What ``name`` stands for at the top level of ``module`` (as seen from line ``before`` of the
        same module, or after the module ran when None)."""
        if _depth > _MAX_DEPTH:
            return Unknown(node, module.path, f"{name!r} refers back to itself")
        bindings = module.symbols.get(name, [])
        if before is not None:
            bindings = [b for b in bindings if b.line < before] or bindings
        if bindings:
            return self._binding(module, name, bindings[-1], node, _depth + 1)
        for line, source in reversed(module.star_imports):
            if before is not None and line >= before:
                continue
            target = self.module(source)
            if target is None:
                continue  # an outside module's names are not known: keep looking, then fail below
            if name in target.symbols or any(True for _ in target.star_imports):
                found = self.lookup(target, name, node=node, _depth=_depth + 1)
                if not isinstance(found, Unknown):
                    return found
        if module.star_imports and any(self.module(s) is None for _, s in module.star_imports):
            outside = [s for _, s in module.star_imports if self.module(s) is None]
            if len(outside) == 1 and not hasattr(builtins, name) and not outside[0].startswith("."):
                # bound nowhere else, so at run time it is that library's (or a NameError): its class
                return External(f"{outside[0]}.{name}")
            return Unknown(node, module.path, f"{name!r} may come from 'from {', '.join(outside)} import *'")
        if hasattr(builtins, name):
            return External(f"builtins.{name}")
        return Unknown(node, module.path, f"name {name!r} is not defined at the top level of {module.name}")

    def _binding(self, module: Module, name: str, b: Binding, node: ast.AST | None, depth: int) -> Ref | Unknown:
        if b.kind == "import":
            return self.resolve_qualname(b.target, node, module, depth)
        if b.kind == "class":
            return ClassRef(module, b.node, b.line)  # type: ignore[arg-type]
        if b.kind == "function":
            return FunctionRef(module, b.node, b.line)  # type: ignore[arg-type]
        if b.kind == "value":
            value = b.node
            if isinstance(value, (ast.Name, ast.Attribute)):  # an alias: follow it
                return self.resolve(module, value, before=b.line, _depth=depth)
            return ValueRef(module, name, value, b.line)  # type: ignore[arg-type]
        return Unknown(node or b.node, module.path,
                       f"{name!r} is bound conditionally (line {b.line} of {module.path.name}); "
                       "its value is only known when the code runs")

    def resolve_qualname(self, qualname: str, node: ast.AST | None = None, origin: Module | None = None,
                         _depth: int = 0) -> Ref | Unknown:
        """A dotted name: a module of the project and attributes in it, or an External."""
        parts = qualname.split(".")
        for i in range(len(parts), 0, -1):
            module = self.module(".".join(parts[:i]))
            if module is None:
                continue
            ref: Ref | Unknown = ModuleRef(module)
            for attr in parts[i:]:
                ref = self.attribute(ref, attr, node, _depth + 1)
                if isinstance(ref, Unknown):
                    return ref
            return ref
        if not qualname or qualname.startswith("."):
            return Unknown(node, origin.path if origin else None, "relative import beyond the project root")
        return External(qualname)

    def attribute(self, of: Ref, name: str, node: ast.AST | None = None, _depth: int = 0) -> Ref | Unknown:
        """``of.name``."""
        if isinstance(of, External):
            return External(f"{of.qualname}.{name}")
        if isinstance(of, ModuleRef):
            module = of.module
            if name in module.symbols or module.star_imports:
                found = self.lookup(module, name, node=node, _depth=_depth)
                if not isinstance(found, Unknown) or name in module.symbols:
                    return found
            sub = self.module(f"{module.name}.{name}" if module.name else name)
            if sub is not None:
                return ModuleRef(sub)
            return Unknown(node, module.path, f"module {module.name} has no top-level name {name!r}")
        if isinstance(of, ClassRef):
            mro = self.mro(of)
            if isinstance(mro, Unknown):
                return mro
            for cls in mro:
                if not isinstance(cls, ClassRef):
                    return AttributeRef(of, name)  # may come from a base outside the project
                found = class_attribute(cls, name)
                if found is not None:
                    if isinstance(found, ast.ClassDef):
                        return ClassRef(cls.module, found, found.lineno)
                    if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        return FunctionRef(cls.module, found, found.lineno)
                    if isinstance(found, (ast.Name, ast.Attribute)):  # an alias (names of the class body
                        # itself are not seen here: a class-level alias of a class-level name is rare)
                        return self.resolve(cls.module, found, before=found.lineno, _depth=_depth + 1)
                    return ValueRef(cls.module, f"{cls.name}.{name}", found, found.lineno)
            return Unknown(node, of.module.path, f"class {of.name} has no attribute {name!r}")
        return AttributeRef(of, name)

    def resolve(self, module: Module, node: ast.expr, local: Mapping[str, Any] | None = None,
                before: int | None = None, _depth: int = 0) -> Ref | Unknown:
        """What a ``Name`` or ``Attribute`` expression in ``module`` refers to. ``local`` is looked up
        first (a class body's names, for code in that body)."""
        if _depth > _MAX_DEPTH:
            return Unknown(node, module.path, "the name refers back to itself")
        if isinstance(node, ast.Name):
            if local is not None and node.id in local:
                return LocalRef(node.id, local[node.id])
            return self.lookup(module, node.id, before=before, node=node, _depth=_depth)
        if isinstance(node, ast.Attribute):
            base = self.resolve(module, node.value, local, before, _depth + 1)
            if isinstance(base, Unknown):
                return base
            return self.attribute(base, node.attr, node, _depth + 1)
        return Unknown(node, module.path, f"{text_of(node)} is not a name")

    def qualname(self, module: Module, node: ast.expr, local: Mapping[str, Any] | None = None) -> str | None:
        """The qualified name a Name/Attribute resolves to (External or project class/function),
        else None."""
        ref = self.resolve(module, node, local)
        if isinstance(ref, External):
            return ref.qualname
        if isinstance(ref, (ClassRef, FunctionRef, ValueRef)):
            return ref.qualname
        return None

    # -- literals --------------------------------------------------------------------------------
    def literal(self, module: Module, node: ast.expr, local: Mapping[str, Any] | None = None,
                _depth: int = 0) -> Any:
        """The value of a literal expression, or ``Unknown``."""
        if _depth > _MAX_DEPTH:
            return Unknown(node, module.path, "the value is nested too deeply, or refers back to itself")
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = []
            for e in node.elts:
                if isinstance(e, ast.Starred):
                    inner = self.literal(module, e.value, local, _depth + 1)
                    if isinstance(inner, Unknown):
                        return inner
                    if not isinstance(inner, (tuple, list, set)):
                        return Unknown(e, module.path, f"cannot unpack {text_of(e.value)}")
                    items.extend(inner)
                    continue
                v = self.literal(module, e, local, _depth + 1)
                if isinstance(v, Unknown):
                    return v
                items.append(v)
            return tuple(items) if isinstance(node, ast.Tuple) else set(items) if isinstance(node, ast.Set) else items
        if isinstance(node, ast.Dict):
            out = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    inner = self.literal(module, v, local, _depth + 1)
                    if isinstance(inner, Unknown):
                        return inner
                    if not isinstance(inner, dict):
                        return Unknown(v, module.path, f"cannot unpack {text_of(v)}")
                    out.update(inner)
                    continue
                key = self.literal(module, k, local, _depth + 1)
                if isinstance(key, Unknown):
                    return key
                value = self.literal(module, v, local, _depth + 1)
                if isinstance(value, Unknown):
                    return value
                try:
                    out[key] = value
                except TypeError:
                    return Unknown(k, module.path, f"unhashable key {text_of(k)}")
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.literal(module, node.operand, local, _depth + 1)
            if isinstance(v, Unknown):
                return v
            if isinstance(v, (int, float, complex)) and not isinstance(v, bool):
                return -v if isinstance(node.op, ast.USub) else v
            return Unknown(node, module.path, f"{text_of(node)} is not a number")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.literal(module, node.left, local, _depth + 1)
            if isinstance(left, Unknown):
                return left
            right = self.literal(module, node.right, local, _depth + 1)
            if isinstance(right, Unknown):
                return right
            if type(left) is type(right) and isinstance(left, (str, bytes, tuple, list)) or (
                    isinstance(left, (int, float)) and isinstance(right, (int, float))
                    and not isinstance(left, bool) and not isinstance(right, bool)):
                return left + right
            return Unknown(node, module.path, f"cannot add {type(left).__name__} and {type(right).__name__}")
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                    continue
                if not isinstance(value, ast.FormattedValue) or value.format_spec is not None \
                        or value.conversion not in (-1, 115):
                    return Unknown(node, module.path, f"{text_of(node)}: only plain {{name}} fields are read")
                inner = self.literal(module, value.value, local, _depth + 1)
                if isinstance(inner, Unknown):
                    return inner
                parts.append(str(inner))
            return "".join(parts)
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.resolve(module, node, local)
            if isinstance(ref, Unknown):
                return ref
            if isinstance(ref, LocalRef):
                if isinstance(ref.value, ast.expr):
                    return self.literal(module, ref.value, None, _depth + 1)
                return ref.value
            if isinstance(ref, ValueRef):
                return self.literal(ref.module, ref.node, None, _depth + 1)
            if isinstance(ref, External):
                if ref.qualname in ("builtins.None", "builtins.True", "builtins.False"):
                    return {"None": None, "True": True, "False": False}[ref.name]
                return Unknown(node, module.path, f"{ref.qualname} is defined outside the project")
            return Unknown(node, module.path, f"{text_of(node)} is not a constant")
        return Unknown(node, module.path, f"{text_of(node)} is not a literal value")

    # -- classes ---------------------------------------------------------------------------------
    def bases(self, cls: ClassRef) -> list[Ref | Unknown]:
        """The class's direct bases, resolved (``Generic[T]`` and other subscripts by their value)."""
        out: list[Ref | Unknown] = []
        for base in cls.node.bases:
            target = base.value if isinstance(base, ast.Subscript) else base
            if isinstance(target, (ast.Name, ast.Attribute)):
                out.append(self.resolve(cls.module, target, before=cls.line))
            else:
                out.append(Unknown(base, cls.module.path,
                                   f"base {text_of(base)} of class {cls.name} is computed when the code runs"))
        return out

    def mro(self, cls: ClassRef, _seen: frozenset = frozenset()) -> list[Ref] | Unknown:
        """The class followed by its bases in Python's method resolution order (C3). Bases outside
        the project (and values such as ``Base = declarative_base()``) are leaves."""
        if cls in _seen:
            return Unknown(cls.node, cls.module.path, f"class {cls.name} inherits from itself")
        sequences: list[list[Ref]] = []
        direct: list[Ref] = []
        for base in self.bases(cls):
            if isinstance(base, Unknown):
                return base
            if isinstance(base, External) and base.qualname == "builtins.object":
                continue
            direct.append(base)
            if isinstance(base, ClassRef):
                inner = self.mro(base, _seen | {cls})
                if isinstance(inner, Unknown):
                    return inner
                sequences.append(list(inner))
            else:
                sequences.append([base])
        sequences.append(list(direct))
        result: list[Ref] = [cls]
        while any(sequences):
            for seq in sequences:
                if not seq:
                    continue
                head = seq[0]
                if not any(head in other[1:] for other in sequences):
                    break
            else:
                return Unknown(cls.node, cls.module.path,
                               f"class {cls.name}: no consistent method resolution order for its bases")
            result.append(head)
            for seq in sequences:
                if seq and seq[0] == head:
                    del seq[0]
        return result


def class_attribute(cls: ClassRef, name: str) -> ast.expr | ast.stmt | None:
    """The last definition of ``name`` directly in the class body (value expression, def or class)."""
    found: ast.expr | ast.stmt | None = None
    for stmt in cls.node.body:
        assigned = isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                                        for t in stmt.targets)
        annotated = isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
            and stmt.target.id == name and stmt.value is not None
        if assigned or annotated:
            found = stmt.value
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
            found = stmt
    return found


def class_body_order(cls: ClassRef) -> tuple[list[str], list[str]]:
    """(names in the order the class body puts them in its namespace, names in the order of its
    annotations): ``vars(cls)`` and ``cls.__annotations__`` as Python would build them."""
    names: dict[str, None] = {}  # a dict keeps the position of the first assignment (and finds one in O(1))
    annotations: dict[str, None] = {}
    for stmt in cls.node.body:
        bound: list[str] = []
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                bound.extend(_target_names(t))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            annotations.setdefault(stmt.target.id)
            if stmt.value is not None:
                bound.append(stmt.target.id)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.append(stmt.name)
        for n in bound:
            names.setdefault(n)
    return list(names), list(annotations)


def call_kwargs(call: ast.Call) -> dict[str, ast.expr]:
    """Keyword arguments by name (``**x`` is not included: see ``has_star_args``)."""
    return {k.arg: k.value for k in call.keywords if k.arg is not None}


def has_star_args(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)


def text_of(node: ast.AST) -> str:
    """The source text of a node, shortened for messages."""
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - unparse of a partial tree; the kind is enough then
        return type(node).__name__
    return text if len(text) <= 80 else text[:77] + "..."



def parse_file(path: Path) -> ast.Module:
    """``path`` parsed, whatever Python version its syntax is (``pysyntax``); a syntax error or an unreadable
    file is an MgenError naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise MgenError(f"cannot read: {e}", str(path)) from None
    return parse_python(text, str(path))


def simple_assignment(stmt: ast.stmt) -> tuple[str, ast.expr] | None:
    """``name = value`` or ``name: T = value`` -> (name, value); any other statement -> None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return stmt.target.id, stmt.value
    return None
