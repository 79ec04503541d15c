"""Several heads: which exist, which one the models' change belongs to, generating on one (--head)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from test_alembic_replay import make_project, revision

from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay_with_notes
from mgen.frameworks.alembic.replay_heads import head_advice, head_fits
from mgen.frameworks.alembic.revisions import read_graph
from mgen.schema import Column, ColumnType

BASE = revision("r1", None, 'op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True))')
LEFT = revision("left", "r1", 'op.add_column("items", sa.Column("colour", sa.String(20)))')
RIGHT1 = revision("right1", "r1", 'op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))')
RIGHT2 = revision("right2", "right1", 'op.add_column("tags", sa.Column("label", sa.Text()))')


@pytest.fixture
def versions(tmp_path):
    files = {"r1.py": BASE, "left.py": LEFT, "right1.py": RIGHT1, "right2.py": RIGHT2}
    return make_project(tmp_path, files) / "versions"


def test_several_heads_are_named_with_their_own_revisions(versions):
    with pytest.raises(MgenError) as e:
        replay_with_notes(versions, "sqlite")
    assert e.value.message == ("the Alembic history has 2 heads (left, right2): left (left.py, 1 revision of its own: left); "
                               "right2 (right2.py, 2 revisions of its own: right1, right2); give --head REV to "
                               "generate on one of them, or merge them first (alembic merge heads)")
    assert read_graph([versions]).own_revisions("right2") == ["right1", "right2"]


def test_generating_on_one_head(versions):
    read = replay_with_notes(versions, "sqlite", upto="right2")
    assert read.revisions == ["r1", "right1", "right2"]
    assert sorted(t.name for t in read.schema.tables) == ["items", "tags"]


def test_the_head_the_models_change_belongs_to(versions):
    models = replay_with_notes(versions, "sqlite", upto="right2").schema
    tags = models.table("tags")
    models = models.with_table(replace(tags, columns=(*tags.columns, Column("extra", ColumnType("integer")))))
    fits = head_fits([versions], "sqlite", models)
    assert [(f.head, f.changes) for f in fits] == [("right2", 1), ("left", 2)]
    assert head_advice([versions], "sqlite", models).startswith(
        "2 heads (right2: 1 change, left: 2 changes): the models are closest to right2; generate on it with "
        "--head right2")


def test_the_project_replay_names_the_closest_head_or_replays_the_one_given(versions):
    from mgen.frameworks.alembic.replay_project import current_replay

    models = replay_with_notes(versions, "sqlite", upto="left").schema
    with pytest.raises(MgenError) as e:
        current_replay([versions], "sqlite", models=models)
    assert e.value.message.startswith("the Alembic history has 2 heads (left: 0 changes, right2: ")
    assert "the models are closest to left; generate on it with --head left" in e.value.message
    assert current_replay([versions], "sqlite", head="left", models=models).schema == models
