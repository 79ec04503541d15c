"""The native engine on a Flask-Migrate project (issue #13): its ``env.py`` (Flask-Migrate's own template, written
by ``flask db init``) reads ``current_app.extensions["migrate"]``, so Alembic runs only in the app's context,
the app made as ``flask db`` makes it (``FLASK_APP``, ``wsgi.py``/``app.py``, or a console script's
``FlaskGroup(create_app=...)``). The scratch database is mgen's own; the database the app's configuration
names is never touched, even by an app factory that migrates or creates its tables when it starts.
Flask-Migrate judges: ``flask db upgrade`` / ``downgrade`` / ``upgrade`` apply the written revision on the test's
own database, and ``flask db check`` (Alembic's ``check``: ``compare_metadata``) finds nothing left.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_server

from mgen.cli import main

pytest.importorskip("flask_migrate")
pytest.importorskip("flask_sqlalchemy")

PY = ["--python", sys.executable]  # the test venv has Flask, Flask-SQLAlchemy, Flask-Migrate and Alembic
PACKAGE = '''
import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("BLOG_DB", "sqlite:///" + os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "blog.db"))
    db.init_app(app)
    migrate.init_app(app, db)
    from . import models  # noqa: F401
    with app.app_context():
        {startup}
    return app
'''
MODELS = '''
from . import db


class Post(db.Model):
    __tablename__ = "posts"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
{extra}'''
FIRST = '''"""posts

Revision ID: p1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "p1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("posts", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("title", sa.String(length=200), nullable=False), sa.PrimaryKeyConstraint("id"))


def downgrade():
    op.drop_table("posts")
'''
ADDED = '    slug = db.Column(db.String(80), nullable=True, index=True)\n'
CLI = '''
from flask.cli import FlaskGroup

from blog import create_app

