"""MySQL histories replayed as Alembic runs them (issue #13, CTFd's shapes in hand-written fixtures):

- a loop over a query of ``information_schema.COLUMNS`` that alters what it finds (``replay_catalog``);
- a foreign key dropped and made again on the same columns: the index MySQL made for the first one backs the
  second, and is the key's own again (not an index of the model);
- ``sa.ForeignKeyConstraint(["id"], ...)`` on an integer primary key: the key is not AUTO_INCREMENT, as
  SQLAlchemy decides (the column has a foreign key), in a revision and in the models alike.

The oracle: ``alembic upgrade head`` on MySQL, the database introspected, and the replay (and the models where
given) diffing as no change against it."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from test_alembic_replay import make_project, revision, upgraded

from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay, replay_with_notes
from mgen.frameworks.sqlalchemy import read_models

MYSQL = get_dialect("mysql")
TABLES = '''
op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("created", sa.DateTime(), nullable=True))
op.create_table("awards", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("team_id", sa.Integer()),
                sa.Column("date", sa.DateTime(), nullable=True), sa.Column("name", sa.String(80)),
                sa.ForeignKeyConstraint(["team_id"], ["teams.id"]))
'''


def same(a, b) -> list[str]:
    return [op.describe() for op in diff(a, b, MYSQL).operations] + \
        [op.describe() for op in diff(b, a, MYSQL).operations]


def test_a_loop_over_an_information_schema_query_alters_what_it_finds(tmp_path: Path):
    fsp = '''
    bind = op.get_bind()
    if str(bind.engine.url).startswith("mysql"):
        query = ("SELECT `TABLE_NAME`, `COLUMN_NAME` FROM `information_schema`.`COLUMNS` "
                 "WHERE `table_schema`=DATABASE() AND `DATA_TYPE`='datetime' AND `COLUMN_TYPE`='datetime';")
        conn = op.get_bind()
        columns = conn.execute(sa.text(query)).fetchall()
        for table_name, column_name in columns:
            op.alter_column(table_name=table_name, column_name=column_name, type_=mysql.DATETIME(fsp=6))
    '''
    project = make_project(tmp_path, {"a.py": revision("a", None, TABLES),
                                      "b.py": revision("b", "a", fsp, "from sqlalchemy.dialects import mysql")})
    live = upgraded(project, "mysql")
    replayed = replay_with_notes(project / "versions", "mysql")
    assert same(replayed.schema, live) == []
    assert replayed.schema.table("awards").column("date").type.precision == 6
    assert any("information_schema" in n.message and "2 row(s)" in n.message for n in replayed.notes)


def test_a_query_of_anything_else_stays_unknown(tmp_path: Path):
    body = '''
    conn = op.get_bind()
    for (name,) in conn.execute(sa.text("SELECT name FROM awards")).fetchall():
        op.drop_column("awards", name)
    '''
    project = make_project(tmp_path, {"a.py": revision("a", None, TABLES), "b.py": revision("b", "a", body)})
    with pytest.raises(MgenError, match="only known when the code runs"):
        replay(project / "versions", "mysql")


def test_a_foreign_key_made_again_takes_back_the_index_mysql_made(tmp_path: Path):
    again = '''
    op.drop_constraint("awards_ibfk_1", "awards", type_="foreignkey")
    op.create_foreign_key("awards_ibfk_1", "awards", "teams", ["team_id"], ["id"], ondelete="CASCADE")
    '''
    project = make_project(tmp_path, {"a.py": revision("a", None, TABLES), "b.py": revision("b", "a", again)})
    live = upgraded(project, "mysql")
    replayed = replay(project / "versions", "mysql")
    assert same(replayed, live) == []
    assert replayed.table("awards").indexes == ()


def test_a_primary_key_with_a_table_foreign_key_is_not_auto_increment(tmp_path: Path):
    child = '''
    op.create_table("solves", sa.Column("id", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["id"], ["teams.id"], ondelete="CASCADE"),
                    sa.PrimaryKeyConstraint("id"))
    '''
    project = make_project(tmp_path, {"a.py": revision("a", None, TABLES), "b.py": revision("b", "a", child)})
    live = upgraded(project, "mysql")
    replayed = replay(project / "versions", "mysql")
    assert same(replayed, live) == []
    assert replayed.table("solves").column("id").identity is None
    models = tmp_path / "models.py"
    models.write_text(textwrap.dedent('''\
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class Team(Base):
            __tablename__ = "teams"
            id = sa.Column(sa.Integer, primary_key=True)


        class Solve(Base):
            __tablename__ = "solves"
            __table_args__ = (sa.ForeignKeyConstraint(["id"], ["teams.id"], ondelete="CASCADE"),)
            id = sa.Column(sa.Integer, primary_key=True)
        '''))
    assert read_models(models, "mysql").table("solves").column("id").identity is None
