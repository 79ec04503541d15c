"""Which field class a name is, read statically through the project's and the installed libraries' source.

A model or a migration names a field class; Django's behaviour follows from the class's ancestry:

- a class deriving from one of Django's own fields mgen knows (``class BlobField(models.TextField)``)
  behaves as that field: its arguments are deconstructed by that class's rules and its column is that
  class's, unless code of the project or a library between them changes either - ``__init__`` or
  ``deconstruct`` (the arguments: kept as written, an *opaque* field), ``db_type`` (a string literal it
  returns is the column type; anything else makes the type unknown) or another method that decides the
  column (the type is unknown);
- a class deriving only from ``Field`` (``django.contrib.postgres``'s ``HStoreField``, ranges,
  ``SearchVectorField``, a project's ``IPNetworkField``) is deconstructed by ``Field``'s rules and its
  column is the literal its ``db_type()`` returns; ``ArrayField`` is its own case (``base_field``, ``size``);
  one of Django's own that rewrites its arguments (``GeneratedField``) is opaque, like a project's;
- a class whose ``contribute_to_class`` adds it as a private field (``GenericForeignKey``,
  ``GenericRelation``) is no column and never in a migration: Django's autodetector ignores it;
- a class no root has the source of (a package that is not installed: ``taggit.managers.TaggableManager``,
  ``phonenumber_field.modelfields.PhoneNumberField``) is an opaque field with an unknown column, when its
  name says it is a field (it ends in ``Field`` or ``Key``, or it is one of ``THIRD_PARTY_FIELDS``).
"""
from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import MgenError
from .fields import FIELD_CLASSES, bind_arguments, deconstruct_path, deconstructed
from .passthrough_init import init_shape, mentioned_arguments
from .source import Definition, External, Finder, Resolved
from .state import UNKNOWN_TYPE, Call
from .values import Evaluator, Scope

FIELD_BASE = "django.db.models.fields.Field"
ARRAY_FIELD = "ArrayField"
# Django's field classes whose rules mgen has (FIELD_CLASSES, plus the array of django.contrib.postgres)
KNOWN_CLASSES = FIELD_CLASSES | {ARRAY_FIELD}
# field classes of third-party packages whose name does not end in "Field" (a model's attribute that
# calls an unresolvable class is taken for a field only when its name says so)
THIRD_PARTY_FIELDS = frozenset({"TaggableManager", "ClusterTaggableManager"})  # taggit, modelcluster.contrib.taggit
# Django's field classes an older Django had elsewhere: django.contrib.contenttypes.generic re-exported
# them from 1.7 (where they moved to .fields) until 1.9 removed it (1.8 contenttypes/generic.py)
MOVED = {
    "django.contrib.contenttypes.generic.GenericForeignKey": "django.contrib.contenttypes.fields.GenericForeignKey",
    "django.contrib.contenttypes.generic.GenericRelation": "django.contrib.contenttypes.fields.GenericRelation",
}
# Django classes below the ones mgen knows that rewrite their arguments by rules fields.py has (the ranges'
# ``default_bounds``, left out at the canonical "[)")
_RULED = frozenset({"django.contrib.postgres.fields.ranges.RangeField",
                    "django.contrib.postgres.fields.ranges.ContinuousRangeField"})
# methods that decide a field's arguments, its column type, or whether it is a field of the table at all
_ARGUMENT_METHODS = ("__init__", "deconstruct", "contribute_to_class")
_TYPE_METHODS = ("rel_db_type", "db_parameters", "get_internal_type", "db_check", "db_type_suffix", "cast_db_type")


@dataclass(frozen=True)
class FieldClass:
    """What mgen knows of a field class: the path ``deconstruct()`` writes, the Django class it behaves as
    (``Field`` when none mgen knows; ``""``: opaque, arguments kept as written), the column type its own
    ``db_type()`` gives (None: the Django class's; ``UNKNOWN_TYPE``), whether it is a private field (no
    column, not in migrations), and for an opaque class why."""

    path: str
    django_class: str
    db_type: str | None = None
    private: bool = False
    why: str = ""
    # a pass-through ``__init__`` of the project's (``passthrough_init``): (args, kwargs) of a call -> the
    # ones its Django base gets
    passes: Callable[[tuple, dict], tuple[tuple, dict]] | None = field(default=None, compare=False)
    # an opaque class whose overrides mgen can read: its Django base and the arguments they can touch; any
    # other argument reaches the base untouched, so the base's deconstruct() leaves it out at its default
    base: tuple[str, frozenset[str]] | None = field(default=None, compare=False)

    @property
    def opaque(self) -> bool:
        return not self.django_class

    def bind(self, args: tuple, kwargs: dict) -> dict:
        """A call's arguments named as the Django class takes them (``fields.bind_arguments``), through the
        class's own pass-through ``__init__`` first. ValueError as Python raises TypeError."""
        if self.passes is not None:
            args, kwargs = self.passes(tuple(args), dict(kwargs))
        if self.opaque and self.base is not None:
            base, mentioned = self.base
            kwargs = {k: v for k, v in kwargs.items() if k in mentioned or k in deconstructed(base, {k: v})}
        return bind_arguments(self.django_class, args, kwargs)


