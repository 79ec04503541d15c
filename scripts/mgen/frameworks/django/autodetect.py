"""The changes between two Django states as migration operations: a small ``MigrationAutodetector``.

``old`` is what the app's migrations build (``replay``), ``new`` what its models say (``models``); both are
in Django's deconstructed form, so "changed" means exactly what it means to ``makemigrations``: a field's
``deconstruct()`` differs, an index or constraint is not in the other list, an option ``AlterModelOptions``
owns differs. The operations come in the order Django's autodetector leaves them once its dependency sort
and optimizer have run, phase by phase (renames, created models, removed constraints/indexes, renamed
fields, removed/added/altered fields, unique_together, added indexes/constraints, table, comment,
options, deleted models last), which is also an order every database can apply.

Renames are never guessed (Django asks; mgen has no one to ask): ``app.Model.old=new`` and
``app.Old=New`` hints turn a remove+add into RenameField / RenameModel; without them the questions
makemigrations would ask (``rename_questions``) come back as suggestions with the hint to pass.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ...errors import MgenError
from .fields import field_call
from .models import target_label
from .partial_models import new_model_refusal
from .state import (
    ALTER_OPTION_KEYS,
    Call,
    FieldState,
    ModelState,
    ProjectState,
    Ref,
    Setting,
    opaque_defaults,
    same_field,
)

OPERATIONS = "django.db.migrations.operations."
# Meta options some operation other than AlterModelOptions owns (or that CreateModel alone sets)
_OWN_OPERATION = ("indexes", "constraints", "unique_together", "db_table", "db_table_comment")
# what a changed option outside those cannot become (Django would delete and re-create, or has no operation)
_UNSUPPORTED_OPTIONS = ("proxy", "order_with_respect_to")
# Meta options of sets of field names, each with its operation (index_together: Django before 5.1)
_TOGETHER = (("unique_together", "AlterUniqueTogether"), ("index_together", "AlterIndexTogether"))
# Meta options a CreateModel may leave to operations of their own after it (``created_models``)
_LATE = ("indexes", "constraints", "unique_together", "index_together")
DEFAULT_BASES = ("django.db.models.base.Model",)


@dataclass
class MigrationOperation:
    """One migration operation: ``kind`` is Django's class name, ``args`` its keyword arguments in the
    order Django writes them (fields as FieldState, the rest as state values); ``depends`` are the
    (app_label, model_name_lower) pairs it needs to exist first, for the migration's dependencies."""

    kind: str
    app_label: str
    args: dict[str, Any]
    depends: set[tuple[str, str]] = field(default_factory=set)
    swappable: bool = False  # depends on settings.AUTH_USER_MODEL's app

    @property
    def fragment(self) -> str:
        """Django's ``migration_name_fragment`` of the operation."""
        a = self.args
        model = str(a.get("model_name") or a.get("name") or "").lower()
        return {
            "CreateModel": lambda: model,
            "DeleteModel": lambda: f"delete_{model}",
            "RenameModel": lambda: f"rename_{a['old_name'].lower()}_{a['new_name'].lower()}",
            "AlterModelTable": lambda: f"alter_{model}_table",
            "AlterModelTableComment": lambda: f"alter_{model}_table_comment",
            "AlterUniqueTogether": lambda: f"alter_{model}_unique_together",
            "AlterIndexTogether": lambda: f"alter_{model}_index_together",
            "AlterModelOptions": lambda: f"alter_{model}_options",
            "AddIndex": lambda: f"{model}_{a['index'].kw['name'].lower()}",
            "RemoveIndex": lambda: f"remove_{model}_{a['name'].lower()}",
            "RenameIndex": lambda: f"rename_{a['old_name'].lower()}_{a['new_name'].lower()}" if a.get("old_name")
            else f"rename_{model}_{'_'.join(a['old_fields'])}_{a['new_name'].lower()}",
            "AddConstraint": lambda: f"{model}_{a['constraint'].kw['name'].lower()}",
            "RemoveConstraint": lambda: f"remove_{model}_{a['name'].lower()}",
            "AddField": lambda: f"{model}_{a['name'].lower()}",
            "RemoveField": lambda: f"remove_{model}_{a['name'].lower()}",
            "AlterField": lambda: f"alter_{model}_{a['name'].lower()}",
            "RenameField": lambda: f"rename_{model}_{a['old_name'].lower()}_{a['new_name'].lower()}",
        }[self.kind]()

    def call(self) -> Call:
        """The operation as the state value a migration file's operation reads as (for ``replay``)."""
        args = {}
        for key, value in self.args.items():
            if isinstance(value, FieldState):
                value = field_call(value)
            elif key == "fields":
                value = [(n, field_call(f)) for n, f in value]
            elif key == "bases":  # a model's label stays a string; a class is named by its path
                value = tuple(b if b.count(".") == 1 else Ref(b) for b in value)
            args[key] = value
        return Call.of(OPERATIONS + self.kind, (), args)

    def describe(self) -> str:
        a = self.args
        target = a.get("model_name") or a.get("name")
        detail = {
            "AddField": lambda: f"{target}.{a['name']}",
            "RemoveField": lambda: f"{target}.{a['name']}",
            "AlterField": lambda: f"{target}.{a['name']}",
            "RenameField": lambda: f"{target}.{a['old_name']} -> {a['new_name']}",
            "RenameModel": lambda: f"{a['old_name']} -> {a['new_name']}",
            "AddIndex": lambda: f"{target} {a['index'].kw['name']}",
            "RemoveIndex": lambda: f"{target} {a['name']}",
            "RenameIndex": lambda: f"{target} {a.get('old_name') or a['old_fields']} -> {a['new_name']}",
            "AddConstraint": lambda: f"{target} {a['constraint'].kw['name']}",
            "RemoveConstraint": lambda: f"{target} {a['name']}",
        }.get(self.kind, lambda: str(target))()
        return f"{self.app_label}: {self.kind} {detail}"


