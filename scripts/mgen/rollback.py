"""``generate --rollback``: what undoing the project's last migration does, and the down it lacks.

The last migration is the newest file of a raw-SQL folder, the head revision of an Alembic project, or in a
Django project the newest migration of ``--rollback-app`` (default: the app whose newest migration file was
written last). The schema after it and before it are built the way ``generate`` builds the current one (the
folder's up files folded, the revisions or migrations replayed statically) and diffed from after to before:
those are the operations the down performs, judged like any plan (a down that drops a table is
destructive). Printed with the framework's own rollback command.

A raw-SQL migration whose down is missing or empty gets it written (golang-migrate's ``.down.sql``, plain's
``down.sql``): the SQL of those operations, so every migration has a down. Goose keeps both directions in one
file, which is not rewritten: the down SQL is printed to paste into its ``-- +goose Down`` section.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import MgenError
from .schema import Schema


@dataclass
class RollbackReport:
    migration: str
    command: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    down_sql: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"rollback of {self.migration}: {self.command}"]
        out += [f"{klass:<12} {text}" for klass, text in self.rows] or ["no operation on the database"]
        out += [f"  {f['severity']} {f['rule']}: {f['message']}" for f in self.findings
                if f["severity"] in ("error", "warning")]
        out += [f"note: {n}" for n in self.notes]
        if self.written:
            out += ["wrote:", *[f"  {p}" for p in self.written]]
        return out

    def to_dict(self) -> dict:
        return {"migration": self.migration, "command": self.command,
                "operations": [{"safety": k, "description": d} for k, d in self.rows], "findings": self.findings,
                "down": self.down_sql, "files": [str(p) for p in self.written], "notes": self.notes}


def _judged(after: Schema, before: Schema, dialect: str, report: RollbackReport) -> None:
    from .dialects import get_dialect, render_migration
    from .differ import diff
    from .rules import analyze, safety_class

    ops = diff(after, before, get_dialect(dialect)).operations
    findings = analyze(ops, after, dialect)
    report.rows = [(safety_class(i, op, findings), op.describe()) for i, op in enumerate(ops)]
    report.findings = [f.to_dict() for f in findings]
    report.down_sql = render_migration(ops, after, get_dialect(dialect))[0] if ops else []


# -- raw-SQL folders ---------------------------------------------------------------------------------
def sql_folder(folder: Path, dialect: str, fmt: str | None, *, write: bool) -> RollbackReport:
    from .formats import detect_format, fold_migrations, list_migrations, statements_of

    fmt = fmt or detect_format(folder)
    migrations = list_migrations(folder, fmt) if fmt else []
    if not migrations:
        raise MgenError("no migration to roll back", str(folder))
    before = fold_migrations(migrations[:-1], dialect)
    last = migrations[-1]
    after = fold_migrations([last], dialect, before)
    report = RollbackReport(f"{last.version}_{last.name}", f"mgen migrate rollback --migrations {folder} --db URL")
    _judged(after, before, dialect, report)
    if statements_of(_sql_only(last.down_sql)):
        return report
    if fmt == "goose":
        report.notes.append("its -- +goose Down section is empty: paste the down SQL below into it")
        report.notes.extend(f"{s};" for s in report.down_sql)
        return report
    target = last.paths[1] if len(last.paths) > 1 else (
        last.paths[0].with_name(last.paths[0].name.replace(".up.sql", ".down.sql")) if fmt == "golang-migrate"
        else last.paths[0].with_name("down.sql"))
    if write:
        from .formats import header_lines, render_template

        header = header_lines(dialect, ["down written by mgen generate --rollback"])
        text = render_template("sql_file.sql.j2", header=header, statements=statements_of(report.down_sql))
        target.write_text(text, encoding="utf-8")
        report.written.append(target)
    else:
        report.notes.append(f"{target.name} is missing or empty: generate --rollback without --dry-run writes it")
    return report


def _sql_only(sql: str) -> list[str]:
    return [line for line in sql.splitlines() if line.strip() and not line.strip().startswith("--")]


# -- Alembic -----------------------------------------------------------------------------------------
def alembic(root: Path, dialect: str | None) -> RollbackReport:
    from .frameworks.alembic.project import open_project
    from .frameworks.alembic.replay import replay
    from .frameworks.alembic.revisions import read_graph

    project = open_project(root, dialect)
    locations = list(project.config.version_locations)
    graph = read_graph(locations, project.config.recursive_version_locations)
    head = graph.head()
    if head is None:
        raise MgenError("no revision to roll back", str(root))
    down = graph.revisions[head].down
    before = replay(locations, project.dialect, upto=down[0]) if len(down) == 1 else Schema()
    if len(down) > 1:
        raise MgenError(f"the head {head} is a merge: roll back with alembic downgrade to the branch you mean")
    after = replay(locations, project.dialect)
    report = RollbackReport(head, "alembic downgrade -1")
    _judged(after, before, project.dialect, report)
    return report


# -- Django ------------------------------------------------------------------------------------------
def django(root: Path, dialect: str | None, app_label: str | None, settings: str | None) -> RollbackReport:
    from .frameworks.django.lint import judge
    from .frameworks.django.project import load_project
    from .frameworks.django.replay import Replay, read_migrations

    if dialect is None:
        raise MgenError("the settings name no database engine mgen knows: give --dialect")
    project = load_project(root, settings)
    graph, files = read_migrations(project)
    own = {a.label for a in project.project_apps}
    candidates = [m for m in files if m.app_label in own and (app_label is None or m.app_label == app_label)]
    if not candidates:
        raise MgenError(f"no migration to roll back{f' in app {app_label!r}' if app_label else ''}", str(root))
    if app_label is None:
        app_label = max(candidates, key=lambda m: m.path.stat().st_mtime).app_label
    [leaf] = graph.leaf_nodes(app_label) or [None]
    if leaf is None:
        raise MgenError(f"no migration to roll back in app {app_label!r}", str(root))
    undone = {leaf}  # the leaf and every migration after it (migrate APP PREVIOUS unapplies them too)
    todo = [leaf]
    while todo:
        for child in graph.children(todo.pop()):
            if child not in undone:
                undone.add(child)
                todo.append(child)
    after_replay, before_replay = Replay(project), Replay(project)
    for key in graph.full_plan():
        after_replay.apply_file(graph.nodes[key])
        if key not in undone:
            before_replay.apply_file(graph.nodes[key])
    report = RollbackReport(f"{app_label}.{leaf[1]}", f"python manage.py migrate {app_label} {graph.previous(leaf)}")
    apps = {key[0] for key in undone}
    _schema, ops, findings = judge(after_replay.state, before_replay.state, [], dialect, apps)
    from .rules import safety_class

    report.rows = [(safety_class(i, op, findings), op.describe()) for i, op in enumerate(ops)]
    report.findings = [f.to_dict() for f in findings]
    return report
