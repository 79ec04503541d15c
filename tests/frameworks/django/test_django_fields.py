"""Field classes mgen has no rules of its own for, judged by Django itself (issue #12 items 1, 7 and 8).

Each fixture starts with the migration Django's own ``makemigrations`` writes for its models; then:

- in sync: ``generate`` finds nothing to do (the static reader reads every field the same as the replay);
- regenerated: with Django's initial migration deleted, ``generate`` writes one that ``makemigrations
  --check`` accepts (CreateModel with ``abstract: False``, a mixin base, a project's own field classes);
- a step of model changes: ``generate`` writes the migration, ``makemigrations --check`` finds nothing
  left, generating again writes nothing, and ``migrate`` applies it, reverses it and applies it again on
  SQLite and PostgreSQL (``pg_fields``: PostgreSQL only, its fields exist nowhere else).

Fixtures: ``field_classes`` (``class BlobField(models.TextField)``, a project's ``IPNetworkField(models.Field)``
whose ``db_type()`` is a literal, ``GenericForeignKey`` / ``GenericRelation``, an Index naming a foreign key
by its column ``project_id``), ``pg_fields`` (``ArrayField`` nested, ranges, ``SearchVectorField``,
``DurationField`` and ``GenericIPAddressField`` on PostgreSQL), ``thirdparty_fields`` (a field class of a
package only Django's path has, ``_thirdparty/fancy_fields``: opaque to mgen).
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SERVERS, _unreachable

from mgen.db import scratch_database
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import models_state, replay_project
from mgen.frameworks.django.tables import state_schema
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
THIRD_PARTY = COMMON.parent / "_thirdparty"
sys.path.insert(0, str(COMMON))
import djharness as h


def _env() -> dict:
    env = h.env()
    env["PYTHONPATH"] = os.pathsep.join([str(COMMON), str(THIRD_PARTY)])
    return env


def django(project: Path, *commands: list[str], databases: dict[str, str] | None = None,
           check: bool = True) -> subprocess.CompletedProcess:
    """Django's own commands in one process (``djrun.py``), the third-party package on its path."""
    argv: list[str] = []
    for command in commands:
        argv.extend([*(["--then"] if argv else []), *command])
    env = _env()
    if databases:
        env["MGEN_DJANGO_DBS"] = ";".join(f"{alias}={url}" for alias, url in databases.items())
    result = subprocess.run([sys.executable, str(COMMON / "djrun.py"), *argv], cwd=project, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"djrun {' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def makemigrations_check(project: Path) -> None:
    result = django(project, ["makemigrations", "--check", "--dry-run"], check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def dialects(postgresql_only: bool) -> list[str]:
    wanted = ["postgresql"] if postgresql_only else ["sqlite", "postgresql"]
    used = [d for d in wanted if d == "sqlite" or not _unreachable(d)]
    if not used:
        pytest.skip("PostgreSQL is not reachable")
    return used


def _lines_with(texts: list[str], marker: str) -> list[str]:
    return [line.strip() for text in texts for line in text.splitlines() if marker in line]


def migrations(project: Path, app: str) -> list[str]:
    return sorted(p.stem for p in (project / app / "migrations").glob("0*.py"))


FIXTURES = [("field_classes", "catalog", False), ("pg_fields", "survey", True), ("thirdparty_fields", "crm", False)]


@pytest.mark.parametrize(("name", "app", "pg_only"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_judged_by_django(name: str, app: str, pg_only: bool, tmp_path: Path):
    used = dialects(pg_only)
    project = h.copy_project(name, tmp_path)
    django(project, ["makemigrations", app, "--noinput", "-v0"])
    initial = migrations(project, app)
    assert generate(project, name=None).changed_apps == []  # in sync with Django's own migration

    # regenerated: mgen writes the initial migration itself
    djangos = [(project / app / "migrations" / f"{stem}.py").read_text() for stem in initial]
    for stem in initial:
        (project / app / "migrations" / f"{stem}.py").unlink()
    written = generate(project, name=None)
    assert written.changed_apps == [app], written.operations
    makemigrations_check(project)  # (it compares no bases: the written ones are compared with Django's here)
    mine = [Path(p).read_text() for p in written.files]
    for marker in ("bases=", "'abstract': False"):
        assert sorted(_lines_with(mine, marker)) == sorted(_lines_with(djangos, marker)), marker

    # a step of model changes
    for step in h.steps(name):
        h.overlay(step, project)
    before = migrations(project, app)
    result = generate(project, name=None)
    assert result.changed_apps == [app], result.operations
    assert not generate(project, name=None).changed_apps  # the second run writes nothing
    makemigrations_check(project)
    with contextlib.ExitStack() as stack:
        dbs = {d: stack.enter_context(scratch_database(d, SERVERS.get(d))) for d in used}
        commands = [["migrate", "--database", d, "-v0"] for d in used]
        commands += [["migrate", app, before[-1], "--database", d, "-v0"] for d in used]
        commands += [["migrate", app, "zero", "--database", d, "-v0"] for d in used]
        commands += [["migrate", "--database", d, "-v0"] for d in used]
        django(project, *commands, databases=dbs)


def test_field_classes_are_read_through_the_source(tmp_path: Path):
    project = load_project(h.copy_project("field_classes", tmp_path))
    state = models_state(project)
    remark = state.get("catalog.Remark")
    assert "target" not in remark.fields  # a GenericForeignKey is no column and in no migration
    assert "remarks" not in state.get("catalog.Project").fields  # nor a GenericRelation
    assert remark.fields["body"].django_class == "TextField"  # BlobField(models.TextField)
    assert remark.fields["body"].path == "catalog.fields.BlobField"
    network = remark.fields["network"]
    assert (network.django_class, network.db_type) == ("Field", "varchar(43)")
    assert state.get("catalog.Project").options["abstract"] is False  # the abstract parent's Meta, inherited
    assert remark.bases == ("catalog.models.UrlMixin", "django.db.models.base.Model")
    schema = state_schema(state, "sqlite")
    column = next(c for c in schema.table("catalog_remark").columns if c.name == "network")
    assert (column.type.name, column.type.length) == ("varchar", 43)


def test_postgresql_columns_as_django_types_them(tmp_path: Path):
    """The types mgen's schema model has no name for are named, as Django's schema editor spells them."""
    project = h.copy_project("pg_fields", tmp_path)
    django(project, ["makemigrations", "survey", "--noinput", "-v0"])
    loaded = load_project(project)
    for state in (models_state(loaded), replay_project(loaded)):
        unknown: list[str] = []
        state_schema(state, "postgresql", unknown=unknown)
        assert sorted(unknown) == sorted([
            "survey_survey.tags: varchar(20)[]", "survey_survey.grid: integer[][3]",
            "survey_survey.ages: int4range", "survey_survey.window: tstzrange", "survey_survey.search: tsvector",
            "survey_survey.took: interval", "survey_survey.host: inet"])
        tags = state.get("survey.Survey").fields["tags"]
        assert tags.path == "django.contrib.postgres.fields.ArrayField"
        assert tags.kwargs["size"] is None and tags.kwargs["base_field"].path == "django.db.models.CharField"


def test_a_class_no_source_is_found_for_is_opaque(tmp_path: Path):
    project = h.copy_project("thirdparty_fields", tmp_path)
    django(project, ["makemigrations", "crm", "--noinput", "-v0"])
    loaded = load_project(project)
    phone = models_state(loaded).get("crm.Contact").fields["phone"]
    assert phone.opaque and phone.path == "fancy_fields.PhoneField" and phone.kwargs == {"blank": True}
    replayed = replay_project(loaded).get("crm.Contact").fields["phone"]
    assert replayed.kwargs == {"blank": True, "max_length": 32, "region": None}  # as Django deconstructed it
    unknown: list[str] = []
    state_schema(models_state(loaded), "sqlite", unknown=unknown)
    assert unknown == ["crm_contact.phone: type unknown"]


@pytest.mark.parametrize(("variant", "field", "expect"), [
    ("custom_db_type", "price", ("DecimalField", "money", "bad_thing.price: money")),  # db_type() a literal
    ("unknown_field", "area", ("", "?", "bad_thing.area: type unknown")),  # GeneratedField: read as written
])
def test_classes_once_refused_are_read(variant: str, field: str, expect: tuple, tmp_path: Path):
    import shutil

    project = h.copy_project("errors", tmp_path)
    shutil.copy(h.FIXTURES / "errors" / "variants" / f"{variant}.py", project / "bad" / "models.py")
    state = models_state(load_project(project))
    found = state.get("bad.Thing").fields[field]
    unknown: list[str] = []
    state_schema(state, "postgresql", {"bad"}, unknown=unknown)
    assert (found.django_class, found.db_type, unknown) == (expect[0], expect[1], [expect[2]])


def test_generate_names_the_columns_it_cannot_judge(tmp_path: Path):
    """The safety summary leaves out the columns mgen has no type for, and says which of those it writes."""
    project = h.copy_project("pg_fields", tmp_path)
    django(project, ["makemigrations", "survey", "--noinput", "-v0"])
    for step in h.steps("pg_fields"):
        h.overlay(step, project)
    result = generate(project, name=None, dry_run=True, dialect="postgresql")
    said = sorted(n.split(": ", 1)[1].split(" (")[0] for n in result.notes if "schema model has no type" in n)
    assert said == ["column survey_survey.scores", "column survey_survey.span", "column survey_survey.tags"]


def test_changed_bases_are_a_note_as_makemigrations_ignores_them(tmp_path: Path):
    project = h.copy_project("field_classes", tmp_path)
    django(project, ["makemigrations", "catalog", "--noinput", "-v0"])
    models_py = project / "catalog" / "models.py"
    models_py.write_text(models_py.read_text().replace("class Page(models.Model):", "class Page(UrlMixin, models.Model):"))
    makemigrations_check(project)  # Django: nothing to do
    result = generate(project, name=None, dry_run=True)
    assert result.changed_apps == []
    assert any("catalog.page: the model's bases changed" in n for n in result.notes), result.notes


def test_hstore_and_citext_read_through_djangos_source(tmp_path: Path):
    """HStoreField's column is the literal its db_type() returns (in Django's own source); CICharField is a
    CharField (Django 5 keeps it for old migrations only)."""
    project = h.copy_project("pg_fields", tmp_path)
    (project / "survey" / "models.py").write_text(
        "from django.contrib.postgres.fields import CICharField, HStoreField\n"
        "from django.db import models\n\n\n"
        "class Survey(models.Model):\n"
        "    attrs = HStoreField(null=True)\n"
        "    code = CICharField(max_length=8)\n")
    state = models_state(load_project(project))
    attrs, code = state.get("survey.Survey").fields["attrs"], state.get("survey.Survey").fields["code"]
    assert (attrs.path, attrs.django_class, attrs.db_type) == (
        "django.contrib.postgres.fields.hstore.HStoreField", "Field", "hstore")
    assert (code.path, code.django_class, code.kwargs) == (
        "django.contrib.postgres.fields.citext.CICharField", "CharField", {"max_length": 8})
    unknown: list[str] = []
    state_schema(state, "postgresql", unknown=unknown)
    assert unknown == ["survey_survey.attrs: hstore"]


def test_a_relation_to_a_class_on_a_library_base_not_installed_names_that_class(tmp_path):
    """``class Node(TreeModel)`` where TreeModel comes from a library that is not installed: a partial model
    (``partial_models``) the migrations do not have, so its table is refused at the class, naming its base."""
    from mgen.errors import MgenError
    from mgen.frameworks.django.models import read_models
    from mgen.frameworks.django.tables import state_schema

    project_dir = h.copy_project("basics", tmp_path)
    (project_dir / "shop" / "models.py").write_text(
        "from django.db import models\nfrom treelib_not_installed.models import TreeModel\n\n\n"
        "class Node(TreeModel):\n    name = models.CharField(max_length=10)\n\n\n"
        "class Leaf(models.Model):\n    node = models.ForeignKey(Node, on_delete=models.CASCADE)\n")
    project = load_project(project_dir)
    state = read_models(project, {"shop"}, cache=False)
    with pytest.raises(MgenError, match=r"shop\.node: a new model whose base treelib_not_installed\.models\.TreeModel "
                                        r"is in a library mgen does not find .* its table cannot be known") as e:
        state_schema(state, "sqlite")
    assert e.value.line == 5


def test_a_relation_of_a_library_not_installed_named_as_a_key_is_a_field_not_dropped(tmp_path: Path):
    """``snippet = ParentalKey("Snippet", ...)`` with modelcluster not installed where mgen runs: an opaque field
    (dropping it wrote a ``RemoveField`` on wagtail's history); a class not named as a field stays no field."""
    from mgen.frameworks.django.models import read_models

    project = h.copy_project("thirdparty_fields", tmp_path)
    models = project / "crm" / "models.py"
    models.write_text(models.read_text().replace(
        "from fancy_fields import PhoneField\n",
        "from fancy_fields import PhoneField\nfrom missing_cluster.fields import ParentalKey\n"
        "from missing_cluster.helpers import Panel\n") + (
        '\n\nclass Note(models.Model):\n'
        '    contact = ParentalKey("Contact", related_name="notes", on_delete=models.CASCADE)\n'
        '    panel = Panel("contact")\n'))
    state = read_models(load_project(project), cache=False)
    note = state.model("crm", "note")
    assert note.fields["contact"].path == "missing_cluster.fields.ParentalKey"
    assert "panel" not in note.fields
