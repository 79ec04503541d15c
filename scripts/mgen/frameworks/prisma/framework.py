"""Prisma behind the framework interface (``frameworks.base``).

Found by its schema (``detection.py``: package.json's ``prisma.schema``, ``prisma/schema.prisma``, a
``prisma/schema/`` folder); the dialect is the datasource's provider, checked against
``migration_lock.toml``. The desired state is the schema read statically (``psl.py`` -> ``datamodel.py`` ->
the SQL Prisma would write from empty, ``ddl.py``, read by mgen's SQL reader); the current state is the fold of
``migrations/*/migration.sql`` in folder order through the same reader. ``generate`` writes the next migration
folder (``writer.py``) with a ``down.sql`` beside it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import MgenError
from ..base import Framework

if TYPE_CHECKING:
    from ..records import Detection, Options, State, Written, WrittenMigration


class PrismaFramework(Framework):
    name = "prisma"
    title = "Prisma"
    capabilities = frozenset({"generate", "migrate", "docs"})
    found_by = "prisma/schema.prisma"
    migrate_example = "npx prisma migrate deploy"

    def __init__(self) -> None:
        # folds of migrations folders, by their files' paths, sizes and times: the desired state keeps what
        # Prisma leaves alone in the fold (``unmanaged.py``) without folding the history twice
        self._folded: dict[tuple, Any] = {}

    def detect(self, root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
        from ..records import Detection
        from .detection import find_layout, lock_provider

        layout = find_layout(root)
        if layout is None:
            return None
        sources.extend(layout.schema_files())
        # the lock file names the provider without parsing the schema (the early exit of `check` stays light);
        # generate checks it against the datasource's
        provider, where = lock_provider(layout), None
        if provider is not None:
            where = layout.migrations.joinpath("migration_lock.toml").relative_to(root).as_posix()
        else:
            provider, where = _provider(layout)
        rel = layout.schema.relative_to(root).as_posix()
        evidence.append(line := f"{rel}: Prisma schema, provider {provider}")
        return Detection(root, self.name, provider, layout.schema, dialect_source=where, dialect_detail=line,
                         by_files=True)

    # -- scope (check / status) ----------------------------------------------------------------------
    def schema_rules(self, root: Path, detection: Any) -> list:
        from ...scope import PathRule, inside
        from .detection import find_layout

        layout = find_layout(root)
        if layout is None:
            return []
        rules = [PathRule(inside(root, layout.migrations) or "", ("*",), True)]
        if layout.schema.is_dir():
            rules.append(PathRule(inside(root, layout.schema) or "", ("*.prisma",), True))
        else:
            rules.append(PathRule(inside(root, layout.schema.parent) or "", (layout.schema.name,)))
        return rules

    def last_migrations(self, root: Path, detection: Any, scope: Any, deps: list[Path]) -> list[dict]:
        from ...projectcache import relative
        from .detection import find_layout

        layout = find_layout(root)
        if layout is None:
            return []
        deps.append(layout.migrations)
        folders = layout.migration_folders()
        if not folders:
            return []
        last = folders[-1]
        return [{"scope": relative(root, layout.migrations), "name": last.name,
                 "path": relative(root, last / "migration.sql")}]

    def last_line(self, items: list[dict]) -> str:
        return f"last migration: {Path(items[-1]['path']).parent.name}" if items else "last migration: none yet"

    # -- states ----------------------------------------------------------------------------------------
    def dialect_of(self, options: Options) -> str:
        provider, _ = _provider(_layout(options.project))
        if options.dialect and options.dialect != provider:
            raise MgenError(f"--dialect {options.dialect} disagrees with the Prisma datasource's provider {provider}")
        return provider

    def desired_state(self, options: Options) -> State:
        from ..records import State
        from .column_order import prisma_column_order
        from .unmanaged import keep_unmanaged

        layout = _layout(options.project)
        provider, _ = _provider(layout)
        current = (self._folded.get(_fold_key(layout)) or folded_schema(layout, provider))[0]
        desired = prisma_column_order(current, keep_unmanaged(current, desired_schema(layout, current)), provider)
        return State(desired, [], "static Prisma schema")

    def current_state(self, options: Options) -> State:
        from ..records import State
        from .detection import lock_provider

        layout = _layout(options.project)
        provider, where = _provider(layout)
        locked = lock_provider(layout)
        if locked is not None and locked != provider:
            raise MgenError(f"migration_lock.toml says provider {locked!r} but the datasource ({where}) says "
                            f"{provider!r}: Prisma refuses such a history too", str(layout.migrations / "migration_lock.toml"))
        schema, notes = self._folded[_fold_key(layout)] = folded_schema(layout, provider)
        return State(schema, notes, "migrations folded")

    def write(self, plan: Any, options: Options) -> Written:
        from ...plan import auto_name
        from ..records import Written
        from . import writer

        layout = _layout(options.project)
        fks = {fk.name for t in (*plan.old.tables, *plan.new.tables) for fk in t.foreign_keys}
        up, down = writer.quoted_statements(plan)
        if options.dry_run:
            return Written(preview=writer.render(up, fks))
        name = options.name or auto_name(plan.ops)
        files = writer.write(layout.migrations, name, up, down, fks, plan.dialect)
        return Written(files, json_extra={"rollback_then": f"npx prisma migrate resolve --rolled-back "
                                                          f"{files[0].parent.name}"})

    # -- migrate, tests, docs ----------------------------------------------------------------------------
    def migrate_command(self, action: str, root: Path, name: str | None, python: str) -> list[str]:
        commands = {"run": ["npx", "prisma", "migrate", "deploy"], "status": ["npx", "prisma", "migrate", "status"]}
        if action == "rollback" and name:
            return ["npx", "prisma", "migrate", "resolve", "--rolled-back", name]
        if action not in commands:
            raise self.unsupported(f"migrate {action}")
        return commands[action]

    def written_migrations(self, data: dict, project: Path, files: list[Path]) \
            -> tuple[list[WrittenMigration], Any]:
        from ..records import WrittenMigration

        up = files[0]
        label = up.parent.name
        return [WrittenMigration(up, label, "npx prisma migrate deploy",
                                 f"run {label}/down.sql, then npx prisma migrate resolve --rolled-back {label}")], None


def _layout(root: Path):
    from .detection import find_layout

    layout = find_layout(root)
    if layout is None:
        raise MgenError("no Prisma schema found (prisma/schema.prisma, prisma/schema/, package.json prisma.schema)",
                        str(root))
    return layout


def _fold_key(layout) -> tuple:
    files = [f / "migration.sql" for f in layout.migration_folders()]
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def read_blocks(layout) -> list:
    from .psl import parse

    blocks = []
    for path in layout.schema_files():
        blocks += parse(path.read_text(encoding="utf-8"), str(path))
    return blocks


def _provider(layout) -> tuple[str, str]:
    from .datamodel import _Resolver

    blocks = read_blocks(layout)
    resolver = _Resolver(blocks)
    source = next(b for b in blocks if b.kind == "datasource")
    return resolver.provider, Path(source.file).relative_to(layout.root).as_posix()


def desired_schema(layout, current=None):
    """The schema ``prisma migrate`` would build from the project's Prisma schema; with the ``current`` state,
    implicit many-to-many tables take the key the history gives them (``_AB_unique`` before Prisma 6)."""
    from ...sources.sql import read_sql_text
    from . import ddl
    from .datamodel import resolve

    legacy = current is not None and any(
        t.name.startswith("_") and t.primary_key is None and any(i.name.endswith("_AB_unique") for i in t.indexes)
        for t in current.tables)
    model = resolve(read_blocks(layout), legacy)
    return read_sql_text(ddl.render(model), model.provider, filename=str(layout.schema))


def folded_schema(layout, dialect: str) -> tuple[Any, list[str]]:
    """The schema the project's migration.sql files build, applied in folder order, and notes. Objects a
    migration makes in a PostgreSQL schema other than ``public`` are outside what Prisma compares (without
    ``multiSchema`` its migrate diff reads the datasource's default schema only): skipped and named in a note."""
    from ...schema import Schema
    from ...sources.sql import read_sql_text

    schema = Schema()
    skipped: dict[str, list[str]] = {}
    for folder in layout.migration_folders():
        path = folder / "migration.sql"
        schema = read_sql_text(path.read_text(encoding="utf-8"), dialect, schema, str(path), skipped_schemas=skipped)
    notes = [f"{len(where)} statement(s) on schema {namespace!r} (first at {where[0]}) left out: Prisma compares "
             "the public schema only" for namespace, where in sorted(skipped.items())]
    return schema, notes
