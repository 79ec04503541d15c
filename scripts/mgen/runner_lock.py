"""One ``mgen migrate run|rollback|force`` at a time per database and ledger table (issue #15 item 5).

Two runs at once both read the ledger, both find the same migration pending and both apply it (a data
migration twice, while the ledger shows it once). So a run holds a lock from before it reads the ledger until
it is done, as golang-migrate and Flyway do:

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a 64-bit key derived from the ledger
  table's name; the server drops it with the session, so a killed run leaves no lock behind.
- MySQL/MariaDB: ``GET_LOCK`` on a name derived from the database and the ledger table (also released with
  the session).
- SQLite: an exclusive ``flock`` on ``<database file>.mgen-lock`` beside the file (released when the process
  ends); an in-memory database has no other user.

A run that cannot take the lock within ``timeout`` seconds stops before reading anything: another run holds it.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator

from .db import Connection, sqlite_path
from .errors import MgenError
from .folderlock import flock_exclusive

TIMEOUT = 60.0
_POLL = 0.2


def lock_key(table: str) -> int:
    """The signed 64-bit advisory lock key of a ledger table (stable across runs and machines)."""
    digest = hashlib.sha256(f"mgen migrate {table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def migration_lock(conn: Connection, url: str, table: str, timeout: float = TIMEOUT) -> Iterator[None]:
    """Hold the lock of ``table`` in ``conn``'s database for the block; MgenError when another run keeps it
    longer than ``timeout`` seconds."""
    taken = {"postgresql": _postgres, "mysql": _mysql, "sqlite": _sqlite}[conn.dialect]
    with taken(conn, url, table, timeout):
        yield


def _busy(table: str, timeout: float) -> MgenError:
    return MgenError(f"another mgen migrate holds the lock of {table} in this database (waited {timeout:.0f} s); "
                     "let it finish, then run again")


@contextlib.contextmanager
def _postgres(conn: Connection, url: str, table: str, timeout: float) -> Iterator[None]:
    key = lock_key(table)
    deadline = time.monotonic() + timeout
    while not conn.query("SELECT pg_try_advisory_lock(%s)", [key])[0][0]:
        if time.monotonic() >= deadline:
            raise _busy(table, timeout)
        time.sleep(_POLL)
    try:
        yield
    finally:
        with contextlib.suppress(MgenError):
            conn.query("SELECT pg_advisory_unlock(%s)", [key])


@contextlib.contextmanager
def _mysql(conn: Connection, url: str, table: str, timeout: float) -> Iterator[None]:
    # GET_LOCK names are server-wide (64 characters at most): the database and the table, hashed
    database = conn.query("SELECT DATABASE()")[0][0] or ""
    name = "mgen:" + hashlib.sha256(f"{database}.{table}".encode()).hexdigest()[:40]
    if conn.query("SELECT GET_LOCK(%s, %s)", [name, max(0, int(timeout))])[0][0] != 1:
        raise _busy(table, timeout)
    try:
        yield
    finally:
        with contextlib.suppress(MgenError):
            conn.query("SELECT RELEASE_LOCK(%s)", [name])


@contextlib.contextmanager
def _sqlite(conn: Connection, url: str, table: str, timeout: float) -> Iterator[None]:
    path = sqlite_path(url)
    if path == ":memory:":
        yield
        return
    fd = os.open(f"{os.path.abspath(path)}.mgen-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        flock_exclusive(fd, timeout, lambda: _busy(table, timeout), _POLL)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
