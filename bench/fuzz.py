"""Fuzz bench of mgen's readers (issue #15): hostile and malformed input through the command line, in process
(``cli.main([...])``), with Hypothesis generating it.

Five readers, each fed what it reads:

- ``sql``: a ``.sql`` desired-state file (``mgen diff empty F.sql``);
- ``yaml``: a YAML schema (``mgen diff empty F.yaml``);
- ``django-models``: a Django app's ``models.py`` (``mgen diff empty APP``, read statically);
- ``sqlalchemy-models``: a SQLAlchemy models module (``mgen diff empty F.py``, read statically);
- ``django-migrations``: a Django project's migration files (``mgen generate . --dry-run --engine static``).

Names, types, defaults, expressions and references are drawn from valid, edge (over-long names, reserved
words, NUL bytes, lone surrogates, ``%s``, ``.nan``, ``10**10**7``, nesting deeper than the recursion
limit) and garbage values. Reported: the exit codes, how many exit 3 (an internal error: must be 0), how many
runs took over 10 s (must be 0), and how many exit 0 on input the target database refuses (must be 0): every
exit 0 of a ``diff`` has its ``up`` applied on a scratch database of its dialect (a PostgreSQL schema,
a MariaDB database, an in-memory SQLite); ``generate --dry-run`` writes Python, so its exit 0 is not applied.

    python bench/fuzz.py [--examples 2500] [--seed 0] [--json OUT.json] [--out OUT.md]

``run(examples, seed)`` is what ``tests/test_fuzz_slice.py`` calls on a small derandomized slice.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from mgen import cli

PG_URL = os.environ.get("MGEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL = {"host": "127.0.0.1", "port": 3306, "user": "root"}
SLOW = 10.0
DIALECTS = ("postgresql", "mysql", "sqlite")
READERS = ("sql", "yaml", "django-models", "sqlalchemy-models", "django-migrations")

# -- what the inputs are made of ---------------------------------------------------------------------
PLAIN = ["id", "name", "price", "owner_id", "created", "a", "b", "item", "shop_order"]
EDGE = ["order", "select", "user", "Mixed", "ñame", "x" * 64, "y" * 70, "a\x00b", "s\udc80", 'q"t', "b`t",
        "with space", "1digit", ""]
NAMES = st.one_of(st.sampled_from(PLAIN), st.sampled_from(PLAIN), st.sampled_from(EDGE),
                  st.text(min_size=1, max_size=12))
SQL_TYPES = ["int", "bigint", "text", "varchar(20)", "varchar(0)", "varchar(99999999999)", "numeric(10,2)",
             "numeric(99,2)", "boolean", "timestamp", "float8", "double precision", "date", "blob", "nonsense",
             "int[]", "char(1)", "enum('a','b')"]
SQL_DEFAULTS = ["0", "1", "'x'", "NULL", "now()", "'%s'", "'nan'", "1e400", "'a\x00b'", "'\udc80'", "(1+1)",
                "'unterminated", "-1", "true", "CURRENT_TIMESTAMP", "'" + "z" * 300 + "'"]
CHECKS = ["{c} > 0", "%s", "{c} IS NOT NULL", "(" * 600 + "1" + ")" * 600, "{c} <> ''", "?", "$1 > 0",
          "length({c}) < 10", "{c} IN (1, 2)", "nosuchcol > 1", "1/0 = 1"]
PY_VALUES = ["10", "0", "-1", "None", "10**10**7", "len('ab' * 10**9)", "'x'", "'\\udc80'", "'a\\x00b'",
             "+".join(["1"] * 3000), "float('nan')", "[1] * 10**9", "MAX", "undefined_name", "2**64", "(((((1)))))"]
DJANGO_FIELDS = ["CharField(max_length={v})", "IntegerField(default={v})", "TextField(default={v})",
                 "DecimalField(max_digits={v}, decimal_places=2)", "BooleanField(default=False)",
                 "ForeignKey({t!r}, on_delete=models.CASCADE)", "CharField(max_length=20, db_column={n!r})",
                 "FloatField(default={v})", "UnknownField()", "CharField(max_length=10, choices=[('a', 'a')] * {v})"]
SA_COLUMNS = ["Column(String({v}))", "Column(Integer, default={v})", "Column(Integer, server_default={s!r})",
              "Column(Integer, ForeignKey({r!r}))", "Column(Numeric({v}, 2))", "Column({n!r}, Integer)",
              "Column(Float, server_default={s!r})", "Column(Integer, CheckConstraint({k!r}))", "Column(Nope)"]


def quote(name: str, dialect: str) -> str:
    mark = "`" if dialect == "mysql" else '"'
    return mark + name.replace(mark, mark * 2) + mark


@st.composite
def sql_input(draw: st.DrawFn, dialect: str) -> str:
    tables = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    out = []
    for t in tables:
        cols = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
        lines = []
        for c in cols:
            q = quote(c, dialect)
            line = f"  {q} {draw(st.sampled_from(SQL_TYPES))}"
            if draw(st.booleans()):
                line += f" DEFAULT {draw(st.sampled_from(SQL_DEFAULTS))}"
            line += draw(st.sampled_from(["", " NOT NULL", " PRIMARY KEY", " UNIQUE",
                                          f" CHECK ({draw(st.sampled_from(CHECKS)).format(c=q)})",
                                          (f" REFERENCES {quote(draw(st.sampled_from(tables + ['missing'])), dialect)}"
                                          f"({quote(draw(st.sampled_from(cols + ['nope'])), dialect)})")]))
            lines.append(line)
        if draw(st.booleans()):
            named = quote(draw(NAMES), dialect)
            lines.append(draw(st.sampled_from([
                f"  CONSTRAINT {named} UNIQUE ({quote(cols[0], dialect)})",
                f"  CONSTRAINT {named} CHECK ({draw(st.sampled_from(CHECKS)).format(c=quote(cols[0], dialect))})",
                (f"  FOREIGN KEY ({quote(cols[0], dialect)}) REFERENCES {quote(tables[0], dialect)} "
                f"({', '.join(quote(c, dialect) for c in cols)})"),
            ])))
        out.append(f"CREATE TABLE {quote(t, dialect)} (\n" + ",\n".join(lines) + "\n);")
        if draw(st.booleans()):
            out.append(f"CREATE INDEX {quote(draw(NAMES), dialect)} ON {quote(t, dialect)} ({quote(cols[-1], dialect)});")
    text = "\n".join(out) + "\n"
    if draw(st.integers(0, 9)) == 0:  # garbage: cut short, or random text appended
        text = text[:draw(st.integers(0, len(text)))] + draw(st.text(max_size=40))
    return text


@st.composite
def yaml_input(draw: st.DrawFn) -> str:
    tables: dict = {}
    names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    for t in names:
        columns: dict = {}
        for c in draw(st.lists(NAMES, min_size=1, max_size=4, unique=True)):
            spec: dict = {"type": draw(st.sampled_from(SQL_TYPES + ["integer", "float8", "enum:mood"]))}
            for key, values in (("default", [0, "x", float("nan"), float("inf"), None, "%s", "a\x00b", True,
                                             {"expression": "now()"}, {"expression": "%s"}]),
                                ("check", ["%s", f"{c} > 0", "?", "nosuch > 1"]),
                                ("references", [f"{names[0]}.{c}", "missing.id", names[0]]),
                                ("nullable", [False, True, "maybe"]), ("unique", [True, "dup_name"])):
                if draw(st.integers(0, 3)) == 0:
                    spec[key] = draw(st.sampled_from(values))
            columns[c] = spec
        tables[t] = {"columns": columns}
        if draw(st.integers(0, 3)) == 0:
            tables[t]["checks"] = [{"name": "dup_name", "expression": draw(st.sampled_from(CHECKS)).format(c="x")}]
    doc: dict = {"tables": tables}
    if draw(st.integers(0, 4)) == 0:
        doc["enums"] = {"mood": draw(st.sampled_from([["a", "b"], [], ["a", "a"], "notalist"]))}
    text = yaml.safe_dump(doc, allow_unicode=True)
    if draw(st.integers(0, 9)) == 0:
        depth = draw(st.integers(10, 1500))
        text += "deep: " + "[" * depth + "]" * depth + "\n"
    if draw(st.integers(0, 9)) == 0:
        text = text[:draw(st.integers(0, len(text)))] + draw(st.text(max_size=40))
    return text


def _python_field(draw: st.DrawFn, templates: list[str], others: list[str]) -> str:
    return draw(st.sampled_from(templates)).format(
        v=draw(st.sampled_from(PY_VALUES)), t=draw(st.sampled_from(others + ["missing.Model"])),
        n=draw(NAMES), s=draw(st.sampled_from(SQL_DEFAULTS)), r=draw(st.sampled_from(others + ["missing.id"])),
        k=draw(st.sampled_from(CHECKS)).format(c="x"))


@st.composite
def django_models(draw: st.DrawFn) -> str:
    classes = draw(st.lists(st.sampled_from(["Item", "Shop", "Order", "Tag"]), min_size=1, max_size=3, unique=True))
    out = ["from django.db import models", "", "MAX = 40", ""]
    for cls in classes:
        out.append(f"class {cls}(models.Model):")
        fields = draw(st.lists(st.sampled_from(PLAIN), min_size=1, max_size=4, unique=True))
        for f in fields:
            out.append(f"    {f} = models.{_python_field(draw, DJANGO_FIELDS, classes)}")
        if draw(st.booleans()):
            out.append("    class Meta:")
            out.append(f"        db_table = {draw(NAMES)!r}")
            out.append(f"        indexes = [models.Index(fields=[{draw(st.sampled_from(fields + ['nope']))!r}], "
                       f"name={draw(NAMES)!r})]")
        out.append("")
    return "\n".join(out) + "\n"


@st.composite
def sqlalchemy_models(draw: st.DrawFn) -> str:
    classes = draw(st.lists(st.sampled_from(["Item", "Shop", "Order"]), min_size=1, max_size=3, unique=True))
    out = ["from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Integer, Numeric, String",
           "from sqlalchemy.orm import declarative_base", "", "Base = declarative_base()", "MAX = 40", ""]
    tables = [draw(NAMES) for _ in classes]
    for cls, table in zip(classes, tables):
        out += [f"class {cls}(Base):", f"    __tablename__ = {table!r}", "    id = Column(Integer, primary_key=True)"]
        for f in draw(st.lists(st.sampled_from(PLAIN[1:]), min_size=0, max_size=4, unique=True)):
            out.append(f"    {f} = {_python_field(draw, SA_COLUMNS, [t + '.id' for t in tables])}")
        out.append("")
    return "\n".join(out) + "\n"


OPERATIONS = [
    ("migrations.CreateModel(name='Item', fields=[('id', models.AutoField(primary_key=True)), "
    "('name', models.CharField(max_length={v}))])"),
    "migrations.AddField(model_name='item', name='price', field=models.IntegerField(default={v}))",
    "migrations.RemoveField(model_name='item', name='nope')",
    "migrations.AlterField(model_name='item', name='name', field=models.TextField(default={v}))",
    "migrations.AddIndex(model_name='item', index=models.Index(fields=['nope'], name='i'))",
    "migrations.RenameModel(old_name='Item', new_name='Item')", "migrations.RunSQL({v})",
    "migrations.DeleteModel(name='Missing')", "Unknown()",
]


@st.composite
def django_migrations(draw: st.DrawFn) -> dict[str, str]:
    names = ["0001_initial", *draw(st.lists(st.sampled_from(["0002_b", "0003_c", "0002_self"]), max_size=2,
                                            unique=True))]
    files = {}
    for i, name in enumerate(names):
        deps = draw(st.sampled_from([[], [names[i - 1]] if i else [], names, ["0009_missing"]]))
        replaces = draw(st.sampled_from([[], [name], ["0001_initial"]])) if i else []
        ops = draw(st.lists(st.sampled_from(OPERATIONS), min_size=0 if i else 1, max_size=3))
        ops = [o.format(v=draw(st.sampled_from(PY_VALUES))) for o in ops]
        files[name] = ("from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
                       f"    dependencies = {[('shop', d) for d in deps]!r}\n"
                       f"    replaces = {[('shop', r) for r in replaces]!r}\n"
                       f"    operations = [{', '.join(ops)}]\n")
    return files


@st.composite
def cases(draw: st.DrawFn, readers: tuple[str, ...] = READERS) -> tuple[str, str, object]:
    reader = draw(st.sampled_from(readers))
    dialect = draw(st.sampled_from(DIALECTS))
    made = {"sql": lambda: draw(sql_input(dialect)), "yaml": lambda: draw(yaml_input()),
            "django-models": lambda: draw(django_models()), "sqlalchemy-models": lambda: draw(sqlalchemy_models()),
            "django-migrations": lambda: draw(django_migrations())}[reader]()
    return reader, dialect, made


# -- running one -------------------------------------------------------------------------------------
class TooLong(BaseException):
    """A run past the bench's hard limit (SIGALRM): counted, never waited for."""


