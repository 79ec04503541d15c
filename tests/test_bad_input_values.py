"""Python input mgen reads statically that is bad or hostile is exit 2 with one line naming the file, never an
internal error or a run that does not end (issue #15 item 10): an expression of 3,000 terms, constants
whose value is astronomically large (``10**10**7``, ``['app'] * 10**9``: the evaluator bounds its work,
``mgen.frameworks.bounded``), and a Django migration that replaces itself."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.frameworks import bounded

SETTINGS = ('SECRET_KEY = "x"\nINSTALLED_APPS = ["shop"]\n'
            'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db"}}\n')
INITIAL = ('from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n'
           '    dependencies = []\n    operations = [migrations.CreateModel(name="Item", fields=[("id", '
           'models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")), '
           '("name", models.TextField())])]\n')
MODEL = "from django.db import models\n{before}\n\nclass Item(models.Model):\n    name = {field}\n"


def _django(root: Path, models: str, migrations: dict[str, str] | None = None) -> Path:
    files = {"manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")\n',
             "conf/__init__.py": "", "conf/settings.py": SETTINGS, "shop/__init__.py": "",
             "shop/migrations/__init__.py": "", "shop/models.py": models,
             **{f"shop/migrations/{k}.py": v for k, v in (migrations or {}).items()}}
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def _mgen(args: list[str], cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mgen.cli", *args], cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=300, check=False, env={**os.environ, "MGEN_CACHE_DIR": str(tmp_path / "c")})


GENERATE = ["generate", ".", "--dry-run", "--engine", "static"]


@pytest.mark.parametrize(("before", "field"), [
    ("", "models.CharField(max_length=10**10**7)"),
    ("X = ['app'] * 10**9\n", "models.CharField(max_length=len(X))"),
    ("", "models.CharField(max_length=10, choices=[('a', 'a')] * 10**9)"),
    ("", "models.CharField(max_length=len('%*d' % (10**9, 1)))"),
])
def test_huge_constant_is_not_computed(before: str, field: str, tmp_path: Path) -> None:
    root = _django(tmp_path / "p", MODEL.format(before=before, field=field))
    done = _mgen(GENERATE, root, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "shop/models.py:" in done.stderr and "internal error" not in done.stderr


def test_a_bounded_constant_is_still_computed(tmp_path: Path) -> None:
    root = _django(tmp_path / "p", MODEL.format(before="N = 2 ** 6\n", field="models.CharField(max_length=N * 2)"))
    done = _mgen([*GENERATE, "--json"], root, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "max_length=128" in done.stdout


@pytest.mark.parametrize(("op", "left", "right", "fits"), [
    (ast.Pow(), 10, 10 ** 7, False), (ast.Pow(), 2, 64, True), (ast.Pow(), 1, 10 ** 9, True),
    (ast.Mult(), ["app"], 10 ** 9, False), (ast.Mult(), "ab", 100, True), (ast.Mult(), 10 ** 9, "x", False),
    (ast.Mult(), 2 ** 3000, 2 ** 3000, False), (ast.Add(), "a" * 60_000, "b" * 60_000, False),
    (ast.Mod(), "%*d", (10 ** 9, 1), False), (ast.Mod(), "%s-%d", ("a", 1), True),
    (ast.LShift(), 1, 10 ** 9, False), (ast.Sub(), 10 ** 9, 1, True),
])
def test_bounds(op: ast.operator, left: object, right: object, fits: bool) -> None:
    assert bounded.fits(op, left, right) is fits


def test_a_long_expression_names_its_file(tmp_path: Path) -> None:
    root = _django(tmp_path / "p", MODEL.format(before="", field="models.CharField(max_length="
                                                + "+".join(["1"] * 3000) + ")"))
    done = _mgen(GENERATE, root, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "shop/models.py" in done.stderr and "nested too deeply" in done.stderr


def test_a_long_sqlalchemy_expression_names_its_file(tmp_path: Path) -> None:
    models = tmp_path / "models.py"
    models.write_text("import sqlalchemy as sa\nmeta = sa.MetaData()\nt = sa.Table('t', meta, sa.Column('id', "
                      "sa.Integer, primary_key=True), sa.Column('n', sa.String(" + "+".join(["1"] * 3000) + ")))\n")
    done = _mgen(["diff", "empty", str(models), "--dialect", "postgresql"], tmp_path, tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{models}: " in done.stderr and "nested too deeply" in done.stderr


def test_a_migration_that_replaces_itself_is_refused(tmp_path: Path) -> None:
    selfish = ("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
               "    replaces = [('shop', '0002_self')]\n    dependencies = [('shop', '0001_initial')]\n"
               "    operations = []\n")
    root = _django(tmp_path / "p", MODEL.format(before="", field="models.TextField()"),
                   {"0001_initial": INITIAL, "0002_self": selfish})
    # Django's loader drops it from its own graph and the app is left without a leaf migration
    judge = subprocess.run([sys.executable, "-c", ("import django; django.setup()\n"
                            "from django.db.migrations.loader import MigrationLoader\n"
                            "print(MigrationLoader(None).graph.leaf_nodes('shop'))")],
                           cwd=root, env={**os.environ, "DJANGO_SETTINGS_MODULE": "conf.settings"},
                           capture_output=True, text=True, check=True)
    assert judge.stdout.strip() == "[]"
    done = _mgen(GENERATE, root, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "0002_self.py:" in done.stderr and "replaces itself" in done.stderr


@pytest.mark.parametrize("command", [["status"], ["check"], ["status", "--json"]])
def test_a_file_name_that_is_not_utf8_is_read(command: list[str], tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "migrations").mkdir(parents=True)
    for kind, sql in (("up", "CREATE TABLE t (id int);\n"), ("down", "DROP TABLE t;\n")):
        (root / "migrations" / os.fsdecode(b"000001_a\xff." + kind.encode() + b".sql")).write_text(sql)
    (root / "schema.sql").write_text("CREATE TABLE t (id int, x int);\n")
    done = _mgen(command, root, tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize(("name", "text"), [
    ("s.yaml", 'tables:\n  t:\n    columns:\n      x: {type: text, default: "\\udc80"}\n'),
    ("s.yaml", 'tables:\n  "t\\udc80":\n    columns:\n      x: {type: text}\n'),
    ("models.py", ("import sqlalchemy as sa\nmeta = sa.MetaData()\n"
                  "t = sa.Table('t', meta, sa.Column('x', sa.Text, server_default='\\udc80'))\n")),
])
def test_a_lone_surrogate_is_refused(name: str, text: str, tmp_path: Path) -> None:
    source = tmp_path / name
    source.write_text(text)
    done = _mgen(["diff", "empty", str(source), "--dialect", "postgresql"], tmp_path, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "lone surrogate (U+DC80)" in done.stderr and str(source) in done.stderr


@pytest.mark.parametrize("size", ["max_length='x'", "max_length=-1", "max_length=True"])
def test_a_size_that_is_no_integer_is_refused_in_a_migration(size: str, tmp_path: Path) -> None:
    changed = INITIAL.replace('("name", models.TextField())', f'("name", models.CharField({size}))')
    root = _django(tmp_path / "p", MODEL.format(before="", field="models.CharField(max_length=20)"),
                   {"0001_initial": changed})
    done = _mgen(GENERATE, root, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "0001_initial.py:" in done.stderr and "is not a non-negative integer" in done.stderr
