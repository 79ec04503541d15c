"""An Alembic project's ``alembic.ini``, read statically: where the revisions live and how new ones are named.

What ``alembic revision`` consults, and nothing it would have to run: ``script_location`` (a path, or
``package:dir`` found on disk without importing the package), ``version_locations`` (split the way
Alembic splits them: by ``path_separator``, else the legacy ``version_path_separator``, else spaces and
commas), ``file_template`` with the tokens Alembic documents, ``truncate_slug_length``, ``timezone``,
and ``sqlalchemy.url`` with the dialect its scheme names. The URL is kept but never shown: ``repr`` and
messages use ``mgen.db.redact``.

Relative paths are resolved against the folder holding the ini. Alembic resolves them against the
directory it is run from, which for a project run as documented (``alembic`` next to its ini) is the same
folder; new Alembic projects write ``%(here)s/...`` and mean exactly this.

Values are interpolated as Alembic's ``ConfigParser`` does, with ``%(here)s`` the ini's folder; so a
``%`` in a value is written ``%%`` (Alembic's own default ``file_template`` is ``%%(rev)s_%%(slug)s``).
"""
from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...db import redact
from ...errors import MgenError

DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"
DEFAULT_TRUNCATE_SLUG_LENGTH = 40
# the tokens Alembic fills in a file_template (script/base.py, ScriptDirectory._rev_path)
FILE_TEMPLATE_TOKENS = ("rev", "slug", "epoch", "year", "month", "day", "hour", "minute", "second")
# path_separator values Alembic accepts (config.py, Config._get_file_separator_char)
_SEPARATORS = {"space": " ", "newline": "\n", "os": os.pathsep, ":": ":", ";": ";"}
_LEGACY_SPLIT = re.compile(r", *|(?: +)")
# URL scheme (before "+driver") -> mgen dialect; "mariadb" is its own SQLAlchemy backend, mgen's mysql
_BACKENDS = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql",
             "sqlite": "sqlite"}


@dataclass(frozen=True)
class AlembicConfig:
    """What mgen needs of an Alembic project. ``dialect`` is mgen's name for the database
    ``sqlalchemy.url`` points at (None when the ini names none, or one mgen does not know: the URL may
    be set in ``env.py``); ``backend`` is SQLAlchemy's name for it (``mariadb`` stays ``mariadb``),
    ``driver`` the part after ``+`` (``psycopg``)."""

    ini_path: Path
    script_location: Path
    version_locations: tuple[Path, ...]
    file_template: str = DEFAULT_FILE_TEMPLATE
    truncate_slug_length: int = DEFAULT_TRUNCATE_SLUG_LENGTH
    timezone: str | None = None
    url: str | None = field(default=None, repr=False)  # may hold a password: see ``redacted_url``
    backend: str | None = None
    driver: str | None = None
    dialect: str | None = None
    section: str = "alembic"
    recursive_version_locations: bool = False  # revisions in sub-folders too (file_template with a "/")

    @property
    def redacted_url(self) -> str | None:
        return redact(self.url) if self.url else None

    def require_dialect(self) -> str:
        """The dialect, or an error saying why the ini does not tell it."""
        if self.dialect is not None:
            return self.dialect
        if not self.url:
            why = "has no sqlalchemy.url (it may be set in env.py)"
        else:
            why = f"has sqlalchemy.url {self.redacted_url}, whose backend {self.backend!r} mgen does not know"
        raise MgenError(f"{why}: give the dialect (postgresql, mysql or sqlite)", str(self.ini_path))


def read_config(ini_path: str | os.PathLike[str], section: str = "alembic",
                default_script: Path | None = None) -> AlembicConfig:
    """Read ``ini_path``'s ``[section]`` (Alembic's ``-n/--name``, default ``alembic``). ``default_script``: the
    script folder when the section names no ``script_location`` (Flask-Migrate sets it to the folder of its
    ``migrations/alembic.ini`` itself)."""
    ini = Path(ini_path).absolute()
    here = ini.parent
    if not ini.is_file():
        raise MgenError("no such Alembic config file", str(ini))
    parser = configparser.ConfigParser({"here": here.as_posix()})
    try:
        with ini.open(encoding="utf-8") as f:
            parser.read_file(f)
    except (configparser.Error, UnicodeDecodeError) as e:
        raise MgenError(f"cannot read the Alembic config: {_first_line(e)}", str(ini)) from None
    if not parser.has_section(section):
        raise MgenError(f"no [{section}] section", str(ini))

    def option(name: str) -> str | None:
        try:
            value = parser.get(section, name, fallback=None)
        except configparser.Error as e:  # a bad %(...)s interpolation
            raise MgenError(f"cannot read {name}: {_first_line(e)}", str(ini), _option_line(ini, section, name)) \
                from None
        return value.strip() if value is not None and value.strip() else None

    location = option("script_location")
    if location is None and default_script is None:
        raise MgenError(f"no script_location in [{section}]", str(ini), _section_line(ini, section))
    search = _sys_paths(option("prepend_sys_path"), option, here, ini)
    script_location = resolve_location(location, here, search, ini) if location is not None else \
        default_script.absolute()  # type: ignore[union-attr]
    versions = version_locations(option, here, ini)
    locations = tuple(resolve_location(v, here, search, ini) for v in versions) if versions else (
        script_location / "versions",)

    file_template = option("file_template") or DEFAULT_FILE_TEMPLATE
    _check_template(file_template, ini, _option_line(ini, section, "file_template"))
    truncate = option("truncate_slug_length")
    try:
        truncate_length = int(truncate) if truncate is not None else DEFAULT_TRUNCATE_SLUG_LENGTH
    except ValueError:
        raise MgenError(f"truncate_slug_length {truncate!r} is not a number", str(ini),
                        _option_line(ini, section, "truncate_slug_length")) from None

    url = option("sqlalchemy.url")
    backend, driver, dialect = url_backend(url)
    return AlembicConfig(ini_path=ini, script_location=script_location, version_locations=locations,
                         file_template=file_template, truncate_slug_length=truncate_length,
                         timezone=option("timezone"), url=url, backend=backend, driver=driver, dialect=dialect,
                         section=section,
                         recursive_version_locations=(option("recursive_version_locations") or "").lower()
                         in ("true", "1", "yes", "on"))


