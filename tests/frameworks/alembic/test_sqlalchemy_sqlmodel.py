"""SQLModel table models read statically equal what ``SQLModel.metadata.create_all()`` creates.

The judge is SQLModel itself (installed with the test extras): the fixture is imported, its tables are
created on a scratch database of each dialect and introspected; the static read must diff as "no
changes" against it. The installed SQLModel's version is pinned in the fixture's requirements, as a
project pins it, since SQLModel's ``datetime`` column changed with 0.0.45.
"""
from __future__ import annotations

import importlib.metadata
import itertools

import pytest
from sqlalchemy_oracle import ALL, assert_same, created, import_module, read, write_package

from mgen.errors import MgenError

sqlmodel = pytest.importorskip("sqlmodel")
_COUNTER = itertools.count()

MODELS = """\
import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel


SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Status(str, enum.Enum):
    draft = "draft"
    live = "live"


class OwnerBase(SQLModel):
    email: str = Field(unique=True, index=True, max_length=255)
    is_active: bool = True
    nickname: str | None = Field(default=None, max_length=40)


class OwnerCreate(OwnerBase):
    password: str = Field(min_length=8, max_length=128)


class Owner(OwnerBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    hashed_password: str
    joined: datetime | None = None
    pets: list["Pet"] = Relationship(back_populates="owner")


class Pet(SQLModel, table=True):
    __tablename__ = "pets"
    __table_args__ = (UniqueConstraint("owner_id", "name"), Index("ix_pets_born_name", "born", "name"))
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    status: Status = Status.draft
    weight: Decimal = Field(default=0, max_digits=6, decimal_places=2)
    born: date | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text))
    tag: str = Field(sa_type=String(12), nullable=True)
    owner_id: uuid.UUID = Field(foreign_key="owner.id", nullable=False, ondelete="CASCADE")
    owner: Optional[Owner] = Relationship(back_populates="pets")
"""


def _package(tmp_path, files, pin=True):
    name = f"sqlmodelfix{next(_COUNTER)}"
    version = importlib.metadata.version("sqlmodel")
    extra = {"requirements.txt": f"sqlmodel=={version}\n"} if pin else {}
    return name, write_package(tmp_path, name, files, extra)


@pytest.mark.parametrize("dialect", ALL)
def test_sqlmodel_models_equal_what_sqlmodel_creates(tmp_path, dialect):
    name, folder = _package(tmp_path, {"models.py": MODELS})
    read_ = read(folder, dialect)
    # SQLModel.metadata is one for the process: emptied, so it holds this import's tables alone
    sqlmodel.SQLModel.metadata.clear()
    sqlmodel.main.default_registry.dispose()
    import_module(tmp_path, f"{name}.models")
    try:
        live = created(dialect, lambda: [sqlmodel.SQLModel.metadata])
    finally:
        sqlmodel.SQLModel.metadata.naming_convention = {"ix": "ix_%(column_0_label)s"}  # SQLAlchemy's default
    assert_same(read_.schema, live, dialect)
    assert any(fk.name == "fk_pets_owner_id_owner" for fk in read_.schema.tables[1].foreign_keys)
    assert [t.name for t in read_.schema.tables] == ["owner", "pets"]
    owner = read_.schema.tables[0]
    assert owner.column_names() == ("email", "is_active", "nickname", "id", "hashed_password", "joined")


def test_a_field_sqlmodel_cannot_map_is_an_error(tmp_path):
    _, folder = _package(tmp_path, {"models.py": """\
        from sqlmodel import Field, SQLModel


        class Bag(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            items: list[str]
        """})
    with pytest.raises(MgenError) as e:
        read(folder, "postgresql")
    assert e.value.line == 6 and "Bag.items" in e.value.message


def test_unpinned_sqlmodel_datetime_is_noted_on_postgresql(tmp_path):
    _, folder = _package(tmp_path, {"models.py": """\
        from datetime import datetime

        from sqlmodel import Field, SQLModel


        class Event(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            at: datetime
        """}, pin=False)
    read_ = read(folder, "postgresql")
    assert any("0.0.45" in n.message for n in read_.notes)


AUTOSTRING = """\
import sqlalchemy as sa
import sqlmodel
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Note(Base):
    __tablename__ = "notes"
    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False)
    body = sa.Column(sqlmodel.sql.sqltypes.AutoString())
"""


@pytest.mark.parametrize("dialect", ALL)
def test_autostring_as_alembic_revisions_write_it(tmp_path, dialect):
    # SQLModel projects' autogenerated revisions spell their strings sqlmodel.sql.sqltypes.AutoString()
    name, folder = _package(tmp_path, {"models.py": AUTOSTRING})
    read_ = read(folder, dialect)
    module = import_module(tmp_path, f"{name}.models")
    assert_same(read_.schema, created(dialect, lambda: [module.Base.metadata]), dialect)
