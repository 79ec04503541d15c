"""Sample rows on real databases: constraints hold, foreign keys point at parents, checks are met."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mgen.db import apply_statements, connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.sampledata import comparable, insert_sample_rows, read_rows, sample_value, tables_in_dependency_order
from mgen.schema import (
    Check,
    Column,
    ColumnType,
    EnumType,
    ForeignKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)


def col(name, type_name, nullable=True, identity=None, **type_args):
    return Column(name, ColumnType(type_name, **type_args), nullable, identity=identity)


TEAMS = Table(
    "teams",
    (col("id", "integer", False, identity="serial"), col("name", "varchar", False, length=2),
     col("mood", "enum", enum="mood"), col("budget", "numeric", precision=4, scale=2)),
    PrimaryKey(("id",), "teams_pkey"),
    uniques=(Unique("teams_name_key", ("name",)),),
    checks=(Check("teams_budget_check", "budget > 10 AND budget < 20"),),
)
PEOPLE = Table(
    "people",
    (col("team_id", "integer", False), col("seat", "smallint", False), col("kind", "varchar", False, length=10),
     col("born", "date"), col("at", "timestamp"), col("token", "uuid"), col("flag", "boolean"),
     col("avatar", "binary"), col("mentor_team", "integer"), col("mentor_seat", "smallint")),
    PrimaryKey(("team_id", "seat"), "people_pkey"),
    foreign_keys=(
        ForeignKey("people_team_id_fkey", ("team_id",), "teams", ("id",), on_delete="CASCADE"),
        ForeignKey("people_mentor_fkey", ("mentor_team", "mentor_seat"), "people", ("team_id", "seat")),
    ),
    checks=(Check("people_kind_check", "kind IN ('staff', 'guest')"),),
)
SCHEMA = Schema((PEOPLE, TEAMS), (EnumType("mood", ("sad", "ok")),))


def build(conn, dialect, schema):
    d = get_dialect(dialect)
    apply_statements(conn, d.render_ops(diff(Schema(), schema, d).operations, Schema()))


def test_parents_come_before_children_and_cycles_end():
    a = Table("a", (col("b_id", "integer"),), foreign_keys=(ForeignKey("a_b", ("b_id",), "b", ("id",)),))
    b = Table("b", (col("id", "integer"), col("a_id", "integer")), foreign_keys=(ForeignKey("b_a", ("a_id",), "a", ("b_id",)),))
    assert [t.name for t in tables_in_dependency_order(SCHEMA)] == ["teams", "people"]
    assert sorted(t.name for t in tables_in_dependency_order(Schema((a, b)))) == ["a", "b"]


def test_values_fit_their_types():
    assert sample_value(col("c", "char", length=1), SCHEMA, 40) == "e"
    assert len({sample_value(col("c", "char", length=1), SCHEMA, i) for i in range(30)}) == 30
    assert sample_value(col("n", "numeric", precision=3, scale=2), SCHEMA, 12) == Decimal("3.05")
    assert sample_value(col("m", "enum", enum="mood"), SCHEMA, 3) == "ok"


def test_sample_rows_meet_every_constraint(dialect_server):
    dialect, server = dialect_server
    with scratch_database(dialect, server) as url, connect(url) as conn:
        build(conn, dialect, SCHEMA)
        rows = insert_sample_rows(conn, SCHEMA, dialect, 5)
        teams, people = rows["teams"], rows["people"]
        assert len(teams) == 5 and len(people) == 5
        assert len({t["id"] for t in teams}) == 5 and None not in {t["id"] for t in teams}  # identity read back
        assert all(10 < Decimal(str(t["budget"])) < 20 for t in teams)  # found among the check's literals
        assert {p["kind"] for p in people} <= {"staff", "guest"}
        assert {p["team_id"] for p in people} == {t["id"] for t in teams}
        assert {t["mood"] for t in teams} == {"sad", "ok"}
        assert rows["people"] == read_rows(conn, PEOPLE, dialect)


def test_a_check_nothing_satisfies_leaves_the_table_empty(dialect_server):
    dialect, server = dialect_server
    never = Schema((Table("never", (col("a", "integer"),), checks=(Check("never_a_check", "a < 0 AND a > 0"),)),))
    with scratch_database(dialect, server) as url, connect(url) as conn:
        build(conn, dialect, never)
        assert insert_sample_rows(conn, never, dialect, 3) == {"never": []}


@pytest.mark.parametrize("a, b", [
    (Decimal("1.50"), 1.5), (True, 1), (False, Decimal(0)), (b"\x01\x02", memoryview(b"\x01\x02")),
    ("ab ", "ab"), (dt.timedelta(hours=10, minutes=3), dt.time(10, 3)),
    (dt.datetime(2024, 1, 1, 10, tzinfo=dt.timezone.utc), dt.datetime(2024, 1, 1, 10)),
    ('{"n": 1}', {"n": 1}), (dt.date(2024, 1, 2), "2024-01-02"),
])
def test_comparable_values_equal_across_drivers(a, b):
    assert comparable(a) == comparable(b)


@pytest.mark.parametrize("a, b", [(Decimal("1.5"), 1.25), ("a", "b"), (None, 0), (b"\x01", b"\x02")])
def test_comparable_values_still_differ(a, b):
    assert comparable(a) != comparable(b)
