"""Enum types: PostgreSQL's CREATE TYPE ... AS ENUM, ALTER TYPE (values added and renamed, the type
renamed) and DROP TYPE."""
from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from ...schema import EnumType
from ...statements import STRING_TOKENS, Statement
from .base import InterpreterBase


class EnumStatements(InterpreterBase):
    """CREATE / ALTER / DROP TYPE for enum types; other kinds of type are skipped."""

    def _create_type(self, stmt: Statement) -> None:
        node = self._parse(stmt.text)
        kind = node.expression if isinstance(node, exp.Create) else None
        if not (isinstance(kind, exp.DataType) and kind.this == exp.DataType.Type.ENUM):
            self._ignore("CREATE TYPE")  # composite and range types are not columns we model
            return
        name = self.ident(node.this)
        if self.schema.has_enum(name):
            raise self.error(f"type {name!r} already exists")
        self.schema = self.schema.with_enum(EnumType(name, tuple(v.name for v in kind.expressions)))

    def _alter_type(self, stmt: Statement) -> None:
        tokens = self._tokens(stmt.text)
        parts, i = self._qualified_name(tokens, 2)
        name = parts[-1]
        words = [t.text.upper() for t in tokens[i:]]
        if words[:1] == ["OWNER"] or not words:
            self._ignore("ALTER TYPE ... OWNER TO")
            return
        if not self.schema.has_enum(name):
            raise self.error(f"unknown type {name!r}")
        enum = self.schema.enum(name)
        strings = [t.text for t in tokens[i:] if t.token_type in STRING_TOKENS]
        if words[:2] == ["ADD", "VALUE"] and strings:
            values = list(enum.values)
            value = strings[0]
            if value in values:
                if "EXISTS" in words:
                    return
                raise self.error(f"enum {name!r} already has value {value!r}")
            at = len(values)
            if len(strings) > 1:
                anchor = strings[1]
                if anchor not in values:
                    raise self.error(f"enum {name!r} has no value {anchor!r}")
                at = values.index(anchor) + (1 if "AFTER" in words else 0)
            values.insert(at, value)
            self.schema = self.schema.with_enum(replace(enum, values=tuple(values)))
        elif words[:2] == ["RENAME", "VALUE"] and len(strings) == 2:
            old, new = strings
            if old not in enum.values:
                raise self.error(f"enum {name!r} has no value {old!r}")
            self.schema = self.schema.with_enum(replace(enum, values=tuple(new if v == old else v for v in enum.values)))
        elif words[:2] == ["RENAME", "TO"]:
            self._rename_enum(name, self.token_name(tokens[i + 2]))
        else:
            self._ignore("ALTER TYPE")

    def _rename_enum(self, old: str, new: str) -> None:
        enum = self.schema.enum(old)
        schema = self.schema.without_enum(old).with_enum(replace(enum, name=new))
        tables = []
        for t in schema.tables:
            tables.append(replace(t, columns=tuple(
                replace(c, type=replace(c.type, enum=new)) if c.type.name == "enum" and c.type.enum == old else c
                for c in t.columns)))
        self.schema = replace(schema, tables=tuple(tables))

    def _drop_type(self, node: exp.Drop) -> None:
        for target in node.args.get("tables") or ():
            name = self.ident(target)
            if not self.schema.has_enum(name):
                if node.args.get("exists"):
                    continue
                raise self.error(f"unknown type {name!r}")
            self.schema = self.schema.without_enum(name)
