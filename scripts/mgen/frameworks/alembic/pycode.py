"""The Python code of a revision file, built as data and formatted at the end.

A statement is a ``Call`` (``op.add_column("t", sa.Column(...))``, arguments as Python source text or
nested calls), a ``Block`` (``with op.batch_alter_table(...) as batch_op:`` and its body) or a
``Comment``. ``format_statements`` lays them out as Black would: a call on one line when it fits in
``WIDTH``, else one argument per line. SQL goes in as ``py_sql`` / ``sa_text``, with the colons
SQLAlchemy's ``text()`` would take for bound parameters escaped.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..pywrite import py_text

WIDTH = 99  # a call longer than this (with its indentation) is broken one argument per line


@dataclass(frozen=True)
class Call:
    """``func(args..., key=value...)``; arguments are Python source text or nested calls."""

    func: str
    args: tuple = ()
    kwargs: tuple = ()  # (name, value) pairs, in order

    def format(self, indent: int = 0) -> list[str]:
        parts = [_format_arg(a, indent + 4) for a in self.args]
        parts += [_prefix(f"{k}=", _format_arg(v, indent + 4)) for k, v in self.kwargs]
        flat = f"{self.func}(" + ", ".join(p[0] for p in parts) + ")"
        if all(len(p) == 1 for p in parts) and indent + len(flat) <= WIDTH:
            return [flat]
        lines = [f"{self.func}("]
        for p in parts:
            lines += ["    " + p[0]] + ["    " + x for x in p[1:-1]] + (["    " + p[-1]] if len(p) > 1 else [])
            lines[-1] += ","
        return lines + [")"]


def _format_arg(arg, indent: int) -> list[str]:
    return arg.format(indent) if isinstance(arg, Call) else arg.split("\n")


def _prefix(prefix: str, lines: list[str]) -> list[str]:
    return [prefix + lines[0]] + lines[1:]


def call(func: str, *args, **kwargs) -> Call:
    """A call; keyword arguments that are None are left out (pass the text "None" to write None)."""
    return Call(func, tuple(args), tuple((k, v) for k, v in kwargs.items() if v is not None))


@dataclass(frozen=True)
class Block:
    """``header:`` followed by an indented body (``with op.batch_alter_table(...) as batch_op:``)."""

    header: str
    body: tuple


@dataclass(frozen=True)
class Comment:
    text: str


def format_statements(statements: Sequence, indent: int = 4) -> list[str]:
    """Source lines (without the function body's own indentation) for statements."""
    lines: list[str] = []
    for s in statements:
        if isinstance(s, Comment):
            lines.append("# " + s.text)
        elif isinstance(s, Block):
            lines.append(s.header)
            lines += ["    " + x for x in format_statements(s.body, indent + 4)]
            if all(isinstance(x, Comment) for x in s.body):
                lines.append("    pass")  # a block of comments only is no block in Python
        else:
            lines += s.format(indent)
    return lines


# SQLAlchemy's text() reads ":name" as a bound parameter (sql/elements.py, TextClause._bind_params_regex);
# SQL that means a colon literally gets it escaped as "\:".
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def py_sql(sql: str) -> str:
    """SQL as a Python string for ``sa.text()``/``op.execute()``: colons escaped, multi-line SQL as
    implicitly concatenated lines (readable, and untouched by the indentation around it)."""
    return py_text(_BIND.sub(r"\\:\1", sql))


def sa_text(sql: str) -> Call:
    return call("sa.text", py_sql(sql))
