"""The SQL reader (mgen.sources.sql): DDL in, Schema out.

Table-driven expectations per statement kind, dumps of real databases (committed fixtures, and
regenerated live where the servers and dump tools are here), every error path with its line, and
the read-back of what our own renderers write.
"""
from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mgen.errors import MgenError
from mgen.expressions import canonical_expression
from mgen.operations import apply_all
from mgen.schema import (
    Check,
    ColumnType,
    Default,
    EnumType,
    Extension,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Unique,
)
from mgen.sources.sql import SqlInterpreter, read_sql_paths, read_sql_text
from mgen.sqltypes import parse_type
from mgen.statements import split_statements

FIXTURES = Path(__file__).parent / "fixtures" / "sql"


def table(sql: str, dialect: str = "postgresql", name: str = "t"):
    return read_sql_text(sql, dialect).table(name)


# ---------------------------------------------------------------------------------------------
# types
# ---------------------------------------------------------------------------------------------
TYPES = [
    # (dialect, spelling, expected)
    ("postgresql", "int4", ColumnType("integer")),
    ("postgresql", "INTEGER", ColumnType("integer")),
    ("mysql", "int(11)", ColumnType("integer")),
    ("postgresql", "int8", ColumnType("bigint")),
    ("mysql", "int8", ColumnType("bigint")),
    ("sqlite", "int8", ColumnType("bigint")),
    ("postgresql", "int2", ColumnType("smallint")),
    ("mysql", "bigint(20) unsigned", ColumnType("bigint", unsigned=True)),  # kept (issue #14)
    ("postgresql", "decimal(10,2)", ColumnType("numeric", precision=10, scale=2)),
    ("postgresql", "numeric(7)", ColumnType("numeric", precision=7, scale=0)),
    ("postgresql", "numeric", ColumnType("numeric")),
    ("postgresql", "float4", ColumnType("real")),
    ("postgresql", "real", ColumnType("real")),
    ("sqlite", "REAL", ColumnType("real")),
    ("mysql", "float", ColumnType("real")),
    ("postgresql", "float", ColumnType("double")),  # PostgreSQL's bare FLOAT is float8
    ("postgresql", "float(53)", ColumnType("double")),
    ("postgresql", "float8", ColumnType("double")),
    ("postgresql", "double precision", ColumnType("double")),
    ("mysql", "double", ColumnType("double")),
    ("postgresql", "bool", ColumnType("boolean")),
    ("mysql", "tinyint(1)", ColumnType("boolean")),
    ("mysql", "tinyint(4)", ColumnType("smallint")),
    ("postgresql", "character varying(20)", ColumnType("varchar", length=20)),
    ("postgresql", "character varying", ColumnType("varchar")),
    ("postgresql", "character(3)", ColumnType("char", length=3)),
    ("mysql", "longtext", ColumnType("text")),
    ("mysql", "mediumtext", ColumnType("text")),
    ("mysql", "tinytext", ColumnType("text")),
    ("mysql", "datetime", ColumnType("timestamp")),
    ("mysql", "datetime(3)", ColumnType("timestamp", precision=3)),
    ("mysql", "timestamp", ColumnType("timestamptz")),
    ("postgresql", "timestamp", ColumnType("timestamp")),
    ("postgresql", "timestamp(3) without time zone", ColumnType("timestamp", precision=3)),
    ("postgresql", "timestamp with time zone", ColumnType("timestamptz")),
    ("postgresql", "timestamptz(6)", ColumnType("timestamptz", precision=6)),
    ("postgresql", "time without time zone", ColumnType("time")),
    ("postgresql", "bytea", ColumnType("binary")),
    ("mysql", "longblob", ColumnType("binary")),
    ("mysql", "varbinary(16)", ColumnType("binary", length=16)),
    ("mysql", "binary(16)", ColumnType("binary", length=16)),
    ("postgresql", "jsonb", ColumnType("jsonb")),
    ("mysql", "json", ColumnType("json")),
    ("postgresql", "uuid", ColumnType("uuid")),
    ("postgresql", "date", ColumnType("date")),
]


@pytest.mark.parametrize("dialect,spelling,expected", TYPES, ids=[f"{d}-{s}" for d, s, _ in TYPES])
def test_parse_type(dialect, spelling, expected):
    assert parse_type(spelling, dialect) == expected


def test_parse_type_reads_postgresql_arrays():
    assert parse_type("varchar(20)[]", "postgresql") == ColumnType("varchar", length=20, array=True)
    assert parse_type("integer[][]", "postgresql") == ColumnType("integer", array=True)
    with pytest.raises(MgenError):
        parse_type("integer[]", "mysql")


