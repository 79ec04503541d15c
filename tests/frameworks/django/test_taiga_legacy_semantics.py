"""A project that pins an older Django is compared as that Django's ``makemigrations`` compares it
(``legacy_semantics``): its migrations were written by that version's ``deconstruct()``.

The judge of each rule is the source of the Django versions it names (the sdists of Django 1.8.6, 1.10, 1.11.2,
2.0, 2.1, 3.2, 4.0, 5.1 and 5.2, ``django/db/models/fields/__init__.py`` and ``related.py``), cited at each
test; those Django versions do not run on this Python, so the fixtures are migrations of the shape they wrote.
With no pin, or a Django past every rule, nothing changes.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mgen.cli import main
from mgen.frameworks.django.legacy_semantics import PINNED_KEY, RULES, legacy_state, rules_for
from mgen.frameworks.django.state import FieldState, ModelState, ProjectState

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"


def state(version, *fields: FieldState, options: dict | None = None, name: str = "Issue") -> ProjectState:
    settings = {PINNED_KEY: version} if version else {}
    model = ModelState("tracker", name, {f.name: f for f in fields}, dict(options or {}))
    return ProjectState({("tracker", name.lower()): model}, settings=settings)


def kwargs_of(s: ProjectState, field: str, name: str = "issue") -> dict:
    return legacy_state(s).models[("tracker", name)].fields[field].kwargs


def boolean(**kw) -> FieldState:
    return FieldState("is_blocked", "django.db.models.BooleanField", {"default": False, **kw}, "BooleanField")


def fk(**kw) -> FieldState:
    return FieldState("owner", "django.db.models.ForeignKey", {"to": "auth.user", **kw}, "ForeignKey")


def m2m(**kw) -> FieldState:
    return FieldState("watchers", "django.db.models.ManyToManyField", {"to": "auth.user", **kw}, "ManyToManyField")


# -- the rules, one by one ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("version", "kept"), [((1, 8, 6), False), ((2, 0), False), ((2, 1), True), (None, True)])
def test_boolean_blank_is_left_out_before_2_1(version, kept):
    # 1.8.6-2.0 fields/__init__.py: BooleanField.__init__ sets kwargs['blank'] = True, deconstruct() deletes it;
    # 2.1's BooleanField has neither (2.1 release notes: BooleanField can now be null=True)
    assert ("blank" in kwargs_of(state(version, boolean(blank=True)), "is_blocked")) is kept


@pytest.mark.parametrize(("version", "written"), [
    ((1, 8, 6), "tracker_issue_set"), ((3, 2), "tracker_issue_set"), ((4, 0), "%(app_label)s_%(class)s_set")])
def test_related_name_pattern_is_written_filled_in_before_4_0(version, written):
    # 1.8.6 related.py RelatedField.contribute_to_class: self.rel.related_name = related_name % {...}, which
    # deconstruct() returns; 4.0 deconstructs self._related_name, the argument as given
    got = kwargs_of(state(version, fk(related_name="%(app_label)s_%(class)s_set")), "owner")
    assert got["related_name"] == written


def test_default_related_name_fills_related_name_from_1_10():
    # 1.10 related.py contribute_to_class: with no related_name, self.opts.default_related_name is used
    s = state((1, 11, 2), fk(), options={"default_related_name": "%(model_name)s_things"})
    assert kwargs_of(s, "owner")["related_name"] == "issue_things"
    s = state((1, 8, 6), fk(), options={"default_related_name": "things"})
    assert "related_name" not in kwargs_of(s, "owner")
    assert "related_name" not in kwargs_of(state((4, 0), fk(), options={"default_related_name": "x"}), "owner")


def test_related_query_name_is_filled_in_from_1_10_to_3_2():
    field = fk(related_query_name="%(class)s_q")
    assert kwargs_of(state((1, 11), field), "owner")["related_query_name"] == "issue_q"
    assert kwargs_of(state((1, 8), field), "owner")["related_query_name"] == "%(class)s_q"
    assert kwargs_of(state((4, 0), field), "owner")["related_query_name"] == "%(class)s_q"


@pytest.mark.parametrize(("version", "written"), [
    ((1, 7), "+"), ((1, 8, 6), "_issue_watchers_+"), ((3, 2), "_tracker_issue_watchers_+"), ((4, 0), "+")])
def test_hidden_many_to_many_gets_a_generated_name_before_4_0(version, written):
    # 1.8.6 related.py ManyToManyField.contribute_to_class: "_%s_%s_+" % (class, name); 3.2: "_%s_%s_%s_+" %
    # (app_label, class, name); 1.7 had no such branch; 4.0 deconstructs _related_name
    assert kwargs_of(state(version, m2m(related_name="+")), "watchers")["related_name"] == written


def test_limit_choices_to_is_not_written_before_2_0():
    # 1.11.2 related.py ForeignObject.deconstruct() has no limit_choices_to; 2.0's writes it
    field = fk(limit_choices_to={"is_staff": True})
    assert "limit_choices_to" not in kwargs_of(state((1, 11, 2), field), "owner")
    assert kwargs_of(state((2, 0), field), "owner")["limit_choices_to"] == {"is_staff": True}


def test_through_fields_are_not_written_before_5_2():
    # 5.1 related.py ManyToManyField.deconstruct() has no through_fields; 5.2's writes it
    field = m2m(through="tracker.Watch", through_fields=("issue", "user"))
    assert "through_fields" not in kwargs_of(state((5, 1), field), "watchers")
    assert kwargs_of(state((5, 2), field), "watchers")["through_fields"] == ("issue", "user")


def test_no_pin_or_a_current_django_changes_nothing():
    assert rules_for(None) == () and rules_for((5, 2)) == () and rules_for((6, 0)) == ()
    s = state(None, boolean(blank=True), fk(related_name="%(class)s_set"), m2m(related_name="+"))
    assert legacy_state(s) is s
    assert all(r.until <= (5, 2) for r in RULES)


def test_an_abstract_model_keeps_its_pattern():
    s = state((1, 8), fk(related_name="%(class)s_set"), options={"abstract": True})
    assert kwargs_of(s, "owner")["related_name"] == "%(class)s_set"


# -- a whole project: the pinned Django's migrations are in sync with its models -------------------------
MODELS = '''\
from django.conf import settings
from django.db import models


class Watch(models.Model):
    issue = models.ForeignKey("Issue")
    user = models.ForeignKey(settings.AUTH_USER_MODEL)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+")


class Issue(models.Model):
    is_blocked = models.BooleanField(default=False, null=False, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="%(app_label)s_%(class)s_owned")
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Watch", through_fields=("issue", "user"))
    voters = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
'''
# what Django 1.8's makemigrations wrote for MODELS (no blank on the BooleanField, related names filled in,
# no through_fields, no on_delete=CASCADE)
MIGRATION = '''\
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Issue',
            fields=[
                ('id', models.AutoField(verbose_name='ID', serialize=False, auto_created=True, primary_key=True)),
                ('is_blocked', models.BooleanField(default=False)),
                ('owner', models.ForeignKey(related_name='tracker_issue_owned', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='Watch',
            fields=[
                ('id', models.AutoField(verbose_name='ID', serialize=False, auto_created=True, primary_key=True)),
                ('by', models.ForeignKey(related_name='+', to=settings.AUTH_USER_MODEL, null=True)),
                ('issue', models.ForeignKey(to='tracker.Issue')),
                ('user', models.ForeignKey(to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AddField(
            model_name='issue',
            name='voters',
            field=models.ManyToManyField(related_name='_issue_voters_+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='issue',
            name='watchers',
            field=models.ManyToManyField(to=settings.AUTH_USER_MODEL, through='tracker.Watch'),
        ),
    ]
'''


def project(root: Path, pin: str | None) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "config" / "__init__.py").write_text("")
    (root / "config" / "settings.py").write_text(
        "from mgen_fixture_settings import *  # noqa: F403\n\n"
        "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'tracker']\n")
    (root / "manage.py").write_text((COMMON / "manage.py").read_text())
    (root / "tracker" / "migrations").mkdir(parents=True)
    (root / "tracker" / "__init__.py").write_text("")
    (root / "tracker" / "migrations" / "__init__.py").write_text("")
    (root / "tracker" / "models.py").write_text(MODELS)
    (root / "tracker" / "migrations" / "0001_initial.py").write_text(textwrap.dedent(MIGRATION))
    if pin:
        (root / "requirements.txt").write_text(f"Django=={pin}\npsycopg2==2.6\n")
    return root


def test_a_django_1_8_history_is_in_sync_with_its_models(tmp_path, capsys):
    root = project(tmp_path / "p", "1.8.6")
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out, out


def test_without_the_pin_todays_django_sees_the_differences(tmp_path, capsys):
    root = project(tmp_path / "p", None)
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    for name in ("is_blocked", "owner", "voters", "watchers"):
        assert f"AlterField issue.{name}" in out, out


def test_a_change_is_written_as_the_pinned_django_writes_it(tmp_path, capsys):
    root = project(tmp_path / "p", "1.8.6")
    models = root / "tracker" / "models.py"
    models.write_text(models.read_text() + "    is_closed = models.BooleanField(default=False, blank=True)\n"
                      "    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, "
                      "related_name='%(class)s_reported')\n")
    assert main(["generate", str(root), "--engine", "static"]) == 0
    capsys.readouterr()
    [written] = sorted((root / "tracker" / "migrations").glob("0002_*.py"))
    text = written.read_text()
    assert "models.BooleanField(default=False)" in text, text
    assert "related_name='issue_reported'" in text, text
    assert "AlterField" not in text, text
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0  # read back: in sync
    assert "no changes" in capsys.readouterr().out


# -- judged by what those Django versions wrote -----------------------------------------------------------
# tests/fixtures/taiga_legacy_django: one models.py and the 0001 that each Django's own ``makemigrations``
# wrote for it (1.8.6, 1.11.2 and 2.0 run on this Python with small shims for removed stdlib names; 3.2 as is)
WRITTEN = Path(__file__).parents[2] / "fixtures" / "taiga_legacy_django"
VERSIONS = {"1.8.6": "0001_django_1_8_6.py", "1.11.2": "0001_django_1_11_2.py", "2.0": "0001_django_2_0.py",
            "3.2": "0001_django_3_2.py"}


def written_project(root: Path, pin: str | None, migration: str | None) -> Path:
    project(root, pin)
    (root / "tracker" / "models.py").write_text((WRITTEN / "models.py").read_text())
    initial = root / "tracker" / "migrations" / "0001_initial.py"
    initial.unlink()
    if migration:
        initial.write_text((WRITTEN / migration).read_text())
    return root


def field_arguments(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(model, field) -> the field's keyword arguments as text (dotted names by their last name; a model label
    lower-cased: Django before 3.1 wrote ``to='tracker.Issue'``, the same model to it as 'tracker.issue')."""
    import ast

    def text(node: ast.AST) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("tracker."):
            return repr(node.value.lower())
        return ast.unparse(node).rpartition(".")[2] if isinstance(node, ast.Attribute) else ast.unparse(node)

    out = {}
    for call in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        kw = {k.arg: k.value for k in call.keywords}
        if call.func.attr == "CreateModel":
            model = ast.literal_eval(kw["name"]).lower()
            for pair in kw["fields"].elts:
                name, field = pair.elts
                out[(model, ast.literal_eval(name))] = {k.arg: text(k.value) for k in field.keywords}
        elif call.func.attr == "AddField":
            key = (ast.literal_eval(kw["model_name"]), ast.literal_eval(kw["name"]))
            out[key] = {k.arg: text(k.value) for k in kw["field"].keywords}
    return out


