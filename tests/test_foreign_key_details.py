"""Foreign key details of PostgreSQL (issue #14): DEFERRABLE [INITIALLY DEFERRED] and MATCH FULL are read from
SQL and the catalog, compared and written (they were dropped). Golden SQL; a changed detail is a changed key,
verified with rows; the file, the database and its dump agree (tests/test_sources_agree.py)."""
from __future__ import annotations

import pytest
from conftest import require_server

from mgen.dialects import get_dialect
from mgen.dialects.base import Unsupported
from mgen.differ import diff
from mgen.schema import ForeignKey, Schema
from mgen.sources.sql import read_sql_text
from mgen.verify import verify

PG = get_dialect("postgresql")
SQL = """
CREATE TABLE p (id integer PRIMARY KEY, a integer, b integer, UNIQUE (a, b));
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,
  q_id integer, a integer, b integer,
  CONSTRAINT c_q FOREIGN KEY (q_id) REFERENCES p (id) ON UPDATE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
  CONSTRAINT c_ab FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL);
"""


def test_read_as_written():
    fks = {f.name: f for f in read_sql_text(SQL, "postgresql").table("c").foreign_keys}
    assert fks["c_p_id_fkey"].deferrable == "DEFERRABLE INITIALLY DEFERRED"
    assert fks["c_q"].deferrable == "DEFERRABLE" and fks["c_q"].on_update == "CASCADE"
    assert fks["c_ab"].match_full and fks["c_ab"].deferrable is None
    added = read_sql_text(SQL + "ALTER TABLE ONLY c ADD CONSTRAINT c_n FOREIGN KEY (a) REFERENCES p(id) "
                                "DEFERRABLE INITIALLY DEFERRED;", "postgresql")  # as pg_dump writes it
    assert added.table("c").foreign_keys[-1].deferrable == "DEFERRABLE INITIALLY DEFERRED"


def test_golden_up():
    up = [s for s in PG.render_ops(diff(Schema(), read_sql_text(SQL, "postgresql"), PG).operations, Schema())]
    assert "CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED" in up[1]
    assert "CONSTRAINT c_q FOREIGN KEY (q_id) REFERENCES p (id) ON UPDATE CASCADE DEFERRABLE" in up[1]
    assert "CONSTRAINT c_ab FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL" in up[1]


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_refused_by_name_where_there_are_none(dialect):
    with pytest.raises(Unsupported, match="no DEFERRABLE or MATCH FULL foreign keys \\(k\\)"):
        get_dialect(dialect).foreign_key_sql(ForeignKey("k", ("a",), "p", ("id",), deferrable="DEFERRABLE"))


def test_a_changed_detail_is_a_changed_key_and_verified():
    server = require_server("postgresql")
    old = read_sql_text(SQL, "postgresql")
    new = read_sql_text(SQL.replace(" DEFERRABLE INITIALLY DEFERRED", "").replace(" MATCH FULL", ""), "postgresql")
    ops = [op.describe() for op in diff(old, new, PG).operations]
    assert sorted(ops) == ["add foreign key c_ab c(a, b) -> p(a, b)", "add foreign key c_p_id_fkey c(p_id) -> p(id)",
                           "drop foreign key c_ab on c", "drop foreign key c_p_id_fkey on c"], ops
    report = verify(old, new, "postgresql", server)
    assert report.ok, report.to_dict()
