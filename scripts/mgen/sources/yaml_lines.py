"""YAML loading that remembers where every mapping and key came from.

Hand-written YAML files (the desired-state schema, the change list) must report errors as
``file:line``; PyYAML's plain dicts forget the position, so this SafeLoader builds ``LineDict``s that
keep the line of the mapping and of each of its keys.
"""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

from ..errors import MgenError


class LineDict(dict):
    """A dict from YAML: ``line`` is where the mapping starts, ``key_lines[key]`` where each key is."""

    line: int | None
    key_lines: dict

    def __init__(self, *args, line: int | None = None, key_lines: dict | None = None, **kw):
        super().__init__(*args, **kw)
        self.line = line
        self.key_lines = dict(key_lines or {})


class LineList(list):
    """A list from YAML: ``line`` is where the sequence starts, ``item_lines[i]`` where item i is."""

    line: int | None
    item_lines: list

    def __init__(self, *args, line: int | None = None, item_lines: list | None = None):
        super().__init__(*args)
        self.line = line
        self.item_lines = list(item_lines or [])


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry 1-based line numbers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark)
        self.flatten_mapping(node)
        result = LineDict(line=node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark)
            if key in result:
                # a repeated key silently overwrites in plain YAML: in a schema it is always a mistake
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_yaml_map(self, node):  # type: ignore[override]
        data = LineDict(line=node.start_mark.line + 1)
        yield data
        built = self.construct_mapping(node)
        data.update(built)
        data.key_lines = built.key_lines

    def construct_yaml_seq(self, node):  # type: ignore[override]
        data = LineList(line=node.start_mark.line + 1)
        yield data
        data.extend(self.construct_sequence(node))
        data.item_lines = [item.start_mark.line + 1 for item in node.value]


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_yaml_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_yaml_seq)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        super().__init__(key)
        self.key = key
        self.line = line


def load_yaml_with_lines(text: str, filename: str | None = None) -> Any:
    """Parse YAML ``text``; every mapping is a ``LineDict`` and every sequence a ``LineList``.

    Syntax errors and repeated keys raise ``MgenError`` with the file and line."""
    try:
        return yaml.load(text, Loader=_LineLoader)
    except _DuplicateKey as e:
        raise MgenError(f"duplicate key {e.key!r}", filename, e.line) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise MgenError(f"invalid YAML: {what}", filename, line) from None
    except yaml.YAMLError as e:
        raise MgenError(f"invalid YAML: {str(e).splitlines()[0]}", filename) from None


def line_of(obj: Any, key: Hashable | None = None) -> int | None:
    """The line of ``obj`` (a LineDict/LineList), or of its key/index ``key``; None when unknown."""
    if key is not None:
        if isinstance(obj, LineDict) and key in obj.key_lines:
            return obj.key_lines[key]
        if isinstance(obj, LineList) and isinstance(key, int) and 0 <= key < len(obj.item_lines):
            return obj.item_lines[key]
    return getattr(obj, "line", None)
