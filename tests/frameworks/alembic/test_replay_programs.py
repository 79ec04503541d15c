"""Revisions are programs: the replay follows what decides their schema effect and skips data code.

Alembic judges: each fixture project is upgraded by ``alembic upgrade head`` on a scratch database
(SQLite, and PostgreSQL), the database is introspected, and the static replay must equal it. Where only
running the code would tell (an ``op.*`` call in a loop over query rows), the replay stops at that line.
"""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from conftest import require_server
from test_alembic_replay import assert_same, make_project, revision, sa_url

from mgen.db import connect, scratch_database
from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay_with_notes
from mgen.frameworks.alembic.replay_baseline import database_baseline, models_baseline, uncreated_tables
from mgen.frameworks.alembic.revisions import read_graph
from mgen.schema import Column, ColumnType, Schema, Table
from mgen.sources.live import introspect_connection

BASE = revision("r1", None, """
    op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(40)))
    """)


def upgrade_and_read(project: Path, dialect: str, app_root: Path | None = None, setup: str | None = None):
    with scratch_database(dialect, require_server(dialect)) as url:
        if setup:
            with connect(url) as conn:
                conn.execute(setup)
        config = Config(str(project / "alembic.ini"))
        config.set_main_option("script_location", str(project))
        config.set_main_option("sqlalchemy.url", sa_url(url))
        if app_root is not None:
            config.set_main_option("prepend_sys_path", str(app_root))
            for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
                del sys.modules[name]  # another test of this worker imported a package named app of its own
        command.upgrade(config, "head")
        with connect(url) as conn:
            return introspect_connection(conn).without_table("alembic_version")


CONTROL_FLOW = revision("r2", "r1", """
    bind = op.get_bind()
    url = str(bind.engine.url)
    inspector = sa.inspect(bind)
    try:
        op.add_column("items", sa.Column("a", sa.Integer()))
    except Exception:
        op.add_column("items", sa.Column("never", sa.Integer()))
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("items", sa.Column("pg_only", sa.Integer()))
    elif context.get_context().dialect.name == "sqlite":
        op.add_column("items", sa.Column("sqlite_only", sa.Integer()))
    if bind.engine.name != "sqlite":
        op.create_index("ix_items_a", "items", ["a"])
    if url.startswith("sqlite") is False:
        op.add_column("items", sa.Column("not_sqlite", sa.Integer()))
    if not inspector.has_table("tags"):
        op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
    if "items" in inspector.get_table_names():
        op.add_column("items", sa.Column("seen", sa.Boolean()))
    if "a" not in [c["name"] for c in inspector.get_columns("items")]:
        op.add_column("items", sa.Column("again", sa.Integer()))
    if table_exists("ghost"):
        op.drop_table("ghost")
    for table in ["items", "tags"]:
        op.add_column(table, sa.Column("created", sa.Integer()))
    for table, column in (("items", "x1"), ("tags", "x2")):
        add_int(table, column)
    add_from_sibling("tags", "note")
    items = sa.table("items", sa.column("name", sa.String))
    op.execute(items.update().values(name="x"))
    op.bulk_insert(items, [{"name": "y"}])
    conn = op.get_bind()
    for row in conn.execute(sa.text("SELECT id FROM items")).fetchall():
        conn.execute(sa.text("UPDATE items SET name = 'z' WHERE id = :id"), {"id": row[0]})
    session = Session(bind=bind)
    session.commit()
    print("done")
    """, imports="from alembic import context\nfrom sqlalchemy.orm import Session\n"
                 "from helpers import add_from_sibling\n") \
    + textwrap.dedent('''

    def table_exists(name):
        return name in sa.inspect(op.get_bind()).get_table_names()


    def add_int(table, column, nullable=True):
        """Adds an integer column."""
        if column == "skip":
            return
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=nullable))
    ''')

HELPERS = '''
import sqlalchemy as sa
from alembic import op


def add_from_sibling(table, column):
    op.add_column(table, sa.Column(column, sa.Text()))
'''


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_control_flow_helpers_and_data_code_equal_alembic_upgrade(tmp_path, dialect):
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": CONTROL_FLOW})
    (project / "helpers.py").write_text(HELPERS)  # beside env.py: Alembic loads every .py of versions/ as a revision
    read = replay_with_notes(project / "versions", dialect)
    live = upgrade_and_read(project, dialect, app_root=project)
    assert_same(read.schema, live, dialect, exact=False)
    columns = read.schema.table("items").column_names()
    assert "never" not in columns and ("pg_only" in columns) == (dialect == "postgresql")
    assert ("sqlite_only" in columns) == (dialect == "sqlite") and "again" not in columns
    notes = [n.message for n in read.notes]
    assert any(m.startswith("a try block: its body is replayed") for m in notes)
    assert any(m.startswith("a loop over conn.execute(") and "changes no schema" in m for m in notes)
    assert any(m.startswith("the call session.commit(...) is skipped") for m in notes)


