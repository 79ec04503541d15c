"""Python 2 ``print`` statements, read as the ``print(...)`` calls Python 3 spells them.

Projects that ran Python 2 when a file was written (an Alembic revision of 2016 still in the history) hold
``print "Done"`` or ``print >>sys.stderr, msg``: a syntax error to Python 3 ("Missing parentheses in call to
'print'"). Such a statement writes to a stream and changes no schema, so each one is rewritten in place into
a call (``print("Done")``; ``print >>f, x`` as ``print(x, file=f)``) with the file's lines kept, and the
file is parsed again. Any other Python 2 syntax is still the syntax error Python 3 reports.
"""
from __future__ import annotations

import ast
import io
import tokenize

_MISSING_PARENTHESES = "Missing parentheses in call to 'print'"
_MAX_STATEMENTS = 500


def is_print_statement_error(error: SyntaxError) -> bool:
    return (error.msg or "").startswith(_MISSING_PARENTHESES)


def without_print_statements(text: str, first: SyntaxError) -> tuple[str | None, SyntaxError]:
    """(``text`` with its ``print`` statements made calls, None) when that is all that kept Python 3 from
    parsing it; else (None, the first error that is not a print statement's, or ``first``)."""
    error = first
    for _ in range(_MAX_STATEMENTS):
        if not is_print_statement_error(error) or error.lineno is None:
            return None, error
        rewritten = _call_at(text, error.lineno)
        if rewritten is None or rewritten == text:
            return None, first
        text = rewritten
        try:
            ast.parse(text)
        except SyntaxError as e:
            error = e
            continue
        return text, first
    return None, first


def _call_at(text: str, line: int) -> str | None:
    """``text`` with the ``print`` statement that starts on ``line`` written as a call."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    start = next((i for i, t in enumerate(tokens) if t.type == tokenize.NAME and t.string == "print"
                  and t.start[0] == line and _starts_statement(tokens, i)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(tokens))
                if tokens[i].type in (tokenize.NEWLINE, tokenize.ENDMARKER)
                or tokens[i].type == tokenize.OP and tokens[i].string == ";" and _depth(tokens, start, i) == 0), None)
    if end is None:
        return None
    last = end - 1
    while last > start and tokens[last].type in (tokenize.COMMENT, tokenize.NL):
        last -= 1
    lines = text.splitlines(keepends=True)
    args_start = tokens[start + 1].start if last > start else tokens[start].end
    args_end = tokens[last].end
    args = _slice(lines, args_start, args_end) if last > start else ""
    call = _call_text(args)
    return _replace(lines, tokens[start].start, args_end, call)


def _starts_statement(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    prev = next((t for t in reversed(tokens[:i]) if t.type not in (tokenize.NL, tokenize.COMMENT)), None)
    return prev is None or prev.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) \
        or prev.type == tokenize.OP and prev.string in (":", ";")


def _depth(tokens: list[tokenize.TokenInfo], start: int, end: int) -> int:
    depth = 0
    for t in tokens[start:end]:
        if t.type == tokenize.OP and t.string in ("(", "[", "{"):
            depth += 1
        elif t.type == tokenize.OP and t.string in (")", "]", "}"):
            depth -= 1
    return depth


def _call_text(args: str) -> str:
    stripped = args.strip()
    if stripped.startswith(">>"):  # print >>stream, a, b
        stream, _, rest = stripped[2:].partition(",")
        rest = rest.strip()
        return f"print({rest + ', ' if rest else ''}file={stream.strip()})"
    return f"print({args})"


def _offset(lines: list[str], pos: tuple[int, int]) -> int:
    return sum(len(x) for x in lines[:pos[0] - 1]) + pos[1]


def _slice(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    text = "".join(lines)
    return text[_offset(lines, start):_offset(lines, end)]


def _replace(lines: list[str], start: tuple[int, int], end: tuple[int, int], new: str) -> str:
    text = "".join(lines)
    return text[:_offset(lines, start)] + new + text[_offset(lines, end):]


__all__ = ["is_print_statement_error", "without_print_statements"]
