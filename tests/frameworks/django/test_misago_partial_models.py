"""Partial models (issue #12, Misago's ``MPTTModel``): a model whose base is a model class in a library mgen does
not find is read from what it declares, and the fields that base adds are taken from the migrations.

``fixtures/django/misago_partial_app``: ``forum.Board(TreeModel)`` and ``forum.Topic(TreeModel, Stamped)``,
``TreeModel`` imported from ``mgenfaketree.models``, a library that is not installed: its three fields (lft,
rght, depth) are only in the migrations, which Django wrote with a stand-in of the library (``FAKE_LIBRARY``,
written to a scratch folder for Django's judge only: the static read never sees it). ``0002`` adds a field to
Board, gives it a Meta of its own and alters a field of Topic.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import models_state, replay_project
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

FAKE_LIBRARY = '''from django.db import models


class TreeModel(models.Model):
    lft = models.PositiveIntegerField(editable=False)
    rght = models.PositiveIntegerField(editable=False)
    depth = models.PositiveIntegerField(db_index=True, editable=False)

    class Meta:
        abstract = True
'''


@pytest.fixture
def project(tmp_path) -> Path:
    return h.copy_project("misago_partial_app", tmp_path)


def django_check(project: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Django's ``makemigrations --check`` with the stand-in library importable (for Django only)."""
    library = tmp_path / "fakelib" / "mgenfaketree"
    library.mkdir(parents=True, exist_ok=True)
    (library / "__init__.py").write_text("")
    (library / "models.py").write_text(FAKE_LIBRARY)
    env = dict(h.env(), PYTHONPATH=os.pathsep.join([str(COMMON), str(library.parent)]))
    return subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_in_sync_partial_models_are_no_change_with_a_note(project):
    result = generate(project, name=None, dry_run=True)
    assert not result.operations
    board = [n for n in result.notes if "class Board (forum.board)" in n]
    assert len(board) == 1 and "its base mgenfaketree.models.TreeModel" in board[0]
    assert "fields of mgenfaketree.models.TreeModel taken from the migrations: field lft, field rght, field depth" in board[0]
    loaded = load_project(project)
    desired = models_state(loaded).only({"forum"})
    assert desired.differences(replay_project(loaded, {"forum"})) == []
    assert list(desired.model("forum", "board").fields)[:4] == ["id", "lft", "rght", "depth"]
    assert desired.model("forum", "topic").options["ordering"] == ["created"]  # its own Meta, inheriting Stamped's


def test_regenerated_migration_is_the_one_django_accepts(project, tmp_path):
    next((project / "forum" / "migrations").glob("0002_*.py")).unlink()
    result = generate(project, name=None)
    assert sorted(result.operations["forum"]) == [
        "forum: AddField board.slug", "forum: AlterField topic.title", "forum: AlterModelOptions board"]
    assert django_check(project, tmp_path).returncode == 0


def test_a_declared_field_change_is_exact(project, tmp_path):
    models = project / "forum" / "models.py"
    edit(models, 'slug = models.SlugField(default="")', 'slug = models.SlugField(default="", max_length=80)')
    result = generate(project, name=None)
    assert result.operations["forum"] == ["forum: AlterField board.slug"]
    assert django_check(project, tmp_path).returncode == 0


def test_a_new_partial_model_is_refused_at_its_class(project):
    models = project / "forum" / "models.py"
    models.write_text(models.read_text() + "\n\nclass Shelf(TreeModel):\n    label = models.CharField(max_length=9)\n")
    with pytest.raises(MgenError, match=r"forum.shelf: a new model whose base mgenfaketree.models.TreeModel is in a "
                                        r"library mgen does not find .* the fields mgenfaketree.models.TreeModel adds "
                                        r"are unknown") as e:
        generate(project, name=None, dry_run=True)
    assert Path(e.value.file).name == "models.py" and e.value.line == 35


def test_classes_that_do_not_show_a_model_are_not_read_as_one(project):
    """A class on an unread base named like a model that declares no model part (a pydantic-like
    ``BaseModel`` schema), a manager, or a plain mixin: not models, no refusal, the history untouched."""
    models = project / "forum" / "models.py"
    models.write_text("from payloadlib import BaseModel\nfrom treelib.managers import TreeManager\n"
                      "from treelib.models import TreeMixin\n" + models.read_text() + '''

class Payload(BaseModel):
    name: str
    count: int = 0

    class Config:
        frozen = True


class BoardManager(TreeManager):
    pass


class Walker(TreeMixin):
    depth = 3
''')
    result = generate(project, name=None, dry_run=True)
    assert not result.operations
    assert any("class Payload (forum.payload): its base payloadlib.BaseModel is in a library mgen does not find"
               in n and "not read as a model" in n for n in result.notes)
    assert ("forum", "payload") not in models_state(load_project(project)).models


def test_a_history_model_on_an_unread_base_of_any_name_is_partial(project, tmp_path):
    """A base not named like a model (treebeard's ``MP_Node``): the class declares fields and the migrations
    have the model, so it is one."""
    models = project / "forum" / "models.py"
    edit(models, "from mgenfaketree.models import TreeModel", "from mgenfaketree.models import TreeModel\n"
         "from mgenfaketree.nodes import Node")
    edit(models, "class Board(TreeModel):", "class Board(Node):")
    result = generate(project, name=None, dry_run=True)
    assert not result.operations
    assert any("fields of mgenfaketree.nodes.Node taken from the migrations: field lft, field rght, field depth" in n
               for n in result.notes)


def test_a_project_abstract_base_on_the_unread_base(project):
    """``class Node(TreeModel)`` abstract in the project, ``Board(Node)``: Node's fields are read, the
    library's taken."""
    models = project / "forum" / "models.py"
    edit(models, "class Board(TreeModel):\n    parent",
         "class Node(TreeModel):\n    parent")
    edit(models, '''    name = models.CharField(max_length=100)
    slug''', '''
    class Meta:
        abstract = True


class Board(Node):
    name = models.CharField(max_length=100)
    slug''')
    result = generate(project, name=None, dry_run=True)
    assert not result.operations
    board = models_state(load_project(project)).model("forum", "board")
    assert board.fields["parent"].get("related_name") == "children"


def test_meta_options_are_taken_when_the_class_has_no_meta(project):
    """Without a Meta of its own the class inherits the unread base's: the migrations' options stand."""
    models = project / "forum" / "models.py"
    edit(models, '''
    class Meta:
        ordering = ["name"]
''', "")
    result = generate(project, name=None, dry_run=True)
    assert not result.operations  # the migrations' ordering stays: mgen cannot see the base's Meta
    assert any("class Board (forum.board)" in n and "its Meta options too" in n for n in result.notes)


def test_an_unnamed_postgres_index_is_named_with_its_class_suffix(project, tmp_path):
    """``Index.set_name_with_model`` ends the name with the class's ``suffix``: ``_gin`` for a GinIndex (Misago's
    ``plugin_data`` indexes), not ``_idx``."""
    models = project / "forum" / "models.py"
    edit(models, "from django.db import models\n",
         "from django.contrib.postgres.indexes import GinIndex\nfrom django.db import models\n")
    edit(models, '''        verbose_name = "topic"''', '''        verbose_name = "topic"
        indexes = [GinIndex(fields=["title"])]''')
    result = generate(project, name=None)
    assert result.operations["forum"] == ["forum: AddIndex topic forum_topic_title_e80528_gin"]
    assert django_check(project, tmp_path).returncode == 0
