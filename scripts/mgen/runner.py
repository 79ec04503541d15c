"""`mgen migrate`: a runner for the raw-SQL migration folders mgen reads and writes.

    mgen migrate status   --db URL [--migrations DIR] [--format F] [--table NAME] [--json]
    mgen migrate run      --db URL [--target VERSION] [--dry-run] [--yes] [...]
    mgen migrate rollback --db URL [--steps N] [--dry-run] [--yes] [...]
    mgen migrate create NAME [--migrations DIR] [--format F]
    mgen migrate force VERSION --db URL [--undone]

Design
------
* **The folder** is read by ``mgen.formats`` (``list_migrations``, in version order), so the runner
  knows exactly the formats mgen writes: golang-migrate, goose and plain/Diesel.
* **The ledger** is a table in the target database (``schema_migrations`` unless ``--table``): one row
  per applied migration with its version (text, primary key), name, the sha256 of its up SQL (outer
  blank lines stripped, so a goose file's down section or header may change), when it was applied
  (UTC) and how long it took. It is created on the first ``run``; ``status`` and ``--dry-run`` never
  write. A table of that name with other columns (golang-migrate's own ``schema_migrations``) is
  refused with a hint to pick another name.
* **Statements** are split by ``mgen.statements.split_statements`` (sqlglot's tokenizer for the
  dialect: dollar quotes, ``DO $$`` blocks, trigger bodies; goose ``StatementBegin``/``End`` markers
  are comments around one such statement) and run by ``mgen.db.apply_units``, one ``Unit`` per
  migration. On PostgreSQL a transactional migration and its ledger write (INSERT on run, DELETE on
  rollback, the unit's last statement) commit or roll back together. Where the unit runs statement by
  statement (MySQL, whose DDL commits by itself; SQLite, as ``apply_units`` runs it; a
  non-transactional PostgreSQL migration) the migration is recorded as **started** (``execution_ms``
  -1) before its first statement and as done after its last (golang-migrate's dirty flag): a run
  killed or failed half-way leaves it **dirty**, ``status`` says so, and ``run``/``rollback`` refuse
  until ``mgen migrate force VERSION`` (finished by hand: recorded as applied) or ``force VERSION
  --undone`` (undone by hand: its record removed). A failure names the statement and says which
  earlier statements stay applied.
* **One run at a time** per database and ledger table: ``run``, ``rollback`` and ``force`` hold a lock
  (``runner_lock``: a PostgreSQL advisory lock, MySQL ``GET_LOCK``, a SQLite lock file) from before they
  read the ledger until they are done.
* **Non-transactional migrations**, as each format marks them: goose ``-- +goose NO TRANSACTION``;
  plain/Diesel ``metadata.toml`` with ``run_in_transaction = false``; golang-migrate has no marker but
  sends a file as one query, which PostgreSQL runs outside a transaction when it holds one statement,
  so a golang-migrate file of exactly one statement runs outside one (``CREATE INDEX CONCURRENTLY``).
* **Refusals** (MgenError, exit 2, before anything runs): an applied migration whose up SQL changed
  (checksum), a pending migration older than the newest applied one (out of order), a pending migration
  with an empty up (``create`` writes one to be filled: applied empty, it could be neither edited nor rolled
  back), a pending migration with an error finding (``runner_lint``: the CLI lints the pending migrations
  first; ``--yes`` runs anyway), a rollback of a migration with an empty down and a non-empty up
  ("irreversible"; an empty down of an empty up is a rollback) or of one no longer in the folder.
* **Safety**: every URL shown goes through ``db.redact``. ``target.looks_like_production`` flags a remote
  host, a database name containing prod/production/live, or a target it cannot tell, for the database the
  driver will reach (libpq's environment and service files applied); the CLI then wants ``--yes`` for run
  and rollback (``--dry-run`` changes nothing and needs none).

Not done: no ``BEGIN``/``COMMIT`` inside a migration file is interpreted.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .db import (
    Connection,
    StatementError,
    Unit,
    apply_units,
    connect,
    dialect_of_url,
    quote_identifier,
    redact,
    sqlite_path,
)
from .dialects import get_dialect
from .errors import MgenError
from .formats import FORMATS, Migration, canonical_format, detect_format, list_migrations, write_migration
from .formats.numbering import version_number
from .runner_lock import migration_lock
from .target import looks_like_production

if TYPE_CHECKING:
    from .statements import Statement

DEFAULT_TABLE = "schema_migrations"
STARTED_MS = -1  # execution_ms of a migration started and not finished (dirty)
CREATE_HEADER = "Created by `mgen migrate create`: write the up SQL, and the down SQL that undoes it."
_FAILED_INDEX_RE = re.compile(r"statement (\d+) failed")  # apply_statements' message
_TIMESTAMP_TYPES = {"postgresql": "TIMESTAMP", "mysql": "DATETIME", "sqlite": "TEXT"}
_WHY_NOT_ATOMIC = {
    "mysql": "MySQL commits DDL by itself",
    "sqlite": "SQLite runs a migration statement by statement",
    "postgresql": "it runs outside a transaction",
}


# =============================================================================================
# What a folder holds, what the database has applied
# =============================================================================================
def checksum(sql: str) -> str:
    """sha256 hex of up SQL, outer whitespace stripped (a goose section keeps the file's blank lines)."""
    return hashlib.sha256(sql.strip().encode("utf-8")).hexdigest()


def label(m: Migration) -> str:
    return f"{m.version}_{m.name}"


@dataclass(frozen=True)
class AppliedRecord:
    """One row of the ledger table."""

    version: str
    name: str
    checksum: str
    applied_at: str
    execution_ms: int

    @property
    def dirty(self) -> bool:
        """Started and never finished: a run stopped (killed, or failed) half-way through it."""
        return self.execution_ms == STARTED_MS

    @property
    def number(self) -> int | None:
        """The version as an integer; None for a version no folder format could have written."""
        try:
            return version_number(self.version)
        except MgenError:
            return None

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "name": self.name, "checksum": self.checksum,
                "applied_at": self.applied_at, "execution_ms": self.execution_ms}


