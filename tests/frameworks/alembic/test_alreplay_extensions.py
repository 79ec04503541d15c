"""Operations packages register on Alembic, replayed (mgen.frameworks.alembic.replay_extensions); and Python 2
``print`` statements in a revision (frameworks.pysyntax_py2print). Alembic judges on PostgreSQL: the env.py
registers ``sync_enum_values`` the way alembic-autogenerate-enums does (ALTER TYPE ... ADD VALUE for each value
of new_values missing from old_values), ``alembic upgrade head`` runs, and the replay equals the database."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from test_alembic_replay import make_project, revision, upgraded

from mgen.dialects import get_dialect
from mgen.differ import diff
from mgen.errors import MgenError
from mgen.frameworks.alembic.replay import replay, replay_with_notes
from mgen.frameworks.pysyntax import parse_python

REGISTER = '''
from alembic.operations import MigrateOperation, Operations


@Operations.register_operation("sync_enum_values")
class SyncEnumValuesOp(MigrateOperation):
    def __init__(self, schema, name, old_values, new_values):
        self.schema, self.name, self.old_values, self.new_values = schema, name, old_values, new_values

    @classmethod
    def sync_enum_values(cls, operations, schema, name, old_values, new_values):
        return operations.invoke(cls(schema, name, old_values, new_values))


@Operations.implementation_for(SyncEnumValuesOp)
def _sync(operations, op):
    for value in [v for v in op.new_values if v not in op.old_values]:
        operations.execute(f"ALTER TYPE {op.schema}.{op.name} ADD VALUE '{value}'")
'''

CREATE = '''
op.create_table("log", sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("kind", sa.Enum("view", name="log_kind"), nullable=False))
'''


def enum_project(tmp_path: Path, body: str) -> Path:
    project = make_project(tmp_path, {"a_create.py": revision("a", None, CREATE),
                                      "b_sync.py": revision("b", "a", body)})
    env = project / "env.py"
    env.write_text(REGISTER + env.read_text())
    return project


def test_sync_enum_values_adds_the_new_values_as_alembic_autogenerate_enums_does(tmp_path: Path):
    project = enum_project(tmp_path, 'op.sync_enum_values("public", "log_kind", ["view"], ["create", "view"])')
    live = upgraded(project, "postgresql")
    replayed = replay(project / "versions", "postgresql")
    d = get_dialect("postgresql")
    assert [op.describe() for op in diff(replayed, live, d).operations] == []
    assert replayed.enum("log_kind").values == ("view", "create") == live.enum("log_kind").values


def test_several_values_added_say_their_order_is_assumed(tmp_path: Path):
    project = enum_project(tmp_path, 'op.sync_enum_values("public", "log_kind", ["view"], ["a", "view", "b"])')
    replayed = replay_with_notes(project / "versions", "postgresql")
    assert replayed.schema.enum("log_kind").values == ("view", "a", "b")
    assert any("order of a Python set" in n.message and n.line == 9 for n in replayed.notes)


@pytest.mark.parametrize("body, message", [
    ('op.sync_enum_values("public", "nope", [], ["a"])', "no enum type 'nope'"),
    ('op.sync_enum_values("public", "log_kind", [], ["view"])', "has 'view' already"),
    ('op.sync_enum_values("other", "log_kind", [], ["a"])', "schema 'other' is not supported"),
    ('op.sync_enum_values("public", "log_kind", ["a"], affected_columns=[])', "alembic-postgresql-enum"),
], ids=["no-type", "value-present", "other-schema", "other-package"])
def test_sync_enum_values_that_would_fail_or_means_otherwise_is_refused(tmp_path: Path, body: str, message: str):
    project = enum_project(tmp_path, body)
    with pytest.raises(MgenError, match=message) as e:
        replay(project / "versions", "postgresql")
    assert e.value.line == 9


PY2 = '''\
from alembic import op
import sqlalchemy as sa

revision = "a"
down_revision = None


def upgrade():
    try:
        op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True))
    except Exception as e:
        print "could not create t: %s" % (
            e,)  # Python 2
        raise
    print >>sys.stderr, "done"
    if True: print "x"
'''


def test_python2_print_statements_read_as_calls_with_lines_kept():
    tree = parse_python(PY2, "py2.py")
    prints = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "print"]
    assert sorted(p.lineno for p in prints) == [12, 16]
    assert next(n for n in ast.walk(tree) if isinstance(n, ast.Raise)).lineno == 14


def test_a_python2_revision_replays_as_its_python3_spelling(tmp_path: Path):
    py2 = make_project(tmp_path / "py2", {"a.py": PY2})
    py3 = make_project(tmp_path / "py3", {"a.py": PY2.replace('print "could', 'print("could')
                                          .replace("e,)  #", "e,))  #").replace('print >>sys.stderr, "done"', "")
                                          .replace('print "x"', 'print("x")')})
    live = upgraded(py3, "sqlite")  # Alembic runs the Python 3 spelling
    assert replay(py2 / "versions", "sqlite") == replay(py3 / "versions", "sqlite")
    assert [op.describe() for op in diff(replay(py2 / "versions", "sqlite"), live, get_dialect("sqlite")).operations] == []


def test_other_python2_syntax_is_still_the_syntax_error():
    with pytest.raises(MgenError, match="syntax error") as e:
        parse_python('print "a"\nexec "x = 1" in {}\n', "py2.py")
    assert e.value.line == 2
