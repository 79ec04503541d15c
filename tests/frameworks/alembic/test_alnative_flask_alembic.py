"""The native engine on a Flask-Alembic project (issue #13; flaskbb's layout): no alembic.ini and no env.py, the
revisions and ``script.py.mako`` in the script folder, Alembic run by the extension itself in the app's context
(its engines are Flask-SQLAlchemy's). mgen makes the app as ``flask db`` does and drives Flask-Alembic's own
``upgrade`` / ``revision`` on its scratch database (SQLite, or a scratch database on ``--db``); the database the
app's configuration names is never touched. Flask-Alembic judges: its own ``flask db upgrade`` / ``downgrade`` /
``upgrade`` apply the written revision on the test's own database, and ``flask db check`` finds nothing left.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import alembic
import pytest
from conftest import require_server

from mgen.cli import main
from mgen.db import scratch_database

pytest.importorskip("flask_alembic")
pytest.importorskip("flask_sqlalchemy")

PY = ["--python", sys.executable]  # the test venv has Flask, Flask-SQLAlchemy, Flask-Alembic and Alembic
APP = '''
import os

from flask import Flask
from flask_alembic import Alembic
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
alembic = Alembic()


class Post(db.Model):
    __tablename__ = "posts"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(80), nullable=True, index=True)


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("BLOG_DB", "sqlite:///" + os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "blog.db"))
    db.init_app(app)
    alembic.init_app(app)
    return app
'''
FIRST = '''"""posts

Revision ID: p1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "p1"
down_revision = None
branch_labels = ("default",)
depends_on = None


def upgrade():
    op.create_table("posts", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("title", sa.String(length=200), nullable=False), sa.PrimaryKeyConstraint("id"))


def downgrade():
    op.drop_table("posts")
'''


def project(tmp_path: Path) -> Path:
    """app.py (Flask's discovery finds its create_app), ``migrations/`` with Alembic's template and one revision;
    the model has gained an indexed column no revision adds."""
    root = tmp_path / "proj"
    (root / "migrations").mkdir(parents=True)
    (root / "app.py").write_text(APP)
    (root / "migrations" / "p1_posts.py").write_text(FIRST)
    (root / "migrations" / "script.py.mako").write_text(
        (Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako").read_text())
    return root


def flask(root: Path, *args: str, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "BLOG_"))}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app:create_app", "db", *args], cwd=root,
                          capture_output=True, text=True, env={**env, "BLOG_DB": url}, timeout=300, check=False)


def written(root: Path) -> list[Path]:
    return sorted(p for p in (root / "migrations").glob("*.py") if p.name != "p1_posts.py")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_native_drives_flask_alembic(tmp_path: Path, capsys, monkeypatch, dialect: str):
    server = require_server(dialect)
    root = project(tmp_path)
    for name in [k for k in os.environ if k.startswith(("FLASK_", "BLOG_"))]:
        monkeypatch.delenv(name)
    args = ["generate", str(root), "--engine", "native", *PY, *(["--db", server] if server else [])]
    assert main([*args, "--verify", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "native" and data["verified"] is True
    assert [op["description"] for op in data["operations"]] == ["add_column posts.slug", "add_index posts.ix_posts_slug"]
    assert "the Flask app: wsgi.py or app.py (Flask's discovery)" in data["notes"]
    [revision] = written(root)
    assert "Revises: p1\n" in revision.read_text()  # on the history, not a new branch from base
    assert not (root / "blog.db").exists()  # the app's own database: never touched

    with scratch_database(dialect, server) as url:  # Flask-Alembic's own commands judge, on the test's database
        for step in (["upgrade"], ["downgrade"], ["upgrade"], ["check"]):
            done = flask(root, *step, url=url)
            assert done.returncode == 0, (step, done.stdout, done.stderr)
        assert "No changes detected." in done.stdout
    assert main(args) == 0  # in sync now
    assert capsys.readouterr().out.splitlines()[0] == "no changes: nothing written"
    assert len(written(root)) == 1 and not (root / "blog.db").exists()
