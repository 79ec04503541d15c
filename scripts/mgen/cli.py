"""`mgen`: the command-line contract the skills, the tests and other tools call.

    mgen diff OLD NEW --dialect D [--rename A=B ...] [--db URL] [--json]
    mgen verify OLD NEW --dialect D [--db SERVER_URL] [--rename A=B ...] [--json]
    mgen generate [PROJECT_DIR] --dialect D (--schema NEW | --changes FILE) [--migrations DIR]
                  [--format golang-migrate|goose|sql] [--name NAME] [--rename ...] [--verify] [--db URL]
                  [--dry-run] [--json]
    mgen new-migration ...   (the same as generate)
    mgen lint PATH... --dialect D [--format text|json|sarif | --json] [--schema SOURCE] [--pg-version V]
                  [--no-transaction] [--db URL]

Exit codes: 0 done; 1 verification failed (verify, generate --verify) or an error finding (lint); 2 bad input (one line on stderr).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .dialects import DIALECTS, canonical_name, get_dialect, render_migration
from .differ import diff, normalize_for
from .errors import MgenError
from .operations import Operation, apply_all
from .rules import Finding, TableStats, analyze, safety_class
from .schema import Schema


# ---------------------------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------------------------
class Plan:
    """A change worked out end to end: operations, SQL both ways, findings."""

    def __init__(self, old: Schema, ops: list[Operation], dialect: str, suggestions: Sequence[str] = (), *,
                 stats: dict[str, TableStats] | None = None, server_version: tuple[int, ...] | None = None):
        old = normalize_for(old, get_dialect(dialect))
        self.old, self.ops, self.dialect = old, ops, dialect
        self.new = apply_all(ops, old)
        self.up, self.down = render_migration(ops, old, get_dialect(dialect))
        self.findings: list[Finding] = analyze(ops, old, dialect, server_version=server_version, stats=stats)
        self.suggestions = list(suggestions)

    @property
    def destructive(self) -> bool:
        return any(op.destructive for op in self.ops)

    def to_dict(self) -> dict:
        return {
            "dialect": self.dialect,
            "operations": [
                {**op.to_dict(), "safety": safety_class(i, op, self.findings)} for i, op in enumerate(self.ops)
            ],
            "up": self.up,
            "down": self.down,
            "findings": [f.to_dict() for f in self.findings],
            "suggestions": self.suggestions,
        }

    def summary_lines(self) -> list[str]:
        lines = [f"{len(self.ops)} operation{'s' if len(self.ops) != 1 else ''} ({self.dialect}):"]
        for i, op in enumerate(self.ops):
            lines.append(f"  {safety_class(i, op, self.findings):<12} {op.describe()}")
        if self.findings:
            lines.append("findings:")
            for f in self.findings:
                lines.append(f"  {f.severity} {f.rule} [op {f.operation + 1}]: {f.message}")
        if self.suggestions:
            lines.append("suggestions:")
            lines.extend(f"  {s}" for s in self.suggestions)
        return lines


def _load(spec: str, dialect: str) -> Schema:
    from .sources import load_schema

    return load_schema(spec, dialect)


def _sql_block(statements: Sequence[str]) -> str:
    return "\n".join(s.rstrip() + ";" for s in statements)


def _add_common(p: argparse.ArgumentParser, dialect_required: bool = True) -> None:
    p.add_argument("--dialect", required=dialect_required, type=canonical_name, metavar="{" + ",".join(DIALECTS) + "}",
                   help="target database dialect")
    p.add_argument("--rename", action="append", default=[], metavar="A=B",
                   help="treat a drop+add as a rename: TABLE.OLD=NEW (column) or OLD=NEW (table); repeatable")
    p.add_argument("--json", action="store_true", help="print one JSON object")


# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------
def cmd_diff(args: argparse.Namespace) -> int:
    old, new = _load(args.old, args.dialect), _load(args.new, args.dialect)
    result = diff(old, new, get_dialect(args.dialect), args.rename)
    stats, server_version = _live_facts(args.db, args.dialect)
    plan = Plan(old, result.operations, args.dialect, result.suggestions, stats=stats, server_version=server_version)
    if args.json:
        print(json.dumps(plan.to_dict(), indent=None if args.compact else 2))
        return 0
    if not plan.ops:
        print("no changes")
        for s in plan.suggestions:
            print(f"  {s}")
        return 0
    print("\n".join(plan.summary_lines()))
    print("-- up")
    print(_sql_block(plan.up))
    print("-- down")
    print(_sql_block(plan.down))
    return 0


def _live_facts(url: str | None, dialect: str) -> tuple[dict[str, TableStats] | None, tuple[int, ...] | None]:
    """Table statistics and server version of the target database for the rules (``--db``), else None."""
    if not url:
        return None, None
    from .stats import live_facts

    facts = live_facts(url, dialect)
    return facts.stats, facts.server_version


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verify

    old, new = _load(args.old, args.dialect), _load(args.new, args.dialect)
    report = verify(old, new, args.dialect, server_url=args.db, renames=args.rename)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        print(report.format_text())
    return 0 if report.ok else 1


def cmd_generate(args: argparse.Namespace) -> int:
    from .formats import detect_format, folder_schema, write_migration

    project = Path(args.project_dir)
    folder = Path(args.migrations) if args.migrations else project / "migrations"
    if not folder.is_absolute() and args.migrations:
        folder = project / folder if not folder.exists() else folder
    detected = detect_format(folder) if folder.exists() else None
    fmt = args.format or detected or "golang-migrate"
    if detected and args.format and detected != args.format:
        raise MgenError(f"{folder} holds {detected} migrations, not {args.format}")
    current = folder_schema(folder, args.dialect, fmt) if detected else Schema()

    if bool(args.schema) == bool(args.changes):
        raise MgenError("generate needs exactly one of --schema NEW or --changes FILE")
    if args.schema:
        result = diff(current, _load(args.schema, args.dialect), get_dialect(args.dialect), args.rename)
        ops, suggestions = result.operations, result.suggestions
        name = args.name or _auto_name(ops)
    else:
        from .changes import read_change_list

        ops, suggestions = read_change_list(args.changes, current, args.dialect), []
        name = args.name or _auto_name(ops)
    if not ops:
        print("no changes: nothing written")
        return 0
    plan = Plan(current, ops, args.dialect, suggestions)

    verified: bool | None = None
    report = None
    if args.verify:
        from .verify import verify_statements

        report = verify_statements(current, plan.new, plan.up, plan.down, args.dialect, args.db,
                                   destructive=plan.destructive, operations=ops)
        verified = report.ok

    paths: list[Path] = []
    if not args.dry_run and verified is not False:
        header = [f"{op.describe()}" for op in ops]
        paths = write_migration(folder, fmt, name, plan.up, plan.down, args.dialect, header=header)

    if args.json:
        out = plan.to_dict()
        out.update({"format": fmt, "files": [str(p) for p in paths], "verified": verified})
        if report is not None:
            out["verify"] = report.to_dict()
        print(json.dumps(out, indent=2, default=str))
    else:
        print("\n".join(plan.summary_lines()))
        if report is not None:
            print(report.format_text())
        if paths:
            print("wrote:")
            for p in paths:
                print(f"  {p}")
        elif verified is False:
            print("verification failed: nothing written")
        else:
            print("dry run: nothing written")
            print("-- up")
            print(_sql_block(plan.up))
            print("-- down")
            print(_sql_block(plan.down))
    return 1 if verified is False else 0


def _auto_name(ops: Sequence[Operation]) -> str:
    """Django-style automatic name from the first operations."""
    words = []
    for op in ops[:2]:
        target = getattr(op, "column", None)
        target = getattr(target, "name", target)
        words.append("_".join(x for x in (op.kind, op.table, target if isinstance(target, str) else "") if x))
    name = "_and_".join(words)
    if len(ops) > 2:
        name += "_and_more"
    return name[:60] or "change"


def cmd_lint(args: argparse.Namespace) -> int:
    from .lint import lint_paths

    server_version = None
    if args.pg_version:
        if args.dialect != "postgresql":
            raise MgenError(f"--pg-version applies to postgresql, not {args.dialect}")
        server_version = _version_tuple(args.pg_version)
    schema = _load(args.schema, args.dialect) if args.schema else None
    stats, live_version = _live_facts(args.db, args.dialect)
    server_version = server_version or live_version  # an explicit --pg-version wins over the server's own
    report = lint_paths(args.paths, args.dialect, schema, server_version, no_transaction=args.no_transaction,
                        stats=stats)
    fmt = "json" if args.json else args.format
    if fmt == "sarif":
        from .sarif import to_sarif

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


# ---------------------------------------------------------------------------------------------
_DB_STATS_HELP = ("target database, read only for table statistics and the server version: row counts and "
                  "sizes step findings' severity and give lock/rewrite estimates")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mgen", description="Safe, reversible, verified schema migrations.")
    p.add_argument("--version", action="version", version=f"mgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("diff", help="operations and up/down SQL from OLD to NEW")
    d.add_argument("old", help="schema source: SQL file/folder, YAML schema, migrations folder, database URL, or 'empty'")
    d.add_argument("new", help="schema source, as OLD")
    _add_common(d)
    d.add_argument("--compact", action="store_true", help="with --json: no indentation")
    d.add_argument("--db", metavar="URL", help=_DB_STATS_HELP)
    d.set_defaults(func=cmd_diff)

    v = sub.add_parser("verify", help="apply up and down on a scratch database and compare schemas and rows")
    v.add_argument("old")
    v.add_argument("new")
    _add_common(v)
    v.add_argument("--db", metavar="SERVER_URL",
                   help="PostgreSQL/MySQL server to create a scratch database on (default: a temp SQLite file)")
    v.set_defaults(func=cmd_verify)

    for name in ("generate", "new-migration"):
        g = sub.add_parser(name, help="write a migration into the project's migrations folder")
        g.add_argument("project_dir", nargs="?", default=".")
        _add_common(g)
        g.add_argument("--migrations", metavar="DIR", help="migrations folder (default PROJECT_DIR/migrations)")
        g.add_argument("--format", choices=("golang-migrate", "goose", "sql"),
                       help="file format (default: what the folder already uses, else golang-migrate)")
        g.add_argument("--schema", metavar="NEW", help="desired schema source")
        g.add_argument("--changes", metavar="FILE", help="YAML change list (docs/change-list.md)")
        g.add_argument("--name", help="migration name (default: derived from the operations)")
        g.add_argument("--verify", action="store_true", help="verify up/down on a scratch database before writing")
        g.add_argument("--db", metavar="SERVER_URL", help="server for --verify (default: a temp SQLite file)")
        g.add_argument("--dry-run", action="store_true", help="print, write nothing")
        g.set_defaults(func=cmd_generate)

    lint = sub.add_parser("lint", help="safety findings for SQL migration files (exit 1 on an error finding)")
    lint.add_argument("paths", nargs="+", metavar="PATH",
                      help=".sql file, folder of .sql files, or migrations folder (golang-migrate, goose, plain)")
    lint.add_argument("--dialect", required=True, type=canonical_name, metavar="{" + ",".join(DIALECTS) + "}",
                      help="dialect the SQL is written in")
    out = lint.add_mutually_exclusive_group()
    out.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output (default text)")
    out.add_argument("--json", action="store_true", help="the same as --format json")
    lint.add_argument("--schema", metavar="SOURCE",
                      help="schema before the first file (default: empty, unseen tables assumed to exist)")
    lint.add_argument("--pg-version", metavar="V", help="PostgreSQL server version the migrations target (12, 15.4)")
    lint.add_argument("--no-transaction", action="store_true",
                      help="PostgreSQL: the files do not run inside a transaction")
    lint.add_argument("--db", metavar="URL", help=_DB_STATS_HELP)
    lint.set_defaults(func=cmd_lint)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MgenError as e:
        print(f"mgen: {e.one_line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:
        if os.environ.get("MGEN_DEBUG"):
            raise
        print(f"mgen: internal error: {type(e).__name__}: {e} (set MGEN_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
