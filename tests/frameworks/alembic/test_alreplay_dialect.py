"""The dialect of an Alembic project whose application falls back to SQLite while its revisions are written for
a server database (issue #13): the SQLite fallback is not chosen when the revisions are not written for
SQLite, the evidence says why (file:line), and the dependencies decide. Alembic judges "not written for SQLite":
``alembic upgrade`` of the same revision on SQLite fails."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from mgen.frameworks.detect import detect

CONFIG = 'import os\n\nclass Config:\n    SQLALCHEMY_DATABASE_URI = os.getenv("DATABASE_URL") or "sqlite:///app.db"\n'
ENV = textwrap.dedent("""\
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    config = context.config

    def run_migrations_online():
        engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                    poolclass=pool.NullPool)
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=None)
            with context.begin_transaction():
                context.run_migrations()

    run_migrations_online()
    """)
FIRST = textwrap.dedent('''\
    from alembic import op
    import sqlalchemy as sa

    revision = "a1"
    down_revision = None


    def upgrade():
        op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True),
                        sa.Column("team_id", sa.Integer(), nullable=True))
    ''')


def second(body: str) -> str:
    return textwrap.dedent('''\
        from alembic import op
        import sqlalchemy as sa

        revision = "b2"
        down_revision = "a1"


        def upgrade():
        ''') + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n"


UNGUARDED = 'op.create_foreign_key(None, "users", "teams", ["team_id"], ["id"])'
GUARDED_OUT = '''
bind = op.get_bind()
if str(bind.engine.url).startswith("sqlite") is False:
    op.create_foreign_key("fk_team", "users", "teams", ["team_id"], ["id"])
'''
SERVER_ONLY = '''
bind = op.get_bind()
if bind.dialect.name == "mysql":
    op.create_foreign_key("fk_team", "users", "teams", ["team_id"], ["id"], ondelete="CASCADE")
'''
BATCHED = '''
with op.batch_alter_table("users") as batch_op:
    batch_op.create_foreign_key("fk_team", "teams", ["team_id"], ["id"])
'''


def flask_project(tmp_path: Path, body: str, requirements: str = "flask-migrate\nPyMySQL\n") -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "config.py").write_text(CONFIG)
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "alembic.ini").write_text("[alembic]\n")  # Flask-Migrate: no script_location
    (root / "migrations" / "env.py").write_text(ENV)
    (versions / "a1_first.py").write_text(FIRST)
    (versions / "b2_second.py").write_text(second(body))
    (root / "requirements.txt").write_text(requirements)
    return root


def upgrade_on_sqlite(root: Path, tmp_path: Path) -> None:
    config = Config(str(root / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{tmp_path / 'judge.db'}")
    command.upgrade(config, "head")


def test_a_history_sqlite_cannot_run_is_not_read_for_the_sqlite_fallback(tmp_path: Path):
    root = flask_project(tmp_path, UNGUARDED)
    with pytest.raises(NotImplementedError, match="ALTER of constraints"):
        upgrade_on_sqlite(root, tmp_path)  # Alembic: the history cannot run on SQLite
    found = detect(root)
    assert (found.framework, found.dialect, found.dialect_source) == ("alembic", "mysql", "dependencies")
    said = next(e for e in found.evidence if "not written for SQLite" in e)
    assert "app/config.py:4" in said and "migrations/versions/b2_second.py:9: op.create_foreign_key()" in said


def test_constraint_changes_made_only_on_a_server_say_the_same(tmp_path: Path):
    root = flask_project(tmp_path, SERVER_ONLY)
    upgrade_on_sqlite(root, tmp_path)  # runs, but leaves SQLite without the foreign key the models have
    found = detect(root)
    assert found.dialect == "mysql"
    assert any("only when the database is mysql (line 10)" in e for e in found.evidence)


@pytest.mark.parametrize("body", [GUARDED_OUT, BATCHED], ids=["guarded-for-sqlite", "batch"])
def test_a_history_written_for_sqlite_keeps_the_sqlite_url(tmp_path: Path, body: str):
    root = flask_project(tmp_path, body)
    upgrade_on_sqlite(root, tmp_path)
    found = detect(root)
    assert (found.dialect, found.dialect_source) == ("sqlite", "app/config.py")
    assert not any("not written for SQLite" in e for e in found.evidence)


def test_nothing_else_naming_a_dialect_leaves_it_unknown(tmp_path: Path):
    root = flask_project(tmp_path, UNGUARDED, requirements="flask-migrate\n")
    found = detect(root)
    assert found.framework == "alembic" and found.dialect is None
    assert any("not written for SQLite" in e for e in found.evidence)


def test_a_url_built_with_a_driver_fallback_names_its_dialect(tmp_path: Path):
    root = flask_project(tmp_path, GUARDED_OUT, requirements="flask-migrate\nPyMySQL\npsycopg2\n")
    (root / "app" / "config.py").write_text(textwrap.dedent('''\
        import os
        from sqlalchemy.engine import URL

        class Config:
            DATABASE_URL = os.getenv("DATABASE_URL")
            if not DATABASE_URL:
                DATABASE_URL = str(URL.create(drivername=os.getenv("PROTOCOL") or "mysql+pymysql", host="db"))
        '''))
    found = detect(root)
    assert found.dialect == "mysql"
    assert any("drivername='mysql+pymysql'" in e for e in found.evidence)


SKIP_IF_SQLITE = textwrap.dedent('''\
    from alembic import op


    def skip_if_sqlite(func):
        def wrapper(*args, **kwargs):
            if op.get_bind().engine.dialect.name == "sqlite":
                return
            return func(*args, **kwargs)
        return wrapper


    def always(func):
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        return wrapper
    ''')


@pytest.mark.parametrize("decorator, for_sqlite", [("mutils.skip_if_sqlite", True), ("mutils.always", False)],
                         ids=["skips-sqlite", "runs-everywhere"])
def test_an_upgrade_a_project_decorator_skips_on_sqlite_is_written_for_sqlite(tmp_path: Path, monkeypatch,
                                                                               decorator: str, for_sqlite: bool):
    # ihatemoney's @utils.skip_if_sqlite on a revision that alters a column type outside batch mode
    root = flask_project(tmp_path, "pass")
    (root / "app" / "mutils.py").write_text(SKIP_IF_SQLITE)
    (root / "migrations" / "versions" / "b2_second.py").write_text(second(UNGUARDED).replace(
        "import sqlalchemy as sa\n", "import sqlalchemy as sa\nfrom app import mutils\n").replace(
        "def upgrade():", f"@{decorator}\ndef upgrade():"))
    monkeypatch.syspath_prepend(str(root))
    if for_sqlite:
        upgrade_on_sqlite(root, tmp_path)  # Alembic runs the history on SQLite: the decorator skips the call
    else:
        with pytest.raises(NotImplementedError, match="ALTER of constraints"):
            upgrade_on_sqlite(root, tmp_path)
    found = detect(root)
    assert found.dialect == ("sqlite" if for_sqlite else "mysql")
    assert any("not written for SQLite" in e for e in found.evidence) is not for_sqlite