def test_an_op_call_in_a_loop_over_rows_stops_at_its_line(tmp_path):
    body = """
        op.add_column("items", sa.Column("a", sa.Integer()))
        conn = op.get_bind()
        for (name,) in conn.execute(sa.text("SELECT name FROM items")).fetchall():
            op.add_column("items", sa.Column(name, sa.Integer()))
        """
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": revision("r2", "r1", body)})
    with pytest.raises(MgenError) as e:
        replay_with_notes(project / "versions", "sqlite")
    assert (Path(e.value.file).name, e.value.line) == ("r2.py", 11)
    assert "what it iterates over is only known when the code runs, and it changes the schema" in e.value.message
    partial = replay_with_notes(project / "versions", "sqlite", stop_at_unknowable=True)
    assert partial.revisions == ["r1"] and partial.stopped is not None and partial.stopped.line == 11
    assert partial.schema.table("items").column_names() == ("id", "name")


def test_an_unknown_condition_around_data_code_is_skipped_but_around_an_op_it_stops(tmp_path):
    skipped = revision("r2", "r1", """
        if op.get_bind().dialect.server_version_info >= (12,):
            op.execute("UPDATE items SET name = 'x'")
        """)
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": skipped})
    read = replay_with_notes(project / "versions", "postgresql")
    assert any("is skipped: it changes no schema" in n.message for n in read.notes)
    stopping = revision("r2", "r1", """
        if op.get_bind().dialect.server_version_info >= (12,):
            op.add_column("items", sa.Column("a", sa.Integer()))
        """)
    (project / "versions" / "r2.py").write_text(stopping)
    with pytest.raises(MgenError, match="the condition is only known when the code runs"):
        replay_with_notes(project / "versions", "postgresql")


TYPES = '''
import sqlalchemy as sa


class GUID(sa.types.TypeDecorator):
    impl = sa.CHAR(32)
    cache_ok = True
'''


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_project_type_decorator_is_read_through_its_impl(tmp_path, dialect):
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "types.py").write_text(TYPES)
    rev = revision("r2", "r1", """
        op.add_column("items", sa.Column("guid", GUID(), nullable=True))
        op.add_column("items", sa.Column("other", Mystery(), nullable=True))
        """, imports="from app.types import GUID\nfrom outside.lib import Mystery\n")
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": rev})
    read = replay_with_notes(project / "versions", dialect)
    assert read.schema.table("items").column("guid").type == ColumnType("char", length=32)
    assert read.schema.table("items").column("other").type == ColumnType("text")
    assert any(m.message.startswith("column type Mystery() is not known statically") for m in read.notes)


def test_library_types_are_the_type_their_impl_emits(tmp_path):
    rev = revision("r2", "r1", """
        op.add_column("items", sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False))
        op.add_column("items", sa.Column("uid", UUIDType(binary=False)))
        """, imports="import sqlmodel\nfrom sqlalchemy_utils import UUIDType\n")
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": rev})
    for dialect, email, uid in (("mysql", ColumnType("varchar", length=255), ColumnType("char", length=32)),
                                ("postgresql", ColumnType("varchar"), ColumnType("uuid")),
                                ("sqlite", ColumnType("varchar"), ColumnType("char", length=32))):
        table = replay_with_notes(project / "versions", dialect).schema.table("items")
        assert (table.column("email").type, table.column("uid").type) == (email, uid), dialect


LEGACY = "CREATE TABLE legacy (id INTEGER PRIMARY KEY, name VARCHAR(20))"
ON_BASELINE = revision("b1", None, """
    op.add_column("legacy", sa.Column("extra", sa.Integer()))
    op.create_table("child", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("legacy_id", sa.Integer(), sa.ForeignKey("legacy.id")))
    """)


