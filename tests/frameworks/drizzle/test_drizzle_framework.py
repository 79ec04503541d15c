"""The Drizzle package without Node: the config read statically, the schema read into drizzle-kit's terms and
names, what mgen cannot read refused at its line, the history folded, generate twice writing nothing the second
time. drizzle-kit itself judges in test_drizzle_oracle.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from mgen.cli import main
from mgen.errors import MgenError
from mgen.frameworks.detect import detect
from mgen.frameworks.drizzle.detection import read_config
from mgen.frameworks.drizzle.reader import read_schema
from mgen.frameworks.drizzle.snapshot import snapshot

CORE = 'import { pgTable, pgEnum, serial, integer, text, varchar, index, uniqueIndex, pgSchema } from "drizzle-orm/pg-core";\n'
CONFIG = 'import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ schema: "./src/schema.ts", ' \
         'out: "./drizzle", dialect: "postgresql" });\n'
SCHEMA = CORE + '''export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull().unique(),
});
export const posts = pgTable("posts", {
  id: serial().primaryKey(),
  authorId: integer("author_id").references(() => users.id, { onDelete: "cascade" }),
}, (t) => [uniqueIndex().on(t.authorId)]);
'''


def make(root: Path, schema: str = SCHEMA, config: str = CONFIG) -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "schema.ts").write_text(schema)
    (root / "drizzle.config.ts").write_text(config)
    return root


def test_config_and_detection(tmp_path):
    root = make(tmp_path)
    config = read_config(root)
    assert (config.dialect, config.schema, config.out) == ("postgresql", ("src/schema.ts",), root / "drizzle")
    found = detect(root)
    assert (found.framework, found.dialect) == ("drizzle", "postgresql")


@pytest.mark.parametrize(("config", "message", "line"), [
    ('export default { schema: process.env.S, out: "d", dialect: "postgresql" };\n', "'schema' is computed", 1),
    ('export default {\n  schema: "s.ts",\n  dialect: "mysql",\n};\n', "'mysql': not supported yet", 3),
    ('export default { schema: "s.ts", dialect: "postgresql", casing: "snake_case" };\n', "casing", 1),
    ('const base = {};\nexport default { ...base, dialect: "postgresql" };\n', "spread", 2),
])
def test_config_refusals(tmp_path, config, message, line):
    root = make(tmp_path, config=config)
    with pytest.raises(MgenError) as e:
        read_config(root)
    assert message in str(e.value) and e.value.line == line


def test_names_as_drizzle_kit_gives_them(tmp_path):
    model = read_schema([make(tmp_path).joinpath("src", "schema.ts")], tmp_path)
    tables = snapshot(model, "x")["tables"]
    assert list(tables["public.users"]["uniqueConstraints"]) == ["users_email_unique"]
    assert list(tables["public.posts"]["foreignKeys"]) == ["posts_author_id_users_id_fk"]
    assert tables["public.posts"]["foreignKeys"]["posts_author_id_users_id_fk"]["onDelete"] == "cascade"
    assert list(tables["public.posts"]["indexes"]) == ["posts_author_id_index"]
    assert tables["public.posts"]["columns"]["id"] == {"name": "id", "type": "serial", "primaryKey": True,
                                                       "notNull": True}


@pytest.mark.parametrize(("body", "message", "line"), [
    ('export const s = pgSchema("other");\n', "pgSchema", 2),
    ('export const t = pgTable("t", {\n  id: integer("id").generatedAlwaysAsIdentity(),\n});\n',
     ".generatedAlwaysAsIdentity() is not supported", 3),
    ('export const t = pgTable("t", {\n  id: integer("id").default(Date.now()),\n});\n', "computed at run time", 3),
    ('export const t = pgTable("t", {\n  id: integer("id"),\n}, (t) => [index("i").on(t.nope)]);\n',
     "not one of its columns", 4),
    ('export const t = pgTable(name(), {});\n', "computed at run time", 2),
    ('export const t = pgTable.withRLS("t", {});\n', "a table built by pgTable.withRLS()", 2),
    ('export const t = makeTable("t", {});\n', "a table built by makeTable()", 2),
    ('export default pgTable("t", {});\n', "a default export of a call", 2),
    ('export const t = pgTable("t", {\n  id: integer("id").references(() => other.id),\n});\n',
     "not a column of an exported table", 3),
])
def test_schema_refusals(tmp_path, body, message, line):
    path = make(tmp_path, CORE + body).joinpath("src", "schema.ts")
    with pytest.raises(MgenError) as e:
        read_schema([path], tmp_path)
    assert message in str(e.value) and e.value.line == line and e.value.file == str(path)


def test_generate_then_nothing_left(tmp_path, capsys):
    root = make(tmp_path)
    assert main(["plan", str(root)]) == 0
    assert "create table posts" in capsys.readouterr().out
    assert main(["generate", str(root), "--name", "init"]) == 0
    journal = json.loads((root / "drizzle" / "meta" / "_journal.json").read_text())
    assert [e["tag"] for e in journal["entries"]] == ["0000_init"]
    assert (root / "drizzle" / "down" / "0000_init.sql").read_text().count("DROP TABLE") == 2
    assert "--> statement-breakpoint" in (root / "drizzle" / "0000_init.sql").read_text()
    capsys.readouterr()
    (root / "src" / "schema.ts").write_text(SCHEMA.replace('.notNull().unique(),', '.notNull().unique(),\n  bio: text("bio"),'))
    assert main(["generate", str(root), "--name", "bio"]) == 0
    assert 'ADD COLUMN "bio" text' in (root / "drizzle" / "0001_bio.sql").read_text()
    first = json.loads((root / "drizzle" / "meta" / "0000_snapshot.json").read_text())
    second = json.loads((root / "drizzle" / "meta" / "0001_snapshot.json").read_text())
    assert second["prevId"] == first["id"] and "bio" in second["tables"]["public.users"]["columns"]
    capsys.readouterr()
    assert main(["generate", str(root), "--name", "again"]) == 0
    assert not list((root / "drizzle").glob("0002_*"))


def test_sql_without_journal_refused(tmp_path, capsys):
    root = make(tmp_path)
    (root / "drizzle").mkdir()
    (root / "drizzle" / "0000_x.sql").write_text("CREATE TABLE a (id int);")
    assert main(["generate", str(root)]) == 2
    assert "_journal.json" in capsys.readouterr().err


def test_hand_edited_migration_left_alone_as_drizzle_kit_does(tmp_path, capsys):
    root = make(tmp_path)
    assert main(["generate", str(root), "--name", "init"]) == 0
    with (root / "drizzle" / "0000_init.sql").open("a") as f:  # an index added by hand: not in the snapshot
        f.write('--> statement-breakpoint\nCREATE INDEX "by_hand" ON "users" ("email");\n')
    capsys.readouterr()
    assert main(["plan", str(root)]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out and "by_hand" in out and "left alone" in out


def test_custom_type_tsconfig_paths_and_script_config(tmp_path):
    root = tmp_path / "app"
    (root / "db").mkdir(parents=True)
    (tmp_path / "lib" / "schema").mkdir(parents=True)
    (root / "package.json").write_text('{"scripts": {"gen": "drizzle-kit generate --config ./db/drizzle.config.ts"}}')
    (root / "db" / "drizzle.config.ts").write_text(
        'export default { schema: "./db/schema.ts", dialect: "postgresql", out: "migrations" };\n')
    (root / "tsconfig.json").write_text('{\n  // comments and trailing commas, as tsc takes them\n  "compilerOptions": '
                                        '{ "paths": { "@lib/*": ["../lib/*"], }, },\n}\n')
    (root / "db" / "schema.ts").write_text('export * from "@lib/schema";\n')
    (tmp_path / "lib" / "schema" / "index.ts").write_text(
        'import { pgTable, customType, serial } from "drizzle-orm/pg-core";\n'
        'const citext = customType<{ data: string }>({ dataType() { return "citext"; } });\n'
        'const users = pgTable("users", { id: serial().primaryKey(), name: citext("name") });\nexport { users };\n')
    config = read_config(root)
    assert config.file == root / "db" / "drizzle.config.ts" and config.out == root / "migrations"
    model = read_schema(config.schema_files(), root)
    assert [(c.name, c.type, c.type_schema) for c in model.tables[0].columns] == [("id", "serial", None),
                                                                                  ("name", "citext", None)]


def test_check_watches_re_exported_modules(tmp_path):
    from mgen.frameworks.drizzle.framework import DrizzleFramework

    root = make(tmp_path, 'export * from "./tables/users";\n')
    (root / "src" / "tables").mkdir()
    (root / "src" / "tables" / "users.ts").write_text(SCHEMA)
    rules = DrizzleFramework().schema_rules(root, None)
    for rel in ("src/schema.ts", "src/tables/users.ts", "drizzle/meta/_journal.json", "drizzle.config.ts"):
        assert any(rule.matches(rel) for rule in rules), rel
    assert not any(rule.matches("src/other.ts") for rule in rules)
