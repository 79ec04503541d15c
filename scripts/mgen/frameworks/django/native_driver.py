"""Run by the project's interpreter, never imported by mgen (``django.native`` passes its text to ``python -c``).

    python -c <this> ANSWER.json [makemigrations arguments...]

in the project folder: runs the project's ``manage.py makemigrations ARGS`` as ``python manage.py`` would,
and writes to ANSWER.json what Django's own writer made of each migration (app, name, path, the text,
``describe()`` of each operation, the dependencies) - the answer taken from Django's ``MigrationWriter``
rather than parsed back from its printed output. With ``--dry-run`` nothing is written; without it Django
writes the files itself (its formatters included).

The questions ``makemigrations`` would ask interactively (a rename, a one-off default) are answered from
``MGEN_RENAMES`` / ``MGEN_DEFAULTS`` (JSON) and otherwise left to its non-interactive questioner.

An error is ``{"error": one line, "stage": "could not run" | "failed"}``: Django not importable, the settings
not importable, the apps not loading, makemigrations refusing. Python 3.5+ (the project's own interpreter).
"""
# ruff: noqa: F821 - run by the project's interpreter (Python 3.5+: no f-strings),
# after native_prelude.py, which defines emit() and first_line()
import json
import os
import runpy
import sys

# sys.argv[1] is the answer file (native_prelude.py keeps it)


# emit(data) and first_line(exc) come from frameworks/native_prelude.py, which run_driver puts first


try:
    import django
    from django.core.management.commands import makemigrations
    from django.db.migrations import questioner
    from django.db.migrations.writer import MigrationWriter
except Exception as exc:  # noqa: BLE001 - whatever importing Django raises is the answer
    emit({"error": "Django not importable: " + first_line(exc), "stage": "could not run"})
    sys.exit(0)

RENAMES = json.loads(os.environ.get("MGEN_RENAMES") or "{}")  # {"fields": [[app, model, old, new]], "models": ...}
DEFAULTS = json.loads(os.environ.get("MGEN_DEFAULTS") or "[]")  # [[app, model, field, python literal or "timezone.now"]]
captured = []


def one_off(app, model, field):
    import ast

    for d_app, d_model, d_field, text in DEFAULTS:
        if d_model.lower() == model.lower() and d_field == field and (app is None or d_app == app):
            if text == "timezone.now":
                from django.utils import timezone

                return True, timezone.now
            return True, ast.literal_eval(text)
    return False, None


Base = questioner.NonInteractiveMigrationQuestioner


class Questioner(Base):
    """The non-interactive questioner, answering mgen's --rename and --default hints."""

    def ask_rename(self, model_name, old_name, new_name, field_instance):
        return any(m.lower() == model_name.lower() and o == old_name and n == new_name
                   for _a, m, o, n in RENAMES.get("fields", []))

    def ask_rename_model(self, old_model_state, new_model_state):
        return any(a == old_model_state.app_label and o.lower() == old_model_state.name_lower
                   and n.lower() == new_model_state.name_lower for a, o, n in RENAMES.get("models", []))

    def ask_not_null_addition(self, field_name, model_name):
        found, value = one_off(None, model_name, field_name)
        return value if found else Base.ask_not_null_addition(self, field_name, model_name)

    def ask_not_null_alteration(self, field_name, model_name):
        found, value = one_off(None, model_name, field_name)
        return value if found else Base.ask_not_null_alteration(self, field_name, model_name)

    def ask_auto_now_add_addition(self, field_name, model_name):
        found, value = one_off(None, model_name, field_name)
        return value if found else Base.ask_auto_now_add_addition(self, field_name, model_name)


makemigrations.NonInteractiveMigrationQuestioner = Questioner
original = makemigrations.Command.write_migration_files


def write_migration_files(self, changes, *args, **kwargs):
    for app_label, migrations in changes.items():
        for migration in migrations:
            writer = MigrationWriter(migration, getattr(self, "include_header", True))
            captured.append({
                "app": app_label, "name": migration.name, "path": os.path.abspath(writer.path),
                "text": writer.as_string(), "initial": bool(getattr(migration, "initial", False)),
                "operations": [op.describe() for op in migration.operations],
                "dependencies": [list(d) for d in migration.dependencies],
            })
    return original(self, changes, *args, **kwargs)


makemigrations.Command.write_migration_files = write_migration_files
# the project's system checks are not makemigrations' business here (a test settings module may fail one,
# e.g. a setting that needs another); --skip-checks is Django 3.0+, this works on every version
makemigrations.Command.requires_system_checks = False if isinstance(
    makemigrations.Command.requires_system_checks, bool) else []  # Django < 3.2: a bool; then "__all__" or tags
sys.argv = ["manage.py"] + sys.argv[2:]
sys.path[0] = os.getcwd()  # what `python manage.py` puts first: the folder of manage.py
code = 0
try:
    runpy.run_path("manage.py", run_name="__main__")
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
except BaseException as exc:  # noqa: BLE001 - the project's error, said in one line
    from django.apps import apps
    from django.conf import settings

    if not settings.configured:
        emit({"error": "settings import failed: " + first_line(exc), "stage": "could not run"})
    elif not apps.ready:
        emit({"error": "the project's apps failed to load: " + first_line(exc), "stage": "could not run"})
    else:
        emit({"error": "makemigrations failed: " + first_line(exc), "stage": "failed"})
    sys.exit(0)
emit({"django": django.get_version(), "migrations": captured, "exit": code})
