"""The real-world benches' plumbing (bench/realworld_*.py) on tiny git repositories, without network.

A Django project and an Alembic project are committed step by step, each step a model change with the
migration Django's makemigrations / Alembic's autogenerate would write, written here by hand: the benches
must sample every step, find mgen in sync at each, and regenerate the same operations. One Django step
commits a migration that disagrees with its model (max_length 40 where the model says 50): in-sync must
report the operation and regenerate must class it as different field kwargs, or the comparison is blind.
A step whose migration is only RunPython is skipped. An Alembic history on a `create_all()` baseline is
measured on git checkouts (read from git) and on extracted trees (refused, saying why).
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # the benches import their shared module the same way
import realworld_alembic as alembic_bench
import realworld_django as django_bench
import realworld_drift
import realworld_git as rw
import realworld_twice

MGEN = str(Path(sys.executable).parent / "mgen")


def commit(repo: Path, files: dict[str, str], message: str) -> None:
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message],
                   cwd=repo, check=True)


def new_repo(path: Path) -> Path:
    path.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=path, check=True)
    return path


# -- Django ---------------------------------------------------------------------------------------------
SETTINGS = """SECRET_KEY = "test"
INSTALLED_APPS = ["shop"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""
MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
"""
MODEL_HEAD = ("from django.db import models\n\n\nclass Item(models.Model):\n"
              "    name = models.CharField(max_length=100)\n")
MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
{extra}
    dependencies = [{dependencies}]

    operations = [
{operations}
    ]
"""
INITIAL = """        migrations.CreateModel(
            name="Item",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
            ],
        ),"""


def _migration(previous: str | None, operations: str) -> str:
    return MIGRATION.format(extra="\n    initial = True\n" if previous is None else "",
                            dependencies=f'("shop", "{previous}")' if previous else "", operations=operations)


def _add_field(name: str, field: str) -> str:
    return f'        migrations.AddField(\n            model_name="item",\n            name="{name}",\n' \
           f"            field={field},\n        ),"


def django_repo(root: Path) -> Path:
    repo = new_repo(root / "django-shop")
    models = MODEL_HEAD
    commit(repo, {"manage.py": MANAGE, "conf/__init__.py": "", "conf/settings.py": SETTINGS, "shop/__init__.py": "",
                  "shop/models.py": models, "shop/migrations/__init__.py": "",
                  "shop/migrations/0001_initial.py": _migration(None, INITIAL)}, "shop: items")
    models += "    price = models.IntegerField(default=0)\n"
    commit(repo, {"shop/models.py": models, "shop/migrations/0002_item_price.py":
                  _migration("0001_initial", _add_field("price", "models.IntegerField(default=0)"))}, "item price")
    commit(repo, {"shop/models.py": '"""The shop."""\n' + models, "shop/migrations/0003_fill.py":
                  _migration("0002_item_price", "        migrations.RunPython(migrations.RunPython.noop),")},
           "a data step")
    models = '"""The shop."""\n' + models + "    note = models.CharField(blank=True, max_length=50)\n"
    # the migration says 40 where the model says 50: in-sync and regenerate must both see it
    commit(repo, {"shop/models.py": models, "shop/migrations/0004_item_note.py":
                  _migration("0003_fill", _add_field("note", "models.CharField(blank=True, max_length=40)"))},
           "item note")
    return repo


def test_django_bench_on_a_tiny_project(tmp_path: Path) -> None:
    repo = django_repo(tmp_path)
    out = tmp_path / "django.md"
    result = django_bench.main([str(repo / ".git"), "--per-project", "10", "--out", str(out), "--mgen", MGEN,
                                "--workdir", str(tmp_path / "work"), "--quiet", "--json", str(tmp_path / "d.json")])
    (project,) = result["projects"]
    assert project["name"] == "django-shop" and project["candidates"] == 4
    records = {r["subject"]: r for r in project["records"]}
    assert list(records) == ["shop: items", "item price", "a data step", "item note"]
    for subject in ("shop: items", "item price", "a data step"):
        assert records[subject]["in_sync"]["misses"] == [], records[subject]
    assert [m["class"] for m in records["item note"]["in_sync"]["misses"]] == [rw.OPERATIONS]
    assert records["item note"]["in_sync"]["misses"][0]["label"] == "AlterField"
    for subject in ("shop: items", "item price"):
        assert records[subject]["regenerate"]["misses"] == [], records[subject]
        assert records[subject]["regenerate"]["wrote"] is True
    (miss,) = records["item note"]["regenerate"]["misses"]
    assert (miss["class"], miss["label"]) == (django_bench.FIELD_KWARGS, "max_length"), miss
    assert miss["location"] == "shop/migrations/0004_item_note.py:9"
    assert records["a data step"]["regenerate"] == {"skip": rw.SKIP_DATA_ONLY}
    s = rw.summarise(project["records"])
    assert (s["sampled"], s["in_sync_noop"], s["regen_compared"], s["regen_same"], s["exit3"]) == (4, 3, 3, 2, 0)
    text = out.read_text()
    assert "| django-shop | 4 | 75% (3/4) | 0 | 0% (0/4) | 3 (0) | 67% (2/3) |" in text
    assert "| different field kwargs | 1 | 1 | max_length (1) |" in text


@pytest.mark.parametrize("engine", ["static", "native"])
def test_django_bench_passes_the_engine_and_records_which_answered(engine: str, tmp_path: Path, monkeypatch) -> None:
    repo = django_repo(tmp_path)
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)  # the project's interpreter for the native engine: this venv's
    out = tmp_path / "django.md"
    result = django_bench.main([str(repo / ".git"), "--per-project", "2", "--out", str(out), "--mgen", MGEN,
                                "--workdir", str(tmp_path / "work"), "--quiet", "--engine", engine])
    assert result["engine"] == engine
    records = result["projects"][0]["records"]
    runs = [part for r in records for part in (r["in_sync"], r["regenerate"]) if "skip" not in part]
    assert runs and all(part["engine"] == engine for part in runs), runs
    for record in records:  # either engine answers as the committed migrations say
        if record["subject"] != "item note":
            assert [p.get("misses") for p in (record["in_sync"], record["regenerate"]) if "skip" not in p] \
                in ([[]], [[], []]), record
    row = next(line for line in out.read_text().splitlines() if line.startswith("| **all** |"))
    assert row.endswith(f"| {engine} {len(runs)} |")
    assert f"mgen --engine {engine})." in out.read_text()


