"""Django models read statically, judged by Django itself.

For each fixture project (``fixtures/django/<name>``, a real Django project) the test copies it to a
scratch folder and, step by step for the projects that change their models, runs Django's own
``makemigrations``. Then:

- the state ``models.py`` reads from the model classes must equal the state ``replay.py`` rebuilds from
  the migration files Django just wrote (``ProjectState.differences``: what makemigrations compares);
- Django's own ``migrate`` builds the project on a scratch SQLite, PostgreSQL and MariaDB database, and
  ``tables.py``'s Schema of the models must be what mgen introspects there (``mgen.differ.diff`` finds
  nothing to do), with Django's own names for keys and indexes on PostgreSQL and MariaDB.

Known gaps are listed in KNOWN_GAPS with the reason, and asserted exactly (so a fix shows up as a
failure to update the list, never as silence).

Around it, without a database: Django's ``Field.deconstruct()``, ``Q`` combination and ``data_types`` as
oracles for the tables in ``fields.py``/``state.py``/``tables.py``; Django's own contrib apps read from
their models and from their migrations; settings and app discovery; the errors with file and line.
"""
from __future__ import annotations

import contextlib
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SERVERS, _unreachable

from mgen.db import scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.django.fields import FIELD_CLASSES, RELATED_FIELDS, bind_arguments, deconstruct_path, deconstructed
from mgen.frameworks.django.models import read_models
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import models_state, replay_project
from mgen.frameworks.django.state import Call, FieldState, ProjectState, QNode, Ref, Setting
from mgen.frameworks.django.tables import Backend, column_type, state_schema
from mgen.frameworks.django.values import Evaluator, Scope
from mgen.schema import Schema
from mgen.sources.live import introspect
from mgen.sources.sql import read_sql_text

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # the fixtures' own helper, found through the path set above

ALL = ("sqlite", "postgresql", "mysql")
# project -> the databases it is built on (portable_gaps: types PostgreSQL has and mgen's model lacks)
PROJECTS = {
    "basics": ALL, "abstract_modules": ALL, "models_package": ALL, "m2m": ALL, "relations": ALL,
    "custom_user": ALL, "constraints": ALL, "auto_fields": ALL, "choices_enums": ALL, "proxy_unmanaged": ALL,
    "steps_fields": ALL, "steps_models": ALL, "portable_gaps": ("sqlite", "mysql"), "squashed": ALL,
}
# (project, dialect) -> the operations mgen's diff still finds, and why
KNOWN_GAPS = {
    ("constraints", "mysql"): {
        # MariaDB stores NOT (region = 'XX' AND region IS NOT NULL) rewritten as region <> 'XX' OR region IS NULL:
        # the same check, which mgen's textual expression comparison cannot see
        "drop check order_region_valid on shop_order",
        "add check order_region_valid on shop_order (NOT (region = 'XX' AND NOT region IS NULL) OR region IS NULL)",
    },
    ("steps_fields", "postgresql"): {
        # the writer key turned from an integer into a varchar (to_field="name"): Django's PostgreSQL _alter_field
        # makes the _like index only when the field *becomes* indexed, and it was indexed before, so a database
        # built through this history has none, while one built from the final state has it: history decides
        # (seen since indexes are compared with their operator classes)
        "add index blog_posts_writer_id_72942ff8_like on blog_posts (writer_id varchar_pattern_ops)",
    },
    ("steps_models", "mysql"): {
        # dropping unique_together (supplier, name), Django's _create_missing_fk_index adds an explicit index for
        # the supplier key, which MySQL had covered by the unique one: history, not the final state, decides
        "drop index shop_product_supplier_id_57bed2a9 on shop_product",
    },
}


@dataclass
class Built:
    project: Path
    step_differences: list[tuple[str, list[str]]] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    states: dict[str, ProjectState] = field(default_factory=dict)  # "models" and "history" (the replay)
    databases: dict[str, Schema] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


_BUILT: dict[str, Built] = {}


