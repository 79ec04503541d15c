"""Models and migrations that depend on the database at run time (first met in wagtail's search app, 2.15 -
6.x): a module-level ``if connection.vendor == ...`` in a models module, decided by the settings' ENGINE
(``module_branches``); a run-time condition only the running code decides (``if fts_available():``, whether
SQLite has FTS5), read both ways, the app answered only when its migration is the same either way
(``runtime_conditions``, ``worlds``); ``Model._meta.db_table`` in a migration (``model_meta``). Judged by
Django's ``makemigrations --check`` and ``migrate`` forward and back, on SQLite and PostgreSQL."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import require_server

from mgen.db import scratch_database
from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

ENGINES = {"sqlite": "django.db.backends.sqlite3", "postgresql": "django.db.backends.postgresql"}
SETTINGS = """
import os

DATABASES = {{
    "default": {{
        "ENGINE": "{engine}",
        "NAME": os.environ.get("FX_DB_NAME", "db.sqlite3"),
        "USER": os.environ.get("FX_DB_USER", ""),
        "PASSWORD": os.environ.get("FX_DB_PASSWORD", ""),
        "HOST": os.environ.get("FX_DB_HOST", ""),
        "PORT": os.environ.get("FX_DB_PORT", ""),
    }}
}}
"""
VENDOR_MODELS = """\
from django.db import connection, models


class BaseEntry(models.Model):
    title = models.CharField(max_length=100)

    class Meta:
        abstract = True


if connection.vendor == "postgresql":
    class AbstractEntry(BaseEntry):
        body = models.TextField(default="")

        class Meta(BaseEntry.Meta):
            abstract = True

elif connection.vendor == "sqlite":
    class AbstractEntry(BaseEntry):
        body = models.TextField(null=True)
%s
        class Meta(BaseEntry.Meta):
            abstract = True

    class SqliteOnly(models.Model):
        note = models.TextField()

else:
    AbstractEntry = BaseEntry


class Entry(AbstractEntry):
    pass
"""
VENDOR_MIGRATION = """\
from django.db import connection, migrations, models

ID = ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.CreateModel(name="Entry", fields=[ID, ("title", models.CharField(max_length=100))])]
    if connection.vendor == "postgresql":
        operations.append(migrations.AddField(model_name="entry", name="body", field=models.TextField(default="")))
    elif connection.vendor == "sqlite":
        operations += [
            migrations.AddField(model_name="entry", name="body", field=models.TextField(null=True)),
            migrations.CreateModel(name="SqliteOnly", fields=[ID, ("note", models.TextField())]),
        ]
"""


def _project(tmp_path: Path, dialect: str, apps: dict, models: dict) -> Path:
    root = tmp_path / "proj"
    h.write_project(root, apps, models)
    with (root / "config" / "settings.py").open("a") as f:
        f.write(SETTINGS.format(engine=ENGINES[dialect]))
    return root


def _judged(root: Path, dialect: str, server: str | None, app: str, back_to: str) -> None:
    """Django's own verdict on the project as it now is: nothing left to migrate, and the migrations run
    forward, back to ``back_to`` and forward again, on a scratch database of ``dialect``."""
    with scratch_database(dialect, server) as url, pytest.MonkeyPatch.context() as env:
        parts = urlsplit(url)
        if parts.hostname:  # the settings read the server from the environment (their defaults: SQLite's file)
            for key, value in (("NAME", parts.path.lstrip("/")), ("USER", parts.username), ("PASSWORD", parts.password),
                               ("HOST", parts.hostname), ("PORT", parts.port)):
                env.setenv(f"FX_DB_{key}", unquote(str(value or "")))
        else:
            env.setenv("FX_DB_NAME", unquote(parts.path))
        check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        h.manage(root, "migrate", "-v0")
        h.manage(root, "migrate", app, back_to, "-v0")
        h.manage(root, "migrate", "-v0")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_models_module_branch_on_the_vendor_is_the_settings_engine_s(tmp_path: Path, dialect: str):
    server = require_server(dialect)
    root = _project(tmp_path, dialect, {"search": {"0001_initial": VENDOR_MIGRATION}},
                    {"search": VENDOR_MODELS % ""})
    assert not generate(root, name=None, dry_run=True).operations  # IndexEntry's base is the branch's class
    _judged(root, dialect, server, "search", "zero")
    # a field added in the SQLite branch only: a migration on SQLite, none on PostgreSQL (as makemigrations)
    (root / "search" / "models.py").write_text(VENDOR_MODELS % "        rank = models.IntegerField(default=0)\n")
    result = generate(root, name=None)
    expected = {"search": ["search: AddField entry.rank"]} if dialect == "sqlite" else {}
    assert result.operations == expected, result.operations
    _judged(root, dialect, server, "search", "0001" if dialect == "sqlite" else "zero")


FEATURES = """\
import sqlite3