def test_a_history_on_an_sql_baseline_is_replayed_on_the_database(tmp_path):
    project = make_project(tmp_path, {"b1.py": ON_BASELINE})
    graph = read_graph([project / "versions"])
    assert uncreated_tables(graph) == {"legacy"}
    with pytest.raises(MgenError, match="table 'legacy' does not exist"):
        replay_with_notes(project / "versions", "sqlite")
    (project / "versions" / "b2.py").write_text(revision("b2", "b1", """
        op.add_column("child", sa.Column("note", sa.Text()))
        """))
    with scratch_database("sqlite", require_server("sqlite")) as url:
        with connect(url) as conn:
            conn.execute(LEGACY)
        config = Config(str(project / "alembic.ini"))
        config.set_main_option("script_location", str(project))
        config.set_main_option("sqlalchemy.url", sa_url(url))
        command.upgrade(config, "b1")
        baseline = database_baseline(url, read_graph([project / "versions"]))
        assert baseline.applied == ("b1",)
        command.upgrade(config, "head")
        with connect(url) as conn:
            live = introspect_connection(conn).without_table("alembic_version")
    read = replay_with_notes(project / "versions", "sqlite", baseline=baseline)
    assert read.revisions == ["b2"] and read.baseline.startswith("the database at")
    assert_same(read.schema, live, "sqlite", exact=False)


def test_a_baseline_from_the_models_is_said_and_its_tables_named(tmp_path):
    project = make_project(tmp_path, {"b1.py": ON_BASELINE})
    models = Schema(tables=(Table("legacy", (Column("id", ColumnType("integer"), nullable=False),
                                             Column("name", ColumnType("varchar", length=20)),
                                             Column("extra", ColumnType("integer")))),
                            Table("unrelated", (Column("id", ColumnType("integer")),))))
    baseline = models_baseline(read_graph([project / "versions"]), models, "the models (app/models.py)")
    read = replay_with_notes(project / "versions", "sqlite", baseline=baseline)
    assert read.assumed_tables == ("legacy",) and sorted(t.name for t in read.schema.tables) == ["child", "legacy"]
    said = [n.message for n in read.notes]
    assert any("tables legacy are taken from the models (app/models.py) as they are now, so a change to them is "
               "not seen" in m for m in said)
    assert any(m.startswith("op.add_column() on legacy, taken from the models, is skipped") for m in said)


def test_a_type_computed_by_a_helper_is_carried_as_text_with_a_note(tmp_path):
    """Formerly a refusal of the whole history ("computed-type" in test_alembic_replay.py)."""
    rev = revision("r2", "r1", 'op.add_column("items", sa.Column("size", make_type()))') + \
        "\n\ndef make_type():\n    return sa.Integer() if FLAG else sa.Text()\n"  # not plain Python (factories)
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": rev})
    read = replay_with_notes(project / "versions", "postgresql")
    assert read.schema.table("items").column("size").type == ColumnType("text")
    assert [(n.line, n.message.split(":")[0]) for n in read.notes] == [
        (9, "column type make_type() is not known statically (column type")]


def test_a_refusal_on_a_table_no_revision_creates_says_the_history_has_a_baseline(tmp_path):
    project = make_project(tmp_path, {"b1.py": ON_BASELINE})
    with pytest.raises(MgenError) as e:
        replay_with_notes(project / "versions", "postgresql")
    assert e.value.message == ("table 'legacy' does not exist at this point of the history: the history starts "
                               "from a baseline no revision creates (tables legacy): give --db URL to replay it "
                               "on the database (or take those tables from the models)")


DECORATORS = '''
from alembic import op


def only_on_postgresql(func):
    def wrapper(*args, **kwargs):
        if op.get_bind().engine.dialect.name != "postgresql":
            return
        return func(*args, **kwargs)
    return wrapper
'''

