"""The native engine for Alembic (issue #13, "Native engine"): where the static reader refuses the models (a
column type a project function returns), ``--engine auto`` has Alembic's own autogenerate answer through the
project's interpreter in a subprocess, against a scratch database built by ``alembic upgrade heads``; the
project's own database is never touched, and ``--engine static`` runs none of the project's code. Alembic
judges: the revision applies (``upgrade head`` / ``downgrade -1``) and ``compare_metadata`` finds nothing left.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ALEMBIC_ENV, require_server

from mgen.cli import main

PY = ["--python", sys.executable]  # the test venv has Alembic and SQLAlchemy
MODELS = '''
from pathlib import Path

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.types import text_type

(Path(__file__).resolve().parent.parent / "models-imported.marker").write_text("imported\\n")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(text_type("name"))
'''
TYPES = '''
import json
from pathlib import Path

from sqlalchemy import String

# the lengths live in a data file: only running the code knows them (a project function static reading can
# evaluate is read statically now)
LENGTHS = json.loads((Path(__file__).parent / "lengths.json").read_text())


def text_type(kind):
    return String(LENGTHS[kind])
'''
FIRST = '''"""users

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
    op.create_table("users", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("email", sa.String(length=255), nullable=False), sa.PrimaryKeyConstraint("id"))


def downgrade():
    op.drop_table("users")
'''
JUDGE = '''
import sys
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
sys.path.insert(0, ".")
from app.models import Base
with create_engine(sys.argv[1]).connect() as conn:
    print(len(compare_metadata(MigrationContext.configure(conn), Base.metadata)))
'''


def project(tmp_path: Path) -> Path:
    import alembic

    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "app").mkdir()
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/types.py": TYPES,
             "app/lengths.json": '{"email": 255, "name": 100}', "migrations/env.py": ALEMBIC_ENV,
             "migrations/versions/a1_users.py": FIRST,
             "migrations/script.py.mako": (Path(alembic.__file__).parent / "templates" / "generic" /
                                           "script.py.mako").read_text(),
             "alembic.ini": textwrap.dedent("""\
                 [alembic]
                 script_location = %(here)s/migrations
                 prepend_sys_path = .
                 sqlalchemy.url = sqlite:///app.db
                 """)}
    for path, text in files.items():
        (root / path).write_text(text)
    return root


def alembic(root: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alembic", *args], cwd=root, capture_output=True, text=True,
                          env={"MGEN_ALEMBIC_URL": url, "PATH": "/usr/bin:/bin"}, timeout=300, check=False)


def revisions(root: Path) -> list[Path]:
    return sorted(p for p in (root / "migrations" / "versions").glob("*.py") if p.name != "a1_users.py")


def test_static_refuses_and_runs_nothing(tmp_path: Path, capsys, monkeypatch):
    root = project(tmp_path)
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{tmp_path / 'real.db'}")
    assert main(["generate", str(root), "--engine", "static", *PY]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"mgen: {root / 'app' / 'models.py'}:") and len(err) == 2
    assert err[1] == "mgen: engine: static (no project code was run)"
    assert not (root / "models-imported.marker").exists() and revisions(root) == []


def test_auto_writes_alembics_own_revision(tmp_path: Path, capsys, monkeypatch):
    root = project(tmp_path)
    real = tmp_path / "real.db"  # env.py's database: the native engine must never touch it
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{real}")
    assert main(["generate", str(root), "--dry-run", "--json", *PY]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "native" and "because static refused" in data["engine_line"]
    assert [op["description"] for op in data["operations"]] == ["add_column users.name"]
    assert "op.add_column('users', sa.Column('name', sa.String(length=100), nullable=True))" in data["revision"]
    assert revisions(root) == [] and not real.exists()

    assert main(["generate", str(root), *PY]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith(f"engine: native (Alembic revision --autogenerate via {sys.executable}), because "
                              f"static refused: {root / 'app' / 'models.py'}:")
    [written] = revisions(root)
    assert written.name.endswith("_add_column_users_name.py") and "down_revision: Union[str, Sequence[str], None] = 'a1'" \
        in written.read_text()
    assert not real.exists()
    # Alembic judges, on a database of the test's own
    url = f"sqlite:///{tmp_path / 'judge.db'}"
    for args in (["upgrade", "head"], ["downgrade", "-1"], ["upgrade", "head"]):
        done = alembic(root, url, *args)
        assert done.returncode == 0, done.stderr
    left = subprocess.run([sys.executable, "-c", JUDGE, url], cwd=root, capture_output=True, text=True, check=True)
    assert left.stdout.strip() == "0"
    assert main(["generate", str(root), *PY]) == 0  # in sync now: Alembic finds nothing
    assert capsys.readouterr().out.splitlines()[0] == "no changes: nothing written"
    assert len(revisions(root)) == 1


def test_native_failures_are_one_line(tmp_path: Path, capsys, monkeypatch):
    root = project(tmp_path)
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{tmp_path / 'real.db'}")
    (root / "app" / "types.py").write_text("import a_module_nobody_installed\n")
    assert main(["generate", str(root), "--engine", "native", *PY]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mgen: engine: native could not run: upgrade heads on the scratch database failed: ") \
        and "ModuleNotFoundError" in err and len(err.splitlines()) == 1
    assert main(["generate", str(root), "--engine", "native", "--models", "app/models.py", *PY]) == 2
    assert "go with --engine static" in capsys.readouterr().err


def test_revisions_only_a_server_runs_take_a_scratch_database_on_it(tmp_path: Path, capsys, monkeypatch):
    server = require_server("postgresql")
    root = project(tmp_path)
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{tmp_path / 'real.db'}")
    first = root / "migrations" / "versions" / "a1_users.py"
    first.write_text(first.read_text().replace('def upgrade():\n', 'def upgrade():\n    op.execute("CREATE SCHEMA IF NOT '
                                                                  'EXISTS audit")\n'))
    assert main(["generate", str(root), "--engine", "native", "--dry-run", *PY]) == 2  # SQLite has no schemas
    err = capsys.readouterr().err
    assert err.startswith("mgen: engine: native could not run: upgrade heads on the scratch database failed: ")
    assert main(["generate", str(root), "--engine", "native", "--dry-run", "--json", "--db", server, *PY]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [op["description"] for op in data["operations"]] == ["add_column users.name"]
    assert revisions(root) == [] and not (tmp_path / "real.db").exists()


def test_a_target_metadata_without_tables_is_refused(tmp_path: Path, capsys, monkeypatch):
    """env.py names a declarative base whose model modules it never imports: autogenerate would drop every table
    of the history; the native engine refuses in one line and writes nothing (never "drop_table users")."""
    root = project(tmp_path)
    monkeypatch.setenv("MGEN_ALEMBIC_URL", f"sqlite:///{tmp_path / 'real.db'}")
    env = root / "migrations" / "env.py"
    env.write_text(env.read_text().replace("from app.models import Base\n",
                                           "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n"))
    assert main(["generate", str(root), "--engine", "native", *PY]) == 2
    err = capsys.readouterr().err
    assert err == ("mgen: engine: native failed: revision --autogenerate failed: RuntimeError: env.py's target_metadata "
                   "has no table (the modules that define the models are not imported when env.py runs): autogenerate "
                   "would drop every table of the revisions (1: users)\n")
    assert revisions(root) == [] and not (tmp_path / "real.db").exists()
