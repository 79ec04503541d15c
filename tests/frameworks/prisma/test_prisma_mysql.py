"""MySQL has no Prisma oracle here (the wasm engine's MySQL connector panics: "Unsupported adapter provider:
Mysql"), so the MySQL reading is judged by the real server: the migration mgen writes for a schema with each
MySQL construct (VARCHAR(191) strings, DATETIME(3) with CURRENT_TIMESTAMP(3), inline ENUMs, AUTO_INCREMENT,
@db.* types, relations, indexes) applies on MariaDB, the database it builds has nothing left to change against
the schema, and down.sql empties it again."""
from __future__ import annotations

import sys
from pathlib import Path

from mgen.cli import main
from mgen.db import connect, scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.frameworks.prisma.detection import find_layout
from mgen.frameworks.prisma.framework import desired_schema
from mgen.sources.live import introspect

sys.path.insert(0, str(Path(__file__).parents[2]))
from conftest import require_server

SCHEMA = '''datasource db {
  provider = "mysql"
}

enum Role {
  USER
  ADMIN @map("admin")
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?  @db.VarChar(80)
  role      Role     @default(USER)
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
  score     Decimal  @default(1.5) @db.Decimal(8, 2)
  active    Boolean  @default(true)
  bio       String?  @db.Text
  posts     Post[]
}

model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int
  @@unique([authorId, title])
  @@index([title])
}
'''



def test_mysql_migration_builds_the_schema(tmp_path, capsys):
    server = require_server("mysql")
    project = tmp_path / "app"
    (project / "prisma").mkdir(parents=True)
    (project / "prisma" / "schema.prisma").write_text(SCHEMA)
    assert main(["generate", str(project), "--name", "init"]) == 0, capsys.readouterr()
    folder = next((project / "prisma" / "migrations").glob("*_init"))
    with scratch_database("mysql", server) as url:
        with connect(url) as conn:
            for statement in (folder / "migration.sql").read_text().split(";\n"):
                if statement.strip():
                    conn.execute(statement)
        built = introspect(url)[0]
        left = diff(built, desired_schema(find_layout(project)), get_dialect("mysql")).operations
        assert left == [], [op.describe() for op in left]
        with connect(url) as conn:
            for statement in (folder / "down.sql").read_text().split(";\n"):
                if statement.strip():
                    conn.execute(statement)
        assert introspect(url)[0].tables == ()
    # the from-empty SQL mgen takes as Prisma's (ddl.py) runs on the server and builds the same database
    from mgen.frameworks.prisma import ddl
    from mgen.frameworks.prisma.datamodel import resolve
    from mgen.frameworks.prisma.framework import read_blocks

    with scratch_database("mysql", server) as url:
        with connect(url) as conn:
            for _, statement in ddl.sections(resolve(read_blocks(find_layout(project)))):
                conn.execute(statement)
        assert diff(introspect(url)[0], built, get_dialect("mysql")).operations == []
