"""A project TypeDecorator whose own ``__init__`` passes defaults on to its impl (redash's
``LowercasedString(length=320)``): named bare it is ``VARCHAR(320)``, called with a length that one; an
``__init__`` passing an expression on is refused, naming it. SQLAlchemy's ``create_all()`` judges."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy_oracle import assert_same, created, import_module, read, write_package

from mgen.errors import MgenError

MODELS = '''\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

Base = declarative_base()


class LowercasedString(TypeDecorator):
    impl = sa.String
    cache_ok = True

    def __init__(self, length=320, *args, **kwargs):
        super(LowercasedString, self).__init__(length=length, *args, **kwargs)

    def process_bind_param(self, value, dialect):
        return value.lower() if value is not None else value


class Code(TypeDecorator):
    impl = sa.String
    cache_ok = True

    def __init__(self, size=12, **kwargs):
        self.upper = True
        TypeDecorator.__init__(self, size, **kwargs)


class Plain(TypeDecorator):
    impl = sa.Numeric
    cache_ok = True


class User(Base):
    __tablename__ = "albaseline_users"
    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(LowercasedString)
    nick = sa.Column(LowercasedString(40))
    alias = sa.Column(LowercasedString(length=50))
    code = sa.Column(Code())
    ref = sa.Column(Code(size=8))
    amount = sa.Column(Plain(10, 2))
'''


def test_defaults_an_init_passes_on_size_the_impl(tmp_path: Path):
    folder = write_package(tmp_path, "albaseline_tdinit", {"models.py": MODELS})
    static = read(folder, "sqlite").schema
    users = static.table("albaseline_users")
    assert [users.column(c).type.length for c in ("email", "nick", "alias", "code", "ref")] == [320, 40, 50, 12, 8]
    assert (users.column("amount").type.precision, users.column("amount").type.scale) == (10, 2)
    module = import_module(tmp_path, "albaseline_tdinit.models")
    assert_same(static, created("sqlite", lambda: [module.Base.metadata]), "sqlite")


def test_an_init_passing_an_expression_on_is_refused_naming_it(tmp_path: Path):
    source = MODELS.replace("super(LowercasedString, self).__init__(length=length, *args, **kwargs)",
                            "super(LowercasedString, self).__init__(length=length * 2, *args, **kwargs)")
    folder = write_package(tmp_path, "albaseline_tdinit_expr", {"models.py": source})
    with pytest.raises(MgenError, match=r"LowercasedString.__init__ passes length \* 2 on") as e:
        read(folder, "sqlite")
    assert e.value.line == 13 and e.value.file.endswith("models.py")
