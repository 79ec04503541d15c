"""The YAML change list: each change kind gives the right operations, they apply and reverse back,
and every mistake is reported at its line."""
from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from mgen.changes import CHANGE_KINDS, changes_from_text, read_change_list
from mgen.errors import MgenError
from mgen.expressions import canonical_expression
from mgen.operations import (
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnNullability,
    AlterColumnType,
    CreateEnum,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    RenameColumn,
    RenameTable,
    SetColumnComment,
    SetTableComment,
    apply_all,
    reverse_all,
)
from mgen.schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from mgen.sources.yaml_lines import load_yaml_with_lines
from mgen.sources.yaml_schema import parse_schema

BASE_YAML = """
enums:
  mood: [happy, sad]
tables:
  users:
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      email: {type: varchar(255), nullable: false, unique: true}
      name: text
      mood: {type: "enum:mood"}
      legacy: {type: integer, default: 0}
    indexes:
      - {columns: [legacy], name: users_legacy_idx}
    checks:
      - {name: users_legacy_check, expression: "legacy >= 0"}
  posts:
    columns:
      id: {type: bigint, primary_key: true}
      user_id: {type: bigint, nullable: false, references: users.id, on_delete: cascade}
      title: {type: varchar(200), nullable: false}
"""


def yaml_schema(text: str) -> Schema:
    return parse_schema(load_yaml_with_lines(textwrap.dedent(text), "schema.yaml"), "schema.yaml")


BASE = yaml_schema(BASE_YAML)
USERS = BASE.table("users")
POSTS = BASE.table("posts")
TEXT = ColumnType("text")
BIGINT = ColumnType("bigint")


def ops_of(changes: str, schema: Schema = BASE, dialect: str = "postgresql"):
    return changes_from_text("changes:\n" + textwrap.dedent(changes), schema, dialect, "changes.yaml")


def columns_sorted(schema: Schema) -> Schema:
    return replace(schema, tables=tuple(replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name)))
                                        for t in schema.normalized().tables))


def assert_round_trip(ops, schema: Schema = BASE) -> Schema:
    new = apply_all(ops, schema)
    back = apply_all(reverse_all(ops), new)
    if any(isinstance(op, DropColumn) for op in ops):
        # AddColumn appends, so a dropped column comes back last (as in the database itself)
        assert columns_sorted(back) == columns_sorted(schema)
    else:
        assert back.normalized() == schema.normalized()
    return new


