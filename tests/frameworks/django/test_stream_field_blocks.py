"""A StreamField's blocks compared as its ``deconstruct()`` gives them (``stream_fields``, issue #12).

The fixture's ``streamkit`` package is a stand-in with the shapes of wagtail 2.x-6.1 (written here, not
copied): ``Block.__new__`` keeps the constructor's arguments, ``Block.__init__`` renames ``classname`` to
``form_classname``, ``Block.deconstruct()`` returns them; ``ChoiceBlock`` has a ``deconstruct()`` of its own;
``StructBlock`` writes itself as ``(literal path, [list(self.child_blocks.items())], self._constructor_kwargs)``
(``search_index`` left out), ``DocBlock``'s class is made by a function; ``StreamField.__init__`` takes
``use_json_field`` for itself and ``deconstruct()`` returns ``[list(self.stream_block.child_blocks.items())]``. Old migrations hold
the blocks as a tuple of pairs, the models a list. Django's own ``makemigrations --check`` is the judge.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks.django.writer import generate

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

BASE = '''class Block:
    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        obj._constructor_args = (args, kwargs)
        return obj

    def __init__(self, **kwargs):
        if "classname" in self._constructor_args[1]:
            classname = self._constructor_args[1].pop("classname")
            self._constructor_args[1].setdefault("form_classname", classname)

    def deconstruct(self):
        path = "streamkit.blocks.%s" % self.__class__.__name__
        return (path, self._constructor_args[0], self._constructor_args[1])

    def __eq__(self, other):
        return isinstance(other, Block) and self.deconstruct() == other.deconstruct()
'''

BLOCKS = '''from .base import Block


class CharBlock(Block):
    def __init__(self, required=True, form_classname=None, **kwargs):
        super().__init__(**kwargs)


class StructBlock(Block):
    def __init__(self, local_blocks=None, search_index=True, **kwargs):
        self._constructor_kwargs = kwargs
        super().__init__(**kwargs)
        self.child_blocks = dict(local_blocks or [])

    def deconstruct(self):
        path = "streamkit.blocks.StructBlock"
        args = [list(self.child_blocks.items())]
        kwargs = self._constructor_kwargs
        return (path, args, kwargs)


class ChoiceBlock(Block):
    def __init__(self, choices=(), **kwargs):
        super().__init__(**kwargs)
        self._constructor_kwargs = dict(kwargs, choices=list(choices or getattr(self, "choices", [])))

    def deconstruct(self):
        return ("streamkit.blocks.ChoiceBlock", [], self._constructor_kwargs)


def make_block_class(name):
    return type(name, (CharBlock,), {"__module__": "streamkit.blocks.field_block"})


DocBlock = make_block_class("DocBlock")


class StreamBlock(Block):
    def __init__(self, local_blocks=None, **kwargs):
        super().__init__(**kwargs)
        self.child_blocks = dict(local_blocks or [])
'''

FIELDS = '''from django.db import models

from .blocks import StreamBlock


class StreamField(models.Field):
    def __init__(self, block_types, use_json_field=True, **kwargs):
        self.stream_block = StreamBlock(block_types)
        super().__init__(**kwargs)

    def get_internal_type(self):
        return "TextField"

    def deconstruct(self):
        name, path, _, kwargs = super().deconstruct()
        block_types = list(self.stream_block.child_blocks.items())
        args = [block_types]
        return name, path, args, kwargs
'''

MIGRATION = '''
from django.db import migrations, models
import streamkit.blocks
import streamkit.fields


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Page", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("body", streamkit.fields.StreamField((
                ("heading", streamkit.blocks.CharBlock(classname="title")),
                ("person", streamkit.blocks.StructBlock((("name", streamkit.blocks.CharBlock()),), label="P")),
                ("doc", streamkit.blocks.DocBlock()),
            ), use_json_field=True)),
            ("extra", streamkit.fields.StreamField((
                ("kind", streamkit.blocks.ChoiceBlock(choices=[("a", "A")])),
            ))),
        ]),
    ]
'''

MODELS = '''from django.db import models

from streamkit.blocks import CharBlock, ChoiceBlock, DocBlock, StructBlock
from streamkit.fields import StreamField


class Page(models.Model):
    body = StreamField([
        ("heading", CharBlock(form_classname="title")),
        ("person", StructBlock([("name", CharBlock())], search_index=False, label="P")),
        ("doc", DocBlock()),
    ])
    extra = StreamField([("kind", ChoiceBlock(choices=[("a", "A")]))])
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = h.write_project(tmp_path / "proj", {"pages": {"0001_initial": MIGRATION}}, {"pages": MODELS})
    kit = root / "streamkit"
    (kit / "blocks").mkdir(parents=True)
    (kit / "__init__.py").write_text("")
    (kit / "blocks" / "__init__.py").write_text("from .base import Block  # noqa: F401\nfrom .field_block import *  # noqa\n")
    (kit / "blocks" / "base.py").write_text(BASE)
    (kit / "blocks" / "field_block.py").write_text(BLOCKS)
    (kit / "fields.py").write_text(FIELDS)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def django_check(project: Path) -> int:
    return h.manage(project, "makemigrations", "--check", "--dry-run", check=False).returncode


def test_a_tuple_of_blocks_in_a_migration_and_a_list_in_the_model_are_in_sync(project: Path):
    assert django_check(project) == 0  # Django: the tuple, the list and classname/form_classname agree
    assert not generate(project, name=None, dry_run=True).operations


def test_a_changed_block_is_an_alter_field_django_agrees_with(project: Path):
    edit(project / "pages" / "models.py", '("name", CharBlock())', '("name", CharBlock(required=False))')
    assert django_check(project) == 1
    result = generate(project, name=None)
    assert result.operations == {"pages": ["pages: AlterField page.body"]}
    assert django_check(project) == 0  # what mgen wrote is what Django's models deconstruct to


def test_an_added_block_is_an_alter_field(project: Path):
    edit(project / "pages" / "models.py", '("person",', '("text", CharBlock()),\n        ("person",')
    assert django_check(project) == 1
    assert generate(project, name=None).operations == {"pages": ["pages: AlterField page.body"]}
    assert django_check(project) == 0


def test_a_changed_block_with_its_own_deconstruct_is_refused_at_the_field(project: Path):
    edit(project / "pages" / "models.py", '[("a", "A")]', '[("a", "A"), ("b", "B")]')
    assert django_check(project) == 1
    with pytest.raises(MgenError) as e:
        generate(project, name=None, dry_run=True)
    assert "pages.page.extra: the blocks of streamkit.fields.StreamField differ" in str(e.value)
    assert "streamkit.blocks.field_block.ChoiceBlock has a deconstruct() of its own" in str(e.value)
    assert e.value.line == 13


def test_a_changed_container_block_is_an_alter_field(project: Path):
    edit(project / "pages" / "models.py", 'label="P"', 'label="Person"')
    assert django_check(project) == 1
    assert generate(project, name=None).operations == {"pages": ["pages: AlterField page.body"]}
    assert django_check(project) == 0


def test_a_block_whose_class_a_function_makes_refuses_a_difference(project: Path):
    edit(project / "pages" / "models.py", '("doc", DocBlock()),', '("doc", DocBlock(required=False)),')
    assert django_check(project) == 1
    with pytest.raises(MgenError, match="pages.page.body: the blocks of .* DocBlock"):
        generate(project, name=None, dry_run=True)


# wagtail 6.2+: the blocks written once each into a lookup table (``block_lookup``), indexes in their place;
# ``__init__`` takes ``min_num``, ``use_json_field`` and ``block_lookup`` for itself
LOOKUP_FIELDS = '''from django.db import models

from .blocks import StreamBlock
from .blocks.base import Block


class LookupBuilder:
    def __init__(self):
        self.blocks = []

    def add_block(self, block):
        found = block.deconstruct_with_lookup(self)
        if found in self.blocks:
            return self.blocks.index(found)
        self.blocks.append(found)
        return len(self.blocks) - 1

    def get_lookup_as_dict(self):
        return dict(enumerate(self.blocks))


def block_from(lookup, index):
    from django.utils.module_loading import import_string

    path, args, kwargs = lookup[index]
    return import_string(path).construct_from_lookup(lookup, *args, **kwargs)


class StreamField(models.Field):
    def __init__(self, block_types, use_json_field=True, block_lookup=None, **kwargs):
        self.block_opts = {}
        for arg in ["min_num", "max_num"]:
            if arg in kwargs:
                self.block_opts[arg] = kwargs.pop(arg)
        if block_lookup is not None:
            block_types = [(name, block_from(block_lookup, index)) for name, index in block_types]
        self.stream_block = StreamBlock(block_types)
        super().__init__(**kwargs)

    def get_internal_type(self):
        return "TextField"

    def deconstruct(self):
        name, path, _, kwargs = super().deconstruct()
        lookup = LookupBuilder()
        block_types = [
            (name, lookup.add_block(block))
            for name, block in self.stream_block.child_blocks.items()
        ]
        args = [block_types]
        kwargs["block_lookup"] = lookup.get_lookup_as_dict()
        return name, path, args, kwargs
'''

LOOKUP_BASE = BASE + '''
    @classmethod
    def construct_from_lookup(cls, lookup, *args, **kwargs):
        return cls(*args, **kwargs)

    def deconstruct_with_lookup(self, lookup):
        return self.deconstruct()
'''

LOOKUP_STRUCT = '''

    @classmethod
    def construct_from_lookup(cls, lookup, child_blocks, **kwargs):
        from ..fields import block_from

        return cls([(name, block_from(lookup, index)) for name, index in child_blocks], **kwargs)

    def deconstruct_with_lookup(self, lookup):
        return ("streamkit.blocks.StructBlock",
                [[(name, lookup.add_block(block)) for name, block in self.child_blocks.items()]],
                self._constructor_kwargs)
'''

LOOKUP_MIGRATION = '''
from django.db import migrations, models
import streamkit.fields


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Page", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("body", streamkit.fields.StreamField([("heading", 0), ("person", 2)], block_lookup={
                0: ("streamkit.blocks.CharBlock", (), {"form_classname": "title"}),
                1: ("streamkit.blocks.CharBlock", (), {}),
                2: ("streamkit.blocks.StructBlock", [[("name", 1)]], {"label": "P"}),
            })),
        ]),
    ]
'''

LOOKUP_MODELS = '''from django.db import models

from streamkit.blocks import CharBlock, StructBlock
from streamkit.fields import StreamField


class Page(models.Model):
    body = StreamField([
        ("heading", CharBlock(form_classname="title")),
        ("person", StructBlock([("name", CharBlock())], label="P")),
    ], min_num=1, use_json_field=True)
'''


@pytest.fixture
def lookup_project(project: Path) -> Path:
    kit = project / "streamkit"
    (kit / "fields.py").write_text(LOOKUP_FIELDS)
    (kit / "blocks" / "base.py").write_text(LOOKUP_BASE)
    blocks = (kit / "blocks" / "field_block.py").read_text()
    marker = "        return (path, args, kwargs)\n"
    (kit / "blocks" / "field_block.py").write_text(blocks.replace(marker, marker + LOOKUP_STRUCT, 1))
    (project / "pages" / "migrations" / "0001_initial.py").write_text(LOOKUP_MIGRATION)
    (project / "pages" / "models.py").write_text(LOOKUP_MODELS)
    return project


def test_a_lookup_table_of_blocks_and_arguments_init_takes_are_in_sync(lookup_project: Path):
    assert django_check(lookup_project) == 0
    assert not generate(lookup_project, name=None, dry_run=True).operations


def test_a_block_changed_against_a_lookup_table_is_an_alter_field(lookup_project: Path):
    edit(lookup_project / "pages" / "models.py", 'label="P"', 'label="Person"')
    edit(lookup_project / "pages" / "models.py", "min_num=1", "min_num=2")  # taken by __init__: no change
    assert django_check(lookup_project) == 1
    assert generate(lookup_project, name=None).operations == {"pages": ["pages: AlterField page.body"]}
    assert django_check(lookup_project) == 0
