"""Django behind the framework interface (``frameworks.base``).

Found by ``manage.py`` and the settings it names (``detection``). The desired state is the models read
statically, the current one the migration history replayed statically; ``generate`` is Django's own kind of
change (``writer.generate``: the autodetector's operations, one migration per changed app, written with
Django's names and checked by replaying them), not a diff of two schemas, and its report is its own
(``DjangoReport``). ``/migrate`` runs ``manage.py migrate`` / ``showmigrations`` with the project's Python.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import MgenError
from ..base import Framework

if TYPE_CHECKING:
    from ..records import Detection, GenerateReport, Options, State, WrittenMigration

_MIGRATION = re.compile(r"^(\d+)_\w*\.py$")
# the project cache entries (name, kind, format): the history as replayed, each app's models as read
HISTORY_ENTRY = ("django-history.json", "django-history", 1)
MODELS_ENTRY = ("django-models.json", "django-models", 1)
_NO_DIALECT = "the settings name no database engine mgen knows: give --dialect"


class DjangoFramework(Framework):
    name = "django"
    title = "Django"
    packages = ("django",)
    capabilities = frozenset({"generate", "native", "lint", "migrate", "rollback", "drift", "tests", "docs", "source"})
    found_by = "manage.py"
    migrate_example = "python manage.py migrate"
    cache_entries = (HISTORY_ENTRY, MODELS_ENTRY)
    generate_arguments = (
        (("--settings",), {"metavar": "MODULE",
                           "help": "Django projects: the settings module (default: the one manage.py names)"}),
        (("--default",), {"action": "append", "default": [], "metavar": "app.Model.field=VALUE",
                          "help": "Django projects: the one-off default for a field added NOT NULL (or made NOT NULL) "
                                  "without one, as makemigrations asks for it: a Python literal or timezone.now"}),
        (("--app",), {"action": "append", "default": [], "dest": "apps", "metavar": "APP",
                       "help": "Django: generate only for this app (repeatable), as makemigrations APP; an app "
                               "mgen cannot read blocks only itself"}),
        (("--rollback-app",), {"metavar": "APP",
                               "help": "Django: the app whose last migration (default: the newest file written)"}),
    )

    # -- detection and scope -------------------------------------------------------------------------
    def detect(self, root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
        from .detection import detect_django

        return detect_django(root, evidence, sources)

    def schema_rules(self, root: Path, detection: Any) -> list:
        from .scope import schema_rules

        return schema_rules(root)

    def rules_depend_on(self, root: Path, detection: Any) -> None:
        return None  # a new app adds rules without any configuration file changing: walked every run

    def where(self, root: Path, detection: Any, config: str | None) -> str:
        return f"settings {config}" if config else "manage.py names no settings file"

    def dialect_origin(self, source: str) -> str:
        return f"{source} DATABASES ENGINE"

    def last_migration_folders(self, root: Path, scope: Any) -> set[str]:
        from ...projectcache import relative

        return {relative(root, root / a / "migrations") for a in _apps(scope)}

    def last_migrations(self, root: Path, detection: Any, scope: Any, deps: list[Path]) -> list[dict]:
        from ...projectcache import relative

        out = []
        for app in _apps(scope):
            folder = root / app / "migrations" if app else root / "migrations"
            deps.append(folder)
            label = app.rsplit("/", 1)[-1] if app else root.name
            try:
                names = [n for n in os.listdir(folder) if _MIGRATION.match(n)]
            except OSError:
                names = []
            if not names:
                out.append({"scope": label, "name": None, "path": None})
                continue
            newest = max(names, key=lambda n: (int(_MIGRATION.match(n).group(1)), n))  # type: ignore[union-attr]
            out.append({"scope": label, "name": newest[:-3], "path": relative(root, folder / newest)})
        return out

    def last_line(self, items: list[dict]) -> str:
        from ...output import cut

        shown = [f"{m['scope']} {m['name'] or '(none)'}" for m in items]
        return "last migration: " + (cut(shown, 90) if shown else "no app with a migrations package")

    # -- states and generate -------------------------------------------------------------------------
    def check_options(self, options: Options) -> None:
        if options.from_diff:
            raise MgenError("--from-diff applies to a --schema file and to Alembic models; a Django project's change "
                            "is its models against its migrations, and a model change committed without its "
                            "migration is reported as drift")
        if options.zero_downtime or options.verify or options.raw_sql or options.models or \
                (options.backfill and not options.data_migration):
            raise MgenError("--zero-downtime, --verify, --raw-sql and --models do not apply to Django projects yet; "
                            "--backfill goes with --data-migration")
        if options.apps and (options.format or options.data_migration):
            raise MgenError("--app applies to the migrations generate writes from the models; --format and "
                            "--data-migration take the whole project")

    def dialect_of(self, options: Options) -> str:
        dialect = options.dialect or options.detected_dialect
        if dialect is None:
            raise MgenError(_NO_DIALECT)
        return dialect

    def current_state(self, options: Options) -> State:
        from ..records import State
        from .replay import replay_project
        from .tables import state_schema

        state = replay_project(_project(options))
        return State(state_schema(state, self.dialect_of(options)), [], "migration replay")

    def desired_state(self, options: Options) -> State:
        from ..records import State
        from .replay import models_state
        from .tables import state_schema

        state = models_state(_project(options))
        return State(state_schema(state, self.dialect_of(options)), [n.one_line() for n in state.notes],
                     "static models")

    def generate(self, options: Options) -> GenerateReport:
        from .report import DjangoReport

        dialect = options.dialect or options.detected_dialect
        if options.data_migration:
            from ..generate import data_operations
            from .data import write_data_migration

            if dialect is None:
                raise MgenError("the settings name no database engine mgen knows: give --dialect (the backfill's "
                                "SQL is the database's own)")
            options.dialect = dialect
            return DjangoReport(write_data_migration(options.project, lambda current: data_operations(options, current),
                                                     dialect, name=options.name, dry_run=options.dry_run,
                                                     settings=options.settings))
        if options.format:
            from ..generate import framework_sql

            dialect = self.dialect_of(options)
            old, new = self.current_state(options), self.desired_state(options)
            return framework_sql(options, old.schema, new.schema, dialect, new.notes)
        from ..generate import drift_notes
        from .writer import generate

        name = options.name.replace(" ", "_") if options.name else None
        result = generate(options.project, name=name, renames=options.renames, dry_run=options.dry_run,
                          settings=options.settings, dialect=dialect, defaults=options.defaults, apps=options.apps)
        if result and dialect is None:
            result.notes.append("no safety summary: the settings name no database engine mgen knows (give --dialect)")
        if result:
            result.notes.extend(drift_notes(options))
        return DjangoReport(result)

    def native_generate(self, options: Options) -> GenerateReport:
        """Django's own ``makemigrations`` through the project's interpreter (``native``)."""
        from .native import native_generate

        return native_generate(options)

    # -- lint, migrate, rollback, drift ------------------------------------------------------------------
    def lint(self, root: Path, dialect: str | None, server_version: tuple[int, ...] | None, stats: Any):
        from ..detect import detect
        from .lint import lint_django

        dialect = dialect or detect(root).dialect
        if dialect is None:
            raise MgenError(_NO_DIALECT)
        return lint_django(root, dialect, None, server_version, stats)

    def migrate_command(self, action: str, root: Path, name: str | None, python: str) -> list[str]:
        manage = [python, "manage.py"]
        if action == "status":
            return [*manage, "showmigrations"]
        if action == "run":
            return [*manage, "migrate", *([name] if name else [])]
        if action == "rollback":
            if not name:
                raise MgenError("migrate rollback in a Django project needs the APP whose last migration to undo")
            return [*manage, "migrate", name, _previous(root, name)]
        raise self.unsupported(f"migrate {action}")

    def database_hint(self, root: Path, python: str) -> str | None:
        """``DATABASES["default"]`` as the settings give it when ``manage.py migrate`` runs: asked of Django in
        the project's interpreter with this environment (settings often read it: a static reading would take
        a default branch the run does not); migrate runs the project's code anyway."""
        from .native_settings import database_url

        return database_url(root, python)

    def pending_migrations(self, root: Path, python: str) -> list[str]:
        from ..commands import run_quiet

        done = run_quiet([python, "manage.py", "showmigrations", "--plan"], root)
        return [line.split("]", 1)[1].strip().split(".", 1)[1] for line in done.splitlines()
                if line.startswith("[ ]") and "." in line]

    def rollback(self, options: Options):
        from .rollback import rollback_report

        return rollback_report(options.project, options.dialect or options.detected_dialect, options.rollback_app,
                               options.settings)

    def drift_lines(self, tree: Path, settings: str | None, dialect: str | None) -> list[str] | None:
        from . import worlds
        from .autodetect import detect as autodetect
        from .project import load_project
        from .replay import models_state, replay_project
        from .runtime_conditions import World

        def lines(world: World) -> list[str]:
            project = load_project(tree, settings)
            project.evaluator.world = world  # run-time conditions read both ways, as generate reads them
            apps = [a.label for a in project.project_apps
                    if a.migrations_path is not None and (a.migrations_path / "__init__.py").is_file()]
            changes = autodetect(replay_project(project), models_state(project), apps)
            return [op.describe() for ops in changes.operations.values() for op in ops]

        first = World()
        found = lines(first)
        if first.hits:  # the drift must be the same whichever way they go, else it is not known
            refused, _ = worlds.settle(first, {"project": found}, lambda w: ({"project": lines(w)}, {}),
                                       lambda _file: "project")
            if refused:
                raise refused["project"]
        return found

    # -- companions and mgen diff sources -------------------------------------------------------------
    def written_migrations(self, data: dict, project: Path, files: list[Path]) \
            -> tuple[list[WrittenMigration], Callable[[], list[tuple[Path, str]]]]:
        """The writer's report names each file's app and the app's migration before it (``previous``); one test
        per migration written, beside its app's ``migrations`` folder."""
        from ...formats import render_template
        from ..records import WrittenMigration

        written = {path: data["previous"][str(path)] for path in files}
        migrations = [WrittenMigration(path, f"{w['app']}.{path.stem}",
                                       f"python manage.py migrate {w['app']} {path.stem}",
                                       f"python manage.py migrate {w['app']} {w['migration'] or 'zero'}")
                      for path, w in written.items()]

        def test(path: Path) -> tuple[Path, str]:
            app, previous, name = written[path]["app"], written[path]["migration"], path.stem
            target = path.parent.parent / f"test_migration_{name}.py"
            module = ".".join(target.relative_to(project).with_suffix("").parts)
            return target, render_template("test_migration_django.py.j2", app=app, name=name, module=module,
                                           previous=repr(previous), class_name=_class_name(name))
        return migrations, lambda: [test(path) for path in files]

    def read_source(self, path: Path, dialect: str):
        if not (path.is_dir() and ((path / "models.py").is_file() or (path / "models" / "__init__.py").is_file())):
            return None
        from .tables import app_schema

        return app_schema(path, dialect)


def _project(options: Options):
    """The project ``options`` name, loaded once per run."""
    from .project import load_project

    return options.once("django-project", lambda: load_project(options.project, options.settings))


def _apps(scope: Any) -> list[str]:
    """The apps ``scope`` found (the folders of its ``migrations`` rules)."""
    return sorted(r.folder.rsplit("/", 1)[0] if "/" in r.folder else "" for r in scope.rules
                  if r.folder == "migrations" or r.folder.endswith("/migrations"))


def _previous(root: Path, app: str) -> str:
    """The migration before the app's leaf (``zero`` when the leaf is its first)."""
    from .project import load_project
    from .replay import read_migrations

    graph, _ = read_migrations(load_project(root), {app})
    leaves = graph.leaf_nodes(app)
    if not leaves:
        raise MgenError(f"app {app!r} has no migrations to roll back")
    return graph.previous(leaves[0])


def _class_name(name: str) -> str:
    return "Migration" + "".join(part.capitalize() for part in re.split(r"\W+|_", name) if part) + "Test"

