"""The Prisma schema language, read statically: a tokenizer and a recursive-descent parser.

The grammar is small: top-level blocks (``datasource``/``generator`` hold ``key = value`` settings; ``model``,
``view``, ``enum`` and ``type`` hold fields or values), a field is ``name Type[?|[]] @attr(args)...``, a block
attribute is ``@@attr(args)``, comments are ``//``, ``///`` and ``/* ... */``. Values are strings, numbers, identifiers,
function calls ``f(args)`` and lists ``[a, b]``; an argument may be named (``map: "x"``). Every node keeps its
file and line, so an error names both.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import MgenError

PUNCT = "{}()[]=,:?@."


@dataclass(frozen=True)
class Token:
    kind: str  # "name" | "string" | "number" | "punct" | "newline" | "end"
    text: str
    line: int


@dataclass(frozen=True)
class Call:
    """A function call value: ``now()``, ``dbgenerated("gen_random_uuid()")``, ``id(sort: Desc)``."""

    name: str
    args: tuple[Arg, ...] = ()


@dataclass(frozen=True)
class Str:
    """A string literal (kept apart from an identifier: ``"USER"`` is not ``USER``)."""

    value: str


@dataclass(frozen=True)
class Arg:
    name: str | None
    value: Any  # Str, str (identifier or number text), Call, or a list of values


@dataclass(frozen=True)
class Attribute:
    name: str  # "id", "default", "db.VarChar", "@map" for a block attribute's "map"
    args: tuple[Arg, ...]
    line: int

    def arg(self, name: str, position: int | None = 0) -> Any:
        """The argument called ``name``, else the unnamed one at ``position``; None when neither is given."""
        for a in self.args:
            if a.name == name:
                return a.value
        unnamed = [a.value for a in self.args if a.name is None]
        return unnamed[position] if position is not None and position < len(unnamed) else None


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    optional: bool
    list: bool
    attributes: tuple[Attribute, ...]
    line: int
    type_args: tuple[Arg, ...] = ()  # Unsupported("tsvector")

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass
class Block:
    kind: str  # datasource, generator, model, view, enum, type
    name: str
    file: str
    line: int
    fields: list[Field] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)  # @@...
    settings: dict[str, Any] = field(default_factory=dict)  # datasource/generator key = value

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


def tokenize(text: str, file: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            tokens.append(Token("newline", "\n", line))
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise MgenError("unterminated /* comment", file, line)
            line += text.count("\n", i, end)
            i = end + 2
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif c == '"':
            j, out = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                    out.append({"n": "\n", "t": "\t"}.get(text[j], text[j]))
                elif text[j] == "\n":
                    raise MgenError("unterminated string", file, line)
                else:
                    out.append(text[j])
                j += 1
            if j >= n:
                raise MgenError("unterminated string", file, line)
            tokens.append(Token("string", "".join(out), line))
            i = j + 1
        elif c.isdigit() or (c == "-" and i + 1 < n and text[i + 1].isdigit()):
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "._"):
                j += 1
            tokens.append(Token("number", text[i:j], line))
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_-"):
                j += 1
            tokens.append(Token("name", text[i:j], line))
            i = j
        elif c in PUNCT:
            tokens.append(Token("punct", c, line))
            i += 1
        else:
            raise MgenError(f"unexpected character {c!r}", file, line)
    tokens.append(Token("end", "", line))
    return tokens


class _Parser:
    def __init__(self, text: str, file: str):
        self.tokens = tokenize(text, file)
        self.i = 0
        self.file = file

    # -- tokens ------------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def skip_newlines(self) -> None:
        while self.tok.kind == "newline":
            self.i += 1

    def take(self, kind: str, text: str | None = None) -> Token:
        t = self.tok
        if t.kind != kind or (text is not None and t.text != text):
            want = text or kind
            got = t.text if t.kind not in ("newline", "end") else t.kind
            raise MgenError(f"expected {want!r}, found {got!r}", self.file, t.line)
        self.i += 1
        return t

    def at(self, text: str) -> bool:
        return self.tok.kind == "punct" and self.tok.text == text

    def error(self, message: str) -> MgenError:
        return MgenError(message, self.file, self.tok.line)

    # -- grammar -----------------------------------------------------------------------------------
    def blocks(self) -> list[Block]:
        out = []
        self.skip_newlines()
        while self.tok.kind != "end":
            kind = self.take("name")
            if kind.text not in ("datasource", "generator", "model", "view", "enum", "type"):
                raise MgenError(f"unknown block {kind.text!r}", self.file, kind.line)
            block = Block(kind.text, self.take("name").text, self.file, kind.line)
            self.take("punct", "{")
            self.block_body(block)
            out.append(block)
            self.skip_newlines()
        return out

    def block_body(self, block: Block) -> None:
        while True:
            self.skip_newlines()
            if self.at("}"):
                self.i += 1
                return
            if self.at("@"):
                self.i += 1
                self.take("punct", "@")
                block.attributes.append(self.attribute_rest())
            elif block.kind in ("datasource", "generator"):
                key = self.take("name").text
                self.take("punct", "=")
                block.settings[key] = self.value()
            elif block.kind == "enum":
                name = self.take("name")
                attrs = []
                while self.at("@"):
                    self.i += 1
                    attrs.append(self.attribute_rest())
                block.fields.append(Field(name.text, "", False, False, tuple(attrs), name.line))
            else:
                block.fields.append(self.field())
            if self.tok.kind not in ("newline", "punct"):
                raise self.error(f"unexpected {self.tok.text!r}")

    def field(self) -> Field:
        name = self.take("name")
        type_name = self.take("name").text
        type_args: tuple[Arg, ...] = ()
        while self.at("."):  # a type from a namespace is still one name
            self.i += 1
            type_name += "." + self.take("name").text
        if self.at("("):
            type_args = self.arguments()
        optional = is_list = False
        if self.at("["):
            self.i += 1
            self.take("punct", "]")
            is_list = True
        if self.at("?"):
            self.i += 1
            optional = True
        attrs = []
        while self.at("@"):
            self.i += 1
            attrs.append(self.attribute_rest())
        return Field(name.text, type_name, optional, is_list, tuple(attrs), name.line, type_args)

    def attribute_rest(self) -> Attribute:
        first = self.take("name")
        name = first.text
        while self.at("."):
            self.i += 1
            name += "." + self.take("name").text
        args = self.arguments() if self.at("(") else ()
        return Attribute(name, args, first.line)

    def arguments(self) -> tuple[Arg, ...]:
        self.take("punct", "(")
        args = []
        self.skip_newlines()
        while not self.at(")"):
            name = None
            if self.tok.kind == "name" and self.tokens[self.i + 1].text == ":":
                name = self.take("name").text
                self.i += 1
            args.append(Arg(name, self.value()))
            self.skip_newlines()
            if self.at(","):
                self.i += 1
                self.skip_newlines()
            elif not self.at(")"):
                raise self.error(f"expected ',' or ')', found {self.tok.text!r}")
        self.i += 1
        return tuple(args)

    def value(self) -> Any:
        t = self.tok
        if t.kind == "string":
            self.i += 1
            return Str(t.text)
        if t.kind == "number":
            self.i += 1
            return t.text
        if self.at("["):
            self.i += 1
            items = []
            self.skip_newlines()
            while not self.at("]"):
                items.append(self.value())
                self.skip_newlines()
                if self.at(","):
                    self.i += 1
                    self.skip_newlines()
            self.i += 1
            return items
        if t.kind == "name":
            self.i += 1
            name = t.text
            while self.at("."):
                self.i += 1
                name += "." + self.take("name").text
            return Call(name, self.arguments()) if self.at("(") else name
        raise self.error(f"expected a value, found {t.text!r}")


def parse(text: str, file: str) -> list[Block]:
    """The blocks of one ``.prisma`` file; a syntax error is an ``MgenError`` naming the file and line."""
    return _Parser(text, file).blocks()
