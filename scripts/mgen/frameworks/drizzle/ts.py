"""TypeScript / JavaScript read with tree-sitter's grammars (never regexes): a file parsed once, the values of
literal nodes (strings, numbers, booleans, objects, arrays, templates without substitutions), and where a node
is, for refusals. A value that is not a literal is ``Opaque``: the caller refuses with its file:line."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ...errors import MgenError


@cache
def _parser(tsx: bool):
    try:
        import tree_sitter
        import tree_sitter_typescript
    except ImportError as e:  # a runtime dependency (pyproject.toml): a broken install, said
        raise MgenError(f"reading Drizzle schemas needs tree-sitter and tree-sitter-typescript ({e})") from None
    grammar = tree_sitter_typescript.language_tsx() if tsx else tree_sitter_typescript.language_typescript()
    return tree_sitter.Parser(tree_sitter.Language(grammar))


@dataclass(frozen=True)
class Source:
    path: Path
    root: object  # the program node

    def where(self, node) -> tuple[str, int]:
        return str(self.path), node.start_point[0] + 1

    def refuse(self, node, message: str) -> MgenError:
        file, line = self.where(node)
        return MgenError(message, file, line)


def parse(path: Path) -> Source:
    """The file's syntax tree; a syntax error is refused at its line (drizzle-kit would not load it either)."""
    return parse_text(path.read_bytes(), path)


def parse_text(data: bytes, path: Path) -> Source:
    tree = _parser(path.suffix in (".tsx", ".jsx")).parse(data)
    source = Source(path, tree.root_node)
    if tree.root_node.has_error:
        bad = _first_error(tree.root_node)
        raise source.refuse(bad, "syntax error: the TypeScript parser does not read this file")
    return source


def _first_error(node):
    stack = [node]
    while stack:
        n = stack.pop(0)
        if n.type == "ERROR" or n.is_missing:
            return n
        stack = [c for c in n.children if c.has_error or c.is_missing or c.type == "ERROR"] + stack
    return node


class Opaque:
    """A value computed at run time (a call, a variable, an expression): never guessed."""

    def __init__(self, node) -> None:
        self.node = node

    def __repr__(self) -> str:
        return f"Opaque({text(self.node)!r})"


def text(node) -> str:
    return node.text.decode("utf-8")


def unwrap(node):
    """The expression inside parentheses, ``as``/``satisfies``/``!`` wrappers."""
    while node is not None and node.type in ("parenthesized_expression", "as_expression", "satisfies_expression",
                                             "non_null_expression", "type_assertion"):
        node = node.named_children[0]
    return node


def string_value(node) -> str | None:
    """A string literal's value, or a template without substitutions; None otherwise."""
    node = unwrap(node)
    if node.type == "string":
        try:  # JSON's escapes are JavaScript's but \x41, \v, \0 and line continuations: those stay unread
            return json.loads('"' + "".join(_fragment(c) for c in node.named_children) + '"')
        except ValueError:
            return None
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        raw = node.text.decode("utf-8")[1:-1]
        return None if "\\" in raw else raw  # an escape in a template: not guessed
    return None


def _fragment(node) -> str:
    raw = text(node)
    if node.type == "escape_sequence":
        if raw in ("\\'", "\\`"):
            return raw[1]
        return raw
    return raw.replace("\\", "\\\\").replace('"', '\\"')


def value(node):
    """The literal's Python value (dict, list, str, int/float, bool, None), else ``Opaque``."""
    node = unwrap(node)
    s = string_value(node)
    if s is not None:
        return s
    kind = node.type
    if kind == "number":
        raw = text(node).replace("_", "")
        try:
            return int(raw, 0) if raw.isdigit() or raw[:2].lower() in ("0x", "0o", "0b") else float(raw)
        except ValueError:
            return Opaque(node)
    if kind in ("true", "false"):
        return kind == "true"
    if kind in ("null", "undefined"):
        return None
    if kind == "unary_expression" and text(node).startswith("-"):
        inner = value(node.named_children[0])
        return -inner if isinstance(inner, (int, float)) and not isinstance(inner, bool) else Opaque(node)
    if kind == "array":
        items = [value(c) for c in node.named_children if c.type != "comment"]
        return Opaque(node) if any(isinstance(i, Opaque) for i in items) else items
    if kind == "object":
        out = {}
        for pair in node.named_children:
            if pair.type == "comment":
                continue
            if pair.type != "pair":
                return Opaque(node)
            key = property_name(pair.child_by_field_name("key"))
            if key is None:
                return Opaque(node)
            out[key] = value(pair.child_by_field_name("value"))
            if isinstance(out[key], Opaque):
                return Opaque(node)
        return out
    return Opaque(node)


def property_name(node) -> str | None:
    if node.type in ("property_identifier", "identifier"):
        return text(node)
    if node.type == "number":
        return text(node)
    return string_value(node)


def object_pairs(node) -> list[tuple[str | None, object, object]]:
    """An object literal's entries in order: (key, value node, entry node); a spread or method is (None, ...)."""
    out = []
    for entry in unwrap(node).named_children:
        if entry.type == "comment":
            continue
        if entry.type == "pair":
            out.append((property_name(entry.child_by_field_name("key")), entry.child_by_field_name("value"), entry))
        elif entry.type == "shorthand_property_identifier":
            out.append((text(entry), entry, entry))
        else:
            out.append((None, entry, entry))
    return out


def arguments(call) -> list:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def chain(node) -> list[tuple[str, object]]:
    """A call chain ``f(a).g(b).h()`` as [(name, call node), ...] from the innermost call out; [] when the
    expression is not such a chain. The first name is the callee as written (``t`` or ``core.t``)."""
    out = []
    node = unwrap(node)
    while node is not None and node.type == "call_expression":
        fn = unwrap(node.child_by_field_name("function"))
        if fn.type == "member_expression":
            obj = unwrap(fn.child_by_field_name("object"))
            name = text(fn.child_by_field_name("property"))
            if obj.type == "call_expression":
                out.append((name, node))
                node = obj
                continue
            out.append((f"{text(obj)}.{name}", node))
            break
        if fn.type == "identifier":
            out.append((text(fn), node))
            break
        return []
    else:
        return []
    out.reverse()
    return out
