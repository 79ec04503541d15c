"""Prove a migration on a real database: build OLD, fill it, run up, compare, run down, compare.

Everything happens in scratch databases (``db.scratch_database``) that are dropped afterwards:

1. OLD is built from empty and read back (``old_built``); sample rows go in and are snapshotted.
2. up runs; the schema must equal NEW built from empty in a second scratch database, and every row
   must still be there (renames followed; only surviving columns when an operation is destructive).
3. down runs; the schema must equal ``old_built`` and the rows must be back.

A refused statement is a failed check carrying the database's message, never an exception; only an
unreachable server raises (MgenError).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .db import Connection, StatementError, Unit, apply_units, connect, scratch_database
from .dialects import canonical_name, get_dialect, render_migration
from .differ import Renames, diff, parse_renames, renames_of
from .operations import Operation
from .sampledata import Row, comparable, insert_sample_rows, read_rows
from .schema import Schema
from .sources.live import introspect_connection


@dataclass(frozen=True)
class CheckResult:
    """One thing verify checked (a schema equal to NEW, the rows kept, ...), and whether it held."""

    name: str
    ok: bool
    detail: str = ""

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}" + (f": {self.detail}" if self.detail else "")


@dataclass
class VerifyReport:
    dialect: str
    up: list[str]
    down: list[str]
    operations: list[Operation] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(CheckResult(name, ok, detail))
        return ok

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dialect": self.dialect,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "warnings": list(self.warnings),
            "operations": [op.to_dict() for op in self.operations],
            "up": list(self.up),
            "down": list(self.down),
        }

    def format_text(self, brief: bool = False) -> str:
        """Every check, one line each; ``brief``: a passing report as one line (failures stay whole)."""
        if brief and self.ok:
            extra = "".join(f"\nwarn {w}" for w in self.warnings)
            return (f"verify passed on {self.dialect}: {len(self.checks)} checks (up, down, schemas, rows)"
                    + extra)
        lines = [c.line() for c in self.checks] + [f"warn {w}" for w in self.warnings]
        lines.append(f"verify {'passed' if self.ok else 'FAILED'} on {self.dialect}")
        return "\n".join(lines)


def verify(old: Schema, new: Schema, dialect: str, server_url: str | None = None,
           renames: Sequence[str] = (), rows_per_table: int = 5, as_stored: bool = False) -> VerifyReport:
    """Generate the migration OLD -> NEW and prove it (see the module docstring); ``as_stored``: as
    ``differ.diff``'s."""
    d = get_dialect(dialect)
    ops = diff(old, new, d, renames, as_stored=as_stored).operations
    up, down = render_migration(ops, old, d)
    return verify_statements(old, new, up, down, dialect, server_url,
                             destructive=any(op.destructive for op in ops), renames=renames,
                             rows_per_table=rows_per_table, operations=ops)


def verify_series(series, old: Schema, server_url: str | None = None, rows_per_table: int = 5) -> VerifyReport:
    """Prove a zero-downtime series (mgen.zerodowntime.Series) as a whole: every up in order, each
    migration in a transaction of its own unless it cannot run in one, then every down in reverse.
    The rows are followed through the original operations (a rename series keeps the values in the
    new column), so the series must keep exactly the data the one-step migration keeps."""
    from .operations import apply_all
    from .zerodowntime import render_series

    rendered = [r for r in render_series(series, old) if r.up or r.down]
    return verify_statements(
        old, apply_all(series.operations, old),
        [s for r in rendered for s in r.up], [s for r in reversed(rendered) for s in r.down],
        series.dialect, server_url, destructive=any(op.destructive for op in series.operations),
        rows_per_table=rows_per_table, operations=series.operations,
        up_units=[Unit(tuple(r.up), r.transactional) for r in rendered if r.up],
        down_units=[Unit(tuple(r.down), r.transactional) for r in reversed(rendered) if r.down])


def _build_statements(schema: Schema, dialect: str) -> list[str]:
    d = get_dialect(dialect)
    return d.render_ops(diff(Schema(), schema, d).operations, Schema())


def _schema_check(report: VerifyReport, what: str, actual: Schema, expected: Schema, expected_name: str) -> None:
    differences = [op.describe() for op in diff(actual, expected, get_dialect(report.dialect)).operations]
    if differences:
        report.add(f"schema after {what} differs from {expected_name}", False, "; ".join(differences))
    else:
        report.add(f"schema after {what} matches {expected_name}", True)


