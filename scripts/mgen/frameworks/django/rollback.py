"""``generate --rollback`` in a Django project: what undoing an app's newest migration does.

The app is ``--rollback-app`` (default: the app whose newest migration file was written last); its leaf and
every migration after it (``migrate APP PREVIOUS`` unapplies them too) are undone. The states with and without
them are replayed statically and judged like any plan.
"""
from __future__ import annotations

from pathlib import Path

from ...errors import MgenError
from ...rollback import RollbackReport


def rollback_report(root: Path, dialect: str | None, app_label: str | None, settings: str | None) -> RollbackReport:
    from .lint import judge
    from .project import load_project
    from .replay import MigrationReplayer, read_migrations

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
    after_replay, before_replay = MigrationReplayer(project), MigrationReplayer(project)
    for key in graph.full_plan():
        after_replay.apply_file(graph.nodes[key])
        if key not in undone:
            before_replay.apply_file(graph.nodes[key])
    report = RollbackReport(f"{app_label}.{leaf[1]}", f"python manage.py migrate {app_label} {graph.previous(leaf)}")
    apps = {key[0] for key in undone}
    _schema, ops, findings = judge(after_replay.state, before_replay.state, [], dialect, apps)
    from ...rules import safety_class

    report.rows = [(safety_class(i, op, findings), op.describe()) for i, op in enumerate(ops)]
    report.findings = [f.to_dict() for f in findings]
    return report
