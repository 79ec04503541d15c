"""Issue #14 bench: ``mgen diff`` on real schemas, the SQL migration histories of public projects.

Each history (a folder of SQL migrations in a bare mirror of the project's public repository, read at one
commit; or a local folder) is replayed in order on a scratch database (``mgen_rw_*``: PostgreSQL or MariaDB/
MySQL, always dropped in a ``finally``). After every step the database is dumped (``pg_dump --schema-only
--no-owner --no-privileges`` / ``mysqldump --no-data --routines --skip-comments``) and introspected by this
bench's own catalog queries (pg_catalog / information_schema; never mgen's introspection). For each sampled
step whose schema changed, with OLD the dump before it and NEW the dump after:

1. ``mgen diff OLD NEW --dialect D --json``: exit 2 is a refusal, classified by its message (``unknown type
   'text[]'`` is "type: array"); exit 3 a defect.
2. **up**: a scratch database loaded from OLD, mgen's ``up`` statements applied one by one, introspected and
   compared with NEW's introspection: exact, or what differs (an object missing, extra or different, by
   kind: column, index, constraint, ...), or the statement that failed.
3. **down**: a scratch database loaded from NEW, mgen's ``down`` applied, compared with OLD.

Column order is compared on MySQL (a column can be placed there: ``AFTER``/``FIRST``); on PostgreSQL, where
``ADD COLUMN`` cannot place a column, a different order alone counts as exact and is counted apart.

Replay on MySQL runs each step with ``sql_mode = 'NO_ENGINE_SUBSTITUTION'`` (MariaDB's strict mode refuses
data steps MySQL 8 runs); a step the server refuses (MySQL 8's ``BIN_TO_UUID`` on MariaDB) ends that
project's replay, said in the table's notes.

Layouts: ``prisma`` (``FOLDER/*/migration.sql``, by folder name), ``pop`` (Ory's gobuffalo/pop folders:
``VERSION_name[.DIALECT].up.sql``, the dialect's file where there is one, else the generic one, by
version), ``plain`` (``*.up.sql``, else ``*.sql``, by name). Known projects (``PROJECTS``) carry their folder,
layout and dialect; any other name takes ``--folder``, ``--layout`` and ``--dialect``.

    nice -n 10 .venv/bin/python bench/realworld_sql.py documenso=/work/.mirror/documenso+documenso/repo@COMMIT \\
        kratos-mysql=/work/.mirror/ory+kratos/repo@COMMIT --per-project 40 --out /tmp/sql.md --json /tmp/sql.json
    .venv/bin/python bench/realworld_sql.py NAME=LOCAL_FOLDER --layout prisma --dialect postgresql ...
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld_git as rw

ROOT = Path(__file__).resolve().parent.parent

# name -> (folder in the repository, layout, dialect)
PROJECTS: dict[str, tuple[str, str, str]] = {
    "documenso": ("packages/prisma/migrations", "prisma", "postgresql"),
    "calcom": ("packages/prisma/migrations", "prisma", "postgresql"),
    "umami-pg": ("prisma/migrations", "prisma", "postgresql"),
    "umami-postgresql": ("db/postgresql/migrations", "prisma", "postgresql"),
    "umami-mysql": ("db/mysql/migrations", "prisma", "mysql"),
    "kratos-mysql": ("persistence/sql/migrations/sql", "pop", "mysql"),
    "kratos-pg": ("persistence/sql/migrations/sql", "pop", "postgresql"),
    "mattermost": ("server/channels/db/migrations/mysql", "plain", "mysql"),
}
# VERSION_name[.DIALECT][.autocommit].up.sql (popx's naming: a name has no dot)
POP_FILE = re.compile(r"^(\d+)_([^.]+)(?:\.(mysql|postgres|cockroach|sqlite3?))?(?:\.autocommit)?\.up\.sql$")
POP_DIALECT = {"postgresql": "postgres", "mysql": "mysql"}
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
MYSQL_ADMIN = "mysql://root@127.0.0.1:3306/"
UP, DOWN = "up", "down"


# -- histories ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    name: str
    sql: str


def history_files(source: str, rev: str | None, folder: str) -> dict[str, str]:
    """path (relative to ``folder``) -> text, from a git directory at ``rev`` or from a local folder."""
    root = Path(source)
    if rev is not None:
        listing = rw.git(root, "ls-tree", "-r", "--name-only", rev, "--", folder).split("\n")
        paths = [p for p in listing if p.endswith(".sql")]
        blobs = rw.read_blobs(root, rev, paths)
        return {p[len(folder):].lstrip("/"): text for p, text in blobs.items()}
    base = root / folder if folder else root
    return {str(p.relative_to(base)): p.read_text(errors="replace") for p in base.rglob("*.sql")}


def history_steps(files: dict[str, str], layout: str, dialect: str) -> list[Step]:
    if layout == "prisma":
        return [Step(p.split("/")[0], files[p]) for p in sorted(files)
                if p.count("/") == 1 and p.endswith("/migration.sql")]
    if layout == "pop":
        wanted, versions = POP_DIALECT[dialect], {}
        for path in files:
            m = POP_FILE.match(path.rsplit("/", 1)[-1])
            if not m or m.group(3) not in (None, wanted):
                continue
            version = versions.setdefault(m.group(1), {})
            version[m.group(3) or ""] = path
        steps = []
        for v in sorted(versions, key=int):
            path = versions[v].get(wanted) or versions[v][""]
            steps.append(Step(path.rsplit("/", 1)[-1].removesuffix(".up.sql"), files[path]))
        return steps
    if layout == "plain":
        ups = sorted(p for p in files if p.endswith(".up.sql"))
        return [Step(p, files[p]) for p in (ups or sorted(files))]
    raise SystemExit(f"unknown layout {layout!r}")


# -- databases ----------------------------------------------------------------------------------------
class Database:
    """One server; create/drop/load/dump/apply/introspect named databases (``mgen_rw_*`` only)."""

    dialect = ""

    def __init__(self, admin_url: str):
        u = urlparse(admin_url)
        self.host, self.port = u.hostname or "127.0.0.1", u.port
        self.user, self.password = u.username or "", u.password or ""
        self.created: set[str] = set()

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def replay(self, db: str, sql: str) -> None:
        self.load(db, sql)

    def reset(self, db: str) -> None:
        self.create(db)

    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 600) -> str:
        proc = subprocess.run(["nice", *argv], check=False, input=stdin, capture_output=True, text=True, env=self.env(),
                              timeout=timeout, errors="replace")
        if proc.returncode:
            raise StepError((proc.stderr or proc.stdout).strip().splitlines()[-1:][0] if
                            (proc.stderr or proc.stdout).strip() else f"exit {proc.returncode}")
        return proc.stdout


class StepError(Exception):
    pass


PG_RESET = """DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT evtname FROM pg_event_trigger LOOP EXECUTE format('DROP EVENT TRIGGER %I', r.evtname); END LOOP;
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname); END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')
    AND nspname NOT LIKE 'pg\\_%' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP;
  CREATE SCHEMA public;