def fts_available():
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE VIRTUAL TABLE probe USING fts5(data)")
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()
    return True
"""
RUNTIME_MODELS = """\
from django.db import models

from .features import fts_available


class Entry(models.Model):
    title = models.CharField(max_length=100)


if fts_available():
    class FtsEntry(models.Model):
        entry = models.OneToOneField(Entry, primary_key=True, on_delete=models.CASCADE, db_column="rowid")
        title = models.TextField()
%s
        class Meta:
            db_table = "search_entry_fts"
"""
RUNTIME_MIGRATION = """\
from django.db import migrations, models

from search.models import Entry


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Entry", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("title", models.CharField(max_length=100)),
        ]),
    ]

    from search.features import fts_available

    if fts_available():
        operations.append(migrations.CreateModel(
            name="FtsEntry",
            fields=[
                ("entry", models.OneToOneField(on_delete=models.deletion.CASCADE, primary_key=True, serialize=False,
                                               db_column="rowid", to="search.entry")),
                ("title", models.TextField()),
            ],
            options={"db_table": "%s_fts" % Entry._meta.db_table},
        ))
"""
SHOP = "from django.db import models\n\n\nclass Item(models.Model):\n    name = models.CharField(max_length=20)\n%s"
SHOP_MIGRATION = """\
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Item", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("name", models.CharField(max_length=20)),
        ]),
    ]
"""


def _runtime_project(tmp_path: Path, dialect: str) -> Path:
    root = _project(tmp_path, dialect, {"search": {"0001_initial": RUNTIME_MIGRATION},
                                        "shop": {"0001_initial": SHOP_MIGRATION}},
                    {"search": RUNTIME_MODELS % "", "shop": SHOP % ""})
    (root / "search" / "features.py").write_text(FEATURES)
    return root


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_run_time_condition_read_both_ways_gives_one_answer(tmp_path: Path, dialect: str):
    server = require_server(dialect)
    root = _runtime_project(tmp_path, dialect)
    for _ in range(2):  # the second run reads its caches: what depended on the condition was not kept
        result = generate(root, name=None, dry_run=True)
        assert not result.operations, result.operations
        assert any("fts_available() is decided only when the code runs" in n and "0001_initial.py:" in n
                   for n in result.notes), result.notes
    _judged(root, dialect, server, "search", "zero")
    (root / "shop" / "models.py").write_text(SHOP % "    price = models.IntegerField(default=0)\n")
    result = generate(root, name=None)
    assert result.operations == {"shop": ["shop: AddField item.price"]}, result.operations
    _judged(root, dialect, server, "shop", "0001")


def test_a_migration_that_depends_on_a_run_time_condition_is_refused_there(tmp_path: Path):
    root = _runtime_project(tmp_path, "sqlite")
    (root / "search" / "models.py").write_text(RUNTIME_MODELS % "        body = models.TextField(null=True)\n")
    (root / "shop" / "models.py").write_text(SHOP % "    price = models.IntegerField(default=0)\n")
    with pytest.raises(MgenError) as refused:
        generate(root, name=None, dry_run=True)
    error = refused.value
    assert "depends on fts_available(), which only the running code decides" in error.message
    assert (Path(error.file).name, error.line) in {("0001_initial.py", 18), ("models.py", 10)}, (error.file, error.line)
    assert "app search refused" in str(error)
    # the other app is still answered alone, as makemigrations shop would
    result = generate(root, name=None, apps=["shop"])
    assert result.operations == {"shop": ["shop: AddField item.price"]}, result.operations


def test_a_model_under_a_test_mgen_cannot_read_refuses_its_app(tmp_path: Path):
    models = "from django.db import models\n\nimport missing_library\n\n\nif missing_library.ENABLED:\n" \
             "    class Entry(models.Model):\n        title = models.CharField(max_length=100)\n"
    root = _project(tmp_path, "sqlite", {"search": {}, "shop": {"0001_initial": SHOP_MIGRATION}},
                    {"search": models, "shop": SHOP % ""})
    with pytest.raises(MgenError) as refused:
        generate(root, name=None, dry_run=True)
    assert "model Entry is defined under `if missing_library.ENABLED`" in refused.value.message
    assert (Path(refused.value.file).name, refused.value.line) == ("models.py", 6)
    assert not generate(root, name=None, dry_run=True, apps=["shop"]).operations


def test_drift_is_read_both_ways_too(tmp_path: Path):
    from mgen.frameworks.django.framework import DjangoFramework

    root = _runtime_project(tmp_path, "sqlite")
    assert DjangoFramework().drift_lines(root, None, None) == []
    (root / "shop" / "models.py").write_text(SHOP % "    price = models.IntegerField(default=0)\n")
    assert DjangoFramework().drift_lines(root, None, None) == ["shop: AddField item.price"]
    (root / "search" / "models.py").write_text(RUNTIME_MODELS % "        body = models.TextField(null=True)\n")
    with pytest.raises(MgenError, match="depends on fts_available"):
        DjangoFramework().drift_lines(root, None, None)


IMPORTED_MODELS = """\
from django.conf import settings
from django.db import models

