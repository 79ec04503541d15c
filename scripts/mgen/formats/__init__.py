"""Raw-SQL migration folders: golang-migrate, goose and plain ``{version}_{name}/up.sql`` (Diesel).

One module per format, each defining a ``MigrationFormat`` subclass and a module-level ``FORMAT``.
This module holds what they share: the ``Migration`` record, detection, listing in version order,
atomic writing of a new migration, and folding a folder's up SQL into a ``Schema``.
"""
from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import ClassVar, Union

from ..errors import MgenError
from ..folderlock import locked_folder
from ..schema import Schema
from .numbering import next_version, version_number

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Migration:
    """One migration of a folder. ``paths[0]`` holds the up SQL. ``up_sql``/``down_sql`` keep the
    line numbers of their file (a goose section is preceded by blank lines), so errors point at the
    right line."""

    version: str
    name: str
    paths: tuple[Path, ...]
    up_sql: str
    down_sql: str

    @property
    def number(self) -> int:
        return version_number(self.version)

    @classmethod
    def from_files(cls, version: str, name: str, up_path: Path, down_path: Path | None) -> Migration:
        """A migration kept as two files, an up and an optional down."""
        return cls(version=version, name=name, paths=(up_path,) + ((down_path,) if down_path else ()),
                   up_sql=read_text(up_path), down_sql=read_text(down_path) if down_path else "")


class MigrationFormat:
    """What a format knows: its entries in a folder, how to read them, how to write a new one."""

    name: ClassVar[str] = ""
    default_scheme: ClassVar[str] = "timestamp"
    default_width: ClassVar[int] = 6

    def owns(self, entry: Path) -> bool:  # pragma: no cover - abstract
        """True when ``entry`` (a file or directory directly in the folder) is one of this format's."""
        raise NotImplementedError

    def read(self, entries: Sequence[Path]) -> list[Migration]:  # pragma: no cover - abstract
        """The migrations made of ``entries`` (all owned by this format), in any order."""
        raise NotImplementedError

    def render(self, version: str, name: str, up: Sequence[str], down: Sequence[str],
               header: Sequence[str], transactional: bool = True) -> dict[str, str]:  # pragma: no cover
        """The new migration's files: path relative to the folder -> content. ``transactional`` False:
        the runner must not wrap it in a transaction (CONCURRENTLY, a backfill committing per batch),
        said in the format's own way where it has one."""
        raise NotImplementedError


_MODULES = {"golang-migrate": "golang_migrate", "goose": "goose", "plain": "plain"}
ALIASES = {
    "golang-migrate": "golang-migrate", "golang_migrate": "golang-migrate", "migrate": "golang-migrate",
    "goose": "goose",
    "plain": "plain", "diesel": "plain", "sql": "plain",
}
FORMATS = tuple(_MODULES)


def canonical_format(name: str) -> str:
    try:
        return ALIASES[name.lower()]
    except KeyError:
        raise MgenError(f"unknown migration format {name!r} (choose one of: {', '.join(FORMATS)})") from None


def get_format(name: str) -> MigrationFormat:
    return import_module(f".{_MODULES[canonical_format(name)]}", __name__).FORMAT


