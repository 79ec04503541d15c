"""``generate --head REV`` on a history with several heads, and ``--baseline-db URL`` for a history that starts
from an SQL baseline (issue #13 items 6 and 7), end to end through the command line; Alembic judges the
revision written (it applies on the chosen head / on the baseline database, and leaves nothing to compare)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mgen.cli import main
from conftest import alembic_project

REVISION = '''\
"""{message}"""
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    pass
'''


def revision(root: Path, rev: str, down: str | None, body: str) -> None:
    (root / "migrations" / "versions" / f"{rev}_x.py").write_text(
        REVISION.format(message=rev, rev=rev, down=down, body=textwrap.indent(body, "    ")))


def _alembic(root: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "alembic", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "cache"))
    return alembic_project(tmp_path, "sqlite")


def test_generate_on_the_head_given(project: Path, capsys):
    users = ('op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), '
             'sa.Column("email", sa.String(255), nullable=False, unique=True), sa.Column("name", sa.String(100)))')
    revision(project, "a1", None, users)
    revision(project, "b1", "a1", 'op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))')
    revision(project, "c1", "a1", 'op.add_column("users", sa.Column("nick", sa.String(20)))')
    assert main(["generate", str(project), "--engine", "static", "--dry-run"]) == 2
    assert "2 heads" in capsys.readouterr().err
    # the models have neither audit nor nick: on head b1 the change drops audit, on c1 it drops nick
    assert main(["generate", str(project), "--engine", "static", "--head", "c1", "--name", "drop nick"]) == 0
    written = [p for p in (project / "migrations" / "versions").glob("*.py") if not p.name[:2] in ("a1", "b1", "c1")]
    assert len(written) == 1
    text = written[0].read_text()
    assert "Revises: c1\n" in text
    upgrade = text.replace('"', "'").split("def downgrade")[0]
    assert "batch_alter_table('users')" in upgrade and "drop_column('nick')" in upgrade
    assert "audit" not in text
    assert main(["generate", str(project), "--engine", "static", "--head", "zz", "--dry-run"]) == 2
    assert "'zz'" in capsys.readouterr().err


def test_history_on_an_sql_baseline_starts_from_the_database_given(project: Path, tmp_path: Path, capsys):
    # the first revision alters a table no revision creates: the baseline is in the database
    revision(project, "a1", None, 'op.add_column("users", sa.Column("name", sa.String(100)))')
    baseline = tmp_path / "prod.sqlite3"
    with sqlite3.connect(baseline) as db:  # the database at a1; its email is not unique yet, the models' is
        db.execute("CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(255) NOT NULL, "
                   "name VARCHAR(100))")
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('a1')")
    # without the database: refused, since a change to users would be read as part of the baseline
    assert main(["generate", str(project), "--engine", "static", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "baseline no revision creates (tables users)" in err and "--baseline-db models" in err
    # asked to take it from the models: "no changes", and the output says where the baseline came from
    assert main(["generate", str(project), "--engine", "static", "--dry-run", "--baseline-db", "models"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out and "baseline" in out and "users" in out
    # with it: the baseline is the database's, so the unique email is a change
    code = main(["generate", str(project), "--engine", "static", "--baseline-db", f"sqlite:///{baseline}",
                 "--dry-run", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "create_unique_constraint" in out.out or "unique" in out.out.lower()
