"""drizzle-kit's ``out/`` folder as the history: ``meta/_journal.json``'s entries in order, each one's
``<tag>.sql`` folded through mgen's SQL reader (which reads Drizzle's ``DO $$ BEGIN ... EXCEPTION WHEN
duplicate_object`` blocks as PostgreSQL runs them), and the last entry's ``meta/NNNN_snapshot.json`` (its id is
the next snapshot's ``prevId``)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError


@dataclass(frozen=True)
class Journal:
    out: Path
    entries: tuple[dict, ...]
    dialect: str | None

    @property
    def path(self) -> Path:
        return self.out / "meta" / "_journal.json"

    def sql_files(self) -> list[Path]:
        return [self.out / f"{e['tag']}.sql" for e in self.entries]

    def last_snapshot(self) -> Path | None:
        if not self.entries:
            return None
        return self.out / "meta" / f"{self.entries[-1]['tag'].split('_', 1)[0]}_snapshot.json"


def read_journal(out: Path) -> Journal:
    path = out / "meta" / "_journal.json"
    if not path.is_file():
        if out.is_dir() and any(out.glob("*.sql")):
            raise MgenError("SQL migrations without drizzle-kit's meta/_journal.json: drizzle-kit migrate would "
                            "apply none of them", str(out))
        return Journal(out, (), None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(data["entries"])
        for e in entries:
            if not isinstance(e.get("tag"), str) or not isinstance(e.get("idx"), int):
                raise TypeError(f"entry without tag/idx: {e}")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        raise MgenError(f"drizzle-kit's journal is not readable ({e})", str(path)) from None
    for file in (out / f"{e['tag']}.sql" for e in entries):
        if not file.is_file():
            raise MgenError(f"the journal names {file.name}, which is missing", str(path))
    return Journal(out, entries, data.get("dialect"))


def last_snapshot_id(journal: Journal) -> str:
    from .snapshot import EMPTY_ID

    data = last_snapshot(journal)
    return EMPTY_ID if data is None else data["id"]


def last_snapshot(journal: Journal) -> dict | None:
    """The last entry's snapshot (version 7, PostgreSQL), None before the first migration."""
    path = journal.last_snapshot()
    if path is None:
        return None
    if not path.is_file():
        raise MgenError(f"drizzle-kit's snapshot of the last migration ({path.name}) is missing: drizzle-kit "
                        "diffs against it", str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise MgenError(f"the snapshot is not valid JSON ({e})", str(path)) from None
    if (str(data.get("version")), data.get("dialect")) not in (("7", "postgresql"), ("6", "sqlite")):
        raise MgenError(f"a snapshot of version {data.get('version')!r} ({data.get('dialect')}): mgen reads "
                        "drizzle-kit's version 7 PostgreSQL and version 6 SQLite snapshots; run `drizzle-kit up` "
                        "first", str(path))
    return data


def folded_schema(journal: Journal, dialect: str):
    """The schema the journal's SQL files build, in its order."""
    from ...schema import Schema
    from ...sources.sql import read_sql_text

    schema = Schema()
    for path in journal.sql_files():
        schema = read_sql_text(path.read_text(encoding="utf-8"), dialect, schema, str(path))
    return schema
