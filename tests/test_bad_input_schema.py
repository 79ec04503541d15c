"""A schema the database refuses is bad input (issue #15 item 12): ``mgen diff`` exits 2 with one line naming
the object, where it printed a migration (exit 0) that fails when it runs. The judge is the real server: the
same schema, applied to a scratch database, is refused (PostgreSQL's over-long name is cut instead, so the
name it keeps is not the schema's)."""
from __future__ import annotations

import io
import sqlite3
import uuid
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from conftest import require_server

from mgen import cli

LONG = "t" * 70
CASES = {
    # name: (dialect, source file, its text, what the message names, the SQL the server is asked to take)
    "fk-missing-table": ("postgresql", "s.sql", "CREATE TABLE b (id int, a_id int REFERENCES missing (id));\n",
                         "'missing'", None),
    "fk-missing-column": ("mysql", "s.sql", ("CREATE TABLE a (id int PRIMARY KEY);\n"
                          "CREATE TABLE b (id int, a_id int REFERENCES a (nope));\n"), "a.'nope'", None),
    "fk-column-count": ("sqlite", "s.sql", ("CREATE TABLE a (id int, k int, PRIMARY KEY (id, k));\n"
                        "CREATE TABLE b (id int, a_id int, FOREIGN KEY (a_id) REFERENCES a (id, k));\n"),
                        "has 1 column(s) but references 2", None),
    "fk-no-unique-key": ("postgresql", "s.sql", ("CREATE TABLE a (id int PRIMARY KEY, k int);\n"
                         "CREATE TABLE b (id int, a_k int REFERENCES a (k));\n"), "a(k)", None),
    "duplicate-check": ("mysql", "s.sql", ("CREATE TABLE a (x int, CONSTRAINT c1 CHECK (x > 0), "
                        "CONSTRAINT c1 CHECK (x < 9));\n"), "check 'c1'", None),
    "duplicate-relation": ("postgresql", "s.sql", ("CREATE TABLE a (x int CONSTRAINT c1 UNIQUE);\n"
                           "CREATE TABLE b (x int CONSTRAINT c1 UNIQUE);\n"), "unique key 'c1'", None),
    "duplicate-foreign-key": ("mysql", "s.sql", ("CREATE TABLE a (id int PRIMARY KEY);\n"
                              "CREATE TABLE b (a_id int, CONSTRAINT f1 FOREIGN KEY (a_id) REFERENCES a (id));\n"
                              "CREATE TABLE c (a_id int, CONSTRAINT f1 FOREIGN KEY (a_id) REFERENCES a (id));\n"),
                              "foreign key 'f1'", None),
    "index-named-as-table": ("sqlite", "s.sql", "CREATE TABLE a (id int);\nCREATE INDEX a ON a (id);\n",
                             "index 'a'", None),
    "long-name-mysql": ("mysql", "s.sql", f"CREATE TABLE {LONG} (id int);\n", "64", None),
    "nul-default": ("postgresql", "s.yaml", 'tables:\n  t:\n    columns:\n      x: {type: text, default: "a\\0b"}\n',
                    "NUL", "CREATE TABLE t (x text DEFAULT 'a\x00b')"),
    "placeholder-check": ("sqlite", "s.yaml", 'tables:\n  t:\n    columns:\n      id: {type: int, check: "%s"}\n',
                          "placeholder", "CREATE TABLE t (id int CHECK (?))"),
    "nan-default": ("mysql", "s.yaml", "tables:\n  t:\n    columns:\n      x: {type: float8, default: .nan}\n",
                    "'nan'", "CREATE TABLE t (x double DEFAULT 'nan')"),
    "nan-integer": ("postgresql", "s.yaml", "tables:\n  t:\n    columns:\n      x: {type: int, default: .nan}\n",
                    "'nan'", "CREATE TABLE t (x int DEFAULT 'nan')"),
    "not-a-date": ("postgresql", "s.sql", "CREATE TABLE t (d date DEFAULT 'zzz');\n", "no date", None),
    # found by bench/fuzz.py (seed 9): the clock as a number's default
    "clock-number-postgresql": ("postgresql", "s.sql", "CREATE TABLE t (n numeric DEFAULT now());\n",
                                "a date or time", None),
    "clock-integer-postgresql": ("postgresql", "s.sql", "CREATE TABLE t (n int DEFAULT CURRENT_TIMESTAMP);\n",
                                 "a date or time", None),
    "check-unknown-column": ("postgresql", "s.py", ("import sqlalchemy as sa\nmeta = sa.MetaData()\n"
                             "t = sa.Table('t', meta, sa.Column('id', sa.Integer, sa.CheckConstraint('x > 0')))\n"),
                             "'x'", "CREATE TABLE t (id int CHECK (x > 0))"),
    "scale-over-precision": ("mysql", "s.sql", "CREATE TABLE t (p numeric(2, 4));\n", "scale", None),
}