@dataclass
class QuestionerAnswers:
    """What makemigrations' questioner would ask, answered before the run: the ``--rename`` hints (models by
    (app, old lower) -> new name, fields by (app, model lower, old) -> new) and the ``--default`` values."""

    models: dict[tuple[str, str], str] = field(default_factory=dict)
    fields: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # ``--default app.Model.field=VALUE``: the one-off default makemigrations asks for (a NOT NULL field
    # added, or NULL made NOT NULL, without a default): written with preserve_default=False
    defaults: dict[tuple[str, str, str], Any] = field(default_factory=dict)

    def parse_defaults(self, hints: Sequence[str]) -> QuestionerAnswers:
        for hint in hints:
            left, sep, text = hint.partition("=")
            parts = left.split(".")
            if not sep or len(parts) != 3 or not all(parts):
                raise MgenError(f"--default {hint!r}: expected app.Model.field=VALUE")
            self.defaults[(parts[0], parts[1].lower(), parts[2])] = one_off_value(text.strip(), hint)
        return self

    @classmethod
    def parse(cls, hints: Sequence[str], labels: Sequence[str] = ()) -> QuestionerAnswers:
        """The hints; ``labels``: the project's app labels, so a label with dots (Django before 3.0 allowed
        ``tcms.core.contrib.auth``) is read as one (the longest that starts the hint)."""
        out = cls()
        for hint in hints:
            left, sep, new = hint.partition("=")
            parts = left.split(".")
            label = max((x for x in labels if "." in x and left.startswith(x + ".")), key=len, default=None)
            if label is not None:
                parts = [label, *left[len(label) + 1:].split(".")]
            if not sep or not new or "." in new or len(parts) not in (2, 3) or not all(parts):
                raise MgenError(f"--rename {hint!r}: expected app.Model.old_field=new_field or app.OldModel=NewModel")
            if len(parts) == 2:
                out.models[(parts[0], parts[1].lower())] = new
            else:
                out.fields[(parts[0], parts[1].lower(), parts[2])] = new
        return out


@dataclass
class DetectedChanges:
    """The operations per app label, with the suggestions and notes that go with them."""

    operations: dict[str, list[MigrationOperation]] = field(default_factory=dict)  # app label -> operations
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    renames: list[str] = field(default_factory=list)  # the ``--rename`` hints that answer the suggestions yes


