"""Golden SQL for every operation x dialect: tests/golden/render/<dialect>/<case>.sql.

Each file holds the up statements, a ``-- down`` line, then the down statements, each ending with
``;`` (or ``-- unsupported: <why>`` when the dialect cannot express the case). Regenerate with
``MGEN_UPDATE_GOLDEN=1 pytest tests/test_render_golden.py`` and review the diff like code.

The fixture schema and the cases live here; tests/test_render_apply.py runs the same cases on real
databases.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from mgen.dialects import DIALECTS, Unsupported, get_dialect, render_migration
from mgen.operations import (
    REGISTRY,
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnGenerated,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    Backfill,
    CreateEnum,
    CreateExtension,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropEnumValue,
    DropExtension,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameIndex,
    RenameTable,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
    ValidateConstraint,
)
from mgen.schema import (
    Check,
    Column,
    ColumnType,
    Default,
    EnumType,
    Extension,
    ForeignKey,
    Generated,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)

GOLDEN = Path(__file__).parent / "golden" / "render"
UPDATE = os.environ.get("MGEN_UPDATE_GOLDEN") == "1"

BIGINT, INTEGER, TEXT = ColumnType("bigint"), ColumnType("integer"), ColumnType("text")


def varchar(n: int) -> ColumnType:
    return ColumnType("varchar", length=n)


ORDER_STATUS = EnumType("order_status", ("new", "paid", "shipped"))
PRIORITY = EnumType("priority", ("low", "high"))  # defined, used by no column

USERS = Table(
    "users",
    columns=(
        Column("id", BIGINT, nullable=False, identity="serial"),
        Column("email", varchar(255), nullable=False),
        Column("name", varchar(100)),
        Column("active", ColumnType("boolean"), nullable=False, default=Default("boolean", "true")),
        Column("settings", ColumnType("jsonb")),
        Column("created_at", ColumnType("timestamptz"), default=Default("expression", "CURRENT_TIMESTAMP")),
    ),
    primary_key=PrimaryKey(("id",), "users_pkey"),
    uniques=(Unique("users_email_key", ("email",)),),
    comment="registered users",
)
POSTS = Table(
    "posts",
    columns=(
        Column("id", INTEGER, nullable=False, identity="serial"),
        Column("user_id", BIGINT, nullable=False),
        Column("editor_id", BIGINT),
        Column("title", varchar(200), nullable=False),
        Column("body", TEXT),
        Column("score", INTEGER, default=Default("number", "0")),
    ),
    primary_key=PrimaryKey(("id",), "posts_pkey"),
    indexes=(Index("posts_user_id_idx", ("user_id",)),),
    foreign_keys=(ForeignKey("posts_user_id_fkey", ("user_id",), "users", ("id",), on_delete="CASCADE"),),
    checks=(Check("posts_score_check", "score >= 0"),),
)
# reserved words as table and column names; a foreign key with no index of its own (MySQL adds one)
ORDER = Table(
    "order",
    columns=(
        Column("id", INTEGER, nullable=False),
        Column("group", varchar(50), nullable=False),
        Column("status", ColumnType("enum", enum="order_status"), nullable=False, default=Default("string", "new")),
        Column("total", ColumnType("numeric", precision=10, scale=2), default=Default("number", "0")),
        Column("ref", varchar(36)),
        Column("user_id", BIGINT),
    ),
    primary_key=PrimaryKey(("id",), "order_pkey"),
    foreign_keys=(ForeignKey("order_user_id_fkey", ("user_id",), "users", ("id",)),),
)
USER_PROFILE = Table(
    "UserProfile",
    columns=(
        Column("user_id", BIGINT, nullable=False),
        Column("DisplayName", varchar(80)),
        Column("bio", TEXT, comment="free text, shown on the profile"),
    ),
    primary_key=PrimaryKey(("user_id",), "UserProfile_pkey"),
    foreign_keys=(ForeignKey("UserProfile_user_id_fkey", ("user_id",), "users", ("id",)),),
)
FIXTURE = Schema(tables=(USERS, POSTS, ORDER, USER_PROFILE), enums=(ORDER_STATUS, PRIORITY))

# Rows the apply test inserts: table -> (columns, rows).
ROWS: dict[str, tuple[tuple[str, ...], list[tuple]]] = {
    "users": (("id", "email", "name", "active", "settings"), [
        (1, "ada@example.com", "Ada", True, '{"theme": "dark"}'),
        (2, "bob@example.com", "Bob O'Brien", False, None),
    ]),
    "posts": (("id", "user_id", "editor_id", "title", "body", "score"), [
        (1, 1, None, "Hello", "first post", 3),
        (2, 1, 2, "Again", "second post", 0),
        (3, 2, None, "Bob's", "third", 7),
    ]),
    "order": (("id", "group", "status", "total", "ref", "user_id"), [
        (1, "books", "new", "12.50", "0b2a6f1e-5c1d-4c8e-9a52-2a4f3c0d9e11", 1),
        (2, "games", "paid", "99.99", "6f1c2d3e-4b5a-4978-8a6b-5c4d3e2f1a00", None),
    ]),
    "UserProfile": (("user_id", "DisplayName", "bio"), [
        (1, "Ada L.", "Countess"),
    ]),
}

TAGS = Table(
    "tags",
    columns=(
        Column("id", INTEGER, nullable=False, identity="always"),
        Column("label", varchar(40), nullable=False),
        Column("post_id", INTEGER),
        Column("weight", ColumnType("numeric", precision=5, scale=2), default=Default("number", "1.5")),
        Column("created_at", ColumnType("timestamp", precision=3), default=Default("expression", "CURRENT_TIMESTAMP")),
    ),
    primary_key=PrimaryKey(("id",), "tags_pkey"),
    uniques=(Unique("tags_label_key", ("label",)),),
    indexes=(Index("tags_post_id_idx", ("post_id",)),),
    foreign_keys=(ForeignKey("tags_post_id_fkey", ("post_id",), "posts", ("id",), on_delete="SET NULL"),),
    checks=(Check("tags_weight_check", "weight > 0"),),
    comment="labels on posts",
)

CENTS = Generated("CAST(total * 100 AS BIGINT)")
TOTAL_CENTS = Column("total_cents", BIGINT, generated=CENTS)
REF_INDEX = Index("order_ref_tmp_idx", ("ref",), unique=True)
TOTAL_CHECK_NOT_VALID = Check("order_total_check", "total >= 0", validated=False)
EDITOR_FKEY_NOT_VALID = ForeignKey("posts_editor_id_fkey", ("editor_id",), "users", ("id",), on_delete="SET NULL",
                                   validated=False)

# case name -> the operations, applied to FIXTURE. Names are <op_kind>[_<variant>].
CASES: dict[str, list[Operation]] = {
    "create_table": [CreateTable(TAGS)],
    "drop_table": [DropTable(USER_PROFILE)],
    "rename_table": [RenameTable("order", "purchase")],
    "set_table_comment": [SetTableComment("users", "registered users", "people's accounts")],
    "set_table_comment_drop": [SetTableComment("users", "registered users", None)],
    "add_column": [AddColumn("users", Column("nickname", varchar(40)))],
    "add_column_not_null_default": [
        AddColumn("posts", Column("views", INTEGER, nullable=False, default=Default("number", "0")))],
    "add_column_expression_default": [
        AddColumn("posts", Column("published_at", ColumnType("timestamptz"),
                                  default=Default("expression", "CURRENT_TIMESTAMP")))],
    "drop_column": [DropColumn("users", USERS.column("name"))],
    # the check goes first (as the differ orders it); SQLite rebuilds posts once for both
    "drop_column_checked": [DropCheck("posts", POSTS.checks[0]), DropColumn("posts", POSTS.column("score"))],
    "rename_column": [RenameColumn("order", "group", "category")],
    "rename_column_mixed_case": [RenameColumn("UserProfile", "DisplayName", "display_name")],
    "alter_column_type_widen": [AlterColumnType("posts", "title", varchar(200), varchar(500))],
    "alter_column_type_int_bigint": [AlterColumnType("posts", "score", INTEGER, BIGINT)],
    "alter_column_type_numeric": [AlterColumnType(
        "order", "total", ColumnType("numeric", precision=10, scale=2), ColumnType("numeric", precision=12, scale=2))],
    "alter_column_type_uuid": [AlterColumnType("order", "ref", varchar(36), ColumnType("uuid"))],
    "alter_column_type_enum_to_text": [AlterColumnType("order", "status", ColumnType("enum", enum="order_status"), TEXT)],
    "alter_column_nullability": [AlterColumnNullability("users", "name", False)],
    "alter_column_nullability_drop": [AlterColumnNullability("posts", "title", True)],
    "alter_column_default": [
        AlterColumnDefault("posts", "score", Default("number", "0"), Default("number", "10"))],
    "alter_column_default_string": [AlterColumnDefault("users", "name", None, Default("string", "anonymous"))],
    "alter_column_default_drop_expression": [
        AlterColumnDefault("users", "created_at", Default("expression", "CURRENT_TIMESTAMP"), None)],
    "alter_column_identity_drop_serial": [AlterColumnIdentity("posts", "id", "serial", None)],
    "alter_column_identity_add": [AlterColumnIdentity("order", "id", None, "by_default")],
    # generated columns: STORED (the only kind PostgreSQL 15 has), a new expression, back to a plain column
    "add_column_generated": [AddColumn("order", TOTAL_CENTS)],
    "alter_column_generated": [AddColumn("order", TOTAL_CENTS),
                               AlterColumnGenerated("order", "total_cents", CENTS, Generated("CAST(total * 1000 AS BIGINT)"))],
    "alter_column_generated_to_plain": [AddColumn("order", TOTAL_CENTS),
                                        AlterColumnGenerated("order", "total_cents", CENTS, None)],
    # several column changes on one table: SQLite rebuilds it once
    "alter_column_several": [
        AlterColumnType("posts", "title", varchar(200), varchar(300)),
        AlterColumnNullability("posts", "body", False),
        AlterColumnDefault("posts", "score", Default("number", "0"), Default("number", "1")),
    ],
    "set_column_comment": [SetColumnComment("users", "email", None, "login, unique")],
    "set_primary_key": [SetPrimaryKey("order", PrimaryKey(("id",), "order_pkey"), PrimaryKey(("id", "group"), "order_pkey"))],
    "add_index": [AddIndex("users", Index("users_created_at_idx", ("created_at",)))],
    "add_index_unique_expression": [
        AddIndex("users", Index("users_lower_email_idx", ("(LOWER(email))",), unique=True))],
    "add_index_partial": [AddIndex("posts", Index("posts_scored_idx", ("user_id",), where="score > 0"))],
    "add_index_gin": [AddIndex("users", Index("users_settings_idx", ("settings",), method="gin"))],
    # the index is the one posts_user_id_fkey relies on (MySQL keeps one for the key)
    "drop_index": [DropIndex("posts", POSTS.indexes[0])],
    "add_unique": [AddUnique("order", Unique("order_ref_key", ("ref",)))],
    "drop_unique": [DropUnique("users", USERS.uniques[0])],
    "add_foreign_key": [AddForeignKey("posts", ForeignKey(
        "posts_editor_id_fkey", ("editor_id",), "users", ("id",), on_delete="SET NULL", on_update="CASCADE"))],
    "drop_foreign_key": [DropForeignKey("order", ORDER.foreign_keys[0])],
    "drop_foreign_key_indexed": [DropForeignKey("posts", POSTS.foreign_keys[0])],
    "add_check": [AddCheck("order", Check("order_total_check", "total >= 0"))],
    "drop_check": [DropCheck("posts", POSTS.checks[0])],
    "create_enum": [CreateEnum(EnumType("mood", ("happy", "it's ok")))],
    "drop_enum": [DropEnum(PRIORITY)],
    "add_enum_value": [AddEnumValue("order_status", "cancelled")],
    "add_enum_value_before": [AddEnumValue("order_status", "pending", before="paid")],
    "drop_enum_value": [DropEnumValue("order_status", "shipped")],
    # PostgreSQL extensions (issue #14): created before what uses them, IF NOT EXISTS; no other dialect has one
    "create_extension": [CreateExtension(Extension("pg_trgm")), CreateExtension(Extension("hstore", "ext"))],
    "drop_extension": [DropExtension(Extension("citext"))],
    # index details (issue #14): operator class, sort order and NULLS, INCLUDE; MySQL prefix lengths
    "add_index_details": [AddIndex("users", Index("users_name_idx", ("name", "(LOWER(email))", "created_at"),
                                                  ops=(("name", "text_pattern_ops"), ("(LOWER(email))", "text_ops")),
                                                  orders=(("created_at", "DESC NULLS LAST"),),
                                                  include=("id",)))],
    # MySQL places a column (issue #14); the others add it at the end and refuse a place
    "add_column_placed": [AddColumn("users", Column("nickname", varchar(50)), after="email"),
                          AddColumn("users", Column("rank", INTEGER), first=True)],
    # PostgreSQL's DEFERRABLE and MATCH FULL foreign keys (issue #14); refused by name elsewhere
    "add_foreign_key_deferrable": [AddForeignKey("posts", ForeignKey(
        "posts_editor_id_fkey", ("editor_id",), "users", ("id",), on_update="CASCADE",
        deferrable="DEFERRABLE INITIALLY DEFERRED", match_full=True))],
    "rename_index": [RenameIndex("posts", POSTS.indexes[0], "posts_by_author")],
    "add_index_desc_prefix": [AddIndex("users", Index("users_email_idx", ("email", "created_at"),
                                                      orders=(("created_at", "DESC"),), prefixes=(("email", 10),)))],
    # online (non-blocking) index changes: PostgreSQL CONCURRENTLY, MySQL ALGORITHM=INPLACE, LOCK=NONE
    "add_index_online": [AddIndex("users", Index("users_created_at_idx", ("created_at",)), online=True)],
    "drop_index_online": [DropIndex("posts", POSTS.indexes[0], online=True)],
    "add_unique_online": [AddUnique("order", Unique("order_ref_key", ("ref",)), online=True)],
    # PostgreSQL's zero-downtime unique: an index built concurrently becomes the constraint (and takes
    # its name); the down drops the constraint and builds the index again under its own name
    "add_unique_using_index": [AddIndex("order", REF_INDEX, online=True),
                               AddUnique("order", Unique("order_ref_key", ("ref",)), using_index=REF_INDEX)],
    "drop_unique_restore_index": [
        DropUnique("users", USERS.uniques[0], restore_index=Index("users_email_idx", ("email",), unique=True))],
    # NOT VALID: enforced for new rows at once, existing rows checked later by VALIDATE CONSTRAINT
    "add_check_not_valid": [AddCheck("order", TOTAL_CHECK_NOT_VALID)],
    "add_foreign_key_not_valid": [AddForeignKey("posts", EDITOR_FKEY_NOT_VALID)],
    "validate_constraint": [AddCheck("order", TOTAL_CHECK_NOT_VALID), ValidateConstraint("order", "order_total_check")],
    "validate_constraint_foreign_key": [AddForeignKey("posts", EDITOR_FKEY_NOT_VALID),
                                        ValidateConstraint("posts", "posts_editor_id_fkey")],
    # the inverse: there is no "invalidate", the constraint is dropped and added again NOT VALID
    "validate_constraint_undo": [ValidateConstraint("posts", "posts_score_check", validated=False)],
    # data steps: only rows still NULL are written; batched ones walk the primary key
    "backfill": [Backfill("posts", "editor_id", "user_id", where="score > 0")],
    "backfill_reserved_words": [Backfill("order", "user_id", "id", where='"group" <> \'books\'', batch_size=1)],
    "backfill_one_statement": [Backfill("users", "settings", "'{}'", batch_size=None)],
    # expand: a new column filled from others, with a cast (MySQL casts to CHAR, not TEXT)
    "backfill_cast": [AddColumn("order", Column("label", TEXT)),
                      Backfill("order", "label", "CAST(id AS TEXT) || '-' || \"group\"", batch_size=10)],
    # contract: nothing to fill on the way up; the down brings the dropped column back and refills it
    "backfill_undo": [Backfill("users", None, None, batch_size=None, undo_column="name", undo_value="email"),
                      DropColumn("users", USERS.column("name"))],
}


def render_case(dialect: str, ops: list[Operation]) -> str:
    """The golden text of one case."""
    try:
        up, down = render_migration(ops, FIXTURE, get_dialect(dialect))
    except Unsupported as e:
        return f"-- unsupported: {e.message}\n"
    lines = [s + ";" for s in up] + ["-- down"] + [s + ";" for s in down]
    return "\n".join(lines) + "\n"


def fixture_statements(dialect: str) -> list[str]:
    """The fixture schema built with the dialect's own CreateEnum/CreateTable renderers."""
    d = get_dialect(dialect)
    ops = [CreateEnum(e) for e in FIXTURE.enums] + [CreateTable(t) for t in FIXTURE.tables]
    return d.render_ops(ops, Schema())


