"""Property: for random pairs of schemas, the generated migration applies, reaches NEW, keeps the rows,
and its down brings back OLD - on SQLite, PostgreSQL and MariaDB.

OLD is a random schema; NEW is OLD after a random list of edits (add/drop/widen/retype columns,
defaults, nullability, indexes, uniques, checks, tables with foreign keys, table drops). Hypothesis
runs derandomized in CI so a run is repeatable; MGEN_HYPOTHESIS_RANDOM=1 explores new examples and
MGEN_HYPOTHESIS_SCALE=N runs N times as many.
"""
from __future__ import annotations

import os
from dataclasses import replace

import pytest
from conftest import require_server
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.operations import RenameColumn, RenameTable, apply_all
from mgen.schema import (
    Check,
    Column,
    ColumnType,
    Default,
    ForeignKey,
    Generated,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from mgen.verify import verify

NAMES = ["alpha", "beta", "gamma", "delta", "order", "group", "user", "key", "Mixed", "value"]
TYPES = {
    "integer": ColumnType("integer"),
    "bigint": ColumnType("bigint"),
    "smallint": ColumnType("smallint"),
    "varchar": ColumnType("varchar", 40),
    "text": ColumnType("text"),
    "boolean": ColumnType("boolean"),
    "numeric": ColumnType("numeric", precision=10, scale=2),
    "date": ColumnType("date"),
    "timestamp": ColumnType("timestamp"),
}
DEFAULTS = {
    "integer": Default("number", "7"), "bigint": Default("number", "7"), "smallint": Default("number", "3"),
    "varchar": Default("string", "x"), "text": None, "boolean": Default("boolean", "true"),
    "numeric": Default("number", "1.50"), "date": None, "timestamp": Default("expression", "CURRENT_TIMESTAMP"),
}


@st.composite
def columns(draw, taken: set) -> Column:
    name = draw(st.sampled_from([n for n in NAMES if n not in taken] or ["zeta"]))
    taken.add(name)
    tname = draw(st.sampled_from(sorted(TYPES)))
    nullable = draw(st.booleans())
    default = DEFAULTS[tname] if (not nullable or draw(st.booleans())) else None
    if not nullable and default is None:
        nullable = True  # NOT NULL without default cannot be added to a table with rows
    return Column(name, TYPES[tname], nullable=nullable, default=default)


@st.composite
def tables(draw, name: str, parents: list[Table]) -> Table:
    taken = {"id"}
    cols = [Column("id", ColumnType("integer"), nullable=False)]
    cols += [draw(columns(taken)) for _ in range(draw(st.integers(1, 3)))]
    fks = []
    if parents and draw(st.booleans()):
        parent = draw(st.sampled_from(parents))
        cols.append(Column(f"{parent.name}_id", ColumnType("integer")))
        fks.append(ForeignKey(f"{name}_{parent.name}_id_fkey", (f"{parent.name}_id",), parent.name, ("id",),
                              on_delete=draw(st.sampled_from(["NO ACTION", "CASCADE", "SET NULL"]))))
    t = Table(name, columns=tuple(cols), primary_key=PrimaryKey(("id",), f"{name}_pkey"), foreign_keys=tuple(fks))
    return draw(maybe_index(t))


@st.composite
def maybe_index(draw, t: Table) -> Table:
    indexable = [c.name for c in t.columns if c.type.name not in ("text",) and c.name != "id"]
    if indexable and draw(st.booleans()):
        col = draw(st.sampled_from(indexable))
        name = f"{t.name}_{col}_idx"
        if all(i.name != name for i in t.indexes):
            t = replace(t, indexes=t.indexes + (Index(name, (col,)),))
    return t


@st.composite
def schemas(draw) -> Schema:
    out: list[Table] = []
    for name in ["t_one", "t_two", "t_three"][: draw(st.integers(1, 3))]:
        out.append(draw(tables(name, out)))
    return Schema(tables=tuple(out))


def _edit_column(draw, t: Table) -> Table:
    candidates = [c for c in t.columns if c.name != "id" and not any(c.name in fk.columns for fk in t.foreign_keys)]
    if not candidates:
        return t
    c = draw(st.sampled_from(candidates))
    kind = draw(st.sampled_from(["widen", "default", "drop_default", "not_null", "nullable", "drop", "rename_free"]))
    if kind == "widen":
        wider = {"smallint": "integer", "integer": "bigint", "varchar": "text"}
        key = next((k for k, v in TYPES.items() if v == c.type), None)
        if c.type.name == "varchar":
            return t.replace_column(c.name, replace(c, type=ColumnType("varchar", 80)))
        if c.type.name == "numeric":
            return t.replace_column(c.name, replace(c, type=ColumnType("numeric", precision=14, scale=2)))
        if key in wider:
            new_type = TYPES[wider[key]]
            default = c.default if new_type.name != "text" else None
            return t.replace_column(c.name, replace(c, type=new_type, default=default,
                                                    nullable=c.nullable or default is None))
        return t
    if kind == "default":
        key = next((k for k, v in TYPES.items() if v == c.type), None)
        d = {"integer": Default("number", "42"), "varchar": Default("string", "y z"),
             "boolean": Default("boolean", "false"), "smallint": Default("number", "1")}.get(key)
        return t.replace_column(c.name, replace(c, default=d)) if d else t
    if kind == "drop_default" and c.nullable:
        return t.replace_column(c.name, replace(c, default=None))
    if kind == "not_null":
        return t.replace_column(c.name, replace(c, nullable=False))
    if kind == "nullable":
        return t.replace_column(c.name, replace(c, nullable=True))
    if kind == "drop":
        return replace(t, columns=tuple(x for x in t.columns if x.name != c.name),
                       indexes=tuple(i for i in t.indexes if c.name not in i.columns),
                       uniques=tuple(u for u in t.uniques if c.name not in u.columns),
                       checks=tuple(k for k in t.checks if c.name not in k.expression))
    return t


@st.composite
def edited(draw, old: Schema) -> tuple[Schema, list[str]]:
    """NEW and the --rename hints that make its renames renames."""
    tabs = list(old.tables)
    renamed_tables: dict[str, str] = {}  # old name -> new name
    renamed_columns: dict[tuple[str, str], str] = {}  # (old table, old column) -> new column
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["column", "add_column", "index", "unique", "check", "add_table", "drop_table",
                                     "rename_column", "rename_table"]))
        if kind == "rename_table":
            t = draw(st.sampled_from(tabs))
            if old.has_table(t.name) and t.name not in renamed_tables.values() and t.name not in renamed_tables:
                renamed_tables[t.name] = t.name + "_renamed"
                tabs = list(RenameTable(t.name, t.name + "_renamed").apply(Schema(tuple(tabs))).tables)
            continue
        if kind == "rename_column":
            t = draw(st.sampled_from(tabs))
            old_name = next((o for o, n in renamed_tables.items() if n == t.name), t.name)
            movable = [c.name for c in t.columns if c.name != "id" and old.has_table(old_name)
                       and old.table(old_name).has_column(c.name) and (old_name, c.name) not in renamed_columns]
            if movable:
                col = draw(st.sampled_from(movable))
                renamed_columns[(old_name, col)] = col + "_renamed"
                tabs = list(RenameColumn(t.name, col, col + "_renamed").apply(Schema(tuple(tabs))).tables)
            continue
        if kind == "add_table" and len(tabs) < 4:
            name = draw(st.sampled_from([n for n in ("t_new", "t_extra") if all(t.name != n for t in tabs)] or ["t_x"]))
            if all(t.name != name for t in tabs):
                tabs.append(draw(tables(name, tabs)))
            continue
        if kind == "drop_table" and len(tabs) > 1:
            victim = draw(st.sampled_from(tabs)).name
            tabs = [replace(t, columns=tuple(c for c in t.columns if not any(
                        fk.ref_table == victim and c.name in fk.columns for fk in t.foreign_keys)),
                        foreign_keys=tuple(fk for fk in t.foreign_keys if fk.ref_table != victim),
                        indexes=tuple(i for i in t.indexes if not any(
                            fk.ref_table == victim and c in fk.columns for fk in t.foreign_keys for c in i.columns)))
                    for t in tabs if t.name != victim]
            continue
        i = draw(st.integers(0, len(tabs) - 1))
        t = tabs[i]
        if kind == "column":
            t = _edit_column(draw, t)
        elif kind == "add_column":
            t = replace(t, columns=t.columns + (draw(columns({c.name for c in t.columns})),))
        elif kind == "index":
            t = draw(maybe_index(t)) if not t.indexes or draw(st.booleans()) else replace(t, indexes=t.indexes[1:])
        elif kind == "unique":
            # only columns that held (distinct sample) values in OLD: a unique on a just-added column
            # full of one default cannot apply to a table with rows, and verify rightly says so
            before = old.table(t.name) if old.has_table(t.name) else None
            ints = [c.name for c in t.columns if c.type.name in ("integer", "varchar", "bigint") and c.name != "id"
                    and before is not None and before.has_column(c.name)]
            if ints and not t.uniques:
                t = replace(t, uniques=(Unique(f"{t.name}_{ints[0]}_key", (ints[0],)),))
            else:
                t = replace(t, uniques=())
        elif kind == "check":
            nums = [c for c in t.columns if c.type.name in ("integer", "bigint", "smallint", "numeric")]
            if nums and not t.checks:
                t = replace(t, checks=(Check(f"{t.name}_check", f"{_q(nums[0].name)} >= -100000"),))
            else:
                t = replace(t, checks=())
        tabs[i] = t
    new = Schema(tables=tuple(tabs))
    # hints for the renames whose both ends survived the later edits
    hints = [f"{o}={n}" for o, n in renamed_tables.items() if new.has_table(n)]
    for (table, col), new_col in renamed_columns.items():
        target = renamed_tables.get(table, table)
        if new.has_table(target) and new.table(target).has_column(new_col) and \
                not new.table(target).has_column(col):
            hints.append(f"{table}.{col}={new_col}")
    return new, hints


