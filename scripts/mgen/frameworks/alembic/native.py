"""The native engine for Alembic: the revision Alembic's own autogenerate writes, run through the project's
interpreter in a subprocess (``frameworks.native``), never in mgen's process.

``native_generate(options)`` has ``native_driver`` build a scratch database from the project's revisions
(``alembic upgrade heads``; a temporary SQLite file, or a scratch database on ``--db SERVER_URL`` for
revisions only that server runs) and run ``alembic revision --autogenerate`` against it, which writes the
revision with the project's own ``script.py.mako`` (removed again after reading it on ``--dry-run``). With
``--verify`` Alembic applies it on that scratch database (``upgrade heads``, ``downgrade -1``, ``upgrade heads``)
and autogenerate must find nothing left; a revision that fails is not left written (exit 1). Every
engine env.py creates is pointed at the scratch database: the project's own database is never touched.

A Flask-Migrate project (its ``env.py`` reads ``current_app``) runs inside the Flask app's context, the app
made as ``flask db`` makes it (``native_flask.py``); so does a Flask-Alembic project (no env.py: its revisions
and ``script.py.mako`` in the script folder), through Flask-Alembic's own ``upgrade`` / ``revision`` /
``downgrade`` / ``produce_migrations``, as its ``flask db`` commands call them; the console scripts its pyproject.toml / setup.cfg
declare are passed as candidates (a ``FlaskGroup`` with a ``create_app``, as ``myproject db upgrade`` uses).
The interpreter's folder comes first on PATH, as in the activated virtualenv ``flask db`` runs in (the
ini's ``post_write_hooks``, ``ruff`` say, are the project's own tools). The scratch database is of the project's dialect: a project whose database is PostgreSQL or MySQL needs
``--db SERVER_URL`` (autogenerate against SQLite would compare the models with other types, and the
project's revisions may not run there), and is refused without it.
"""
from __future__ import annotations

import configparser
import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ..native import NativeError, interpreter, run_driver
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
    verify: list[tuple[str, str]] = field(default_factory=list)  # --verify: (step, "ok" or why not) on the scratch

    @property
    def verified(self) -> bool | None:
        """``--verify``: whether Alembic applied the revision both ways and found nothing left (None: not asked)."""
        return all(result == "ok" for _, result in self.verify) if self.verify else None

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return 1 if self.verified is False else 0

    def to_json(self) -> dict[str, Any]:
        return {"framework": "alembic", "operations": [{"description": d, "safety": ""} for d in self.operations],
                "findings": [], "notes": self.notes, "files": [str(p) for p in self.files], "verified": self.verified,
                "verify": [{"step": step, "result": result} for step, result in self.verify] or None,
                "revision": "\n".join(self.texts.values()) or None, "migrations": self.texts,
                "states": {"current": "the revisions applied by Alembic to a scratch database",
                           "desired": "the models env.py imports (target_metadata)"}}

    def lines(self) -> list[str]:
        from ...output import shown_path

        if not self.operations:
            return ["no changes: nothing written", *(f"note: {n}" for n in self.notes)]
        out = [*self.operations, *(f"note: {n}" for n in self.notes)]
        out += [f"verify: {step}: {result}" for step, result in self.verify]
        if self.verified is False:
            out.append("verification failed: nothing written")
            for path, text in self.texts.items():
                out += [f"--- {path}", text]
        elif self.texts:
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
    flask = flask_spec(root, options.ini_section)
    with _scratch_url(options) as url:
        data = run_driver(python, _driver(flask is not None),
                          [str(ini), "alembic", url, message, "1" if options.dry_run else "0",
                           json.dumps(flask) if flask is not None else "", "1" if options.verify else "0"],
                          root, TOOL,
                          env={"PATH": os.pathsep.join([str(python.parent), os.environ.get("PATH", "")])})
    revisions = data.get("revisions", [])
    report = NativeAlembicReport(operations=list(data.get("operations", [])) if revisions else [])
    report.notes += [str(n) for n in data.get("notes", [])]
    report.verify = [(str(step), str(result)) for step, result in data.get("verify") or []]
    if options.dry_run or report.verified is False:
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
    """A scratch database for the revisions: on ``--db SERVER_URL`` when given, else a temporary SQLite file;
    a project whose database is on a server (``--dialect``, else as detected) and no ``--db``: refused
    (NativeError). A project that runs on several (its own setting chooses) takes ``--dialect sqlite``."""
    if options.db:
        from ...db import dialect_of_url, scratch_database

        with scratch_database(dialect_of_url(options.db), options.db) as url:
            yield url
        return
    dialect = options.dialect or options.detected_dialect  # --dialect: the user's word over the detection's
    if dialect in SERVER_DIALECTS:
        source = "--dialect" if options.dialect else \
            options.detection.dialect_source if options.detection is not None else None
        raise NativeError(f"the project's database is {dialect}{f' ({source})' if source else ''}: Alembic's "
                          f"autogenerate needs a scratch {dialect} database to compare with; give --db SERVER_URL "
                          f"(a {dialect} server mgen creates it on and drops it from; the project's own database "
                          "is never used)")
    with tempfile.TemporaryDirectory(prefix="mgen-alembic-native-") as folder:
        yield f"sqlite:///{Path(folder) / 'scratch.db'}"


SERVER_DIALECTS = ("postgresql", "mysql")
_CURRENT_APP = re.compile(r"^\s*from\s+flask\s+import\s[^\n]*\bcurrent_app\b|\bflask\.current_app\b", re.MULTILINE)


def flask_spec(root: Path, section: str | None) -> dict[str, Any] | None:
    """What the driver needs to run a Flask-Migrate project (its ``env.py`` reads Flask's ``current_app``) or a
    Flask-Alembic one (no ini, no env.py: revisions and ``script.py.mako`` in the script folder), None for
    any other: the extension (``migrate`` or ``alembic``), the script folder, and the project's console scripts
    (``module:attr``)."""
    from .detection import find_layout

    try:
        layout = find_layout(root)
        if layout is None:
            return None
        env = layout.env_py(section)
        if env is None and layout.ini is None and layout.versions == layout.script_location:
            kind = "alembic"
        elif env is not None and _CURRENT_APP.search(env.read_text(encoding="utf-8", errors="replace")):
            kind = "migrate"
        else:
            return None
        directory = layout.config(section).script_location
    except (MgenError, OSError):
        return None
    return {"extension": kind, "directory": str(directory.resolve()), "apps": console_scripts(root)}


def console_scripts(root: Path) -> list[str]:
    """The ``module:attr`` of each console script pyproject.toml (``[project.scripts]``, Poetry's
    ``[tool.poetry.scripts]``) or setup.cfg (``console_scripts``) declares, in that order."""
    from ..interpreter import _read_toml

    data = _read_toml(root / "pyproject.toml")
    found = [*(data.get("project", {}).get("scripts", {}) or {}).values(),
             *(data.get("tool", {}).get("poetry", {}).get("scripts", {}) or {}).values()]
    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read(root / "setup.cfg", encoding="utf-8")
        lines = cfg.get("options.entry_points", "console_scripts", fallback="")
    except (configparser.Error, UnicodeDecodeError):
        lines = ""
    found += [line.split("=", 1)[1] for line in lines.splitlines() if "=" in line]
    return [t.strip() for t in found if isinstance(t, str) and ":" in t]


def _driver(flask: bool) -> str:
    here = Path(__file__).parent
    parts = ["native_using.py", "native_opclass.py", "native_fkname.py", *(["native_flask.py"] if flask else []),
             "native_driver.py"]
    return "\n".join((here / name).read_text(encoding="utf-8") for name in parts)

