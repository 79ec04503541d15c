"""The YAML desired-state schema (mgen.sources.yaml_schema) and the line-keeping loader."""
from __future__ import annotations

from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    ForeignKey,
    Index,
    PrimaryKey,
    Unique,
)
from mgen.sources.sql import read_sql_text
from mgen.sources.yaml_lines import LineDict, line_of, load_yaml_with_lines
from mgen.sources.yaml_schema import parse_column, parse_table, parse_type_spec, read_yaml_schema

FIXTURES = Path(__file__).parent / "fixtures" / "yaml"
HERE = ("x.yaml", 1)


def write(tmp_path, text: str) -> str:
    p = tmp_path / "schema.yaml"
    p.write_text(text)
    return str(p)


# -- the loader ----------------------------------------------------------------------------------
def test_loader_records_lines_of_mappings_keys_and_items():
    data = load_yaml_with_lines("a: 1\nb:\n  c: 2\n  d: [x, y]\nlist:\n  - k: 1\n  - k: 2\n", "f.yaml")
    assert isinstance(data, LineDict) and isinstance(data["b"], LineDict)
    assert (line_of(data), line_of(data, "b"), line_of(data["b"], "d")) == (1, 2, 4)
    assert [line_of(item) for item in data["list"]] == [6, 7]
    assert line_of(data["list"], 1) == 7
    assert line_of(data, "missing") == 1 and line_of("scalar") is None


@pytest.mark.parametrize("text,line,message", [
    ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
    ("a: [1, 2\nb: 3\n", 2, "invalid YAML"),
    ("a:\n  - x\n y: 1\n", 3, "invalid YAML"),
])
def test_loader_errors_have_lines(text, line, message):
    with pytest.raises(MgenError) as e:
        load_yaml_with_lines(text, "f.yaml")
    assert message in e.value.message and (e.value.file, e.value.line) == ("f.yaml", line)


# -- types and columns -----------------------------------------------------------------------------
@pytest.mark.parametrize("spec,expected", [
    ("varchar(255)", ColumnType("varchar", length=255)),
    ("numeric(10,2)", ColumnType("numeric", precision=10, scale=2)),
    ("timestamptz", ColumnType("timestamptz")),
    ("timestamp(3)", ColumnType("timestamp", precision=3)),
    ("double", ColumnType("double")),
    ("binary(16)", ColumnType("binary", length=16)),
    ("enum:mood", ColumnType("enum", enum="mood")),
    ("serial", ColumnType("integer")),
    ("BIGINT", ColumnType("bigint")),
])
def test_parse_type_spec(spec, expected):
    assert parse_type_spec(spec, HERE) == expected


@pytest.mark.parametrize("spec", ["citxt", "enum:", "", "enum('a')"])
def test_bad_type_spec(spec):
    with pytest.raises(MgenError) as e:
        parse_type_spec(spec, ("x.yaml", 7))
    assert e.value.line == 7


@pytest.mark.parametrize("d,expected", [
    ("text", Column("c", ColumnType("text"))),
    ({"type": "bigserial"}, Column("c", ColumnType("bigint"), nullable=False, identity="serial")),
    ({"type": "integer", "identity": "by default"}, Column("c", ColumnType("integer"), nullable=False,
                                                           identity="by_default")),
    ({"type": "boolean", "nullable": False, "default": False},
     Column("c", ColumnType("boolean"), nullable=False, default=Default("boolean", "false"))),
    ({"type": "integer", "default": "5"}, Column("c", ColumnType("integer"), default=Default("number", "5"))),
    ({"type": "numeric", "default": 1.50}, Column("c", ColumnType("numeric"), default=Default("number", "1.5"))),
    ({"type": "text", "default": "it's"}, Column("c", ColumnType("text"), default=Default("string", "it's"))),
    ({"type": "text", "default": None}, Column("c", ColumnType("text"))),
    ({"type": "timestamptz", "default": {"expression": "now()"}},
     Column("c", ColumnType("timestamptz"), default=Default("expression", "CURRENT_TIMESTAMP"))),
    ({"type": "text", "comment": "hi"}, Column("c", ColumnType("text"), comment="hi")),
])
def test_parse_column(d, expected):
    assert parse_column(d, HERE, "c") == expected


def test_parse_column_takes_name_from_mapping():
    assert parse_column({"name": "x", "type": "int"}, HERE).name == "x"


def test_parse_table_standalone():
    t = parse_table({"name": "t", "columns": {"a": "int", "b": {"type": "int", "unique": "t_b_uq"}},
                     "primary_key": {"columns": ["a"], "name": "t_pk"}}, HERE)
    assert (t.primary_key, t.uniques) == (PrimaryKey(("a",), "t_pk"), (Unique("t_b_uq", ("b",)),))


# -- the example file ------------------------------------------------------------------------------
def test_example_file():
    s = read_yaml_schema(str(FIXTURES / "shop.yaml"))
    users = s.table("users")
    assert s.enums == (EnumType("mood", ("happy", "sad")),)
    assert users.column_names() == ("id", "email", "bio", "active", "created_at", "mood", "score")
    assert users.column("id") == Column("id", ColumnType("bigint"), nullable=False, identity="always")
    assert users.column("mood").type == ColumnType("enum", enum="mood")
    assert users.comment == "People who sign in"
    assert users.uniques == (Unique("users_email_key", ("email",)),)
    assert users.indexes == (
        Index("users_email_idx", ("email",), unique=True),
        Index("users_created_at_idx", ("created_at",), where="active"),
        Index("users_lower_idx", ("(LOWER(email))",)),
    )
    assert users.checks == (Check("users_score_check", "score >= 0"), Check("users_email_check", "email <> ''"))
    posts = s.table("posts")
    assert posts.column("id") == Column("id", ColumnType("integer"), nullable=False, identity="serial")
    assert posts.column("Order").comment == "a mixed-case name"
    assert posts.foreign_keys == (ForeignKey("posts_user_id_fkey", ("user_id",), "users", ("id",),
                                             on_delete="CASCADE"),)
    assert posts.uniques == (Unique("posts_user_id_title_key", ("user_id", "title")),)
    tags = s.table("post_tags")
    assert tags.primary_key == PrimaryKey(("post_id", "tag"), "post_tags_pkey")
    assert [c.nullable for c in tags.columns] == [False, False]
    assert tags.foreign_keys[0].ref_columns == ("id",)  # references: posts -> its primary key


