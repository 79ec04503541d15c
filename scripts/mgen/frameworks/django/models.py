"""Read a Django project's models statically into a ``ProjectState`` (what ``makemigrations`` compares).

Per app, the classes of ``<app>/models.py`` or of the ``<app>/models/`` package (and of the app's own
modules those import) that derive from ``django.db.models.Model``, through abstract bases and mixins in
any module. The state matches ``ModelState.from_model``: fields in deconstructed form (``fields.py``), the
implicit ``id`` from the app's ``default_auto_field``, abstract parents' fields copied in, a concrete
parent's left in its table behind a parent link (``inheritance.py``), Meta read with Django's inheritance
rules, unnamed ``Meta.indexes`` named as ``Index.set_name_with_model`` names them.

Nothing is imported. What the database depends on must be readable: a computed ``max_length``, ``null``,
``db_column``, ``to`` - each is an MgenError with file and line. A computed argument the database never
sees (``default=make_code()``, ``validators=[...]``) is kept as ``Opaque`` and reported as a note, since
a migration writer cannot print it. Field classes are read through their source (``field_classes.py``): a
private field (``GenericForeignKey``) is left out as Django leaves it out; a class that cannot be read is
kept with its arguments as written, and a note says so.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ...errors import MgenError, nested_in
from .. import pyast
from ..pyast import Note, simple_assignment
from . import conditions, index_names, inheritance, module_branches, opaque_keys
from .consumed import consumed_arguments
from .field_classes import ARRAY_FIELD, THIRD_PARTY_FIELDS, FieldClass, FieldClassifier, array_arguments
from .fields import (
    AUTO_FIELDS,
    RELATED_FIELDS,
    auto_field,
    deconstruct_path,
    deconstructed,
)
from .partial_models import PartialModels
from .project import App, DjangoProject
from .source import Definition, External, Module, ModuleRef, absolute, project_imports
from .state import (
    OPTION_NAMES,
    Call,
    FieldState,
    ModelState,
    ProjectState,
    Ref,
    Setting,
    normalize_together,
    with_legacy_on_delete,
)
from .values import Evaluator, Scope, first_opaque

MODEL_BASE = "django.db.models.base.Model"
FIELD_BASE = "django.db.models.fields.Field"
CHECK_PATH = "django.db.models.constraints.CheckConstraint"
# ``Index.suffix`` of Django's index classes, where their source is not found
INDEX_SUFFIXES = {f"django.contrib.postgres.indexes.{name}Index": name.lower()
                  for name in ("Bloom", "Brin", "BTree", "Gin", "Gist", "Hash", "SpGist")}
# arguments whose value reaches the database: they must be readable
DB_ARGUMENTS = ("max_length", "null", "db_column", "db_default", "unique", "db_index", "primary_key", "max_digits",
                "decimal_places", "to", "through", "db_table", "to_field", "db_comment", "db_constraint",
                "auto_now", "auto_now_add", "db_collation", "on_delete")


@dataclass
class ModelClass:
    """A model class found in an app, before its state is built."""

    definition: Definition
    app_label: str
    name: str

    @property
    def label_lower(self) -> str:
        return f"{self.app_label}.{self.name.lower()}"


@dataclass
class FieldSpec:
    """A field as written in some class body (maybe an abstract parent's), evaluated per concrete model."""

    name: str
    call: ast.Call | None  # None: ``name = None`` removes an inherited field
    definition: Definition  # the class whose body holds it
    line: int


class ModelClassReader:
    """Model classes found in apps' modules and read into ``ModelState``s (fields, Meta, bases); ``notes``:
    what it kept as written or ignored."""

    def __init__(self, project: DjangoProject):
        self.project = project
        self.ev: Evaluator = project.evaluator
        self.notes: list[Note] = []
        self.classes: dict[str, ModelClass] = {}  # definition path -> model class (concrete and abstract)
        self._meta_cache: dict[str, dict[str, Any]] = {}
        self.classifier = FieldClassifier(self.ev, project.finder)
        self._mro_cache: dict[str, list[str]] = {}
        self._own_fields_of: dict[Definition, dict[str, FieldSpec]] = {}
        self.partial = PartialModels(self)  # classes whose base is a model in a library mgen does not find

    # -- finding the model classes ---------------------------------------------------------------
    def discover(self, apps: Iterable[App]) -> list[ModelClass]:
        found: list[ModelClass] = []
        for app in apps:
            module = self.project.finder.module(f"{app.name}.models")
            if module is None:
                continue
            for cls in self._classes_of(module, app, set()):
                if cls.path in self.classes:
                    continue
                if not self.is_model(cls) and self.partial.unread_base(cls) is None:
                    self._note_unread_base(cls, app)
                    continue
                # Django's label: Meta.app_label, else the app whose module defines the class (the longest
                # app name: a model imported from a nested app's module is that app's)
                label = self._meta_value(cls, "app_label") or (self.project.app_of_module(cls.module.name) or app).label
                model = ModelClass(cls, label, cls.node.name)  # type: ignore[union-attr]
                self.classes[cls.path] = model
                found.append(model)
        return found

    def _note_unread_base(self, cls: Definition, app: App) -> None:
        """A class of a models module whose base is in a library mgen does not find (not installed) may be a
        model mgen cannot see: a note, which a relation to it then names (``unread_model_hint``)."""
        if not isinstance(cls.node, ast.ClassDef) or cls.owner is not None:
            return
        unknown = [b.path for b in self.ev.ancestors(cls) if isinstance(b, External)
                   and (".models." in b.path or b.path.endswith("Model"))]  # a library's model base, by its name
        if unknown and cls.path.startswith(app.name + "."):
            self.notes.append(Note(message=unread_model_note(app.label, cls.node.name, unknown[0]),
                                   file=str(cls.module.path), line=cls.node.lineno))

    def _classes_of(self, module: Module, app: App, seen: set[str]) -> list[Definition]:
        """Class definitions of ``module`` and of the app modules it imports from, in order."""
        if module.name in seen:
            return []
        seen.add(module.name)
        out: list[Definition] = []
        for stmt in self._statements(module, module.tree.body):
            if isinstance(stmt, ast.ClassDef):
                out.append(Definition(f"{module.name}.{stmt.name}", module, stmt))
            elif isinstance(stmt, ast.ImportFrom):
                source = absolute(module, stmt)
                if not (source == app.name or source.startswith(app.name + ".")):
                    continue
                for alias in stmt.names:
                    if alias.name == "*":
                        inner = self.project.finder.module(source)
                        if inner is not None:
                            out.extend(self._classes_of(inner, app, seen))
                        continue
                    target = self.project.finder.resolve(module, alias.asname or alias.name)
                    if isinstance(target, ModuleRef):
                        out.extend(self._classes_of(target.module, app, seen))
                    elif isinstance(target, Definition) and isinstance(target.node, ast.ClassDef):
                        out.append(target)
        return out

    def _statements(self, module: Module, body: list[ast.stmt]) -> list[ast.stmt]:
        """The module's top-level statements, a module-level ``if`` replaced by the branch Python runs
        (``module_branches``); a model class under a test mgen cannot read refuses the app."""
        out: list[ast.stmt] = []
        for stmt in body:
            if not isinstance(stmt, ast.If):
                out.append(stmt)
                continue
            branch = module_branches.taken(self.ev, module, stmt)
            if branch is not None:
                out.extend(self._statements(module, branch))
                continue
            for cls in module_branches.undecided_classes(stmt):
                if self.is_model(Definition(f"{module.name}.{cls.name}", module, cls)):
                    raise module_branches.refuse_undecided(module, stmt, cls.name)
        return out

    def is_model(self, cls: Definition) -> bool:
        """A subclass of ``models.Model``, or evidently a model whose base mgen cannot read (``partial_models``)."""
        if not isinstance(cls.node, ast.ClassDef):
            return False
        if any(getattr(b, "path", None) == MODEL_BASE for b in self.ev.ancestors(cls)):
            return True
        unread = self.partial.unread_base(cls)
        return unread is not None and unread.evident

    def is_abstract(self, cls: Definition) -> bool:
        meta = _own_meta(cls)
        if meta is None:
            return False
        return self._meta_attrs(cls, meta).get("abstract") is True

    # -- Meta ------------------------------------------------------------------------------------
    def _meta_value(self, cls: Definition, name: str) -> Any:
        return self.meta_options(cls).get(name)

    def meta_options(self, cls: Definition) -> dict[str, Any]:
        """The Meta attributes Django's Options sees for ``cls`` (own Meta and the Meta classes it
        inherits from, or else an abstract ancestor's Meta, whose ``abstract`` Django resets to False)."""
        if cls.path in self._meta_cache:
            return self._meta_cache[cls.path]
        meta = _own_meta(cls)
        if meta is not None:
            out = self._meta_attrs(cls, meta)
        else:
            out = {}
            for base in self.ev.ancestors(cls):
                if isinstance(base, Definition) and self.is_model(base) and _own_meta(base) is not None \
                        and self.is_abstract(base):
                    out = {**self.meta_options(base), "abstract": False}
                    break
        self._meta_cache[cls.path] = out
        return out

    def _meta_attrs(self, cls: Definition, meta: ast.ClassDef) -> dict[str, Any]:
        out: dict[str, Any] = {}
        meta_def = Definition(f"{cls.path}.Meta", cls.module, meta, owner=cls)
        for base in self.ev.bases(meta_def):
            if isinstance(base, Definition) and isinstance(base.node, ast.ClassDef) and base.owner is not None:
                inherited = self._meta_attrs(base.owner, base.node)
                if self.is_model(base.owner) and inherited.get("abstract"):
                    inherited["abstract"] = False  # Django resets an abstract model's Meta
                out.update(inherited)
        scope = Scope(cls.module, (meta,))
        for stmt in conditions.class_body(self.ev, meta.body, scope):
            assigned = simple_assignment(stmt)
            if assigned is None:
                continue
            name, value = assigned
            if name in OPTION_NAMES or name == "app_label":
                out[name] = self.ev.value(value, scope)
        return out

    # -- fields ----------------------------------------------------------------------------------
    def field_specs(self, cls: Definition) -> dict[str, FieldSpec]:
        """Fields by name: abstract ancestors' first (in base order), then the class's own."""
        specs: dict[str, FieldSpec] = {}
        inherited: set[str] = set()  # a concrete parent's fields (multi-table inheritance): never copied
        for base in self.ev.bases(cls):
            if not isinstance(base, Definition) or not isinstance(base.node, ast.ClassDef):
                continue
            if self.is_model(base):
                if not self.is_abstract(base):
                    inherited |= inheritance.inherited_names(self, base)
                    continue
                for name, spec in self.field_specs(base).items():
                    if name not in inherited:
                        specs.setdefault(name, spec)
            else:
                self._note_mixin_fields(base)
        own = self._own_fields(cls)
        for name, spec in own.items():
            specs.pop(name, None)
            specs[name] = spec
        return {n: s for n, s in specs.items() if s.call is not None}

    def _own_fields(self, cls: Definition) -> dict[str, FieldSpec]:
        """The fields the class body itself assigns (kept per class: every model's ``models.Model`` base is
        read for mixin fields, and its body is long). Callers do not change the dict."""
        out = self._own_fields_of.get(cls)
        if out is None:
            out = self._own_fields_of[cls] = self._read_own_fields(cls)
        return out

    def _read_own_fields(self, cls: Definition) -> dict[str, FieldSpec]:
        out: dict[str, FieldSpec] = {}
        assert isinstance(cls.node, ast.ClassDef)
        for stmt in conditions.class_body(self.ev, cls.node.body, Scope(cls.module, (cls.node,))):
            assigned = simple_assignment(stmt)
            if assigned is None:
                continue
            name, value = assigned
            if isinstance(value, ast.Constant) and value.value is None:
                out[name] = FieldSpec(name, None, cls, stmt.lineno)
            elif isinstance(value, ast.Call):
                found = self.field_class(value.func, Scope(cls.module, (cls.node,)))
                if found is not None and not found.private:  # a private field is never in a migration
                    out[name] = FieldSpec(name, value, cls, stmt.lineno)
        return out

    def _note_mixin_fields(self, mixin: Definition) -> None:
        for name in self._own_fields(mixin):
            self.notes.append(Note(message=f"{mixin.node.name}.{name}: a field on a class that is not a "  # type: ignore[union-attr]
                                   "model is ignored by Django", file=str(mixin.module.path), line=mixin.node.lineno))

    def field_class(self, func: ast.expr, scope: Scope) -> FieldClass | None:
        """The field class ``func`` names (``field_classes``), or None when it names no field class."""
        return self.classifier.classify(self.ev.resolve(func, scope))

    def classify_path(self, path: str) -> FieldClass | None:
        """The field class named by a dotted path (as a migration's values carry it)."""
        return self.classifier.classify_path(path)

    # -- building states -------------------------------------------------------------------------
    def model_state(self, model: ModelClass) -> ModelState:
        cls = model.definition
        options = self.meta_options(cls)
        fields: dict[str, FieldState] = {}
        proxy = options.get("proxy") is True
        if not proxy:
            for name, spec in self.field_specs(cls).items():
                fields[name] = self.field_state(spec, model)
            fields = inheritance.with_parent_links(self, model, fields)
            if not any(f.get("primary_key") for f in fields.values()):
                app = self.project.app(model.app_label) if _has_app(self.project, model.app_label) else None
                auto = app.default_auto_field if app else str(self.project.settings["DEFAULT_AUTO_FIELD"])
                path, django_class = self.auto_field_class(auto, cls)
                fields = {"id": auto_field(path, django_class), **fields}
        state = ModelState(model.app_label, model.name, fields, {}, self.bases(cls),
                           file=str(cls.module.path), line=cls.node.lineno)  # type: ignore[union-attr]
        return replace(state, options=self.state_options(options, state, cls))

    def auto_field_class(self, dotted: str, cls: Definition | None) -> tuple[str, str]:
        module_name, _, name = dotted.rpartition(".")
        module = self.project.finder.module(module_name)
        target = self.project.finder.resolve(module, name) if module is not None else External(dotted)
        if isinstance(target, Definition) and isinstance(target.node, ast.ClassDef):
            chain = [target, *[b for b in self.ev.ancestors(target) if isinstance(b, Definition)]]
            for c in chain:
                if c.path.startswith("django.") and c.node.name in AUTO_FIELDS:  # type: ignore[union-attr]
                    return deconstruct_path(target.path), c.node.name  # type: ignore[union-attr]
        raise MgenError(f"default auto field {dotted!r} is not an AutoField, BigAutoField or SmallAutoField "
                        "mgen can find", str(cls.module.path) if cls else None,
                        cls.node.lineno if cls else None)  # type: ignore[union-attr]

    def field_state(self, spec: FieldSpec, model: ModelClass) -> FieldState:
        call = spec.call
        assert call is not None
        module, file = spec.definition.module, str(spec.definition.module.path)
        scope = Scope(module, (spec.definition.node,))  # type: ignore[arg-type]
        found = self.field_class(call.func, scope)
        assert found is not None
        path, django_class = found.path, found.django_class
        if found.opaque:
            self.notes.append(Note(message=f"{model.label_lower}.{spec.name}: field class {path} is read as written "
                                   f"({found.why}); its column type is unknown", file=file, line=call.lineno))
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise MgenError(f"field {model.name}.{spec.name}: *args/**kwargs cannot be read statically", file, call.lineno)
        args = tuple(self.ev.value(a, scope) for a in call.args)
        kwargs = {k.arg: self.ev.value(k.value, scope) for k in call.keywords if k.arg}
        try:
            bound = with_legacy_on_delete(django_class, found.bind(args, kwargs))  # through a pass-through __init__
        except ValueError as e:
            raise MgenError(f"field {model.name}.{spec.name}: {e}", file, call.lineno) from None
        if found.opaque:  # StreamField(min_num=2): what its __init__ takes and deconstruct() never gives
            bound = consumed_arguments(self, self.ev.resolve(call.func, scope), bound)
        opaques = {key: opaque for key, value in bound.items() if (opaque := first_opaque(value)) is not None}
        for key in DB_ARGUMENTS if opaques else ():
            opaque = opaques.get(key)
            if opaque is not None:
                raise MgenError(f"field {model.name}.{spec.name}: {key}={opaque.source} is computed at run time; mgen needs "
                                "it as a literal to know the column", file, opaque.line or call.lineno)
        for key, opaque in opaques.items():
            self.notes.append(Note(message=f"{model.label_lower}.{spec.name}: {key}={opaque.source} cannot be read "
                                   "statically; kept as written (it does not change the database)",
                                   file=file, line=opaque.line or call.lineno))
        if found.opaque and opaque_keys.key_like(path):  # ParentalKey("app.Model"), TreeForeignKey("self"): ``to``
            bound = opaque_keys.bind_key_arguments(bound)
        if found.opaque:  # TaggableManager(through=TaggedThing): a model class as its label
            bound.update((k, self._model_label(bound[k])) for k in ("to", "through") if isinstance(bound.get(k), Ref))
            if path.rpartition(".")[2] in THIRD_PARTY_FIELDS:  # through="TaggedThing": the model's app's, as
                bound.update((k, f"{model.app_label}.{bound[k]}") for k in ("to", "through")  # deconstruct() gives
                             if isinstance(bound.get(k), str) and "." not in bound[k] and bound[k] != "self")
        if django_class in RELATED_FIELDS:
            bound = self.related_arguments(bound, django_class, model, spec, file, call.lineno)
        elif found.opaque and opaque_keys.key_like(path) and "to" in bound:
            with contextlib.suppress(MgenError):  # a target not read: kept as written
                bound = self.related_arguments(bound, path, model, spec, file, call.lineno)
        if django_class == ARRAY_FIELD:
            bound = array_arguments(bound, self.classify_path, f"field {model.name}.{spec.name}", file, call.lineno)
        return FieldState(spec.name, path, deconstructed(django_class, bound), django_class, file, call.lineno,
                          found.db_type, found.base[1] if found.opaque and found.base is not None else None)

    def related_arguments(self, kw: dict, django_class: str, model: ModelClass, spec: FieldSpec,
                          file: str, line: int) -> dict:
        kw = dict(kw)
        if "to" not in kw:
            raise MgenError(f"field {model.name}.{spec.name}: {django_class} without a target model", file, line)
        for key in ("to", "through"):
            if isinstance(kw.get(key), Ref):
                ref = kw[key]
                if ref.path in self.classes:
                    target = self.classes[ref.path]
                    kw[key] = f"{target.app_label}.{target.name}"
                else:
                    kw[key] = self._external_label(ref.path, file, line)
        # related_name keeps its %(class)s placeholders: deconstruct() returns the pattern as written
        return related_references(kw, self.project, model.app_label, model.name, file, line)

    def _model_label(self, ref: Ref) -> Any:
        """``app_label.ModelName`` of a model class mgen reads or of an installed app's module, else ``ref``."""
        if ref.path in self.classes:
            return f"{self.classes[ref.path].app_label}.{self.classes[ref.path].name}"
        app = self.project.app_of_module(ref.path.rpartition(".")[0])
        return f"{app.label}.{ref.path.rpartition('.')[2]}" if app is not None else ref

    def _external_label(self, path: str, file: str, line: int) -> str:
        """The label of a model class outside the apps read (``django.contrib.auth.models.Group``)."""
        module, _, name = path.rpartition(".")
        app = self.project.app_of_module(module)
        if app is None:
            raise MgenError(f"{path} is not a model of an installed app", file, line)
        return f"{app.label}.{name}"

    def bases(self, cls: Definition) -> tuple[str, ...]:
        """``ModelState.bases``: abstract parents flattened into their own bases, each once, in the order of
        the class's MRO; concrete models by label, other classes by path; just ``Model`` when nothing else
        derives from it."""
        out: list[tuple[str, str]] = []  # (what the state names, the class's path)
        derives: list[bool] = []  # whether some base derives from Model (Django's check on the flattened bases)
        self._flatten(cls, out, derives)
        if not any(derives):
            return (MODEL_BASE,)
        order = {path: i for i, path in enumerate(self.mro(cls))}
        unique = dict.fromkeys(out)
        return tuple(name for name, _ in sorted(unique, key=lambda pair: order.get(pair[1], len(order))))

    def _flatten(self, c: Definition, out: list[tuple[str, str]], derives: list[bool]) -> None:
        # a method, not a recursive closure: that would be a reference cycle keeping the reader (and every
        # parsed tree) alive until the cyclic collector walks them all
        for base in self.ev.bases(c):
            if isinstance(base, Definition) and isinstance(base.node, ast.ClassDef) and self.is_model(base) \
                    and self.is_abstract(base):
                self._flatten(base, out, derives)
            elif isinstance(base, Definition) and (base.path in self.classes or inheritance.is_concrete(self, base)):
                out.append((inheritance.label_of(self, base), base.path))
                derives.append(True)
            elif isinstance(base, pyast.Unknown):  # a base chosen at run time: what the model is cannot be known
                raise base.error(f"class {c.node.name}")  # type: ignore[union-attr]
            else:
                path = base.path if isinstance(base, (Definition, External)) else base.module.name
                out.append((path, path))
                derives.append(path == MODEL_BASE or isinstance(base, Definition) and self.is_model(base))

    def mro(self, cls: Any) -> list[str]:
        """The class paths of ``cls.__mro__`` (C3 linearization over the bases the source names; a base no
        root has the source of ends its line). An inconsistent hierarchy gives the depth-first order."""
        path = cls.path if isinstance(cls, (Definition, External)) else getattr(getattr(cls, "module", None), "name", "")
        if not (isinstance(cls, Definition) and isinstance(cls.node, ast.ClassDef)):
            return [path]
        cached = self._mro_cache.get(path)
        if cached is not None:
            return cached
        bases = self.ev.bases(cls)
        sequences = [list(self.mro(b)) for b in bases] + [[self.mro(b)[0] for b in bases]]
        result = [path]
        while any(sequences):
            head = next((seq[0] for seq in sequences if seq and not any(seq[0] in other[1:] for other in sequences)),
                        None)
            if head is None:  # not C3-consistent: Python would refuse the class; keep a stable order
                result.extend(p for seq in sequences for p in seq if p not in result)
                break
            result.append(head)
            sequences = [seq[1:] if seq and seq[0] == head else seq for seq in sequences]
        self._mro_cache[path] = result
        return result

    def state_options(self, meta: dict[str, Any], state: ModelState, cls: Definition) -> dict[str, Any]:
        """``ModelState.from_model``'s options: Meta's attributes, unique_together normalized, indexes named."""
        file, line = str(cls.module.path), cls.node.lineno  # type: ignore[union-attr]
        options = {name: meta[name] for name in OPTION_NAMES if name in meta}
        for name, value in options.items():
            opaque = first_opaque(value)
            if opaque is None:
                continue
            if name in ("db_table", "unique_together", "indexes", "constraints", "managed", "proxy", "abstract",
                        "db_table_comment", "order_with_respect_to"):
                raise MgenError(f"Meta.{name} is computed at run time ({opaque.source})", file, opaque.line or line)
            self.notes.append(Note(message=f"{state.label_lower}: Meta.{name}={opaque.source} cannot be read "
                                   "statically; kept as written (it does not change the database)",
                                   file=file, line=opaque.line or line))
        options = normalize_options(options)
        if "indexes" in options:
            options["indexes"] = tuple(self.named_index(i, state, file, line) for i in options["indexes"])
        return options

    def named_index(self, index: Any, state: ModelState, file: str, line: int) -> Call:
        if not isinstance(index, Call):
            raise MgenError(f"Meta.indexes entry {index!r} is not an Index", file, line)
        if index.kw.get("name"):
            return index
        if index_names.names_itself(self, index.path):  # its own set_name_with_model: named from the history
            return index_names.unnamed(index, file, line)
        fields = index.kw.get("fields") or ()
        if not fields:
            raise MgenError("an index on expressions needs a name", file, line)
        name = index_name(state, fields, self.index_suffix(index.path))
        return Call.of(index.path, index.args, {**index.kw, "name": name})

    def index_suffix(self, path: str) -> str:
        """``Index.suffix`` of the index class at ``path``, which ``set_name_with_model`` ends the name with: a
        literal ``suffix`` in the class or a base it derives from (``GinIndex``: "gin"), else Django's."""
        module_name, _, name = path.rpartition(".")
        module = self.project.finder.module(module_name)
        target = self.project.finder.resolve(module, name) if module is not None else None
        if isinstance(target, Definition) and isinstance(target.node, ast.ClassDef):
            for c in [target, *self.ev.ancestors(target)]:
                if isinstance(c, Definition) and isinstance(c.node, ast.ClassDef):
                    for stmt in c.node.body:
                        assigned = simple_assignment(stmt)
                        if assigned and assigned[0] == "suffix" and isinstance(assigned[1], ast.Constant) \
                                and isinstance(assigned[1].value, str):
                            return assigned[1].value
        return INDEX_SUFFIXES.get(path, "idx")


def index_name(state: ModelState, fields: Iterable[str], suffix: str) -> str:
    """``Index.set_name_with_model``: table (11 chars), first column (7), a 6-digit hash and the suffix."""
    table = state.db_table
    columns, ordered = [], []
    for field_name in fields:
        descending = field_name.startswith("-")
        field = state.get_field(field_name.lstrip("-"))
        if field is None:
            raise MgenError(f"{state.label_lower}: an index names {field_name.lstrip('-')!r}, which is no field of "
                            "the model", state.file, state.line)
        column = column_name(field)
        columns.append(column)
        ordered.append(("-%s" if descending else "%s") % column)
    digest = hashlib.md5(usedforsecurity=False)
    for part in [table, *ordered, suffix]:
        digest.update(part.encode())
    name = f"{table[:11]}_{columns[0][:7]}_{digest.hexdigest()[:6]}_{suffix}"
    if name[0] == "_" or name[0].isdigit():
        name = "D" + name[1:]
    return name


def column_name(field: FieldState) -> str:
    """The column: db_column, or the name (``<name>_id`` for a ForeignKey / OneToOneField)."""
    if field.get("db_column"):
        return str(field.get("db_column"))
    if field.django_class in ("ForeignKey", "OneToOneField"):
        return f"{field.name}_id"
    return field.name


def normalize_options(options: dict[str, Any]) -> dict[str, Any]:
    """Options in the state's form: unique_together normalized and sorted, indexes and constraints
    deconstructed, and the empty ones (which ``ModelState`` defaults to) left out."""
    from .python2 import as_text

    out = {}
    for name, value in options.items():
        value = as_text(value)  # Python 2's byte strings: text in the options Django wrote (python2.py)
        if name in ("unique_together", "index_together"):
            value = normalize_together(value)
        elif name == "indexes":
            value = tuple(normalize_index(i) for i in value or ())
        elif name == "constraints":
            value = tuple(normalize_constraint(c) for c in value or ())
        if not value and name in ("unique_together", "index_together", "indexes", "constraints"):
            continue
        out[name] = value
    return out


def related_references(kw: dict, project: DjangoProject, app_label: str, model_name: str, file: str | None,
                       line: int | None) -> dict:
    """``to`` as Django deconstructs it - ``app_label.modelname`` in lower case, or the ``Setting`` of the
    swappable user model - and ``through`` as ``app_label.ModelName``; a bare model name is in ``app_label``."""
    from .python2 import as_text

    kw = dict(kw)
    to = kw.get("to")
    if isinstance(to, Setting):
        label = str(to.value)
    elif isinstance(to, str):
        label = f"{app_label}.{model_name}" if to == "self" else (to if "." in to else f"{app_label}.{to}")
    else:
        raise MgenError(f"model reference {to!r} cannot be read statically", file, line)
    app, _, name = label.partition(".")
    label = f"{app}.{name.lower()}"
    user = project.auth_user_model.lower()
    if label == user and (isinstance(to, Setting) or _has_app(project, "auth") or user != "auth.user"):
        kw["to"] = Setting("AUTH_USER_MODEL", label)
    else:
        kw["to"] = label
    through = kw.get("through")
    if isinstance(through, str):  # a label Django builds: text (a Python 2 byte string too, python2.py)
        kw["through"] = f"{app_label}.{through}" if "." not in through else str(through)
    for name in ("related_name", "related_query_name"):  # force_text'ed by Django 1.x
        if name in kw:
            kw[name] = as_text(kw[name])
    return kw


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (tuple, list, dict, set)) and not value)