class Entry(NamedTuple):
    """A migration of the folder with its state: ``(migration, applied, checksum_mismatch, record)``."""

    migration: Migration
    applied: bool
    checksum_mismatch: bool
    record: AppliedRecord | None


@dataclass(frozen=True)
class Status:
    """Every migration of the folder with its state, and the applied versions the folder lacks."""

    format: str | None
    entries: list[Entry]
    unknown: list[AppliedRecord]
    table: str = DEFAULT_TABLE

    @property
    def pending(self) -> list[Migration]:
        return [e.migration for e in self.entries if not e.applied]

    @property
    def dirty(self) -> list[AppliedRecord]:
        return [r for r in (*(e.record for e in self.entries if e.record), *self.unknown) if r.dirty]

    @property
    def newest_applied(self) -> AppliedRecord | None:
        records = [e.record for e in self.entries if e.record] + self.unknown
        numbered = [r for r in records if r.number is not None]
        return max(numbered, key=lambda r: r.number or 0) if numbered else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "table": self.table,
            "migrations": [{
                "version": e.migration.version,
                "name": e.migration.name,
                "file": str(e.migration.paths[0]),
                "applied": e.applied,
                "dirty": bool(e.record and e.record.dirty),
                "checksum_mismatch": e.checksum_mismatch,
                "applied_at": e.record.applied_at if e.record else None,
                "execution_ms": e.record.execution_ms if e.record else None,
            } for e in self.entries],
            "unknown": [r.to_dict() for r in self.unknown],
            "applied": sum(e.applied for e in self.entries),
            "pending": len(self.pending),
            "dirty": [r.version for r in self.dirty],
        }

    def lines(self) -> list[str]:
        out = []
        for e in self.entries:
            if e.record and e.record.dirty:
                out.append(f"DIRTY {label(e.migration)} (started {e.record.applied_at}, never finished: "
                           f"{_FORCE_HINT.format(version=e.migration.version)})")
            elif e.checksum_mismatch:
                out.append(f"CHANGED {label(e.migration)} (its up SQL differs from the applied one)")
            elif e.record:
                out.append(f"applied {label(e.migration)} ({e.record.applied_at}, {e.record.execution_ms} ms)")
            else:
                out.append(f"pending {label(e.migration)}")
        out.extend(f"missing {r.version}_{r.name} (applied, but not in the folder)" for r in self.unknown)
        applied = sum(e.applied for e in self.entries)
        out.append(f"{applied} applied, {len(self.pending)} pending"
                   + (f", {len(self.unknown)} applied but missing from the folder" if self.unknown else "")
                   + (f", {len(self.dirty)} dirty" if self.dirty else ""))
        return out