def test_every_operation_has_a_case():
    covered = {op.kind for ops in CASES.values() for op in ops}
    assert covered == set(REGISTRY)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_operation_has_a_renderer(dialect):
    renderers = get_dialect(dialect)._renderers
    assert {t.kind for t in renderers} == set(REGISTRY)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(dialect, case):
    path = GOLDEN / dialect / f"{case}.sql"
    text = render_case(dialect, CASES[case])
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing golden {path}; run with MGEN_UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{path} differs; review and regenerate with MGEN_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_golden_fixture(dialect):
    """The fixture schema's own CREATE statements are golden too."""
    path = GOLDEN / dialect / "_fixture.sql"
    text = "\n".join(s + ";" for s in fixture_statements(dialect)) + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


# -- properties the goldens rely on, stated once ------------------------------------------------
@pytest.mark.parametrize("dialect, expected", [
    ("postgresql", ['"order"', '"user"', "users", '"UserProfile"', '"a""b"', '"1st"', "x_1"]),
    ("mysql", ["`order`", "user", "users", "`UserProfile`", '`a"b`', "`1st`", "x_1"]),
    ("sqlite", ['"order"', "user", "users", '"UserProfile"', '"a""b"', '"1st"', "x_1"]),
])
def test_quote_only_where_needed(dialect, expected):
    d = get_dialect(dialect)
    assert [d.quote(n) for n in ("order", "user", "users", "UserProfile", 'a"b', "1st", "x_1")] == expected
    assert d.quote("we`ird") == ("`we``ird`" if dialect == "mysql" else '"we`ird"')


