"""django-simple-history's ``Historical<Model>`` models, derived statically (issue #12, the bench's
``DeleteModel historical...``): judged by Django with the library installed.

``fixtures/django/simple_history_app`` holds the migrations Django and django-simple-history 3.13 wrote:
``0001`` (a shelf with the project's own ``HistoricalRecords`` subclass and ``excluded_fields``, a book with
a unique field, a key, an ``auto_now_add``, a file field and a one-to-one key), ``0002`` (a field added to
the book, one altered, a new model with its history). mgen must find nothing at ``0002`` - without the
library installed too: it reads the source - and with ``0002`` deleted must write what makes Django's
``makemigrations --check`` find nothing, and ``migrate`` forward and back on SQLite and PostgreSQL.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import require_server

from mgen.db import scratch_database
from mgen.errors import MgenError
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import models_state, replay_project
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

LIBRARY = importlib.util.find_spec("simple_history") is not None
needs_library = pytest.mark.skipif(not LIBRARY, reason="Django judges only with django-simple-history installed")


@pytest.fixture
def project(tmp_path) -> Path:
    return h.copy_project("simple_history_app", tmp_path)


def test_history_models_are_derived_and_nothing_is_to_do(project):
    result = generate(project, name=None, dry_run=True)
    assert not result.operations
    loaded = load_project(project)
    assert models_state(loaded).only({"library"}).differences(replay_project(loaded, {"library"})) == []
    book = models_state(loaded).model("library", "historicalbook")
    assert book.fields["isbn"].kwargs == {"db_index": True, "max_length": 13}  # unique becomes an index
    assert "room" not in models_state(loaded).model("library", "historicalshelf").fields  # excluded_fields


def test_regenerated_migration_is_the_one_django_accepts(project):
    written = next((project / "library" / "migrations").glob("0002_*.py"))
    committed = replay_project(load_project(project), {"library"})
    written.unlink()
    result = generate(project, name=None)
    assert result.operations["library"] == [
        "library: CreateModel HistoricalLoan", "library: CreateModel Loan", "library: AddField book.pages",
        "library: AddField historicalbook.pages", "library: AlterField book.title",
        "library: AlterField historicalbook.title"]
    assert replay_project(load_project(project), {"library"}).differences(committed) == []
    if LIBRARY:
        assert h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode == 0


def test_a_first_history_model_is_refused_at_its_attribute(project):
    """With no history model in the migrations, its own fields (history_id, ...) depend on the library's
    version and settings: refused, never guessed."""
    for path in (project / "library" / "migrations").glob("0*.py"):
        path.unlink()
    with pytest.raises(MgenError, match=r"library.shelf: django-simple-history makes library.HistoricalShelf at "
                                        r"run time and no migration has a history model yet") as e:
        generate(project, name=None, dry_run=True)
    assert Path(e.value.file).name == "models.py" and e.value.line == 10


@needs_library
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_django_agrees_and_migrate_goes_forward_and_back(dialect, project):
    server = require_server(dialect)
    (next((project / "library" / "migrations").glob("0002_*.py"))).unlink()
    generate(project, name=None)
    assert h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    with scratch_database(dialect, server) as url:
        h.manage(project, "migrate", "-v0", database_url=url)
        h.manage(project, "migrate", "--check", "-v0", database_url=url)
        h.manage(project, "migrate", "library", "zero", "-v0", database_url=url)
