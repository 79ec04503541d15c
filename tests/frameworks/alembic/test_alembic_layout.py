"""Real Alembic / Flask-Migrate project layouts (issue #13 items 1-2): where the configuration and the revisions
are, which section of the ini, where the dialect comes from, which module holds the models. Alembic itself
judges the layouts: its ``ScriptDirectory`` read the way Flask-Migrate / Flask-Alembic / ``alembic -n`` set
it up must list the heads mgen's graph lists."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from mgen.cli import main
from mgen.errors import MgenError
from mgen.frameworks.alembic.detection import find_layout
from mgen.frameworks.alembic.models_entry import models_entry, search_path
from mgen.frameworks.alembic.revisions import read_graph
from mgen.frameworks.detect import detect

FLASK_MIGRATE_INI = """\
[alembic]
# Flask-Migrate's template: no script_location (Flask-Migrate sets the folder itself)

[loggers]
keys = root
[handlers]
keys =
[formatters]
keys =
[logger_root]
level = WARN
handlers =
"""

FLASK_MIGRATE_ENV = """\
from alembic import context
from flask import current_app

config = context.config
target_metadata = current_app.extensions["migrate"].db.metadata
"""


def revision(folder: Path, rev: str, down: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{rev}_step.py").write_text(textwrap.dedent(f"""\
        from alembic import op
        import sqlalchemy as sa

        revision = {rev!r}
        down_revision = {down!r}
        branch_labels = None
        depends_on = None


        def upgrade():
            op.create_table("t_{rev}", sa.Column("id", sa.Integer(), primary_key=True))


        def downgrade():
            op.drop_table("t_{rev}")
        """))


def flask_app(root: Path, config: str = 'import os\nSQLALCHEMY_DATABASE_URI = os.environ.get(\n'
                                        '    "APP_DATABASE_URL", "postgresql://app@localhost/app")\n') -> Path:
    """A Flask-Migrate project: app/ with db = SQLAlchemy() and its models, migrations/ with the ini inside."""
    (root / "app" / "models").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "settings.py").write_text(config)
    (root / "app" / "extensions.py").write_text("from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n")
    (root / "app" / "models" / "__init__.py").write_text("")
    (root / "app" / "models" / "base.py").write_text("from app.extensions import db\n\nBaseModel = db.Model\n")
    (root / "app" / "models" / "user.py").write_text(
        "from app.extensions import db\nfrom app.models.base import BaseModel\n\n\n"
        "class User(BaseModel):\n    __tablename__ = 'users'\n    id = db.Column(db.Integer, primary_key=True)\n")
    (root / "app" / "models" / "admin.py").write_text(
        "from app.models.user import User\n\n\nclass Admin(User):\n    __tablename__ = 'admins'\n")
    (root / "app" / "views.py").write_text("class Page:\n    pass\n")
    migrations = root / "migrations"
    migrations.mkdir()
    (migrations / "alembic.ini").write_text(FLASK_MIGRATE_INI)
    (migrations / "env.py").write_text(FLASK_MIGRATE_ENV)
    (migrations / "script.py.mako").write_text("")
    revision(migrations / "versions", "a1", None)
    revision(migrations / "versions", "b2", "a1")
    return root


def mgen_heads(root: Path, section: str | None = None) -> list[str]:
    config = find_layout(root).config(section)
    return sorted(read_graph(list(config.version_locations)).heads)


def alembic_heads(config: Config) -> list[str]:
    return sorted(ScriptDirectory.from_config(config).get_heads())


# -- layouts -------------------------------------------------------------------------------------------
def test_flask_migrate_ini_inside_the_script_folder(tmp_path):
    root = flask_app(tmp_path)
    layout = find_layout(root)
    assert layout.ini == root / "migrations" / "alembic.ini"
    assert layout.config().script_location == (root / "migrations").absolute()
    # Alembic, set up as Flask-Migrate sets it up (the ini, script_location = the migrations folder)
    config = Config(str(root / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    assert mgen_heads(root) == alembic_heads(config) == ["b2"]


def test_an_ini_without_script_location_and_no_env_py_is_refused(tmp_path):
    (tmp_path / "migrations").mkdir()
    (tmp_path / "alembic.ini").write_text("[alembic]\nsqlalchemy.url = sqlite://\n")
    with pytest.raises(MgenError, match=r"no script_location in \[alembic\]"):
        find_layout(tmp_path).config()


def test_no_ini_a_script_folder_with_env_py_and_versions(tmp_path):
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "env.py").write_text("target_metadata = None\n")
    revision(tmp_path / "db" / "versions", "a1", None)
    revision(tmp_path / "db" / "versions", "c3", "a1")
    layout = find_layout(tmp_path)
    assert layout.ini is None and layout.script_location == tmp_path / "db"
    config = Config()  # Alembic configured in code, as such a project does
    config.set_main_option("script_location", str(tmp_path / "db"))
    assert mgen_heads(tmp_path) == alembic_heads(config) == ["c3"]
    found = detect(tmp_path)
    assert found.framework == "alembic" and found.config == tmp_path / "db"


def test_no_ini_flask_alembic_keeps_the_revisions_in_the_script_folder(tmp_path):
    folder = tmp_path / "app" / "migrations"
    revision(folder, "a1", None)
    revision(folder, "d4", "a1")
    (folder / "script.py.mako").write_text("")
    (folder / "__init__.py").write_text("")
    layout = find_layout(tmp_path)
    assert layout.script_location == folder and layout.versions == folder
    config = Config()  # Flask-Alembic: script_location, and the same folder as the version location
    config.set_main_option("script_location", str(folder))
    config.set_main_option("version_locations", str(folder))
    assert mgen_heads(tmp_path) == alembic_heads(config) == ["d4"]


def test_two_script_folders_are_refused_by_name(tmp_path):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "env.py").write_text("")
        (tmp_path / name / "versions").mkdir()
    with pytest.raises(MgenError, match="several Alembic script folders.*one.*two"):
        find_layout(tmp_path)


# -- sections --------------------------------------------------------------------------------------------
def two_sections(root: Path) -> Path:
    for name, rev in (("core", "c1"), ("tenant", "t1")):
        (root / name).mkdir(parents=True)
        (root / name / "env.py").write_text("")
        revision(root / name / "versions", rev, None)
    (root / "alembic.ini").write_text("[core]\nscript_location = %(here)s/core\nsqlalchemy.url = sqlite://\n\n"
                                      "[tenant]\nscript_location = %(here)s/tenant\n"
                                      "sqlalchemy.url = postgresql://x@localhost/t\n")
    return root


def test_two_sections_in_one_ini(tmp_path):
    root = two_sections(tmp_path)
    with pytest.raises(MgenError, match=r"several with a script_location \(core, tenant\).*--ini-section"):
        find_layout(root).config()
    for section in ("core", "tenant"):  # alembic -n SECTION heads
        assert mgen_heads(root, section) == alembic_heads(Config(str(root / "alembic.ini"), ini_section=section))
    assert mgen_heads(root, "tenant") == ["t1"]
    assert find_layout(root).config("tenant").dialect == "postgresql"
    with pytest.raises(MgenError, match=r"--ini-section other: no \[other\] section.*core, tenant"):
        find_layout(root).config("other")


def test_generate_takes_the_section(tmp_path, capsys):
    root = two_sections(tmp_path)
    assert main(["generate", str(root), "--dry-run", "--json"]) == 2
    assert "--ini-section" in capsys.readouterr().err
    (root / "tenant_models.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
                                           "t = sa.Table('t_t1', metadata, sa.Column('id', sa.Integer, "
                                           "primary_key=True), sa.Column('name', sa.Text))\n")
    code = main(["generate", str(root), "--dry-run", "--json", "--ini-section", "tenant",
                 "--models", str(root / "tenant_models.py")])
    out = json.loads(capsys.readouterr().out)  # the tenant's history (t_t1) and URL (postgresql)
    assert code == 0 and out["dialect"] == "postgresql"
    assert [(o["op"], o["table"]) for o in out["operations"]] == [("add_column", "t_t1")]


# -- the dialect -----------------------------------------------------------------------------------------
def test_dialect_from_the_app_config_default(tmp_path):
    root = flask_app(tmp_path)
    found = detect(root)
    assert (found.framework, found.dialect) == ("alembic", "postgresql")
    assert found.dialect_source == "app/settings.py"
    assert any("app/settings.py:2: SQLALCHEMY_DATABASE_URI defaults to a postgresql URL" in e for e in found.evidence)


def test_a_test_config_does_not_decide_and_a_conflict_chooses_none(tmp_path):
    root = flask_app(tmp_path, 'class Config:\n    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://a@b/c"\n\n\n'
                               'class TestingConfig(Config):\n    SQLALCHEMY_DATABASE_URI = "sqlite://"\n')
    assert detect(root).dialect == "mysql"
    (root / "app" / "other.py").write_text('DATABASE_URL = "sqlite:///x.db"\n')
    found = detect(root)
    assert found.dialect is None
    assert any("names several dialects" in e for e in found.evidence)
    (root / "requirements.txt").write_text("psycopg2-binary\n")  # the dependencies decide then
    assert detect(root).dialect == "postgresql"


def test_dialect_from_env_py_and_from_a_settings_scheme(tmp_path):
    root = tmp_path
    (root / "app" / "alembic" / "versions").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "alembic.ini").write_text("[alembic]\nscript_location = app/alembic\n")
    env = root / "app" / "alembic" / "env.py"
    env.write_text('import os\n\n\ndef get_url():\n    user = os.getenv("U", "u")\n'
                   '    return f"postgresql+psycopg://{user}@db/app"\n')
    found = detect(root)
    assert found.dialect == "postgresql" and found.dialect_source == "app/alembic/env.py"
    env.write_text("from app.config import settings\n")
    (root / "app" / "config.py").write_text(
        "class Settings:\n    def url(self):\n        return Dsn.build(scheme='mysql+pymysql', host='db')\n")
    found = detect(root)
    assert found.dialect == "mysql" and found.dialect_source == "app/config.py"


def test_status_plan_and_generate_agree_on_the_dialect(tmp_path, capsys):
    """No URL in alembic.ini: the dialect detection finds (the app's config) is the one plan and generate use."""
    root = tmp_path
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "config.py").write_text('DATABASE_URL = "mysql+pymysql://u@db/app"\n')
    (root / "app" / "models.py").write_text(
        "from sqlalchemy import Column, Integer, MetaData, Table\nmetadata = MetaData()\n"
        "items = Table('items', metadata, Column('id', Integer, primary_key=True))\n")
    (root / "migrations" / "env.py").write_text("from app.models import metadata\ntarget_metadata = metadata\n")
    (root / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n")
    assert main(["status", str(root), "--json"]) in (0, 1)
    status = json.loads(capsys.readouterr().out)
    assert status["dialect"]["name"] == "mysql" and status["dialect"]["source"] == "app/config.py"
    assert main(["plan", str(root)]) == 0
    assert "items" in capsys.readouterr().out
    assert main(["generate", str(root), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dialect"] == "mysql"


# -- the models ------------------------------------------------------------------------------------------
def test_flask_migrate_env_py_takes_the_models_of_the_app(tmp_path):
    root = flask_app(tmp_path)
    env = root / "migrations" / "env.py"
    entry, how, kind = models_entry(root, env, search_path(root, env.parent), (root / "migrations",))
    assert entry == (root / "app").resolve()  # extensions.py (db) and models/ (User through BaseModel, Admin)
    assert "app/extensions.py:3 creates db = SQLAlchemy(...)" in how and "2 module(s)" in how and kind == "flask"


def test_flask_models_in_one_module(tmp_path):
    root = tmp_path / "shop"  # the project folder is itself the package (Flask-Migrate run from it)
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "models.py").write_text("from flask_sqlalchemy import SQLAlchemy\n\n\nclass Db(SQLAlchemy):\n    pass\n\n\n"
                                    "db = Db()\n\n\nclass Item(db.Model):\n    id = db.Column(db.Integer, "
                                    "primary_key=True)\n")
    (root / "migrations").mkdir()
    (root / "migrations" / "env.py").write_text(FLASK_MIGRATE_ENV)
    entry, _, _ = models_entry(root, root / "migrations" / "env.py", search_path(root, None), ())
    assert entry == root / "models.py"


def test_no_db_model_class_is_refused(tmp_path):
    (tmp_path / "ext.py").write_text("from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n")
    with pytest.raises(MgenError, match="no class is defined on its Model"):
        models_entry(tmp_path, None, [tmp_path], ())
    (tmp_path / "ext2.py").write_text("from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n")
    with pytest.raises(MgenError, match="several Flask-SQLAlchemy objects"):
        models_entry(tmp_path, None, [tmp_path], ())


def test_env_py_import_is_found_above_a_package_project(tmp_path):
    """lemur/ run as the project folder: ``from lemur.models import Base`` is found in the folder above it."""
    root = tmp_path / "lemur"
    (root / "migrations").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "models.py").write_text("")
    (root / "migrations" / "env.py").write_text("from lemur.models import Base\ntarget_metadata = Base.metadata\n")
    entry, _, _ = models_entry(root, root / "migrations" / "env.py", search_path(root, root / "migrations"), ())
    assert entry.resolve() == root.resolve()


def test_check_scopes_a_flask_apps_models(tmp_path):
    """``mgen check``/``status`` look at the folder holding the db.Model classes (app/, two levels deep here)."""
    from mgen.frameworks.alembic.scope import alembic_rules
    from mgen.scope import PathRule

    root = flask_app(tmp_path)
    rules = alembic_rules(root, root / "migrations" / "alembic.ini")
    assert PathRule("migrations/versions", ("*.py",), False) in rules
    assert PathRule("app", ("*.py",), True) in rules


def test_flask_models_that_read_as_no_table_are_refused(tmp_path, monkeypatch):
    """Classes on db.Model were found but the reader gave no table: a refusal, never "drop every table"."""
    import mgen.frameworks.sqlalchemy as reader
    from mgen.frameworks.alembic.project import open_project
    from mgen.frameworks.sqlalchemy.read import ModelsRead
    from mgen.schema import Schema

    root = flask_app(tmp_path)
    monkeypatch.setattr(reader, "read_models_with_notes", lambda *a, **k: ModelsRead(Schema(), []))
    project = open_project(root)
    assert project.dialect == "postgresql" and project.models == (root / "app").resolve()
    with pytest.raises(MgenError, match="no table read from the models .*app/extensions.py:3"):
        project.models_schema()
    assert open_project(root, models=root / "app").models_schema()[0] == Schema()  # --models: taken as given


def test_check_scopes_every_section_when_the_ini_leaves_the_choice(tmp_path):
    from mgen.frameworks.alembic.scope import alembic_rules
    from mgen.scope import PathRule

    root = two_sections(tmp_path)
    rules = alembic_rules(root, root / "alembic.ini")
    assert {PathRule("core/versions", ("*.py",), False), PathRule("tenant/versions", ("*.py",), False)} <= set(rules)


def test_env_py_plain_import_of_the_models(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text("")
    env = tmp_path / "env.py"
    env.write_text("import shop.models\ntarget_metadata = shop.models.Base.metadata\n")
    entry, _how, kind = models_entry(tmp_path, env, [tmp_path], ())
    assert (entry, kind) == (tmp_path / "shop", "env.py")
    env.write_text("import os\ntarget_metadata = os.environ\n")
    with pytest.raises(MgenError, match="which is not under"):
        models_entry(tmp_path, env, [tmp_path], ())
