"""``mgen migrate run`` on a raw-SQL folder lints the migrations it is about to apply (commands/migrate.md).

The whole folder is linted in version order (``lint.lint_paths``: each migration judged against what the
earlier ones built, and in a transaction or not as the runner will run it), and the findings on the pending
migrations' up files are the ones that count: errors and warnings are shown before anything runs, and an
error stops the run unless ``--yes`` (as in a framework project: ``frameworks/commands.py``). SQL the linter
cannot read does not stop the run: one line says lint could not judge it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import MgenError
from .formats import Migration

REFUSAL = "a pending migration has an error finding ({first}); fix it, or pass --yes to run anyway"


def pending_findings(folder: str | Path, dialect: str, pending: Sequence[Migration]) -> tuple[list[str], str | None]:
    """(the error and warning findings on ``pending``'s up files, one line each; the first error's line, or
    None). A line saying why when the folder's SQL cannot be linted."""
    from .lint import lint_paths

    wanted = {Path(m.paths[0]).resolve() for m in pending}
    if not wanted:
        return [], None
    try:
        report = lint_paths([folder], dialect)
    except MgenError as e:
        return [f"lint could not judge the migrations: {e.one_line()}"], None
    found = [f for f in report.findings if f.severity in ("error", "warning") and Path(f.file).resolve() in wanted]
    lines = [f"{f.file}:{f.line}: {f.severity} {f.rule}: {f.message}" for f in found]
    return lines, next((line for f, line in zip(found, lines) if f.severity == "error"), None)


def vetter(folder: str | Path, dialect: str, *, yes: bool, show: Callable[[list[str]], None]) \
        -> Callable[[Sequence[Migration]], None]:
    """What ``runner.run`` calls with the pending migrations before running any: ``show`` gets the findings
    (when there are), and an error finding raises MgenError unless ``yes``."""
    def vet(pending: Sequence[Migration]) -> None:
        lines, error = pending_findings(folder, dialect, pending)
        if lines:
            show(lines)
        if error is not None and not yes:
            raise MgenError(REFUSAL.format(first=error))
    return vet
