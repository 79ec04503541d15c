"""The project cache (`.claude/cache/db/`): entries with `depends_on`, freshness, atomic and concurrent writes,
corrupt entries rebuilt, no password on disk, and real entries validated against the documented schemas in
the top-level `cache/` folder."""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import write_tree as write

from mgen import projectcache as pc
from mgen.workflow import _standalone

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "cache"




# =============================================================================================
# entries and freshness
# =============================================================================================
def test_store_and_load_fresh(tmp_path: Path):
    write(tmp_path, {"a.txt": "one", "sub/b.txt": "two"})
    written = pc.store(tmp_path, "orm-type.json", {"framework": "django"},
                       [tmp_path / "a.txt", tmp_path / "sub", tmp_path / "missing.txt"])
    entry = pc.load_fresh(tmp_path, "orm-type.json")
    assert entry == written
    assert entry["format"] == 1 and entry["kind"] == "orm-type" and entry["mgen"] == pc.__version__
    assert set(entry["depends_on"]) == {"a.txt", "sub", "missing.txt"}
    assert entry["depends_on"]["missing.txt"] is None and entry["depends_on"]["sub"]["dir"] is True
    assert pc.is_fresh(tmp_path, entry)


@pytest.mark.parametrize("change", ["edit same size", "edit other size", "delete", "create the absent file",
                                    "add a file to the folder", "another mgen wrote it"])
def test_stale_when_a_dependency_changes(tmp_path: Path, change: str):
    write(tmp_path, {"a.txt": "one", "sub/b.txt": "two"})
    pc.store(tmp_path, "orm-type.json", {"framework": "django"}, [tmp_path / "a.txt", tmp_path / "sub", tmp_path / "x"])
    if change == "edit same size":  # within the same mtime tick, maybe: the hash still tells
        (tmp_path / "a.txt").write_text("two")
    elif change == "edit other size":
        (tmp_path / "a.txt").write_text("three")
    elif change == "delete":
        (tmp_path / "a.txt").unlink()
    elif change == "create the absent file":
        (tmp_path / "x").write_text("")
    elif change == "add a file to the folder":
        (tmp_path / "sub" / "c.txt").write_text("")
    else:
        path = tmp_path / pc.FOLDER / "orm-type.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), "mgen": "0.0.1"}))
    assert not pc.is_fresh(tmp_path, pc.load(tmp_path, "orm-type.json"))
    assert pc.load_fresh(tmp_path, "orm-type.json") is None


def test_same_content_is_fresh_and_the_fingerprint_is_refreshed(tmp_path: Path):
    write(tmp_path, {"a.txt": "one", "sub/b.txt": ""})
    os.utime(tmp_path / "a.txt", ns=(1_000_000_000, 1_000_000_000))
    pc.store(tmp_path, "db-type.json", {"dialect": None}, [tmp_path / "a.txt", tmp_path / "sub"])
    (tmp_path / "a.txt").write_text("one")  # rewritten, same content: a new mtime
    (tmp_path / "sub" / ".hidden").write_text("")  # hidden names are not part of a folder's listing
    assert pc.load_fresh(tmp_path, "db-type.json") is not None
    # the new mtime is too recent to be trusted next time: the recorded fingerprint stays as it was
    assert pc.load(tmp_path, "db-type.json")["depends_on"]["a.txt"]["mtime_ns"] == 1_000_000_000
    os.utime(tmp_path / "a.txt", ns=(2_000_000_000, 2_000_000_000))
    assert pc.load_fresh(tmp_path, "db-type.json") is not None
    # an old enough mtime with the same content: refreshed on disk, the next check is one stat
    assert pc.load(tmp_path, "db-type.json")["depends_on"]["a.txt"]["mtime_ns"] == 2_000_000_000


def test_a_recent_fingerprint_is_checked_by_hash(tmp_path: Path):
    """Size and mtime are not trusted right after the file changed: a second same-size write in the
    same timestamp tick would hide behind them."""
    path = write(tmp_path, {"a.txt": "one"}) / "a.txt"
    recorded = pc.take_fingerprint(path)
    st = path.stat()
    path.write_text("two")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only the hash differs
    assert pc.check_fingerprint(path, recorded) == (False, None)


