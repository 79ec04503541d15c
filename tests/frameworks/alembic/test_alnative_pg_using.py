"""The native engine on PostgreSQL, a column whose type changes where PostgreSQL has no assignment cast (issue #13,
native engine; ihatemoney's ``bill_version.bill_type``: text in its revisions, an enum in the models).
Autogenerate writes ``op.alter_column(..., type_=NEW)`` without ``USING``, which PostgreSQL refuses ("cannot be
cast automatically"); mgen's native revision carries ``postgresql_using`` exactly where PostgreSQL needs it (text
to an existing enum, text to integer) and nowhere else (varchar widened, integer to bigint, text to a varchar with
a collation, every downgrade step back to text). PostgreSQL and Alembic judge: the revision applied on a database of the test's own with rows in
it (converted), downgraded, upgraded again, and ``compare_metadata`` finds nothing left.
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
from test_alembic_native import JUDGE  # compare_metadata of app.models.Base, printed
from test_alembic_native import alembic as alembic_run  # the alembic command on a URL of the test's own

from mgen.cli import main
from mgen.db import connect, scratch_database

MODELS = '''
from sqlalchemy import BigInteger, Enum, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind = mapped_column(Enum("a", "b", name="kindtype"), nullable=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind = mapped_column(Enum("a", "b", name="kindtype"), nullable=True)
    score = mapped_column(Integer, nullable=True)
    visits = mapped_column(BigInteger, nullable=True)
    name = mapped_column(String(100), nullable=True)
    label = mapped_column(String(30, collation="C"), nullable=True)
'''
FIRST = '''"""things and users

Revision ID: a1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("things", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("kind", sa.Enum("a", "b", name="kindtype"), nullable=True), sa.PrimaryKeyConstraint("id"))
    op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("kind", sa.Text(), nullable=True),
                    sa.Column("score", sa.Text(), nullable=True), sa.Column("visits", sa.Integer(), nullable=True),
                    sa.Column("name", sa.String(length=50), nullable=True), sa.Column("label", sa.Text(), nullable=True),
                    sa.PrimaryKeyConstraint("id"))


def downgrade():
    op.drop_table("users")
    op.drop_table("things")
    sa.Enum(name="kindtype").drop(op.get_bind())
'''
def usings(text: str, function: str) -> dict[str, str | None]:
    """Each ``op.alter_column`` of ``function`` in the revision: its column -> its ``postgresql_using``."""
    tree = ast.parse(text)
    [body] = [f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == function]
    out: dict[str, str | None] = {}
    for node in ast.walk(body):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "alter_column":
            keywords = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg == "postgresql_using"}
            out[ast.literal_eval(node.args[1])] = keywords.get("postgresql_using")
    return out


def test_type_changes_postgresql_refuses_get_using(tmp_path: Path, capsys, monkeypatch):
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
        "modify_type users.kind", "modify_type users.label", "modify_type users.name", "modify_type users.score",
        "modify_type users.visits"]
    [written] = data["files"]
    text = Path(written).read_text()
    assert usings(text, "upgrade") == {"kind": "kind::text::kindtype", "score": "score::INTEGER", "visits": None,
                                       "name": None, "label": None}
    assert usings(text, "downgrade") == {"kind": None, "score": None, "visits": None, "name": None, "label": None}
    assert [n for n in data["notes"] if n.startswith("postgresql_using=")] == [
        ("postgresql_using='kind::text::kindtype' added to alter_column users.kind (PostgreSQL has no assignment cast "
         "from TEXT to kindtype; a row the cast cannot convert fails the upgrade)"),
        ("postgresql_using='score::INTEGER' added to alter_column users.score (PostgreSQL has no assignment cast "
         "from TEXT to INTEGER; a row the cast cannot convert fails the upgrade)")]

    # PostgreSQL and Alembic judge, on a database of the test's own with a row to convert
    with scratch_database("postgresql", server) as url:
        assert alembic_run(root, url, "upgrade", "a1").returncode == 0
        with connect(url) as conn:
            conn.execute("INSERT INTO users (id, kind, score, visits, name, label) VALUES (1, 'b', '7', 3, 'x', 'y')")
        for step in (["upgrade", "head"], ["downgrade", "-1"], ["upgrade", "head"]):
            done = alembic_run(root, url, *step)
            assert done.returncode == 0, done.stderr
        with connect(url) as conn:
            assert conn.query("SELECT kind::text, score, visits, name, label FROM users") == [("b", 7, 3, "x", "y")]
        left = subprocess.run([sys.executable, "-c", JUDGE, url], cwd=root, capture_output=True, text=True, check=True)
        assert left.stdout.strip() == "0"
    assert main(args) == 0  # in sync now
    assert capsys.readouterr().out.splitlines()[0] == "no changes: nothing written"
    assert not real.exists()


def test_without_a_server_type_change_no_using(tmp_path: Path, capsys, monkeypatch):
    """SQLite: the same change is written as autogenerate writes it (the clause is PostgreSQL's alone)."""
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{tmp_path / 'real.db'}")
    root = write_app(tmp_path / "proj", "app", MODELS.replace('Enum("a", "b", name="kindtype")', "String(20)"),
                     {"a1_first.py": FIRST.replace('sa.Enum("a", "b", name="kindtype")', "sa.String(20)")
                      .replace('    sa.Enum(name="kindtype").drop(op.get_bind())\n', "")})
    (root / "migrations" / "script.py.mako").write_text(
        (Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako").read_text())
    assert main(["generate", str(root), "--engine", "native", "--dry-run", "--json", "--python", sys.executable]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "modify_type users.score" in [op["description"] for op in data["operations"]]
    assert "postgresql_using" not in data["revision"]
    assert not [n for n in data["notes"] if "postgresql_using" in n]
