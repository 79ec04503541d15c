"""Rules batch 1 (data loss, types, renames, defaults, enums, dialect rebuilds) through the real pipeline.

Each case is OLD SQL and NEW SQL for one dialect, read with ``read_sql_text``, diffed with
``differ.diff`` and analyzed with ``rules.analyze`` exactly as ``mgen diff`` does; the case names the
rule that must be flagged (with its severity) or must not be.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mgen.cli import main
from mgen.dialects import get_dialect
from mgen.differ import diff, normalize_for
from mgen.rules import HAZARDS, SEVERITIES, TableStats, all_rules, analyze
from mgen.sources.sql import read_sql_text

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules"

MINE = (
    "drop-table", "drop-column", "lossy-type-change", "drop-enum-value", "add-required-column", "set-not-null",
    "type-change-rewrites-table", "rename-column", "rename-table", "volatile-default", "add-identity-column",
    "enum-value-in-transaction", "mysql-enum-reorder", "mysql-copy-algorithm", "sqlite-table-rebuild",
    "prefer-jsonb",
)


@dataclass
class Case:
    rule: str
    old: str
    new: str
    dialect: str
    severity: str | None  # expected severity; None: the rule must NOT be flagged
    server_version: tuple[int, ...] | None = None
    stats: dict = field(default_factory=dict)  # table -> rows
    renames: tuple[str, ...] = ()
    op: str | None = None  # only findings on operations of this kind count (the diff emits several)

    @property
    def id(self) -> str:
        flag = f"flag-{self.severity}" if self.severity else "clean"
        version = "-v" + ".".join(map(str, self.server_version)) if self.server_version else ""
        return f"{self.rule}-{self.dialect}{version}-{flag}"


T = "CREATE TABLE t (id INTEGER PRIMARY KEY, {});"


def t(cols: str) -> str:
    return T.format(cols)


PG, MY, LITE = "postgresql", "mysql", "sqlite"
PG_ENUM = "CREATE TYPE mood AS ENUM ({}); CREATE TABLE t (id INTEGER PRIMARY KEY, m mood);"

CASES = [
    # --- drop-table
    Case("drop-table", t("a INTEGER") + "CREATE TABLE u (id INTEGER PRIMARY KEY);", t("a INTEGER"), PG, "error"),
    Case("drop-table", t("a INTEGER"), t("a INTEGER") + "CREATE TABLE u (id INTEGER PRIMARY KEY);", PG, None),
    # --- drop-column
    Case("drop-column", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, "error"),
    Case("drop-column", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, None),
    # --- lossy-type-change
    Case("lossy-type-change", t("a VARCHAR(100)"), t("a VARCHAR(10)"), PG, "error"),
    Case("lossy-type-change", t("a VARCHAR(10)"), t("a VARCHAR(100)"), PG, None),
    # --- drop-enum-value
    Case("drop-enum-value", PG_ENUM.format("'a', 'b'"), PG_ENUM.format("'a'"), PG, "warning"),
    Case("drop-enum-value", PG_ENUM.format("'a'"), PG_ENUM.format("'a', 'b'"), PG, None),
    # --- add-required-column
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL"), PG, "error"),
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL"), MY, "error"),
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL"), PG, "warning",
         stats={"t": 0}),
    Case("add-required-column", t("a INTEGER"), t("a INTEGER, b INTEGER NOT NULL DEFAULT 0"), PG, None),
    # --- set-not-null
    Case("set-not-null", t("a INTEGER"), t("a INTEGER NOT NULL"), PG, "warning"),
    Case("set-not-null", t("a INTEGER"), t("a INTEGER NOT NULL"), PG, "info", stats={"t": 50}),
    Case("set-not-null", t("a INTEGER NOT NULL"), t("a INTEGER"), PG, None),
    # the PostgreSQL 12+ recipe: a CHECK (a IS NOT NULL) already in place makes SET NOT NULL metadata-only
    Case("set-not-null", t("a INTEGER, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"),
         t("a INTEGER NOT NULL, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"), PG, None, server_version=(12, 0)),
    Case("set-not-null", t("a INTEGER, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"),
         t("a INTEGER NOT NULL, CONSTRAINT t_a_nn CHECK (a IS NOT NULL)"), PG, "warning", server_version=(11, 9)),
    Case("set-not-null", t("a INTEGER, b INTEGER, CONSTRAINT t_b_nn CHECK (b IS NOT NULL)"),
         t("a INTEGER NOT NULL, b INTEGER, CONSTRAINT t_b_nn CHECK (b IS NOT NULL)"), PG, "warning"),
    # --- type-change-rewrites-table
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "error"),
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "warning", stats={"t": 500}),
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "error", stats={"t": 5_000_000}),
    Case("type-change-rewrites-table", t("a VARCHAR(10)"), t("a VARCHAR(20)"), PG, None),
    Case("type-change-rewrites-table", t("a VARCHAR(10)"), t("a TEXT"), PG, None),
    Case("type-change-rewrites-table", t("a NUMERIC(10,2)"), t("a NUMERIC(14,2)"), PG, None),
    Case("type-change-rewrites-table", t("a NUMERIC(10,2)"), t("a NUMERIC(14,4)"), PG, "error"),
    Case("type-change-rewrites-table", t("a VARCHAR(10)"), t("a VARCHAR(60)"), MY, None),  # 40 -> 240 bytes
    Case("type-change-rewrites-table", t("a VARCHAR(100)"), t("a VARCHAR(500)"), MY, None),  # 400 -> 2000
    Case("type-change-rewrites-table", t("a VARCHAR(60)"), t("a VARCHAR(64)"), MY, "error"),  # 240 -> 256
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), MY, "error"),
    Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), LITE, None),  # sqlite-table-rebuild's
    # --- rename-column / rename-table
    Case("rename-column", t("a INTEGER"), t("b INTEGER"), PG, "warning", renames=("t.a=b",)),
    Case("rename-column", t("a INTEGER"), t("a INTEGER, b INTEGER"), PG, None),
    Case("rename-table", "CREATE TABLE t (id INTEGER PRIMARY KEY);", "CREATE TABLE u (id INTEGER PRIMARY KEY);",
         MY, "warning", renames=("t=u",)),
    Case("rename-table", "CREATE TABLE t (id INTEGER PRIMARY KEY);",
         "CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE TABLE u (id INTEGER PRIMARY KEY);", MY, None),
    # --- volatile-default
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, u UUID DEFAULT gen_random_uuid()"), PG, "error"),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, r FLOAT DEFAULT random()"), PG, "warning",
         stats={"t": 10}),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, c TIMESTAMPTZ DEFAULT now()"), PG, None),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, c INTEGER NOT NULL DEFAULT 0"), PG, None,
         server_version=(11, 0)),
    Case("volatile-default", t("a INTEGER"), t("a INTEGER, c INTEGER NOT NULL DEFAULT 0"), PG, "error",
         server_version=(10, 23)),
    Case("volatile-default", "", t("u UUID DEFAULT gen_random_uuid()"), PG, None),  # new table
    # --- add-identity-column
    Case("add-identity-column", "CREATE TABLE t (a INTEGER);", "CREATE TABLE t (a INTEGER, id SERIAL);",
         PG, "error"),
    Case("add-identity-column", "CREATE TABLE t (a INTEGER);",
         "CREATE TABLE t (a INTEGER, id INTEGER GENERATED ALWAYS AS IDENTITY);", PG, "error"),
    Case("add-identity-column", "CREATE TABLE t (a INTEGER);",
         "CREATE TABLE t (a INTEGER, id INTEGER NOT NULL AUTO_INCREMENT, UNIQUE (id));", MY, "error"),
    Case("add-identity-column", "", "CREATE TABLE t (a INTEGER, id SERIAL);", PG, None),
    # --- enum-value-in-transaction
    Case("enum-value-in-transaction", PG_ENUM.format("'a'"), PG_ENUM.format("'a', 'b'"), PG, "warning"),
    Case("enum-value-in-transaction", PG_ENUM.format("'a'"), PG_ENUM.format("'a', 'b'"), PG, "error",
         server_version=(11, 22)),
    Case("enum-value-in-transaction", PG_ENUM.format("'a', 'b'"), PG_ENUM.format("'a'"), PG, None),
    # --- mysql-enum-reorder
    Case("mysql-enum-reorder", t("s ENUM('a','b','c')"), t("s ENUM('a','c')"), MY, "warning"),
    Case("mysql-enum-reorder", t("s ENUM('a','b')"), t("s ENUM('z','a','b')"), MY, "warning"),
    Case("mysql-enum-reorder", t("s ENUM('a','b')"), t("s ENUM('a','b','c')"), MY, None),
    # --- mysql-copy-algorithm
    Case("mysql-copy-algorithm", "CREATE TABLE t (id INTEGER NOT NULL);",
         "CREATE TABLE t (id INTEGER NOT NULL AUTO_INCREMENT, UNIQUE (id));", MY, "warning"),
    Case("mysql-copy-algorithm", "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);",
         "CREATE TABLE t (id INTEGER, a INTEGER);", MY, "warning", op="set_primary_key"),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER NOT NULL"), MY, "info"),
    Case("mysql-copy-algorithm", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, "info", server_version=(8, 0, 28)),
    Case("mysql-copy-algorithm", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, None, server_version=(8, 0, 29)),
    Case("mysql-copy-algorithm", t("a INTEGER, b INTEGER"), t("a INTEGER"), MY, None, server_version=(10, 11, 6)),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, "info", server_version=(10, 2, 44)),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, None, server_version=(10, 3, 0)),
    Case("mysql-copy-algorithm", t("a INTEGER"), t("a INTEGER, b INTEGER"), MY, None),
    # --- sqlite-table-rebuild
    Case("sqlite-table-rebuild", t("a INTEGER"), t("a INTEGER NOT NULL"), LITE, "info"),
    Case("sqlite-table-rebuild", t("a INTEGER"), t("a INTEGER, b INTEGER"), LITE, None),
    # --- prefer-jsonb
    Case("prefer-jsonb", t("a INTEGER"), t("a INTEGER, doc JSON"), PG, "info"),
    Case("prefer-jsonb", "", t("doc JSON"), PG, "info"),
    Case("prefer-jsonb", t("a INTEGER"), t("a INTEGER, doc JSONB"), PG, None),
]


def findings_for(case: Case) -> list:
    ops, findings = run_case(case)
    return [f for f in findings if case.op is None or ops[f.operation].kind == case.op]


def run_case(case: Case) -> tuple[list, list]:
    dialect = get_dialect(case.dialect)
    old = normalize_for(read_sql_text(case.old, case.dialect), dialect)
    new = read_sql_text(case.new, case.dialect)
    ops = diff(old, new, dialect, renames=case.renames).operations
    assert ops, "the case must produce at least one operation"
    stats = {name: TableStats(rows, rows * 100) for name, rows in case.stats.items()} or None
    return ops, analyze(ops, old, case.dialect, server_version=case.server_version, stats=stats)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: Case):
    mine = [f for f in findings_for(case) if f.rule == case.rule]
    if case.severity is None:
        assert not mine, f"{case.rule} must not be flagged: {mine}"
    else:
        assert mine, f"{case.rule} must be flagged"
        assert {f.severity for f in mine} == {case.severity}, mine
        assert all(f.message and f.safe_alternative for f in mine)


def test_cases_cover_every_rule_both_ways():
    for rule in MINE:
        assert any(c.rule == rule and c.severity for c in CASES), f"{rule}: no must-flag case"
        assert any(c.rule == rule and not c.severity for c in CASES), f"{rule}: no must-not-flag case"


def test_my_rules_are_registered_with_valid_metadata():
    registry = {r.id: r for r in all_rules()}
    for rule_id in MINE:
        rule = registry[rule_id]
        assert rule.severity in SEVERITIES
        assert set(rule.hazards) <= set(HAZARDS)
        assert rule.safe_alternative.endswith(".")
        assert rule.dialects is None or set(rule.dialects) <= {"postgresql", "mysql", "sqlite"}


def test_set_not_null_mentions_the_pg12_check_recipe():
    case = Case("set-not-null", t("a INTEGER"), t("a INTEGER NOT NULL"), PG, "warning", server_version=(15, 4))
    [f] = [f for f in findings_for(case) if f.rule == "set-not-null"]
    assert "CHECK (a IS NOT NULL)" in f.message and "12" in f.message


def test_size_note_gives_rows_and_estimate():
    case = Case("type-change-rewrites-table", t("a INTEGER"), t("a BIGINT"), PG, "error")
    dialect = get_dialect(PG)
    old = read_sql_text(case.old, PG)
    ops = diff(old, read_sql_text(case.new, PG), dialect).operations
    stats = {"t": TableStats(2_000_000, 5 * 1024 ** 3)}
    [f] = [f for f in analyze(ops, old, PG, stats=stats) if f.rule == case.rule]
    assert "2,000,000 rows" in f.message and "s to rewrite" in f.message


def test_rewrite_of_table_created_in_same_migration_is_exempt():
    # CREATE TABLE then ALTER in one operation list: only possible when ops are composed, so build it
    from mgen.operations import AddColumn, AlterColumnType, CreateTable
    from mgen.schema import Column, ColumnType, Default, Schema
    table = read_sql_text(t("a INTEGER"), PG).table("t")
    ops = [CreateTable(table),
           AlterColumnType("t", "a", ColumnType("integer"), ColumnType("bigint")),
           AddColumn("t", Column("u", ColumnType("uuid"), default=Default("expression", "gen_random_uuid()")))]
    rules = {f.rule for f in analyze(ops, Schema(), PG)}
    assert not rules & {"type-change-rewrites-table", "volatile-default"}


REQUIRED_SECTIONS = ("## Problem", "## Solution", "## Bad", "## Good", "## How mgen handles it")


@pytest.mark.parametrize("rule", [r.id for r in all_rules()])
def test_every_registered_rule_has_a_doc_page(rule):
    page = DOCS / f"{rule}.md"
    assert page.exists(), f"docs/rules/{rule}.md missing"
    text = page.read_text()
    assert text.splitlines()[0] == f"# {rule}"
    for section in REQUIRED_SECTIONS:
        assert section in text, f"{rule}: missing {section}"
    for section in ("## Bad", "## Good"):
        body = text.split(section, 1)[1]
        assert re.search(r"```sql\n.+?```", body, re.DOTALL), f"{rule}: {section} has no SQL example"


def test_index_lists_every_rule():
    index = (DOCS / "README.md").read_text()
    for rule in all_rules():
        assert f"[{rule.id}]({rule.id}.md)" in index


# --- the Done-when, for this batch: `mgen diff --json`
def _diff_json(tmp_path, capsys, old: str, new: str, *extra: str) -> dict:
    (tmp_path / "old.sql").write_text(old)
    (tmp_path / "new.sql").write_text(new)
    capsys.readouterr()
    main(["diff", str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "--dialect", "postgresql", "--json",
          *extra])
    return json.loads(capsys.readouterr().out)


def test_diff_json_drop_column_and_rename_carry_findings(tmp_path, capsys):
    old = t("a INTEGER, b INTEGER, c INTEGER")
    new = t("a INTEGER, c2 INTEGER")
    data = _diff_json(tmp_path, capsys, old, new, "--rename", "t.c=c2")
    kinds = [op["op"] for op in data["operations"]]
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert kinds[by_rule["drop-column"]["operation"]] == "drop_column"
    assert by_rule["drop-column"]["severity"] == "error"
    assert kinds[by_rule["rename-column"]["operation"]] == "rename_column"
    assert by_rule["rename-column"]["severity"] == "warning"


def test_diff_json_nullable_add_column_carries_nothing_above_info(tmp_path, capsys):
    data = _diff_json(tmp_path, capsys, t("a INTEGER"), t("a INTEGER, note TEXT"))
    assert [op["op"] for op in data["operations"]] == ["add_column"]
    assert all(f["severity"] == "info" for f in data["findings"]), data["findings"]
    assert data["operations"][0]["safety"] == "safe"


# --- the scaffold, run on a copy of the package so the repository is never written to
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
    stub = root / "tests" / "test_rules_ban_forbidden_name.py"
    assert module.exists() and doc.exists() and stub.exists()
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


def test_rule_index_is_current():
    from mgen.rules.scaffold import index_text
    assert (DOCS / "README.md").read_text() == index_text(all_rules()), \
        "run: python -m mgen.rules.scaffold --index"