def test_mysql_literal_escapes_backslash():
    assert get_dialect("mysql").literal("a\\b'c") == "'a\\\\b''c'"
    assert get_dialect("postgresql").literal("a\\b'c") == "'a\\b''c'"


def test_sqlite_coalesces_consecutive_rebuilds_of_one_table():
    up = get_dialect("sqlite").render_ops(CASES["alter_column_several"], FIXTURE)
    assert sum(s.startswith('CREATE TABLE new__posts') for s in up) == 1


def test_sqlite_rebuilds_each_table_separately():
    ops = [AlterColumnNullability("posts", "body", False), AlterColumnNullability("users", "name", False),
           AlterColumnNullability("posts", "title", True)]
    up = get_dialect("sqlite").render_ops(ops, FIXTURE)
    assert [s.split()[2] for s in up if s.startswith("CREATE TABLE")] == ["new__posts", "new__users", "new__posts"]


def test_sqlite_native_add_and_drop_column():
    d = get_dialect("sqlite")
    assert d.render_ops(CASES["add_column"], FIXTURE) == ["ALTER TABLE users ADD COLUMN nickname VARCHAR(40)"]
    assert d.render_ops(CASES["drop_column"], FIXTURE) == ["ALTER TABLE users DROP COLUMN name"]


def test_sqlite_identity_outside_integer_primary_key_is_unsupported():
    table = Table("t", columns=(Column("id", INTEGER, identity="serial"), Column("x", TEXT)),
                  primary_key=PrimaryKey(("x",), "t_pkey"))
    with pytest.raises(Unsupported, match="single-column INTEGER PRIMARY KEY"):
        get_dialect("sqlite").render_ops([CreateTable(table)], Schema())


