"""`mgen migrate` when two runs race or one is killed half-way (issue #15 item 5), on the real servers.

- Two runs at once: one holds the lock (PostgreSQL advisory lock, MySQL GET_LOCK, a SQLite lock file) from
  before it reads the ledger, so a data migration is applied once, not once per run.
- A run killed during a migration that runs statement by statement leaves it recorded as started: ``status``
  shows it DIRTY, ``run`` refuses until ``mgen migrate force VERSION [--undone]``, and the killed session's
  lock is gone with it.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import DIALECTS, require_server

from mgen import runner
from mgen.db import connect, scratch_database
from mgen.formats import NewMigration, write_migrations

RUNNER = [sys.executable, "-m", "mgen.runner", "migrate"]
SLOW = {"postgresql": "SELECT pg_sleep({s})", "mysql": "SELECT SLEEP({s})",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT count(*) FROM c"}


def _slow(dialect: str, seconds: float) -> str:
    return SLOW[dialect].format(s=seconds, n=int(seconds * 2_000_000))


def _folder(tmp_path: Path, dialect: str, up: list[str], transactional: bool = True) -> Path:
    folder = tmp_path / "m"
    write_migrations(folder, "goose", [NewMigration("counter", ["CREATE TABLE counter (n INTEGER)"],
                                                    ["DROP TABLE counter"], (), True)], dialect, version="1")
    write_migrations(folder, "goose", [NewMigration("fill", up, ["DELETE FROM counter"], (), transactional)],
                     dialect, version="2")
    return folder


@pytest.mark.parametrize("dialect", DIALECTS)
def test_two_runs_at_once_apply_a_data_migration_once(dialect: str, tmp_path: Path) -> None:
    folder = _folder(tmp_path, dialect, [_slow(dialect, 1), "INSERT INTO counter VALUES (1)"])
    with scratch_database(dialect, require_server(dialect)) as url:
        if dialect == "sqlite":
            Path(url.removeprefix("sqlite:///")).touch()
        results: list[object] = []

        def one_run() -> None:
            try:
                results.append(len(runner.run(folder, url)))
            except Exception as e:  # noqa: BLE001 - the test reports it
                results.append(e)

        threads = [threading.Thread(target=one_run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert sorted(results, key=str) == [0, 2], results  # one applied both, the other found nothing to do
        with connect(url) as conn:
            assert conn.query("SELECT COUNT(*) FROM counter") == [(1,)]


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_a_killed_run_leaves_the_migration_dirty_until_forced(dialect: str, tmp_path: Path) -> None:
    # outside a transaction (goose NO TRANSACTION): the first statement commits before the kill
    folder = _folder(tmp_path, dialect, ["CREATE TABLE half (id INTEGER)", _slow(dialect, 8),
                                         "CREATE TABLE other (id INTEGER)"], transactional=False)
    with scratch_database(dialect, require_server(dialect)) as url:
        proc = subprocess.Popen([*RUNNER, "run", "--db", url, "--migrations", str(folder)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not _has_table(url, "half"):
                time.sleep(0.2)
            assert _has_table(url, "half")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        status = subprocess.run([*RUNNER, "status", "--db", url, "--migrations", str(folder)], capture_output=True,
                                text=True, check=False)
        assert "DIRTY 2_fill (started" in status.stdout and "1 dirty" in status.stdout, status.stdout
        again = subprocess.run([*RUNNER, "run", "--db", url, "--migrations", str(folder)], capture_output=True,
                               text=True, check=False, timeout=120)  # waits for the killed session to end, then reads
        assert again.returncode == 2 and "migration 2_fill is dirty" in again.stderr, again.stderr
        assert "mgen migrate force 2" in again.stderr
        with connect(url) as conn:
            conn.execute("CREATE TABLE other (id INTEGER)")  # finished by hand
        forced = subprocess.run([*RUNNER, "force", "2", "--db", url], capture_output=True, text=True, check=False)
        assert forced.returncode == 0 and "recorded as applied" in forced.stdout, forced.stderr
        assert runner.status(folder, url).pending == [] and not runner.status(folder, url).dirty
        not_dirty = subprocess.run([*RUNNER, "force", "2", "--db", url], capture_output=True, text=True, check=False)
        assert not_dirty.returncode == 2 and "is not dirty" in not_dirty.stderr


def _has_table(url: str, name: str) -> bool:
    with connect(url) as conn:
        if conn.dialect == "postgresql":
            return bool(conn.query("SELECT to_regclass(%s) IS NOT NULL", [name])[0][0])
        return bool(conn.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                               "AND table_name = %s", [name])[0][0])
