"""The state a project's migration files build, replayed statically (Django's ``ProjectState`` after
``migrate``, without a database).

Every installed app's ``migrations`` package is read (the project's and the libraries' alike, so a
``ForeignKey`` to ``auth.User`` finds its table), each ``NNNN_name.py`` parsed for its ``Migration`` class:
``dependencies`` (``swappable_dependency(settings.AUTH_USER_MODEL)`` included), ``run_before``,
``replaces`` and ``operations``. The graph is Django's: ``__first__``/``__latest__`` resolved, squashed
migrations used in place of the ones they replace (Django uses a squash when all or none of its replaced
migrations are applied; read statically nothing is applied, so the squash is used - and since a squash
reproduces what it replaces, the state is the same either way), and two leaf migrations in one app are
the conflict ``makemigrations --merge`` resolves. Operations apply in ``migrate``'s order (a depth-first
plan to each leaf, parents sorted). RunPython and RunSQL are opaque: each leaves a note with its file and
line (RunSQL's ``state_operations`` do apply), as do the database operations of a SeparateDatabaseAndState.

Real projects' files: ``operations`` built by expressions and settings (``operations_list``); operation
classes of the project or a library, classified through their source (``operation_classes``); pre-2.0
foreign keys without ``on_delete`` (CASCADE). A value the database depends on that cannot be evaluated
(``db_column=COLUMN`` set in a module-level ``if``) is kept and refused only if no later migration sets it
again (``unknown_columns``). ``models_state`` builds the desired state: the models, the history models
django-simple-history makes (``simple_history``), unreadable non-database attributes kept as the migrations
have them (``unreadable``).
"""
from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...errors import MgenError, nested_in
from ..graphs import find_cycle
from ..pyast import Note
from . import opaque_keys
from .callable_storage import keep_callable_storage
from .conditions import settings_assigned
from .consumed import consumed_by_path
from .field_classes import array_arguments
from .fields import deconstructed
from .history import FileRecord, History
from .index_names import fill as fill_index_names
from .models import (
    DB_ARGUMENTS,
    ModelClassReader,
    app_auto_fields,
    asked_count,
    normalize_constraint,
    normalize_index,
    normalize_options,
    read_models,
    related_references,
)
from .operation_classes import classify as classify_operation
from .operations_list import operation_nodes
from .partial_models import complete as complete_partial_models
from .project import App, DjangoProject
from .python2 import native_strings, runs_python2
from .scoped import raise_refused
from .simple_history import add_history_models
from .source import Module
from .state import (
    ALTER_OPTION_KEYS,
    LEGACY_ON_DELETE,
    Call,
    FieldState,
    ModelState,
    ProjectState,
    Setting,
    normalize_together,
    with_legacy_on_delete,
)
from .stream_fields import align_stream_fields
from .unfound_apps import relabel as relabel_unfound
from .unreadable import keep_unreadable
from .values import Scope, first_opaque

OPERATIONS = "django.db.migrations.operations."
# each operation's parameters, in order (Django 5.2)
_PARAMETERS: dict[str, tuple[str, ...]] = {
    "CreateModel": ("name", "fields", "options", "bases", "managers"),
    "DeleteModel": ("name",),
    "RenameModel": ("old_name", "new_name"),
    "AlterModelTable": ("name", "table"),
    "AlterModelTableComment": ("name", "table_comment"),
    "AlterUniqueTogether": ("name", "unique_together"),
    "AlterIndexTogether": ("name", "index_together"),
    "AlterOrderWithRespectTo": ("name", "order_with_respect_to"),
    "AlterModelOptions": ("name", "options"),
    "AlterModelManagers": ("name", "managers"),
    "AddIndex": ("model_name", "index"),
    "RemoveIndex": ("model_name", "name"),
    "RenameIndex": ("model_name", "new_name", "old_name", "old_fields"),
    "AddConstraint": ("model_name", "constraint"),
    "RemoveConstraint": ("model_name", "name"),
    "AlterConstraint": ("model_name", "name", "constraint"),
    "AddField": ("model_name", "name", "field", "preserve_default"),
    "RemoveField": ("model_name", "name"),
    "AlterField": ("model_name", "name", "field", "preserve_default"),
    "RenameField": ("model_name", "old_name", "new_name"),
    "RunSQL": ("sql", "reverse_sql", "state_operations", "hints", "elidable"),
    "RunPython": ("code", "reverse_code", "atomic", "hints", "elidable"),
    "SeparateDatabaseAndState": ("database_operations", "state_operations"),
}


