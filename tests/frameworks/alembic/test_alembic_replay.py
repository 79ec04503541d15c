"""Alembic histories replayed statically (mgen.frameworks.alembic.replay) equal what Alembic builds.

The oracle is Alembic itself: ``alembic upgrade <target>`` (the ``alembic.command`` API with a Config
pointing at a scratch database) runs the fixture project, the database is introspected, and the replay
of the same versions folder, done without importing a revision, must diff as "no changes" against it
in both directions, with the same column order (and be identical where mgen's constraint names are the
database's own). Where Alembic or the database refuses a revision, the replay refuses it too.
"""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from conftest import require_server

from mgen.db import connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay, replay_with_notes
from mgen.sources.live import introspect_connection

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sqlalchemy"
ALL = ("sqlite", "postgresql", "mysql")
PROJECTS = {"alembic_portable": ALL, "alembic_servers": ("postgresql", "mysql")}
CASES = [pytest.param(p, d, id=f"{p}-{d}") for p, ds in PROJECTS.items() for d in ds]


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1).replace("mysql://", "mysql+pymysql://", 1)


def alembic_upgrade(project: Path, url: str, target: str = "head") -> None:
    config = Config(str(project / "alembic.ini"))
    config.set_main_option("script_location", str(project))
    config.set_main_option("sqlalchemy.url", sa_url(url))
    command.upgrade(config, target)


def upgraded(project: Path, dialect: str, target: str = "head"):
    """The schema ``alembic upgrade <target>`` leaves, as mgen introspects it (without alembic_version)."""
    with scratch_database(dialect, require_server(dialect)) as url:
        alembic_upgrade(project, url, target)
        with connect(url) as conn:
            return introspect_connection(conn).without_table("alembic_version")


def assert_same(replayed, live, dialect: str, exact: bool) -> None:
    d = get_dialect(dialect)
    assert [op.describe() for op in diff(replayed, live, d).operations] == []
    assert [op.describe() for op in diff(live, replayed, d).operations] == []
    assert {t.name: t.column_names() for t in replayed.tables} == {t.name: t.column_names() for t in live.tables}
    if exact:  # a collation neither side says is the server's (the diffs above compare it so); MySQL states it
        assert _unsaid_collations(replayed).normalized() == _unsaid_collations(live).normalized()


def _unsaid_collations(schema):
    from dataclasses import replace

    return replace(schema, tables=tuple(
        replace(t, collation=None, columns=tuple(replace(c, type=replace(c.type, collation=None)) for c in t.columns))
        for t in schema.tables))


def make_project(tmp_path: Path, revisions: dict[str, str]) -> Path:
    """A project with the fixtures' alembic.ini/env.py and the given revision files."""
    project = tmp_path / "migrations"
    (project / "versions").mkdir(parents=True)
    for name in ("alembic.ini", "env.py", "script.py.mako"):
        shutil.copy(FIXTURES / "alembic_portable" / name, project / name)
    for filename, source in revisions.items():
        (project / "versions" / filename).write_text(textwrap.dedent(source))
    return project


def revision(rev: str, down: str | None, body: str, imports: str = "") -> str:
    """A revision file whose upgrade() is ``body`` (dedented)."""
    header = f'import sqlalchemy as sa\nfrom alembic import op\n{imports}\nrevision = "{rev}"\ndown_revision = {down!r}\n\n\n'
    return header + "def upgrade() -> None:\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n"


# =================================================================================================
# The oracle: alembic upgrade on each database
# =================================================================================================
@pytest.mark.parametrize("project,dialect", CASES)
def test_replay_equals_alembic_upgrade_head(project, dialect):
    require_server(dialect)
    folder = FIXTURES / project
    replayed = replay([folder / "versions"], dialect)
    assert_same(replayed, upgraded(folder, dialect), dialect, exact=dialect != "mysql" or project == "alembic_portable")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_replay_upto_a_revision_on_one_branch(dialect):
    require_server(dialect)
    folder = FIXTURES / "alembic_portable"
    read = replay_with_notes([folder / "versions"], dialect, upto="0003")
    assert read.revisions == ["0001", "0003"]
    assert_same(read.schema, upgraded(folder, dialect, "0003"), dialect, exact=True)


def test_replay_follows_the_merge_and_reports_data_steps_as_notes():
    read = replay_with_notes(FIXTURES / "alembic_portable" / "versions", "sqlite")
    assert read.revisions[0] == "0001" and read.revisions[-3:] == ["0004", "0005", "0006"]
    assert set(read.revisions[1:3]) == {"0002", "0003"}
    notes = [(Path(n.file).name, n.line, n.message.split(" ")[0]) for n in read.notes]
    assert notes == [("0002_bio.py", 19, 'op.execute("UPDATE'), ("0003_tags.py", 27, "op.bulk_insert(...)")]
    assert read.notes[0].one_line().endswith("0002_bio.py:19: op.execute(\"UPDATE users SET bio = ''\") changes data, "
                                             "not the schema")
    assert [op.kind for op in read.operations][:3] == ["create_table", "add_index", "create_table"]