CASES = {
    "add_column": (
        "- add_column: {table: users, name: bio, type: text}",
        [AddColumn("users", Column("bio", TEXT))],
    ),
    "add_column not null default": (
        "- add_column: {table: users, name: active, type: boolean, nullable: false, default: true}",
        [AddColumn("users", Column("active", ColumnType("boolean"), nullable=False,
                                   default=Default("boolean", "true")))],
    ),
    "add_column default expression and comment": (
        "- add_column: {table: users, name: seen, type: timestamptz, default: {expression: NOW()}, comment: hi}",
        [AddColumn("users", Column("seen", ColumnType("timestamptz"), default=Default("expression", "CURRENT_TIMESTAMP"),
                                   comment="hi"))],
    ),
    "add_column with unique, references and check": (
        ("- add_column: {table: posts, name: editor_id, type: bigint, references: users.id, on_delete: set_null,\n"
        "               unique: true, check: 'editor_id > 0'}"),
        [AddColumn("posts", Column("editor_id", BIGINT)),
         AddUnique("posts", Unique("posts_editor_id_key", ("editor_id",))),
         AddForeignKey("posts", ForeignKey("posts_editor_id_fkey", ("editor_id",), "users", ("id",),
                                           on_delete="SET NULL")),
         AddCheck("posts", Check("posts_editor_id_check", "editor_id > 0"))],
    ),
    "add_column references a table's primary key": (
        "- add_column: {table: posts, name: reviewer_id, type: bigint, references: users}",
        [AddColumn("posts", Column("reviewer_id", BIGINT)),
         AddForeignKey("posts", ForeignKey("posts_reviewer_id_fkey", ("reviewer_id",), "users", ("id",)))],
    ),
    "add_column enum": (
        "- add_column: {table: posts, name: mood, type: 'enum:mood'}",
        [AddColumn("posts", Column("mood", ColumnType("enum", enum="mood")))],
    ),
    "drop_column drops its index and check first": (
        "- drop_column: {table: users, name: legacy}",
        [DropIndex("users", USERS.indexes[0]), DropCheck("users", USERS.checks[0]),
         DropColumn("users", USERS.column("legacy"))],
    ),
    "drop_column with a unique": (
        ("- drop_column: {table: users, name: mood}\n- drop_column: {table: users, name: legacy}\n"
        "- drop_column: {table: users, name: email}"),
        [DropColumn("users", USERS.column("mood")),
         DropIndex("users", USERS.indexes[0]), DropCheck("users", USERS.checks[0]),
         DropColumn("users", USERS.column("legacy")),
         DropUnique("users", USERS.uniques[0]), DropColumn("users", USERS.column("email"))],
    ),
    "rename_column": (
        "- rename_column: {table: users, from: name, to: full_name}",
        [RenameColumn("users", "name", "full_name")],
    ),
    "alter_column type, nullability and default": (
        "- alter_column: {table: users, name: email, type: varchar(320), nullable: true, default: a@example.com}",
        [AlterColumnType("users", "email", ColumnType("varchar", 255), ColumnType("varchar", 320)),
         AlterColumnNullability("users", "email", True),
         AlterColumnDefault("users", "email", None, Default("string", "a@example.com"))],
    ),
    "alter_column drops a default": (
        "- alter_column: {table: users, name: legacy, default: null}",
        [AlterColumnDefault("users", "legacy", Default("number", "0"), None)],
    ),
    "alter_column only what differs": (
        "- alter_column: {table: users, name: email, type: varchar(255), nullable: true}",
        [AlterColumnNullability("users", "email", True)],
    ),
    "create_table": (
        ("- create_table:\n    name: tags\n    columns:\n      id: {type: serial, primary_key: true}\n"
        "      user_id: {type: bigint, references: users, on_delete: cascade}\n      label: text\n"
        "    indexes:\n      - {columns: [label]}"),
        [CreateTable(Table(
            "tags",
            (Column("id", ColumnType("integer"), nullable=False, identity="serial"), Column("user_id", BIGINT),
             Column("label", TEXT)),
            primary_key=PrimaryKey(("id",), "tags_pkey"),
            indexes=(Index("tags_label_idx", ("label",)),),
            foreign_keys=(ForeignKey("tags_user_id_fkey", ("user_id",), "users", ("id",), on_delete="CASCADE"),)))],
    ),
    "drop_table": (
        "- drop_table: {name: posts}",
        [DropTable(POSTS)],
    ),
    "rename_table": (
        "- rename_table: {from: users, to: people}",
        [RenameTable("users", "people")],
    ),
    "add_index partial": (
        "- add_index: {table: users, columns: [name, mood], where: 'name IS NOT NULL'}",
        [AddIndex("users", Index("users_name_mood_idx", ("name", "mood"),
                                 where=canonical_expression("name IS NOT NULL", "postgresql")))],
    ),
    "add_index expression, unique, method": (
        "- add_index: {table: users, columns: ['(lower(email))'], unique: true, method: HASH, name: users_em}",
        [AddIndex("users", Index("users_em", ("(LOWER(email))",), unique=True, method="hash"))],
    ),
    "add_index expression named after its function": (
        "- add_index: {table: users, columns: ['(lower(email))']}",
        [AddIndex("users", Index("users_lower_idx", ("(LOWER(email))",)))],
    ),
    "drop_index": (
        "- drop_index: {table: users, name: users_legacy_idx}",
        [DropIndex("users", USERS.indexes[0])],
    ),
    "add_unique": (
        "- add_unique: {table: users, columns: [name, mood]}",
        [AddUnique("users", Unique("users_name_mood_key", ("name", "mood")))],
    ),
    "drop_unique": (
        "- drop_unique: {table: users, name: users_email_key}",
        [DropUnique("users", USERS.uniques[0])],
    ),
    "add_foreign_key numbered when the name is taken": (
        ("- add_foreign_key: {table: posts, columns: [user_id], references: {table: users, columns: [id]},\n"
        "                    on_delete: restrict, on_update: CASCADE}"),
        [AddForeignKey("posts", ForeignKey("posts_user_id_fkey1", ("user_id",), "users", ("id",),
                                           on_delete="RESTRICT", on_update="CASCADE"))],
    ),
    "drop_foreign_key": (
        "- drop_foreign_key: {table: posts, name: posts_user_id_fkey}",
        [DropForeignKey("posts", POSTS.foreign_keys[0])],
    ),
    "add_check named after its one column": (
        "- add_check: {table: posts, expression: 'length(title) > 0'}",
        [AddCheck("posts", Check("posts_title_check", "LENGTH(title) > 0"))],
    ),
    "add_check on two columns": (
        ("- add_check: {table: posts, expression: 'id <> user_id'}\n"
        "- add_check: {table: posts, expression: 'user_id > id'}"),
        [AddCheck("posts", Check("posts_check", "id <> user_id")),
         AddCheck("posts", Check("posts_check1", "user_id > id"))],
    ),
    "drop_check": (
        "- drop_check: {table: users, name: users_legacy_check}",
        [DropCheck("users", USERS.checks[0])],
    ),
    "create_enum": (
        "- create_enum: {name: status, values: [draft, published]}",
        [CreateEnum(EnumType("status", ("draft", "published")))],
    ),
    "create_enum, use it, drop_enum": (
        "- create_enum: {name: status, values: [draft]}\n- drop_enum: {name: status}",
        [CreateEnum(EnumType("status", ("draft",))), DropEnum(EnumType("status", ("draft",)))],
    ),
    "add_enum_value": (
        "- add_enum_value: {name: mood, value: ok, before: sad}\n- add_enum_value: {name: mood, value: great}",
        [AddEnumValue("mood", "ok", "sad"), AddEnumValue("mood", "great")],
    ),
    "set_comment on a table and a column": (
        ("- set_comment: {table: users, comment: People}\n- set_comment: {table: users, column: name, comment: Name}\n"
        "- set_comment: {table: users, comment: null}"),
        [SetTableComment("users", None, "People"), SetColumnComment("users", "name", None, "Name"),
         SetTableComment("users", "People", None)],
    ),
    "later changes see earlier ones": (
        ("- add_column: {table: users, name: bio, type: text}\n- add_index: {table: users, columns: [bio]}\n"
        "- rename_table: {from: users, to: people}\n- drop_index: {table: people, name: users_bio_idx}"),
        [AddColumn("users", Column("bio", TEXT)), AddIndex("users", Index("users_bio_idx", ("bio",))),
         RenameTable("users", "people"), DropIndex("people", Index("users_bio_idx", ("bio",)))],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_change_kind(case: str) -> None:
    changes, expected = CASES[case]
    ops = ops_of(changes)
    assert ops == expected
    assert_round_trip(ops)


def test_every_change_kind_is_covered() -> None:
    used = {kind for changes, _ in CASES.values() for kind in re.findall(r"- (\w+):", changes)}
    assert used == set(CHANGE_KINDS)


def test_walkthrough_reaches_the_expected_schema(tmp_path: Path) -> None:
    path = tmp_path / "changes.yaml"
    path.write_text(textwrap.dedent("""\
        changes:
          - add_column: {table: users, name: bio, type: text}
          - add_column: {table: users, name: active, type: boolean, nullable: false, default: true}
          - drop_column: {table: users, name: legacy}
          - rename_column: {table: users, from: name, to: full_name}
          - alter_column: {table: users, name: email, type: varchar(320), default: null}
          - create_table:
              name: comments
              columns:
                id: {type: bigint, identity: by_default, primary_key: true}
                post_id: {type: bigint, nullable: false, references: posts.id, on_delete: cascade}
                body: {type: text, nullable: false}
          - add_index: {table: comments, columns: [post_id]}
          - drop_table: {name: comments}
          - create_enum: {name: status, values: [draft, published]}
          - add_column: {table: posts, name: status, type: "enum:status", nullable: false, default: draft}
    """))
    ops = read_change_list(str(path), BASE, "postgresql")
    expected = yaml_schema("""
        enums:
          mood: [happy, sad]
          status: [draft, published]
        tables:
          users:
            columns:
              id: {type: bigint, identity: always, primary_key: true}
              email: {type: varchar(320), nullable: false, unique: true}
              full_name: text
              mood: {type: "enum:mood"}
              bio: text
              active: {type: boolean, nullable: false, default: true}
          posts:
            columns:
              id: {type: bigint, primary_key: true}
              user_id: {type: bigint, nullable: false, references: users.id, on_delete: cascade}
              title: {type: varchar(200), nullable: false}
              status: {type: "enum:status", nullable: false, default: draft}
    """)
    new = apply_all(ops, BASE)
    assert new.normalized() == expected.normalized()
    # the dropped column comes back at the end of the table: compare the rest column by column
    back = apply_all(reverse_all(ops), new)
    assert back.table("users").column_names() == ("id", "email", "name", "mood", "legacy")
    assert back.normalized() == BASE.normalized()


def test_mysql_expressions_and_capabilities() -> None:
    ops = ops_of("- add_check: {table: posts, expression: '`title` <> \"\"'}", dialect="mysql")
    assert ops == [AddCheck("posts", Check("posts_title_check", "title <> ''"))]
    assert ops_of("- add_index: {table: users, columns: [name], method: btree}", dialect="mariadb") == [
        AddIndex("users", Index("users_name_idx", ("name",)))]


def test_empty_change_list() -> None:
    assert changes_from_text("changes:\n", BASE, "postgresql") == []
    assert changes_from_text("changes: []\n", BASE, "postgresql") == []


# -- errors name their line ---------------------------------------------------------------------------
ERRORS = [
    # (change list after "changes:\n", dialect, message pattern, line)
    ("  - add_column: {table: nosuch, name: bio, type: text}", "postgresql", "unknown table 'nosuch'", 2),
    ("  - add_column:\n      table: users\n      name: email\n      type: text", "postgresql",
     "already has a column 'email'", 4),
    ("  - add_column:\n      table: users\n      name: bio\n      type: texxt", "postgresql", "texxt", 5),
    ("  - add_column:\n      table: users\n      name: bio\n      type: text\n      colour: red", "postgresql",
     "unknown key 'colour'", 6),
    ("  - add_column:\n      table: users\n      name: bio", "postgresql", "missing key 'type'", 2),
    ("  - add_column:\n      table: users\n      name: m2\n      type: 'enum:nope'", "postgresql",
     "unknown enum type 'nope'", 5),
    ("  - add_column:\n      table: posts\n      name: x\n      type: bigint\n      references: nosuch.id",
     "postgresql", "unknown table 'nosuch'", 6),
    ("  - add_column:\n      table: posts\n      name: x\n      type: bigint\n      on_delete: cascade",
     "postgresql", "need 'references'", 6),
    (("  - add_column:\n      table: posts\n      name: x\n      type: bigint\n      references: users.id\n"
     "      on_delete: explode"), "postgresql", "'on_delete' must be one of", 7),
    ("  - add_column:\n      table: posts\n      name: x\n      type: bigint\n      nullable: maybe",
     "postgresql", "nullable", 6),
    ("  - drop_column: {table: users, name: nosuch}", "postgresql", "has no column 'nosuch'", 2),
    ("  - drop_column:\n      table: users\n      name: id", "postgresql", "part of the primary key", 4),
    (("  - drop_column:\n      table: posts\n      name: user_id\n  - drop_column:\n      table: users\n"
     "      name: id"), "postgresql", "primary key", 7),
    ("  - rename_column:\n      table: users\n      from: name\n      to: email", "postgresql",
     "already has a column 'email'", 5),
    ("  - alter_column: {table: users, name: email}", "postgresql", "say what to change", 2),
    ("  - alter_column:\n      table: users\n      name: email\n      nullable: false", "postgresql",
     "changes nothing", 2),
    ("  - create_table: {name: users, columns: {id: integer}}", "postgresql", "already exists", 2),
    ("  - create_table:\n      name: t\n      columns:\n        id: integer\n        u: {type: bigint, references: nope}",
     "postgresql", "unknown table 'nope'", 6),
    ("  - create_table:\n      name: t\n      columns:\n        id: integer\n        m: 'enum:nope'",
     "postgresql", "unknown enum type 'nope'", 6),
    ("  - create_table:\n      name: t\n      columns: {}", "postgresql", "non-empty mapping", 4),
    ("  - drop_table:\n      name: users", "postgresql", "referenced by foreign key posts_user_id_fkey", 3),
    ("  - drop_table: {name: posts}\n  - add_column: {table: posts, name: x, type: text}", "postgresql",
     "unknown table 'posts'", 3),
    ("  - rename_table: {from: posts, to: users}", "postgresql", "table 'users' already exists", 2),
    ("  - add_index:\n      table: users\n      columns: [nope]", "postgresql", "has no column 'nope'", 4),
    ("  - add_index:\n      table: users\n      columns: [name]\n      where: 'name <> 1'", "mysql",
     "no partial indexes", 5),
    ("  - add_index:\n      table: users\n      columns: [name]\n      method: gin", "sqlite", "no index methods", 5),
    ("  - add_index:\n      table: users\n      columns: [name]\n      name: users_email_key", "postgresql",
     "already used", 5),
    ("  - add_index:\n      table: users\n      columns: []", "postgresql", "non-empty list", 4),
    ("  - drop_index:\n      table: users\n      name: users_email_key", "postgresql", "use drop_unique", 4),
    ("  - drop_unique:\n      table: users\n      name: users_legacy_idx", "postgresql", "use drop_index", 4),
    ("  - add_foreign_key:\n      table: posts\n      columns: [user_id, title]\n      references: users.id",
     "postgresql", "2 columns reference 1 columns", 5),
    (("  - add_foreign_key:\n      table: posts\n      columns: [user_id]\n      references: {table: users, "
     "columns: [nope]}"), "postgresql", "has no column 'nope'", 5),
    ("  - drop_foreign_key:\n      table: posts\n      name: nope", "postgresql", "no foreign key 'nope'", 4),
    ("  - add_check:\n      table: posts\n      expression: 'nope > 0'", "postgresql", "mentions 'nope'", 4),
    ("  - add_check:\n      table: posts\n      expression: 'id >'", "postgresql", "cannot parse expression", 4),
    ("  - drop_check:\n      table: posts\n      name: nope", "postgresql", "no check constraint 'nope'", 4),
    ("  - create_enum:\n      name: mood\n      values: [a]", "postgresql", "already exists", 3),
    ("  - create_enum:\n      name: e\n      values: [a, a]", "postgresql", "lists a value twice", 4),
    ("  - drop_enum:\n      name: mood", "postgresql", "used by users.mood", 3),
    ("  - add_enum_value:\n      name: mood\n      value: sad", "postgresql", "already has the value", 4),
    ("  - add_enum_value:\n      name: mood\n      value: ok\n      before: meh", "postgresql", "no value 'meh'", 5),
    ("  - add_enum_value:\n      name: nope\n      value: ok", "postgresql", "unknown enum type 'nope'", 3),
    ("  - set_comment:\n      table: users\n      comment: hi", "sqlite", "does not store comments", 2),
    ("  - set_comment:\n      table: users\n      column: nope\n      comment: hi", "postgresql",
     "no column 'nope'", 4),
    ("  - add_colum: {table: users}", "postgresql", "unknown change 'add_colum'", 2),
    ("  - {add_column: {table: users}, drop_column: {table: users}}", "postgresql", "one key", 2),
    ("  - just a string", "postgresql", "one key", 2),
    ("  - drop_table: posts", "postgresql", "expected a mapping of arguments", 2),
    ("  - drop_table: {name: posts\n", "postgresql", "invalid YAML", None),
]


@pytest.mark.parametrize("changes, dialect, message, line", ERRORS,
                         ids=[f"{i}-{e[2][:30]}" for i, e in enumerate(ERRORS)])
def test_error_names_its_line(changes: str, dialect: str, message: str, line: int | None) -> None:
    with pytest.raises(MgenError, match=re.escape(message)) as info:
        changes_from_text("changes:\n" + changes, BASE, dialect, "changes.yaml")
    assert info.value.file == "changes.yaml"
    if line is not None:
        assert info.value.line == line, info.value.one_line()


@pytest.mark.parametrize("text, message, line", [
    ("- add_column: {}\n", "a mapping with a 'changes:' list", 1),
    ("changes: []\nextra: 1\n", "unknown top-level key 'extra'", 2),
    ("changes: {add_column: {}}\n", "'changes' must be a list", 1),
])
def test_top_level_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(MgenError, match=re.escape(message)) as info:
        changes_from_text(text, BASE, "postgresql", "changes.yaml")
    assert (info.value.file, info.value.line) == ("changes.yaml", line)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MgenError, match="not found") as info:
        read_change_list(str(tmp_path / "nope.yaml"), BASE, "postgresql")
    assert info.value.file == str(tmp_path / "nope.yaml")


def test_unknown_dialect() -> None:
    with pytest.raises(MgenError, match="unknown dialect"):
        changes_from_text("changes: []\n", BASE, "oracle")
