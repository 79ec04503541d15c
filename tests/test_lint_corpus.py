"""The lint corpus (tests/lint_corpus/): `mgen lint` reports every hazard a file's `-- expect:` names, and
nothing of severity error or warning on a file that expects none.

The expectations come from issue #3's hazards, not from the current rules: a failure here is a TODO for
a rule (or the reader), never a reason to edit the expectation. Runs through the real CLI
(`mgen.cli.main`) with the same arguments as bench/lint_vs_squawk.py.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("mgen.lint", reason="`mgen lint` (scripts/mgen/lint.py) has not landed yet")

from mgen.cli import main
from mgen.rules import all_rules

sys.path.insert(0, str(Path(__file__).parent / "lint_corpus"))
from corpus import CORPUS, corpus_files

# Expectations mgen does not meet yet, each with the owner of the fix. Strict: once a fix lands the test
# XPASSes and fails, so the entry must be deleted; never edit the file's expectation instead.
KNOWN_GAPS: dict[str, str] = {}

FILES = corpus_files()
IDS = [f.name for f in FILES]
CASES = [pytest.param(f, id=f.name, marks=pytest.mark.xfail(reason=KNOWN_GAPS[f.name], strict=True))
         if f.name in KNOWN_GAPS else pytest.param(f, id=f.name) for f in FILES]


def lint(capsys: pytest.CaptureFixture[str], f) -> tuple[int, dict[str, str]]:
    """Exit code and rule id -> worst severity of `mgen lint --json` on one corpus file."""
    capsys.readouterr()
    code = main(["lint", *f.mgen_args(), "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), f"mgen lint could not read {f.name}: {err.strip()}"
    worst: dict[str, str] = {}
    order = ("error", "warning", "info")
    for finding in json.loads(out)["findings"]:
        prev = worst.get(finding["rule"])
        if prev is None or order.index(finding["severity"]) < order.index(prev):
            worst[finding["rule"]] = finding["severity"]
    return code, worst


def test_corpus_size_and_spread() -> None:
    pg = [f for f in FILES if f.dialect == "postgresql"]
    my = [f for f in FILES if f.dialect == "mysql"]
    assert len(FILES) >= 60 and len(pg) >= 40 and len(my) >= 20
    for group in (pg, my):  # both safe and unsafe files in each dialect
        assert any(f.expect for f in group) and any(not f.expect for f in group)


@pytest.mark.parametrize("f", FILES, ids=IDS)
def test_header(f) -> None:
    assert f.path.read_text().startswith("-- expect: "), "the first line states the expectation"
    assert f.why, "a comment line says why"


def test_expectations_name_known_rules() -> None:
    """An expectation naming a rule that does not exist can never be met: catch typos, and list the
    rules still to be written."""
    known = {r.id for r in all_rules()}
    unknown = sorted({alt for f in FILES for e in f.expect for alt in e.split("|")} - known)
    assert not unknown, f"expected rules not in the registry: {unknown}"


def test_every_hazard_rule_is_exercised() -> None:
    """Each rule that applies to PostgreSQL or MySQL is expected somewhere in the corpus."""
    expected = {alt for f in FILES for e in f.expect for alt in e.split("|")}
    dialect_rules = {r.id for r in all_rules() if r.dialects is None or set(r.dialects) & {"postgresql", "mysql"}}
    assert not dialect_rules - expected, f"rules without a corpus file: {sorted(dialect_rules - expected)}"


@pytest.mark.parametrize("f", CASES)
def test_corpus_file(capsys: pytest.CaptureFixture[str], f) -> None:
    code, found = lint(capsys, f)
    if f.expect:
        missing = f.missing(found)
        assert not missing, f"{f.name}: expected {missing}, mgen reported {found}"
    else:
        flagged = {r: s for r, s in found.items() if s in ("error", "warning")}
        assert not flagged, f"{f.name} is safe ({f.why}), mgen reported {flagged}"
        assert code == 0
    if any(s == "error" for s in found.values()):
        assert code == 1  # the CLI contract: exit 1 on an error finding


def test_known_gaps_are_corpus_files() -> None:
    assert set(KNOWN_GAPS) <= set(IDS)


def test_squawk_verdicts_recorded() -> None:
    """squawk.json (written by bench/lint_vs_squawk.py) covers exactly the PostgreSQL corpus files."""
    recorded = json.loads((CORPUS / "squawk.json").read_text())
    assert sorted(recorded["files"]) == sorted(f.name for f in FILES if f.dialect == "postgresql")
    assert all(isinstance(v, list) for v in recorded["files"].values())
