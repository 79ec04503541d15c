"""`mgen check`, `mgen status`, `mgen cache show|clear` and the git scoping (issue #5 items 3-5), on real
git repositories and real files: a Django-shaped, an Alembic-shaped and a raw-SQL project."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_tree as write

from mgen import projectcache
from mgen.frameworks.detect import detect
from mgen.scope import accept_baseline, changed_files, schema_files, schema_scope
from mgen.workflow import NO_BASELINE, _standalone

CACHE = Path(".claude") / "cache" / "db"
GIT_ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test",
           "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.com"}

DJANGO = {
    "manage.py": ('import os, sys\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
                  "    from django.core.management import execute_from_command_line\n"
                  "    execute_from_command_line(sys.argv)\n"),
    "mysite/__init__.py": "",
    "mysite/settings.py": ("INSTALLED_APPS = ['django.contrib.contenttypes', 'blog']\n"
                           "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}\n"),
    "blog/__init__.py": "",
    "blog/views.py": "",
    "blog/models.py": ("from django.db import models\n\n\nclass Post(models.Model):\n"
                       "    title = models.CharField(max_length=100)\n"),
    "blog/migrations/__init__.py": "",
    "blog/migrations/0001_initial.py": (
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
        "    initial = True\n    dependencies = []\n    operations = [\n"
        "        migrations.CreateModel(name='Post', fields=[\n"
        "            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, "
        "verbose_name='ID')),\n"
        "            ('title', models.CharField(max_length=100)),\n        ]),\n    ]\n"),
    "README.md": "a project\n",
}
ALEMBIC = {
    "alembic.ini": ("[alembic]\nscript_location = %(here)s/migrations\n"
                    "sqlalchemy.url = postgresql+psycopg://app:s3cret-pw@db.example.com/shop\n"),
    "migrations/env.py": ("from alembic import context\n\nfrom shop.models import Base\n\n"
                          "target_metadata = Base.metadata\n"),
    "migrations/script.py.mako": "",
    "migrations/versions/1a2b3c4d5e6f_init.py": ('"""init"""\nrevision = "1a2b3c4d5e6f"\ndown_revision = None\n'
                                                 "branch_labels = None\ndepends_on = None\n\n\n"
                                                 "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"),
    "migrations/versions/9f8e7d6c5b4a_users.py": ('"""users"""\nrevision = "9f8e7d6c5b4a"\n'
                                                  'down_revision = "1a2b3c4d5e6f"\n\n\n'
                                                  "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"),
    "shop/__init__.py": "",
    "shop/models.py": ("from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\n\n"
                       "Base = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = 'users'\n"
                       "    id = Column(Integer, primary_key=True)\n"),
    "shop/views.py": "",
}
SQL = {
    "migrations/000001_create_users.up.sql": "CREATE TABLE users (id integer PRIMARY KEY);\n",
    "migrations/000001_create_users.down.sql": "DROP TABLE users;\n",
    "migrations/000002_add_posts.up.sql": "CREATE TABLE posts (id integer PRIMARY KEY);\n",
    "migrations/000002_add_posts.down.sql": "DROP TABLE posts;\n",
    "schema.sql": "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE posts (id integer PRIMARY KEY);\n",
    "requirements.txt": "psycopg[binary]\n",
    "main.go": "package main\n",
}
KINDS = {"django": DJANGO, "alembic": ALEMBIC, "sql": SQL}
MODEL_FILE = {"django": "blog/models.py", "alembic": "shop/models.py", "sql": "schema.sql"}




def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, check=True, capture_output=True,
                          text=True).stdout


def repo(root: Path, files: dict[str, str]) -> Path:
    write(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


def append(path: Path, text: str) -> None:
    with path.open("a") as f:
        f.write(text)


def mgen(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``mgen ARGS`` in this process (python -m mgen.workflow's entry point): (exit code, stdout, stderr)."""
    code = _standalone(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(params=sorted(KINDS))
def project(request, tmp_path: Path) -> tuple[str, Path]:
    return request.param, repo(tmp_path / request.param, KINDS[request.param])


@pytest.fixture
def django(tmp_path: Path) -> Path:
    return repo(tmp_path / "dj", DJANGO)


@pytest.fixture
def alembic(tmp_path: Path) -> Path:
    return repo(tmp_path / "al", ALEMBIC)


@pytest.fixture
def sql(tmp_path: Path) -> Path:
    return repo(tmp_path / "sq", SQL)


# =============================================================================================
# schema files
# =============================================================================================
def rels(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_schema_files_per_framework(django: Path, alembic: Path, sql: Path):
    assert rels(django, schema_files(django, detect(django))) == [
        "blog/migrations/0001_initial.py", "blog/migrations/__init__.py", "blog/models.py"]
    assert rels(alembic, schema_files(alembic, detect(alembic))) == [
        "migrations/versions/1a2b3c4d5e6f_init.py", "migrations/versions/9f8e7d6c5b4a_users.py", "shop/models.py"]
    assert rels(sql, schema_files(sql, detect(sql))) == [
        "migrations/000001_create_users.down.sql", "migrations/000001_create_users.up.sql",
        "migrations/000002_add_posts.down.sql", "migrations/000002_add_posts.up.sql", "schema.sql"]


def test_django_models_package_and_nested_apps(tmp_path: Path):
    root = write(tmp_path, {**DJANGO, "apps/shop/__init__.py": "", "apps/shop/models/__init__.py": "",
                            "apps/shop/models/order.py": "", "apps/shop/migrations/__init__.py": "",
                            "apps/shop/migrations/0001_initial.py": "",
                            "apps/nomig/models.py": "",  # no migrations package: makemigrations skips it
                            "node_modules/x/migrations/__init__.py": "", "node_modules/x/models.py": ""})
    files = rels(root, schema_files(root, detect(root)))
    assert "apps/shop/models/order.py" in files and "apps/shop/migrations/0001_initial.py" in files
    assert not any(f.startswith(("apps/nomig", "node_modules")) for f in files)


def test_alembic_models_come_from_env_py_target_metadata(tmp_path: Path):
    root = write(tmp_path, {**ALEMBIC, "migrations/env.py": "from app.db import Base\ntarget_metadata = Base.metadata\n",
                            "app/__init__.py": "", "app/db.py": "", "app/tables.py": ""})
    files = rels(root, schema_files(root, detect(root)))
    assert "app/db.py" in files and "shop/models.py" in files  # env.py's module, and models.py by the rule
    assert "app/tables.py" not in files and "shop/views.py" not in files


# =============================================================================================
# mgen check
# =============================================================================================
def test_check_clean_project_says_no_schema_change(capsys, project):
    _, root = project
    assert mgen(capsys, "check", str(root)) == (0, "no schema change\n", "")
    assert mgen(capsys, "check", str(root)) == (0, "no schema change\n", "")  # warm: from the cache


def test_check_names_the_edited_model_file(capsys, project):
    kind, root = project
    append(root / MODEL_FILE[kind], "\n# edited\n")
    assert mgen(capsys, "check", str(root)) == (1, f"1 schema file changed: {MODEL_FILE[kind]}\n", "")


def test_check_ignores_files_that_are_not_schema_files(capsys, project):
    _, root = project
    write(root, {"README.md": "changed\n", "notes.txt": "new, untracked\n", "blog/views.py": "x = 1\n",
                 "shop/views.py": "x = 1\n"})
    assert mgen(capsys, "check", str(root))[:2] == (0, "no schema change\n")


def test_staged_and_untracked_files_count(capsys, django: Path):
    write(django, {"blog/migrations/0002_post_body.py": "# a new migration\n"})  # untracked
    append(django / "blog/models.py", "# staged\n")
    git(django, "add", "blog/models.py")
    code, out, _ = mgen(capsys, "check", str(django))
    assert (code, out) == (1, "2 schema files changed: blog/migrations/0002_post_body.py, blog/models.py\n")
    code, out, _ = mgen(capsys, "check", str(django), "--json")
    data = json.loads(out)
    assert data["files"] == ["blog/migrations/0002_post_body.py", "blog/models.py"]
    assert (data["changed"], data["count"], data["method"], data["base"]) == (True, 2, "git", "HEAD")


def test_deleted_and_renamed_schema_files_count(capsys, sql: Path):
    git(sql, "mv", "migrations/000002_add_posts.up.sql", "migrations/000003_add_posts.up.sql")
    (sql / "migrations/000002_add_posts.down.sql").unlink()
    out = mgen(capsys, "status", str(sql), "--json")[1]
    files = {f["path"]: f["kind"] for f in json.loads(out)["changes"]["files"]}
    assert files == {"migrations/000002_add_posts.up.sql": "deleted", "migrations/000003_add_posts.up.sql": "renamed",
                     "migrations/000002_add_posts.down.sql": "deleted"}


def test_base_sees_a_committed_change(capsys, alembic: Path):
    append(alembic / "shop/models.py", "# committed\n")
    git(alembic, "commit", "-q", "-am", "edit the models")
    assert mgen(capsys, "check", str(alembic))[:2] == (0, "no schema change\n")
    assert mgen(capsys, "check", str(alembic), "--base", "HEAD~1")[:2] == (1, "1 schema file changed: shop/models.py\n")


def test_unknown_base_is_one_line_exit_2(capsys, django: Path):
    code, out, err = mgen(capsys, "check", str(django), "--base", "no-such-branch")
    assert (code, out) == (2, "")
    assert err == "mgen: --base no-such-branch: not a commit in this repository\n"


def test_project_in_a_subfolder_of_the_repository(capsys, tmp_path: Path):
    write(tmp_path / "services" / "api", DJANGO)
    repo(tmp_path, {"other/models.py": ""})
    root = tmp_path / "services" / "api"
    assert mgen(capsys, "check", str(root))[:2] == (0, "no schema change\n")
    append(root / "blog/models.py", "# edited\n")
    append(tmp_path / "other/models.py", "# outside the project\n")
    assert mgen(capsys, "check", str(root))[:2] == (1, "1 schema file changed: blog/models.py\n")


def test_long_lists_are_cut(capsys, django: Path):
    write(django, {f"blog/migrations/{n:04d}_a_rather_long_migration_name.py": "" for n in range(2, 12)})
    code, out, _ = mgen(capsys, "check", str(django))
    assert code == 1 and out.startswith("10 schema files changed: blog/migrations/0002_a_rather_long_migration_name.py")
    assert out.rstrip().endswith("more)") and len(out) < 130


def test_not_a_project_is_one_line_exit_2(capsys, tmp_path: Path):
    write(tmp_path, {"main.py": "print(1)\n"})
    code, out, err = mgen(capsys, "check", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith("mgen: ") and err.count("\n") == 1 and "not a project mgen knows" in err
    assert not (tmp_path / ".claude").exists()  # nothing written into a folder that is not a project


# -- outside git ------------------------------------------------------------------------------------
def test_outside_git_fingerprints_detect_an_edit_on_the_second_run(capsys, tmp_path: Path):
    root = write(tmp_path / "plain", DJANGO)
    assert mgen(capsys, "check", str(root))[:2] == (1, NO_BASELINE + "\n")  # nothing to compare with yet
    accept_baseline(root, schema_scope(root, detect(root)))  # what generate does once it has written
    assert mgen(capsys, "check", str(root))[:2] == (0, "no schema change\n")
    models = root / "blog/models.py"
    models.write_text(models.read_text().replace("100", "200"))  # same size, maybe the same mtime tick
    assert mgen(capsys, "check", str(root))[:2] == (1, "1 schema file changed: blog/models.py\n")
    # the baseline does not move by itself: the change is reported until the migration is accepted
    assert mgen(capsys, "check", str(root))[:2] == (1, "1 schema file changed: blog/models.py\n")
    out = mgen(capsys, "check", str(root), "--json")[1]
    assert json.loads(out)["method"] == "fingerprints" and "not in a git repository" in json.loads(out)["note"]
    write(root, {"blog/migrations/0002_x.py": ""})
    (root / "blog/migrations/0001_initial.py").unlink()
    out = mgen(capsys, "status", str(root))[1]
    assert ("changed vs recorded fingerprints (no git): blog/migrations/0001_initial.py (deleted), "
            "blog/migrations/0002_x.py (added), blog/models.py") in out
    accept_baseline(root, schema_scope(root, detect(root)))
    assert mgen(capsys, "check", str(root))[:2] == (0, "no schema change\n")


def test_outside_git_check_never_says_no_change_before_a_generate(capsys, tmp_path: Path):
    """#15 item 14: a Django project outside git whose models have no migration yet. The first check used to
    record the files as they were and say "no schema change known" (exit 0), so the skill stopped. Now there is
    no answer until generate has written the migrations (exit 1, "no baseline"); generate records the baseline,
    and a model edit after it is a change again. Django's own makemigrations --check is the judge of the
    two states check reports: changes missing, then none."""
    from conftest import django_store, makemigrations_check

    root = django_store(tmp_path / "store")
    assert makemigrations_check(root) == 1  # Django: migrations are missing
    for _ in range(2):  # the first check records nothing: the second says the same
        assert mgen(capsys, "check", str(root))[:2] == (1, NO_BASELINE + "\n")
    assert "changed: unknown (not in git, no baseline yet" in mgen(capsys, "status", str(root))[1]
    assert mgen(capsys, "generate", str(root))[0] == 0
    assert makemigrations_check(root) == 0  # Django: nothing left
    assert mgen(capsys, "check", str(root))[:2] == (0, "no schema change\n")
    append(root / "shop" / "models.py", "\n\nclass Coupon(models.Model):\n    code = models.CharField(max_length=20)\n")
    assert makemigrations_check(root) == 1
    assert mgen(capsys, "check", str(root))[:2] == (1, "1 schema file changed: shop/models.py\n")
    assert mgen(capsys, "generate", str(root))[0] == 0
    assert mgen(capsys, "check", str(root))[:2] == (0, "no schema change\n")
    assert makemigrations_check(root) == 0


def test_touch_without_change_is_not_a_change(tmp_path: Path):
    root = write(tmp_path, SQL)
    scope = schema_scope(root, detect(root))
    assert changed_files(root, scope).no_baseline
    accept_baseline(root, scope)
    os.utime(root / "schema.sql", ns=(1_000_000_000, 1_000_000_000))
    assert changed_files(root, scope).files == []
    # the refreshed fingerprint is kept: the next run trusts the new mtime without hashing
    assert projectcache.load_fingerprints(root)["schema.sql"]["mtime_ns"] == 1_000_000_000


def test_git_missing_falls_back_to_fingerprints(tmp_path: Path):
    root = repo(tmp_path / "p", DJANGO)
    bin_dir = tmp_path / "bin"  # a PATH with python and without git
    bin_dir.mkdir()
    env = {**os.environ, "PATH": str(bin_dir), "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "mgen.workflow", "check", str(root), "--json"]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 1, first.stderr
    assert json.loads(first.stdout)["note"] == "git is not installed" and json.loads(first.stdout)["no_baseline"]
    accept_baseline(root, schema_scope(root, detect(root)))
    assert subprocess.run(cmd, env=env, capture_output=True, text=True, check=False).returncode == 0
    append(root / "blog/models.py", "# edited\n")
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 1 and json.loads(second.stdout)["files"] == ["blog/models.py"]


def test_a_broken_repository_falls_back_to_fingerprints(tmp_path: Path):
    root = write(tmp_path, SQL)
    (root / ".git").write_text("gitdir: /nonexistent\n")  # git status fails here
    scope = schema_scope(root, detect(root))
    changes = changed_files(root, scope)
    assert changes.method == "fingerprints" and changes.note.startswith("git status failed")


# =============================================================================================
# mgen status
# =============================================================================================
def test_status_django(capsys, django: Path):
    code, out, _ = mgen(capsys, "status", str(django))
    assert code == 0
    assert out.splitlines() == [
        "framework: django (settings mysite/settings.py)",
        "dialect: sqlite (mysite/settings.py DATABASES ENGINE)",
        "changed vs HEAD: none",
        "last migration: blog 0001_initial",
        # the fixture's migration was written by hand: its id is not the BigAutoField the settings ask for
        "drift at HEAD: 1 operation without a migration: blog: AlterField post.id",
    ]
    write(django, {"blog/migrations/0002_post_body.py": ""})
    append(django / "blog/models.py", "# edited\n")
    lines = mgen(capsys, "status", str(django))[1].splitlines()
    assert lines[2:4] == ["changed vs HEAD: blog/migrations/0002_post_body.py (untracked), blog/models.py",
                          "last migration: blog 0002_post_body"]


def test_status_alembic(capsys, alembic: Path):
    out = mgen(capsys, "status", str(alembic))[1]
    assert out.splitlines() == [
        "framework: alembic (alembic.ini)",
        "dialect: postgresql (alembic.ini sqlalchemy.url)",
        "changed vs HEAD: none",
        "last migration: head 9f8e7d6c5b4a (9f8e7d6c5b4a_users.py)",
        # the fixture's revision is an empty stub: the models' table was never created
        "drift at HEAD: 1 operation without a migration: create table users (1 columns)",
    ]
    write(alembic, {"migrations/versions/77aa_branch.py": 'revision = "77aa"\ndown_revision = "1a2b3c4d5e6f"\n'})
    assert mgen(capsys, "status", str(alembic))[1].splitlines()[3] == \
        "last migration: 2 heads (77aa, 9f8e7d6c5b4a): merge them first"


def test_status_reports_an_unreadable_history_and_recovers(capsys, alembic: Path):
    ini = alembic / "alembic.ini"
    good = ini.read_text()
    mgen(capsys, "status", str(alembic))
    ini.write_text("not an ini file\n")
    lines = mgen(capsys, "status", str(alembic))[1].splitlines()
    assert lines[1:] == [
        "dialect: unknown (nothing in the configuration says; give --dialect)",
        "changed vs HEAD: none",  # alembic.ini is not a schema file; the versions are still found
        "last migration: unknown (alembic.ini: cannot read the Alembic config: File contains no section headers.)",
        "drift at HEAD: 1 operation without a migration: create table users (1 columns)"]  # HEAD's alembic.ini
    ini.write_text(good)
    assert mgen(capsys, "status", str(alembic))[1].splitlines()[3] == \
        "last migration: head 9f8e7d6c5b4a (9f8e7d6c5b4a_users.py)"


def test_status_raw_sql(capsys, sql: Path):
    out = mgen(capsys, "status", str(sql))[1]
    assert out.splitlines() == [
        "framework: golang-migrate (migrations/)",
        "dialect: postgresql (database driver in the dependencies)",
        "changed vs HEAD: none",
        "last migration: 000002_add_posts.up.sql",
    ]


def test_status_is_short(capsys, project):
    _, root = project
    out = mgen(capsys, "status", str(root))[1]
    assert len(out.splitlines()) <= 6 and len(out.split()) <= 40  # about 80 tokens at most


def test_status_json(capsys, alembic: Path):
    data = json.loads(mgen(capsys, "status", str(alembic), "--json")[1])
    assert data["framework"]["name"] == "alembic" and data["framework"]["config"] == "alembic.ini"
    assert data["dialect"] == {"name": "postgresql", "source": "alembic.ini",
                               "detail": "alembic.ini: sqlalchemy.url is a postgresql URL",
                               "url": "postgresql+psycopg://app:***@db.example.com/shop"}
    assert data["changes"] == {"method": "git", "base": "HEAD", "files": [], "note": None, "no_baseline": False}
    assert data["last_migration"] == {"migrations": [{"scope": "head", "name": "9f8e7d6c5b4a",
                                                      "path": "migrations/versions/9f8e7d6c5b4a_users.py"}],
                                      "error": None}


def test_a_repeat_run_is_all_cache_hits(capsys, project):
    _, root = project
    first = json.loads(mgen(capsys, "status", str(root), "--json")[1])["cache"]
    assert set(first.values()) == {"miss"}
    for command in ("status", "check"):
        again = json.loads(mgen(capsys, command, str(root), "--json")[1])["cache"]
        assert again and set(again.values()) == {"hit"}, again


# =============================================================================================
# the cache
# =============================================================================================
def test_cache_show_and_clear(capsys, django: Path):
    assert mgen(capsys, "cache", "show", str(django))[1] == "no cache in .claude/cache/db\n"
    mgen(capsys, "status", str(django))
    lines = mgen(capsys, "cache", "show", str(django))[1].splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "db-type.json: fresh", "drift.json: valid", "last-migration.json: fresh", "orm-type.json: fresh"]
    assert all(", format 1, " in line and line.endswith(" bytes") for line in lines)
    data = json.loads(mgen(capsys, "cache", "show", str(django), "--json")[1])
    assert [e["name"] for e in data["entries"]] == ["db-type.json", "drift.json", "last-migration.json",
                                                    "orm-type.json"]
    write(django, {".claude/cache/db/types.json": "{}"})  # a sibling skill's file stays
    assert mgen(capsys, "cache", "clear", str(django))[1] == "removed 4 cache files from .claude/cache/db\n"
    assert sorted(os.listdir(django / CACHE)) == [".gitignore", "types.json"]
    assert mgen(capsys, "cache", "clear", str(django))[1] == "no cache to remove in .claude/cache/db\n"
    (django / CACHE / "types.json").unlink()
    mgen(capsys, "cache", "clear", str(django))
    assert not (django / CACHE).exists()


def test_cache_is_not_committed(django: Path, capsys):
    mgen(capsys, "status", str(django))
    assert git(django, "status", "--porcelain", "--untracked-files=all") == ""


def test_entries_go_stale_when_a_file_they_depend_on_changes(capsys, django: Path):
    mgen(capsys, "status", str(django))
    settings = django / "mysite/settings.py"
    settings.write_text(settings.read_text().replace("sqlite3", "postgresql"))
    show = mgen(capsys, "cache", "show", str(django))[1]
    assert "orm-type.json: stale" in show and "db-type.json: stale" in show
    data = json.loads(mgen(capsys, "status", str(django), "--json")[1])
    assert data["dialect"]["name"] == "postgresql" and data["cache"]["orm-type.json"] == "miss"
    assert json.loads(mgen(capsys, "check", str(django), "--json")[1])["cache"]["orm-type.json"] == "hit"


def test_a_new_app_and_a_new_migration_are_seen(capsys, django: Path):
    mgen(capsys, "status", str(django))
    write(django, {"shop/__init__.py": "", "shop/models.py": "", "shop/migrations/__init__.py": "",
                   "shop/migrations/0001_initial.py": ""})
    data = json.loads(mgen(capsys, "status", str(django), "--json")[1])
    assert data["cache"]["last-migration.json"] == "miss"
    assert [m["scope"] for m in data["last_migration"]["migrations"]] == ["blog", "shop"]
    assert "shop/models.py" in [f["path"] for f in data["changes"]["files"]]


def test_corrupt_or_other_format_entries_are_rebuilt(capsys, alembic: Path):
    mgen(capsys, "status", str(alembic))
    orm = alembic / CACHE / "orm-type.json"
    db = alembic / CACHE / "db-type.json"
    orm.write_text('{"format": 1, "kind": "orm-type", "framework": "dja')  # cut short
    db.write_text(json.dumps({**json.loads(db.read_text()), "format": 99}))
    show = mgen(capsys, "cache", "show", str(alembic))[1]
    assert "orm-type.json: invalid" in show and "db-type.json: invalid" in show
    data = json.loads(mgen(capsys, "status", str(alembic), "--json")[1])
    assert data["framework"]["name"] == "alembic" and data["cache"]["orm-type.json"] == "miss"
    assert json.loads(orm.read_text())["framework"] == "alembic" and json.loads(db.read_text())["format"] == 1
    # valid JSON of the right kind but a wrong shape is not trusted either
    orm.write_text(json.dumps({**json.loads(orm.read_text()), "schema_rules": [{"folder": 3}]}))
    assert mgen(capsys, "check", str(alembic))[:2] == (0, "no schema change\n")
    assert json.loads(orm.read_text())["schema_rules"][0]["folder"] == "migrations/versions"


def test_no_password_on_disk_or_in_the_output(capsys, alembic: Path):
    outputs = [mgen(capsys, *args)[1] for args in (("check", str(alembic)), ("status", str(alembic)),
                                                    ("status", str(alembic), "--json"),
                                                    ("cache", "show", str(alembic), "--json"))]
    assert not any("s3cret" in out for out in outputs)
    written = [p for p in (alembic / CACHE).iterdir()]
    assert {p.name for p in written} >= {"db-type.json", "orm-type.json", "last-migration.json"}
    assert not any(b"s3cret" in p.read_bytes() for p in written)
    assert json.loads((alembic / CACHE / "db-type.json").read_text())["url"] == \
        "postgresql+psycopg://app:***@db.example.com/shop"


def test_cache_off_writes_nothing(capsys, django: Path, monkeypatch):
    monkeypatch.setenv("MGEN_PROJECT_CACHE", "off")
    assert mgen(capsys, "check", str(django))[:2] == (0, "no schema change\n")
    assert mgen(capsys, "status", str(django))[0] == 0
    assert not (django / ".claude").exists()
    assert mgen(capsys, "cache", "show", str(django))[1] == "the project cache is off (MGEN_PROJECT_CACHE)\n"


# =============================================================================================
# the early exit is light
# =============================================================================================
# a cold run detects the framework (mgen.frameworks.detect; for a raw-SQL folder that reads the folder's format
# with mgen.formats); neither run reads models or migrations, parses SQL or renders anything. What a run may
# import of a framework package: the registry and each framework's interface, detection and scope modules.
HEAVY = ("sqlglot", "jinja2", "yaml", "mgen.differ", "mgen.frameworks.pyast",
         "mgen.dialects.base", "mgen.dialects.postgresql", "mgen.dialects.mysql", "mgen.dialects.sqlite",
         "mgen.sources", "mgen.operations")  # mgen.dialects and .names: the dialect names the command line takes
FRAMEWORK_LIGHT = {"base", "registry", "detect", "framework", "scope", "detection", "config"}  # config: alembic.ini


def heavy(modules: list[str], *also: str) -> list[str]:
    """The modules of ``modules`` an early exit must not import: HEAVY and ``also``, and any framework module
    but the light ones (a framework package's own ``__init__`` holds no import)."""
    def framework_reader(m: str) -> bool:
        parts = m.split(".")
        return m.startswith("mgen.frameworks.") and len(parts) > 3 and parts[-1] not in FRAMEWORK_LIGHT
    return [m for m in modules if m.startswith((*HEAVY, *also)) or framework_reader(m)]


def imported(root: Path, *args: str) -> list[str]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "mgen.workflow", "check", str(root), *args],
                       capture_output=True, text=True, check=False, env={**os.environ, **GIT_ENV})
    assert r.returncode in (0, 1), r.stderr
    return [line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_check_imports_no_reader(tmp_path: Path, kind: str):
    root = repo(tmp_path / kind, KINDS[kind])
    cold = imported(root)
    assert not heavy(cold), cold
    assert "mgen.frameworks.detect" in cold  # the cold run detects; the warm one reads the cache
    warm = imported(root)
    assert not heavy(warm, "mgen.db", "mgen.formats", "mgen.schema", "mgen.frameworks.detect"), warm


def test_python_m_entry_point(tmp_path: Path):
    root = repo(tmp_path / "p", SQL)
    append(root / "schema.sql", "-- edited\n")
    r = subprocess.run([sys.executable, "-m", "mgen.workflow", "check", str(root)], capture_output=True, text=True,
                       check=False)
    assert (r.returncode, r.stdout, r.stderr) == (1, "1 schema file changed: schema.sql\n", "")
    shutil.rmtree(root / ".git")
    r = subprocess.run([sys.executable, "-m", "mgen.workflow", "status", str(root)], capture_output=True, text=True,
                       check=False)
    assert r.returncode == 0 and "changed: unknown (not in git, no baseline yet" in r.stdout