@dataclass
class MigrationFile:
    """One migration file: its key, dependency lists and operations."""

    app_label: str
    name: str
    path: Path
    line: int  # of ``class Migration``
    dependencies: list[tuple[str, str]] = field(default_factory=list)
    run_before: list[tuple[str, str]] = field(default_factory=list)
    replaces: list[tuple[str, str]] = field(default_factory=list)
    # (line, value) in file order, or a function giving them (a cached file is decoded only when replayed)
    source: Any = None

    @property
    def operations(self) -> list[tuple[int, Any]]:
        if callable(self.source):
            self.source = self.source()
        return self.source or []

    @property
    def key(self) -> tuple[str, str]:
        return (self.app_label, self.name)


# -- reading migration files -----------------------------------------------------------------------
def migration_files(project: DjangoProject, app: App, history: History | None = None) -> list[MigrationFile]:
    """The app's migration files, each read from ``history`` when it holds the file as it is now."""
    folder = app.migrations_path
    if folder is None or not (folder / "__init__.py").is_file():
        return []
    out = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith(("_", "~")):
            continue
        try:
            content = path.read_bytes()
        except OSError as e:
            raise MgenError(f"cannot read: {e.strerror}", str(path)) from None
        record = history.get(path, content) if history is not None else None
        if record is None:
            module = _migration_module(project, app, path)
            asked = asked_count(project)
            record = read_migration_file(project, app, path, module)
            if history is not None and asked_count(project) == asked:  # not read under an assumption
                history.put(path, content, module, record)
        out.append(MigrationFile(app.label, path.stem, path, record.line, record.dependencies, record.run_before,
                                 record.replaces, record.operations))
    return out


def _migration_module(project: DjangoProject, app: App, path: Path) -> Module:
    """The migration file as Django's loader imports it, ``<app's migrations module>.<file name>``, so that a
    relative import (``from ..fields import F``) names what the app's models name; the file's module on the
    first root holding it when that name does not reach the file (a project folder that is also a package:
    wagtail's ``wagtail/test`` holds ``customuser``, installed as ``wagtail.test.customuser``)."""
    if app.migrations_module:
        module = project.finder.module(f"{app.migrations_module}.{path.stem}")
        if module is not None and module.path.resolve() == path.resolve():
            return module
    return project.finder.module_at(path)


def read_migration_file(project: DjangoProject, app: App, path: Path, module: Module) -> FileRecord:
    """A migration file's ``Migration`` class: its dependency lists and its operations evaluated."""
    cls = next((s for s in module.tree.body if isinstance(s, ast.ClassDef) and s.name == "Migration"), None)
    if cls is None:
        raise MgenError(f"migration file without a Migration class (app {app.label})", str(path))
    scope = Scope(module, (cls,))
    project.evaluator.settings_read.clear()
    operations: Any
    try:
        nodes = operation_nodes(project.evaluator, cls, scope, path) or []
        operations = [(elt.lineno, project.evaluator.value(elt, scope)) for elt in nodes]
    except MgenError as e:  # raised when replayed: a migration a squash replaces never is (nor kept in the cache)
        operations = functools.partial(_raise, e)
    keys = [_keys(project, path, cls, scope, name) for name in ("dependencies", "run_before", "replaces")]
    return FileRecord(cls.lineno, *keys, operations, tuple(sorted(project.evaluator.settings_read)))


def _raise(error: MgenError) -> list:
    raise error


def _keys(project: DjangoProject, path: Path, cls: ast.ClassDef, scope: Scope, name: str) -> list[tuple[str, str]]:
    """``dependencies``-like lists of ``(app_label, migration)``; ``swappable_dependency(settings.X)`` is
    ``(app of X, "__first__")`` as in Django."""
    nodes = operation_nodes(project.evaluator, cls, scope, path, name)
    out = []
    for elt in nodes or ():
        if isinstance(elt, ast.Call) and project.evaluator.path_of(elt.func, scope) == \
                "django.db.migrations.migration.swappable_dependency" and len(elt.args) == 1:
            value = project.evaluator.value(elt.args[0], scope)
            value = value.value if isinstance(value, Setting) else value
            if not isinstance(value, str):
                raise MgenError("swappable_dependency() of a value mgen cannot read", str(path), elt.lineno)
            out.append((value.split(".", 1)[0], "__first__"))
            continue
        value = project.evaluator.value(elt, scope)
        if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise MgenError(f"Migration.{name} entry is not an (app_label, migration_name) pair", str(path),
                            elt.lineno)
        out.append((value[0], value[1]))
    return out


