"""Primary keys compared as Alembic's autogenerate compares them: never (issue #13, lemur's
``certificate_notification_associations.id``). A model that declares ``primary_key=True`` on a column its
revisions added without a key is no change (said in a note); a new table's key is written with it. The judge:
the revisions applied by ``alembic upgrade``, then Alembic's ``compare_metadata`` finds nothing either."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic_app import upgraded, write_app

from mgen.cli import main

PKG = "compare_keys_app"
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()

assoc = sa.Table(
    "assoc", Base.metadata,
    sa.Column("a_id", sa.Integer),
    sa.Column("b_id", sa.Integer),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
)
"""
REVISION = '''\
"""assoc"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("assoc", sa.Column("a_id", sa.Integer()), sa.Column("b_id", sa.Integer()))
    op.add_column("assoc", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True))


def downgrade():
    op.drop_table("assoc")
'''
NEW_TABLE = """
tag = sa.Table("tag", Base.metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))
"""


def _plan(root: Path, dialect: str, capsys) -> tuple[list[str], str]:
    assert main(["plan", str(root), "--dialect", dialect, "--engine", "static"]) == 0
    out = capsys.readouterr().out
    return [line for line in out.splitlines() if line and not line.startswith((" ", "note:", "engine:"))], out


def _autogenerate(root: Path, url: str) -> list:
    with upgraded(root, PKG, url) as models:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                     models.Base.metadata)
        engine.dispose()
    return diffs


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_key_the_database_lacks_is_no_change_and_said(tmp_path: Path, capsys, dialect: str, request) -> None:
    root = write_app(tmp_path, PKG, MODELS, {"a1_assoc.py": REVISION})
    operations, out = _plan(root, dialect, capsys)
    assert operations == ["no changes"], out
    assert ("1 table(s) whose primary key differs from the revisions': no change, as Alembic's autogenerate "
            "compares them (it never compares primary keys; write op.create_primary_key by hand to change one): "
            "assoc (model (id), revisions none)") in out
    if dialect == "sqlite":
        assert _autogenerate(root, f"sqlite:///{tmp_path / 'app.db'}") == []
        return
    from mgen.db import scratch_database

    with scratch_database("postgresql", request.getfixturevalue("postgres_url")) as scratch:
        assert _autogenerate(root, scratch.replace("postgresql://", "postgresql+psycopg://", 1)) == []


def test_a_new_tables_key_is_written(tmp_path: Path, capsys) -> None:
    """Only a table both sides have keeps the revisions' key: a new one is created with its own."""
    root = write_app(tmp_path, PKG, MODELS + NEW_TABLE, {"a1_assoc.py": REVISION})
    operations, out = _plan(root, "postgresql", capsys)
    assert operations == ["safe         create table tag (2 columns)"], out
    assert "assoc (model (id), revisions none)" in out
    assert main(["generate", str(root), "--dialect", "postgresql", "--engine", "static", "--dry-run"]) == 0
    assert 'sa.PrimaryKeyConstraint("id"' in capsys.readouterr().out


def test_drift_at_a_commit_compares_the_same_way(tmp_path: Path) -> None:
    """The drift note (the models at --base against the revisions there) uses the same comparison: a key only
    the models declare is no drift either."""
    from mgen.frameworks.alembic.framework import AlembicFramework

    root = write_app(tmp_path, PKG, MODELS, {"a1_assoc.py": REVISION})
    assert AlembicFramework().drift_lines(root, None, "postgresql") == []