@pytest.mark.parametrize("pin", sorted(VERSIONS))
def test_what_each_django_wrote_is_in_sync_under_its_pin(pin, tmp_path, capsys):
    root = written_project(tmp_path / "p", pin, VERSIONS[pin])
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out, out


@pytest.mark.parametrize("pin", sorted(VERSIONS))
def test_without_a_pin_what_old_djangos_wrote_reads_as_changes(pin, tmp_path, capsys):
    root = written_project(tmp_path / "p", None, VERSIONS[pin])
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    assert "AlterField issue." in capsys.readouterr().out


@pytest.mark.parametrize("pin", sorted(VERSIONS))
def test_the_initial_migration_is_written_as_that_django_wrote_it(pin, tmp_path, capsys):
    root = written_project(tmp_path / "p", pin, None)
    assert main(["generate", str(root), "--engine", "static"]) == 0
    capsys.readouterr()
    [written] = (root / "tracker" / "migrations").glob("0001_*.py")
    assert field_arguments(written) == field_arguments(WRITTEN / VERSIONS[pin])


def test_pins_that_agree_on_the_series_are_enough(tmp_path, capsys):
    """``==1.8.6`` in requirements.txt and ``~=1.8.5`` in a Pipfile name no one version, but one series:
    the rules need only major.minor."""
    root = project(tmp_path / "p", "1.8.6")
    (root / "Pipfile").write_text('[packages]\nDjango = "~=1.8.5"\n')
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    assert "no changes" in capsys.readouterr().out
    (root / "Pipfile").write_text('[packages]\nDjango = "~=2.2.5"\n')  # two series: no rules, today's Django
    assert main(["generate", str(root), "--dry-run", "--engine", "static"]) == 0
    assert "AlterField issue.is_blocked" in capsys.readouterr().out
