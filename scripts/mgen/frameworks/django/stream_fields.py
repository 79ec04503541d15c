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
- ``StructBlock``/``StreamBlock`` themselves write ``(literal path, [their child blocks], constructor
  kwargs less their own keyword parameters)``: read so (``_container``);
- they differ and every block is deconstructed so, or they differ where every block is (another keyword
  argument, other names or order, an exactly read block changed): a change, both sides in the deconstructed
  form (``makemigrations`` writes an AlterField);
- they differ only in a block whose class has a ``deconstruct()`` of its own (``ChoiceBlock`` writes itself as
  the plain class with its choices; ``PageChooserBlock`` rewrites ``target_model``), is made by a function
  (``DocumentChooserBlock = viewset.get_block_class(...)``: read as the call of that name), or is not found:
  the model's app is refused with the block named (``scoped``), never a change written nor one taken as none.

From wagtail 6.2 ``deconstruct()`` writes each block once into a lookup table (``block_lookup``) and the
list holds indexes: a migration's table is expanded back into blocks (as each class's
``construct_from_lookup`` does: ``StructBlock``'s child indexes, ``ListBlock``'s child), and what
``__init__`` takes for itself (``min_num``, ``use_json_field``, ``block_lookup``) is left out of both sides.
An AlterField then holds the blocks themselves, which StreamField takes as well (Django deconstructs both
alike). A StreamField given a block class or instance (``StreamField(BodyBlock())``) is left to
``unreadable`` as before.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ...errors import MgenError
from .consumed import _taken
from .field_classes import _first_defining, _method
from .fields import ARGS
from .source import Definition
from .state import Call, FieldState, Opaque, ProjectState

# the deconstruct() of a StreamField that writes its child blocks as a list of (name, block) tuples
_CHILD_BLOCKS = "list(self.stream_block.child_blocks.items())"
LOOKUP = "block_lookup"  # wagtail 6.2+: the blocks written once each into a table, indexes in their place


