"""Scenario suite for `mgen generate` in Alembic projects, judged by Alembic's own autogenerate (issue #4).

Each folder under ``fixtures/alembic_scenarios/`` is one model change: ``v1/`` and ``v2/`` hold the ``app``
package of a tiny project (``app.models`` exports ``Base``). For every scenario and dialect:

1. the project at v1: ``mgen generate`` writes the initial revision, Alembic's ``upgrade head`` applies it
   to a scratch database, rows are inserted and the schema introspected;
2. the models become v2: ``mgen generate`` (``--rename`` where the scenario says) and ``upgrade head``; the
   database must equal what Alembic's OWN autogenerate makes of the same change: a second database at the
   v1 head, ``alembic revision --autogenerate`` with env.py importing the v2 models, ``upgrade head``,
   introspected and compared with ``mgen.differ.diff`` (no operations). Where autogenerate is known to
   differ (a rename is a drop + add; it does not see CHECK constraints or enum values), the scenario says
   so in ``expected_difference`` and the mgen side is compared with ``create_all`` of v2 instead;
3. ``downgrade -1`` gives back the v1 schema, and the v1 rows are still there;
4. ``mgen generate`` again writes nothing.

Alembic runs in a process of its own (env.py imports the fixture models): one long-lived process per
module takes the commands one at a time (``DRIVER``), to keep the suite quick. env.py sets
``render_as_batch=True`` (SQLite needs batch mode for ALTERs) and ``compare_server_default=True``
(autogenerate otherwise ignores defaults), the settings an Alembic project that wants autogenerate to see
these changes uses. In each fixture, v1 and v2 differ only in the change the folder is named after.
"""
from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import alembic
import pytest
from conftest import DIALECTS, require_server

from mgen.cli import main
from mgen.db import connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.schema import Schema
from mgen.sources.live import introspect_connection

FIXTURES = Path(__file__).parents[2] / "fixtures" / "alembic_scenarios"
URLS = {"postgresql": "postgresql+psycopg://u:p@localhost/app", "mysql": "mysql+pymysql://u:p@localhost/app",
        "sqlite": "sqlite:///app.db"}
SCRIPT_MAKO = Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako"

ENV = '''
import os
from alembic import context
from sqlalchemy import create_engine, pool
from app.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = create_engine(os.environ["MGEN_ALEMBIC_URL"], poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_server_default=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

# Alembic's command line (or create_all) in a process of its own that takes one step per line on stdin and
# answers one JSON line: started once per module, because starting Python with Alembic and SQLAlchemy
# costs a second and a scenario runs several steps. The project's ``app`` modules are forgotten between
# steps, so each step imports the models of its own project, as a fresh ``alembic`` command would.
DRIVER = '''
import importlib, json, os, sys, traceback
from alembic.config import main

clean_path = list(sys.path)

answer = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)  # what Alembic prints goes to stderr; stdout is for the answers
for line in sys.stdin:
    step = json.loads(line)
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]
    sys.path[:] = [step["root"], *clean_path]  # Alembic's prepend_sys_path adds "." (the previous root)
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    os.chdir(step["root"])
    os.environ["MGEN_ALEMBIC_URL"] = step["url"]
    error = None
    try:
        if step["args"] == ["create_all"]:
            from sqlalchemy import create_engine
            from app.models import Base
            engine = create_engine(step["url"])
            Base.metadata.create_all(engine)
            engine.dispose()
        else:
            main(argv=["-c", os.path.join(step["root"], "alembic.ini"), *step["args"]])
    except SystemExit as e:
        if e.code:
            error = f"exited {e.code}"
    except BaseException:
        error = traceback.format_exc()[-3000:]
    answer.write(json.dumps({"error": error}) + "\\n")
    answer.flush()
