"""Django: a project's models and its migration history read statically into one kind of state, and
that state as the mgen Schema Django's ``migrate`` builds.

- ``framework``: ``DjangoFramework``, the package behind mgen's framework interface (``frameworks.base``),
  with ``detection`` (``manage.py`` and the settings' ``ENGINE``), ``scope`` (the apps' models and migrations
  folders for ``check``/``status``) and ``rollback`` (``generate --rollback``);
- ``project``: ``DjangoProject``, the settings module (``manage.py``'s DJANGO_SETTINGS_MODULE default, or
  named) and the installed apps with their AppConfig label and default auto field;
- ``models``: model classes -> ``state.ProjectState`` in Django's deconstructed form (what
  ``makemigrations`` compares), read by ``ModelClassReader``;
- ``replay``: every installed app's ``migrations/*.py`` -> the same kind of state (what ``migrate``
  has built), in Django's plan order, applied by ``MigrationReplayer``; ``models_state`` is the desired
  state (the project's models, the installed libraries' apps from their migrations);
- ``tables``: a state -> ``mgen.schema.Schema`` for SQLite, PostgreSQL or MySQL/MariaDB, with Django's
  own table, column, type and constraint names;
- ``autodetect`` and ``writer``: the differences between the replayed state and the models as Django
  operations (``MigrationOperation``; Django's phases and automatic names; renames and one-off defaults
  only as ``--rename``/``--default`` give them, ``QuestionerAnswers``), written as
  ``<app>/migrations/NNNN_<name>.py`` with Django's imports and dependencies, and replayed again before
  they stay on disk (``writer.generate``, what ``mgen generate`` calls in a Django project);
- ``source`` and ``values``: the static-Python layer (``mgen.frameworks.pyast`` over several roots, so
  Django's own source is followed too; literal evaluation, ``Q`` algebra). Nothing here imports the
  project's code.

Read (and checked against Django in tests/frameworks/django/test_django_reader.py and test_django_replay.py):
every core field class (Auto/BigAuto/SmallAuto, Char, Text, Email, URL, Slug, UUID, GenericIPAddress,
Integer family, Positive* family, Boolean, Date, DateTime, Time, Duration, Decimal, Float, JSON, Binary,
File, FilePath), ForeignKey / OneToOneField (to_field, db_constraint, db_index, swappable user model),
ManyToManyField (automatic table, through=, db_table, to itself), db_column, db_index, unique, null,
default (Python side) and db_default (literals, Value, Now()), db_comment, choices (also TextChoices /
IntegerChoices), gettext_lazy texts, constants from other modules; Meta db_table, db_table_comment,
ordering and the other options, indexes (named or not, conditions, Lower/Upper expressions),
constraints (UniqueConstraint with or without condition, CheckConstraint with condition= or check=),
unique_together, abstract, proxy, managed; abstract bases and mixins across modules and apps (Django's
own AbstractUser included), models packages. Migration operations: CreateModel, DeleteModel,
RenameModel, AddField, RemoveField, AlterField, RenameField, AddIndex, RemoveIndex, RenameIndex,
AddConstraint, RemoveConstraint, AlterConstraint, AlterUniqueTogether, AlterIndexTogether,
AlterModelTable, AlterModelTableComment, AlterModelOptions, AlterModelManagers (no state),
SeparateDatabaseAndState and RunSQL's state_operations; RunPython / RunSQL are notes; merges,
squashes, ``__first__``/``__latest__``/``run_before``, ``swappable_dependency``.

Refused with an MgenError (file and line): a computed argument the database sees (``max_length=f()``),
a field class mgen does not know (GeneratedField, CompositePrimaryKey, contrib.postgres fields, ...), a
custom field overriding db_type()/__init__/deconstruct() and the like, multi-table inheritance,
AlterOrderWithRespectTo, two leaf migrations in one app, INSTALLED_APPS computed at run time, no Django
source on the search path; in the schema, PostgreSQL's inet/interval (GenericIPAddressField,
DurationField), db_default expressions beyond literals/Value/Now, conditions beyond
exact/lt/lte/gt/gte/isnull/in/range on the model's own fields.
"""