cli = FlaskGroup(create_app=create_app)
'''


def flask_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "BLOG_"))}
    return {**env, **extra}


def flask(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "blog:create_app", "db", *args], cwd=root,
                          capture_output=True, text=True, env=flask_env(**env), timeout=300, check=False)


def project(tmp_path: Path, startup: str = "pass", how: str = "wsgi") -> Path:
    """A Flask-Migrate project: package ``blog`` (a ``create_app`` factory), ``migrations/`` from ``flask db
    init``, one revision; its model has gained an indexed column no revision adds. ``how`` the app is found:
    ``wsgi`` (a wsgi.py), ``script`` (a console script that is a FlaskGroup), ``none``."""
    root = tmp_path / "proj"
    (root / "blog").mkdir(parents=True)
    (root / "blog" / "__init__.py").write_text(PACKAGE.replace("{startup}", "pass"))
    (root / "blog" / "models.py").write_text(MODELS.replace("{extra}", ""))
    done = flask(root, "init", BLOG_DB="sqlite://")
    assert done.returncode == 0, done.stderr
    (root / "blog" / "__init__.py").write_text(PACKAGE.replace("{startup}", startup))
    (root / "migrations" / "versions" / "p1_posts.py").write_text(FIRST)
    (root / "blog" / "models.py").write_text(MODELS.replace("{extra}", ADDED))
    if how == "wsgi":
        (root / "wsgi.py").write_text("from blog import create_app\n\napp = create_app()\n")
    elif how == "script":
        (root / "blog" / "cli.py").write_text(CLI)
        (root / "pyproject.toml").write_text('[project]\nname = "blog"\nversion = "0"\n\n'
                                             '[project.scripts]\nblog = "blog.cli:cli"\n')
    return root


def written(root: Path) -> list[Path]:
    return sorted(p for p in (root / "migrations" / "versions").glob("*.py") if p.name != "p1_posts.py")


def judge(root: Path, url: str) -> None:
    """Flask-Migrate's own commands on the test's database: the revision applies both ways, and nothing is left."""
    for args in (["upgrade"], ["downgrade"], ["upgrade"], ["check"]):
        done = flask(root, *args, BLOG_DB=url)
        assert done.returncode == 0, (args, done.stdout, done.stderr)


@pytest.mark.parametrize(("how", "found"), [("wsgi", "wsgi.py or app.py (Flask's discovery)"),
                                            ("script", "the create_app of the FlaskGroup blog.cli:cli")])
def test_native_runs_in_the_apps_context(tmp_path: Path, capsys, monkeypatch, how: str, found: str):
    root = project(tmp_path, how=how)
    for name in [k for k in os.environ if k.startswith("FLASK_")]:
        monkeypatch.delenv(name)
    assert main(["generate", str(root), "--engine", "native", "--json", *PY]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "native"
    assert [op["description"] for op in data["operations"]] == ["add_column posts.slug", "add_index posts.ix_posts_slug"]
    assert f"the Flask app: {found}" in data["notes"]
    [revision] = written(root)
    text = revision.read_text()
    assert "down_revision = 'p1'" in text and "batch_op.create_index(batch_op.f('ix_posts_slug')" in text
    assert not (root / "blog.db").exists()  # the app's own database: never touched
    judge(root, f"sqlite:///{tmp_path / 'judge.db'}")
    assert main(["generate", str(root), "--engine", "native", *PY]) == 0  # in sync now
    assert capsys.readouterr().out.splitlines()[0] == "no changes: nothing written"
    assert len(written(root)) == 1 and not (root / "blog.db").exists()


UPGRADE = "__import__('flask_migrate').upgrade()"
PLUGIN = (UPGRADE + "; db.session.execute(db.text('CREATE TABLE plugin_notes (id INTEGER NOT NULL PRIMARY KEY)')); "
          "db.session.commit()")
PLUGIN_MODEL = '\n\nclass PluginNote(db.Model):\n    __tablename__ = "plugin_notes"\n    id = db.Column(db.Integer, primary_key=True)\n'


CREATED = ("the app's factory created 1 table: posts from its models (create_all) in the scratch database: emptied, "
           "so that upgrade heads builds them from the revisions")
MIGRATED = "the app's factory migrated the scratch database itself ({}): upgrade heads goes on from there"


@pytest.mark.parametrize(("startup", "said"), [
    ("db.create_all()", CREATED), (UPGRADE, MIGRATED.format("2 tables: alembic_version, posts")),
    (PLUGIN, MIGRATED.format("3 tables: alembic_version, plugin_notes, posts"))])
def test_what_a_factory_builds_at_start(tmp_path: Path, capsys, monkeypatch, startup: str, said: str):
    """create_all() at startup would put the new column in the scratch database before ``upgrade heads`` (a silent
    "no changes"): emptied first. A factory that migrates itself, with a plugin's own table beside the revisions,
    leaves what a deployed database has: kept, so the plugin's table is no change. The app's own database is
    never where any of it went."""
    root = project(tmp_path, startup=startup)
    if startup == PLUGIN:
        (root / "blog" / "models.py").write_text((root / "blog" / "models.py").read_text() + PLUGIN_MODEL)
    monkeypatch.setenv("FLASK_APP", "blog:create_app")
    assert main(["generate", str(root), "--engine", "native", "--dry-run", "--json", *PY]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [op["description"] for op in data["operations"]] == ["add_column posts.slug", "add_index posts.ix_posts_slug"]
    assert data["notes"][:2] == ["the Flask app: FLASK_APP=blog:create_app", said]
    assert written(root) == [] and not (root / "blog.db").exists()


def test_no_app_is_a_one_line_refusal(tmp_path: Path, capsys, monkeypatch):
    root = project(tmp_path, how="none")
    for name in [k for k in os.environ if k.startswith("FLASK_")]:
        monkeypatch.delenv(name)
    assert main(["generate", str(root), "--engine", "native", *PY]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mgen: engine: native could not run: no Flask app found as `flask db` finds one: ")
    assert "set FLASK_APP=module:app" in err and len(err.splitlines()) == 1
    monkeypatch.setenv("FLASK_APP", "blog.missing:create_app")
    assert main(["generate", str(root), "--engine", "native", *PY]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mgen: engine: native could not run: making the Flask app (FLASK_APP=blog.missing:create_app) "
                          "failed: ") and len(err.splitlines()) == 1
    assert written(root) == []


def test_a_postgresql_project_takes_a_scratch_database_on_the_server(tmp_path: Path, capsys, monkeypatch):
    server = require_server("postgresql")
    root = project(tmp_path, startup="__import__('flask_migrate').upgrade()")
    (root / "migrations" / "alembic.ini").write_text((root / "migrations" / "alembic.ini").read_text() +
                                                     "\n# the project's database: postgresql://db.invalid/blog\n")
    (root / "blog" / "__init__.py").write_text((root / "blog" / "__init__.py").read_text().replace(
        '"sqlite:///" + os.path.join(', '"postgresql://blog@db.invalid/blog" or (').replace('"blog.db"))', '"x"))'))
    monkeypatch.setenv("FLASK_APP", "blog:create_app")
    assert main(["generate", str(root), "--engine", "native", *PY]) == 2
    err = capsys.readouterr().err
    assert "the project's database is postgresql" in err and "give --db SERVER_URL" in err
    assert main(["generate", str(root), "--engine", "native", "--db", server, *PY]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["add_column posts.slug", "add_index posts.ix_posts_slug"]
    [revision] = written(root)
    assert "op.add_column" in revision.read_text() or "batch_op.add_column" in revision.read_text()
    from mgen.db import scratch_database

    with scratch_database("postgresql", server) as url:
        judge(root, url)


BREAK = '''import sys

with open(sys.argv[1], "a") as f:
    f.write("\\n\\ndef upgrade():\\n    raise RuntimeError('broken on purpose')\\n")
'''


def test_verify_applies_alembics_revision_on_the_scratch_database(tmp_path: Path, capsys, monkeypatch):
    """``--verify``: Alembic applies its own revision on the scratch database both ways and autogenerate finds
    nothing left; one that does not apply (here a post_write_hook breaks it) is not left written, exit 1."""
    root = project(tmp_path)
    monkeypatch.setenv("FLASK_APP", "blog:create_app")
    assert main(["generate", str(root), "--engine", "native", "--verify", *PY]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("verify: ")] == [
        "verify: upgrade heads: ok", "verify: downgrade -1: ok", "verify: upgrade heads again: ok",
        "verify: nothing left to autogenerate: ok"]
    [revision] = written(root)
    revision.unlink()
    (root / "break.py").write_text(BREAK)
    ini = root / "migrations" / "alembic.ini"
    ini.write_text(ini.read_text() + f"\n[post_write_hooks]\nhooks = breakit\nbreakit.type = exec\n"
                                      f"breakit.executable = {sys.executable}\n"
                                      "breakit.options = break.py REVISION_SCRIPT_FILENAME\n")
    assert main(["generate", str(root), "--engine", "native", "--verify", "--json", *PY]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is False and data["files"] == []
    assert data["verify"] == [{"step": "upgrade heads", "result": "RuntimeError: broken on purpose"}]
    assert "raise RuntimeError('broken on purpose')" in data["revision"]
    assert written(root) == [] and not (root / "blog.db").exists()
