"""Django migration files written by mgen: ``generate(project_root, ...)`` reads the models and the
migration history statically, finds the changes (``autodetect``), and writes one ``NNNN_name.py`` per
changed app the way Django's ``MigrationWriter`` would: the same imports, the same spelling of every value
(``models.CharField(max_length=80)``, ``django.db.models.deletion.CASCADE``, ``settings.AUTH_USER_MODEL``),
dependencies on the app's leaf, on the leaves of the apps new relations point into and on the swappable
user model, and Django's automatic names.

Before anything is written the operations are replayed (``replay.MigrationReplayer``) over the migrations'
state and must give exactly the models' state; after writing, the whole history is read back from disk and
compared again, so a file that would leave ``makemigrations`` something to do is never left behind.
"""
from __future__ import annotations

import ast
import contextlib
import datetime
import functools
import gc
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ... import __version__
from ...errors import MgenError
from ...formats import render_template, write_atomically
from . import scoped, worlds
from .autodetect import DetectedChanges, MigrationOperation, QuestionerAnswers, detect
from .chop import chop, needs_chop
from .fields import field_call
from .legacy_semantics import PINNED_KEY
from .managers import migration_managers
from .project import DjangoProject, load_project
from .replay import MigrationFile, MigrationReplayer, read_migrations, replay_project
from .replay import models_state as read_models_state
from .runtime_conditions import World
from .state import Call, FieldState, NativeStr, Opaque, ProjectState, QNode, Ref, Setting

# Where a deconstruct() method rewrites its class's path (Index.deconstruct, BaseConstraint.deconstruct,
# Q.deconstruct in Django 5.2); classes decorated ``@deconstructible(path=...)`` are read from the source.
_PATH_REWRITES = (
    ("django.db.models.indexes.", "django.db.models."),
    ("django.db.models.constraints.", "django.db.models."),
    ("django.db.models.query_utils.", "django.db.models."),
)
Q_WRITTEN = "django.db.models.Q"
_NUMBER = re.compile(r"^(?:\d+_squashed_)?(\d+)")


@dataclass
class GenerateResult:
    """What ``generate`` did or would do: files, operations, notes, and the safety summary."""

    files: list[Path] | dict[Path, str] = field(default_factory=list)
    operations: dict[str, list[str]] = field(default_factory=dict)  # app label -> one line per operation
    notes: list[str] = field(default_factory=list)
    changed_apps: list[str] = field(default_factory=list)
    # the safety summary, when the dialect is known: mgen's operations on the database with their class
    # (safe / needs care / destructive) and the rules' findings (``rules.Finding``)
    dialect: str | None = None
    safety: list[tuple[str, str]] = field(default_factory=list)  # (class, operation description)
    findings: list[Any] = field(default_factory=list)
    # each migration file written -> (its app label, the app's migration before it; None: the app's first)
    previous: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # the renames makemigrations would ask about, as the ``--rename`` hints that answer them yes
    renames: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed_apps)


