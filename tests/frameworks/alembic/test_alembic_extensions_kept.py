"""An extension a revision created (``op.execute('CREATE EXTENSION ...')``, full-stack-fastapi-template's
``uuid-ossp``) is not something models can name, and autogenerate never drops one: mgen neither, so the models
and the revisions agree ("no changes", as autogenerate finds none), and a model change is written without a
drop of the extension."""
from __future__ import annotations

import textwrap

from conftest import alembic_project

from mgen.cli import main

REVISION = textwrap.dedent('''\
    """init"""
    from alembic import op
    import sqlalchemy as sa

    revision = "a1"
    down_revision = None


    def upgrade():
        op.execute('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"')
        op.create_table(
            "users",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("email", sa.String(length=255), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("email"),
        )


    def downgrade():
        op.drop_table("users")
        op.execute('DROP EXTENSION IF EXISTS "uuid-ossp"')
    ''')


def test_an_extension_a_revision_created_is_kept(tmp_path, capsys):
    root = alembic_project(tmp_path, "postgresql")
    (root / "migrations" / "versions" / "a1_init.py").write_text(REVISION)
    assert main(["generate", str(root), "--engine", "static", "--dry-run"]) == 0
    out = capsys.readouterr()
    assert "no changes" in out.out, out.out + out.err
    models = root / "app" / "models.py"
    models.write_text(models.read_text() + "    nickname: Mapped[str | None] = mapped_column(String(40))\n")
    assert main(["generate", str(root), "--engine", "static", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "add_column" in out and "nickname" in out, out
    assert "extension" not in out.lower(), out
