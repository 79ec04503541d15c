"""Column order on MySQL (issue #14): an added column goes where NEW has it (``AFTER c`` / ``FIRST``) and a
dropped one comes back where OLD had it in the down, judged by MariaDB's own column order. PostgreSQL and
SQLite cannot place a column: the column is added at the end, as before; and so is it where a framework's
model, whose column order is not the database's, is diffed (``as_stored`` False)."""
from __future__ import annotations

import pytest
from conftest import require_server

from mgen.db import apply_statements, connect, scratch_database
from mgen.dialects import get_dialect
from mgen.dialects.base import Unsupported, render_migration
from mgen.differ import diff
from mgen.operations import AddColumn
from mgen.schema import Column, ColumnType, Schema, Table
from mgen.sources.live import introspect_connection
from mgen.sources.sql import read_sql_text
from mgen.statements import split_statements

MYSQL = get_dialect("mysql")
OLD = "CREATE TABLE m (id int NOT NULL PRIMARY KEY, method varchar(20), request_id int, config text, at datetime);"
NEW = ("CREATE TABLE m (flag int, id int NOT NULL PRIMARY KEY, method varchar(20), flow_id int, config text, "
       "at datetime, tail int);")


def test_golden_up_and_down():
    old, new = read_sql_text(OLD, "mysql"), read_sql_text(NEW, "mysql")
    up, down = render_migration(diff(old, new, MYSQL, as_stored=True).operations, old, MYSQL)
    assert up == ["ALTER TABLE m ADD COLUMN flag INT FIRST", "ALTER TABLE m ADD COLUMN flow_id INT AFTER method",
                  "ALTER TABLE m ADD COLUMN tail INT", "ALTER TABLE m DROP COLUMN request_id"]
    assert down == ["ALTER TABLE m ADD COLUMN request_id INT AFTER flow_id", "ALTER TABLE m DROP COLUMN tail",
                    "ALTER TABLE m DROP COLUMN flow_id", "ALTER TABLE m DROP COLUMN flag"]


def _columns_after(url_server: str, sql: str, statements: list[str]) -> tuple[str, ...]:
    with scratch_database("mysql", url_server) as url, connect(url) as conn:
        apply_statements(conn, [s.text for s in split_statements(sql, "mysql")] + statements)
        return introspect_connection(conn).table("m").column_names()


def test_up_and_down_put_columns_where_the_database_has_them():
    server = require_server("mysql")
    old, new = read_sql_text(OLD, "mysql"), read_sql_text(NEW, "mysql")
    up, down = render_migration(diff(old, new, MYSQL, as_stored=True).operations, old, MYSQL)
    assert _columns_after(server, OLD, up) == new.table("m").column_names()
    assert _columns_after(server, NEW, down) == old.table("m").column_names()


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_where_columns_cannot_be_placed_they_are_added_at_the_end(dialect):
    d = get_dialect(dialect)
    old, new = read_sql_text(OLD, dialect), read_sql_text(NEW, dialect)
    framework = diff(read_sql_text(OLD, "mysql"), read_sql_text(NEW, "mysql"), MYSQL).operations  # a model: unplaced
    ops = diff(old, new, d, as_stored=True).operations + framework
    assert all(not getattr(op, "after", None) and not getattr(op, "first", False) for op in ops)
    placed = AddColumn("m", Column("x", ColumnType("integer")), after="id")
    table = Table("m", (Column("id", ColumnType("integer")),))
    with pytest.raises(Unsupported, match="cannot place column m.x"):
        d.render_ops([placed], Schema((table,)))
