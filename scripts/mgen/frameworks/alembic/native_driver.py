"""Run by the project's interpreter, never imported by mgen (``alembic.native`` passes its text to ``python -c``).

    python -c <this> ANSWER.json INI SECTION SCRATCH_URL MESSAGE DRY_RUN [FLASK]

in the project folder: Alembic's own ``upgrade heads`` builds the scratch database SCRATCH_URL from the
project's revisions, then ``revision --autogenerate -m MESSAGE`` (empty: named after its first difference) compares the models env.py names with it and
writes the revision with the project's ``script.py.mako``. With DRY_RUN "1" the file is read, then removed.

FLASK (JSON, Flask-Migrate projects, whose env.py reads ``current_app``): ``{"directory": the script folder,
"apps": ["module:attr", ...]}``. The app is made the way ``flask db`` makes it (``native_flask.py``: Flask's
own ``ScriptInfo``: ``FLASK_APP`` after ``.flaskenv``/``.env``, else ``wsgi.py``/``app.py``, else a console
script of the project that is a ``FlaskGroup`` with a ``create_app``), both commands run in its app context
with Flask-Migrate's own ``get_config``, and whatever the app's factory wrote to the scratch database (its own
``upgrade()`` or ``create_all()``) is emptied first.

Every engine the project creates (``create_engine``, ``engine_from_config``, whatever URL env.py builds or
the app's configuration names) is pointed at SCRATCH_URL (with a driver the project has installed: psycopg when
not psycopg2): the project's own database is never touched. The
answer: each revision's path and text and one line per autogenerate difference, with notes; or
``{"error": one line, "stage": ...}``.
"""
# ruff: noqa: UP031, F821 - run by the project's interpreter, which may predate f-strings (Python 3.5),
# after native_prelude.py, which defines emit() and first_line()
import json
import os
import sys

INI, SECTION, SCRATCH_URL, MESSAGE, DRY_RUN = sys.argv[2:7]  # sys.argv[1]: the answer file (the prelude)
FLASK = json.loads(sys.argv[7]) if len(sys.argv) > 7 and sys.argv[7] else None
VERIFY = sys.argv[8] if len(sys.argv) > 8 else "0"


# emit(data) and first_line(exc) come from frameworks/native_prelude.py, which run_driver puts first


try:
    import sqlalchemy
    import sqlalchemy.engine
    import sqlalchemy.engine.create as creating
    from alembic import command
    from alembic.config import Config
except Exception as exc:  # noqa: BLE001 - whatever importing them raises is the answer
    emit({"error": "Alembic not importable: " + first_line(exc), "stage": "could not run"})
    sys.exit(0)

real_create_engine = creating.create_engine
# the DBAPI modules SQLAlchemy's drivers import, by backend, the backend's default first
DRIVERS = {"postgresql": (("psycopg2", "psycopg2"), ("psycopg", "psycopg"), ("pg8000", "pg8000")),
           "mysql": (("mysqldb", "MySQLdb"), ("pymysql", "pymysql"), ("mysqlconnector", "mysql.connector"))}


def importable_driver(url):
    """``url`` with a driver the project's interpreter can import: a project that installs psycopg (3) and not
    psycopg2 has its scratch ``postgresql://`` URL read as ``postgresql+psycopg://``, as its own URL names it."""
    from sqlalchemy.engine.url import make_url

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if "+" in parsed.drivername or backend not in DRIVERS:
        return url
    import importlib

    for driver, module in DRIVERS[backend]:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001,S112 - not installed in the project: the next one
            continue
        if hasattr(parsed, "set"):
            return parsed.set(drivername=backend + "+" + driver).render_as_string(hide_password=False)
        return url.replace(backend + "://", backend + "+" + driver + "://", 1)
    return url


SCRATCH_URL = importable_driver(SCRATCH_URL)
KEPT = ("future", "json_serializer", "json_deserializer", "isolation_level")


notes = []


def scratch_engine(url=None, *args, **kwargs):
    """Any engine the project asks for, on the scratch database (its driver's options left out). A statement
    on a database other than the scratch one (``sqlalchemy_utils.create_database`` in an app's factory) is
    refused when it drops or alters one, and said in a note when it creates one."""
    from sqlalchemy import event
    from sqlalchemy.pool import NullPool

    engine = real_create_engine(SCRATCH_URL, poolclass=NullPool, **{k: v for k, v in kwargs.items() if k in KEPT})
    event.listen(engine, "before_cursor_execute", server_level_guard)
    return engine


