"""Add a rule: its module, its doc page and a red test stub together; or rebuild the rule index.

The module goes to ``scripts/mgen/rules/<id_with_underscores>.py``, the doc page to ``docs/rules/<id>.md``
and the test stub to ``tests/rules/test_<id_with_underscores>.py``, where all of a rule's tests live.

    python -m mgen.rules.scaffold NEW-ID --severity warning --hazard "blocking lock" [--dialect postgresql]
    python -m mgen.rules.scaffold --index

The new rule registers itself (discovery finds ``RULE``), so its ``check`` raises NotImplementedError
until written: a fresh scaffold is red on purpose, in its own test and everywhere the rules run.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from string import Template

from ..errors import MgenError
from . import HAZARDS, SEVERITIES, Rule, _rules, all_rules

DIALECTS = ("postgresql", "mysql", "sqlite")
RULES_DIR = Path(__file__).resolve().parent
# scripts/mgen/rules/scaffold.py -> the checkout holding scripts/, docs/ and tests/
DEFAULT_ROOT = RULES_DIR.parents[2]
_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)+|[a-z][a-z0-9]*")

MODULE = Template('''"""$id: TODO one line: what the rule catches and why it hurts."""
from __future__ import annotations

from ..operations import Operation
from . import Context, Rule


class ${cls}Rule(Rule):
    id = "$id"
    severity = "$severity"
    hazards = $hazards
    dialects = $dialects
    safe_alternative = "TODO: the safe way, in one sentence."

    def check(self, op: Operation, ctx: Context) -> str | None:
        # Return the message when `op` breaks the rule, else None. Exempt tables created in this migration
        # (ctx.is_new_table) from lock and rewrite rules; step severity with ctx.rows(table) in severity_for.
        raise NotImplementedError("$id: write check()")


RULE = ${cls}Rule()
''')

DOC = Template('''# $id

Severity: $severity · Dialects: $dialects · Hazards: $hazards

TODO one line: what it catches.

## Problem

TODO: what goes wrong on a busy production database, and when.

## Solution

TODO: the safe way, step by step.

## Bad

```sql
-- TODO
```

## Good

```sql
-- TODO
```

## How mgen handles it

TODO: what `mgen diff` reports and what `--zero-downtime` writes instead.
''')

TEST = Template('''"""$id: one migration that must be flagged, one that must not (the real pipeline, no mocks)."""
from __future__ import annotations

from rulekit import migration_findings, of

RULE = "$id"
DIALECT = "$dialect"
# TODO: OLD and NEW schemas whose difference breaks the rule ...
FLAGGED = ("CREATE TABLE t (id INTEGER PRIMARY KEY);",
           "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);")
# ... and a near miss it must let through. Identical schemas give no operation: red until filled in.
CLEAN = ("CREATE TABLE t (id INTEGER PRIMARY KEY);",
         "CREATE TABLE t (id INTEGER PRIMARY KEY);")


def findings(old_sql: str, new_sql: str) -> list:
    return of(migration_findings(old_sql, new_sql, DIALECT), RULE)


def test_${func}_flags():
    assert findings(*FLAGGED), "must be flagged"


def test_${func}_does_not_flag():
    assert not findings(*CLEAN), "must not be flagged"
''')


def module_name(rule_id: str) -> str:
    return rule_id.replace("-", "_")


def scaffold(rule_id: str, severity: str, hazards: Sequence[str], dialects: Sequence[str],
             root: Path = DEFAULT_ROOT) -> list[Path]:
    """Write the rule module, its doc page and its test stub; refuse an id that exists. Returns the paths."""
    if not _ID.fullmatch(rule_id):
        raise MgenError(f"rule id {rule_id!r} is not kebab-case (like ban-drop-column)")
    if severity not in SEVERITIES:
        raise MgenError(f"severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    if not hazards:
        raise MgenError("give at least one --hazard")
    for h in hazards:
        if h not in HAZARDS:
            raise MgenError(f"hazard {h!r}: use one of {', '.join(HAZARDS)}")
    for d in dialects:
        if d not in DIALECTS:
            raise MgenError(f"dialect {d!r}: use one of {', '.join(DIALECTS)}")
    name = module_name(rule_id)
    module = RULES_DIR / f"{name}.py"
    doc = root / "docs" / "rules" / f"{rule_id}.md"
    test = root / "tests" / "rules" / f"test_{name}.py"
    if rule_id in {r.id for r in all_rules()}:
        raise MgenError(f"rule {rule_id} already exists")
    for path in (module, doc, test):
        if path.exists():
            raise MgenError(f"rule {rule_id} already exists", str(path))
    fields = {
        "id": rule_id,
        "cls": "".join(part.capitalize() for part in rule_id.split("-")),
        "func": name,
        "severity": severity,
        "hazards": repr(tuple(hazards)),
        "dialects": repr(tuple(dialects)) if dialects else "None",
        "dialect": dialects[0] if dialects else "postgresql",
    }
    doc_fields = {**fields, "hazards": ", ".join(hazards), "dialects": ", ".join(dialects) or "all"}
    doc.parent.mkdir(parents=True, exist_ok=True)
    test.parent.mkdir(parents=True, exist_ok=True)
    module.write_text(MODULE.substitute(fields))
    doc.write_text(DOC.substitute(doc_fields))
    test.write_text(TEST.substitute(fields))
    return [module, doc, test]


def summary(rule: Rule) -> str:
    """The first line of the rule module's docstring, without its leading ``id:``."""
    doc = (sys.modules[type(rule).__module__].__doc__ or "").strip().splitlines()
    line = doc[0] if doc else ""
    if line.startswith(f"{rule.id}:"):
        line = line.split(":", 1)[1].strip()
    line = line.replace("``", "`")  # docstrings use reST literals, the index is Markdown
    return line[:1].upper() + line[1:]


