"""Django migration histories replayed statically, judged by Django itself.

- ``fixtures/django/history``: a hand-written history (RenameModel, RenameField, RenameIndex, RemoveIndex,
  AlterModelTable, AlterModelOptions, RunPython, RunSQL with state_operations, SeparateDatabaseAndState,
  two branches and a merge). Django's ``makemigrations --check`` says the models match it; the replayed
  state must equal the models read statically, the notes must name the opaque operations by file and
  line, and the schema of the replayed state must be what Django's ``migrate`` builds on SQLite,
  PostgreSQL and MariaDB.
- The order operations apply in is Django's: ``showmigrations --plan`` for projects with a merge, with
  Django's own contrib apps and a swappable dependency, and with ``__first__``/``__latest__``/``run_before``.
- Squashes: Django's ``squashmigrations`` output is used in place of what it replaces, also once the
  replaced files are deleted and a later migration still names one of them.
- What Django refuses (two leaves in one app) and what mgen cannot replay are errors with file and line.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import require_server

from mgen.db import scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.django.models import read_models
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import read_migrations, replay_project
from mgen.frameworks.django.state import Setting
from mgen.frameworks.django.tables import Backend, state_schema
from mgen.schema import Schema
from mgen.sources.live import introspect

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # the fixtures' own helper, found through the path set above


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return h.copy_project("history", tmp_path_factory.mktemp("history"))


def django_plan(project: Path) -> list[tuple[str, str]]:
    """The order ``migrate`` applies migrations in, as ``showmigrations --plan`` prints it."""
    out = h.manage(project, "showmigrations", "--plan").stdout
    plan = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("["):
            app, _, name = line.split("]", 1)[1].strip().partition(".")
            plan.append((app, name))
    return plan


# -- the hand-written history ---------------------------------------------------------------------
def test_history_replays_to_the_models_django_agrees_with(history):
    assert h.manage(history, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    project = load_project(history)
    replayed = replay_project(project, {"library"})
    assert read_models(project).differences(replayed) == []
    writer = replayed.model("library", "writer")
    assert writer.options == {"ordering": ("name",), "db_table": "library_writers"}  # verbose_name came and went
    book = replayed.model("library", "book")
    assert book.fields["writer"].get("to") == "library.writer"  # RenameModel repointed the key
    assert list(book.fields) == ["id", "writer", "headline", "pages", "isbn", "subtitle", "edition"]  # plan order
    assert "default" not in book.fields["subtitle"].kwargs  # preserve_default=False
    assert [i.kw["name"] for i in book.indexes] == ["book_headline_idx"]


def test_opaque_operations_are_notes_with_file_and_line(history):
    notes = replay_project(load_project(history)).notes
    where = [(Path(n.file).name, n.line, n.message.split(":")[0].split(" is ")[0]) for n in notes]
    assert where == [
        ("0001_initial.py", 42, "RunPython"),
        ("0003_sql.py", 12, "RunSQL"),
        ("0003_sql.py", 17, "SeparateDatabaseAndState"),
        ("0003_sql.py", 25, "SeparateDatabaseAndState"),
    ]
    assert "state_operations are replayed" in notes[1].message


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_history_schema_equals_database_django_built(dialect, history):
    server = require_server(dialect)
    state = replay_project(load_project(history))
    want = state_schema(state, Backend(dialect, mariadb=dialect == "mysql"), {"library"})
    with scratch_database(dialect, server) as url:
        h.manage(history, "migrate", "-v0", database_url=url)
        have, _ = introspect(url)
    have = Schema(tuple(t for t in have.tables if t.name.startswith("library_"))).normalized()
    assert have.table_names() == want.table_names() == ("library_book", "library_writers")
    assert diff(have, want, get_dialect(dialect)).operations == []


def test_plan_is_djangos_with_a_merge(history):
    graph, _ = read_migrations(load_project(history))
    assert graph.full_plan() == django_plan(history)


def test_plan_is_djangos_with_contrib_apps_and_a_swappable_user(tmp_path):
    project = h.copy_project("custom_user", tmp_path)
    h.manage(project, "makemigrations", "--noinput", "-v0")
    graph, _ = read_migrations(load_project(project))
    plan = graph.full_plan()
    assert plan == django_plan(project)
    assert plan.index(("accounts", "0001_initial")) > plan.index(("auth", "0012_alter_user_first_name_max_length"))
    post = replay_project(load_project(project)).model("blog", "post")
    assert post.fields["author"].get("to") == Setting("AUTH_USER_MODEL", "accounts.user")


write_project = h.write_project  # a minimal project: apps -> migration files, models modules


def migration(dependencies: str = "[]", operations: str = "[]", extra: str = "") -> str:
    return (f"from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
            f"    dependencies = {dependencies}\n    operations = {operations}\n{extra}")


def create(model: str) -> str:
    return (f"[migrations.CreateModel(name={model!r}, fields=[('id', models.BigAutoField(auto_created=True, "
            "primary_key=True, serialize=False, verbose_name='ID'))])]")


def test_plan_is_djangos_with_first_latest_and_run_before(tmp_path):
    project = write_project(tmp_path, {
        "alpha": {"0001_initial": migration(operations=create("A")),
                  "0002_more": migration("[('alpha', '0001_initial')]", create("A2"))},
        "beta": {"0001_initial": migration("[('alpha', '__first__')]", create("B"),
                                           "    run_before = [('alpha', '0002_more')]\n")},
        "gamma": {"0001_initial": migration("[('alpha', '__latest__'), ('beta', '__first__')]", create("C"))},
    })
    graph, _ = read_migrations(load_project(project))
    plan = graph.full_plan()
    assert plan == django_plan(project)
    assert plan.index(("beta", "0001_initial")) < plan.index(("alpha", "0002_more")) < plan.index(
        ("gamma", "0001_initial"))


# -- what counts as a change is what Django counts -------------------------------------------------
_ID = "('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID'))"
# (model body, the fields/options the migration's CreateModel says, whether Django sees a change)
SAME_OR_NOT = {
    "ordering list vs tuple": ("name = models.CharField(max_length=5)\n    class Meta:\n        ordering = ('name',)",
                               "[('name', models.CharField(max_length=5))], options={'ordering': ['name']}", True),
    "choices tuple vs list": ("c = models.CharField(max_length=1, choices=(('a', 'A'),))",
                              "[('c', models.CharField(choices=[('a', 'A')], max_length=1))]", False),
    "index fields tuple vs list": (
        "n = models.IntegerField()\n    class Meta:\n        indexes = (models.Index(fields=('n',), name='n_idx'),)",
        "[('n', models.IntegerField())], options={'indexes': [models.Index(fields=['n'], name='n_idx')]}", False),
    "max_length": ("name = models.CharField(max_length=6)", "[('name', models.CharField(max_length=5))]", True),
    "verbose name positional": ("name = models.CharField('Name', max_length=5)",
                                "[('name', models.CharField(max_length=5, verbose_name='Name'))]", False),
    "help_text": ("name = models.CharField(max_length=5, help_text='x')",
                  "[('name', models.CharField(max_length=5))]", True),
    "unique_together spelled twice": (
        ("a = models.IntegerField()\n    b = models.IntegerField()\n    class Meta:\n"
         "        unique_together = [['a', 'b']]"),
        "[('a', models.IntegerField()), ('b', models.IntegerField())], options={'unique_together': {('a', 'b')}}",
        False),
    "key to self, db_index default": (
        "up = models.ForeignKey('self', models.CASCADE, db_index=True, null=True)",
        "[('up', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to='app.thing'))]",
        False),
    "related_name": ("up = models.ForeignKey('Thing', models.CASCADE, related_name='downs')",
                     "[('up', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='app.thing'))]",
                     True),
    "null on a date": ("d = models.DateField(null=True, blank=False)", "[('d', models.DateField(null=True))]", False),
}


@pytest.mark.parametrize("case", sorted(SAME_OR_NOT))
def test_a_change_is_what_makemigrations_calls_a_change(case, tmp_path):
    body, fields, changed = SAME_OR_NOT[case]
    fields = fields.replace("[", f"[{_ID}, ", 1)
    source = ("import django.db.models.deletion\nfrom django.db import migrations, models\n\n\n"
              "class Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n"
              f"    operations = [migrations.CreateModel(name='Thing', fields={fields})]\n")
    models_py = f"from django.db import models\n\n\nclass Thing(models.Model):\n    {body}\n"
    project = write_project(tmp_path, {"app": {"0001_initial": source}}, {"app": models_py})
    django_says = h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode != 0
    assert django_says == changed
    state = load_project(project)
    assert bool(read_models(state).differences(replay_project(state, {"app"}))) == changed


# -- squashes --------------------------------------------------------------------------------------
def test_squash_is_used_and_replaced_files_may_go(tmp_path):
    project = h.copy_project("squashed", tmp_path)
    for step in h.steps("squashed"):
        h.overlay(step, project)
        h.manage(project, "makemigrations", "--noinput", "-v0")
    before = replay_project(load_project(project), {"shop"})
    h.manage(project, "squashmigrations", "shop", "0003", "--noinput", "-v0")
    squash = next(p.stem for p in (project / "shop" / "migrations").glob("0001_squashed_*.py"))
    graph, _ = read_migrations(load_project(project))
    assert graph.full_plan() == [("shop", squash), ("shop", "0004_order_note")] == django_plan(project)
    assert replay_project(load_project(project), {"shop"}).differences(before) == []
    for replaced in ("0001_initial", "0002_customer_email_order",
                     "0003_order_total_alter_customer_email_alter_customer_name"):
        (project / "shop" / "migrations" / f"{replaced}.py").unlink()
    # 0004 still depends on the deleted 0003: Django (and the replay) read that as the squash
    graph, _ = read_migrations(load_project(project))
    assert graph.full_plan() == [("shop", squash), ("shop", "0004_order_note")] == django_plan(project)
    assert replay_project(load_project(project), {"shop"}).differences(before) == []
    assert read_models(load_project(project)).differences(before) == []


# -- what cannot be replayed -------------------------------------------------------------------------
def test_two_leaves_in_one_app_need_a_merge(tmp_path):
    project = h.copy_project("conflict", tmp_path)
    with pytest.raises(MgenError, match=r"conflicting migrations in app 'shop': 2 leaf nodes \(0002_color, "
                                        r"0002_size\); merge them first \(python manage.py makemigrations --merge\)"
                       ) as e:
        replay_project(load_project(project))
    assert Path(e.value.file).name == "0002_size.py" and e.value.line == 4
    refused = h.manage(project, "makemigrations", "--check", "--dry-run", check=False)
    assert refused.returncode != 0 and "Conflicting migrations detected" in refused.stderr


BAD = {
    "unsupported operation": (
        migration(operations=create("A")[:-1] + ", migrations.AlterOrderWithRespectTo('a', None)]"),
        6, r"AlterOrderWithRespectTo \(the hidden _order column\) is not supported"),
    "operations computed": (
        migration(operations="[op for op in []]"), 6, r"Migration.operations is not a list mgen can read \(\[op for op in \[\]\]\)"),
    "missing dependency": (
        migration("[('app', '0000_nothing')]", create("A")), 4,
        r"migration app.0001_initial depends on app.0000_nothing, which does not exist"),
    "unknown model": (
        migration(operations="[migrations.AddField('ghost', 'x', models.IntegerField())]"), 6,
        r"migration refers to model app.ghost, which no earlier migration creates"),
    "field class": (
        migration(operations="[migrations.CreateModel('A', [('id', models.Index())])]"), 6,
        r"field id: django.db.models.indexes.Index is not a field class a migration can hold"),
    "computed field argument": (
        migration(operations="[migrations.CreateModel('A', [('n', models.CharField(max_length=len('ab')))])]"), 6,
        r"app.a.n: max_length=len\('ab'\) cannot be read statically, and no later migration sets it again"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_what_cannot_be_replayed_is_an_error_with_file_and_line(case, tmp_path):
    source, line, message = BAD[case]
    project = write_project(tmp_path, {"app": {"0001_initial": source}})
    with pytest.raises(MgenError, match=message) as e:
        replay_project(load_project(project))
    assert Path(e.value.file).name == "0001_initial.py" and e.value.line == line


def test_library_migrations_leave_no_notes(tmp_path):
    """Django's own contrib migrations hold RunPython too; only the project's own are the user's business."""
    project = h.copy_project("custom_user", tmp_path)
    h.manage(project, "makemigrations", "--noinput", "-v0")
    state = replay_project(load_project(project))
    assert state.notes == []
    assert ("auth", "permission") in state.models


