"""A revision that calls a module it never imports (lemur's ``postgresql_where=sqlalchemy.text(...)`` in a file
that imports ``sqlalchemy as sa``): Python stops there with a NameError, so ``alembic upgrade`` fails at that
revision. mgen refuses at the file and line and says so, instead of calling it "a SQL expression built in Python".
The judge: Alembic's own upgrade fails with that NameError."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_alembic_replay import alembic_upgrade, make_project, revision

from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay

BODY = '''
    op.create_table("certs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("root_id", sa.Integer()))
    op.create_index("ix_root_id", "certs", ["root_id"], postgresql_where=sqlalchemy.text("root_id IS NOT NULL"))
'''


def test_a_name_the_revision_never_binds_is_refused_as_the_name_error_it_is(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.py": revision("a", None, BODY)})
    with pytest.raises(MgenError, match=r"sqlalchemy is not defined in this file \(NameError when it runs\)") as e:
        replay(project / "versions", "postgresql")
    lines = (project / "versions" / "a.py").read_text().splitlines()
    assert e.value.file.endswith("a.py") and "sqlalchemy.text" in lines[e.value.line - 1]
    with pytest.raises(NameError, match="sqlalchemy"):
        alembic_upgrade(project, f"sqlite:///{tmp_path / 'app.db'}", "head")
