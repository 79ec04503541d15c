"""Backfill (mgen.operations.Backfill) run for real on PostgreSQL, MariaDB and SQLite.

A backfill writes ``column = value`` into the rows where the column is still NULL (and ``where``).
Batched, it walks the single-column primary key in keyset batches, each committed on its own:
PostgreSQL in one DO block, MySQL in a procedure, SQLite in one UPDATE. What must hold everywhere:
every row is visited once whatever the key's type and gaps, rows already filled keep their values, a
second run changes nothing, and a run cut off halfway finishes when run again.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pytest
from conftest import DIALECTS, require_server

from mgen.db import Connection, StatementError, apply_statements, connect, scratch_database
from mgen.dialects import Unsupported, get_dialect
from mgen.operations import Backfill, CreateTable
from mgen.schema import Check, Column, ColumnType, PrimaryKey, Schema, Table

INTEGER, BIGINT, TEXT = ColumnType("integer"), ColumnType("bigint"), ColumnType("text")
ROWS = 2500
KEPT = "keep"  # what the rows filled before the backfill hold
# other columns, a cast to another type and a concatenation (MySQL: CAST(.. AS CHAR), CONCAT)
VALUE = "CAST(a AS TEXT) || '-' || label"


@contextmanager
def database(dialect: str) -> Iterator[Connection]:
    """An autocommit connection to a fresh scratch database of ``dialect``."""
    server = require_server(dialect)
    with scratch_database(dialect, server) as url, connect(url) as conn:
        yield conn


def sql_literal(dialect: str, value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return get_dialect(dialect).literal(str(value))


def create(conn: Connection, dialect: str, table: Table, rows: Sequence[tuple]) -> None:
    """``table`` made by the dialect's own CREATE TABLE, then ``rows`` (in column order)."""
    d = get_dialect(dialect)
    apply_statements(conn, d.render_ops([CreateTable(table)], Schema()))
    cols = ", ".join(d.quote(c) for c in table.column_names())
    for start in range(0, len(rows), 500):
        values = ", ".join("(" + ", ".join(sql_literal(dialect, v) for v in row) + ")"
                           for row in rows[start:start + 500])
        conn.execute(f"INSERT INTO {d.quote(table.name)} ({cols}) VALUES {values}")


def contents(conn: Connection, dialect: str, table: Table, column: str = "filled") -> dict:
    """primary key (as text) -> ``column``."""
    d = get_dialect(dialect)
    key = d.quote(table.primary_key.columns[0]) if table.primary_key else d.quote(table.columns[0].name)
    rows = conn.query(f"SELECT {key}, {d.quote(column)} FROM {d.quote(table.name)}")
    return {str(k): v for k, v in rows}


def run(conn: Connection, dialect: str, op: Backfill, table: Table) -> list[str]:
    statements = get_dialect(dialect).render_ops([op], Schema((table,)))
    apply_statements(conn, statements)
    return statements


# -- the 2,500-row table -------------------------------------------------------------------------
def items_table(name: str = "items", checks: tuple[Check, ...] = ()) -> Table:
    return Table(name, columns=(
        Column("id", INTEGER, nullable=False),
        Column("a", INTEGER, nullable=False),
        Column("label", ColumnType("varchar", length=20), nullable=False),
        Column("filled", ColumnType("varchar", length=60)),
    ), primary_key=PrimaryKey(("id",), f"{name}_pkey"), checks=checks)


def item_rows(label=lambda i: f"L{i % 17}") -> list[tuple]:
    """Every tenth row is filled already."""
    return [(i, 3 * i, label(i), KEPT if i % 10 == 0 else None) for i in range(1, ROWS + 1)]


def computed(row: tuple) -> str:
    """What VALUE gives for an item row."""
    return f"{row[1]}-{row[2]}"


def expected_items(rows: Sequence[tuple], fill=lambda row: True) -> dict:
    return {str(r[0]): r[3] if r[3] is not None else (computed(r) if fill(r) else None) for r in rows}


@pytest.mark.parametrize("batch_size", [1000, 7, None])
@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_row_is_filled_and_filled_rows_keep_their_values(dialect, batch_size):
    table, rows = items_table(), item_rows()
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        run(conn, dialect, Backfill("items", "filled", VALUE, batch_size=batch_size), table)
        got = contents(conn, dialect, table)
    assert got == expected_items(rows)
    assert sum(v == KEPT for v in got.values()) == ROWS // 10


@pytest.mark.parametrize("dialect", DIALECTS)
def test_where_limits_the_rows(dialect):
    table, rows = items_table(), item_rows()
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        run(conn, dialect, Backfill("items", "filled", VALUE, where="a > 3750", batch_size=7), table)
        got = contents(conn, dialect, table)
    assert got == expected_items(rows, fill=lambda r: r[1] > 3750)
    assert sum(v is None for v in got.values()) == 1250 - 125  # the first half, less its kept rows


