"""The Django reader's view of static Python: ``mgen.frameworks.pyast`` over several roots.

``pyast`` parses the modules under one root and resolves names inside it; a name from outside is an
``External``. Django code needs one step more: ``models.CASCADE`` in a models file and
``django.db.models.deletion.CASCADE`` in a migration are the same object only once Django's own source
is followed, and ``class User(AbstractUser)`` has its fields in ``django/contrib/auth/models.py``. So the
``Finder`` keeps one ``pyast.Project`` per root - the project's own roots first (the folder of ``manage.py``,
what it puts on ``sys.path``, the project's packages above it: ``roots.py``), then the installed libraries
(the project's environment, then mgen's own interpreter's path), where Django and other installed apps
live - and continues an ``External`` in the root that has that module. ``Finder.is_own`` tells the project's
source from a library's. Nothing is imported; every root is only read.

The one thing kept here rather than in pyast: a class attribute knows the class it belongs to
(``Definition.owner``), which Meta inheritance and ``TextChoices`` members need.
"""
from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import pyast
from ..libcache import parse_library_file
from ..pyast import Module
from ..pyast import bodies as pyast_bodies
from .branch_bases import agreed_base, branch_values
from .python2 import runs_python2

__all__ = ["Definition", "External", "Finder", "Module", "ModuleRef", "Resolved", "Unknown", "absolute",
           "class_targets", "dotted_name", "parse_file", "source_text"]

Unknown = pyast.Unknown
WITH_METACLASS = ("six", "future.utils")  # modules whose with_metaclass(meta, *bases) makes a class of bases


@dataclass(frozen=True)
class ModuleRef:
    """A module, as a name can refer to it."""

    module: Module


@dataclass(frozen=True)
class Definition:
    """A class, function or value defined in ``module``: ``path`` is module.qualname
    (``django.db.models.fields.CharField``). ``node`` is the ClassDef / FunctionDef, or for a value its
    assignment statement or expression. ``owner`` is the class whose body holds it (class attributes)."""

    path: str
    module: Module
    node: ast.AST
    owner: Definition | None = None

    @property
    def value(self) -> ast.expr | None:
        """The assigned expression of a value definition (None for a class or function)."""
        if isinstance(self.node, (ast.Assign, ast.AnnAssign)):
            return self.node.value
        if isinstance(self.node, ast.expr):
            return self.node
        return None


@dataclass(frozen=True)
class External:
    """A dotted path no root has the source of (builtins, C modules, packages not installed)."""

    path: str


Resolved = ModuleRef | Definition | External | pyast.Unknown


def parse_file(path: Path) -> ast.Module:
    """The syntax tree of a file outside the module roots (``manage.py``); MgenError when unreadable."""
    return pyast.Project(path.parent).module_at(path).tree


