"""`mgen generate PROJECT` picks the framework itself (issue #4 item 5): the wiring from the command line to
the Django writer (tests/frameworks/django/test_django_writer.py judges what it writes with Django itself)."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import django_store

from mgen.cli import main


def test_django_project_generate_twice_then_a_field(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    capsys.readouterr()
    assert main(["generate", str(root), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["framework"] == "django"
    assert sorted(Path(p).relative_to(root).as_posix() for p in first["files"]) == [
        "accounts/migrations/0001_initial.py", "blog/migrations/0001_initial.py", "shop/migrations/0001_initial.py"]

    assert main(["generate", str(root)]) == 0
    assert capsys.readouterr().out.startswith("no changes: nothing written")

    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(blank=True, default='')\n")
    assert main(["generate", str(root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "AddField" in out and "dry run: nothing written" in out and "0002_post_summary.py" in out
    assert not (root / "blog" / "migrations" / "0002_post_summary.py").exists()
    assert main(["generate", str(root), "--name", "post summary"]) == 0
    assert (root / "blog" / "migrations" / "0002_post_summary.py").is_file()


def test_django_flags_that_do_not_apply_are_refused(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    capsys.readouterr()
    assert main(["generate", str(root), "--zero-downtime"]) == 2
    assert "do not apply to Django projects yet" in capsys.readouterr().err


def test_django_change_as_raw_sql(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    capsys.readouterr()
    # the fixture's settings compute ENGINE at run time: the dialect is given
    assert main(["generate", str(root), "--format", "sql", "--dialect", "postgresql", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["up"] == ["ALTER TABLE blog_post ADD COLUMN summary text"]
    assert out["down"] == ["ALTER TABLE blog_post DROP COLUMN summary"]
    assert main(["generate", str(root), "--format", "sql", "--dialect", "postgresql", "--migrations", "sql",
                 "--name", "summary"]) == 0
    written = sorted((root / "sql").glob("*_summary/up.sql"))
    assert len(written) == 1 and "ADD COLUMN summary text" in written[0].read_text()
    assert not (root / "blog" / "migrations" / "0002_post_summary.py").exists()  # Django's folder untouched


def test_django_generate_prints_the_safety_summary(tmp_path: Path, capsys):
    """Issue #4 item 5: generate prints the safety summary. A rename honoured with --rename is a rename on
    the database (rename-column), a dropped field is destructive (drop-column, an error); a new nullable
    field is safe. Without a dialect in the settings, --dialect gives it."""
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text().replace("title = models.CharField", "headline = models.CharField")
                    + "    summary = models.TextField(null=True)\n")
    capsys.readouterr()
    assert main(["generate", str(root), "--dry-run", "--rename", "blog.Post.title=headline"]) == 0
    out = capsys.readouterr().out
    assert "no safety summary" in out and "give --dialect" in out

    assert main(["generate", str(root), "--dialect", "postgresql", "--rename", "blog.Post.title=headline",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dialect"] == "postgresql"
    assert {(s["safety"], s["operation"]) for s in report["safety"]} == {
        ("needs care", "rename column blog_post.title to headline"),
        ("safe", "add column blog_post.summary text"),
    }
    rules = {f["rule"]: f["severity"] for f in report["findings"]}
    assert rules["rename-column"] == "warning" and "error" not in rules.values()

    post.write_text(post.read_text().replace("    summary = models.TextField(null=True)\n", ""))
    assert main(["generate", str(root), "--dialect", "postgresql", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "destructive  drop column blog_post.summary" in out
    assert "error drop-column:" in out


def test_diff_of_two_django_app_folders_and_format_native(tmp_path: Path, capsys):
    """Issue #4 item 5: `mgen diff` takes a Django app folder as OLD/NEW (read inside the project whose
    manage.py is above it); `--format native` is the framework's own file (the default)."""
    old, new = tmp_path / "old", tmp_path / "new"
    for root in (old, new):
        django_store(root)
    models = new / "shop" / "models.py"
    models.write_text(models.read_text().replace("    legacy = models.IntegerField(default=0)\n",
                                                 "    legacy = models.IntegerField(default=0)\n"
                                                 "    note = models.TextField(null=True)\n"))
    capsys.readouterr()
    assert main(["diff", str(old / "shop"), str(new / "shop"), "--dialect", "postgresql", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["up"] == ["ALTER TABLE shop_category ADD COLUMN note text"]
    # the app's own tables only: the other apps' models are not part of it
    assert main(["diff", "empty", str(new / "blog"), "--dialect", "sqlite", "--json"]) == 0
    ops = json.loads(capsys.readouterr().out)["operations"]
    assert [(op["op"], op["table_def"]["name"]) for op in ops] == [("create_table", "blog_post")]

    assert main(["generate", str(new), "--format", "native", "--dry-run"]) == 0
    assert "0001_initial.py" in capsys.readouterr().out