KINDS = '''
import enum


class Kind(enum.Enum):
    SMALL = "small"
    LARGE = "large"
'''


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_decorators_batch_lists_and_enums_equal_alembic_upgrade(tmp_path, dialect):
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "kinds.py").write_text(KINDS)
    (app / "decorators.py").write_text(DECORATORS)
    r2 = revision("r2", "r1", """
        op.add_column("items", sa.Column("pg", sa.Integer()))
        """, imports="from app.decorators import only_on_postgresql\n").replace(
        "def upgrade()", "@only_on_postgresql\ndef upgrade()")
    r3 = revision("r3", "r2", """
        kind = sa.Enum(Kind, name="kind", native_enum=False)
        kind.create(op.get_bind(), checkfirst=True)
        op.add_column("items", sa.Column("kind", kind, nullable=False, server_default=Kind.SMALL.name))
        op.alter_column("items", "name", existing_type=sa.String(40), autoincrement=False)
        batches = [op.batch_alter_table("items", recreate="always", table_kwargs={"sqlite_autoincrement": True})]
        for batch in batches:
            with batch:
                pass
        with op.batch_alter_table("items") as batch_op:
            for column in ("b1", "b2"):
                batch_op.add_column(sa.Column(column, sa.Integer()))
        """, imports="from app.kinds import Kind\n")
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": r2, "r3.py": r3})
    read = replay_with_notes(project / "versions", dialect)
    live = upgrade_and_read(project, dialect, app_root=tmp_path)
    assert_same(read.schema, live, dialect, exact=False)
    items = read.schema.table("items")
    assert ("pg" in items.column_names()) == (dialect == "postgresql")
    assert items.column_names()[-2:] == ("b1", "b2") and items.column("kind").default.value == "SMALL"
    assert (items.column("id").identity == "serial") == (dialect in ("sqlite", "postgresql"))


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_use_alter_foreign_keys_and_an_engine_of_the_application(tmp_path, dialect):
    """use_alter=True foreign keys are left out of CREATE TABLE where ALTER exists (and op.create_table
    does not add them); ``sa.create_engine(...)`` is taken as the database being migrated."""
    rev = revision("r2", "r1", """
        engine = sa.create_engine(os.environ.get("DATABASE_URL", "sqlite://"))
        if not engine.dialect.has_table(engine, "tags"):
            op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True),
                            sa.Column("item_id", sa.Integer()),
                            sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_tag_item", use_alter=True))
        if not engine.dialect.has_table(engine, "items"):
            op.create_table("never", sa.Column("id", sa.Integer(), primary_key=True))
        """, imports="import os\n").replace('engine = sa.create_engine(os.environ.get("DATABASE_URL", "sqlite://"))',
                                            "engine = op.get_bind()  # replaced below")
    replayed_rev = rev.replace("engine = op.get_bind()  # replaced below",
                               'engine = sa.create_engine(os.environ.get("DATABASE_URL", "sqlite://"))')
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": rev})
    live = upgrade_and_read(project, dialect)
    (project / "versions" / "r2.py").write_text(replayed_rev)
    read = replay_with_notes(project / "versions", dialect)
    assert_same(read.schema, live, dialect, exact=False)
    assert bool(read.schema.table("tags").foreign_keys) == (dialect == "sqlite")


def test_the_project_replay_takes_the_baseline_from_the_models_only_when_the_history_needs_one(tmp_path):
    from mgen.frameworks.alembic.replay_project import current_replay

    models = Schema(tables=(Table("legacy", (Column("id", ColumnType("integer"), nullable=False),)),))
    project = make_project(tmp_path, {"b1.py": ON_BASELINE})
    read = current_replay([project / "versions"], "sqlite", models=models, models_source="the models (m.py)",
                          db_url="models")
    assert read.assumed_tables == ("legacy",) and read.schema.table("legacy").column_names() == ("id", "extra")
    plain = make_project(tmp_path / "plain", {"r1.py": BASE})
    assert current_replay([plain / "versions"], "sqlite", models=models).assumed_tables == ()


def test_sqlite_foreign_keys_to_a_table_created_later_in_the_revision(tmp_path):
    rev = revision("r2", "r1", """
        op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("topic_id", sa.Integer()),
                        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], name="fk_post_topic", ondelete="cascade",
                                                use_alter=True))
        op.create_table("topics", sa.Column("id", sa.Integer(), primary_key=True))
        """)
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": rev})
    read = replay_with_notes(project / "versions", "sqlite")
    assert_same(read.schema, upgrade_and_read(project, "sqlite"), "sqlite", exact=False)
    assert [f.ref_table for f in read.schema.table("posts").foreign_keys] == ["topics"]
    (project / "versions" / "r2.py").write_text(rev.replace('op.create_table("topics"', 'op.create_table("other"'))
    with pytest.raises(MgenError, match="table posts: foreign key to 'topics', which is not defined"):
        replay_with_notes(project / "versions", "sqlite")


def test_names_set_by_skipped_code_are_unknown_and_a_raise_is_an_error(tmp_path):
    body = """
        name = "a"
        name += "b"
        op.add_column("items", sa.Column(name, sa.Integer()))
        for row in op.get_bind().execute(sa.text("SELECT name FROM items")):
            name = row[0]
        op.add_column("items", sa.Column(name, sa.Integer()))
        """
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": revision("r2", "r1", body)})
    with pytest.raises(MgenError) as e:
        replay_with_notes(project / "versions", "sqlite")
    assert e.value.line == 14 and "ab" not in e.value.message
    (project / "versions" / "r2.py").write_text(revision("r2", "r1", """
        if op.get_bind().dialect.name == "sqlite":
            raise NotImplementedError("not on SQLite")
        """))
    with pytest.raises(MgenError, match=r"upgrade\(\) raises here \(raise NotImplementedError"):
        replay_with_notes(project / "versions", "sqlite")
    assert replay_with_notes(project / "versions", "postgresql").revisions == ["r1", "r2"]
