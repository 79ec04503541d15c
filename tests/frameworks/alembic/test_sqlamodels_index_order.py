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


REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("certificates", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("not_after", sa.DateTime(), nullable=True), sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_certificates_not_after", "certificates", [sa.text("not_after DESC")], unique=False)
'''

REVISED = '''
import sqlalchemy as sa
from sqlalchemy import Index
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Certificate(Base):
    __tablename__ = "certificates"
    id = sa.Column(sa.Integer, primary_key=True)
    not_after = sa.Column(sa.DateTime)
    cn = sa.Column(sa.String(20))
    not_after_ix = Index("ix_certificates_not_after", not_after.desc())
    cn_ix = Index("ix_certificates_cn", cn.desc())
'''


def test_a_revision_replays_and_writes_ordered_elements_and_alembic_applies_it(tmp_path: Path, capsys) -> None:
    from alembic_app import upgraded, write_app
    from conftest import require_server
    from sqlalchemy_oracle import sa_url

    from mgen.cli import main
    from mgen.db import connect, scratch_database
    from mgen.sources.live import introspect_connection

    server = require_server("postgresql")
    pkg = "index_order_revision"
    root = write_app(tmp_path, pkg, REVISED, {"a1_init.py": REVISION}, url="postgresql://localhost/unused")
    capsys.readouterr()
    assert main(["generate", str(root), "--name", "cn", "--engine", "static"]) == 0, capsys.readouterr().err
    [written] = [p for p in (root / "migrations" / "versions").glob("*.py") if p.name != "a1_init.py"]
    text = written.read_text()
    assert 'sa.literal_column("cn DESC")' in text and "not_after" not in text, text
    static = read(root / pkg / "models.py", "postgresql", root).schema
    with scratch_database("postgresql", server) as url, upgraded(root, pkg, sa_url(url)), connect(url) as conn:
        live = introspect_connection(conn).without_table("alembic_version")
    assert_same(static, live, "postgresql")
