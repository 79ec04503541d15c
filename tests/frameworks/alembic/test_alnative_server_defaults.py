"""Server defaults compared as the project's autogenerate compares them (issue #13; CTFd's
``challenges.position``, ihatemoney's ``bill.bill_type``): without ``compare_server_default`` Alembic's
autogenerate sees no change in a default, with it the change is seen. The judge: the revision applied with
``alembic upgrade``, then ``compare_metadata`` with the project's own options against the models finds what mgen
reports, no more."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic_app import upgraded, write_app

from mgen.cli import main

PKG = "server_defaults_app"
MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Challenge(Base):
    __tablename__ = "challenges"
    id = sa.Column(sa.Integer, primary_key=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    kind = sa.Column(sa.String(20), server_default="new")
    title = sa.Column(sa.String(40), server_default="untitled")
"""
REVISIONS = ['''\
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None


def upgrade():
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("kind", sa.String(length=20), nullable=True, server_default="old"),
        sa.PrimaryKeyConstraint("id"),
    )
''', '''\
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"


def upgrade():
    op.add_column("challenges", sa.Column("title", sa.String(length=40), nullable=True))
''']
def _project(root: Path, options: str) -> Path:
    return write_app(root, PKG, MODELS, {f"{text.split(chr(34))[1]}.py": text for text in REVISIONS},
                     configure=options)


def _alembic_sees(root: Path, tmp_path: Path, compare_server_default: bool) -> list[tuple[str, str, str]]:
    url = f"sqlite:///{tmp_path / 'judge.db'}"
    with upgraded(root, PKG, url) as models:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_server_default": compare_server_default})
            diffs = compare_metadata(context, models.Base.metadata)
        engine.dispose()
    return sorted((d[0][0], d[0][2], d[0][3]) for d in diffs)


@pytest.mark.parametrize("options, compared", [("", False), (", compare_server_default=False", False),
                                               (", compare_server_default=True", True)],
                         ids=["not-set", "false", "true"])
def test_server_defaults_as_the_projects_autogenerate_compares_them(tmp_path: Path, capsys, options: str,
                                                                   compared: bool) -> None:
    root = _project(tmp_path / "proj", options)
    assert main(["plan", str(root), "--dialect", "sqlite", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    operations = sorted(line for line in out.splitlines() if line and not line.startswith((" ", "note:", "engine:")))
    seen = _alembic_sees(root, tmp_path, compared)
    assert [(table, column) for _, table, column in seen] == \
        ([("challenges", "kind"), ("challenges", "position"), ("challenges", "title")] if compared else [])
    if compared:
        assert len(operations) == 3 and all("default" in line for line in operations), out
        assert "the project sets no compare_server_default" not in out
    else:
        assert operations == ["no changes"], out
        assert ("3 column(s) whose server default differs from the revisions' (challenges.position, challenges.kind, "
                "challenges.title): no change") in out


def test_a_new_column_keeps_its_model_default(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path / "proj", "")
    models = root / PKG / "models.py"
    models.write_text(models.read_text() + '    score = sa.Column(sa.Integer, server_default="5")\n')
    assert main(["plan", str(root), "--dialect", "sqlite", "--engine", "static"]) == 0
    out = capsys.readouterr().out
    assert "add column challenges.score" in out and "DEFAULT" in out.split("add column challenges.score")[1].split("\n")[0], out
