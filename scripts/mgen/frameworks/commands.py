"""``mgen migrate`` in a Django or Alembic project: the framework's own command, printed, then run.

    status    python manage.py showmigrations            alembic history --indicate-current
    run       python manage.py migrate [APP]             alembic upgrade head
    rollback  python manage.py migrate APP <previous>    alembic downgrade -1
    create    mgen generate --name NAME (the models' change as the framework's own migration)

Before ``run``, the migrations not applied yet are linted (``mgen lint`` on the project; only the pending ones
are reported, asked of the framework itself: ``showmigrations --plan`` / ``alembic current``) and an error
finding stops the run unless ``--yes``. A database that looks like production (a remote host, a name with
prod/live; read statically from the settings' ``DATABASES`` or ``alembic.ini``) needs ``--yes`` too.
The project's own Python runs the command (its ``.venv``/``venv``/``env`` when there is one), from the
project folder, its output passed through. ``--dry-run`` prints the command and runs nothing.
"""
from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import sys
from pathlib import Path

from ..errors import MgenError

# reading the configuration for the guard is best effort: what cannot be read says 'unknown'
_quiet = contextlib.suppress(MgenError, OSError, AttributeError, TypeError)


def project_python(root: Path) -> str:
    for name in (".venv", "venv", "env"):
        for candidate in (root / name / "bin" / "python", root / name / "Scripts" / "python.exe"):
            if candidate.is_file():
                return str(candidate)
    return sys.executable


def command(framework: str, action: str, root: Path, name: str | None) -> list[str]:
    """The framework's own command line for ``action``."""
    python = project_python(root)
    if framework == "django":
        manage = [python, "manage.py"]
        if action == "status":
            return [*manage, "showmigrations"]
        if action == "run":
            return [*manage, "migrate", *([name] if name else [])]
        if action == "rollback":
            if not name:
                raise MgenError("migrate rollback in a Django project needs the APP whose last migration to undo")
            return [*manage, "migrate", name, _django_previous(root, name)]
    elif framework == "alembic":
        alembic = [python, "-m", "alembic"]
        if action == "status":
            return [*alembic, "history", "--indicate-current"]
        if action == "run":
            return [*alembic, "upgrade", name or "head"]
        if action == "rollback":
            return [*alembic, "downgrade", name or "-1"]
    if action == "create":
        if not name:
            raise MgenError("migrate create needs a NAME")
        return [sys.executable, "-m", "mgen.cli", "generate", str(root), "--name", name]
    raise MgenError(f"migrate {action} is not known for {framework} projects")


def _django_previous(root: Path, app: str) -> str:
    """The migration before the app's leaf (``zero`` when the leaf is its first)."""
    from .django.project import load_project
    from .django.replay import read_migrations

    project = load_project(root)
    graph, _ = read_migrations(project, {app})
    leaves = graph.leaf_nodes(app)
    if not leaves:
        raise MgenError(f"app {app!r} has no migrations to roll back")
    return graph.previous(leaves[0])


def database_hint(framework: str, root: Path) -> str | None:
    """A URL-like description of the configured database, for the production guard (None: unknown)."""
    if framework == "alembic":
        from .alembic.config import read_config

        with _quiet:
            return read_config(root / "alembic.ini").url
        return None
    from .django.project import load_project

    with _quiet:
        project = load_project(root)
        default = (project.settings.get("DATABASES") or {}).get("default") or {}
        host, name = default.get("HOST") or "localhost", default.get("NAME") or ""
        scheme = project.database_dialect  # from DATABASES' ENGINE
        if scheme is None or not isinstance(host, str) or not isinstance(name, str):
            return None
        return f"sqlite:///{name}" if scheme == "sqlite" else f"{scheme}://{host}/{Path(name).name}"
    return None


def pending_findings(framework: str, root: Path, python: str) -> list[str]:
    """Error and warning findings on the migrations not applied yet, one line each."""
    from .detect import detect

    pending = _pending_files(framework, root, python)
    if not pending:
        return []
    dialect = detect(root).dialect
    if dialect is None:
        return []
    if framework == "django":
        from .django.lint import lint_django

        report = lint_django(root, dialect)
    else:
        from .alembic.lint import lint_alembic

        report = lint_alembic(root, dialect)
    return [f"{Path(f.file).name}:{f.line}: {f.severity} {f.rule}: {f.message}" for f in report.findings
            if f.severity in ("error", "warning") and any(Path(f.file).stem.startswith(p) for p in pending)]


def _pending_files(framework: str, root: Path, python: str) -> list[str]:
    """File-name prefixes of the migrations the framework says are not applied."""
    if framework == "django":
        done = _run_quiet([python, "manage.py", "showmigrations", "--plan"], root)
        return [line.split("]", 1)[1].strip().split(".", 1)[1] for line in done.splitlines()
                if line.startswith("[ ]") and "." in line]
    current = _run_quiet([python, "-m", "alembic", "current"], root).split()
    from .alembic.project import open_project
    from .alembic.revisions import read_graph

    config = open_project(root).config
    graph = read_graph(list(config.version_locations), config.recursive_version_locations)
    applied: set[str] = set()
    todo = [rev for rev in current if rev in graph.revisions]
    while todo:  # every ancestor of the current revisions is applied (merges included)
        rev = todo.pop()
        if rev not in applied:
            applied.add(rev)
            todo.extend(d for d in graph.revisions[rev].down if d in graph.revisions)
    return [r for r in graph.revisions if r not in applied]


def _run_quiet(cmd: list[str], root: Path) -> str:
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise MgenError(f"{shlex.join(cmd)} failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return done.stdout


def migrate(framework: str, action: str, root: Path, name: str | None, *, dry_run: bool, yes: bool,
            guard) -> int:
    """Print and run the framework's command; ``guard(url) -> reason | None`` is the production check."""
    cmd = command(framework, action, root, name)
    if action in ("run", "rollback") and not dry_run and not yes:
        hint = database_hint(framework, root)
        try:
            reason = guard(hint) if hint else None
        except MgenError:  # a URL the guard cannot read says nothing either way
            reason = None
        if reason:
            raise MgenError(f"the project's database looks like production ({reason}); pass --yes to {action} it")
    if action == "run" and not dry_run:
        findings = pending_findings(framework, root, cmd[0])
        if findings:
            print("lint of the pending migrations:")
            print("\n".join(f"  {line}" for line in findings))
            if any(" error " in f" {line} " for line in findings) and not yes:
                raise MgenError("a pending migration has an error finding (above); fix it, or pass --yes to run anyway")
    print(f"$ {shlex.join(cmd)}", flush=True)
    if dry_run:
        return 0
    return subprocess.run(cmd, cwd=root, check=False, env={**os.environ}).returncode
