"""Django migrations written by mgen, judged by Django itself.

The fixture ``fixtures/django_writer/store`` (a custom user app, a ``shop`` app with an abstract base in its
own module, a ``blog`` app whose models are a package with a key into ``shop``) starts with the migrations
Django's own ``makemigrations`` writes for it. Each case edits the models, runs ``generate``, and then:

- ``makemigrations --check --dry-run`` exits 0: Django sees nothing left to do, so the written migration's
  state is exactly the models';
- generating again writes nothing;
- on SQLite, PostgreSQL and MariaDB, ``migrate`` applies it, ``migrate <app> <previous>`` reverses it and
  ``migrate`` applies it again; the schema mgen introspects then equals the schema of a copy of the project
  where Django's own ``makemigrations`` wrote the migration for the same edit (``mgen.differ.diff`` finds no
  operation). Renames are honoured from ``--rename`` hints where Django asks: the copy answers Django's
  "Was ... renamed?" with yes, and a row written before mgen's migration must still be there after it.
"""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SERVERS, _unreachable

from mgen.db import connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate, suggest_name
from mgen.schema import Schema
from mgen.sources.live import introspect

FIXTURES = Path(__file__).parents[2] / "fixtures" / "django_writer"
COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h  # the Django fixtures' helper: manage.py in a subprocess with the shared settings

ALL = ("sqlite", "postgresql", "mysql")
APPS = ("accounts", "shop", "blog")


@dataclass
class Case:
    """An edit of the store's models: ``edits`` are (file, old text, new text) replacements (old text ""
    appends), ``expect`` the operation kinds mgen must write, ``rows`` (table, column, value) written before
    the migration that must survive it (renames)."""

    id: str
    edits: list[tuple[str, str, str]]
    expect: set[str]
    renames: tuple[str, ...] = ()
    rows: tuple[tuple[str, str, str], ...] = ()
    changes: int = 1  # model changes the case makes (for the coverage count)
    names: tuple[str, ...] = ()  # the migration file names expected (Django's automatic names)


