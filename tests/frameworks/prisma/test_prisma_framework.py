"""The Prisma framework behind the one interface (issue #16): detection (schema file, schema folder,
package.json), check/status/plan/generate on a project, the writer's folder and files, and bad input as one
line naming the file and line (exit 2)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from mgen.cli import main
from mgen.frameworks.detect import detect

SQLITE = 'datasource db {\n  provider = "sqlite"\n}\n\n'
USER = "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n"
POST = ("model Post {\n  id Int @id @default(autoincrement())\n  author User @relation(fields: [authorId], "
        "references: [id])\n  authorId Int\n}\n")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=root, check=True, env={**os.environ, **GIT_ENV})
    return root


@pytest.mark.parametrize("layout", ["file", "folder", "package", "models"])
def test_detection(tmp_path, layout):
    files = {"file": {"prisma/schema.prisma": SQLITE + USER},
             "folder": {"prisma/schema/schema.prisma": SQLITE, "prisma/schema/user.prisma": USER},
             "package": {"db/app.prisma": SQLITE + USER,
                         "package.json": json.dumps({"prisma": {"schema": "db/app.prisma"}})},
             "models": {"prisma/schema.prisma": SQLITE, "prisma/models/user.prisma": USER}}[layout]
    root = project(tmp_path, files)
    found = detect(root)
    assert (found.framework, found.dialect) == ("prisma", "sqlite")
    from mgen.frameworks.prisma.detection import find_layout
    from mgen.frameworks.prisma.framework import desired_schema

    assert [t.name for t in desired_schema(find_layout(root)).tables] == ["User"]


def test_generate_then_no_change(tmp_path, capsys):
    root = project(tmp_path, {"prisma/schema/schema.prisma": SQLITE, "prisma/schema/user.prisma": USER})
    code, out = run(capsys, "status", str(root))
    assert code == 0 and "framework: prisma" in out and "last migration: none yet" in out
    code, out = run(capsys, "generate", str(root), "--name", "init")
    assert code == 0, out
    folder = next((root / "prisma" / "schema" / "migrations").glob("*_init"))
    assert (folder / "migration.sql").read_text().startswith("-- CreateTable\nCREATE TABLE")
    assert "DROP TABLE" in (folder / "down.sql").read_text()
    assert 'provider = "sqlite"' in (root / "prisma" / "schema" / "migrations" / "migration_lock.toml").read_text()
    assert run(capsys, "generate", str(root))[1] == "no changes: nothing written\n"
    (root / "prisma" / "schema" / "post.prisma").write_text(POST)
    (root / "prisma" / "schema" / "user.prisma").write_text(USER.replace("}\n", "  posts Post[]\n}\n"))
    code, out = run(capsys, "plan", str(root))
    assert code == 0 and "create table Post" in out, out
    code, out = run(capsys, "generate", str(root), "--name", "posts")
    assert code == 0, out
    second = next((root / "prisma" / "schema" / "migrations").glob("*_posts"))
    assert second.name > folder.name
    assert "Post_authorId_fkey" in (second / "migration.sql").read_text()
    assert run(capsys, "generate", str(root))[1] == "no changes: nothing written\n"


@pytest.mark.parametrize(("files", "message"), [
    ({"prisma/schema.prisma": 'datasource db {\n  provider = "mongodb"\n}\n' + USER},
     "prisma/schema.prisma:1: datasource provider 'mongodb' is not supported"),
    ({"prisma/schema.prisma": SQLITE + USER + "view V {\n  id Int @unique\n}\n"},
     "prisma/schema.prisma:9: Prisma views are not supported (view V)"),
    ({"prisma/schema.prisma": SQLITE + "model User {\n  id Int @id @default(\n}\n"},
     "prisma/schema.prisma:7: expected a value, found '}'"),
    ({"prisma/schema.prisma": SQLITE + "model User {\n  id Int @id\n  @@fulltext([id])\n}\n"},
     "prisma/schema.prisma:7: @@fulltext is not supported"),
    ({"prisma/schema.prisma": SQLITE + USER,
      "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n'},
     "migration_lock.toml says provider 'postgresql' but the datasource"),
])
def test_bad_input_is_one_line(tmp_path, capsys, files, message):
    root = project(tmp_path, files)
    code, out = run(capsys, "generate", str(root))
    assert code == 2, out
    assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    assert message in out.replace(str(root) + "/", ""), out


def test_names_as_prisma_truncates():
    from mgen.frameworks.prisma.names import index_name

    table = "Averyveryveryveryveryveryveryverylongmodelnameforsure"
    # the name Prisma's schema engine gave this unique index on PostgreSQL (63 characters)
    assert index_name(table, ("anotherveryveryveryverylongcolumnname", "second"), "_key", 63) == \
        "Averyveryveryveryveryveryveryverylongmodelnameforsure_anoth_key"
    assert index_name("User", ("email",), "_key", 63) == "User_email_key"


def test_check_reads_no_schema_when_the_lock_names_the_provider(tmp_path):
    """The early exit of ``check`` imports no reader: the provider comes from migration_lock.toml."""
    import sys

    root = project(tmp_path, {"prisma/schema.prisma": SQLITE + USER,
                              "prisma/migrations/migration_lock.toml": 'provider = "sqlite"\n'})
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "mgen.workflow", "check", str(root)],
                       capture_output=True, text=True, check=False, env={**os.environ, **GIT_ENV})
    assert r.returncode in (0, 1), r.stderr
    modules = [line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")]
    assert "mgen.frameworks.prisma.detection" in modules
    assert not [m for m in modules if m.startswith("mgen.frameworks.prisma.") and
                m.rsplit(".", 1)[1] not in ("framework", "detection")]


PG = 'datasource db {\n  provider = "postgresql"\n}\n\n'
LEGACY_HISTORY = '''-- CreateTable
CREATE TABLE "A" ("id" SERIAL NOT NULL, CONSTRAINT "A_pkey" PRIMARY KEY ("id"));
CREATE TABLE "B" ("id" SERIAL NOT NULL, CONSTRAINT "B_pkey" PRIMARY KEY ("id"));
CREATE TABLE "_AToB" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);
CREATE UNIQUE INDEX "_AToB_AB_unique" ON "_AToB"("A", "B");
CREATE INDEX "_AToB_B_index" ON "_AToB"("B");
ALTER TABLE "_AToB" ADD CONSTRAINT "_AToB_A_fkey" FOREIGN KEY ("A") REFERENCES "A"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "_AToB" ADD CONSTRAINT "_AToB_B_fkey" FOREIGN KEY ("B") REFERENCES "B"("id") ON DELETE CASCADE ON UPDATE CASCADE;
'''


def test_join_tables_keyed_as_the_history_keys_them(tmp_path, capsys):
    """A history written by Prisma 5 keys implicit many-to-many tables by `_AB_unique`: that stays (no
    change), and a new one is keyed the same way; a history without one gets Prisma 6's `_AB_pkey`."""
    models = "model A {\n  id Int @id @default(autoincrement())\n  bs B[]\n  cs C[]\n}\n" \
             "model B {\n  id Int @id @default(autoincrement())\n  as A[]\n}\n" \
             "model C {\n  id Int @id @default(autoincrement())\n  as A[]\n}\n"
    root = project(tmp_path, {"prisma/schema.prisma": PG + models,
                              "prisma/migrations/20240101000000_init/migration.sql": LEGACY_HISTORY})
    code, out = run(capsys, "generate", str(root), "--dry-run")
    assert code == 0, out
    assert '"_AToC_AB_unique"' in out and "_AToC_AB_pkey" not in out and "_AToB" not in out, out
    (root / "prisma" / "migrations" / "20240101000000_init" / "migration.sql").unlink()
    code, out = run(capsys, "generate", str(root), "--dry-run")
    assert code == 0 and '"_AToC_AB_pkey"' in out and '"_AToB_AB_pkey"' in out, out