def _apply(report: VerifyReport, conn: Connection, statements: Sequence[str] | Sequence[Unit], done: str,
           failed: str) -> bool:
    """Run a list of statements (one by one) or of units (each as the migration runner would)."""
    units = [Unit(tuple(statements), False)] if statements and isinstance(statements[0], str) else statements
    try:
        apply_units(conn, units)  # type: ignore[arg-type]
    except StatementError as e:
        return report.add(failed, False, e.message)
    count = sum(len(u.statements) for u in units)  # type: ignore[union-attr]
    return report.add(f"{done} ({count} statements{_in_units(units)})", True)


def _in_units(units) -> str:
    return f" in {len(units)} migrations" if len(units) > 1 else ""


def verify_statements(old: Schema, new: Schema, up: Sequence[str], down: Sequence[str], dialect: str,
                      server_url: str | None = None, destructive: bool = False, renames: Sequence[str] = (),
                      rows_per_table: int = 5, operations: Sequence[Operation] = (),
                      up_units: Sequence[Unit] | None = None, down_units: Sequence[Unit] | None = None
                      ) -> VerifyReport:
    """Prove a given up/down pair takes OLD to NEW and back, keeping the rows.

    ``up``/``down`` are one migration each: on PostgreSQL each runs in one transaction, as the runners
    do. A series of migrations (``--zero-downtime``) passes ``up_units``/``down_units`` instead, one
    unit per migration in the order they run, each transactional or not."""
    dialect = canonical_name(dialect)
    up_units = list(up_units) if up_units is not None else [Unit(tuple(up))]
    down_units = list(down_units) if down_units is not None else [Unit(tuple(down))]
    report = VerifyReport(dialect, list(up), list(down), list(operations))
    # the rows follow the renames the operations perform, or the hints when only SQL was given
    plan = RowPlan(renames_of(operations) if operations else parse_renames(renames, old, new), destructive)
    with scratch_database(dialect, server_url) as old_url, connect(old_url) as conn:
        build = _build_statements(old, dialect)
        if not _apply(report, conn, build, "OLD built from empty", "OLD cannot be built from empty"):
            return report
        old_built = introspect_connection(conn)
        inserted = insert_sample_rows(conn, old_built, dialect, rows_per_table)
        empty = sorted(t for t, rows in inserted.items() if not rows)
        report.warnings.extend(f"table {t}: no sample row could be inserted, its rows are not checked" for t in empty)
        report.add(f"sample rows inserted ({sum(len(r) for r in inserted.values())} rows in "
                   f"{len(inserted) - len(empty)} tables)", True)
        new_built = _built(new, dialect, server_url, report, "NEW")
        if new_built is None:
            return report

        outcome = _step(report, conn, up_units, "up", destructive)
        if outcome != "applied":
            return report if outcome == "failed" else \
                _verify_without_rows(report, old, up_units, down_units, dialect, server_url, old_built, new_built)
        after_up = introspect_connection(conn)
        _schema_check(report, "up", after_up, new_built, "NEW")
        plan.compare(report, conn, "up", old_built, after_up, inserted, forward=True)

        outcome = _step(report, conn, down_units, "down", destructive)
        if outcome != "applied":
            return report if outcome == "failed" else \
                _verify_without_rows(report, old, up_units, down_units, dialect, server_url, old_built, new_built)
        after_down = introspect_connection(conn)
        _schema_check(report, "down", after_down, old_built, "OLD")
        plan.compare(report, conn, "down", old_built, after_up, inserted, forward=False, current=after_down)
    return report


def _built(schema: Schema, dialect: str, server_url: str | None, report: VerifyReport, label: str) -> Schema | None:
    """``schema`` built from empty in a scratch database of its own, as the database reads it back."""
    with scratch_database(dialect, server_url) as url, connect(url) as conn:
        if not _apply(report, conn, _build_statements(schema, dialect), f"{label} built from empty",
                      f"{label} cannot be built from empty"):
            return None
        return introspect_connection(conn)


def _step(report: VerifyReport, conn: Connection, units: Sequence[Unit], step: str, destructive: bool) -> str:
    """Apply ``step``: "applied", "failed", or "without rows" when a destructive change cannot run on
    the sample rows. Such a change may fail on data by its nature (a lossy conversion; a parent table
    the down recreates empty while child rows still point at it): a warning, and the proof goes on
    on a copy without rows."""
    if not destructive:
        return "applied" if _apply(report, conn, units, f"{step} applied", f"{step} failed") else "failed"
    try:
        apply_units(conn, units)
    except StatementError as e:
        report.warnings.append(f"{step} cannot run on the sample rows (destructive change): {e.message}")
        return "without rows"
    report.add(f"{step} applied ({sum(len(u.statements) for u in units)} statements{_in_units(units)})", True)
    return "applied"


