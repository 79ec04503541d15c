"""``mgen generate`` (alias ``new-migration``) and ``mgen plan``.

The arguments become one ``frameworks.base.Options``; the framework is the one whose files the project has
(``frameworks.detect``), or the raw-SQL folder one (``registry.fallback``) when a ``--schema`` / ``--changes``
file is given or none was found; its ``generate`` answers a report, printed here one way for every framework
(its lines, or ``--json``); ``--engine`` picks who answers (``frameworks.engine``), and for a framework with a
native engine the last line says which did (``engine: ...``; ``"engine"`` in the JSON). ``--rollback`` asks
the framework's ``rollback``; ``--quick`` / ``--with-docs`` / ``--with-tests`` / ``--full`` run generate
itself (its ``--json`` report read back), then write the companions (``mgen.companions``). ``plan`` is
``generate --dry-run --json`` read back, so the plan is exactly what generate would write: the same operations,
and the migration files it would write (``would write: PATH (N operations)``).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from dataclasses import fields
from pathlib import Path

from ..errors import MgenError
from ..frameworks.base import Framework
from ..frameworks.records import Options
from ..output import finding_lines, shown_path

_ARGUMENT_OF = {"project": "project_dir", "renames": "rename", "defaults": "default"}  # Options field -> dest


def options_of(args: argparse.Namespace) -> Options:
    """The one options object of generate's arguments (a flag no registered framework adds: its default)."""
    values = {}
    for f in fields(Options):
        dest = _ARGUMENT_OF.get(f.name, f.name)
        if hasattr(args, dest):
            values[f.name] = getattr(args, dest)
    values["project"] = Path(values.get("project") or ".")
    if values.get("format") == "native":
        values["format"] = None
    return Options(**values)


def framework_for(options: Options) -> Framework:
    """The framework that generates for ``options`` (``options.detection`` set when one was detected)."""
    from ..frameworks.registry import fallback, get

    if options.schema or options.changes:
        return fallback()
    from ..frameworks.detect import detect

    options.detection = detect(options.project)
    found = get(options.detection.framework)
    return found if found is not None and found.supports("generate") else fallback()


def cmd_generate(args: argparse.Namespace) -> int:
    if args.rollback:
        return _rollback(args)
    if (args.quick or args.with_docs or args.with_tests or args.full) and not getattr(args, "_inner", False):
        return _generate_with_companions(args)
    from ..frameworks.engine import EngineRefusal, generate

    options = options_of(args)
    framework = framework_for(options)
    try:
        report = generate(framework, options)
    except EngineRefusal as refusal:  # the static refusal, then what the engines did: two lines
        print(f"mgen: {refusal.one_line()}\nmgen: {refusal.engine_line}", file=sys.stderr)
        return 2
    engine = {"engine": report.engine, **({"engine_line": report.engine_line} if framework.supports("native") else {})}
    data = report.to_json() if options.json else None
    if data is not None:
        print(json.dumps({**data, **engine}, indent=2, default=str))
    else:  # (a report with no JSON form, e.g. Alembic's "no changes", is printed as it always was under --json)
        print("\n".join(report.lines() + ([] if options.json else engine_lines(engine))))
    if report.exit_code == 0 and not options.dry_run and _history_written(framework, options):
        from ..workflow import record_baseline

        record_baseline(options.project)  # the migrations now build the models: check's baseline
    return report.exit_code


def _history_written(framework: Framework, options: Options) -> bool:
    """Whether generate wrote into the project's own history (not ``--format`` SQL of a framework project,
    printed or written to another folder)."""
    from ..frameworks.registry import fallback

    return not options.format or type(framework) is type(fallback())


def engine_lines(data: dict) -> list[str]:
    """The line that says which engine answered (from generate's JSON: there only for a framework that has
    more than one engine)."""
    return [f"engine: {data['engine_line']}"] if data.get("engine_line") else []


def _rollback(args: argparse.Namespace) -> int:
    from ..frameworks.detect import detect
    from ..frameworks.registry import fallback, get

    options = options_of(args)
    options.detection = found = detect(options.project)
    framework = get(found.framework) if found.config is not None else None
    if framework is None:
        framework = fallback()
    elif not framework.supports("rollback"):
        raise framework.unsupported("generate --rollback")
    report = framework.rollback(options)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0