def test_parse_type_knows_declared_enums():
    assert parse_type('public."Mood"', "postgresql", enums=["Mood"]) == ColumnType("enum", enum="Mood")
    assert parse_type("MOOD", "postgresql", enums=["mood"]) == ColumnType("enum", enum="mood")


@pytest.mark.parametrize("spelling", ["citxt", "integr[]", "serial[]", "mony", "set('a','b')"])
def test_unknown_type_lists_supported(spelling):
    with pytest.raises(MgenError) as e:
        parse_type(spelling, "postgresql")
    assert spelling.split("(")[0] in e.value.message and "supported" in e.value.message


SERIALS = [
    ("postgresql", "CREATE TABLE t (id serial)", ColumnType("integer")),
    ("postgresql", "CREATE TABLE t (id bigserial)", ColumnType("bigint")),
    ("postgresql", "CREATE TABLE t (id smallserial)", ColumnType("smallint")),
    ("mysql", "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY)", ColumnType("integer")),
    ("sqlite", "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)", ColumnType("integer")),
    ("postgresql", "CREATE TABLE t (id integer DEFAULT nextval('public.t_id_seq'::regclass) NOT NULL)",
     ColumnType("integer")),
]


@pytest.mark.parametrize("dialect,sql,ctype", SERIALS)
def test_serial_spellings(dialect, sql, ctype):
    c = table(sql, dialect).column("id")
    assert (c.type, c.identity, c.nullable, c.default) == (ctype, "serial", False, None)


@pytest.mark.parametrize("clause,identity", [("GENERATED ALWAYS AS IDENTITY", "always"),
                                             ("GENERATED BY DEFAULT AS IDENTITY (START WITH 10)", "by_default")])
def test_identity_columns(clause, identity):
    c = table(f"CREATE TABLE t (id bigint {clause})").column("id")
    assert (c.identity, c.nullable) == (identity, False)


def test_mysql_inline_enum_becomes_named_enum():
    s = read_sql_text("CREATE TABLE `Users` (m enum('happy','it''s ok') DEFAULT 'happy')", "mysql")
    assert s.enums == (EnumType("Users_m", ("happy", "it's ok")),)
    assert s.table("Users").column("m").type == ColumnType("enum", enum="Users_m")
    assert s.table("Users").column("m").default == Default("string", "happy")


def test_postgresql_enum_type_lifecycle():
    s = read_sql_text("""
        CREATE TYPE public.mood AS ENUM ('happy', 'sad');
        CREATE TABLE t (m public.mood DEFAULT 'happy'::public.mood);
        ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';
        ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';
        ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';
        ALTER TYPE mood ADD VALUE 'last';
        ALTER TYPE mood RENAME VALUE 'last' TO 'final';
        ALTER TYPE mood OWNER TO postgres;
    """, "postgresql")
    assert s.enums == (EnumType("mood", ("happy", "ecstatic", "meh", "sad", "final")),)
    assert s.table("t").column("m").type == ColumnType("enum", enum="mood")
    s = read_sql_text("ALTER TYPE mood RENAME TO feeling; DROP TABLE t; DROP TYPE feeling;", "postgresql", s)
    assert s == Schema()


def test_mariadb_json_is_longtext_with_json_valid_check():
    t = table("CREATE TABLE t (doc longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL "
              "CHECK (json_valid(`doc`)), n int, CONSTRAINT doc2 CHECK (n > 0))", "mysql")
    assert t.column("doc").type == ColumnType("json")
    assert t.checks == (Check("doc2", "n > 0"),)


# ---------------------------------------------------------------------------------------------
# defaults and expressions
# ---------------------------------------------------------------------------------------------
DEFAULTS = [
    ("postgresql", "text DEFAULT 'it''s'::text", Default("string", "it's")),
    ("postgresql", "varchar(5) DEFAULT 'abc'::character varying", Default("string", "abc")),
    ("postgresql", "jsonb DEFAULT '{}'::jsonb", Default("string", "{}")),
    ("postgresql", "smallint DEFAULT '-1'::integer", Default("number", "-1")),
    ("postgresql", "numeric DEFAULT 0.50", Default("number", "0.5")),
    ("postgresql", "int DEFAULT -1", Default("number", "-1")),
    ("postgresql", "int DEFAULT (42)", Default("number", "42")),
    ("postgresql", "boolean DEFAULT false", Default("boolean", "false")),
    ("mysql", "tinyint(1) DEFAULT 1", Default("boolean", "true")),
    ("mysql", "boolean DEFAULT '0'", Default("boolean", "false")),
    ("mysql", "int DEFAULT '5'", Default("number", "5")),
    ("sqlite", "BOOLEAN DEFAULT 0", Default("boolean", "false")),
    ("postgresql", "timestamptz DEFAULT now()", Default("expression", "CURRENT_TIMESTAMP")),
    ("mysql", "timestamp DEFAULT current_timestamp()", Default("expression", "CURRENT_TIMESTAMP")),
    ("sqlite", "TEXT DEFAULT CURRENT_TIMESTAMP", Default("expression", "CURRENT_TIMESTAMP")),
    ("postgresql", "uuid DEFAULT gen_random_uuid()", Default("expression", "GEN_RANDOM_UUID()")),
    ("postgresql", "text DEFAULT NULL", None),
    ("mysql", "text DEFAULT NULL", None),
]