P = "shop/models.py"
CASES = [
    Case("add_fields", [(P, '    legacy = models.IntegerField(default=0)\n',
                         ('    legacy = models.IntegerField(default=0)\n'
                         '    note = models.CharField(max_length=30, null=True)\n'
                         '    rank = models.IntegerField(default=5)\n'
                         '    hits = models.BigIntegerField(db_default=0)\n'))],
         {"AddField"}, changes=3, names=("0002_category_note_category_rank_category_hits",)),
    Case("remove_field", [(P, '    legacy = models.IntegerField(default=0)\n', '')], {"RemoveField"},
         names=("0002_remove_category_legacy",)),
    Case("alter_fields", [(P, 'name = models.CharField(max_length=50)', 'name = models.CharField(max_length=80, db_index=True)'),
                          (P, 'code = models.CharField(max_length=10, null=True)', 'code = models.CharField(max_length=10, null=True, unique=True)'),
                          (P, 'stock = models.IntegerField(null=True)', 'stock = models.IntegerField(default=0)')],
         {"AlterField"}, changes=4),
    Case("default_to_db_default", [(P, 'legacy = models.IntegerField(default=0)', 'legacy = models.IntegerField(db_default=7)')],
         {"AlterField"}, names=("0002_alter_category_legacy",)),
    Case("null_to_not_null", [(P, 'code = models.CharField(max_length=10, null=True)',
                               'code = models.CharField(max_length=10, default="x")')], {"AlterField"}),
    Case("rename_field", [(P, 'sku = models.CharField(max_length=20)', 'article = models.CharField(max_length=20)'),
                          (P, '("category", "sku")', '("category", "article")')],
         {"RenameField"}, renames=("shop.Product.sku=article",), rows=(("shop_product", "article", "SKU-1"),),
         names=("0002_rename_product_sku_article",)),
    Case("fk_on_delete_and_one_to_one", [
        (P, 'category = models.ForeignKey(Category, on_delete=models.CASCADE)',
            'category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")'),
        (P, '    note = models.TextField()\n', ('    note = models.TextField()\n'
            '    tag = models.OneToOneField(Tag, on_delete=models.CASCADE, null=True)\n'))],
         {"AlterField", "AddField"}, changes=2),
    Case("m2m_auto_and_through", [
        (P, '    legacy = models.IntegerField(default=0)\n', ('    legacy = models.IntegerField(default=0)\n'
            '    featured = models.ManyToManyField("Tag")\n'
            '    partners = models.ManyToManyField("Obsolete", through="Partnership")\n')),
        (P, '', ('\n\nclass Partnership(models.Model):\n'
            '    category = models.ForeignKey(Category, on_delete=models.CASCADE)\n'
            '    obsolete = models.ForeignKey(Obsolete, on_delete=models.CASCADE)\n'
            '    since = models.DateField(null=True)\n'))],
         {"CreateModel", "AddField"}, changes=2),
    Case("m2m_remove", [(P, '    tags = models.ManyToManyField("Tag", blank=True)\n', '')], {"RemoveField"}),
    Case("create_delete_models", [
        (P, 'class Obsolete(models.Model):\n    note = models.TextField()\n',
            ('class Supplier(models.Model):\n    name = models.CharField(max_length=40)\n'
            '    category = models.ForeignKey(Category, on_delete=models.CASCADE)\n'))],
         {"CreateModel", "DeleteModel"}, changes=2),
    Case("rename_model", [(P, 'class Tag(models.Model):', 'class Label(models.Model):'),
                          (P, 'ManyToManyField("Tag", blank=True)', 'ManyToManyField("Label", blank=True)')],
         {"RenameModel"}, renames=("shop.Tag=Label",), rows=(("shop_label", "label", "red"),),
         names=("0002_rename_tag_label",)),
    Case("indexes", [
        (P, 'models.Index(fields=["name"], name="product_name_idx")',
            ('models.Index(fields=["name"], name="product_title_idx"),\n'
            '                   models.Index(fields=["sku"], condition=Q(stock__gt=0), name="product_instock_idx")')),
        (P, ',\n                   models.Index(fields=["stock"], name="product_stock_idx"))', ')')],
         {"RenameIndex", "AddIndex", "RemoveIndex"}, changes=3),
    Case("constraints", [
        (P, 'constraints = (models.CheckConstraint(condition=Q(price__gte=0), name="product_price_pos"),)',
            'constraints = (models.UniqueConstraint(fields=["category", "sku"], name="product_cat_sku"),)'),
        (P, '        unique_together = (("category", "sku"),)\n', '')],
         {"AddConstraint", "RemoveConstraint", "AlterUniqueTogether"}, changes=3),
    Case("unique_together_add", [(P, 'class Tag(models.Model):\n    label = models.CharField(max_length=30, unique=True)\n',
                                  ('class Tag(models.Model):\n    label = models.CharField(max_length=30, unique=True)\n'
                                  '    group = models.CharField(max_length=10, default="")\n\n'
                                  '    class Meta:\n        unique_together = [("group", "label")]\n'))],
         {"AddField", "AlterUniqueTogether"}, changes=2),
    Case("table_and_comments", [
        (P, 'class Tag(models.Model):\n    label = models.CharField(max_length=30, unique=True)\n',
            ('class Tag(models.Model):\n    label = models.CharField(max_length=30, unique=True, db_comment="shown")\n\n'
            '    class Meta:\n        db_table = "shop_labels"\n        db_table_comment = "tags on products"\n'))],
         {"AlterModelTable", "AlterModelTableComment", "AlterField"}, changes=3),
    Case("options", [(P, '    note = models.TextField()\n', ('    note = models.TextField()\n\n'
                      '    class Meta:\n        ordering = ["note"]\n        verbose_name = "old thing"\n'))],
         {"AlterModelOptions"}, names=("0002_alter_obsolete_options",)),
    Case("abstract_base", [("shop/base.py", 'created = models.DateTimeField(auto_now_add=True)',
                            ('created = models.DateTimeField(auto_now_add=True)\n'
                            '    updated = models.DateTimeField(null=True)'))], {"AddField"},
         names=("0002_product_updated",)),
    Case("custom_user", [
        ("accounts/models.py", 'nickname = models.CharField(max_length=40, blank=True)',
         'nickname = models.CharField(max_length=60, blank=True)\n    shoe_size = models.IntegerField(null=True)'),
        (P, 'class Obsolete(models.Model):\n', ('class Obsolete(models.Model):\n'
            '    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True)\n'))],
         {"AlterField", "AddField"}, changes=3),
    Case("models_package", [("blog/models/post.py", 'title = models.CharField(max_length=120)',
                             'title = models.CharField(max_length=200)\n    body = models.TextField(default="")')],
         {"AlterField", "AddField"}, changes=2),
    Case("cross_app_fk", [
        (P, '', '\n\nclass Brand(models.Model):\n    name = models.CharField(max_length=40)\n'),
        ("blog/models/post.py", '    product =', ('    brand = models.ForeignKey("shop.Brand", on_delete=models.SET_NULL, null=True)\n'
                                '    product ='))],
         {"CreateModel", "AddField"}, changes=2),
    Case("circular_fk", [(P, '', ('\n\nclass Shelf(models.Model):\n'
                          '    best = models.ForeignKey("Bin", on_delete=models.SET_NULL, null=True, related_name="+")\n\n\n'
                          'class Bin(models.Model):\n    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)\n'))],
         {"CreateModel", "AddField"}, changes=2),
]


