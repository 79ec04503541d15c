"""The operations of several apps chopped into migrations as Django's autodetector chops them
(``MigrationAutodetector._build_migration_list``), for when two apps depend on each other's operations.

Two apps that each gain a relation to the other's new model cannot each have one migration: one depends
on the other. Django walks each app's operations (apps in sorted order) until one depends on an operation
another app still holds; when no app can go on, it cuts the first app's operations there ("chop mode"), a
dependency on an app with nothing pending being on that app's leaf. A ``CreateModel`` is taken apart first
as Django generates it: the model without its relations, then one ``AddField`` per relation; what ends up
in one migration is folded back (Django's optimizer), so a model whose relations were cut off is created
without them and gains them in the app's next migration. A ``DeleteModel`` waits for the other apps' changes
(``RemoveField``/``AlterField``) to the fields that point at it.

``chop`` answers the migrations in the order they were made, each with its operations and its dependencies:
``(app, index)`` of another migration made here, an app's leaf ``(app, name)``, or ``"AUTH_USER_MODEL"``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ...errors import MgenError
from .autodetect import DetectedChanges, MigrationOperation, _field_targets
from .state import FieldState, ProjectState, Setting

# (app, model, field or None, kind): kind "create" (a model), "remove" or "alter" (a field)
Dep = tuple[str, str, Any, str]
_CREATE, _REMOVE, _ALTER = "create", "remove", "alter"
_LATE_OPTIONS = ("indexes", "constraints", "unique_together")


@dataclass
class _Unit:
    """One operation as Django generates it: ``op``, or the relation ``name`` of the CreateModel ``op``
    (``name`` None and ``op`` a CreateModel: the model without its relations)."""

    op: MigrationOperation
    name: str | None = None
    deps: list[tuple[Dep, bool]] = field(default_factory=list)  # (dependency, on the swappable user model)
    deleted: MigrationOperation | None = None  # the DeleteModel a RemoveField of its model's relation goes with


@dataclass
class Chunk:
    """One migration to write: an app's operations and what it depends on."""

    app: str
    operations: list[MigrationOperation]
    dependencies: set[Any]  # (app, index) of a chunk made here | (app, migration) of the graph | setting name
    units: list[_Unit] = field(default_factory=list, repr=False)


def needs_chop(changes: DetectedChanges) -> bool:
    """Whether two apps each depend on the other's operations (one migration per app cannot do)."""
    depends = {app: {d[0] for op in ops for d in op.depends} - {app} for app, ops in changes.operations.items()}
    return any(app in depends.get(other, ()) for app, others in depends.items() for other in others)


def chop(changes: DetectedChanges, old: ProjectState, leaf: Any, user_model: str) -> list[Chunk]:
    """``changes`` as Django's migrations (``leaf(app)``: the graph's leaf of an app, or None)."""
    user = tuple(user_model.lower().split(".", 1))
    pending = {app: _removed_relations(ops, old) + [u for op in ops for u in _units(op, old, user)]
               for app, ops in changes.operations.items()}
    made: dict[str, list[Chunk]] = {}
    order: list[Chunk] = []
    chop_mode = False
    count = sum(map(len, pending.values()))
    while count:
        for app in sorted(pending):
            chopped: list[_Unit] = []
            dependencies: set[Any] = set()
            while pending[app]:
                unit = pending[app][0]
                found = _satisfied(unit, app, pending, made, leaf, chop_mode)
                if found is None:
                    break
                chopped.append(pending[app].pop(0))
                dependencies |= found
            if not (chopped or dependencies):
                continue
            if not pending[app] or chop_mode:
                chunk = Chunk(app, [], dependencies, chopped)
                made.setdefault(app, []).append(chunk)
                order.append(chunk)
                chop_mode = False
            else:
                pending[app] = chopped + pending[app]
        left = sum(map(len, pending.values()))
        if left == count:
            if chop_mode:
                raise MgenError("the new migrations' operations depend on each other in a circle mgen cannot "
                                "split (Django's makemigrations cannot either)")
            chop_mode = True
        count = left
    for chunk in order:
        chunk.operations = _folded(chunk.units)
    return order


def _satisfied(unit: _Unit, app: str, pending: dict[str, list[_Unit]], made: dict[str, list[Chunk]], leaf: Any,
               chop_mode: bool) -> set[Any] | None:
    """What ``unit`` depends on outside its app, or None while it must wait."""
    out: set[Any] = set()
    for dep, swappable in unit.deps:
        if dep[0] == app:
            continue
        if any(_provides(other, dep) for other in pending.get(dep[0], ())):
            return None
        if swappable:
            out.add("AUTH_USER_MODEL")
        elif dep[0] in made:
            out.add((dep[0], len(made[dep[0]]) - 1))
        elif chop_mode:
            found = leaf(dep[0])
            out.add(found if found else (dep[0], "__first__"))
        else:
            return None
    return out