@pytest.mark.parametrize("dialect,definition,expected", DEFAULTS, ids=[f"{d}-{s}" for d, s, _ in DEFAULTS])
def test_defaults(dialect, definition, expected):
    assert table(f"CREATE TABLE t (c {definition})", dialect).column("c").default == expected


@pytest.mark.parametrize("a,da,b,db", [
    ("((score >= (0)::numeric))", "postgresql", "score >= 0", "postgresql"),
    ("((email)::text <> ''::text)", "postgresql", "email <> ''", "postgresql"),
    ("`flag` in (0,1)", "mysql", "flag IN (0, 1)", "postgresql"),
    ('"Flag" > 0', "sqlite", '"Flag" > 0', "postgresql"),
    ("Email = 'x'", "postgresql", "email = 'x'", "postgresql"),
])
def test_expressions_from_different_sources_agree(a, da, b, db):
    assert canonical_expression(a, da) == canonical_expression(b, db)


def test_reserved_words_stay_quoted_in_expressions():
    assert canonical_expression('"select" > 0', "postgresql") == '"select" > 0'
    assert canonical_expression("`order` > 0", "mysql") == '"order" > 0'


# ---------------------------------------------------------------------------------------------
# CREATE TABLE constraints and names
# ---------------------------------------------------------------------------------------------
def test_unnamed_constraints_get_postgresql_names():
    t = table("""CREATE TABLE t (
        id int PRIMARY KEY, a int UNIQUE, b int CHECK (b > 0), c int REFERENCES o (id) ON DELETE cascade,
        CHECK (a < b), CHECK (a > 0), d int CHECK (d > a),
        UNIQUE (a, b), FOREIGN KEY (a, b) REFERENCES o (x, y) ON UPDATE SET NULL)""")
    assert t.primary_key == PrimaryKey(("id",), "t_pkey")
    assert t.column("id").nullable is False
    assert t.uniques == (Unique("t_a_key", ("a",)), Unique("t_a_b_key", ("a", "b")))
    # PostgreSQL names a check after its column when it uses exactly one, whichever level it is on
    assert [c.name for c in t.checks] == ["t_b_check", "t_check", "t_a_check", "t_check1"]
    assert t.foreign_keys == (
        ForeignKey("t_c_fkey", ("c",), "o", ("id",), on_delete="CASCADE"),
        ForeignKey("t_a_b_fkey", ("a", "b"), "o", ("x", "y"), on_update="SET NULL"),
    )


def test_named_constraints_keep_their_names():
    t = table("""CREATE TABLE t (a int CONSTRAINT a_u UNIQUE CONSTRAINT a_c CHECK (a > 0),
                 CONSTRAINT pk PRIMARY KEY (a), CONSTRAINT fk FOREIGN KEY (a) REFERENCES t (a))""")
    assert (t.primary_key.name, t.uniques[0].name, t.checks[0].name, t.foreign_keys[0].name) == \
        ("pk", "a_u", "a_c", "fk")


def test_references_without_columns_mean_the_primary_key():
    s = read_sql_text("""CREATE TABLE child (p int REFERENCES parent);
                         CREATE TABLE parent (id int PRIMARY KEY);""", "postgresql")
    assert s.table("child").foreign_keys[0].ref_columns == ("id",)


def test_mysql_keys_inside_create_table():
    t = table("""CREATE TABLE t (a int, b varchar(50), c text,
                 UNIQUE KEY t_ab (a, b), KEY idx_b (b(10)), INDEX (a, b), FULLTEXT KEY ft (c))
                 ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='hello'""", "mysql")
    assert t.uniques == (Unique("t_ab", ("a", "b")),)
    assert t.indexes == (Index("idx_b", ("b",), prefixes=(("b", 10),)), Index("a", ("a", "b")),
                         Index("ft", ("c",), method="fulltext"))
    assert t.comment == "hello"