# -- templates ---------------------------------------------------------------------------------
@functools.cache
def _templates():
    """The Jinja2 environment of ``scripts/mgen/templates`` (built, and jinja2 imported, on first use)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent.parent / "templates")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # SQL, not HTML
    )


def render_template(template: str, **context) -> str:
    return _templates().get_template(template).render(**context)


def up_down_files(up_name: str, down_name: str, up: Sequence[str], down: Sequence[str], header) -> dict[str, str]:
    """The contents of a migration kept as two SQL files."""
    return {up_name: render_template("sql_file.sql.j2", header=header, statements=up),
            down_name: render_template("sql_file.sql.j2", header=header, statements=down)}


def statement_text(statement: str) -> str:
    """A statement as written into a file: trimmed, without a trailing ``;`` (the template adds it)."""
    text = statement.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def statements_of(statements: Sequence[str]) -> list[str]:
    return [s for s in (statement_text(x) for x in statements) if s]


def header_lines(dialect: str, header: Sequence[str] | None) -> list[str]:
    """The comment lines on top of every generated file (without the ``-- `` prefix)."""
    lines = [f"Generated by mgen for {dialect}. Review before applying."]
    for item in header or ():
        lines.extend(part.rstrip() for part in str(item).splitlines() or [""])
    return lines


# -- reading a folder ----------------------------------------------------------------------------
def _entries(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise MgenError("not a directory", str(folder))
    # hidden entries (.gitkeep, our own temp files) are never migrations
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _owned(folder: Path) -> dict[str, list[Path]]:
    entries = _entries(folder)
    found: dict[str, list[Path]] = {}
    for fmt_name in FORMATS:
        fmt = get_format(fmt_name)
        mine = [e for e in entries if fmt.owns(e)]
        if mine:
            found[fmt_name] = mine
    return found


def detect_format(folder: PathLike) -> str | None:
    """The format of the migrations in ``folder``; None when it has none (or does not exist)."""
    found = _owned(Path(folder))
    if len(found) > 1:
        examples = ", ".join(f"{name} ({paths[0].name})" for name, paths in found.items())
        raise MgenError(f"folder mixes migration formats: {examples}", str(folder))
    return next(iter(found), None)


def list_migrations(folder: PathLike, fmt: str | None = None) -> list[Migration]:
    """The migrations of ``folder`` ordered by version as an integer. ``fmt`` None detects it."""
    folder = Path(folder)
    name = canonical_format(fmt) if fmt else detect_format(folder)
    if name is None:
        return []
    fmt_obj = get_format(name)
    migrations = sorted(fmt_obj.read([e for e in _entries(folder) if fmt_obj.owns(e)]), key=lambda m: m.number)
    for before, after in itertools.pairwise(migrations):
        if before.number == after.number:
            raise MgenError(f"duplicate migration version {after.version} (also {before.paths[0].name})",
                            str(after.paths[0]))
    return migrations


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise MgenError(f"not UTF-8 text ({e.reason} at byte {e.start})", str(path)) from None
    except OSError as e:
        raise MgenError(f"cannot read: {e.strerror}", str(path)) from None


# -- writing a migration -------------------------------------------------------------------------
def slugify(name: str) -> str:
    """``Add bio to Users!`` -> ``add_bio_to_users``: lowercase ASCII letters, digits and ``_``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if not slug:
        raise MgenError(f"migration name {name!r} has no letters or digits")
    return slug


@dataclass(frozen=True)
class NewMigration:
    """One migration to write: its name, up and down statements, header lines, and whether the
    runner may wrap it in a transaction."""

    name: str
    up: Sequence[str]
    down: Sequence[str]
    header: Sequence[str] = ()
    transactional: bool = True


def write_migration(
    folder: PathLike,
    fmt: str | None,
    name: str,
    up: Sequence[str],
    down: Sequence[str],
    dialect: str,
    scheme: str | None = None,
    header: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
    version: str | None = None,
) -> list[Path]:
    """Write a new migration into ``folder`` and return its paths.

    fmt None uses the folder's format (an empty folder needs one). The version continues the
    folder's numbering (``scheme`` overrides it; ``version`` fixes it). A version or name already in
    the folder is refused. Atomic: all files are rendered and written to temporary names first and
    renamed into place at the end; on any failure nothing new is left behind.
    """
    return write_migrations(folder, fmt, [NewMigration(name, up, down, header or ())], dialect, scheme,
                            now=now, version=version)


def write_migrations(
    folder: PathLike,
    fmt: str | None,
    migrations: Sequence[NewMigration],
    dialect: str,
    scheme: str | None = None,
    *,
    now: datetime | None = None,
    version: str | None = None,
) -> list[Path]:
    """Write a series of new migrations, numbered one after another, all or nothing (as
    ``write_migration``; ``version`` fixes the first one's). The folder is locked from before it is read
    until the files are in place (``folderlock``): two runs at once never take the same version."""
    folder = Path(folder)
    with locked_folder(folder):
        return _write_migrations(folder, fmt, migrations, dialect, scheme, now, version)