def build(name: str, tmp_root: Path) -> Built:
    """Copy; run makemigrations per step, comparing the two states after each; in the last Django process
    (after the last makemigrations) migrate every reachable database; introspect what Django built."""
    if name in _BUILT:
        return _BUILT[name]
    start = time.monotonic()
    built = Built(h.copy_project(name, tmp_root))
    steps = h.steps(name) or [None]
    dialects = [d for d in PROJECTS[name] if d == "sqlite" or not _unreachable(d)]
    built.skipped = {d: f"{d} unreachable: {_unreachable(d)}" for d in PROJECTS[name] if d not in dialects}
    with contextlib.ExitStack() as stack:
        urls = {d: stack.enter_context(scratch_database(d, SERVERS.get(d))) for d in dialects}
        for i, step in enumerate(steps):
            if step is not None:
                h.overlay(step, built.project)
            if i < len(steps) - 1:
                h.manage(built.project, "makemigrations", "--noinput", "-v0")
            else:
                last = [["makemigrations", "--noinput", "-v0"]]
                if name == "squashed":  # Django squashes 0001-0003; the replay must use the squash
                    last.append(["squashmigrations", "shop", "0003", "--noinput", "-v0"])
                last += [["migrate", "--database", d, "-v0"] for d in dialects]
                h.manage_many(built.project, last, urls)
            project = load_project(built.project)
            labels = {a.label for a in project.project_apps}
            built.step_differences.append((step.name if step else "-", read_models(project).differences(
                replay_project(project, labels))))
        built.databases = {d: introspect(u)[0] for d, u in urls.items()}
    built.labels = labels
    built.states = {"models": models_state(project), "history": replay_project(project)}
    built.seconds = time.monotonic() - start
    _BUILT[name] = built
    return built


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("django")
    with ThreadPoolExecutor(2) as pool:  # Django starts are CPU-bound: two projects at a time
        list(pool.map(lambda name: build(name, root), sorted(PROJECTS)))
    return root


def _only(schema: Schema, tables: set[str]) -> Schema:
    return Schema(tuple(t for t in schema.tables if t.name in tables)).normalized()


def _built_or_skip(name: str, dialect: str, tmp_root: Path) -> Built:
    built = build(name, tmp_root)
    if dialect in built.skipped:
        if __import__("os").environ.get("CI"):
            pytest.fail(built.skipped[dialect], pytrace=False)
        pytest.skip(built.skipped[dialect])
    return built


# -- the reader agrees with Django's makemigrations ------------------------------------------------
@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_models_state_equals_state_of_django_migrations(name, tmp_root):
    built = build(name, tmp_root)
    for step, differences in built.step_differences:
        assert differences == [], f"{name} step {step}: models and makemigrations' migrations disagree"


def test_enough_model_changes_are_judged():
    """Every project and every step of the changing ones is a model change Django judged."""
    count = sum(max(1, len(h.steps(name))) for name in PROJECTS)
    assert count >= 15


# -- the schema equals what Django's migrate built -------------------------------------------------
@pytest.mark.parametrize("name,dialect", [(n, d) for n in sorted(PROJECTS) for d in PROJECTS[n]])
def test_schema_equals_database_django_built(name, dialect, tmp_root):
    built = _built_or_skip(name, dialect, tmp_root)
    labels = built.labels
    backend = Backend(dialect, mariadb=dialect == "mysql")
    for state in built.states.values():  # the models, and the history
        want = state_schema(state, backend, labels)
        have = _only(built.databases[dialect], set(want.table_names()) | {
            t.name for t in built.databases[dialect].tables if t.name.split("_")[0] in labels})
        found = {op.describe() for op in diff(have, want, get_dialect(dialect)).operations}
        assert found == KNOWN_GAPS.get((name, dialect), set())


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_names_are_djangos(dialect, tmp_root):
    """Index, unique and foreign key names are the ones Django's schema editor gave them (the differ
    ignores names, so this checks them one by one)."""
    for name in ("basics", "m2m", "relations", "constraints", "custom_user"):
        built = _built_or_skip(name, dialect, tmp_root)
        want = state_schema(built.states["models"], Backend(dialect, mariadb=dialect == "mysql"), built.labels)
        have = _only(built.databases[dialect], set(want.table_names()))
        for w, g in zip(want.tables, have.tables):
            assert w.name == g.name
            assert sorted(i.name for i in w.indexes) == sorted(i.name for i in g.indexes), w.name
            assert sorted(u.name for u in w.uniques) == sorted(u.name for u in g.uniques), w.name
            assert sorted(f.name for f in w.foreign_keys) == sorted(f.name for f in g.foreign_keys), w.name
            assert sorted(c.name for c in w.checks) == sorted(c.name for c in g.checks), w.name


