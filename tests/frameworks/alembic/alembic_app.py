"""A small Alembic project with its models in a package, and Alembic itself run on it in this process: the
judge the Alembic tests share (``alembic upgrade`` with the project's env.py, then the models imported)."""
from __future__ import annotations

import contextlib
import os
import sys
import textwrap
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from types import ModuleType

from alembic import command
from alembic.config import Config

ENV = '''\
import os
from alembic import context
from sqlalchemy import create_engine, pool
from {pkg}.models import Base

target_metadata = Base.metadata
engine = create_engine(os.environ["MGEN_ALEMBIC_URL"], poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata{configure})
    with context.begin_transaction():
        context.run_migrations()
'''


def write_app(root: Path, pkg: str, models: str, revisions: dict[str, str], url: str = "sqlite:///app.db",
              configure: str = "") -> Path:
    """``root`` with ``pkg/models.py``, ``migrations/env.py`` (``configure``: more arguments of
    ``context.configure``, ``", compare_type=True"``), the revisions (file name -> text) and an alembic.ini."""
    (root / pkg).mkdir(parents=True, exist_ok=True)
    (root / pkg / "__init__.py").write_text("")
    (root / pkg / "models.py").write_text(models)
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(ENV.format(pkg=pkg, configure=configure))
    for name, text in revisions.items():
        (root / "migrations" / "versions" / name).write_text(text)
    (root / "alembic.ini").write_text(textwrap.dedent(f"""\
        [alembic]
        script_location = %(here)s/migrations
        prepend_sys_path = .
        sqlalchemy.url = {url}
        """))
    return root


@contextlib.contextmanager
def upgraded(root: Path, pkg: str, url: str) -> Iterator[ModuleType]:
    """``alembic upgrade head`` of the project at ``root`` on ``url``, then its models module (imported from
    ``root``); everything put back afterwards (the folder, ``sys.path``, the environment, the package)."""
    os.environ["MGEN_ALEMBIC_URL"] = url
    sys.path.insert(0, str(root))
    cwd = os.getcwd()
    try:
        os.chdir(root)
        command.upgrade(Config(str(root / "alembic.ini")), "head")
        yield import_module(f"{pkg}.models")
    finally:
        os.chdir(cwd)
        sys.path.remove(str(root))
        del os.environ["MGEN_ALEMBIC_URL"]
        for name in [m for m in sys.modules if m == pkg or m.startswith(pkg + ".")]:
            del sys.modules[name]
