"""``@compiles(db.DateTime, "mysql")`` in the models applies to the revisions' types too (issue #13; CTFd's
``DATETIME(6)``): env.py imports the models before the revisions run, so ``sa.DateTime()`` in a revision creates a
``DATETIME(6)`` column. The judge: ``alembic upgrade head`` on MySQL with that env.py, and the columns MySQL has
then: the ``sa.DateTime()`` one is ``datetime(6)``, as the models declare it (no change, for mgen as for
autogenerate); one a revision spells ``mysql.DATETIME()`` is not SQLAlchemy's ``DateTime`` and stays ``datetime``,
which mgen reports against the model's ``datetime(6)`` (autogenerate compares a type's arguments only when both
sides give them, so it misses that one: ``compare_types``)."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic_app import upgraded, write_app
from conftest import require_server

from mgen.cli import main
from mgen.db import scratch_database

PKG = "compiles_revisions_app"
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import declarative_base

Base = declarative_base()


@compiles(sa.DateTime, "mysql")
def compile_datetime_mysql(_type, _compiler, **kw):
    return "DATETIME(6)"


class Rating(Base):
    __tablename__ = "ratings"
    id = sa.Column(sa.Integer, primary_key=True)
    date = sa.Column(sa.DateTime)
    seen = sa.Column(sa.DateTime)
"""
REVISION = '''\
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("ratings", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("date", sa.DateTime(), nullable=True),
                    sa.Column("seen", mysql.DATETIME(), nullable=True), sa.PrimaryKeyConstraint("id"))
'''
def _project(root: Path) -> Path:
    return write_app(root, PKG, MODELS, {"a1_ratings.py": REVISION}, "mysql+pymysql://u:p@localhost/app",
                     configure=", compare_type=True")


def test_the_models_compiles_apply_to_the_revisions_types(tmp_path: Path, capsys) -> None:
    server = require_server("mysql")
    root = _project(tmp_path / "proj")
    assert main(["plan", str(root), "--engine", "static"]) == 0
    out = capsys.readouterr().out
    operations = [line for line in out.splitlines() if line and not line.startswith((" ", "note:", "engine:"))]
    assert len(operations) == 1 and "alter column ratings.seen type" in operations[0] and operations[0].endswith("(6)"), out

    with scratch_database("mysql", server) as scratch:
        url = sa.engine.make_url(scratch).set(drivername="mysql+pymysql").render_as_string(hide_password=False)
        try:
            with upgraded(root, PKG, url):
                engine = sa.create_engine(url)
                with engine.connect() as conn:
                    columns = dict(conn.execute(sa.text(
                        "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
                        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ratings'")).fetchall())
                engine.dispose()
        finally:
            # the models' @compiles is SQLAlchemy's, process-wide: later tests in this worker must not compile
            # DateTime as DATETIME(6) on MySQL
            from sqlalchemy.ext.compiler import deregister
            deregister(sa.DateTime)
    assert (columns["date"].lower(), columns["seen"].lower()) == ("datetime(6)", "datetime"), columns