def _q(name: str) -> str:
    return f'"{name}"' if name in ("order", "group", "user", "key", "Mixed", "value") else name


@st.composite
def schema_pairs(draw):
    old = draw(schemas())
    new, renames = draw(edited(old))
    return old, new, renames


SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
                "derandomize": not os.environ.get("MGEN_HYPOTHESIS_RANDOM"), "database": None}


@pytest.mark.parametrize("dialect,examples", [("sqlite", 40), ("postgresql", 15), ("mysql", 15)])
def test_random_schema_pairs_round_trip(dialect, examples):
    server = require_server(dialect)
    d = get_dialect(dialect)

    @settings(max_examples=examples * int(os.environ.get("MGEN_HYPOTHESIS_SCALE", "1")), **SETTINGS)
    @given(schema_pairs())
    def check(pair):
        old, new, renames = pair
        ops = diff(old, new, d, renames).operations
        # the model agrees with itself: the operations turn OLD into NEW
        assert diff(apply_all(ops, old), new, d).operations == []
        report = verify(old, new, dialect, server_url=server, renames=renames)
        assert report.ok, report.format_text()

    check()


# -- generated columns: every change between plain, STORED and VIRTUAL, new expressions, drops ---------
EXPRESSIONS = ["a * 2", "a + 1", "b * 100", "a + b", "COALESCE(a, 0) - 1"]
NUMERIC = ColumnType("numeric", precision=14, scale=2)


