"""SQLAlchemy models read statically (mgen.frameworks.sqlalchemy) equal what SQLAlchemy builds.

The oracle is SQLAlchemy itself: each fixture module (ours, so the test may import it) is created with
``metadata.create_all()`` on a scratch database of each dialect, the database is introspected, and the
schema read from the source without importing it must diff as "no changes" against it, in both
directions, with the same column order. On PostgreSQL and SQLite, where mgen's names for unnamed
constraints are the ones introspection reports, the two schemas must be identical.

The static Python toolkit (mgen.frameworks.pyast) is tested first, against Python's own answers.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.dialects.mysql  # sa.dialects.mysql, used below, is no attribute until imported
from conftest import require_server

from mgen.db import connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.pyast import ClassRef, External, Project, Unknown, ValueRef
from mgen.frameworks.sqlalchemy import read_models, read_models_with_notes
from mgen.sources.live import introspect_connection

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sqlalchemy"
MODELS = FIXTURES / "sa_fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))  # the fixture package imports as sa_fixtures.<name>

ALL = ("sqlite", "postgresql", "mysql")
# fixture -> the dialects SQLAlchemy can create it on
FIXTURE_DIALECTS = {
    "legacy_columns": ALL,
    "typed_mapped": ALL,
    "mixins": ALL,
    "abstract_base": ALL,
    "shop": ALL,
    "naming_convention": ALL,
    "enums": ALL,
    "server_defaults": ALL,
    "table_args": ALL,
    "core_tables": ALL,
    "foreign_keys": ALL,
    "identity": ALL,
    "computed": ALL,
    "json_uuid": ALL,
    "annotated": ALL,
    "type_decorator": ALL,
    "registry_base": ALL,
    "composite_autoincrement": ("postgresql", "mysql"),
    "expression_index": ("sqlite", "postgresql"),
    "postgres_only": ("postgresql",),
}
CASES = [pytest.param(name, d, id=f"{name}-{d}") for name, ds in FIXTURE_DIALECTS.items() for d in ds]


def sa_url(url: str) -> str:
    """mgen's URL as SQLAlchemy's (SQLAlchemy 2.1 maps postgresql:// to psycopg already)."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1).replace("mysql://", "mysql+pymysql://", 1)


def fixture_path(name: str) -> Path:
    package = MODELS / name
    return package if package.is_dir() else MODELS / f"{name}.py"


def metadatas(name: str) -> list[sa.MetaData]:
    """Every MetaData the fixture (module or package) defines, found by importing it."""
    root = importlib.import_module(f"sa_fixtures.{name}")
    modules = [root]
    if hasattr(root, "__path__"):
        modules += [importlib.import_module(i.name) for i in pkgutil.walk_packages(root.__path__, root.__name__ + ".")]
    found: list[sa.MetaData] = []
    for module in modules:
        for value in vars(module).values():
            md = value if isinstance(value, sa.MetaData) else getattr(value, "metadata", None)
            if isinstance(md, sa.MetaData) and md.tables and all(md is not f for f in found):
                found.append(md)
    return found


def created_by_sqlalchemy(name: str, dialect: str):
    """The schema SQLAlchemy's create_all() builds for the fixture, as mgen introspects it."""
    with scratch_database(dialect, require_server(dialect)) as url:
        engine = sa.create_engine(sa_url(url))
        try:
            for md in metadatas(name):
                md.create_all(engine)
        finally:
            engine.dispose()
        with connect(url) as conn:
            return introspect_connection(conn)


def column_orders(schema) -> dict[str, tuple[str, ...]]:
    return {t.name: t.column_names() for t in schema.tables}


# =================================================================================================
# The oracle: create_all() on each database
# =================================================================================================
@pytest.mark.parametrize("name,dialect", CASES)
def test_static_read_equals_what_sqlalchemy_creates(name, dialect):
    require_server(dialect)
    static = read_models(fixture_path(name), dialect)
    live = created_by_sqlalchemy(name, dialect)
    d = get_dialect(dialect)
    assert [op.describe() for op in diff(static, live, d).operations] == []
    assert [op.describe() for op in diff(live, static, d).operations] == []
    assert column_orders(static) == column_orders(live)
    if dialect != "mysql":  # MySQL spells some things differently that the differ treats as equal
        assert static.normalized() == live.normalized()


def test_fixtures_cover_what_the_brief_lists():
    """The fixture set is not trivially small: what it exercises is read from the result."""
    assert len(FIXTURE_DIALECTS) >= 15
    pg = {name: read_models(fixture_path(name), "postgresql")
          for name, ds in FIXTURE_DIALECTS.items() if "postgresql" in ds}
    tables = [t for s in pg.values() for t in s.tables]
    assert len(tables) >= 35
    assert any(f.on_delete == "CASCADE" for t in tables for f in t.foreign_keys)
    assert any(c.default is not None and c.default.kind == "expression" for t in tables for c in t.columns)
    assert {"ticket_size", "ticket_status", "mood", "priority"} <= {e.name for e in pg["enums"].enums}
    assert pg["shop"].table("order_lines").foreign_keys[0].name == "fk_order_lines_order_id_orders"


def test_mixins_from_another_module_keep_sqlalchemys_column_order():
    schema = read_models(MODELS / "mixins.py", "postgresql")
    assert schema.table("authors").column_names() == ("email", "id", "name")
    assert schema.table("blog_posts").column_names() == ("title", "body", "id", "created_at", "updated_at",
                                                         "owner_id")
    comments = schema.table("blog_comments")
    assert comments.column_names() == ("body", "created_at", "updated_at", "id")
    assert comments.column("created_at").type.name == "varchar"  # the class's own column wins
    assert schema.table("authors").column("name").type.length == 80  # 60 + 20, from mixin_constants


def test_enum_values_are_read_from_the_enum_class():
    schema = read_models(MODELS / "enums.py", "postgresql")
    values = {e.name: e.values for e in schema.enums}
    assert values["mood"] == ("happy", "sad")  # names; the alias "glad" is not a member
    assert values["ticket_size"] == ("small", "large-ish")  # values_callable
    assert values["priority"] == ("LOW", "HIGH")
    tickets = schema.table("tickets")
    assert tickets.column("channel").type.describe() == "varchar(5)"  # native_enum=False
    assert tickets.column("kind").type.describe() == "varchar(7)"  # Literal["bug", "feature"]
    mysql = read_models(MODELS / "enums.py", "mysql")
    assert {e.name for e in mysql.enums} >= {"tickets_mood", "surveys_before", "surveys_after"}


def test_python_side_defaults_are_notes_not_defaults():
    read = read_models_with_notes(MODELS / "legacy_columns.py", "sqlite")
    assert read.schema.table("users").column("rank").default is None
    assert [n.line for n in read.notes] == [37]
    assert "default= is applied by SQLAlchemy in Python" in read.notes[0].message
    assert read.notes[0].file.endswith("legacy_columns.py")


# =================================================================================================
# Where SQLAlchemy itself refuses, the reader refuses too
# =================================================================================================
def test_both_refuse_a_string_without_length_on_mysql(tmp_path):
    source = """
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Thing(Base):
            __tablename__ = "things"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str]
        """
    path = write(tmp_path, "lengthless.py", source)
    with pytest.raises(MgenError) as e:
        read_models(path, "mysql")
    assert e.value.one_line() == f"{path}:11: String: VARCHAR requires a length on MySQL (SQLAlchemy refuses to create it)"
    assert read_models(path, "postgresql").table("things").column("name").type.describe() == "varchar"
    module = import_file(path)  # our own test source
    with pytest.raises(sa.exc.CompileError, match="VARCHAR requires a length on dialect mysql"):
        sa.schema.CreateTable(module.Thing.__table__).compile(dialect=sa.dialects.mysql.dialect())


def test_both_refuse_composite_autoincrement_on_sqlite():
    with pytest.raises(MgenError, match="SQLite does not support autoincrement for composite primary keys"):
        read_models(MODELS / "composite_autoincrement.py", "sqlite")
    with pytest.raises(sa.exc.CompileError, match="SQLite does not support autoincrement for composite"):
        created_by_sqlalchemy("composite_autoincrement", "sqlite")


# =================================================================================================
# What cannot be read statically: an MgenError with file and line, never a guess
# =================================================================================================
HEADER = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


"""

UNREADABLE = [
    pytest.param("""\
def pick_type():
    return sa.String(20) if LONG else sa.Text()


class A(Base):
    __tablename__ = "a"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(pick_type())
""", 16, "column name type: pick_type() is computed by calling models.pick_type when the code runs",
                 id="computed-type"),
    pytest.param("""\
A = type("A", (Base,), {"__tablename__": "a", "id": sa.Column(sa.Integer, primary_key=True)})
""", 9, "a mapped class built by type(...) is only known when the code runs", id="dynamic-class"),
    pytest.param("""\
import os

if os.environ.get("WITH_B"):
    class B(Base):
        __tablename__ = "b"
        id = sa.Column(sa.Integer, primary_key=True)
""", 12, "class B is defined inside an if block", id="conditional-class"),
    pytest.param("""\
class A(Base):
    __tablename__ = "a"
    id = sa.Column(sa.Integer, primary_key=True, frobnicate=True)
""", 11, "column id: argument frobnicate= is not supported", id="unknown-argument"),
    pytest.param("""\
class A(Base):
    __tablename__ = "a"
    id = sa.Column(sa.Integer, primary_key=True)
    n = sa.Column(sa.Integer, server_default=str(5))
""", 12, "table a.n server_default: str(5) is not a server default SQLAlchemy renders", id="python-default"),
    pytest.param("""\
class A(Base):
    __tablename__ = "a"
    id = sa.Column(sa.Integer, primary_key=True)


class B(A):
    __tablename__ = "b"
    name = sa.Column(sa.String(20))
""", 14, "class B has no primary key: SQLAlchemy cannot map it (joined table inheritance", id="inheritance"),
    pytest.param("""\
try:
    LENGTH = int("40")
except ValueError:
    LENGTH = 20


class A(Base):
    __tablename__ = "a"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(LENGTH))
