"""Multi-table inheritance (wagtail's ``SimplePage(Page)``), judged by Django itself.

A project of two apps whose models cover what ``ModelBase`` does with concrete parents: a chain
(``Bar(Restaurant(Place))``), an abstract mixin before and after a concrete parent, two concrete parents, a
child of a proxy, a declared ``parent_link``, a parent in another app, Meta inheritance (a concrete
parent's ``ordering`` is not the child's option; an abstract mixin's Meta is). Django's ``makemigrations``
writes the migrations; mgen must then find nothing to do, read both sides to equal states, and, with the
migrations removed, write migrations Django accepts (``makemigrations --check``), with the same operations
in the same order, that ``migrate`` applies and reverses on SQLite and PostgreSQL.
"""
from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

import pytest
from conftest import SERVERS, _unreachable

from mgen.db import scratch_database
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import models_state, replay_project
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

SHOP = '''from django.db import models


class Place(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        get_latest_by = "name"


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class Bar(Restaurant):
    happy_hour = models.BooleanField(default=False)


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=10, default="")

    class Meta:
        abstract = True
        ordering = ["-created"]


class Cafe(Stamped, Place):
    wifi = models.BooleanField(default=True)


class Kiosk(Place, Stamped):
    open_late = models.BooleanField(default=False)

    class Meta:
        verbose_name = "kiosk"


class Owned(models.Model):
    owned_key = models.AutoField(primary_key=True)
    owner = models.CharField(max_length=30)


class Franchise(Place, Owned):
    code = models.CharField(max_length=8)


class PlaceProxy(Place):
    class Meta:
        proxy = True


class PopUp(PlaceProxy):
    days = models.IntegerField(default=1)


class Shop(Place):
    place = models.OneToOneField(Place, on_delete=models.CASCADE, parent_link=True, related_name="+")
    till = models.IntegerField(default=0)
'''

BLOG = '''from django.db import models

from shop.models import Place, Restaurant


class Venue(Place):
    capacity = models.IntegerField()
    favourite = models.ForeignKey(Restaurant, on_delete=models.SET_NULL, null=True, related_name="+")
'''


def make_project(root: Path) -> Path:
    h.write_project(root, {"shop": {}, "blog": {}}, {"shop": SHOP, "blog": BLOG})
    h.manage(root, "makemigrations", "shop", "blog", "-v0")
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "proj")


def test_in_sync_is_no_change_and_both_states_agree(project):
    result = generate(project, name=None, dry_run=True)
    assert not result.operations, result.operations
    loaded = load_project(project)
    desired, migrated = models_state(loaded).only({"shop", "blog"}), replay_project(loaded, {"shop", "blog"})
    assert migrated.differences(desired) == []
    for key, model in migrated.models.items():  # what the autodetector does not compare must agree too
        assert list(desired.models[key].fields) == list(model.fields), key
        assert desired.models[key].bases == model.bases, key
    bar = desired.model("shop", "bar")
    assert list(bar.fields) == ["restaurant_ptr", "happy_hour"]
    assert bar.fields["restaurant_ptr"].kwargs == {
        "auto_created": True, "on_delete": bar.fields["restaurant_ptr"].kwargs["on_delete"], "parent_link": True,
        "primary_key": True, "serialize": False, "to": "shop.restaurant"}
    assert bar.bases == ("shop.restaurant",) and "ordering" not in bar.options
    assert desired.model("shop", "cafe").options.get("ordering") == ["-created"]
    assert list(desired.model("shop", "franchise").fields) == ["owned_ptr", "place_ptr", "code"]
    assert desired.model("shop", "popup").bases == ("shop.placeproxy",)
    assert "place_ptr" in desired.model("shop", "popup").fields
    assert list(desired.model("shop", "shop").fields) == ["place", "till"]
    assert desired.model("blog", "venue").bases == ("shop.place",)


def test_a_field_of_a_child_changed_is_one_alter_field(project):
    models = project / "shop" / "models.py"
    models.write_text(models.read_text().replace("happy_hour = models.BooleanField(default=False)",
                                                 "happy_hour = models.BooleanField(default=True)"))
    result = generate(project, name=None, dry_run=True)
    assert result.operations == {"shop": ["shop: AlterField bar.happy_hour"]}, result.operations


def test_regenerated_migrations_are_djangos(project, tmp_path):
    theirs = tmp_path / "theirs"
    shutil.copytree(project, theirs)
    for app in ("shop", "blog"):
        for path in (project / app / "migrations").glob("0*.py"):
            path.unlink()
    generate(project, name=None)
    for app in ("shop", "blog"):
        mine = [p.name for p in sorted((project / app / "migrations").glob("0*.py"))]
        djangos = [p.name for p in sorted((theirs / app / "migrations").glob("0*.py"))]
        assert mine == djangos, (mine, djangos)
        for name in mine:
            assert operations_of(project / app / "migrations" / name) == \
                operations_of(theirs / app / "migrations" / name), name
    assert h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    dialects = ["sqlite"] + (["postgresql"] if not _unreachable("postgresql") else [])
    with contextlib.ExitStack() as stack:
        dbs = {d: stack.enter_context(scratch_database(d, SERVERS.get(d))) for d in dialects}
        h.manage_many(project, [step for d in dialects for step in (
            ["migrate", "--database", d, "-v0"], ["migrate", "shop", "zero", "--database", d, "-v0"],
            ["migrate", "--database", d, "-v0"])], dbs)


def operations_of(path: Path) -> list[str]:
    """The migration's dependencies and operations as Django's writer printed them, one string each, in
    any order (Django orders them by its dependency sort, which mgen does not copy; the fields inside an
    operation are in order). Options are compared by key (mgen writes them sorted)."""
    import ast

    tree = ast.parse(path.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    out = []
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and stmt.targets[0].id in ("operations", "dependencies"):  # type: ignore[attr-defined]
            value = stmt.value
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            out.append(f"{stmt.targets[0].id}:")  # type: ignore[attr-defined]
            out.extend(sorted(ast.unparse(_options_sorted(i)) for i in items))
    return out


def _options_sorted(node):
    import ast

    for kw in getattr(node, "keywords", ()):
        if kw.arg == "options" and isinstance(kw.value, ast.Dict):
            pairs = sorted(zip(kw.value.keys, kw.value.values), key=lambda p: ast.unparse(p[0]))
            kw.value.keys, kw.value.values = [k for k, _ in pairs], [v for _, v in pairs]
    return node
