"""`mgen lint` on a Django project: each of the project's migration files, replayed statically, becomes
the operations between the schema before and after it (``tables.state_schema`` both sides, diffed with the
renames its RenameField / RenameModel operations spell out), judged by the same rules as SQL files and
mgen's own plans (issue #3 item 7). Installed libraries' migrations (``django.contrib``) are replayed, not
judged. RunPython / RunSQL are opaque to the replay and are not judged either.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ...dialects import get_dialect
from ...differ import diff
from ...operations import AddColumn, Operation
from ...rules import Finding, TableStats, analyze
from ...schema import Default, Schema
from .models import column_name
from .project import load_project
from .replay import MigrationReplayer, read_migrations
from .state import Call, ProjectState
from .tables import Backend, SchemaBuilder, state_schema

if TYPE_CHECKING:  # mgen.lint (the SQL linter) is imported by lint_django only: generate's judge does not need it
    from ...lint import LintReport


def judge(before: ProjectState, after: ProjectState, calls: Sequence[tuple[str, Call]], dialect: str,
          app_labels: set[str] | None = None, server_version: tuple[int, ...] | None = None,
          stats: dict[str, TableStats] | None = None) -> tuple[Schema, list[Operation], list[Finding]]:
    """The change from ``before`` to ``after`` (the states around Django operations ``calls``, each with
    its app label) as mgen's operations on the tables of ``app_labels``, and the rules' findings on them:
    what ``lint`` says of a migration file and ``generate`` of the migration it writes."""
    old, new = state_schema(before, dialect, app_labels), state_schema(after, dialect, app_labels)
    ops = diff(old, new, get_dialect(dialect), _renames(calls, before, after, dialect)).operations
    ops = _filled_at_add(ops, _added_with_default(calls, after, dialect))
    return old, ops, analyze(ops, old, dialect, server_version=server_version, stats=stats)


def _added_with_default(calls: Sequence[tuple[str, Call]], after: ProjectState, dialect: str) \
        -> dict[tuple[str, str], Default]:
    """(table, column) -> the value of each AddField whose field has a ``default`` (its own, or the one-off
    of ``preserve_default=False``): Django's schema editor adds such a column with that DEFAULT, filling the
    existing rows, and drops the DEFAULT right after (``effective_default``), so the column is not added
    "without a default" as far as the rows are concerned."""
    builder = SchemaBuilder(after, Backend(dialect))
    filled: dict[tuple[str, str], Default] = {}
    for app_label, op in calls:
        if not isinstance(op, Call) or op.name != "AddField":
            continue
        kw = {**dict(zip(("model_name", "name", "field"), op.args)), **op.kw}
        field = kw.get("field")
        model = after.models.get((app_label, str(kw.get("model_name", "")).lower()))
        if not isinstance(field, Call) or "default" not in field.kw or model is None or kw.get("name") not in model.fields:
            continue
        table = builder.table_name(model)
        filled[(table, column_name(model.fields[kw["name"]]))] = _default_of(field.kw["default"])
    return filled


def _default_of(value: object) -> Default:
    if isinstance(value, bool):
        return Default("boolean", "true" if value else "false")
    if isinstance(value, (int, float)):
        return Default("number", repr(value))
    if isinstance(value, str):
        return Default("string", value)
    return Default("expression", "(the field's default)")  # a callable or an object: evaluated once by Django


def _filled_at_add(ops: list[Operation], filled: dict[tuple[str, str], Default]) -> list[Operation]:
    """The AddColumn of a column Django fills at add time, judged with that value as its default."""
    out = []
    for op in ops:
        if isinstance(op, AddColumn) and op.column.default is None and (op.table, op.column.name) in filled:
            op = replace(op, column=replace(op.column, default=filled[(op.table, op.column.name)]))
        out.append(op)
    return out


def lint_django(root: Path, dialect: str, settings: str | None = None, server_version: tuple[int, ...] | None = None,
                stats: dict[str, TableStats] | None = None) -> LintReport:
    from ...lint import LintFinding, LintReport

    project = load_project(root, settings)
    own = {a.label for a in project.project_apps}
    graph, _ = read_migrations(project)
    replay = MigrationReplayer(project)
    report = LintReport(dialect=dialect)
    for key in graph.full_plan():
        m = graph.nodes[key]
        judged = m.app_label in own
        before_state = copy.deepcopy(replay.state) if judged else None
        replay.apply_file(m)
        if not judged:
            continue
        report.files.append(str(m.path))
        calls = [(m.app_label, op) for _line, op in m.operations]
        _old, _ops, findings = judge(before_state, replay.state, calls, dialect,
                                     server_version=server_version, stats=stats)
        for f in findings:
            report.findings.append(LintFinding(
                file=str(m.path), line=m.line, rule=f.rule, severity=f.severity, message=f.message,
                safe_alternative=f.safe_alternative, operation=f.operation_description))
    return report


def _renames(calls: Sequence[tuple[str, Call]], before: ProjectState, after: ProjectState, dialect: str) -> list[str]:
    """``--rename`` hints (``table.old=new``, ``old_table=new_table``) for the RenameField / RenameModel
    among ``calls``."""
    builder = SchemaBuilder(before, Backend(dialect))
    hints = []
    for app_label, op in calls:
        if not isinstance(op, Call):
            continue
        kw = {**dict(zip(("model_name", "old_name", "new_name"), op.args)), **op.kw}
        model = before.models.get((app_label, str(kw.get("model_name", kw.get("old_name", ""))).lower()))
        if op.name == "RenameField" and model is not None and kw.get("old_name") in model.fields:
            old_field = model.fields[kw["old_name"]]
            new_column = column_name(replace(old_field, name=kw["new_name"]))
            hints.append(f"{builder.table_name(model)}.{column_name(old_field)}={new_column}")
        elif op.name == "RenameModel":
            old_model = before.models.get((app_label, str(op.args[0] if op.args else kw.get("old_name")).lower()))
            new_model = after.models.get((app_label, str(op.args[1] if len(op.args) > 1
                                                         else kw.get("new_name")).lower()))
            if old_model is not None and new_model is not None:
                old_table, new_table = builder.table_name(old_model), SchemaBuilder(
                    after, Backend(dialect)).table_name(new_model)
                if old_table != new_table:
                    hints.append(f"{old_table}={new_table}")
    return hints