def server_level_guard(conn, cursor, statement, parameters, context, executemany):
    words = " ".join(str(statement).split()[:3]).upper()
    if words.startswith(("DROP DATABASE", "ALTER DATABASE")):
        raise RuntimeError("refused on the scratch server: %s (the native engine runs on its scratch database only)"
                           % " ".join(str(statement).split()[:3]))
    if words.startswith("CREATE DATABASE"):
        note = "the project's code ran %s on the scratch database's server" % " ".join(str(statement).split()[:3])
        if note not in notes:
            notes.append(note)


creating.create_engine = sqlalchemy.create_engine = sqlalchemy.engine.create_engine = scratch_engine
sys.path.insert(0, os.getcwd())
diffs = []


def describe(diff):
    """One autogenerate difference as a line: its kind, then what it names (``add_column users.name``)."""
    if isinstance(diff, (list, tuple)) and diff and isinstance(diff[0], (list, tuple)):
        return "; ".join(describe(d) for d in diff)
    if str(diff[0]).startswith("modify_"):  # (kind, schema, table, column, existing, old, new): what the column is
        return "%s %s" % (diff[0], ".".join(part for part in diff[1:4] if isinstance(part, str)))
    objects = [name_of(part) for part in diff[1:] if not isinstance(part, str) and name_of(part)]
    strings = [part for part in diff[1:] if isinstance(part, str)]
    return "%s %s" % (diff[0], ", ".join(objects) if objects else ".".join(strings))


def name_of(part):
    name, table = getattr(part, "name", None), getattr(part, "table", None)
    if name and table is not None and getattr(table, "name", None):
        return "%s.%s" % (table.name, name)
    if name:
        return str(name)
    columns = getattr(part, "columns", None)
    if columns is not None and table is not None:
        return "%s(%s)" % (table.name, ", ".join(c.name for c in columns))
    return None


empty = []


def keep_changes(context, revision, directives):
    """Alembic calls it before env.py's own hook (which may expect the revision there: Flask-Migrate's template
    drops an empty one itself), so it drops nothing: an empty revision is removed once written. What it
    adds: ``postgresql_using`` where PostgreSQL refuses a type change without it (``native_using.py``), and the
    operator classes of an index the downgrade re-creates (``native_opclass.py``), PostgreSQL's own name for an
    unnamed foreign key (``native_fkname.py``)."""
    if not directives:
        return
    script = directives[0]
    op_lists = getattr(script, "upgrade_ops_list", None) or [script.upgrade_ops]
    for ops in op_lists:
        diffs.extend(describe(d) for d in ops.as_diffs())
    refuse_unread_models(context, op_lists)
    notes.extend(add_postgresql_using(context, directives))  # native_using.py, put before this text
    notes.extend(add_postgresql_ops(context, directives))  # native_opclass.py, likewise
    notes.extend(name_foreign_keys(context, directives))  # native_fkname.py, likewise
    if all(ops.is_empty() for ops in op_lists):
        empty.append(True)
    elif not MESSAGE:  # no --name: the first difference names the revision, as mgen's own names do
        script.message = diffs[0].replace("_", " ") + (" and more" if len(diffs) > 1 else "")


def refuse_unread_models(context, op_lists):
    """A ``target_metadata`` with no table (env.py imports the declarative base, not the modules that put the
    models on it) would have autogenerate drop every table of the history: refused, never written."""
    target = getattr(context, "opts", {}).get("target_metadata")
    metadatas = [m for m in (target if isinstance(target, (list, tuple)) else [target]) if m is not None]
    if not metadatas or any(getattr(m, "tables", None) for m in metadatas):
        return
    dropped = sorted(d[1].name for ops in op_lists for d in ops.as_diffs()
                     if isinstance(d, tuple) and d and d[0] == "remove_table")
    if dropped:
        raise RuntimeError("env.py's target_metadata has no table (the modules that define the models are not "
                           "imported when env.py runs): autogenerate would drop every table of the revisions (%d: %s)"
                           % (len(dropped), ", ".join(dropped[:5]) + (", ..." if len(dropped) > 5 else "")))


class Failed(Exception):
    """A step that failed before Alembic ran, said in one line (its stage: could not run)."""


def plain_configs():
    """The project's alembic.ini section, as ``alembic`` reads it: (for upgrade, for revision)."""
    config = Config(INI, ini_section=SECTION)
    config.set_main_option("sqlalchemy.url", SCRATCH_URL.replace("%", "%%"))
    return config, config


