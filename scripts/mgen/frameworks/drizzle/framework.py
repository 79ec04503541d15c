"""Drizzle ORM behind the framework interface (``frameworks.base``).

Found by ``drizzle.config.ts`` (``detection.py``: its object literal read statically: dialect, schema, out).
The desired state is the TypeScript schema read with tree-sitter (``reader.py`` + ``columns.py`` -> ``model.py``) as the SQL
drizzle-kit would write from empty (``ddl.py``) read by mgen's SQL reader; the current state is the fold of the
journal's SQL files (``history.py``). ``generate`` writes the next ``NNNN_<name>.sql``, its journal entry and
its snapshot, and a down file (``writer.py``). PostgreSQL and SQLite; the other dialects are refused by name.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import MgenError
from ..base import Framework

if TYPE_CHECKING:
    from ..records import Detection, Options, State, Written, WrittenMigration


class DrizzleFramework(Framework):
    name = "drizzle"
    title = "Drizzle"
    capabilities = frozenset({"generate", "migrate", "docs"})
    found_by = "drizzle.config.ts"
    migrate_example = "npx drizzle-kit migrate"

    def detect(self, root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
        from ..records import Detection
        from .detection import config_file, read_config

        file = config_file(root)
        if file is None:
            return None
        sources.append(file)
        config = read_config(root)
        evidence.append(line := f"{file.name}: Drizzle config, dialect {config.dialect}")
        return Detection(root, self.name, config.dialect, file, dialect_source=file.name, dialect_detail=line,
                         by_files=True)

    # -- scope (check / status) ----------------------------------------------------------------------
    def schema_rules(self, root: Path, detection: Any) -> list:
        from ...scope import PathRule, inside
        from .detection import read_config

        config = read_config(root)
        if config is None:
            return []
        from .reader import module_files

        rules = [PathRule(inside(root, config.out) or "", ("*",), True), PathRule(inside(root, config.file.parent) or "", (config.file.name,))]
        for f in module_files(config.schema_files(), root, config.dialect):
            folder = inside(root, f.parent)
            if folder is not None:  # a module outside the project (another workspace package) is not watched
                rules.append(PathRule(folder, (f.name,)))
        return rules

    def rules_depend_on(self, root: Path, detection: Any) -> list[Path] | None:
        return None  # the modules a schema file re-exports can change with any edit: found anew each run

    def last_migrations(self, root: Path, detection: Any, scope: Any, deps: list[Path]) -> list[dict]:
        from ...projectcache import relative
        from .history import read_journal

        config = _config(root)
        deps.append(config.out)
        journal = read_journal(config.out)
        if not journal.entries:
            return []
        last = journal.sql_files()[-1]
        return [{"scope": relative(root, config.out), "name": last.stem, "path": relative(root, last)}]

    def last_line(self, items: list[dict]) -> str:
        return f"last migration: {items[-1]['name']}" if items else "last migration: none yet"

    # -- states ----------------------------------------------------------------------------------------
    def dialect_of(self, options: Options) -> str:
        config = _config(options.project)
        if options.dialect and options.dialect != config.dialect:
            raise MgenError(f"--dialect {options.dialect} disagrees with the Drizzle config's dialect "
                            f"{config.dialect}", str(config.file))
        return config.dialect

    def desired_state(self, options: Options) -> State:
        from ..records import State

        return State(desired_schema(_config(options.project)), [], "static Drizzle schema")

    def current_state(self, options: Options) -> State:
        """drizzle-kit's last snapshot, the schema its ``generate`` diffs against; the journal's SQL files
        folded only to say where a migration edited by hand made the database differ from it (left alone, as
        drizzle-kit leaves it). Before the first migration: empty."""
        from ...sources.sql import read_sql_text
        from ..records import State
        from . import ddl
        from .history import folded_schema, last_snapshot, read_journal
        from .snapshot_read import read_snapshot

        config = _config(options.project)
        journal = read_journal(config.out)
        if journal.dialect not in (None, config.dialect, "pg" if config.dialect == "postgresql" else None):
            raise MgenError(f"the journal's dialect {journal.dialect!r} is not the config's {config.dialect}",
                            str(journal.path))
        data = last_snapshot(journal)
        if data is None:
            return State(folded_schema(journal, config.dialect), [], "drizzle-kit journal folded")
        where = journal.last_snapshot()
        schema = read_sql_text(ddl.render(read_snapshot(data, where), config.dialect), config.dialect,
                               filename=str(where))
        notes = _history_notes(journal, schema, config.dialect, where)
        return State(schema, notes, "drizzle-kit snapshot")

    def write(self, plan: Any, options: Options) -> Written:
        from ...plan import auto_name
        from ..prisma.writer import quoted_statements  # the same logic: the dialect's rendering, always quoted
        from ..records import Written
        from . import writer
        from .history import read_journal
        from .reader import read_schema

        config = _config(options.project)
        up, down = quoted_statements(plan)
        if options.dry_run:
            return Written(preview=writer.render(up))
        journal = read_journal(config.out)
        files = writer.write(journal, options.name or auto_name(plan.ops), up, down,
                             read_schema(config.schema_files(), config.root, config.dialect), config.dialect)
        return Written(files, json_extra={"down_file": str(files[1])})

    # -- migrate, docs ---------------------------------------------------------------------------------
    def migrate_command(self, action: str, root: Path, name: str | None, python: str) -> list[str]:
        if action == "run":
            return ["npx", "drizzle-kit", "migrate"]
        raise self.unsupported(f"migrate {action}")

    def written_migrations(self, data: dict, project: Path, files: list[Path]) \
            -> tuple[list[WrittenMigration], Any]:
        from ..records import WrittenMigration

        up = files[0]
        return [WrittenMigration(up, up.stem, "npx drizzle-kit migrate",
                                 f"run {files[1].relative_to(project)} by hand, then delete the "
                                 f"__drizzle_migrations row of {up.stem} and its journal entry")], None


def _config(root: Path):
    from .detection import read_config

    config = read_config(root)
    if config is None:
        raise MgenError("no drizzle.config.ts (or .js/.mjs/.cjs) found", str(root))
    return config


def _history_notes(journal, snapshot_schema, dialect: str, where: Path) -> list[str]:
    """Where the SQL files build another schema than the last snapshot says (a migration edited by hand, a
    custom migration): one note, with the first differences."""
    from ...dialects import get_dialect
    from ...differ import diff
    from .history import folded_schema

    try:
        folded = folded_schema(journal, dialect)
    except MgenError as e:
        return [f"the journal's SQL files were not folded to compare with {where.name} ({e})"]
    ops = diff(snapshot_schema, folded, get_dialect(dialect)).operations
    if not ops:
        return []
    shown = "; ".join(op.describe() for op in ops[:5]) + ("; ..." if len(ops) > 5 else "")
    note = (f"the journal's SQL files build {len(ops)} difference(s) from {where.name} (migrations edited by "
            f"hand; drizzle-kit does not see them either, left alone): {shown}")
    return [note]


def desired_schema(config):
    """The schema drizzle-kit's SQL for the project's TypeScript schema builds from an empty database."""
    from ...sources.sql import read_sql_text
    from . import ddl
    from .reader import read_schema

    model = read_schema(config.schema_files(), config.root, config.dialect)
    return read_sql_text(ddl.render(model, config.dialect), config.dialect, filename=str(config.schema_files()[0]))