def test_postgresql_types_mgen_lacks_are_left_out_and_named(tmp_path):
    """inet and interval have no portable type yet: the columns are left out of the schema and named, with
    the type Django gives them (issue #12 item 8), instead of refusing the project."""
    project = load_project(h.copy_project("portable_gaps", tmp_path))
    unknown: list[str] = []
    schema = state_schema(models_state(project), "postgresql", unknown=unknown)
    assert any(u.endswith(".address: inet") for u in unknown), unknown
    assert all("address" not in [c.name for c in t.columns] for t in schema.tables)


# -- Django as the oracle for the tables ------------------------------------------------------------
DECONSTRUCT_CASES = [
    ("CharField", {"max_length": 20, "null": False, "blank": False, "verbose_name": "name"}),
    ("CharField", {"max_length": 20, "db_collation": None, "db_comment": "c", "db_index": True, "unique": False}),
    ("TextField", {"null": True, "help_text": "", "choices": [("a", "A")]}),
    ("EmailField", {}),
    ("EmailField", {"max_length": 254}),
    ("EmailField", {"max_length": 100, "unique": True}),
    ("URLField", {"max_length": 200}),
    ("URLField", {"max_length": 300, "verbose_name": "home"}),
    ("SlugField", {}),
    ("SlugField", {"max_length": 50, "db_index": True}),
    ("SlugField", {"max_length": 60, "db_index": False, "allow_unicode": True}),
    ("UUIDField", {"primary_key": True, "editable": False}),
    ("GenericIPAddressField", {"protocol": "both", "unpack_ipv4": False, "null": True}),
    ("GenericIPAddressField", {"protocol": "IPv4"}),
    ("AutoField", {"primary_key": True}),
    ("BigAutoField", {"auto_created": True, "primary_key": True, "serialize": False, "verbose_name": "ID"}),
    ("SmallAutoField", {"primary_key": True, "blank": True}),
    ("IntegerField", {"default": 0, "db_default": 1, "unique_for_date": None}),
    ("PositiveIntegerField", {"null": True, "db_column": "n"}),
    ("BooleanField", {"default": False, "editable": True}),
    ("DateField", {"auto_now_add": True}),
    ("DateTimeField", {"auto_now": True, "editable": False, "blank": True}),
    ("DateTimeField", {"auto_now": False, "null": True}),
    ("TimeField", {"auto_now": True}),
    ("DecimalField", {"max_digits": 6, "decimal_places": 2, "default": Decimal("1.50")}),
    ("FloatField", {"db_default": 1.5}),
    ("JSONField", {"encoder": None, "decoder": None, "default": dict}),
    ("BinaryField", {}),
    ("BinaryField", {"editable": True, "null": True}),
    ("BinaryField", {"editable": False}),
    ("FileField", {"upload_to": "x/", "max_length": 100}),
    ("DurationField", {"null": True}),
    ("ForeignKey", {"to": "a.b", "on_delete": "CASCADE", "db_index": True, "related_name": "x"}),
    ("ForeignKey", {"to": "a.b", "on_delete": "CASCADE", "db_index": False, "db_constraint": False}),
    ("ForeignKey", {"to": "a.b", "on_delete": "CASCADE", "limit_choices_to": {}, "parent_link": False}),
    ("OneToOneField", {"to": "a.b", "on_delete": "CASCADE", "unique": True, "primary_key": True}),
    ("ManyToManyField", {"to": "a.b", "symmetrical": False, "db_table": "t", "blank": True}),
    ("ManyToManyField", {"to": "a.b", "through": "a.C", "related_name": "+"}),
]


