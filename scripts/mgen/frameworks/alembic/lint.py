"""`mgen lint` on an Alembic project: each revision's upgrade, replayed statically into operations, is
judged by the same rules as SQL files and mgen's own plans (issue #3 item 7).

Alembic runs the upgrades in a transaction (PostgreSQL), with SQL it renders itself: the rules see the
operations as they see mgen's own (``online`` when the revision asked for ``postgresql_concurrently``).
Data steps the replay cannot read (``op.execute`` of an UPDATE) are reported by the replay as notes.
"""
from __future__ import annotations

from pathlib import Path

from ...lint import LintFinding, LintReport
from ...rules import TableStats, analyze
from .project import open_project
from .replay import replay_steps


def lint_alembic(root: Path, dialect: str | None = None, server_version: tuple[int, ...] | None = None,
                 stats: dict[str, TableStats] | None = None) -> LintReport:
    project = open_project(root, dialect, models=root)  # the models are not needed to judge the history
    steps = replay_steps(list(project.config.version_locations), project.dialect)
    report = LintReport(dialect=project.dialect, files=[str(s.revision.path) for s in steps])
    for step in steps:
        if not step.operations:
            continue
        for f in analyze(step.operations, step.before, project.dialect, server_version=server_version, stats=stats):
            report.findings.append(LintFinding(
                file=str(step.revision.path), line=step.revision.line, rule=f.rule, severity=f.severity,
                message=f.message, safe_alternative=f.safe_alternative, operation=f.operation_description))
    return report