def test_mixed_case_and_reserved_identifiers():
    s = read_sql_text('CREATE TABLE "Order" ("Select" int, "group" text, Plain int); '
                      'CREATE INDEX ON "Order" ("Select");', "postgresql")
    t = s.table("Order")
    assert t.column_names() == ("Select", "group", "plain")
    assert t.indexes == (Index("Order_Select_idx", ("Select",)),)
    s = read_sql_text("CREATE TABLE `Order` (`Select` int, `group` text)", "mysql")
    assert s.table("Order").column_names() == ("Select", "group")


def test_if_not_exists_and_schema_qualified_names():
    s = read_sql_text("""CREATE TABLE IF NOT EXISTS public.t (a int);
                         CREATE TABLE IF NOT EXISTS t (b int);
                         CREATE INDEX IF NOT EXISTS t_a ON public.t (a);
                         CREATE INDEX IF NOT EXISTS t_a ON public.t (a);""", "postgresql")
    assert s.table("t").column_names() == ("a",)
    assert [i.name for i in s.table("t").indexes] == ["t_a"]


def test_column_comments():
    t = table("CREATE TABLE t (a int COMMENT 'the a', b int) COMMENT = 'tbl'", "mysql")
    assert (t.column("a").comment, t.column("b").comment, t.comment) == ("the a", None, "tbl")
    s = read_sql_text("CREATE TABLE t (a int); COMMENT ON TABLE t IS 'x'; COMMENT ON COLUMN public.t.a IS 'y';",
                      "postgresql")
    assert (s.table("t").comment, s.table("t").column("a").comment) == ("x", "y")
    s = read_sql_text("COMMENT ON TABLE t IS NULL; COMMENT ON COLUMN t.a IS '';", "postgresql", s)
    assert (s.table("t").comment, s.table("t").column("a").comment) == (None, None)


# ---------------------------------------------------------------------------------------------
# CREATE INDEX
# ---------------------------------------------------------------------------------------------
INDEXES = [
    ("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON public.t USING gin (a, b)",
     Index("ix", ("a", "b"), unique=True, method="gin")),
    ("CREATE INDEX ix ON t USING btree (a) WHERE (b > 0)", Index("ix", ("a",), where="b > 0")),
    ("CREATE INDEX ON t (lower((c)::text))", Index("t_lower_idx", ("(LOWER(c))",))),
    ("CREATE INDEX ON t (a, b DESC)", Index("t_a_b_idx", ("a", "b"), orders=(("b", "DESC"),))),
]


@pytest.mark.parametrize("sql,expected", INDEXES)
def test_create_index(sql, expected):
    s = read_sql_text(f"CREATE TABLE t (a int, b int, c varchar(9)); {sql};", "postgresql")
    assert s.table("t").indexes == (expected,)


@pytest.mark.parametrize("sql", [
    "CREATE INDEX ix ON t (a, b) ALGORITHM=INPLACE LOCK=NONE",
    "CREATE INDEX ix ON t (a, b) ALGORITHM = INPLACE",
    "CREATE INDEX ix ON t (a, b) LOCK NONE",
])
def test_mysql_create_index_online_options_are_not_part_of_the_index(sql):
    """What mgen renders for an online AddIndex on MySQL reads back as the plain index."""
    s = read_sql_text(f"CREATE TABLE t (a int, b int); {sql};", "mysql")
    assert s.table("t").indexes == (Index("ix", ("a", "b")),)


# ---------------------------------------------------------------------------------------------
# ALTER TABLE, DROP, RENAME
# ---------------------------------------------------------------------------------------------
BASE = "CREATE TABLE t (id int PRIMARY KEY, a int, b text DEFAULT 'x', c int NOT NULL);"


def test_postgresql_alter_table_actions():
    s = read_sql_text(BASE + """
        ALTER TABLE ONLY public.t ADD COLUMN IF NOT EXISTS d bigint NOT NULL DEFAULT 0, DROP COLUMN a;
        ALTER TABLE t ALTER COLUMN c TYPE bigint USING c::bigint, ALTER COLUMN c DROP NOT NULL;
        ALTER TABLE t ALTER COLUMN b SET DATA TYPE varchar(10), ALTER COLUMN b DROP DEFAULT;
        ALTER TABLE t ALTER COLUMN b SET NOT NULL, ALTER COLUMN b SET DEFAULT 'y'::character varying;
        ALTER TABLE t RENAME COLUMN d TO e;
        ALTER TABLE t ADD CONSTRAINT t_e_check CHECK (e >= 0) NOT VALID;
        ALTER TABLE t VALIDATE CONSTRAINT t_e_check;
        ALTER TABLE t ADD CHECK (c > 0);
        ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE (b);
        ALTER TABLE t OWNER TO postgres;
        ALTER TABLE t RENAME TO u;
    """, "postgresql")
    u = s.table("u")
    assert [c.describe() for c in u.columns] == [
        "id integer NOT NULL", "b varchar(10) NOT NULL DEFAULT 'y'", "c bigint", "e bigint NOT NULL DEFAULT 0"]
    assert u.checks == (Check("t_e_check", "e >= 0"), Check("t_c_check", "c > 0"))
    assert u.uniques == (Unique("t_b_key", ("b",)),)


