"""``python -m mgen.rules.scaffold``: a new rule's module, doc page and test stub (``tests/rules/test_<id>.py``),
red until written and green once it is; bad input refused. Run on a copy of the package so the repository
is never written to."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rulekit import REQUIRED_SECTIONS, ROOT, RULE_TESTS

SCAFFOLD_IMPL = '''
    def check(self, op, ctx):
        from ..operations import AddColumn
        if isinstance(op, AddColumn) and op.column.name == "forbidden":
            return "the column name forbidden is forbidden"
        return None
'''


def _copy_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "scripts" / "mgen", tmp_path / "scripts" / "mgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    return tmp_path


def _python(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Python with the package copy under ``root`` first on the path (ahead of the editable install)."""
    env = {**os.environ, "PYTHONPATH": str(root / "scripts")}
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, check=False)


def _run(root: Path, *args: str, module: str = "mgen.rules.scaffold") -> subprocess.CompletedProcess:
    return _python(root, "-m", module, *args)


def test_scaffold_writes_a_red_rule_that_goes_green_once_written(tmp_path):
    root = _copy_package(tmp_path)
    r = _run(root, "ban-forbidden-name", "--severity", "warning", "--hazard", "blocking lock",
             "--dialect", "postgresql")
    assert r.returncode == 0, r.stderr
    module = root / "scripts" / "mgen" / "rules" / "ban_forbidden_name.py"
    doc = root / "docs" / "rules" / "ban-forbidden-name.md"
    stub = root / "tests" / "rules" / "test_ban_forbidden_name.py"
    assert module.exists() and doc.exists() and stub.exists()
    shutil.copy(RULE_TESTS / "rulekit.py", stub.parent)  # the stub runs on the helpers beside it
    assert "[ban-forbidden-name](ban-forbidden-name.md)" in (root / "docs" / "rules" / "README.md").read_text()
    text = doc.read_text()
    assert text.startswith("# ban-forbidden-name\n") and all(s in text for s in REQUIRED_SECTIONS)
    lint = _run(root, "check", "--config", str(ROOT / "pyproject.toml"), str(module), str(stub), module="ruff")
    assert lint.returncode == 0, lint.stdout
    # the package copy is the one imported, and the new rule is registered
    out = _python(root, "-c", "import mgen.rules as r; print(r.__file__, [x.id for x in r.all_rules()])")
    assert str(root) in out.stdout and "ban-forbidden-name" in out.stdout, out.stdout + out.stderr

    def pytest_stub() -> subprocess.CompletedProcess:
        return _run(root, "-q", "-p", "no:cacheprovider", str(stub), module="pytest")

    red = pytest_stub()
    assert red.returncode == 1 and "NotImplementedError" in red.stdout, red.stdout
    # write the rule and fill in the stub's cases: green
    source = module.read_text()
    start = source.index("    def check(")
    end = source.index("\n\nRULE =")
    module.write_text(source[:start] + SCAFFOLD_IMPL.lstrip("\n").rstrip() + "\n" + source[end:])
    stub.write_text(stub.read_text()
                    .replace("PRIMARY KEY, a INTEGER);\")", "PRIMARY KEY, forbidden INTEGER);\")")
                    .replace('CLEAN = ("CREATE TABLE t (id INTEGER PRIMARY KEY);",\n'
                             '         "CREATE TABLE t (id INTEGER PRIMARY KEY);")',
                             'CLEAN = ("CREATE TABLE t (id INTEGER PRIMARY KEY);",\n'
                             '         "CREATE TABLE t (id INTEGER PRIMARY KEY, fine INTEGER);")'))
    green = pytest_stub()
    assert green.returncode == 0, green.stdout


@pytest.mark.parametrize("args, error", [
    (["drop-table", "--hazard", "data loss"], "already exists"),
    (["Bad_Id", "--hazard", "data loss"], "kebab-case"),
    (["new-rule"], "at least one --hazard"),
    (["new-rule", "--hazard", "slowness"], "hazard 'slowness'"),
    (["new-rule", "--hazard", "data loss", "--dialect", "oracle"], "dialect 'oracle'"),
])
def test_scaffold_refuses_bad_input(tmp_path, args, error):
    root = _copy_package(tmp_path)
    before = sorted(p.name for p in (root / "scripts" / "mgen" / "rules").iterdir())
    r = _run(root, *args)
    assert r.returncode == 2 and error in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (root / "scripts" / "mgen" / "rules").iterdir()) == before
    assert not (root / "tests").exists()