# -- the graph ---------------------------------------------------------------------------------------
@dataclass
class Graph:
    """The migration graph: each migration's parents (Django's ``MigrationGraph``)."""

    nodes: dict[tuple[str, str], MigrationFile]
    parents: dict[tuple[str, str], set[tuple[str, str]]]

    def children(self, key: tuple[str, str]) -> set[tuple[str, str]]:
        return {k for k, ps in self.parents.items() if key in ps}

    def previous(self, key: tuple[str, str]) -> str:
        """The migration of the same app ``key`` depends on, as ``migrate APP <previous>`` names it
        (``zero`` for the app's first)."""
        parents = sorted(p for p in self.parents[key] if p[0] == key[0])
        return parents[-1][1] if parents else "zero"

    def leaf_nodes(self, app: str | None = None) -> list[tuple[str, str]]:
        """Per app, the migrations no migration of the same app depends on (Django's leaf_nodes)."""
        leaves = []
        for key in self.nodes:
            if app is not None and key[0] != app:
                continue
            if all(child[0] != key[0] for child in self.children(key)):
                leaves.append(key)
        return sorted(leaves)

    def root_nodes(self, app: str) -> list[tuple[str, str]]:
        return sorted(k for k in self.nodes if k[0] == app and all(p[0] != app for p in self.parents[k]))

    def forwards_plan(self, target: tuple[str, str]) -> list[tuple[str, str]]:
        """Django's iterative depth-first plan: every ancestor before ``target``, parents in sorted order."""
        visited: list[tuple[str, str]] = []
        done: set[tuple[str, str]] = set()
        stack: list[tuple[tuple[str, str], bool]] = [(target, False)]
        path: set[tuple[str, str]] = set()
        while stack:
            key, processed = stack.pop()
            if key in done:
                continue
            if processed:
                done.add(key)
                path.discard(key)
                visited.append(key)
                continue
            if key in path:
                raise MgenError(f"circular migration dependency through {key[0]}.{key[1]}",
                                str(self.nodes[key].path))
            path.add(key)
            stack.append((key, True))
            stack.extend((p, False) for p in sorted(self.parents[key]) if p not in done)  # popped last first
        return visited

    def ensure_not_cyclic(self) -> None:
        """Django's ``ensure_not_cyclic``: a cycle is an error naming it (a cycle inside one app leaves it with
        no leaf, so a plan from the leaves alone would skip it without a word)."""
        cycle = find_cycle(self.parents)
        if cycle:
            raise MgenError("circular migration dependency: " + " -> ".join(f"{a}.{n}" for a, n in cycle),
                            str(self.nodes[cycle[0]].path), self.nodes[cycle[0]].line)

    def full_plan(self) -> list[tuple[str, str]]:
        self.ensure_not_cyclic()
        plan: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for leaf in self.leaf_nodes():
            for key in self.forwards_plan(leaf):
                if key not in seen:
                    seen.add(key)
                    plan.append(key)
        return plan


def build_graph(project: DjangoProject, files: list[MigrationFile]) -> Graph:
    nodes = {m.key: m for m in files}
    for m in files:  # Django drops it from its own graph, leaving its app without a leaf
        if m.key in m.replaces:
            raise MgenError(f"migration {m.app_label}.{m.name} replaces itself (its replaces lists "
                            f"{m.app_label}.{m.name}): a squash replaces other migrations", str(m.path), m.line)
    apps_with_migrations = {m.app_label for m in files}
    # a dependency on a migration a squash replaced (its file maybe deleted) is one on the squash
    replaced_by = {r: m.key for m in files for r in m.replaces}
    parents: dict[tuple[str, str], set[tuple[str, str]]] = {k: set() for k in nodes}

    def target(dep: tuple[str, str], m: MigrationFile) -> tuple[str, str] | None:
        app, name = dep
        if app not in apps_with_migrations:
            if any(a.label == app for a in project.apps) or app == "__setting__":
                return None  # an app without migrations: nothing to wait for (Django ignores it too)
            unfound = [a.name for a in project.apps if a.path is None]
            guessed = next((n for n in unfound if app in (n.rpartition(".")[2], n.replace(".", "_"))), None)
            if guessed is not None:  # its migrations are not read: the state has none of its models either
                _note_once(project, f"migration {m.app_label}.{m.name} depends on {app}.{name}: taken as a migration "
                           f"of {guessed}, an installed app mgen finds nowhere (its migrations are not read)",
                           str(m.path), m.line)
                return None
            why = (f", or is one of the installed apps mgen finds nowhere ({', '.join(unfound)}), whose labels and "
                   "migrations it cannot read: install the project's environment, or give --python") if unfound else ""
            raise MgenError(f"migration {m.app_label}.{m.name} depends on app {app!r}, which is not installed{why}",
                            str(m.path), m.line)
        if name == "__first__":
            roots = sorted(k for k in nodes if k[0] == app and not any(
                d[0] == app for d in nodes[k].dependencies))
            return roots[0] if roots else None
        if name == "__latest__":
            return ("__latest__", app)
        if (app, name) not in nodes and (app, name) in replaced_by:
            return replaced_by[(app, name)]
        if (app, name) not in nodes:
            raise MgenError(f"migration {m.app_label}.{m.name} depends on {app}.{name}, which does not exist",
                            str(m.path), m.line)
        return (app, name)

    latest: list[tuple[tuple[str, str], str]] = []
    for m in files:
        for dep in m.dependencies:
            t = target(dep, m)
            if t is None:
                continue
            if t[0] == "__latest__":
                latest.append((m.key, t[1]))
            else:
                parents[m.key].add(t)
        for before in m.run_before:
            t = target(before, m)
            if t is not None and t[0] != "__latest__":
                parents[t].add(m.key)
    graph = Graph(nodes, parents)
    for key, app in latest:
        leaves = graph.leaf_nodes(app)
        graph.parents[key].update(leaf for leaf in leaves if leaf != key)
    _use_squashes(graph)
    return graph


