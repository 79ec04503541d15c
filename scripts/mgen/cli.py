"""`mgen`: the command-line contract the skills, the tests and other tools call.

    mgen diff OLD NEW --dialect D [--rename A=B ...] [--db URL] [--json] [--zero-downtime [--backfill ...]]
    mgen verify OLD NEW --dialect D [--db SERVER_URL] [--rename A=B ...] [--json]
    mgen generate [PROJECT_DIR] --dialect D (--schema NEW | --changes FILE) [--migrations DIR]
                  [--format golang-migrate|goose|plain] [--name NAME] [--rename ...] [--verify] [--db URL]
                  [--dry-run] [--json] [--zero-downtime [--backfill T.C=SQL ...] [--batch-size N]]
    mgen generate [PROJECT_DIR] --dialect D --data-migration --backfill T.C=SQL [...] [--batch-size N]
    mgen generate [ALEMBIC_PROJECT] [--models PATH] [--name MESSAGE] [--rename ...] [--verify] [--dry-run] [--raw-sql]
    mgen generate [DJANGO_PROJECT] [--settings MODULE] [--name NAME] [--rename app.Model.a=b ...] [--dry-run]
    mgen new-migration ...   (the same as generate)
    mgen lint PATH... --dialect D [--format text|json|sarif | --json] [--schema SOURCE] [--pg-version V]
                  [--no-transaction] [--db URL]

Exit codes: 0 done; 1 verification failed (verify, generate --verify) or an error finding (lint); 2 bad input (one line on stderr).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .dialects.names import DIALECTS, canonical_name
from .errors import MgenError

if TYPE_CHECKING:
    from .operations import Operation
    from .rules import Finding, TableStats
    from .schema import Schema

# The engine (dialects, differ, rules, sqlglot) is imported where a command needs it, not here: a Django
# project's generate and the quick commands start without it.


# ---------------------------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------------------------
class Plan:
    """A change worked out end to end: operations, SQL both ways, findings."""

    def __init__(self, old: Schema, ops: list[Operation], dialect: str, suggestions: Sequence[str] = (), *,
                 stats: dict[str, TableStats] | None = None, server_version: tuple[int, ...] | None = None):
        from .dialects import get_dialect, render_migration
        from .differ import normalize_for
        from .operations import apply_all
        from .rules import analyze

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
        from .rules import safety_class

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
        from .rules import safety_class

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


class SeriesPlan:
    """A change worked out as a zero-downtime series (``--zero-downtime``): one migration per step."""

    def __init__(self, old: Schema, ops: list[Operation], dialect: str, suggestions: Sequence[str] = (), *,
                 backfills: dict[tuple[str, str], str] | None = None, batch_size: int | None = 1000):
        from .dialects import get_dialect
        from .differ import normalize_for
        from .operations import apply_all
        from .zerodowntime import plan_series, render_series

        old = normalize_for(old, get_dialect(dialect))
        self.old, self.ops, self.dialect = old, ops, dialect
        self.new = apply_all(ops, old)
        self.series = plan_series(ops, old, dialect, backfills=backfills, batch_size=batch_size)
        self.steps = render_series(self.series, old)
        self.suggestions = list(suggestions)

    def migrations(self, base_name: str):
        """The files to write, one per step, named ``{base}_{k}_{step}``."""
        from .formats import NewMigration

        out = []
        total = len(self.steps)
        for r in self.steps:
            header = [f"zero-downtime step {r.number} of {total} ({r.step.phase})"]
            if r.step.requires:
                header.append(f"apply only once {r.step.requires}")
            if not r.transactional:
                header.append("runs outside a transaction: the runner must not wrap it in one")
            header += [op.describe() for op in r.step.ops]
            name = base_name if total == 1 else f"{base_name}_{r.number:02d}_{r.step.name}"
            out.append(NewMigration(name, r.up, r.down, header, r.transactional))
        return out

    def to_dict(self) -> dict:
        from .rules import safety_class

        return {
            "dialect": self.dialect,
            "zero_downtime": True,
            "operations": [op.to_dict() for op in self.ops],
            "steps": [{
                "number": r.number,
                "name": r.step.name,
                "phase": r.step.phase,
                "requires": r.step.requires,
                "transactional": r.transactional,
                "operations": [{**op.to_dict(), "safety": safety_class(i, op, r.findings)}
                               for i, op in enumerate(r.step.ops)],
                "up": r.up,
                "down": r.down,
                "findings": [f.to_dict() for f in r.findings],
            } for r in self.steps],
            "notes": list(self.series.notes),
            "suggestions": self.suggestions,
        }

    def summary_lines(self) -> list[str]:
        from .rules import safety_class

        n, k = len(self.ops), len(self.steps)
        lines = [f"{n} operation{'s' if n != 1 else ''} as a zero-downtime series of "
                 + f"{k} migration{'s' if k != 1 else ''} ({self.dialect}):"]
        for r in self.steps:
            tx = "" if r.transactional else ", outside a transaction"
            lines.append(f"  {r.number}. [{r.step.phase}{tx}] {r.step.name}")
            if r.step.requires:
                lines.append(f"     apply only once {r.step.requires}")
            for i, op in enumerate(r.step.ops):
                lines.append(f"     {safety_class(i, op, r.findings):<12} {op.describe()}")
            for f in r.findings:
                lines.append(f"     {f.severity} {f.rule}: {f.message}")
        for note in self.series.notes:
            lines.append(f"  note: {note}")
        if self.suggestions:
            lines.append("suggestions:")
            lines.extend(f"  {s}" for s in self.suggestions)
        return lines

    def sql_lines(self) -> list[str]:
        lines = []
        for r in self.steps:
            lines.append(f"-- step {r.number}: {r.step.name} (up)")
            lines.append(_sql_block(r.up))
            lines.append(f"-- step {r.number}: {r.step.name} (down)")
            lines.append(_sql_block(r.down))
        return lines


def _backfills(items: Sequence[str], dialect: str) -> dict[tuple[str, str], str]:
    """``--backfill TABLE.COLUMN=SQL``: the value existing rows get, as a canonical expression."""
    from .expressions import canonical

    out: dict[tuple[str, str], str] = {}
    for item in items:
        target, sep, sql = item.partition("=")
        table, dot, column = target.strip().rpartition(".")
        if not sep or not dot or not table or not column or not sql.strip():
            raise MgenError(f"--backfill {item!r}: expected TABLE.COLUMN=SQL, e.g. users.status='active'")
        out[(table, column)] = canonical(sql.strip(), dialect)
    return out


def _batch_size(value: int) -> int | None:
    if value < 0:
        raise MgenError(f"--batch-size {value}: expected a positive number of rows, or 0 for one statement")
    return value or None


def _load(spec: str, dialect: str) -> Schema:
    from .sources import load_schema

    return load_schema(spec, dialect)


def _sql_block(statements: Sequence[str]) -> str:
    return "\n".join(s.rstrip() + ";" for s in statements)


def _add_series_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--zero-downtime", action="store_true",
                   help="risky operations become a series of migrations (expand/contract), each with its own down")
    p.add_argument("--backfill", action="append", default=[], metavar="TABLE.COLUMN=SQL",
                   help="value existing rows get (a NOT NULL column without default; with --data-migration: "
                        "the data to write); repeatable")
    p.add_argument("--batch-size", type=int, default=1000, metavar="N",
                   help="rows per backfill batch, walked by primary key (default 1000; 0: one statement)")


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
    from .dialects import get_dialect
    from .differ import diff

    old, new = _load(args.old, args.dialect), _load(args.new, args.dialect)
    result = diff(old, new, get_dialect(args.dialect), args.rename)
    if args.zero_downtime:
        series = SeriesPlan(old, result.operations, args.dialect, result.suggestions,
                            backfills=_backfills(args.backfill, args.dialect), batch_size=_batch_size(args.batch_size))
        if args.json:
            print(json.dumps(series.to_dict(), indent=None if args.compact else 2))
        elif not series.ops:
            print("no changes")
        else:
            print("\n".join(series.summary_lines() + series.sql_lines()))
        return 0
    if args.backfill:
        raise MgenError("--backfill applies with --zero-downtime (or generate --data-migration)")
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
    if args.rollback:
        return _rollback(args)
    if (args.quick or args.with_docs or args.with_tests or args.full) and not getattr(args, "_inner", False):
        return _generate_with_companions(args)
    project = Path(args.project_dir)
    if args.format == "native":
        args.format = None
    if not (args.schema or args.changes):
        from .frameworks.detect import detect

        detection = detect(project)
        if detection.framework == "django":  # before the engine's imports: a Django project may not need them
            return _generate_django(args, project, detection.dialect)
    from .dialects import get_dialect
    from .differ import diff
    from .formats import canonical_format, detect_format, folder_schema, write_migration

    if args.default:
        raise MgenError("--default (a one-off default) applies to Django projects; elsewhere the schema names "
                        "its defaults")
    if not (args.schema or args.changes) and detection.framework == "alembic":
        return _generate_alembic(args, project)
    if args.dialect is None:
        raise MgenError("--dialect is required here (postgresql, mysql or sqlite)")
    folder = Path(args.migrations) if args.migrations else project / "migrations"
    if not folder.is_absolute() and args.migrations:
        folder = project / folder if not folder.exists() else folder
    detected = detect_format(folder) if folder.exists() else None
    fmt = canonical_format(args.format) if args.format else detected or "golang-migrate"
    if detected and args.format and detected != fmt:
        raise MgenError(f"{folder} holds {detected} migrations, not {args.format}")
    from .schema import Schema

    if args.from_diff and args.schema:  # the schema file as of REF, not the folder's state
        current = _schema_at(project, args.schema, args.from_diff, args.dialect)
    elif args.from_diff:
        raise MgenError("--from-diff goes with --schema (a desired-state file git knows)")
    else:
        current = folder_schema(folder, args.dialect, fmt) if detected else Schema()

    if args.data_migration:
        if args.schema or args.changes:
            raise MgenError("--data-migration writes data only: give --backfill, not --schema or --changes")
        ops, suggestions = _data_operations(args, current), []
        name = args.name or "backfill_" + "_and_".join(f"{op.table}_{op.column}" for op in ops)[:50]
        return _generate_series(args, folder, fmt, current, ops, suggestions, name)
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
    if args.zero_downtime:
        return _generate_series(args, folder, fmt, current, ops, suggestions, name)
    if args.backfill:
        raise MgenError("--backfill applies with --zero-downtime or --data-migration")
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
            print(report.format_text(brief=True))
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


def _generate_alembic(args: argparse.Namespace, project: Path) -> int:
    """generate in an Alembic project: models read statically, the revision chain replayed, a new
    revision revising the head, written only after --verify passes when asked."""
    from .dialects import get_dialect
    from .differ import diff
    from .frameworks.alembic.project import open_project
    from .frameworks.alembic.writer import write_revision

    if args.zero_downtime or (args.backfill and not args.data_migration):
        raise MgenError("--zero-downtime applies to SQL migration folders, not yet to Alembic; --backfill goes "
                        "with --data-migration there")
    alembic = open_project(project, args.dialect, Path(args.models) if args.models else None)
    dialect = alembic.dialect
    if args.from_diff:  # the models as of REF, not the revisions' state
        from .frameworks.drift import base_tree

        with base_tree(project, args.from_diff) as old:
            models = Path(args.models).resolve().relative_to(project.resolve()) if args.models else None
            current, _ = open_project(old, dialect, old / models if models else None).models_schema()
        replay_notes = [(f"--from-diff {args.from_diff}: the change is the models' since then; the revisions "
                         "were not read")]
    else:
        current, replay_notes = alembic.current_schema()
    if args.data_migration:
        # a data-only revision: the batched backfills, as op.execute of mgen's SQL (outside the
        # transaction where the batches commit)
        args.dialect = dialect
        ops = _data_operations(args, current)
        from .differ import DiffResult

        result = DiffResult(ops)
        new, model_notes = current, []
    else:
        new, model_notes = alembic.models_schema()
        if args.format:
            return _framework_sql(args, project, current, new, dialect, replay_notes + model_notes)
        result = diff(current, new, get_dialect(dialect), args.rename)
    if not result.operations:
        print("no changes: nothing written")
        return 0
    plan = Plan(current, result.operations, dialect, result.suggestions)
    verified: bool | None = None
    report = None
    if args.verify:
        from .verify import verify_statements

        report = verify_statements(plan.old, plan.new, plan.up, plan.down, dialect, args.db,
                                   destructive=plan.destructive, operations=plan.ops)
        verified = report.ok
    message = args.name or _auto_name(plan.ops).replace("_", " ")
    written = None
    if verified is not False:
        written = write_revision(alembic.config, plan.ops, plan.old, dialect, message, dry_run=args.dry_run,
                                 raw_sql=args.raw_sql)
    notes = replay_notes + model_notes + ([] if args.data_migration else _drift_notes(project, args))
    if args.json:
        out = plan.to_dict()
        out.update({"framework": "alembic", "files": [str(written)] if isinstance(written, Path) else [],
                    "verified": verified, "notes": notes})
        if report is not None:
            out["verify"] = report.to_dict()
        if args.dry_run and isinstance(written, str):
            out["revision"] = written
        print(json.dumps(out, indent=2, default=str))
        return 1 if verified is False else 0
    print("\n".join(plan.summary_lines()))
    for note in notes:
        print(f"note: {note}")
    if report is not None:
        print(report.format_text(brief=True))
    if isinstance(written, Path):
        print(f"wrote:\n  {written}")
    elif verified is False:
        print("verification failed: nothing written")
    else:
        print("dry run: nothing written")
        print(written)
    return 1 if verified is False else 0


def _generate_django(args: argparse.Namespace, project: Path, detected_dialect: str | None) -> int:
    """generate in a Django project: models and migration history read statically, one migration per
    changed app in ``<app>/migrations/``, checked by replaying it before it stays on disk."""
    from .frameworks.django.writer import generate

    if args.from_diff:
        raise MgenError("--from-diff applies to a --schema file and to Alembic models; a Django project's change is "
                        "its models against its migrations, and a model change committed without its migration is "
                        "reported as drift")
    if args.zero_downtime or args.verify or args.raw_sql or args.models or (args.backfill and not args.data_migration):
        raise MgenError("--zero-downtime, --verify, --raw-sql and --models do not apply to Django projects yet; "
                        "--backfill goes with --data-migration")
    dialect = args.dialect or detected_dialect
    if args.data_migration:
        from .frameworks.django.data import write_data_migration

        if dialect is None:
            raise MgenError("the settings name no database engine mgen knows: give --dialect (the backfill's SQL "
                            "is the database's own)")
        args.dialect = dialect
        result = write_data_migration(project, lambda current: _data_operations(args, current), dialect,
                                      name=args.name, dry_run=args.dry_run, settings=args.settings)
        return _print_django(args, result)
    if args.format:
        from .frameworks.django.project import load_project
        from .frameworks.django.replay import models_state, replay_project
        from .frameworks.django.schema import state_schema

        if dialect is None:
            raise MgenError("the settings name no database engine mgen knows: give --dialect")
        django = load_project(project, args.settings)
        old, new = replay_project(django), models_state(django)
        return _framework_sql(args, project, state_schema(old, dialect), state_schema(new, dialect), dialect,
                              [n.one_line() for n in new.notes])
    name = args.name.replace(" ", "_") if args.name else None
    result = generate(project, name=name, renames=args.rename, dry_run=args.dry_run, settings=args.settings,
                      dialect=dialect, defaults=args.default)
    if result and dialect is None:
        result.notes.append("no safety summary: the settings name no database engine mgen knows (give --dialect)")
    if result:
        result.notes.extend(_drift_notes(project, args))
    return _print_django(args, result)


def _print_django(args: argparse.Namespace, result) -> int:
    files = result.files
    if args.json:
        print(json.dumps({
            "framework": "django",
            "dialect": result.dialect,
            "operations": result.operations,
            "safety": [{"operation": text, "safety": klass} for klass, text in result.safety],
            "findings": [f.to_dict() for f in result.findings],
            "previous": {path: {"app": app, "migration": prev} for path, (app, prev) in result.previous.items()},
            "notes": result.notes,
            "files": [str(p) for p in files] if isinstance(files, list) else [],
            "migrations": {str(p): text for p, text in files.items()} if isinstance(files, dict) else {},
        }, indent=2))
        return 0
    if not result:
        print("no changes: nothing written")
        for note in result.notes:
            print(f"note: {note}")
        return 0
    if result.dialect and result.safety:  # the operations on the database, each with its safety class
        print("\n".join(f"{klass:<12} {text}" for klass, text in result.safety))
    else:
        print("\n".join(line for lines in result.operations.values() for line in lines))
    _print_findings(result.findings)
    for note in result.notes:
        print(f"note: {note}")
    if isinstance(files, dict):
        print("dry run: nothing written")
        for path, text in files.items():
            print(f"--- {path}")
            print(text)
    else:
        print("wrote:")
        print("\n".join(f"  {_shown_path(p)}" for p in files))
    return 0


def _schema_at(project: Path, schema: str, base: str, dialect: str) -> Schema:
    """The desired-state file ``schema`` as git has it at ``base`` (a file new since then: no tables)."""
    from .frameworks.drift import base_tree

    path = Path(schema).resolve()
    with base_tree(project, base, ("*.sql", "*.yaml", "*.yml")) as old:
        try:
            rel = path.relative_to(Path(project).resolve())
        except ValueError:
            raise MgenError("--from-diff: the --schema file must be inside the project folder", schema) from None
        if not (old / rel).exists():
            from .schema import Schema

            return Schema()
        return _load(str(old / rel), dialect)


def _rollback(args: argparse.Namespace) -> int:
    from . import rollback
    from .frameworks.detect import detect

    project = Path(args.project_dir)
    found = detect(project)
    if found.framework == "django" and found.config is not None:
        report = rollback.django(project, args.dialect or found.dialect, args.rollback_app, args.settings)
    elif found.framework == "alembic" and found.config is not None:
        report = rollback.alembic(project, args.dialect)
    else:
        dialect = args.dialect or found.dialect
        if dialect is None:
            raise MgenError("--dialect is required here (postgresql, mysql or sqlite)")
        folder = Path(args.migrations) if args.migrations else project / "migrations"
        report = rollback.sql_folder(folder, dialect, args.format, write=not args.dry_run)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0


def _generate_with_companions(args: argparse.Namespace) -> int:
    """generate with --quick / --with-docs / --with-tests / --full: generate itself (its --json report read
    back), then the guide and the test (``companions``) for what it wrote; the output is the plan's lines
    and the paths, or with --quick the paths alone."""
    from .companions import companions

    wanted_json = args.json
    args._inner = True
    code, text, data = _generate_report(args)
    if data is None:
        sys.stdout.write(text)
        return code
    rows, findings = _plan_rows(data)
    extra: list[Path] = []
    if code == 0 and not args.dry_run:
        extra = companions(data, Path(args.project_dir), rows, docs=args.with_docs or args.full,
                           tests=args.with_tests or args.full)
    paths = [*data.get("files", []), *map(str, extra)]
    if wanted_json:
        print(json.dumps({**data, "files": paths}, indent=2, default=str))
    elif args.quick:
        print("\n".join(map(_shown_path, paths)) if paths else ("nothing written" if rows else "no changes"))
    else:
        print("\n".join(f"{klass:<12} {text}" for klass, text in rows) or "no changes")
        _print_findings(findings)
        for note in data.get("notes", []):
            print(f"note: {note}")
        if paths:
            print("wrote:")
            print("\n".join(f"  {_shown_path(p)}" for p in paths))
    return code


def _generate_report(args: argparse.Namespace) -> tuple[int, str, dict | None]:
    """generate run with --json, its output captured: (exit code, the text, the report when it is JSON)."""
    import contextlib
    import io

    args.json = True
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        code = cmd_generate(args)
    text = captured.getvalue()
    return code, text, json.loads(text) if text.lstrip().startswith("{") else None


def cmd_plan(args: argparse.Namespace) -> int:
    """``mgen plan``: generate's judgement without its files - one line per operation on the database
    (``safe`` / ``needs care`` / ``destructive``), then the findings above info. It is ``generate --dry-run
    --json`` read back, so the plan is exactly what generate would write."""
    wanted_json = args.json
    args.dry_run = True
    code, text, data = _generate_report(args)
    if code != 0 or data is None:
        sys.stdout.write("no changes\n" if text.startswith("no changes") else text)
        return code
    rows, findings = _plan_rows(data)
    if wanted_json:
        print(json.dumps({"operations": [{"safety": k, "description": d} for k, d in rows],
                          "findings": findings, "notes": data.get("notes", [])}, indent=2))
        return 0
    if not rows:
        print("no changes")
        return 0
    print("\n".join(f"{klass:<12} {text}" for klass, text in rows))
    _print_findings(findings)
    return 0


def _plan_rows(data: dict) -> tuple[list[tuple[str, str]], list[dict]]:
    """(safety class, description) per operation, and the findings, from any of generate's JSON shapes."""
    if data.get("framework") == "django":
        if data.get("safety"):
            return [(s["safety"], s["operation"]) for s in data["safety"]], list(data.get("findings", []))
        return [("", line) for lines in data.get("operations", {}).values() for line in lines], []
    if "steps" in data:  # a zero-downtime series: each step's operations, in order
        rows = [(op["safety"], f"[{step['number']}] {op['description']}")
                for step in data["steps"] for op in step["operations"]]
        return rows, [f for step in data["steps"] for f in step["findings"]]
    return [(op["safety"], op["description"]) for op in data.get("operations", [])], list(data.get("findings", []))


