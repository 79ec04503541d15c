"""Python literals as the migration writers print them (Alembic revisions, Django migrations)."""
from __future__ import annotations


def py(value) -> str:
    """A Python literal: strings in double quotes, as Black writes them."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'") and '"' not in value:
            text = '"' + text[1:-1].replace("\\'", "'") + '"'
        return text
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py(v) for v in value) + "]"
    return repr(value)


def py_text(text: str) -> str:
    """A string literal; multi-line text as implicitly concatenated lines (readable, and untouched by the
    indentation around it)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return py(text)
    return "\n".join(py(line + "\n") for line in lines[:-1]) + "\n" + py(lines[-1])