@pytest.mark.parametrize("dialect", DIALECTS)
def test_running_twice_changes_nothing(dialect):
    table, rows = items_table(), item_rows()
    op = Backfill("items", "filled", VALUE, batch_size=7)
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        run(conn, dialect, op, table)
        first = contents(conn, dialect, table)
        run(conn, dialect, op, table)
        assert contents(conn, dialect, table) == first == expected_items(rows)


def test_postgresql_commits_and_reports_each_batch(postgres_url):
    """One NOTICE per batch: the DO block really walks the key 7 rows at a time; a second run
    writes nothing."""
    table, rows = items_table(), item_rows()
    op = Backfill("items", "filled", VALUE, batch_size=7)
    notices: list[str] = []
    with database("postgresql") as conn:
        create(conn, "postgresql", table, rows)
        conn.raw.add_notice_handler(lambda diag: notices.append(diag.message_primary))
        run(conn, "postgresql", op, table)
        assert len(notices) == -(-ROWS // 7)
        assert notices[-1] == f"mgen backfill items.filled: {ROWS - ROWS // 10} rows written, key up to {ROWS}"
        notices.clear()
        run(conn, "postgresql", op, table)
        assert notices[-1] == f"mgen backfill items.filled: 0 rows written, key up to {ROWS}"


# -- a run cut off halfway ------------------------------------------------------------------------
BOOM_AT = 1301  # the row whose value the CHECK refuses: the batch holding it fails
BOOM_CHECK = Check("items_boom_check", "label <> 'boom' OR filled IS NULL")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_crashed_run_finishes_when_run_again(dialect):
    """The batch holding row 1301 violates a CHECK and fails, as a crash would cut the run: the
    batches before it stay committed (PostgreSQL, MySQL; SQLite's one statement leaves nothing).
    With the row repaired, running the same statements again gives exactly a clean run's result."""
    batch = 7
    table = items_table(checks=(BOOM_CHECK,))
    rows = item_rows(label=lambda i: "boom" if i == BOOM_AT else f"L{i % 17}")
    op = Backfill("items", "filled", VALUE, batch_size=batch)
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        with pytest.raises(StatementError):
            run(conn, dialect, op, table)
        done_before_crash = (BOOM_AT - 1) // batch * batch if dialect != "sqlite" else 0
        assert contents(conn, dialect, table) == expected_items(rows, fill=lambda r: r[0] <= done_before_crash)

        conn.execute("UPDATE items SET label = 'fixed' WHERE label = 'boom'")
        run(conn, dialect, op, table)  # MySQL: the procedure the crash left behind is dropped first
        repaired = [(i, a, "fixed" if label == "boom" else label, f) for i, a, label, f in rows]
        assert contents(conn, dialect, table) == expected_items(repaired)
        if dialect == "mysql":
            assert conn.query("SELECT COUNT(*) FROM information_schema.ROUTINES "
                              "WHERE ROUTINE_SCHEMA = DATABASE()") == [(0,)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_resuming_on_a_partly_filled_table_gives_the_same_result(dialect):
    """The loop's statements on a table whose first 1,234 rows a previous run already filled."""
    table, rows = items_table(), item_rows()
    op = Backfill("items", "filled", VALUE, batch_size=1000)
    d = get_dialect(dialect)
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        conn.execute(d.backfill_update(op, extra="id <= 1234 AND "))
        assert contents(conn, dialect, table) == expected_items(rows, fill=lambda r: r[0] <= 1234)
        run(conn, dialect, op, table)
        assert contents(conn, dialect, table) == expected_items(rows)


# -- keys of every type, with gaps ---------------------------------------------------------------
def _uuid(i: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mgen/{i}"))


KEYS = {
    # key type -> the keys: gaps, negatives, values past 2**31 and 2**53, strings in odd orders
    "integer": (INTEGER, [-3, 0, *range(1, 11), *range(1000, 1011), 2**31 - 1]),
    "bigint": (BIGINT, [-(2**40), *range(1, 11), *(2**40 + i for i in range(1000, 1011)), 2**53 + 1, 2**62]),
    "varchar": (ColumnType("varchar", length=40), [
        *(f"key-{i:04d}" for i in (*range(1, 11), *range(1000, 1011))),
        "Apple", "banana", "Cherry", "zebra", "~tilde", "0zero", "a b", "it's"]),
    "text": (TEXT, [f"k{i}" for i in (*range(1, 11), *range(1000, 1011))] + ["Z", "a", "€uro", ""]),
    "uuid": (ColumnType("uuid"), [_uuid(i) for i in range(40)]),
}
# MySQL cannot make a TEXT column a primary key without a prefix length.
KEY_CASES = [pytest.param(d, k, id=f"{d}-{k}") for d in DIALECTS for k in KEYS if not (d == "mysql" and k == "text")]


@pytest.mark.parametrize("batch_size", [3, 7])
@pytest.mark.parametrize("dialect, key", KEY_CASES)
def test_keys_of_every_type_are_walked_without_skipping(dialect, key, batch_size):
    key_type, keys = KEYS[key]
    table = Table("keyed", columns=(
        Column("k", key_type, nullable=False), Column("v", INTEGER, nullable=False), Column("filled", INTEGER),
    ), primary_key=PrimaryKey(("k",), "keyed_pkey"))
    rows = [(k, n, -1 if n % 5 == 0 else None) for n, k in enumerate(keys)]
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        run(conn, dialect, Backfill("keyed", "filled", "v * 2", batch_size=batch_size), table)
        got = contents(conn, dialect, table)
    assert got == {str(k): -1 if n % 5 == 0 else 2 * n for n, k in enumerate(keys)}


COLLATED_KEYS = {
    # dialect -> key column definitions whose collation is not the database's default (C.UTF-8 /
    # utf8mb4_general_ci): ORDER BY walks the key in its own order, so must the comparisons
    "postgresql": ['k text COLLATE "en-x-icu" NOT NULL', 'k varchar(20) COLLATE "C" NOT NULL'],
    "mysql": ["k varchar(20) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL",
              "k varchar(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL",
              "k varchar(20) COLLATE utf8mb4_unicode_ci NOT NULL", "k varchar(20) COLLATE utf8mb4_bin NOT NULL"],
}
COLLATED_CASES = [pytest.param(d, c, id=f"{d}-{c.split(' COLLATE ')[1].split()[0]}")
                  for d, cols in COLLATED_KEYS.items() for c in cols]


@pytest.mark.parametrize("dialect, key_sql", COLLATED_CASES)
def test_string_keys_in_another_collation_are_walked_in_their_own_order(dialect, key_sql):
    """A database made by hand: the key's collation is not the model's business, yet no row may be
    skipped (MySQL compared DECLAREd variables in the database's collation, and skipped rows)."""
    table = Table("keyed", columns=(Column("k", ColumnType("varchar", length=20), nullable=False),
                                    Column("filled", INTEGER)), primary_key=PrimaryKey(("k",), "keyed_pkey"))
    keys = ["a", "B", "c", "D", "e", "F", "g", "H", "i", "J", "Zz", "ab", "AC", "b0", "_x", "~y"]
    with database(dialect) as conn:
        conn.execute(f"CREATE TABLE keyed ({key_sql} PRIMARY KEY, filled integer)")
        conn.execute("INSERT INTO keyed (k) VALUES " + ", ".join(f"('{k}')" for k in keys))
        run(conn, dialect, Backfill("keyed", "filled", "1", batch_size=3), table)
        assert contents(conn, dialect, table) == {k: 1 for k in keys}


# -- names the generated code must not trip on ----------------------------------------------------
@pytest.mark.parametrize("dialect", DIALECTS)
def test_columns_named_like_the_loop_variables_are_the_columns(dialect):
    """The loop's own variables never shadow the table's columns (MySQL would read a variable
    silently; PL/pgSQL refuses an ambiguous name); a % in the table name is no RAISE placeholder."""
    cols = ("lo", "hi", "n", "done", "mgen")
    table = Table("Odd%Name", columns=(Column("id", INTEGER, nullable=False),
                                       *(Column(c, INTEGER, nullable=False) for c in cols), Column("total", INTEGER)),
                  primary_key=PrimaryKey(("id",), "odd_pkey"))
    rows = [(i, i, 10 * i, 100 * i, 1000 * i, 7, None) for i in range(1, 30)]
    d = get_dialect(dialect)
    value = " + ".join(d.quote(c) if dialect != "postgresql" else c for c in cols)
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        run(conn, dialect, Backfill("Odd%Name", "total", value, batch_size=4), table)
        got = contents(conn, dialect, table, "total")
    assert got == {str(i): 1111 * i + 7 for i in range(1, 30)}


def test_mysql_procedure_name_fits_64_characters(mysql_url):
    """Long table and column names: the procedure's name is cut to 64 with a hash, and two columns
    sharing a long prefix get two names."""
    name = "t" * 60
    long_a, long_b = "c" * 58 + "_alpha", "c" * 58 + "_bravo"
    table = Table(name, columns=(Column("id", INTEGER, nullable=False), Column("src", INTEGER),
                                 Column(long_a, INTEGER), Column(long_b, INTEGER)),
                  primary_key=PrimaryKey(("id",), "t_pkey"))
    d = get_dialect("mysql")
    ops = [Backfill(name, long_a, "src + 1", batch_size=5), Backfill(name, long_b, "src + 2", batch_size=5)]
    procs = [d.render_ops([op], Schema((table,)))[2].removeprefix("CALL ").removesuffix("()") for op in ops]
    assert all(len(p.strip("`")) <= 64 for p in procs) and procs[0] != procs[1]
    with database("mysql") as conn:
        create(conn, "mysql", table, [(i, i, None, None) for i in range(1, 13)])
        for op in ops:
            run(conn, "mysql", op, table)
        assert contents(conn, "mysql", table, long_a) == {str(i): i + 1 for i in range(1, 13)}
        assert contents(conn, "mysql", table, long_b) == {str(i): i + 2 for i in range(1, 13)}
        assert conn.query("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()") == [(0,)]


def test_mysql_casts_to_char_and_concatenates_with_concat():
    """PostgreSQL's CAST(x AS TEXT) and || do not exist as such in MySQL (|| is OR there)."""
    table = items_table()
    statements = get_dialect("mysql").render_ops([Backfill("items", "filled", VALUE, batch_size=None)],
                                                 Schema((table,)))
    assert statements == ["UPDATE items SET filled = CONCAT(CAST(a AS CHAR), '-', label) WHERE filled IS NULL"]


# -- primary keys a batch cannot walk --------------------------------------------------------------
NO_KEY = Table("loose", columns=(Column("a", INTEGER), Column("b", INTEGER), Column("filled", INTEGER)))
COMPOSITE = Table("pairs", columns=(Column("a", INTEGER, nullable=False), Column("b", INTEGER, nullable=False),
                                    Column("filled", INTEGER)), primary_key=PrimaryKey(("a", "b"), "pairs_pkey"))


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("table, has", [(NO_KEY, "none"), (COMPOSITE, "a composite one")])
def test_batches_need_a_single_column_primary_key(dialect, table, has):
    with pytest.raises(Unsupported) as info:
        get_dialect(dialect).render_ops([Backfill(table.name, "filled", "a + b", batch_size=100)], Schema((table,)))
    assert f"walks a single-column primary key, and {table.name} has {has}" in info.value.message
    assert "in one statement" in info.value.message


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("table", [NO_KEY, COMPOSITE], ids=["no_key", "composite"])
def test_one_statement_needs_no_key(dialect, table):
    rows = [(i, 10 * i, 0 if i == 3 else None) for i in range(1, 8)]
    with database(dialect) as conn:
        create(conn, dialect, table, rows)
        statements = run(conn, dialect, Backfill(table.name, "filled", "a + b", batch_size=None), table)
        assert len(statements) == 1
        assert sorted(contents(conn, dialect, table).values()) == sorted(0 if i == 3 else 11 * i for i in range(1, 8))


# -- PostgreSQL: a batched backfill is its own migration, outside any transaction ----------------
def test_postgresql_batched_backfill_cannot_run_inside_a_transaction(postgres_url):
    """COMMIT inside a DO block is refused in a transaction block: why the batched backfill is a
    migration of its own (Dialect.outside_transaction), which no tool may wrap in BEGIN/COMMIT."""
    table, rows = items_table(), item_rows()
    op = Backfill("items", "filled", VALUE, batch_size=100)
    (block,) = get_dialect("postgresql").render_ops([op], Schema((table,)))
    with database("postgresql") as conn:
        create(conn, "postgresql", table, rows)
        conn.execute("BEGIN")
        with pytest.raises(StatementError, match="invalid transaction termination"):
            conn.execute(block)
        conn.execute("ROLLBACK")
        assert all(v in (None, KEPT) for v in contents(conn, "postgresql", table).values())
        conn.execute(block)  # in autocommit, as mgen runs it
        assert contents(conn, "postgresql", table) == expected_items(rows)


@pytest.mark.parametrize("op, outside", [
    (Backfill("items", "filled", VALUE, batch_size=100), True),
    (Backfill("items", "filled", VALUE, batch_size=None), False),
    (Backfill("items", None, None, batch_size=100, undo_column="filled", undo_value=VALUE), False),
])
def test_outside_transaction_only_for_postgresql_batches(op, outside):
    assert get_dialect("postgresql").outside_transaction(op) is outside
    assert get_dialect("postgresql").outside_transaction(op.reverse()) is (op.reverse().column is not None
                                                                          and op.batch_size is not None)
    assert not get_dialect("mysql").outside_transaction(op)
    assert not get_dialect("sqlite").outside_transaction(op)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_nothing_to_fill_renders_nothing(dialect):
    op = Backfill("items", None, None, batch_size=100, undo_column="filled", undo_value=VALUE)
    assert get_dialect(dialect).render_ops([op], Schema((items_table(),))) == []