def index_text(rules: Sequence[Rule]) -> str:
    lines = [
        "# Safety rules",
        "",
        "Every rule `mgen diff`, `mgen generate` and `mgen lint` apply, one page each. Generated from the rule",
        "registry by `python -m mgen.rules.scaffold --index`; do not edit by hand.",
        "",
        "| rule | severity | dialects | hazards | what it catches |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        dialects = ", ".join(r.dialects) if r.dialects else "all"
        hazards = ", ".join(r.hazards) or "—"
        lines.append(f"| [{r.id}]({r.id}.md) | {r.severity} | {dialects} | {hazards} | {summary(r)} |")
    return "\n".join(lines) + "\n"


def write_index(root: Path = DEFAULT_ROOT) -> Path:
    path = root / "docs" / "rules" / "README.md"
    # discover again: a module scaffolded in this process was written after the registry was cached
    importlib.invalidate_caches()
    _rules.clear()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(index_text(all_rules()))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m mgen.rules.scaffold", description=__doc__.splitlines()[0])
    p.add_argument("rule_id", nargs="?", metavar="NEW-ID", help="kebab-case id of the new rule")
    p.add_argument("--severity", choices=SEVERITIES, default="warning")
    # hazards and dialects are checked by scaffold(), which names the valid ones in one line
    p.add_argument("--hazard", action="append", default=[], help="repeatable; one of: " + ", ".join(HAZARDS))
    p.add_argument("--dialect", action="append", default=[],
                   help="repeatable; one of: " + ", ".join(DIALECTS) + "; none given: every dialect")
    p.add_argument("--index", action="store_true", help="rewrite docs/rules/README.md from the registry")
    p.add_argument("--root", type=Path, default=DEFAULT_ROOT, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if not args.rule_id and not args.index:
        p.error("give NEW-ID or --index")
    try:
        if args.rule_id:
            for path in scaffold(args.rule_id, args.severity, args.hazard, args.dialect, args.root):
                print(f"wrote {path}")
        if args.rule_id or args.index:
            # the new module is discovered like any other; the index lists it at once
            print(f"wrote {write_index(args.root)}")
    except MgenError as e:
        print(f"mgen: {e.one_line()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
