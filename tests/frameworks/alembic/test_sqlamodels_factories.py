"""Columns and types made by a function of the project (``id = primary_key("Item")``, ``Column(key_type("Item"),
ForeignKey(...))``), read as the ``Column(...)`` / type the function's plain-Python body returns on its
arguments (``factories``): module-level tables of definitions, a ``defaultdict`` with ``.update({...})``, a
settings module chosen by ``importlib.import_module(os.environ.get(VAR, default))`` (the default, noted).
Judged by SQLAlchemy's ``create_all()`` of the imported models on each database; a body that is not plain
Python is refused naming the function's file and line."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy_oracle import ALL, assert_same, created, import_module, read, write_package

from mgen.errors import MgenError

SETTINGS = '''
import importlib
import os

dynamic = importlib.import_module(os.environ.get("FACTORY_KEYS_MODULE", "{pkg}.keys"))
'''

KEYS = '''
from collections import defaultdict


def key_definitions(default):
    """Per model: (type, Column keyword arguments)."""
    definitions = defaultdict(lambda: default)
    definitions.update({{}})
    return definitions
'''

BASE = '''
import functools

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

from {pkg} import settings

Base = declarative_base()
Column = functools.partial(sa.Column, nullable=False)
key_definitions = settings.dynamic.key_definitions((sa.Integer, {{}}))
wide = {{"Wide": (sa.BigInteger, {{"comment": "wide key"}})}}


def key_type(name):
    return key_definitions[name][0]


def primary_key(name):
    key_type, kwargs = key_definitions[name]
    return Column(key_type, primary_key=True, **kwargs)


def wide_key(name, **more):
    key_type, kwargs = wide[name]
    return sa.Column(key_type, primary_key=True, **kwargs)


def named_key(name, column_name="ident"):
    kind = wide[name][0]
    return sa.Column(column_name, kind, primary_key=True)
'''

MODELS = '''
import sqlalchemy as sa

from {pkg}.base import Base, Column, key_type, named_key, primary_key


class Owner(Base):
    __tablename__ = "owners"
    id = primary_key("Owner")
    name = Column(sa.String(40))


class Item(Base):
    __tablename__ = "items"
    id = named_key("Wide")
    owner_id = Column(key_type("Owner"), sa.ForeignKey("owners.id"), nullable=True)
'''


def _package(tmp_path: Path, pkg: str, models: str = MODELS, base: str = BASE) -> Path:
    return write_package(tmp_path, pkg, {"settings.py": SETTINGS.format(pkg=pkg), "keys.py": KEYS.format(pkg=pkg),
                                         "base.py": base.format(pkg=pkg), "models.py": models.format(pkg=pkg)})


@pytest.mark.parametrize("dialect", ALL)
def test_columns_made_by_project_functions_as_sqlalchemy_creates_them(tmp_path: Path, dialect: str) -> None:
    pkg = f"factories_{dialect}"
    folder = _package(tmp_path, pkg)
    read_ = read(folder, dialect, tmp_path)
    static = read_.schema
    assert static.table("items").primary_key.columns == ("ident",)
    assert static.table("items").column("ident").type.name == "bigint"
    assert any("FACTORY_KEYS_MODULE would choose another" in n.message for n in read_.notes)
    module = import_module(tmp_path, f"{pkg}.models")
    assert_same(static, created(dialect, lambda: [module.Base.metadata]), dialect)


def test_a_value_from_another_module_is_refused_naming_the_function(tmp_path: Path) -> None:
    keys = KEYS.replace("definitions.update({{}})", 'definitions.update({{"Owner": (Big, {{}})}})').replace(
        "from collections import defaultdict", "from collections import defaultdict\n\nfrom sqlalchemy import BigInteger as Big")
    folder = write_package(tmp_path, "factories_other", {
        "settings.py": SETTINGS.format(pkg="factories_other"), "keys.py": keys.format(pkg="factories_other"),
        "base.py": BASE.format(pkg="factories_other"), "models.py": MODELS.format(pkg="factories_other")})
    with pytest.raises(MgenError) as e:
        read(folder, "postgresql", tmp_path)
    message = str(e.value)
    assert "Owner.id = primary_key('Owner'): a column made by the project function" in message, message
    assert "Big comes from factories_other.keys, not the module of the call that uses it" in message, message


def test_a_body_that_is_not_plain_python_is_refused(tmp_path: Path) -> None:
    base = BASE.replace("    key_type, kwargs = key_definitions[name]\n    return Column(",
                        "    key_type, kwargs = key_definitions[name]\n    if name:\n        pass\n    return Column(")
    folder = _package(tmp_path, "factories_if", base=base)
    with pytest.raises(MgenError) as e:
        read(folder, "postgresql", tmp_path)
    assert "factories_if.base.primary_key: a if statement is not read" in str(e.value), str(e.value)


def test_a_value_python_itself_refuses_is_refused_not_an_internal_error(tmp_path: Path) -> None:
    base = BASE.replace("    kind = wide[name][0]", "    kind = wide[[name]][0]")
    folder = _package(tmp_path, "factories_unhashable", base=base)
    with pytest.raises(MgenError) as e:
        read(folder, "postgresql", tmp_path)
    assert "unhashable type: 'list'" in str(e.value), str(e.value)
