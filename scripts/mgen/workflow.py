"""`mgen check`, `mgen status`, `mgen cache show|clear`: what an agent reads before generating anything.

    mgen check  [PROJECT] [--base REF] [--json]   one line; exit 0 no schema change, 1 changed (or no baseline
                                                  to tell: outside git before the first generate), 2 not a project
    mgen status [PROJECT] [--base REF] [--json]   framework, dialect, changed schema files, last migration
    mgen cache show  [PROJECT] [--json]           the project cache's entries: state, format, size
    mgen cache clear [PROJECT] [--json]           remove mgen's entries

Progressive disclosure: ``check`` is the early exit (nothing changed: stop here), ``status`` the next
level; each command's whole output is what the agent reads. ``check`` imports neither sqlglot, jinja2,
the differ nor any framework reader: on a warm run (cache present, nothing changed) it reads two cache
entries, stats the files they depend on (a framework whose rules are found anew each run walks the project for
them), and runs one ``git status``.

Framework and dialect come from ``mgen.frameworks.detect`` (each registered framework asked in turn) and what
is said of them from the framework itself (``frameworks.base.Framework``); they are kept in ``orm-type.json`` /
``db-type.json`` (reused while the files they depend on are unchanged); the schema files and what changed
from ``mgen.scope``; ``status`` keeps the newest migration in ``last-migration.json``. The cache's
contract: the ``cache/`` folder of this repository. Output never holds a password (URLs go through
``mgen.db.redact``).

Wired into ``mgen`` by ``add_parsers(subparsers)``; ``python -m mgen.workflow check ...`` runs it alone.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from . import projectcache
from .errors import MgenError
from .output import cut
from .scope import Changes, PathRule, SchemaScope, changed_files, rules_depend_on, schema_rules

ORM, DB, LAST = "orm-type.json", "db-type.json", "last-migration.json"
LINE_WIDTH = 110  # the changed-file list of ``check`` is cut to keep its line about this long
STATUS_WIDTH = 140  # and that of ``status`` (its whole output stays under about 80 tokens)
NO_BASELINE = ("no baseline: not in git, and no mgen generate here has recorded the schema files yet; "
               "run status and plan")


class Facts(NamedTuple):
    """What a project is, from the cache or from ``detect``. ``rules``: the schema rules, None when they
    are found again on every run."""

    framework: str | None
    config: Path | None
    evidence: list[str]
    dialect: str | None
    dialect_source: str | None  # the file (relative) or "dependencies" the dialect came from
    dialect_detail: str | None  # the evidence line that says it
    url: str | None  # the database URL the configuration names, password redacted
    rules: list[PathRule] | None


# =============================================================================================
# Framework and dialect, cached
# =============================================================================================
def project_facts(root: Path, cache: dict[str, str] | None = None) -> Facts:
    """The project's framework and dialect: ``orm-type.json`` and ``db-type.json`` when fresh, else
    ``detect`` (and both written, for a project mgen knows). ``cache`` collects hit/miss per entry."""
    cache = cache if cache is not None else {}
    orm, db = projectcache.load_fresh(root, ORM), projectcache.load_fresh(root, DB)
    if orm is not None and db is not None:
        try:
            facts = _facts_from(root, orm, db)
        except (KeyError, TypeError, ValueError):
            facts = None
        if facts is not None:
            cache.update({ORM: "hit", DB: "hit"})
            return facts
    cache.update({ORM: "miss", DB: "miss"})
    from .frameworks.detect import detect
    from .frameworks.registry import frameworks

    d = detect(root)
    if d.framework is None:
        return Facts(None, None, list(d.evidence), d.dialect, None, None, None, None)
    source, detail, url = d.dialect_source, d.dialect_detail, d.url
    depends = rules_depend_on(root, d)
    rules = None if depends is None else schema_rules(root, d)
    extra = depends or []
    folders = [root / rel for rel in (*(f for fw in frameworks() for f in fw.detection_folders), "requirements")]
    deps = projectcache.depends_on(root, [*d.sources, root, *folders, *extra])
    config = projectcache.relative(root, d.config) if d.config else None
    projectcache.store(root, ORM, {"framework": d.framework, "config": config, "evidence": list(d.evidence),
                                   "schema_rules": None if rules is None else [r.to_json() for r in rules]}, deps)
    projectcache.store(root, DB, {"dialect": d.dialect, "source": source, "detail": detail, "url": url}, deps)
    return Facts(d.framework, d.config, list(d.evidence), d.dialect, source, detail, url, rules)


def _facts_from(root: Path, orm: dict[str, Any], db: dict[str, Any]) -> Facts | None:
    framework, config, rules = orm["framework"], orm["config"], orm["schema_rules"]
    if not isinstance(framework, str) or not (config is None or isinstance(config, str)):
        return None
    evidence = [str(e) for e in orm["evidence"]]
    parsed = None if rules is None else [PathRule.from_json(r) for r in rules]
    strings = [db.get(k) for k in ("dialect", "source", "detail", "url")]
    if not all(s is None or isinstance(s, str) for s in strings):
        return None
    return Facts(framework, root / config if config is not None else None, evidence, *strings, parsed)


def project_scope(root: Path, facts: Facts) -> SchemaScope:
    return SchemaScope(root, facts.rules if facts.rules is not None else schema_rules(root, facts))


def _root(project: str | None) -> Path:
    root = Path(project or ".")
    if not root.is_dir():
        raise MgenError("no such project folder", str(root))
    return root.resolve()


def _known(root: Path, facts: Facts) -> None:
    if facts.framework is None:
        from .frameworks.registry import frameworks

        raise MgenError(f"not a project mgen knows: no {', '.join(f.found_by for f in frameworks())} or framework "
                        "in the dependencies", str(root))


# =============================================================================================
# check
# =============================================================================================
def check(root: Path, base: str = "HEAD") -> tuple[dict[str, Any], str, int]:
    """(the --json object, the line, the exit code) of ``mgen check``. MgenError: not a project."""
    cache: dict[str, str] = {}
    facts = project_facts(root, cache)
    _known(root, facts)
    scope = project_scope(root, facts)
    changes = changed_files(root, scope, base)
    data = {"project": str(root), "framework": facts.framework, "changed": bool(changes.files),
            "count": len(changes.files), "files": changes.files, "method": changes.method, "base": changes.base,
            "note": changes.note, "no_baseline": changes.no_baseline, "cache": cache}
    if changes.files:
        return data, changed_line(changes.files), 1
    if changes.no_baseline:  # unknown is not "no change": the skill goes on to status and plan
        return data, NO_BASELINE, 1
    return data, "no schema change", 0


def changed_line(files: Sequence[str], width: int = LINE_WIDTH) -> str:
    """``N schema files changed: a, b (+K more)``, cut to about ``width`` characters."""
    head = f"{len(files)} schema file{'s' if len(files) != 1 else ''} changed: "
    return head + cut(list(files), width - len(head))


# =============================================================================================
# status
# =============================================================================================
def status(root: Path, base: str = "HEAD") -> tuple[dict[str, Any], list[str]]:
    """(the --json object, the lines) of ``mgen status``. MgenError: not a project."""
    cache: dict[str, str] = {}
    facts = project_facts(root, cache)
    _known(root, facts)
    scope = project_scope(root, facts)
    changes = changed_files(root, scope, base)
    last = last_migrations(root, facts, scope, cache)
    data = {
        "project": str(root),
        "framework": {"name": facts.framework, "config": _rel(root, facts.config), "evidence": facts.evidence},
        "dialect": {"name": facts.dialect, "source": facts.dialect_source, "detail": facts.dialect_detail,
                    "url": facts.url},
        "changes": changes.to_dict(),
        "last_migration": last,
        "cache": cache,
    }
    lines = [_framework_line(root, facts), _dialect_line(facts), _changes_line(changes, scope),
             _last_line(facts, last)]
    framework = _framework(facts)
    if framework is not None and framework.supports("drift") and facts.config is not None:
        drift = _drift(root, base, facts)
        data["drift"] = drift.lines if drift is not None and drift.error is None else None
        if drift is not None:
            data["drift_error"] = drift.error
            lines.append(_drift_line(drift.lines, base) if drift.error is None else drift.summary())
    return data, lines


def _drift(root: Path, base: str, facts: Facts):
    """The operations the models at ``base`` already needed beyond the migrations there (kept per commit in
    drift.json: a full static read the first time a commit is asked about), or why the base did not read
    (``Drift.error``); None: not in git."""
    from .frameworks.drift import drift

    return drift(root, base, dialect=facts.dialect)


def _drift_line(lines: list[str], base: str) -> str:
    if not lines:
        return f"drift: none at {base}"
    return f"drift at {base}: {len(lines)} operation{'s' if len(lines) != 1 else ''} without a migration: " \
        + cut(lines, 80)


def _rel(root: Path, path: Path | None) -> str | None:
    return projectcache.relative(root, path) if path is not None else None


def _framework(facts: Facts):
    from .frameworks.registry import get

    return get(facts.framework)


def _framework_line(root: Path, facts: Facts) -> str:
    config = _rel(root, facts.config)
    framework = _framework(facts)
    where = framework.where(root, facts, config) if framework is not None else "from the dependencies"
    if config is None and any("from the dependencies" in e for e in facts.evidence):
        where = "from the dependencies"
    return f"framework: {facts.framework} ({where})"


def _dialect_line(facts: Facts) -> str:
    if facts.dialect is None:
        return "dialect: unknown (nothing in the configuration says; give --dialect)"
    if facts.dialect_source == "dependencies":
        return f"dialect: {facts.dialect} (database driver in the dependencies)"
    framework = _framework(facts)
    if facts.dialect_source and framework is not None:
        return f"dialect: {facts.dialect} ({framework.dialect_origin(facts.dialect_source)})"
    return f"dialect: {facts.dialect}"


def _changes_line(changes: Changes, scope: SchemaScope) -> str:
    if changes.method == "git":
        head = f"changed vs {changes.base}: "
    elif changes.no_baseline:
        return "changed: unknown (not in git, no baseline yet: mgen generate records one; plan tells what is left)"
    else:
        head = "changed vs recorded fingerprints (no git): "
    if not changes.files:
        return head + "none"
    items = [f"{f} ({changes.kinds[f]})" if changes.kinds[f] != "modified" else f for f in changes.files]
    return head + cut(items, STATUS_WIDTH - len(head))


def _last_line(facts: Facts, last: dict[str, Any]) -> str:
    if last.get("error"):
        return f"last migration: unknown ({last['error']})"
    items = last.get("migrations") or []
    framework = _framework(facts)
    if framework is None:
        return "last migration: none yet"
    return framework.last_line(items)


def record_baseline(root: Path) -> None:
    """After a generate that wrote its migration (or found none to write): the schema files as they are now
    are what the migrations build, the baseline ``check`` compares with where git cannot tell (not in a
    repository, or git not installed). In git nothing is recorded (git is the baseline)."""
    import shutil

    from .scope import accept_baseline, git_toplevel

    root = Path(root).resolve()
    if git_toplevel(root) is not None and shutil.which("git") is not None:
        return
    try:
        facts = project_facts(root)
        if facts.framework is not None:
            accept_baseline(root, project_scope(root, facts))
    except (MgenError, OSError):  # the migration is written: no baseline only means check says "no baseline"
        return


# -- last-migration.json ---------------------------------------------------------------------------
def last_migrations(root: Path, facts: Facts, scope: SchemaScope, cache: dict[str, str] | None = None) \
        -> dict[str, Any]:
    """``{"migrations": [{"scope", "name", "path"}], "error"}``: the newest migration(s) as the framework
    tells them (``Framework.last_migrations``). Kept in ``last-migration.json`` while the files it read are
    unchanged (and, for a framework that names them, exactly those migration folders)."""
    cache = cache if cache is not None else {}
    framework = _framework(facts)
    expected = framework.last_migration_folders(root, scope) if framework is not None else None
    entry = projectcache.load_fresh(root, LAST)
    if (entry is not None and entry.get("framework") == facts.framework
            and (expected is None or expected == set(entry.get("depends_on", {})))
            and isinstance(entry.get("migrations"), list)):
        cache[LAST] = "hit"
        return {"migrations": entry["migrations"], "error": entry.get("error")}
    cache[LAST] = "miss"
    migrations: list[dict[str, Any]] = []
    error = None
    deps: list[Path] = []  # filled before anything is read: an error is cached until these change too
    try:
        if framework is not None:
            migrations = framework.last_migrations(root, facts, scope, deps)
    except MgenError as e:
        where = _rel(root, Path(e.file)) if e.file else None
        error = MgenError(e.message, where, e.line).one_line()
    projectcache.store(root, LAST, {"framework": facts.framework, "migrations": migrations, "error": error}, deps)
    return {"migrations": migrations, "error": error}


# =============================================================================================
# cache show / clear
# =============================================================================================
def cache_show(root: Path) -> tuple[dict[str, Any], list[str]]:
    folder = projectcache.FOLDER.as_posix()
    entries = projectcache.describe(root)
    data = {"project": str(root), "folder": folder, "enabled": projectcache.enabled(), "entries": entries}
    if not projectcache.enabled():
        return data, ["the project cache is off (MGEN_PROJECT_CACHE)"]
    if not entries:
        return data, [f"no cache in {folder}"]
    lines = []
    for e in entries:
        if e["state"] == "unknown":
            lines.append(f"{e['name']}: not mgen's, {e['size']} bytes")
        else:
            lines.append(f"{e['name']}: {e['state']}, format {e['format']}, {e['size']} bytes")
    return data, lines


def cache_clear(root: Path) -> tuple[dict[str, Any], list[str]]:
    folder = projectcache.FOLDER.as_posix()
    removed = projectcache.clear(root)
    entries = [n for n in removed if n.endswith(".json")]
    line = (f"removed {len(entries)} cache file{'s' if len(entries) != 1 else ''} from {folder}" if entries
            else f"no cache to remove in {folder}")
    return {"project": str(root), "folder": folder, "removed": removed}, [line]


# =============================================================================================
# Command line
# =============================================================================================
def add_parsers(subparsers: Any) -> None:
    """Add ``check``, ``status`` and ``cache`` to an argparse subparsers object (``mgen``'s, or the one
    ``python -m mgen.workflow`` builds)."""
    commands = {
        "check": ("one line: did any schema file change? (exit 1 when one did)",
                  ("Early exit: exit 0 'no schema change', 1 'N schema files changed: ...' (or 'no baseline: ...', "
                   "outside git before the first generate), 2 not a project mgen knows."),
                  main_check),
        "status": ("framework, dialect, changed schema files, last migration",
                   ("A few lines: framework and dialect (and where each came from), the changed schema files, "
                    "the last migration."), main_status),
    }
    for name, (help_text, description, func) in commands.items():
        p = subparsers.add_parser(name, help=help_text, description=description)
        p.add_argument("project", nargs="?", default=".", help="project folder (default: the current one)")
        p.add_argument("--base", default="HEAD", metavar="REF", help="git ref to compare with (default HEAD)")
        p.add_argument("--json", action="store_true", help="one JSON object on stdout")
        p.set_defaults(func=func)

    p = subparsers.add_parser("cache", help="show or clear the project cache (.claude/cache/db)",
                              description="show: each entry's state (fresh/stale/valid/invalid), format and size; "
                                          "clear: remove mgen's entries.")
    p.add_argument("action", choices=("show", "clear"))
    p.add_argument("project", nargs="?", default=".", help="project folder (default: the current one)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=main_cache)


def main_check(args: argparse.Namespace) -> int:
    data, line, code = check(_root(args.project), args.base)
    print(json.dumps(data) if args.json else line)
    return code


def main_status(args: argparse.Namespace) -> int:
    data, lines = status(_root(args.project), args.base)
    _emit(args, data, lines)
    return 0


def main_cache(args: argparse.Namespace) -> int:
    root = _root(args.project)
    data, lines = cache_show(root) if args.action == "show" else cache_clear(root)
    _emit(args, data, lines)
    return 0


def _emit(args: argparse.Namespace, data: dict[str, Any], lines: Sequence[str]) -> None:
    print(json.dumps(data, indent=2) if args.json else "\n".join(lines))


def _standalone(argv: Sequence[str] | None = None) -> int:
    """``python -m mgen.workflow check|status|cache ...``: the same as ``mgen ...``."""
    from .cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_standalone())
