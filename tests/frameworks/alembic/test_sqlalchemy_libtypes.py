"""Column types of SQLAlchemy-Utils read by what their source creates, judged by ``create_all()`` with the
library installed (a test extra): ``UUIDType`` (native, binary, CHAR(32)) and ``JSONType``."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy_oracle import ALL, assert_same, created, import_module, read, write_package

from mgen.errors import MgenError

pytest.importorskip("sqlalchemy_utils")
_COUNTER = itertools.count()

HEADER = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy_utils import JSONType, UUIDType
from sqlalchemy_utils.types.uuid import UUIDType as PathUUID

Base = declarative_base()


class Message(Base):
    __tablename__ = "messages"
    id = sa.Column(sa.Integer, primary_key=True)
    shared_id = sa.Column(UUIDType(binary=False), nullable=False)
    payload = sa.Column(JSONType)
"""
# BINARY(16): mgen's SQLite schema keeps no binary length; CHAR(32) through type_descriptor: driver-dependent on PG
EXTRA = {"mysql": ("    raw_id = sa.Column(PathUUID())\n", "    plain_id = sa.Column(UUIDType(binary=False, native=False))\n"),
         "postgresql": ("    raw_id = sa.Column(PathUUID())\n",),
         "sqlite": ("    plain_id = sa.Column(UUIDType(binary=False, native=False))\n",)}


def _package(tmp_path, source):
    name = f"libtypes{next(_COUNTER)}"
    return name, write_package(tmp_path, name, {"models.py": source})


@pytest.mark.parametrize("dialect", ALL)
def test_sqlalchemy_utils_types_equal_what_they_create(tmp_path, dialect):
    name, folder = _package(tmp_path, HEADER + "".join(EXTRA[dialect]))
    read_ = read(folder, dialect)
    module = import_module(tmp_path, f"{name}.models")
    assert_same(read_.schema, created(dialect, lambda: [module.Base.metadata]), dialect)


def test_a_string_through_type_descriptor_on_postgresql_is_refused(tmp_path):
    _, folder = _package(tmp_path, HEADER + "    plain_id = sa.Column(UUIDType(binary=False, native=False))\n")
    with pytest.raises(MgenError) as e:
        read(folder, "postgresql")
    assert e.value.line == 14 and "depends on the driver" in e.value.message
