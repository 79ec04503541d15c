"""``generate --rollback``: what undoing the project's last migration does, and the down it lacks.

The last migration is what the project's framework says it is (``Framework.rollback``: the newest file of a
raw-SQL folder, the head revision, the newest migration of an app). The schema after it and before it are built the way ``generate`` builds the current one (the
folder's up files folded, the history replayed statically) and diffed from after to before:
those are the operations the down performs, judged like any plan (a down that drops a table is
destructive). Printed with the framework's own rollback command.

A raw-SQL migration whose down is missing or empty gets it written (golang-migrate's ``.down.sql``, plain's
``down.sql``): the SQL of those operations, so every migration has a down. Goose keeps both directions in one
file, which is not rewritten: the down SQL is printed to paste into its ``-- +goose Down`` section.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import MgenError
from .schema import Schema


@dataclass
class RollbackReport:
    migration: str
    command: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    down_sql: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"rollback of {self.migration}: {self.command}"]
        out += [f"{klass:<12} {text}" for klass, text in self.rows] or ["no operation on the database"]
        out += [f"  {f['severity']} {f['rule']}: {f['message']}" for f in self.findings
                if f["severity"] in ("error", "warning")]
        out += [f"note: {n}" for n in self.notes]
        if self.written:
            out += ["wrote:", *[f"  {p}" for p in self.written]]
        return out

    def to_dict(self) -> dict:
        return {"migration": self.migration, "command": self.command,
                "operations": [{"safety": k, "description": d} for k, d in self.rows], "findings": self.findings,
                "down": self.down_sql, "files": [str(p) for p in self.written], "notes": self.notes}


def judge_rollback(after: Schema, before: Schema, dialect: str, report: RollbackReport) -> None:
    from .dialects import get_dialect, render_migration
    from .differ import diff
    from .rules import analyze, safety_class

    ops = diff(after, before, get_dialect(dialect)).operations
    findings = analyze(ops, after, dialect)
    report.rows = [(safety_class(i, op, findings), op.describe()) for i, op in enumerate(ops)]
    report.findings = [f.to_dict() for f in findings]
    report.down_sql = render_migration(ops, after, get_dialect(dialect))[0] if ops else []


# -- raw-SQL folders ---------------------------------------------------------------------------------
def sql_folder(folder: Path, dialect: str, fmt: str | None, *, write: bool) -> RollbackReport:
    from .formats import detect_format, fold_migrations, list_migrations, statements_of

    fmt = fmt or detect_format(folder)
    migrations = list_migrations(folder, fmt) if fmt else []
    if not migrations:
        raise MgenError("no migration to roll back", str(folder))
    before = fold_migrations(migrations[:-1], dialect)
    last = migrations[-1]
    after = fold_migrations([last], dialect, before)
    report = RollbackReport(f"{last.version}_{last.name}", f"mgen migrate rollback --migrations {folder} --db URL")
    judge_rollback(after, before, dialect, report)
    if statements_of(_sql_only(last.down_sql)):
        return report
    if fmt == "goose":
        report.notes.append("its -- +goose Down section is empty: paste the down SQL below into it")
        report.notes.extend(f"{s};" for s in report.down_sql)
        return report
    target = last.paths[1] if len(last.paths) > 1 else (
        last.paths[0].with_name(last.paths[0].name.replace(".up.sql", ".down.sql")) if fmt == "golang-migrate"
        else last.paths[0].with_name("down.sql"))
    if write:
        from .formats import header_lines, render_template

        header = header_lines(dialect, ["down written by mgen generate --rollback"])
        text = render_template("sql_file.sql.j2", header=header, statements=statements_of(report.down_sql))
        target.write_text(text, encoding="utf-8")
        report.written.append(target)
    else:
        report.notes.append(f"{target.name} is missing or empty: generate --rollback without --dry-run writes it")
    return report


def _sql_only(sql: str) -> list[str]:
    return [line for line in sql.splitlines() if line.strip() and not line.strip().startswith("--")]
