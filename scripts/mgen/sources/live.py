"""A live database as a schema source: ``introspect(url) -> (Schema, dialect)``.

One reader per dialect (``introspect_<dialect>.py``); this module only connects and dispatches.
"""
from __future__ import annotations

from collections.abc import Callable

from ..db import Connection, connect, dialect_of_url
from ..schema import Schema
from .introspect_mysql import introspect_mysql
from .introspect_postgresql import introspect_postgresql
from .introspect_sqlite import introspect_sqlite

READERS: dict[str, Callable[[Connection], Schema]] = {
    "postgresql": introspect_postgresql,
    "mysql": introspect_mysql,
    "sqlite": introspect_sqlite,
}


def introspect_connection(conn: Connection) -> Schema:
    """The schema of an open connection's database."""
    return READERS[conn.dialect](conn)


def introspect(url: str) -> tuple[Schema, str]:
    """The schema of the database at ``url`` and its dialect; MgenError when unreachable."""
    dialect = dialect_of_url(url)
    with connect(url) as conn:
        return introspect_connection(conn), dialect
