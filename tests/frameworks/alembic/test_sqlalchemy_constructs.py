"""Model constructs of real projects, read statically and judged by SQLAlchemy's ``create_all()``.

A TypeDecorator whose ``load_dialect_impl`` branches on the dialect, ``Mapped[GUID] = mapped_column(GUID)``,
a ``declared_attr`` ``__tablename__`` on ``declarative_base(cls=...)`` computed by a helper of the project,
a ``use_alter`` foreign key in a cycle, dialect types imported under aliases, ``PickleType``, single and
joined table inheritance, ``column_property(Column(...))`` and a ``functools.partial`` of ``Column``.
Then what is refused, and where; and modules that do not parse.
"""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy_oracle import ALL, assert_same, created, import_module, read, write_package

from mgen.errors import MgenError

_COUNTER = itertools.count()

NAMING = """\
import re


def resolve_table_name(name):
    \"\"\"CamelCase -> snake_case, plural.\"\"\"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return snake + "s"
"""

TYPES = """\
from sqlalchemy.dialects.postgresql import UUID as PostgresUUID
from sqlalchemy.types import CHAR, TypeDecorator


class GUID(TypeDecorator):
    \"\"\"A UUID: native on PostgreSQL, 32 hex characters elsewhere.\"\"\"

    impl = CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PostgresUUID())
        elif dialect.name in ("mysql", "sqlite"):
            return dialect.type_descriptor(CHAR(32))
        return super().load_dialect_impl(dialect)
"""

MODELS = """\
import functools
import uuid

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql as pg
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped, column_property, declarative_base, declared_attr, mapped_column

from .naming import resolve_table_name
from .types import GUID

NotNullColumn = functools.partial(sa.Column, nullable=False)
Document = sa.JSON().with_variant(sa.Text(), "sqlite")


class CustomBase:
    @declared_attr
    def __tablename__(cls):
        return resolve_table_name(cls.__name__)


Base = declarative_base(cls=CustomBase)


class TeamMember(Base):
    id: Mapped[GUID] = mapped_column(GUID, primary_key=True, default=uuid.uuid4)
    blob = sa.Column(sa.PickleType)
    project_id = sa.Column(sa.Integer, sa.ForeignKey("projects.id", use_alter=True, name="fk_member_project"))
    nick = NotNullColumn(sa.String(30))
    nick_upper = column_property(sa.Column(sa.String(30)))
    settings = sa.Column(MutableDict.as_mutable(Document))
    tags = sa.Column(sa.JSON().evaluates_none())


class Project(Base):
    id = sa.Column(sa.Integer, primary_key=True)
    lead_id = sa.Column(GUID, sa.ForeignKey("team_members.id"), unique=True)
    kind = sa.Column(sa.String(20), nullable=False)
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "project"}


class InternalProject(Project):
    __tablename__ = None  # no table of its own (the base's declared_attr would name one)
    cost_centre = sa.Column(sa.String(10))
    __mapper_args__ = {"polymorphic_identity": "internal"}


class ClientProject(Project):
    __tablename__ = "client_projects"
    id = sa.Column(sa.ForeignKey("projects.id"), primary_key=True)
    client = sa.Column(sa.String(80), nullable=False)
    __mapper_args__ = {"polymorphic_identity": "client"}
"""

PG_MODELS = """\
import sqlalchemy as sa
import sqlalchemy.dialects.postgresql as pg
from sqlalchemy.dialects.postgresql import JSONB as Document
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Event(Base):
    __tablename__ = "events"
    id = sa.Column(pg.UUID(as_uuid=True), primary_key=True)
    payload = sa.Column(Document, nullable=False)
    raw = sa.Column(pg.BYTEA)
"""


def _package(tmp_path, files):
    name = f"cxfix{next(_COUNTER)}"
    return name, write_package(tmp_path, name, files)