def _verify_without_rows(report: VerifyReport, old: Schema, up: Sequence[Unit], down: Sequence[Unit], dialect: str,
                         server_url: str | None, old_built: Schema, new_built: Schema) -> VerifyReport:
    with scratch_database(dialect, server_url) as url, connect(url) as conn:
        if not _apply(report, conn, _build_statements(old, dialect), "OLD built again, without rows",
                      "OLD cannot be built from empty"):
            return report
        if not _apply(report, conn, up, "up applied (no rows)", "up failed (no rows)"):
            return report
        _schema_check(report, "up", introspect_connection(conn), new_built, "NEW")
        if not _apply(report, conn, down, "down applied (no rows)", "down failed (no rows)"):
            return report
        _schema_check(report, "down", introspect_connection(conn), old_built, "OLD")
    return report


class RowPlan:
    """Which snapshot columns are expected where after up (renames followed) and after down."""

    def __init__(self, renames: Renames, destructive: bool):
        self.renames = renames
        self.destructive = destructive

    def _columns(self, old_built: Schema, after_up: Schema, table: str) -> tuple[str | None, dict[str, str], bool]:
        """(table name after up or None, old column -> column after up, limited?)."""
        new_table = self.renames.tables.get(table, table)
        if not after_up.has_table(new_table):
            return None, {}, True
        old_t, new_t = old_built.table(table), after_up.table(new_table)
        mapping: dict[str, str] = {}
        limited = False
        for c in old_t.columns:
            target = self.renames.columns.get((table, c.name), c.name)
            if not new_t.has_column(target):
                limited = True
            elif new_t.column(target).generated not in (None, c.generated):
                # computed from the other columns (compared themselves), by another expression now; a plain
                # column's own values are replaced by the computed ones
                limited = limited or c.generated is None
            elif self.destructive and new_t.column(target).type != c.type:
                limited = True  # a lossy type change may rewrite values
            else:
                mapping[c.name] = target
        return new_table, mapping, limited

    def compare(self, report: VerifyReport, conn: Connection, step: str, old_built: Schema, after_up: Schema,
                inserted: dict[str, list[Row]], forward: bool, current: Schema | None = None) -> None:
        what = "rows kept after up" if forward else "rows back after down"
        problems: list[str] = []
        limited_tables: list[str] = []
        for table, rows in sorted(inserted.items()):
            if not rows:
                continue
            new_table, mapping, limited = self._columns(old_built, after_up, table)
            if limited:
                limited_tables.append(table)
            if new_table is None or not mapping:
                if not self.destructive:
                    problems.append(f"table {table}: its columns are gone after up")
                continue
            if forward:
                read_table, read_columns = after_up.table(new_table), [mapping[c] for c in mapping]
            else:
                assert current is not None
                if not current.has_table(table):
                    problems.append(f"table {table} is missing after down")
                    continue
                read_table, read_columns = current.table(table), list(mapping)
            missing_columns = [c for c in read_columns if not read_table.has_column(c)]
            if missing_columns:
                problems.append(f"table {read_table.name}: columns {', '.join(missing_columns)} missing")
                continue
            now = read_rows(conn, read_table, report.dialect, read_columns)
            problems.extend(_row_differences(read_table.name, list(mapping), read_columns, rows, now))
        if self.destructive and limited_tables and not problems:
            report.add(f"{what} (limited to surviving columns: destructive operations)", True,
                       f"not compared in full: {', '.join(limited_tables)}")
        elif problems:
            report.add(f"{what} failed", False, "; ".join(problems))
        elif not self.destructive and limited_tables:
            report.add(f"{what} failed", False, f"columns lost in {', '.join(limited_tables)}")
        else:
            report.add(what, True)


def _row_key(row: Row, columns: Sequence[str]) -> tuple:
    return tuple(comparable(row[c]) for c in columns)


def _row_differences(table: str, before_columns: Sequence[str], after_columns: Sequence[str],
                     before: list[Row], after: list[Row]) -> list[str]:
    expected = Counter(_row_key(r, before_columns) for r in before)
    actual = Counter(_row_key(r, after_columns) for r in after)
    if expected == actual:
        return []
    missing, extra = expected - actual, actual - expected
    out = []
    if missing:
        example = dict(zip(after_columns, next(iter(missing))))
        out.append(f"table {table}: {sum(missing.values())} of {len(before)} rows missing or changed, "
                   f"e.g. {_show(example)}")
    if extra:
        example = dict(zip(after_columns, next(iter(extra))))
        out.append(f"table {table}: {sum(extra.values())} unexpected rows, e.g. {_show(example)}")
    return out


def _show(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={v!r}" for k, v in row.items()) + "}"
