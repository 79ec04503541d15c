"""``mgen generate DJANGO_PROJECT --data-migration --backfill TABLE.COLUMN=SQL``: a data migration in
Django's own idiom (issue #3 item 6).

Django's documentation writes data migrations as ``RunPython``; the batched backfill mgen writes is SQL
(keyset pagination on the primary key, ``WHERE column IS NULL`` guards, a commit and a progress notice per
batch: a PostgreSQL ``DO`` block, a MySQL procedure, one UPDATE on SQLite - ``dialects`` render it), so
here it is a ``migrations.RunSQL`` of those statements, in a migration with ``atomic = False`` where the
batches commit on their own (PostgreSQL and MySQL), so a crash keeps the finished batches and a rerun goes
on from the first row still NULL. Its reverse is the backfill's undo where it has one, else
``RunSQL.noop``: the values stay, and ``migrate`` back past it still works, as Django's docs advise for
data migrations.

One migration per app whose table is backfilled, after the app's leaf; the history replayed as for
``generate`` names the tables (``db_table``), and the written file is read back before it stays.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from pathlib import Path

from ... import __version__
from ...errors import MgenError
from ...formats import render_template
from ...operations import Backfill
from ...schema import Schema
from ..pywrite import py_text
from .project import load_project
from .replay import read_migrations, replay_project
from .state import ProjectState
from .tables import Backend, SchemaBuilder
from .writer import GenerateResult, next_number, sorted_imports, write_checked

_NON_ATOMIC = {"postgresql": "each batch of the backfill commits on its own (a crash keeps the finished ones)",
               "mysql": "each batch of the backfill commits on its own (a crash keeps the finished ones)"}


def write_data_migration(project_root: Path, backfills: Callable[[Schema], Sequence[Backfill]], dialect: str, *,
                         name: str | None = None, dry_run: bool = False, settings: str | None = None) -> GenerateResult:
    """``backfills``: the operations, made from (and checked against) the schema the history builds."""
    from ...dialects import get_dialect, render_migration
    from .tables import state_schema

    project = load_project(Path(project_root), settings)
    graph, _ = read_migrations(project)
    state = replay_project(project)
    schema = state_schema(state, dialect)
    ops = backfills(schema)
    apps = _apps_of_tables(state, dialect)
    by_app: dict[str, list[Backfill]] = {}
    for op in ops:
        app = apps.get(op.table)
        if app is None:
            raise MgenError(f"--backfill {op.table}.{op.column}: no model of this project's apps has the table "
                            f"{op.table!r}")
        by_app.setdefault(app, []).append(op)

    from ...rules import analyze, safety_class

    result = GenerateResult(dialect=dialect)
    all_ops = [op for app_ops in by_app.values() for op in app_ops]
    result.findings = analyze(all_ops, schema, dialect)
    result.safety = [(safety_class(i, op, result.findings), op.describe()) for i, op in enumerate(all_ops)]
    texts: dict[Path, str] = {}
    for app, app_ops in by_app.items():
        leaves = graph.leaf_nodes(app)
        if not leaves:
            raise MgenError(f"app {app!r} has no migrations yet: generate its models' migration first")
        number = next_number(leaves)
        slug = name or "backfill_" + "_and_".join(f"{op.table}_{op.column}" for op in app_ops)[:60]
        folder = project.app(app).migrations_path
        assert folder is not None
        up, down = render_migration(app_ops, schema, get_dialect(dialect))
        texts[folder / f"{number:04d}_{slug}.py"] = _render(app_ops, up, down, leaves[0], dialect)
        result.previous[str(folder / f"{number:04d}_{slug}.py")] = (app, leaves[0][1])
        result.operations[app] = [f"{app}: RunSQL {op.describe()}" for op in app_ops]
    result.changed_apps = sorted(by_app)
    if dry_run:
        result.files = texts
        return result
    # read back, or the files go
    result.files = write_checked(texts, lambda: read_migrations(load_project(Path(project_root), settings)))
    return result


def _apps_of_tables(state: ProjectState, dialect: str) -> dict[str, str]:
    builder = SchemaBuilder(state, Backend(dialect))
    return {builder.table_name(m): m.app_label for m in state.models.values() if m.has_table}


def _render(ops: Sequence[Backfill], up: Sequence[str], down: Sequence[str], leaf: tuple[str, str],
            dialect: str) -> str:
    lines = ["migrations.RunSQL(", *_argument("sql", up), *_argument("reverse_sql", down), "),"]
    notes = [f"{op.describe()} ({dialect})" for op in ops]
    return render_template(
        "django_migration.py.j2", version=__version__,
        timestamp=datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), notes=notes,
        imports=sorted_imports(set()), initial=False, dependencies=[repr(tuple(leaf))], operations=lines,
        atomic=dialect not in _NON_ATOMIC, atomic_reason=_NON_ATOMIC.get(dialect, ""))


def _argument(name: str, statements: Sequence[str]) -> list[str]:
    """``name=[...]`` of RunSQL, one line per list (each line of a statement its own string)."""
    if not statements:
        return [f"    {name}=migrations.RunSQL.noop,"]
    items = [f"        {line}" for statement in statements for line in (py_text(statement) + ",").split("\n")]
    return [f"    {name}=[", *items, "    ],"]
