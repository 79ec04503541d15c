"""Live databases: URLs, connections, running statements, scratch databases.

One small ``Connection`` class per driver (psycopg 3, pymysql, sqlite3), all in autocommit mode, so
the rest of mgen runs statements and reads rows the same way everywhere. Every message that shows a
URL shows it through ``redact`` so a password is never printed.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

from .errors import MgenError

# URL scheme -> dialect; anything with "+driver" is looked up without the driver part.
_SCHEMES = {
    "postgresql": "postgresql", "postgres": "postgresql",
    "mysql": "mysql", "mariadb": "mysql",
    "sqlite": "sqlite", "sqlite3": "sqlite",
}
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_EXTRA = {"postgresql": "postgres", "mysql": "mysql"}


def redact(url: str) -> str:
    """``url`` with every password in it replaced by ``***`` (unchanged when it has none): the one redaction
    every URL mgen shows, stores or puts in an error goes through.

    Written for the URLs people really type, not only well-formed ones: the userinfo is everything from the
    first ``:`` after ``scheme://`` to the *last* ``@``, so a password with an unencoded ``@``, ``#``, ``/``,
    ``?`` or ``[`` is hidden whole (``urlsplit`` would cut it at the first of those and show the rest), and
    ``password=``/``sslpassword=`` query parameters are hidden too. Where a query value holds an ``@`` after
    a host with a port, a little more than the password is hidden: never less."""
    head, sep, rest = url.partition("://")
    if not sep:
        return url  # a plain SQLite path
    at = rest.rfind("@")
    colon = rest.find(":", 0, at) if at > 0 else -1
    if colon >= 0:
        rest = f"{rest[:colon]}:***{rest[at:]}"
    return head + sep + _SECRET_PARAMETER.sub(r"\1***", rest)


_SECRET_PARAMETER = re.compile(r"(?i)([?&;](?:ssl)?(?:password|passwd|pwd)=)[^&;#\s]*")


def dialect_of_url(url: str) -> str:
    """"postgresql", "mysql" or "sqlite" for a database URL (or a plain SQLite file path)."""
    if "://" in url:
        scheme = url.split("://", 1)[0].lower().split("+", 1)[0]
        if scheme in _SCHEMES:
            return _SCHEMES[scheme]
        raise MgenError(f"unknown database URL scheme {scheme!r} in {redact(url)} "
                        "(use postgresql://, mysql://, mariadb:// or sqlite:///path)")
    if url.lower().endswith(_SQLITE_SUFFIXES):
        return "sqlite"
    raise MgenError(f"not a database URL: {redact(url)} (use postgresql://, mysql://, mariadb:// or sqlite:///path)")


def is_database_url(spec: str) -> bool:
    """True when ``spec`` names a database (a URL with a known scheme or a SQLite file path)."""
    try:
        dialect_of_url(spec)
    except MgenError:
        return False
    return True


def sqlite_path(url: str) -> str:
    """The file path (or ":memory:") a SQLite URL points at."""
    if "://" not in url:
        return url
    rest = url.split("://", 1)[1]
    if rest in ("", "/", "/:memory:", ":memory:"):
        return ":memory:"
    # sqlite:///relative.db -> "relative.db"; sqlite:////abs/x.db -> "/abs/x.db"
    path = rest.removeprefix("/")
    return unquote(path.split("?", 1)[0])


def url_with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database if database else ""))


class StatementError(MgenError):
    """A statement the database refused; ``db_message`` is the database's own first line."""

    def __init__(self, message: str, statement: str, db_message: str):
        super().__init__(message)
        self.statement = statement
        self.db_message = db_message


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _missing_driver(dialect: str, module: str) -> MgenError:
    return MgenError(f"the {dialect} driver ({module}) is not installed: "
                     f"pip install 'migration-generate[{_EXTRA[dialect]}]'")


_Conn = TypeVar("_Conn", bound="Connection")  # typing.Self needs Python 3.11


class Connection:
    """An autocommit connection; ``placeholder`` is the driver's parameter marker."""

    dialect: ClassVar[str] = ""
    placeholder: ClassVar[str] = "%s"

    def __init__(self, url: str, raw: Any, driver_error: type[BaseException]):
        self.url = url
        self.raw = raw
        self._driver_error = driver_error

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self._run(sql, params, fetch=False)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self._run(sql, params, fetch=True)

    def _run(self, sql: str, params: Sequence[Any] | None, fetch: bool) -> list[tuple]:
        cur = self.raw.cursor()
        try:
            if params is None:
                cur.execute(sql)
            else:
                cur.execute(sql, tuple(self.adapt(v) for v in params))
            return [tuple(r) for r in cur.fetchall()] if fetch else []
        except self._driver_error as e:
            msg = _first_line(e)
            raise StatementError(f"{self.dialect} refused {sql[:200]!r}: {msg}", sql, msg) from None
        finally:
            cur.close()

    def adapt(self, value: Any) -> Any:
        """A parameter in a form the driver accepts."""
        return value

    def close(self) -> None:
        self.raw.close()

    def __enter__(self: _Conn) -> _Conn:  # noqa: PYI019 - typing.Self needs Python 3.11
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PostgresConnection(Connection):
    dialect = "postgresql"

    @classmethod
    def open(cls, url: str) -> PostgresConnection:
        try:
            import psycopg
        except ImportError:
            raise _missing_driver("postgresql", "psycopg") from None
        conninfo = "postgresql://" + url.split("://", 1)[1]  # drop a "+psycopg" driver suffix
        try:
            raw = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            raise MgenError(f"cannot connect to {redact(url)}: {_first_line(e)}") from None
        return cls(url, raw, psycopg.Error)


class MysqlConnection(Connection):
    dialect = "mysql"

    @classmethod
    def open(cls, url: str) -> MysqlConnection:
        try:
            import pymysql
        except ImportError:
            raise _missing_driver("mysql", "pymysql") from None
        try:
            kwargs = mysql_parameters(url)
        except ValueError:  # its message may quote the password: not shown
            raise MgenError(f"cannot read the database URL {redact(url)}: a character in it is not "
                            "percent-encoded (in a password: @ as %40, # as %23, / as %2F, ? as %3F)") from None
        # the classes the connection code raises: ``pymysql.err`` itself may be a second copy of the module
        # once something imported it again under another name (Django's MySQL backend through the
        # ``MySQLdb`` alias of install_as_MySQLdb), and its Error then catches nothing
        error = pymysql.connections.err.Error
        try:
            raw = pymysql.connect(**kwargs)
        except (error, OSError) as e:
            raise MgenError(f"cannot connect to {redact(url)}: {_first_line(e)}") from None
        return cls(url, raw, error)


def mysql_parameters(url: str) -> dict[str, Any]:
    """PyMySQL's ``connect`` arguments for a ``mysql://`` URL (ValueError: it cannot be read)."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    kwargs: dict[str, Any] = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": unquote(parts.username) if parts.username else "root",
        "password": unquote(parts.password) if parts.password else query.get("password", ""),
        "database": unquote(parts.path.lstrip("/")) or None,
        "autocommit": True,
        "charset": query.get("charset", "utf8mb4"),
        "connect_timeout": 10,
    }
    if "unix_socket" in query:
        kwargs["unix_socket"] = query["unix_socket"]
    return kwargs


class SqliteConnection(Connection):
    dialect = "sqlite"
    placeholder = "?"

    def adapt(self, value: Any) -> Any:
        # sqlite3 has no Decimal adapter; the text keeps every digit and NUMERIC affinity converts it
        return str(value) if isinstance(value, Decimal) else value

    @classmethod
    def open(cls, url: str) -> SqliteConnection:
        path = sqlite_path(url)
        # mode=rw: reading a mistyped path must fail, not create an empty database there
        target = path if path == ":memory:" else f"file:{quote(os.path.abspath(path))}?mode=rw"
        try:
            raw = sqlite3.connect(target, isolation_level=None, uri=path != ":memory:")
            raw.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as e:
            raise MgenError(f"cannot connect to {redact(url)}: {_first_line(e)}") from None
        return cls(url, raw, sqlite3.Error)


_CONNECTIONS: dict[str, type[Connection]] = {
    "postgresql": PostgresConnection,
    "mysql": MysqlConnection,
    "sqlite": SqliteConnection,
}


def connect(url: str) -> Connection:
    """An autocommit connection to ``url``; MgenError when it cannot be reached."""
    return _CONNECTIONS[dialect_of_url(url)].open(url)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Unit:
    """Statements a migration runner sends together. On PostgreSQL a transactional unit runs in one
    transaction, as golang-migrate and goose run a migration file (so a statement that cannot run in a
    transaction, or an enum value used in the transaction that adds it, fails here as it would there).
    Elsewhere statements run one by one: MySQL DDL commits by itself, and SQLite's table rebuild needs
    PRAGMA foreign_keys, which does nothing inside a transaction."""

    statements: tuple[str, ...]
    transactional: bool = True


def apply_units(conn: Connection, units: Sequence[Unit]) -> None:
    for unit in units:
        if not (unit.transactional and conn.dialect == "postgresql"):
            apply_statements(conn, unit.statements)
            continue
        conn.execute("BEGIN")
        try:
            apply_statements(conn, unit.statements)
        except StatementError:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def apply_statements(conn: Connection, statements: Sequence[str]) -> None:
    """Run ``statements`` in order; the first refused one raises StatementError naming it."""
    for i, sql in enumerate(statements, 1):
        try:
            conn.execute(sql)
        except StatementError as e:
            raise StatementError(f"statement {i} failed: {sql[:200]}: {e.db_message}", sql, e.db_message) from None


_QUOTES = {"postgresql": '"', "sqlite": '"', "mysql": "`"}


def quote_identifier(name: str, dialect: str) -> str:
    """``name`` always quoted for ``dialect`` (for generated statements, where reading ease does not matter)."""
    q = _QUOTES[dialect]
    return q + name.replace(q, q + q) + q


# -- scratch databases --------------------------------------------------------------------------
SCRATCH_PREFIX = "mgen_scratch_"
STALE_SECONDS = 3600
_SCRATCH_NAME = re.compile(rf"^{SCRATCH_PREFIX}([0-9a-f]{{6}})_(\d+)_(\d+)_[0-9a-f]{{6}}$")


def _host_tag() -> str:
    """Six hex digits of this machine's name: a scratch database names the machine whose process made it."""
    import socket

    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def scratch_name() -> str:
    """``mgen_scratch_<host>_<pid>_<unix time>_<random>``: enough for a later run to know a database left
    behind by a killed one (``stale_scratch``)."""
    return f"{SCRATCH_PREFIX}{_host_tag()}_{os.getpid()}_{int(time.time())}_{secrets.token_hex(3)}"


def stale_scratch(names: Sequence[str], now: float | None = None) -> list[str]:
    """The scratch databases among ``names`` that a run of mgen on this machine made more than an hour ago
    and whose process is gone (killed before it could drop them: SIGKILL, a power cut). Another machine's,
    and any other name, are never touched."""
    now = time.time() if now is None else now
    stale = []
    for name in names:
        found = _SCRATCH_NAME.match(name)
        if not found or found[1] != _host_tag() or now - int(found[3]) < STALE_SECONDS:
            continue
        if not _process_alive(int(found[2])):
            stale.append(name)
    return stale


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or a number we cannot ask about: assume alive
    return True


@contextlib.contextmanager
def _sqlite_scratch(server_url: str | None) -> Iterator[str]:
    fd, path = tempfile.mkstemp(prefix="mgen_scratch_", suffix=".db")
    os.close(fd)
    try:
        yield "sqlite:///" + path
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path + suffix)