class CommandRunner:
    """Alembic's own commands through the project's env.py: a plain project's ini, or Flask-Migrate's
    configurations (``native_flask.py``). A Flask-Alembic project has its own runner there (no env.py)."""

    def __init__(self, upgrade_config, revision_config):
        self.config, self.revision_config = upgrade_config, revision_config

    def upgrade(self, target):
        command.upgrade(self.config, target)

    def downgrade(self, target):
        command.downgrade(self.config, target)

    def revision(self, message, hook):
        return command.revision(self.revision_config, message=message, autogenerate=True,
                                process_revision_directives=hook)

    def left_over(self):
        return left_over(self.config)


def verify(runner):
    """``--verify``: the written revision applied by Alembic on the scratch database (``upgrade heads``,
    ``downgrade -1``, ``upgrade heads``), then what autogenerate still finds there (Alembic's ``check``,
    through env.py): ``[[step, "ok" or why not], ...]``, stopping at the first step that fails."""
    steps = []
    for name, call in (("upgrade heads", lambda: runner.upgrade("heads")),
                       ("downgrade -1", lambda: runner.downgrade("-1")),
                       ("upgrade heads again", lambda: runner.upgrade("heads")),
                       ("nothing left to autogenerate", lambda: nothing_left(runner.left_over()))):
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - the step's error, said in one line
            steps.append([name, first_line(exc)])
            break
        steps.append([name, "ok"])
    return steps


def nothing_left(left):
    if left:
        raise RuntimeError("%d left: %s" % (len(left), "; ".join(left[:5])))


def left_over(config):
    """Alembic's ``check``, its differences seen by a hook of its own (env.py's may drop an empty revision,
    which ``command.check`` cannot take): one line each."""
    from alembic import autogenerate
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    left = []

    def look(context, revision, directives):
        for script in directives[:1]:
            for ops in getattr(script, "upgrade_ops_list", None) or [script.upgrade_ops]:
                left.extend(describe(d) for d in ops.as_diffs())

    directory = ScriptDirectory.from_config(config)
    args = {"message": None, "autogenerate": True, "sql": False, "head": "head", "splice": False,
            "branch_label": None, "version_path": None, "rev_id": None, "depends_on": None}
    revision_context = autogenerate.RevisionContext(config, directory, args, process_revision_directives=look)

    def retrieve(rev, context):
        revision_context.run_autogenerate(rev, context)
        return []

    with EnvironmentContext(config, directory, fn=retrieve, as_sql=False, template_args=revision_context.template_args,
                            revision_context=revision_context):
        directory.run_env()
    return left


def revision_files(config):
    """The revision files in the script folder's version locations."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config)
    found = set()
    for folder in getattr(script, "_version_locations", None) or [script.versions]:
        for dirpath, _, names in os.walk(folder):
            found.update(os.path.join(dirpath, n) for n in names if n.endswith(".py"))
    return found


stage = "could not run"
where = "upgrade heads on the scratch database"
try:
    if FLASK is None:
        context, runner = None, CommandRunner(*plain_configs())
    else:  # native_flask.py, put before this text by alembic.native
        context, runner = flask_context(FLASK, notes)
    try:
        runner.upgrade("heads")
        stage, where = "failed", "revision --autogenerate"
        before = revision_files(runner.revision_config)
        try:
            scripts = runner.revision(MESSAGE, keep_changes)
        except BaseException:  # a file Alembic wrote before failing (a post_write_hook) is not left behind
            for path in revision_files(runner.revision_config) - before:
                os.remove(path)
            raise
        scripts = [] if scripts is None else scripts if isinstance(scripts, list) else [scripts]
        if empty:  # no differences: nothing is written
            for script in scripts:
                os.remove(script.path)
            scripts = []
        stage, where = "failed", "--verify"
        verified = verify(runner) if VERIFY == "1" and scripts else None
    finally:
        if context is not None:
            context.pop()
except Failed as exc:
    emit({"error": str(exc), "stage": "could not run"})
    sys.exit(0)
except SystemExit as exc:
    emit({"error": "Alembic exited with %s" % exc.code, "stage": stage})
    sys.exit(0)
except BaseException as exc:  # noqa: BLE001 - the project's error, said in one line
    emit({"error": "%s failed: %s" % (where, first_line(exc)), "stage": stage})
    sys.exit(0)
failed = verified is not None and any(result != "ok" for _, result in verified)
revisions = []
for script in scripts:
    with open(script.path, encoding="utf-8") as f:
        revisions.append({"path": os.path.abspath(script.path), "revision": script.revision, "text": f.read()})
    if DRY_RUN == "1" or failed:  # a revision that does not apply is not left written
        os.remove(script.path)
emit({"alembic": __import__("alembic").__version__, "revisions": revisions, "operations": diffs, "notes": notes,
      "verify": verified})
