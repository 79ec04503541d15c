"""`mgen generate` in an Alembic project, judged by Alembic: the models are read statically, the current
state is the revision chain replayed (not the models), the revision revises the head, and Alembic's own
``upgrade head`` / ``downgrade -1`` apply and reverse it; the database then matches the models exactly as
SQLAlchemy's own ``create_all`` builds them (issue #4)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ALEMBIC_MODELS_V1 as MODELS_V1
from conftest import DIALECTS, require_server
from conftest import alembic_project as project

from mgen.cli import main
from mgen.db import connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.sources.live import introspect_connection

MODELS_V2 = MODELS_V1 + '''    active: Mapped[bool] = mapped_column(default=True)


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(server_default=func.now())
'''


def no_changes(answer: dict) -> bool:
    """generate's "no changes" line, then only the notes the states were read with."""
    first, *rest = answer.get("text", "").splitlines()
    return first == "no changes: nothing written" and all(line.startswith("note: ") for line in rest)


def alembic(root: Path, url: str, *args: str) -> None:
    """Alembic's own command line, in a process of its own (env.py imports the project's models)."""
    code = ("import sys; from alembic.config import main; sys.exit(main(argv=sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "-c", str(root / "alembic.ini"), *args], cwd=root,
                          env={"MGEN_ALEMBIC_URL": url, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def sqlalchemy_url(url: str, dialect: str) -> str:
    return {"postgresql": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "mysql": url.replace("mysql://", "mysql+pymysql://", 1)}.get(dialect, url)


def create_all_schema(root: Path, dialect: str, server: str | None):
    """The schema SQLAlchemy's own create_all builds from the project's models (a process of its own)."""
    with scratch_database(dialect, server) as url:
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from sqlalchemy import create_engine; "
                "from app.models import Base; Base.metadata.create_all(create_engine(sys.argv[2]))")
        done = subprocess.run([sys.executable, "-c", code, str(root), sqlalchemy_url(url, dialect)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        with connect(url) as conn:
            return introspect_connection(conn)


def generate(root: Path, capsys, *extra: str) -> dict:
    capsys.readouterr()
    code = main(["generate", str(root), "--json", *extra])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out) if out.out.lstrip().startswith("{") else {"text": out.out}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_generate_twice_upgrade_downgrade(tmp_path: Path, capsys, dialect: str):
    server = require_server(dialect)
    root = project(tmp_path, dialect)
    first = generate(root, capsys, "--name", "create users")
    assert [op["op"] for op in first["operations"]] == ["create_table"]
    assert no_changes(generate(root, capsys))

    (root / "app" / "models.py").write_text(MODELS_V2)
    second = generate(root, capsys, "--name", "posts and active")
    kinds = [op["op"] for op in second["operations"]]
    assert "create_table" in kinds and "add_column" in kinds, kinds
    first_id = Path(first["files"][0]).name.split("_")[0]
    assert f'down_revision: Union[str, Sequence[str], None] = "{first_id}"' in Path(second["files"][0]).read_text()
    assert no_changes(generate(root, capsys))

    expected = create_all_schema(root, dialect, server)
    d = get_dialect(dialect)
    with scratch_database(dialect, server) as url:
        sa_url = sqlalchemy_url(url, dialect)
        alembic(root, sa_url, "upgrade", "head")
        with connect(url) as conn:
            after_up = introspect_connection(conn)
            conn.execute("INSERT INTO users (id, email, name, active) VALUES (1, 'a@x', 'A', "
                         f"{'true' if dialect == 'postgresql' else '1'})")
        without_version = after_up.without_table("alembic_version")
        assert not diff(without_version, expected, d).operations, diff(without_version, expected, d).operations
        alembic(root, sa_url, "downgrade", "-1")
        with connect(url) as conn:
            after_down = introspect_connection(conn).without_table("alembic_version")
            assert conn.query("SELECT id, email FROM users") == [(1, "a@x")]
        assert [t.name for t in after_down.tables] == ["users"]
        assert not after_down.table("users").has_column("active")


def test_models_not_found_is_one_line(tmp_path: Path, capsys):
    root = project(tmp_path, "sqlite")
    (root / "migrations" / "env.py").write_text("target_metadata = None\n")
    capsys.readouterr()
    assert main(["generate", str(root)]) == 2
    err, engines = capsys.readouterr().err.strip().splitlines()  # the refusal, then why no native engine answered
    assert "env.py sets no target_metadata" in err and "--models" in err and engines.startswith("mgen: engine: static")


def test_explicit_models_and_dry_run_write_nothing(tmp_path: Path, capsys):
    root = project(tmp_path, "sqlite")
    (root / "migrations" / "env.py").write_text("target_metadata = None\n")
    capsys.readouterr()
    assert main(["generate", str(root), "--models", str(root / "app" / "models.py"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "def upgrade() -> None:" in out and 'op.create_table(\n        "users",' in out
    assert not list((root / "migrations" / "versions").iterdir())


def test_diff_accepts_sqlalchemy_models(tmp_path: Path, capsys):
    old, new = tmp_path / "old.py", tmp_path / "new.py"
    old.write_text(MODELS_V1)
    new.write_text(MODELS_V2)
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--dialect", "postgresql", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # the posts table comes with its foreign key and index; users gains "active"
    assert [op["op"] for op in out["operations"]] == ["create_table", "add_column"]
    posts = out["operations"][0]["table_def"]
    assert posts["foreign_keys"][0]["on_delete"] == "CASCADE" and posts["indexes"][0]["columns"] == ["user_id"]
    assert any(f["rule"] == "add-required-column" for f in out["findings"])  # active: NOT NULL, no DB default


def test_alembic_change_as_raw_sql(tmp_path: Path, capsys):
    root = project(tmp_path, "postgresql")
    generate(root, capsys, "--name", "create users")
    (root / "app" / "models.py").write_text(MODELS_V1 + "    bio: Mapped[str | None]\n")
    capsys.readouterr()
    assert main(["generate", str(root), "--format", "sql"]) == 0
    out = capsys.readouterr().out
    assert "ALTER TABLE users ADD COLUMN bio varchar;" in out and "ALTER TABLE users DROP COLUMN bio;" in out
    assert len(list((root / "migrations" / "versions").glob("*.py"))) == 1  # no revision written


def test_data_migration_revision_runs_under_alembic(tmp_path: Path, capsys):
    """--data-migration in an Alembic project: a data-only revision; on PostgreSQL the batched DO block
    commits per batch, so the revision runs it outside Alembic's transaction."""
    server = require_server("postgresql")
    root = project(tmp_path, "postgresql")
    first = Path(generate(root, capsys, "--name", "create users")["files"][0]).name.split("_")[0]
    out = generate(root, capsys, "--data-migration", "--backfill", "users.name=lower(email)", "--batch-size", "2")
    text = Path(out["files"][0]).read_text()
    assert "DO $mgen$" in text and "autocommit_block" in text
    with scratch_database("postgresql", server) as url:
        sa_url = sqlalchemy_url(url, "postgresql")
        alembic(root, sa_url, "upgrade", first)
        with connect(url) as conn:
            for i in range(1, 6):
                conn.execute(f"INSERT INTO users (id, email, name) VALUES ({i}, 'U{i}@X', "
                             f"{'NULL' if i != 3 else repr('kept')})")
        alembic(root, sa_url, "upgrade", "head")
        with connect(url) as conn:
            rows = conn.query("SELECT id, name FROM users ORDER BY id")
    assert rows == [(1, "u1@x"), (2, "u2@x"), (3, "kept"), (4, "u4@x"), (5, "u5@x")]
    assert no_changes(generate(root, capsys))


COMPUTED = '''    email_lower: Mapped[str | None] = mapped_column(String(255), Computed("lower(email)", persisted=True))
    id_twice: Mapped[int | None] = mapped_column(Computed("id * 2"{persisted}))
'''


@pytest.mark.parametrize("dialect", DIALECTS)
def test_computed_columns_read_written_and_replayed(tmp_path: Path, capsys, dialect: str):
    """``Computed`` in a model becomes ``sa.Computed`` in the revision; Alembic applies it as create_all
    would build it, the revision replays to the models (nothing left to do) and downgrades."""
    server = require_server(dialect)
    root = project(tmp_path, dialect)
    generate(root, capsys, "--name", "create users")
    models = MODELS_V1.replace("from sqlalchemy import ForeignKey", "from sqlalchemy import Computed, ForeignKey")
    # PostgreSQL has STORED columns only (SQLAlchemy writes STORED there); elsewhere no keyword is VIRTUAL
    (root / "app" / "models.py").write_text(models + COMPUTED.format(
        persisted=", persisted=True" if dialect == "postgresql" else ""))
    second = generate(root, capsys, "--name", "computed")
    assert [op["op"] for op in second["operations"]] == ["add_column", "add_column"]
    source = Path(second["files"][0]).read_text()
    assert "sa.Computed(" in source and "persisted=True" in source
    assert no_changes(generate(root, capsys))  # the revision replays to the models

    expected = create_all_schema(root, dialect, server)
    generated = {c.name: c.generated.stored for c in expected.table("users").columns if c.generated}
    assert generated == {"email_lower": True, "id_twice": dialect == "postgresql"}
    d = get_dialect(dialect)
    with scratch_database(dialect, server) as url:
        sa_url = sqlalchemy_url(url, dialect)
        alembic(root, sa_url, "upgrade", "head")
        with connect(url) as conn:
            conn.execute("INSERT INTO users (id, email, name) VALUES (3, 'A@X', 'A')")
            assert conn.query("SELECT email_lower, id_twice FROM users") == [("a@x", 6)]
            after_up = introspect_connection(conn).without_table("alembic_version")
        assert not diff(after_up, expected, d).operations, diff(after_up, expected, d).operations
        alembic(root, sa_url, "downgrade", "-1")
        with connect(url) as conn:
            users = introspect_connection(conn).table("users")
        assert not users.has_column("email_lower") and not users.has_column("id_twice")
