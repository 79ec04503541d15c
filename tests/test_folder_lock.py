"""Two writers at once in one migrations folder never take the same version (issue #15 item 8): eight
processes each write a migration with its own name into the same sequentially numbered folder at the same
moment; every version differs."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

from mgen.formats import NewMigration, list_migrations, write_migrations


def _write(folder: str, name: str, start: multiprocessing.synchronize.Event) -> None:
    start.wait()
    write_migrations(folder, "golang-migrate", [NewMigration(name, [f"CREATE TABLE {name} (id int)"],
                                                             [f"DROP TABLE {name}"], ())], "postgresql")


def test_concurrent_writers_take_distinct_versions(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    write_migrations(folder, "golang-migrate", [NewMigration("init", ["CREATE TABLE t (id int)"], ["DROP TABLE t"],
                                                             ())], "postgresql")
    ctx = multiprocessing.get_context("fork")
    for round_ in range(3):
        start = ctx.Event()
        procs = [ctx.Process(target=_write, args=(str(folder), f"t{round_}_{i}", start)) for i in range(8)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(60)
        assert all(p.exitcode == 0 for p in procs)
    versions = [m.version for m in list_migrations(folder, "golang-migrate")]
    assert len(versions) == 25 and len(set(versions)) == 25, sorted(versions)
