"""Framework and dialect detection (issue #4 item 4): a pure function of the project's files."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_tree as write

from mgen.frameworks.detect import detect

MANAGE = '''#!/usr/bin/env python
import os, sys
def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
'''




@pytest.mark.parametrize(("engine", "dialect"), [
    ("django.db.backends.postgresql", "postgresql"),
    ("django.contrib.gis.db.backends.postgis", "postgresql"),
    ("django.db.backends.mysql", "mysql"),
    ("django.db.backends.sqlite3", "sqlite"),
])
def test_django_engine_gives_the_dialect(tmp_path: Path, engine: str, dialect: str):
    write(tmp_path, {
        "manage.py": MANAGE.format(module="site_conf.settings"),
        "site_conf/__init__.py": "",
        "site_conf/settings.py": f"DATABASES = {{'default': {{'ENGINE': '{engine}', 'NAME': 'x'}}}}\n",
    })
    d = detect(tmp_path)
    assert (d.framework, d.dialect) == ("django", dialect)
    assert d.config == tmp_path / "site_conf" / "settings.py"
    assert any(engine in e for e in d.evidence)


def test_django_engine_computed_at_run_time_falls_back_to_the_driver(tmp_path: Path):
    write(tmp_path, {
        "manage.py": MANAGE.format(module="conf.settings"),
        "conf/settings/__init__.py": "import os\nDATABASES = {'default': {'ENGINE': os.environ['ENGINE']}}\n",
        "requirements.txt": "Django>=5.2  # the web\npsycopg[binary]==3.2\n-r other.txt\n",
    })
    d = detect(tmp_path)
    assert (d.framework, d.dialect) == ("django", "postgresql")
    assert any("not a literal" in e for e in d.evidence)
    assert tmp_path / "requirements.txt" in d.sources


def test_alembic_url_gives_the_dialect(tmp_path: Path):
    write(tmp_path, {"alembic.ini": "[alembic]\nscript_location = migrations\n"
                                    "sqlalchemy.url = mysql+pymysql://u:secret@db/app\n"})
    d = detect(tmp_path)
    assert (d.framework, d.dialect) == ("alembic", "mysql")
    assert not any("secret" in e for e in d.evidence)


def test_alembic_template_url_and_pyproject_driver(tmp_path: Path):
    write(tmp_path, {
        "alembic.ini": "[alembic]\nscript_location = alembic\nsqlalchemy.url = driver://user:pass@localhost/dbname\n",
        "pyproject.toml": '[project]\nname = "app"\ndependencies = ["SQLAlchemy>=2", "alembic", "asyncpg"]\n',
    })
    d = detect(tmp_path)
    assert (d.framework, d.dialect) == ("alembic", "postgresql")


def test_sql_migration_folder(tmp_path: Path):
    write(tmp_path, {"db/migrations/000001_init.up.sql": "CREATE TABLE t (id int);\n",
                     "db/migrations/000001_init.down.sql": "DROP TABLE t;\n"})
    d = detect(tmp_path)
    assert (d.framework, d.dialect) == ("golang-migrate", None)
    assert d.config == tmp_path / "db" / "migrations"


def test_poetry_dependencies_and_several_drivers(tmp_path: Path):
    write(tmp_path, {"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "*"\n'
                                       'psycopg2-binary = "*"\n[tool.poetry.group.dev.dependencies]\npymysql = "*"\n'})
    d = detect(tmp_path)
    assert d.framework == "django" and d.dialect is None
    assert any("several dialects" in e for e in d.evidence)


def test_nothing_known(tmp_path: Path):
    d = detect(tmp_path)
    assert (d.framework, d.dialect, d.config) == (None, None, None)


def test_broken_files_do_not_crash(tmp_path: Path):
    write(tmp_path, {"manage.py": "def (:\n", "pyproject.toml": "[project\n", "alembic.ini": "no section\n"})
    d = detect(tmp_path)
    # manage.py is there, unreadable: Django, with nothing known about its settings or dialect
    assert (d.framework, d.config, d.dialect) == ("django", None, None)
    assert any("names no settings module" in e for e in d.evidence)
    assert d.to_dict()["root"] == str(tmp_path)


FLASK_MANAGE = """\
from flask.cli import FlaskGroup
from app import create_app

cli = FlaskGroup(create_app=create_app)

if __name__ == "__main__":
    cli()
"""


def test_a_flask_manage_py_is_not_djangos(tmp_path: Path):
    """A Flask project's ``manage.py`` next to Flask-Migrate's folder: Alembic, not Django."""
    write(tmp_path, {"manage.py": FLASK_MANAGE, "alembic.ini": "[alembic]\nscript_location = migrations\n"
                     "sqlalchemy.url = postgresql://localhost/app\n"})
    d = detect(tmp_path)
    assert (d.framework, d.dialect) == ("alembic", "postgresql")
    assert any("not Django's" in e for e in d.evidence)


def test_a_django_manage_py_without_a_settings_default_is_still_djangos(tmp_path: Path):
    write(tmp_path, {"manage.py": "import sys\nfrom django.core.management import execute_from_command_line\n"
                     "execute_from_command_line(sys.argv)\n"})
    assert detect(tmp_path).framework == "django"


ALEMBIC_NO_URL = {"alembic.ini": "[alembic]\nscript_location = migrations\n", "migrations/env.py": "",
                  "migrations/versions/.keep": ""}


def test_dialect_from_a_docker_compose_database_image(tmp_path: Path):
    """Nothing in the configuration or the dependencies: the compose file's database service decides."""
    write(tmp_path, {**ALEMBIC_NO_URL, "docker-compose.yml": "services:\n  web:\n    build: .\n"
                     "  db:\n    image: docker.io/library/postgres:16-alpine\n"})
    d = detect(tmp_path)
    assert (d.framework, d.dialect, d.dialect_source) == ("alembic", "postgresql", "docker-compose.yml")
    assert any("postgres:16-alpine image" in e for e in d.evidence)
    write(tmp_path, {"requirements.txt": "PyMySQL==1.1\n"})  # the dependencies come first
    assert detect(tmp_path).dialect == "mysql"


def test_docker_compose_with_two_database_images_chooses_none(tmp_path: Path):
    write(tmp_path, {**ALEMBIC_NO_URL, "compose.yaml": "services:\n  a:\n    image: mariadb:11\n"
                     "  b:\n    image: postgres\n"})
    d = detect(tmp_path)
    assert d.dialect is None and any("several dialects in compose.yaml" in e for e in d.evidence)


def test_setup_py_install_requires_names_the_driver(tmp_path: Path):
    """A setup.py listing its requirements in a variable; the project folder is a package (Flask-Migrate run
    from ``app/``), so the folder above it is read too."""
    write(tmp_path, {"setup.py": "from setuptools import setup\nreqs = ['Flask', 'psycopg2>=2.6']\n"
                     "setup(name='app', install_requires=reqs, extras_require={'mariadb': ['flask']})\n",
                     "app/__init__.py": "", "app/migrations/alembic.ini": "[alembic]\n",
                     "app/migrations/env.py": "", "app/migrations/versions/.keep": ""})
    d = detect(tmp_path / "app")
    assert (d.framework, d.dialect, d.dialect_source) == ("alembic", "postgresql", "dependencies")