def normalize_index(index: Any) -> Any:
    """``Index.deconstruct()``: empty arguments left out, ``fields`` and ``opclasses`` lists."""
    if not isinstance(index, Call):
        return index
    kw = {k: v for k, v in index.kwargs if not _empty(v)}
    for key in ("fields", "opclasses"):
        if key in kw:
            kw[key] = list(kw[key])
    if "include" in kw:
        kw["include"] = tuple(kw["include"])
    return Call.of(index.path, tuple(index.args), kw)


def normalize_constraint(constraint: Any) -> Any:
    """``deconstruct()`` of a constraint: ``check=`` is ``condition=`` (Django 5.1), empty arguments left out,
    ``fields`` and ``include`` tuples."""
    if not isinstance(constraint, Call):
        return constraint
    kw = dict(constraint.kwargs)
    if constraint.path == CHECK_PATH and "check" in kw:
        kw["condition"] = kw.pop("check")
    kw = {k: v for k, v in kw.items() if not _empty(v)}
    for key in ("fields", "include"):  # UniqueConstraint keeps them as tuples; a set in the order it iterates,
        if key in kw:  # which depends on the process's hashing: sorted here, the same in every run (cached states)
            kw[key] = tuple(sorted(kw[key], key=repr) if isinstance(kw[key], (set, frozenset)) else kw[key])
    return Call.of(constraint.path, tuple(constraint.args), kw)


