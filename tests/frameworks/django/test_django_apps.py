"""Apps and settings of real-world project layouts, judged by Django itself.

Each fixture is a Django project laid out as real projects are (issue #12 items 4 and 5):

- ``settings_package``: a settings package (``from .base import *``, then ``from .local import *`` guarded by
  ``except ImportError``), ``INSTALLED_APPS`` built by concatenating a list imported from another module,
  ``+=``, ``.append``, ``.remove`` (of an app whose models exist and must not be read), and an app inserted only
  when an environment variable is set;
- ``src_layout``: the library in ``src/`` (``[tool.setuptools.packages.find] where = ["src"]``), its test
  project's settings module inside the package, named by a ``manage.py`` in ``sandbox/``;
- ``app_above``: a reusable app at the repository root (``setup.py``, ``find_packages()``) and its example
  project in ``example/``, whose ``manage.py`` puts ``apps/`` on ``sys.path``.

Django runs each as it would once the package is installed editable (the package folder on PYTHONPATH).
For each: Django writes the initial migrations; mgen must find nothing to do (and must have read every app);
then the migration of an app outside the folder of ``manage.py`` is deleted, mgen writes it again, and
Django's ``makemigrations --check`` finds nothing left to do, and ``migrate`` runs it forward and back.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h


@dataclass(frozen=True)
class Layout:
    fixture: str
    manage: str  # the folder of manage.py, from the fixture's root
    python_path: tuple[str, ...]  # what the editable install puts on the path, from the fixture's root
    apps: frozenset[str]  # the labels mgen must read as the project's
    regenerate: str  # an app outside the folder of manage.py (or built by the settings): its migration
    # is deleted and written again by mgen (path of its migrations folder from the fixture's root)


LAYOUTS = {
    "settings_package": Layout("settings_package", ".", (), frozenset({"shop", "blog", "reviews"}), "blog/migrations"),
    "src_layout": Layout("src_layout", "sandbox", ("src",), frozenset({"books"}), "src/library/books/migrations"),
    "app_above": Layout("app_above", "example", (".",), frozenset({"accounts", "profiles"}),
                        "reusable/accounts/migrations"),
}


def django(layout: Layout, root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = h.env()
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], *(str(root / p) for p in layout.python_path)])
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=root / layout.manage, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_read_as_django_runs_it(name: str, tmp_path: Path):
    layout = LAYOUTS[name]
    root = h.copy_project(name, tmp_path)
    django(layout, root, "makemigrations", "--noinput", "-v0")
    project_dir = root / layout.manage

    project = load_project(project_dir)
    assert {a.label for a in project.project_apps} == layout.apps
    assert not generate(project_dir, name=None, dry_run=True).operations  # in sync, with every app read

    written = sorted((root / layout.regenerate).glob("0001_*.py"))
    assert written, "Django wrote the app's initial migration"
    for path in written:
        path.unlink()
    result = generate(project_dir, name=None)
    label = Path(layout.regenerate).parent.name
    assert label in result.changed_apps and result.files
    assert django(layout, root, "makemigrations", "--check", "--dry-run", "-v1").returncode == 0
    django(layout, root, "migrate", "-v0")
    django(layout, root, "migrate", label, "zero", "-v0")
    django(layout, root, "migrate", "-v0")


def test_settings_package_notes_the_apps_the_environment_would_add(tmp_path: Path):
    project = load_project(h.copy_project("settings_package", tmp_path))
    assert [a.name for a in project.apps] == ["django.contrib.contenttypes", "django.contrib.auth", "shop",
                                              "blog", "reviews"]
    assert project.settings["DEFAULT_AUTO_FIELD"] == "django.db.models.BigAutoField"  # from the star import
    notes = [n.one_line() for n in project.notes]
    assert any("base.py:14" in n and "when DEBUG" in n and "debugtools" in n for n in notes), notes
    # a local.py, when there is one, wins over the base
    (project.root / "config" / "settings" / "local.py").write_text('INSTALLED_APPS = ["shop"]\n')
    assert [a.name for a in load_project(project.root).apps] == ["shop"]


def test_an_installed_app_off_the_module_path_is_an_error_not_silence(tmp_path: Path):
    """Without the setup.py that makes the repository root a package folder, the reusable app is in the
    repository but not where Python would look: reading the project without it would say "no changes" for
    every change to it."""
    root = h.copy_project("app_above", tmp_path)
    (root / "setup.py").unlink()
    with pytest.raises(MgenError, match=r"installed app reusable\.accounts is at .*reusable/accounts, which is "
                                        r"not on the module path") as e:
        load_project(root / "example")
    assert e.value.file.endswith("settings.py")


def test_an_installed_app_found_nowhere_is_noted(tmp_path: Path):
    root = h.copy_project("src_layout", tmp_path)
    settings = root / "src" / "library" / "testing" / "settings.py"
    settings.write_text(settings.read_text().replace('"library.books")', '"library.books", "not_installed")'))
    project = load_project(root / "sandbox")
    assert {a.label for a in project.project_apps} == {"books"}
    assert any("found nowhere" in n.message and "not_installed" in n.message for n in project.notes)


def test_a_changed_models_file_of_no_app_read_is_an_error(tmp_path: Path):
    """git says an app's models changed, but the settings install no app there: refused, naming the file."""
    root = h.copy_project("app_above", tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=root, check=True)
    settings = root / "example" / "example" / "settings.py"
    settings.write_text(settings.read_text().replace('REUSABLE_APPS = ("reusable.accounts",)', "REUSABLE_APPS = ()"))
    load_project(root / "example")  # nothing of the uninstalled app changed: fine
    models = root / "reusable" / "accounts" / "models.py"
    models.write_text(models.read_text() + "    name = models.CharField(max_length=10)\n")
    with pytest.raises(MgenError, match=r"reusable/accounts/models.py changed, but it is in .*, which no installed "
                                        r"app mgen read holds"):
        load_project(root / "example")
    settings.write_text(settings.read_text().replace("REUSABLE_APPS = ()", 'REUSABLE_APPS = ("reusable.accounts",)'))
    assert "accounts" in {a.label for a in load_project(root / "example").project_apps}


