"""Schema changes for the Drizzle oracle: each an old and a new ``src/schema.ts`` (the same imports above both).
None makes drizzle-kit ask about a rename (a column or table both dropped and added in one change)."""
from __future__ import annotations

from dataclasses import dataclass

HEADER = ('import { pgTable, pgEnum, serial, bigserial, integer, smallint, bigint, text, varchar, char, boolean, '
          'timestamp, date, uuid, jsonb, json, numeric, real, doublePrecision, index, uniqueIndex, unique, '
          'primaryKey, foreignKey, check } from "drizzle-orm/pg-core";\nimport type { AnyPgColumn } from "drizzle-orm/pg-core";\nimport { sql } from "drizzle-orm";\n\n')

USERS = '''export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull().unique(),%s
}%s);
'''


@dataclass(frozen=True)
class Scenario:
    name: str
    old: str
    new: str


def users(extra: str = "", third: str = "") -> str:
    return USERS % (extra, third)


POSTS = '''export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  title: text("title").notNull(),
});
'''

SCENARIOS = [
    Scenario("add_nullable_column", users(), users('\n  bio: text("bio"),')),
    Scenario("add_not_null_with_default", users(), users('\n  active: boolean("active").notNull().default(true),')),
    Scenario("add_named_index", users('\n  name: text("name"),'),
             users('\n  name: text("name"),', ', (t) => [index("users_name_idx").on(t.name)]')),
    Scenario("create_table_with_cascading_fk", users(), users() + POSTS),
    Scenario("drop_table", users() + POSTS, users()),
    Scenario("drop_column", users('\n  bio: text("bio"),\n  age: integer("age"),'), users('\n  bio: text("bio"),')),
    Scenario("new_enum_and_column", users(),
             'export const mood = pgEnum("mood", ["sad", "ok", "happy"]);\n'
             + users('\n  mood: mood("mood").default("ok").notNull(),\n  moods: mood("moods").array(),')),
    Scenario("enum_value_appended", 'export const mood = pgEnum("mood", ["sad", "ok"]);\n' + users('\n  mood: mood("mood"),'),
             'export const mood = pgEnum("mood", ["sad", "ok", "happy"]);\n' + users('\n  mood: mood("mood"),')),
    Scenario("unnamed_unique_index_two_columns", users('\n  a: integer("a"),\n  b: text("b"),'),
             users('\n  a: integer("a"),\n  b: text("b"),', ', (t) => [uniqueIndex().on(t.a, t.b)]')),
    Scenario("composite_primary_key_table", users(), users() + '''export const members = pgTable("members", {
  userId: integer("user_id").notNull(),
  groupId: integer("group_id").notNull(),
  role: varchar("role", { length: 20 }).default("member").notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.groupId] })]);
'''),
    Scenario("type_changes", users('\n  n: integer("n"),\n  s: varchar("s", { length: 100 }),'),
             users('\n  n: bigint("n", { mode: "number" }),\n  s: varchar("s", { length: 255 }),')),
    Scenario("default_and_nullability_changes", users('\n  s: text("s").default("a").notNull(),\n  k: integer("k"),'),
             users('\n  s: text("s").default("b"),\n  k: integer("k").default(7).notNull(),')),
    Scenario("defaults_of_each_kind", users(), users('''
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
  seen: timestamp("seen", { precision: 3 }),
  token: uuid("token").defaultRandom(),
  meta: jsonb("meta").default({}),
  score: numeric("score", { precision: 10, scale: 2 }).default("0.00"),
  ratio: doublePrecision("ratio").default(0.5),
  r: real("r"),
  born: date("born"),
  tags: text("tags").array(),
  n: integer("n").default(sql`42`),''')),
    Scenario("foreign_key_builder_and_index", users() + POSTS, users() + '''export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  title: text("title").notNull(),
  editor: integer("editor"),
}, (t) => [foreignKey({ columns: [t.editor], foreignColumns: [users.id] }).onDelete("set null"),
  index("posts_user_title_idx").on(t.userId, t.title)]);
'''),
    Scenario("check_and_unique_constraints", users('\n  age: integer("age"),\n  code: char("code", { length: 3 }),'),
             users('\n  age: integer("age"),\n  code: char("code", { length: 3 }).unique("users_code_key"),',
                   ', (t) => [check("age_positive", sql`${t.age} > 0`), unique().on(t.age, t.code)]')),
    Scenario("column_keys_as_names_and_spread", users(),
             'const timestamps = {\n  updatedAt: timestamp().defaultNow(),\n};\n'
             + users() + '''export const notes = pgTable("notes", {
  id: bigserial({ mode: "number" }).primaryKey(),
  body: text().notNull(),
  small: smallint(),
  ...timestamps,
}, (t) => [index().using("btree", t.body)]);
'''),
    Scenario("drop_index", users('\n  name: text("name"),', ', (t) => [index("users_name_idx").on(t.name)]'),
             users('\n  name: text("name"),')),
    Scenario("foreign_key_action_changed", users() + POSTS, users() + POSTS.replace('"cascade"', '"set null"')
             .replace('.notNull().references', '.references')),
    Scenario("gin_index_on_jsonb", users('\n  meta: jsonb("meta"),'),
             users('\n  meta: jsonb("meta"),', ', (t) => [index("users_meta_gin").using("gin", t.meta)]')),
    Scenario("unique_and_not_null_dropped", users('\n  nick: text("nick").notNull().unique(),'),
             users('\n  nick: text("nick"),')),
    Scenario("self_referencing_foreign_keys", users(), users() + '''export const categories = pgTable("categories", {
  id: integer("id").primaryKey(),
  parentId: integer("parent_id").references((): AnyPgColumn => categories.id, { onDelete: "set null" }),
  movedTo: integer("moved_to"),
}, (t) => [foreignKey({ columns: [t.movedTo], foreignColumns: [t.id], name: "categories_moved_fk" })]);
'''),
]