class Ledger:
    """The table of applied migrations in one database."""

    COLUMNS = "version, name, checksum, applied_at, execution_ms"

    def __init__(self, conn: Connection, table: str = DEFAULT_TABLE):
        if not table:
            raise MgenError("--table needs a name")
        self.conn = conn
        self.table = table
        self.quoted = quote_identifier(table, conn.dialect)
        self.literal = get_dialect(conn.dialect).literal

    def exists(self) -> bool:
        p = self.conn.placeholder
        if self.conn.dialect == "postgresql":
            rows = self.conn.query(f"SELECT to_regclass({p}) IS NOT NULL", [self.quoted])
        elif self.conn.dialect == "mysql":
            rows = self.conn.query("SELECT COUNT(*) > 0 FROM information_schema.tables "
                                   f"WHERE table_schema = DATABASE() AND table_name = {p}", [self.table])
        else:
            rows = self.conn.query(f"SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = {p}",
                                   [self.table])
        return bool(rows[0][0])

    def create(self) -> None:
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self.quoted} ("
            "version VARCHAR(128) NOT NULL PRIMARY KEY, "
            "name VARCHAR(255) NOT NULL, "
            "checksum CHAR(64) NOT NULL, "
            f"applied_at {_TIMESTAMP_TYPES[self.conn.dialect]} NOT NULL, "
            "execution_ms BIGINT NOT NULL)")

    def records(self) -> list[AppliedRecord]:
        """The applied migrations ([] when the table does not exist yet)."""
        if not self.exists():
            return []
        try:
            rows = self.conn.query(f"SELECT {self.COLUMNS} FROM {self.quoted}")
        except StatementError as e:
            raise MgenError(f"table {self.table} exists but is not a mgen migration table ({e.db_message}); "
                            "choose another one with --table") from None
        return [AppliedRecord(str(v), str(n), str(c).strip(), _timestamp_text(at), int(ms or 0))
                for v, n, c, at, ms in rows]

    def insert_sql(self, m: Migration, ms: int = 0) -> str:
        applied_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        values = ", ".join(self.literal(x) for x in (m.version, m.name, checksum(m.up_sql), applied_at))
        return f"INSERT INTO {self.quoted} ({self.COLUMNS}) VALUES ({values}, {int(ms)})"

    def delete_sql(self, version: str) -> str:
        return f"DELETE FROM {self.quoted} WHERE version = {self.literal(version)}"

    def set_execution_ms_sql(self, version: str, ms: int) -> str:
        return f"UPDATE {self.quoted} SET execution_ms = {int(ms)} WHERE version = {self.literal(version)}"

    def set_execution_ms(self, version: str, ms: int) -> None:
        self.conn.execute(self.set_execution_ms_sql(version, ms))


def _timestamp_text(value: Any) -> str:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)


def _load(folder: str | os.PathLike[str], fmt: str | None) -> tuple[str | None, list[Migration]]:
    path = Path(folder)
    if not path.is_dir():
        raise MgenError("no such migrations folder", str(path))
    fmt_name = canonical_format(fmt) if fmt else detect_format(path)
    return fmt_name, list_migrations(path, fmt_name)


