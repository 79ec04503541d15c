"""``op.add_column(t, sa.Column("id", sa.Integer, primary_key=True))`` outside a batch (lemur's
certificate_notification_associations): Alembic renders ``ADD COLUMN id SERIAL NOT NULL`` on PostgreSQL and
``ADD COLUMN id INTEGER NOT NULL`` on SQLite, with no primary key constraint; MySQL refuses it (an
AUTO_INCREMENT column must be a key). Alembic and the database judge: the replay equals the upgraded database."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_alembic_replay import assert_same, make_project, revision, upgraded

from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay

BODY = '''
    op.create_table("assoc", sa.Column("a_id", sa.Integer()), sa.Column("b_id", sa.Integer()))
    op.add_column("assoc", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True))
'''


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_a_primary_key_column_added_is_a_not_null_column_and_no_primary_key(tmp_path: Path, dialect: str):
    project = make_project(tmp_path, {"a.py": revision("a", None, BODY)})
    replayed = replay(project / "versions", dialect)
    table = replayed.table("assoc")
    assert table.primary_key is None and not table.column("id").nullable
    assert table.column("id").identity == ("serial" if dialect == "postgresql" else None)
    assert_same(replayed, upgraded(project, dialect), dialect, exact=False)


def test_on_mysql_or_in_a_batch_it_is_refused_with_file_and_line(tmp_path: Path):
    project = make_project(tmp_path, {"a.py": revision("a", None, BODY)})
    with pytest.raises(MgenError, match="adding the primary key column 'id' is not replayed") as e:
        replay(project / "versions", "mysql")
    assert e.value.line is not None and e.value.file.endswith("a.py")
