"""Python source of any version, parsed into the ``ast`` of the interpreter mgen runs on.

A project may target a newer Python than mgen's: 3.12 type parameters (``class Box[T]:``, ``def f[T]()``,
``type Alias = ...``), 3.12 f-strings (PEP 701: the same quote, a backslash or a comment inside a
replacement field), 3.14 ``except A, B:`` (PEP 758). ``ast.parse`` of an older interpreter rejects them.
When it does, the source is parsed again with libcst, whose own parser accepts Python 3.0 through 3.15
whatever runs it, and written back in the older spelling with the same meaning for what mgen reads:

- type parameters are dropped (a class's bases, fields and methods are unchanged; ``T`` stays a name);
- ``type Alias = value`` becomes ``Alias = value``;
- ``except A, B:`` becomes ``except (A, B):`` (what PEP 758 defines it to mean);
- an f-string the older parser rejects becomes the ``JoinedStr`` the newer Python builds of it (the same
  literal parts and replacement fields; ``{x=}`` as its text then the ``repr`` field), placed where the
  f-string is in the project's file.

Python 2 ``print x`` statements (a revision written when the project ran Python 2) are read as the calls
Python 3 spells them (``pysyntax_py2print``), indentation that mixes tabs and spaces as Python 2 expanded the
tabs (``pysyntax_py2tabs``); any other Python 2 syntax stays a syntax error.

Line numbers are kept: every rewrite happens within the lines the construct spans, so a message still
names the line of the project's file (columns after a dropped ``[T]`` on the same line shift). A source
neither parser accepts is a syntax error as the running interpreter reports it (its messages are the
clearer ones).
"""
from __future__ import annotations

import ast
import sys

from ..errors import MgenError, nested_in

RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def parse_python(text: str, filename: str, *, tabs: bool = True) -> ast.Module:
    """``text`` parsed; MgenError (``filename``, line) when no Python accepts it, or nests deeper than the
    recursion limit."""
    with nested_in(filename):
        return _parse_python(text, filename, tabs=tabs)


def _parse_python(text: str, filename: str, *, tabs: bool = True) -> ast.Module:
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError as first:
        from .pysyntax_py2print import is_print_statement_error, without_print_statements
        from .pysyntax_py2tabs import is_tab_error, with_python2_tabs

        if tabs and is_tab_error(first) and (untabbed := with_python2_tabs(text)) is not None:
            return _parse_python(untabbed, filename, tabs=False)  # Python 2 indentation: pysyntax_py2tabs
        if is_print_statement_error(first):  # Python 2 print statements: pysyntax_py2print
            calls, error = without_print_statements(text, first)
            if calls is not None:
                return ast.parse(calls, filename=filename)
            raise MgenError(f"Python syntax error: {error.msg}", filename, error.lineno) from None
        rewritten, spans = _downgraded(text, filename, first)
    try:
        tree = ast.parse(rewritten, filename=filename)
    except SyntaxError as e:  # valid newer Python that the rewrite does not cover yet
        raise MgenError(f"Python syntax newer than {RUNNING} that mgen cannot read yet: {e.msg}",
                        filename, e.lineno) from None
    from .pysyntax_rewrite import Restore

    return ast.fix_missing_locations(Restore(spans, text.splitlines()).visit(tree))


def _downgraded(text: str, filename: str, first: SyntaxError) -> tuple[str, list[tuple[int, int, int, int]]]:
    try:
        import libcst as cst
    except ImportError:  # pragma: no cover - libcst is a dependency; an install may still lack it
        raise MgenError(f"Python syntax error: {first.msg} (if this is syntax of a Python newer than "
                        f"{RUNNING}, install libcst to read it)", filename, first.lineno) from None
    try:
        module = cst.parse_module(text)
    except Exception:  # noqa: BLE001 - no Python reads it: the interpreter's own message names it best
        raise MgenError(f"Python syntax error: {first.msg}", filename, first.lineno) from None
    from .pysyntax_rewrite import Downgrade

    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    downgrade = Downgrade(module)
    return wrapper.visit(downgrade).code, downgrade.spans
