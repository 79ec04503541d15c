"""The judge's driver, run by the project's own interpreter (its virtualenv): Alembic's autogenerate at one commit.

    python alembic_judge_driver.py ANSWER.json SPEC.json

SPEC (written by ``alembic_judge.py``): ``url`` (a scratch PostgreSQL database, holding the baseline mgen read
when the history has one), ``sys_path`` (the project's import root first), ``script_location`` and
``version_locations`` (the project's revisions), ``modules`` (the models modules to import), ``env_imports``
(modules the project's env.py imports for their side effects, such as ``alembic_autogenerate_enums``'
comparators) and ``configure`` (the ``context.configure`` options the project passes: ``compare_type``,
``compare_server_default``).

1. ``alembic upgrade heads`` of the project's revisions on that database, through Alembic's own
   ``EnvironmentContext`` (the project's env.py is not run: it needs the application and its configuration).
   Each operation runs in a savepoint: one the database refuses (a column the baseline already has, as mgen's
   replay skips it with a note) is rolled back and listed in ``skipped``, and the upgrade goes on.
2. The models imported; their ``MetaData`` is the one of the most tables among the imported modules'
   ``MetaData`` objects, declarative bases and Flask-SQLAlchemy ``db`` objects.
3. ``produce_migrations`` with those options; the upgrade operations rendered by Alembic's own
   ``render_python_code``: the text the bench parses as it parses a revision.

ANSWER: ``{"code": ..., "tables": N, "skipped": [...], "alembic": version}`` or ``{"error": ..., "stage": ...}``.
"""
import contextlib
import importlib
import json
import sys
import traceback


def main(answer_path, spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    out = {}
    stage = "import alembic"
    try:
        sys.path[:0] = spec["sys_path"]
        import alembic
        import sqlalchemy as sa
        from alembic.autogenerate import produce_migrations, render_python_code
        from alembic.config import Config
        from alembic.migration import MigrationContext
        from alembic.operations import Operations
        from alembic.runtime.environment import EnvironmentContext
        from alembic.script import ScriptDirectory

        try:  # the project's PostgreSQL driver: psycopg2 (SQLAlchemy's default), else psycopg 3
            import psycopg2  # noqa: F401
            url = spec["url"].replace("postgresql://", "postgresql+psycopg2://", 1)
        except ImportError:
            url = spec["url"].replace("postgresql://", "postgresql+psycopg://", 1)
        out["alembic"] = alembic.__version__
        out["sqlalchemy"] = sa.__version__
        stage = "import models"
        _flask_ext()
        modules = [importlib.import_module(name) for name in spec["modules"]]
        for name in spec.get("env_imports", []):
            try:
                importlib.import_module(name)
            except ImportError as e:
                out.setdefault("notes", []).append(f"env.py's import {name}: {e}")
        metadata = _metadata(modules, sa)
        if metadata is None:
            raise RuntimeError("no MetaData found in the models modules")
        out["tables"] = len(metadata.tables)

        stage = "upgrade heads"
        config = Config()
        config.set_main_option("script_location", spec["script_location"])
        if spec.get("version_locations"):
            config.set_main_option("version_locations", " ".join(spec["version_locations"]))
        script = ScriptDirectory.from_config(config)
        skipped = []
        invoke = Operations.invoke

        def tolerant(self, operation):
            conn = self.migration_context.connection
            try:
                savepoint = conn.begin_nested()
            except sa.exc.DBAPIError:  # autocommit (after an autocommit_block() on SQLAlchemy 1.3): none needed
                savepoint = None
            try:
                result = invoke(self, operation)
            except Exception as e:  # noqa: BLE001 - the database refused it: as mgen's replay skips it, said
                if savepoint is not None:
                    savepoint.rollback()
                skipped.append(f"{type(operation).__name__}: {str(e).splitlines()[0][:200]}")
                return None
            if savepoint is not None:
                savepoint.commit()
            return result

        Operations.invoke = tolerant
        engine = sa.create_engine(url)
        with engine.connect() as conn, _flask_session(conn, url):
            def upgrade(rev, context):
                return script._upgrade_revs("heads", rev)

            with EnvironmentContext(config, script, fn=upgrade, destination_rev="heads"):
                from alembic import context

                context.configure(connection=conn, target_metadata=metadata)
                with context.begin_transaction():
                    context.run_migrations()
        Operations.invoke = invoke
        out["skipped"] = skipped

        stage = "autogenerate"
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts=dict(spec.get("configure", {}), target_metadata=metadata))
            migration = produce_migrations(ctx, metadata)
            out["code"] = render_python_code(migration.upgrade_ops)
            out["empty"] = migration.upgrade_ops.is_empty()
        engine.dispose()
    except BaseException as e:  # noqa: BLE001 - one answer, whatever the project's code raised
        out.update(error=f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}", stage=stage,
                   traceback=traceback.format_exc()[-8000:])
    with open(answer_path, "w") as f:
        json.dump(out, f)


def _flask_ext():
    """``flask.ext.NAME`` as Flask before 1.0 resolved it (``flask_NAME``), for a project's older commits read
    with the libraries of its newest: Flask 1.0 removed that importer, the extensions are the same modules."""
    import importlib.abc
    import importlib.util

    try:
        import flask
    except ImportError:
        return
    if hasattr(flask, "ext"):
        return

    class FlaskExt(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path=None, target=None):
            if name == "flask.ext" or name.startswith("flask.ext."):
                return importlib.util.spec_from_loader(name, self, is_package=name == "flask.ext")
            return None

        def create_module(self, spec):
            if spec.name == "flask.ext":
                return None
            return importlib.import_module("flask_" + spec.name[len("flask.ext."):])

        def exec_module(self, module):
            if module.__name__ == "flask.ext":
                module.__path__ = []

    sys.meta_path.append(FlaskExt())


@contextlib.contextmanager
def _flask_session(conn, url):
    """Revisions that use a Flask-SQLAlchemy ``db.session`` (data code) get one on the migration's own connection,
    in an application context (as ``flask db upgrade`` gives them); nothing without Flask-SQLAlchemy."""
    try:
        import flask
        import flask_sqlalchemy
    except ImportError:
        yield
        return
    app = flask.Flask("mgen_judge")
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_TRACK_MODIFICATIONS=False)
    get_engine = flask_sqlalchemy.SQLAlchemy.get_engine
    flask_sqlalchemy.SQLAlchemy.get_engine = lambda self, app=None, bind=None: conn
    try:
        flask_sqlalchemy.SQLAlchemy().init_app(app)
        with app.app_context():
            yield
    finally:
        flask_sqlalchemy.SQLAlchemy.get_engine = get_engine


def _metadata(modules, sa):
    """The MetaData of the most tables reachable from the modules' globals."""
    found = []
    for module in modules:
        for value in list(vars(module).values()):
            md = None
            try:
                if isinstance(value, sa.MetaData):
                    md = value
                elif isinstance(getattr(value, "metadata", None), sa.MetaData):
                    md = value.metadata
            except Exception:  # noqa: BLE001, S112 - a proxy (flask's current_app) outside its context
                continue
            if md is not None and all(md is not m for m in found):
                found.append(md)
    return max(found, key=lambda m: len(m.tables)) if found else None


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
