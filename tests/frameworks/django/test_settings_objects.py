"""Settings read through an app's own objects and modules (issue #12, ``settings_objects``), judged by Django.

Each fixture is a few-line project of the shape real apps have: an ``AppSettings`` object whose properties
return ``self._setting(NAME, default)`` (a PEP 562 ``__getattr__``, or ``sys.modules[__name__] = obj``;
the getter through a ``lambda`` default and a library helper), models reading it (``max_length``, a Meta
``constraints.append`` and a field under ``if``), a migration choosing its operations on such a value; an
app's settings module binding a dependency list in an ``if``; swapper's swappable model. Django's
``makemigrations --check`` finds nothing to do, and neither does mgen; with the migration deleted mgen
writes one Django accepts; a setting changed in the project changes both the same way.
"""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import replay_project
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

_ID = "('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID'))"


def write_project(root: Path, files: dict[str, str], apps: str = "'app'", settings: str = "") -> Path:
    h.skeleton(root, apps, settings)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            if parent != Path(".") and parent.name != "config":
                (root / parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(text))
    return root


def set_setting(root: Path, line: str) -> None:
    settings = root / "config" / "settings.py"
    settings.write_text(settings.read_text() + line + "\n")


def django_agrees(root: Path) -> None:
    result = h.manage(root, "makemigrations", "--check", "--dry-run", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def regenerated(root: Path, app: str = "app") -> list[str]:
    """Delete the app's migrations, let mgen write them, and have Django check them."""
    for path in (root / app / "migrations").glob("0*.py"):
        path.unlink()
    written = generate(root, name=None)
    assert written.changed_apps == [app], written.operations
    django_agrees(root)
    return [Path(p).read_text() for p in written.files]


# -- an AppSettings object behind a PEP 562 __getattr__ ------------------------------------------------
APP_SETTINGS = """\
    from django.apps import apps


    class AppSettings:
        def __init__(self, prefix):
            self.prefix = prefix

        def _setting(self, name, dflt):
            from django.conf import settings

            getter = getattr(settings, "APP_SETTING_GETTER", lambda name, dflt: getattr(settings, name, dflt))
            return getter(self.prefix + name, dflt)

        @property
        def EMAIL_MAX_LENGTH(self):
            \"\"\"The column's length.\"\"\"
            return self._setting("EMAIL_MAX_LENGTH", 254)

        @property
        def UNIQUE_EMAIL(self):
            return self._setting("UNIQUE_EMAIL", True)

        @property
        def SITES_ENABLED(self):
            return apps.is_installed("django.contrib.sites")


    _app_settings = AppSettings("APP_")


    def __getattr__(name):
        return getattr(_app_settings, name)
    """
MODELS = """\
    from django.db import models
    from django.db.models import Q, UniqueConstraint

    from app import app_settings


    class Address(models.Model):
        email = models.EmailField(max_length=app_settings.EMAIL_MAX_LENGTH)
        if app_settings.SITES_ENABLED:
            site = models.IntegerField(default=0)

        class Meta:
            constraints = [UniqueConstraint(fields=["email"], name="one_primary", condition=Q(id__gt=0))]
            if app_settings.UNIQUE_EMAIL:
                constraints.append(UniqueConstraint(fields=["email"], name="unique_email"))
    """
MIGRATION = f"""\
    from django.conf import settings
    from django.db import migrations, models

    UNIQUE_EMAIL = getattr(settings, "APP_UNIQUE_EMAIL", True)


    class Migration(migrations.Migration):
        initial = True
        dependencies = []
        operations = [
            migrations.CreateModel('Address', [{_ID}, ('email', models.EmailField(max_length=254))]),
            migrations.AddConstraint('address', models.UniqueConstraint(
                condition=models.Q(('id__gt', 0)), fields=('email',), name='one_primary')),
        ]
        if UNIQUE_EMAIL:
            operations += [migrations.AddConstraint('address', models.UniqueConstraint(
                fields=('email',), name='unique_email'))]
    """


@pytest.fixture
def allauth_like(tmp_path) -> Path:
    return write_project(tmp_path, {"app/app_settings.py": APP_SETTINGS, "app/models.py": MODELS,
                                    "app/migrations/0001_initial.py": MIGRATION})


def test_app_settings_properties_read_as_django_reads_them(allauth_like):
    django_agrees(allauth_like)
    assert not generate(allauth_like, name=None, dry_run=True).operations
    texts = regenerated(allauth_like)
    assert "max_length=254" in texts[0] and "unique_email" in texts[0] and "site" not in texts[0]


def test_a_project_setting_changes_the_properties(allauth_like):
    set_setting(allauth_like, "APP_EMAIL_MAX_LENGTH = 100\nAPP_UNIQUE_EMAIL = False")
    result = generate(allauth_like, name=None)
    assert result.changed_apps == ["app"]
    text = Path(result.files[0]).read_text()
    assert "max_length=100" in text and "unique_email" not in text  # the migration 0001 read the setting too
    django_agrees(allauth_like)


def test_a_field_under_an_if_on_an_app_setting(allauth_like):
    settings = allauth_like / "config" / "settings.py"
    settings.write_text(settings.read_text().replace("INSTALLED_APPS = ['app']",
                                                     "INSTALLED_APPS = ['django.contrib.sites', 'app']"))
    result = generate(allauth_like, name=None)
    assert result.changed_apps == ["app"]
    assert "name='site'" in Path(result.files[0]).read_text()
    django_agrees(allauth_like)


def test_a_custom_getter_setting_is_refused_at_its_line(allauth_like):
    set_setting(allauth_like, "import os\nAPP_SETTING_GETTER = os.environ['GETTER']")
    with pytest.raises(MgenError, match=r"app_settings.UNIQUE_EMAIL .*settings.APP_SETTING_GETTER") as e:
        generate(allauth_like, name=None, dry_run=True)
    assert Path(e.value.file).name == "models.py" and e.value.line == 14


def test_a_property_mgen_cannot_follow_is_refused(allauth_like):
    path = allauth_like / "app" / "app_settings.py"
    path.write_text(path.read_text().replace('return self._setting("EMAIL_MAX_LENGTH", 254)',
                                             'for n in (254,):\n            return n'))
    with pytest.raises(MgenError, match=r"max_length=app_settings.EMAIL_MAX_LENGTH \(for n in .*app_settings.py:17"):
        generate(allauth_like, name=None, dry_run=True)


# -- sys.modules[__name__] = obj, the getter a library helper -------------------------------------------
OLD_APP_SETTINGS = """\
    class AppSettings(object):
        def __init__(self, prefix):
            self.prefix = prefix
            assert self.NAME_LENGTH > 0

        def _setting(self, name, dflt):
            from app.utils import get_setting

            return get_setting(self.prefix + name, dflt)

        @property
        def NAME_LENGTH(self):
            return self._setting("NAME_LENGTH", 30)


    import sys
    app_settings = AppSettings("APP_")
    app_settings.__name__ = __name__
    sys.modules[__name__] = app_settings
    """
UTILS = """\
    from django.conf import settings


    def import_callable(path_or_callable):
        if not callable(path_or_callable):
            raise ValueError(path_or_callable)
        else:
            ret = path_or_callable
        return ret


    def get_setting(name, dflt):
        getter = getattr(settings, "APP_SETTING_GETTER", lambda name, dflt: getattr(settings, name, dflt))
        getter = import_callable(getter)
        return getter(name, dflt)
    """


def test_a_module_replaced_by_its_settings_object(tmp_path):
    models = "from django.db import models\n\nfrom . import app_settings\n\n\nclass Tag(models.Model):\n" \
             "    name = models.CharField(max_length=app_settings.NAME_LENGTH)\n"
    migration = f"""\
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            operations = [migrations.CreateModel('Tag', [{_ID}, ('name', models.CharField(max_length=30))])]
        """
    root = write_project(tmp_path, {"app/app_settings.py": OLD_APP_SETTINGS, "app/utils.py": UTILS,
                                    "app/models.py": models, "app/migrations/0001_initial.py": migration})
    django_agrees(root)
    assert not generate(root, name=None, dry_run=True).operations
    set_setting(root, "APP_NAME_LENGTH = 40")
    assert "max_length=40" in Path(generate(root, name=None).files[0]).read_text()
    django_agrees(root)


# -- an app's settings module binding a dependency list in an if ------------------------------------------
CONF = """\
    from django.conf import settings

    TEAMS_ENABLED = getattr(settings, "APP_TEAMS_ENABLED", True)
    if TEAMS_ENABLED:
        TEAMS_DEPENDENCIES = getattr(settings, "APP_TEAMS_DEPENDENCIES", [("auth", "0001_initial")])
    else:
        TEAMS_DEPENDENCIES = []
    """


def test_dependencies_from_an_apps_settings_module(tmp_path):
    migration = f"""\
        from django.db import migrations, models

        from app import conf as app_settings


        class Migration(migrations.Migration):
            initial = True
            dependencies = [("contenttypes", "0001_initial")] + app_settings.TEAMS_DEPENDENCIES
            operations = [migrations.CreateModel('Team', [{_ID}])]
        """
    models = "from django.db import models\n\n\nclass Team(models.Model):\n    pass\n"
    root = write_project(tmp_path, {"app/conf.py": CONF, "app/models.py": models,
                                    "app/migrations/0001_initial.py": migration},
                         apps="'django.contrib.auth', 'django.contrib.contenttypes', 'app'")
    django_agrees(root)
    assert not generate(root, name=None, dry_run=True).operations
    set_setting(root, "APP_TEAMS_ENABLED = False")
    django_agrees(root)
    assert not generate(root, name=None, dry_run=True).operations
    set_setting(root, "import os\nAPP_TEAMS_ENABLED = os.environ['TEAMS'] == 'on'")
    with pytest.raises(MgenError, match="TEAMS_DEPENDENCIES"):
        replay_project(load_project(root))


# -- swapper ------------------------------------------------------------------------------------------------
SWAPPER = """\
    # a stand-in for the swapper library (its API, for Django to run the fixture)
    from django.conf import settings
    from django.db.migrations import swappable_dependency

    _prefixes = {}


    def swappable_setting(app_label, model):
        prefix = _prefixes.get(app_label, app_label)
        setting = f"{prefix.upper()}_{model.upper()}_MODEL"
        if not hasattr(settings, setting):
            setattr(settings, setting, f"{app_label}.{model}")
        return setting


    def get_model_name(app_label, model):
        return getattr(settings, swappable_setting(app_label, model), f"{app_label}.{model}")


    def dependency(app_label, model):
        return swappable_dependency(get_model_name(app_label, model))


    def set_app_prefix(app_label, prefix):
        _prefixes[app_label] = prefix
    """
PAGES = """\
    import swapper
    from django.db import models

    swapper.set_app_prefix("pages", "site")


    class Page(models.Model):
        title = models.CharField(max_length=50)

        class Meta:
            swappable = swapper.swappable_setting("pages", "Page")
    """
LINKS = """\
    import swapper
    from django.db import models


    class Link(models.Model):
        page = models.ForeignKey(swapper.get_model_name("pages", "Page"), on_delete=models.CASCADE)
    """


def test_swapper_models_and_migrations(tmp_path):
    pages_0001 = f"""\
        import swapper
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            operations = [migrations.CreateModel('Page', [{_ID}, ('title', models.CharField(max_length=50))],
                                                 options={{'swappable': swapper.swappable_setting('pages', 'Page')}})]
        """
    links_0001 = f"""\
        import swapper
        from django.conf import settings
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            dependencies = [swapper.dependency("pages", "Page"),
                            migrations.swappable_dependency(settings.SITE_PAGE_MODEL)]
            operations = [migrations.CreateModel('Link', [{_ID}, ('page', models.ForeignKey(
                on_delete=models.deletion.CASCADE, to=swapper.get_model_name("pages", "Page")))])]
        """
    root = write_project(tmp_path, {"swapper.py": SWAPPER, "pages/models.py": PAGES, "links/models.py": LINKS,
                                    "pages/migrations/0001_initial.py": pages_0001,
                                    "links/migrations/0001_initial.py": links_0001}, apps="'pages', 'links'")
    (root / "__init__.py").unlink(missing_ok=True)
    django_agrees(root)
    assert not generate(root, name=None, dry_run=True).operations
    state = replay_project(load_project(root))
    assert dict(state.model("links", "link").fields["page"].kwargs)["to"] in ("pages.page", "pages.Page")
    texts = regenerated(root, "links")
    assert "to='pages.page'" in texts[0] or 'to="pages.page"' in texts[0] or "settings.SITE_PAGE_MODEL" in texts[0]


# -- around them --------------------------------------------------------------------------------------------
def test_manage_py_that_sets_the_settings_module_outright(tmp_path):
    from mgen.frameworks.django.project import settings_from_manage_py

    (tmp_path / "manage.py").write_text('import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "test_settings"\n')
    assert settings_from_manage_py(tmp_path) == "test_settings"


def test_a_missing_local_settings_star_import_leaves_the_defaults_readable(allauth_like):
    """``try: from .local import * / except ImportError: pass`` with no local.py assigns nothing: a
    ``getattr(settings, NAME, default)`` is still its default."""
    set_setting(allauth_like, "try:\n    from .local_settings import *  # noqa\nexcept ImportError:\n    pass")
    django_agrees(allauth_like)
    assert not generate(allauth_like, name=None, dry_run=True).operations


def test_a_class_body_if_on_an_unreadable_test_is_refused_at_its_line(allauth_like):
    path = allauth_like / "app" / "models.py"
    path.write_text(path.read_text().replace("if app_settings.SITES_ENABLED:", "if len(__name__) > 3:"))
    with pytest.raises(MgenError, match=r"binds names under `if len\(__name__\) > 3`") as e:
        generate(allauth_like, name=None, dry_run=True)
    assert Path(e.value.file).name == "models.py" and e.value.line == 9
