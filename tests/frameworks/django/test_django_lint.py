"""`mgen lint` on a Django project (issue #3 item 7): each of the project's migration files, replayed
statically, judged by the same rules; renames are renames, not a drop and an add."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import django_store

from mgen.cli import main


def test_migrations_are_judged_file_by_file(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0  # 0001_initial for each app, written by mgen
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text().replace("title = ", "headline = ") + "    slug = models.SlugField(unique=True, null=True)\n")
    assert main(["generate", str(root), "--rename", "blog.Post.title=headline", "--name", "headline"]) == 0
    capsys.readouterr()
    code = main(["lint", str(root), "--dialect", "postgresql", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert sorted(Path(f).name for f in report["files"]) == ["0001_initial.py"] * 3 + ["0002_headline.py"]
    rules = {f["rule"] for f in report["findings"] if f["file"].endswith("0002_headline.py")}
    assert "rename-column" in rules and "drop-column" not in rules  # RenameField is a rename
    assert {"add-unique-constraint", "require-concurrent-index"} <= rules
    # the initial migrations create their tables: no lock findings on them
    assert not [f for f in report["findings"] if f["file"].endswith("0001_initial.py") and f["severity"] != "info"]