@pytest.mark.parametrize("cls,kwargs", DECONSTRUCT_CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(DECONSTRUCT_CASES)])
def test_deconstructed_matches_djangos_field_deconstruct(cls, kwargs):
    from django.db import models

    django_kwargs = dict(kwargs)
    if "on_delete" in django_kwargs:
        django_kwargs["on_delete"] = getattr(models, django_kwargs["on_delete"])
    if cls in RELATED_FIELDS:
        django_kwargs["swappable"] = False  # no app registry here: deconstruct must not look the model up
    f = getattr(models, cls)(**django_kwargs)
    f.set_attributes_from_name("f")
    if f.primary_key:
        f.serialize = False  # what Options.setup_pk does once the field is on a model
    _, path, args, expected = f.deconstruct()
    if "on_delete" in expected:
        expected["on_delete"] = kwargs["on_delete"]
    assert deconstructed(cls, kwargs) == expected
    assert args == []
    assert path == deconstruct_path(f"django.db.models.fields.{cls}") or path == f"django.db.models.{cls}"


def test_positional_arguments_are_bound_as_django_binds_them():
    assert bind_arguments("CharField", ("Name",), {"max_length": 3}) == {"verbose_name": "Name", "max_length": 3}
    assert bind_arguments("ForeignKey", ("a.b", "CASCADE"), {}) == {"to": "a.b", "on_delete": "CASCADE"}
    assert bind_arguments("DecimalField", ("Price", None, 5, 2), {}) == {
        "verbose_name": "Price", "name": None, "max_digits": 5, "decimal_places": 2}
    with pytest.raises(ValueError, match="twice"):
        bind_arguments("CharField", ("Name",), {"verbose_name": "x"})


Q_CASES = [
    "Q(a=1)",
    "Q(b=2, a=1)",
    "Q(a=1) | Q(b=2)",
    "Q(a=1) | Q(b=2) | Q(c=3)",
    "Q(a=1) & Q(b=2) | Q(c=3)",
    "Q(a=1) | Q(b=2) & Q(c=3)",
    "~Q(a=1)",
    "~Q(a=1) | Q(a__isnull=True)",
    "~(Q(a=1) & Q(b=2))",
    "Q(a=1) & ~Q(b=2) & Q(c__in=[1, 2])",
    "Q() | Q(a=1)",
    "Q(a=1) ^ Q(b=2)",
    "Q(Q(a=1) | Q(b=2), c=3)",
]


@pytest.mark.parametrize("text", Q_CASES)
def test_q_objects_combine_as_djangos(text, tmp_path):
    """The reader's Q algebra gives Django's own Q.deconstruct() for the same source."""
    from django.db.models import Q

    def as_plain(value):
        if isinstance(value, QNode):
            kwargs = {}
            if value.connector != "AND":
                kwargs["_connector"] = value.connector
            if value.negated:
                kwargs["_negated"] = True
            return ("Q", tuple(as_plain(c) for c in value.children), kwargs)
        if isinstance(value, Q):
            _, args, kwargs = value.deconstruct()
            return ("Q", tuple(as_plain(c) for c in args), kwargs)
        if isinstance(value, (tuple, list)):
            return tuple(as_plain(v) for v in value)
        return value

    expected = as_plain(eval(text, {"Q": Q}))  # our own test literal, evaluated by Django's Q
    (tmp_path / "m.py").write_text(f"from django.db.models import Q\nX = {text}\n")
    from mgen.frameworks.django.source import Finder

    finder = Finder.for_project(tmp_path)
    module = finder.module("m")
    value = Evaluator(finder).value(module.tree.body[1].value, Scope(module))
    assert as_plain(value) == expected


DATA_TYPE_FIELDS = sorted(FIELD_CLASSES - set(RELATED_FIELDS))
INTERNAL_TYPE = {"EmailField": "CharField", "URLField": "CharField", "ImageField": "FileField"}  # get_internal_type()