# -- the harness -----------------------------------------------------------------------------------
def dialects() -> list[str]:
    return [d for d in ALL if d == "sqlite" or not _unreachable(d)]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """The store with the migrations Django itself writes for it."""
    root = tmp_path_factory.mktemp("baseline") / "store"
    shutil.copytree(FIXTURES / "store", root, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    h.manage(root, "makemigrations", "--noinput", "-v0")
    return root


def copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    return dest


def edit(project: Path, edits: list[tuple[str, str, str]]) -> None:
    for rel, old, new in edits:
        path = project / rel
        text = path.read_text()
        if old == "":
            text += new
        else:
            assert text.count(old) == 1, f"{rel}: {old!r} not found exactly once"
            text = text.replace(old, new)
        path.write_text(text)


def migrations(project: Path, app: str) -> list[str]:
    return sorted(p.stem for p in (project / app / "migrations").glob("0*.py"))


# rows written before a rename's migration (old names), per case
SEED = {
    "rename_field": ["INSERT INTO shop_category (name, legacy) VALUES ('c', 0)",
                     ("INSERT INTO shop_product (created, name, category_id, price, sku) "
                     "VALUES ('2024-01-01 00:00:00', 'p', 1, 1, 'SKU-1')")],
    "rename_model": ["INSERT INTO shop_tag (label) VALUES ('red')"],
}


def schemas(urls: dict[str, str]) -> dict[str, Schema]:
    return {d: introspect(u)[0] for d, u in urls.items()}


def differences(ours: Schema, theirs: Schema, dialect: str) -> set[str]:
    return {op.describe() for op in diff(ours, theirs, get_dialect(dialect)).operations}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_written_migration_is_what_django_accepts(case: Case, baseline: Path, tmp_path: Path):
    ours, theirs = copy(baseline, tmp_path / "ours"), copy(baseline, tmp_path / "theirs")
    before = {app: migrations(ours, app) for app in APPS}
    edit(ours, case.edits)
    edit(theirs, case.edits)
    used = dialects()
    with contextlib.ExitStack() as stack:
        ours_db = {d: stack.enter_context(scratch_database(d, SERVERS.get(d))) for d in used}
        theirs_db = {d: stack.enter_context(scratch_database(d, SERVERS.get(d))) for d in used}
        if case.id in SEED:  # the old schema with rows, before mgen writes the migration
            h.manage_many(ours, [["migrate", "--database", d, "-v0"] for d in used], ours_db)
            for d, url in ours_db.items():
                with connect(url) as conn:
                    for sql in SEED[case.id]:
                        conn.execute(sql.replace('"', "`") if d == "mysql" else sql)

        result = generate(ours, name=None, renames=case.renames)
        kinds = {line.split()[1] for lines in result.operations.values() for line in lines}
        assert kinds == case.expect, result.operations
        for name in case.names:
            assert any(Path(p).stem.endswith(name) for p in result.files), (name, result.files)
        assert not generate(ours, name=None, renames=()).changed_apps  # the second run writes nothing
        check = h.manage(ours, "makemigrations", "--check", "--dry-run", check=False)
        assert check.returncode == 0, check.stdout + check.stderr

        commands = [["migrate", "--database", d, "-v0"] for d in used]
        for app in result.changed_apps:
            previous = [m for m in before[app]]
            target = previous[-1] if previous else "zero"
            commands += [["migrate", app, target, "--database", d, "-v0"] for d in used]
        commands += [["migrate", "--database", d, "-v0"] for d in used]
        h.manage_many(ours, commands, ours_db)
        mine = schemas(ours_db)
        for table, column, value in case.rows:
            for d, url in ours_db.items():
                with connect(url) as conn:
                    got = conn.query(f"SELECT {column} FROM {table}")
                assert got == [(value,)], (d, got)

        if case.renames:  # Django asks "Was ... renamed?": answer yes, as the hint does
            made = subprocess.run([sys.executable, "manage.py", "makemigrations"], cwd=theirs, env=h.env(),
                                  input="y\n" * 5, capture_output=True, text=True, timeout=300, check=False)
            assert made.returncode == 0 and "Rename" in made.stdout, made.stdout + made.stderr
            h.manage_many(theirs, [["migrate", "--database", d, "-v0"] for d in used], theirs_db)
        else:
            h.manage_many(theirs, [["makemigrations", "--noinput", "-v0"],
                                   *[["migrate", "--database", d, "-v0"] for d in used]], theirs_db)
        djangos = schemas(theirs_db)
    for d in used:
        assert differences(mine[d], djangos[d], d) == set(), d


def test_cases_cover_at_least_25_model_changes():
    assert sum(c.changes for c in CASES) >= 25


# -- the initial migrations, and what mgen refuses ---------------------------------------------------
def test_initial_migrations_from_empty_history(tmp_path: Path):
    ours = copy(FIXTURES / "store", tmp_path / "ours")
    theirs = copy(FIXTURES / "store", tmp_path / "theirs")
    result = generate(ours, name=None)
    assert result.changed_apps == ["accounts", "blog", "shop"]
    assert sorted(Path(p).name for p in result.files) == ["0001_initial.py"] * 3
    text = (ours / "blog" / "migrations" / "0001_initial.py").read_text()
    assert "('shop', '0001_initial')" in text and "initial = True" in text
    shop = (ours / "shop" / "migrations" / "0001_initial.py").read_text()
    assert "migrations.swappable_dependency(settings.AUTH_USER_MODEL)" in shop
    assert "import django.db.models.deletion" in shop and "on_delete=django.db.models.deletion.CASCADE" in shop
    assert h.manage(ours, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    used = dialects()
    with contextlib.ExitStack() as stack:
        a = {d: stack.enter_context(scratch_database(d, SERVERS.get(d))) for d in used}
        b = {d: stack.enter_context(scratch_database(d, SERVERS.get(d))) for d in used}
        h.manage_many(ours, [["migrate", "--database", d, "-v0"] for d in used], a)
        h.manage_many(theirs, [["makemigrations", "--noinput", "-v0"],
                               *[["migrate", "--database", d, "-v0"] for d in used]], b)
        mine, djangos = schemas(a), schemas(b)
    for d in used:
        assert differences(mine[d], djangos[d], d) == set(), d


def test_dry_run_writes_nothing_and_name_is_used(baseline: Path, tmp_path: Path):
    ours = copy(baseline, tmp_path / "ours")
    edit(ours, CASES[0].edits)
    result = generate(ours, name=None, dry_run=True)
    assert isinstance(result.files, dict) and migrations(ours, "shop") == ["0001_initial"]
    (path, text), = result.files.items()
    assert path.name == "0002_category_note_category_rank_category_hits.py"
    assert text.startswith("# Generated by mgen") and "from django.db import migrations, models" in text
    named = generate(ours, name="more_columns")
    assert [Path(p).name for p in named.files] == ["0002_more_columns.py"]


def test_without_a_hint_a_rename_is_remove_and_add_with_a_suggestion(baseline: Path, tmp_path: Path):
    ours = copy(baseline, tmp_path / "ours")
    edit(ours, [("shop/models.py", 'legacy = models.IntegerField(default=0)', 'old_legacy = models.IntegerField(default=0)')])
    result = generate(ours, name=None, dry_run=True)
    assert result.operations["shop"] == ["shop: RemoveField category.legacy", "shop: AddField category.old_legacy"]
    assert any("--rename shop.Category.legacy=old_legacy" in s for s in result.notes)


def test_nothing_to_do_is_an_empty_result(baseline: Path, tmp_path: Path):
    result = generate(copy(baseline, tmp_path / "ours"), name=None)
    assert not result and result.files == [] and result.operations == {}


def test_two_leaves_stop_with_the_readers_error(baseline: Path, tmp_path: Path):
    ours = copy(baseline, tmp_path / "ours")
    folder = ours / "shop" / "migrations"
    (folder / "0002_a.py").write_text("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                                      "    dependencies = [('shop', '0001_initial')]\n    operations = []\n")
    shutil.copy(folder / "0002_a.py", folder / "0002_b.py")
    with pytest.raises(MgenError, match="conflicting migrations in app 'shop'") as e:
        generate(ours, name=None)
    assert e.value.file and e.value.file.endswith("0002_b.py")


def test_a_value_only_running_code_knows_is_refused_with_file_and_line(baseline: Path, tmp_path: Path):
    ours = copy(baseline, tmp_path / "ours")
    edit(ours, [("shop/models.py", '    legacy = models.IntegerField(default=0)\n',
                 '    legacy = models.IntegerField(default=0)\n    extra = models.IntegerField(default=int("3") + 1)\n')])
    with pytest.raises(MgenError) as e:
        generate(ours, name=None)
    assert e.value.file.endswith("models.py") and e.value.line == 13
    assert migrations(ours, "shop") == ["0001_initial"]


def test_bad_rename_hints_are_errors(baseline: Path, tmp_path: Path):
    ours = copy(baseline, tmp_path / "ours")
    with pytest.raises(MgenError, match="expected app.Model.old_field=new_field"):
        generate(ours, name=None, renames=["shop.Product"])
    with pytest.raises(MgenError, match="no field shop.product.nope"):
        generate(ours, name=None, renames=["shop.Product.nope=x"])


def test_suggest_name_follows_django():
    from django.db import migrations as dj
    from django.db import models

    from mgen.frameworks.django.autodetect import MigrationOperation

    for count in (1, 2, 5):
        ops = [MigrationOperation("AddField", "shop", {"model_name": "category", "name": f"field_{i}"})
               for i in range(count)]
        theirs = dj.Migration("x", "shop")
        theirs.operations = [dj.AddField("category", f"field_{i}", models.IntegerField()) for i in range(count)]
        assert suggest_name(ops, initial=False) == theirs.suggest_name()