# -- values -----------------------------------------------------------------------------------------
class Serializer:
    """Django's ``serializer_factory`` for the values a state holds: (text, imports)."""

    def __init__(self, project: DjangoProject):
        self.project = project
        self._paths: dict[str, str] = {}
        # a set as the pinned Django writes it: ``set([...])`` before 2.0 (1.7 writer.py ``format = "set([%s])"``,
        # 1.10/1.11 serializer.py ``SetSerializer``), a literal from 2.0 (``"{%s}" if self.value else "set(%s)"``)
        pinned = project.settings.get(PINNED_KEY) if project.settings else None
        self.sets_as_calls = bool(pinned) and tuple(pinned)[:2] < (2, 0)

    def __call__(self, value: Any) -> tuple[str, set[str]]:
        imports: set[str] = set()
        return self.value(value, imports), imports

    def value(self, v: Any, imports: set[str]) -> str:
        if isinstance(v, Opaque):
            raise MgenError(f"{v.source} cannot be written into a migration without running the code",
                            v.file, v.line)
        if isinstance(v, FieldState):
            return self.value(field_call(v), imports)
        if isinstance(v, Setting):
            imports.add("from django.conf import settings")
            return f"settings.{v.name}"
        if isinstance(v, QNode):
            kwargs: dict[str, Any] = {}
            if v.connector != "AND":
                kwargs["_connector"] = v.connector
            if v.negated:
                kwargs["_negated"] = True
            return self.deconstructed(Q_WRITTEN, v.children, kwargs, imports)
        if isinstance(v, Call):
            return self.deconstructed(self.written_path(v.path), v.args, v.kw, imports)
        if isinstance(v, Ref):
            return self.reference(v.path, imports)
        if isinstance(v, bool) or v is None:
            return repr(v)
        if isinstance(v, Decimal):
            imports.add("from decimal import Decimal")
            return f"Decimal({str(v)!r})"
        if isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                return f"float({str(v)!r})"
            return repr(v)
        if type(v) is NativeStr:  # a Python 2 project's byte string, as its Django wrote it (python2.py)
            return "b" + repr(str(v))
        if isinstance(v, (int, str, bytes)):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(self.value(x, imports) for x in v) + "]"
        if isinstance(v, tuple):
            inner = [self.value(x, imports) for x in v]
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        if isinstance(v, (set, frozenset)):
            if self.sets_as_calls and isinstance(v, set):  # Django 1.7 - 1.11: "set([%s])", empty or not
                return "set([" + ", ".join(sorted(self.value(x, imports) for x in v)) + "])"
            if not v:
                return "set()" if isinstance(v, set) else "frozenset()"
            inner = sorted(self.value(x, imports) for x in v)
            text = "{" + ", ".join(inner) + "}"
            return text if isinstance(v, set) else f"frozenset({text})"
        if isinstance(v, dict):
            items = sorted(((self.value(k, imports), self.value(x, imports)) for k, x in v.items()))
            return "{" + ", ".join(f"{k}: {x}" for k, x in items) + "}"
        raise MgenError(f"mgen cannot write the value {v!r} into a migration")

    def deconstructed(self, path: str, args: Sequence, kwargs: dict, imports: set[str]) -> str:
        """``DeconstructableSerializer``: the path, positional arguments, keyword arguments sorted."""
        name = self.import_path(path, imports)
        parts = [self.value(a, imports) for a in args]
        parts += [f"{k}={self.value(x, imports)}" for k, x in sorted(kwargs.items())]
        return f"{name}({', '.join(parts)})"

    @staticmethod
    def import_path(path: str, imports: set[str]) -> str:
        """``DeconstructableSerializer._serialize_path``."""
        module, _, name = path.rpartition(".")
        if module == "django.db.models":
            imports.add("from django.db import models")
            return f"models.{name}"
        imports.add(f"import {module}")
        return path

    def reference(self, path: str, imports: set[str]) -> str:
        """A class or function (``TypeSerializer`` / ``FunctionTypeSerializer``): ``module.qualname``."""
        if path == "django.db.models.base.Model":
            imports.add("from django.db import models")
            return "models.Model"
        if path.startswith("builtins.") and path.count(".") == 1:
            return path.partition(".")[2]
        module = path
        while "." in module and self.project.finder.module(module) is None:
            module = module.rpartition(".")[0]
        if self.project.finder.module(module) is None:
            module = path.rpartition(".")[0]
        if not module:
            raise MgenError(f"mgen cannot tell which module defines {path}; write this change by hand")
        imports.add(f"import {module}")
        return path

    def written_path(self, path: str) -> str:
        """The path Django's ``deconstruct()`` gives an object of the class defined at ``path``."""
        if path in self._paths:
            return self._paths[path]
        written = path
        for prefix, to in _PATH_REWRITES:
            if path.startswith(prefix) and "." not in path[len(prefix):]:
                written = to + path[len(prefix):]
        module_name, _, cls_name = path.rpartition(".")
        module = self.project.finder.module(module_name) if module_name else None
        if module is not None:
            for stmt in module.tree.body:
                if isinstance(stmt, ast.ClassDef) and stmt.name == cls_name:
                    for deco in stmt.decorator_list:
                        if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "deconstructible":
                            for kw in deco.keywords:
                                if kw.arg == "path" and isinstance(kw.value, ast.Constant):
                                    written = str(kw.value.value)
        self._paths[path] = written
        return written


