"""Where a Drizzle project keeps its schema and migrations, as drizzle-kit reads them: ``drizzle.config.ts``
(or ``.js``/``.mjs``/``.cjs``/``.mts``) at the project's root, its default export's object literal (``export
default defineConfig({...})``, ``export default {...} satisfies Config``, a ``const`` it names, ``module.exports
=``), read statically with tree-sitter: ``dialect``, ``schema`` (a file, a folder, a glob, or a list of them),
``out`` (default ``drizzle``). A value computed at run time for one of those keys is refused at its line; the
other keys (``dbCredentials`` and the like) are not read."""
from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError

CONFIGS = ("drizzle.config.ts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.cjs",
           "drizzle.config.mts")
DIALECTS = {"postgresql": "postgresql", "sqlite": "sqlite"}  # drizzle-kit's names -> mgen's; the others refused by name
KNOWN_DIALECTS = ("postgresql", "mysql", "sqlite", "turso", "singlestore", "gel")


@dataclass(frozen=True)
class Config:
    root: Path
    file: Path
    dialect: str  # mgen's dialect
    schema: tuple[str, ...]  # as written: paths or globs, relative to the root
    out: Path
    prefix: str = "index"

    def schema_files(self) -> list[Path]:
        """The schema modules drizzle-kit loads, sorted; a pattern that matches nothing is refused."""
        found: set[Path] = set()
        for pattern in self.schema:
            path = self.root / pattern
            if any(c in pattern for c in "*?[{"):
                hits = [Path(p) for p in glob.glob(str(path), recursive=True)]
            elif path.is_dir():
                hits = [p for p in path.rglob("*") if p.suffix in (".ts", ".js", ".mts", ".mjs", ".cts", ".cjs")]
            else:
                hits = [path] if path.is_file() else []
            hits = [h for h in hits if h.is_file() and not h.name.endswith(".d.ts")]
            if not hits:
                raise MgenError(f"the config's schema {pattern!r} matches no file", str(self.file))
            found.update(h.resolve() for h in hits)
        return sorted(found)


def config_file(root: Path) -> Path | None:
    """``drizzle.config.*`` at the root, else the file package.json's drizzle-kit scripts name with ``--config``
    (paths in it are then relative to the root, where the script runs)."""
    found = next((root / c for c in CONFIGS if (root / c).is_file()), None)
    return found or _script_config(root)


def _script_config(root: Path) -> Path | None:
    import json
    import shlex

    package = root / "package.json"
    if not package.is_file():
        return None
    try:
        scripts = json.loads(package.read_text(encoding="utf-8")).get("scripts") or {}
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None
    named = set()
    for command in scripts.values() if isinstance(scripts, dict) else ():
        if not isinstance(command, str) or "drizzle-kit" not in command:
            continue
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        for i, word in enumerate(words):
            if word == "--config" and i + 1 < len(words):
                named.add(words[i + 1])
            elif word.startswith("--config="):
                named.add(word.partition("=")[2])
    files = sorted({(root / n).resolve() for n in named if (root / n).is_file()})
    if len(files) > 1:
        raise MgenError(f"package.json's drizzle-kit scripts name several configs ({', '.join(sorted(named))}): "
                        "mgen reads one", str(package))
    return files[0] if files else None


def read_config(root: Path) -> Config | None:
    """The project's drizzle-kit configuration, None when it has none."""
    from . import ts  # tree-sitter: loaded only for a Drizzle project

    file = config_file(root)
    if file is None:
        return None
    source = ts.parse(file)
    literal = _default_export(source)
    if literal is None:
        raise MgenError("no default export of an object literal (export default defineConfig({...})) to read",
                        str(file))
    entries = {key: (node, entry) for key, node, entry in ts.object_pairs(literal)}
    spread = next((entry for key, _node, entry in ts.object_pairs(literal) if key is None), None)

    def get(key: str, required: bool):
        if key not in entries:
            if spread is not None:
                raise source.refuse(spread, f"the config is built with a spread: its {key!r} cannot be read "
                                            "statically")
            if required:
                raise source.refuse(literal, f"the config has no {key!r}")
            return None
        node, entry = entries[key]
        found = ts.value(node)
        if isinstance(found, ts.Opaque):
            raise source.refuse(entry, f"the config's {key!r} is computed at run time ({ts.text(node)[:60]}): "
                                       "mgen reads it statically only")
        return found

    if "driver" in entries and "dialect" not in entries:
        raise source.refuse(entries["driver"][1], "a drizzle-kit config older than 0.21 ('driver' without "
                                                   "'dialect') is not supported")
    dialect = get("dialect", True)
    if dialect not in DIALECTS:
        known = "an unknown dialect" if dialect not in KNOWN_DIALECTS else "not supported yet"
        raise source.refuse(entries["dialect"][1], f"Drizzle dialect {dialect!r}: {known} (mgen reads "
                                                   f"{', '.join(DIALECTS)})")
    schema = get("schema", True)
    schema = (schema,) if isinstance(schema, str) else schema
    if not isinstance(schema, (list, tuple)) or not schema or not all(isinstance(s, str) for s in schema):
        raise source.refuse(entries["schema"][1], "the config's 'schema' is not a path or a list of paths")
    out = get("out", False) or "drizzle"
    if not isinstance(out, str):
        raise source.refuse(entries["out"][1], "the config's 'out' is not a path")
    casing = get("casing", False)
    if casing is not None:
        raise source.refuse(entries["casing"][1], f"casing {casing!r} (column names derived from keys) is not "
                                                   "supported yet")
    migrations = get("migrations", False) or {}
    if not isinstance(migrations, dict):
        raise source.refuse(entries["migrations"][1], "the config's 'migrations' is not an object")
    prefix = migrations.get("prefix", "index")
    if prefix != "index":
        raise source.refuse(entries["migrations"][1], f"migrations.prefix {prefix!r}: only drizzle-kit's "
                                                      "default 'index' (0000_name.sql) is supported")
    return Config(root, file, DIALECTS[dialect], tuple(s.removeprefix("./") for s in schema),
                  root / out.removeprefix("./"), prefix)


def _default_export(source):
    """The object literal the module exports by default, None when there is none."""
    from . import ts

    consts = {}
    target = None
    for statement in source.root.named_children:
        if statement.type == "lexical_declaration":
            for declarator in statement.named_children:
                if declarator.type == "variable_declarator" and declarator.child_by_field_name("value"):
                    consts[ts.text(declarator.child_by_field_name("name"))] = declarator.child_by_field_name("value")
        elif statement.type == "export_statement" and any(c.type == "default" for c in statement.children):
            target = statement.child_by_field_name("value") or (statement.named_children or [None])[-1]
        elif statement.type == "expression_statement":
            expr = ts.unwrap(statement.named_children[0])
            if expr.type == "assignment_expression" and ts.text(expr.child_by_field_name("left")) in (
                    "module.exports", "exports.default"):
                target = expr.child_by_field_name("right")
    return _object(target, consts)


def _object(node, consts, depth: int = 0):
    from . import ts

    node = ts.unwrap(node) if node is not None else None
    if node is None or depth > 4:
        return None
    if node.type == "object":
        return node
    if node.type == "identifier" and ts.text(node) in consts:
        return _object(consts[ts.text(node)], consts, depth + 1)
    if node.type == "call_expression" and ts.text(node.child_by_field_name("function")) == "defineConfig":
        args = ts.arguments(node)
        return _object(args[0], consts, depth + 1) if args else None
    return None
