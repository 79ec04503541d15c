"""``generate`` for a framework whose change is a list of mgen operations: the shared flow and its report.

``generate_from_states`` is ``Framework.generate``'s default: the current state (``current_state``: a replayed
history, a folder, or the models at ``--from-diff REF``) and the desired one (``desired_state``) diffed into
operations, judged (``Plan``), proven on a scratch database with ``--verify``, then written by the framework's
``write`` (nothing when the verification fails). ``framework_sql`` is ``--format`` in a framework project: the
same change as raw SQL. ``PlanReport`` is what every such flow answers, printed one way for all.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MgenError
from .records import GenerateReport, Options, State, Written

if TYPE_CHECKING:
    from ..operations import Operation
    from ..plan import Plan, SeriesPlan
    from ..schema import Schema
    from ..verify import VerifyReport
    from .base import Framework


@dataclass
class NoChanges(GenerateReport):
    """Nothing to write: one line (also under ``--json``, as generate always answered it), then the notes
    the states were read with: "no changes" rests on them (a baseline taken from the models, a revision
    replayed only in part), so they are never left out."""

    notes: Sequence[str] = ()

    def to_json(self) -> dict[str, Any] | None:  # type: ignore[override]
        return None

    def lines(self) -> list[str]:
        return ["no changes: nothing written"] + [f"note: {note}" for note in self.notes]


@dataclass
class PlanReport(GenerateReport):
    """A ``Plan`` (or a zero-downtime ``SeriesPlan``) written, or not, by a framework: its summary, notes,
    verification and files."""

    plan: Plan | SeriesPlan
    written: Written
    head: dict[str, Any] = field(default_factory=dict)  # keys first in --json (framework or format)
    notes: list[str] | None = None  # None: the flow has no notes (and --json no "notes" key)
    verify: VerifyReport | None = None
    verified: bool | None = None
    states: dict[str, str] | None = None  # which strategy read each side ({"current": ..., "desired": ...})

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return 1 if self.verified is False else 0

    def to_json(self) -> dict[str, Any]:
        out = self.plan.to_dict()
        out.update(self.head)
        out.update({"files": [str(p) for p in self.written.files], "verified": self.verified})
        if self.notes is not None:
            out["notes"] = self.notes
        if self.verify is not None:
            out["verify"] = self.verify.to_dict()
        if self.states is not None:
            out["states"] = self.states
        out.update(self.written.json_extra)
        return out

    def lines(self) -> list[str]:
        out = list(self.plan.summary_lines())
        out += [f"note: {note}" for note in self.notes or []]
        if self.verify is not None:
            out.append(self.verify.format_text(brief=True))
        if self.written.files:
            out += ["wrote:", *(f"  {p}" for p in self.written.files)]
        elif self.verified is False:
            out.append("verification failed: nothing written")
        else:
            out.append("dry run: nothing written")
            if self.written.preview is not None:
                out.append(self.written.preview)
        return out


@dataclass
class SqlReport(GenerateReport):
    """``--format`` in a framework project: the change as raw SQL, printed or written into ``--migrations``."""

    plan: Plan
    files: list[Path]
    notes: list[str]

    def to_json(self) -> dict[str, Any]:
        out = self.plan.to_dict()
        out.update({"files": [str(p) for p in self.files], "notes": list(self.notes)})
        return out

    def lines(self) -> list[str]:
        out = list(self.plan.summary_lines()) + [f"note: {note}" for note in self.notes]
        if self.files:
            return out + ["wrote:", *(f"  {p}" for p in self.files)]
        return out + sql_preview(self.plan)


def sql_preview(plan: Plan) -> list[str]:
    from ..plan import sql_block

    return ["-- up", sql_block(plan.up), "-- down", sql_block(plan.down)]


def generate_from_states(framework: Framework, options: Options) -> GenerateReport:
    from ..dialects import get_dialect
    from ..differ import DiffResult, diff
    from ..plan import Plan

    framework.check_options(options)
    dialect = framework.dialect_of(options)
    options.dialect = dialect
    current = framework.current_state(options)
    if options.data_migration:  # a data-only migration: the batched backfills, no schema change
        result = DiffResult(data_operations(options, current.schema))
        new = State(current.schema, [], "the current state and the backfills")
    else:
        new = framework.desired_state(options)
        new = State(new.schema.keeping_extensions(current.schema), new.notes, new.strategy)
        if options.format:
            return framework_sql(options, current.schema, new.schema, dialect, current.notes + new.notes)
        result = diff(current.schema, new.schema, get_dialect(dialect), options.renames)
    if not result.operations:
        return NoChanges(notes=current.notes + new.notes)
    plan = Plan(current.schema, result.operations, dialect, result.suggestions)
    report, verified = verify_plan(plan, options)
    written = framework.write(plan, options) if verified is not False else Written()
    notes = current.notes + new.notes + ([] if options.data_migration else drift_notes(options))
    return PlanReport(plan, written, {"framework": framework.name}, notes, report, verified,
                      {"current": current.strategy, "desired": new.strategy})


def verify_plan(plan: Plan, options: Options) -> tuple[VerifyReport | None, bool | None]:
    """``--verify``: the plan proven on a scratch database (``--db`` or SQLite); (None, None) without it."""
    if not options.verify:
        return None, None
    from ..verify import verify_statements

    report = verify_statements(plan.old, plan.new, plan.up, plan.down, plan.dialect, options.db,
                               destructive=plan.destructive, operations=plan.ops)
    return report, report.ok


def framework_sql(options: Options, current: Schema, new: Schema, dialect: str, notes: Sequence[str]) \
        -> GenerateReport:
    """The change from what the framework's migrations build to what its models describe, as raw SQL for the
    dialect: printed, or written as a migration of that format into ``--migrations DIR`` (the framework's own
    folder is left alone)."""
    from ..dialects import get_dialect
    from ..differ import diff
    from ..formats import canonical_format, write_migration
    from ..plan import Plan, auto_name

    result = diff(current, new, get_dialect(dialect), options.renames)
    if not result.operations:
        return NoChanges()
    plan = Plan(current, result.operations, dialect, result.suggestions)
    paths: list[Path] = []
    if options.migrations and not options.dry_run:
        name = (options.name or auto_name(plan.ops)).replace(" ", "_")
        folder = Path(options.migrations)
        paths = write_migration(folder if folder.is_absolute() else options.project / folder,
                                canonical_format(options.format), name, plan.up, plan.down, dialect,
                                header=[op.describe() for op in plan.ops])
    return SqlReport(plan, paths, list(notes))


def drift_notes(options: Options) -> list[str]:
    """The drift at ``--base``, as a note (nothing when there is none, or outside git; why, when the base
    did not read)."""
    from .drift import drift

    found = drift(options.project, options.base, settings=options.settings, dialect=options.dialect)
    return [found.summary()] if found is not None and (found.lines or found.error) else []


def data_operations(options: Options, current: Schema) -> list[Operation]:
    """``--data-migration``: one batched backfill per ``--backfill``, on columns the current schema has."""
    from ..operations import Backfill
    from ..plan import backfills, batch_size

    assert options.dialect is not None
    values = backfills(options.backfill, options.dialect)
    if not values:
        raise MgenError("--data-migration needs at least one --backfill TABLE.COLUMN=SQL")
    ops: list[Operation] = []
    for (table, column), value in values.items():
        if not current.has_table(table):
            raise MgenError(f"--backfill {table}.{column}: no table {table!r} in the migrations")
        if not current.table(table).has_column(column):
            raise MgenError(f"--backfill {table}.{column}: table {table!r} has no column {column!r}")
        ops.append(Backfill(table, column, value, batch_size=batch_size(options.batch_size)))
    return ops


def schema_at(project: Path, schema: str, base: str, dialect: str) -> Schema:
    """The desired-state file ``schema`` as git has it at ``base`` (a file new since then: no tables)."""
    from ..sources import load_schema
    from .drift import base_tree

    path = Path(schema).resolve()
    with base_tree(project, base, ("*.sql", "*.yaml", "*.yml")) as old:
        try:
            rel = path.relative_to(Path(project).resolve())
        except ValueError:
            raise MgenError("--from-diff: the --schema file must be inside the project folder", schema) from None
        if not (old / rel).exists():
            from ..schema import Schema

            return Schema()
        return load_schema(str(old / rel), dialect)