def test_identity_alters():
    s = read_sql_text("""CREATE TABLE t (id bigint NOT NULL);
        ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
            SEQUENCE NAME public.t_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1);""",
                      "postgresql")
    assert s.table("t").column("id").identity == "always"
    s = read_sql_text("ALTER TABLE t ALTER COLUMN id DROP IDENTITY IF EXISTS", "postgresql", s)
    assert s.table("t").column("id").identity is None
    s = read_sql_text("ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass)",
                      "postgresql", s)
    assert (s.table("t").column("id").identity, s.table("t").column("id").default) == ("serial", None)
    s = read_sql_text("ALTER TABLE t ALTER COLUMN id DROP DEFAULT", "postgresql", s)
    assert s.table("t").column("id").identity is None


def test_drop_constraint_and_primary_key():
    s = read_sql_text(BASE + """
        ALTER TABLE t ADD CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES t (id);
        ALTER TABLE t DROP CONSTRAINT t_a_fkey, DROP CONSTRAINT IF EXISTS nope;
        ALTER TABLE t DROP CONSTRAINT t_pkey;
        ALTER TABLE t ADD PRIMARY KEY (id, c);""", "postgresql")
    t = s.table("t")
    assert (t.foreign_keys, t.primary_key) == ((), PrimaryKey(("id", "c"), "t_pkey"))


def test_dropping_a_column_drops_what_uses_it():
    sql = BASE + """CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_b ON t (b);
                    ALTER TABLE t ADD CONSTRAINT t_a_c UNIQUE (a, c); ALTER TABLE t ADD CHECK (a > c);
                    ALTER TABLE t DROP COLUMN a;"""
    pg = read_sql_text(sql, "postgresql").table("t")
    assert ([i.name for i in pg.indexes], pg.uniques, pg.checks) == (["t_b"], (), ())
    my = read_sql_text(sql.replace("t_pkey", "PRIMARY"), "mysql").table("t")
    # MySQL keeps multi-column keys, without the column
    assert [(i.name, i.columns) for i in my.indexes] == [("t_ab", ("b",)), ("t_b", ("b",))]
    assert my.uniques == (Unique("t_a_c", ("c",)),)


def test_mysql_alter_table_actions():
    s = read_sql_text("""CREATE TABLE t (id int NOT NULL, a int, b varchar(10), PRIMARY KEY (id), KEY ix (a));
        ALTER TABLE t MODIFY COLUMN a bigint NOT NULL DEFAULT 3 COMMENT 'big';
        ALTER TABLE t CHANGE COLUMN b c varchar(20) AFTER id;
        ALTER TABLE t ADD COLUMN (d int, e enum('x','y'));
        ALTER TABLE t ADD INDEX ix2 (c), ADD KEY k3 (d), ADD UNIQUE KEY u (c), DROP INDEX ix;
        ALTER TABLE t RENAME INDEX ix2 TO ix3;
        ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (d) REFERENCES t (id);
        ALTER TABLE t DROP FOREIGN KEY fk;
        ALTER TABLE t DROP INDEX fk;
        ALTER TABLE t DROP PRIMARY KEY, ALGORITHM=INPLACE, LOCK=NONE;
        ALTER TABLE t COMMENT = 'now with comment';
        ALTER TABLE t ALTER a SET DEFAULT 4;
        RENAME TABLE t TO `T2`;
        DROP INDEX k3 ON `T2`;""", "mysql")
    t = s.table("T2")
    assert [c.describe() for c in t.columns] == [
        "id integer NOT NULL", "c varchar(20)", "a bigint NOT NULL DEFAULT 4", "d integer", "e enum T2_e"]
    assert t.column("a").comment == "big"
    assert ([i.name for i in t.indexes], t.uniques, t.primary_key, t.foreign_keys) == \
        (["ix3"], (Unique("u", ("c",)),), None, ())
    assert t.comment == "now with comment"
    assert s.enums == (EnumType("T2_e", ("x", "y")),)


def test_rename_keeps_foreign_keys_pointing_at_the_table():
    s = read_sql_text("""CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id));
                         ALTER TABLE p RENAME TO q; ALTER TABLE q RENAME COLUMN id TO key;""", "postgresql")
    fk = s.table("c").foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns) == ("q", ("key",))


