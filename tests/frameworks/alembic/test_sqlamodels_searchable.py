"""SQLAlchemy-Searchable's GIN index on each ``TSVectorType`` column of the classes mapped after
``make_searchable()`` (``searchable``), judged by SQLAlchemy-Searchable itself: the models imported in a process
of their own (its listeners are process-wide), the mappers configured and ``create_all()`` run on a scratch
PostgreSQL database, which must hold what mgen reads statically. A class whose order against the call is not
known is refused naming it."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_server
from sqlalchemy_oracle import assert_same, read, sa_url, write_package

from mgen.db import connect, scratch_database
from mgen.errors import MgenError
from mgen.sources.live import introspect_connection

if importlib.util.find_spec("sqlalchemy_searchable") is None:
    pytest.skip("SQLAlchemy-Searchable is not installed (the test extra)", allow_module_level=True)

BASE = '''
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy_searchable import make_searchable
from sqlalchemy_utils import TSVectorType

Base = declarative_base()


class Early(Base):  # mapped before make_searchable(): no index
    __tablename__ = "early"
    id = sa.Column(sa.Integer, primary_key=True)
    body = sa.Column(sa.Text)
    search_vector = sa.Column(TSVectorType("body"))


make_searchable(Base.metadata)
'''

MODELS = '''
import sqlalchemy as sa
from sqlalchemy_utils import TSVectorType

from .base import Base


class Article(Base):
    __tablename__ = "articles"
    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(100))
    search_vector = sa.Column(TSVectorType("title", weights={"title": "A"}))
'''

JUDGE = """
import sys
import sqlalchemy as sa
sys.path.insert(0, sys.argv[1])
models = __import__(sys.argv[2], fromlist=["Base"])
sa.orm.configure_mappers()
engine = sa.create_engine(sys.argv[3])
models.Base.metadata.create_all(engine)
engine.dispose()
"""


def test_gin_index_as_searchable_makes_it(tmp_path: Path) -> None:
    server = require_server("postgresql")
    folder = write_package(tmp_path, "searchable_pkg", {"base.py": BASE, "models.py": MODELS})
    static = read(folder, "postgresql", tmp_path).schema
    assert [i.name for i in static.table("articles").indexes] == ["ix_articles_search_vector"]
    assert static.table("articles").indexes[0].method == "gin"
    assert static.table("early").indexes == ()
    with scratch_database("postgresql", server) as url:
        done = subprocess.run([sys.executable, "-c", JUDGE, str(tmp_path), "searchable_pkg.models", sa_url(url)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        with connect(url) as conn:
            live = introspect_connection(conn)
    assert_same(static, live, "postgresql")


def test_a_class_not_known_to_be_mapped_after_the_call_is_refused(tmp_path: Path) -> None:
    other = '''
    import sqlalchemy as sa
    from sqlalchemy.orm import declarative_base
    from sqlalchemy_utils import TSVectorType

    Other = declarative_base()


    class Note(Other):
        __tablename__ = "notes"
        id = sa.Column(sa.Integer, primary_key=True)
        search_vector = sa.Column(TSVectorType("id"))
    '''
    folder = write_package(tmp_path, "searchable_other", {"base.py": BASE, "other.py": other})
    with pytest.raises(MgenError) as e:
        read(folder, "postgresql", tmp_path)
    assert "class Note: its TSVectorType column search_vector gets a GIN index only if make_searchable()" in str(e.value)
    assert e.value.file.endswith("other.py")


def test_tsvector_type_is_spelled_as_autogenerate_renders_it(tmp_path: Path) -> None:
    from alembic.autogenerate import render
    from alembic.autogenerate.api import AutogenContext
    from alembic.migration import MigrationContext
    from sqlalchemy_utils import TSVectorType

    folder = write_package(tmp_path, "searchable_declared", {"base.py": BASE, "models.py": MODELS})
    declared = read(folder, "postgresql", tmp_path).declared[("articles", "search_vector")][1]
    context = MigrationContext.configure(dialect_name="postgresql", opts={
        "sqlalchemy_module_prefix": "sa.", "user_module_prefix": None, "alembic_module_prefix": "op."})
    rendered = render._repr_type(TSVectorType("title", weights={"title": "A"}), AutogenContext(context, autogenerate=False))
    assert declared.code() == rendered