def test_replay_runs_nothing(tmp_path):
    """A migration whose import would fail (or do harm) replays all the same: it is only read."""
    source = "raise SystemExit('imported!')\n" + migration(operations=create("A"))
    project = write_project(tmp_path, {"app": {"0001_initial": source}})
    assert list(replay_project(load_project(project)).model("app", "a").fields) == ["id"]


# -- found on real projects' histories (the real-world bench) -----------------------------------------------
LEGACY_MODELS = '''from django.db import models


class Author(models.Model):
    pass


class Book(models.Model):
    author = models.ForeignKey(Author)
'''
LEGACY_MIGRATION = migration(operations=(
    "[migrations.CreateModel(name='Author', fields=[('id', models.BigAutoField(auto_created=True, "
    "primary_key=True, serialize=False, verbose_name='ID'))]), "
    "migrations.CreateModel(name='Book', fields=[('id', models.BigAutoField(auto_created=True, "
    "primary_key=True, serialize=False, verbose_name='ID')), ('author', models.ForeignKey(to='app.Author'))])]"))


def test_a_django_1_project_without_on_delete_is_in_sync(tmp_path):
    """Django 1.x: neither the model nor its migration names on_delete; both mean CASCADE (the models side
    was read without it while the migration's had it: the self-check called that a bug in mgen)."""
    project = load_project(write_project(tmp_path, {"app": {"0001_initial": LEGACY_MIGRATION}},
                                         {"app": LEGACY_MODELS}))
    models, history = read_models(project, {"app"}), replay_project(project, {"app"})
    assert models.differences(history) == []
    on_delete = models.models[("app", "book")].fields["author"].kwargs.get("on_delete")
    assert getattr(on_delete, "path", on_delete) == "django.db.models.deletion.CASCADE"