def detect(old: ProjectState, new: ProjectState, apps: Sequence[str], renames: QuestionerAnswers | None = None,
           managers: Callable[[str], dict] | dict | None = None) -> DetectedChanges:
    """The operations that turn ``old`` into ``new`` for the models of ``apps`` (``managers``: what
    ``migration_managers`` finds, for the CreateModel operations - a dict, or a function of the app label
    asked only for apps that gain a model)."""
    from .legacy_semantics import legacy_state

    old, new = legacy_state(old), legacy_state(new)  # as the pinned Django's makemigrations sees them
    found = managers if managers is not None else {}
    answers = renames or QuestionerAnswers()
    return _Detector(old, new, answers, found if callable(found) else lambda _app: found).run(apps)


def one_off_value(text: str, hint: str) -> Any:
    """A one-off default as makemigrations' questioner takes it: a Python literal, or ``timezone.now``."""
    if text in ("timezone.now", "django.utils.timezone.now"):
        return Ref("django.utils.timezone.now")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise MgenError(f"--default {hint!r}: the value is a Python literal (a string in quotes: 'x') or "
                        "timezone.now") from None
    if isinstance(value, (set, frozenset, complex)):
        raise MgenError(f"--default {hint!r}: a set or a complex number is no column value")
    return value


def _related(f: FieldState) -> bool:
    return f.is_relation or "to" in f.kwargs


def _parent_or_key(f: FieldState) -> bool:
    return bool(f.get("primary_key") or f.get("parent_link"))


def _base_labels(model: ModelState) -> set[tuple[str, str]]:
    """The models a model's bases name (multi-table inheritance, a proxy's model): ``app.model`` labels."""
    return {tuple(b.split(".")) for b in model.bases if b.count(".") == 1}  # type: ignore[misc]


def _field_targets(f: FieldState) -> set[tuple[str, str]]:
    """The models a field needs to exist: its target and, for a ManyToManyField, the through model."""
    if not _related(f):
        return set()
    out = {tuple(target_label(f).split(".", 1))}
    through = f.get("through")
    if isinstance(through, str):
        app, _, name = through.partition(".")
        out.add((app, name.lower()))
    return out  # type: ignore[return-value]


