"""A history that starts from a ``db.create_all()`` baseline (redash, lemur), read from git: the models at
the parent of the commit that added the first revision are the baseline (``replay_git``), so a later change
to a table no revision touches is seen. Alembic judges: the database ``create_all()`` made from those models,
upgraded with the project's revisions and the one mgen wrote, leaves nothing for ``compare_metadata``."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic_app import upgraded, write_app

from mgen.cli import main

PKG = "albaseline_app"
MODELS = '''\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(120), nullable=False)
{user}

class Post(Base):
    __tablename__ = "posts"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    title = sa.Column(sa.String(200), nullable=False)
{post}'''
NAME = "    name = sa.Column(sa.String(80))\n"
BODY = "    body = sa.Column(sa.Text())\n"
ADD_NAME = '''\
"""user name"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("name", sa.String(80)))


def downgrade():
    op.drop_column("users", "name")
'''


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True,
                          capture_output=True, text=True).stdout


def _commit(root: Path, message: str) -> str:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)
    return _git(root, "rev-parse", "HEAD").strip()


def _models(user: str = "", post: str = "") -> str:
    return MODELS.format(user=user, post=post)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """Commit 1: the models create_all() made the database from, no revision. Commit 2: the first revision
    (users.name) with its model change."""
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = write_app(tmp_path / "proj", PKG, _models(), {}, url="sqlite:///app.db")
    (root / "migrations" / "versions" / ".keep").write_text("")
    _git(root, "init", "-q")
    _commit(root, "models, made with create_all()")
    (root / PKG / "models.py").write_text(_models(user=NAME))
    (root / "migrations" / "versions" / "a1_user_name.py").write_text(ADD_NAME)
    _commit(root, "first revision")
    return root


def _create_all(source: str, url: str, folder: Path) -> None:
    """The database ``create_all()`` makes from the models ``source`` (as the project did before Alembic)."""
    path = folder / "albaseline_old_models.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("albaseline_old_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    engine = sa.create_engine(url)
    module.Base.metadata.create_all(engine)
    engine.dispose()


def test_in_sync_with_the_baseline_from_git(project: Path, capsys):
    assert main(["generate", str(project), "--engine", "static", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out
    first = _git(project, "rev-list", "--max-parents=0", "HEAD").strip()
    assert f"the models at commit {first[:10]}" in out and "which added the first revision a1" in out


def test_a_change_to_a_table_no_revision_touches_is_written_and_alembic_agrees(project: Path, tmp_path: Path, capsys):
    """posts is in the baseline only: with the baseline taken from the current models its new column was
    invisible ("no changes"); from git it is an add_column, and the database create_all() made from the
    models of commit 1, upgraded, matches the models."""
    (project / PKG / "models.py").write_text(_models(user=NAME, post=BODY))
    assert main(["generate", str(project), "--engine", "static", "--name", "post body"]) == 0
    written = [p for p in (project / "migrations" / "versions").glob("*.py") if p.name != "a1_user_name.py"]
    assert len(written) == 1
    upgrade = written[0].read_text().split("def downgrade")[0]
    assert "add_column" in upgrade and "'body'" in upgrade.replace('"', "'") and "users" not in upgrade
    capsys.readouterr()
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    _create_all(_models(), url, tmp_path)
    with upgraded(project, PKG, url) as models:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), models.Base.metadata) == []
        engine.dispose()


def test_a_model_change_committed_before_its_revision_is_skipped_with_a_note(tmp_path: Path, monkeypatch, capsys):
    """redash: the column the first revision adds was in the models a commit earlier; create_all() made it
    then, so that add_column is skipped (said), not refused."""
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = write_app(tmp_path / "proj", PKG, _models(user=NAME), {}, url="sqlite:///app.db")
    _git(root, "init", "-q")
    _commit(root, "models with users.name, made with create_all()")
    (root / "migrations" / "versions" / "a1_user_name.py").write_text(ADD_NAME)
    _commit(root, "the revision for it")
    assert main(["generate", str(root), "--engine", "static", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out and "already has a column 'name'" in out and "is skipped" in out


def test_a_table_in_the_models_before_the_revision_that_creates_it_is_not_in_the_baseline(tmp_path: Path, monkeypatch,
                                                                                         capsys):
    """lemur: certificate_replacement_associations was in the models a commit before the revision creating
    it; create_table on a database holding it would fail, so it is not part of the baseline."""
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "cache"))
    tags = '\n\nclass Tag(Base):\n    __tablename__ = "tags"\n    id = sa.Column(sa.Integer, primary_key=True)\n'
    root = write_app(tmp_path / "proj", PKG, _models(user=NAME) + tags, {}, url="sqlite:///app.db")
    _git(root, "init", "-q")
    _commit(root, "models with tags, before its revision")
    (root / "migrations" / "versions" / "a1_user_name.py").write_text(ADD_NAME.replace(
        '    op.add_column(', '    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))\n'
        '    op.add_column(', 1))
    _commit(root, "the revision")
    assert main(["generate", str(root), "--engine", "static", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out and "without tags, which a revision creates" in out


def test_outside_git_the_refusal_says_why_git_could_not(project: Path, tmp_path: Path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".git"))
    assert main(["generate", str(copy), "--engine", "static", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "baseline no revision creates (tables users)" in err and "not in a git repository" in err


def test_a_table_the_old_models_lack_is_refused_naming_it(project: Path, capsys):
    """A revision alters a table no revision creates and the models before the first revision lack: a later
    create_all() made it, which the files do not show."""
    (project / PKG / "models.py").write_text(_models(user=NAME) + textwrap.dedent('''

        class Tag(Base):
            __tablename__ = "tags"
            id = sa.Column(sa.Integer, primary_key=True)
            label = sa.Column(sa.String(20))
        '''))
    (project / "migrations" / "versions" / "b1_tag_label.py").write_text(
        ADD_NAME.replace('"a1"', '"b1"').replace("down_revision = None", 'down_revision = "a1"')
        .replace('op.add_column("users", sa.Column("name", sa.String(80)))', 'op.add_column("tags", sa.Column("label", sa.String(20)))'))
    _commit(project, "tags")
    assert main(["generate", str(project), "--engine", "static", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "(tags)" in err and "do not have" in err


def test_a_first_revision_not_committed_keeps_the_refusal(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = write_app(tmp_path / "proj", PKG, _models(user=NAME), {"a1_user_name.py": ADD_NAME}, url="sqlite:///app.db")
    _git(root, "init", "-q")
    _git(root, "add", PKG)
    _git(root, "commit", "-q", "-m", "the models only")
    assert main(["generate", str(root), "--engine", "static", "--dry-run"]) == 2
    assert "the first revision a1 (migrations/versions/a1_user_name.py) is not committed" in capsys.readouterr().err


def test_a_first_revision_a_merge_brought_dropping_a_table_gone_from_the_models(tmp_path: Path, monkeypatch, capsys):
    """lemur: the first revision first appears in a merge (neither parent had it), and drops a table the models
    had lost before it: the merge's first parent is the baseline, the dropped table is only known as gone.
    Alembic agrees: create_all() of the models that still had the table, upgraded, matches the models."""
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "cache"))
    pkg = "albaseline_merge"  # not PKG: Alembic's prepend_sys_path "." stays on sys.path once an upgrade ran
    legacy = '\n\nclass Legacy(Base):\n    __tablename__ = "legacy"\n    id = sa.Column(sa.Integer, primary_key=True)\n'
    root = write_app(tmp_path / "proj", pkg, _models() + legacy, {}, url="sqlite:///app.db")
    _git(root, "init", "-q", "-b", "main")
    _commit(root, "with legacy, made with create_all()")
    (root / pkg / "models.py").write_text(_models())
    _commit(root, "legacy gone from the models")
    _git(root, "checkout", "-q", "-b", "side")
    (root / "NOTES").write_text("side\n")
    _commit(root, "side work")
    _git(root, "checkout", "-q", "main")
    (root / "README").write_text("main\n")
    _commit(root, "main work")
    _git(root, "merge", "-q", "--no-commit", "--no-ff", "side")
    (root / pkg / "models.py").write_text(_models(user=NAME))
    (root / "migrations" / "versions" / "a1_user_name.py").write_text(
        ADD_NAME.replace('    op.add_column(', '    op.drop_table("legacy")\n    op.add_column(', 1))
    _commit(root, "merge side, with the first revision")
    assert main(["generate", str(root), "--engine", "static", "--dry-run"]) == 0
    out = capsys.readouterr().out
    parent = _git(root, "rev-parse", "HEAD^1").strip()
    assert "no changes" in out and f"the models at commit {parent[:10]}" in out
    assert "op.drop_table('legacy'): a table of the baseline" in out
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    _create_all(_models() + legacy, url, tmp_path)
    with upgraded(root, pkg, url) as models:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), models.Base.metadata) == []
        engine.dispose()