class Finder:
    """Modules by dotted name on ``roots`` (searched in order), each root a ``pyast.Project``."""

    def __init__(self, roots: Sequence[Path], libraries: Sequence[Path] = ()):
        """``libraries``: the roots among ``roots`` that hold installed packages, whose files are read
        through ``libcache`` (pruned, cached between runs); the project's own files never are."""
        self.roots = [Path(r).resolve() for r in roots]
        cached = {Path(r).resolve() for r in libraries}
        self.library_roots = cached
        self.projects = [pyast.Project(r, parse_library_file if r in cached else None) for r in self.roots]
        self._owner: dict[int, pyast.Project] = {}
        # module-level names and class bases never change once a module is parsed: resolve each once
        # (a 300-model project asks the same questions tens of thousands of times)
        self._resolved: dict[tuple[int, str], Resolved] = {}
        self._bases: dict[int, list[Resolved]] = {}
        self._modules: dict[str, Module | None] = {}
        self._following: set[str] = set()  # the qualified names ``_external`` is following (a loop stops)
        self.own_roots: list[Path] = [r for r in self.roots if r not in cached]
        self.search = None  # the roots.SearchPath the roots came from (for_project)
        # the branch of a module-level ``if`` Python runs, where its test is read (``module_branches``; set
        # once the settings are known): a name bound conditionally resolves to that branch's binding
        self.branch_taken: Callable[[Module, ast.If], list[ast.stmt] | None] | None = None
        self._in_branches: set[tuple[int, str]] = set()
        self._branch_loops = 0  # names left unknown because deciding their branch needed them

    @classmethod
    def for_project(cls, project: Path, extra: Sequence[Path] = (), inserted: Sequence[Path] = ()) -> Finder:
        """The module path of the project whose ``manage.py`` is in ``project`` (``roots.search_path``: its
        folder, ``inserted`` (what manage.py adds to sys.path) and ``extra``, the project's own packages
        above it, its environment's editable installs and site-packages, then the running interpreter's
        path: mgen's own Django and the standard library). Everything is read, never imported."""
        from .roots import search_path

        found = search_path(Path(project), list(extra), list(inserted))
        finder = cls([*found.own, *found.libraries], found.libraries)
        finder.own_roots = list(found.own)
        if runs_python2(Path(project)):  # its own modules import as Python 2 did (py2_imports)
            for p in finder.projects:
                p.python2 = p.root.resolve() in {r.resolve() for r in found.own}
        finder.search = found
        return finder

    def is_own(self, path: Path) -> bool:
        """Whether a file or folder is the project's own source (under an own root, not in an environment)."""
        path = Path(path).resolve()
        if any(lib == path or lib in path.parents for lib in self.library_roots):
            return False
        return any(root == path or root in path.parents for root in self.own_roots)

    # -- modules -----------------------------------------------------------------------------------
    def module(self, dotted: str) -> Module | None:
        if not dotted:
            return None
        found = self._modules.get(dotted, False)
        if found is not False:
            return found
        # as Python's import system: a regular module or package anywhere on the path wins over a directory
        # without __init__.py earlier on it (a namespace portion), which counts only when nothing else does
        chosen: tuple[Module, pyast.Project] | None = None
        for project in self.projects:
            module = project.module(dotted)
            if module is None or not module.path.exists():
                continue
            if module.path.is_file():  # a module file or a package's __init__.py
                chosen = (module, project)
                break
            chosen = chosen or (module, project)  # the first namespace portion, unless a regular one follows
        if chosen is None:
            self._modules[dotted] = None
            return None
        module, project = chosen
        self._owner[id(module)] = project
        self._modules[dotted] = module
        return module

    def parsed_files(self, root: Path) -> list[Path]:
        """The files parsed so far under the module root ``root``."""
        root = Path(root).resolve()
        for r, project in zip(self.roots, self.projects):
            if r == root:
                return project.parsed_files()
        return []

    def locate(self, dotted: str) -> tuple[Path, bool] | None:
        module = self.module(dotted)
        return (module.path, module.is_package) if module is not None else None

    def module_at(self, path: Path) -> Module:
        """The module of a file under one of the roots (a migration file found by listing a folder)."""
        path = path.resolve()
        for root, project in zip(self.roots, self.projects):
            if root in path.parents:
                module = project.module_at(path)
                self._owner[id(module)] = project
                return module
        raise ValueError(f"{path} is under none of the module roots")

    def project_of(self, module: Module) -> pyast.Project:
        project = self._owner.get(id(module))
        if project is None:
            project = next(p for p in self.projects if p.module(module.name) is module)
            self._owner[id(module)] = project
        return project

    # -- names -------------------------------------------------------------------------------------
    def resolve(self, module: Module, dotted: str) -> Resolved:
        """What ``dotted`` (``name`` or ``name.attr.attr``) written at the top level of ``module`` refers to."""
        key = (id(module), dotted)
        found = self._resolved.get(key)
        if found is None:
            loops = self._branch_loops
            found = self._resolve(module, dotted)
            if self._branch_loops == loops:  # not cut short by a test that needs the name itself
                self._resolved[key] = found
        return found

    def _resolve(self, module: Module, dotted: str) -> Resolved:
        head, *rest = dotted.split(".")
        current = self.lookup(module, head)
        for attr in rest:
            current = self.attribute(current, attr)
        return current

    def lookup(self, module: Module, name: str) -> Resolved:
        found = self._convert(self.project_of(module).lookup(module, name))
        if isinstance(found, pyast.Unknown) and self.branch_taken is not None:
            return self._in_branch(module, name) or found
        return found

    def lookup_before(self, module: Module, name: str, line: int) -> Resolved:
        """What ``name`` stands for at the top level of ``module`` as the statement at ``line`` runs (a name
        bound again later in the module: wagtail's ``CustomManager`` class, then a ``from_queryset`` value)."""
        return self._convert(self.project_of(module).lookup(module, name, before=line))

    def _in_branch(self, module: Module, name: str) -> Resolved | None:
        """A name whose last top-level binding is in a module-level ``if``: its binding in the branch taken
        (``branch_taken``), None when the test is not read or the branch binds it otherwise."""
        bindings = module.symbols.get(name) or []
        if not bindings or bindings[-1].kind != "conditional" or self.branch_taken is None \
                or not self.is_own(module.path):
            return None
        node = bindings[-1].node  # the ``if``, or an import in one of its branches
        statement = node if isinstance(node, ast.If) else next(
            (s for s in module.tree.body if isinstance(s, ast.If) and any(n is node for n in ast.walk(s))), None)
        if statement is None:
            return None
        key = (id(module), name)
        if key in self._in_branches:  # the test of the ``if`` binding it needs the name itself
            self._branch_loops += 1
            return None
        self._in_branches.add(key)
        try:
            branch = self.branch_taken(module, statement)
        finally:
            self._in_branches.discard(key)
        for stmt in reversed(branch or []):
            if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                return Definition(f"{module.name}.{name}", module, stmt)
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                if len(stmt.targets) != 1:
                    return None
                dotted = dotted_name(stmt.value)
                return self.resolve(module, dotted) if dotted else Definition(f"{module.name}.{name}", module, stmt)
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if (alias.asname or alias.name) == name:
                        return self._external(f"{absolute(module, stmt)}.{alias.name}")
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname == name:
                        return self._external(alias.name)
                    if not alias.asname and alias.name.split(".")[0] == name:
                        return self._external(name)
            if name in set(pyast.bound_names(stmt)):
                return None  # bound some other way, or under a test that is not read
        return None

    def attribute(self, current: Resolved, attr: str) -> Resolved:
        if isinstance(current, pyast.Unknown):
            return current
        if isinstance(current, External):
            return self._external(f"{current.path}.{attr}")
        if isinstance(current, ModuleRef):
            project = self.project_of(current.module)
            return self._convert(project.attribute(pyast.ModuleRef(current.module), attr))
        if isinstance(current.node, ast.ClassDef):
            return self.class_attribute(current, attr)
        return External(f"{current.path}.{attr}")

    def class_attribute(self, cls: Definition, attr: str) -> Resolved:
        """``cls.attr`` along the class and its bases, each attribute knowing its owner."""
        for c in [cls, *self.ancestor_classes(cls)]:
            found = pyast.class_attribute(pyast.ClassRef(c.module, c.node, c.node.lineno), attr)  # type: ignore[arg-type]
            if found is not None:
                return Definition(f"{c.path}.{attr}", c.module, found, owner=c)
        return External(f"{cls.path}.{attr}")

    def bases(self, cls: Definition) -> list[Resolved]:
        """The class's direct bases, resolved across roots."""
        assert isinstance(cls.node, ast.ClassDef)
        cached = self._bases.get(id(cls.node))
        if cached is not None:
            return cached
        out: list[Resolved] = self._bases.setdefault(id(cls.node), [])
        for base in self._metaclass_bases(cls.module, cls.node.bases):
            out.extend(self._base(cls.module, base))
        return out

    def _base(self, module: Module, base: ast.expr) -> list[Resolved]:
        target = base.value if isinstance(base, ast.Subscript) else base
        dotted = dotted_name(target)
        if dotted is None:
            return [pyast.Unknown(base, module.path, f"base {pyast.text_of(base)} is computed")]
        # bases are read in module scope (an enclosing class body is not visible to them)
        found = self.resolve(module, dotted)
        values = branch_values(module, dotted) if isinstance(found, pyast.Unknown) else None
        agreed = agreed_base(values, lambda v: [r for b in self._metaclass_bases(module, [v])
                                                for r in self._base(module, b)]) if values else None
        return agreed if agreed is not None else [found]  # type: ignore[return-value]

    def _metaclass_bases(self, module: Module, bases: Sequence[ast.expr]) -> list[ast.expr]:
        """The base expressions, ``six.with_metaclass(Meta, *bases)`` (six, ``django.utils.six``, ``future``)
        read as its ``bases``: allauth's ``JSONField(six.with_metaclass(models.SubfieldBase, models.TextField))``."""
        out: list[ast.expr] = []
        for base in bases:
            func = dotted_name(base.func) if isinstance(base, ast.Call) else None
            target = self.resolve(module, func) if func else None
            path = getattr(target, "path", "") if target is not None else ""
            if path.rpartition(".")[2] == "with_metaclass" and path.rpartition(".")[0].endswith(WITH_METACLASS) \
                    and len(base.args) > 1 and not base.keywords:  # type: ignore[union-attr]
                out.extend(base.args[1:])  # type: ignore[union-attr]
            else:
                out.append(base)
        return out

    def ancestor_classes(self, cls: Definition) -> list[Definition]:
        """Every base class the roots hold, depth first, each once (for 'derives from' questions)."""
        out: list[Definition] = []
        seen: set[str] = {cls.path}
        stack = list(reversed(self.bases(cls)))
        while stack:
            base = stack.pop()
            if not isinstance(base, Definition) or not isinstance(base.node, ast.ClassDef) or base.path in seen:
                continue
            seen.add(base.path)
            out.append(base)
            stack.extend(reversed(self.bases(base)))
        return out

    def _convert(self, ref: object) -> Resolved:
        if isinstance(ref, pyast.ModuleRef):
            self._owner.setdefault(id(ref.module), self._find_owner(ref.module))
            return ModuleRef(ref.module)
        if isinstance(ref, (pyast.ClassRef, pyast.FunctionRef)):
            return Definition(ref.qualname, ref.module, ref.node)
        if isinstance(ref, pyast.ValueRef):
            return Definition(ref.qualname, ref.module, ref.node)
        if isinstance(ref, pyast.External):
            return self._external(ref.qualname)
        if isinstance(ref, pyast.AttributeRef):
            inner = self._convert(ref.of)
            return self.attribute(inner, ref.name) if not isinstance(inner, pyast.Unknown) else inner
        if isinstance(ref, pyast.Unknown):
            return ref
        return pyast.Unknown(None, None, f"cannot follow {ref!r}")

    def _find_owner(self, module: Module) -> pyast.Project:
        for project in self.projects:
            if project.module(module.name) is module:
                return project
        return self.projects[0]

    def _external(self, qualname: str) -> Resolved:
        """A qualified name followed into the first root that has its module (one that leads back to
        itself - an attribute of a class whose bases are bound conditionally - stays External)."""
        if qualname in self._following:
            return External(qualname)
        self._following.add(qualname)
        try:
            return self._follow(qualname)
        finally:
            self._following.discard(qualname)

    def _follow(self, qualname: str) -> Resolved:
        parts = qualname.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:i]))
            if module is None:
                continue
            current: Resolved = ModuleRef(module)
            for attr in parts[i:]:
                current = self.attribute(current, attr)
            # a module whose names are bound conditionally (decimal's C/Python switch) still names them
            return External(qualname) if isinstance(current, pyast.Unknown) else current
        module = self.module(qualname)
        return ModuleRef(module) if module is not None else External(qualname)