class _Detector:
    def __init__(self, old: ProjectState, new: ProjectState, renames: QuestionerAnswers,
                 managers: Callable[[str], dict]):
        self.managers = managers
        self.old = ProjectState(dict(old.models), settings=old.settings)
        self.migrated = old  # the state before the --rename hints are applied to ``self.old``
        self.new = new
        self.renames = renames
        self.changes = DetectedChanges()
        self.user_model = str(new.settings.get("AUTH_USER_MODEL", "auth.User")).lower()

    # -- helpers -----------------------------------------------------------------------------
    def op(self, kind: str, app: str, fields_for_deps: Sequence[FieldState] = (), **args: Any) -> MigrationOperation:
        from .legacy_semantics import legacy_operation

        op = MigrationOperation(kind, app, legacy_operation(self.new, kind, args))  # as the pinned Django writes it
        for f in fields_for_deps:
            for dep in _field_targets(f):
                op.depends.add(dep)
            if isinstance(f.get("to"), Setting):
                op.swappable = True
        self.changes.operations.setdefault(app, []).append(op)
        return op

    def check_field(self, model: ModelState, f: FieldState) -> None:
        """A field the migration writes must be printable: nothing only running code could know."""
        from .values import first_opaque

        opaque = first_opaque(f.kwargs)
        if opaque is not None:
            raise MgenError(f"{model.label_lower}.{f.name}: {opaque.source} cannot be written into a migration "
                            "without running the code; write this change by hand", opaque.file or f.file,
                            opaque.line or f.line)

    # -- renames (applied to the old state as Django's state_forwards would) -------------------
    def apply_renames(self, apps: Sequence[str]) -> None:
        from .replay import MigrationReplayer

        replay = MigrationReplayer.__new__(MigrationReplayer)
        replay.state = self.old
        fake = _FakeMigration()
        for (app, old_lower), new_name in sorted(self.renames.models.items()):
            if app not in apps:
                raise MgenError(f"--rename {app}.{old_lower}={new_name}: {app} is not an app of the project "
                                "with migrations")
            model = self.old.models.get((app, old_lower))
            if model is None:
                raise MgenError(f"--rename: the migrations have no model {app}.{old_lower}")
            if (app, new_name.lower()) not in self.new.models:
                raise MgenError(f"--rename: the models have no model {app}.{new_name}")
            fake.app_label = app
            replay.op_RenameModel({"old_name": model.name, "new_name": new_name}, fake, 0)  # type: ignore[arg-type]
            self.op("RenameModel", app, old_name=model.name, new_name=new_name)
        for (app, model_lower, old_field), new_field in sorted(self.renames.fields.items()):
            model_lower = self.renamed_model(app, model_lower)
            model = self.old.models.get((app, model_lower))
            if model is None or old_field not in model.fields:
                raise MgenError(f"--rename: the migrations have no field {app}.{model_lower}.{old_field}")
            target = self.new.models.get((app, model_lower))
            if target is None or new_field not in target.fields:
                raise MgenError(f"--rename: the models have no field {app}.{model_lower}.{new_field}")
            now = target.fields[new_field]
            if model.fields[old_field].get("db_column") != now.get("db_column") and not _before_4_1(self.old):
                # Django 4.1+ (ticket 33197): the new definition first, under the old name, so the rename that
                # follows keeps the column; nothing is left for AlterField after it
                self.op("AlterField", app, [now], model_name=model.name_lower, name=old_field,
                        field=replace(now, name=old_field))
                model = replace(model, fields={n: replace(now, name=n) if n == old_field else f
                                               for n, f in model.fields.items()})
                self.old.models[(app, model_lower)] = model
            fake.app_label = app
            replay.op_RenameField({"model_name": model.name, "old_name": old_field, "new_name": new_field},
                                  fake, 0)  # type: ignore[arg-type]
            self.op("RenameField", app, model_name=model.name_lower, old_name=old_field, new_name=new_field)

    def ask_renames(self, apps: Sequence[str]) -> None:
        """The renames makemigrations would ask about (``rename_questions``, on the state before the hints) that
        no hint answers yet, as suggestions with their hints."""
        from .legacy_semantics import pinned
        from .rename_questions import rename_questions

        answered = {*self.renames.models, *self.renames.fields}
        for question in rename_questions(self.migrated, self.new, apps, pinned(self.old)):
            if question.key in answered:
                continue
            self.changes.suggestions.append(question.text)
            self.changes.renames.append(question.hint)

    def renamed_model(self, app: str, model_lower: str) -> str:
        new = self.renames.models.get((app, model_lower))
        return new.lower() if new else model_lower

    # -- the run -----------------------------------------------------------------------------
    def run(self, apps: Sequence[str]) -> DetectedChanges:
        wanted = set(apps)
        self.apply_renames(apps)
        renames_ops, self.changes.operations = self.changes.operations, {}
        old_keys = {k for k in self.old.models if k[0] in wanted}
        new_keys = {k for k in self.new.models if k[0] in wanted}
        added = sorted(new_keys - old_keys)
        deleted = sorted(old_keys - new_keys)
        kept = sorted(old_keys & new_keys)
        self.ask_renames(apps)
        deferred = self.created_models(added)
        for key in kept:
            self.check_options(self.old.models[key], self.new.models[key])
        field_renames: dict[str, list[MigrationOperation]] = {}
        # field renames sit after created models and removed constraints/indexes (Django's phases)
        for app, ops in renames_ops.items():
            for op in ops:
                if op.kind in ("RenameField", "AlterField"):  # an AlterField keeping a renamed field's column
                    field_renames.setdefault(app, []).append(op)
        for key in kept:
            self.removed_constraints_and_indexes(self.old.models[key], self.new.models[key])
        for key in kept:
            for op in field_renames.get(key[0], []):
                if op.args["model_name"] == key[1]:
                    self.changes.operations.setdefault(key[0], []).append(op)
            self.renamed_indexes(self.old.models[key], self.new.models[key])
            self.removed_unique_together(self.old.models[key], self.new.models[key])
        for key in kept:
            self.removed_fields(self.old.models[key], self.new.models[key])
        for key in kept:
            self.added_fields(self.old.models[key], self.new.models[key])
        for f, model in deferred:
            self.op("AddField", model.app_label, [f], model_name=model.name_lower, name=f.name, field=f)
        for key in kept:
            self.altered_fields(self.old.models[key], self.new.models[key])
        for key in kept:
            self.altered_unique_together(self.old.models[key], self.new.models[key])
        for key in kept + [k for k in added if k in self.late_meta]:
            # a new model's: what its CreateModel left out (``late_meta``) is added now
            old = self.old.models.get(key) or replace(self.new.models[key], options={
                k: v for k, v in self.new.models[key].options.items() if k not in self.late_meta[key]})
            self.added_indexes(old, self.new.models[key])
            self.added_constraints(old, self.new.models[key])
            if key in self.late_meta:
                self.altered_unique_together(old, self.new.models[key])
        for key in kept:
            self.altered_table(self.old.models[key], self.new.models[key])
        self.deleted_models(deleted)
        # model renames first of all
        for app, ops in renames_ops.items():
            models_first = [op for op in ops if op.kind == "RenameModel"]
            self.changes.operations[app] = models_first + self.changes.operations.get(app, [])
        self.changes.operations = {a: ops for a, ops in self.changes.operations.items() if ops}
        return self.changes

    # -- models ------------------------------------------------------------------------------
    def created_models(self, added: list[tuple[str, str]]) -> list[tuple[FieldState, ModelState]]:
        """CreateModel for each new model, a model after the new models of its app it points to; in a
        cycle the pointing fields wait for an AddField once every model exists (M2M fields first, they
        have no column). Relations go last in the field list, as Django's optimizer leaves them."""
        from .legacy_semantics import created_model_deferred, pinned

        # each new model's Meta options its CreateModel leaves to operations after the fields: all of them
        # when a relation waits for an AddField, else those the pinned Django's optimizer did not fold in
        self.late_meta: dict[tuple[str, str], frozenset[str]] = {}
        self.deferred_meta = created_model_deferred(pinned(self.new))
        pending = list(added)
        created: set[tuple[str, str]] = set()
        deferred: list[tuple[FieldState, ModelState]] = []
        new_set = set(added)

        def waits_on(key: tuple[str, str], f: FieldState) -> set[tuple[str, str]]:
            return {t for t in _field_targets(f) if t in new_set and t != key and t not in created}

        def base_waits(key: tuple[str, str]) -> bool:  # a new parent model (a proxy too) is created first
            return any(t in new_set and t not in created for t in _base_labels(self.new.models[key]))

        while pending:
            ready = next((k for k in pending if not base_waits(k)
                          and not any(waits_on(k, f) for f in self.new.models[k].fields.values())), None)
            skip: set[str] = set()
            if ready is None:  # a cycle: a model whose parents exist gives up the relations that wait
                ready = next((k for k in pending if not base_waits(k)), pending[0])
                model = self.new.models[ready]
                m2m = [f for f in model.fields.values() if f.django_class == "ManyToManyField" and waits_on(ready, f)]
                candidates = [k for k in pending if not base_waits(k) and any(
                    f.django_class == "ManyToManyField" and waits_on(k, f) for f in self.new.models[k].fields.values())]
                if candidates and not m2m:
                    ready = candidates[0]
                    model = self.new.models[ready]
                skip = {f.name for f in model.fields.values() if waits_on(ready, f) and not _parent_or_key(f)}
                only_m2m = {f.name for f in model.fields.values() if f.django_class == "ManyToManyField"} & skip
                if only_m2m:
                    skip = only_m2m
            pending.remove(ready)
            model = self.new.models[ready]
            self.create_model(model, skip)
            created.add(ready)
            deferred.extend((model.fields[n], model) for n in model.fields if n in skip)
            if skip:
                self.late_meta[ready] = frozenset(_LATE)
            elif self.deferred_meta & set(model.options) and model.options.get("proxy") is not True:
                self.late_meta[ready] = self.deferred_meta
        return deferred

    def create_model(self, model: ModelState, skip: set[str]) -> None:
        if model.unread is not None:  # a partial model (``partial_models``): what its base adds is unknown
            raise new_model_refusal(model)
        for f in model.fields.values():
            self.check_field(model, f)
        # a relation that is the primary key or a parent link keeps its place (Django's related_fields)
        plain = [(n, f) for n, f in model.fields.items() if not _related(f) or _parent_or_key(f)]
        # the relations follow by name (Django adds them as AddFields of sorted names, folded in by the optimizer)
        related = sorted(((n, f) for n, f in model.fields.items() if _related(f) and not _parent_or_key(f)
                          and n not in skip), key=lambda pair: pair[0])
        late = _LATE
        keep_meta = () if skip else tuple(o for o in late if model.options.get("proxy") is True
                                          or o not in self.deferred_meta)
        # every option the model state has (``abstract``, ``swappable`` too: Django writes them all)
        options = {k: v for k, v in sorted(model.options.items()) if k not in late or k in keep_meta}
        for option, _ in _TOGETHER:  # a set of tuples, as ModelState.from_model holds it
            if option in options:
                options[option] = _together(set(options[option]))
        if model.options.get("proxy") is True:  # a proxy's CreateModel keeps the state's lists, empty or not
            options = {**options, "indexes": list(model.indexes), "constraints": list(model.constraints)}
        args: dict[str, Any] = {"name": model.name, "fields": plain + related}
        if options:
            args["options"] = options
        if model.bases != DEFAULT_BASES:
            args["bases"] = tuple(model.bases)
        managers = self.managers(model.app_label).get((model.app_label, model.name_lower))
        if managers:
            args["managers"] = managers
        op = self.op("CreateModel", model.app_label, [f for _, f in related]
                     + [f for _, f in plain if _related(f)], **args)
        op.depends.update(_base_labels(model))

    def deleted_models(self, deleted: list[tuple[str, str]]) -> None:
        """DeleteModel, a model before the deleted models it points to (its keys go with it; before Django 2.2
        after the removal of its relations: ``legacy_deletes``)."""
        from .legacy_deletes import before_delete
        from .legacy_semantics import pinned

        version = pinned(self.old)
        for key in sorted(deleted):  # a Django before 2.2's, all before the first DeleteModel, as it sorts them
            for kind, args in before_delete(self.old.models[key], version, _related):
                self.op(kind, key[0], **args)
        pending = list(deleted)
        while pending:
            # a model no other pending model points at goes first
            pointed = {t for k in pending for f in self.old.models[k].fields.values() for t in _field_targets(f)
                       if t != k}
            ready = next((k for k in pending if k not in pointed), pending[0])
            pending.remove(ready)
            model = self.old.models[ready]
            self.op("DeleteModel", model.app_label, name=model.name)

    def check_options(self, old: ModelState, new: ModelState) -> None:
        for option in _UNSUPPORTED_OPTIONS:
            if old.options.get(option) != new.options.get(option):
                raise MgenError(f"{new.label_lower}: changing Meta.{option} is not supported by mgen's Django "
                                "writer; use makemigrations for this change", new.file, new.line)
        if old.bases != new.bases:  # makemigrations does not compare bases: the migrations keep the old ones
            self.changes.notes.append(
                f"{new.label_lower}: the model's bases changed ({', '.join(old.bases)} -> {', '.join(new.bases)}); "
                "Django has no operation for it and makemigrations leaves the migrations' bases as they are")

    # -- fields ------------------------------------------------------------------------------
    def removed_fields(self, old: ModelState, new: ModelState) -> None:
        for name, f in old.fields.items():
            if name not in new.fields or self.m2m_flip(f, new.fields[name]):
                self.op("RemoveField", old.app_label, model_name=old.name_lower, name=name)

    @staticmethod
    def m2m_flip(a: FieldState, b: FieldState) -> bool:
        return (a.django_class == "ManyToManyField") != (b.django_class == "ManyToManyField")

    def added_fields(self, old: ModelState, new: ModelState) -> None:
        for name, f in new.fields.items():
            if name in old.fields and not self.m2m_flip(old.fields[name], f):
                continue
            self.check_field(new, f)
            extra: dict[str, Any] = {}
            if (not f.get("null") and "default" not in f.kwargs and "db_default" not in f.kwargs
                    and f.django_class != "ManyToManyField" and not f.get("auto_now") and not f.get("auto_now_add")):
                f, extra = self.one_off(new, name, f, "is added NOT NULL without a default: the migration fails on "
                                        "a table with rows")
            self.op("AddField", new.app_label, [f], model_name=new.name_lower, name=name, field=f, **extra)

    def altered_fields(self, old: ModelState, new: ModelState) -> None:
        for name, f in new.fields.items():
            g = old.fields.get(name)
            if g is None or self.m2m_flip(g, f) or (g.path == f.path and g.kwargs == f.kwargs):
                continue
            if same_field(g, f):
                if not opaque_defaults(g, f):  # the same field (an opaque relation's ``to`` in another case)
                    continue
                self.changes.notes.append(
                    f"{new.label_lower}.{name}: {f.path} cannot be read, so the arguments the migrations hold "
                    f"beyond the model's ({', '.join(opaque_defaults(g, f))}) are taken as its defaults")
                continue
            self.check_field(new, f)
            extra: dict[str, Any] = {}
            if g.get("null") and not f.get("null") and "default" not in f.kwargs and "db_default" not in f.kwargs:
                f, extra = self.one_off(new, name, f, "becomes NOT NULL without a default: the migration fails "
                                        "while rows hold NULL")
            self.op("AlterField", new.app_label, [f], model_name=new.name_lower, name=name, field=f, **extra)

    def one_off(self, model: ModelState, name: str, f: FieldState, problem: str) -> tuple[FieldState, dict]:
        """The field as the migration writes it: with the ``--default`` given for it (``preserve_default``
        False: the state keeps no default), or as it is, with a note saying what to give."""
        key = (model.app_label, model.name_lower, name)
        if key in self.renames.defaults:
            return replace(f, kwargs={**f.kwargs, "default": self.renames.defaults[key]}), {"preserve_default": False}
        self.changes.notes.append(
            f"{model.label_lower}.{name} {problem} (Django would ask for a one-off default: give "
            f"--default {model.app_label}.{model.name}.{name}=VALUE)")
        return f, {}

    # -- Meta --------------------------------------------------------------------------------
    def removed_constraints_and_indexes(self, old: ModelState, new: ModelState) -> None:
        for c in old.constraints:
            if c not in new.constraints:
                self.op("RemoveConstraint", old.app_label, model_name=old.name_lower, name=c.kw["name"])
        renamed = {o for o, _ in self.index_renames(old, new)}
        for i in old.indexes:
            if i not in new.indexes and i.kw["name"] not in renamed:
                self.op("RemoveIndex", old.app_label, model_name=old.name_lower, name=i.kw["name"])

    @staticmethod
    def index_renames(old: ModelState, new: ModelState) -> list[tuple[str, str]]:
        """Django's renamed indexes: removed and added ones equal but for the name."""
        removed = [i for i in old.indexes if i not in new.indexes]
        out = []
        used: set[str] = set()
        for n in (i for i in new.indexes if i not in old.indexes):
            bare = (n.path, n.args, tuple(kv for kv in n.kwargs if kv[0] != "name"))
            for o in removed:
                if o.kw["name"] not in used and (o.path, o.args, tuple(kv for kv in o.kwargs if kv[0] != "name")) == bare:
                    out.append((o.kw["name"], n.kw["name"]))
                    used.add(o.kw["name"])
                    break
        return out

    def together_renames(self, old: ModelState, new: ModelState) -> list[tuple[tuple[str, ...], str]]:
        """Django 4.1+: an ``index_together`` entry that goes while one added ``Index`` with only ``fields``
        (the same, in order) and ``name`` comes is that index renamed (``create_altered_indexes``: "Find
        index_together changed to indexes"): (the entry's fields, the index's name)."""
        if _before_4_1(self.old):
            return []
        added = [i for i in new.indexes if i not in old.indexes]
        out = []
        for fields in sorted(set(map(tuple, old.options.get("index_together", ())))
                             - set(map(tuple, new.options.get("index_together", ())))):
            same = [i for i in added if not i.args and set(i.kw) == {"name", "fields"}
                    and list(i.kw["fields"]) == list(fields)]
            if len(same) == 1:
                out.append((fields, same[0].kw["name"]))
        return out

    def renamed_indexes(self, old: ModelState, new: ModelState) -> None:
        for o, n in self.index_renames(old, new):
            self.op("RenameIndex", old.app_label, model_name=old.name_lower, new_name=n, old_name=o)
        for fields, n in self.together_renames(old, new):
            self.op("RenameIndex", old.app_label, model_name=old.name_lower, new_name=n, old_fields=fields)

    def added_indexes(self, old: ModelState, new: ModelState) -> None:
        renamed = {n for _, n in self.index_renames(old, new)} | {n for _, n in self.together_renames(old, new)}
        for i in new.indexes:
            if i not in old.indexes and i.kw["name"] not in renamed:
                self.op("AddIndex", new.app_label, model_name=new.name_lower, index=i)

    def added_constraints(self, old: ModelState, new: ModelState) -> None:
        for c in new.constraints:
            if c not in old.constraints:
                self.op("AddConstraint", new.app_label, model_name=new.name_lower, constraint=c)

    def removed_unique_together(self, old: ModelState, new: ModelState) -> None:
        """Django 4.1+: first drop the sets that go (keep the intersection), add the new ones after the fields;
        ``index_together`` the same way, after ``unique_together``. Before 4.1 only the second step was."""
        if _before_4_1(self.old):
            return
        renamed = {fields for fields, _ in self.together_renames(old, new)}  # gone as a RenameIndex
        for option, kind in _TOGETHER:
            before, after = set(old.options.get(option, ())), set(new.options.get(option, ()))
            if option == "index_together":
                before = {t for t in before if tuple(t) not in renamed}
            kept = before & after
            if kept != before:
                self.op(kind, old.app_label, name=old.name_lower, **{option: _together(kept)})

    def altered_unique_together(self, old: ModelState, new: ModelState) -> None:
        """The new sets (before 4.1: whenever they differ). The optimizer folds the first step's operation into
        this one when no other operation of the model is between them (``AlterTogetherOptionOperation``:
        ``reduce`` keeps the later of two, ``can_reduce_through`` the other option's)."""
        for option, kind in _TOGETHER:
            before, after = set(old.options.get(option, ())), set(new.options.get(option, ()))
            if after == (before if _before_4_1(self.old) else before & after):
                continue
            ops = self.changes.operations.get(new.app_label, [])
            first = next((i for i in range(len(ops) - 1, -1, -1)
                          if ops[i].kind == kind and ops[i].args.get("name") == new.name_lower), None)
            if first is not None and all(op.kind in _TOGETHER_KINDS or not _of_model(op, new.name_lower)
                                         for op in ops[first + 1:]):
                ops.pop(first)
            self.op(kind, new.app_label, name=new.name_lower, **{option: _together(after)})

    def altered_table(self, old: ModelState, new: ModelState) -> None:
        if old.options.get("db_table") != new.options.get("db_table"):
            self.op("AlterModelTable", new.app_label, name=new.name_lower, table=new.options.get("db_table"))
        if old.options.get("db_table_comment") != new.options.get("db_table_comment"):
            self.op("AlterModelTableComment", new.app_label, name=new.name_lower,
                    table_comment=new.options.get("db_table_comment"))
        a = {k: v for k, v in old.options.items() if k in ALTER_OPTION_KEYS}
        b = {k: v for k, v in new.options.items() if k in ALTER_OPTION_KEYS}
        if a != b:
            self.op("AlterModelOptions", new.app_label, name=new.name_lower, options=dict(sorted(b.items())))


_TOGETHER_KINDS = frozenset(kind for _, kind in _TOGETHER)


def _before_4_1(state: ProjectState) -> bool:
    from .legacy_semantics import pinned

    version = pinned(state)
    return version is not None and tuple(version)[:2] < (4, 1)


def _of_model(op: MigrationOperation, model_lower: str) -> bool:
    return str(op.args.get("model_name") or op.args.get("name") or "").lower() == model_lower


def _together(value: set) -> set:
    return {tuple(t) for t in value}


@dataclass
class _FakeMigration:
    """What ``MigrationReplayer``'s rename handlers need of a migration file while renames are applied to the
    old state."""

    app_label: str = ""
    path: Any = None
