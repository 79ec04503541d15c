"""Issue #13 "Done when", the native engine: Alembic's own revision for a real Flask-Migrate project, applied by
the project's own commands (stdlib + mgen).

For each project (a clone with its own virtualenv in ``PROJECT/.venv``, its requirements installed) and each
dialect (``--dialects``, default ``sqlite,postgresql``), in the project folder:

1. reset: ``git checkout -- .``, the untracked files of the script folder removed (and ``--clean`` paths:
   state the app keeps outside its database, a file cache say);
2. the project's own database for this run (``--env``: how its configuration is told; ``{url}`` is the URL,
   ``{user}``, ``{host}``, ``{port}``, ``{db}``, ``{password}`` its parts, ``{file}`` a file written from ``--config-file``): a fresh SQLite file, or a fresh database on the server;
3. ``mgen generate PROJECT --engine native --dry-run --json`` before the edit: what autogenerate finds in
   the project as it is (drift between its models and its revisions);
4. the model edit (``--edit NAME=FILE::REGEX::LINE``: LINE inserted after the first line matching REGEX);
5. ``mgen generate --engine auto --dry-run`` (which engine answers), ``--engine native --verify --dry-run``
   (Alembic applies its revision on mgen's scratch database), then ``--engine native``, which writes the
   revision; on a server dialect each gets ``--db SERVER`` (the scratch database's server);
6. the project's database is checked untouched by mgen (no file; no table);
7. (when a revision was written) the project's own ``flask db upgrade`` / ``downgrade`` / ``upgrade`` (``FLASK_APP`` from ``--app``, the
   script folder mgen found as ``-d``) on that database, then, in the app's context, Alembic's ``check``
   (the project's env.py, autogenerate's own comparison) and ``compare_metadata`` of ``db.metadata``. A
   Flask-Alembic project (no env.py; flaskbb) runs its own ``flask db upgrade`` / ``downgrade`` / ``upgrade``
   (the script folder from the app's ``ALEMBIC`` config) and Flask-Alembic's ``produce_migrations`` as the check.
   A plain Alembic project (env.py reads no ``current_app``: full-stack-fastapi-template) runs its own
   ``alembic upgrade head`` / ``downgrade -1`` / ``upgrade head`` next to its ini instead, then ``alembic check``
   and ``compare_metadata`` of ``--metadata NAME=module:attr`` (``app.models:SQLModel.metadata``), with the
   ``include_object`` env.py passes to ``context.configure`` (made from env.py's imports and that function: the
   objects the project itself excludes from autogenerate; the count without it is shown beside).

    nice .venv/bin/python bench/realworld_native_alembic.py ihatemoney=/tmp/proj/ihatemoney CTFd=/tmp/proj/CTFd \\
        --app ihatemoney=ihatemoney.run:create_app --app CTFd=CTFd:create_app \\
        --config-file 'ihatemoney=SQLALCHEMY_DATABASE_URI = "{url}"' \\
        --env ihatemoney=IHATEMONEY_SETTINGS_FILE_PATH={file} --env CTFd=DATABASE_URL={url} --clean CTFd=.data \\
        --edit 'ihatemoney=ihatemoney/models.py::^    what = db.Column::    mgen_note = db.Column(db.String(80), index=True)' \\
        --edit 'CTFd=CTFd/models/__init__.py::^    description = db.Column\\(db.Text\\)::    mgen_note = db.Column(db.String(80), index=True)' \\
        --out /tmp/native_alembic.md --json /tmp/native_alembic.json

A plain Alembic project told its database in parts (full-stack-fastapi-template at 3c1f7c4cdb, its ``backend``
folder, PostgreSQL only: its revisions are written for it):

    nice .venv/bin/python bench/realworld_native_alembic.py fastapi=/tmp/proj/fastapi/backend --dialects postgresql \\
        --env 'fastapi=POSTGRES_SERVER={host}' --env 'fastapi=POSTGRES_PORT={port}' --env 'fastapi=POSTGRES_USER={user}' \\
        --env 'fastapi=POSTGRES_PASSWORD={password}' --env 'fastapi=POSTGRES_DB={db}' \\
        --metadata 'fastapi=app.models:SQLModel.metadata' --url 'fastapi=postgresql+psycopg://{user}@{host}:{port}/{db}' \\
        --edit 'fastapi=app/models.py::^    id: uuid.UUID = Field\\(default_factory=uuid.uuid4, primary_key=True\\)::    mgen_note: str | None = Field(default=None, max_length=80, index=True)'

A plain Alembic project on SQLite or PostgreSQL by its own setting (mealie at b5643a9399, its requirements of
pyproject.toml with poetry.lock's SQLAlchemy 2.0.36 / Alembic 1.13.3, python-ldap left out): ``NAME@DIALECT=``
gives an ``--env`` or ``--url`` to one dialect's row only; ``{dir}`` is the folder of the row's SQLite file, named
as the project names it (``--sqlite-file``); ``--tell-dialect`` passes mgen ``--dialect`` (the detection reads
PostgreSQL in mealie's settings, its ``DB_ENGINE`` chooses); ``--metadata`` imports the models' modules first:

    nice .venv/bin/python bench/realworld_native_alembic.py mealie=/tmp/proj/mealie --tell-dialect mealie \\
        --env mealie=PRODUCTION=true --env 'mealie=DATA_DIR={dir}' --sqlite-file mealie=mealie.db \\
        --env 'mealie@sqlite=DB_ENGINE=sqlite' --env 'mealie@postgresql=DB_ENGINE=postgres' \\
        --env 'mealie@postgresql=POSTGRES_SERVER={host}' --env 'mealie@postgresql=POSTGRES_PORT={port}' \\
        --env 'mealie@postgresql=POSTGRES_USER={user}' --env 'mealie@postgresql=POSTGRES_PASSWORD={password}' \\
        --env 'mealie@postgresql=POSTGRES_DB={db}' --url 'mealie@postgresql=postgresql://{user}@{host}:{port}/{db}' \\
        --metadata 'mealie=mealie.db.models._all_models,mealie.db.models._model_base:SqlAlchemyBase.metadata' \\
        --edit 'mealie=mealie/db/models/recipe/recipe.py::^    description: Mapped::    mgen_note: Mapped[str | None] = mapped_column(sa.String(80), index=True)'

CTFd on SQLite is not a row that can pass: CTFd's app factory runs ``create_all()`` and ``stamp head`` at every
start on SQLite (its documented path), so its own ``flask db upgrade`` stamps a new revision without running it
(measured: "Running stamp_revision 8275865e5992 -> <new>", the column never added), and its revisions do not run
on SQLite from an empty database, which the native engine's scratch database needs.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from mgen.db import connect, scratch_database
from mgen.frameworks.alembic.detection import find_layout
from mgen.frameworks.alembic.native import flask_spec

CHECK = r'''
import json, os, sys
from flask.cli import ScriptInfo
app = ScriptInfo(app_import_path=os.environ["FLASK_APP"]).load_app()
out = {}
with app.app_context():
    ext = app.extensions["migrate"]
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    try:
        command.check(ext.migrate.get_config(sys.argv[2]))
        out["check"] = []
    except Exception as exc:
        out["check"] = [line.strip() for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
    with ext.db.engine.connect() as conn:
        out["compare_metadata"] = [repr(d)[:160] for d in compare_metadata(MigrationContext.configure(conn),
                                                                           ext.db.metadata)]
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
'''


FLASK_ALEMBIC_CHECK = r'''
import json, os, sys
from flask.cli import ScriptInfo
app = ScriptInfo(app_import_path=os.environ["FLASK_APP"]).load_app()
out = {}
with app.app_context():
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    script = app.extensions["alembic"].produce_migrations()
    out["check"] = [repr(d)[:160] for ops in (script.upgrade_ops_list or [script.upgrade_ops]) for d in ops.as_diffs()]
    db = app.extensions["sqlalchemy"]
    with db.engine.connect() as conn:
        out["compare_metadata"] = [repr(d)[:160] for d in compare_metadata(MigrationContext.configure(conn),
                                                                           db.metadata)]
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
'''


PLAIN_CHECK = r'''
import importlib, json, sys
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
out = {}
try:
    command.check(Config(sys.argv[2]))
    out["check"] = []
except Exception as exc:
    out["check"] = [line.strip() for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
modules, _, attr = sys.argv[3].partition(":")
for module in modules.split(","):  # the models' modules first (mealie's _all_models), the MetaData's last
    metadata = importlib.import_module(module)
for part in attr.split("."):
    metadata = getattr(metadata, part)


def env_include_object(env_py):
    """The ``include_object=`` function env.py passes to ``context.configure``, made from env.py's own text: its
    imports and that function only (env.py itself runs the migrations when imported); None when it has none."""
    import ast
    tree = ast.parse(open(env_py, encoding="utf-8").read())
    names = {k.value.id for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords
             if k.arg == "include_object" and isinstance(k.value, ast.Name)}
    body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
            or (isinstance(n, ast.FunctionDef) and n.name in names)]
    if len(names) != 1 or not any(isinstance(n, ast.FunctionDef) for n in body):
        return None
    namespace = {}
    exec(compile(ast.Module(body, []), env_py, "exec"), namespace)  # noqa: S102 - the project's own code
    return namespace[names.pop()]


engine = create_engine(sys.argv[4])
include = env_include_object(sys.argv[5]) if len(sys.argv) > 5 else None
with engine.connect() as conn:
    out["compare_metadata_raw"] = [repr(d)[:160] for d in compare_metadata(MigrationContext.configure(conn), metadata)]
    opts = {"include_object": include} if include is not None else {}
    out["compare_metadata"] = [repr(d)[:160] for d in compare_metadata(MigrationContext.configure(conn, opts=opts),
                                                                       metadata)]
    out["include_object"] = include is not None
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
'''


def named(values: list[str] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values or []:
        name, _, rest = value.partition("=")
        out.setdefault(name, []).append(rest)
    return out


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def last(text: str) -> str:
    """A failed command's message: its last line naming an error, else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^(\w+\.)*\w*(Error|Exception)\b|^mgen: |^Error", line)]
    return (errors or lines or [""])[-1][:300]