@dataclass
class Result:
    reader: str
    dialect: str
    exit: int
    seconds: float
    message: str = ""
    refused_by: str = ""  # the database's refusal of an exit-0 up, when it refused


@dataclass
class Tally:
    results: list[Result] = field(default_factory=list)

    def summary(self) -> dict:
        exits = Counter(r.exit for r in self.results)
        by_reader = Counter(r.reader for r in self.results)
        return {"inputs": len(self.results), "exit_codes": {str(k): v for k, v in sorted(exits.items())},
                "per_reader": dict(sorted(by_reader.items())), "exit_3": exits.get(3, 0),
                "over_10s": sum(r.seconds > SLOW for r in self.results),
                "exit_0_refused": sum(bool(r.refused_by) for r in self.results),
                "applied": sum(r.exit == 0 and r.reader != "django-migrations" for r in self.results),
                "slowest_s": round(max((r.seconds for r in self.results), default=0.0), 2)}

    def problems(self) -> list[dict]:
        return [r.__dict__ for r in self.results if r.exit == 3 or r.seconds > SLOW or r.refused_by]


def _write(root: Path, reader: str, made: object) -> tuple[list[str], Path | None]:
    """The files of one input, and the command line that reads them (and the folder to run it in)."""
    if reader == "django-migrations":
        files = {"manage.py": "", "conf/__init__.py": "", "shop/__init__.py": "", "shop/migrations/__init__.py": "",
                 "conf/settings.py": ('SECRET_KEY = "x"\nINSTALLED_APPS = ["shop"]\nDATABASES = {"default": '
                                      '{"ENGINE": "django.db.backends.sqlite3", "NAME": "db"}}\n'),
                 "shop/models.py": "from django.db import models\n\n\nclass Item(models.Model):\n"
                                   "    name = models.CharField(max_length=40)\n",
                 **{f"shop/migrations/{k}.py": v for k, v in made.items()}}  # type: ignore[union-attr]
        files["manage.py"] = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")\n'
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, errors="surrogatepass")
        return ["generate", ".", "--dry-run", "--engine", "static"], root
    target = {"sql": root / "schema.sql", "yaml": root / "schema.yaml", "sqlalchemy-models": root / "models.py",
              "django-models": root / "shop" / "models.py"}[reader]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(str(made), errors="surrogatepass")
    source = target.parent if reader == "django-models" else target
    return ["diff", "empty", str(source), "--json", "--compact"], None


