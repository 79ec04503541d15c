"""bench/realworld_sql.py on a local history (no network): replayed on the real servers, each schema-changing
step diffed by mgen, its up and down rebuilt and compared by the bench's own introspection."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import SERVERS, require_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import realworld_sql as bench

HISTORIES = {
    "postgresql": [
        ("001_init", ('CREATE TYPE "Role" AS ENUM (\'ADMIN\', \'USER\');\n'
                     'CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL, '
                     'roles "Role"[] NOT NULL DEFAULT ARRAY[\'USER\']::"Role"[]);')),
        ("002_tags", ('ALTER TABLE "User" ADD COLUMN tags text[], ADD COLUMN span interval;\n'
                     'CREATE INDEX "User_email_idx" ON "User" (email);')),
        ("003_data", 'INSERT INTO "User" (email) VALUES (\'a@b.c\');'),
        ("004_post", ('CREATE TABLE "Post" (id serial PRIMARY KEY, "userId" integer NOT NULL REFERENCES "User" (id), '
                     'ip inet);')),
    ],
    "mysql": [
        ("001_init", ("CREATE TABLE user (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                     "email VARCHAR(100) COLLATE utf8mb4_bin NOT NULL, name VARCHAR(50)) "
                     "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;")),
        ("002_flags", ("ALTER TABLE user ADD COLUMN flags SET('a','b') NOT NULL DEFAULT 'a';\n"
                      "CREATE INDEX user_email_idx ON user (email);")),
        ("003_data", "INSERT INTO user (email) VALUES ('a@b.c');"),
        ("004_post", ("CREATE TABLE post (id INT NOT NULL PRIMARY KEY, user_id INT UNSIGNED NOT NULL, "
                     "CONSTRAINT post_user_fk FOREIGN KEY (user_id) REFERENCES user (id)) "
                     "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;")),
    ],
}


def _admin_url(dialect: str) -> str:
    server = SERVERS[dialect]
    return server.rsplit("/", 1)[0] + ("/postgres" if dialect == "postgresql" else "/")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_a_local_history_is_replayed_diffed_and_rebuilt_exactly(tmp_path, dialect):
    require_server(dialect)
    for name, sql in HISTORIES[dialect]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "migration.sql").write_text(sql)
    url_option = "--postgres-url" if dialect == "postgresql" else "--mysql-url"
    result = bench.main([f"local={tmp_path}", "--layout", "prisma", "--dialect", dialect, url_option,
                         _admin_url(dialect), "--quiet", "--out", str(tmp_path / "out.md")])
    project = result["projects"][0]
    assert (project["steps"], project["replayed"], project["schema_changing"]) == (4, 4, 3)
    assert [r["step"] for r in project["records"]] == ["001_init", "002_tags" if dialect == "postgresql"
                                                       else "002_flags", "004_post"]
    for record in project["records"]:
        assert record["outcome"] == "diffed", record
        assert record["up"]["exact"] and record["down"]["exact"], record
    assert "100% (3/3)" in (tmp_path / "out.md").read_text()


def test_comparison_finds_what_differs_and_sets_postgresql_column_order_aside():
    want = {("column", "t.a"): "integer", ("column", "t.b"): "text", ("column order", "t"): "a,b",
            ("index", "t_idx"): "CREATE INDEX t_idx ON t (a)"}
    got = dict(want) | {("column", "t.a"): "bigint", ("column order", "t"): "b,a"}
    del got[("index", "t_idx")]
    differences, aside = bench.compare(got, want, "postgresql")
    assert differences == ["column differs: t.a: got 'bigint', want 'integer'", "index missing: t_idx"]
    assert aside
    assert bench.compare(got, want, "mysql")[0][1] == "column order differs: t: got 'b,a', want 'a,b'"


def test_refusals_are_classified_by_type():
    assert bench.refusal_class("mgen: old.sql:9: column a.tags: unknown type 'text[]'; supported: ...") == \
        "type: array"
    assert bench.refusal_class("mgen: old.sql:9: column a.b: unknown type 'public.citext'; supported") == \
        "type: citext"


def test_pop_layout_takes_the_dialects_file_else_the_generic_one():
    files = {"1_a.up.sql": "g1", "1_a.mysql.up.sql": "m1", "2_b.autocommit.up.sql": "g2",
             "2_b.cockroach.autocommit.up.sql": "c2", "3_c.postgres.up.sql": "p3", "3_c.down.sql": "d"}
    assert [s.sql for s in bench.history_steps(files, "pop", "mysql")] == ["m1", "g2"]
    assert [s.sql for s in bench.history_steps(files, "pop", "postgresql")] == ["g1", "g2", "p3"]
