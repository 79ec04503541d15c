"""``Meta.index_together`` (Django before 5.1; first met in Kiwi TCMS 2017, Django 2.0: an
``AlterIndexTogether(index_together=set())`` when a model's content-type pair went): changes are written as
``AlterIndexTogether`` the way ``unique_together``'s are (``generate_removed_altered_index_together`` before
the field operations, ``generate_altered_index_together`` after). Django 5.2 no longer reads the option from
a model but still runs the operation: it is the judge that the written migrations migrate forward and back,
and that the index it builds is the one mgen's schema names (``_create_index_name(..., suffix="_idx")``)."""
from __future__ import annotations

import ast
import shutil
import sqlite3
import sys
from pathlib import Path

from mgen.frameworks.django.tables import create_index_name
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

INITIAL = """\
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Link',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=10)),
                ('object_pk', models.IntegerField()),
                ('url', models.CharField(max_length=100)),
            ],
            options={
                'index_together': {('kind', 'object_pk')},
            },
        ),
    ]
"""
MODELS = """\
from django.db import models


class Link(models.Model):
    kind = models.CharField(max_length=10)
    object_pk = models.IntegerField()
    url = models.CharField(max_length=100)

    class Meta:
        index_together = %s
"""


def _migrate(root: Path, *args: str) -> None:
    """Django 5.2's ``migrate`` (it refuses Meta.index_together in a models module it imports: the models are
    set aside while it runs; migrate reads only the migrations)."""
    models = root / "shop" / "models.py"
    text = models.read_text()
    models.write_text("")
    try:
        h.manage(root, "migrate", *args, "-v0")
    finally:
        models.write_text(text)


def _indexes(root: Path) -> set[str]:
    with sqlite3.connect(root / "db.sqlite3") as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'shop_link'")}


def test_index_together_changes_are_written_and_migrate(tmp_path):
    root = h.write_project(tmp_path / "proj", {"shop": {"0001_initial": INITIAL}},
                           models={"shop": MODELS % "[('kind', 'object_pk')]"})
    (root / "requirements.txt").write_text("Django==4.2.11\n")
    (root / "config" / "settings.py").write_text((root / "config" / "settings.py").read_text().replace(
        "BigAutoField", "AutoField"))
    assert not generate(root, name=None, dry_run=True).operations
    _migrate(root)
    assert create_index_name("shop_link", ["kind", "object_pk"], "_idx", "sqlite") in _indexes(root)

    (root / "shop" / "models.py").write_text(MODELS % "[('kind', 'url')]")
    written = generate(root, name="pair")
    assert written.operations == {"shop": ["shop: AlterIndexTogether link"]}, written.operations
    text = (root / "shop" / "migrations" / "0002_pair.py").read_text()
    assert "index_together={('kind', 'url')}" in text, text
    (root / "shop" / "models.py").write_text(MODELS % "[]")
    written = generate(root, name="none")
    assert "index_together=set()" in (root / "shop" / "migrations" / "0003_none.py").read_text()
    assert not generate(root, name=None, dry_run=True).operations

    _migrate(root, "shop", "0002")
    assert create_index_name("shop_link", ["kind", "url"], "_idx", "sqlite") in _indexes(root)
    _migrate(root)
    assert not {i for i in _indexes(root) if i.endswith("_idx")}
    _migrate(root, "shop", "0001")
    assert create_index_name("shop_link", ["kind", "object_pk"], "_idx", "sqlite") in _indexes(root)


INDEXED = """\
from django.db import models


class Link(models.Model):
    kind = models.CharField(max_length=10)
    object_pk = models.IntegerField()
    url = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_pk"], name="link_kind_pk_idx")]
"""


def _operations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    ops = next(n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.targets[0].id == "operations")
    return sorted(ast.unparse(op) for op in ops.elts)


def test_an_index_together_entry_moved_to_meta_indexes_is_a_rename(tmp_path):
    """Django 4.1+: ``index_together`` -> an ``Index`` of the same fields with only a name is one
    ``RenameIndex(old_fields=...)`` (first met in Misago, Django 4.2): Django 5.2's makemigrations writes the
    same operations, reads ours back to the models, and migrates them forward and back."""
    root = h.write_project(tmp_path / "proj", {"shop": {"0001_initial": INITIAL}}, models={"shop": INDEXED})
    (root / "config" / "settings.py").write_text((root / "config" / "settings.py").read_text().replace(
        "BigAutoField", "AutoField"))
    theirs = tmp_path / "theirs"
    shutil.copytree(root, theirs)
    h.manage(theirs, "makemigrations", "shop", "-v0")
    written = generate(root, name=None)
    assert written.operations == {"shop": ["shop: RenameIndex link ('kind', 'object_pk') -> link_kind_pk_idx"]}
    ours = next((root / "shop" / "migrations").glob("0002_*.py"))
    django = next((theirs / "shop" / "migrations").glob("0002_*.py"))
    assert ours.name == django.name and _operations(ours) == _operations(django), (ours.read_text(), django.read_text())
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    h.manage(root, "migrate", "-v0")
    assert "link_kind_pk_idx" in _indexes(root)
    h.manage(root, "migrate", "shop", "0001", "-v0")  # backwards, Django leaves an unnamed index's rename alone
    h.manage(root, "migrate", "-v0")


def test_before_django_4_1_it_is_an_index_together_change_and_an_added_index(tmp_path):
    root = h.write_project(tmp_path / "proj", {"shop": {"0001_initial": INITIAL}}, models={"shop": INDEXED})
    (root / "requirements.txt").write_text("Django==3.2.25\n")
    (root / "config" / "settings.py").write_text((root / "config" / "settings.py").read_text().replace(
        "BigAutoField", "AutoField"))
    written = generate(root, name=None, dry_run=True)
    assert written.operations == {"shop": ["shop: AlterIndexTogether link", "shop: AddIndex link link_kind_pk_idx"]}