def _status(fmt: str | None, migrations: Sequence[Migration], records: Sequence[AppliedRecord], table: str) -> Status:
    by_number = {r.number: r for r in records if r.number is not None}
    entries = []
    for m in migrations:
        record = by_number.get(m.number)
        entries.append(Entry(m, record is not None, record is not None and record.checksum != checksum(m.up_sql),
                             record))
    known = {m.number for m in migrations}
    unknown = [r for r in records if r.number not in known]
    return Status(fmt, entries, sorted(unknown, key=lambda r: (r.number or 0, r.version)), table)


def status(folder: str | os.PathLike[str], url: str, *, fmt: str | None = None,
           table: str = DEFAULT_TABLE) -> Status:
    """Every migration of ``folder`` with whether ``url`` has applied it and whether its up SQL changed
    since, plus the applied versions the folder does not have. Writes nothing."""
    fmt_name, migrations = _load(folder, fmt)
    with connect(url) as conn:
        return _status(fmt_name, migrations, Ledger(conn, table).records(), table)


def pending(folder: str | os.PathLike[str], url: str, *, fmt: str | None = None,
            table: str = DEFAULT_TABLE) -> list[Migration]:
    """The migrations of ``folder`` that ``url`` has not applied, in version order."""
    return status(folder, url, fmt=fmt, table=table).pending


def _refuse_dirty(dirty: Sequence[AppliedRecord], table: str) -> None:
    """A migration a run started and did not finish: nothing runs until someone says what state it is in."""
    if dirty:
        r = dirty[0]
        raise MgenError(f"migration {r.version}_{r.name} is dirty in {table}: a run stopped during it (killed, or "
                        f"a statement failed after others had run outside a transaction); "
                        f"{_FORCE_HINT.format(version=r.version)}")


def force(url: str, version: str, *, undone: bool = False, table: str = DEFAULT_TABLE) -> str:
    """Resolve a dirty migration: recorded as applied (it was finished by hand) or, ``undone``, its record
    removed (it was undone by hand). What was done, as one line; MgenError when it is not dirty."""
    number = version_number(version)
    with connect(url) as conn, migration_lock(conn, url, table):
        ledger = Ledger(conn, table)
        record = next((r for r in ledger.records() if r.number == number), None)
        if record is None:
            raise MgenError(f"no migration with version {version} is recorded in {table}")
        if not record.dirty:
            raise MgenError(f"migration {record.version}_{record.name} is not dirty in {table}: nothing to force")
        if undone:
            conn.execute(ledger.delete_sql(record.version))
            return f"forced {record.version}_{record.name}: undone, its record removed from {table}"
        ledger.set_execution_ms(record.version, 0)
        return f"forced {record.version}_{record.name}: recorded as applied in {table}"


def _refuse_inconsistent(st: Status) -> None:
    """Changed applied migrations and pending migrations older than the newest applied one."""
    for e in st.entries:
        if e.checksum_mismatch:
            assert e.record is not None
            raise MgenError(f"migration {label(e.migration)} changed after it was applied (checksum "
                            f"{e.record.checksum[:12]} in {st.table}, {checksum(e.migration.up_sql)[:12]} now); "
                            "restore it and put the change in a new migration", str(e.migration.paths[0]))
    newest = st.newest_applied
    if newest is None:
        return
    for m in st.pending:
        if m.number < (newest.number or 0):
            raise MgenError(f"migration {label(m)} is older than the newest applied one ({newest.version}_"
                            f"{newest.name}) and was never applied (out of order); give it a newer version",
                            str(m.paths[0]))


# =============================================================================================
# Running
# =============================================================================================
@dataclass(frozen=True)
class Script:
    """One direction of a migration, as it will run."""

    statements: list[Statement]
    transactional: bool
    path: Path


def is_transactional(m: Migration, fmt: str | None, statements: Sequence[Statement]) -> bool:
    """False when the format marks ``m`` to run outside a transaction (``formats.transactions``; a folder of
    no known format: in one)."""
    from .formats.transactions import in_transaction

    return fmt is None or in_transaction(fmt, m.paths[0], len(statements))