def test_mysql_undefined_enum_is_a_clean_error():
    from mgen.errors import MgenError

    table = Table("t", columns=(Column("s", ColumnType("enum", enum="nope")),))
    with pytest.raises(MgenError, match="'nope'"):
        get_dialect("mysql").render_ops([CreateTable(table)], Schema())


# -- what a dialect cannot express is refused, never rendered as something else ------------------
REFUSED = [
    # (dialect, operations, what the message names)
    ("mysql", CASES["add_unique_using_index"][1:], "USING INDEX is PostgreSQL's"),
    ("sqlite", CASES["add_unique_using_index"][1:], "USING INDEX is PostgreSQL's"),
    ("mysql", CASES["drop_unique_restore_index"], "keep its index users_email_idx"),
    ("mysql", CASES["add_check_not_valid"], "cannot add check order_total_check NOT VALID"),
    ("sqlite", CASES["add_check_not_valid"], "cannot add check order_total_check NOT VALID"),
    ("mysql", CASES["add_foreign_key_not_valid"], "cannot add foreign key posts_editor_id_fkey NOT VALID"),
    ("sqlite", CASES["add_foreign_key_not_valid"], "cannot add foreign key posts_editor_id_fkey NOT VALID"),
    ("mysql", [ValidateConstraint("posts", "posts_score_check")], "no NOT VALID constraints"),
    ("sqlite", [ValidateConstraint("posts", "posts_score_check")], "no NOT VALID constraints"),
]


