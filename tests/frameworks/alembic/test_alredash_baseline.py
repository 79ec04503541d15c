"""A history that starts from a baseline taken from the models (redash, lemur): an operation on a baseline
table is skipped only when the models' state explains its failure (the column is there already, the index is
not there); any other refusal (an argument mgen does not read) stays a refusal instead of being skipped."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy_oracle import assert_same, created, import_module, read, write_package
from test_alembic_replay import make_project, revision

from mgen.errors import MgenError
from mgen.frameworks.alembic.replay_project import MODELS as FROM_MODELS
from mgen.frameworks.alembic.replay_project import current_replay
from mgen.frameworks.sqlalchemy import read_models

MODELS = '''\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Query(Base):
    __tablename__ = "queries"
    id = sa.Column(sa.Integer, primary_key=True)
    is_draft = sa.Column(sa.Boolean, index=True)
    name = sa.Column(sa.String(80))
'''


def _replay(tmp_path: Path, body: str):
    models = tmp_path / "alredash_baseline_models.py"
    models.write_text(MODELS)
    project = make_project(tmp_path, {"a.py": revision("a", None, body)})
    return current_replay([project / "versions"], "postgresql", models=read_models(models, "postgresql"), db_url=FROM_MODELS)


def test_an_operation_the_models_hold_already_is_skipped_with_a_note(tmp_path):
    replayed = _replay(tmp_path, """
        op.add_column("queries", sa.Column("is_draft", sa.Boolean, index=True))
        op.drop_index("ix_queries_old", table_name="queries")
    """)
    assert replayed.assumed_tables == ("queries",)
    skipped = [n.message for n in replayed.notes if "is skipped" in n.message]
    assert len(skipped) == 2 and "already has a column 'is_draft'" in skipped[0] and "no index" in skipped[1]


def test_an_unread_argument_on_a_baseline_table_is_still_refused(tmp_path):
    with pytest.raises(MgenError, match="postgresql_nonsense") as e:
        _replay(tmp_path, 'op.create_index("ix_q_name", "queries", ["name"], postgresql_nonsense=1)')
    assert e.value.line is not None


def test_a_baseline_column_added_again_with_another_definition_is_replayed(tmp_path):
    replayed = _replay(tmp_path, """
        op.drop_column("queries", "name")
        op.add_column("queries", sa.Column("name", sa.Text(), nullable=False, server_default="{}"))
    """)
    column = replayed.schema.table("queries").column("name")
    assert column.type.name == "text" and not column.nullable and column.default.value == "{}"


def test_json_dumps_of_a_literal_is_the_server_default_it_returns(tmp_path):
    source = ("import json\nimport sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\n"
              "class Query(Base):\n    __tablename__ = 'queries'\n    id = sa.Column(sa.Integer, primary_key=True)\n"
              "    schedule = sa.Column(sa.Text, nullable=False, server_default=json.dumps({'interval': None, 'n': [1, 'a']}))\n")
    folder = write_package(tmp_path, "alredash_json_default", {"models.py": source})
    static = read(folder, "postgresql").schema
    assert static.table("queries").column("schedule").default.value == json.dumps({"interval": None, "n": [1, "a"]})
    module = import_module(tmp_path, "alredash_json_default.models")
    assert_same(static, created("postgresql", lambda: [module.Base.metadata]), "postgresql")


def test_dropping_a_baseline_table_the_models_no_longer_have_is_known(tmp_path):
    replayed = _replay(tmp_path, """
        op.add_column("queries", sa.Column("is_draft", sa.Boolean, index=True))
        op.drop_table("old_links")
    """)
    assert [t.name for t in replayed.schema.tables] == ["queries"]
    assert any("old_links" in n.message and "gone" in n.message for n in replayed.notes)


def test_any_other_operation_on_such_a_table_is_refused_naming_it(tmp_path):
    with pytest.raises(MgenError, match="old_links") as e:
        _replay(tmp_path, 'op.add_column("queries", sa.Column("is_draft", sa.Boolean, index=True))\n'
                          'op.add_column("old_links", sa.Column("url", sa.Text()))')
    assert "baseline" in e.value.message


def test_a_models_table_the_history_does_not_account_for_is_refused_naming_it(tmp_path):
    """redash: create_all() made the baseline from the models of its time; a models table no revision creates
    or names (alerts) is one of that baseline or new since, which the files do not say."""
    models = tmp_path / "alredash_unaccounted.py"
    models.write_text(MODELS + "\n\nclass Alert(Base):\n    __tablename__ = 'alerts'\n"
                               "    id = sa.Column(sa.Integer, primary_key=True)\n")
    project = make_project(tmp_path, {"a.py": revision("a", None, 'op.add_column("queries", sa.Column("x", sa.Text()))')})
    with pytest.raises(MgenError, match=r"no revision creates or names the models' tables alerts: whether") as e:
        current_replay([project / "versions"], "postgresql", models=read_models(models, "postgresql"), db_url=FROM_MODELS)
    assert "queries" in e.value.message and "--db" in e.value.message
    # created by a revision, it is accounted for
    (project / "versions" / "b.py").write_text(revision("b", "a", 'op.create_table("alerts", sa.Column("id", '
                                                                  'sa.Integer(), primary_key=True))'))
    replayed = current_replay([project / "versions"], "postgresql", models=read_models(models, "postgresql"), db_url=FROM_MODELS)
    assert replayed.assumed_tables == ("queries",)


def test_operations_on_a_baseline_table_a_later_revision_drops_change_nothing_left(tmp_path):
    """lemur's elbs: an index, a foreign key and a column of it dropped, then the table itself."""
    models = tmp_path / "alredash_doomed.py"
    models.write_text(MODELS)
    project = make_project(tmp_path, {
        "a.py": revision("a", None, 'op.add_column("queries", sa.Column("x", sa.Text()))\n'
                                    'op.drop_index("ix_elbs_account_id", table_name="elbs")\n'
                                    'op.drop_constraint("elbs_account_id_fkey", "elbs", type_="foreignkey")\n'
                                    'op.drop_column("elbs", "account_id")'),
        "b.py": revision("b", "a", 'op.drop_table("elbs")')})
    replayed = current_replay([project / "versions"], "postgresql", models=read_models(models, "postgresql"), db_url=FROM_MODELS)
    assert [t.name for t in replayed.schema.tables] == ["queries"]
    assert sum("a later revision drops, is skipped" in n.message for n in replayed.notes) == 3
    # without the later drop_table, what elbs held is not known: refused, named
    (project / "versions" / "b.py").unlink()
    with pytest.raises(MgenError, match="table elbs is in the history's baseline"):
        current_replay([project / "versions"], "postgresql", models=read_models(models, "postgresql"), db_url=FROM_MODELS)



def test_without_baseline_db_models_a_models_baseline_is_refused_naming_its_tables(tmp_path):
    """A table taken from the models is read as part of the baseline, so a change to it cannot be seen: the
    baseline is taken from the models only when asked (``--baseline-db models``); otherwise the refusal names
    the tables and both ways out."""
    models = tmp_path / "alredash_baseline_models.py"
    models.write_text(MODELS)
    project = make_project(tmp_path, {"a.py": revision("a", None, 'op.add_column("queries", sa.Column("x", sa.Integer))')})
    with pytest.raises(MgenError, match=r"baseline no revision creates \(tables queries\).*--baseline-db models"):
        current_replay([project / "versions"], "postgresql", models=read_models(models, "postgresql"))
