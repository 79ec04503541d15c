"""The Alembic bench's judge (``bench/alembic_judge.py``, ``--judge-venv``): at each in-sync miss, Alembic's own
autogenerate on the same tree (the revisions run by Alembic on a scratch PostgreSQL database, the models imported
by the interpreter given) says whether the operations mgen reports are drift in the project (autogenerate
reports them too) or mgen's own. A tiny history: its second revision adds ``name`` nullable while the models
say NOT NULL (drift both report); its third adds ``nick`` as ``String()`` while the models say ``String(20)``
(a length the database lacks: mgen writes it, autogenerate since 1.4 does not)."""
from __future__ import annotations

import sys
from pathlib import Path

from test_bench_realworld import ALEMBIC_INI, ENV, MGEN, MODELS, REVISION, commit, new_repo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import alembic_judge
import realworld_alembic as alembic_bench


def _repo(root: Path) -> Path:
    repo = new_repo(root / "alembic-drift")
    first = REVISION.format(message="users", revision="aaaa00000001", down="", down_value="None", upgrade="""\
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )""")
    commit(repo, {"alembic.ini": ALEMBIC_INI.replace("sqlite:///app.db", "postgresql://u@localhost/app"),
                  "migrations/env.py": ENV, "app/__init__.py": "", "app/models.py": MODELS,
                  "migrations/versions/aaaa00000001_users.py": first}, "users")
    models = MODELS + "    name: Mapped[str] = mapped_column(sa.String(100))\n"
    second = REVISION.format(message="name", revision="bbbb00000002", down="aaaa00000001",
                             down_value='"aaaa00000001"', upgrade="""\
    op.add_column("users", sa.Column("name", sa.String(length=100), nullable=True))""")
    commit(repo, {"app/models.py": models, "migrations/versions/bbbb00000002_name.py": second}, "name")
    models += "    nick: Mapped[str | None] = mapped_column(sa.String(20))\n"
    third = REVISION.format(message="nick", revision="cccc00000003", down="bbbb00000002",
                            down_value='"bbbb00000002"', upgrade="""\
    op.add_column("users", sa.Column("nick", sa.String(), nullable=True))""")
    commit(repo, {"app/models.py": models, "migrations/versions/cccc00000003_nick.py": third}, "nick")
    return repo


def test_the_judge_tells_drift_in_the_project_from_mgen_differing(tmp_path: Path, postgres_url: str) -> None:
    repo = _repo(tmp_path)
    result = alembic_bench.main([f"drift={repo / '.git'}", "--mgen", MGEN, "--workdir", str(tmp_path / "work"),
                                 "--quiet", "--out", str(tmp_path / "out.md"), "--judge-venv", f"drift={sys.prefix}",
                                 "--judge-db", postgres_url])
    (project,) = result["projects"]
    by_subject = {r["subject"]: r for r in project["records"]}
    assert by_subject["users"]["in_sync"]["misses"] == [] and "judge" not in by_subject["users"]["in_sync"]
    name = by_subject["name"]["in_sync"]["judge"]
    assert name["class"] == alembic_judge.DRIFT, name
    assert name["autogenerate"] == ["alter_column users name"], name
    nick = by_subject["nick"]["in_sync"]["judge"]
    assert nick["class"] == alembic_judge.DIFFERS, nick
    assert [m["detail"] for m in nick["misses"]] == ["alter_column users nick"], nick
    text = (tmp_path / "out.md").read_text()
    assert "misses judged by Alembic's autogenerate" in text
    assert "| drift | 2 | 1 | 1 | 0 |" in text, text


def test_ondelete_is_compared_as_the_sql_keyword_it_is() -> None:
    """Autogenerate writes the model's spelling (``ondelete="cascade"``), mgen ``CASCADE``: the same action."""
    text = 'def upgrade():\n    op.create_foreign_key(None, "a", "b", ["b_id"], ["id"], ondelete="cascade")\n'
    (op,) = alembic_bench.read_revision("r.py", text)[0]
    assert dict(op.details)["ondelete"] == "CASCADE"