def looks_like_field(path: str) -> bool:
    """A class of a library mgen does not find, named as fields are (``PhoneField``; relations named as keys:
    modelcluster's ``ParentalKey``, django-mptt's ``TreeForeignKey``): read as an opaque field, never dropped."""
    name = path.rpartition(".")[2]
    return name.endswith(("Field", "Key")) or name in THIRD_PARTY_FIELDS


def not_installed(path: str) -> FieldClass:
    return FieldClass(path, "", UNKNOWN_TYPE, why=f"{path} is not installed (its source is not found)")


class FieldClassifier:
    """``classify`` field classes once each (per parsed class node)."""

    def __init__(self, ev: Evaluator, finder: Finder):
        self.ev = ev
        self.finder = finder
        self._done: dict[int, FieldClass | None] = {}

    def classify(self, target: Resolved | None) -> FieldClass | None:
        """The field class ``target`` is, or None when it is no field class (as far as the source says)."""
        if isinstance(target, External):
            if target.path in MOVED:  # a Django older than the one read had it there
                return self.classify_path(MOVED[target.path])
            return not_installed(target.path) if looks_like_field(target.path) else None
        if not isinstance(target, Definition) or not isinstance(target.node, ast.ClassDef):
            return None
        key = id(target.node)
        if key not in self._done:
            self._done[key] = self._classify(target)
        return self._done[key]

    def classify_path(self, path: str) -> FieldClass | None:
        """``classify`` for a class named by a dotted path (a migration's ``models.CharField``); a path no
        root has the source of is an opaque field (a migration's fields are fields)."""
        if path in MOVED:
            path = MOVED[path]
        module_name, _, name = path.rpartition(".")
        module = self.finder.module(module_name)
        if module is None:
            return not_installed(path)
        target = self.finder.resolve(module, name)
        if isinstance(target, External):
            return self.classify_path(MOVED[target.path]) if target.path in MOVED else not_installed(target.path)
        return self.classify(target)

    def _classify(self, target: Definition) -> FieldClass | None:
        ancestors = self.ev.ancestors(target)
        chain = [target, *[b for b in ancestors if isinstance(b, Definition) and isinstance(b.node, ast.ClassDef)]]
        path = deconstruct_path(target.path)
        if not any(c.path == FIELD_BASE for c in chain):
            missing = [b for b in ancestors if isinstance(b, External) and looks_like_field(b.path)]
            return FieldClass(path, "", UNKNOWN_TYPE, why=f"its base {missing[0].path} is not installed") \
                if missing else None
        placing = _first_defining(chain, "contribute_to_class")
        # django.db.models' own fields are never private (and their modules are the largest to parse again)
        if placing is not None and not placing.path.startswith("django.db.models.") \
                and _adds_private(_method(placing, "contribute_to_class")):  # type: ignore[arg-type]
            return FieldClass(path, "", None, private=True)
        known = next((c for c in chain if c.path.startswith("django.") and c.node.name in KNOWN_CLASSES), None)  # type: ignore[union-attr]
        stop = chain.index(known) if known is not None else len(chain)
        custom = [c for c in chain[:stop] if not c.path.startswith("django.")]
        db_type = self._db_type(chain[:stop])
        if any(_defines(c, m) for c in custom for m in _TYPE_METHODS):
            db_type = UNKNOWN_TYPE
        # Django's own classes included: one mgen has no rules for (GeneratedField) is read as written
        rewriting = [c for c in chain[:stop] if c.path != FIELD_BASE and c.path not in _RULED]
        overrides = [(c, m) for c in rewriting for m in _ARGUMENT_METHODS if _defines(c, m)]
        passes = self._passes(overrides)
        if overrides and passes is None:
            c, m = overrides[0]
            return FieldClass(path, "", db_type or UNKNOWN_TYPE, why=f"{c.path} overrides {m}()",
                              base=self._base_rules(overrides, known.node.name if known else "Field"))  # type: ignore[union-attr]
        if known is None:
            return FieldClass(path, "Field", db_type or UNKNOWN_TYPE, passes=passes)
        return FieldClass(path, known.node.name, db_type, passes=passes)  # type: ignore[union-attr]

    @staticmethod
    def _base_rules(overrides: list[tuple[Definition, str]], base: str) -> tuple[str, frozenset[str]] | None:
        """For an opaque class of the project's or a library's: its Django base and the arguments its overrides
        can touch (``passthrough_init.mentioned_arguments``); None when any may be touched."""
        mentioned: set[str] = set()
        for cls, name in overrides:
            function = _method(cls, name)
            found = mentioned_arguments(function) if isinstance(function, ast.FunctionDef) \
                and not cls.path.startswith("django.") else None
            if found is None:
                return None
            mentioned |= found
        return base, frozenset(mentioned)

    def _passes(self, overrides: list[tuple[Definition, str]]) -> Callable[[tuple, dict], tuple[tuple, dict]] | None:
        """For one project class whose ``__init__`` only passes its parameters on (``passthrough_init``),
        the function that turns a call's arguments into its base's; None for anything else."""
        if len(overrides) != 1 or overrides[0][1] != "__init__" or overrides[0][0].path.startswith("django."):
            return None
        cls = overrides[0][0]
        function = _method(cls, "__init__")
        shape = init_shape(function, cls.node.name) if isinstance(function, ast.FunctionDef) else None  # type: ignore[union-attr]
        if shape is None:
            return None
        scope = Scope(cls.module, (cls.node,))  # type: ignore[arg-type]
        return lambda args, kwargs: shape.passed(args, kwargs, lambda node: self.ev.value(node, scope))

    def _db_type(self, chain: list[Definition]) -> str | None:
        """The literal the nearest ``db_type()`` of ``chain`` returns (UNKNOWN_TYPE: not a literal; None:
        none in ``chain`` defines it)."""
        found = _first_defining(chain, "db_type")
        if found is None:
            return None
        returns = [n for n in ast.walk(_method(found, "db_type")) if isinstance(n, ast.Return)]  # type: ignore[arg-type]
        if len(returns) == 1 and isinstance(returns[0].value, ast.Constant) and isinstance(returns[0].value.value, str):
            return returns[0].value.value
        return UNKNOWN_TYPE