def _renamed_repo(root: Path) -> Path:
    """The tiny shop, then a step renaming ``price`` to ``cost`` with the RenameField makemigrations writes when
    the user answers yes to "Did you rename item.price to item.cost?"."""
    repo = django_repo(root)
    # (the note's max_length back to the migrations' 40, so the rename is the step's only change)
    models = (repo / "shop" / "models.py").read_text().replace("    price =", "    cost =").replace("=50", "=40")
    rename = ('        migrations.RenameField(\n            model_name="item",\n            old_name="price",\n'
              '            new_name="cost",\n        ),')
    commit(repo, {"shop/models.py": models, "shop/migrations/0005_rename_item_price_cost.py":
                  _migration("0004_item_note", rename)}, "rename price")
    return repo


@pytest.mark.parametrize("accept", [True, False])
def test_django_bench_answers_yes_to_the_renames_mgen_asks_about(accept: bool, tmp_path: Path) -> None:
    repo = _renamed_repo(tmp_path)
    out = tmp_path / "django.md"
    result = django_bench.main([str(repo / ".git"), "--per-project", "10", "--out", str(out), "--mgen", MGEN,
                                "--workdir", str(tmp_path / "work"), "--quiet",
                                *([] if accept else ["--no-accept-renames"])])
    assert result["accept_renames"] is accept
    records = {r["subject"]: r for r in result["projects"][0]["records"]}
    regen = records["rename price"]["regenerate"]
    if accept:  # the hint mgen printed, given back: the committed RenameField
        assert regen["misses"] == [] and regen["renames_accepted"] == ["shop.Item.price=cost"], regen
        assert "(renames accepted)" in out.read_text() and "(--accept-renames)." in out.read_text()
        assert "| 75% (3/4) | 1 |" in out.read_text()  # same operations, then the commits that needed a rename
    else:
        assert [m["class"] for m in regen["misses"]] == [rw.RENAME] and "renames_accepted" not in regen
        assert "(renames accepted)" not in out.read_text()
    for subject in ("shop: items", "item price"):
        assert "renames_accepted" not in records[subject]["regenerate"]


