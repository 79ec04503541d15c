"""`mgen generate DJANGO_PROJECT --data-migration` (issue #3 item 6 in Django's idiom): a RunSQL of the
dialect's batched backfill in an ``atomic = False`` migration, applied and reversed by Django's own
``migrate`` on SQLite, PostgreSQL and MariaDB, filling only the NULL rows, batch by batch."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import DIALECTS, SERVERS, django_store, require_server

from mgen.cli import main
from mgen.db import connect, scratch_database

sys.path.insert(0, str(Path(__file__).parents[2] / "fixtures" / "django" / "_common"))
import djharness as h

ROWS = [("books", None), ("music", "keep"), ("films", None), ("games", None), ("toys", None)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_backfill_migration_applied_and_reversed_by_django(dialect: str, tmp_path: Path, capsys):
    server = require_server(dialect)
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    capsys.readouterr()
    assert main(["generate", str(root), "--data-migration", "--backfill", "shop_category.code=UPPER(name)",
                 "--batch-size", "2", "--dialect", dialect, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [written] = report["files"]
    assert Path(written).name == "0002_backfill_shop_category_code.py"
    text = Path(written).read_text()
    assert "migrations.RunSQL(" in text and "reverse_sql=migrations.RunSQL.noop" in text
    assert ("atomic = False" in text) == (dialect != "sqlite")
    assert [f["rule"] for f in report["findings"]] == ["irreversible-data-step"]

    with scratch_database(dialect, server or SERVERS.get(dialect)) as url:
        h.manage_many(root, [["migrate", "shop", "0001", "--database", "db", "-v0"]], {"db": url})
        with connect(url) as conn:
            for name, code in ROWS:
                conn.execute(f"INSERT INTO shop_category (name, code, legacy) VALUES ('{name}', "
                             f"{'NULL' if code is None else repr(code)}, 0)")
        done = h.manage_many(root, [["migrate", "shop", "--database", "db", "-v1"]], {"db": url})
        assert "0002_backfill_shop_category_code... OK" in done.stdout
        expected = sorted((n, c or n.upper()) for n, c in ROWS)
        with connect(url) as conn:
            assert sorted(conn.query("SELECT name, code FROM shop_category")) == expected
        # back past it: the values stay (RunSQL.noop), and forward again changes nothing
        h.manage_many(root, [["migrate", "shop", "0001", "--database", "db", "-v0"],
                             ["migrate", "shop", "--database", "db", "-v0"]], {"db": url})
        with connect(url) as conn:
            assert sorted(conn.query("SELECT name, code FROM shop_category")) == expected


def test_backfill_of_an_unknown_table_or_without_a_dialect(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    capsys.readouterr()
    assert main(["generate", str(root), "--data-migration", "--backfill", "nope.code=1", "--dialect", "sqlite"]) == 2
    assert "no table 'nope'" in capsys.readouterr().err
    assert main(["generate", str(root), "--data-migration", "--backfill", "shop_category.code=1"]) == 2
    assert "give --dialect" in capsys.readouterr().err
    assert not list((root / "shop" / "migrations").glob("0002_*.py"))