def script_of(m: Migration, fmt: str | None, direction: str, dialect: str) -> Script:
    """The statements of ``m``'s ``direction`` ("up" or "down") and how they run."""
    sql = m.up_sql if direction == "up" else m.down_sql
    from .statements import split_statements  # sqlglot: only when a migration is read

    statements = split_statements(sql, dialect)
    path = m.paths[1] if direction == "down" and len(m.paths) > 1 else m.paths[0]
    return Script(statements, is_transactional(m, fmt, statements), path)


@dataclass(frozen=True)
class AppliedStep:
    """One migration run (or, with ``dry_run``, that would run) in one direction."""

    direction: str  # "up" or "down"
    migration: Migration
    script: Script
    dry_run: bool
    ms: int | None = None

    def line(self) -> str:
        verb = {"up": "apply", "down": "roll back"}[self.direction]
        if self.dry_run:
            n = len(self.script.statements)
            how = "in a transaction" if self.script.transactional else "outside a transaction"
            return f"would {verb} {label(self.migration)} ({n} statement{'s' if n != 1 else ''}, {how})"
        done = {"up": "applied", "down": "rolled back"}[self.direction]
        return f"{done} {label(self.migration)} ({self.ms} ms)"

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.migration.version, "name": self.migration.name, "file": str(self.script.path),
                "statements": len(self.script.statements), "transactional": self.script.transactional,
                "ms": self.ms}


Progress = Callable[[AppliedStep], None]


_FORCE_HINT = ("check what of it is applied, finish or undo it by hand, then `mgen migrate force {version}` "
               "(finished: recorded as applied) or `mgen migrate force {version} --undone` (undone: record removed)")


def _atomic(conn: Connection, script: Script) -> bool:
    """Whether the migration and its ledger write commit or roll back together (PostgreSQL, in a transaction)."""
    return conn.dialect == "postgresql" and script.transactional


def _execute(conn: Connection, ledger: Ledger, m: Migration, script: Script, direction: str,
             record: AppliedRecord | None = None) -> int:
    """Run one direction of ``m`` with its ledger write; the time in ms. Atomic: the write is the unit's last
    statement. Otherwise the record says "started" (``STARTED_MS``) before the first statement, and a failure
    after some statements ran leaves it so (dirty); ``record`` is the applied record a rollback starts from."""
    texts = tuple(s.text for s in script.statements)
    version = m.version
    done = ledger.insert_sql(m) if direction == "up" else ledger.delete_sql(version)
    atomic = _atomic(conn, script)
    if not atomic:
        conn.execute(ledger.insert_sql(m, STARTED_MS) if direction == "up" else
                     ledger.set_execution_ms_sql(version, STARTED_MS))
    started = time.perf_counter()
    try:
        apply_units(conn, [Unit(texts + ((done,) if atomic else ()), script.transactional)])
    except StatementError as e:
        index = _failed_index(e, script)
        if not atomic and index == 1:  # nothing ran: the ledger goes back to what it said
            conn.execute(ledger.delete_sql(version) if direction == "up" else
                         ledger.set_execution_ms_sql(version, record.execution_ms if record else 0))
        raise _failure(e, index, conn.dialect, ledger.table, m, script, direction) from None
    ms = round((time.perf_counter() - started) * 1000)
    if not atomic and direction == "down":
        conn.execute(done)
    return ms


def _failed_index(e: StatementError, script: Script) -> int:
    """Which statement of ``script`` failed, from 1 (0 or beyond the last: the ledger write)."""
    found = _FAILED_INDEX_RE.match(e.message)
    texts = [s.text for s in script.statements]
    return int(found.group(1)) if found else (texts.index(e.statement) + 1 if e.statement in texts else 0)


