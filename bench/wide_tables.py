"""Read time of one wide table (issue #15 item 11: 10,000 SQL columns took 46 s, 5,000 SQLAlchemy columns
65 s, growing with the square of the column count). Times ``mgen diff empty FILE`` in process for a
``.sql`` table and a SQLAlchemy declarative class of 1,000 / 5,000 / 10,000 columns (the tables are the
ones ``tests/test_wide_tables.py`` counts the calls of), after one small read that imports what every
read needs.

    python bench/wide_tables.py [--sizes 1000 5000 10000] [--out OUT.md]
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from mgen import cli


def _tables():
    spec = importlib.util.spec_from_file_location("wide_tables_test", ROOT / "tests" / "test_wide_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRITERS


def read_seconds(path: Path) -> float:
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["diff", "empty", str(path), "--dialect", "postgresql"])
    assert code == 0, path
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--out")
    args = parser.parse_args()
    writers = _tables()
    lines = ["| columns | " + " | ".join(writers) + " |", "|---|" + "---|" * len(writers)]
    with tempfile.TemporaryDirectory() as tmp:
        for kind, (write, name) in writers.items():  # warm: imports, caches
            warm = Path(tmp) / f"warm-{kind}" / name
            warm.parent.mkdir()
            warm.write_text(write(10))
            read_seconds(warm)
        for n in args.sizes:
            row = []
            for kind, (write, name) in writers.items():
                path = Path(tmp) / f"{kind}-{n}" / name
                path.parent.mkdir()
                path.write_text(write(n))
                row.append(f"{read_seconds(path):.2f} s")
            lines.append(f"| {n:,} | " + " | ".join(row) + " |")
            print(lines[-1], flush=True)
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