class StreamFields:
    """Field and block classes of one project, classified once each."""

    def __init__(self, project: Any):
        self.finder = project.finder
        self.ev = project.evaluator
        self._fields: dict[str, frozenset[str] | None] = {}
        self._blocks: dict[str, _Rule | str | None] = {}
        self.unknown: list[str] = []  # the blocks read since last cleared whose deconstruction is their own
        self.inexact: set[str] = set()  # the paths of such blocks (kept as written)

    def _chain(self, path: str) -> list[Definition] | None:
        module_name, _, name = path.rpartition(".")
        module = self.finder.module(module_name) if module_name else None
        target = self.finder.resolve(module, name) if module is not None else None
        if not isinstance(target, Definition) or not isinstance(target.node, ast.ClassDef):
            return None
        return [target, *[b for b in self.ev.ancestors(target)
                          if isinstance(b, Definition) and isinstance(b.node, ast.ClassDef)]]

    def stream_field(self, path: str) -> frozenset[str] | None:
        """For a class whose ``deconstruct()`` writes its ``stream_block.child_blocks`` (a StreamField): the
        keyword arguments its ``__init__`` takes that ``deconstruct()`` leaves out when it writes them into a
        lookup table (wagtail 6.2+: ``block_lookup``, ``min_num``, ``use_json_field``...; ``consumed`` does it
        before); None for any other class."""
        if path not in self._fields:
            self._fields[path] = self._stream_field(path)
        return self._fields[path]

    def _stream_field(self, path: str) -> frozenset[str] | None:
        chain = self._chain(path)
        found = _first_defining(chain, "deconstruct") if chain else None
        text = ast.unparse(_method(found, "deconstruct")) if found is not None else ""  # type: ignore[arg-type]
        if "self.stream_block.child_blocks.items()" not in text:
            return None
        if "lookup" not in text:
            return frozenset() if _CHILD_BLOCKS in text else None
        if "lookup.add_block(block)" not in text or "kwargs['block_lookup'] = lookup.get_lookup_as_dict()" not in text:
            return None
        init = _method(_first_defining(chain, "__init__"), "__init__")  # type: ignore[arg-type]
        taken = _taken(init)[0] if isinstance(init, ast.FunctionDef) else set()
        return frozenset(taken | {LOOKUP}) if "block_lookup" in taken else None

    def expand(self, blocks: Any, lookup: Any) -> Any:
        """A migration's blocks with the indexes into its ``block_lookup`` replaced by the blocks they stand for
        (as each class's ``construct_from_lookup`` does); unknown where mgen cannot follow one."""
        if not isinstance(lookup, dict) or not isinstance(blocks, (list, tuple)):
            return blocks
        return [(p[0], self._entry(p[1], lookup, 0)) if isinstance(p, (list, tuple)) and len(p) == 2 else p
                for p in blocks]

    def _entry(self, index: Any, lookup: dict, depth: int) -> Any:
        entry = lookup.get(index) if isinstance(index, int) and not isinstance(index, bool) else None
        if not (isinstance(entry, (list, tuple)) and len(entry) == 3 and isinstance(entry[0], str)
                and isinstance(entry[1], (list, tuple)) and isinstance(entry[2], dict)) or depth > 32:
            self.unknown.append(f"block_lookup entry {index!r} is not one mgen can read")
            return index
        chain = self._chain(entry[0])
        if chain is None:
            self.unknown.append(f"{entry[0]} is not found")
            return index
        args, kwargs = list(entry[1]), dict(entry[2])
        found = _first_defining(chain, "construct_from_lookup")
        function = _method(found, "construct_from_lookup") if found is not None else None
        params = [a.arg for a in function.args.args[2:]] if isinstance(function, ast.FunctionDef) else []
        body = ast.unparse(function) if function is not None else ""
        if params == ["child_blocks"] and args and isinstance(args[0], (list, tuple)):  # StructBlock, StreamBlock
            args[0] = [(n, self._entry(i, lookup, depth + 1)) for n, i in args[0]]
        elif not params and "child_block" in body:  # ListBlock: its child block, positional or named
            if args and isinstance(args[0], int):
                args[0] = self._entry(args[0], lookup, depth + 1)
            elif isinstance(kwargs.get("child_block"), int):
                kwargs["child_block"] = self._entry(kwargs["child_block"], lookup, depth + 1)
        elif found is not None and found.node.name != "Block":  # type: ignore[union-attr]  (Block's: as given)
            self.unknown.append(f"{entry[0]} builds itself from the lookup table in a way mgen does not read")
            self.inexact.add(chain[0].path)
        return Call.of(chain[0].path, tuple(args), kwargs)

    def block(self, path: str) -> _Rule | None:
        """How a block class deconstructs; None when it is no block class, or when its deconstruction is its
        own in a way mgen does not follow (then said in ``unknown``: the block is kept as written)."""
        if path not in self._blocks:
            self._blocks[path] = self._classify_block(path)
        found = self._blocks[path]
        if isinstance(found, str):
            self.unknown.append(f"{path} {found}")
            self.inexact.add(path)
            return None
        return found

    def exact(self, value: Any) -> bool:
        """Whether a deconstructed value holds no block kept as written (``unknown``)."""
        if isinstance(value, (list, tuple)):
            return all(self.exact(v) for v in value)
        if isinstance(value, dict):
            return all(self.exact(v) for v in value.values())
        if isinstance(value, Call):
            return value.path not in self.inexact and self.exact(value.args) and self.exact(dict(value.kwargs))
        return not isinstance(value, Opaque)

    def _classify_block(self, path: str) -> _Rule | str | None:
        chain = self._chain(path)
        if chain is None:
            return "is not found" if _looks_like_block(path) else None
        base = next((c for c in chain if c.node.name == "Block"  # type: ignore[union-attr]
                     and c.module.name.endswith("blocks.base")), None)
        if base is None:
            return None
        defining = _first_defining(chain, "deconstruct")
        if defining is not base:
            container = self._container(chain, defining) if defining is chain[0] else None
            return container or "has a deconstruct() of its own"
        below = chain[:chain.index(base)]
        if any("_constructor_args" in ast.unparse(c.node) or _method(c, "__new__") is not None for c in below):
            return "changes its constructor arguments"
        init = _method(base, "__init__")
        text = ast.unparse(init) if init is not None else ""
        return _Rule(renames="pop('classname')" in text and "setdefault('form_classname', classname)" in text)

    def _container(self, chain: list[Definition], cls: Definition) -> _Rule | None:
        """``StructBlock``/``StreamBlock`` themselves (not a subclass, whose declared blocks join in): their
        ``deconstruct()`` writes ``(<literal path>, [list(self.child_blocks.items())], self._constructor_kwargs)``
        where ``__init__(self, local_blocks=None, <keyword parameters>, **kwargs)`` keeps ``kwargs``."""
        deconstruct, init = _method(cls, "deconstruct"), _method(cls, "__init__")
        if init is None or deconstruct is None or init.args.kwarg is None:  # type: ignore[union-attr]
            return None
        text = ast.unparse(deconstruct)
        paths = [n.value.value for n in ast.walk(deconstruct) if isinstance(n, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "path" for t in n.targets)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)]
        kept = f"self._constructor_kwargs = {init.args.kwarg.arg}"  # type: ignore[union-attr]
        params = [a.arg for a in init.args.args[1:]]  # type: ignore[union-attr]
        if len(paths) != 1 or "args = [list(self.child_blocks.items())]" not in text \
                or "kwargs = self._constructor_kwargs" not in text or kept not in ast.unparse(init) \
                or not params or params[0] != "local_blocks" or init.args.kwonlyargs:  # type: ignore[union-attr]
            return None
        target = self._chain(paths[0])
        written = target[0].path if target else paths[0]
        return _Rule(container=(written, tuple(params)))

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
        if isinstance(value, Opaque):
            return self._made_at_run_time(value)
        if not isinstance(value, Call):
            return value
        rule = self.block(value.path)
        if rule is not None and rule.container is not None:
            return self._contained(value, *rule.container)
        kwargs = {k: self._value(v) for k, v in value.kwargs}
        if rule is not None and rule.renames and "classname" in kwargs:  # Block.__init__: classname -> form_classname
            classname = kwargs.pop("classname")
            kwargs.setdefault("form_classname", classname)
        return Call.of(value.path, tuple(self._value(a) for a in value.args), kwargs)

    def _contained(self, value: Call, written: str, params: tuple[str, ...]) -> Any:
        """A ``StructBlock([...], **kwargs)`` as its deconstruct() gives it (``_container``)."""
        bound = dict(zip(params, value.args))
        kwargs = value.kw
        if len(value.args) > len(params) or any(p in kwargs for p in bound):
            self.unknown.append(f"{value!r} is not a call mgen can bind")
            return value
        bound.update((p, kwargs.pop(p)) for p in params if p in kwargs)
        children = self.deconstructed(bound.get("local_blocks") or [])
        if children is None:
            self.unknown.append(f"{value!r} holds blocks mgen cannot read")
            return value
        return Call.of(written, ([tuple(pair) for pair in children],), {k: self._value(v) for k, v in kwargs.items()})

    def _made_at_run_time(self, value: Opaque) -> Any:
        """A block whose class a function makes (``DocumentChooserBlock = viewset.get_block_class(...)``), read
        as an opaque call: the call of the name it is bound to, when its arguments are literals; its
        deconstruction unknown either way (named in ``unknown``)."""
        self.unknown.append(f"{value.source} cannot be read statically")
        try:
            node = ast.parse(value.source, mode="eval").body
            module = self.finder.module_at(Path(value.file)) if value.file else None
            if not isinstance(node, ast.Call) or module is None:
                return value
            target = self.finder.resolve(module, ast.unparse(node.func))
            args = tuple(ast.literal_eval(a) for a in node.args)
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
        except (SyntaxError, ValueError, TypeError, OSError, MgenError):
            return value
        if not isinstance(target, Definition) or len(kwargs) != len(node.keywords):
            return value
        self.inexact.add(target.path)
        return Call.of(target.path, args, kwargs)


