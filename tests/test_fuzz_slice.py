"""A derandomized slice of the fuzz bench (``bench/fuzz.py``, issue #15): a fixed set of hostile and malformed
inputs across the five readers, through ``cli.main``; none is an internal error (exit 3), and none that exits
0 prints SQL its database (PostgreSQL, MariaDB, SQLite) refuses. The full bench runs 2,500 inputs."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from conftest import require_server

BENCH = Path(__file__).resolve().parent.parent / "bench" / "fuzz.py"


def _fuzz():
    spec = importlib.util.spec_from_file_location("fuzz_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_bench"] = module  # dataclasses resolve their module's annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def test_fuzz_slice(monkeypatch, tmp_path: Path) -> None:
    require_server("postgresql")
    require_server("mysql")
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "cache"))
    fuzz = _fuzz()
    tally = fuzz.run(examples=120, seed=0)
    summary = tally.summary()
    assert summary["inputs"] == 120
    assert set(summary["per_reader"]) == set(fuzz.READERS)
    assert summary["applied"] > 0  # the judge ran
    assert summary["exit_3"] == 0, tally.problems()
    assert summary["exit_0_refused"] == 0, tally.problems()
