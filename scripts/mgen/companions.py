"""What ``generate --with-docs`` / ``--with-tests`` (``--full``: both) write beside a new migration.

- **A deployment guide**, ``<migration>.deploy.md`` next to the (first) migration file: the risk (each
  operation's safety class and the findings above info), the lock/duration estimates the findings carry
  (with ``--db``), the order of deploy steps (a destructive change: stop using it first), the rollback plan
  (the framework's own command) and what to watch while it runs.
- **A test in the project's own idiom** that applies the migration, reverses it and applies it again on a
  scratch database, comparing the schema each time: Django, a ``TransactionTestCase`` on the test database
  (``<app>/test_migration_<name>.py``, found by ``manage.py test``); Alembic, a pytest test driving
  ``alembic.command`` on a temporary SQLite file or ``TEST_DATABASE_URL`` (``tests/``); a raw-SQL folder, a
  pytest test running the folder with mgen's runner on an mgen scratch database (``tests/``).

Both are built from what ``generate --json`` reports (the files written, each operation's safety class,
the findings), so they describe exactly what was written. Written atomically; an existing file is never
overwritten.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import MgenError
from .formats import render_template, write_atomically

# what rules._sizing adds to a finding's message when --db gave the table's size: "(150,000 rows, ~3 s to rewrite)"
_SIZES = re.compile(r"\([\d,]+ rows(?:, ~\d+ s to rewrite)?\)")


@dataclass
class WrittenMigration:
    path: Path
    label: str  # what the rollback command names
    apply: str
    rollback: str


def companions(data: dict, project: Path, rows: list[tuple[str, str]], *, docs: bool, tests: bool) -> list[Path]:
    """Write the guide and/or the test for the migration(s) ``generate --json`` reported in ``data``."""
    files = [Path(f) for f in data.get("files", [])]
    if not files:
        return []
    framework = data.get("framework") or data.get("format") or "sql"
    project = Path(project).resolve()
    describe = {"django": _django, "alembic": _alembic}.get(framework, _sql)
    written, test = describe(data, project, files)
    out: list[Path] = []
    if docs:
        out.append(_write(files[0].with_name(files[0].name.split(".")[0] + ".deploy.md"),
                          _guide(data, framework, written, rows, project)))
    if tests:
        path, text = test()
        out.append(_write(path, text))
    return out


# -- per framework: the migrations written, their commands, and the test --------------------------------
def _django(data: dict, project: Path, files: list[Path]):
    """The writer's report names each file's app and the app's migration before it (``previous``)."""
    written = {path: data["previous"][str(path)] for path in files}
    migrations = [WrittenMigration(path, f"{w['app']}.{path.stem}", f"python manage.py migrate {w['app']} {path.stem}",
                                   f"python manage.py migrate {w['app']} {w['migration'] or 'zero'}")
                  for path, w in written.items()]

    def test() -> tuple[Path, str]:
        path = files[0]
        app, previous, name = written[path]["app"], written[path]["migration"], path.stem
        target = path.parent.parent / f"test_migration_{name}.py"
        module = ".".join(target.relative_to(project).with_suffix("").parts)
        return target, render_template("test_migration_django.py.j2", app=app, name=name, module=module,
                                       previous=repr(previous), class_name=_class_name(name))
    return migrations, test


def _alembic(data: dict, project: Path, files: list[Path]):
    path = files[0]
    text = path.read_text(encoding="utf-8")
    rev = _assigned(text, "revision")
    previous = _assigned(text, "down_revision")
    if rev is None:
        raise MgenError("the revision written has no revision id mgen can read", str(path))
    message = (text.splitlines() or [""])[0].strip('"').strip()
    migrations = [WrittenMigration(path, rev, f"alembic upgrade {rev}", f"alembic downgrade {previous or 'base'}")]

    def test() -> tuple[Path, str]:
        target = project / "tests" / f"test_migration_{rev}.py"
        ini = Path("..") / "alembic.ini"
        return target, render_template("test_migration_alembic.py.j2", rev=rev, previous=previous or "base",
                                       message=message, dialect=data.get("dialect"), ini=repr(ini.as_posix()),
                                       test_path=target.relative_to(project).as_posix())
    return migrations, test


def _assigned(text: str, name: str) -> str | None:
    found = re.search(rf"^{name}(?:\s*:\s*[^=]+)?\s*=\s*(?:['\"]([^'\"]*)['\"]|None)", text, re.MULTILINE)
    return found.group(1) if found and found.group(1) else None


def _sql(data: dict, project: Path, files: list[Path]):
    from .formats import detect_format, list_migrations

    folder = files[0].parent if files[0].suffix == ".sql" else files[0].parent.parent
    if detect_format(folder) is None:  # plain: {version}_{name}/up.sql inside the folder
        folder = folder.parent
    fmt = data.get("format") or detect_format(folder) or "golang-migrate"
    every = list_migrations(folder, fmt)
    mine = [m for m in every if any(p.resolve() in {f.resolve() for f in files} for p in m.paths)]
    if not mine:
        raise MgenError("the migrations written are not in the folder's listing", str(folder))
    earlier = [m for m in every if m.number < mine[0].number]
    url = "$DATABASE_URL"
    migrations = [WrittenMigration(m.paths[0], f"{m.version}_{m.name}",
                                   f"mgen migrate run --migrations {folder} --db {url} --target {m.version}",
                                   f"mgen migrate rollback --migrations {folder} --db {url}")
                  for m in mine]

    def test() -> tuple[Path, str]:
        target = project / "tests" / f"test_migration_{mine[-1].version}_{mine[-1].name}.py"
        rel = Path("..") / folder.resolve().relative_to(project)
        return target, render_template(
            "test_migration_sql.py.j2", labels=", ".join(f"{m.version}_{m.name}" for m in mine),
            dialect=data.get("dialect"), folder=repr(rel.as_posix()), format=fmt,
            previous=repr(earlier[-1].version) if earlier else "None", last=mine[-1].version, count=len(mine),
            test_path=target.relative_to(project).as_posix())
    return migrations, test


# -- the guide -----------------------------------------------------------------------------------------
def _guide(data: dict, framework: str, migrations: list[WrittenMigration], rows: list[tuple[str, str]],
           project: Path) -> str:
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
    lint = migrations[0].path if framework not in ("django", "alembic") else project
    return render_template("deploy_guide.md.j2", title=title, framework=framework, dialect=data.get("dialect"),
                           lint=lint,
                           migrations=migrations, risk=risk, rows=rows, findings=findings, estimates=estimates,
                           steps=steps, irreversible=irreversible, monitor=monitor)


def _findings(data: dict) -> list[dict[str, Any]]:
    if "steps" in data:
        return [f for step in data["steps"] for f in step.get("findings", [])]
    return list(data.get("findings", []))


def _class_name(name: str) -> str:
    return "Migration" + "".join(part.capitalize() for part in re.split(r"\W+|_", name) if part) + "Test"


def _write(path: Path, text: str) -> Path:
    if path.exists():
        raise MgenError("already exists; not overwriting it", str(path))
    return write_atomically(path.parent, {path.name: text})[0]