def folder_config(script_location: Path, versions: Path) -> AlembicConfig:
    """A project with no ini (Alembic configured in code, Flask-Alembic): Alembic's defaults, the revisions in
    ``versions``; ``ini_path`` is then the script folder, which messages name."""
    return AlembicConfig(ini_path=script_location.absolute(), script_location=script_location.absolute(),
                         version_locations=(versions.absolute(),))


def url_backend(url: str | None) -> tuple[str | None, str | None, str | None]:
    """(SQLAlchemy backend, driver, mgen dialect) of a SQLAlchemy URL: ``postgresql+psycopg://...`` ->
    ("postgresql", "psycopg", "postgresql"); ``mariadb+pymysql://`` -> ("mariadb", "pymysql", "mysql").
    The dialect is None for a backend mgen does not know (and for Alembic's placeholder
    ``driver://user:pass@localhost/dbname``)."""
    if not url or "://" not in url:
        return None, None, None
    scheme = url.split("://", 1)[0].lower()
    backend, _, driver = scheme.partition("+")
    return backend, driver or None, _BACKENDS.get(backend)


def version_locations(option, here: Path, ini: Path) -> list[str]:
    """``version_locations`` split as Alembic splits it (``Config.get_version_locations_list``)."""
    value = option("version_locations")
    if value is None:
        return []
    separator = _separator(option, ("path_separator", "version_path_separator"), ini)
    if separator is None:  # Alembic's legacy behaviour: spaces and/or commas
        return [v for v in _LEGACY_SPLIT.split(value) if v]
    return [v.strip() for v in value.split(separator) if v.strip()]


def _sys_paths(value: str | None, option, here: Path, ini: Path) -> list[Path]:
    """``prepend_sys_path`` entries (where ``package:dir`` locations are looked for), as paths."""
    if value is None:
        return []
    separator = _separator(option, ("path_separator",), ini)
    parts = re.split(r", *|(?: +)|:", value) if separator is None else value.split(separator)
    return [_absolute(p.strip(), here) for p in parts if p.strip()]


def _separator(option, names: tuple[str, ...], ini: Path) -> str | None:
    for name in names:
        value = option(name)
        if value is None:
            continue
        try:
            return _SEPARATORS[value]
        except KeyError:
            raise MgenError(f"{value!r} is not a valid {name} (expected one of: {', '.join(_SEPARATORS)})",
                            str(ini)) from None
    return None


def resolve_location(value: str, here: Path, search: list[Path] | tuple[Path, ...], ini: Path) -> Path:
    """A location as Alembic reads it: a path (relative to the ini's folder), or ``package:dir`` (a
    resource inside an importable package: looked for on disk, in ``prepend_sys_path`` then beside
    the ini, never imported)."""
    if os.path.isabs(value) or ":" not in value:
        return _absolute(value, here)
    package, *parts = value.split(":")
    relative = Path(*package.split("."))
    for base in (*search, here):
        candidate = base / relative
        if candidate.is_dir():
            return candidate.joinpath(*parts).absolute()
    looked = ", ".join(str(b) for b in (*search, here))
    raise MgenError(f"script location {value!r}: package {package!r} not found in {looked} "
                    "(mgen does not import it to ask)", str(ini))


def _absolute(value: str, here: Path) -> Path:
    path = Path(os.path.expanduser(value))
    return (path if path.is_absolute() else here / path).absolute()


def _check_template(template: str, ini: Path, line: int | None) -> None:
    """Refuse a file_template naming a token Alembic does not fill (it would fail at ``revision``)."""
    probe = {name: 0 for name in FILE_TEMPLATE_TOKENS}
    try:
        template % probe
    except KeyError as e:
        raise MgenError(f"file_template names {e.args[0]!r}, which Alembic does not fill (tokens: "
                        f"{', '.join(FILE_TEMPLATE_TOKENS)})", str(ini), line) from None
    except (TypeError, ValueError) as e:
        raise MgenError(f"file_template {template!r} is not a valid %-format: {e}", str(ini), line) from None


def _section_line(ini: Path, section: str) -> int | None:
    for number, text in enumerate(ini.read_text(encoding="utf-8").splitlines(), 1):
        if text.strip() == f"[{section}]":
            return number
    return None


def _option_line(ini: Path, section: str, name: str) -> int | None:
    """The line of ``name =`` inside ``[section]`` (configparser keeps no line numbers)."""
    inside = False
    for number, text in enumerate(ini.read_text(encoding="utf-8").splitlines(), 1):
        stripped = text.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            inside = stripped == f"[{section}]"
        elif inside and re.match(rf"{re.escape(name)}\s*[=:]", stripped):
            return number
    return None


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