def _own_meta(cls: Definition) -> ast.ClassDef | None:
    for stmt in cls.node.body:  # type: ignore[union-attr]
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            return stmt
    return None


def asked_count(project: DjangoProject) -> int:
    """How many run-time conditions the project's world has answered (``runtime_conditions.World.asked``)."""
    world = project.evaluator.world
    return world.asked if world is not None else 0


def _has_app(project: DjangoProject, label: str) -> bool:
    return any(a.label == label for a in project.apps)


def read_models(project: DjangoProject, app_labels: Iterable[str] | None = None, *, cache: bool = True,
                scoped: bool = False) -> ProjectState:
    """The state of the models of ``app_labels`` (default: the apps inside the project folder); each app's
    models come from ``modelcache`` when none of the files they are read from changed. ``scoped``: an app
    mgen cannot read is refused alone (``ProjectState.refused``); else the first refusal is raised."""
    from .modelcache import ModelsCache

    labels = set(app_labels) if app_labels is not None else {a.label for a in project.project_apps}
    state = ProjectState(settings=project.settings, auto_fields=app_auto_fields(project))
    kept = ModelsCache(project) if cache else None
    for app in project.apps:
        if app.label not in labels:
            continue
        found = kept.get(app) if kept is not None else None
        if found is None:
            asked = asked_count(project)
            try:
                found = _read_app(project, app, labels)
            except MgenError as e:
                if not scoped:
                    raise
                state.refused[app.label] = e
                continue
            if kept is not None and asked_count(project) == asked:  # not read under an assumption
                kept.put(app, *found)
        models, notes = found
        state.models.update(models)
        state.notes.extend(notes)
    if kept is not None:
        kept.save()
    _drop_default_to_field(state)
    return state


