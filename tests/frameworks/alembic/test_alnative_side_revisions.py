"""Revision folders a project runs itself, outside Alembic's version locations (issue #13; CTFd's
``CTFd/plugins/<plugin>/migrations``, whose ``upgrade(op=None)`` the application calls with its own
``Operations`` after ``alembic upgrade head``). The judge: the database built as such a project builds it (Alembic's
``upgrade head``, then the plugin's revisions run with ``Operations``), then ``compare_metadata`` against the
models: nothing left, and mgen says "no changes", the plugin's table taken from the models with a note. A change
to a table of the main history is still seen."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic_app import upgraded, write_app

from mgen.cli import main

PKG = "side_revisions_app"
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Challenge(Base):
    __tablename__ = "challenges"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(80))


class Dynamic(Base):
    __tablename__ = "dynamic_challenge"
    id = sa.Column(sa.Integer, sa.ForeignKey("challenges.id"), primary_key=True)
    dynamic_initial = sa.Column(sa.Integer)
"""
MAIN = '''\
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("challenges", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("name", sa.String(length=80), nullable=True), sa.PrimaryKeyConstraint("id"))
    op.create_table("dynamic_challenge", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("initial", sa.Integer(), nullable=True),
                    sa.ForeignKeyConstraint(["id"], ["challenges.id"]), sa.PrimaryKeyConstraint("id"))
'''
PLUGIN = '''\
import sqlalchemy as sa

revision = "p1"
down_revision = None


def upgrade(op=None):
    op.add_column("dynamic_challenge", sa.Column("dynamic_initial", sa.Integer(), nullable=True))
    with op.batch_alter_table("dynamic_challenge") as batch_op:
        batch_op.drop_column("initial")
'''
def _project(root: Path) -> Path:
    write_app(root, PKG, MODELS, {"a1_init.py": MAIN})
    plugin = root / PKG / "plugins" / "dynamic" / "migrations"
    plugin.mkdir(parents=True)
    for folder in (root / PKG / "plugins", root / PKG / "plugins" / "dynamic"):
        (folder / "__init__.py").write_text("")
    (plugin / "p1_dynamic_prefix.py").write_text(PLUGIN)
    return root


def _as_the_project_builds_it(root: Path, tmp_path: Path) -> list:
    url = f"sqlite:///{tmp_path / 'judge.db'}"
    with upgraded(root, PKG, url) as models:
        engine = sa.create_engine(url)
        spec = importlib.util.spec_from_file_location(
            "p1", root / PKG / "plugins" / "dynamic" / "migrations" / "p1_dynamic_prefix.py")
        plugin = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(plugin)
        with engine.begin() as conn:  # the application runs the plugin's revisions itself
            plugin.upgrade(op=Operations(MigrationContext.configure(conn)))
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
        engine.dispose()
    return diffs


def test_a_plugins_own_revisions_leave_its_table_as_the_models_declare_it(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path / "proj")
    assert _as_the_project_builds_it(root, tmp_path) == []
    assert main(["plan", str(root), "--dialect", "sqlite", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out, out
    assert (f"{PKG}/plugins/dynamic/migrations: revisions the project runs itself, outside Alembic's version "
            "locations, change table(s) dynamic_challenge") in out


def test_a_change_to_the_main_historys_tables_is_still_seen(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path / "proj")
    models = root / PKG / "models.py"
    models.write_text(models.read_text().replace('    name = sa.Column(sa.String(80))\n',
                                                 '    name = sa.Column(sa.String(80))\n    score = sa.Column(sa.Integer)\n'))
    assert main(["plan", str(root), "--dialect", "sqlite", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    operations = [line for line in out.splitlines() if line and not line.startswith((" ", "note:", "engine:"))]
    assert len(operations) == 1 and "add column challenges.score" in operations[0], out