def _note_once(project: DjangoProject, message: str, file: str, line: int) -> None:
    if not any(n.message == message for n in project.notes):
        project.notes.append(Note(file=file, line=line, message=message))


def _use_squashes(graph: Graph) -> None:
    """Django's ``remove_replaced_nodes`` for every squash: the replaced migrations leave the graph and
    whatever depended on them depends on the squash."""
    for key, m in list(graph.nodes.items()):
        if not m.replaces or key not in graph.nodes:
            continue
        replaced = set(m.replaces)
        for r in replaced:
            if r not in graph.nodes:
                continue
            for child in graph.children(r):
                graph.parents[child].discard(r)
                if child not in replaced:
                    graph.parents[child].add(key)
            for parent in graph.parents[r]:
                if parent not in replaced:
                    graph.parents[key].add(parent)
            del graph.nodes[r]
            del graph.parents[r]
        graph.parents[key] -= replaced


# -- replaying operations ------------------------------------------------------------------------
class MigrationReplayer:
    """Migration files' operations applied to a ``ProjectState`` in plan order, as Django's
    ``state_forwards`` applies them."""

    def __init__(self, project: DjangoProject):
        self.project = project
        self.reader = ModelClassReader(project)
        self.state = ProjectState(settings=project.settings, auto_fields=app_auto_fields(project))
        self.python2 = runs_python2(project.root)  # b'...' in its migrations is str (python2.py)

    def run(self, graph: Graph, *, scoped: bool = False) -> ProjectState:
        """The state the graph's files build; ``scoped``: a file mgen cannot read refuses its app
        (``state.refused``, the app's later files skipped) instead of the whole replay (``scoped``)."""
        for key in graph.full_plan():
            if key[0] in self.state.refused:
                continue
            try:
                self.apply_file(graph.nodes[key])
            except MgenError as e:
                if not scoped:
                    raise
                self.state.refused[key[0]] = e
        return self.state

    def apply_file(self, m: MigrationFile) -> None:
        for line, op in m.operations:
            with nested_in(str(m.path), line):
                self.apply(op, m, line)

    def apply(self, op: Any, m: MigrationFile, line: int) -> None:
        file = str(m.path)
        if self.python2:
            op = native_strings(op)
        if not isinstance(op, Call):
            opaque = first_opaque(op)
            raise MgenError(f"operation {opaque.source if opaque else op!r} is not a Django migration operation "
                            "mgen can read", file, line)
        kind = op.name
        if not op.path.startswith(OPERATIONS):
            found = classify_operation(self.project.evaluator, op.path)
            if found.kind == "unknown":
                raise MgenError(found.why, file, line)
            if found.kind in ("data", "noop"):
                what = (f"a subclass of {found.name}, data code" if found.kind == "data"
                        else "its state_forwards() does nothing (no change to the models)")
                self.note(f"{op.name} is not replayed: {what}", m, line)
                return
            kind = found.name
        if kind not in _PARAMETERS:
            raise MgenError(f"migration operation {kind} is not supported", file, line)
        names = _PARAMETERS[kind]
        if len(op.args) > len(names):
            raise MgenError(f"{kind} takes at most {len(names)} positional arguments", file, line)
        a = {**dict(zip(names, op.args)), **op.kw}
        getattr(self, f"op_{kind}")(a, m, line)

    # -- helpers ---------------------------------------------------------------------------------
    def model(self, app: str, name: Any, file: str, line: int) -> ModelState:
        key = (app, str(name).lower())
        if key not in self.state.models:
            raise MgenError(f"migration refers to model {app}.{name}, which no earlier migration creates", file, line)
        return self.state.models[key]

    def put(self, model: ModelState) -> None:
        self.state.models[(model.app_label, model.name_lower)] = model

    def field(self, value: Any, name: str, m: MigrationFile, model_name: str, line: int) -> FieldState:
        file = str(m.path)
        if not isinstance(value, Call):
            raise MgenError(f"field {name} is not a field instance mgen can read", file, line)
        found = self.reader.classify_path(value.path)
        if found is None or found.private:
            raise MgenError(f"field {name}: {value.path} is not a field class a migration can hold", file, line)
        path, django_class = found.path, found.django_class
        kw = value.kw
        for key in ("to", "through"):  # the rest waits: a later migration may set it again (unknown_columns)
            opaque = first_opaque(kw.get(key))
            if opaque is not None:
                raise MgenError(f"field {name}: {key}={opaque.source} cannot be read statically", file, line)
        try:
            kwargs = found.bind(value.args, kw)  # through a pass-through __init__ (field_classes)
        except ValueError as e:
            raise MgenError(f"field {name}: {e}", file, line) from None
        if found.opaque:  # what its __init__ takes and deconstruct() never gives, as in the models (consumed)
            kwargs = consumed_by_path(self.reader, value.path, kwargs)
        if django_class in ("ForeignKey", "OneToOneField", "ManyToManyField"):
            kwargs = related_references(kwargs, self.project, m.app_label, model_name, file, line)
        elif not django_class and opaque_keys.key_like(path) and \
                isinstance(opaque_keys.bind_key_arguments(kwargs).get("to"), str):
            kwargs = related_references(opaque_keys.bind_key_arguments(kwargs), self.project, m.app_label, model_name,
                                        file, line)
        if django_class == "ArrayField":
            kwargs = array_arguments(kwargs, self.reader.classify_path, f"field {name}", file, line)
        return FieldState(name, path, deconstructed(django_class, kwargs), django_class, file, line, found.db_type)

    def legacy(self, value: Any) -> Any:
        """A ``ForeignKey``/``OneToOneField`` of a migration Django 1.x wrote, without ``on_delete``: CASCADE,
        the default Django 1.x had (2.0 made the argument required)."""
        if not isinstance(value, Call) or "on_delete" in value.kw or len(value.args) > 1:
            return value
        found = self.reader.classify_path(value.path)
        if found is None or found.django_class not in LEGACY_ON_DELETE:
            return value
        return Call(value.path, value.args, tuple(sorted(with_legacy_on_delete(found.django_class, value.kw).items())))

    def note(self, message: str, m: MigrationFile, line: int) -> None:
        """Notes are for the project's own migrations; an installed library's history is trusted."""
        if self.project.root in m.path.resolve().parents:
            self.state.notes.append(Note(file=str(m.path), line=line, message=message))

    # -- the operations --------------------------------------------------------------------------
    def op_CreateModel(self, a: dict, m: MigrationFile, line: int) -> None:
        name = a["name"]
        fields: dict[str, FieldState] = {}
        for pair in a.get("fields") or ():
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and isinstance(pair[0], str)):
                raise MgenError("CreateModel fields entry is not a (name, field) pair", str(m.path), line)
            fields[pair[0]] = self.field(self.legacy(pair[1]), pair[0], m, name, line)
        options = normalize_options(dict(a.get("options") or {}))
        bases = tuple(self._base(b, m) for b in (a.get("bases") or ())) or ("django.db.models.base.Model",)
        self.put(ModelState(m.app_label, name, fields, options, bases, file=str(m.path), line=line))

    def _base(self, base: Any, m: MigrationFile) -> str:
        """A model base: ``"app.Model"`` (a label, as Django writes a concrete parent) lower-cased, a class by
        its path (mgen's own operations carry those as dotted strings: more than one dot)."""
        if isinstance(base, str) and base.count(".") > 1:
            return base
        if isinstance(base, str):
            app, _, name = base.partition(".") if "." in base else (m.app_label, ".", base)
            return f"{app}.{name.lower()}"
        return getattr(base, "path", str(base))

    def op_DeleteModel(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["name"], str(m.path), line)
        del self.state.models[(model.app_label, model.name_lower)]

    def op_RenameModel(self, a: dict, m: MigrationFile, line: int) -> None:
        old = self.model(m.app_label, a["old_name"], str(m.path), line)
        new_name = a["new_name"]
        del self.state.models[(old.app_label, old.name_lower)]
        self.put(replace(old, name=new_name))
        old_label, new_label = old.label_lower, f"{old.app_label}.{new_name.lower()}"
        for key, model in list(self.state.models.items()):
            fields = {}
            for n, f in model.fields.items():
                kw = dict(f.kwargs)
                to = kw.get("to")
                if isinstance(to, Setting) and to.value == old_label:
                    kw["to"] = Setting(to.name, new_label)
                elif to == old_label:
                    kw["to"] = new_label
                if isinstance(kw.get("through"), str) and kw["through"].lower() == old_label:
                    kw["through"] = f"{old.app_label}.{new_name}"
                fields[n] = replace(f, kwargs=kw) if kw != f.kwargs else f
            if fields != model.fields:
                self.state.models[key] = replace(model, fields=fields)

    def _options(self, model: ModelState, **changes: Any) -> None:
        options = dict(model.options)
        options.update(changes)
        self.put(replace(model, options=normalize_options(options)))

    def op_AlterModelTable(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["name"], str(m.path), line)
        options = {k: v for k, v in model.options.items() if k != "db_table"}
        if a.get("table") is not None:
            options["db_table"] = a["table"]
        self.put(replace(model, options=options))

    def op_AlterModelTableComment(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["name"], str(m.path), line)
        self._options(model, db_table_comment=a.get("table_comment"))

    def op_AlterUniqueTogether(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["name"], str(m.path), line)
        self._options(model, unique_together=normalize_together(a.get("unique_together")))

    def op_AlterIndexTogether(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["name"], str(m.path), line)
        self._options(model, index_together=normalize_together(a.get("index_together")))

    def op_AlterOrderWithRespectTo(self, a: dict, m: MigrationFile, line: int) -> None:
        raise MgenError("AlterOrderWithRespectTo (the hidden _order column) is not supported", str(m.path), line)

    def op_AlterModelOptions(self, a: dict, m: MigrationFile, line: int) -> None:
        """Django's ``alter_model_options``: the keys AlterModelOptions owns are replaced as a whole."""
        model = self.model(m.app_label, a["name"], str(m.path), line)
        given = dict(a.get("options") or {})
        options = {k: v for k, v in model.options.items() if k not in ALTER_OPTION_KEYS or k in given}
        options.update(given)
        self.put(replace(model, options=normalize_options(options)))

    def op_AlterModelManagers(self, a: dict, m: MigrationFile, line: int) -> None:
        self.model(m.app_label, a["name"], str(m.path), line)  # managers are not part of the state

    def op_AddIndex(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        index = normalize_index(a.get("index"))
        if not isinstance(index, Call) or not index.kw.get("name"):
            raise MgenError("AddIndex needs a named Index", str(m.path), line)
        self._options(model, indexes=(*model.indexes, index))

    def op_RemoveIndex(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        self._options(model, indexes=tuple(i for i in model.indexes if i.kw.get("name") != a["name"]))

    def op_RenameIndex(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        if a.get("old_fields"):
            old_fields = tuple(a["old_fields"])
            together = tuple(t for t in model.options.get("index_together", ()) if tuple(t) != old_fields)
            index = Call.of("django.db.models.indexes.Index", (), {"fields": old_fields, "name": a["new_name"]})
            self._options(model, index_together=together, indexes=(*model.indexes, index))
            return
        renamed = tuple(Call.of(i.path, i.args, {**i.kw, "name": a["new_name"]})
                        if i.kw.get("name") == a.get("old_name") else i for i in model.indexes)
        self._options(model, indexes=renamed)

    def op_AddConstraint(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        constraint = normalize_constraint(a.get("constraint"))
        if not isinstance(constraint, Call) or not constraint.kw.get("name"):  # later ops find constraints by name
            source = getattr(constraint, "source", None)
            raise MgenError(f"AddConstraint: the constraint{f' {source}' if source else ''} cannot be read statically",
                            str(m.path), getattr(constraint, "line", None) or line)
        self._options(model, constraints=(*model.constraints, constraint))

    def op_RemoveConstraint(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        self._options(model, constraints=tuple(c for c in model.constraints if c.kw.get("name") != a["name"]))

    def op_AlterConstraint(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        new = normalize_constraint(a.get("constraint"))
        self._options(model, constraints=tuple(new if c.kw.get("name") == a["name"] else c
                                               for c in model.constraints))

    def op_AddField(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        f = self._preserve(self.field(self.legacy(a.get("field")), a["name"], m, model.name, line), a)
        self.put(replace(model, fields={**model.fields, a["name"]: f}))

    def op_AlterField(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        if a["name"] not in model.fields:
            raise MgenError(f"AlterField of {model.label_lower}.{a['name']}, which does not exist", str(m.path), line)
        f = self._preserve(self.field(self.legacy(a.get("field")), a["name"], m, model.name, line), a)
        self.put(replace(model, fields={n: (f if n == a["name"] else g) for n, g in model.fields.items()}))

    @staticmethod
    def _preserve(f: FieldState, a: dict) -> FieldState:
        """``preserve_default=False``: the default served the migration only, the state has none."""
        if a.get("preserve_default", True) is False:
            return replace(f, kwargs={k: v for k, v in f.kwargs.items() if k != "default"})
        return f

    def op_RemoveField(self, a: dict, m: MigrationFile, line: int) -> None:
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        if a["name"] not in model.fields:
            raise MgenError(f"RemoveField of {model.label_lower}.{a['name']}, which does not exist", str(m.path), line)
        self.put(replace(model, fields={n: f for n, f in model.fields.items() if n != a["name"]}))

    def op_RenameField(self, a: dict, m: MigrationFile, line: int) -> None:
        """Django's ``rename_field``: the key changes (the field moves to the end, as in Django's dict),
        unique_together / index_together follow, and ``to_field`` references from other models too."""
        model = self.model(m.app_label, a["model_name"], str(m.path), line)
        old, new = a["old_name"], a["new_name"]
        if old not in model.fields:
            raise MgenError(f"RenameField of {model.label_lower}.{old}, which does not exist", str(m.path), line)
        fields = {n: f for n, f in model.fields.items() if n != old}
        fields[new] = replace(model.fields[old], name=new)
        options = dict(model.options)
        for option in ("unique_together", "index_together"):
            if option in options:
                options[option] = tuple(tuple(new if n == old else n for n in t) for t in options[option])
        self.put(replace(model, fields=fields, options=normalize_options(options)))
        for key, other in list(self.state.models.items()):
            changed = {}
            for n, f in other.fields.items():
                to = f.get("to")
                label = to.value if isinstance(to, Setting) else to
                if f.get("to_field") == old and label == model.label_lower:
                    changed[n] = replace(f, kwargs={**f.kwargs, "to_field": new})
            if changed:
                self.state.models[key] = replace(other, fields={**other.fields, **changed})

    def op_RunSQL(self, a: dict, m: MigrationFile, line: int) -> None:
        if a.get("state_operations"):
            self.note("RunSQL: its SQL is not read, its state_operations are replayed", m, line)
        else:
            self.note("RunSQL is not replayed: mgen does not know what its SQL does to the schema", m, line)
        for op in a.get("state_operations") or ():
            self.apply(op, m, line)

    def op_RunPython(self, a: dict, m: MigrationFile, line: int) -> None:
        self.note("RunPython is not replayed: its code runs only inside Django", m, line)

    def op_SeparateDatabaseAndState(self, a: dict, m: MigrationFile, line: int) -> None:
        if a.get("database_operations"):
            self.note("SeparateDatabaseAndState: its state_operations are replayed, its database_operations "
                      "are not (the database may differ from the state)", m, line)
        for op in a.get("state_operations") or ():
            self.apply(op, m, line)


def read_migrations(project: DjangoProject, app_labels: set[str] | None = None, *,
                    save: bool = True) -> tuple[Graph, list[MigrationFile]]:
    """The migration graph of every installed app (or of ``app_labels``); two leaves in one app are the
    conflict ``makemigrations --merge`` resolves, an MgenError here. ``save=False``: the history cache is
    written by the caller, once (``replay_project`` adds the replayed state to it), or here on an error."""
    files: list[MigrationFile] = []
    if project.evaluator.assigned_settings is None:  # getattr(settings, X, default) needs to know what is set
        module = project.finder.module(project.settings_module)
        project.evaluator.assigned_settings = settings_assigned(project.finder, module) if module else None
    for app in project.apps:
        if app_labels is None or app.label in app_labels:
            if app.label not in project.migration_files:  # each file is read once per run
                if project.history is None:
                    project.history = History(project.root, project.finder, project.settings)
                project.migration_files[app.label] = migration_files(project, app, project.history)
            files.extend(project.migration_files[app.label])
    if project.history is not None and save:
        project.history.save()
    try:
        graph = build_graph(project, files)
        for app in sorted({k[0] for k in graph.nodes}):
            leaves = graph.leaf_nodes(app)
            if len(leaves) > 1:
                last = graph.nodes[leaves[-1]]
                raise MgenError(f"conflicting migrations in app {app!r}: {len(leaves)} leaf nodes "
                                f"({', '.join(k[1] for k in leaves)}); merge them first "
                                f"(python manage.py makemigrations --merge)", str(last.path), last.line)
    except MgenError:
        if project.history is not None:
            project.history.save()  # what was read is kept all the same
        raise
    return graph, files


def replay_project(project: DjangoProject, app_labels: set[str] | None = None, *,
                   scoped: bool = False) -> ProjectState:
    """The state every installed app's migrations build; ``app_labels`` keeps only those apps' models
    (the others still replay, since a project's migrations depend on them). Kept in the history cache:
    a run whose migration files (and the project modules they lead to) did not change replays nothing.
    ``scoped``: an app whose history mgen cannot read is refused alone (``ProjectState.refused``, see
    ``scoped``); else its refusal is the caller's."""
    graph, files = read_migrations(project, save=False)
    paths = [m.path for m in files]
    history = project.history
    try:
        cached = history.state(paths) if history is not None else None
        if cached is not None:
            models, notes = cached
            state = ProjectState(models, notes, project.settings, app_auto_fields(project))
        else:
            state = MigrationReplayer(project).run(graph, scoped=True)
            unknown_columns(state)
            if history is not None and not state.refused:
                history.put_state(paths, state.models, state.notes, project.finder.parsed_files(project.root))
    finally:
        if history is not None:
            history.save()  # the files read and the state replayed, in one write
    state = state.only(app_labels) if app_labels is not None else state
    if not scoped:
        raise_refused(state)
    return state


def unknown_columns(state: ProjectState) -> None:
    """A value the database depends on that a migration computes at run time (``db_column=COLUMN``, set
    in a module-level ``if``) refuses its app only if it is still in the state the whole history builds; a
    later migration that sets it again (as Django's own squashes often do) makes it harmless."""
    for (app, _name), model in state.models.items():
        for f in model.fields.values():
            for key in DB_ARGUMENTS:
                opaque = first_opaque(f.kwargs.get(key)) if key in f.kwargs else None
                if opaque is not None and app not in state.refused:
                    state.refused[app] = MgenError(
                        f"{model.label_lower}.{f.name}: {key}={opaque.source} cannot be read statically, and no "
                        "later migration sets it again", opaque.file or f.file, opaque.line or f.line)


def models_state(project: DjangoProject, migrated: ProjectState | None = None, *,
                 scoped: bool = False) -> ProjectState:
    """What the project's models describe, read statically, completed with the installed apps outside
    the project (``django.contrib.auth``, ...) as their own migrations build them, so that relations
    into those apps resolve: the desired state. A non-database attribute mgen cannot evaluate keeps the
    value ``migrated`` (the state the project's migrations build; replayed here when not given) has for
    it, with a note (``unreadable``). ``scoped``: an app whose models mgen cannot read is refused alone
    (``ProjectState.refused``), its models taken from ``migrated`` so that relations into it resolve."""
    own = {a.label for a in project.project_apps}
    state = read_models(project, own, scoped=True)
    libraries = {a.label for a in project.apps} - own
    graph, _ = read_migrations(project, libraries)
    for key, model in MigrationReplayer(project).run(graph).models.items():
        state.models.setdefault(key, model)
    if migrated is None:
        try:
            migrated = replay_project(project, scoped=True)
        except MgenError:
            migrated = None  # the history refuses: whoever replays it says so
    state.notes = list(state.notes)
    fill_index_names(state, migrated)  # an index class with its own set_name_with_model (index_names)
    relabel_unfound(state, migrated, project)  # relations into an installed app found nowhere (unfound_apps)
    if migrated is not None:
        complete_partial_models(state, migrated)
        add_history_models(project, state, migrated)
        align_stream_fields(state, migrated, project)  # wagtail's StreamField blocks (stream_fields)
        keep_callable_storage(state, migrated, project)  # storage=<function> under Django 3.1 - 4.1
        keep_unreadable(state, migrated)
        for key, model in migrated.models.items():
            if key[0] in state.refused:
                state.models.setdefault(key, model)
    if not scoped:
        raise_refused(state)
    return state