@dataclass(frozen=True)
class _Rule:
    """How a block class deconstructs: by ``Block``'s rule (``renames``: ``classname`` to
    ``form_classname``), or as a container (``_container``: the path it writes, its ``__init__``'s parameters)."""

    renames: bool = False
    container: tuple[str, tuple[str, ...]] | None = None


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
            taken = streams.stream_field(f.path)
            if taken is None:
                continue
            streams.unknown.clear()
            mine, theirs = _deconstructed(streams, f, taken), _deconstructed(streams, g, taken)
            if mine is None or theirs is None:
                continue  # not a list of blocks on both sides: unreadable compares them as before
            if mine == theirs:  # equal arguments deconstruct alike, whatever a class's own deconstruct() does
                _set(desired, key, name, g.kwargs)
            elif not streams.unknown or _certainly_changed(streams, mine, theirs):
                _set(desired, key, name, mine)
                _set(migrated, key, name, theirs)
            else:
                desired.refused.setdefault(key[0], MgenError(
                    f"{model.label_lower}.{name}: the blocks of {f.path} differ from the migrations', and "
                    f"{streams.unknown[0]}: "
                    "mgen cannot tell whether the field changed without running the code (use --engine native, "
                    "or write this change by hand)", f.file, f.line))


def _certainly_changed(streams: StreamFields, mine: dict, theirs: dict) -> bool:
    """Whether two deconstructed fields differ where everything is exact: another keyword or positional
    argument, other block names or order, or a block read exactly on both sides that differs (a block kept as
    written that differs alone is unknown)."""
    (blocks, *rest), (old_blocks, *old_rest) = mine[ARGS], theirs[ARGS]
    if {k: v for k, v in mine.items() if k != ARGS} != {k: v for k, v in theirs.items() if k != ARGS} \
            or rest != old_rest or [name for name, _ in blocks] != [name for name, _ in old_blocks]:
        return True
    return any(a != b and streams.exact(a) and streams.exact(b) for (_, a), (_, b) in zip(blocks, old_blocks))


def _deconstructed(streams: StreamFields, f: FieldState, taken: frozenset[str]) -> dict | None:
    """The field's arguments as its deconstruct() gives them: the blocks (its first positional argument, out
    of the lookup table a migration may hold) deconstructed, without what ``__init__`` takes (``taken``);
    None when the first argument is no list of blocks."""
    args = f.kwargs[ARGS]
    first = streams.expand(args[0], f.kwargs.get(LOOKUP)) if isinstance(args, tuple) and args else None
    blocks = streams.deconstructed(first) if first is not None else None
    if blocks is None:
        return None
    return {**{k: v for k, v in f.kwargs.items() if k not in taken}, ARGS: (blocks, *args[1:])}


def _set(state: ProjectState, key: tuple[str, str], name: str, kwargs: dict) -> None:
    model = state.models[key]
    f = model.fields[name]
    state.models[key] = replace(model, fields={**model.fields, name: replace(f, kwargs=kwargs)})
