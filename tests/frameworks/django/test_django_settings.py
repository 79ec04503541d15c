"""The static settings evaluator (``frameworks/django/settings.py``), one construct per test, on small
settings modules written into a scratch project (nothing is imported: Django never sees these)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.detect import detect
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.settings import Conditional, evaluate_settings
from mgen.frameworks.django.source import Finder
from mgen.frameworks.django.state import Opaque

MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")\nimport django\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def settings(tmp_path: Path, files: dict[str, str], name: str = "conf.settings") -> dict:
    root = write(tmp_path, {"conf/__init__.py": "", **files})
    finder = Finder.for_project(root)
    return evaluate_settings(finder, finder.module(name), root).values


def test_concatenation_of_an_imported_list_and_in_place_changes(tmp_path):
    values = settings(tmp_path, {
        "conf/apps.py": "CORE = ('a', 'b')\nEXTRA = ['x']\n",
        "conf/settings.py": """
            from conf.apps import CORE, EXTRA as MORE
            from conf import apps
            INSTALLED_APPS = list(CORE) + MORE + apps.EXTRA
            INSTALLED_APPS += ['c']
            INSTALLED_APPS.extend(('d', 'e'))
            INSTALLED_APPS.insert(0, 'first')
            INSTALLED_APPS.remove('x')
            INSTALLED_APPS.append('last')
            """})
    assert values["INSTALLED_APPS"] == ["first", "a", "b", "x", "c", "d", "e", "last"]


def test_star_imports_in_order_with_all_and_a_missing_local(tmp_path):
    values = settings(tmp_path, {
        "conf/base.py": "__all__ = ['INSTALLED_APPS', 'DEBUG']\nINSTALLED_APPS = ['base']\nDEBUG = False\nSECRET = 1\n",
        "conf/dev.py": "from .base import *\nDEBUG = True\n",
        "conf/settings.py": """
            from .base import *
            from .dev import *
            try:
                from .local import *
            except ImportError:
                INSTALLED_APPS = INSTALLED_APPS + ['no_local']
            """})
    assert values["INSTALLED_APPS"] == ["base", "no_local"]
    assert values["DEBUG"] is True  # the later star import wins
    assert "SECRET" not in values  # not in base's __all__


def test_a_present_local_module_is_taken_and_its_handler_is_not(tmp_path):
    values = settings(tmp_path, {
        "conf/local.py": "INSTALLED_APPS = ['local']\n",
        "conf/settings.py": "INSTALLED_APPS = ['base']\ntry:\n    from .local import *\nexcept ImportError:\n"
                            "    INSTALLED_APPS = ['handler']\n"})
    assert values["INSTALLED_APPS"] == ["local"]


def test_the_environment_is_empty_and_the_other_branch_is_recorded(tmp_path):
    root = write(tmp_path, {"conf/__init__.py": "", "conf/settings.py": """
        import os
        from os import environ
        ENGINE = os.environ.get("DB_ENGINE", "django.db.backends.postgresql")
        NAME = environ.get("DB_NAME")
        PORT = int(os.getenv("DB_PORT", "5432"))
        INSTALLED_APPS = ["a"]
        if os.environ.get("WITH_B"):
            INSTALLED_APPS.append("b")
        if "WITH_C" in os.environ:
            INSTALLED_APPS.append("c")
        else:
            INSTALLED_APPS.append("not_c")
        SECRET = os.environ["SECRET"]
        """})
    finder = Finder.for_project(root)
    evaluated = evaluate_settings(finder, finder.module("conf.settings"), root)
    values = evaluated.values
    assert (values["ENGINE"], values["NAME"], values["PORT"]) == ("django.db.backends.postgresql", None, 5432)
    assert values["INSTALLED_APPS"] == ["a", "not_c"]
    assert [(line, apps) for _, line, _, apps in evaluated.other_branch_apps] == [(8, ["b"]), (10, ["c"])]
    assert isinstance(values["SECRET"], Opaque) and values["SECRET"].line == 14


def test_an_undecided_if_keeps_both_branches_marked(tmp_path):
    values = settings(tmp_path, {"conf/settings.py": """
        from somewhere_unknown import flag
        INSTALLED_APPS = ["a"]
        if flag():
            INSTALLED_APPS.append("b")
        else:
            INSTALLED_APPS.append("c")
        DEBUG = True
        if flag():
            DEBUG = False
        """})
    apps = values["INSTALLED_APPS"]
    assert apps[0] == "a" and [c.value for c in apps[1:]] == ["b", "c"]
    assert all(isinstance(c, Conditional) and c.line == 4 for c in apps[1:])
    assert isinstance(values["DEBUG"], Opaque)


def test_unknown_parts_of_a_list_stay_unknown_items(tmp_path):
    values = settings(tmp_path, {"conf/settings.py": """
        from importlib.metadata import entry_points
        from plugins_lib import discover
        INSTALLED_APPS = [*discover(), "a"]
        for plugin in entry_points():
            INSTALLED_APPS.append(plugin.value)
        for app in ["b", "c"]:
            INSTALLED_APPS.append(app)
        """})
    apps = values["INSTALLED_APPS"]
    assert [a for a in apps if isinstance(a, str)] == ["a", "b", "c"]
    assert [type(a) for a in apps] == [Opaque, str, Opaque, str, str]


def test_subscript_assignment_and_dict_update(tmp_path):
    values = settings(tmp_path, {"conf/settings.py": """
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}
        DATABASES["default"]["ENGINE"] = "django.db.backends.mysql"
        DATABASES["default"].update({"OPTIONS": {"charset": "utf8mb4"}})
        """})
    assert values["DATABASES"] == {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "x",
                                               "OPTIONS": {"charset": "utf8mb4"}}}


def test_dialect_from_the_default_branch_of_the_environment(tmp_path):
    """The dialect is the ENGINE the settings give with the environment empty, not a driver in the
    requirements: here psycopg is required but the settings default to MySQL."""
    root = write(tmp_path, {
        "manage.py": MANAGE, "conf/__init__.py": "", "requirements.txt": "django\npsycopg[binary]\n",
        "conf/base.py": 'import os\nDATABASES = {"default": {"ENGINE": os.environ.get("ENGINE", '
                        '"django.db.backends.mysql"), "NAME": os.environ["DB"]}}\n',
        "conf/settings.py": "from .base import *\nINSTALLED_APPS = []\n"})
    assert load_project(root).database_dialect == "mysql"
    found = detect(root)
    assert (found.framework, found.dialect) == ("django", "mysql")


def test_settings_without_installed_apps_name_the_missing_import(tmp_path):
    write(tmp_path, {"manage.py": MANAGE, "conf/__init__.py": "", "conf/settings.py": "from .common import *\n"})
    with pytest.raises(MgenError, match=r"sets no INSTALLED_APPS \(it imports conf.common, found nowhere\)"):
        load_project(tmp_path)


def test_sys_path_inserts_of_manage_py_find_the_settings(tmp_path):
    write(tmp_path, {
        "manage.py": 'import os, sys\nfrom pathlib import Path\n'
                     'sys.path.insert(0, str(Path(__file__).resolve().parent / "server"))\n' + MANAGE,
        "server/conf/__init__.py": "", "server/conf/settings.py": "INSTALLED_APPS = ['shop']\n",
        "server/shop/__init__.py": "", "server/shop/models.py": "from django.db import models\n"})
    project = load_project(tmp_path)
    assert [(a.label, a.in_project) for a in project.apps] == [("shop", True)]


def test_an_unknown_sequence_added_to_a_list_is_an_unknown_part_of_it(tmp_path):
    values = settings(tmp_path, {"conf/settings.py": """
        from plugins_lib import load
        PLUGINS = load("plugins.txt") or []
        INSTALLED_APPS = PLUGINS + ["a", "b"]
        INSTALLED_APPS += ("c",) + load()
        """})
    apps = values["INSTALLED_APPS"]
    assert [a if isinstance(a, str) else "?" for a in apps] == ["?", "a", "b", "c", "?"]


def test_python2_implicit_relative_star_import(tmp_path):
    values = settings(tmp_path, {"conf/common.py": "INSTALLED_APPS = ('a',)\n",
                                 "conf/settings.py": "from common import *\nINSTALLED_APPS += ('b',)\n"})
    assert values["INSTALLED_APPS"] == ("a", "b")


def test_apps_of_an_undecided_if_are_read_when_found_and_noted(tmp_path):
    write(tmp_path, {
        "manage.py": MANAGE, "conf/__init__.py": "",
        "conf/settings.py": """
            from feature_flags import enabled
            INSTALLED_APPS = ["shop"]
            if enabled("extras"):
                INSTALLED_APPS += ["extra", "ghost", "other.shop"]
            """,
        "shop/__init__.py": "", "shop/models.py": "", "extra/__init__.py": "", "extra/models.py": "",
        "other/__init__.py": "", "other/shop/__init__.py": "", "other/shop/models.py": ""})
    project = load_project(tmp_path)
    assert [a.name for a in project.apps] == ["shop", "extra"]
    notes = [n.one_line() for n in project.notes]
    assert any("settings.py:4" in n and "extra only when enabled('extras'): read" in n for n in notes), notes
    assert any("ghost only when" in n and "not read" in n for n in notes), notes
    assert any("other.shop not read: its label 'shop'" in n for n in notes), notes


def test_database_url_default_gives_the_engine(tmp_path):
    values = settings(tmp_path, {"conf/settings.py": """
        import dj_database_url
        DATABASES = {"default": dj_database_url.config(default="postgres://u@localhost/app", conn_max_age=60)}
        OTHER = dj_database_url.parse("mysql://u@h/db")
        """})
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert values["OTHER"]["ENGINE"] == "django.db.backends.mysql"


def test_a_project_pinning_another_django_is_told_which_django_is_read(tmp_path):
    """Fields deconstruct differently across Django versions: when the project pins one whose source mgen does
    not read (no environment of its own), the answer says so instead of passing the differences off as changes."""
    import sys as _sys

    from mgen.frameworks.django.project import load_project

    _sys.path.insert(0, str(Path(__file__).parents[2] / "fixtures" / "django" / "_common"))
    import djharness as h

    project = h.copy_project("basics", tmp_path)
    (project / "requirements.txt").write_text("Django==1.11.29\npsycopg2==2.8\n")
    notes = [n.message for n in load_project(project).notes]
    assert any("pins Django 1.11.29" in n and "--engine native" in n for n in notes), notes
    import django

    (project / "requirements.txt").write_text(f"Django=={django.get_version()}\n")
    assert not [n for n in (m.message for m in load_project(project).notes) if "pins Django" in n]
