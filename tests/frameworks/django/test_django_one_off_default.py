"""`--default app.Model.field=VALUE` (issue #4: a demanding Django user's expectation): the one-off default
makemigrations asks for when a field is added NOT NULL, or made NOT NULL, without a default. Written as
Django writes the answer (``preserve_default=False``), accepted by Django (``makemigrations --check`` has
nothing left), and applied by Django's ``migrate`` to a table with rows on the three databases."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import DIALECTS, django_store, require_server

from mgen.cli import main
from mgen.db import connect, scratch_database

STORE = Path(__file__).parents[2] / "fixtures" / "django_writer" / "store"
sys.path.insert(0, str(Path(__file__).parents[2] / "fixtures" / "django" / "_common"))
import djharness as h


def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    models = root / "shop" / "models.py"
    models.write_text(models.read_text().replace(
        "    code = models.CharField(max_length=10, null=True)\n",
        "    code = models.CharField(max_length=10)\n    rank = models.IntegerField()\n"))
    return root


def test_without_a_default_the_note_says_what_to_give(tmp_path: Path, capsys):
    root = store(tmp_path)
    capsys.readouterr()
    assert main(["generate", str(root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "give --default shop.Category.rank=VALUE" in out and "give --default shop.Category.code=VALUE" in out
    assert main(["generate", str(root), "--default", "shop.Category.rank=some(call)", "--dry-run"]) == 2
    assert "Python literal" in capsys.readouterr().err
    assert main(["generate", str(root), "--default", "rank=3", "--dry-run"]) == 2


@pytest.mark.parametrize("dialect", DIALECTS)
def test_one_off_defaults_fill_existing_rows(dialect: str, tmp_path: Path, capsys):
    server = require_server(dialect)
    root = store(tmp_path)
    models = root / "shop" / "models.py"
    edited = models.read_text()
    models.write_text(STORE.joinpath("shop", "models.py").read_text())  # the schema with rows first
    with scratch_database(dialect, server) as url:
        h.manage_many(root, [["migrate", "--database", "db", "-v0"]], {"db": url})
        with connect(url) as conn:
            conn.execute("INSERT INTO shop_category (name, code, legacy) VALUES ('a', NULL, 0)")
            conn.execute("INSERT INTO shop_category (name, code, legacy) VALUES ('b', 'B1', 0)")
        models.write_text(edited)
        capsys.readouterr()
        assert main(["generate", str(root), "--default", "shop.Category.rank=3",
                     "--default", "shop.Category.code='none'"]) == 0
        [written] = sorted((root / "shop" / "migrations").glob("0002_*.py"))
        text = written.read_text()
        assert text.count("preserve_default=False") == 2 and "default=3" in text and "default='none'" in text
        check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        h.manage_many(root, [["migrate", "--database", "db", "-v0"]], {"db": url})
        with connect(url) as conn:
            assert sorted(conn.query("SELECT name, code, rank FROM shop_category")) == [("a", "none", 3), ("b", "B1", 3)]
        h.manage_many(root, [["migrate", "shop", "0001", "--database", "db", "-v0"]], {"db": url})
        with connect(url) as conn:
            assert sorted(conn.query("SELECT name, code FROM shop_category")) == [("a", "none"), ("b", "B1")]
