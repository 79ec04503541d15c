"""Every operation's reverse undoes it on the model, and describes itself."""
from __future__ import annotations

import pytest

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
    RenameColumn,
    RenameIndex,
    RenameTable,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
    ValidateConstraint,
    apply_all,
    is_widening,
    reverse_all,
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

INT, BIG, TEXT = ColumnType("integer"), ColumnType("bigint"), ColumnType("text")
V100, V200 = ColumnType("varchar", 100), ColumnType("varchar", 200)

USERS = Table(
    "users",
    columns=(Column("id", INT, nullable=False), Column("email", V100, nullable=False), Column("bio", TEXT)),
    primary_key=PrimaryKey(("id",), "users_pkey"),
    uniques=(Unique("users_email_key", ("email",)),),
    indexes=(Index("users_bio_idx", ("bio",)),),
    checks=(Check("users_email_check", "email <> ''"),),
)
POSTS = Table(
    "posts",
    columns=(Column("id", INT, nullable=False), Column("user_id", INT, nullable=False)),
    primary_key=PrimaryKey(("id",), "posts_pkey"),
    foreign_keys=(ForeignKey("posts_user_id_fkey", ("user_id",), "users", ("id",), on_delete="CASCADE"),),
)
MOOD = EnumType("mood", ("happy", "sad"))
BASE = Schema(tables=(USERS, POSTS), enums=(MOOD,), extensions=(Extension("citext"),))

CASES = [
    CreateTable(Table("tags", columns=(Column("id", INT, nullable=False),), primary_key=PrimaryKey(("id",)))),
    DropTable(POSTS),
    RenameTable("users", "members"),
    SetTableComment("users", None, "people"),
    AddColumn("users", Column("age", INT)),
    DropColumn("users", USERS.column("bio")),
    RenameColumn("users", "id", "user_id"),
    AlterColumnType("users", "email", V100, V200),
    AlterColumnNullability("users", "bio", False),
    AlterColumnDefault("users", "bio", None, Default("string", "n/a")),
    AlterColumnIdentity("users", "id", None, "always"),
    AlterColumnGenerated("users", "bio", None, Generated("LOWER(email)", stored=False)),
    SetColumnComment("users", "bio", None, "about"),
    SetPrimaryKey("users", USERS.primary_key, PrimaryKey(("id", "email"), "users_pkey")),
    AddIndex("users", Index("users_email_idx", ("email",), where="bio IS NULL")),
    DropIndex("users", USERS.indexes[0]),
    AddUnique("users", Unique("users_bio_key", ("bio",))),
    DropUnique("users", USERS.uniques[0]),
    AddForeignKey("users", ForeignKey("users_id_fkey", ("id",), "posts", ("id",))),
    DropForeignKey("posts", POSTS.foreign_keys[0]),
    AddCheck("users", Check("users_bio_check", "length(bio) < 500")),
    DropCheck("users", USERS.checks[0]),
    CreateEnum(EnumType("color", ("red",))),
    CreateExtension(Extension("pg_trgm", "ext")),
    RenameIndex("users", USERS.indexes[0], "users_by_bio"),
    AddColumn("users", Column("rank", INT), first=True),
    DropColumn("users", USERS.column("email"), after="id"),
    DropExtension(Extension("citext")),
    DropEnum(MOOD),
    AddEnumValue("mood", "ok", "sad"),
    DropEnumValue("mood", "happy", "sad"),
    # the online / zero-downtime variants (AddUnique using_index: its own test below, BASE has no unique index)
    AddIndex("users", Index("users_email_idx", ("email",)), online=True),
    DropIndex("users", USERS.indexes[0], online=True),
    AddUnique("users", Unique("users_bio_key", ("bio",)), online=True),
    DropUnique("users", USERS.uniques[0], restore_index=Index("users_email_idx", ("email",), unique=True)),
    AddCheck("users", Check("users_bio_check", "length(bio) < 500", validated=False)),
    AddForeignKey("users", ForeignKey("users_id_fkey", ("id",), "posts", ("id",), validated=False)),
    ValidateConstraint("users", "users_email_check", validated=False),
    ValidateConstraint("posts", "posts_user_id_fkey", validated=False),
]
# Data steps change rows, not the schema: apply() is the identity.
DATA_CASES = [
    Backfill("users", "bio", "email", where="id > 10", batch_size=100),
    Backfill("users", None, None, batch_size=None, undo_column="bio", undo_value="'?'", undo_where="id < 5"),
]


def test_every_operation_kind_has_a_case():
    assert {type(op) for op in CASES + DATA_CASES} == set(REGISTRY.values())


@pytest.mark.parametrize("op", CASES, ids=lambda op: op.kind)
def test_reverse_undoes_apply(op):
    after = op.apply(BASE)
    assert after.normalized() != BASE.normalized(), "the operation changes nothing"
    assert op.reverse().apply(after).normalized() == BASE.normalized()
    assert op.reverse().reverse() == op
    assert op.describe()
    d = op.to_dict()
    assert d["op"] == op.kind and d["description"] == op.describe() and isinstance(d["destructive"], bool)