'''


class Driver:
    """The DRIVER process; ``run(*steps)`` asserts that every step succeeded."""

    def __init__(self, log: Path):
        self.log = log
        self.proc: subprocess.Popen | None = None

    def run(self, *steps: tuple[Path, str, list[str]]) -> None:
        for root, url, args in steps:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen([sys.executable, "-c", DRIVER], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self.log.open("a"), text=True,
                                             env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})
            mark = self.log.stat().st_size
            self.proc.stdin.write(json.dumps({"root": str(root), "url": url, "args": args}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
            error = json.loads(line)["error"] if line else "the Alembic process died"
            if error:
                with self.log.open() as f:
                    f.seek(mark)
                    printed = f.read()[-3000:]
                raise AssertionError(f"alembic {' '.join(args)}: {error}\n{printed}")

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def alembic_driver(tmp_path_factory):
    driver = Driver(tmp_path_factory.mktemp("alembic") / "alembic.log")
    driver.log.touch()
    yield driver
    driver.close()


@dataclass(frozen=True)
class Scenario:
    """What the fixture folder cannot say itself.

    rows: INSERTs run at v1 (portable SQL); probe: a query whose result must be the same after the
    downgrade as before the upgrade (the rows survived); after_v2: (query, expected rows) after the
    upgrade (rows kept through a rename or a type change); no_change: dialects where v2 builds the same
    database as v1 (SQLite stores no comments), so ``mgen generate`` must write nothing; renames: ``--rename`` arguments;
    expected_difference: dialect (or "*") -> why Alembic's autogenerate is not the judge there, so the
    mgen side is compared with ``create_all`` of v2 instead; xfail: dialect (or "*") -> the mgen bug.
    """
    rows: tuple[str, ...] = ()
    probe: str | None = None
    after_v2: tuple[tuple[str, list], ...] = ()
    renames: tuple[str, ...] = ()
    expected_difference: dict[str, str] = field(default_factory=dict)
    no_change: tuple[str, ...] = ()  # dialects on which v1 and v2 build the same database
    xfail: dict[str, str] = field(default_factory=dict)

    def note_for(self, table: dict[str, str], dialect: str) -> str | None:
        return table.get(dialect, table.get("*"))


USERS_ROWS = ("INSERT INTO users (id, email) VALUES (1, 'a@x')", "INSERT INTO users (id, email) VALUES (2, 'b@x')")
USERS_PROBE = "SELECT id, email FROM users ORDER BY id"

NAMED_ROWS = ("INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ann')",
              "INSERT INTO users (id, email, name) VALUES (2, 'b@x', 'Bob')")
NAMED_PROBE = "SELECT id, name FROM users ORDER BY id"
POST_ROWS = (*USERS_ROWS, "INSERT INTO posts (id, user_id) VALUES (10, 1)", "INSERT INTO posts (id, user_id) VALUES (11, 2)")
POST_PROBE = "SELECT id, user_id FROM posts ORDER BY id"
TWO_ROWS = ("INSERT INTO users (id, email, first, last) VALUES (1, 'a@x', 'Ann', 'Lee')",
            "INSERT INTO users (id, email, first, last) VALUES (2, 'b@x', 'Bob', 'Ray')")
ITEM_ROWS = ("INSERT INTO items (id, price) VALUES (1, 9.5)", "INSERT INTO items (id, price) VALUES (2, 0)")
ITEM_PROBE = "SELECT id, price FROM items ORDER BY id"
ACCOUNT_ROWS = ("INSERT INTO accounts (id, name) VALUES (1, 'acme')",)
RENAME = "autogenerate writes a column rename as drop_column + add_column (the values are lost); mgen honours --rename"
UNNAMED_IN_BATCH = ("on SQLite autogenerate's batch revision fails: the constraint SQLAlchemy leaves unnamed cannot be "
                    "added in batch mode (Alembic: ValueError \"Constraint must have a name\")")
NO_CHECKS = "Alembic's autogenerate does not compare CHECK constraints: it writes nothing for an added one"

SCENARIOS: dict[str, Scenario] = {
    "add_column_nullable": Scenario(rows=USERS_ROWS, probe=USERS_PROBE),
    "add_column_server_default": Scenario(rows=USERS_ROWS, probe=USERS_PROBE,
                                          after_v2=(("SELECT id FROM users WHERE active ORDER BY id", [(1,), (2,)]),)),
    "drop_column": Scenario(rows=("INSERT INTO users (id, email, nickname) VALUES (1, 'a@x', 'an')",), probe=USERS_PROBE),
    "drop_table": Scenario(rows=(*USERS_ROWS, "INSERT INTO audit_log (id, message) VALUES (1, 'hello')"),
                           probe=USERS_PROBE),
    "add_table_with_fk": Scenario(rows=USERS_ROWS, probe=USERS_PROBE),
    "fk_ondelete_change": Scenario(rows=POST_ROWS, probe=POST_PROBE, expected_difference={"sqlite": UNNAMED_IN_BATCH}),
    "drop_foreign_key": Scenario(rows=POST_ROWS, probe=POST_PROBE, expected_difference={
        "mysql": "autogenerate drops the foreign key only, and MariaDB keeps the index it made for it "
                 "(posts_ibfk_1); the v2 models have no index there, and mgen drops it too"}),
    "nullable_to_not_null": Scenario(rows=NAMED_ROWS, probe=NAMED_PROBE),
    "not_null_to_nullable": Scenario(rows=NAMED_ROWS, probe=NAMED_PROBE),
    "string_length": Scenario(rows=NAMED_ROWS, probe=NAMED_PROBE,
                              after_v2=((NAMED_PROBE, [(1, "Ann"), (2, "Bob")]),)),
    "integer_to_bigint": Scenario(rows=("INSERT INTO users (id, email, visits) VALUES (1, 'a@x', 7)",),
                                  probe="SELECT id, visits FROM users",
                                  after_v2=(("SELECT id, visits FROM users", [(1, 7)]),)),
    "rename_column": Scenario(rows=("INSERT INTO users (id, email, fullname) VALUES (1, 'a@x', 'Ann Lee')",),
                              probe="SELECT id, fullname FROM users", renames=("users.fullname=display_name",),
                              after_v2=(("SELECT id, display_name FROM users", [(1, "Ann Lee")]),),
                              expected_difference={"*": RENAME}),
    "rename_table": Scenario(rows=tuple(r.replace("users", "people") for r in USERS_ROWS),
                             probe=USERS_PROBE.replace("users", "people"), renames=("people=users",),
                             after_v2=((USERS_PROBE, [(1, "a@x"), (2, "b@x")]),),
                             expected_difference={"*": "autogenerate writes a table rename as drop_table + "
                                                       "create_table (the rows are lost); mgen honours --rename"}),
    "column_comment": Scenario(rows=NAMED_ROWS, probe=NAMED_PROBE, no_change=("sqlite",)),
    "table_comment": Scenario(rows=USERS_ROWS, probe=USERS_PROBE, no_change=("sqlite",)),
    "index_in_table_args": Scenario(rows=TWO_ROWS, probe=USERS_PROBE),
    "unique_in_table_args": Scenario(rows=TWO_ROWS, probe=USERS_PROBE),
    "check_constraint": Scenario(rows=ITEM_ROWS, probe=ITEM_PROBE, expected_difference={"*": NO_CHECKS}),
    "numeric_precision": Scenario(rows=ITEM_ROWS, probe=ITEM_PROBE),
    "drop_index": Scenario(rows=NAMED_ROWS, probe=NAMED_PROBE),
    "unique_column_added": Scenario(rows=USERS_ROWS, probe=USERS_PROBE,
                                    expected_difference={"sqlite": UNNAMED_IN_BATCH}),
    "server_default_change": Scenario(rows=USERS_ROWS, probe="SELECT id, score FROM users ORDER BY id",
                                      after_v2=(("SELECT id, score FROM users ORDER BY id", [(1, 0), (2, 0)]),)),
    "server_default_drop": Scenario(rows=USERS_ROWS, probe="SELECT id, status FROM users ORDER BY id"),
    "composite_pk_table": Scenario(rows=(*USERS_ROWS, "INSERT INTO teams (id, name) VALUES (1, 'core')"),
                                   probe="SELECT id, name FROM teams"),
    "naming_convention": Scenario(rows=USERS_ROWS, probe=USERS_PROBE),
    "mixin": Scenario(rows=(*USERS_ROWS, "INSERT INTO teams (id, name) VALUES (1, 'core')"),
                      probe="SELECT id, name FROM teams"),
    "enum_new_table": Scenario(rows=USERS_ROWS, probe=USERS_PROBE),
    "enum_column_added": Scenario(rows=USERS_ROWS, probe=USERS_PROBE,
                                  after_v2=(("SELECT id, status FROM users ORDER BY id", [(1, "open"), (2, "open")]),),
                                  expected_difference={
                                      "postgresql": "autogenerate's op.add_column does not create the ENUM type on "
                                                    "PostgreSQL, so its revision fails (type \"user_status\" does not "
                                                    "exist); mgen creates the type first"}),
    "enum_add_value": Scenario(rows=("INSERT INTO users (id, email, role) VALUES (1, 'a@x', 'admin')",
                                     "INSERT INTO users (id, email) VALUES (2, 'b@x')"),
                               probe="SELECT id, role FROM users ORDER BY id", expected_difference={
                                   "postgresql": "autogenerate does not compare the values of a PostgreSQL ENUM type: "
                                                 "it writes nothing for an added value"}),
    "legacy_add_column": Scenario(rows=ACCOUNT_ROWS, probe="SELECT id, name FROM accounts",
                                  after_v2=(("SELECT id, balance FROM accounts", [(1, 0)]),)),
    "legacy_type_change": Scenario(rows=("INSERT INTO accounts (id, name, notes) VALUES (1, 'acme', 'n')",),
                                   probe="SELECT id, notes FROM accounts",
                                   after_v2=(("SELECT id, notes FROM accounts", [(1, "n")]),)),
    "legacy_table_object": Scenario(rows=("INSERT INTO tags (id, label) VALUES (1, 'red')",),
                                    probe="SELECT id, label FROM tags"),
    "models_package": Scenario(rows=(*USERS_ROWS, "INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'hi')"),
                               probe="SELECT id, user_id, title FROM posts"),
}


def sqlalchemy_url(url: str, dialect: str) -> str:
    return {"postgresql": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "mysql": url.replace("mysql://", "mysql+pymysql://", 1)}.get(dialect, url)


def make_project(root: Path, dialect: str, models: Path) -> Path:
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(ENV)
    shutil.copy(SCRIPT_MAKO, root / "migrations" / "script.py.mako")
    (root / "alembic.ini").write_text(textwrap.dedent(f"""\
        [alembic]
        script_location = %(here)s/migrations
        prepend_sys_path = .
        sqlalchemy.url = {URLS[dialect]}
        """))
    use_models(root, models)
    return root


def use_models(root: Path, models: Path) -> None:
    """The project's ``app`` package becomes the fixture's (v1 or v2)."""
    shutil.rmtree(root / "app", ignore_errors=True)
    shutil.copytree(models / "app", root / "app")
    (root / "app" / "__init__.py").touch()
    for cached in root.rglob("__pycache__"):
        shutil.rmtree(cached)


def generate(root: Path, capsys, *extra: str) -> dict:
    capsys.readouterr()
    code = main(["generate", str(root), "--json", *extra])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out) if out.out.lstrip().startswith("{") else {"text": out.out}


def schema_of(url: str) -> Schema:
    with connect(url) as conn:
        return introspect_connection(conn).without_table("alembic_version")


def assert_same(actual: Schema, expected: Schema, dialect: str, what: str) -> None:
    ops = diff(actual, expected, get_dialect(dialect)).operations
    assert not ops, f"{what}: " + "; ".join(op.describe() for op in ops)


def scenario_params():
    for name in sorted(SCENARIOS):
        for dialect in DIALECTS:
            scenario = SCENARIOS[name]
            bug = scenario.note_for(scenario.xfail, dialect)
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            yield pytest.param(name, dialect, id=f"{name}-{dialect}", marks=marks)


def test_every_fixture_has_a_scenario():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == set(SCENARIOS), folders ^ set(SCENARIOS)
    for name in folders:
        assert (FIXTURES / name / "v1" / "app").is_dir() and (FIXTURES / name / "v2" / "app").is_dir(), name


@pytest.mark.parametrize(("name", "dialect"), list(scenario_params()))
def test_scenario(tmp_path: Path, capsys, alembic_driver: Driver, name: str, dialect: str):
    scenario = SCENARIOS[name]
    server = require_server(dialect)
    fixture = FIXTURES / name
    mine = make_project(tmp_path / "mgen", dialect, fixture / "v1")

    first = generate(mine, capsys, "--name", "v1")
    assert first.get("files"), first
    with contextlib.ExitStack() as stack:
        url_a, url_b = (stack.enter_context(scratch_database(dialect, server)) for _ in range(2))
        sa_a, sa_b = sqlalchemy_url(url_a, dialect), sqlalchemy_url(url_b, dialect)

        # 1. v1 applied by Alembic on both databases: A for mgen's v2, B for autogenerate's
        alembic_driver.run((mine, sa_a, ["upgrade", "head"]), (mine, sa_b, ["upgrade", "head"]))
        with connect(url_a) as conn:
            for insert in scenario.rows:
                conn.execute(insert)
            before = conn.query(scenario.probe) if scenario.probe else None
        at_v1 = schema_of(url_a)

        # the oracle project: mgen's v1 revision, the v2 models, autogenerate's v2 revision
        oracle = tmp_path / "oracle"
        shutil.copytree(mine, oracle)
        use_models(oracle, fixture / "v2")
        use_models(mine, fixture / "v2")

        # 2. mgen's v2 revision, applied by Alembic; autogenerate's on B (or create_all on C)
        second = generate(mine, capsys, "--name", "v2", *(f"--rename={r}" for r in scenario.renames))
        if dialect in scenario.no_change:
            assert second == {"text": "no changes: nothing written\n"}
            return
        assert second.get("files"), second
        difference = scenario.note_for(scenario.expected_difference, dialect)
        steps = [(mine, sa_a, ["upgrade", "head"])]
        if difference:
            url_c = stack.enter_context(scratch_database(dialect, server))
            steps.append((oracle, sqlalchemy_url(url_c, dialect), ["create_all"]))
        else:
            steps += [(oracle, sa_b, ["revision", "--autogenerate", "-m", "v2", "--rev-id", "oracle2"]),
                      (oracle, sa_b, ["upgrade", "head"])]
        alembic_driver.run(*steps)
        at_v2 = schema_of(url_a)
        reference = schema_of(url_c if difference else url_b)
        assert_same(at_v2, reference, dialect,
                    f"mgen's v2 vs {'create_all' if difference else 'autogenerate'} of v2")
        with connect(url_a) as conn:
            for query, expected in scenario.after_v2:
                assert [tuple(r) for r in conn.query(query)] == [tuple(r) for r in expected], query

        # 3. downgrade -1: the v1 schema and rows again
        alembic_driver.run((mine, sa_a, ["downgrade", "-1"]))
        assert_same(schema_of(url_a), at_v1, dialect, "after downgrade -1 vs v1")
        if scenario.probe:
            with connect(url_a) as conn:
                assert conn.query(scenario.probe) == before

    # 4. nothing left to generate
    assert generate(mine, capsys) == {"text": "no changes: nothing written\n"}