def run_one(reader: str, dialect: str, made: object, databases: Databases | None) -> Result:
    with tempfile.TemporaryDirectory(prefix="mgen-fuzz-") as tmp:
        argv, cwd = _write(Path(tmp), reader, made)
        if argv[0] == "diff":
            argv += ["--dialect", dialect]
        out, err = io.StringIO(), io.StringIO()
        previous = os.getcwd()
        started = time.monotonic()
        signal.signal(signal.SIGALRM, _too_long)
        signal.alarm(60)
        try:
            if cwd is not None:
                os.chdir(cwd)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(argv)
        except SystemExit as e:  # argparse's own refusal
            code = int(e.code or 0)
        except TooLong:
            code = -1
        finally:
            signal.alarm(0)
            os.chdir(previous)
        seconds = time.monotonic() - started
        result = Result(reader, dialect, code, seconds, err.getvalue().strip().splitlines()[0][:300]
                        if err.getvalue().strip() else "")
        if code == 0 and argv[0] == "diff" and databases is not None:
            up = json.loads(out.getvalue()).get("up") or []
            result.refused_by = databases.refusal(dialect, up)
        return result


def _too_long(signum: int, frame: object) -> None:
    raise TooLong


# -- the judges --------------------------------------------------------------------------------------
class Databases:
    """One scratch database per server for the whole run; each input gets a fresh schema (PostgreSQL), a fresh
    database (MariaDB) or a fresh in-memory database (SQLite)."""

    def __init__(self) -> None:
        import psycopg
        import pymysql

        self.name = f"mgen_fuzz_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.admin = psycopg.connect(PG_URL, autocommit=True)
        self.admin.execute(f'CREATE DATABASE "{self.name}"')
        base = PG_URL.rsplit("/", 1)[0]
        self.pg = psycopg.connect(f"{base}/{self.name}", autocommit=True)
        self.my = pymysql.connect(**MYSQL, autocommit=True)
        self.count = 0

    def close(self) -> None:
        self.pg.close()
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        self.admin.close()
        self.my.close()

    def refusal(self, dialect: str, statements: list[str]) -> str:
        """'' when the database takes every statement, else its error."""
        self.count += 1
        try:
            {"postgresql": self._postgresql, "mysql": self._mysql, "sqlite": self._sqlite}[dialect](statements)
        except Exception as e:  # noqa: BLE001 - any refusal is the finding
            return f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
        return ""

    def _postgresql(self, statements: list[str]) -> None:
        schema = f"s{self.count}"
        self.pg.execute(f"CREATE SCHEMA {schema}")
        try:
            self.pg.execute(f"SET search_path TO {schema}")
            for s in statements:
                self.pg.execute(s.encode("utf-8", "surrogateescape"))
        finally:
            self.pg.execute(f"DROP SCHEMA {schema} CASCADE")

    def _mysql(self, statements: list[str]) -> None:
        name = f"{self.name}_{self.count}"
        cursor = self.my.cursor()
        cursor.execute(f"CREATE DATABASE `{name}`")
        try:
            self.my.select_db(name)
            for s in statements:
                cursor.execute(s)
        finally:
            cursor.execute(f"DROP DATABASE `{name}`")

    def _sqlite(self, statements: list[str]) -> None:
        connection = sqlite3.connect(":memory:")
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            for s in statements:
                connection.execute(s)
        finally:
            connection.close()


