"""The core issue's "Done when" list: `mgen diff` + `mgen verify` on real databases.

Each scenario is an OLD and a NEW desired-state SQL file. For every dialect it runs, the test checks
the operations `mgen diff --json` reports, the findings (destructive operations carry one, safe ones
carry no error), and that `mgen verify` proves the round trip: up, schema equals NEW, rows kept, down,
schema equals OLD.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from conftest import require_server

from mgen.cli import main

ALL = ("sqlite", "postgresql", "mysql")


@dataclass
class Scenario:
    name: str
    old: str
    new: str
    ops: list[str] | None = None  # expected operation kinds, in order (None: not checked)
    renames: list[str] = field(default_factory=list)
    dialects: tuple[str, ...] = ALL
    up_contains: dict = field(default_factory=dict)  # dialect -> substrings the up SQL must contain
    up_excludes: dict = field(default_factory=dict)  # dialect -> substrings it must not contain
    ops_for: dict = field(default_factory=dict)  # dialect -> expected kinds where that dialect differs


USERS = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(100) NOT NULL,
    name VARCHAR(50),
    score INTEGER DEFAULT 0,
    status VARCHAR(20) DEFAULT 'new',
    balance NUMERIC(10,2) NOT NULL DEFAULT 0,
    visits INTEGER NOT NULL DEFAULT 0
);
"""
POSTS = """
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
"""

ORDERS = "CREATE TABLE orders (id INTEGER PRIMARY KEY, total NUMERIC(10,2) NOT NULL, qty INTEGER NOT NULL{});\n"
GEN_STORED = ", cents BIGINT GENERATED ALWAYS AS (CAST(total * 100 AS BIGINT)) STORED"
GEN_VIRTUAL = ", cents BIGINT GENERATED ALWAYS AS (CAST(total * 100 AS BIGINT)) VIRTUAL"
ORDERS_IDX = "CREATE INDEX orders_cents_idx ON orders (cents);\n"


def users(**replace: str) -> str:
    sql = USERS
    for old, new in replace.items():
        sql = sql.replace(old.replace("__", " "), new)
    return sql


