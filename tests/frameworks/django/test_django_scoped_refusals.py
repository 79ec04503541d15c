"""A refusal blocks only the app it is in (issue #12): ``generate --app LABEL`` answers for the apps mgen can
read, judged by Django itself.

The fixture ``scoped_refusals`` has two apps: ``legacy``, whose model and initial migration take a
``max_length`` from a function with a loop (Django runs it; a static reader cannot evaluate it), and
``catalog``, whose model has a foreign key into ``legacy``. Django's ``makemigrations --check`` finds the
fixture in sync.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_server

from mgen.db import scratch_database
from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

LEGACY_MIGRATION = "legacy/migrations/0001_initial.py"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = h.copy_project("scoped_refusals", tmp_path)
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_the_whole_project_is_refused_at_the_file_and_line_naming_the_apps_read(project: Path):
    with pytest.raises(MgenError, match=r"legacy\.supplier\.code: max_length=code_length\(\) cannot be read "
                                        r"statically.*\[app legacy refused; the 1 other app\(s\) were read: "
                                        r"generate them alone with --app catalog\]") as e:
        generate(project, name=None, dry_run=True)
    assert e.value.file == str(project / LEGACY_MIGRATION) and e.value.line == 17


def test_an_app_that_reads_is_answered_and_the_refused_one_is_a_note(project: Path):
    result = generate(project, name=None, dry_run=True, apps=["catalog"])
    assert not result.operations
    assert any(n.startswith("app legacy not read, so its changes are not in this answer: ")
               and f"{LEGACY_MIGRATION}:17" in n for n in result.notes), result.notes


def test_the_refusal_of_the_models_alone_is_scoped_too(project: Path):
    """The history of ``legacy`` reads (a literal), its models do not: the models' line is named."""
    _edit(project / LEGACY_MIGRATION, "max_length=code_length()", "max_length=128")
    with pytest.raises(MgenError, match=r"\[app legacy refused; .*--app catalog\]") as e:
        generate(project, name=None, dry_run=True)
    assert e.value.file == str(project / "legacy" / "models.py") and e.value.line == 7
    assert not generate(project, name=None, dry_run=True, apps=["catalog"]).operations


def test_an_unknown_app_label_is_one_line(project: Path):
    with pytest.raises(MgenError, match=r"--app shop: not an app of this project with a migrations package "
                                        r"\(its apps: catalog, legacy\)"):
        generate(project, name=None, dry_run=True, apps=["shop"])


def test_an_asked_app_brings_the_app_whose_new_model_it_needs(project: Path):
    """As ``makemigrations catalog`` does: a foreign key to a model ``legacy`` gains makes legacy's migration
    too (Django's ``trim_to_apps`` keeps the apps the asked ones depend on)."""
    _edit(project / LEGACY_MIGRATION, "max_length=code_length()", "max_length=128")
    _edit(project / "legacy" / "models.py", "max_length=code_length()", "max_length=128")
    with (project / "legacy" / "models.py").open("a") as f:
        f.write("\n\nclass Brand(models.Model):\n    label = models.CharField(max_length=20)\n")
    with (project / "catalog" / "models.py").open("a") as f:
        f.write('    brand = models.ForeignKey("legacy.Brand", on_delete=models.SET_NULL, null=True)\n')
    result = generate(project, name=None, apps=["catalog"])
    assert sorted(result.changed_apps) == ["catalog", "legacy"]
    assert h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode == 0


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_migration_of_the_app_read_is_django_s_own(dialect: str, project: Path):
    server = require_server(dialect)
    with (project / "catalog" / "models.py").open("a") as f:
        f.write("    stock = models.IntegerField(default=0)\n")
    result = generate(project, name=None, apps=["catalog"])
    assert result.changed_apps == ["catalog"] and len(result.files) == 1
    assert Path(result.files[0]).parent == project / "catalog" / "migrations"
    assert h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    with scratch_database(dialect, server) as url:
        h.manage(project, "migrate", "-v0", database_url=url)
        h.manage(project, "migrate", "--check", "-v0", database_url=url)
        h.manage(project, "migrate", "catalog", "0001", "-v0", database_url=url)
        h.manage(project, "migrate", "-v0", database_url=url)


def test_the_flag_on_the_command_line(project: Path):
    def mgen(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mgen.cli", *args], capture_output=True, text=True,
                              timeout=120, check=False)

    whole = mgen("plan", str(project), "--engine", "static")
    assert whole.returncode == 2 and "[app legacy refused;" in whole.stderr and "Traceback" not in whole.stderr
    one = mgen("plan", str(project), "--engine", "static", "--app", "catalog")
    assert one.returncode == 0, one.stderr
    assert one.stdout.splitlines()[0] == "no changes"
    assert "note: app legacy not read, so its changes are not in this answer: " in one.stdout
