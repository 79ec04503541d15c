"""`mgen lint` on an Alembic project (issue #3 item 7): each revision replayed statically into operations
and judged by the same rules as SQL files."""
from __future__ import annotations

import json
from pathlib import Path

from mgen.cli import main

PORTABLE = Path(__file__).parents[2] / "fixtures" / "sqlalchemy" / "alembic_portable"


def lint(capsys, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["lint", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_revisions_are_judged_one_by_one(capsys):
    code, report = lint(capsys, str(PORTABLE), "--dialect", "postgresql")
    assert code == 1  # error findings
    by_file: dict[str, set[str]] = {}
    for f in report["findings"]:
        by_file.setdefault(Path(f["file"]).name, set()).add(f["rule"])
    assert "drop-column" in by_file["0006_cleanup.py"] and "rename-table" in by_file["0006_cleanup.py"]
    assert "add-unique-constraint" in by_file["0005_batch.py"]
    # the first revision creates its tables: nothing to lock, nobody reading them yet
    assert not {r for r in by_file.get("0001_users_posts.py", set())} & {
        "require-concurrent-index", "add-foreign-key", "require-lock-timeout"}
    assert len(report["files"]) == 6


def test_dialect_from_alembic_ini(capsys):
    code, report = lint(capsys, str(PORTABLE))
    assert code == 1 and report["dialect"] == "sqlite"  # sqlalchemy.url = sqlite:///unused.db
    assert any(f["rule"] == "drop-column" for f in report["findings"])
    assert not any(f["rule"] == "require-concurrent-index-drop" for f in report["findings"])  # PostgreSQL's


def test_sql_files_still_need_the_dialect(tmp_path: Path, capsys):
    sql = tmp_path / "001.sql"
    sql.write_text("ALTER TABLE users DROP COLUMN email;\n")
    capsys.readouterr()
    assert main(["lint", str(sql)]) == 2
    assert "--dialect is required" in capsys.readouterr().err