SCENARIOS = [
    Scenario("add_nullable_column", USERS, USERS.replace("visits INTEGER", "bio TEXT,\n    visits INTEGER"),
             ops=["add_column"]),
    Scenario("add_not_null_column_with_default", USERS,
             USERS.replace("\n);", ",\n    active BOOLEAN NOT NULL DEFAULT TRUE\n);"), ops=["add_column"]),
    Scenario("drop_column", USERS, USERS.replace("    name VARCHAR(50),\n", ""), ops=["drop_column"]),
    Scenario("rename_column_by_hint", USERS, USERS.replace("name VARCHAR(50)", "full_name VARCHAR(50)"),
             ops=["rename_column"], renames=["users.name=full_name"],
             up_excludes={d: ["DROP COLUMN"] for d in ALL}),
    Scenario("rename_column_used_by_check_and_indexes",
             "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, flag INTEGER, CONSTRAINT t_a_check CHECK (a > 0));\n"
             "CREATE INDEX t_a_idx ON t (a);\n",
             "CREATE TABLE t (id INTEGER PRIMARY KEY, b INTEGER, flag INTEGER, CONSTRAINT t_a_check CHECK (b > 0));\n"
             "CREATE INDEX t_a_idx ON t (b);\n",
             ops=["rename_column"], renames=["t.a=b"]),
    Scenario("varchar_widen", USERS, USERS.replace("VARCHAR(100)", "VARCHAR(200)"), ops=["alter_column_type"],
             up_contains={"postgresql": ["ALTER COLUMN email TYPE VARCHAR(200)"]},
             up_excludes={"postgresql": ["DROP COLUMN", "USING"], "mysql": ["DROP COLUMN"]}),
    Scenario("int_to_bigint", USERS, USERS.replace("visits INTEGER", "visits BIGINT"), ops=["alter_column_type"],
             up_excludes={"postgresql": ["DROP COLUMN"], "mysql": ["DROP COLUMN"]}),
    Scenario("numeric_precision_increase", USERS, USERS.replace("NUMERIC(10,2)", "NUMERIC(12,2)"),
             ops=["alter_column_type"], up_excludes={"postgresql": ["DROP COLUMN", "USING"]}),
    Scenario("default_change_and_drop", USERS,
             USERS.replace("DEFAULT 'new'", "DEFAULT 'open'").replace("score INTEGER DEFAULT 0", "score INTEGER"),
             ops=["alter_column_default", "alter_column_default"]),
    Scenario("set_not_null_on_existing_column", USERS, USERS.replace("name VARCHAR(50)", "name VARCHAR(50) NOT NULL"),
             ops=["alter_column_nullability"]),
    Scenario("new_table_with_fk_and_index", USERS,
             USERS + POSTS + "CREATE INDEX posts_title_idx ON posts (title);",
             ops=["create_table"]),
    Scenario("drop_tables_that_fks_reference", USERS + POSTS, "", ops=["drop_table", "drop_table"]),
    Scenario("drop_referenced_table_keep_child", USERS + POSTS,
             POSTS.replace(",\n    CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE", ""),
             ops=["drop_foreign_key", "drop_table"]),
    Scenario("fk_cycle_between_new_tables", USERS, USERS + """
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    captain_id INTEGER,
    CONSTRAINT teams_captain_id_fkey FOREIGN KEY (captain_id) REFERENCES players (id)
);
CREATE TABLE players (
    id INTEGER PRIMARY KEY,
    team_id INTEGER,
    CONSTRAINT players_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams (id)
);
""", ops=["create_table", "create_table", "add_foreign_key"]),
    Scenario("composite_primary_key", USERS, USERS + """
CREATE TABLE memberships (
    user_id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    role VARCHAR(20) NOT NULL DEFAULT 'member',
    CONSTRAINT memberships_pkey PRIMARY KEY (user_id, group_id)
);
""", ops=["create_table"]),
    Scenario("unique_and_composite_indexes", USERS + POSTS, USERS + POSTS + """
CREATE UNIQUE INDEX users_email_uidx ON users (email);
CREATE INDEX posts_user_id_title_idx ON posts (user_id, title);
ALTER TABLE users ADD CONSTRAINT users_name_status_key UNIQUE (name, status);
""", ops=["add_index", "add_unique", "add_index"],
             # MySQL stores a plain unique index as a unique constraint
             ops_for={"mysql": ["add_index", "add_unique", "add_unique"]}),
    Scenario("check_constraints", USERS.replace("\n);", ",\n    CONSTRAINT users_score_check CHECK (score >= 0)\n);"),
             USERS.replace("\n);", ",\n    CONSTRAINT users_balance_check CHECK (balance >= 0 AND balance < 1000000)\n);"),
             ops=["drop_check", "add_check"]),
    Scenario("reserved_word_identifiers", """
CREATE TABLE "user" (id INTEGER PRIMARY KEY, "group" VARCHAR(30));
""", """
CREATE TABLE "user" (id INTEGER PRIMARY KEY, "group" VARCHAR(60), "select" INTEGER DEFAULT 1, "Mixed" TEXT);
CREATE TABLE "order" (
    id INTEGER PRIMARY KEY,
    "user" INTEGER REFERENCES "user" (id),
    "table" VARCHAR(10) NOT NULL DEFAULT 'a'
);
CREATE INDEX "order_user_idx" ON "order" ("user", "table");
""", ops=["create_table", "alter_column_type", "add_column", "add_column"]),
    # PostgreSQL only
    Scenario("partial_and_gin_indexes", """
CREATE TABLE docs (id integer PRIMARY KEY, active boolean NOT NULL DEFAULT true, data jsonb, title text);
""", """
CREATE TABLE docs (id integer PRIMARY KEY, active boolean NOT NULL DEFAULT true, data jsonb, title text);
CREATE INDEX docs_title_active_idx ON docs (title) WHERE active;
CREATE INDEX docs_data_idx ON docs USING gin (data);
""", ops=["add_index", "add_index"], dialects=("postgresql",),
             up_contains={"postgresql": ["USING gin", "WHERE active"]}),
    Scenario("enum_create_and_add_value", """
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE people (id integer PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy');
""", """
CREATE TYPE mood AS ENUM ('happy', 'ok', 'sad', 'angry');
CREATE TYPE size AS ENUM ('s', 'm', 'l');
CREATE TABLE people (id integer PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy', shirt size);
""", ops=["add_enum_value", "add_enum_value", "create_enum", "add_column"], dialects=("postgresql",),
             up_contains={"postgresql": ["ADD VALUE 'ok' BEFORE 'sad'", "CREATE TYPE size AS ENUM"]}),
    Scenario("enum_reorder", """
CREATE TYPE level AS ENUM ('low', 'mid', 'high');
CREATE TABLE tasks (id integer PRIMARY KEY, level level NOT NULL DEFAULT 'mid');
""", """
CREATE TYPE level AS ENUM ('high', 'low', 'mid');
CREATE TABLE tasks (id integer PRIMARY KEY, level level NOT NULL DEFAULT 'mid');
""", ops=["drop_enum_value", "add_enum_value"], dialects=("postgresql",)),
    Scenario("mysql_inline_enum_reorder",
             "CREATE TABLE tasks (id INTEGER PRIMARY KEY, level ENUM('low', 'mid', 'high') NOT NULL DEFAULT 'mid');",
             "CREATE TABLE tasks (id INTEGER PRIMARY KEY, level ENUM('high', 'low', 'mid') NOT NULL DEFAULT 'mid');",
             ops=["drop_enum_value", "add_enum_value"], dialects=("mysql",)),
    Scenario("identity_and_uuid_expression_defaults", """
CREATE TABLE events (name text NOT NULL);
""", """
CREATE TABLE events (name text NOT NULL);
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now(),
    seq serial
);
""", ops=["create_table"], dialects=("postgresql",),
             up_contains={"postgresql": ["GENERATED ALWAYS AS IDENTITY", "gen_random_uuid()"]}),
    # generated columns: verify compares the rows without the columns whose expression changed
    Scenario("add_stored_generated_column_with_index", ORDERS.format(""), ORDERS.format(GEN_STORED) + ORDERS_IDX,
             ops=["add_column", "add_index"],
             up_contains={"postgresql": ["GENERATED ALWAYS AS", "STORED"], "sqlite": ["new__orders"]}),
    Scenario("add_virtual_generated_column", ORDERS.format(""), ORDERS.format(GEN_VIRTUAL), ops=["add_column"],
             dialects=("mysql", "sqlite"), up_excludes={"sqlite": ["new__orders"]}),
    Scenario("generated_expression_change_keeps_its_index", ORDERS.format(GEN_STORED) + ORDERS_IDX,
             ORDERS.format(GEN_STORED.replace("100", "1000")) + ORDERS_IDX, ops=["alter_column_generated"],
             up_contains={"postgresql": ["DROP COLUMN", "CREATE INDEX orders_cents_idx"],
                          "mysql": ["MODIFY COLUMN"]}),
    Scenario("stored_generated_to_plain_keeps_values", ORDERS.format(GEN_STORED) + ORDERS_IDX,
             ORDERS.format(", cents BIGINT") + ORDERS_IDX, ops=["alter_column_generated"],
             up_contains={"postgresql": ["DROP EXPRESSION"], "mysql": ["MODIFY COLUMN"]},
             up_excludes={"postgresql": ["DROP COLUMN"], "mysql": ["DROP COLUMN"]}),
    Scenario("plain_to_stored_generated", ORDERS.format(", cents BIGINT DEFAULT 0"), ORDERS.format(GEN_STORED),
             ops=["alter_column_default", "alter_column_generated"]),
    Scenario("virtual_generated_to_plain_keeps_values", ORDERS.format(GEN_VIRTUAL) + ORDERS_IDX,
             ORDERS.format(", cents BIGINT") + ORDERS_IDX, ops=["alter_column_generated"], dialects=("mysql", "sqlite"),
             up_contains={"mysql": ["UPDATE orders SET cents_mgen_plain = cents", "CREATE INDEX orders_cents_idx"]}),
    Scenario("stored_generated_to_virtual", ORDERS.format(GEN_STORED), ORDERS.format(GEN_VIRTUAL),
             ops=["alter_column_generated"], dialects=("mysql", "sqlite")),
    Scenario("table_and_column_comments", """
CREATE TABLE notes (id integer PRIMARY KEY, body text);
COMMENT ON COLUMN notes.body IS 'old text';
""", """
CREATE TABLE notes (id integer PRIMARY KEY, body text);
COMMENT ON TABLE notes IS 'Things people wrote';
COMMENT ON COLUMN notes.body IS 'The note''s text';
""", ops=["set_column_comment", "set_table_comment"], dialects=("postgresql",),
             up_contains={"postgresql": ["COMMENT ON TABLE notes IS 'Things people wrote'"]}),
]