SQLITE_HEADER = ('import { sqliteTable, integer, text, real, blob, numeric, index, uniqueIndex, primaryKey, foreignKey '
                 '} from "drizzle-orm/sqlite-core";\nimport { sql } from "drizzle-orm";\n\n')

SQLITE_USERS = '''export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),%s
}%s);
'''


def sqlite_users(extra: str = "", third: str = "") -> str:
    return SQLITE_USERS % (extra, third)


SQLITE_POSTS = '''export const posts = sqliteTable("posts", {
  id: integer("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  title: text("title").notNull(),
});
'''

SQLITE_SCENARIOS = [
    Scenario("add_nullable_column", sqlite_users(), sqlite_users('\n  bio: text("bio"),')),
    Scenario("add_not_null_with_default", sqlite_users(),
             sqlite_users('\n  active: integer("active", { mode: "boolean" }).notNull().default(true),')),
    Scenario("add_index_and_unique_index", sqlite_users('\n  name: text("name"),\n  n: integer("n"),'),
             sqlite_users('\n  name: text("name"),\n  n: integer("n"),',
                          ', (t) => [index("users_name_idx").on(t.name), uniqueIndex("users_n_name").on(t.n, t.name)]')),
    Scenario("create_table_with_fk", sqlite_users(), sqlite_users() + SQLITE_POSTS),
    Scenario("drop_table", sqlite_users() + SQLITE_POSTS, sqlite_users()),
    Scenario("drop_column", sqlite_users('\n  bio: text("bio"),\n  age: integer("age"),'),
             sqlite_users('\n  bio: text("bio"),')),
    Scenario("defaults_of_each_kind", sqlite_users(), sqlite_users('''
  createdAt: integer("created_at", { mode: "timestamp" }).default(sql`(unixepoch())`),
  score: real("score").default(1.5),
  data: blob("data"),
  n: numeric("n"),
  name: text("name").default("it's"),
  meta: text("meta", { mode: "json" }),''')),
    Scenario("composite_primary_key_table", sqlite_users(), sqlite_users() + '''export const members = sqliteTable("members", {
  userId: integer("user_id").notNull(),
  groupId: integer("group_id").notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.groupId] })]);
'''),
    Scenario("nullability_change_rebuilds", sqlite_users('\n  k: integer("k"),'),
             sqlite_users('\n  k: integer("k").notNull().default(0),')),
]