def test_invalid_entries_are_not_trusted(tmp_path: Path):
    folder = tmp_path / pc.FOLDER
    folder.mkdir(parents=True)
    for text in ("", "{not json", "[1, 2]", '{"format": 2, "kind": "orm-type"}', '{"format": 1, "kind": "db-type"}',
                 '{"format": 1, "kind": "orm-type", "depends_on": [1]}', "\xff\xfe"):
        (folder / "orm-type.json").write_text(text, encoding="latin-1")
        assert pc.load(tmp_path, "orm-type.json") is None
        assert pc.load_fresh(tmp_path, "orm-type.json") is None
        assert pc.describe(tmp_path)[0]["state"] == "invalid"


def test_the_lead_api_still_works(tmp_path: Path):
    pc.write_entry(tmp_path, "django-history.json", "django-history", 1, {"stamp": {}, "files": {}, "replayed": {}})
    assert pc.read_entry(tmp_path, "django-history.json", "django-history", 1)["files"] == {}
    assert pc.read_entry(tmp_path, "django-history.json", "django-history", 2) is None
    assert pc.file_fingerprint(tmp_path / "nope") is None
    assert pc.describe(tmp_path) == [{"name": "django-history.json", "kind": "django-history", "format": 1,
                                      "state": "valid", "size": (tmp_path / pc.FOLDER / "django-history.json")
                                      .stat().st_size}]


def test_states_and_fingerprints_share_schema_state(tmp_path: Path):
    pc.put_state(tmp_path, "django", {"models": 3, "url": "postgresql://u:pw@h/db"})
    assert pc.load_fingerprints(tmp_path) is None  # a state alone is no baseline
    pc.save_fingerprints(tmp_path, {"a.py": None})
    pc.put_state(tmp_path, "alembic", {"head": "abc"})
    assert pc.load_fingerprints(tmp_path) == {"a.py": None}
    assert pc.get_state(tmp_path, "django") == {"models": 3, "url": "postgresql://u:***@h/db"}
    assert pc.get_state(tmp_path, "alembic") == {"head": "abc"}


def test_no_password_reaches_the_disk(tmp_path: Path):
    pc.store(tmp_path, "db-type.json", {
        "dialect": "mysql", "source": "alembic.ini", "detail": "from mysql://root:hunter2@db:3306/app here",
        "url": "mysql+pymysql://root:hunter2@db:3306/app", "more": [{"u": "postgresql://a:hunter2@h/x?sslmode=require"}]})
    text = (tmp_path / pc.FOLDER / "db-type.json").read_text()
    assert "hunter2" not in text
    entry = pc.load(tmp_path, "db-type.json")
    assert entry["url"] == "mysql+pymysql://root:***@db:3306/app"
    assert entry["detail"] == "from mysql://root:***@db:3306/app here"


