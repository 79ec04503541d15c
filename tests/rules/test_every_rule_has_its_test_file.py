"""Every registered rule has its tests in ``tests/rules/test_<id>.py`` (``python -m mgen.rules.scaffold``
writes one with a new rule): at least two tests there, one that flags the rule and one that does not."""
from __future__ import annotations

from types import ModuleType

import pytest
from rulekit import rule_test_module, rule_test_path

from mgen.rules import all_rules


def collected_tests(module: ModuleType) -> int:
    """How many tests pytest collects from ``module``: a parametrized test counts once per parameter set."""
    count = 0
    for name, test in vars(module).items():
        if name.startswith("test_") and callable(test):
            sets = 1
            for mark in getattr(test, "pytestmark", []):
                if mark.name == "parametrize":
                    sets *= len(mark.args[1])
            count += sets
    return count


@pytest.mark.parametrize("rule_id", [r.id for r in all_rules()])
def test_rule_has_its_test_file(rule_id):
    path = rule_test_path(rule_id)
    assert path.exists(), f"{path.name} missing: a rule's tests go there (`python -m mgen.rules.scaffold` writes one)"
    assert collected_tests(rule_test_module(rule_id)) >= 2, \
        f"{path.name}: a migration that must be flagged and one that must not"
