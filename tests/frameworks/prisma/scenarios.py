"""Old/new Prisma schemas, one per construct the reader handles (the datasource block is added per provider).
``only``: the providers where the construct exists (``@db.*``, arrays, GIN indexes are PostgreSQL's)."""
from __future__ import annotations

from typing import NamedTuple

USER = """model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
%s}
"""


class Scenario(NamedTuple):
    name: str
    old: str
    new: str
    only: tuple[str, ...] = ("sqlite", "postgresql")
    settings: str = ""  # more datasource settings: relationMode
    by_hand: str = ""  # SQL a developer appended to the first migration (what Prisma does not model)
    known: str = ""  # a defect outside the Prisma package this scenario shows (strict xfail: it flips when fixed)


def user(extra: str = "") -> str:
    return USER % extra


POST = """model Post {
  id       Int    @id @default(autoincrement())
  title    String
%s}
"""

SCENARIOS = [
    Scenario("add_table", user(), user() + POST % ""),
    Scenario("drop_table", user() + POST % "", user()),
    Scenario("add_optional_column", user(), user("  bio String?\n")),
    Scenario("add_required_column_default", user(), user('  nick String @default("anon")\n')),
    Scenario("drop_column", user("  bio String?\n"), user()),
    Scenario("required_to_optional", user("  bio String\n"), user("  bio String?\n")),
    Scenario("optional_to_required_default", user("  age Int? \n"), user("  age Int @default(0)\n")),
    Scenario("add_unique", user("  nick String?\n"), user("  nick String? @unique\n")),
    Scenario("add_compound_unique", user("  a Int\n  b Int\n"), user("  a Int\n  b Int\n  @@unique([a, b])\n")),
    Scenario("add_index", user("  a Int\n"), user("  a Int\n  @@index([a, email])\n")),
    Scenario("drop_index", user("  a Int\n  @@index([a])\n"), user("  a Int\n")),
    Scenario("named_index_map", user("  a Int\n"), user('  a Int\n  @@index([a], map: "by_a")\n')),
    Scenario("column_map", user(), user('  createdOn DateTime @default(now()) @map("created_on")\n')),
    Scenario("table_map", user(), user() + POST % '  @@map("posts")\n'),
    Scenario("default_now", user(), user("  at DateTime @default(now())\n")),
    Scenario("updated_at", user(), user("  at DateTime @updatedAt\n")),
    Scenario("client_defaults", user(), user() + 'model Token {\n  id String @id @default(uuid())\n'
             '  code String @default(cuid())\n}\n'),
    Scenario("bigint_autoincrement", user(), user() + "model Event {\n  id BigInt @id @default(autoincrement())\n"
             "  payload Json?\n  blob Bytes?\n}\n"),
    Scenario("scalar_defaults", user(), user('  on Boolean @default(true)\n  score Float @default(1.5)\n'
                                            '  price Decimal @default(9.99)\n  big BigInt @default(7)\n')),
    Scenario("change_default", user('  n Int @default(1)\n'), user('  n Int @default(2)\n')),
    Scenario("compound_id", user(), user() + "model Pair {\n  a Int\n  b String\n  @@id([a, b])\n}\n"),
    Scenario("enum_add", user(), "enum Role {\n  USER\n  ADMIN\n}\n" + user("  role Role @default(USER)\n")),
    Scenario("enum_value_map", user(), 'enum Role {\n  USER @map("user")\n  ADMIN @map("admin")\n  @@map("role")\n}\n'
             + user("  role Role @default(USER)\n")),
    Scenario("relation_required", user() + POST % "",
             user("  posts Post[]\n") + POST % "  author User @relation(fields: [authorId], references: [id])\n"
             "  authorId Int\n"),
    Scenario("relation_optional_cascade", user() + POST % "",
             user("  posts Post[]\n") + POST % "  author User? @relation(fields: [authorId], references: [id], "
             "onDelete: Cascade, onUpdate: NoAction)\n  authorId Int?\n"),
    Scenario("relation_optional_default_actions", user() + POST % "",
             user("  posts Post[]\n") + POST % "  author User? @relation(fields: [authorId], references: [id])\n"
             "  authorId Int?\n  @@index([authorId])\n"),
    Scenario("relation_mode_prisma", user() + POST % "",
             user("  posts Post[]\n") + POST % "  author User @relation(fields: [authorId], references: [id])\n"
             "  authorId Int\n  @@index([authorId])\n", settings='  relationMode = "prisma"\n'),
    Scenario("implicit_many_to_many", user() + POST % "",
             user("  posts Post[]\n") + POST % "  users User[]\n"),
    Scenario("named_many_to_many", user() + POST % "",
             user('  liked Post[] @relation("Likes")\n') + POST % '  likers User[] @relation("Likes")\n'),
    Scenario("long_names", user(), user() + "model AveryveryveryveryveryveryveryverylongmodelnameforsureX {\n"
             "  id Int @id\n  anotherveryveryveryverylongcolumnname Int\n  secondveryveryveryverylongcolumnname Int\n"
             "  @@unique([anotherveryveryveryverylongcolumnname, secondveryveryveryverylongcolumnname])\n}\n"),
    Scenario("native_types", user(), user('  code String @db.VarChar(20)\n  at DateTime @db.Timestamptz(6)\n'
                                         '  ref String @default(dbgenerated("gen_random_uuid()")) @db.Uuid\n'
                                         '  d Decimal @db.Decimal(10, 2)\n  s Int @db.SmallInt\n'), ("postgresql",)),
    Scenario("varchar_widen", user("  code String @db.VarChar(20)\n"), user("  code String @db.VarChar(40)\n"),
             ("postgresql",)),
    Scenario("scalar_list", user(), user("  tags String[]\n  nums Int[] @default([])\n"), ("postgresql",)),
    Scenario("gin_index", user("  data Json\n"), user("  data Json\n  @@index([data], type: Gin)\n"), ("postgresql",)),
]
SCENARIOS += [
    Scenario("block_comment_unique_key_only", user(), "/**\n * a block comment\n */\n" + user()
             + "model Token {\n  /* inline */ identifier String\n  token String @unique\n"
             "  @@unique([identifier, token])\n}\n"),
    Scenario("check_kept", user() + "model Flag {\n  id Int @id\n}\n", user() + "model Flag {\n  id Int @id\n"
             "  on Boolean @default(false)\n}\n", ("postgresql",),
             by_hand='ALTER TABLE "Flag" ADD CONSTRAINT "flag_singleton" CHECK ("id" = 1);\n'),
]
SCENARIOS += [
    Scenario("index_name_argument", user("  a Int\n"), user('  a Int\n  @@index([a], name: "a_by_name")\n')),
]
SCENARIOS += [  # a named one-to-many beside a many-to-many between the same models: only the latter is _AToB
    Scenario("named_one_to_many_beside_many_to_many", user() + POST % "",
             user('  favorite Post? @relation("Fav", fields: [favoriteId], references: [id], onDelete: SetNull)\n'
                  '  favoriteId Int?\n  posts Post[] @relation("Readers")\n')
             + POST % '  favoredBy User[] @relation("Fav")\n  readers User[] @relation("Readers")\n'),
]
SCENARIOS += [
    Scenario("index_sort_desc", user("  at DateTime\n"), user("  at DateTime\n  @@index([email, at(sort: Desc)])\n")),
    Scenario("index_operator_classes", user("  data Json\n  tags String[]\n  k String\n"),
             user("  data Json\n  tags String[]\n  k String\n  @@index([data(ops: JsonbPathOps)], type: Gin)\n"
                  '  @@index([tags(ops: ArrayOps)], type: Gin)\n  @@index([k(ops: raw("text_pattern_ops"))])\n'),
             ("postgresql",)),
]
SCENARIOS += [  # the history appended SKIPPED; the schema lists it first: Prisma sees no reorder
    Scenario("enum_value_added_in_the_middle", "enum Status {\n  SKIPPED\n  DONE\n}\n" + user("  s Status\n"),
             "enum Status {\n  SKIPPED\n  WAITING\n  DONE\n}\n" + user("  s Status\n"), ("postgresql",),
             by_hand=""),
]
SCENARIOS += [Scenario("index_one_field_without_brackets", user("  a Int\n"), user("  a Int\n  @@index(a)\n"))]
SCENARIOS += [  # a partial unique index a developer added by hand: Prisma's differ never drops it
    Scenario("partial_index_kept", user("  a Boolean @default(false)\n"),
             user("  a Boolean @default(false)\n  b Int?\n"), ("postgresql",),
             by_hand='CREATE UNIQUE INDEX "User_a_only" ON "User"("email") WHERE "a" = TRUE;\n'),
    # the same on an expression (inbox-zero's lower("email") index): kept too
    Scenario("partial_expression_index_kept", user("  a Boolean @default(false)\n"),
             user("  a Boolean @default(false)\n  b Int?\n"), ("postgresql",),
             by_hand='CREATE INDEX "User_lower_email" ON "User"("a", lower("email")) WHERE "a" = TRUE;\n'),
]