# -- the run -----------------------------------------------------------------------------------------
def run(examples: int, seed: int = 0, readers: tuple[str, ...] = READERS, apply: bool = True) -> Tally:
    tally = Tally()
    databases = Databases() if apply else None

    @settings(max_examples=examples, derandomize=not seed, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(cases(readers))
    def one(case: tuple[str, str, object]) -> None:
        tally.results.append(run_one(*case, databases))

    os.environ.setdefault("MGEN_CACHE_DIR", tempfile.mkdtemp(prefix="mgen-fuzz-cache-"))
    try:
        (hypothesis_seed(seed)(one) if seed else one)()
    finally:
        if databases is not None:
            databases.close()
    return tally


def markdown(summary: dict, problems: list[dict]) -> str:
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| inputs | {summary['inputs']} ({', '.join(f'{k} {v}' for k, v in summary['per_reader'].items())}) |",
              f"| exit codes | {', '.join(f'{k}: {v}' for k, v in summary['exit_codes'].items())} |",
              f"| exit 3 (internal error) | {summary['exit_3']} |",
              f"| runs over 10 s | {summary['over_10s']} (slowest {summary['slowest_s']} s) |",
              f"| exit 0 whose SQL the database refuses | {summary['exit_0_refused']} of {summary['applied']} applied |"]
    for p in problems[:30]:
        lines.append(f"- {p['reader']} / {p['dialect']}: exit {p['exit']} in {p['seconds']:.1f} s: "
                     f"{p['message'] or p['refused_by']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=0, help="0: Hypothesis derandomized (repeatable)")
    parser.add_argument("--readers", nargs="*", choices=READERS, default=list(READERS))
    parser.add_argument("--json")
    parser.add_argument("--out")
    args = parser.parse_args()
    tally = run(args.examples, args.seed, tuple(args.readers))
    summary, problems = tally.summary(), tally.problems()
    text = markdown(summary, problems)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "problems": problems}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
