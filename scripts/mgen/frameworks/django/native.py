"""The native engine for Django: the migrations Django's own ``makemigrations`` makes, run through the project's
interpreter in a subprocess (``frameworks.native``), never in mgen's process.

``native_generate(options)`` runs ``python manage.py makemigrations --noinput -v 3 [--dry-run] [--name N]
[--settings S]`` in the project folder through ``native_driver`` (which takes each migration from Django's
``MigrationWriter``), so a dry run shows the exact files Django would write, and a real run has Django write
them itself (its header, its formatters). ``--rename`` / ``--default`` answer the questions Django would ask.
The answer is the project's as a whole: every app Django finds changes in.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ..native import FAILED, NativeError, interpreter, run_driver
from ..records import Options
from .report import DjangoReport

TOOL = "Django makemigrations"


class NativeDjangoReport(DjangoReport):
    """A Django report whose migrations Django itself made: the same fields, the states named for what read them."""

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["states"] = {"current": "Django's migration loader", "desired": "Django's models (the project imported)"}
        return data


def native_generate(options: Options) -> DjangoReport:
    """Django's own migrations for the project (written by Django unless ``options.dry_run``)."""
    from .autodetect import QuestionerAnswers
    from .writer import GenerateResult

    if options.format or options.data_migration:
        raise MgenError("--format and --data-migration are mgen's own writers: they go with --engine static")
    QuestionerAnswers.parse(options.renames).parse_defaults(options.defaults)  # a malformed hint: one line
    root = options.project.resolve()
    if not (root / "manage.py").is_file():
        raise NativeError(f"no manage.py in {root}")
    python = interpreter(root, options.python)
    args = ["makemigrations", "--noinput", "-v", "3"]
    if options.dry_run:
        args.append("--dry-run")
    if options.name:
        args += ["--name", options.name.replace(" ", "_")]
    if options.settings:
        args += ["--settings", options.settings]
    args += options.apps
    data = run_driver(python, _driver(), args, root, TOOL, env=_hint_env(options))
    result = GenerateResult(dialect=None)
    texts: dict[Path, str] = {}
    for migration in data.get("migrations", []):
        path, app = Path(migration["path"]), migration["app"]
        texts[path] = migration["text"]
        result.operations.setdefault(app, []).extend(migration["operations"])
        previous = next((d[1] for d in migration["dependencies"] if d[0] == app and d[1] != "__first__"), None)
        result.previous[str(path)] = (app, previous)
    result.changed_apps = sorted(result.operations)
    if options.dry_run:
        result.files = texts
    else:
        missing = [p for p in texts if not p.is_file()]
        if missing:
            raise NativeError(f"{TOOL} did not write {missing[0]}", FAILED)
        result.files = list(texts)
    if result:
        result.notes.append(f"Django {data.get('django')}'s own migrations (not judged by mgen's safety rules)")
    report = NativeDjangoReport(result)
    report.engine = "native"
    report.engine_line = f"native ({TOOL} via {python})"
    return report


def _hint_env(options: Options) -> dict[str, str]:
    """The ``--rename`` / ``--default`` hints as the driver reads them (``MGEN_RENAMES``, ``MGEN_DEFAULTS``)."""
    fields, models, defaults = [], [], []
    for hint in options.renames:
        left, _, new = hint.partition("=")
        parts = left.split(".")
        (fields if len(parts) == 3 else models).append([*parts, new])
    for hint in options.defaults:
        left, _, text = hint.partition("=")
        defaults.append([*left.split("."), text.strip()])
    return {"MGEN_RENAMES": json.dumps({"fields": fields, "models": models}), "MGEN_DEFAULTS": json.dumps(defaults)}


def _driver() -> str:
    return (Path(__file__).parent / "native_driver.py").read_text(encoding="utf-8")