def test_an_extension_the_history_created_is_left_alone(tmp_path, capsys):
    """Prisma's differ does not manage extensions (without its postgresqlExtensions preview feature): one a
    migration created stays, and a change elsewhere does not drop it (documenso at 04f6e76178: the down of
    pg_trgm failed, an index used it)."""
    history = ('CREATE EXTENSION IF NOT EXISTS "pg_trgm";\n\n-- CreateTable\nCREATE TABLE "User" ("id" SERIAL NOT NULL, '
               '"email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n\n-- CreateIndex\n'
               'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n')
    root = project(tmp_path, {"prisma/schema.prisma": PG + USER,
                              "prisma/migrations/20240101000000_init/migration.sql": history})
    assert run(capsys, "generate", str(root), "--dry-run")[1] == "no changes: nothing written\n"
    (root / "prisma" / "schema.prisma").write_text(PG + USER.replace("}\n", "  name String?\n}\n"))
    code, out = run(capsys, "generate", str(root), "--dry-run")
    assert code == 0 and 'ADD COLUMN "name" text' in out, out
    assert "EXTENSION" not in out, out


def test_a_migration_on_another_postgresql_schema_is_left_out_and_said(tmp_path, capsys):
    """Prisma without multiSchema compares the public schema only: a table a migration made in another schema
    (an events schema written by hand) is no drop, and the note says where it was left out."""
    pg = 'datasource db {\n  provider = "postgresql"\n}\n\n'
    root = project(tmp_path, {
        "prisma/schema.prisma": pg + USER,
        "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
        "prisma/migrations/1_init/migration.sql":
            'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, '
            'CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'
            'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n',
        "prisma/migrations/2_events/migration.sql":
            "CREATE SCHEMA IF NOT EXISTS events;\nDROP TABLE IF EXISTS events.runs;\n"
            "CREATE TABLE events.runs (id integer, at timestamptz);\nCREATE INDEX ON events.runs (at);\n"})
    code, out = run(capsys, "generate", str(root), "--dry-run")
    assert code == 0, out
    assert "no changes" in out
    assert ("3 statement(s) on schema 'events' (first at " in out and "2_events/migration.sql:2) left out: "
            "Prisma compares the public schema only" in out), out
