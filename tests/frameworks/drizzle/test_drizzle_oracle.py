"""mgen's Drizzle migrations judged by drizzle-kit (issue #16): for each scenario the project's history is
drizzle-kit's own first migration of the old schema; mgen generates to the new schema; then ``drizzle-kit
generate`` finds no changes (mgen's snapshot is the one drizzle-kit would write), ``drizzle-kit migrate``
applies mgen's migration, the database it builds introspects as the one drizzle-kit's own migration for the same
change builds, and mgen's down file returns it to the old schema. PostgreSQL on the server."""
from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from drizzle_oracle import NO_CHANGES, drizzle_kit, project, require_oracle, statements
from drizzle_scenarios import HEADER, SCENARIOS, SQLITE_HEADER, SQLITE_SCENARIOS

from mgen.cli import main
from mgen.db import connect, scratch_database
from mgen.schema import schema_to_dict
from mgen.sources.live import introspect

sys.path.insert(0, str(Path(__file__).parents[2]))
from conftest import require_server


def shape(url: str) -> dict:
    schema = introspect(url)[0].normalized()
    return schema_to_dict(schema)


def migrate(root: Path, url: str) -> None:
    project(root, (root / "src" / "schema.ts").read_text(), url)
    drizzle_kit(root, "migrate")


@pytest.mark.postgres
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_drizzle_kit_agrees(scenario, tmp_path, capsys):
    require_oracle()
    server = require_server("postgresql")
    ours = project(tmp_path / "ours", HEADER + scenario.old)
    drizzle_kit(ours, "generate", "--name", "init")
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs, symlinks=True)

    (ours / "src" / "schema.ts").write_text(HEADER + scenario.new)
    code = main(["generate", str(ours), "--name", "change"])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    up, down = (ours / "drizzle" / "0001_change.sql").read_text(), (ours / "drizzle" / "down" / "0001_change.sql").read_text()
    assert NO_CHANGES in drizzle_kit(ours, "generate", "--name", "after"), up
    assert not (ours / "drizzle" / "0002_after.sql").exists()

    (theirs / "src" / "schema.ts").write_text(HEADER + scenario.new)
    drizzle_kit(theirs, "generate", "--name", "change")
    change = (theirs / "drizzle" / "0001_change.sql").read_text()

    with scratch_database("postgresql", server) as db_ours, scratch_database("postgresql", server) as db_theirs, \
            scratch_database("postgresql", server) as db_old:
        migrate(ours, db_ours)
        migrate(theirs, db_theirs)
        assert shape(db_ours)["tables"], "nothing introspected: the comparison would test nothing"
        assert shape(db_ours) == shape(db_theirs), f"mgen:\n{up}\ndrizzle-kit:\n{change}"
        with connect(db_ours) as conn:
            for statement in statements(down):
                conn.execute(statement)
        with connect(db_old) as conn:
            for statement in statements((ours / "drizzle" / "0000_init.sql").read_text()):
                conn.execute(statement)
        assert shape(db_ours) == shape(db_old), f"down:\n{down}"


def sqlite_shape(path: Path) -> dict:
    """The introspected schema; a default of ``true``/``false`` read as the ``1``/``0`` SQLite stores for it
    (drizzle-kit writes the keyword, mgen's SQLite dialect the number: the same value in every row)."""
    shape = schema_to_dict(introspect(f"sqlite:///{path}")[0].normalized())
    for table in shape["tables"]:
        for column in table["columns"]:
            default = column.get("default")
            if isinstance(default, dict) and default.get("kind") == "boolean":
                column["default"] = {"kind": "number", "value": "1" if default["value"].lower() == "true" else "0"}
    return shape


@pytest.mark.parametrize("scenario", SQLITE_SCENARIOS, ids=[s.name for s in SQLITE_SCENARIOS])
def test_drizzle_kit_agrees_sqlite(scenario, tmp_path, capsys):
    require_oracle()
    ours = project(tmp_path / "ours", SQLITE_HEADER + scenario.old, dialect="sqlite")
    drizzle_kit(ours, "generate", "--name", "init")
    theirs, old = tmp_path / "theirs", tmp_path / "old"
    shutil.copytree(ours, theirs, symlinks=True)
    shutil.copytree(ours, old, symlinks=True)

    (ours / "src" / "schema.ts").write_text(SQLITE_HEADER + scenario.new)
    code = main(["generate", str(ours), "--name", "change"])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    up, down = (ours / "drizzle" / "0001_change.sql").read_text(), (ours / "drizzle" / "down" / "0001_change.sql").read_text()
    assert NO_CHANGES in drizzle_kit(ours, "generate", "--name", "after"), up

    (theirs / "src" / "schema.ts").write_text(SQLITE_HEADER + scenario.new)
    drizzle_kit(theirs, "generate", "--name", "change")
    change = (theirs / "drizzle" / "0001_change.sql").read_text()

    for root in (ours, theirs, old):
        project(root, (root / "src" / "schema.ts").read_text(), f"file:{root / 'db.sqlite'}", "sqlite")
        drizzle_kit(root, "migrate")
    assert sqlite_shape(ours / "db.sqlite")["tables"], "nothing introspected: the comparison would test nothing"
    assert sqlite_shape(ours / "db.sqlite") == sqlite_shape(theirs / "db.sqlite"), f"mgen:\n{up}\ndrizzle-kit:\n{change}"
    db = sqlite3.connect(ours / "db.sqlite")
    for statement in statements(down):
        db.execute(statement)
    db.commit()
    db.close()
    assert sqlite_shape(ours / "db.sqlite") == sqlite_shape(old / "db.sqlite"), f"down:\n{down}"
