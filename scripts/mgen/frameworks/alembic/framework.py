"""Alembic (SQLAlchemy models, Alembic revisions) behind the framework interface (``frameworks.base``).

Found by ``detection.find_layout``: ``alembic.ini`` at the project root, Flask-Migrate's
``migrations/alembic.ini``, or a script folder with no ini. The dialect: the ini's ``sqlalchemy.url`` scheme
(Alembic's template placeholder ``driver://...`` says nothing), else ``dialect_hint`` (a URL in ``env.py`` or
the application's configuration), else the dependencies and docker-compose (``frameworks.detect``). The
desired state is the SQLAlchemy models read statically (``models_entry``); the current one the revision chain
replayed statically, or with ``--from-diff REF`` the models as of that commit. A change is written as a
revision of the head (``writer.write_revision``), with the project's ``alembic`` command for ``/migrate``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import MgenError
from ..base import Framework

if TYPE_CHECKING:
    from ..records import Detection, GenerateReport, Options, State, Written, WrittenMigration

# what in env.py may give the engine another URL than alembic.ini's (the production guard then cannot tell)
ENV_URL_WORDS = ("set_main_option", "os.environ", "getenv", "current_app", "create_engine(")


class AlembicFramework(Framework):
    name = "alembic"
    title = "Alembic"
    packages = ("alembic", "flask-migrate")
    capabilities = frozenset({"generate", "native", "lint", "migrate", "rollback", "drift", "tests", "docs", "source"})
    found_by = "alembic.ini"
    migrate_example = "alembic upgrade head"
    generate_arguments = (
        (("--models",), {"metavar": "PATH", "help": "Alembic projects: the SQLAlchemy models module or package "
                                                     "(default: what env.py imports target_metadata from)"}),
        (("--ini-section",), {"metavar": "NAME", "help": "Alembic projects: the alembic.ini section to read "
                                                          "(Alembic's --name; default [alembic], else the only "
                                                          "section with a script_location)"}),
        (("--baseline-db",), {"metavar": "URL|models",
                              "help": "Alembic projects whose history starts from an SQL baseline (a first revision "
                                      "alters tables no revision creates): the database to read that baseline and its "
                                      "alembic_version from (read only); 'models' takes the baseline from the models, "
                                      "where a change to those tables cannot be seen (default, in a git repository: "
                                      "the models at the parent of the commit that added the first revision)"}),
        (("--head",), {"metavar": "REV", "help": "Alembic projects with several heads: the head whose state the "
                                                 "change is made against"}),
        (("--raw-sql",), {"action": "store_true",
                          "help": "Alembic projects: op.execute(mgen's SQL) for what Alembic's op.* cannot express "
                                  "(otherwise such a change is refused)"}),
    )

    # -- detection ---------------------------------------------------------------------------------
    def detect(self, root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
        from .detection import find_layout

        try:
            layout = find_layout(root)
        except MgenError as e:  # several projects below root: generate says so (from the dependencies)
            evidence.append(f"Alembic: {e.message}")
            return None
        if layout is None:
            return None
        from ..records import Detection

        sources.append(layout.found_by)
        evidence.append(layout.evidence)
        try:
            config = layout.config()
        except MgenError as e:
            evidence.append(f"{_shown(root, layout.found_by)}: {e.message}: dialect unknown")
            return Detection(root, self.name, None, layout.found_by)
        if config.dialect is not None:
            from ...db import redact

            shown = _shown(root, layout.ini)
            evidence.append(line := f"{shown}: sqlalchemy.url is a {config.backend} URL")
            return Detection(root, self.name, config.dialect, layout.found_by, dialect_source=shown,
                             dialect_detail=line, url=redact(config.url) if config.url else None)
        if layout.ini is not None:
            evidence.append(f"{_shown(root, layout.ini)}: its sqlalchemy.url names no dialect "
                            "(set in env.py or left as the template)")
        from .dialect_hint import find_dialect

        env = config.script_location / "env.py"
        if env.is_file():
            sources.append(env)
        hint = find_dialect(root, env, (config.script_location, *config.version_locations), evidence)
        if hint is None:
            return Detection(root, self.name, None, layout.found_by)
        sources.append(hint.path)
        return Detection(root, self.name, hint.dialect, layout.found_by, dialect_source=_shown(root, hint.path),
                         dialect_detail=hint.detail)

    # -- scope (check / status) ----------------------------------------------------------------------
    def schema_rules(self, root: Path, detection: Any) -> list:
        from .scope import alembic_rules

        return alembic_rules(root, detection.config)

    def rules_depend_on(self, root: Path, detection: Any) -> list[Path]:
        from .scope import env_py, ini_path

        ini = ini_path(root, detection.config)
        env = env_py(root, detection.config)
        return [ini] if env is None else [ini, env]

    def where(self, root: Path, detection: Any, config: str | None) -> str:
        if config is None:
            return "no alembic.ini"
        return config if config.endswith(".ini") else f"no alembic.ini; script folder {config}"

    def last_migrations(self, root: Path, detection: Any, scope: Any, deps: list[Path]) -> list[dict]:
        from ...projectcache import relative
        from .detection import find_layout
        from .revisions import read_graph

        layout = find_layout(root)
        if layout is None:
            raise MgenError("no alembic.ini and no Alembic script folder in the project", str(root))
        deps.append(layout.found_by)
        config = layout.config()
        deps += config.version_locations
        for folder in config.version_locations:
            if folder.is_dir():
                deps += sorted(folder.rglob("*.py") if config.recursive_version_locations else folder.glob("*.py"))
        graph = read_graph(list(config.version_locations), config.recursive_version_locations)
        return [{"scope": "head", "name": h, "path": relative(root, graph.revisions[h].path)} for h in graph.heads]

    def last_line(self, items: list[dict]) -> str:
        if not items:
            return "last migration: none yet"
        if len(items) > 1:
            return f"last migration: {len(items)} heads ({', '.join(m['name'] for m in items)}): merge them first"
        return f"last migration: head {items[0]['name']} ({Path(items[0]['path']).name})"

    def dialect_origin(self, source: str) -> str:
        return f"{source} sqlalchemy.url" if source.endswith(".ini") else source

    # -- states and generate -------------------------------------------------------------------------
    def check_options(self, options: Options) -> None:
        super().check_options(options)
        if options.zero_downtime or (options.backfill and not options.data_migration):
            raise MgenError("--zero-downtime applies to SQL migration folders, not yet to Alembic; --backfill goes "
                            "with --data-migration there")

    def _project(self, options: Options, root: Path | None = None):
        from .project import open_project

        models = Path(options.models) if options.models else None
        section = options.ini_section
        if root is None:  # the project itself: opened once per run
            return options.once("alembic-project", lambda: open_project(
                options.project, options.dialect, models, section, options.detected_dialect))
        if models is not None:  # the same models path, inside another copy of the project
            models = root / models.resolve().relative_to(options.project.resolve())
        return open_project(root, options.dialect, models, section, options.detected_dialect)

    def dialect_of(self, options: Options) -> str:
        return self._project(options).dialect

    def current_state(self, options: Options) -> State:
        from ..records import State

        if options.from_diff:  # the models as of REF, not the revisions' state
            from ..drift import base_tree

            with base_tree(options.project, options.from_diff) as old:
                schema, _ = self._project(options, old).models_schema()
            note = (f"--from-diff {options.from_diff}: the change is the models' since then; the revisions were "
                    "not read")
            return State(schema, [note], f"models at {options.from_diff}")
        schema, notes = self._project(options).current_schema(options.head, options.baseline_db)
        return State(schema, notes, "revision replay")

    def desired_state(self, options: Options) -> State:
        from ..records import State

        project = self._project(options)
        schema, notes = project.models_schema(options.head, options.baseline_db)
        if not options.from_diff:
            schema, notes = _as_autogenerate_compares(project, schema, notes, options.head, options.baseline_db)
        return State(schema, notes, "static models")

    def native_generate(self, options: Options) -> GenerateReport:
        """Alembic's own autogenerate through the project's interpreter, on a scratch database (``native``)."""
        from .native import native_generate

        return native_generate(options)

    def write(self, plan: Any, options: Options) -> Written:
        from ...plan import auto_name
        from ..records import Written
        from .writer import write_revision

        message = options.name or auto_name(plan.ops).replace("_", " ")
        project = self._project(options)
        written = write_revision(project.config, plan.ops, plan.old, plan.dialect, message,
                                 dry_run=options.dry_run, raw_sql=options.raw_sql, head=options.head,
                                 declared=project.models_declared())
        if isinstance(written, Path):
            return Written([written])
        return Written(preview=written, json_extra={"revision": written} if options.dry_run and written else {})

    # -- lint, migrate, rollback, drift ------------------------------------------------------------------
    def lint(self, root: Path, dialect: str | None, server_version: tuple[int, ...] | None, stats: Any):
        from .lint import lint_alembic

        return lint_alembic(root, dialect, server_version, stats)

    def migrate_command(self, action: str, root: Path, name: str | None, python: str) -> list[str]:
        alembic = [python, "-m", "alembic"]
        if action == "status":
            return [*alembic, "history", "--indicate-current"]
        if action == "run":
            return [*alembic, "upgrade", name or "head"]
        if action == "rollback":
            return [*alembic, "downgrade", name or "-1"]
        raise self.unsupported(f"migrate {action}")

    def database_hint(self, root: Path, python: str) -> str | None:
        """alembic.ini's ``sqlalchemy.url`` when ``env.py`` takes it from there; None when env.py may set its
        own (``set_main_option``, the environment, a Flask app's configuration): not told statically."""
        from .detection import find_layout

        try:
            layout = find_layout(root)
            env = layout.env_py() if layout is not None else None
            text = env.read_text(encoding="utf-8", errors="replace") if env is not None else ""
            if any(word in text for word in ENV_URL_WORDS):
                return None
            return layout.config().url if layout is not None else None
        except (MgenError, OSError, AttributeError, TypeError):
            return None

    def pending_migrations(self, root: Path, python: str) -> list[str]:
        from ..commands import run_quiet
        from .project import open_project
        from .revisions import read_graph

        current = run_quiet([python, "-m", "alembic", "current"], root).split()
        config = open_project(root, models=root).config  # the models are not needed to list revisions
        graph = read_graph(list(config.version_locations), config.recursive_version_locations)
        applied: set[str] = set()
        todo = [rev for rev in current if rev in graph.revisions]
        while todo:  # every ancestor of the current revisions is applied (merges included)
            rev = todo.pop()
            if rev not in applied:
                applied.add(rev)
                todo.extend(d for d in graph.revisions[rev].down if d in graph.revisions)
        return [r for r in graph.revisions if r not in applied]

    def rollback(self, options: Options):
        from ...rollback import RollbackReport, judge_rollback
        from ...schema import Schema
        from .project import open_project
        from .replay import replay
        from .revisions import read_graph

        project = open_project(options.project, options.dialect, options.project, options.ini_section,
                               options.detected_dialect)  # the models are not read: the revisions are compared
        locations = list(project.config.version_locations)
        graph = read_graph(locations, project.config.recursive_version_locations)
        head = graph.head()
        if head is None:
            raise MgenError("no revision to roll back", str(options.project))
        down = graph.revisions[head].down
        before = replay(locations, project.dialect, upto=down[0]) if len(down) == 1 else Schema()
        if len(down) > 1:
            raise MgenError(f"the head {head} is a merge: roll back with alembic downgrade to the branch you mean")
        after = replay(locations, project.dialect)
        report = RollbackReport(head, "alembic downgrade -1")
        judge_rollback(after, before, project.dialect, report)
        return report

    def drift_lines(self, tree: Path, settings: str | None, dialect: str | None) -> list[str] | None:
        from ...dialects import get_dialect
        from ...differ import diff
        from .project import open_project

        alembic = open_project(tree, dialect)
        current, _ = alembic.current_schema()
        models, notes = alembic.models_schema()
        models, _ = _as_autogenerate_compares(alembic, models, notes, None, None)
        return [op.describe() for op in diff(current, models.keeping_extensions(current),
                                             get_dialect(alembic.dialect)).operations]

    # -- companions ------------------------------------------------------------------------------------
    def written_migrations(self, data: dict, project: Path, files: list[Path]) \
            -> tuple[list[WrittenMigration], Callable[[], list[tuple[Path, str]]]]:
        from ...formats import render_template
        from ..records import WrittenMigration

        path = files[0]
        text = path.read_text(encoding="utf-8")
        rev = _assigned(text, "revision")
        previous = _assigned(text, "down_revision")
        if rev is None:
            raise MgenError("the revision written has no revision id mgen can read", str(path))
        message = (text.splitlines() or [""])[0].strip('"').strip()
        migrations = [WrittenMigration(path, rev, f"alembic upgrade {rev}", f"alembic downgrade {previous or 'base'}")]

        def tests() -> list[tuple[Path, str]]:  # one revision per generate: one test
            target = project / "tests" / f"test_migration_{rev}.py"
            ini = Path("..") / "alembic.ini"
            return [(target, render_template("test_migration_alembic.py.j2", rev=rev, previous=previous or "base",
                                             message=message, dialect=data.get("dialect"),
                                             ini=repr(ini.as_posix()), test_path=target.relative_to(project).as_posix()))]
        return migrations, tests

    def read_source(self, path: Path, dialect: str):
        """SQLAlchemy models as a schema source: a ``.py`` module, or a folder of Python modules and no SQL
        files, read statically (never imported)."""
        is_models = path.suffix == ".py" if path.is_file() else \
            any(path.rglob("*.py")) and not any(path.rglob("*.sql"))
        if not is_models:
            return None
        from ..sqlalchemy import read_models

        return read_models(path, dialect)


def _shown(root: Path, path: Path | None) -> str:
    """``path`` relative to ``root`` (POSIX), as status and the evidence show it."""
    if path is None:
        return "."
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _assigned(text: str, name: str) -> str | None:
    found = re.search(rf"^{name}(?:\s*:\s*[^=]+)?\s*=\s*(?:['\"]([^'\"]*)['\"]|None)", text, re.MULTILINE)
    return found.group(1) if found and found.group(1) else None


def _as_autogenerate_compares(project: Any, schema: Any, notes: list[str], head: str | None,
                              baseline_db: str | None) -> tuple[Any, list[str]]:
    """The models' schema where what autogenerate does not see as changed is no change (said in a note): a type
    argument the model leaves out (on SQLite, either side: it keeps none), a primary key (compare_primary_keys),
    an expression index under a pinned SQLAlchemy 1.x on PostgreSQL (compare_expression_indexes)."""
    from . import compare_expression_indexes as expression_indexes
    from .compare_primary_keys import as_autogenerate_compares_keys
    from .compare_types import as_autogenerate_compares

    try:
        replayed, _ = project.current_schema(head, baseline_db)
    except MgenError:
        return schema, notes  # the history's refusal is current_state's, with its file and line
    schema, types = as_autogenerate_compares(schema, replayed, either_side=project.dialect == "sqlite")
    schema, keys = as_autogenerate_compares_keys(schema, replayed)
    notes = [*notes, *types, *keys]
    if expression_indexes.applies(project.root, project.dialect):
        schema, more = expression_indexes.as_autogenerate_compares_expression_indexes(schema, replayed)
        notes = [*notes, *more]
    return schema, notes