def test_the_bench_gives_only_the_hints_mgen_printed() -> None:
    import realworld_renames

    class Run:
        def __init__(self, renames: list[str]):
            self.report, self.seconds = {"renames": renames}, 1.0

    calls: list[list[str]] = []

    def run(extra):
        calls.append(list(extra))
        return Run(["a.B.c=d"] if len(calls) == 1 else ["a.B.c=d", "a.X=Y"])
    _, given, before = realworld_renames.run_accepting_renames(run, True)
    assert calls == [[], ["--rename", "a.B.c=d"], ["--rename", "a.B.c=d", "--rename", "a.X=Y"]]
    assert given == ["a.B.c=d", "a.X=Y"] and before == 2.0
    calls.clear()
    assert realworld_renames.run_accepting_renames(run, False)[1] == [] and calls == [[]]


# -- Alembic ----------------------------------------------------------------------------------------------
ALEMBIC_INI = "[alembic]\nscript_location = migrations\nprepend_sys_path = .\nsqlalchemy.url = sqlite:///app.db\n"
# the example shop's env.py: target_metadata from app.models, as in the project below
ENV = (ROOT / "examples" / "alembic_shop" / "project" / "migrations" / "env.py").read_text()
MODELS = """import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255))
"""
REVISION = '''"""{message}

Revision ID: {revision}
Revises: {down}
"""
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {down_value}
branch_labels = None
depends_on = None


def upgrade():
{upgrade}


def downgrade():
    pass
'''


def alembic_repo(root: Path) -> Path:
    repo = new_repo(root / "alembic-app")
    first = REVISION.format(message="users", revision="aaaa00000001", down="", down_value="None", upgrade="""\
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )""")
    commit(repo, {"alembic.ini": ALEMBIC_INI, "migrations/env.py": ENV, "app/__init__.py": "",
                  "app/models.py": MODELS, "migrations/versions/aaaa00000001_users.py": first}, "users")
    second = REVISION.format(message="user name", revision="bbbb00000002", down="aaaa00000001",
                             down_value='"aaaa00000001"', upgrade="""\
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=True))""")
    models = MODELS + "    name: Mapped[str | None] = mapped_column(sa.String(100))\n"
    commit(repo, {"app/models.py": models, "migrations/versions/bbbb00000002_user_name.py": second}, "user name")
    return repo


def test_alembic_bench_on_a_tiny_project(tmp_path: Path) -> None:
    repo = alembic_repo(tmp_path)
    result = alembic_bench.main([str(repo / ".git"), "--mgen", MGEN, "--workdir", str(tmp_path / "work"), "--quiet",
                                 "--out", str(tmp_path / "alembic.md")])
    (project,) = result["projects"]
    assert project["candidates"] == 2
    for record in project["records"]:
        assert record["project_folder"] == "."
        assert record["in_sync"]["misses"] == [], record
        assert record["regenerate"]["misses"] == [] and record["regenerate"]["wrote"] is True, record
    s = rw.summarise(project["records"])
    assert (s["in_sync_noop"], s["regen_compared"], s["regen_same"], s["regen_silent"]) == (2, 2, 2, 0)


def baseline_repo(root: Path) -> Path:
    """An Alembic history on a db.create_all() baseline: users exists before the first revision, which alters
    it; a later commit adds a column to users with its revision."""
    repo = new_repo(root / "alembic-baseline")
    commit(repo, {"alembic.ini": ALEMBIC_INI, "migrations/env.py": ENV, "app/__init__.py": "",
                  "app/models.py": MODELS}, "users, made with create_all()")
    models = MODELS + "    name: Mapped[str | None] = mapped_column(sa.String(100))\n"
    first = REVISION.format(message="user name", revision="aaaa00000001", down="", down_value="None", upgrade="""\
    op.add_column("users", sa.Column("name", sa.String(length=100), nullable=True))""")
    commit(repo, {"app/models.py": models, "migrations/versions/aaaa00000001_user_name.py": first}, "user name")
    models += "    nick: Mapped[str | None] = mapped_column(sa.String(20))\n"
    second = REVISION.format(message="user nick", revision="bbbb00000002", down="aaaa00000001",
                             down_value='"aaaa00000001"', upgrade="""\
    op.add_column("users", sa.Column("nick", sa.String(length=20), nullable=True))""")
    commit(repo, {"app/models.py": models, "migrations/versions/bbbb00000002_user_nick.py": second}, "user nick")
    return repo


