"""Part of the Alembic native driver for Flask-Migrate projects: run by the project's interpreter, never imported
by mgen (``alembic.native`` puts this text between ``native_prelude.py`` and ``native_driver.py``, whose names
it uses when its functions are called: ``real_create_engine``, ``SCRATCH_URL``, ``Failed``, ``first_line``).

A Flask-Migrate ``env.py`` reads ``current_app.extensions["migrate"]``: Alembic runs there only inside the app's
context, as ``flask db`` runs it. ``flask_context(spec, notes)`` makes the app the way ``flask db`` does, with
Flask's own ``flask.cli`` helpers:

1. ``FLASK_APP`` (after ``load_dotenv``: ``.flaskenv`` and ``.env``, as the ``flask`` command loads them);
2. else Flask's own discovery, ``wsgi.py`` or ``app.py`` in the project folder (``ScriptInfo().load_app()``:
   ``prepare_import`` and ``find_best_app``: an ``app``/``application``, or a ``create_app``/``make_app``);
3. else a console script of the project (``spec["apps"]``, ``module:attr`` from its pyproject.toml or
   setup.cfg) that is a ``FlaskGroup`` with a ``create_app``: ``myproject db upgrade`` makes it so.

Then it pushes an app context and looks at what the app's factory left in the scratch database (every engine
points there): a factory that called ``create_all()`` built the models' tables, which would hide every change,
so the database is emptied and ``upgrade heads`` builds it from the revisions; a factory that migrated it
itself (its own ``upgrade()``, and what else it runs when it starts, a plugin's own migrations) left the state a
deployed database has, which is kept. Both are said in a note. It answers Flask-Migrate's own configurations
(``Migrate.get_config``, with the script folder mgen found; ``autogenerate`` in ``cmd_opts`` for the revision,
as ``flask db migrate`` sets it), pointed at the scratch database.
"""
# ruff: noqa: UP031, F821 - run by the project's interpreter, which may predate f-strings (Python 3.5)


EXTENSIONS = {"migrate": ("Flask-Migrate", "env.py reads current_app"),
              "alembic": ("Flask-Alembic", "its script folder has no env.py")}


def flask_context(spec, notes):
    """The app context pushed (the caller pops it) and the runner of ``upgrade`` / ``revision``: Alembic's
    commands with Flask-Migrate's configurations, or Flask-Alembic's own methods."""
    kind = spec.get("extension") or "migrate"
    name, why = EXTENSIONS[kind]
    try:
        import flask  # noqa: F401 - whether it is there is the question
    except Exception as exc:  # noqa: BLE001
        raise Failed("Flask not importable (%s): %s" % (why, first_line(exc))) from None
    app, how, created = flask_app_recorded(spec.get("apps") or [])
    extension = app.extensions.get(kind)
    if extension is None:
        raise Failed("the Flask app (%s) has no %s: app.extensions[%r] is unset" % (how, name, kind))
    notes.append("the Flask app: %s" % how)
    runner = FlaskAlembicRunner(app, extension) if kind == "alembic" else None
    context = app.app_context()
    context.push()
    try:
        tables = scratch_tables()
        if tables and created:  # the models' tables, not the revisions': upgrade heads must build them itself
            empty_scratch()
            notes.append("the app's factory created %s from its models (create_all) in the scratch database: emptied, "
                         "so that upgrade heads builds them from the revisions" % listed(tables))
        elif tables:  # its own upgrade(), and what else it runs when it starts (a plugin's migrations): kept
            notes.append("the app's factory migrated the scratch database itself (%s): upgrade heads goes on from "
                         "there" % listed(tables))
        directory = spec["directory"]
        if runner is not None:
            own = runner.config.get_main_option("script_location")
            if own and os.path.realpath(own) != os.path.realpath(directory):
                notes.append("ALEMBIC['script_location'] %r differs from the script folder read: %s" % (own, directory))
            return context, runner
        own = getattr(extension, "directory", None)
        if own and os.path.isdir(str(own)) and os.path.realpath(str(own)) != os.path.realpath(directory):
            notes.append("Migrate(directory=%r) differs from the script folder read: %s" % (str(own), directory))
        return context, CommandRunner(flask_config(extension, directory, []),
                                      flask_config(extension, directory, ["autogenerate"]))
    except BaseException:
        context.pop()
        raise


class FlaskAlembicRunner:
    """Flask-Alembic's own methods (``flask db upgrade`` / ``downgrade`` / ``revision`` / ``check`` call them):
    it has no env.py, its engines are Flask-SQLAlchemy's (on the scratch database, as every engine is). The
    revision hook goes in through ``ALEMBIC_CONTEXT``, the options Flask-Alembic configures its contexts with,
    before the project's own hook there, if any."""

    def __init__(self, app, extension):
        self.extension = extension
        self.hooks = []
        options = app.config.setdefault("ALEMBIC_CONTEXT", {})
        own = options.get("process_revision_directives")

        def hook(context, revision, directives):
            for call in list(self.hooks):
                call(context, revision, directives)
            if own is not None:
                own(context, revision, directives)

        options["process_revision_directives"] = hook

    @property
    def config(self):
        return self.extension.config

    revision_config = config

    def upgrade(self, target):
        self.extension.upgrade(target)

    def downgrade(self, target):
        self.extension.downgrade(target)

    def revision(self, message, hook):
        self.hooks[:] = [hook]
        try:
            return [script for script in self.extension.revision(message) or [] if script is not None]
        finally:
            self.hooks[:] = []

    def left_over(self):
        """What ``flask db check`` finds (Flask-Alembic's ``produce_migrations``): one line each."""
        script = self.extension.produce_migrations()
        return [describe(d) for ops in getattr(script, "upgrade_ops_list", None) or [script.upgrade_ops]
                for d in ops.as_diffs()]