@pytest.mark.parametrize("dialect, ops, message", REFUSED, ids=[f"{d}-{ops[0].kind}" for d, ops, _ in REFUSED])
def test_inexpressible_options_are_unsupported(dialect, ops, message):
    schema = FIXTURE
    if isinstance(ops[0], AddUnique):  # the index to attach exists (built by the case's first step)
        schema = CASES["add_unique_using_index"][0].apply(FIXTURE)
    with pytest.raises(Unsupported) as info:
        get_dialect(dialect).render_ops(ops, schema)
    assert message in info.value.message


def test_sqlite_refuses_not_valid_even_inside_a_rebuild_group():
    """A NOT VALID check next to another change of the same table is still refused (the rebuild that
    carries both would check every row)."""
    ops = [AlterColumnNullability("order", "ref", False), AddCheck("order", TOTAL_CHECK_NOT_VALID)]
    with pytest.raises(Unsupported, match="NOT VALID"):
        get_dialect("sqlite").render_ops(ops, FIXTURE)


@pytest.mark.parametrize("case, expected", [
    ("add_index_online", {"postgresql": [True], "mysql": [False], "sqlite": [False]}),
    ("drop_index_online", {"postgresql": [True], "mysql": [False], "sqlite": [False]}),
    ("add_index", {"postgresql": [False], "mysql": [False], "sqlite": [False]}),
    ("add_unique_using_index", {"postgresql": [True, False], "mysql": [False, False], "sqlite": [False, False]}),
    ("validate_constraint", {"postgresql": [False, False], "mysql": [False, False], "sqlite": [False, False]}),
    ("backfill", {"postgresql": [True], "mysql": [False], "sqlite": [False]}),
    ("backfill_one_statement", {"postgresql": [False], "mysql": [False], "sqlite": [False]}),
    ("backfill_undo", {"postgresql": [False, False], "mysql": [False, False], "sqlite": [False, False]}),
])
def test_outside_transaction(case, expected):
    """Only PostgreSQL's CONCURRENTLY and its batch-committing DO block cannot run in a transaction."""
    for dialect, flags in expected.items():
        assert [get_dialect(dialect).outside_transaction(op) for op in CASES[case]] == flags, dialect
