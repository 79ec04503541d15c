"""An ``AppConfig`` whose base is in a library mgen does not find (wagtail's
``WagtailSearchAppConfig(modelsearch.apps.ModelSearchAppConfig)``, label "wagtailsearch"): it is the app's
config when it sets its own ``label``, as Django would take it once the library is installed; without one,
what the missing base sets is unknown and the class is not taken for a config (issue #12)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.frameworks.django.project import load_project

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

APPS = '''from mgen_missing_searchlib.apps import SearchLibAppConfig


class SiteSearchConfig(SearchLibAppConfig):
    name = "search"
{label}    default = True
'''


@pytest.mark.parametrize(("label", "expected"), [('    label = "sitesearch"\n', "sitesearch"), ("", "search")])
def test_a_config_on_a_missing_base_counts_when_it_sets_its_label(tmp_path: Path, label: str, expected: str):
    root = h.write_project(tmp_path / "proj", {"search": {}})
    (root / "search" / "apps.py").write_text(APPS.format(label=label))
    project = load_project(root)
    assert [a.label for a in project.project_apps] == [expected]