def _read_app(project: DjangoProject, app: App,
              labels: set[str]) -> tuple[dict[tuple[str, str], ModelState], list[Note]]:
    """One app's models (Meta.app_label may move a model to another of ``labels``). Classes of other apps
    are named by their module's app when a relation points at them (``_external_label``), so the apps
    whose modules this app imports are discovered too, for their Meta.app_label."""
    reader = ModelClassReader(project)
    module = project.finder.module(f"{app.name}.models")
    imported = project_imports(project.finder, module, project.root).values() if module else ()
    related = {getattr(project.app_of_module(m.name), "label", None) for m in imported}
    reader.discover([app, *[a for a in project.apps if a.label in related and a is not app]])
    models = {}
    for model in list(reader.classes.values()):
        if model.definition.path.startswith(app.name + ".") and model.app_label in labels \
                and not reader.is_abstract(model.definition):
            with nested_in(str(model.definition.module.path), getattr(model.definition.node, "lineno", None)):
                state = reader.partial.read(model)
            if state is not None:
                models[(model.app_label, model.name.lower())] = state
    return models, list(reader.notes)


def unread_model_note(app_label: str, name: str, base: str) -> str:
    return (f"class {name} ({app_label}.{name.lower()}): its base {base} is in a library mgen does not find (not "
            "installed), so it is not read as a model")