def test_yaml_and_sql_of_the_same_schema_agree():
    yaml_schema = read_yaml_schema(str(FIXTURES / "shop.yaml"))
    sql_schema = read_sql_text("""
        CREATE TYPE mood AS ENUM ('happy', 'sad');
        CREATE TABLE users (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          email varchar(255) NOT NULL UNIQUE,
          bio text,
          active boolean NOT NULL DEFAULT true,
          created_at timestamptz NOT NULL DEFAULT now(),
          mood mood DEFAULT 'happy',
          score numeric(10,2) DEFAULT 0.50 CHECK (score >= 0),
          CONSTRAINT users_email_check CHECK (email <> '')
        );
        COMMENT ON TABLE users IS 'People who sign in';
        CREATE UNIQUE INDEX users_email_idx ON users (email);
        CREATE INDEX ON users (created_at) WHERE active;
        CREATE INDEX ON users (lower(email));
        CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
          title varchar(200) NOT NULL, "Order" integer DEFAULT 0, UNIQUE (user_id, title));
        COMMENT ON COLUMN posts."Order" IS 'a mixed-case name';
        CREATE TABLE post_tags (post_id integer REFERENCES posts ON DELETE CASCADE, tag varchar(40),
          PRIMARY KEY (post_id, tag));
    """, "postgresql")
    assert yaml_schema.normalized() == sql_schema.normalized()


def test_empty_file_is_an_empty_schema(tmp_path):
    assert read_yaml_schema(write(tmp_path, "")).tables == ()


# -- every error names the file and line -----------------------------------------------------------
ERRORS = [
    ("tables:\n  t:\n    columns:\n      a: {type: int, nulable: true}\n", 4, "unknown key 'nulable'"),
    ("tables:\n  t:\n    columns:\n      a: citxt\n", 4, "unknown type 'citxt'"),
    ("tables:\n  t:\n    columns:\n      a: {nullable: true}\n", 4, "needs a type"),
    ("tables:\n  t:\n    colums: {}\n", 3, "unknown key 'colums'"),
    ("tables:\n  t:\n    comment: x\n", 2, "needs at least one column"),
    ("tables:\n  t:\n    columns:\n      a: int\n      a: text\n", 5, "duplicate key 'a'"),
    ("tables:\n  t:\n    columns:\n      a: {type: int, references: nope.id}\n", 4, "unknown table 'nope'"),
    ("tables:\n  t:\n    columns:\n      a: {type: int, references: t.nope}\n", 4, "unknown column t.nope"),
    ("tables:\n  t:\n    columns:\n      a: {type: int, references: t}\n", 4, "has no primary key"),
    ("tables:\n  t:\n    columns:\n      a: int\n    indexes:\n      - {columns: [b]}\n", 6, "no column 'b'"),
    ("tables:\n  t:\n    columns:\n      a: int\n    indexes:\n      - {columns: [a], name: x}\n"
     + "      - {columns: [a], name: x}\n", 7, "duplicate constraint or index name 'x'"),
    ("tables:\n  t:\n    columns:\n      a: {type: 'enum:mood'}\n", 4, "not declared under 'enums'"),
    ("tables:\n  t:\n    columns:\n      a: {type: int, identity: sometimes}\n", 4, "identity must be one of"),
    ("tables:\n  t:\n    columns:\n      a: {type: int, references: t.a, on_delete: explode}\n", 4,
     "on_delete must be one of"),
    ("tables:\n  t:\n    columns:\n      a: int\n    checks:\n      - {expression: 'a >'}\n", 6, "cannot parse"),
    ("tables:\n  t:\n    columns:\n      a: int\n    checks:\n      - {expression: 'b > 0'}\n", 6, "unknown column 'b'"),
    ("tables:\n  t:\n    columns:\n      a: {type: int, nullable: maybe}\n", 4, "nullable must be true or false"),
    ("enums:\n  mood: []\ntables: {}\n", 2, "needs at least one value"),
    ("enums:\n  mood: [a, a]\n", 2, "repeats a value"),
    ("views: {}\n", 1, "unknown key 'views'"),
    ("- a\n- b\n", 1, "must be a mapping"),
    ("tables:\n  t:\n    columns:\n      a: int\n    primary_key: [a]\n    uniques:\n      - {columns: a, nam: x}\n",
     7, "unknown key 'nam'"),
]


@pytest.mark.parametrize("text,line,message", ERRORS, ids=[m for _, _, m in ERRORS])
def test_errors_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(MgenError) as e:
        read_yaml_schema(path)
    assert message in e.value.message
    assert (e.value.file, e.value.line) == (path, line)


def test_missing_file(tmp_path):
    with pytest.raises(MgenError, match="cannot read"):
        read_yaml_schema(str(tmp_path / "nope.yaml"))
