"""Expression indexes on PostgreSQL compared as the project's Alembic compares them (issue #13, lemur's
``ix_certificates_cn_lower``): under a pinned SQLAlchemy 1.x autogenerate cannot reflect them and skips them on
both sides, so an index on ``lower(name)`` a revision made and the models do not declare is no change (said in
a note); with SQLAlchemy 2 (or no pin) it is compared and dropped. The judge here is Alembic on SQLAlchemy 2 (the
test environment's): ``compare_metadata`` on PostgreSQL reports the index removed, as mgen does without the pin.
The SQLAlchemy 1.x side was judged with Alembic 1.14.1 on SQLAlchemy 1.3.24 (lemur's pins): ``compare_metadata``
answers ``[]`` and warns "Skipped unsupported reflection of expression-based index" and "autogenerate skipping
metadata-specified expression-based index"."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic_app import upgraded, write_app

from mgen.cli import main

PKG = "expression_index_app"
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()

t = sa.Table("t", Base.metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)),
             sa.Index("ix_t_name", "name"))
"""
REVISION = '''\
"""t"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t", sa.Column("id", sa.Integer(), nullable=False), sa.Column("name", sa.String(20)),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_t_name", "t", ["name"])
    op.create_index("ix_t_lower", "t", [sa.text("lower(name)")])


def downgrade():
    op.drop_table("t")
'''


def _operations(root: Path, capsys) -> tuple[list[str], str]:
    assert main(["plan", str(root), "--dialect", "postgresql", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    return [line for line in out.splitlines() if line and not line.startswith((" ", "note:", "engine:"))], out


def test_under_a_pinned_sqlalchemy_1_an_expression_index_is_no_change(tmp_path: Path, capsys) -> None:
    root = write_app(tmp_path, PKG, MODELS, {"a1_t.py": REVISION})
    (root / "requirements.txt").write_text("alembic==1.14.1\nsqlalchemy==1.3.24\n")
    operations, out = _operations(root, capsys)
    assert operations == ["no changes"], out
    assert ("1 expression index(es) the models and the revisions differ on: no change, as Alembic's autogenerate "
            "compares them under the SQLAlchemy 1.x the project pins") in out and "t.ix_t_lower" in out


def test_under_sqlalchemy_2_it_is_compared(tmp_path: Path, capsys, postgres_url: str) -> None:
    from mgen.db import scratch_database

    root = write_app(tmp_path, PKG, MODELS, {"a1_t.py": REVISION})
    (root / "requirements.txt").write_text("alembic==1.14.1\nsqlalchemy==2.0.36\n")
    operations, out = _operations(root, capsys)
    assert operations == ["needs care   drop index ix_t_lower on t"], out
    with scratch_database("postgresql", postgres_url) as scratch:
        url = scratch.replace("postgresql://", "postgresql+psycopg://", 1)
        with upgraded(root, PKG, url) as models:
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
            engine.dispose()
    assert [(d[0], d[1].name) for d in diffs] == [("remove_index", "ix_t_lower")], diffs
