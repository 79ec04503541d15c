"""The native engine for Alembic: the revision Alembic's own autogenerate writes, run through the project's
interpreter in a subprocess (``frameworks.native``), never in mgen's process.

``native_generate(options)`` has ``native_driver`` build a scratch database from the project's revisions
(``alembic upgrade heads``; a temporary SQLite file, or a scratch database on ``--db SERVER_URL`` for
revisions only that server runs) and run ``alembic revision --autogenerate`` against it, which writes the
revision with the project's own ``script.py.mako`` (removed again after reading it on ``--dry-run``). Every
engine env.py creates is pointed at the scratch database: the project's own database is never touched.
"""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ..native import interpreter, run_driver
from ..records import GenerateReport, Options

TOOL = "Alembic revision --autogenerate"


@dataclass
class NativeAlembicReport(GenerateReport):
    """What Alembic's autogenerate did: its differences (one line each), the revision(s) written or, on a dry
    run, their text."""

    operations: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # dry run: path -> text
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"framework": "alembic", "operations": [{"description": d, "safety": ""} for d in self.operations],
                "findings": [], "notes": self.notes, "files": [str(p) for p in self.files],
                "revision": "\n".join(self.texts.values()) or None, "migrations": self.texts,
                "states": {"current": "the revisions applied by Alembic to a scratch database",
                           "desired": "the models env.py imports (target_metadata)"}}

    def lines(self) -> list[str]:
        from ...output import shown_path

        if not self.operations:
            return ["no changes: nothing written", *(f"note: {n}" for n in self.notes)]
        out = [*self.operations, *(f"note: {n}" for n in self.notes)]
        if self.texts:
            out.append("dry run: nothing written")
            for path, text in self.texts.items():
                out += [f"--- {path}", text]
        else:
            out += ["wrote:", *(f"  {shown_path(p)}" for p in self.files)]
        return out


def native_generate(options: Options) -> NativeAlembicReport:
    """Alembic's own revision for the project (written by Alembic unless ``options.dry_run``)."""
    if options.format or options.data_migration or options.from_diff or options.models:
        raise MgenError("--format, --data-migration, --from-diff and --models go with --engine static (Alembic's "
                        "autogenerate compares the models env.py names with the revisions)")
    root = options.project.resolve()
    found = options.detection.config if options.detection is not None else None
    ini = found.resolve() if found is not None and found.suffix == ".ini" else root / "alembic.ini"
    python = interpreter(root, options.python)
    message = options.name or ""
    with _scratch_url(options) as url:
        data = run_driver(python, _driver(), [str(ini), "alembic", url, message,
                                              "1" if options.dry_run else "0"], root, TOOL)
    revisions = data.get("revisions", [])
    report = NativeAlembicReport(operations=list(data.get("operations", [])) if revisions else [])
    if options.dry_run:
        report.texts = {r["path"]: r["text"] for r in revisions}
    else:
        report.files = [Path(r["path"]) for r in revisions]
    if revisions:
        report.notes.append(f"Alembic {data.get('alembic')}'s own revision (not judged by mgen's safety rules)")
    report.engine = "native"
    report.engine_line = f"native ({TOOL} via {python})"
    return report


@contextlib.contextmanager
def _scratch_url(options: Options) -> Iterator[str]:
    """A scratch database for the revisions: on ``--db SERVER_URL`` when given, else a temporary SQLite file."""
    if options.db:
        from ...db import dialect_of_url, scratch_database

        with scratch_database(dialect_of_url(options.db), options.db) as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="mgen-alembic-native-") as folder:
        yield f"sqlite:///{Path(folder) / 'scratch.db'}"


def _driver() -> str:
    return (Path(__file__).parent / "native_driver.py").read_text(encoding="utf-8")