@st.composite
def generated_column(draw, name: str, dialect: str) -> Column | None:
    """Absent, plain, or generated (PostgreSQL: STORED only)."""
    kind = draw(st.sampled_from(["absent", "plain", "stored", "virtual"] if dialect != "postgresql"
                                else ["absent", "plain", "stored"]))
    if kind == "absent":
        return None
    if kind == "plain":
        return Column(name, NUMERIC)
    return Column(name, NUMERIC, generated=Generated(draw(st.sampled_from(EXPRESSIONS)), stored=kind == "stored"))


@st.composite
def generated_table(draw, dialect: str) -> Table:
    cols = [Column("id", ColumnType("integer"), nullable=False), Column("a", ColumnType("integer")),
            Column("b", ColumnType("numeric", precision=10, scale=2))]
    cols += [c for c in (draw(generated_column(n, dialect)) for n in ("g1", "g2")) if c is not None]
    indexes = tuple(Index(f"t_{c.name}_idx", (c.name,)) for c in cols if c.name.startswith("g") and draw(st.booleans()))
    return Table("t", tuple(cols), PrimaryKey(("id",), "t_pkey"), indexes=indexes)


@pytest.mark.parametrize("dialect,examples", [("sqlite", 25), ("postgresql", 15), ("mysql", 15)])
def test_random_generated_column_changes_round_trip(dialect, examples):
    server = require_server(dialect)
    d = get_dialect(dialect)

    @settings(max_examples=examples * int(os.environ.get("MGEN_HYPOTHESIS_SCALE", "1")), **SETTINGS)
    @given(generated_table(dialect), generated_table(dialect))
    def check(old_table, new_table):
        old, new = Schema((old_table,)), Schema((new_table,))
        ops = diff(old, new, d).operations
        assert diff(apply_all(ops, old), new, d).operations == []
        report = verify(old, new, dialect, server_url=server)
        assert report.ok, report.format_text()

    check()
