"""Which database a URL reaches, resolved as its driver resolves it, and whether it may be production.

The production guard (``mgen migrate run|rollback`` without ``--yes``) must judge the database the driver
will connect to, not the letters of the URL: a PostgreSQL URL with no host or database name is completed by
libpq from ``PGHOST``/``PGHOSTADDR``/``PGDATABASE``, or from a ``service`` in ``pg_service.conf`` (named by
``?service=`` or ``PGSERVICE``), so ``postgresql://app@/`` with ``PGDATABASE=live_shop`` reaches ``live_shop``.
``resolve`` follows libpq's order: what the URL says, then the service file's entry, then the environment,
then the defaults (a local socket; the user's name for the database). mgen's MySQL connections pass every
parameter explicitly (PyMySQL reads no environment or option file), so a MySQL URL means what it says.

Where the target cannot be told (a service that no file defines, a host list), it may be production: the
guard asks for ``--yes``.
"""
from __future__ import annotations

import configparser
import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .db import dialect_of_url, sqlite_path

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
PRODUCTION_WORDS = ("production", "prod", "live")


@dataclass(frozen=True)
class Target:
    """The hosts a connection may reach ("" for a local socket or file) and the database name; ``unknown``
    says why the target cannot be told."""

    hosts: tuple[str, ...] = ()
    name: str = ""
    unknown: str | None = None


def resolve(url: str, env: Mapping[str, str] | None = None) -> Target:
    """Where ``url`` connects (see the module's docstring); ``env`` defaults to this process's environment."""
    env = os.environ if env is None else env
    dialect = dialect_of_url(url)
    if dialect == "sqlite":
        return Target(("",), Path(sqlite_path(url)).name)
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if dialect == "mysql":
        host = "" if "unix_socket" in query else (parts.hostname or "127.0.0.1")
        return Target((host,), unquote(parts.path.lstrip("/")))
    return _libpq(parts, query, env)


def _libpq(parts, query: dict[str, str], env: Mapping[str, str]) -> Target:
    # the URL's own parameters; a query parameter wins over the URL's part (libpq's URI rules)
    given = {"host": query.get("host") or unquote(parts.hostname or ""), "hostaddr": query.get("hostaddr", ""),
             "dbname": query.get("dbname") or unquote(parts.path.lstrip("/")),
             "user": query.get("user") or unquote(parts.username or "")}
    service = query.get("service") or env.get("PGSERVICE", "")
    if service:
        entry = _service(service, env)
        if entry is None:
            return Target(unknown=f"service {service!r} is not defined in any pg_service.conf mgen can read")
        given = {key: value or entry.get(key, "") for key, value in given.items()}
    for key, var in (("host", "PGHOST"), ("hostaddr", "PGHOSTADDR"), ("dbname", "PGDATABASE"), ("user", "PGUSER")):
        given[key] = given[key] or env.get(var, "")
    where = given["hostaddr"] or given["host"]  # a list ("a,b"): libpq tries each in turn
    hosts = tuple("" if h.startswith(("/", "@")) else h for h in where.split(",")) if where else ("",)
    name = given["dbname"] or given["user"] or _os_user()
    return Target(hosts, name)


def _service(name: str, env: Mapping[str, str]) -> dict[str, str] | None:
    """The entry ``[name]`` of the first pg_service.conf that has it: ``PGSERVICEFILE`` (else
    ``~/.pg_service.conf``), then ``PGSYSCONFDIR/pg_service.conf`` (else the usual system folders)."""
    files = [Path(env["PGSERVICEFILE"]) if env.get("PGSERVICEFILE") else Path.home() / ".pg_service.conf"]
    folders = [env["PGSYSCONFDIR"]] if env.get("PGSYSCONFDIR") else ["/etc/postgresql-common", "/etc"]
    files += [Path(folder) / "pg_service.conf" for folder in folders]
    for path in files:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error, UnicodeDecodeError):
            continue
        if parser.has_section(name):
            return dict(parser[name])
    return None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def looks_like_production(url: str, env: Mapping[str, str] | None = None) -> str | None:
    """Why the database ``url`` reaches may be production, or None: a host other than this machine
    (localhost, 127.0.0.1, ::1, a unix socket, a SQLite file), a database name containing
    prod/production/live, or a target that cannot be told."""
    target = resolve(url, env)
    if target.unknown:
        return f"mgen cannot tell which database it is: {target.unknown}"
    for host in target.hosts:
        if host and host.lower().strip("[]") not in LOCAL_HOSTS:
            return f"host {host} is not this machine"
    lowered = target.name.lower()
    for word in PRODUCTION_WORDS:
        if word in lowered:
            return f"the database name {target.name!r} contains {word!r}"
    return None