def test_mysql_alter_column_rewrites_the_whole_column():
    """Alembic's MySQL alter_column is MODIFY: what existing_* does not repeat is gone (the oracle test
    above checks the database agrees)."""
    versions = FIXTURES / "alembic_servers" / "versions"
    mysql = replay(versions, "mysql").table("accounts")
    pg = replay(versions, "postgresql").table("accounts")
    assert mysql.column("credits").default is None and not mysql.column("credits").nullable
    assert pg.column("credits").default.value == "10" and not pg.column("credits").nullable
    assert mysql.column("plan").default.value == "free" and mysql.column("plan").comment == "billing plan"
    assert mysql.column("plan").type.length == 40


@pytest.mark.parametrize("dialect,unique_name,fk_name", [
    ("postgresql", "items_code_key", "items_owner_id_fkey"),
    ("mysql", "code", "items_ibfk_1"),
])
def test_drop_constraint_by_the_name_the_database_gave(tmp_path, dialect, unique_name, fk_name):
    require_server(dialect)
    project = make_project(tmp_path, {
        "r1.py": revision("r1", None, """
            op.create_table("owners", sa.Column("id", sa.Integer(), primary_key=True))
            op.create_table(
                "items",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("code", sa.String(10), unique=True),
                sa.Column("owner_id", sa.Integer(), sa.ForeignKey("owners.id")),
                sa.Column("qty", sa.Integer(), sa.CheckConstraint("qty > 0")),
            )
            op.create_table(
                "parts",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id", name="fk_parts_item")),
            )
            """),
        "r2.py": revision("r2", "r1", f"""
            op.drop_constraint("{unique_name}", "items", type_="unique")
            op.drop_constraint("{fk_name}", "items", type_="foreignkey")
            op.drop_constraint("fk_parts_item", "parts", type_="foreignkey")
            """),
    })
    replayed = replay(project / "versions", dialect)
    items = replayed.table("items")
    assert items.uniques == () and items.foreign_keys == ()
    assert_same(replayed, upgraded(project, dialect), dialect, exact=True)


def test_sqlite_batch_rebuild_drops_what_alembic_leaves_out(tmp_path):
    """Alembic's SQLite rebuild omits unnamed CHECKs (it warns) and, in 1.20, a constraint added in
    the same batch on a column renamed there by its new name: the replay says so and agrees."""
    project = make_project(tmp_path, {
        "r1.py": revision("r1", None, """
            op.create_table(
                "t",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("name", sa.String(20)),
                sa.Column("n", sa.Integer(), sa.CheckConstraint("n > 0")),
                sa.Column("m", sa.Integer()),
                sa.CheckConstraint("m < 10", name="ck_t_m"),
            )
            with op.batch_alter_table("t") as batch_op:
                batch_op.alter_column("name", new_column_name="label", existing_type=sa.String(20))
                batch_op.create_unique_constraint("uq_t_label", ["label"])
            """),
    })
    read = replay_with_notes(project / "versions", "sqlite")
    table = read.schema.table("t")
    assert [c.name for c in table.checks] == ["ck_t_m"] and table.uniques == ()
    assert [n.line for n in read.notes] == [17, 17]
    assert "leaves out the constraint added on a column renamed" in read.notes[0].message
    assert "omits the unnamed CHECK (n > 0)" in read.notes[1].message
    with pytest.warns(UserWarning, match="Unnamed CHECK constraint"):
        live = upgraded(project, "sqlite")
    assert_same(read.schema, live, "sqlite", exact=True)


def test_enum_types_made_and_dropped_explicitly_on_postgresql(tmp_path):
    require_server("postgresql")
    project = make_project(tmp_path, {
        "r1.py": revision("r1", None, """
            bind = op.get_bind()
            sa.Enum("a", "b", name="grade").create(bind)
            op.create_table(
                "marks",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("grade", postgresql.ENUM("a", "b", name="grade", create_type=False)),
            )
            bind.execute(sa.text("INSERT INTO marks (grade) VALUES ('a')"))
            sa.Enum("x", name="unused").create(bind, checkfirst=False)
            sa.Enum("x", name="unused").drop(bind)
            """, imports="from sqlalchemy.dialects import postgresql"),
    })
    read = replay_with_notes(project / "versions", "postgresql")
    assert [e.name for e in read.schema.enums] == ["grade"]
    assert [(n.line, n.message.split(" ")[0]) for n in read.notes] == [(16, "bind.execute(...)")]
    assert_same(read.schema, upgraded(project, "postgresql"), "postgresql", exact=True)


# =================================================================================================
# Where Alembic or the database refuses a revision, the replay refuses it too
# =================================================================================================
BASE = revision("r1", None, """
    op.create_table("owners", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("owners.id", name="fk_items_owner")),
        sa.Column("note", sa.String(20)),
    )
    """)

