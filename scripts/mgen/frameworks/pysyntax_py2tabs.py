"""Python 2 indentation that mixes tabs and spaces, read as Python 2 read it.

Python 2's tokenizer moved a tab to the next multiple of 8 columns, so a method body indented with 8 spaces
on one line and one tab on the next was one block; Python 3 refuses the same file ("inconsistent use of tabs
and spaces in indentation", a ``TabError``). ihatemoney's ``budget/models.py`` of 2011 is such a file. Here
the leading whitespace of each line is expanded as Python 2 did (``str.expandtabs(8)``), except on the lines
that continue a string literal (their whitespace is the string's text, kept as written), and the file is
parsed again. Line numbers are unchanged; only columns within the indentation move.
"""
from __future__ import annotations

import io
import tokenize


def is_tab_error(error: SyntaxError) -> bool:
    return isinstance(error, TabError) or "inconsistent use of tabs and spaces" in (error.msg or "")


def _expanded(line: str) -> str:
    body = line.lstrip(" \t\f")
    indent = line[:len(line) - len(body)]
    return indent.expandtabs(8) + body if "\t" in indent else line


def with_python2_tabs(text: str) -> str | None:
    """``text`` with its indentation's tabs expanded as Python 2 did; None when nothing changes or the result
    cannot be tokenized (the syntax error stays Python 3's)."""
    lines = text.splitlines(keepends=True)
    expanded = [_expanded(line) for line in lines]
    if expanded == lines:
        return None
    try:  # lines inside a string literal: its text, not indentation
        inside: set[int] = set()
        for tok in tokenize.generate_tokens(io.StringIO("".join(expanded)).readline):
            if tok.type == tokenize.STRING or getattr(tokenize, "FSTRING_MIDDLE", None) == tok.type:
                inside.update(range(tok.start[0] + 1, tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return "".join(lines[i] if i + 1 in inside else expanded[i] for i in range(len(lines)))
