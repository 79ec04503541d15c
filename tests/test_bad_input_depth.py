"""Input nested deeper than Python's recursion limit is bad input (exit 2, one line), never an internal error
(issue #15 item 10): a 500-deep SQL expression, a 1,000-deep YAML list."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CASES = {
    "deep.sql": "CREATE TABLE t (id int CHECK (" + "(" * 500 + "id > 0" + ")" * 500 + "));\n",
    "deep.yaml": "tables:\n  t:\n    columns:\n      id: " + "[" * 1000 + "]" * 1000 + "\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_deep_input_is_one_line_and_exit_2(name: str, tmp_path: Path) -> None:
    (tmp_path / "empty.sql").write_text("")
    (tmp_path / name).write_text(CASES[name])
    done = subprocess.run([sys.executable, "-m", "mgen.cli", "diff", str(tmp_path / "empty.sql"), str(tmp_path / name),
                           "--dialect", "postgresql"], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "MGEN_CACHE_DIR": str(tmp_path / "c")})
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "nested too deeply" in done.stderr and "Traceback" not in done.stderr