def _failure(e: StatementError, index: int, dialect: str, table: str, m: Migration, script: Script,
             direction: str) -> MgenError:
    """The one-line error for a refused statement: which, where, and what stays applied or recorded."""
    total = len(script.statements)
    what = "applying" if direction == "up" else "rolling back"
    if not 1 <= index <= total:  # the ledger write itself
        return MgenError(f"{what} {label(m)}: its statements ran but writing {table} failed: {e.db_message}",
                         str(script.path))
    statement = script.statements[index - 1]
    shown = " ".join(statement.text.split())
    shown = shown if len(shown) <= 200 else shown[:197] + "..."
    head = f"{what} {label(m)}: statement {index} of {total} failed: {shown}: {e.db_message}"
    record = "the migration is NOT recorded" if direction == "up" else "it stays recorded as applied"
    if dialect == "postgresql" and script.transactional:
        return MgenError(f"{head}; rolled back, {record}", str(script.path), statement.line)
    if index == 1:
        return MgenError(f"{head}; none of it ran, {record} in {table}", str(script.path), statement.line)
    before = "statement 1" if index == 2 else f"statements 1-{index - 1}"
    return MgenError(f"{head}; {before} of it stayed applied ({_WHY_NOT_ATOMIC[dialect]}); it is recorded as "
                     f"dirty in {table}: {_FORCE_HINT.format(version=m.version)}", str(script.path), statement.line)


def _create_sqlite_file(url: str) -> None:
    """A runner may start from no database at all: create the SQLite file (db.connect only opens one)."""
    path = sqlite_path(url)
    if path != ":memory:" and not os.path.exists(path) and os.path.isdir(os.path.dirname(os.path.abspath(path))):
        Path(path).touch()


def run(folder: str | os.PathLike[str], url: str, *, target: str | None = None, dry_run: bool = False,
        fmt: str | None = None, table: str = DEFAULT_TABLE, progress: Progress | None = None,
        vet: Callable[[Sequence[Migration]], None] | None = None) -> list[AppliedStep]:
    """Apply the pending migrations of ``folder`` to ``url`` in version order (up to and including
    ``target``), each as one unit with its ledger record; ``progress`` is called after each. Refuses
    (MgenError) changed applied migrations, out-of-order pending ones and empty ones (an up without a
    statement: ``create`` writes one to be filled) before running anything; ``vet`` is then given the
    pending migrations (the lint of ``runner_lint``) and may refuse too.
    ``dry_run``: the steps that would run; nothing is written (not even the ledger table)."""
    fmt_name, migrations = _load(folder, fmt)
    limit = None
    if target is not None:
        limit = version_number(target)
        if limit not in {m.number for m in migrations}:
            raise MgenError(f"no migration with version {target} in the folder", str(folder))
    if not dry_run and dialect_of_url(url) == "sqlite":
        _create_sqlite_file(url)
    steps: list[AppliedStep] = []
    with connect(url) as conn, migration_lock(conn, url, table):
        ledger = Ledger(conn, table)
        if not dry_run:
            ledger.create()
        st = _status(fmt_name, migrations, ledger.records(), table)
        _refuse_dirty(st.dirty, table)
        _refuse_inconsistent(st)
        todo = [m for m in st.pending if limit is None or m.number <= limit]
        scripts = [script_of(m, fmt_name, "up", conn.dialect) for m in todo]  # every file read before any runs
        for m, script in zip(todo, scripts):
            if not script.statements:
                raise MgenError(f"migration {label(m)} is empty: its up SQL has no statement (write it, or delete "
                                "it); nothing ran", str(script.path))
        if vet is not None:
            vet(todo)
        for m, script in zip(todo, scripts):
            ms = None
            if not dry_run:
                ms = _execute(conn, ledger, m, script, "up")
                ledger.set_execution_ms(m.version, ms)
            steps.append(AppliedStep("up", m, script, dry_run, ms))
            if progress:
                progress(steps[-1])
    return steps