CASES = [pytest.param(s, d, id=f"{s.name}-{d}") for s in SCENARIOS for d in s.dialects]


def for_dialect(sql: str, dialect: str) -> str:
    return sql.replace('"', "`") if dialect == "mysql" else sql


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.mark.parametrize("scenario,dialect", CASES)
def test_scenario(scenario: Scenario, dialect: str, tmp_path, capsys):
    server = require_server(dialect)
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text(for_dialect(scenario.old, dialect))
    new.write_text(for_dialect(scenario.new, dialect))
    renames = [a for r in scenario.renames for a in ("--rename", r)]

    rc, out, err = run_cli(capsys, "diff", str(old), str(new), "--dialect", dialect, "--json", *renames)
    assert rc == 0, err
    result = json.loads(out)
    kinds = [op["op"] for op in result["operations"]]
    expected = scenario.ops_for.get(dialect, scenario.ops)
    if expected is not None:
        assert kinds == expected
    assert result["up"] and result["down"]
    up = "\n".join(result["up"])
    for s in scenario.up_contains.get(dialect, []):
        assert s.lower() in up.lower(), f"{s!r} not in up:\n{up}"
    for s in scenario.up_excludes.get(dialect, []):
        assert s.lower() not in up.lower(), f"{s!r} in up:\n{up}"

    # destructive operations carry a finding; safe ones carry no error
    for i, op in enumerate(result["operations"]):
        mine = [f for f in result["findings"] if f["operation"] == i]
        if op["destructive"]:
            assert mine, f"destructive {op['description']} has no finding"
            assert op["safety"] == "destructive"
        elif op["safety"] == "safe":
            assert not [f for f in mine if f["severity"] == "error"]

    db = ["--db", server] if server else []
    rc, out, err = run_cli(capsys, "verify", str(old), str(new), "--dialect", dialect, *renames, *db)
    assert rc == 0, f"verify failed:\n{out}\n{err}"

    # and nothing is left to do: NEW against itself is no change
    rc, out, err = run_cli(capsys, "diff", str(new), str(new), "--dialect", dialect, "--json")
    assert json.loads(out)["operations"] == []