# -- operations -------------------------------------------------------------------------------------
def operation_lines(op: MigrationOperation, serialize: Serializer, imports: set[str]) -> list[str]:
    """``OperationWriter``: one argument a line, lists of fields and dicts of options one item a line."""
    lines = [f"migrations.{op.kind}("]
    for key, value in op.args.items():
        if key in ("fields", "managers"):
            lines.append(f"    {key}=[")
            for name, f in value:
                lines.append(f"        ({name!r}, {serialize.value(f, imports)}),")
            lines.append("    ],")
        elif key == "bases":
            bases = tuple(b if b.count(".") == 1 else Ref(b) for b in value)
            lines.append(f"    {key}={serialize.value(bases, imports)},")
        elif key == "options" and isinstance(value, dict):
            lines.append(f"    {key}={{")
            for k, x in value.items():
                if k in ("unique_together", "index_together") and isinstance(x, (tuple, list)) and x:
                    x = {tuple(t) for t in x}  # ModelState.from_model: set(normalize_together(...)), written as a set
                lines.append(f"        {k!r}: {serialize.value(x, imports)},")
            lines.append("    },")
        else:
            lines.append(f"    {key}={serialize.value(value, imports)},")
    lines.append("),")
    return lines


def sorted_imports(imports: set[str]) -> list[str]:
    """``MigrationWriter.as_string``: models folded into the migrations import, sorted by module."""
    imports = set(imports)
    if "from django.db import models" in imports:
        imports.discard("from django.db import models")
        imports.add("from django.db import migrations, models")
    else:
        imports.add("from django.db import migrations")
    return sorted(imports, key=lambda i: i.split()[1])


def suggest_name(ops: Sequence[MigrationOperation], initial: bool) -> str:
    """Django's ``Migration.suggest_name``."""
    if initial:
        return "initial"
    fragments = [re.sub(r"\W+", "_", op.fragment) for op in ops]
    if not fragments:
        return "auto_" + datetime.datetime.now().strftime("%Y%m%d_%H%M")
    name = fragments[0]
    for fragment in fragments[1:]:
        candidate = f"{name}_{fragment}"
        if len(candidate) > 52:
            return f"{name}_and_more"
        name = candidate
    return name


def render_migration(ops: Sequence[MigrationOperation], dependencies: Sequence[tuple[str, str] | str], initial: bool,
                     serialize: Serializer, notes: Sequence[str] = ()) -> str:
    imports: set[str] = set()
    op_lines: list[str] = []
    for op in ops:
        op_lines.extend(operation_lines(op, serialize, imports))
    deps = []
    for dep in dependencies:
        if isinstance(dep, str):  # a setting: swappable_dependency
            imports.add("from django.conf import settings")
            deps.append(f"migrations.swappable_dependency(settings.{dep})")
        else:
            deps.append(repr(tuple(dep)))
    return render_template(
        "django_migration.py.j2", version=__version__,
        timestamp=datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), notes=list(notes),
        imports=sorted_imports(imports), initial=initial, dependencies=sorted(deps), operations=op_lines)


# -- the entry point --------------------------------------------------------------------------------
def _check(old: ProjectState, new: ProjectState, changes: DetectedChanges, project: DjangoProject,
           apps: Sequence[str]) -> None:
    """The operations replayed over the migrations' state must give the models' state exactly."""
    replay = MigrationReplayer(project)
    replay.state = ProjectState(dict(old.models), settings=old.settings, auto_fields=old.auto_fields)
    for app, ops in changes.operations.items():
        fake = MigrationFile(app, "mgen", project.app(app).migrations_path or project.root, 0)
        for op in ops:
            replay.apply(op.call(), fake, 0)
    wanted = set(apps)
    left = replay.state.only(wanted).differences(new.only(wanted))
    if left:
        raise MgenError("mgen's Django operations do not reproduce the models (a bug in mgen; please report "
                        f"it): {left[0]}", str(project.root))