def _generate_with_companions(args: argparse.Namespace) -> int:
    """generate with --quick / --with-docs / --with-tests / --full: generate itself (its --json report read
    back), then the guide and the test (``companions``) for what it wrote; the output is the plan's lines
    and the paths, or with --quick the paths alone."""
    from ..companions import companions

    wanted_json = args.json
    args._inner = True
    code, text, data = _generate_report(args)
    if data is None:
        sys.stdout.write(text)
        return code
    rows, findings = plan_rows(data)
    extra: list[Path] = []
    if code == 0 and not args.dry_run:
        try:
            extra = companions(data, Path(args.project_dir), rows, docs=args.with_docs or args.full,
                               tests=args.with_tests or args.full)
        except (MgenError, OSError) as e:  # all the files of one generate, or none: the migration goes too
            _remove_written(data.get("files", []))
            error = e if isinstance(e, MgenError) else MgenError(f"cannot write: {e.strerror}", e.filename)
            raise MgenError(f"{error.message}; the migration written with it was removed: nothing was written",
                            error.file, error.line) from None
    paths = [*data.get("files", []), *map(str, extra)]
    if wanted_json:
        print(json.dumps({**data, "files": paths}, indent=2, default=str))
    elif args.quick:
        print("\n".join(map(shown_path, paths)) if paths else ("nothing written" if rows else "no changes"))
    else:
        print("\n".join(f"{klass:<12} {text}" for klass, text in rows) or "no changes")
        lines = finding_lines(findings) + [f"note: {note}" for note in data.get("notes", [])]
        if paths:
            lines += ["wrote:", *(f"  {shown_path(p)}" for p in paths)]
        lines += engine_lines(data)
        if lines:
            print("\n".join(lines))
    return code


def _remove_written(files: list[str]) -> None:
    """Remove the files a generate run wrote (each is new: no writer overwrites a file)."""
    for name in files:
        with contextlib.suppress(OSError):
            Path(name).unlink()


def _generate_report(args: argparse.Namespace) -> tuple[int, str, dict | None]:
    """generate run with --json, its output captured: (exit code, the text, the report when it is JSON)."""
    args.json = True
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        code = cmd_generate(args)
    text = captured.getvalue()
    return code, text, json.loads(text) if text.lstrip().startswith("{") else None


def cmd_plan(args: argparse.Namespace) -> int:
    """``mgen plan``: generate's judgement without its files - one line per operation on the database
    (``safe`` / ``needs care`` / ``destructive``), then the findings above info."""
    wanted_json = args.json
    args.dry_run = True
    code, text, data = _generate_report(args)
    if code != 0 or data is None:
        # "no changes", then the notes it rests on (plan writes nothing: no "nothing written")
        sys.stdout.write("no changes\n" + text.partition("\n")[2] if text.startswith("no changes") else text)
        return code
    rows, findings = plan_rows(data)
    files = would_write(data)
    if wanted_json:
        print(json.dumps({"operations": [{"safety": k, "description": d} for k, d in rows],
                          "findings": findings, "notes": data.get("notes", []),
                          "would_write": [{"path": p, "operations": n} for p, n in files],
                          **{k: data[k] for k in ("engine", "engine_line") if k in data}}, indent=2))
        return 0
    notes = [f"note: {note}" for note in data.get("notes", [])]
    if not rows and not files:
        print("\n".join(["no changes", *notes, *engine_lines(data)]))
        return 0
    written = [f"would write: {shown_path(p)}" + (f" ({n} operation{'s' if n != 1 else ''})" if n else "")
               for p, n in files]
    print("\n".join([f"{klass:<12} {text}" for klass, text in rows] + finding_lines(findings) + notes + written
                     + engine_lines(data)))
    return 0


def would_write(data: dict) -> list[tuple[str, int | None]]:
    """The migration files a dry run would write (generate's ``migrations``: path -> text), each with the
    number of the framework's operations in it when it is its app's only one (None otherwise): what plan
    shows beside the database operations, so that seven operations in two apps are never read as two."""
    migrations = data.get("migrations") if isinstance(data.get("migrations"), dict) else {}
    previous = data.get("previous") if isinstance(data.get("previous"), dict) else {}
    per_app = data.get("operations") if isinstance(data.get("operations"), dict) else {}
    apps = [(previous.get(path) or {}).get("app") for path in migrations]
    return [(path, len(per_app.get(app, [])) if app is not None and apps.count(app) == 1 else None)
            for path, app in zip(migrations, apps)]


def plan_rows(data: dict) -> tuple[list[tuple[str, str]], list[dict]]:
    """(safety class, description) per operation, and the findings, from any of generate's JSON shapes: a
    framework's own operations with their safety (``safety``, or per-app ``operations`` lines when not
    judged), a zero-downtime series (``steps``), or mgen's operations."""
    if "safety" in data:
        if data["safety"]:
            return [(s["safety"], s["operation"]) for s in data["safety"]], list(data.get("findings", []))
        return [("", line) for lines in data.get("operations", {}).values() for line in lines], []
    if "steps" in data:  # a zero-downtime series: each step's operations, in order
        rows = [(op["safety"], f"[{step['number']}] {op['description']}")
                for step in data["steps"] for op in step["operations"]]
        return rows, [f for step in data["steps"] for f in step["findings"]]
    return [(op["safety"], op["description"]) for op in data.get("operations", [])], list(data.get("findings", []))
