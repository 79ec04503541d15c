"""SQLAlchemy models read statically into a Schema: ``read_models(path, dialect) -> Schema``.

Entry points: ``read_models(path, dialect, root=None) -> Schema`` and ``read_models_with_notes`` (the
same, with the notes on what was deliberately left out: ``ModelsRead``).

The schema is the one ``metadata.create_all()`` would build on ``dialect``, worked out from the
source with ``ast`` (``mgen.frameworks.pyast``): the user's modules are never imported. Read:

- declarative classes in the 1.4 style (``Column(...)``) and the 2.0 style (``Mapped[...]`` with or
  without ``mapped_column(...)``; the column type from the annotation through SQLAlchemy's default type
  map or the base's ``type_annotation_map``; ``Optional[X]`` / ``X | None`` makes it nullable; ``Annotated``
  aliases carrying a ``mapped_column``), bases made by ``class Base(DeclarativeBase)``,
  ``declarative_base()``, ``registry().generate_base()`` or ``@as_declarative()``;
- mixins and abstract bases (``__abstract__ = True``) across modules, in the column order SQLAlchemy
  gives them (the class's own attributes first, then each base in MRO order; ``sort_order=``);
  ``declarative_base(cls=...)``; ``@declared_attr`` returning a column or ``__tablename__``, strings of
  ``cls.__name__`` computed by str methods, f-strings, ``re.sub`` and plain helper functions of the
  project (``classnames``);
- single and joined table inheritance of mapped classes, as SQLAlchemy (or Flask-SQLAlchemy's
  ``__table_cls__``) decides between them; ``column_property(Column(...))``; ``functools.partial(Column, ...)``
  with constant keywords;
- Flask-SQLAlchemy (``flask``): ``db = SQLAlchemy(...)`` (or a subclass), ``db.Model`` with its automatic
  ``__tablename__`` by the pinned version (``pins``), ``db.Column``/``db.String``/... , ``db.Table``;
  ``__bind_key__`` tables are left out with a note;
- SQLModel ``table=True`` classes (``sqlmodel``);
- ``@compiles(Type, "dialect")`` returning constant DDL (``compiles``);
- ``__tablename__``, ``__table_args__`` (tuple and/or dict), ``__table__ = Table(...)`` and module-level
  ``Table("name", metadata, ...)``; ``MetaData(naming_convention={...})``;
- columns: type, ``primary_key``, ``nullable`` (SQLAlchemy's defaults), ``unique``, ``index``,
  ``server_default`` (a string, ``text()``, ``func.x()``, ``true()``/``false()``), ``comment``,
  ``autoincrement``, ``Identity()``, ``Computed("sql", persisted=)``, ``ForeignKey("t.c" or Model.c, ondelete=,
  onupdate=)``;
- constraints: ``PrimaryKeyConstraint``, ``UniqueConstraint``, ``CheckConstraint``,
  ``ForeignKeyConstraint``, ``Index`` (columns, ``text()`` expressions, ``unique``,
  ``postgresql_where``/``sqlite_where``, ``postgresql_using``);
- types: Integer, BigInteger, SmallInteger, String(n)/Unicode, CHAR, Text, Boolean, Date, DateTime
  (timezone=), TIMESTAMP, Time, Numeric(p, s), Float, Double, REAL, LargeBinary, JSON, Uuid/UUID,
  Enum (a Python enum class read statically, or string values; ``name=``, ``native_enum=``,
  ``values_callable=lambda e: [m.value for m in e]``), ``postgresql.JSONB/ENUM/UUID/TIMESTAMP/BYTEA``,
  ``PickleType``, and ``TypeDecorator`` subclasses in the project with a plain ``impl`` or a
  ``load_dialect_impl`` that branches on ``dialect.name`` (``typedecorators``).

What SQLAlchemy does per dialect is mirrored, because the Schema must equal the database it builds:
an autoincrementing integer primary key is ``SERIAL`` on PostgreSQL and ``AUTO_INCREMENT`` on MySQL
(identity "serial") but a plain ``INTEGER`` on SQLite unless ``sqlite_autoincrement=True``;
``DateTime(timezone=True)`` is ``DATETIME`` on MySQL; ``Uuid`` is ``CHAR(32)`` on SQLite and the native
``UUID`` on MariaDB; a non-native ``Enum`` (SQLite, ``native_enum=False``, ``Literal[...]``) is
``VARCHAR(longest value)``; comments are not stored by SQLite.

Names: explicit names and the metadata's naming convention are SQLAlchemy's (``ix_<table>_<column>``
for ``index=True`` by default; convention names longer than the dialect's limit are shortened as
SQLAlchemy does). Constraints SQLAlchemy leaves unnamed (``unique=True``, an unnamed ``CheckConstraint``
or ``ForeignKey``) are named by the database, and get the name that database gives them
(``Dialect.unnamed_constraint_name``): on PostgreSQL mgen's ``naming`` (``t_c_key``, ``t_c_fkey``,
``t_c_check``, PostgreSQL's own rule), on MySQL/MariaDB ``c``, ``t_ibfk_1``, ``CONSTRAINT_1`` (numbered in the order
SQLAlchemy emits them: the constraints written out first, then those the columns imply), on SQLite,
which stores none, the PostgreSQL-style names mgen's SQLite introspection reports. The differ matches
constraints by definition anyway; the names matter to a later migration that drops one by name.

Python-side ``default=``/``onupdate=`` are not database defaults: nothing is recorded (a note says so).
What cannot be read statically (a type computed by a call, a class built dynamically, an unknown
argument, a ``server_default`` that is a Python expression) is an ``MgenError`` with file and line.

SQLAlchemy-Continuum's ``__versioned__`` classes get their version tables derived (``continuum_tables``: by
Continuum's rules, its options and the pinned version; otherwise taken from the revisions, ``continuum``, and a
versioned table that changes is refused). Not supported (MgenError): ``Sequence``,
``ARRAY``/``Interval`` and other types without a portable name, schemas (``schema=``),
deferrable foreign keys, ``create_constraint=True`` on Boolean/non-native Enum, ``column_property``.

``ConstructReader`` and the readers of types, columns, constraints and ``Table(...)`` calls are also what
``alembic.replay`` uses to read ``op.create_table`` / ``op.add_column`` / ``op.alter_column``: one
interpretation of SQLAlchemy's schema constructs, not two.

Modules, in the order a reading goes through them:

- ``reader``: ``ConstructReader``, the state of a reading and its primitives (names, literals, keyword arguments);
- ``types``: SQLAlchemy types -> ``ColumnType`` on the dialect, one handler per SQLAlchemy name;
- ``constraints``, ``columns``, ``tables``: ``ForeignKey``/``CheckConstraint``/``UniqueConstraint``/``Index``...,
  ``Column``/``mapped_column`` with server defaults, and ``Table(...)`` calls read as specs (``specs``);
- ``project``: the project's modules (Flask-SQLAlchemy's re-exported names; only files that may define models
  are parsed under a folder, and syntax newer than this Python is named);
- ``bases``, ``annotations``, ``declarative``: declarative bases and MetaData, ``Mapped[...]`` -> types, and
  the scan of a project's modules for mapped classes and tables; ``flask``, ``sqlmodel``, ``classnames``,
  ``typedecorators``, ``compiles``, ``pins``: what those readings need;
- ``build``, ``constraint_names``: specs -> mgen's Tables by the dialect's rules, constraints named as
  SQLAlchemy and the database name them;
- ``declared``: each column's type as Alembic's autogenerate spells it (the revision writer's);
  ``continuum``: SQLAlchemy-Continuum's tables taken from the revisions;
- ``read``: the entry points.
"""
from __future__ import annotations

from .build import build_table, schema_from_specs
from .columns import read_column, server_default
from .constraint_names import DEFAULT_CONVENTION
from .constraints import fk_action, read_index
from .read import ModelsRead, read_models, read_models_with_notes
from .reader import ConstructReader, Scope, sa_name
from .specs import CheckSpec, ColumnSpec, ForeignKeySpec, IndexSpec, PrimaryKeySpec, TableSpec, TypeSpec, UniqueSpec
from .tables import read_table_call
from .types import read_type

__all__ = [
    "DEFAULT_CONVENTION", "CheckSpec", "ColumnSpec", "ConstructReader", "ForeignKeySpec", "IndexSpec", "ModelsRead",
    "PrimaryKeySpec", "Scope", "TableSpec", "TypeSpec", "UniqueSpec", "build_table", "fk_action", "read_column",
    "read_index", "read_models", "read_models_with_notes", "read_table_call", "read_type", "sa_name",
    "schema_from_specs", "server_default",
]