def test_drop_table_cascade_drops_foreign_keys_to_it():
    s = read_sql_text("""CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id));
                         DROP TABLE IF EXISTS p, nothing CASCADE;""", "postgresql")
    assert s.table_names() == ("c",) and s.table("c").foreign_keys == ()


def test_sqlite_table_rebuild_sequence():
    s = read_sql_text("""CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT, UNIQUE (a));
        CREATE INDEX t_a_idx ON t (a);
        PRAGMA foreign_keys=OFF;
        CREATE TABLE "new__t" (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT NOT NULL, UNIQUE (a));
        INSERT INTO "new__t" (id, a) SELECT id, a FROM t;
        DROP TABLE t;
        ALTER TABLE "new__t" RENAME TO t;
        CREATE INDEX t_a_idx ON t (a);
        PRAGMA foreign_keys=ON;""", "sqlite")
    t = s.table("t")
    assert s.table_names() == ("t",)
    assert (t.column("a").nullable, t.primary_key.name, t.uniques, [i.name for i in t.indexes]) == \
        (False, "t_pkey", (Unique("t_a_key", ("a",)),), ["t_a_idx"])


def test_sqlite_stored_sql_after_alter_edits():
    db = sqlite3.connect(":memory:")
    db.executescript("""CREATE TABLE "Users" (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
                        ALTER TABLE "Users" ADD COLUMN extra int default 3;
                        ALTER TABLE "Users" RENAME COLUMN extra TO "Extra Two";
                        CREATE TABLE c (u INTEGER REFERENCES "Users"(id));
                        ALTER TABLE "Users" RENAME TO people;""")
    stored = ";\n".join(r[0] for r in db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")) + ";"
    s = read_sql_text(stored, "sqlite")
    assert s.table("people").column_names() == ("id", "name", "Extra Two")
    assert s.table("people").column("Extra Two").default == Default("number", "3")
    assert s.table("c").foreign_keys[0].ref_table == "people"


def test_statements_that_are_not_tables_are_ignored_and_listed():
    interp = SqlInterpreter("postgresql")
    interp.run("""
        SET statement_timeout = 0;
        SELECT pg_catalog.set_config('search_path', '', false);
        CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
        CREATE SCHEMA app;
        CREATE SEQUENCE s START 1;
        ALTER SEQUENCE s OWNED BY public.t.id;
        SELECT pg_catalog.setval('public.s', 1, false);
        CREATE VIEW v AS SELECT 1;
        CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;
        CREATE TRIGGER tr AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION f();
        GRANT ALL ON SCHEMA public TO PUBLIC;
        REVOKE ALL ON SCHEMA public FROM PUBLIC;
        BEGIN; INSERT INTO x VALUES (1); UPDATE x SET a = 1; DELETE FROM x; COMMIT;
        CREATE TEMP TABLE tmp (a int);
    """)
    assert interp.schema == Schema(extensions=(Extension("pgcrypto"),))  # extensions are modelled (issue #14)
    kinds = {i.kind for i in interp.ignored}
    assert {"SET", "SELECT", "CREATE VIEW", "CREATE FUNCTION", "GRANT", "INSERT"} <= kinds
    interp = SqlInterpreter("mysql")
    interp.run("/*!40101 SET NAMES utf8mb4 */;\nLOCK TABLES `t` WRITE;\nUNLOCK TABLES;\n"
               "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW `v` AS select 1 */;")
    assert interp.schema == Schema()


def test_split_statements_keeps_lines():
    stmts = split_statements("-- header\n\nCREATE TABLE a (x int);\n\n/* c */ CREATE TABLE b (\n y int\n);\n"
                             "\\restrict abc\nSELECT 1;")
    assert [(s.line, s.words[:2]) for s in stmts] == [(3, ("CREATE", "TABLE")), (5, ("CREATE", "TABLE")),
                                                      (9, ("SELECT",))]


# ---------------------------------------------------------------------------------------------
# errors: one MgenError with the file and the statement's line
# ---------------------------------------------------------------------------------------------
ERRORS = [
    ("CREATE TABLE u (a int DEFAULT);", "SQL syntax error"),
    ("CREATE TABLE u (a int REFERENCES);", "SQL syntax error"),
    ("CREATE TABLE u (a citxt);", "unknown type 'citxt'"),
    ("ALTER TABLE nope ADD COLUMN a int;", "unknown table 'nope'"),
    ("ALTER TABLE t ALTER COLUMN nope SET NOT NULL;", "unknown column 'nope'"),
    ("ALTER TABLE t DROP COLUMN nope;", "unknown column 'nope'"),
    ("ALTER TABLE t DROP CONSTRAINT nope;", "unknown constraint 'nope'"),
    ("DROP INDEX nope;", "unknown index 'nope'"),
    ("DROP TABLE nope;", "unknown table 'nope'"),
    ("CREATE TABLE t (b int);", "table 't' already exists"),
    ("CREATE INDEX i ON t (nope);", "unknown column 'nope'"),
    ("ALTER TYPE nope ADD VALUE 'x';", "unknown type 'nope'"),
    ("ALTER TABLE t ALTER COLUMN a DROP EXPRESSION;", "column t.a is not a generated column"),
    ("CREATE TABLE u AS SELECT 1;", "AS SELECT is not supported"),
    ("CRATE TABLE u (a int);", "unrecognised statement"),
    ("CREATE TABEL u (a int);", "unrecognised statement"),
    ("CREATE TABLE u (a int REFERENCES nowhere);", "references 'nowhere'"),
    ("COMMENT ON COLUMN t.nope IS 'x';", "unknown column 'nope'"),
]


@pytest.mark.parametrize("sql,message", ERRORS, ids=[m for _, m in ERRORS])
def test_errors_name_file_and_line(sql, message):
    text = "CREATE TABLE t (\n  a int\n);\n\n-- the bad one:\n" + sql + "\nCREATE TABLE later (x int);\n"
    with pytest.raises(MgenError) as e:
        read_sql_text(text, "postgresql", filename="schema.sql")
    assert message in e.value.message
    assert (e.value.file, e.value.line) == ("schema.sql", 6)


def test_unknown_dialect_is_an_error():
    with pytest.raises(MgenError, match="unknown dialect"):
        read_sql_text("", "oracle")


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(MgenError, match="no such file"):
        read_sql_paths(str(tmp_path / "nope.sql"), "postgresql")


# ---------------------------------------------------------------------------------------------
# files and folders
# ---------------------------------------------------------------------------------------------
def test_folder_of_migrations_is_folded_in_name_order():
    s = read_sql_paths(str(FIXTURES / "migrations_pg"), "postgresql")
    people = s.table("people")
    assert people.column_names() == ("id", "email", "mood", "full_name")
    assert people.column("email").type == ColumnType("varchar", length=255)
    assert people.indexes == (Index("users_email_idx", ("(LOWER(email))",), unique=True),)
    assert people.comment == "renamed"
    assert s.enums == (EnumType("mood", ("happy", "meh", "sad")),)


@pytest.mark.parametrize("dialect,source,dump", [
    ("postgresql", "postgresql_source.sql", "postgresql_pg_dump.sql"),
    ("sqlite", "sqlite_source.sql", "sqlite_dot_schema.sql"),
])
def test_dump_reads_like_its_source(dialect, source, dump):
    assert read_sql_paths(str(FIXTURES / source), dialect).normalized() == \
        read_sql_paths(str(FIXTURES / dump), dialect).normalized()


def test_mysqldump_reads_like_its_source_except_mysql_own_names():
    source = read_sql_paths(str(FIXTURES / "mysql_source.sql"), "mysql")
    dump = read_sql_paths(str(FIXTURES / "mysql_mysqldump.sql"), "mysql")
    # MySQL names what the source left unnamed its own way (UNIQUE -> column name, FK -> t_ibfk_1)
    assert dump.table("orgs").uniques == (Unique("name", ("name",)),)
    assert dump.table("posts").foreign_keys[0].name == "posts_ibfk_1"
    # the dump says every text column's collation (its table's COLLATE=); the source leaves it to the server
    users = dump.table("Users")
    assert {c.type.collation for c in users.columns if c.type.name in ("varchar", "text", "enum")} == {
        "utf8mb4_general_ci"}
    assert users.collation == "utf8mb4_general_ci" and source.table("Users").collation is None
    assert dataclasses.replace(users, collation=None, columns=tuple(dataclasses.replace(
        c, type=dataclasses.replace(c.type, collation=None)) for c in users.columns)) == source.table("Users")
    assert dump.table("orgs").column("settings").type == ColumnType("json")
    assert dump.enums == source.enums == (EnumType("Users_m", ("happy", "sad")),)


def test_pg_dump_details():
    s = read_sql_paths(str(FIXTURES / "postgresql_pg_dump.sql"), "postgresql")
    users = s.table("Users")
    assert users.column("id").identity == "always"
    assert s.table("orgs").column("id").identity == "serial"
    assert users.column("m").type == ColumnType("enum", enum="mood")
    assert users.checks == (Check("Users_score_check", "score >= 0"), Check("users_email_nonempty", "email <> ''"))
    assert s.table("posts").foreign_keys == (
        ForeignKey("posts_user_fk", ("user_id",), "Users", ("id",), on_delete="SET NULL", on_update="RESTRICT"),)
    assert s.table_names() == ("Users", "orgs", "posts")  # the view is not a table


# ---------------------------------------------------------------------------------------------
# live databases: load the source DDL into a scratch database and dump it again
# ---------------------------------------------------------------------------------------------
def _scratch_name() -> str:
    return f"mgen_t_{uuid.uuid4().hex[:8]}"


@pytest.mark.postgres
def test_live_pg_dump_matches_source(postgres_url):
    if not (shutil.which("pg_dump") and shutil.which("psql")):
        pytest.skip("pg_dump/psql not installed")
    import psycopg

    name = _scratch_name()
    u = urlsplit(postgres_url)
    conn_args = ["-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", *conn_args, "-d", name,
                            "-f", str(FIXTURES / "postgresql_source.sql")], check=True, capture_output=True)
            dump = subprocess.run(["pg_dump", "--schema-only", *conn_args, name], check=True,
                                  capture_output=True, text=True).stdout
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert read_sql_text(dump, "postgresql").normalized() == \
        read_sql_paths(str(FIXTURES / "postgresql_source.sql"), "postgresql").normalized()


