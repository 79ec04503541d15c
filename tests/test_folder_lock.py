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


def _django_generate(root: str, start: multiprocessing.synchronize.Event, out: multiprocessing.Queue) -> None:
    import contextlib
    import io

    from mgen.cli import main

    start.wait()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        out.put(main(["generate", root, "--engine", "static"]))


def test_two_django_generates_at_once_take_distinct_numbers(tmp_path: Path, monkeypatch) -> None:
    """The project's lock is held from before the history is read until the files are written: the second
    run sees the first one's migration and numbers after it (without it both wrote 0002: two leaves)."""
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "c"))
    root = tmp_path / "site"
    files = {"manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'conf.settings')\n",
             "conf/__init__.py": "", "shop/__init__.py": "", "shop/migrations/__init__.py": "",
             "conf/settings.py": ("INSTALLED_APPS = ['shop']\nDATABASES = {'default': {'ENGINE': "
                                  "'django.db.backends.sqlite3', 'NAME': 'db'}}\n"
                                  "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n"),
             "shop/models.py": "from django.db import models\n\n\nclass Item(models.Model):\n    name = models.TextField()\n"}
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    from mgen.cli import main
    assert main(["generate", str(root), "--engine", "static"]) == 0
    with (root / "shop/models.py").open("a") as f:
        f.write("    note = models.TextField(default='')\n")
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_django_generate, args=(str(root), start, out)) for _ in range(2)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    codes = sorted(out.get(timeout=5) for _ in procs)
    written = sorted(p.name for p in (root / "shop/migrations").glob("0*.py"))
    # the first wrote 0002; the second, after it, found nothing left to do (no second 0002: no two leaves)
    assert codes == [0, 0] and written == ["0001_initial.py", "0002_item_note.py"], (codes, written)
