"""`generate --rollback` (issue #5 item 3): what undoing the last migration does - its down judged, with the
framework's own rollback command - and, for a raw-SQL migration written without a down, the down itself,
proven by running the folder up and down on a real database."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DIALECTS, django_store, require_server

from mgen.cli import main
from mgen.db import scratch_database
from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.runner import rollback, run
from mgen.sources.live import introspect

ROOT = Path(__file__).resolve().parent.parent

V1 = "CREATE TABLE users (id integer PRIMARY KEY, email varchar(255) NOT NULL);\n"
V2_UP = ("CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), "
         "title varchar(200) NOT NULL);\nALTER TABLE users ADD COLUMN bio text;\n")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_missing_down_is_written_and_undoes_the_up(dialect: str, tmp_path: Path, capsys):
    server = require_server(dialect)
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "000001_users.up.sql").write_text(V1)
    (folder / "000001_users.down.sql").write_text("DROP TABLE users;\n")
    (folder / "000002_posts.up.sql").write_text(V2_UP)  # written by hand, without its down
    capsys.readouterr()
    assert main(["generate", str(tmp_path), "--rollback", "--dialect", dialect, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["migration"] == "000002_posts"
    assert {(o["safety"], o["description"]) for o in report["operations"]} >= {("destructive", "drop table posts"),
                                                                               ("destructive", "drop column users.bio")}
    down = folder / "000002_posts.down.sql"
    assert report["files"] == [str(down)] and "DROP TABLE posts" in down.read_text()
    with scratch_database(dialect, server) as url:
        run(folder, url, target="000001")
        before = introspect(url)[0]
        run(folder, url)
        rollback(folder, url)
        left = [op.describe() for op in diff(before, introspect(url)[0], get_dialect(dialect)).operations
                if "schema_migrations" not in op.describe()]
        assert left == []
    # a second run finds the down there: it explains, and writes nothing
    assert main(["generate", str(tmp_path), "--rollback", "--dialect", dialect]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rollback of 000002_posts: mgen migrate rollback") and "wrote:" not in out


def test_alembic_and_django_rollback_explained(tmp_path: Path, capsys):
    shop = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "alembic_shop" / "project", shop)
    assert main(["generate", str(shop), "--quick"]) == 0
    capsys.readouterr()
    assert main(["generate", str(shop), "--rollback"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(": alembic downgrade -1")
    assert "destructive  drop table customers" in out and "error drop-table" in out

    store = tmp_path / "store"
    django_store(store)
    assert main(["generate", str(store)]) == 0
    post = store / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    assert main(["generate", str(store), "--quick"]) == 0
    capsys.readouterr()
    assert main(["generate", str(store), "--rollback", "--dialect", "postgresql", "--rollback-app", "blog"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["rollback of blog.0002_post_summary: python manage.py migrate blog 0001_initial",
                         "destructive  drop column blog_post.summary"]
