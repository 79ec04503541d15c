"""How commands show things to the agent: paths relative to where it stands, findings one line each, lists cut
to a line."""
from __future__ import annotations

from pathlib import Path
from typing import Any


def shown_path(path: Path | str) -> str:
    """A path as printed: relative to the current folder when it is under it (shorter to read)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def finding_lines(findings: Any) -> list[str]:
    """The error and warning findings, one line each, and how many info ones there are besides."""
    out = []
    infos = 0
    for f in findings:
        f = f if isinstance(f, dict) else f.to_dict()
        if f["severity"] in ("error", "warning"):
            out.append(f"  {f['severity']} {f['rule']}: {f['message']}")
        else:
            infos += 1
    if infos:
        out.append(f"  ({infos} info finding{'s' if infos != 1 else ''}: --json shows them)")
    return out


def cut(items: list[str], width: int) -> str:
    """``a, b, c (+K more)``: as many of ``items`` as fit in about ``width`` characters."""
    shown = list(items)
    while len(shown) > 1:
        more = len(items) - len(shown)
        text = ", ".join(shown) + (f" (+{more} more)" if more else "")
        if len(text) <= width:
            return text
        shown.pop()
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more else "")
