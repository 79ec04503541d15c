"""An index's per-column order (``col.desc()``, ``sa.desc(col)``, ``col.desc().nulls_last()``) and an
``Index(...)`` assigned in a class body (SQLAlchemy attaches it to the table of the body's columns it names),
judged by SQLAlchemy's ``create_all()`` of the imported models; NULLS placement on a database without it is
refused, as that database refuses SQLAlchemy's DDL."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy_oracle import ALL, assert_same, created, import_module, read, write_package

from mgen.errors import MgenError

MODELS = '''
import sqlalchemy as sa
from sqlalchemy import Index
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Certificate(Base):
    __tablename__ = "certificates"
    id = sa.Column(sa.Integer, primary_key=True)
    not_after = sa.Column(sa.DateTime)
    name = sa.Column("cn", sa.String(20))
    not_after_ix = Index("ix_certificates_not_after", not_after.desc())
    loose = Index("ix_loose", "name")  # names no column object: attached to no table
    __table_args__ = (sa.Index("ix_name_after", "cn", sa.desc("not_after")),)
{extra}
'''

PG_ONLY = '''
    both_ix = Index("ix_both", name, not_after.desc().nulls_last(), id.asc().nulls_first())
'''


@pytest.mark.parametrize("dialect", ALL)
def test_orders_and_body_indexes_as_sqlalchemy_creates_them(tmp_path: Path, dialect: str) -> None:
    pkg = f"index_order_{dialect}"
    folder = write_package(tmp_path, pkg, {"models.py": MODELS.format(extra=PG_ONLY if dialect == "postgresql" else "")})
    read_ = read(folder / "models.py", dialect, tmp_path)
    static = read_.schema
    indexes = {i.name: i for i in static.table("certificates").indexes}
    assert indexes["ix_certificates_not_after"].orders == (("not_after", "DESC"),)
    assert indexes["ix_name_after"].columns == ("cn", "not_after")
    assert "ix_loose" not in indexes and any("attaches it to no table" in n.message for n in read_.notes)
    if dialect == "postgresql":
        assert indexes["ix_both"].orders == (("not_after", "DESC NULLS LAST"), ("id", "NULLS FIRST"))
    module = import_module(tmp_path, f"{pkg}.models")
    assert_same(static, created(dialect, lambda: [module.Base.metadata]), dialect)


def test_nulls_placement_off_postgresql_is_refused(tmp_path: Path) -> None:
    folder = write_package(tmp_path, "index_order_nulls", {"models.py": MODELS.format(extra=PG_ONLY)})
    with pytest.raises(MgenError) as e:
        read(folder / "models.py", "mysql", tmp_path)
    assert "NULLS LAST in an index is PostgreSQL's" in str(e.value) and e.value.line == 18
