"""``mgen lint``: safety findings for SQL migration files and folders, or for a framework project's history
(``Framework.lint``), as text, JSON or SARIF; exit 1 on an error finding."""
from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import MgenError
from .diff import live_facts, load


def cmd_lint(args: argparse.Namespace) -> int:
    from ..lint import lint_paths

    project, framework, dialect = _framework_project(args.paths)
    args.dialect = args.dialect or dialect
    if framework is None and args.dialect is None:
        raise MgenError("--dialect is required for SQL files (postgresql, mysql or sqlite)")
    server_version = None
    if args.pg_version:
        if args.dialect != "postgresql":
            raise MgenError(f"--pg-version applies to postgresql, not {args.dialect}")
        server_version = _version_tuple(args.pg_version)
    schema = load(args.schema, args.dialect) if args.schema else None
    stats, live_version = live_facts(args.db, args.dialect)
    server_version = server_version or live_version  # an explicit --pg-version wins over the server's own
    if framework is not None and project is not None:
        report = framework.lint(project, args.dialect, server_version, stats)
    else:
        report = lint_paths(args.paths, args.dialect, schema, server_version, no_transaction=args.no_transaction,
                            transaction=args.transaction, stats=stats)
    fmt = "json" if args.json else args.format
    if fmt == "sarif":
        from ..sarif import to_sarif

        print(json.dumps(to_sarif(report), indent=2))
    elif fmt == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.format_text())
    return report.exit_code


def _version_tuple(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        raise MgenError(f"--pg-version {text}: expected a version such as 12 or 15.4") from None


def _framework_project(paths: Sequence[str]):
    """(the project folder, its framework, the dialect its configuration names) when ``mgen lint`` is given one folder that a framework with a
    linter detects by its own files; (None, None, None) otherwise."""
    if len(paths) != 1 or not Path(paths[0]).is_dir():
        return None, None, None
    from ..frameworks.detect import detect
    from ..frameworks.registry import get

    found = detect(Path(paths[0]))
    framework = get(found.framework) if found.by_files else None
    if framework is None or not framework.supports("lint"):
        return None, None, None
    return Path(paths[0]), framework, found.dialect
