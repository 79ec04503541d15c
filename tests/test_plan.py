"""`mgen plan` (issue #5 item 3): generate's judgement, one line per operation with its safety class, the
findings above info, nothing written - for a raw-SQL folder, an Alembic project and a Django project."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ALEMBIC_MODELS_V1 as MODELS_V1
from conftest import alembic_project as project
from conftest import django_store, makemigrations_check

from mgen.cli import main
from mgen.output import shown_path

ROOT = Path(__file__).resolve().parent.parent


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if "__pycache__" not in p.parts
                  and ".claude" not in p.parts)


def test_plan_of_a_sql_folder(tmp_path: Path, capsys):
    blog = tmp_path / "blog"
    shutil.copytree(ROOT / "examples" / "blog", blog)
    before = listing(blog)
    capsys.readouterr()
    assert main(["plan", str(blog), "--dialect", "postgresql", "--schema", str(blog / "schema.sql")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("  ")
    rows = [line for line in lines if line.split()[0] in ("safe", "needs", "destructive")]
    assert rows and all(len(line) < 200 for line in rows)
    assert listing(blog) == before  # nothing written
    assert main(["plan", str(blog), "--dialect", "postgresql", "--schema", str(blog / "schema.sql"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["operations"]) == len(rows)
    assert {op["safety"] for op in data["operations"]} <= {"safe", "needs care", "destructive"}


def test_plan_of_an_alembic_project_and_a_drop(tmp_path: Path, capsys):
    root = project(tmp_path, "postgresql")
    assert main(["generate", str(root), "--name", "users"]) == 0
    models = root / "app" / "models.py"
    models.write_text(MODELS_V1.replace("    name: Mapped[str | None] = mapped_column(String(100))\n", ""))
    capsys.readouterr()
    assert main(["plan", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "destructive  drop column users.name"
    assert "  error drop-column:" in out and "info finding" in out
    assert len(list((root / "migrations" / "versions").glob("*.py"))) == 1


def test_plan_of_a_django_project(tmp_path: Path, capsys):
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    capsys.readouterr()
    assert main(["plan", str(root), "--dialect", "mysql"]) == 0
    assert capsys.readouterr().out == "no changes\nengine: static\n"  # Django has two engines: it says which
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text() + "    summary = models.TextField(null=True)\n")
    assert main(["plan", str(root), "--dialect", "mysql"]) == 0
    would = shown_path(root / "blog" / "migrations" / "0002_post_summary.py")
    assert capsys.readouterr().out == ("safe         add column blog_post.summary text\n"
                                       f"would write: {would} (1 operation)\nengine: static\n")
    assert not list((root / "blog" / "migrations").glob("0002_*.py"))


def test_plan_and_generate_are_one_computation_across_apps(tmp_path: Path, capsys):
    """#15 item 15: plan showed 2 operations where generate then wrote 7 in two apps. plan is generate's dry
    run read back: the same database operations, findings and notes, and the same migration files with the
    number of Django operations in each (an AlterField of choices, a Meta option: no database operation, but
    an operation of the migration). Django's makemigrations --check is the judge that nothing is left."""
    root = tmp_path / "store"
    django_store(root)
    assert main(["generate", str(root)]) == 0
    post = root / "blog" / "models" / "post.py"
    post.write_text(post.read_text().replace("max_length=120)", "max_length=120, choices=[('a', 'A')])")
                    + "    summary = models.TextField(null=True)\n\n    class Meta:\n        ordering = ['title']\n")
    shop = root / "shop" / "models.py"
    shop.write_text(shop.read_text().replace("    legacy = models.IntegerField(default=0)\n", "")
                    + "\n\nclass Coupon(models.Model):\n    code = models.CharField(max_length=20, db_index=True)\n")
    capsys.readouterr()
    assert main(["plan", str(root), "--dialect", "postgresql", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert main(["generate", str(root), "--dialect", "postgresql", "--json"]) == 0
    generated = json.loads(capsys.readouterr().out)
    assert plan["operations"] == [{"safety": s["safety"], "description": s["operation"]} for s in generated["safety"]]
    assert plan["findings"] == generated["findings"] and plan["notes"] == generated["notes"]
    assert [w["path"] for w in plan["would_write"]] == generated["files"]
    assert {generated["previous"][w["path"]]["app"]: w["operations"] for w in plan["would_write"]} == \
        {app: len(lines) for app, lines in generated["operations"].items()}
    assert sum(w["operations"] for w in plan["would_write"]) > len(plan["operations"])  # not every one is DDL
    assert len(plan["would_write"]) == 2 and makemigrations_check(root) == 0