def test_package_folders_declared_by_the_packaging_files(tmp_path: Path):
    from mgen.frameworks.django.roots import package_roots

    def roots(files: dict[str, str]) -> list[str]:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
        return [p.relative_to(folder.resolve()).as_posix() for p in package_roots(folder)]

    assert roots({"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n', "lib/x.py": ""}) == \
        ["lib", "."]
    assert roots({"pyproject.toml": '[tool.poetry]\npackages = [{include = "app", from = "backend"}]\n',
                  "backend/app/__init__.py": ""}) == ["backend", "."]
    assert roots({"setup.cfg": "[options]\npackage_dir =\n    =source\n", "source/x.py": ""}) == ["source", "."]
    assert roots({"setup.py": 'from setuptools import setup, find_packages\nsetup(packages=find_packages(where="py"))\n',
                  "py/x.py": ""}) == ["py", "."]
    assert roots({"setup.py": "", "src/pkg/__init__.py": ""}) == ["src", "."]  # a src/ layout, undeclared


def test_apps_installed_editable_from_elsewhere_are_libraries_read_from_their_source(tmp_path: Path, monkeypatch):
    """The project's environment names, in a .pth file and in a setuptools editable finder, folders outside
    the project: their apps are found there (as installed libraries, not the project's own)."""
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    root = h.copy_project("settings_package", tmp_path)
    site = root / ".venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / ".venv" / "bin").mkdir()
    (root / ".venv" / "bin" / "python").write_text("")
    for name in ("pthlib", "mappedlib"):
        app = tmp_path / "elsewhere" / name / name
        (app / "migrations").mkdir(parents=True)
        for rel in ("__init__.py", "models.py", "migrations/__init__.py"):
            (app / rel).write_text("")
    (site / "pthlib.pth").write_text(f"{tmp_path / 'elsewhere' / 'pthlib'}\nimport sys\n")
    (site / "__editable___mappedlib_0_1_finder.py").write_text(
        f"MAPPING = {{'mappedlib': {str(tmp_path / 'elsewhere' / 'mappedlib' / 'mappedlib')!r}}}\n")
    base = root / "config" / "settings" / "base.py"
    base.write_text(base.read_text().replace('INSTALLED_APPS += ["blog"]', 'INSTALLED_APPS += ["blog", "pthlib", '
                                                                          '"mappedlib"]'))
    project = load_project(root)
    found = {a.label: (a.path is not None, a.in_project) for a in project.apps}
    assert found["pthlib"] == (True, False) and found["mappedlib"] == (True, False)
    assert found["shop"] == (True, True)


PROXY = '''from django.conf import settings as django_settings


class ForwardingSettings:
    """The project's settings object: Django's settings, then its own defaults."""

    def __getattr__(self, name):
        try:
            return getattr(django_settings, name)
        except AttributeError:
            return {"SHOP_CODE_LENGTH": 12}[name]


settings = ForwardingSettings()
'''
PROXY_MODELS = '''from django.db import models

from shop.conf import settings


class Order(models.Model):
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
'''


def test_a_settings_object_that_forwards_to_djangos_reads_as_the_settings(tmp_path: Path):
    """``from app.conf import settings`` (an object whose ``__getattr__`` asks Django's settings first):
    ``settings.AUTH_USER_MODEL`` is the setting, as Django reads it, not a model reference mgen made up."""
    root = h.copy_project("custom_user", tmp_path)
    (root / "shop").mkdir()
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "conf.py").write_text(PROXY)
    (root / "shop" / "models.py").write_text(PROXY_MODELS)
    (root / "shop" / "migrations").mkdir()
    (root / "shop" / "migrations" / "__init__.py").write_text("")
    settings = next(root.rglob("settings.py"))
    settings.write_text(settings.read_text() + "\nINSTALLED_APPS = [*INSTALLED_APPS, 'shop']\n")
    h.manage(root, "makemigrations", "--noinput", "-v0")  # the other apps' migrations, as Django writes them
    for path in (root / "shop" / "migrations").glob("0001_*.py"):
        path.unlink()
    result = generate(root, name=None)
    assert "shop" in result.changed_apps
    text = next((root / "shop" / "migrations").glob("0001_*.py")).read_text()
    assert "settings.AUTH_USER_MODEL" in text
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    h.manage(root, "migrate", "-v0")
    h.manage(root, "migrate", "shop", "zero", "-v0")