def _write_migrations(folder: Path, fmt: str | None, migrations: Sequence[NewMigration], dialect: str,
                      scheme: str | None, now: datetime | None, version: str | None) -> list[Path]:
    fmt_name = canonical_format(fmt) if fmt else detect_format(folder)
    if fmt_name is None:
        raise MgenError("cannot tell the migration format of an empty folder; choose one of: "
                        + ", ".join(FORMATS), str(folder))
    detected = detect_format(folder)
    if detected is not None and detected != fmt_name:
        raise MgenError(f"folder holds {detected} migrations, not {fmt_name}", str(folder))
    fmt_obj = get_format(fmt_name)
    existing = list_migrations(folder, fmt_name)
    versions = [m.version for m in existing]
    named = {m.name: str(m.paths[0]) for m in existing}  # slug -> where it already is
    files: dict[str, str] = {}
    for k, migration in enumerate(migrations):
        slug = slugify(migration.name)
        if version is not None and k == 0:
            this = version
            version_number(this)  # validates it
        else:
            this = next_version(versions, scheme, now, default_scheme=fmt_obj.default_scheme,
                                default_width=fmt_obj.default_width)
        for m in existing:
            if m.number == version_number(this):
                raise MgenError(f"migration version {this} already exists", str(m.paths[0]))
        if slug in named:
            raise MgenError(f"a migration named {slug!r} already exists", named[slug])
        versions.append(this)
        named[slug] = str(folder)
        files.update(fmt_obj.render(this, slug, statements_of(migration.up), statements_of(migration.down),
                                    header_lines(dialect, migration.header), migration.transactional))
    return write_atomically(folder, files)


def write_atomically(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (relative path -> text) under ``folder``: each top-level entry is built under a
    hidden temporary name, then all are renamed into place; a failure removes everything new."""
    created_folder = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MgenError(f"cannot create the folder: {e.strerror}", str(folder)) from None
    tops: dict[str, dict[str, str]] = {}
    for rel, text in files.items():
        top, _, inner = rel.partition("/")
        tops.setdefault(top, {})[inner] = text
    staged: list[tuple[Path, Path]] = []  # (temporary, final)
    placed: list[Path] = []
    try:
        for top, inner_files in tops.items():
            try:
                staged.append((_stage(folder, top, inner_files), folder / top))
            except OSError as e:
                raise MgenError(f"cannot write: {e.strerror}", str(folder / top)) from None
        for temporary, final in staged:
            if final.exists() or final.is_symlink():
                raise MgenError("already exists; not overwriting it", str(final))
            try:
                os.rename(temporary, final)
            except OSError as e:
                raise MgenError(f"cannot write: {e.strerror}", str(final)) from None
            placed.append(final)
    except BaseException:
        for path in placed + [t for t, _ in staged]:
            _remove(path)
        if created_folder:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return [folder / rel for rel in files]


def _stage(folder: Path, top: str, inner_files: dict[str, str]) -> Path:
    """Write one top-level entry under a hidden temporary name; remove it again if writing fails."""
    if "" in inner_files:  # a plain file directly in the folder
        fd, tmp = tempfile.mkstemp(prefix=".mgen-tmp-", suffix=".sql", dir=folder)
        staged = Path(tmp)
        writes = [(staged, inner_files[""])]
        os.close(fd)
    else:
        staged = Path(tempfile.mkdtemp(prefix=".mgen-tmp-", dir=folder))
        writes = [(staged / inner, text) for inner, text in inner_files.items()]
    try:
        for path, text in writes:
            path.write_text(text, encoding="utf-8", newline="\n")
    except BaseException:
        _remove(staged)
        raise
    return staged


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# -- the schema a folder produces ----------------------------------------------------------------
def folder_schema(folder: PathLike, dialect: str, fmt: str | None = None) -> Schema:
    """Fold every migration's up SQL, in version order, into a Schema."""
    return fold_migrations(list_migrations(folder, fmt), dialect)


def fold_migrations(migrations: Sequence[Migration], dialect: str, schema: Schema | None = None) -> Schema:
    """``schema`` (default: empty) with the up SQL of ``migrations`` applied in order; an error names the file."""
    from ..sources.sql import read_sql_text  # the DDL interpreter; imported late (it imports much)

    schema = schema if schema is not None else Schema()
    for m in migrations:
        try:
            schema = read_sql_text(m.up_sql, dialect, schema, filename=str(m.paths[0]))
        except MgenError as e:
            if e.file is None:
                e.file = str(m.paths[0])
            raise
    return schema


__all__ = [
    "FORMATS",
    "Migration",
    "MigrationFormat",
    "NewMigration",
    "canonical_format",
    "detect_format",
    "fold_migrations",
    "folder_schema",
    "get_format",
    "list_migrations",
    "next_version",
    "slugify",
    "write_migration",
    "write_migrations",
]