def _defines(cls: Definition, method: str) -> bool:
    return _defines_pruned(cls, method)


def _method(cls: Definition, method: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for stmt in cls.node.body:  # type: ignore[union-attr]
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == method:
            return _unpruned(cls, stmt)
    return None


def _unpruned(cls: Definition, function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
    """The function with its body: an installed library's trees are kept pruned (``libcache``: bodies are
    ``...``), so the few methods read here are parsed again from the file, once per file."""
    body = function.body
    if not (len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and body[0].value.value is Ellipsis):
        return function
    tree = _full_tree(cls.module.path)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, type(function)) and node.name == function.name and node.lineno == function.lineno:
            return node
    return function


@functools.lru_cache(maxsize=64)
def _full_tree(path: Path) -> ast.Module | None:
    try:
        return ast.parse(Path(path).read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def _first_defining(chain: list[Definition], method: str) -> Definition | None:
    """The class of ``chain`` whose ``method`` Python calls (its body: ``_method``, parsed only when read)."""
    return next((c for c in chain if _defines_pruned(c, method)), None)


def _defines_pruned(cls: Definition, method: str) -> bool:
    """``_defines`` without parsing a library file again (the pruned tree still names its methods)."""
    return any(isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == method
               for stmt in cls.node.body)  # type: ignore[union-attr]


def _adds_private(function: ast.AST) -> bool:
    """Whether ``contribute_to_class`` passes ``private_only=True`` on (as a keyword, or into its kwargs)."""
    for node in ast.walk(function):
        if isinstance(node, ast.keyword) and node.arg == "private_only" and _is_true(node.value):
            return True
        if isinstance(node, ast.Assign) and _is_true(node.value) and any(
                isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "private_only"
                for t in node.targets):
            return True
    return False


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def array_arguments(kw: dict, classify_path: Callable[[str], FieldClass | None], where: str, file: str | None,
                    line: int | None) -> dict:
    """An ``ArrayField``'s arguments with ``base_field`` as ``deconstruct()`` gives it (a clone of the field,
    deconstructed: ``models.CharField(max_length=10)``)."""
    base = kw.get("base_field")
    found = classify_path(base.path) if isinstance(base, Call) else None
    if found is None or found.private:
        raise MgenError(f"{where}: ArrayField's base_field {base!r} is not a field class mgen can find", file, line)
    if found.opaque:  # as written, positional arguments included (its own deconstruct() gave them)
        return {**kw, "base_field": Call.of(found.path, base.args, base.kw)}
    try:
        inner = bind_arguments(found.django_class, base.args, base.kw)
    except ValueError as e:
        raise MgenError(f"{where}: base_field: {e}", file, line) from None
    if found.django_class == ARRAY_FIELD:
        inner = array_arguments(inner, classify_path, where, file, line)
    return {**kw, "base_field": Call.of(found.path, (), deconstructed(found.django_class, inner))}