@pytest.mark.parametrize("dialect", ALL)
def test_column_types_are_djangos_data_types(dialect):
    """Each field's portable type is what mgen's own SQL reader makes of Django's ``data_types`` entry."""
    import pymysql

    pymysql.version_info = (2, 2, 1, "final", 0)  # Django's MySQL backend wants mysqlclient: PyMySQL stands in
    pymysql.install_as_MySQLdb()
    from django.db.backends.mysql.base import DatabaseWrapper as MySQL
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQL
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite

    table = {"postgresql": PostgreSQL.data_types, "mysql": MySQL._data_types, "sqlite": SQLite.data_types}[dialect]
    params = {"max_length": 42, "max_digits": 7, "decimal_places": 3}
    checked = refused = 0
    for cls in DATA_TYPE_FIELDS:
        spec = table[INTERNAL_TYPE.get(cls, cls)]
        if callable(spec):
            spec = spec({**params, "max_length": 42})
        sql_type = spec % params
        if dialect == "postgresql" and cls in ("GenericIPAddressField", "DurationField"):
            with pytest.raises(MgenError):
                column_type(cls, FieldState("f", "", dict(params), cls), Backend(dialect))
            refused += 1
            continue
        read = read_sql_text(f"CREATE TABLE t (c {sql_type.replace('AUTO_INCREMENT', '')})", dialect)
        expected = read.table("t").column("c").type
        mine = column_type(cls, FieldState("f", "", dict(params), cls), Backend(dialect))
        assert get_dialect(dialect).same_type(mine, expected, Schema(), Schema()), (cls, sql_type, mine, expected)
        checked += 1
    assert checked + refused == len(DATA_TYPE_FIELDS)


def test_djangos_contrib_apps_read_from_models_equal_their_migrations(tmp_path):
    """django.contrib.auth and contenttypes: models (AbstractUser, PermissionsMixin, managers, gettext,
    validators, unique_together) read statically from the installed Django, against its own history."""
    project = load_project(h.copy_project("custom_user", tmp_path))
    labels = {"auth", "contenttypes"}
    assert read_models(project, labels).differences(replay_project(project, labels)) == []


# -- project discovery -----------------------------------------------------------------------------
def test_settings_and_app_configs_are_found_as_django_finds_them(tmp_path):
    project = load_project(h.copy_project("auto_fields", tmp_path))
    apps = {a.label: a for a in project.apps}
    assert set(apps) == {"inventory", "storage"}  # INSTALLED_APPS = BASE_APPS + [...], and an AppConfig label
    assert apps["storage"].name == "warehouse"
    assert apps["inventory"].default_auto_field == "django.db.models.SmallAutoField"  # AppConfig wins
    assert apps["storage"].default_auto_field == "django.db.models.BigAutoField"  # the setting
    state = read_models(project)
    assert state.model("inventory", "part").fields["id"].django_class == "SmallAutoField"
    assert state.model("storage", "shipment").fields["id"].django_class == "AutoField"