def _provides(unit: _Unit, dep: Dep) -> bool:
    """Django's ``check_dependency`` for the dependencies mgen's operations have."""
    op, (app, model, name, kind) = unit.op, dep
    if op.app_label != app:
        return False
    if kind == _CREATE:
        return op.kind == "CreateModel" and unit.name is None and str(op.args["name"]).lower() == model
    wanted = {_REMOVE: "RemoveField", _ALTER: "AlterField"}[kind]
    return op.kind == wanted and op.args["model_name"] == model and op.args["name"] == name


def _removed_relations(ops: Sequence[MigrationOperation], old: ProjectState) -> list[_Unit]:
    """The relations of each deleted model, removed first as Django generates them (``RemoveField``s an
    app's operations start with; folded into the ``DeleteModel`` again when they end up beside it)."""
    out = []
    for op in ops:
        if op.kind == "DeleteModel":
            model = old.models[(op.app_label, str(op.args["name"]).lower())]
            for name in sorted(n for n, f in model.fields.items() if _field_targets(f)):
                out.append(_Unit(MigrationOperation("RemoveField", op.app_label, {
                    "model_name": model.name_lower, "name": name}), None, [], op))
    return out


def _units(op: MigrationOperation, old: ProjectState, user: tuple[str, ...]) -> list[_Unit]:
    if op.kind == "CreateModel":
        core = _Unit(op, None, [((*b.lower().split("."), None, _CREATE), False)  # type: ignore[misc]
                                for b in op.args.get("bases", ()) if b.count(".") == 1])
        fields = [_Unit(op, n, _targets(f, user)) for n, f in op.args["fields"] if _targets(f, user)]
        return [core, *fields]
    if op.kind == "DeleteModel":
        target = (op.app_label, str(op.args["name"]).lower())
        deps: list[tuple[Dep, bool]] = []
        for key, model in old.models.items():
            for name, f in model.fields.items():
                if key != target and target in _field_targets(f):
                    deps.append(((key[0], key[1], name, _REMOVE), False))
                    if f.django_class != "ManyToManyField":
                        deps.append(((key[0], key[1], name, _ALTER), False))
        return [_Unit(op, None, deps)]
    deps = [((a, m, None, _CREATE), op.swappable and (a, m) == user) for a, m in sorted(op.depends)]
    return [_Unit(op, None, deps)]


def _targets(f: FieldState, user: tuple[str, ...]) -> list[tuple[Dep, bool]]:
    swappable = isinstance(f.get("to"), Setting)
    return [((a, m, None, _CREATE), swappable and (a, m) == user) for a, m in sorted(_field_targets(f))]


def _folded(units: Sequence[_Unit]) -> list[MigrationOperation]:
    """A chunk's units as operations: a model's relations cut off from it become ``AddField``s, those in
    the same chunk stay in its ``CreateModel`` (Django's optimizer folds them back)."""
    cores = {id(u.op) for u in units if u.op.kind == "CreateModel" and u.name is None}
    here = {(id(u.op), u.name) for u in units if u.name is not None}
    deleted = {id(u.op) for u in units if u.op.kind == "DeleteModel"}
    out: list[MigrationOperation] = []
    for unit in units:
        op = unit.op
        if unit.deleted is not None:
            if id(unit.deleted) not in deleted:
                out.append(op)  # the model goes in a later migration: its relations go here
        elif op.kind != "CreateModel":
            out.append(op)
        elif unit.name is None:
            kept = [(n, f) for n, f in op.args["fields"] if not _targets(f, ()) or (id(op), n) in here]
            if len(kept) == len(op.args["fields"]):
                out.append(op)
                continue
            if any(k in op.args.get("options", {}) for k in _LATE_OPTIONS):
                raise MgenError(f"{op.app_label}.{op.args['name']}: the model's relations go into a later migration "
                                "than the model (two apps point at each other's new models) and its Meta has "
                                "indexes, constraints or unique_together: write this change with makemigrations")
            deps = {t for _, f in kept for t in _field_targets(f)}
            out.append(replace(op, args={**op.args, "fields": kept}, depends=deps,
                               swappable=any(isinstance(f.get("to"), Setting) for _, f in kept)))
        elif id(op) not in cores:
            f = dict(op.args["fields"])[unit.name]
            out.append(MigrationOperation("AddField", op.app_label, {
                "model_name": str(op.args["name"]).lower(), "name": unit.name, "field": f},
                set(_field_targets(f)), isinstance(f.get("to"), Setting)))
    return out
