"""The next drizzle-kit migration: ``<out>/NNNN_<name>.sql`` (statements joined by ``--> statement-breakpoint``,
as drizzle-kit splits them), its ``meta/_journal.json`` entry (``when`` after the last one: ``drizzle-kit
migrate`` applies the entries newer than the last it recorded), and ``meta/NNNN_snapshot.json``, the schema
drizzle-kit's next ``generate`` diffs against. drizzle-kit writes no down migration; mgen's goes to
``<out>/down/NNNN_<name>.sql``, which drizzle-kit never reads."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from ...errors import MgenError
from . import snapshot as snap
from .history import Journal, last_snapshot_id

BREAK = "--> statement-breakpoint"


def render(statements: list[str]) -> str:
    return f"{BREAK}\n".join(s.rstrip().rstrip(";") + ";" + ("\n" if "\n" in s else "") for s in statements)


def tag(journal: Journal, name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower()[:60] or "migration"
    idx = journal.entries[-1]["idx"] + 1 if journal.entries else 0
    return f"{idx:04d}_{slug}"


def write(journal: Journal, name: str, up: list[str], down: list[str], model, dialect: str) -> list[Path]:
    out = journal.out
    label = tag(journal, name)
    files = [out / f"{label}.sql", out / "down" / f"{label}.sql", out / "meta" / f"{label.split('_')[0]}_snapshot.json"]
    for f in files:
        if f.exists():
            raise MgenError(f"{f} exists already")
    make = snap.sqlite_snapshot if dialect == "sqlite" else snap.snapshot
    data = make(model, last_snapshot_id(journal))
    whens = [e.get("when", 0) for e in journal.entries if isinstance(e.get("when"), int)]
    entry = {"idx": int(label[:4]), "version": snap.VERSION, "when": max([int(time.time() * 1000), *(w + 1 for w in whens)]),
             "tag": label, "breakpoints": True}
    journal_data = {"version": snap.VERSION, "dialect": dialect, "entries": [*journal.entries, entry]}
    if journal.path.is_file():
        journal_data = json.loads(journal.path.read_text(encoding="utf-8"))
        journal_data["entries"] = [*journal_data["entries"], entry]
    files[1].parent.mkdir(parents=True, exist_ok=True)
    files[2].parent.mkdir(parents=True, exist_ok=True)
    files[0].write_text(render(up), encoding="utf-8")
    files[1].write_text(render(down), encoding="utf-8")
    files[2].write_text(snap.dumps(data), encoding="utf-8")
    journal.path.write_text(json.dumps(journal_data, indent=2) + "\n", encoding="utf-8")
    return [*files, journal.path]