def test_alembic_bench_checks_out_each_commit_so_a_create_all_baseline_is_read_from_git(tmp_path: Path) -> None:
    """The default tree for Alembic is a git checkout of the commit: mgen reads the baseline from the models
    before the first revision (replay_git). Extracted without .git (--tree archive), the same commits are
    refused, naming why git could not say."""
    repo = baseline_repo(tmp_path)
    for tree, in_sync, same in (("git", 2, 1), ("archive", 0, 0)):
        argv = [str(repo / ".git"), "--mgen", MGEN, "--workdir", str(tmp_path / f"work-{tree}"), "--quiet",
                "--out", str(tmp_path / f"{tree}.md")] + (["--tree", tree] if tree == "archive" else [])
        (project,) = alembic_bench.main(argv)["projects"]
        assert project["candidates"] == 2
        assert {r["tree"] for r in project["records"]} == {tree}
        s = rw.summarise(project["records"])
        assert (s["in_sync_noop"], s["regen_same"], s["regen_silent"]) == (in_sync, same, 0), project["records"]
        if tree == "archive":
            assert all("not in a git repository" in r["in_sync"]["misses"][0]["detail"] for r in project["records"])
    # nothing was written to the repository the trees were checked out from
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_alembic_revision_reader() -> None:
    ops, data = alembic_bench.read_revision("r.py", REVISION.format(
        message="m", revision="r", down="", down_value="None", upgrade="""\
    op.add_column("posts", sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True))
    op.create_index(op.f("ix_posts_author_id"), "posts", ["author_id"], unique=False)
    op.create_foreign_key(None, "posts", "users", ["author_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(255), nullable=True)
        batch_op.drop_index("ix_users_email")
    op.execute("UPDATE posts SET author_id = 1")"""))
    assert data is True  # op.execute
    assert [op.key for op in ops] == [("add_column", "posts", "author_id"), ("create_index", "posts", "author_id"),
                                      ("create_foreign_key", "posts", "author_id"),
                                      ("alter_column", "users", "email"), ("drop_index", "users", "ix_users_email")]
    assert dict(ops[0].details) == {"type": "Integer", "foreign key": "users.id"}
    assert dict(ops[2].details) == {"target": "users(id)", "ondelete": "CASCADE"}
    assert dict(ops[3].details) == {"nullable": "True"}  # existing_* not compared



def test_an_ordered_index_element_compares_equal_as_text_or_literal_column() -> None:
    """``sa.text("c DESC")`` (older autogenerate) and ``sa.literal_column("c DESC")`` (today's) are the same SQL."""
    def ops(element: str) -> list:
        return alembic_bench.read_revision("r.py", REVISION.format(
            message="m", revision="r", down="", down_value="None",
            upgrade=f'    op.create_index("ix_t_c", "t", [{element}], unique=False)'))[0]
    text, literal = ops('sa.text("c DESC")'), ops('sa.literal_column("c DESC")')
    assert [o.key for o in text] == [o.key for o in literal] == [("create_index", "t", "sql(c DESC)")]
    assert rw.compare_operations(text, literal, alembic_bench.Alembic().difference) == []


def test_a_revision_whose_operations_all_depend_on_the_database_is_not_compared() -> None:
    """Which branch of ``if dialect.name != "sqlite":`` runs is the dialect's: such a revision cannot be
    compared with what mgen writes for one dialect (its "no changes" on SQLite is no silent miss)."""
    guarded = REVISION.format(message="m", revision="r", down="", down_value="None", upgrade="""\
    connection = op.get_bind()
    if connection.engine.dialect.name != "sqlite":
        op.alter_column("users", "birthday", type_=sa.DateTime())""")
    with pytest.raises(rw.NotComparable, match="only under an if on the database"):
        alembic_bench.read_revision("r.py", guarded)
    mixed = REVISION.format(message="m", revision="r", down="", down_value="None", upgrade="""\
    op.add_column("users", sa.Column("age", sa.Integer()))
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_users_age", "users", ["age"])""")
    ops, data = alembic_bench.read_revision("r.py", mixed)
    assert data is True and [op.key[0] for op in ops] == ["add_column", "create_index"]