def _mgen(path: Path, dialect: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = cli.main(["diff", "empty", str(path), "--dialect", dialect])
    return code, err.getvalue()


def _server_refuses(dialect: str, statements: list[str]) -> bool:
    name = f"mgen_refuse_{uuid.uuid4().hex[:8]}"
    try:
        if dialect == "sqlite":
            with sqlite3.connect(":memory:") as c:
                for s in statements:
                    c.execute(s)
        elif dialect == "postgresql":
            import psycopg

            url = require_server("postgresql")
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
                try:
                    with psycopg.connect(url.rsplit("/", 1)[0] + f"/{name}", autocommit=True) as c:
                        for s in statements:
                            c.execute(s)
                finally:
                    admin.execute(f"DROP DATABASE {name}")
        else:
            import pymysql

            require_server("mysql")
            c = pymysql.connect(host="127.0.0.1", user="root", autocommit=True)
            c.cursor().execute(f"CREATE DATABASE {name}")
            try:
                c.select_db(name)
                for s in statements:
                    c.cursor().execute(s)
            finally:
                c.cursor().execute(f"DROP DATABASE {name}")
                c.close()
    except Exception:  # noqa: BLE001 - any refusal is the verdict
        return True
    return False


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_schema_the_server_refuses_is_exit_2(case: str, tmp_path: Path) -> None:
    dialect, name, text, named, judge = CASES[case]
    source = tmp_path / name
    source.write_text(text)
    statements = [judge] if judge else [s for s in text.split(";\n") if s.strip()]
    assert _server_refuses(dialect, statements), "the server takes it: not a refusal case"
    code, err = _mgen(source, dialect)
    assert code == 2, err
    assert err.count("\n") == 1 and named in err and f"{dialect} would refuse it" in err, err


def test_postgresql_cuts_a_long_name_so_it_is_refused(tmp_path: Path) -> None:
    import psycopg

    url = require_server("postgresql")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(f"CREATE TEMPORARY TABLE {LONG} (id int)")
        kept = c.execute("SELECT relname FROM pg_class WHERE relname LIKE 'ttt%' AND relpersistence = 't'").fetchone()
    assert kept is not None and kept[0] == LONG[:63]
    source = tmp_path / "s.sql"
    source.write_text(f"CREATE TABLE {LONG} (id int);\n")
    code, err = _mgen(source, "postgresql")
    assert code == 2 and "70 bytes long, over postgresql's limit of 63" in err, err


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_a_schema_the_servers_take_is_still_read(dialect: str, tmp_path: Path) -> None:
    source = tmp_path / "s.sql"
    source.write_text("CREATE TABLE a (id int PRIMARY KEY, n numeric(10, 2) DEFAULT 0, d date DEFAULT '2020-01-01',"
                      " CONSTRAINT a_n CHECK (n >= 0));\nCREATE TABLE b (id int, a_id int,"
                      " CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));\nCREATE INDEX b_a_idx ON b (a_id);\n")
    assert not _server_refuses(dialect, [s for s in source.read_text().split(";\n") if s.strip()])
    assert _mgen(source, dialect)[0] == 0


MORE = {
    "empty-name": ("postgresql", 'CREATE TABLE "" (id int);\n', "empty name"),
    "name-outside-bmp": ("mysql", "CREATE TABLE `t\U0001F600` (id int);\n", "Basic Multilingual Plane"),
    "literal-check": ("postgresql", "CREATE TABLE t (id int CHECK (1));\n", "no condition"),
    "number-default-on-date": ("postgresql", "CREATE TABLE t (d date DEFAULT 0);\n", "not of its type"),
}


@pytest.mark.parametrize("case", sorted(MORE))
def test_what_the_fuzz_bench_found_is_refused(case: str, tmp_path: Path) -> None:
    dialect, text, named = MORE[case]
    assert _server_refuses(dialect, [text.rstrip(";\n")])
    source = tmp_path / "s.sql"
    source.write_text(text)
    code, err = _mgen(source, dialect)
    assert code == 2 and named in err, err


def test_the_clock_as_a_numbers_default_is_refused_only_where_the_database_refuses_it(tmp_path: Path) -> None:
    """MariaDB takes CURRENT_TIMESTAMP as an INT column's default (it stores the number it makes); PostgreSQL
    refuses it (the clock-number cases above): mgen answers as each database does."""
    text = "CREATE TABLE t (n int DEFAULT CURRENT_TIMESTAMP)"
    assert not _server_refuses("mysql", [text])
    source = tmp_path / "s.sql"
    source.write_text(text + ";\n")
    code, err = _mgen(source, "mysql")
    assert code == 0, err
