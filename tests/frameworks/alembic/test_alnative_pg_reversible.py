"""The native engine on PostgreSQL, two things autogenerate writes that do not reverse (issue #13, native engine;
the recipe manager of the corpus: GIN trigram indexes its revisions made and its models no longer declare, and a
``use_alter`` foreign key its first revision never created).

- An index in the database and not in the models: autogenerate drops it, and its downgrade re-creates it from what
  SQLAlchemy reflects, without the operator classes (``native_opclass.py`` adds them: ``jsonb_path_ops`` on a GIN
  index, ``varchar_pattern_ops`` on a btree one; both of PostgreSQL's core, no extension needed).
- A foreign key the models give no name: autogenerate writes ``create_foreign_key(None, ...)`` and a downgrade
  that cannot drop it (``native_fkname.py`` writes PostgreSQL's own name for it, in both).

PostgreSQL and Alembic judge: the revision applied on a database of the test's own, downgraded (the indexes back
with their operator classes, read from the catalog), upgraded again, and ``compare_metadata`` finds nothing left.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import alembic
from alembic_app import write_app
from conftest import require_server
from test_alembic_native import JUDGE
from test_alembic_native import alembic as alembic_run

from mgen.cli import main
from mgen.db import connect, scratch_database

MODELS = '''
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)


class Recipe(Base):
    __tablename__ = "recipes_with_a_rather_long_table_name_for_the_postgresql_limit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name = mapped_column(String(80), nullable=True)
    data = mapped_column(JSONB, nullable=True)
    owner_user_id_of_this_recipe_with_a_long_name = mapped_column(Integer, ForeignKey("users.id"), nullable=True)
'''
TABLE = "recipes_with_a_rather_long_table_name_for_the_postgresql_limit"
COLUMN = "owner_user_id_of_this_recipe_with_a_long_name"
FIRST = f'''"""users and recipes

Revision ID: a1
Revises:
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))
    op.create_table("{TABLE}", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("name", sa.String(length=80), nullable=True),
                    sa.Column("data", postgresql.JSONB(), nullable=True),
                    sa.Column("{COLUMN}", sa.Integer(), nullable=True), sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_data_path", "{TABLE}", ["data"], postgresql_using="gin",
                    postgresql_ops={{"data": "jsonb_path_ops"}})
    op.create_index("ix_name_pattern", "{TABLE}", ["name"], postgresql_ops={{"name": "varchar_pattern_ops"}})
    op.execute("ALTER TABLE {TABLE} ADD CONSTRAINT recipes_with_a_rather_long_ta_owner_user_id_of_this_recipe_fkey "
               "CHECK (id > 0)")


def downgrade():
    op.drop_table("{TABLE}")
    op.drop_table("users")
'''
OPCLASSES = ("SELECT ic.relname, opc.opcname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
             "JOIN pg_opclass opc ON opc.oid = i.indclass[0] WHERE ic.relname LIKE 'ix_%' ORDER BY 1")


def literal(node: ast.expr):
    """A name as autogenerate writes it: a string, or ``op.f("name")``."""
    return ast.literal_eval(node.args[0] if isinstance(node, ast.Call) else node)


def calls(text: str, function: str, name: str) -> list[ast.Call]:
    [body] = [f for f in ast.parse(text).body if isinstance(f, ast.FunctionDef) and f.name == function]
    return [n for n in ast.walk(body) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == name]


def test_dropped_indexes_keep_their_operator_classes_and_an_unnamed_key_gets_postgresqls_name(
        tmp_path: Path, capsys, monkeypatch):
    server = require_server("postgresql")
    real = tmp_path / "real.db"  # env.py's own database: the native engine never touches it
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{real}")
    root = write_app(tmp_path / "proj", "app", MODELS, {"a1_first.py": FIRST})
    (root / "migrations" / "script.py.mako").write_text(
        (Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako").read_text())
    args = ["generate", str(root), "--engine", "native", "--db", server, "--python", sys.executable]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(op["description"] for op in data["operations"]) == [
        f"add_fk {TABLE}({COLUMN})", f"remove_index {TABLE}.ix_data_path", f"remove_index {TABLE}.ix_name_pattern"]
    [written] = data["files"]
    text = Path(written).read_text()
    ops = {literal(c.args[0]): next(ast.literal_eval(k.value) for k in c.keywords if k.arg == "postgresql_ops")
           for c in calls(text, "downgrade", "create_index")}
    assert ops == {"ix_data_path": {"data": "jsonb_path_ops"}, "ix_name_pattern": {"name": "varchar_pattern_ops"}}
    # makeObjectName's 63 bytes, the longer name shortened first; "fkey" is taken (by the CHECK), so "fkey1"
    name = "recipes_with_a_rather_long_t_owner_user_id_of_this_recipe_fkey1"
    [create] = calls(text, "upgrade", "create_foreign_key")
    [drop] = calls(text, "downgrade", "drop_constraint")
    assert literal(create.args[0]) == literal(drop.args[0]) == name
    assert [n for n in data["notes"] if n.startswith(("postgresql_ops=", "create_foreign_key"))]

    # PostgreSQL and Alembic judge, on a database of the test's own
    with scratch_database("postgresql", server) as url:
        assert alembic_run(root, url, "upgrade", "a1").returncode == 0
        with connect(url) as conn:
            before = conn.query(OPCLASSES)
            # the name PostgreSQL itself chooses for the same key made without one
            conn.execute(f"ALTER TABLE {TABLE} ADD FOREIGN KEY ({COLUMN}) REFERENCES users (id)")
            assert conn.query(f"SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = '{TABLE}'::regclass"
                              ) == [(name,)]
            conn.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {name}")
        for step in (["upgrade", "head"], ["downgrade", "-1"]):
            done = alembic_run(root, url, *step)
            assert done.returncode == 0, done.stderr
        with connect(url) as conn:
            assert conn.query(OPCLASSES) == before == [("ix_data_path", "jsonb_path_ops"),
                                                       ("ix_name_pattern", "varchar_pattern_ops")]
        done = alembic_run(root, url, "upgrade", "head")
        assert done.returncode == 0, done.stderr
        left = subprocess.run([sys.executable, "-c", JUDGE, url], cwd=root, capture_output=True, text=True, check=True)
        assert left.stdout.strip() == "0"
    assert main(args) == 0  # in sync now
    assert capsys.readouterr().out.splitlines()[0] == "no changes: nothing written"
    assert not real.exists()


def test_on_sqlite_the_revision_is_autogenerates_own(tmp_path: Path, capsys, monkeypatch):
    """The operator classes and the key's name are PostgreSQL's: on SQLite nothing is added."""
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{tmp_path / 'real.db'}")
    models = MODELS.replace("from sqlalchemy.dialects.postgresql import JSONB\n", "").replace("JSONB", "String(10)")
    first = FIRST.split("    op.create_index(")[0].replace("postgresql.JSONB()", "sa.String(10)") + \
        "\n\ndef downgrade():\n    pass\n"
    root = write_app(tmp_path / "proj", "app", models, {"a1_first.py": first})
    (root / "migrations" / "script.py.mako").write_text(
        (Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako").read_text())
    assert main(["generate", str(root), "--engine", "native", "--dry-run", "--json", "--python", sys.executable]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "postgresql_ops" not in data["revision"] and "fkey" not in data["revision"]
    assert not [n for n in data["notes"] if n.startswith(("create_foreign_key", "postgresql_ops"))]
