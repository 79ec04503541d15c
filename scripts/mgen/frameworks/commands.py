"""``mgen migrate`` in a framework project: the framework's own command (``Framework.migrate_command``:
``status``, ``run``, ``rollback``), printed, then run; ``create`` is ``mgen generate --name NAME``.

Before ``run``, the migrations not applied yet are linted (``mgen lint`` on the project; only the pending ones
are reported, asked of the framework itself: ``Framework.pending_migrations``) and an error finding stops the
run unless ``--yes``. A database that looks like production (a remote host, a name with prod/live, resolved
as the driver resolves it: ``mgen.target``), or one mgen cannot tell (``Framework.database_hint`` gives
None), needs ``--yes`` too.
The project's own Python runs the command (its ``.venv``/``venv``/``env`` when there is one), from the
project folder, its output passed through. ``--dry-run`` prints the command and runs nothing.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from ..errors import MgenError
from .base import Framework


def project_python(root: Path) -> str:
    for name in (".venv", "venv", "env"):
        for candidate in (root / name / "bin" / "python", root / name / "Scripts" / "python.exe"):
            if candidate.is_file():
                return str(candidate)
    return sys.executable


def command(framework: Framework, action: str, root: Path, name: str | None) -> list[str]:
    """The framework's own command line for ``action``."""
    if action == "create":
        if not name:
            raise MgenError("migrate create needs a NAME")
        return [sys.executable, "-m", "mgen.cli", "generate", str(root), "--name", name]
    return framework.migrate_command(action, root, name, project_python(root))


def pending_findings(framework: Framework, root: Path, python: str, dialect: str | None) -> list[str]:
    """Error and warning findings on the migrations not applied yet, one line each (none without a dialect)."""
    pending = framework.pending_migrations(root, python)
    if not pending or dialect is None:
        return []
    report = framework.lint(root, dialect, None, None)
    return [f"{Path(f.file).name}:{f.line}: {f.severity} {f.rule}: {f.message}" for f in report.findings
            if f.severity in ("error", "warning") and any(Path(f.file).stem.startswith(p) for p in pending)]


def run_quiet(cmd: list[str], root: Path) -> str:
    """``cmd``'s output, run in ``root``; MgenError with its last line when it fails."""
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise MgenError(f"{shlex.join(cmd)} failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return done.stdout


def migrate(framework: Framework, action: str, root: Path, name: str | None, *, dry_run: bool, yes: bool,
            guard, dialect: str | None) -> int:
    """Print and run the framework's command; ``guard(url) -> reason | None`` is the production check,
    ``dialect`` the one detection found (the pending migrations are linted for it)."""
    cmd = command(framework, action, root, name)
    if action in ("run", "rollback") and not dry_run and not yes:
        hint = framework.database_hint(root, cmd[0])
        try:
            reason = guard(hint) if hint else "mgen cannot tell which database the project's configuration names"
        except MgenError as e:  # a URL the guard cannot read: it may be anything
            reason = f"mgen cannot read its URL: {e.one_line()}"
        if reason:
            raise MgenError(f"the project's database looks like production ({reason}); pass --yes to {action} it")
    if action == "run" and not dry_run:
        findings = pending_findings(framework, root, cmd[0], dialect)
        if findings:
            print("lint of the pending migrations:")
            print("\n".join(f"  {line}" for line in findings))
            if any(" error " in f" {line} " for line in findings) and not yes:
                raise MgenError("a pending migration has an error finding (above); fix it, or pass --yes to run anyway")
    print(f"$ {shlex.join(cmd)}", flush=True)
    if dry_run:
        return 0
    return subprocess.run(cmd, cwd=root, check=False, env={**os.environ}).returncode
