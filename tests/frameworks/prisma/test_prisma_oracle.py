"""mgen's Prisma migrations judged by Prisma's own schema engine (issue #16): for each scenario, the project's
history is Prisma's own from-empty migration of the old schema; mgen generates from it to the new schema; a
database built with mgen's migration.sql and one built with Prisma's SQL for the same change introspect the
same, and mgen's down.sql returns the first to the old schema. SQLite in memory files; PostgreSQL on the server."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from prisma_oracle import prisma_sql, require_oracle
from scenarios import SCENARIOS

from mgen.cli import main
from mgen.db import connect, scratch_database, sqlite_path
from mgen.schema import schema_to_dict
from mgen.sources.live import introspect

sys.path.insert(0, str(Path(__file__).parents[2]))
from conftest import require_server

CASES = [pytest.param(s, p, id=f"{s.name}-{p}", marks=[pytest.mark.xfail(strict=True, reason=s.known)] if s.known else [])
         for s in SCENARIOS for p in s.only]


def datasource(provider: str, settings: str = "") -> str:
    return f'datasource db {{\n  provider = "{provider}"\n{settings}}}\n\n'


def apply(url: str, provider: str, script: str) -> None:
    if provider == "sqlite":
        db = sqlite3.connect(sqlite_path(url))
        db.executescript(script)
        db.close()
        return
    with connect(url) as conn:
        conn.execute(script)


def shape(url: str) -> dict:
    return schema_to_dict(introspect(url)[0].normalized())


@pytest.mark.parametrize(("scenario", "provider"), CASES)
def test_same_schema_as_prisma(scenario, provider, tmp_path, capsys):
    require_oracle()
    server = require_server(provider)
    old, new = tmp_path / "old.prisma", tmp_path / "new.prisma"
    old.write_text(datasource(provider, scenario.settings) + scenario.old)
    new.write_text(datasource(provider, scenario.settings) + scenario.new)
    init = prisma_sql(provider, None, old, server) + scenario.by_hand
    change = prisma_sql(provider, old, new, server)
    assert change.strip(), "Prisma sees no change: the scenario tests nothing"

    project = tmp_path / "app"
    (project / "prisma" / "migrations" / "20240101000000_init").mkdir(parents=True)
    (project / "prisma" / "migrations" / "20240101000000_init" / "migration.sql").write_text(init)
    (project / "prisma" / "schema.prisma").write_text(new.read_text())
    code = main(["generate", str(project), "--name", "change"])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    folder = next(p for p in (project / "prisma" / "migrations").iterdir() if p.name.endswith("_change"))
    up, down = (folder / "migration.sql").read_text(), (folder / "down.sql").read_text()
    assert up.startswith("-- "), up

    with scratch_database(provider, server) as ours, scratch_database(provider, server) as theirs:
        apply(ours, provider, init)
        before = shape(ours)
        apply(ours, provider, up)
        apply(theirs, provider, init)
        apply(theirs, provider, change)
        assert shape(ours) == shape(theirs), f"mgen:\n{up}\nPrisma:\n{change}"
        apply(ours, provider, down)
        assert shape(ours) == before, f"down.sql:\n{down}"
    assert main(["check", str(project)]) in (0, 1)