REFUSED = [
    pytest.param("sqlite", 'op.alter_column("items", "note", type_=sa.String(40), existing_type=sa.String(20))',
                 "op.alter_column('items', 'note') fails on SQLite: Alembic emits ALTER COLUMN",
                 id="sqlite-alter-column"),
    pytest.param("sqlite", 'op.add_column("items", sa.Column("o2", sa.Integer(), sa.ForeignKey("owners.id")))',
                 "op.add_column('items', o2) with a foreign key, unique or check constraint fails on SQLite",
                 id="sqlite-add-constrained-column"),
    pytest.param("postgresql", 'op.add_column("items", sa.Column("mood", sa.Enum("a", "b", name="mood")))',
                 "add_column('items', mood): enum type 'mood' does not exist, and Alembic's add_column does not "
                 "create it", id="postgresql-add-enum-column"),
    pytest.param("mysql", 'op.create_index("ix_owner_note", "items", ["owner_id", "note"])\n'
                          'op.drop_index("ix_owner_note", table_name="items")',
                 "drop_index('ix_owner_note') fails on MySQL: the index is needed in the foreign key constraint "
                 "fk_items_owner (error 1553)", id="mysql-drop-fk-index"),
]


@pytest.mark.parametrize("dialect,body,message", REFUSED)
def test_replay_refuses_what_alembic_cannot_run(tmp_path, dialect, body, message):
    require_server(dialect)
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": revision("r2", "r1", body)})
    with pytest.raises(MgenError) as e:
        replay(project / "versions", dialect)
    assert message in e.value.message
    assert (Path(e.value.file).name, e.value.line) == ("r2.py", 9 + body.count("\n"))
    with pytest.raises(Exception) as refused:  # each runner fails its own way
        upgraded(project, dialect)
    assert not isinstance(refused.value, MgenError)


# =================================================================================================
# What cannot be replayed statically: an MgenError with file and line
# =================================================================================================
UNREPLAYABLE = [
    pytest.param("""
        op.create_exclude_constraint("no_overlap", "items", ("id", "="))
        """, 9, "op.create_exclude_constraint() cannot be replayed statically (not a schema operation mgen reads)",
        id="unknown-op"),
    pytest.param("""
        op.note_column("items", "note")
        """, 9, "op.note_column() cannot be replayed statically", id="misspelled-op"),
    pytest.param("""
        op.add_column("items", sa.Column("size", sa.Integer()))
        op.drop_column("items", "colour")
        """, 10, "table 'items' has no column 'colour' at this point of the history", id="unknown-column"),
]


@pytest.mark.parametrize("body,line,message", UNREPLAYABLE)
def test_unreplayable_revisions_are_errors_with_file_and_line(tmp_path, body, line, message):
    project = make_project(tmp_path, {"r1.py": BASE, "r2.py": revision("r2", "r1", body) + textwrap.dedent("""

        def add_columns(table):
            pass


        def make_type():
            return sa.Integer()
        """)})
    path = project / "versions" / "r2.py"
    with pytest.raises(MgenError) as e:
        replay(project / "versions", "postgresql")
    assert (e.value.file, e.value.line) == (str(path), line), e.value.one_line()
    assert e.value.one_line().startswith(f"{path}:{line}: ")
    assert message in e.value.message


def test_a_revision_without_upgrade_is_an_error(tmp_path):
    project = make_project(tmp_path, {"r1.py": 'revision = "r1"\ndown_revision = None\n'})
    with pytest.raises(MgenError, match="revision r1 has no upgrade"):
        replay(project / "versions", "sqlite")


def test_upto_an_unknown_revision_is_an_error():
    with pytest.raises(MgenError, match="no revision 'nope'"):
        replay(FIXTURES / "alembic_portable" / "versions", "sqlite", upto="nope")


def test_ddl_inside_op_execute_is_replayed(tmp_path: Path):
    """Alembic has no op for ALTER TYPE ... ADD VALUE: revisions (mgen's own too) spell it op.execute."""
    from mgen.frameworks.alembic.replay import replay_with_notes

    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a1_enum.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\nrevision = "a1"\ndown_revision = None\n\n'
        'def upgrade():\n    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True),\n'
        '                    sa.Column("role", sa.Enum("member", "admin", name="user_role")))\n')
    (versions / "a2_value.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\nrevision = "a2"\ndown_revision = "a1"\n\n'
        'def upgrade():\n    op.execute("ALTER TYPE user_role ADD VALUE \'superuser\'")\n'
        '    op.execute(sa.text("UPDATE users SET role = \'member\' WHERE role IS NULL"))\n'
        '    op.execute(some_sql())\n')
    read = replay_with_notes(versions, "postgresql")
    assert read.schema.enum("user_role").values == ("member", "admin", "superuser")
    assert [op.kind for op in read.operations][-1] == "add_enum_value"
    assert [n.message.split(") ", 1)[1] for n in read.notes] == [
        "changes data, not the schema",
        ("is not interpreted: data changes are not part of the schema, and a schema change made in raw SQL that "
         "mgen cannot read is not seen by the replay")]