def rollback(folder: str | os.PathLike[str], url: str, *, steps: int = 1, dry_run: bool = False,
             fmt: str | None = None, table: str = DEFAULT_TABLE, progress: Progress | None = None) -> list[AppliedStep]:
    """Run the down SQL of the ``steps`` newest applied migrations, newest first, deleting each one's
    record with it. Refuses (MgenError, before running anything) a migration with an empty down
    (irreversible) or one the folder no longer has. The checksum is not checked: the down of an
    edited migration is what rolls it back. An empty down of an empty up is a rollback: only the record goes."""
    if steps < 1:
        raise MgenError(f"--steps must be at least 1, not {steps}")
    fmt_name, migrations = _load(folder, fmt)
    by_number = {m.number: m for m in migrations}
    done: list[AppliedStep] = []
    with connect(url) as conn, migration_lock(conn, url, table):
        ledger = Ledger(conn, table)
        every = ledger.records()
        _refuse_dirty([r for r in every if r.dirty], table)
        records = sorted((r for r in every if r.number is not None), key=lambda r: r.number or 0,
                         reverse=True)[:steps]
        plan: list[tuple[AppliedRecord, Migration, Script]] = []
        for record in records:
            m = by_number.get(record.number)
            if m is None:
                raise MgenError(f"applied migration {record.version}_{record.name} is not in the folder; "
                                "cannot roll it back", str(folder))
            script = script_of(m, fmt_name, "down", conn.dialect)
            if not script.statements and script_of(m, fmt_name, "up", conn.dialect).statements:
                raise MgenError(f"migration {label(m)} is irreversible: its down SQL is empty", str(script.path))
            plan.append((record, m, script))
        for record, m, script in plan:
            ms = None if dry_run else _execute(conn, ledger, m, script, "down", record)
            done.append(AppliedStep("down", m, script, dry_run, ms))
            if progress:
                progress(done[-1])
    return done


def create(folder: str | os.PathLike[str], name: str, *, fmt: str | None = None,
           dialect: str | None = None) -> list[Path]:
    """Write an empty up/down pair named ``name`` with the folder's next version; ``fmt`` defaults to
    the folder's format, else golang-migrate (as ``mgen generate``)."""
    fmt_name = canonical_format(fmt) if fmt else (detect_format(folder) or "golang-migrate")
    return write_migration(folder, fmt_name, name, [], [], dialect or "any database", header=[CREATE_HEADER])