@pytest.mark.mysql
def test_live_mysqldump_matches_committed_dump(mysql_url):
    if not shutil.which("mysqldump"):
        pytest.skip("mysqldump not installed")
    import pymysql

    u = urlsplit(mysql_url)
    params = {"host": u.hostname, "port": u.port or 3306, "user": u.username or "root",
              "password": u.password or ""}
    name = _scratch_name()
    admin = pymysql.connect(autocommit=True, **params)
    try:
        admin.cursor().execute(f"CREATE DATABASE {name}")
        conn = pymysql.connect(database=name, autocommit=True, **params)
        for stmt in split_statements((FIXTURES / "mysql_source.sql").read_text()):
            conn.cursor().execute(stmt.text)
        conn.close()
        args = ["mysqldump", "--no-data", "-h", params["host"], "-P", str(params["port"]), "-u", params["user"]]
        dump = subprocess.run(args + [name], check=True, capture_output=True, text=True,
                              env={"MYSQL_PWD": params["password"], "PATH": "/usr/bin:/bin"}).stdout
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()
    assert read_sql_text(dump, "mysql").normalized() == \
        read_sql_paths(str(FIXTURES / "mysql_mysqldump.sql"), "mysql").normalized()


def test_live_sqlite_master_matches_source(tmp_path):
    db = sqlite3.connect(tmp_path / "x.db")
    source = (FIXTURES / "sqlite_source.sql").read_text()
    db.executescript(source)
    stored = ";\n".join(r[0] for r in db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index') ORDER BY rowid")) + ";"
    assert read_sql_text(stored, "sqlite").normalized() == read_sql_text(source, "sqlite").normalized()


# ---------------------------------------------------------------------------------------------
# read-back of our own renderers: folding generated migrations reproduces the model
# ---------------------------------------------------------------------------------------------
def _render_cases():
    pytest.importorskip("mgen.dialects.postgresql")
    from test_render_golden import CASES, FIXTURE

    return CASES, FIXTURE


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_generated_migrations_read_back(dialect):
    from mgen.dialects import Unsupported, get_dialect
    from mgen.operations import CreateEnum, CreateExtension, CreateTable, ValidateConstraint

    cases, fixture = _render_cases()
    d = get_dialect(dialect)

    def create_sql(s: Schema) -> str:
        # CREATE TABLE makes every constraint valid: the NOT VALID ones are added again NOT VALID
        ops = [CreateExtension(x) for x in s.extensions if d.name == "postgresql"]
        ops += [CreateEnum(e) for e in s.enums] + [CreateTable(t) for t in s.tables]
        ops += [ValidateConstraint(t.name, c.name, validated=False)
                for t in s.tables for c in (*t.checks, *t.foreign_keys) if not c.validated]
        return ";\n".join(d.render_ops(ops, Schema()))

    start = read_sql_text(create_sql(fixture), dialect)
    if dialect == "postgresql":
        assert start.normalized() == fixture.normalized()  # PostgreSQL stores the whole model
    checked = 0
    for name, ops in cases.items():
        try:
            up = d.render_ops(ops, fixture)
        except Unsupported:
            continue
        after = apply_all(ops, fixture)
        got = read_sql_text(";\n".join(up), dialect, start, filename=name).normalized()
        # what the dialect keeps of the model: the final state created from scratch
        assert got == read_sql_text(create_sql(after), dialect).normalized(), name
        if dialect == "postgresql":
            assert got == after.normalized(), name
        checked += 1
    assert checked >= len(cases) // 2
