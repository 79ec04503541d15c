"""A requirement on another package's extra (Misago's ``webservices[django]==0.7``) pins that package, not
Django: the pin of Django beside it is the only one read."""
from __future__ import annotations

from pathlib import Path

import pytest

from mgen.frameworks.pins import pinned_series, pinned_versions


@pytest.mark.parametrize("line", ["webservices[django]==0.7", "webservices[flask,django]==0.7",
                                  "pytest-django==4.7.0", "ariadne.django==0.3"])
def test_an_extra_or_a_longer_name_is_not_a_pin_of_django(tmp_path: Path, line: str):
    (tmp_path / "requirements.txt").write_text(f"django==4.2.7\n{line}\n")
    assert pinned_versions(tmp_path, "django") == {(4, 2, 7)}
    assert pinned_series(tmp_path, "django") == (4, 2)


def test_django_itself_with_an_extra_is_a_pin(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("django[argon2]==4.2.7\n")
    assert pinned_versions(tmp_path, "django") == {(4, 2, 7)}