@contextlib.contextmanager
def cyclic_gc_paused():
    """The cyclic garbage collector paused while a project is read. Reading makes hundreds of thousands of
    objects (syntax trees, values, states) and no reference cycles: they all go by reference counting when
    the run's ``DjangoProject`` does. Each pass of the collector over them meanwhile finds nothing and costs tens
    of milliseconds; once they are gone it runs again (over what is left)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def generate(project_root: Path, *, name: str | None, renames: Sequence[str] = (), dry_run: bool = False,
             settings: str | None = None, dialect: str | None = None, defaults: Sequence[str] = (),
             apps: Sequence[str] = ()) -> GenerateResult:
    """Write the migrations that bring each app's history up to its models (nothing to do: empty result);
    with ``dialect``, also judge what they do to that database (``GenerateResult.safety``/``findings``).
    ``apps``: only those apps (``--app``, as ``makemigrations LABEL``; an app mgen cannot read refuses only
    when it is one of them: ``scoped``)."""
    with cyclic_gc_paused():  # the project read goes (with _generate's frame) before the collector resumes
        return _generate(project_root, name=name, renames=renames, dry_run=dry_run, settings=settings,
                         dialect=dialect, defaults=defaults, asked=apps)


def _generate(project_root: Path, *, name: str | None, renames: Sequence[str], dry_run: bool,
              settings: str | None, dialect: str | None, defaults: Sequence[str],
              asked: Sequence[str]) -> GenerateResult:
    world = World()
    read = _Read.of(project_root, settings, asked, world)
    hints = QuestionerAnswers.parse(renames, read.every).parse_defaults(defaults)
    project, old, new, graph = read.project, read.old, read.new, read.graph
    changes, apps, refusal_notes = read.changes(hints)
    if world.hits:  # run-time conditions (fts5_available()): the same answer whichever way they go, or refused
        refused, world_notes = worlds.settle(
            world, changes.operations,
            lambda other: _Read.of(project_root, settings, asked, other).answer(hints),
            lambda file: _app_of_file(project, file))
        refusal_notes = [*refusal_notes, *world_notes]
        if refused:
            for app, error in refused.items():
                read.refused.setdefault(app, error)
            changes, apps, more = read.changes(hints)
            refusal_notes = [*refusal_notes, *more]
    result = GenerateResult(notes=[n.one_line() for n in [*project.notes, *new.notes]] + changes.suggestions
                            + changes.notes + refusal_notes, renames=list(changes.renames))
    if not changes.operations:
        return result
    _check(old, new, changes, project, apps)
    if dialect is not None:
        _judge(result, old, new, changes, dialect)
    if name is not None and not re.fullmatch(r"\w+", name):
        raise MgenError(f"--name {name!r}: a migration name is letters, digits and underscores")

    user_model = str(project.settings.get("AUTH_USER_MODEL", "auth.User"))
    planned = (_chopped(changes, old, graph, user_model, name) if needs_chop(changes)
               else _one_per_app(changes, graph, user_model.split(".")[0], name))
    serialize = Serializer(project)
    texts: dict[Path, str] = {}
    for app, migration, ops, deps, previous, initial in planned:
        folder = project.app(app).migrations_path
        assert folder is not None
        notes = [n for n in changes.notes if n.startswith(f"{app}.")]
        texts[folder / f"{migration}.py"] = render_migration(
            ops, sorted(deps, key=lambda d: (isinstance(d, tuple), d)), initial, serialize, notes)
        result.previous[str(folder / f"{migration}.py")] = (app, previous)
        result.operations.setdefault(app, []).extend(op.describe() for op in ops)
    result.changed_apps = sorted(changes.operations)
    if dry_run:
        result.files = texts
        return result
    result.files = write_checked(texts, lambda: _verify_written(Path(project_root), settings, apps))
    return result


@dataclass
class _Read:
    """The project read in one world of its run-time conditions: the history's state and the models'."""

    project: DjangoProject
    migrated: list[str]
    every: list[str]
    apps: list[str]
    graph: Any
    old: ProjectState
    new: ProjectState
    refused: dict[str, MgenError]

    @classmethod
    def of(cls, project_root: Path, settings: str | None, asked: Sequence[str], world: World) -> _Read:
        project = load_project(Path(project_root), settings)
        project.evaluator.world = world
        migrated = [a.label for a in project.project_apps
                    if a.migrations_path is not None and (a.migrations_path / "__init__.py").is_file()]
        unread = project.unread_apps  # app folders INSTALLED_APPS may hold at run time (runtime_apps)
        every = [*migrated, *(label for label in unread if label not in migrated)]
        apps = scoped.selected_apps(every, asked)
        graph, _ = read_migrations(project, save=False)  # two leaves in an app stop here
        old = replay_project(project, scoped=True)  # writes the history cache
        new = read_models_state(project, old, scoped=True)
        return cls(project, migrated, every, apps, graph, old, new, {**unread, **scoped.merged(old, new)})

    def answer(self, hints: QuestionerAnswers) -> worlds.Answer:
        """The operations per app in this world, and the apps refused in it (another world's reading)."""
        return self.changes(hints, quiet=True)[0].operations, dict(self.refused)

    def changes(self, hints: QuestionerAnswers, quiet: bool = False) -> tuple[DetectedChanges, list[str], list[str]]:
        """The operations of the asked apps and of those whose new models their operations need
        (makemigrations' trim_to_apps), those apps, and the notes on refused apps; ``quiet``: an asked app
        refused is no error (another world's reading, compared app by app)."""
        managers = functools.cache(lambda app: migration_managers(self.project, [app]))
        apps = list(self.apps)
        while True:
            if quiet:
                refusal_notes: list[str] = []
                apps = [a for a in apps if a not in self.refused]
            else:
                refusal_notes = scoped.check(self.refused, apps, self.every)
            changes = detect(self.old, self.new, apps, hints, managers)
            needed = {other for ops in changes.operations.values() for op in ops for other, model in op.depends
                      if other in self.migrated and other not in apps and (other, model.lower()) not in self.old.models}
            if not needed:
                return changes, apps, refusal_notes
            apps = [*apps, *sorted(needed)]


def _app_of_file(project: DjangoProject, file: str) -> str | None:
    """The label of the app whose folder holds ``file``."""
    path = Path(file).resolve()
    found = [a for a in project.apps if a.path is not None and Path(a.path).resolve() in path.parents]
    return max(found, key=lambda a: len(Path(a.path).parts)).label if found else None


# (app, migration name, operations, dependencies, the app's migration before it or None, initial)
Planned = tuple[str, str, list[MigrationOperation], set, "str | None", bool]


def _one_per_app(changes: DetectedChanges, graph: Any, user_app: str, name: str | None) -> list[Planned]:
    """One migration per app: on the app's leaf, the leaves (or new migrations) of the apps its relations
    point into, and the swappable user model."""
    names: dict[str, str] = {}
    for app, ops in changes.operations.items():
        leaves = graph.leaf_nodes(app)
        names[app] = f"{next_number(leaves):04d}_{name or suggest_name(ops, not leaves)}"
    out: list[Planned] = []
    for app, ops in changes.operations.items():
        leaves = graph.leaf_nodes(app)
        deps: set[tuple[str, str] | str] = set(leaves)
        for op in ops:
            targets = set(op.depends)
            if op.swappable and user_app != app:
                deps.add("AUTH_USER_MODEL")
                targets = {t for t in targets if t[0] != user_app}
            for other, _model in targets:
                if other == app:
                    continue
                if other in names:
                    deps.add((other, names[other]))
                else:
                    other_leaves = graph.leaf_nodes(other)
                    deps.add(other_leaves[0] if other_leaves else (other, "__first__"))
        out.append((app, names[app], ops, deps, leaves[0][1] if leaves else None, not leaves))
    return out


def _chopped(changes: DetectedChanges, old: ProjectState, graph: Any, user_model: str,
             name: str | None) -> list[Planned]:
    """Apps that depend on each other's operations: Django's split into several migrations (``chop``)."""
    chunks = chop(changes, old, lambda app: next(iter(graph.leaf_nodes(app)), None), user_model)
    names: dict[tuple[str, int], str] = {}
    out: list[Planned] = []
    for chunk in chunks:
        leaves = graph.leaf_nodes(chunk.app)
        index = sum(1 for key in names if key[0] == chunk.app)
        suggested = name or suggest_name(chunk.operations, not leaves)
        names[(chunk.app, index)] = f"{next_number(leaves) + index:04d}_{suggested}"
        previous = names[(chunk.app, index - 1)] if index else (leaves[0][1] if leaves else None)
        deps: set = {d if isinstance(d, str) or isinstance(d[1], str) else (d[0], names[d]) for d in chunk.dependencies}
        deps |= {(chunk.app, previous)} if previous else set()
        out.append((chunk.app, names[(chunk.app, index)], chunk.operations, deps, previous, not leaves))
    return out


def next_number(leaves: Sequence[tuple[str, str]]) -> int:
    """The number of an app's next migration: one more than its leaf's (``0002`` after ``0001_initial``)."""
    if not leaves:
        return 1
    match = _NUMBER.match(leaves[0][1])
    return (int(match.group(1)) if match else 0) + 1


def write_checked(texts: dict[Path, str], check: Callable[[], None]) -> list[Path]:
    """Write each migration file, then ``check`` (reading them back); any failure removes them all."""
    written: list[Path] = []
    try:
        for path, text in texts.items():
            written.extend(write_atomically(path.parent, {path.name: text}))
        check()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _judge(result: GenerateResult, old: ProjectState, new: ProjectState, changes: DetectedChanges,
           dialect: str) -> None:
    """The safety summary: the tables of the changed apps before and after, diffed into mgen's operations
    (renames from the RenameField / RenameModel written) and judged by the rules, as ``lint`` judges a
    migration file."""
    from ...rules import safety_class
    from .lint import judge
    from .tables import unknown_columns

    calls = [(app, op.call()) for app, ops in changes.operations.items() for op in ops]
    _schema, ops, findings = judge(old, new, calls, dialect, set(changes.operations))
    touched: dict[tuple[str, str], set[str] | None] = {}  # the fields the operations write (None: all)
    for app, written in changes.operations.items():
        for w in written:
            key = (app, str(w.args.get("model_name") or w.args.get("name")).lower())
            if w.kind == "CreateModel" or "model_name" not in w.args or touched.get(key, set()) is None:
                touched[key] = None
            else:
                touched.setdefault(key, set()).add(str(w.args.get("name")))  # type: ignore[union-attr]
    result.notes.extend(n.one_line() for n in unknown_columns(new, dialect, touched))  # left out of the judgement
    result.dialect = dialect
    result.safety = [(safety_class(i, op, findings), op.describe()) for i, op in enumerate(ops)]
    result.findings = findings


def _verify_written(root: Path, settings: str | None, apps: Sequence[str]) -> None:
    """Read the history back from disk: it must now build exactly the models' state (run-time conditions
    taken true, as the first reading took them: the answer was the same either way)."""
    project = load_project(root, settings)
    project.evaluator.world = World()
    wanted = set(apps)
    old = replay_project(project, scoped=True).only(wanted)
    new = read_models_state(project, scoped=True).only(wanted)
    scoped.raise_refused(old)
    scoped.raise_refused(new)
    left = old.differences(new)
    if left:
        raise MgenError(f"the written migration does not read back as the models (a bug in mgen; please report "
                        f"it): {left[0]}", str(root))
