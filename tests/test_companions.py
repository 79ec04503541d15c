"""`generate --with-docs / --with-tests / --full / --quick` (issue #5 item 3): the deployment guide next to
the migration, and a test in the project's own idiom that applies, reverses and re-applies the migration
on a scratch database - run here, for real, as the user would run it: Django's `manage.py test`, pytest for
Alembic (alembic.command) and for a raw-SQL folder (mgen's runner), on SQLite and PostgreSQL."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import django_store, makemigrations_check, require_server

from mgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMON = Path(__file__).parent / "fixtures" / "django" / "_common"


def pytest_run(path: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False, env={**os.environ, **env})


PG_V1 = "CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE);\n"
PG_V2 = PG_V1 + ("CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), "
                 "title text NOT NULL CHECK (length(title) > 0));\n"
                 "CREATE INDEX posts_user_id_idx ON posts (user_id);\n")


def sql_project(tmp_path: Path, dialect: str, capsys) -> Path:
    """examples/blog on SQLite; on PostgreSQL a small project of the same shape (its first migration
    written by mgen, the desired schema then grown)."""
    blog = tmp_path / "blog"
    if dialect == "sqlite":
        shutil.copytree(ROOT / "examples" / "blog", blog)
        return blog
    (blog / "migrations").mkdir(parents=True)
    (blog / "schema.sql").write_text(PG_V1)
    assert main(["generate", str(blog), "--dialect", dialect, "--schema", str(blog / "schema.sql"), "--name",
                 "users", "--format", "golang-migrate"]) == 0
    (blog / "schema.sql").write_text(PG_V2)
    capsys.readouterr()
    return blog


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_sql_folder_full(dialect: str, tmp_path: Path, capsys):
    server = require_server(dialect)
    blog = sql_project(tmp_path, dialect, capsys)
    assert main(["generate", str(blog), "--dialect", dialect, "--schema", str(blog / "schema.sql"), "--name", "v2",
                 "--full"]) == 0
    out = capsys.readouterr().out
    [guide] = (blog / "migrations").glob("*_v2.deploy.md")
    [test] = (blog / "tests").glob("test_migration_*_v2.py")
    assert guide.name in out and test.name in out
    text = guide.read_text()
    for section in ("## Risk: ", "## Estimated lock and duration", "## Order of deploy steps",
                    "## Rollback plan", "## What to monitor", "mgen migrate rollback --migrations"):
        assert section in text, section
    # the folder still reads as before: the guide is no migration
    assert main(["plan", str(blog), "--dialect", dialect, "--schema", str(blog / "schema.sql")]) == 0
    assert capsys.readouterr().out == "no changes\n"
    done = pytest_run(test, blog, **({"TEST_DATABASE_URL": server} if server else {}))
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_sql_test_fails_when_the_down_does_not_undo(tmp_path: Path, capsys):
    """The written test can fail: a down that forgets a column is caught."""
    blog = tmp_path / "blog"
    shutil.copytree(ROOT / "examples" / "blog", blog)
    assert main(["generate", str(blog), "--dialect", "sqlite", "--schema", str(blog / "schema.sql"), "--name", "v2",
                 "--with-tests", "--quick"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(Path(line).name in ("000003_v2.up.sql", "000003_v2.down.sql", "test_migration_000003_v2.py")
               for line in lines) and len(lines) == 3
    down = blog / "migrations" / "000003_v2.down.sql"
    down.write_text("\n".join(line for line in down.read_text().splitlines() if line != "DROP TABLE tags;"))
    done = pytest_run(blog / "tests" / "test_migration_000003_v2.py", blog)
    assert done.returncode == 1 and "the down does not restore the schema" in done.stdout, done.stdout


def test_django_full(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    capsys.readouterr()
    assert main(["generate", str(root), "--full", "--dialect", "sqlite"]) == 0
    guide = (root / "blog" / "migrations" / "0002_post_summary.deploy.md").read_text()
    assert "| safe | add column blog_post.summary text |" in guide
    assert "python manage.py migrate blog 0001_initial" in guide  # the rollback
    test = root / "blog" / "test_migration_0002_post_summary.py"
    done = subprocess.run([sys.executable, "manage.py", "test", "blog.test_migration_0002_post_summary", "-v", "2"],
                          cwd=root, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(COMMON)})
    assert done.returncode == 0 and "test_applies_and_reverses" in done.stderr and "OK" in done.stderr, done.stderr
    assert test.is_file()


def alembic_shop_v2(tmp_path: Path, capsys) -> tuple[Path, Path, Path]:
    """examples/alembic_shop with its first revision, then models_v2's revision generated --with-tests:
    (the project, the revision, its test)."""
    root = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "alembic_shop" / "project", root)
    assert main(["generate", str(root), "--quick"]) == 0
    shutil.copy(ROOT / "examples" / "alembic_shop" / "models_v2.py", root / "app" / "models.py")
    capsys.readouterr()
    assert main(["generate", str(root), "--with-tests", "--quick"]) == 0
    paths = [Path(p) for p in capsys.readouterr().out.split()]
    [test] = [p for p in paths if p.name.startswith("test_migration_")]
    [revision] = [p for p in paths if p.parent.name == "versions"]
    return root, revision, test


def test_alembic_with_tests(tmp_path: Path, capsys):
    root, _, test = alembic_shop_v2(tmp_path, capsys)
    done = pytest_run(test, root)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_django_one_test_per_migration_comparing_the_whole_schema(tmp_path: Path, capsys):
    """#15 item 17: with migrations in two apps, --with-tests wrote a test for one of them, and its check
    compared column names only. Now each migration gets its test, comparing types, nullability, defaults,
    indexes and constraints; Django's test runner runs them, and Django's makemigrations --check says nothing
    is left. An AlterField (a longer CharField) and an AddIndex change no column name: the old check could not
    tell a down that left them behind."""
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text().replace("max_length=120)", "max_length=200)"))
    shop = root / "shop" / "models.py"
    shop.write_text(shop.read_text().replace('name="product_stock_idx"))', 'name="product_stock_idx"),\n'
                                             '                   models.Index(fields=["sku"], name="product_sku_idx"))'))
    capsys.readouterr()
    assert main(["generate", str(root), "--with-tests", "--quick", "--dialect", "sqlite"]) == 0
    tests = sorted(Path(p) for p in capsys.readouterr().out.split() if Path(p).name.startswith("test_migration_"))
    assert [(t.parent.name, t.name) for t in tests] == [("blog", "test_migration_0002_alter_post_title.py"),
                                                       ("shop", "test_migration_0002_product_product_sku_idx.py")]
    modules = [f"{t.parent.name}.{t.stem}" for t in tests]
    done = subprocess.run([sys.executable, "manage.py", "test", *modules, "-v", "2"], cwd=root, capture_output=True,
                          text=True, timeout=300, check=False, env={**os.environ, "PYTHONPATH": str(COMMON)})
    assert done.returncode == 0 and "Ran 2 tests" in done.stderr and "OK" in done.stderr, done.stderr
    assert makemigrations_check(root) == 0


def test_alembic_test_catches_a_down_that_leaves_an_index(tmp_path: Path, capsys):
    """#15 item 17: the written Alembic test compares the whole schema: a downgrade that leaves an index
    behind keeps every column name as it was, and still fails the test."""
    root, revision, test = alembic_shop_v2(tmp_path, capsys)
    assert pytest_run(test, root).returncode == 0
    with revision.open("a") as f:  # the downgrade ends by leaving an index the schema before had not
        f.write('    op.create_index("ix_customers_name", "customers", ["name"])\n')
    done = pytest_run(test, root)
    assert done.returncode == 1 and "the downgrade does not restore the schema" in done.stdout, done.stdout


def test_a_companion_that_cannot_be_written_takes_the_migration_with_it(tmp_path: Path, capsys):
    """All the files of one generate, or none (issue #15 item 7): the test cannot be written (``tests`` is a
    file), so the migration written just before it is removed and the exit is 2."""
    blog = sql_project(tmp_path, "sqlite", capsys)
    (blog / "tests").write_text("not a folder\n")
    before = sorted(p.name for p in (blog / "migrations").iterdir())
    assert main(["generate", str(blog), "--dialect", "sqlite", "--schema", str(blog / "schema.sql"), "--name", "v2",
                 "--full"]) == 2
    err = capsys.readouterr().err
    assert "the migration written with it was removed: nothing was written" in err and err.count("\n") == 1
    assert sorted(p.name for p in (blog / "migrations").iterdir()) == before