if getattr(settings, "USE_CUSTOM_BASE", False):
    from .bases import CustomBase as Base
else:
    from .bases import PlainBase as Base


class Entry(Base):
    title = models.CharField(max_length=100)
"""
BASES = """\
from django.db import models


class PlainBase(models.Model):
    class Meta:
        abstract = True


class CustomBase(models.Model):
    rank = models.IntegerField(default=0)

    class Meta:
        abstract = True
"""
IMPORTED_MIGRATION = """\
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Entry", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("title", models.CharField(max_length=100)),
        ]),
    ]
"""


def test_a_name_imported_in_a_branch_on_a_setting_is_that_branch_s(tmp_path: Path):
    # wagtail's test app: ``if swapper.is_swapped("wagtailcore", "Page"): from ... import BasePage as Page``
    root = _project(tmp_path, "sqlite", {"search": {"0001_initial": IMPORTED_MIGRATION}},
                    {"search": IMPORTED_MODELS})
    (root / "search" / "bases.py").write_text(BASES)
    assert not generate(root, name=None, dry_run=True).operations
    with (root / "config" / "settings.py").open("a") as f:
        f.write("USE_CUSTOM_BASE = True\n")
    result = generate(root, name=None)
    assert result.operations == {"search": ["search: AddField entry.rank"]}, result.operations
    _judged(root, "sqlite", None, "search", "0001")


USER_MODELS = """\
from django.contrib.auth import get_user_model
from django.db import models


class Session(models.Model):
    user = models.ForeignKey(get_user_model(), on_delete=models.CASCADE, related_name="sessions")
%s"""


def test_a_relation_to_get_user_model_is_the_swappable_setting(tmp_path: Path):
    # wagtail's admin (2024): ``ForeignKey(get_user_model(), ...)``, which Django writes as
    # ``to=settings.AUTH_USER_MODEL`` with a swappable dependency
    root = tmp_path / "proj"
    h.skeleton(root, "'django.contrib.auth', 'django.contrib.contenttypes', 'sessions_app'")
    (root / "sessions_app" / "migrations").mkdir(parents=True)
    for rel in ("__init__.py", "migrations/__init__.py"):
        (root / "sessions_app" / rel).write_text("")
    (root / "sessions_app" / "models.py").write_text(USER_MODELS % "")
    h.manage(root, "makemigrations", "sessions_app", "-v0")
    assert "settings.AUTH_USER_MODEL" in (root / "sessions_app" / "migrations" / "0001_initial.py").read_text()
    assert not generate(root, name=None, dry_run=True).operations
    (root / "sessions_app" / "models.py").write_text(USER_MODELS % "    seen = models.IntegerField(default=0)\n")
    result = generate(root, name=None)
    assert result.operations == {"sessions_app": ["sessions_app: AddField session.seen"]}, result.operations
    _judged(root, "sqlite", None, "sessions_app", "0001")


MANAGED = """\
from django.db import models


class CustomManager(models.Manager):
    pass


class Item(models.Model):
    name = models.CharField(max_length=20)
%s"""


def test_a_default_manager_not_named_objects_is_written_as_django_s_shim(tmp_path: Path):
    # wagtail's test app (2024): ``instances = CustomManager()``, its only manager: Django's CreateModel
    # carries ``managers=[("instances", models.Manager())]``
    root = h.write_project(tmp_path / "proj", {"shop": {"0001_initial": SHOP_MIGRATION}}, {"shop": SHOP % ""})
    (root / "shop" / "models.py").write_text(SHOP % "" + "\n\n" + MANAGED.split("\n\n\n", 1)[1].replace(
        "class Item(", "class Stock(") % "    instances = CustomManager()\n"
        + "\n\nCustomManager = models.Manager.from_queryset(models.QuerySet)  # bound again below the model\n")
    written = generate(root, name=None)
    assert written.operations == {"shop": ["shop: CreateModel Stock"]}, written.operations
    text = Path(written.files[0]).read_text()
    assert "managers=[" in text and "('instances', django.db.models.manager.Manager())" in text, text
    check = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    h.manage(root, "migrate", "-v0")
    h.manage(root, "migrate", "shop", "0001", "-v0")