def test_silent_no_changes_is_its_own_class(tmp_path: Path) -> None:
    committed = rw.Committed([rw.Operation(("add_column", "users", "name"), (("type", "String"),))])
    run = rw.MgenRun(0, 0.1, "no changes: nothing written\n", "")
    out = rw._regenerate(alembic_bench.Alembic(), run, tmp_path, committed)
    assert [m["class"] for m in out["misses"]] == [rw.SILENT]


# -- the pure parts -----------------------------------------------------------------------------------
def test_django_values_are_normalised() -> None:
    def text(source: str, keyword: str = "") -> str:
        return django_bench.value_text(ast.parse(source, mode="eval").body, keyword)

    assert text("_('Name')") == text("'Name'")
    assert text("django.db.models.deletion.CASCADE") == text("models.CASCADE") == "CASCADE"
    assert text("{('b', 'a'), ('a', 'b')}") == text("{('a', 'b'), ('b', 'a')}")
    assert text("set([('b', 'a'), ('a', 'b')])") == text("set([('a', 'b'), ('b', 'a')])") != text("{('a', 'b')}")
    assert text("'Shop.Item'", "to") == "'shop.item'"
    assert text("models.CharField(max_length=5, blank=True)") == text("models.CharField(blank=True, max_length=5)")


def test_a_rename_written_as_drop_and_add_is_one_miss() -> None:
    def op(*key: str) -> object:
        return rw.Operation(key, (("class", "CharField"),))

    django = django_bench.Django()
    committed = [op("RenameField", "shop", "item", "title", "name"), op("AddField", "shop", "item", "price")]
    generated = [op("RemoveField", "shop", "item", "title"), op("AddField", "shop", "item", "name"),
                 op("AddField", "shop", "item", "price")]
    misses = rw.compare_operations(committed, generated, django.difference, django.rename_parts)
    assert [(m.klass, m.label) for m in misses] == [(rw.RENAME, "RenameField")]
    misses = rw.compare_operations(committed, generated[1:], django.difference, django.rename_parts)
    assert sorted(m.klass for m in misses) == [rw.EXTRA, rw.MISSING]  # no drop: not a rename


def test_a_missing_operation_on_a_field_the_commit_changes_twice_is_its_own_class() -> None:
    """Added nullable in one migration, made NOT NULL in the next (or added, then removed): from the commit's
    last models makemigrations writes one operation, and the states in between are not in the commit."""
    def op(line: int, *key: str, **details: str) -> rw.Operation:
        return rw.Operation(key, tuple(sorted({"class": "CharField", **details}.items())), f"m.py:{line}")

    django = django_bench.Django()
    committed = [op(1, "AddField", "shop", "item", "slug", null="True"), op(2, "AlterField", "shop", "item", "slug"),
                 op(3, "AddField", "shop", "item", "code"), op(4, "RemoveField", "shop", "item", "code"),
                 op(5, "AlterField", "shop", "item", "name")]
    generated = [op(0, "AddField", "shop", "item", "slug")]
    misses = realworld_twice.reclassify(rw.compare_operations(committed, generated, django.difference,
                                                              django.rename_parts), committed, django.targets)
    assert sorted((m.klass, m.label, m.location) for m in misses) == [
        (rw.MISSING, "AlterField", "m.py:5"), (realworld_twice.TWICE, "AddField", "m.py:3"),
        (realworld_twice.TWICE, "AlterField", "m.py:2"), (realworld_twice.TWICE, "RemoveField", "m.py:4"),
        (realworld_twice.TWICE, "null", "m.py:1")], misses
    assert any("null: True -> -" in m.detail for m in misses), misses  # the twin's difference, kept