@pytest.mark.parametrize("dialect", ALL)
def test_constructs_equal_what_sqlalchemy_creates(tmp_path, dialect):
    name, folder = _package(tmp_path, {"naming.py": NAMING, "types.py": TYPES, "models.py": MODELS})
    read_ = read(folder, dialect)
    module = import_module(tmp_path, f"{name}.models")
    live = created(dialect, lambda: [module.Base.metadata])
    assert_same(read_.schema, live, dialect)
    tables = {t.name: t for t in read_.schema.tables}
    assert set(tables) == {"team_members", "projects", "client_projects"}
    assert "cost_centre" in tables["projects"].column_names()


def test_dialect_types_under_aliases(tmp_path):
    name, folder = _package(tmp_path, {"models.py": PG_MODELS})
    read_ = read(folder, "postgresql")
    module = import_module(tmp_path, f"{name}.models")
    assert_same(read_.schema, created("postgresql", lambda: [module.Base.metadata]), "postgresql")


def _error(tmp_path, files, dialect="postgresql") -> MgenError:
    _, folder = _package(tmp_path, files)
    with pytest.raises(MgenError) as e:
        read(folder, dialect)
    return e.value


def test_a_mariadb_branch_is_refused_on_mysql(tmp_path):
    types = TYPES.replace('elif dialect.name in ("mysql", "sqlite")', 'elif dialect.name == "mariadb"')
    e = _error(tmp_path, {"naming.py": NAMING, "types.py": types, "models.py": MODELS}, "mysql")
    assert e.file.endswith("types.py") and e.line == 14
    assert "depends on the database URL" in e.message


def test_a_load_dialect_impl_that_computes_is_refused(tmp_path):
    types = TYPES.replace('        if dialect.name == "postgresql":',
                          '        kind = self.kind\n        if dialect.name == "postgresql":')
    e = _error(tmp_path, {"naming.py": NAMING, "types.py": types, "models.py": MODELS})
    assert e.file.endswith("types.py") and e.line == 12 and "load_dialect_impl" in e.message


def test_a_table_name_helper_that_is_not_plain_is_refused_at_the_class(tmp_path):
    naming = NAMING.replace('    return snake + "s"', '    print(snake)\n    return snake + "s"')
    e = _error(tmp_path, {"naming.py": naming, "types.py": TYPES, "models.py": MODELS})
    assert e.file.endswith("naming.py") and e.line == 7
    assert "TeamMember.__tablename__" in e.message


NEWER = """\
class Box[T]:
    def __init__(self, item: T) -> None:
        self.item = item
"""
BROKEN = """\
def helper(:
    return 1
"""


@pytest.mark.parametrize("source", [NEWER, BROKEN], ids=["newer-syntax", "syntax-error"])
def test_a_module_that_is_not_a_model_does_not_block_the_models(tmp_path, source):
    # a module without models is not parsed: its syntax (newer than this Python, or wrong) cannot block them
    _, folder = _package(tmp_path, {"generic.py": source, "models.py": PG_MODELS})
    assert [t.name for t in read(folder, "postgresql").schema.tables] == ["events"]


def test_a_model_module_that_does_not_parse_names_file_and_line(tmp_path):
    e = _error(tmp_path, {"models.py": PG_MODELS + "\n\n" + BROKEN})
    assert e.file.endswith("models.py") and e.line == 16
    assert "syntax" in e.message


def test_a_module_the_models_import_from_that_does_not_parse_names_it(tmp_path):
    models = "from .generic import SIZE\n" + PG_MODELS + "    size = sa.Column(sa.String(SIZE))\n"
    e = _error(tmp_path, {"generic.py": "SIZE = 20\n" + BROKEN, "models.py": models})
    assert e.file.endswith("generic.py") and e.line == 2
    assert "syntax" in e.message


def test_a_subclass_named_by_a_declared_attr_without_a_primary_key_is_refused(tmp_path):
    # SQLAlchemy gives it a table of its own (joined inheritance) with no key to the parent's: it refuses it too
    models = MODELS.replace("    __tablename__ = None  # no table of its own (the base's declared_attr would name one)\n",
                            "")
    e = _error(tmp_path, {"naming.py": NAMING, "types.py": TYPES, "models.py": models})
    assert e.file.endswith("models.py") and "class InternalProject has no primary key" in e.message


