"""The oracle of the model-reader tests that write their fixtures: a package of model modules written
to a temporary folder, imported, created by SQLAlchemy's ``create_all()`` on a scratch database, the
database introspected; the static read (``read_models``) must diff as "no changes" against it."""
from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa
from conftest import require_server

from mgen.db import connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.frameworks.sqlalchemy import read_models_with_notes
from mgen.sources.live import introspect_connection

ALL = ("sqlite", "postgresql", "mysql")


def write_package(root: Path, package: str, files: dict[str, str], extra: dict[str, str] | None = None) -> Path:
    """``root/package/<name>`` for each file (an ``__init__.py`` is added), ``root/<name>`` for ``extra``."""
    folder = root / package
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    for name, source in files.items():
        (folder / name).write_text(textwrap.dedent(source))
    for name, source in (extra or {}).items():
        (root / name).write_text(textwrap.dedent(source))
    return folder


def import_module(root: Path, name: str):
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module(name)


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1).replace("mysql://", "mysql+pymysql://", 1)


def created(dialect: str, metadatas: Callable[[], Iterable[sa.MetaData]]):
    """The schema ``create_all()`` of each metadata builds on a scratch database, introspected."""
    with scratch_database(dialect, require_server(dialect)) as url:
        engine = sa.create_engine(sa_url(url))
        try:
            for md in metadatas():
                md.create_all(engine)
        finally:
            engine.dispose()
        with connect(url) as conn:
            return introspect_connection(conn)


def assert_same(static, live, dialect: str) -> None:
    d = get_dialect(dialect)
    forward = [op.describe() for op in diff(static, live, d).operations]
    assert forward == [], forward
    backward = [op.describe() for op in diff(live, static, d).operations]
    assert backward == [], backward
    orders = {t.name: t.column_names() for t in static.tables}, {t.name: t.column_names() for t in live.tables}
    assert orders[0] == orders[1], orders
    if dialect != "mysql":  # MySQL spells some things differently that the differ treats as equal
        assert static.normalized() == live.normalized(), (static.normalized(), live.normalized())


def read(path: Path, dialect: str, root: Path | None = None):
    return read_models_with_notes(path, dialect, root)