def test_a_constraint_that_cannot_be_read_is_a_refusal_with_its_line_not_a_crash(tmp_path):
    """An AddConstraint built from ``**kwargs`` (chosen by the Django version at run time), later removed by
    name: exit 2 naming the file and line, never an internal error."""
    ops = ("[migrations.CreateModel(name='A', fields=[('id', models.BigAutoField(auto_created=True, "
           "primary_key=True, serialize=False, verbose_name='ID'))]), "
           "migrations.AddConstraint(model_name='a', constraint=models.CheckConstraint(**CHECK)), "
           "migrations.RemoveConstraint(model_name='a', name='a_check')]")
    source = migration(operations=ops).replace(
        "class Migration", "import django\nCHECK = {('condition' if django.VERSION >= (5, 1) else 'check'): "
        "models.Q(id__gt=0), 'name': 'a_check'}\n\n\nclass Migration")
    project = write_project(tmp_path, {"app": {"0001_initial": source}})
    with pytest.raises(MgenError, match=r"AddConstraint: the constraint .*cannot be read statically") as e:
        replay_project(load_project(project))
    assert Path(e.value.file).name == "0001_initial.py" and e.value.line is not None


def test_indexes_and_constraints_compare_by_membership_as_the_autodetector_does():
    """AddIndex appends; the model may declare the same indexes in another order: makemigrations writes
    nothing for that, so the state comparison (and mgen's self-check) finds nothing either."""
    from mgen.frameworks.django.state import Call as StateCall
    from mgen.frameworks.django.state import ModelState, ProjectState

    one = StateCall.of("django.db.models.indexes.Index", (), {"fields": ("a",), "name": "m_a_idx"})
    two = StateCall.of("django.contrib.postgres.indexes.GinIndex", (), {"fields": ("b",), "name": "m_b_idx"})

    def state(indexes: tuple) -> ProjectState:
        return ProjectState({("app", "m"): ModelState("app", "M", {}, {"indexes": indexes})})

    assert state((one, two)).differences(state((two, one))) == []
    assert state((one, two)).differences(state((one,))) != []
