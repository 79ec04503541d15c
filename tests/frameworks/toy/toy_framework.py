"""A toy framework, written as a test fixture: the proof that a framework is one package behind
``mgen.frameworks.base.Framework`` and nothing else.

- a project is a folder holding ``toy.yaml``: the "models", in mgen's YAML schema format, its first line
  ``# dialect: NAME``;
- its history is ``toymigrations/NNNN_<name>.toy``: one file per migration, ``-- up`` then ``-- down``
  sections of SQL statements;
- ``/migrate status`` lists the migration files (its "own command", run with the project's Python).
"""
from __future__ import annotations

import re
from pathlib import Path

from mgen.errors import MgenError
from mgen.frameworks.base import Framework
from mgen.frameworks.records import Detection, Options, State, Written, WrittenMigration
from mgen.scope import PathRule

FOLDER = "toymigrations"
_FILE = re.compile(r"^(\d{4})_(\w+)\.toy$")

TEST_TEMPLATE = '''"""Applies {name} up, down and up again on an SQLite file (written by mgen generate --with-tests)."""
import sqlite3
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent.parent / "{folder}"


def sections(path):
    text = path.read_text()
    up, _, down = text.partition("-- down")
    return [s for s in up.replace("-- up", "").split(";") if s.strip()], [s for s in down.split(";") if s.strip()]


def tables(db):
    return sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))


def test_{stem}(tmp_path):
    db = sqlite3.connect(tmp_path / "t.db")
    files = sorted(MIGRATIONS.glob("*.toy"))
    for path in files[:-1]:
        for statement in sections(path)[0]:
            db.execute(statement)
    before = tables(db)
    up, down = sections(files[-1])
    for statement in up:
        db.execute(statement)
    after = tables(db)
    for statement in down:
        db.execute(statement)
    assert tables(db) == before
    for statement in up:
        db.execute(statement)
    assert tables(db) == after
'''


class ToyFramework(Framework):
    name = "toy"
    title = "Toy"
    capabilities = frozenset({"generate", "migrate", "tests", "docs"})
    found_by = "toy.yaml"

    def detect(self, root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
        models = root / "toy.yaml"
        if not models.is_file():
            return None
        sources.append(models)
        first = models.read_text().partition("\n")[0]
        dialect = first.partition("dialect:")[2].strip() or None
        evidence.append(line := f"toy.yaml: dialect {dialect}")
        return Detection(root, self.name, dialect, models, dialect_source="toy.yaml", dialect_detail=line)

    def schema_rules(self, root: Path, detection) -> list[PathRule]:
        return [PathRule("", ("toy.yaml",)), PathRule(FOLDER, ("*.toy",))]

    def last_migrations(self, root: Path, detection, scope, deps: list[Path]) -> list[dict]:
        deps.append(root / FOLDER)
        files = _migrations(root)
        return [{"scope": FOLDER, "name": files[-1].stem, "path": f"{FOLDER}/{files[-1].name}"}] if files else []

    def desired_state(self, options: Options) -> State:
        from mgen.sources.yaml_schema import read_yaml_schema

        return State(read_yaml_schema(str(options.project / "toy.yaml")), [], "toy.yaml")

    def current_state(self, options: Options) -> State:
        from mgen.schema import Schema
        from mgen.sources.sql import read_sql_text

        schema = Schema()
        for path in _migrations(options.project):
            schema = read_sql_text(_sections(path)[0], self.dialect_of(options), schema, str(path))
        return State(schema, [], "toy migrations replayed")

    def write(self, plan, options: Options) -> Written:
        from mgen.plan import auto_name

        files = _migrations(options.project)
        number = int(_FILE.match(files[-1].name).group(1)) + 1 if files else 1
        name = f"{number:04d}_{(options.name or auto_name(plan.ops)).replace(' ', '_')}.toy"
        text = "-- up\n" + "".join(f"{s};\n" for s in plan.up) + "-- down\n" + "".join(f"{s};\n" for s in plan.down)
        if options.dry_run:
            return Written(preview=text)
        target = options.project / FOLDER / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
        return Written([target])

    def migrate_command(self, action: str, root: Path, name: str | None, python: str) -> list[str]:
        if action != "status":
            raise self.unsupported(f"migrate {action}")
        return [python, "-c", f"import os; print(*sorted(os.listdir({FOLDER!r})), sep='\\n')"]

    def written_migrations(self, data: dict, project: Path, files: list[Path]):
        path = files[0]
        migration = WrittenMigration(path, path.stem, f"toy apply {path.stem}", f"toy revert {path.stem}")

        def tests() -> list[tuple[Path, str]]:
            return [(project / "tests" / f"test_{path.stem}.py", TEST_TEMPLATE.format(
                name=path.stem, stem=path.stem, folder=FOLDER))]
        return [migration], tests


def _migrations(root: Path) -> list[Path]:
    folder = root / FOLDER
    return sorted(p for p in folder.iterdir() if _FILE.match(p.name)) if folder.is_dir() else []


def _sections(path: Path) -> tuple[str, str]:
    up, sep, down = path.read_text().partition("-- down")
    if not sep:
        raise MgenError("a toy migration needs a '-- down' section", str(path))
    return up.replace("-- up", "", 1), down



