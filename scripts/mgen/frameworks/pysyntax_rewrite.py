"""The libcst rewrite behind ``pysyntax``: newer Python spelled the way an older ``ast.parse`` accepts.

Imported only when ``ast.parse`` has rejected a file (libcst is not loaded otherwise). See ``pysyntax``
for what is rewritten and why each rewrite keeps what mgen reads. An f-string the older parser rejects is
written as marker calls (``__mgen_fstring__(n, "text", __mgen_field__(value, conversion, spec))``) and
``Restore`` turns them back into the ``JoinedStr`` the newer Python builds, at the f-string's own place.
"""
from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import PositionProvider

FSTRING, FIELD = "__mgen_fstring__", "__mgen_field__"
_CONVERSION_CODES = {None: -1, "s": ord("s"), "r": ord("r"), "a": ord("a")}


class Downgrade(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module):
        super().__init__()
        self.module = module
        self.spans: list[tuple[int, int, int, int]] = []  # the original place of each f-string rewritten

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        return updated.with_changes(type_parameters=None) if updated.type_parameters else updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        return updated.with_changes(type_parameters=None) if updated.type_parameters else updated

    def leave_TypeAlias(self, original: cst.TypeAlias, updated: cst.TypeAlias) -> cst.Assign:
        return cst.Assign(targets=[cst.AssignTarget(updated.name)], value=updated.value)

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler) -> cst.ExceptHandler:
        return updated.with_changes(type=_parenthesised(updated.type))

    def leave_ExceptStarHandler(self, original: cst.ExceptStarHandler,
                                updated: cst.ExceptStarHandler) -> cst.ExceptStarHandler:
        return updated.with_changes(type=_parenthesised(updated.type))

    def leave_FormattedString(self, original: cst.FormattedString,
                              updated: cst.FormattedString) -> cst.BaseExpression:
        try:
            ast.parse(self.code(updated), mode="eval")
            return updated
        except SyntaxError:
            pass
        position = self.get_metadata(PositionProvider, original)
        self.spans.append((position.start.line, position.start.column, position.end.line, position.end.column))
        quote = updated.end
        prefix = updated.start[: -len(quote)].replace("f", "").replace("F", "")
        pieces = self.pieces(updated.parts, prefix, quote)
        return cst.parse_expression(f"{FSTRING}({len(self.spans) - 1}, {', '.join(pieces)})")

    def pieces(self, parts: Sequence[cst.BaseFormattedStringContent], prefix: str, quote: str) -> list[str]:
        """The parts of an f-string (or of a replacement field's format spec) as marker call arguments."""
        out = []
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                literal = part.value.replace("{{", "{").replace("}}", "}")
                if literal:
                    out.append(f"{prefix}{quote}{literal}{quote}")
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            conversion = part.conversion
            if part.equal is not None:  # {x=}: the text as written, then repr unless a spec or conversion says
                out.append(repr(self.code(part.whitespace_before_expression) + self.code(part.expression)
                                + self.code(part.whitespace_after_expression) + "="))
                if conversion is None and part.format_spec is None:
                    conversion = "r"
            spec = self.pieces(part.format_spec, prefix, quote) if part.format_spec else []
            spec_code = f"{FSTRING}(None, {', '.join(spec)})" if spec else "None"
            out.append(f"{FIELD}(({self.code(part.expression)}), {conversion!r}, {spec_code})")
        return out


class Restore(ast.NodeTransformer):
    """The marker calls back into the ``JoinedStr`` a newer Python makes of the f-string, at its place."""

    def __init__(self, spans: list[tuple[int, int, int, int]], lines: list[str]):
        self.spans = spans
        self.lines = lines

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == FSTRING):
            return node
        index = node.args[0].value  # type: ignore[attr-defined]
        values: list[ast.expr] = []
        for arg in node.args[1:]:
            if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == FIELD:
                value, conversion, spec = arg.args
                code = _CONVERSION_CODES[conversion.value]  # type: ignore[attr-defined]
                values.append(ast.copy_location(ast.FormattedValue(
                    value, code, None if isinstance(spec, ast.Constant) else spec), arg))
            else:
                values.append(arg)
        joined = ast.copy_location(ast.JoinedStr(values), node)
        if index is not None:  # None: a format spec, placed with its replacement field
            line, column, end_line, end_column = self.spans[index]
            joined.lineno, joined.end_lineno = line, end_line
            joined.col_offset = _byte_offset(self.lines, line, column)
            joined.end_col_offset = _byte_offset(self.lines, end_line, end_column)
        return joined


def _byte_offset(lines: list[str], line: int, column: int) -> int:
    """``ast`` counts columns in UTF-8 bytes, libcst in characters."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text[:column].encode("utf-8"))


def _parenthesised(kind: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """``except A, B:`` (PEP 758) means ``except (A, B):``."""
    if isinstance(kind, cst.Tuple) and not kind.lpar:
        return kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return kind