def _need_server(dialect: str, server_url: str | None) -> str:
    if not server_url:
        raise MgenError(f"a scratch {dialect} database needs a server URL (--db URL)")
    if dialect_of_url(server_url) != dialect:
        raise MgenError(f"server URL {redact(server_url)} is not a {dialect} server")
    return server_url


@contextlib.contextmanager
def _postgres_scratch(server_url: str | None) -> Iterator[str]:
    url = _need_server("postgresql", server_url)
    name = scratch_name()
    with connect(url) as admin:
        listed = admin.query("SELECT datname FROM pg_database WHERE datname LIKE %s", [SCRATCH_PREFIX + "%"])
        for stale in stale_scratch([str(r[0]) for r in listed]):
            with contextlib.suppress(StatementError):
                admin.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url_with_database(url, name)
        finally:
            # FORCE: a connection left open by a failed step must not keep the database alive
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _mysql_scratch(server_url: str | None) -> Iterator[str]:
    url = _need_server("mysql", server_url)
    name = scratch_name()
    with connect(url_with_database(url, "")) as admin:
        listed = admin.query("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
                             [SCRATCH_PREFIX.replace("_", "\\_") + "%"])
        for stale in stale_scratch([str(r[0]) for r in listed]):
            with contextlib.suppress(StatementError):
                admin.execute(f"DROP DATABASE IF EXISTS `{stale}`")
        admin.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        try:
            yield url_with_database(url, name)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS `{name}`")


_SCRATCH = {"sqlite": _sqlite_scratch, "postgresql": _postgres_scratch, "mysql": _mysql_scratch}


@contextlib.contextmanager
def scratch_database(dialect: str, server_url: str | None = None) -> Iterator[str]:
    """A URL of a brand-new empty database, dropped (or deleted) afterwards even on error."""
    from .dialects import canonical_name

    with _SCRATCH[canonical_name(dialect)](server_url) as url:
        yield url