def unread_model_hint(notes: Iterable[Note], label: str) -> str | None:
    """The note of a class that may be the model ``label`` (``app.model``), when one was made."""
    marker = f" ({label.lower()}): its base "
    return next((f"{n.file}:{n.line}: {n.message}" for n in notes if marker in n.message), None)


SETTINGS_AUTO = "__settings__"  # the key of settings.DEFAULT_AUTO_FIELD in app_auto_fields()


def app_auto_fields(project: DjangoProject) -> dict[str, str]:
    """Each app's default auto field as the Django class name (``BigAutoField``), where it can be found,
    and settings.DEFAULT_AUTO_FIELD's under ``SETTINGS_AUTO``."""
    reader = ModelClassReader(project)
    out = {}
    with contextlib.suppress(MgenError):
        out[SETTINGS_AUTO] = reader.auto_field_class(str(project.settings["DEFAULT_AUTO_FIELD"]), None)[1]
    for app in project.apps:
        try:
            out[app.label] = reader.auto_field_class(app.default_auto_field, None)[1]
        except MgenError:
            continue
    return out


def _drop_default_to_field(state: ProjectState) -> None:
    """``to_field`` naming the target's primary key is not deconstructed."""
    for key, model in list(state.models.items()):
        changed = False
        fields = dict(model.fields)
        for name, f in fields.items():
            to_field = f.get("to_field")
            if to_field is None:
                continue
            target = state.get(target_label(f))
            if target is not None and target.pk() is not None and target.pk().name == to_field:  # type: ignore[union-attr]
                fields[name] = replace(f, kwargs={k: v for k, v in f.kwargs.items() if k != "to_field"})
                changed = True
        if changed:
            state.models[key] = replace(model, fields=fields)


def target_label(field: FieldState) -> str:
    """The ``app_label.modelname`` a relation points at."""
    to = field.get("to")
    if isinstance(to, Setting):
        to = to.value
    return str(to).lower()