def filled(text: str, url: str) -> str:
    """``text`` with ``{url}`` and the parts of the scratch URL (``{user}``, ``{password}``, ``{host}``, ``{port}``,
    ``{db}``: a project that is told its database in parts; ``{dir}``: the folder of a SQLite file, for a project
    told only where its data goes) filled in."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    values = {"url": url, "user": parts.username or "", "password": parts.password or "", "host": parts.hostname or "",
              "port": str(parts.port or ""), "db": parts.path.lstrip("/"),
              "dir": str(Path(url.split("sqlite:///", 1)[1]).parent) if url.startswith("sqlite:///") else ""}
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def reset(root: Path, versions: Path, clean: list[str]) -> None:
    run(["git", "checkout", "--", "."], root)
    run(["git", "clean", "-fdq", "--", str(versions)], root)
    for path in clean:
        shutil.rmtree(root / path, ignore_errors=True)


def revisions_folder(directory: Path) -> Path:
    """Where the revisions mgen writes go: ``versions/``, or the script folder itself (Flask-Alembic)."""
    return directory / "versions" if (directory / "versions").is_dir() else directory


def edit(root: Path, spec: str) -> str:
    file, regex, line = spec.split("::", 2)
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, text in enumerate(lines):
        if re.search(regex, text):
            lines.insert(i + 1, line + "\n")
            path.write_text("".join(lines), encoding="utf-8")
            return f"{file}:{i + 2}: {line.strip()}"
    raise SystemExit(f"--edit {spec!r}: no line of {file} matches {regex!r}")


def mgen(root: Path, python: Path, engine: str, server: str | None, dry_run: bool, env: dict[str, str],
         verify: bool = False, dialect: str | None = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "mgen.cli", "generate", str(root), "--engine", engine, "--json", "--python", str(python)]
    cmd += ["--dialect", dialect] if dialect else []
    cmd += ["--dry-run"] if dry_run else []
    cmd += ["--verify"] if verify else []
    cmd += ["--db", server] if server else []
    started = time.monotonic()
    done = run(cmd, ROOT, env={**env, "PYTHONPATH": str(ROOT / "scripts")})
    seconds = round(time.monotonic() - started, 1)
    try:
        data = json.loads(done.stdout)
    except ValueError:
        return {"exit": done.returncode, "error": last(done.stderr) or last(done.stdout), "seconds": seconds}
    return {"exit": done.returncode, "engine": data.get("engine"), "seconds": seconds,
            "operations": [op["description"] for op in data.get("operations", [])], "notes": data.get("notes", []),
            "files": data.get("files", []), "verify": data.get("verify")}


def untouched(url: str, sqlite_file: Path | None) -> bool:
    if sqlite_file is not None:
        return not sqlite_file.exists()
    with connect(url) as conn:
        return not conn.query("SELECT 1 FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")


def one(name: str, root: Path, dialect: str, args: argparse.Namespace, opts: dict[str, dict[str, list[str]]]) -> dict:
    python = root / ".venv" / "bin" / "python"
    spec = flask_spec(root, None)
    layout = find_layout(root)
    if spec is None and (layout is None or layout.ini is None or name not in opts["metadata"]):
        return {"project": name, "dialect": dialect, "error": "neither a Flask-Migrate project (env.py reads no "
                "current_app) nor a plain Alembic project with an alembic.ini and --metadata"}
    ini = None if spec is not None else layout.ini.resolve()  # type: ignore[union-attr]
    directory = Path(spec["directory"]) if spec is not None else layout.config().script_location.resolve()  # type: ignore[union-attr]
    reset(root, revisions_folder(directory), opts["clean"].get(name, []))
    server = args.server if dialect == "postgresql" else None
    with tempfile.TemporaryDirectory(prefix="mgen-bench-native-") as tmp, \
            (scratch_database(dialect, server) if dialect != "sqlite" else contextlib.nullcontext("")) as url:
        sqlite_file = None
        if dialect == "sqlite":  # the project's database: not there until the project's own upgrade makes it, in a
            # folder of its own ({dir}), named as the project names it (--sqlite-file)
            sqlite_file = Path(tmp) / "data" / opts["sqlite_file"].get(name, ["project.db"])[0]
            sqlite_file.parent.mkdir()
            url = f"sqlite:///{sqlite_file}"
        config_file = Path(tmp) / "project.cfg"
        config_file.write_text("\n".join(opts["config_file"].get(name, [])).replace("{url}", url) + "\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k != "VIRTUAL_ENV"}
        for item in [*opts["env"].get(name, []), *opts["env"].get(f"{name}@{dialect}", [])]:
            var, _, value = item.partition("=")
            env[var] = filled(value, url).replace("{file}", str(config_file))
        row: dict[str, Any] = {"project": name, "dialect": dialect}
        told = dialect if name in args.tell_dialect else None
        row["before"] = mgen(root, python, "native", server, True, env, dialect=told)
        row["edit"] = [edit(root, e) for e in opts["edit"].get(name, [])]
        row["auto"] = mgen(root, python, "auto", server, True, env, dialect=told)
        row["verify"] = mgen(root, python, "native", server, True, env, verify=True, dialect=told)
        row["native"] = mgen(root, python, "native", server, False, env, dialect=told)
        row["untouched"] = untouched(url, sqlite_file)
        if not row["native"].get("files"):  # nothing written: nothing for the project's commands to apply
            return _reset_after(row, root, directory, args, opts, name)  # the edit not left in the project
        answer = Path(tmp) / "check.json"
        if ini is not None:  # plain Alembic: the project's own alembic command next to its ini
            steps = (("upgrade", ["upgrade", "head"]), ("downgrade", ["downgrade", "-1"]), ("re-upgrade", ["upgrade", "head"]))
            for step, cmd in steps:
                done = run([str(python), "-m", "alembic", "-c", str(ini), *cmd], ini.parent, env)
                row[step] = "ok" if done.returncode == 0 else f"exit {done.returncode}: {last(done.stderr)}"
            made_elsewhere(row, sqlite_file)
            compare_url = filled((opts["url"].get(f"{name}@{dialect}") or opts["url"].get(name) or ["{url}"])[0], url)
            env_py = directory / "env.py"
            done = run([str(python), "-c", PLAIN_CHECK, str(answer), str(ini), opts["metadata"][name][0], compare_url,
                        *([str(env_py)] if env_py.is_file() else [])], ini.parent, env)
            row["check"] = json.loads(answer.read_text()) if answer.exists() else {"error": last(done.stderr)}
            return _reset_after(row, root, directory, args, opts, name)
        flask_env = {**env, "FLASK_APP": opts["app"][name][0]} if name in opts["app"] else env
        db = [str(python), "-m", "flask", "db"]
        own = spec["extension"] == "alembic"  # Flask-Alembic: its commands read the script folder from the app
        for step, cmd in (("upgrade", ["upgrade"]), ("downgrade", ["downgrade"]), ("re-upgrade", ["upgrade"])):
            done = run([*db, *cmd, *([] if own else ["-d", str(directory)])], root, flask_env)
            row[step] = "ok" if done.returncode == 0 else f"exit {done.returncode}: {last(done.stderr)}"
        made_elsewhere(row, sqlite_file)
        done = run([str(python), "-c", FLASK_ALEMBIC_CHECK if own else CHECK, str(answer), str(directory)], root,
                   flask_env)
        row["check"] = json.loads(answer.read_text()) if answer.exists() else {"error": last(done.stderr)}
    return _reset_after(row, root, directory, args, opts, name)


def made_elsewhere(row: dict, sqlite_file: Path | None) -> None:
    """SQLite: the project's own upgrade must have made the database file the row names; else the project wrote
    its database elsewhere (its configuration did not take the row's), and the row says so: neither "untouched"
    nor the check would mean anything."""
    if sqlite_file is not None and not sqlite_file.exists() and row.get("upgrade") == "ok":
        row["upgrade"] = f"ok, but not on {sqlite_file.name}: the project's database is elsewhere (its configuration)"


def _reset_after(row: dict, root: Path, directory: Path, args: argparse.Namespace, opts: dict, name: str) -> dict:
    if not args.keep:
        reset(root, revisions_folder(directory), opts["clean"].get(name, []))
    return row


def verified(result: dict) -> str:
    if "error" in result:
        return "—"
    steps = result.get("verify") or []
    failed = [f"{s['step']}: {s['result'][:120]}" for s in steps if s["result"] != "ok"]
    return ("failed: " + failed[0]) if failed else f"ok ({len(steps)} steps)" if steps else "—"


def cell(result: dict) -> str:
    if "error" in result:
        return f"refused: {result['error'][:140]}"
    return f"{len(result['operations'])} ops ({result['engine']}, {result['seconds']} s)"


def compared(check: dict) -> str:
    """compare_metadata's count; with env.py's include_object (plain Alembic), the count without it too."""
    text = f"{len(check['compare_metadata'])} left"
    if check.get("include_object"):
        text += f" (env.py's include_object; {len(check['compare_metadata_raw'])} without it)"
    return text


def table(rows: list[dict]) -> str:
    header = ("| project | dialect | before the edit | edit: auto --dry-run | edit: native --verify (scratch) "
              "| edit: native (written) | project DB untouched | upgrade | downgrade | upgrade again "
              "| alembic check (env.py) | compare_metadata |")
    out = [header, "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['project']} | {r['dialect']} | {r['error']} |" + " |" * 10)
            continue
        check = r.get("check", {"error": "not run (nothing written)"})
        left = ("error: " + check["error"]) if "error" in check else None
        out.append(" | ".join(["", r["project"], r["dialect"], cell(r["before"]), cell(r["auto"]), verified(r["verify"]),
                               cell(r["native"]), "yes" if r["untouched"] else "**NO**",
                               *(r.get(step, "—") for step in ("upgrade", "downgrade", "re-upgrade")),
                               left or (f"{len(check['check'])} left" if check["check"] else "nothing left"),
                               left or compared(check), ""]).strip())
    out.append("")
    for r in rows:
        if "error" in r:
            continue
        out.append(f"- {r['project']} / {r['dialect']}: edit {'; '.join(r['edit'])}; native wrote "
                   f"{', '.join(r['native'].get('operations', [])) or r['native'].get('error')}; before the edit: "
                   f"{', '.join(r['before'].get('operations', [])) or r['before'].get('error') or 'no changes'}")
        for note in r["native"].get("notes", []):
            out.append(f"  - note: {note}")
        for key in ("check", "compare_metadata", "compare_metadata_raw"):
            for line in r.get("check", {}).get(key, [])[:6]:
                out.append(f"  - {key}: {line}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("projects", nargs="+", metavar="NAME=PROJECT_DIR")
    p.add_argument("--edit", action="append", metavar="NAME=FILE::REGEX::LINE")
    p.add_argument("--app", action="append", metavar="NAME=MODULE:APP", help="FLASK_APP for the project's own commands")
    p.add_argument("--env", action="append", metavar="NAME[@DIALECT]=VAR=VALUE",
                   help="an environment variable of the project's commands (NAME@sqlite=...: on that dialect only)")
    p.add_argument("--config-file", action="append", metavar="NAME=TEXT")
    p.add_argument("--clean", action="append", metavar="NAME=PATH")
    p.add_argument("--metadata", action="append", metavar="NAME=MODULE:ATTR",
                   help="plain Alembic projects: the models' MetaData for compare_metadata")
    p.add_argument("--url", action="append", metavar="NAME[@DIALECT]=URL",
                   help="plain Alembic projects: the URL compare_metadata connects with ({url}: the scratch URL)")
    p.add_argument("--sqlite-file", action="append", metavar="NAME=FILENAME",
                   help="SQLite: the name the project gives its database file, in the folder {dir} "
                        "(mealie: DATA_DIR/mealie.db); default: the scratch file's own")
    p.add_argument("--tell-dialect", action="append", default=[], metavar="NAME",
                   help="pass mgen --dialect of each row: a project on several databases, its own setting choosing "
                        "(mealie's DB_ENGINE), where the detection names one")
    p.add_argument("--dialects", default="sqlite,postgresql")
    p.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--keep", action="store_true", help="leave the last edit and revision in the project")
    p.add_argument("--out")
    p.add_argument("--json")
    args = p.parse_args(argv)
    opts = {key: named(getattr(args, key)) for key in ("edit", "app", "env", "config_file", "clean", "metadata", "url",
                                                     "sqlite_file")}
    rows = []
    for item in args.projects:
        name, _, folder = item.rpartition("=")
        root = Path(folder).resolve()
        for dialect in args.dialects.split(","):
            rows.append(one(name or root.name, root, dialect, args, opts))
            print(table(rows[-1:]).splitlines()[2], flush=True)
    text = table(rows)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