COMPILES = """\
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import declarative_base

Base = declarative_base()


@compiles(sa.DateTime, "mysql")
def datetime_with_microseconds(type_, compiler, **kw):
    return "DATETIME(6)"


class Visit(Base):
    __tablename__ = "visits"
    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(sa.DateTime, nullable=False)
"""


@pytest.mark.parametrize("dialect", ("mysql", "postgresql"))
def test_compiles_changes_the_type_on_its_dialect(tmp_path, dialect):
    from sqlalchemy import DateTime
    from sqlalchemy.ext.compiler import deregister

    name, folder = _package(tmp_path, {"models.py": COMPILES})
    read_ = read(folder, dialect)
    try:
        module = import_module(tmp_path, f"{name}.models")
        live = created(dialect, lambda: [module.Base.metadata])
    finally:
        deregister(DateTime)  # @compiles is for the whole process
    assert_same(read_.schema, live, dialect)
    at = read_.schema.tables[0].columns[1].type
    assert (at.precision == 6) == (dialect == "mysql")


def test_a_folder_reads_neither_tests_nor_revisions(tmp_path):
    test_models = PG_MODELS.replace('"events"', '"test_only"')
    revision = 'import sqlalchemy as sa\n\nrevision = "abc"\ndown_revision = None\n' \
        'meta = sa.MetaData()\nlegacy = sa.Table("legacy", meta, sa.Column("id", sa.Integer, primary_key=True))\n'
    _, folder = _package(tmp_path, {"models.py": PG_MODELS})
    (folder / "tests").mkdir()
    (folder / "tests" / "factories.py").write_text(test_models)
    (folder / "test_models.py").write_text(test_models)
    (folder / "versions").mkdir()
    (folder / "versions" / "abc_first.py").write_text(revision)
    read_ = read(folder, "postgresql")
    assert [t.name for t in read_.schema.tables] == ["events"]
    assert any("2 test module(s)" in n.message for n in read_.notes)


LATE_CONVENTION = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()
Base.metadata.naming_convention = {"uq": "uq_%(table_name)s_%(column_0_name)s", "pk": "pk_%(table_name)s"}


class Badge(Base):
    __tablename__ = "badges"
    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(10), unique=True)
"""


def test_a_naming_convention_assigned_to_the_metadata_later(tmp_path):
    name, folder = _package(tmp_path, {"models.py": LATE_CONVENTION})
    read_ = read(folder, "postgresql")
    module = import_module(tmp_path, f"{name}.models")
    assert_same(read_.schema, created("postgresql", lambda: [module.Base.metadata]), "postgresql")
    assert read_.schema.tables[0].primary_key.name == "pk_badges"


def test_a_folder_skips_virtual_environments_inside_it(tmp_path):
    _, folder = _package(tmp_path, {"models.py": PG_MODELS})
    env = folder / "venv"
    (env / "lib" / "site").mkdir(parents=True)
    (env / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (env / "lib" / "site" / "models.py").write_text(PG_MODELS.replace('"events"', '"installed"'))
    assert [t.name for t in read(folder, "postgresql").schema.tables] == ["events"]


def test_a_postgresql_branch_returning_a_string_is_refused(tmp_path):
    # dialect.type_descriptor(CHAR(36)) is CHAR(36) with psycopg2, VARCHAR(36) with psycopg (SQLAlchemy 2.1's default)
    types = TYPES.replace("dialect.type_descriptor(PostgresUUID())", "dialect.type_descriptor(CHAR(36))")
    e = _error(tmp_path, {"naming.py": NAMING, "types.py": types, "models.py": MODELS})
    assert e.file.endswith("types.py") and e.line == 13 and "depends on the driver" in e.message