def test_cache_off(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MGEN_PROJECT_CACHE", "off")
    pc.store(tmp_path, "orm-type.json", {"framework": "django"})
    pc.save_fingerprints(tmp_path, {})
    assert not (tmp_path / ".claude").exists()


def test_clear_keeps_other_tools_files_and_removes_leftover_temp_files(tmp_path: Path):
    pc.store(tmp_path, "orm-type.json", {"framework": "django"})
    write(tmp_path / pc.FOLDER, {".orm-type.json.abc123.tmp": "{", "types.json": "{}"})
    assert pc.clear(tmp_path) == [".orm-type.json.abc123.tmp", "orm-type.json"]
    assert sorted(os.listdir(tmp_path / pc.FOLDER)) == [".gitignore", "types.json"]


# =============================================================================================
# concurrency: two processes writing the same entry at once
# =============================================================================================
def _writer(root: str, tag: str, count: int) -> None:
    for i in range(count):
        pc.store(Path(root), "last-migration.json",
                 {"framework": "django", "migrations": [{"scope": tag, "name": f"{i:04d}_x" * 50, "path": None}],
                  "error": None})


def test_concurrent_writers_never_corrupt_the_entry(tmp_path: Path):
    ctx = multiprocessing.get_context("spawn")
    count = 150
    writers = [ctx.Process(target=_writer, args=(str(tmp_path), tag, count)) for tag in ("a", "b")]
    for w in writers:
        w.start()
    path = tmp_path / pc.FOLDER / "last-migration.json"
    reads = 0
    deadline = time.monotonic() + 60
    while any(w.is_alive() for w in writers) and time.monotonic() < deadline:
        try:
            text = path.read_text()
        except FileNotFoundError:
            continue
        data = json.loads(text)  # always a whole file: the old one or the new one
        assert data["kind"] == "last-migration" and data["migrations"][0]["scope"] in ("a", "b")
        reads += 1
    for w in writers:
        w.join(30)
        assert w.exitcode == 0
    final = pc.load(tmp_path, "last-migration.json")
    assert final["migrations"][0]["name"] == f"{count - 1:04d}_x" * 50  # the last write of one of them
    assert [n for n in os.listdir(path.parent) if n.endswith(".tmp")] == []  # no temporary file left
    assert reads > 0


# =============================================================================================
# real entries against the documented schemas (a minimal JSON Schema validator: jsonschema is not a
# dependency)
# =============================================================================================
_ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "$defs", "examples", "default"}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text())


def _resolve(ref: str, here: str) -> tuple[dict[str, Any], str]:
    file, _, pointer = ref.partition("#")
    file = file or here
    node: Any = _load_schema(file)
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    return node, file


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name in ("object", "array", "string", "null"):
        return isinstance(value, _TYPES[name])
    if name == "boolean":
        return isinstance(value, bool)
    raise AssertionError(f"unknown type {name}")


def validate(value: Any, schema: dict[str, Any], here: str, where: str = "$") -> list[str]:
    """The subset of draft 2020-12 the cache schemas use; an unknown keyword is an error, not ignored."""
    errors: list[str] = []
    for key, arg in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key == "$ref":
            target, file = _resolve(arg, here)
            errors += validate(value, target, file, where)
        elif key == "type":
            names = arg if isinstance(arg, list) else [arg]
            if not any(_is_type(value, n) for n in names):
                errors.append(f"{where}: {value!r:.60} is not of type {arg}")
        elif key == "const":
            if value != arg or type(value) is not type(arg):
                errors.append(f"{where}: {value!r:.60} != {arg!r}")
        elif key == "enum":
            if not any(value == a and type(value) is type(a) for a in arg):
                errors.append(f"{where}: {value!r:.60} not in {arg}")
        elif key == "anyOf":
            if all(validate(value, s, here, where) for s in arg):
                errors.append(f"{where}: {value!r:.60} matches none of anyOf")
        elif key == "properties":
            if isinstance(value, dict):
                for name, sub in arg.items():
                    if name in value:
                        errors += validate(value[name], sub, here, f"{where}.{name}")
        elif key == "required":
            if isinstance(value, dict):
                errors += [f"{where}: missing {name}" for name in arg if name not in value]
        elif key == "additionalProperties":
            if isinstance(value, dict):
                known = set(schema.get("properties", {}))
                for name, item in value.items():
                    if name in known:
                        continue
                    if arg is False:
                        errors.append(f"{where}: unexpected {name}")
                    elif isinstance(arg, dict):
                        errors += validate(item, arg, here, f"{where}.{name}")
        elif key == "items":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    errors += validate(item, arg, here, f"{where}[{i}]")
        elif key == "minimum":
            if _is_type(value, "number") and value < arg:
                errors.append(f"{where}: {value} < {arg}")
        elif key == "minLength":
            if isinstance(value, str) and len(value) < arg:
                errors.append(f"{where}: shorter than {arg}")
        elif key == "pattern":
            if isinstance(value, str) and not re.search(arg, value):
                errors.append(f"{where}: {value!r:.60} does not match {arg}")
        else:
            raise AssertionError(f"the test validator does not know {key!r} ({here}): add it")
    return errors


