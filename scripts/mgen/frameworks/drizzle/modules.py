"""Module specifiers of a schema module resolved as TypeScript's bundler resolution does for the forms schema
files use: relative paths (``./users``, ``../db/schema``), and the project's ``tsconfig.json``
``compilerOptions.paths`` aliases (``@app/server/*`` -> ``../../packages/server/src/*``), each tried with the
usual extensions and ``index`` files. The tsconfig is read with tree-sitter (JSON with comments and trailing
commas is a JavaScript object literal); one it ``extends`` is not followed. A specifier that resolves to
nothing is None: the caller refuses it at its line."""
from __future__ import annotations

from functools import cache
from pathlib import Path

EXTENSIONS = ("", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.tsx", "/index.js")


def _file(base: Path) -> Path | None:
    text = str(base)
    if text.endswith((".js", ".mjs")):  # an ESM import of a .ts file spells it .js
        stem = text.rsplit(".", 1)[0]
        for e in (".ts", ".mts", ".tsx"):
            if Path(stem + e).is_file():
                return Path(stem + e).resolve()
    return next((Path(text + e).resolve() for e in EXTENSIONS if Path(text + e).is_file()), None)


@cache
def _aliases(root: Path) -> tuple[tuple[str, tuple[Path, ...]], ...]:
    from . import ts

    config = root / "tsconfig.json"
    if not config.is_file():
        return ()
    source = ts.parse_text(b"(" + config.read_bytes() + b")", config)
    data = ts.value(source.root.named_children[0].named_children[0]) if source.root.named_children else None
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    paths = options.get("paths") if isinstance(options, dict) else None
    if not isinstance(paths, dict):
        return ()
    base = root / options.get("baseUrl", ".") if isinstance(options.get("baseUrl", "."), str) else root
    return tuple((pattern, tuple(base / t for t in targets if isinstance(t, str)))
                 for pattern, targets in paths.items() if isinstance(targets, list))


def resolve(specifier: str, importer: Path, root: Path) -> Path | None:
    if specifier.startswith("."):
        return _file(importer.parent / specifier)
    for pattern, targets in _aliases(root):
        prefix, star, suffix = pattern.partition("*")
        if star and specifier.startswith(prefix) and specifier.endswith(suffix):
            middle = specifier[len(prefix):len(specifier) - len(suffix) if suffix else None]
            for target in targets:
                found = _file(Path(str(target).replace("*", middle)))
                if found:
                    return found
        elif not star and specifier == pattern:
            for target in targets:
                found = _file(target)
                if found:
                    return found
    return None