def test_reverse_all_runs_backwards():
    ops = [AddColumn("users", Column("age", INT)), RenameColumn("users", "age", "years"),
           AddIndex("users", Index("users_years_idx", ("years",)))]
    new = apply_all(ops, BASE)
    assert new.table("users").indexes[-1].columns == ("years",)
    assert apply_all(reverse_all(ops), new).normalized() == BASE.normalized()


def test_rename_table_follows_foreign_keys():
    after = RenameTable("users", "members").apply(BASE)
    assert after.table("posts").foreign_keys[0].ref_table == "members"


def test_rename_column_follows_constraints_and_references():
    after = RenameColumn("users", "id", "uid").apply(BASE)
    assert after.table("users").primary_key.columns == ("uid",)
    assert after.table("posts").foreign_keys[0].ref_columns == ("uid",)


def test_rename_column_rewrites_expressions_that_name_it():
    # as the databases do: CHECKs, partial-index predicates and expression indexes follow the rename
    t = Table("t", columns=(Column("a", INT), Column("b", TEXT)),
              checks=(Check("t_check", "a > 0 AND b <> 'a'"),),
              indexes=(Index("t_idx", ("(LOWER(b))", "a"), where="a < 10"),))
    after = RenameColumn("t", "a", "order").apply(Schema((t,))).table("t")
    assert after.checks[0].expression == '"order" > 0 AND b <> \'a\''
    assert after.indexes[0].columns == ("(LOWER(b))", "order") and after.indexes[0].where == '"order" < 10'
    after = RenameColumn("t", "b", "Body").apply(Schema((t,))).table("t")
    assert after.indexes[0].columns == ('(LOWER("Body"))', "a")


@pytest.mark.parametrize("old,new,widening", [
    (V100, V200, True), (V200, V100, False), (V100, TEXT, True), (TEXT, V100, False),
    (INT, BIG, True), (BIG, INT, False),
    (ColumnType("numeric", precision=10, scale=2), ColumnType("numeric", precision=12, scale=2), True),
    (ColumnType("numeric", precision=10, scale=2), ColumnType("numeric", precision=10, scale=1), False),
    (ColumnType("numeric", precision=10, scale=2), ColumnType("numeric", precision=12, scale=4), True),
    (INT, ColumnType("numeric", precision=12, scale=0), True),
    (INT, TEXT, False), (ColumnType("timestamp"), ColumnType("timestamptz"), True),
])
def test_widening(old, new, widening):
    assert is_widening(old, new) is widening
    assert AlterColumnType("t", "c", old, new).destructive is (not widening)


def test_destructive_flags():
    assert DropTable(POSTS).destructive and DropColumn("users", USERS.column("bio")).destructive
    assert not AddColumn("users", Column("age", INT)).destructive
    assert not RenameColumn("users", "bio", "about").destructive


def test_add_unique_using_index_turns_the_index_into_the_constraint():
    index = Index("users_bio_uidx", ("bio",), unique=True)
    base = AddIndex("users", index).apply(BASE)
    op = AddUnique("users", Unique("users_bio_key", ("bio",)), using_index=index)
    after = op.apply(base).table("users")
    assert "users_bio_uidx" not in {i.name for i in after.indexes}
    assert Unique("users_bio_key", ("bio",)) in after.uniques
    assert op.reverse() == DropUnique("users", Unique("users_bio_key", ("bio",)), restore_index=index)
    assert op.reverse().apply(op.apply(base)).normalized() == base.normalized()
    assert "using index users_bio_uidx" in op.describe()


def test_validate_constraint_flips_only_the_named_constraint():
    invalid = ValidateConstraint("users", "users_email_check", validated=False).apply(BASE)
    assert invalid.table("users").checks == (Check("users_email_check", "email <> ''", validated=False),)
    assert invalid.table("posts") == BASE.table("posts")
    valid = ValidateConstraint("users", "users_email_check").apply(invalid)
    assert valid == BASE
    fk = ValidateConstraint("posts", "posts_user_id_fkey", validated=False).apply(BASE).table("posts").foreign_keys[0]
    assert fk.validated is False and fk.name == "posts_user_id_fkey"
    assert "not valid" in ValidateConstraint("users", "users_email_check", validated=False).describe()


@pytest.mark.parametrize("op", DATA_CASES, ids=lambda op: f"backfill_{op.column}")
def test_backfill_is_data_only_and_swaps_with_its_undo(op):
    assert op.apply(BASE) is BASE and op.reverse().apply(BASE) is BASE
    assert op.reverse().reverse() == op
    r = op.reverse()
    assert (r.column, r.value, r.where) == (op.undo_column, op.undo_value, op.undo_where)
    assert (r.undo_column, r.undo_value, r.undo_where) == (op.column, op.value, op.where)
    assert r.batch_size == op.batch_size
    assert op.describe() and not op.destructive
    d = op.to_dict()
    assert d["op"] == "backfill" and d["description"] == op.describe()


def test_backfill_describes_how_it_runs():
    assert "in batches of 100" in DATA_CASES[0].describe()
    assert "no data change" in DATA_CASES[1].describe()
    assert "in one statement" in DATA_CASES[1].reverse().describe()