def _shown_path(path: Path | str) -> str:
    """A path as printed: relative to the current folder when it is under it (shorter to read)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _print_findings(findings) -> None:
    """The error and warning findings, one line each, and how many info ones there are besides."""
    infos = 0
    for f in findings:
        f = f if isinstance(f, dict) else f.to_dict()
        if f["severity"] in ("error", "warning"):
            print(f"  {f['severity']} {f['rule']}: {f['message']}")
        else:
            infos += 1
    if infos:
        print(f"  ({infos} info finding{'s' if infos != 1 else ''}: --json shows them)")


def _drift_notes(project: Path, args: argparse.Namespace) -> list[str]:
    """The drift at --base, as a note (nothing when there is none, or outside git)."""
    from .frameworks.drift import drift

    found = drift(project, args.base, settings=getattr(args, "settings", None), dialect=args.dialect)
    return [found.summary()] if found is not None and found.lines else []


def _framework_sql(args: argparse.Namespace, project: Path, current: Schema, new: Schema, dialect: str,
                   notes: Sequence[str]) -> int:
    """``--format`` in a framework project: the change from what the framework's migrations build to what
    its models describe, as raw SQL for the dialect: printed, or written as a migration of that format into
    ``--migrations DIR`` (the framework's own folder is left alone)."""
    from .dialects import get_dialect
    from .differ import diff
    from .formats import canonical_format, write_migration

    result = diff(current, new, get_dialect(dialect), args.rename)
    if not result.operations:
        print("no changes: nothing written")
        return 0
    plan = Plan(current, result.operations, dialect, result.suggestions)
    paths: list[Path] = []
    if args.migrations and not args.dry_run:
        name = (args.name or _auto_name(plan.ops)).replace(" ", "_")
        folder = Path(args.migrations)
        paths = write_migration(folder if folder.is_absolute() else project / folder, canonical_format(args.format),
                                name, plan.up, plan.down, dialect, header=[op.describe() for op in plan.ops])
    if args.json:
        out = plan.to_dict()
        out.update({"files": [str(p) for p in paths], "notes": list(notes)})
        print(json.dumps(out, indent=2, default=str))
        return 0
    print("\n".join(plan.summary_lines()))
    for note in notes:
        print(f"note: {note}")
    if paths:
        print("wrote:")
        print("\n".join(f"  {p}" for p in paths))
    else:
        print("-- up")
        print(_sql_block(plan.up))
        print("-- down")
        print(_sql_block(plan.down))
    return 0


def _data_operations(args: argparse.Namespace, current: Schema) -> list[Operation]:
    """``--data-migration``: one batched backfill per ``--backfill``, on columns the folder has."""
    from .operations import Backfill

    values = _backfills(args.backfill, args.dialect)
    if not values:
        raise MgenError("--data-migration needs at least one --backfill TABLE.COLUMN=SQL")
    ops: list[Operation] = []
    for (table, column), value in values.items():
        if not current.has_table(table):
            raise MgenError(f"--backfill {table}.{column}: no table {table!r} in the migrations")
        if not current.table(table).has_column(column):
            raise MgenError(f"--backfill {table}.{column}: table {table!r} has no column {column!r}")
        ops.append(Backfill(table, column, value, batch_size=_batch_size(args.batch_size)))
    return ops


def _generate_series(args: argparse.Namespace, folder: Path, fmt: str, current: Schema, ops: list[Operation],
                     suggestions: Sequence[str], name: str) -> int:
    """generate --zero-downtime / --data-migration: one migration per step, verified as a whole."""
    from .formats import write_migrations

    backfills = {} if args.data_migration else _backfills(args.backfill, args.dialect)
    plan = SeriesPlan(current, ops, args.dialect, suggestions, backfills=backfills,
                      batch_size=_batch_size(args.batch_size))
    verified: bool | None = None
    report = None
    if args.verify:
        from .verify import verify_series

        report = verify_series(plan.series, plan.old, args.db)
        verified = report.ok
    paths: list[Path] = []
    if not args.dry_run and verified is not False:
        paths = write_migrations(folder, fmt, plan.migrations(name), args.dialect)
    if args.json:
        out = plan.to_dict()
        out.update({"format": fmt, "files": [str(p) for p in paths], "verified": verified})
        if report is not None:
            out["verify"] = report.to_dict()
        print(json.dumps(out, indent=2, default=str))
        return 1 if verified is False else 0
    print("\n".join(plan.summary_lines()))
    if report is not None:
        print(report.format_text(brief=True))
    if paths:
        print("wrote:")
        print("\n".join(f"  {p}" for p in paths))
    elif verified is False:
        print("verification failed: nothing written")
    else:
        print("dry run: nothing written")
        print("\n".join(plan.sql_lines()))
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

    alembic = _alembic_project(args.paths)
    django = _django_project(args.paths)
    if django is not None and args.dialect is None:
        from .frameworks.detect import detect

        args.dialect = detect(django).dialect
        if args.dialect is None:
            raise MgenError("the settings name no database engine mgen knows: give --dialect")
    if alembic is None and args.dialect is None:
        raise MgenError("--dialect is required for SQL files (postgresql, mysql or sqlite)")
    server_version = None
    if args.pg_version:
        if args.dialect != "postgresql":
            raise MgenError(f"--pg-version applies to postgresql, not {args.dialect}")
        server_version = _version_tuple(args.pg_version)
    schema = _load(args.schema, args.dialect) if args.schema else None
    stats, live_version = _live_facts(args.db, args.dialect)
    server_version = server_version or live_version  # an explicit --pg-version wins over the server's own
    if alembic is not None:
        from .frameworks.alembic.lint import lint_alembic

        report = lint_alembic(alembic, args.dialect, server_version, stats)
    elif django is not None:
        from .frameworks.django.lint import lint_django

        report = lint_django(django, args.dialect, None, server_version, stats)
    else:
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


def _alembic_project(paths: Sequence[str]) -> Path | None:
    """The project when ``mgen lint`` is given one Alembic project folder (holding alembic.ini)."""
    if len(paths) == 1 and (Path(paths[0]) / "alembic.ini").is_file():
        return Path(paths[0])
    return None


def _django_project(paths: Sequence[str]) -> Path | None:
    """The project when ``mgen lint`` is given one Django project folder (holding manage.py)."""
    if len(paths) == 1 and (Path(paths[0]) / "manage.py").is_file():
        return Path(paths[0])
    return None


def _version_tuple(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        raise MgenError(f"--pg-version {text}: expected a version such as 12 or 15.4") from None


# ---------------------------------------------------------------------------------------------
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
    _add_common(d)
    d.add_argument("--compact", action="store_true", help="with --json: no indentation")
    d.add_argument("--db", metavar="URL", help=_DB_STATS_HELP)
    _add_series_options(d)
    d.set_defaults(func=cmd_diff)

    v = sub.add_parser("verify", help="apply up and down on a scratch database and compare schemas and rows")
    v.add_argument("old")
    v.add_argument("new")
    _add_common(v)
    v.add_argument("--db", metavar="SERVER_URL",
                   help="PostgreSQL/MySQL server to create a scratch database on (default: a temp SQLite file)")
    v.set_defaults(func=cmd_verify)

    helps = {"generate": "write a migration into the project's migrations folder",
             "new-migration": "the same as generate",
             "plan": "what generate would do, one line per operation with its safety class; writes nothing"}
    for name in ("generate", "new-migration", "plan"):
        g = sub.add_parser(name, help=helps[name])
        g.add_argument("project_dir", nargs="?", default=".")
        _add_common(g, dialect_required=False)
        g.add_argument("--migrations", metavar="DIR", help="migrations folder (default PROJECT_DIR/migrations)")
        g.add_argument("--models", metavar="PATH",
                       help="Alembic projects: the SQLAlchemy models module or package (default: what env.py "
                            "imports target_metadata from)")
        g.add_argument("--settings", metavar="MODULE",
                       help="Django projects: the settings module (default: the one manage.py names)")
        g.add_argument("--quick", action="store_true", help="print only the paths written")
        g.add_argument("--from-diff", nargs="?", const="HEAD", metavar="REF",
                       help="the change is what the schema file (--schema) or the Alembic models changed since git REF "
                            "(default HEAD), not the migrations' state: for a history mgen cannot read")
        g.add_argument("--rollback", action="store_true",
                       help="what undoing the last migration does (its down judged, the framework's rollback "
                            "command); a raw-SQL migration without a down gets it written")
        g.add_argument("--rollback-app", metavar="APP", help="Django: the app whose last migration (default: the "
                                                             "newest file written)")
        g.add_argument("--with-docs", action="store_true",
                       help="also write a deployment guide next to the migration (risk, locks, steps, rollback, "
                            "what to monitor)")
        g.add_argument("--with-tests", action="store_true",
                       help="also write a test in the project's idiom that applies and reverses the migration on a "
                            "scratch database")
        g.add_argument("--full", action="store_true", help="--with-docs and --with-tests")
        g.add_argument("--default", action="append", default=[], metavar="app.Model.field=VALUE",
                       help="Django projects: the one-off default for a field added NOT NULL (or made NOT NULL) "
                            "without one, as makemigrations asks for it: a Python literal or timezone.now")
        g.add_argument("--base", metavar="REF", default="HEAD",
                       help="Django/Alembic projects in git: the commit whose models and migrations are checked for "
                            "drift (default HEAD)")
        g.add_argument("--raw-sql", action="store_true",
                       help="Alembic projects: op.execute(mgen's SQL) for what Alembic's op.* cannot express "
                            "(otherwise such a change is refused)")
        g.add_argument("--format", choices=("native", "golang-migrate", "goose", "plain", "sql"), type=str.lower,
                       help="file format: native (the default: a Django or Alembic project's own migration file, or "
                            "what the migrations folder already uses, else golang-migrate); plain (alias sql): "
                            "{version}_{name}/up.sql, down.sql - in a Django or Alembic project, the change as raw SQL")
        g.add_argument("--schema", metavar="NEW", help="desired schema source")
        g.add_argument("--changes", metavar="FILE", help="YAML change list (docs/change-list.md)")
        g.add_argument("--name", help="migration name (default: derived from the operations)")
        g.add_argument("--verify", action="store_true", help="verify up/down on a scratch database before writing")
        g.add_argument("--db", metavar="SERVER_URL", help="server for --verify (default: a temp SQLite file)")
        g.add_argument("--dry-run", action="store_true", help="print, write nothing")
        _add_series_options(g)
        g.add_argument("--data-migration", action="store_true",
                       help="write a data migration: the --backfill values, in keyset batches (no schema change)")
        g.set_defaults(func=cmd_plan if name == "plan" else cmd_generate)

    lint = sub.add_parser("lint", help="safety findings for SQL migration files (exit 1 on an error finding)")
    lint.add_argument("paths", nargs="+", metavar="PATH",
                      help=".sql file, folder of .sql files, migrations folder (golang-migrate, goose, plain), or an "
             "Alembic project folder (its revisions, replayed statically)")
    lint.add_argument("--dialect", type=canonical_name, metavar="{" + ",".join(DIALECTS) + "}",
                      help="dialect the SQL is written in (an Alembic project: default from alembic.ini)")
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
    wanted = _MODULE_COMMANDS.get(command or "")
    if wanted is not None:  # the module's own parsers, for the command being run
        getattr(import_module(f".{wanted[0]}", __package__), wanted[1])(sub)
    for name, (module, _adder, help_text) in _MODULE_COMMANDS.items():
        if wanted is None or module != wanted[0]:  # only the name and help, for `mgen --help`
            sub.add_parser(name, help=help_text)
    return p


# commands defined in modules of their own, each module's parsers added by the function named here, and
# imported only when one of its commands runs (importing them would slow every other command)
_MODULE_COMMANDS = {
    "migrate": ("runner", "add_parser", "apply, roll back or show a raw-SQL migrations folder on a database"),
    "check": ("workflow", "add_parsers", "one line: did any schema file change? (exit 1 when one did)"),
    "status": ("workflow", "add_parsers", "framework, dialect, changed schema files, last migration"),
    "cache": ("workflow", "add_parsers", "show or clear the project cache (.claude/cache/db)"),
}


def main(argv: Sequence[str] | None = None) -> int:
    # A short-lived process that builds many small objects (syntax trees, schema models): the cyclic
    # collector's default threshold makes it walk them over and over (a third of a Django project's read)
    gc.set_threshold(100_000, 50, 100)
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(next((a for a in argv if not a.startswith("-")), None))
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
