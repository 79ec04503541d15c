"""The ``mgen`` command line: every command's arguments (a framework adds the ``generate`` flags only it
reads, ``Framework.generate_arguments``); the commands themselves are the modules beside this one."""
from __future__ import annotations

import argparse
from importlib import import_module
from typing import Any

from .. import __version__
from ..dialects.names import DIALECTS, canonical_name


def _command(module: str, name: str):
    """The command ``commands.<module>.<name>``, imported when it runs (not when the parser is built: the
    quick commands never load the others)."""
    def run(args: argparse.Namespace) -> int:
        return getattr(import_module(f"mgen.commands.{module}"), name)(args)
    return run


cmd_diff, cmd_verify = _command("diff", "cmd_diff"), _command("diff", "cmd_verify")
cmd_generate, cmd_plan = _command("generate", "cmd_generate"), _command("generate", "cmd_plan")
cmd_lint = _command("lint", "cmd_lint")


def add_series_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--zero-downtime", action="store_true",
                   help="risky operations become a series of migrations (expand/contract), each with its own down")
    p.add_argument("--backfill", action="append", default=[], metavar="TABLE.COLUMN=SQL",
                   help="value existing rows get (a NOT NULL column without default; with --data-migration: "
                        "the data to write); repeatable")
    p.add_argument("--batch-size", type=int, default=1000, metavar="N",
                   help="rows per backfill batch, walked by primary key (default 1000; 0: one statement)")


def add_common(p: argparse.ArgumentParser, dialect_required: bool = True) -> None:
    p.add_argument("--dialect", required=dialect_required, type=canonical_name, metavar="{" + ",".join(DIALECTS) + "}",
                   help="target database dialect")
    p.add_argument("--rename", action="append", default=[], metavar="A=B",
                   help="treat a drop+add as a rename: TABLE.OLD=NEW (column) or OLD=NEW (table); repeatable")
    p.add_argument("--json", action="store_true", help="print one JSON object")



