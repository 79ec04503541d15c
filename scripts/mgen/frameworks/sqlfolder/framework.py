"""Raw-SQL migration folders behind the framework interface (``frameworks.base``).

Found by a folder of golang-migrate, goose or plain migrations under one of ``MIGRATION_FOLDERS``; the
detection names the format. ``generate`` diffs the folder's state (its up files folded; with ``--from-diff
REF`` the ``--schema`` file as of that commit) against ``--schema NEW``, or applies a ``--changes`` list, and
writes the next migration in the folder's format and numbering (``--zero-downtime`` and ``--data-migration``:
a series of them). Its schema files are the folder and ``schema.sql`` / ``schema.yaml`` at the root or in
``db/``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import MgenError
from ..base import Framework

if TYPE_CHECKING:
    from ..records import Detection, GenerateReport, Options, WrittenMigration

# where a raw-SQL migrations folder is looked for (also what the project cache fingerprints for detection)
MIGRATION_FOLDERS = ("migrations", "db/migrations", "migrations/sql", "sql/migrations")
SCHEMA_NAMES = ("schema.sql", "*.schema.sql", "schema.yaml", "schema.yml")


class SqlFolderFramework(Framework):
    name = "sql"
    title = "raw-SQL folder"
    names = ("golang-migrate", "goose", "plain")
    capabilities = frozenset({"generate", "rollback", "tests", "docs"})
    found_by = "migrations folder"
    detection_folders = MIGRATION_FOLDERS
    fallback = True

    def detect(self, root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
        from ...formats import detect_format
        from ..records import Detection

        for rel in MIGRATION_FOLDERS:
            folder = root / rel
            if not folder.is_dir():
                continue
            try:
                fmt = detect_format(folder)
            except MgenError as e:
                evidence.append(f"{rel}: {e.message}")
                continue
            if fmt is not None:
                evidence.append(f"{rel}: {fmt} migrations")
                return Detection(root, fmt, None, folder)
        return None

    # -- scope (check / status) ----------------------------------------------------------------------
    def schema_rules(self, root: Path, detection: Any) -> list:
        from ...scope import PathRule, inside

        rules = [PathRule("", SCHEMA_NAMES), PathRule("db", SCHEMA_NAMES)]
        rel = inside(root, detection.config) if detection.config is not None else None
        if rel:
            rules.insert(0, PathRule(rel, ("*",), True))
        return rules

    def where(self, root: Path, detection: Any, config: str | None) -> str:
        return f"{config}/" if config else "from the dependencies"

    def last_migrations(self, root: Path, detection: Any, scope: Any, deps: list[Path]) -> list[dict]:
        from ...formats import list_migrations
        from ...projectcache import relative

        folder = detection.config
        if folder is None:
            return []
        deps.append(folder)
        migrations = list_migrations(folder, detection.framework)
        if not migrations:
            return []
        m = migrations[-1]
        return [{"scope": relative(root, folder), "name": f"{m.version}_{m.name}", "path": relative(root, m.paths[0])}]

    # -- generate ------------------------------------------------------------------------------------
    def dialect_of(self, options: Options) -> str:
        if options.dialect is None:
            raise MgenError("--dialect is required here (postgresql, mysql or sqlite)")
        return options.dialect

    def generate(self, options: Options) -> GenerateReport:
        from ...dialects import get_dialect
        from ...differ import diff
        from ...formats import canonical_format, detect_format, folder_schema
        from ...plan import Plan, auto_name
        from ...schema import Schema
        from ...sources import load_schema
        from ..generate import NoChanges, PlanReport, data_operations, schema_at, verify_plan
        from ..records import Written

        self.check_options(options)
        dialect = self.dialect_of(options)
        project = options.project
        folder = Path(options.migrations) if options.migrations else project / "migrations"
        if not folder.is_absolute() and options.migrations:
            folder = project / folder if not folder.exists() else folder
        detected = detect_format(folder) if folder.exists() else None
        fmt = canonical_format(options.format) if options.format else detected or "golang-migrate"
        if detected and options.format and detected != fmt:
            raise MgenError(f"{folder} holds {detected} migrations, not {options.format}")
        if options.from_diff and options.schema:  # the schema file as of REF, not the folder's state
            current = schema_at(project, options.schema, options.from_diff, dialect)
        elif options.from_diff:
            raise MgenError("--from-diff goes with --schema (a desired-state file git knows)")
        else:
            current = folder_schema(folder, dialect, fmt) if detected else Schema()
        if options.data_migration:
            if options.schema or options.changes:
                raise MgenError("--data-migration writes data only: give --backfill, not --schema or --changes")
            ops = data_operations(options, current)
            name = options.name or "backfill_" + "_and_".join(f"{op.table}_{op.column}" for op in ops)[:50]
            return _series(options, folder, fmt, current, ops, [], name)
        if bool(options.schema) == bool(options.changes):
            raise MgenError("generate needs exactly one of --schema NEW or --changes FILE")
        if options.schema:
            result = diff(current, load_schema(options.schema, dialect), get_dialect(dialect), options.renames)
            ops, suggestions = result.operations, result.suggestions
        else:
            from ...changes import read_change_list

            ops, suggestions = read_change_list(options.changes, current, dialect), []
        if not ops:
            return NoChanges()
        name = options.name or auto_name(ops)
        if options.zero_downtime:
            return _series(options, folder, fmt, current, ops, suggestions, name)
        if options.backfill:
            raise MgenError("--backfill applies with --zero-downtime or --data-migration")
        plan = Plan(current, ops, dialect, suggestions)
        report, verified = verify_plan(plan, options)
        written = Written()
        if not options.dry_run and verified is not False:
            from ...formats import write_migration

            written.files = write_migration(folder, fmt, name, plan.up, plan.down, dialect,
                                            header=[op.describe() for op in ops])
        else:
            from ..generate import sql_preview

            written.preview = "\n".join(sql_preview(plan))
        return PlanReport(plan, written, {"format": fmt}, None, report, verified)

    def rollback(self, options: Options):
        from ...rollback import sql_folder

        dialect = options.dialect or options.detected_dialect
        if dialect is None:
            raise MgenError("--dialect is required here (postgresql, mysql or sqlite)")
        folder = Path(options.migrations) if options.migrations else options.project / "migrations"
        return sql_folder(folder, dialect, options.format, write=not options.dry_run)

    # -- companions ------------------------------------------------------------------------------------
    def written_migrations(self, data: dict, project: Path, files: list[Path]) \
            -> tuple[list[WrittenMigration], Callable[[], list[tuple[Path, str]]]]:
        from ...formats import detect_format, list_migrations, render_template
        from ..records import WrittenMigration

        folder = files[0].parent if files[0].suffix == ".sql" else files[0].parent.parent
        if detect_format(folder) is None:  # plain: {version}_{name}/up.sql inside the folder
            folder = folder.parent
        fmt = data.get("format") or detect_format(folder) or "golang-migrate"
        every = list_migrations(folder, fmt)
        mine = [m for m in every if any(p.resolve() in {f.resolve() for f in files} for p in m.paths)]
        if not mine:
            raise MgenError("the migrations written are not in the folder's listing", str(folder))
        earlier = [m for m in every if m.number < mine[0].number]
        url = "$DATABASE_URL"
        migrations = [WrittenMigration(m.paths[0], f"{m.version}_{m.name}",
                                       f"mgen migrate run --migrations {folder} --db {url} --target {m.version}",
                                       f"mgen migrate rollback --migrations {folder} --db {url}")
                      for m in mine]

        def tests() -> list[tuple[Path, str]]:  # the migrations of one run (a zero-downtime series): one test
            target = project / "tests" / f"test_migration_{mine[-1].version}_{mine[-1].name}.py"
            rel = Path("..") / folder.resolve().relative_to(project)
            return [(target, render_template(
                "test_migration_sql.py.j2", labels=", ".join(f"{m.version}_{m.name}" for m in mine),
                dialect=data.get("dialect"), folder=repr(rel.as_posix()), format=fmt,
                previous=repr(earlier[-1].version) if earlier else "None", last=mine[-1].version, count=len(mine),
                test_path=target.relative_to(project).as_posix()))]
        return migrations, tests

    def lint_target(self, project: Path, migrations: Sequence[WrittenMigration]) -> Path:
        return migrations[0].path


def _series(options: Options, folder: Path, fmt: str, current: Any, ops: list, suggestions: Sequence[str],
            name: str) -> GenerateReport:
    """``--zero-downtime`` / ``--data-migration``: one migration per step, verified as a whole."""
    from ...formats import write_migrations
    from ...plan import SeriesPlan, backfills, batch_size
    from ..generate import PlanReport
    from ..records import Written

    assert options.dialect is not None
    values = {} if options.data_migration else backfills(options.backfill, options.dialect)
    plan = SeriesPlan(current, ops, options.dialect, suggestions, backfills=values,
                      batch_size=batch_size(options.batch_size))
    verified: bool | None = None
    report = None
    if options.verify:
        from ...verify import verify_series

        report = verify_series(plan.series, plan.old, options.db)
        verified = report.ok
    paths: list[Path] = []
    if not options.dry_run and verified is not False:
        paths = write_migrations(folder, fmt, plan.migrations(name), options.dialect)
    preview = None if paths else "\n".join(plan.sql_lines())
    return PlanReport(plan, Written(paths, preview), {"format": fmt}, None, report, verified)
