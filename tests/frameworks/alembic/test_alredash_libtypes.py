"""SQLAlchemy-Utils types of redash and lemur read by their ``impl`` (``EncryptedType``: LargeBinary,
``StringEncryptedType``: String, ``TSVectorType``: TSVECTOR, ``EmailType``: Unicode(255), ``URLType``: UnicodeText),
also through a project subclass (redash's ``EncryptedConfiguration(EncryptedType)``), judged by ``create_all()``
on PostgreSQL introspected; TSVECTOR and ``tsvector`` columns written back by the Alembic renderer."""
from __future__ import annotations

import itertools
import warnings

import pytest
from sqlalchemy_oracle import assert_same, created, import_module, read, write_package

from mgen.dialects import get_dialect
from mgen.errors import MgenError
from mgen.frameworks.alembic.render import RenderContext, type_expr
from mgen.operations import AddColumn
from mgen.schema import Column, ColumnType, Schema

pytest.importorskip("sqlalchemy_utils")
_COUNTER = itertools.count()
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy_utils import EmailType, EncryptedType, StringEncryptedType, TSVectorType, URLType

Base = declarative_base()


class Configuration(EncryptedType):
    def process_bind_param(self, value, dialect):
        return super().process_bind_param(value, dialect)


class Secret(Base):
    __tablename__ = "secrets"
    id = sa.Column(sa.Integer, primary_key=True)
    private_key = sa.Column(EncryptedType(sa.String, "key"))
    token = sa.Column(StringEncryptedType(sa.Integer, "key", length=40))
    options = sa.Column(Configuration(sa.Text, "key"))
    search_vector = sa.Column(TSVectorType("token", "options", regconfig="pg_catalog.simple"))
    email = sa.Column(EmailType, nullable=False)
    short_email = sa.Column(EmailType(length=80))
    url = sa.Column(URLType)
"""


def _folder(tmp_path, source=MODELS):
    name = f"alredashlib{next(_COUNTER)}"
    return name, write_package(tmp_path, name, {"models.py": source})


def test_the_types_equal_what_create_all_makes_on_postgresql(tmp_path, monkeypatch):
    import sqlalchemy_utils.types.encrypted.encrypted_type as encrypted
    monkeypatch.setattr(encrypted, "cryptography", True)  # the types' DDL needs no cipher: skip its import check
    name, folder = _folder(tmp_path)
    static = read(folder, "postgresql").schema
    module = import_module(tmp_path, f"{name}.models")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert_same(static, created("postgresql", lambda: [module.Base.metadata]), "postgresql")
    types = {c.name: c.type.describe() for c in static.table("secrets").columns}
    assert types["private_key"] == "binary" and types["options"] == "binary" and types["token"] == "varchar(40)"
    assert types["search_vector"] == "tsvector" and types["email"] == "varchar(255)" and types["url"] == "text"


def test_tsvector_is_refused_off_postgresql(tmp_path):
    _, folder = _folder(tmp_path)
    with pytest.raises(MgenError, match="TSVECTOR exists on PostgreSQL only"):
        read(folder, "sqlite")


def test_tsvector_renders_as_postgresql_tsvector():
    t = ColumnType("native", native="tsvector")
    ctx = RenderContext(get_dialect("postgresql"))
    assert type_expr(ctx, t, Schema(), AddColumn("t", Column("c", t))).format()[0] == "postgresql.TSVECTOR()"