def flask_app(apps):
    """The app ``flask db`` would use, and how it was found (one phrase)."""
    from flask.cli import NoAppException, ScriptInfo

    try:
        from flask.cli import load_dotenv

        load_dotenv()
    except Exception:  # noqa: BLE001,S110 - python-dotenv missing: flask skips the files too
        pass
    path = os.environ.get("FLASK_APP")
    if path:
        return load_app(ScriptInfo(app_import_path=path), "FLASK_APP=" + path), "FLASK_APP=" + path
    try:
        return load_app(ScriptInfo(), None), "wsgi.py or app.py (Flask's discovery)"
    except NoAppException as exc:
        if "Could not locate a Flask application" not in str(exc):
            raise Failed("making the Flask app failed: " + first_line(exc)) from None
    for target in apps:
        group = imported(target)
        factory = getattr(group, "create_app", None) if group is not None else None
        if factory is not None and callable(factory) and type(group).__name__ == "FlaskGroup":
            return load_app(ScriptInfo(create_app=factory), target), "the create_app of the FlaskGroup " + target
    raise Failed("no Flask app found as `flask db` finds one: FLASK_APP is unset (nor in .flaskenv or .env), "
                 "there is no wsgi.py or app.py in the project folder%s; set FLASK_APP=module:app"
                 % (", and no console script (%s) is a FlaskGroup with a create_app" % ", ".join(apps) if apps else ""))


def load_app(info, what):
    info.set_debug_flag = False  # the project's debug setting is left as it is
    try:
        return info.load_app()
    except Failed:
        raise
    except BaseException as exc:  # the project's error, said in one line
        if what is None and type(exc).__name__ == "NoAppException":
            raise
        raise Failed("making the Flask app%s failed: %s" % (" (%s)" % what if what else "", first_line(exc))) from None


def imported(target):
    """The object ``module:attr`` names (None: it cannot be imported)."""
    import importlib

    module, _, attr = target.partition(":")
    try:
        obj = importlib.import_module(module.strip())
        for part in attr.strip().split(".") if attr.strip() else []:
            obj = getattr(obj, part)
    except Exception:  # noqa: BLE001 - not this one; the next candidate is asked
        return None
    return obj


def flask_config(extension, directory, opts):
    """Flask-Migrate's own Alembic configuration (``Migrate.get_config``: its ini, its configure callbacks),
    pointed at the scratch database."""
    migrate = getattr(extension, "migrate", None)
    if migrate is not None and hasattr(migrate, "get_config"):
        config = migrate.get_config(directory, opts=opts)
    else:  # a Flask-Migrate older than get_config: what it did by hand
        import argparse

        config = Config(os.path.join(directory, "alembic.ini"))
        config.set_main_option("script_location", directory)
        config.cmd_opts = argparse.Namespace(**{opt: True for opt in opts})
    config.set_main_option("sqlalchemy.url", SCRATCH_URL.replace("%", "%%"))
    return config


def flask_app_recorded(apps):
    """``flask_app``, and whether making it called ``MetaData.create_all`` (``db.create_all()``)."""
    from sqlalchemy import MetaData

    created = []
    real_create_all = MetaData.create_all

    def create_all(self, *args, **kwargs):
        created.append(True)
        return real_create_all(self, *args, **kwargs)

    MetaData.create_all = create_all
    try:
        app, how = flask_app(apps)
    finally:
        MetaData.create_all = real_create_all
    return app, how, bool(created)


def scratch_tables():
    """The tables in the scratch database (every schema of it, on PostgreSQL)."""
    from sqlalchemy import inspect
    from sqlalchemy.engine.url import make_url
    from sqlalchemy.pool import NullPool

    engine = real_create_engine(SCRATCH_URL, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            return [t for schema in scratch_schemas(inspector, make_url(SCRATCH_URL))
                    for t in inspector.get_table_names(schema=schema)]
    finally:
        engine.dispose()


def listed(tables):
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    return "%d table%s: %s" % (len(tables), "" if len(tables) == 1 else "s", shown)


def empty_scratch():
    """Empty the scratch database (it is mgen's own)."""
    from sqlalchemy import inspect, text
    from sqlalchemy.engine.url import make_url
    from sqlalchemy.pool import NullPool

    url = make_url(SCRATCH_URL)
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(url.database + suffix):
                os.remove(url.database + suffix)
        return
    engine = real_create_engine(SCRATCH_URL, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            if url.get_backend_name() == "postgresql":
                for schema in scratch_schemas(inspect(conn), url):
                    conn.execute(text('DROP SCHEMA "%s" CASCADE' % schema))
                conn.execute(text("CREATE SCHEMA public"))
            else:
                conn.execute(text("DROP DATABASE `%s`" % url.database))
                conn.execute(text("CREATE DATABASE `%s` CHARACTER SET utf8mb4" % url.database))
    finally:
        engine.dispose()


def scratch_schemas(inspector, url):
    if url.get_backend_name() != "postgresql":
        return [None]
    return [s for s in inspector.get_schema_names() if s != "information_schema" and not s.startswith("pg_")]