""", 18, "String(length=): 'LENGTH' is bound conditionally (line 9 of models.py)", id="conditional-constant"),
    pytest.param("""\
class A(Base):
    __tablename__ = "a"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[list[str]]
""", 12, "A.tags: Mapped[list[str]] is a relationship or an unsupported type", id="unmappable-annotation"),
    pytest.param("""\
class A(Base):
    __tablename__ = "a"
    id = sa.Column(sa.Integer, primary_key=True)
    span = sa.Column(sa.Interval)
""", 12, "column span type: unsupported SQLAlchemy type Interval", id="unsupported-type"),
    pytest.param("""\
class A(Base):
    __tablename__ = "a"
    id = sa.Column(sa.Integer, primary_key=True)
    x = sa.Column(sa.Integer, sa.Computed(expression()))
""", 12, "column x Computed: expression() is not a literal value", id="computed-column"),
]


def import_file(path: Path):
    """Import a module the test itself wrote (SQLAlchemy resolves annotations through sys.modules)."""
    name = f"mgen_test_{path.stem}_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def write(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


@pytest.mark.parametrize("body,line,message", UNREADABLE)
def test_unreadable_models_are_errors_with_file_and_line(tmp_path, body, line, message):
    path = write(tmp_path, "models.py", HEADER + body)
    with pytest.raises(MgenError) as e:
        read_models(path, "postgresql")
    assert e.value.file == str(path)
    assert e.value.line == line, e.value.one_line()
    assert message in e.value.message
    assert e.value.one_line().startswith(f"{path}:{line}: ")


def test_a_base_outside_the_project_is_an_error(tmp_path):
    path = write(tmp_path, "models.py", """\
        import sqlalchemy as sa
        from company_db.base import Base


        class A(Base):
            __tablename__ = "a"
            id = sa.Column(sa.Integer, primary_key=True)
        """)
    with pytest.raises(MgenError) as e:
        read_models(path, "sqlite")
    assert e.value.line == 5
    assert "its base company_db.base.Base is outside the project" in e.value.message


def test_syntax_errors_name_the_file_and_line(tmp_path):
    path = write(tmp_path, "models.py", "import sqlalchemy as sa\n\nclass A(:\n    pass\n")
    with pytest.raises(MgenError) as e:
        read_models(path, "sqlite")
    assert (e.value.file, e.value.line) == (str(path), 3)
    assert e.value.message.startswith("Python syntax error")


def test_the_users_code_is_never_imported(tmp_path):
    """A module that would stop the process when imported is read all the same."""
    path = write(tmp_path, "models.py", """\
        import sys

        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base

        sys.exit("imported!")
        Base = declarative_base()


        class A(Base):
            __tablename__ = "a"
            id = sa.Column(sa.Integer, primary_key=True)
        """)
    assert read_models(path, "sqlite").table_names() == ("a",)


# =================================================================================================
# pyast: the static toolkit, against Python's own answers
# =================================================================================================
def make_package(tmp_path: Path) -> Path:
    pkg = tmp_path / "proj"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .constants import *  # noqa\n")
    (pkg / "constants.py").write_text(textwrap.dedent("""\
        BASE = 40
        WIDTH = BASE + 2
        NEGATIVE = -BASE
        NAME = "tab" + "le"
        FULL = f"{NAME}_{WIDTH}"
        PAIR = (NAME, [1, 2], {"k": NEGATIVE})
        """))
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "bases.py").write_text(textwrap.dedent("""\
        import sqlalchemy as sa
        from sqlalchemy import orm as sa_orm

        from .. import constants
        from ..constants import WIDTH as W


        class Left:
            pass


        class Right:
            pass


        class Root(Left, Right):
            size = W
            kind = sa.String
            mapped = sa_orm.Mapped
        """))
    (pkg / "models.py").write_text(textwrap.dedent("""\
        from .sub.bases import Left, Right, Root
        from . import sub
        from .sub import bases as b
        import proj.constants


        class A(Left):
            pass


        class B(Right, Left):
            pass


        class C(A, Root):
            pass


        Alias = b.Root
        Chain = proj.constants.FULL
        """))
    return pkg


def test_pyast_resolves_across_modules_without_importing(tmp_path):
    pkg = make_package(tmp_path)
    project = Project(tmp_path)
    models = project.module_at(pkg / "models.py")
    assert models.name == "proj.models"

    def resolve(text: str):
        return project.resolve(models, ast.parse(text, mode="eval").body)

    alias = resolve("Alias")
    assert isinstance(alias, ClassRef) and alias.qualname == "proj.sub.bases.Root"
    assert resolve("sub.bases.Root") == alias
    assert resolve("b.Root.kind") == External("sqlalchemy.String")
    assert resolve("b.Root.mapped") == External("sqlalchemy.orm.Mapped")
    assert resolve("b.sa.orm.DeclarativeBase") == External("sqlalchemy.orm.DeclarativeBase")
    assert resolve("len") == External("builtins.len")
    chain = resolve("Chain")
    assert isinstance(chain, ValueRef) and chain.qualname == "proj.constants.FULL"
    missing = resolve("Nope")
    assert isinstance(missing, Unknown) and missing.line == 1 and "'Nope' is not defined" in missing.why


def test_pyast_literals_follow_constants_across_modules(tmp_path):
    pkg = make_package(tmp_path)
    project = Project(tmp_path)
    models = project.module_at(pkg / "models.py")
    bases = project.module_at(pkg / "sub" / "bases.py")

    def literal(module, text: str):
        return project.literal(module, ast.parse(text, mode="eval").body)

    assert literal(models, "Chain") == "table_42"
    assert literal(bases, "constants.PAIR") == ("table", [1, 2], {"k": -40})
    unknown = literal(bases, "W * 2")
    assert isinstance(unknown, Unknown) and "is not a literal value" in unknown.why
    star = project.module("proj")
    assert literal(star, "WIDTH") == 42  # through `from .constants import *`


def test_pyast_mro_is_pythons(tmp_path):
    """C3 across modules, checked against the MRO Python computes for the same (our own) classes."""
    pkg = make_package(tmp_path)
    project = Project(tmp_path)
    models = project.module_at(pkg / "models.py")
    static = {}
    for name in ("A", "B", "C"):
        ref = project.lookup(models, name)
        mro = project.mro(ref)
        static[name] = [r.name for r in mro]
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("proj.models")
        real = {name: [c.__name__ for c in getattr(module, name).__mro__ if c is not object]
                for name in ("A", "B", "C")}
    finally:
        sys.path.remove(str(tmp_path))
        for key in [k for k in sys.modules if k == "proj" or k.startswith("proj.")]:
            del sys.modules[key]
    assert static == real == {"A": ["A", "Left"], "B": ["B", "Right", "Left"],
                              "C": ["C", "A", "Root", "Left", "Right"]}


def test_pyast_inconsistent_bases_and_conditional_names(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent("""\
        import os

        class X: ...
        class Y(X): ...
        class Bad(X, Y): ...

        if os.environ.get("A"):
            FLAG = 1
        else:
            FLAG = 2
        """))
    project = Project(tmp_path)
    module = project.module_at(path)
    bad = project.mro(project.lookup(module, "Bad"))
    assert isinstance(bad, Unknown) and bad.line == 5 and "no consistent method resolution order" in bad.why
    flag = project.lookup(module, "FLAG")
    assert isinstance(flag, Unknown) and "bound conditionally" in flag.why
    class X: ...

    class Y(X): ...

    with pytest.raises(TypeError):  # Python agrees about Bad
        type("Bad", (X, Y), {})