# =============================================================================================
# Command line
# =============================================================================================
ACTIONS = ("status", "run", "rollback", "create", "force")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``migrate`` to an argparse subparsers object (``mgen``'s, or the one ``python -m mgen.runner`` builds)."""
    from .frameworks.registry import frameworks

    p = subparsers.add_parser("migrate", help="apply, roll back or show a raw-SQL migrations folder on a database",
                              description="Run golang-migrate, goose or plain migration folders against a database, "
                                          "recording applied migrations in a table of its own.")
    p.add_argument("action", choices=ACTIONS, help="status | run | rollback | create NAME | force VERSION")
    p.add_argument("name", nargs="?", help="create: the new migration's name; force: the dirty migration's version")
    p.add_argument("--undone", action="store_true",
                   help="force: the dirty migration was undone by hand (its record is removed; default: it was "
                        "finished by hand and is recorded as applied)")
    p.add_argument("--migrations", metavar="DIR", help="raw-SQL migrations folder (default migrations)")
    p.add_argument("--project", metavar="DIR", default=".",
                   help="a framework project: its own command is printed and run ("
                        + ", ".join(f.migrate_example for f in frameworks() if f.migrate_example)
                        + ", ...); the default, the current folder, is one when neither --db nor --migrations "
                          "is given")
    p.add_argument("--db", metavar="URL", help="target database URL (required except for create)")
    p.add_argument("--format", choices=("golang-migrate", "goose", "plain", "sql", "diesel"), type=str.lower,
                   help=f"folder format, one of {', '.join(FORMATS)} (default: detected; create in an empty folder: "
                        "golang-migrate)")
    p.add_argument("--target", metavar="VERSION", help="run: stop after this version")
    p.add_argument("--steps", metavar="N", type=int, help="rollback: how many migrations (default 1)")
    p.add_argument("--dry-run", action="store_true", help="run/rollback: show what would run, change nothing")
    p.add_argument("--yes", action="store_true", help="run/rollback on a database that looks like production")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--table", metavar="NAME", default=DEFAULT_TABLE,
                   help=f"table of applied migrations (default {DEFAULT_TABLE})")
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """``mgen migrate ...``: 0 done; MgenError (exit 2 in the caller) for bad input or a failed migration."""
    action = args.action
    if args.migrations is None and (args.db is None or args.project != "."):
        from .frameworks.detect import detect
        from .frameworks.registry import get

        root = Path(args.project).resolve()
        found = detect(root)
        framework = get(found.framework) if found.config is not None else None  # its own files, not a dependency
        if framework is not None and framework.supports("migrate"):
            from .frameworks.commands import migrate

            return migrate(framework, action, root, args.name, dry_run=args.dry_run, yes=args.yes,
                           guard=looks_like_production, dialect=found.dialect)
    args.migrations = args.migrations or "migrations"
    if action == "create":
        if not args.name:
            raise MgenError("migrate create needs a NAME")
        paths = create(args.migrations, args.name, fmt=args.format,
                       dialect=dialect_of_url(args.db) if args.db else None)
        _emit(args, {"created": [str(p) for p in paths]}, [f"created {p}" for p in paths])
        return 0
    if action == "force":
        if not args.name or not args.db:
            raise MgenError("migrate force needs the dirty migration's VERSION and --db URL")
        line = force(args.db, args.name, undone=args.undone, table=args.table)
        _emit(args, {"database": redact(args.db), "forced": args.name, "undone": args.undone}, [line])
        return 0
    if args.undone:
        raise MgenError("--undone applies to migrate force only")
    if args.name:
        raise MgenError(f"migrate {action} takes no NAME (got {args.name!r})")
    if not args.db:
        raise MgenError(f"migrate {action} needs --db URL")
    if args.target is not None and action != "run":
        raise MgenError("--target applies to migrate run only")
    if args.steps is not None and action != "rollback":
        raise MgenError("--steps applies to migrate rollback only")
    database = redact(args.db)
    if action == "status":
        st = status(args.migrations, args.db, fmt=args.format, table=args.table)
        _emit(args, {"database": database, **st.to_dict()}, st.lines())
        return 0
    if not args.dry_run and not args.yes:  # a dry run changes nothing
        reason = looks_like_production(args.db)
        if reason:
            raise MgenError(f"{database} looks like production ({reason}); pass --yes to {action} it anyway")
    show = None if args.json else _print_step
    if action == "run":
        from .runner_lint import vetter

        lint_lines: list[str] = []
        vet = vetter(args.migrations, dialect_of_url(args.db), yes=args.yes,
                     show=lint_lines.extend if args.json else _print_lint)
        steps = run(args.migrations, args.db, target=args.target, dry_run=args.dry_run, fmt=args.format,
                    table=args.table, progress=show, vet=vet)
        idle = "nothing to apply: every migration is applied"
    else:
        steps = rollback(args.migrations, args.db, steps=args.steps or 1, dry_run=args.dry_run, fmt=args.format,
                         table=args.table, progress=show)
        idle = "nothing to roll back: no migration is applied"
    data = {"database": database, "table": args.table, "action": action, "dry_run": args.dry_run,
            "migrations": [s.to_dict() for s in steps], **({"lint": lint_lines} if action == "run" else {})}
    _emit(args, data, [] if steps else [idle])
    return 0


def _print_lint(lines: list[str]) -> None:
    print("lint of the pending migrations:\n" + "\n".join(f"  {line}" for line in lines), flush=True)


def _print_step(step: AppliedStep) -> None:
    print(step.line(), flush=True)


def _emit(args: argparse.Namespace, data: dict[str, Any], lines: Sequence[str]) -> None:
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        for line in lines:
            print(line)


def _standalone(argv: Sequence[str] | None = None) -> int:
    """``python -m mgen.runner migrate ...``: the same as ``mgen migrate ...``."""
    from .cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_standalone())
