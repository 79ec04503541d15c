"""wagtail's ``StreamField``: its blocks compared as its ``deconstruct()`` gives them, read from the field
class's source in the tree (the wagtail the project runs).

A StreamField is an opaque field (its class overrides ``__init__`` and ``deconstruct``), so its positional
argument is kept as written. But Django's autodetector compares what ``deconstruct()`` returns on both
sides, and up to wagtail 6.1 that is ``args = [list(self.stream_block.child_blocks.items())]``: the blocks
as a list of ``(name, block)`` tuples, whether the model or an old migration wrote a tuple of pairs or a
list (wagtail 2.x migrations hold a tuple). Each block is deconstructed by its class: ``Block.deconstruct``
returns the arguments its constructor was given (after ``Block.__init__`` renamed ``classname`` to
``form_classname``, where the tree's ``Block`` does), and the migration writer keeps them as they are, so
nested blocks (``StructBlock([...])``, ``ListBlock(...)``) compare as written.

``align_stream_fields`` runs on the models' state against the migrations' before ``unreadable`` compares
opaque arguments:

- the blocks, deconstructed so, are equal: the field takes the migrations' value (unchanged);
- they differ and every block's class deconstructs by ``Block``'s rule: a change, both sides in the
  deconstructed form (``makemigrations`` writes an AlterField);
- they differ and a block's class has its own ``deconstruct()`` (``ChoiceBlock`` writes itself as the plain
  class with its choices; ``PageChooserBlock`` rewrites ``target_model``), or its class is not found: the
  model's app is refused with the block named (``scoped``), never a change written nor one taken as none.

A StreamField given a block class or instance (``StreamField(BodyBlock())``), or the block lookup table of
wagtail 6.2+ (``block_lookup``), is left to ``unreadable`` as before.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from ...errors import MgenError
from .field_classes import _first_defining, _method
from .fields import ARGS
from .source import Definition
from .state import Call, FieldState, ProjectState

# the deconstruct() of a StreamField that writes its child blocks as a list of (name, block) tuples
_CHILD_BLOCKS = "self.stream_block.child_blocks.items()"


class StreamFields:
    """Field and block classes of one project, classified once each."""

    def __init__(self, project: Any):
        self.finder = project.finder
        self.ev = project.evaluator
        self._fields: dict[str, bool] = {}
        self._blocks: dict[str, tuple[bool, bool] | str] = {}
        self.unknown: list[str] = []  # the blocks read since last cleared whose deconstruction is their own

    def _chain(self, path: str) -> list[Definition] | None:
        module_name, _, name = path.rpartition(".")
        module = self.finder.module(module_name) if module_name else None
        target = self.finder.resolve(module, name) if module is not None else None
        if not isinstance(target, Definition) or not isinstance(target.node, ast.ClassDef):
            return None
        return [target, *[b for b in self.ev.ancestors(target)
                          if isinstance(b, Definition) and isinstance(b.node, ast.ClassDef)]]

    def is_stream_field(self, path: str) -> bool:
        """Whether the class's ``deconstruct()`` writes ``list(self.stream_block.child_blocks.items())``."""
        if path not in self._fields:
            chain = self._chain(path)
            found = _first_defining(chain, "deconstruct") if chain else None
            text = ast.unparse(_method(found, "deconstruct")) if found is not None else ""  # type: ignore[arg-type]
            self._fields[path] = _CHILD_BLOCKS in text and "lookup" not in text
        return self._fields[path]

    def block(self, path: str) -> tuple[bool, bool] | None:
        """For a block class: (True, whether ``Block.__init__`` renames ``classname``) when it deconstructs by
        ``Block``'s rule; None when it is no block class or its deconstruction is its own (then said in
        ``unknown``: kept as written)."""
        if path not in self._blocks:
            self._blocks[path] = self._classify_block(path)
        found = self._blocks[path]
        if isinstance(found, str):
            self.unknown.append(f"{path} {found}")
            return None
        return found if found != (False, False) else None

    def _classify_block(self, path: str) -> tuple[bool, bool] | str:
        chain = self._chain(path)
        if chain is None:
            return "is not found" if _looks_like_block(path) else (False, False)
        base = next((c for c in chain if c.node.name == "Block"  # type: ignore[union-attr]
                     and c.module.name.endswith("blocks.base")), None)
        if base is None:
            return (False, False)
        if _first_defining(chain, "deconstruct") is not base:
            return "has a deconstruct() of its own"
        below = chain[:chain.index(base)]
        if any("_constructor_args" in ast.unparse(c.node) for c in below):
            return "changes its constructor arguments"
        init = _method(base, "__init__")
        renames = init is not None and "form_classname" in ast.unparse(init)
        return (True, renames)

    def deconstructed(self, value: Any) -> Any:
        """A StreamField's positional argument as its deconstruct() gives it; None when it is not a sequence
        of (name, block) pairs. A block mgen cannot deconstruct is kept as written and named in ``unknown``."""
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str) for p in value):
            return None
        children: dict[str, Any] = {}
        for name, block in value:  # StreamBlock(local_blocks): a dict by name, later definitions win
            if not isinstance(block, Call):
                self.unknown.append(f"{block!r} is not a block mgen can read")
            children[name] = self._value(block)
        return [(name, block) for name, block in children.items()]

    def _value(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._value(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._value(v) for v in value)
        if isinstance(value, dict):
            return {k: self._value(v) for k, v in value.items()}
        if not isinstance(value, Call):
            return value
        rule = self.block(value.path)
        kwargs = {k: self._value(v) for k, v in value.kwargs}
        if rule is not None and rule[1] and "classname" in kwargs:  # Block.__init__: classname -> form_classname
            classname = kwargs.pop("classname")
            kwargs.setdefault("form_classname", classname)
        return Call.of(value.path, tuple(self._value(a) for a in value.args), kwargs)


def _looks_like_block(path: str) -> bool:
    return path.rpartition(".")[2].endswith("Block")


def align_stream_fields(desired: ProjectState, migrated: ProjectState, project: Any) -> None:
    """See the module: StreamFields of ``desired`` (the models) against ``migrated`` (the migrations)."""
    streams: StreamFields | None = None
    for key, model in list(desired.models.items()):
        old = migrated.models.get(key)
        if old is None or key[0] in desired.refused:
            continue
        for name, f in model.fields.items():
            g = old.fields.get(name)
            if g is None or g.path != f.path or ARGS not in f.kwargs or ARGS not in g.kwargs:
                continue
            if streams is None:
                streams = StreamFields(project)
            if not streams.is_stream_field(f.path):
                continue
            streams.unknown.clear()
            mine, theirs = _deconstructed(streams, f), _deconstructed(streams, g)
            if mine is None or theirs is None:
                continue  # not a list of blocks on both sides: unreadable compares them as before
            if mine == theirs:  # equal arguments deconstruct alike, whatever a class's own deconstruct() does
                _set(desired, key, name, g.kwargs[ARGS])
            elif not streams.unknown:
                _set(desired, key, name, mine)
                _set(migrated, key, name, theirs)
            else:
                desired.refused.setdefault(key[0], MgenError(
                    f"{model.label_lower}.{name}: the blocks of {f.path} differ from the migrations', and "
                    f"{streams.unknown[0]}: "
                    "mgen cannot tell whether the field changed without running the code (use --engine native, "
                    "or write this change by hand)", f.file, f.line))


def _deconstructed(streams: StreamFields, f: FieldState) -> tuple | None:
    """The field's positional arguments, the first (the blocks) deconstructed; None when it is no blocks."""
    args = f.kwargs[ARGS]
    blocks = streams.deconstructed(args[0]) if isinstance(args, tuple) and args else None
    return (blocks, *args[1:]) if blocks is not None else None


def _set(state: ProjectState, key: tuple[str, str], name: str, args: tuple) -> None:
    model = state.models[key]
    f = model.fields[name]
    state.models[key] = replace(model, fields={**model.fields, name: replace(f, kwargs={**f.kwargs, ARGS: args})})