def test_the_validator_rejects_what_it_should():
    schema = _load_schema("db-type.schema.json")
    good = {"format": 1, "kind": "db-type", "mgen": "0.1.0", "depends_on": {"a": None}, "dialect": "sqlite",
            "source": None, "detail": None, "url": None}
    assert validate(good, schema, "db-type.schema.json") == []
    for bad in ({**good, "format": 2}, {**good, "dialect": "oracle"}, {k: v for k, v in good.items() if k != "url"},
                {**good, "depends_on": {"a": {"size": 1}}}, {**good, "depends_on": {"a": {
                    "size": 1, "mtime_ns": 1, "sha256": "x" * 64, "checked_ns": 1}}}):
        assert validate(bad, schema, "db-type.schema.json"), bad


def test_every_schema_file_is_listed_and_valid_json():
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert names == ["common.schema.json", "db-type.schema.json", "django-history.schema.json",
                     "django-models.schema.json", "drift.schema.json", "last-migration.schema.json",
                     "orm-type.schema.json", "schema-state.schema.json"]
    readme = (SCHEMAS / "README.md").read_text()
    for name in names:
        assert f"({name})" in readme
        assert _load_schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


DJANGO = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
    "mysite/__init__.py": "",
    "mysite/settings.py": ("INSTALLED_APPS = ['blog']\n"
                           "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'x'}}\n"),
    "blog/__init__.py": "",
    "blog/models.py": "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.TextField()\n",
    "blog/migrations/__init__.py": "",
    "blog/migrations/0001_initial.py": (
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
        "    initial = True\n    dependencies = []\n    operations = [migrations.CreateModel(name='Post', fields=[\n"
        "        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),\n"
        "        ('title', models.TextField()),\n    ])]\n"),
}
ALEMBIC = {
    "alembic.ini": "[alembic]\nscript_location = migrations\nsqlalchemy.url = mysql://root:pw-123@localhost/app\n",
    "migrations/env.py": "from app.models import Base\ntarget_metadata = Base.metadata\n",
    "migrations/versions/abc_init.py": 'revision = "abc"\ndown_revision = None\n',
    "app/__init__.py": "",
    "app/models.py": "",
}
SQL = {"db/migrations/001_init.sql": "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n",
       "db/schema.sql": "CREATE TABLE t (id int);\n"}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    code = _standalone(list(args))
    capsys.readouterr()
    return code


def test_real_entries_match_the_schemas(tmp_path: Path, capsys):
    written: dict[str, list[dict[str, Any]]] = {}

    def collect(root: Path) -> None:
        for path in sorted((root / pc.FOLDER).glob("*.json")):
            written.setdefault(path.name, []).append(json.loads(path.read_text()))

    for name, files in (("dj", DJANGO), ("al", ALEMBIC), ("sq", SQL)):
        root = write(tmp_path / name, files)
        assert _run(capsys, "status", str(root)) == 0
        pc.put_state(root, "any", {"depends_on": {}, "payload": [1, 2]})
        collect(root)
        (root / next(iter(files))).write_text("broken\n")  # manage.py, alembic.ini, a migration: read errors
        _run(capsys, "status", str(root))
        collect(root)
    from mgen.frameworks.django.project import load_project
    from mgen.frameworks.django.replay import models_state, replay_project
    from mgen.frameworks.drift import drift

    dj2 = write(tmp_path / "dj2", DJANGO)
    replay_project(load_project(dj2))  # the Django reader writes django-history.json
    models_state(load_project(dj2))  # and django-models.json
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(dj2), *args], check=True, capture_output=True,
                       env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "t",
                            "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"})
    assert drift(dj2) is not None  # drift.json
    collect(dj2)
    assert sorted(written) == ["db-type.json", "django-history.json", "django-models.json", "drift.json",
                               "last-migration.json", "orm-type.json", "schema-state.json"]
    assert written["django-history.json"][0]["files"]  # a real entry, with the migration in it
    for name, entries in written.items():
        schema_name = name.replace(".json", ".schema.json")
        for entry in entries:
            assert validate(entry, _load_schema(schema_name), schema_name) == [], (name, entry)
    assert not any("pw-123" in json.dumps(e) for entries in written.values() for e in entries)