END $$"""


class Postgres(Database):
    dialect = "postgresql"

    def env(self) -> dict[str, str]:
        env = dict(os.environ, PGHOST=self.host, PGPORT=str(self.port or 5432), PGUSER=self.user or "postgres")
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self, db: str):
        import psycopg
        return psycopg.connect(host=self.host, port=self.port or 5432, user=self.user or "postgres",
                               password=self.password or None, dbname=db, autocommit=True)

    def create(self, db: str) -> None:
        self.drop(db)
        self.run(["psql", "-X", "-q", "-d", "postgres", "-c", f'CREATE DATABASE "{db}"'])

    def drop(self, db: str) -> None:
        self.run(["psql", "-X", "-q", "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'])

    def reset(self, db: str) -> None:
        """An empty database again without CREATE DATABASE (slow on a loaded server): every extension,
        user schema and event trigger dropped, ``public`` created anew."""
        if db not in self.created:
            self.create(db)
            self.created.add(db)
            return
        with self.connect(db) as conn:
            conn.execute(PG_RESET)

    def load(self, db: str, sql: str) -> None:
        self.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", "-"], stdin=sql)

    def dump(self, db: str) -> str:
        return self.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-d", db])

    def apply(self, db: str, statements: Sequence[str]) -> None:
        with self.connect(db) as conn:
            for statement in statements:
                try:
                    conn.execute(statement)
                except Exception as e:  # noqa: BLE001 - the database's error is the miss
                    raise StepError(f"{statement[:120]}: {str(e).strip().splitlines()[0]}") from None

    def introspect(self, db: str) -> dict[tuple[str, ...], Any]:
        with self.connect(db) as conn:
            return introspect_postgres(conn)


class MySQL(Database):
    dialect = "mysql"

    def client(self, program: str) -> list[str]:
        argv = [program, "-h", self.host, "-P", str(self.port or 3306), "-u", self.user or "root"]
        return argv + ([f"-p{self.password}"] if self.password else [])

    def connect(self, db: str | None):
        import pymysql
        return pymysql.connect(host=self.host, port=self.port or 3306, user=self.user or "root",
                               password=self.password, database=db, autocommit=True)

    def create(self, db: str) -> None:
        self.drop(db)
        self.run(self.client("mysql") + ["-e", f"CREATE DATABASE `{db}`"])

    def drop(self, db: str) -> None:
        self.run(self.client("mysql") + ["-e", f"DROP DATABASE IF EXISTS `{db}`"])

    def load(self, db: str, sql: str) -> None:
        self.run(self.client("mysql") + [db], stdin=sql)

    def replay(self, db: str, sql: str) -> None:
        """A history's step, not in strict mode: MariaDB refuses an ``INSERT ... SELECT`` of no rows that
        leaves a NOT NULL column without default (kratos' data steps), which MySQL 8 runs."""
        self.load(db, "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';\n" + sql)

    def dump(self, db: str) -> str:
        return self.run(self.client("mysqldump") + ["--no-data", "--routines", "--skip-comments", db])

    def apply(self, db: str, statements: Sequence[str]) -> None:
        conn = self.connect(db)
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    try:
                        cur.execute(statement)
                    except Exception as e:  # noqa: BLE001
                        raise StepError(f"{statement[:120]}: {e}") from None
        finally:
            conn.close()

    def introspect(self, db: str) -> dict[tuple[str, ...], Any]:
        conn = self.connect(db)
        try:
            return introspect_mysql(conn, db)
        finally:
            conn.close()


# -- the bench's own introspection --------------------------------------------------------------------
PG_USER_NS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%%' " \
             "AND n.nspname NOT LIKE 'pg\\_temp%%'"
PG_NOT_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"
PG_QUERIES = {
    "schema": f"SELECT n.nspname, '' FROM pg_namespace n WHERE {PG_USER_NS}",
    "extension": "SELECT extname, '' FROM pg_extension WHERE extname <> 'plpgsql'",
    "relation": f"""SELECT n.nspname || '.' || c.relname, c.relkind::text || ' ' ||
        coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {PG_USER_NS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND {PG_NOT_EXTENSION.format(oid='c.oid')}""",
    "column": f"""SELECT n.nspname || '.' || c.relname || '.' || a.attname,
        format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
        || coalesce(' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid), '')
        || CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' ELSE '' END
        || CASE a.attgenerated WHEN 's' THEN ' STORED' ELSE '' END
        || CASE WHEN a.attcollation <> t.typcollation THEN ' COLLATE ' || co.collname ELSE '' END
        || coalesce(' COMMENT ' || col_description(c.oid, a.attnum), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE {PG_USER_NS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
        AND {PG_NOT_EXTENSION.format(oid='c.oid')}""",
    "column order": f"""SELECT n.nspname || '.' || c.relname, string_agg(a.attname, ',' ORDER BY a.attnum)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {PG_USER_NS} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        GROUP BY 1""",
    "constraint": f"""SELECT n.nspname || '.' || c.relname || '.' || con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {PG_USER_NS}""",
    "index": """SELECT schemaname || '.' || indexname, indexdef FROM pg_indexes
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema')""",
    "view": f"""SELECT n.nspname || '.' || c.relname, pg_get_viewdef(c.oid) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {PG_USER_NS} AND c.relkind IN ('v', 'm')""",
    "sequence": """SELECT schemaname || '.' || sequencename, data_type::text || ' ' || start_value || ' '
        || increment_by || ' ' || min_value || ' ' || max_value || ' ' || cycle FROM pg_sequences""",
    "type": f"""SELECT n.nspname || '.' || t.typname, t.typtype::text || ' ' || CASE t.typtype
        WHEN 'e' THEN (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                       WHERE e.enumtypid = t.oid)
        WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' NOT NULL'
                      ELSE '' END || coalesce(' DEFAULT ' || t.typdefault, '')
        ELSE '' END FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE {PG_USER_NS} AND t.typtype IN ('e', 'd', 'r', 'c') AND {PG_NOT_EXTENSION.format(oid='t.oid')}
        AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')""",
    "domain constraint": f"""SELECT n.nspname || '.' || t.typname || '.' || con.conname,
        pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_type t ON t.oid = con.contypid
        JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {PG_USER_NS}""",
    "function": f"""SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
        pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE {PG_USER_NS} AND p.prokind IN ('f', 'p') AND {PG_NOT_EXTENSION.format(oid='p.oid')}""",
    "trigger": f"""SELECT n.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {PG_USER_NS} AND NOT t.tgisinternal""",
}


def introspect_postgres(conn) -> dict[tuple[str, ...], Any]:
    """(kind, name) -> definition, for every user object of the database (pg_catalog's own words)."""
    out: dict[tuple[str, ...], Any] = {}
    for kind, query in PG_QUERIES.items():
        for name, definition in conn.execute(query.replace("%%", "%")).fetchall():
            out[(kind, name)] = definition
    return out


def introspect_mysql(conn, db: str) -> dict[tuple[str, ...], Any]:
    """(kind, name) -> definition from information_schema (the database's name taken out of texts)."""
    queries = {
        "table": "SELECT TABLE_NAME, CONCAT_WS(' ', TABLE_TYPE, ENGINE, TABLE_COLLATION, TABLE_COMMENT) "
                 "FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
        "column": "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME), CONCAT_WS(' | ', COLUMN_TYPE, IS_NULLABLE, "
                  "CONCAT('default=', IFNULL(COLUMN_DEFAULT, '<none>')), EXTRA, CHARACTER_SET_NAME, COLLATION_NAME,"
                  " COLUMN_COMMENT, GENERATION_EXPRESSION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s",
        "column order": "SELECT TABLE_NAME, GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) "
                        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s GROUP BY TABLE_NAME",
        "index": "SELECT CONCAT(TABLE_NAME, '.', INDEX_NAME), CONCAT(IF(NON_UNIQUE, '', 'UNIQUE '), INDEX_TYPE, ' (',"
                 " GROUP_CONCAT(CONCAT(COLUMN_NAME, IFNULL(CONCAT('(', SUB_PART, ')'), ''), IF(COLLATION = 'D',"
                 " ' DESC', '')) ORDER BY SEQ_IN_INDEX), ')') FROM information_schema.STATISTICS "
                 "WHERE TABLE_SCHEMA = %s GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE",
        "foreign key": "SELECT CONCAT(k.TABLE_NAME, '.', k.CONSTRAINT_NAME), CONCAT('(', GROUP_CONCAT(k.COLUMN_NAME "
                       "ORDER BY k.ORDINAL_POSITION), ') -> ', k.REFERENCED_TABLE_NAME, '(', GROUP_CONCAT("
                       "k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION), ') ON UPDATE ', r.UPDATE_RULE, "
                       "' ON DELETE ', r.DELETE_RULE) FROM information_schema.KEY_COLUMN_USAGE k "
                       "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA "
                       "AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME "
                       "WHERE k.TABLE_SCHEMA = %s GROUP BY k.TABLE_NAME, k.CONSTRAINT_NAME, "
                       "k.REFERENCED_TABLE_NAME, r.UPDATE_RULE, r.DELETE_RULE",
        "check": "SELECT CONCAT(TABLE_NAME, '.', CONSTRAINT_NAME), CHECK_CLAUSE FROM "
                 "information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %s",
        "view": "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = %s",
        "routine": "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME), ROUTINE_DEFINITION FROM "
                   "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s",
        "trigger": "SELECT TRIGGER_NAME, CONCAT_WS(' ', ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, "
                   "ACTION_STATEMENT) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s",
    }
    out: dict[tuple[str, ...], Any] = {}
    with conn.cursor() as cur:
        cur.execute("SET SESSION group_concat_max_len = 1000000")
        for kind, query in queries.items():
            cur.execute(query, (db,))
            for name, definition in cur.fetchall():
                text = definition.decode() if isinstance(definition, bytes) else str(definition)
                out[(kind, str(name))] = text.replace(f"`{db}`.", "")
    return out


def compare(got: dict, want: dict, dialect: str) -> tuple[list[str], bool]:
    """The differences between two introspections (``kind: name: what``), and whether a different column
    order on PostgreSQL was set aside."""
    differences, order_aside = [], False
    for key in sorted(set(got) | set(want)):
        kind, name = key
        if got.get(key) == want.get(key):
            continue
        if kind == "column order":
            if key not in got or key not in want or sorted(got[key].split(",")) != sorted(want[key].split(",")):
                continue  # a missing or extra table or column is reported as that
            if dialect == "postgresql":
                order_aside = True
                continue
        if key not in got:
            differences.append(f"{kind} missing: {name}")
        elif key not in want:
            differences.append(f"{kind} extra: {name}")
        else:
            differences.append(f"{kind} differs: {name}: got {got[key]!r}, want {want[key]!r}")
    return differences, order_aside


# -- one step -----------------------------------------------------------------------------------------
REFUSAL_TYPE = re.compile(r"unknown type '([^']*)'")


def refusal_class(message: str) -> str:
    m = REFUSAL_TYPE.search(message)
    if m:
        spelled = m.group(1).strip()
        if spelled.endswith("]"):
            return "type: array"
        base = re.sub(r"\(.*", "", spelled).strip().strip('"').lower()
        base = base.rsplit(".", 1)[-1].strip('"')
        return f"type: {base}"
    text = re.sub(r"^.*?\.sql:\d+: ", "", message.strip().splitlines()[-1] if message.strip() else "")
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", text.removeprefix("mgen: "))
    return " ".join(text.split()[:8])


def difference_class(difference: str) -> str:
    kind, _, _rest = difference.partition(": ")
    return kind


def run_mgen_diff(old: Path, new: Path, dialect: str, timeout: float, scripts: str = "") -> \
        tuple[int, dict | None, str, float]:
    env = dict(os.environ, PYTHONPATH=scripts or str(ROOT / "scripts"))
    env.pop("VIRTUAL_ENV", None)
    start = time.monotonic()
    try:
        proc = subprocess.run(["nice", sys.executable, "-m", "mgen.cli", "diff", str(old), str(new), "--dialect",
                               dialect, "--json", "--compact"], check=False, capture_output=True, text=True, env=env,
                              timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return -1, None, "timeout", time.monotonic() - start
    seconds = time.monotonic() - start
    data = None
    if proc.returncode == 0:
        try:
            data = json.loads(proc.stdout)
        except ValueError:
            data = None
    return proc.returncode, data, proc.stderr.strip(), seconds


def rebuild(db: Database, scratch: str, dump: str, statements: Sequence[str], want: dict) -> dict[str, Any]:
    """Load ``dump`` into ``scratch``, apply ``statements``, compare with ``want``."""
    db.reset(scratch)
    db.load(scratch, dump)
    try:
        db.apply(scratch, statements)
    except StepError as e:
        return {"exact": False, "failed": str(e)[:300], "differences": []}
    differences, aside = compare(db.introspect(scratch), want, db.dialect)
    return {"exact": not differences, "order_aside": aside, "differences": differences[:20],
            "difference_count": len(differences)}


def measure_step(db: Database, scratch: str, work: Path, old: tuple[str, dict], new: tuple[str, dict],
                 timeout: float, scripts: str = "") -> dict[str, Any]:
    (old_dump, old_schema), (new_dump, new_schema) = old, new
    old_file, new_file = work / "old.sql", work / "new.sql"
    old_file.write_text(old_dump)
    new_file.write_text(new_dump)
    code, data, stderr, seconds = run_mgen_diff(old_file, new_file, db.dialect, timeout, scripts)
    record: dict[str, Any] = {"exit": code, "seconds": round(seconds, 2)}
    if code != 0 or data is None:
        record["outcome"] = ("refused" if code == 2 else "timeout" if code == -1 else
                             "defect (exit 3)" if code == 3 else f"exit {code}")
        record["message"] = stderr.splitlines()[-1][:400] if stderr else ""
        if code == 2:
            record["class"] = refusal_class(stderr)
        return record
    record["outcome"] = "diffed"
    record["operations"] = len(data.get("operations", []))
    record[UP] = rebuild(db, scratch, old_dump, data.get("up", []), new_schema)
    record[DOWN] = rebuild(db, scratch, new_dump, data.get("down", []), old_schema)
    return record


# -- a project ----------------------------------------------------------------------------------------
def measure_project(name: str, steps: list[Step], db: Database, args: argparse.Namespace) -> dict[str, Any]:
    tag = re.sub(r"[^a-z0-9]+", "_", name.lower())[:20]
    replay, scratch = f"mgen_rw_{tag}_{os.getpid()}_r", f"mgen_rw_{tag}_{os.getpid()}_s"
    project: dict[str, Any] = {"name": name, "dialect": db.dialect, "steps": len(steps), "records": []}
    if args.limit:
        steps = steps[:args.limit]
    states: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="mgen_rw_sql_") as tmp:
        work = Path(tmp)
        try:
            db.create(replay)
            states.append((db.dump(replay), db.introspect(replay)))
            for i, step in enumerate(steps):
                try:
                    db.replay(replay, step.sql)
                except StepError as e:
                    project["replay_stopped"] = f"{step.name}: {e}"[:300]
                    break
                states.append((db.dump(replay), db.introspect(replay)))
            changed = [i for i in range(1, len(states)) if states[i][1] != states[i - 1][1]]
            project["replayed"] = len(states) - 1
            project["schema_changing"] = len(changed)
            sampled = rw.sample_evenly(changed, args.per_project, name)
            for i in sampled:
                record = {"step": steps[i - 1].name}
                record.update(measure_step(db, scratch, work, states[i - 1], states[i], args.timeout, args.scripts))
                if args.baseline:  # the same step, measured with another mgen (before/after in one replay)
                    record["baseline"] = measure_step(db, scratch, work, states[i - 1], states[i], args.timeout,
                                                      args.baseline)
                project["records"].append(record)
                if not args.quiet:
                    print(f"{name} {record['step']}: {one_line(record)}", file=sys.stderr, flush=True)
        finally:
            db.drop(replay)
            db.drop(scratch)
    return project


def one_line(record: dict[str, Any]) -> str:
    if record["outcome"] != "diffed":
        return f"{record['outcome']}: {record.get('class') or record.get('message', '')}"
    parts = []
    for side in (UP, DOWN):
        r = record[side]
        parts.append(f"{side} " + ("exact" if r["exact"] else f"failed: {r['failed'][:100]}" if "failed" in r
                                   else f"{r['difference_count']} differ: {r['differences'][0][:100]}"))
    return "; ".join(parts)


# -- tables -------------------------------------------------------------------------------------------
def summarise(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    diffed = [r for r in records if r["outcome"] == "diffed"]
    return {
        "measured": len(records),
        "refused": sum(r["outcome"] == "refused" for r in records),
        "defect": sum(r["outcome"].startswith("defect") for r in records),
        "timeout": sum(r["outcome"] == "timeout" for r in records),
        "diffed": len(diffed),
        "up_exact": sum(r[UP]["exact"] for r in diffed),
        "down_exact": sum(r[DOWN]["exact"] for r in diffed),
        "order_aside": sum(bool(r[UP].get("order_aside") or r[DOWN].get("order_aside")) for r in diffed),
        "seconds": sorted(r["seconds"] for r in records)[len(records) // 2] if records else 0,
    }


def miss_classes(records: Sequence[dict[str, Any]]) -> dict[str, Counter]:
    out = {"refused": Counter(), UP: Counter(), DOWN: Counter()}
    for r in records:
        if r["outcome"] == "refused":
            out["refused"][r["class"]] += 1
        elif r["outcome"] == "diffed":
            for side in (UP, DOWN):
                s = r[side]
                if "failed" in s:
                    out[side]["statement failed: " + refusal_class(s["failed"].split(": ", 1)[-1])] += 1
                else:
                    for kind in sorted({difference_class(d) for d in s["differences"]}):
                        out[side][kind] += 1
    return out


def render_markdown(result: dict[str, Any]) -> str:
    text = _render(result, "")
    if any("baseline" in r for p in result["projects"] for r in p["records"]):
        baseline = {"projects": [dict(p, records=[dict(r["baseline"], step=r["step"]) for r in p["records"]])
                                 for p in result["projects"]]}
        text += "\n" + _render(baseline, " (baseline: --baseline's mgen)")
    return text


def _render(result: dict[str, Any], heading: str) -> str:
    rows, everything = [], []
    for p in result["projects"]:
        s = summarise(p["records"])
        everything += p["records"]
        rows.append(_row(p["name"], p["dialect"], f"{p.get('replayed', 0)}/{p['steps']}",
                         p.get("schema_changing", 0), s))
    rows.append(_row("**all**", "", "", "", summarise(everything)))
    headers = ["project", "dialect", "replayed", "schema-changing steps", "measured", "refused", "diffed",
               "up exact", "down exact", "order aside (PG)", "exit 3", "timeouts", "median s (diff)"]
    lines = [f"# mgen diff on real schemas (bench/realworld_sql.py){heading}", "", rw.markdown_table(headers, rows),
             ""]
    for p in result["projects"]:
        if p.get("replay_stopped"):
            lines.append(f"- {p['name']}: replay stopped at {p['replay_stopped']}")
    classes = miss_classes(everything)
    for part, title in (("refused", "Refusals"), (UP, "up not exact"), (DOWN, "down not exact")):
        if classes[part]:
            lines += ["", f"## {title}", "", rw.markdown_table(["class", "steps"], classes[part].most_common())]
    return "\n".join(lines) + "\n"


def _row(name: str, dialect: str, replayed: str, changing: Any, s: dict[str, Any]) -> list[Any]:
    return [name, dialect, replayed, changing, s["measured"], rw.percent(s["refused"], s["measured"]),
            s["diffed"], rw.percent(s["up_exact"], s["diffed"]), rw.percent(s["down_exact"], s["diffed"]),
            s["order_aside"], s["defect"], s["timeout"], s["seconds"]]


# -- command line -------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="+", help="NAME=PATH[@REV]: a git directory at REV, or a local folder")
    parser.add_argument("--per-project", type=int, default=40, help="schema-changing steps sampled (0: all)")
    parser.add_argument("--limit", type=int, default=0, help="replay only the first N steps of each history")
    parser.add_argument("--folder", default="", help="migrations folder of a project not in PROJECTS")
    parser.add_argument("--layout", choices=("prisma", "pop", "plain"), help="of a project not in PROJECTS")
    parser.add_argument("--dialect", choices=("postgresql", "mysql"), help="of a project not in PROJECTS")
    parser.add_argument("--postgres-url", default=os.environ.get("MGEN_RW_POSTGRES_URL", PG_ADMIN))
    parser.add_argument("--mysql-url", default=os.environ.get("MGEN_RW_MYSQL_URL", MYSQL_ADMIN))
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--scripts", default="", help="the mgen to measure (a scripts/ folder; default: this "
                                                            "checkout's), e.g. another worktree's for a before/after")
    parser.add_argument("--baseline", default="", help="another mgen's scripts/ folder, measured on the same "
                                                         "steps of the same replay: a second table")
    parser.add_argument("--out", help="markdown tables")
    parser.add_argument("--json", help="every record")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if threading.current_thread() is threading.main_thread():  # a kill still drops the mgen_rw_* databases
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result: dict[str, Any] = {"projects": []}
    for spec in args.sources:
        name, _, rest = spec.partition("=")
        path, _, rev = rest.partition("@")
        folder, layout, dialect = PROJECTS.get(name, (args.folder, args.layout, args.dialect))
        if not layout or not dialect:
            parser.error(f"{name}: not a known project; give --layout and --dialect")
        is_git = (Path(path) / "HEAD").exists() and (Path(path) / "objects").is_dir()
        head = rw.git(Path(path), "rev-parse", "--verify", f"{rev or 'HEAD'}^{{commit}}").strip() if is_git else None
        steps = history_steps(history_files(path, head, folder), layout, dialect)
        db = Postgres(args.postgres_url) if dialect == "postgresql" else MySQL(args.mysql_url)
        project = measure_project(name, steps, db, args)
        project["commit"] = head
        result["projects"].append(project)
    text = render_markdown(result)
    if args.out:
        Path(args.out).write_text(text)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    if not args.quiet or not args.out:
        print(text)
    return result


if __name__ == "__main__":
    main()