def test_database_engine_is_read_when_literal(tmp_path):
    (tmp_path / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_settings')\n")
    (tmp_path / "site_settings.py").write_text(
        "INSTALLED_APPS = []\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'x'}}\n")
    assert load_project(tmp_path).database_dialect == "postgresql"
    (tmp_path / "site_settings.py").write_text("import os\nINSTALLED_APPS = []\nDATABASES = {'default': os.environ}\n")
    assert load_project(tmp_path).database_dialect is None


def test_settings_module_can_be_named_and_must_list_apps(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "__init__.py").write_text("")
    (tmp_path / "conf" / "dev.py").write_text("import os\nINSTALLED_APPS = os.environ['APPS'].split(',')\n")
    with pytest.raises(MgenError, match="no manage.py"):
        load_project(tmp_path)
    with pytest.raises(MgenError, match="INSTALLED_APPS is computed at run time") as e:
        load_project(tmp_path, "conf.dev")
    assert e.value.file.endswith("dev.py") and e.value.line == 2
    with pytest.raises(MgenError, match="settings module 'conf.missing' not found"):
        load_project(tmp_path, "conf.missing")


def test_without_djangos_source_nothing_is_guessed(tmp_path, monkeypatch):
    """Models are classes deriving from django.db.models.Model: without Django's source on the search
    path that cannot be known, so the project is refused rather than read as having no models."""
    import django

    project = h.copy_project("basics", tmp_path)
    django_root = Path(django.__file__).parent.parent
    monkeypatch.setattr(sys, "path", [])
    with pytest.raises(MgenError, match="Django's source is not found"):
        load_project(project)
    assert load_project(project, search_paths=[django_root]).app("shop").in_project
    # the project's own virtual environment is where its Django is when mgen runs from another one (the
    # plugin's): found without being named
    venv = project / ".venv"
    (venv / "lib" / "python3.11").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib" / "python3.11" / "site-packages").symlink_to(django_root)
    assert load_project(project).app("shop").in_project


# -- what the reader refuses, and what it only notes -----------------------------------------------
ERRORS = {
    "computed_max_length": (9, r"field Thing\.name: max_length=compute\(\) is computed at run time"),
    "multi_table": (8, r"Restaurant: the field place_ptr clashes with the parent link Django adds for Place"),
}


@pytest.fixture(scope="module")
def errors_project(tmp_path_factory) -> Path:
    return h.copy_project("errors", tmp_path_factory.mktemp("errors"))


@pytest.mark.parametrize("variant", sorted(ERRORS))
def test_what_cannot_be_read_is_an_error_with_file_and_line(variant, errors_project):
    shutil.copy(h.FIXTURES / "errors" / "variants" / f"{variant}.py", errors_project / "bad" / "models.py")
    line, message = ERRORS[variant]
    with pytest.raises(MgenError, match=message) as e:
        read_models(load_project(errors_project))
    assert e.value.file == str((errors_project / "bad" / "models.py").resolve())
    assert e.value.line == line


def test_computed_values_the_database_never_sees_are_notes(errors_project):
    shutil.copy(h.FIXTURES / "errors" / "variants" / "opaque_default.py", errors_project / "bad" / "models.py")
    state = read_models(load_project(errors_project))
    notes = [(n.line, n.message.split(":")[1].strip()) for n in state.notes]
    kept = "cannot be read statically; kept as written (it does not change the database)"
    assert notes == [(13, f"default=pick() {kept}"), (14, f'help_text=f"{{pick()}} levels" {kept}')]
    level = state.model("bad", "thing").fields["level"]
    assert level.get("validators") == [Call.of("django.core.validators.MinValueValidator", (0,))]


def test_custom_field_without_column_methods_is_its_django_base(errors_project):
    shutil.copy(h.FIXTURES / "errors" / "variants" / "custom_plain.py", errors_project / "bad" / "models.py")
    state = read_models(load_project(errors_project))
    code = state.model("bad", "thing").fields["code"]
    assert (code.path, code.django_class) == ("bad.models.UpperCharField", "CharField")
    assert [c.type.describe() for c in state_schema(state, "postgresql").table("bad_thing").columns] == [
        "bigint", "varchar(8)"]


def test_reader_values_keep_djangos_deconstructed_form(tmp_path):
    """Spot checks on what the comparisons above rely on: references by definition path, the swappable
    user model, TextChoices members, constants from other modules."""
    project = load_project(h.copy_project("choices_enums", tmp_path))
    ticket = read_models(project).model("tickets", "ticket")
    assert ticket.fields["status"].kwargs == {
        "choices": [("open", "Open"), ("progress", "In Progress"), ("closed", "Closed for good")],
        "default": "open", "max_length": 10}
    assert ticket.fields["max_length_twice"].get("max_length") == 300
    assert ticket.fields["severity"].get("choices") == [(1, "Minor"), (2, "Major issue")]
    project = load_project(h.copy_project("custom_user", tmp_path))
    post = read_models(project).model("blog", "post")
    assert post.fields["author"].get("to") == Setting("AUTH_USER_MODEL", "accounts.user")
    assert post.fields["editors"].get("to") == Setting("AUTH_USER_MODEL", "accounts.user")
    assert post.fields["author"].get("on_delete") == Ref("django.db.models.deletion.CASCADE")
    assert post.fields["audience"].get("to") == "auth.group"
