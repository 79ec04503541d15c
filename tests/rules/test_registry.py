"""The rule registry and its docs: every rule registered with valid metadata, a doc page with its sections,
an entry in the generated index; ``rule_by_id``; and for the rules tested by a table of cases
(``rulekit.Case``), a case that must be flagged and one that must not."""
from __future__ import annotations

import re

import pytest
from rulekit import DOCS, REQUIRED_SECTIONS, ROOT, rule_test_module

from mgen.rules import HAZARDS, SEVERITIES, all_rules, rule_by_id

# rules batch 1 (data loss, types, renames, defaults, enums, dialect rebuilds): each tested by its CASES
BATCH_1 = (
    "drop-table", "drop-column", "lossy-type-change", "drop-enum-value", "add-required-column", "set-not-null",
    "type-change-rewrites-table", "rename-column", "rename-table", "volatile-default", "add-identity-column",
    "enum-value-in-transaction", "mysql-enum-reorder", "mysql-copy-algorithm", "sqlite-table-rebuild",
    "prefer-jsonb",
)
# rules batch 2 (locks, indexes, constraints, statements)
BATCH_2 = ("require-concurrent-index", "concurrently-in-transaction", "require-concurrent-index-drop",
           "add-check-constraint", "add-foreign-key", "add-unique-constraint", "add-primary-key",
           "foreign-key-without-index", "require-lock-timeout", "unbatched-backfill", "irreversible-data-step")


@pytest.mark.parametrize("rule_id", BATCH_2)
def test_rule_is_registered_with_a_doc_page(rule_id):
    rule = next(r for r in all_rules() if r.id == rule_id)
    assert rule.severity in ("error", "warning", "info") and rule.hazards and rule.safe_alternative
    page = (ROOT / "docs" / "rules" / f"{rule_id}.md").read_text()
    assert page.startswith(f"# {rule_id}\n")
    for section in ("## Problem", "## Solution", "## Bad", "## Good", "## How mgen handles it"):
        assert section in page, section
    assert "```sql" in page


def test_cases_cover_every_rule_both_ways():
    for rule in BATCH_1:
        cases = rule_test_module(rule).CASES
        assert any(c.rule == rule and c.severity for c in cases), f"{rule}: no must-flag case"
        assert any(c.rule == rule and not c.severity for c in cases), f"{rule}: no must-not-flag case"


def test_my_rules_are_registered_with_valid_metadata():
    registry = {r.id: r for r in all_rules()}
    for rule_id in BATCH_1:
        rule = registry[rule_id]
        assert rule.severity in SEVERITIES
        assert set(rule.hazards) <= set(HAZARDS)
        assert rule.safe_alternative.endswith(".")
        assert rule.dialects is None or set(rule.dialects) <= {"postgresql", "mysql", "sqlite"}


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


def test_rule_index_is_current():
    from mgen.rules.scaffold import index_text
    assert (DOCS / "README.md").read_text() == index_text(all_rules()), \
        "run: python -m mgen.rules.scaffold --index"


def test_rule_by_id():
    assert rule_by_id("unbatched-backfill").id == "unbatched-backfill"
    with pytest.raises(KeyError):
        rule_by_id("no-such-rule")
