"""What ``generate --with-docs`` / ``--with-tests`` (``--full``: both) write beside a new migration.

- **A deployment guide**, ``<migration>.deploy.md`` next to the (first) migration file: the risk (each
  operation's safety class and the findings above info), the lock/duration estimates the findings carry
  (with ``--db``), the order of deploy steps (a destructive change: stop using it first), the rollback plan
  (the framework's own command) and what to watch while it runs.
- **A test in the project's own idiom** for each migration written (Django: one per app's migration; a
  SQL folder: one for the migrations of the run) that applies it, reverses it and applies it again on a
  scratch database, comparing the whole schema each time (every table's columns with their types,
  nullability and defaults, its indexes and constraints, as the database reports them): what the project's
  framework writes (``Framework.written_migrations``: test cases its own test runner finds, from its
  templates).

Both are built from what ``generate --json`` reports (the files written, each operation's safety class,
the findings), so they describe exactly what was written. Written atomically, all or none (the caller
removes the migration too when one cannot be written); an existing file is never overwritten.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import MgenError
from .formats import render_template, write_atomically
from .frameworks.records import WrittenMigration

# what rules._sizing adds to a finding's message when --db gave the table's size: "(150,000 rows, ~3 s to rewrite)"
_SIZES = re.compile(r"\([\d,]+ rows(?:, ~\d+ s to rewrite)?\)")


def companions(data: dict, project: Path, rows: list[tuple[str, str]], *, docs: bool, tests: bool) -> list[Path]:
    """Write the guide and/or the test for the migration(s) ``generate --json`` reported in ``data``."""
    files = [Path(f) for f in data.get("files", [])]
    if not files:
        return []
    from .frameworks.registry import fallback, get

    framework = data.get("framework") or data.get("format") or "sql"
    project = Path(project).resolve()
    owner = get(framework) or fallback()
    written, tests_of = owner.written_migrations(data, project, files)
    out: list[Path] = []
    try:
        if docs:
            lint = owner.lint_target(project, written)
            out.append(_write(files[0].with_name(files[0].name.split(".")[0] + ".deploy.md"),
                              _guide(data, framework, written, rows, lint)))
        if tests:
            for path, text in tests_of():
                out.append(_write(path, text))
    except BaseException:  # all of them or none: what was written goes again
        for path in out:
            path.unlink(missing_ok=True)
        raise
    return out


# -- the guide -----------------------------------------------------------------------------------------
def _guide(data: dict, framework: str, migrations: list[WrittenMigration], rows: list[tuple[str, str]],
           lint: Path) -> str:
    findings = [f for f in _findings(data) if f.get("severity") in ("error", "warning")]
    classes = {klass for klass, _ in rows}
    risk = ("not judged: the dialect is unknown (generate with --dialect)" if "" in classes else
            "destructive: data can be lost" if "destructive" in classes else
            "needs care: locks or rewrites a table, or can fail on existing rows" if "needs care" in classes else
            "low: every operation is safe")
    steps = ["Take a backup (or a snapshot) you can restore from."]
    if "destructive" in classes:
        steps.append("Deploy application code that no longer reads or writes what this migration drops, and wait "
                     "until every old instance is gone.")
    if "needs care" in classes:
        steps.append("Run it at a quiet hour; a lock on a busy table queues every query behind it.")
    steps += [f"Apply: `{m.apply}`." for m in migrations]
    steps.append("Check the application and the schema (`mgen status`), then deploy the code that uses the new "
                 "schema.")
    irreversible = ("The down cannot bring back data the up removed: restore the backup for that."
                    if "destructive" in classes else "")
    tables = sorted({w.split(".")[0] for _, text in rows
                     for w in re.findall(r"\b(?:table|column|index on|on)\s+([\w.]+)", text)})
    monitor = [("Lock waits while it runs (PostgreSQL: `pg_stat_activity` rows with `wait_event_type = 'Lock'`; "
                "MySQL: `SHOW PROCESSLIST`, `Waiting for table metadata lock`).")]
    if tables:
        monitor.append("Query latency and errors on " + ", ".join(f"`{t}`" for t in tables[:8]) + ".")
    monitor.append("Replication lag on replicas, and the application's error rate, until the next deploy.")
    estimates = [f["message"] for f in _findings(data) if _SIZES.search(f.get("message", ""))]
    title = ", ".join(m.label for m in migrations)
    return render_template("deploy_guide.md.j2", title=title, framework=framework, dialect=data.get("dialect"),
                           lint=lint,
                           migrations=migrations, risk=risk, rows=rows, findings=findings, estimates=estimates,
                           steps=steps, irreversible=irreversible, monitor=monitor)


def _findings(data: dict) -> list[dict[str, Any]]:
    if "steps" in data:
        return [f for step in data["steps"] for f in step.get("findings", [])]
    return list(data.get("findings", []))


def _write(path: Path, text: str) -> Path:
    if path.exists():
        raise MgenError("already exists; not overwriting it", str(path))
    return write_atomically(path.parent, {path.name: text})[0]