def test_refusals_are_classed_by_file_and_pattern(tmp_path: Path) -> None:
    message = (f"mgen: {tmp_path}/app/migrations/0003_x.py:14: field tags: field class a.b.TagField is not one "
               "mgen knows")
    miss = rw.run_failure(rw.MgenRun(2, 0.1, "", message), tmp_path)
    assert (miss.klass, miss.label, miss.location) == ("refused (migration file)", "field class mgen does not know",
                                                       "app/migrations/0003_x.py:14")
    assert rw.run_failure(rw.MgenRun(3, 0.1, "", "mgen: internal error: KeyError 'x'"), tmp_path).klass == rw.CRASH
    # the engines' line after a refusal is not the refusal; alone (--engine native could not run) it is the message
    both = rw.MgenRun(2, 0.1, "", f"mgen: {tmp_path}/app/models.py:3: x is computed at run time\n"
                                  "mgen: engine: static refused; native could not run: no interpreter found")
    assert both.message == f"{tmp_path}/app/models.py:3: x is computed at run time"
    assert rw.run_failure(both, tmp_path).location == "app/models.py:3"
    alone = rw.MgenRun(2, 0.1, "", "mgen: engine: native could not run: settings import failed: ImportError: y")
    assert alone.message == "engine: native could not run: settings import failed: ImportError: y"
    assert rw.run_failure(rw.MgenRun(None, 9.0, "", ""), tmp_path).klass == rw.TIMEOUT


def test_sampling_is_even_and_deterministic() -> None:
    items = list(range(100))
    picked = rw.sample_evenly(items, 10, "seed")
    assert picked == rw.sample_evenly(items, 10, "seed") and len(picked) == 10
    assert all(10 * i <= p < 10 * (i + 1) for i, p in enumerate(picked))
    assert rw.sample_evenly(items[:5], 10, "seed") == items[:5]
    dense = rw.sample_evenly(items[:15], 10, "seed")  # strides of 1.5: still one each, none twice
    assert len(set(dense)) == 10 and dense == sorted(dense)