_DB_STATS_HELP = ("target database, read only for table statistics and the server version: row counts and "
                  "sizes step findings' severity and give lock/rewrite estimates")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``command``: the subcommand about to run (a module command's parser is built only
    then)."""
    p = argparse.ArgumentParser(prog="mgen", description="Safe, reversible, verified schema migrations.")
    p.add_argument("--version", action="version", version=f"mgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("diff", help="operations and up/down SQL from OLD to NEW")
    d.add_argument("old", help="schema source: SQL file/folder, YAML schema, migrations folder, database URL, or 'empty'")
    d.add_argument("new", help="schema source, as OLD")
    add_common(d)
    d.add_argument("--compact", action="store_true", help="with --json: no indentation")
    d.add_argument("--db", metavar="URL", help=_DB_STATS_HELP)
    add_series_options(d)
    d.set_defaults(func=cmd_diff)

    v = sub.add_parser("verify", help="apply up and down on a scratch database and compare schemas and rows")
    v.add_argument("old")
    v.add_argument("new")
    add_common(v)
    v.add_argument("--db", metavar="SERVER_URL",
                   help="PostgreSQL/MySQL server to create a scratch database on (default: a temp SQLite file)")
    v.set_defaults(func=cmd_verify)

    helps = {"generate": "write a migration into the project's migrations folder",
             "new-migration": "the same as generate",
             "plan": "what generate would do, one line per operation with its safety class; writes nothing"}
    for name in ("generate", "new-migration", "plan"):
        g = sub.add_parser(name, help=helps[name])
        g.add_argument("project_dir", nargs="?", default=".")
        add_common(g, dialect_required=False)
        g.add_argument("--migrations", metavar="DIR", help="migrations folder (default PROJECT_DIR/migrations)")
        g.add_argument("--quick", action="store_true", help="print only the paths written")
        g.add_argument("--from-diff", nargs="?", const="HEAD", metavar="REF",
                       help="the change is what the schema file (--schema) or the framework's models changed since git REF "
                            "(default HEAD), not the migrations' state: for a history mgen cannot read")
        g.add_argument("--rollback", action="store_true",
                       help="what undoing the last migration does (its down judged, the framework's rollback "
                            "command); a raw-SQL migration without a down gets it written")
        g.add_argument("--with-docs", action="store_true",
                       help="also write a deployment guide next to the migration (risk, locks, steps, rollback, "
                            "what to monitor)")
        g.add_argument("--with-tests", action="store_true",
                       help="also write a test in the project's idiom that applies and reverses the migration on a "
                            "scratch database")
        g.add_argument("--full", action="store_true", help="--with-docs and --with-tests")
        g.add_argument("--base", metavar="REF", default="HEAD",
                       help="framework projects in git: the commit whose models and migrations are checked for "
                            "drift (default HEAD)")
        g.add_argument("--format", choices=("native", "golang-migrate", "goose", "plain", "sql"), type=str.lower,
                       help="file format: native (the default: the framework's own migration file, or what the "
                            "migrations folder already uses, else golang-migrate); plain (alias sql): "
                            "{version}_{name}/up.sql, down.sql - in a framework project, the change as raw SQL")
        g.add_argument("--schema", metavar="NEW", help="desired schema source")
        g.add_argument("--changes", metavar="FILE", help="YAML change list (docs/change-list.md)")
        g.add_argument("--name", help="migration name (default: derived from the operations)")
        g.add_argument("--verify", action="store_true", help="verify up/down on a scratch database before writing")
        g.add_argument("--db", metavar="SERVER_URL", help="server for --verify (default: a temp SQLite file)")
        g.add_argument("--dry-run", action="store_true", help="print, write nothing")
        g.add_argument("--engine", choices=("auto", "static", "native"), default="auto", type=str.lower,
                       help="who works out the migration: static (mgen reads the source; never runs the project's "
                            "code), native (the framework's own tool through the project's interpreter, in a "
                            "subprocess), auto (the default: static, and native where static refuses)")
        g.add_argument("--python", metavar="PATH",
                       help="the project's interpreter for the native engine (default: the project's virtualenv)")
        add_series_options(g)
        for flags, kwargs in _framework_arguments() if command in ("generate", "new-migration", "plan") else ():
            g.add_argument(*flags, **kwargs)
        g.add_argument("--data-migration", action="store_true",
                       help="write a data migration: the --backfill values, in keyset batches (no schema change)")
        g.set_defaults(func=cmd_plan if name == "plan" else cmd_generate)

    lint = sub.add_parser("lint", help="safety findings for SQL migration files (exit 1 on an error finding)")
    lint.add_argument("paths", nargs="+", metavar="PATH",
                      help=".sql file, folder of .sql files, migrations folder (golang-migrate, goose, plain), or a "
                           "framework project folder (its history, replayed statically)")
    lint.add_argument("--dialect", type=canonical_name, metavar="{" + ",".join(DIALECTS) + "}",
                      help="dialect the SQL is written in (a framework project: default from its configuration)")
    out = lint.add_mutually_exclusive_group()
    out.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output (default text)")
    out.add_argument("--json", action="store_true", help="the same as --format json")
    lint.add_argument("--schema", metavar="SOURCE",
                      help="schema before the first file (default: empty, unseen tables assumed to exist)")
    lint.add_argument("--pg-version", metavar="V", help="PostgreSQL server version the migrations target (12, 15.4)")
    tx = lint.add_mutually_exclusive_group()
    tx.add_argument("--no-transaction", action="store_true",
                    help="PostgreSQL: no file runs inside a transaction")
    tx.add_argument("--transaction", action="store_true",
                    help="PostgreSQL: each file runs inside a transaction (default: as its format's runner runs it; "
                         "a file of no known format: outside one)")
    lint.add_argument("--db", metavar="URL", help=_DB_STATS_HELP)
    lint.set_defaults(func=cmd_lint)
    wanted = MODULE_COMMANDS.get(command or "")
    if wanted is not None:  # the module's own parsers, for the command being run
        getattr(import_module(f"mgen.{wanted[0]}"), wanted[1])(sub)
    for name, (module, _adder, help_text) in MODULE_COMMANDS.items():
        if wanted is None or module != wanted[0]:  # only the name and help, for `mgen --help`
            sub.add_parser(name, help=help_text)
    return p


# commands defined in modules of their own, each module's parsers added by the function named here, and
# imported only when one of its commands runs (importing them would slow every other command)
MODULE_COMMANDS = {
    "migrate": ("runner", "add_parser", "apply, roll back or show a raw-SQL migrations folder on a database"),
    "check": ("workflow", "add_parsers", "one line: did any schema file change? (exit 1 when one did)"),
    "status": ("workflow", "add_parsers", "framework, dialect, changed schema files, last migration"),
    "cache": ("workflow", "add_parsers", "show or clear the project cache (.claude/cache/db)"),
}


def _framework_arguments() -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The generate flags the registered frameworks read, each once (the first framework to name it wins)."""
    from ..frameworks.registry import frameworks

    seen: set[str] = set()
    out = []
    for framework in frameworks():
        for flags, kwargs in framework.generate_arguments:
            if flags[0] not in seen:
                seen.add(flags[0])
                out.append((flags, kwargs))
    return out
