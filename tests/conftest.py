"""Shared fixtures: the real database servers.

PostgreSQL and MariaDB come from MGEN_TEST_POSTGRES_URL / MGEN_TEST_MYSQL_URL, defaulting to the
services on this machine. Under CI an unreachable server fails the test; elsewhere it skips with the
reason. Tests create and drop their own scratch databases (``mgen.db.scratch_database``).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("MGEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("MGEN_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
SERVERS = {"postgresql": POSTGRES_URL, "mysql": MYSQL_URL}
DIALECTS = ("sqlite", "postgresql", "mysql")


@contextlib.contextmanager
def checkout_install_lock() -> Iterator[None]:
    """Held by a test that pip-installs this checkout (the quickstart's ``pip install -e .`` rewrites
    ``scripts/*.egg-info``) and by one that watches the checkout for writes (the plugin's first install): the
    test workers run them one at a time, so the watcher sees only what its own install wrote."""
    name = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:16]  # the same in every worker
    lock = Path(tempfile.gettempdir()) / f"mgen-checkout-{name}.lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@cache
def _unreachable(dialect: str) -> str | None:
    """None when the server answers, else why not."""
    url = SERVERS[dialect]
    try:
        if dialect == "postgresql":
            import psycopg

            psycopg.connect(url, connect_timeout=5, autocommit=True).close()
        else:
            from urllib.parse import urlsplit

            import pymysql

            u = urlsplit(url)
            pymysql.connect(host=u.hostname, port=u.port or 3306, user=u.username or "root",
                            password=u.password or "", connect_timeout=5).close()
    except Exception as e:  # noqa: BLE001 - any failure means unreachable
        return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return None


def require_server(dialect: str) -> str | None:
    """The server URL for ``dialect`` (None for SQLite); fails under CI, skips elsewhere."""
    if dialect == "sqlite":
        return None
    why = _unreachable(dialect)
    if why:
        msg = f"{dialect} server unreachable ({why}); set MGEN_TEST_{'POSTGRES' if dialect == 'postgresql' else 'MYSQL'}_URL"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return SERVERS[dialect]


@pytest.fixture
def postgres_url() -> str:
    return require_server("postgresql")


@pytest.fixture
def mysql_url() -> str:
    return require_server("mysql")


@pytest.fixture(params=DIALECTS)
def dialect_server(request) -> tuple[str, str | None]:
    """(dialect, server URL or None for SQLite), once per dialect."""
    return request.param, require_server(request.param)


def rewrite_cache_entry(path: Path, data: dict) -> None:
    """Replace a project cache entry (``PROJECT/.claude/cache/db/NAME``) with ``data`` as mgen writes entries:
    signed with this user's key (a file edited by hand is not mgen's and is read as missing)."""
    from mgen import projectcache

    root = path.parent.parent.parent.parent
    payload = {k: v for k, v in data.items() if k not in ("format", "kind", "mac")}
    projectcache.write_entry(root, path.name, data["kind"], data["format"], payload)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """``files`` (relative path -> text) written under ``root``, folders made as needed; ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


DJANGO_STORE = Path(__file__).parent / "fixtures" / "django_writer" / "store"


def makemigrations_check(root: Path) -> int:
    """Django's own ``makemigrations --check --dry-run`` in the project at ``root`` (Django the judge): 1 when
    its models have changes no migration holds, 0 when none."""
    import os
    import subprocess
    import sys

    common = Path(__file__).parent / "fixtures" / "django" / "_common"
    done = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=root,
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(common)})
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.returncode


def django_store(dest: Path) -> Path:
    """A copy of the Django writer fixture (``fixtures/django_writer/store``) at ``dest``; ``dest``."""
    import shutil

    shutil.copytree(DJANGO_STORE, dest, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    return dest


# -- an Alembic project, shared by the Alembic, drift and --from-diff tests --------------------------
ALEMBIC_URLS = {"postgresql": "postgresql+psycopg://u:p@localhost/app", "mysql": "mysql+pymysql://u:p@localhost/app",
        "sqlite": "sqlite:///app.db"}

ALEMBIC_ENV = '''
import os
from alembic import context
from sqlalchemy import create_engine, pool
from app.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = create_engine(os.environ["MGEN_ALEMBIC_URL"], poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

ALEMBIC_MODELS_V1 = '''
from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
'''

def alembic_project(tmp_path: Path, dialect: str) -> Path:
    """An Alembic project (SQLAlchemy 2.0 models, env.py reading MGEN_ALEMBIC_URL) with no revision yet."""
    root = tmp_path / "proj"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models.py").write_text(ALEMBIC_MODELS_V1)
    (root / "migrations" / "env.py").write_text(ALEMBIC_ENV)
    (root / "migrations" / "script.py.mako").write_text("")
    (root / "alembic.ini").write_text(textwrap.dedent(f"""\
        [alembic]
        script_location = %(here)s/migrations
        prepend_sys_path = .
        sqlalchemy.url = {ALEMBIC_URLS[dialect]}
        """))
    return root