def imported_names(module: Module) -> list[str]:
    """Every module a file imports at module level (in ``if``/``try`` too, not in functions), and each name
    imported from a module (which may be a submodule), in order."""
    out: list[str] = []
    stack = list(reversed(module.tree.body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = absolute(module, node)
            out.append(base)
            out.extend(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
            for body in pyast_bodies(node):
                stack.extend(reversed(body))
    return list(dict.fromkeys(n for n in out if n))


def project_imports(finder: Finder, module: Module, root: Path, transitive: bool = True) -> dict[Path, Module]:
    """The modules under ``root`` or another of the project's own roots (``Finder.own_roots``: its packages
    outside the folder of manage.py) that ``module`` imports (and, ``transitive``, that those import, and so
    on), by resolved file path: what a static reading of ``module`` can depend on besides installed libraries."""
    root = Path(root).resolve()
    seen: dict[Path, Module] = {}
    todo = [module]
    while todo:
        current = todo.pop()
        for dotted in imported_names(current):
            if dotted == "django" or dotted.startswith("django."):
                continue
            target = finder.module(dotted)
            if target is None:
                continue
            path = target.path.resolve()
            if path in seen or path == module.path.resolve() or not (root in path.parents or finder.is_own(path)) \
                    or any(lib in path.parents for lib in finder.library_roots):  # a .venv inside the project
                continue
            seen[path] = target
            if transitive:
                todo.append(target)
    return seen


def absolute(module: Module, node: ast.ImportFrom) -> str:
    """The absolute module name of ``from <node.module> import ...`` written in ``module``."""
    if not node.level:
        return node.module or ""
    base = module.package.split(".") if module.package else []
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def class_targets(stmt: ast.Assign | ast.AnnAssign) -> list[str]:
    if isinstance(stmt, ast.AnnAssign):
        return [stmt.target.id] if isinstance(stmt.target, ast.Name) else []
    return [t.id for t in stmt.targets if isinstance(t, ast.Name)]


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):  # the common ``models.X``
        return f"{node.value.id}.{node.attr}"
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def source_text(module: Module, node: ast.AST) -> str:
    """The source of ``node`` as written (for messages and opaque values); the file is read again (a file
    changed since it was parsed gives the node's unparsed form instead). Its lines are kept per file, as
    ``ast.get_source_segment`` splits the whole text again at each call (wagtail's migrations hold
    thousand-line ``StreamField`` values: minutes)."""
    text = None
    lines = _source_lines(module.path)
    first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
    if lines is not None and None not in (first, last, start, end) and 1 <= first <= last <= len(lines):
        if first == last:
            text = lines[first - 1][start:end].decode("utf-8", "replace")
        else:
            middle = b"".join(lines[first:last - 1])
            text = (lines[first - 1][start:] + middle + lines[last - 1][:end]).decode("utf-8", "replace")
    return text if text is not None else ast.unparse(node)


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@functools.lru_cache(maxsize=64)
def _lines_of(path: Path, stamp: tuple[int, int]) -> tuple[bytes, ...]:
    """The file's lines as bytes with their ends (AST column offsets count UTF-8 bytes), split as
    ``ast.get_source_segment`` does: at ``\\n``, ``\\r\\n`` and ``\\r`` only."""
    return tuple(_LINE.findall(path.read_bytes()))


def _source_lines(path: Path) -> tuple[bytes, ...] | None:
    try:
        stat = path.stat()
        return _lines_of(path, (stat.st_mtime_ns, stat.st_size))
    except OSError:
        return None