def test_a_tree_with_a_blob_the_mirror_lacks(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "r")
    commit(repo, {"app/models.py": "x = 1\n", "static/big.js": "var big;\n"}, "one")
    blob = subprocess.run(["git", "rev-parse", "HEAD:static/big.js"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # as a snapshot without its largest files
    source = rw.parse_source(str(repo / ".git"))
    with rw.extracted_tree(source, source.head, tmp_path) as (tree, missing):
        assert missing == ["static/big.js"]
        assert (tree / "app" / "models.py").read_text() == "x = 1\n" and not (tree / "static" / "big.js").exists()
    assert not tree.exists()


@pytest.mark.parametrize(("settings", "app", "named"), [
    ("INSTALLED_APPS = ['wagtail.images']", "wagtail/images", True),
    ("INSTALLED_APPS = ['helpdesk.apps.HelpdeskConfig']", "src/helpdesk", True),
    ("INSTALLED_APPS = ['blog']", "src/helpdesk", False),
])
def test_settings_name_an_app(settings: str, app: str, named: bool) -> None:
    assert django_bench._names_app(settings, app) is named


def test_django_bench_scoped_passes_the_apps_of_the_added_migrations(tmp_path: Path) -> None:
    repo = django_repo(tmp_path)
    result = django_bench.main([str(repo / ".git"), "--per-project", "10", "--mgen", MGEN, "--scoped",
                                "--workdir", str(tmp_path / "work"), "--quiet", "--out", str(tmp_path / "d.md")])
    assert result["scoped"] is True
    (project,) = result["projects"]
    records = {r["subject"]: r for r in project["records"]}
    assert all(r["arguments"] == ["--app", "shop"] for r in records.values()), records
    assert [r["in_sync"]["misses"] for s, r in records.items() if s != "item note"] == [[], [], []]
    assert "scoped to the apps of the added migrations" in (tmp_path / "d.md").read_text()


@pytest.mark.parametrize("apps_py, label", [
    (None, "images"),
    ('from django.apps import AppConfig\n\nclass C(AppConfig):\n    name = "pkg.images"\n', "images"),
    ('from django.apps import AppConfig\n\nclass C(AppConfig):\n    name = "pkg.images"\n    label = "pkgimages"\n',
     "pkgimages"),
    ("this is not python (", "images"),
])
def test_django_app_label_as_django_derives_it(apps_py: str | None, label: str, tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    if apps_py is not None:
        (folder / "apps.py").write_text(apps_py)
    assert django_bench._app_label(folder) == label


def _django_conflicts(tree: Path) -> dict[str, list[str]]:
    """The judge: Django's own loader, with no database, in a subprocess."""
    code = ("import django, json; django.setup()\n"
            "from django.db.migrations.loader import MigrationLoader\n"
            "print(json.dumps({a: sorted(n) for a, n in MigrationLoader(None).detect_conflicts().items()}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True,
                         env={"DJANGO_SETTINGS_MODULE": "conf.settings", "PATH": "/usr/bin:/bin"})
    return ast.literal_eval(out.stdout.strip().replace("null", "None"))


@pytest.mark.parametrize("migrations, leaves", [
    ({"0001_initial": None, "0002_a": "0001_initial", "0002_b": "0001_initial"}, ["0002_a", "0002_b"]),
    ({"0001_initial": None, "0002_a": "0001_initial", "0002_b": "0001_initial",
      "0003_merge": ("0002_a", "0002_b")}, None),
    # a squash stands for what it replaces: 0003 still depends on a replaced name
    ({"0001_initial": None, "0002_a": "0001_initial", "0001_squashed_0002_a": ["0001_initial", "0002_a"],
      "0003_c": "0002_a"}, None),
    ({"0001_initial": None, "0002_a": "0001_initial", "0001_squashed_0002_a": ["0001_initial", "0002_a"],
      "0003_c": "0002_a", "0003_d": "0001_squashed_0002_a"}, ["0003_c", "0003_d"]),
    # dependencies built by an expression: the literal part read, the rest claims nothing
    ({"0001_initial": None, "0002_a": "0001_initial", "0003_b": "0002_a + EXTRA"}, None),
])
def test_django_leaf_conflicts_as_django_finds_them(migrations: dict, leaves: list[str] | None,
                                                     tmp_path: Path) -> None:
    files = {"manage.py": MANAGE, "conf/__init__.py": "", "conf/settings.py": SETTINGS, "shop/__init__.py": "",
             "shop/models.py": MODEL_HEAD, "shop/migrations/__init__.py": ""}
    for name, parent in migrations.items():
        if isinstance(parent, list):  # a squash
            text = MIGRATION.format(extra=f"    replaces = {[('shop', p) for p in parent]!r}\n", dependencies="",
                                    operations="")
        else:
            parents = parent if isinstance(parent, tuple) else (parent,) if parent else ()
            text = MIGRATION.format(extra="", dependencies=", ".join(f'("shop", "{p}")' for p in parents),
                                    operations="")
            if isinstance(parent, str) and parent.endswith(" + EXTRA"):  # [(...)] + EXTRA, EXTRA = [] at the top
                pair = f'("shop", "{parent.removesuffix(" + EXTRA")}")'
                text = "EXTRA = []\n" + MIGRATION.format(extra="", dependencies=pair, operations="").replace(
                    f"[{pair}]", f"[{pair}] + EXTRA")
        files[f"shop/migrations/{name}.py"] = text
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    expected = {"shop": leaves} if leaves else {}
    assert _django_conflicts(tmp_path) == expected  # the judge agrees with the case as written
    assert django_bench.leaf_conflicts(tmp_path) == expected
    said = django_bench.Django().history_conflict(tmp_path, [], [])
    assert said == (f"shop: {', '.join(leaves)}" if leaves else None)
    assert django_bench.Django().history_conflict(tmp_path, [], ["--app", "other"]) is None


@pytest.mark.parametrize("revisions, heads", [
    ({"a": None, "b": "a", "c": "a"}, ["b", "c"]),
    ({"a": None, "b": "a", "c": "a", "d": ("b", "c")}, ["d"]),
])
def test_alembic_heads_of_a_folder(revisions: dict, heads: list[str], tmp_path: Path) -> None:
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    for rev, down in revisions.items():
        (versions / f"{rev}_x.py").write_text(f"revision = {rev!r}\ndown_revision = {down!r}\n")
    from alembic.script import ScriptDirectory
    assert sorted(ScriptDirectory(str(tmp_path / "migrations")).get_heads()) == heads  # the judge
    assert alembic_bench.revision_heads(versions) == heads
    said = alembic_bench.Alembic().history_conflict(tmp_path, ["migrations/versions/a_x.py"], [])
    assert said == (f"migrations/versions: {', '.join(heads)}" if len(heads) > 1 else None)


def test_a_commit_whose_history_has_two_leaves_without_its_migrations_is_not_regenerated(tmp_path: Path) -> None:
    """A commit adding the merge of two leaves (and a migration after it): with the commit's migrations
    deleted the app has two leaves again, where ``makemigrations`` stops ("Conflicting migrations detected"),
    so it is not regenerated, as a commit with two leaves is not measured in sync."""
    repo = new_repo(tmp_path / "django-shop")
    models = MODEL_HEAD
    commit(repo, {"manage.py": MANAGE, "conf/__init__.py": "", "conf/settings.py": SETTINGS, "shop/__init__.py": "",
                  "shop/models.py": models, "shop/migrations/__init__.py": "",
                  "shop/migrations/0001_initial.py": _migration(None, INITIAL)}, "shop: items")
    models += "    price = models.IntegerField(default=0)\n    size = models.IntegerField(default=0)\n"
    commit(repo, {"shop/models.py": models,
                  "shop/migrations/0002_item_price.py": _migration(
                      "0001_initial", _add_field("price", "models.IntegerField(default=0)")),
                  "shop/migrations/0002_item_size.py": _migration(
                      "0001_initial", _add_field("size", "models.IntegerField(default=0)"))}, "two leaves")
    models += "    note = models.IntegerField(default=0)\n"
    merge = MIGRATION.format(extra="", dependencies='("shop", "0002_item_price"), ("shop", "0002_item_size")',
                             operations="")
    commit(repo, {"shop/models.py": models, "shop/migrations/0003_merge.py": merge,
                  "shop/migrations/0004_item_note.py": _migration(
                      "0003_merge", _add_field("note", "models.IntegerField(default=0)"))}, "merged, item note")
    result = django_bench.main([str(repo / ".git"), "--per-project", "10", "--mgen", MGEN, "--quiet",
                                "--workdir", str(tmp_path / "work"), "--out", str(tmp_path / "d.md")])
    records = {r["subject"]: r for r in result["projects"][0]["records"]}
    assert records["two leaves"]["in_sync"]["skip"] == rw.SKIP_CONFLICT
    merged = records["merged, item note"]
    assert merged["in_sync"]["misses"] == [], merged
    assert merged["regenerate"] == {"skip": rw.SKIP_CONFLICT, "detail": "shop: 0002_item_price, 0002_item_size"}


def test_operations_makemigrations_never_writes_are_not_compared() -> None:
    """A project's own operation class, or a library's (``TrigramExtension``), is written by hand: read as
    data code, like RunPython, not as an operation mgen should have written."""
    text = MIGRATION.format(extra="", dependencies="", operations=(
        "        TrigramExtension(),\n        shop.operations.Warm('items'),\n"
        + _add_field("price", "models.IntegerField(default=0)")))
    ops, data, squash = django_bench.read_migration("shop/migrations/0002_x.py", text)
    assert [op.name for op in ops] == ["AddField"] and data and not squash


def test_operations_a_later_commit_adds_are_the_projects_drift(tmp_path: Path) -> None:
    """The "item note" commit's migration says 40 where its model says 50; when a later commit adds the
    AlterField, the project's models were ahead of its migrations there: the in-sync miss is its drift."""
    repo = django_repo(tmp_path)
    alter = _add_field("note", "models.CharField(blank=True, max_length=50)").replace("AddField", "AlterField")
    commit(repo, {"shop/migrations/0005_alter_item_note.py": _migration("0004_item_note", alter)}, "the fix")
    result = django_bench.main([str(repo / ".git"), "--per-project", "10", "--mgen", MGEN, "--quiet",
                                "--workdir", str(tmp_path / "work"), "--out", str(tmp_path / "d.md")])
    records = {r["subject"]: r for r in result["projects"][0]["records"]}
    (miss,) = records["item note"]["in_sync"]["misses"]
    assert (miss["class"], miss["label"]) == (realworld_drift.DRIFT, "AlterField"), miss
    assert miss["detail"].startswith("added by "), miss
    assert "the fix" not in records  # a migration alone changes no model: not a sampled commit
