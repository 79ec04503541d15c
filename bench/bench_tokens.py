"""Issue #5 item 6: the tokens an agent reads when it runs the migration-generate skill's workflow.

The skill's fixed workflow: ``mgen check`` (one line; exit 0 = nothing changed -> stop), ``mgen status``,
``mgen plan``, ``mgen generate``. What the agent reads in a run, each counted with Anthropic's tokenizer
(``@anthropic-ai/tokenizer``, npm, offline; one node process counts every text):

- skills/migration-generate/SKILL.md, the whole file, as the agent loads it (0 and a note when it does
  not exist yet: rerun then);
- each command's output, stdout and stderr as a terminal interleaves them;
- each reference file (skills/migration-generate/reference/*.md) the outputs point to, once per scenario:
  an output that names the file (``risky.md``), or one that holds a term SKILL.md puts in backticks on a
  line linking that file (SKILL.md's own pointer). The reason is recorded per file.

Two throwaway git repositories in a temp dir, each a baseline commit with the migrations up to date:
- django: tests/fixtures/django_writer/store, a ``DATABASES`` naming PostgreSQL appended to its settings
  (the fixture takes its database from the test environment; a real project's settings name an engine, and
  without one generate prints no safety summary), ``mgen generate`` once, committed;
- sql: examples/blog (golang-migrate files, schema.sql ahead of them), ``mgen generate --dialect sqlite
  --schema schema.sql --name tags_and_bio`` once so that its migrations match schema.sql, committed
  (otherwise every scenario would also carry the example's pending changes). As SKILL.md says (dialect
  unknown: ask; SQL folder: ``--schema CHANGED_FILE``; ``--verify`` unless Django), the agent passes
  ``--dialect sqlite --schema schema.sql`` to plan and generate, and ``--verify`` to generate.
Scenarios, each from the baseline (``git checkout`` + ``git clean``, the project cache kept as the previous
run left it): no change (check only), one added nullable field, a risky change (a field/column dropped), a
new table/model; then a repeat run with nothing changed: ``mgen check --json`` twice, the second's ``cache``
field must report every entry a hit (``status --json``'s is recorded too). The temp dir in outputs (Django's
generate prints absolute paths) is replaced by /home/user so that counts do not depend on its random name.

Targets (issue #5): early exit (check's output, nothing changed) <= 30 tokens; status <= 80 tokens; a
one-field change end to end <= 600 tokens including SKILL.md; 100% cache hits on a repeat run. The early
exit's <= 100 ms warm is bench/bench_workflow.py's (a 5,000-file repository); the times here are one run each.

Rerun: npm ci --prefix bench   (once; bench/node_modules is not committed)
       .venv/bin/python bench/bench_tokens.py      (prints the tables, writes bench/results/tokens.json;
                                                    exit 0 also when a target is missed)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SKILL_DIR = ROOT / "skills" / "migration-generate"
PYTHON = sys.executable
MGEN = str(Path(PYTHON).parent / "mgen")
SHOWN_ROOT = "/home/user"  # replaces the temp dir in outputs
WORKFLOW = ("check", "status", "plan", "generate")
TARGETS = {"early_exit_tokens": 30, "status_tokens": 80, "one_field_tokens": 600, "cache_hit_ratio": 1.0}

Counter = Callable[[Sequence[str]], list[int]]  # texts -> token counts, in order

# one node process for all texts: a JSON list on stdin, a JSON list of counts on stdout
_NODE_COUNT = ("const {countTokens} = require('@anthropic-ai/tokenizer');"
               "let s = ''; process.stdin.setEncoding('utf8');"
               "process.stdin.on('data', d => s += d);"
               "process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(s).map(countTokens))));")


def anthropic_counter(texts: Sequence[str]) -> list[int]:
    """Token counts by ``@anthropic-ai/tokenizer`` (bench/node_modules, installed by ``npm ci --prefix bench``)."""
    if not (BENCH / "node_modules" / "@anthropic-ai" / "tokenizer").is_dir():
        raise SystemExit("bench/node_modules has no @anthropic-ai/tokenizer: run `npm ci --prefix bench` first")
    done = subprocess.run(["node", "-e", _NODE_COUNT], cwd=BENCH, input=json.dumps(list(texts)),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"node failed counting tokens: {done.stderr[-2000:]}")
    counts = json.loads(done.stdout)
    assert len(counts) == len(texts)
    return [int(c) for c in counts]


# =============================================================================================
# Projects and scenarios
# =============================================================================================
@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    edits: tuple[tuple[str, str, str], ...] = ()  # (file, old text, new text); old "" appends


@dataclass(frozen=True)
class Project:
    key: str
    source: Path
    args: dict[str, list[str]] = field(default_factory=dict)  # extra arguments per workflow command
    settings_append: tuple[str, str] | None = None  # (file, text) added before the baseline
    baseline_args: tuple[str, ...] = ()  # mgen generate's arguments for the baseline
    scenarios: tuple[Scenario, ...] = ()


DJANGO = Project(
    key="django",
    source=ROOT / "tests" / "fixtures" / "django_writer" / "store",
    settings_append=("config/settings.py",
                     '\nDATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "store"}}\n'),
    scenarios=(
        Scenario("no_change", "no change"),
        Scenario("add_field", "one added nullable field", (
            ("shop/models.py", "    stock = models.IntegerField(null=True)\n",
             "    stock = models.IntegerField(null=True)\n    barcode = models.CharField(max_length=32, null=True)\n"),)),
        Scenario("drop_field", "risky: a field dropped", (
            ("shop/models.py", "    legacy = models.IntegerField(default=0)\n", ""),)),
        Scenario("new_table", "a new model", (
            ("shop/models.py", "", ("\n\nclass Review(models.Model):\n"
             "    product = models.ForeignKey(Product, on_delete=models.CASCADE)\n"
             "    rating = models.IntegerField()\n    body = models.TextField(blank=True)\n")),)),
    ),
)
_SQL_ARGS = ["--dialect", "sqlite", "--schema", "schema.sql"]
SQL = Project(
    key="sql",
    source=ROOT / "examples" / "blog",
    args={"plan": _SQL_ARGS, "generate": [*_SQL_ARGS, "--verify"]},  # SKILL.md: `--verify` unless Django
    baseline_args=(*_SQL_ARGS, "--name", "tags_and_bio"),  # a name as a person gives, not the derived 60 chars
    scenarios=(
        Scenario("no_change", "no change"),
        Scenario("add_field", "one added nullable column", (
            ("schema.sql", "    bio TEXT,\n", "    bio TEXT,\n    nickname VARCHAR(50),\n"),)),
        Scenario("drop_field", "risky: a column dropped", (("schema.sql", "    body TEXT,\n", ""),)),
        Scenario("new_table", "a new table", (
            ("schema.sql", "", ("\nCREATE TABLE comments (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
             "    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,\n"
             "    body TEXT NOT NULL\n);\n")),)),
    ),
)
PROJECTS = (DJANGO, SQL)


def _env(tmp: Path) -> dict[str, str]:
    # the per-user cache (Django's pruned syntax trees) in the temp dir: the user's is neither read nor filled
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "MGEN_CACHE_DIR": str(tmp / "user-cache")}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=root, check=True, capture_output=True)


def _mgen(root: Path, env: dict[str, str], *args: str) -> tuple[int, str, float]:
    """(exit code, stdout and stderr interleaved, seconds)."""
    start = time.perf_counter()
    done = subprocess.run([MGEN, *args], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    return done.returncode, done.stdout, time.perf_counter() - start


def build_baseline(project: Project, tmp: Path) -> Path:
    """The project copied into ``tmp``, its migrations brought up to date by ``mgen generate``, committed."""
    root = tmp / project.key / project.source.name
    shutil.copytree(project.source, root, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", ".claude"))
    if project.settings_append:
        path, text = project.settings_append
        with (root / path).open("a", encoding="utf-8") as f:
            f.write(text)
    _git(root, "init", "-q")
    code, out, _ = _mgen(root, _env(tmp), "generate", *project.baseline_args)
    if code != 0 or "wrote:" not in out:
        raise SystemExit(f"{project.key}: the baseline's mgen generate failed ({code}): {out[-2000:]}")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "baseline")
    return root


def _reset(root: Path) -> None:
    # back to the baseline commit; the ignored project cache (.claude/cache/db) stays as the last run left it
    _git(root, "checkout", "-q", "--", ".")
    _git(root, "clean", "-q", "-f", "-d")


def _apply(root: Path, edits: Sequence[tuple[str, str, str]]) -> None:
    for name, old, new in edits:
        path = root / name
        text = path.read_text(encoding="utf-8")
        if old:
            if text.count(old) != 1:
                raise SystemExit(f"{name}: the edit's anchor is not there exactly once: {old!r}")
            text = text.replace(old, new)
        else:
            text += new
        path.write_text(text, encoding="utf-8")


# =============================================================================================
# Reference files: what points to them
# =============================================================================================
_REF_LINK = re.compile(r"reference/([\w.-]+\.md)")
_BACKTICKED = re.compile(r"`([^`\n]+)`")


def reference_triggers(skill_text: str, names: Sequence[str]) -> dict[str, list[str]]:
    """Per reference file, the terms SKILL.md puts in backticks next to its link (its pointers: "a
    `drop-column` finding: read reference/risky.md", "[reference/x.md](reference/x.md) (`needs care`)"). A
    line linking several files gives each the terms from its link up to the next file's (the first also
    those before it); commands, paths and file names are left out."""
    triggers: dict[str, list[str]] = {n: [] for n in names}
    for line in skill_text.splitlines():
        starts: list[tuple[int, str]] = []  # where each linked file's first link on the line starts
        for m in _REF_LINK.finditer(line):
            if m.group(1) in triggers and (not starts or starts[-1][1] != m.group(1)):
                starts.append((m.start(), m.group(1)))
        for i, (start, name) in enumerate(starts):
            segment = line[0 if i == 0 else start:starts[i + 1][0] if i + 1 < len(starts) else len(line)]
            terms = [t.strip() for t in _BACKTICKED.findall(segment)]
            terms = [t for t in terms if len(t) >= 3 and not t.startswith(("mgen", "$", "/"))
                     and "reference/" not in t and not t.endswith(".md")]
            triggers[name] += [t for t in terms if t not in triggers[name]]
    return triggers


def referenced(outputs: Sequence[str], names: Sequence[str], triggers: dict[str, list[str]]) -> dict[str, str]:
    """The reference files the outputs point to, each with why."""
    text = "\n".join(outputs)
    found: dict[str, str] = {}
    for name in names:
        if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text):
            found[name] = f"an output names {name}"
            continue
        for term in triggers.get(name, []):
            if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text):
                found[name] = f"an output holds `{term}`, SKILL.md's pointer to reference/{name}"
                break
    return found


# =============================================================================================
# Running
# =============================================================================================
def _shown(text: str, tmp: Path) -> str:
    return text.replace(str(tmp.resolve()), SHOWN_ROOT).replace(str(tmp), SHOWN_ROOT)


def run_workflow(root: Path, project: Project, env: dict[str, str], tmp: Path) -> list[dict[str, Any]]:
    """The workflow as the agent runs it: check, and when it exits 1, status, plan and generate; a command
    that fails ends it (the agent stops to read the error)."""
    commands: list[dict[str, Any]] = []
    for command in WORKFLOW:
        args = [command, *project.args.get(command, [])]
        code, out, seconds = _mgen(root, env, *args)
        commands.append({"command": "mgen " + " ".join(args), "exit": code, "seconds": round(seconds, 4),
                         "output": _shown(out, tmp)})
        if command == "check" and code != 1:
            break
        if command != "check" and code != 0:
            break
    return commands


def repeat_run(root: Path, env: dict[str, str]) -> dict[str, Any]:
    """``check --json`` and ``status --json`` twice each with nothing changed: the second run's cache."""
    result: dict[str, Any] = {}
    for command in ("check", "status"):
        runs = []
        for _ in range(2):
            code, out, seconds = _mgen(root, env, command, "--json")
            try:
                runs.append((code, json.loads(out), seconds))
            except json.JSONDecodeError:
                raise SystemExit(f"mgen {command} --json printed no JSON ({code}): {out[-2000:]}") from None
        code, data, seconds = runs[-1]
        cache = data.get("cache", {})
        hits = sum(1 for v in cache.values() if v == "hit")
        result[command] = {"exit": code, "cache": cache, "first_run_cache": runs[0][1].get("cache", {}),
                           "hits": hits, "entries": len(cache), "seconds": round(seconds, 4)}
    return result


def run_scenarios(tmp: Path, counter: Counter, skill_dir: Path = SKILL_DIR,
                  projects: Sequence[Project] = PROJECTS) -> dict[str, Any]:
    """Every project's scenarios in ``tmp``; tokens counted by ``counter`` (one call for all texts)."""
    skill = skill_dir / "SKILL.md"
    skill_text = skill.read_text(encoding="utf-8") if skill.is_file() else None
    ref_dir = skill_dir / "reference"
    refs = {p.name: p.read_text(encoding="utf-8") for p in sorted(ref_dir.glob("*.md"))} if ref_dir.is_dir() else {}
    triggers = reference_triggers(skill_text or "", list(refs))
    env = _env(tmp)
    scenarios: list[dict[str, Any]] = []
    for project in projects:
        root = build_baseline(project, tmp)
        for scenario in project.scenarios:
            _reset(root)
            _apply(root, scenario.edits)
            commands = run_workflow(root, project, env, tmp)
            reads = referenced([c["output"] for c in commands], list(refs), triggers)
            scenarios.append({"project": project.key, "scenario": scenario.key, "label": scenario.label,
                              "commands": commands,
                              "references": [{"file": f"reference/{n}", "why": why} for n, why in reads.items()]})
        _reset(root)
        scenarios.append({"project": project.key, "scenario": "repeat_run", "label": "repeat run, nothing changed",
                          "repeat": repeat_run(root, env)})
    # every text counted in one call (one node process)
    texts: list[str] = [skill_text or ""]
    texts += list(refs.values())
    for s in scenarios:
        texts += [c["output"] for c in s.get("commands", [])]
    counts = iter(counter(texts))
    skill_tokens = next(counts)
    ref_tokens = {name: next(counts) for name in refs}
    for s in scenarios:
        if "commands" not in s:
            continue
        for c in s["commands"]:
            c["tokens"] = next(counts)
        for r in s["references"]:
            r["tokens"] = ref_tokens[r["file"].removeprefix("reference/")]
        s["tokens"] = {"SKILL.md": skill_tokens,
                       **{c["command"].split()[1]: c["tokens"] for c in s["commands"]},
                       "references": sum(r["tokens"] for r in s["references"])}
        s["total_tokens"] = sum(s["tokens"].values())
    return {
        "skill": {"path": str(skill.relative_to(ROOT)) if skill.is_relative_to(ROOT) else str(skill),
                  "exists": skill_text is not None, "tokens": skill_tokens,
                  "note": None if skill_text is not None else "SKILL.md does not exist yet: counted 0; rerun"},
        "reference_files": {f"reference/{n}": {"tokens": t, "pointers_in_skill": triggers[n]}
                            for n, t in ref_tokens.items()},
        "scenarios": scenarios,
    }


def evaluate(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each met or missed, from ``run_scenarios``' result."""
    runs = [s for s in result["scenarios"] if "commands" in s]
    repeats = [s for s in result["scenarios"] if "repeat" in s]
    provisional = "" if result["skill"]["exists"] else " (SKILL.md missing: counted 0)"

    def worst(values: dict[str, float | None]) -> float | None:
        present = [v for v in values.values() if v is not None]
        return max(present) if present else None

    early = {s["project"]: s["commands"][0]["tokens"] for s in runs if s["scenario"] == "no_change"}
    status = {f"{s['project']} {s['scenario']}": c["tokens"] for s in runs for c in s["commands"]
              if c["command"].split()[1] == "status"}
    one_field = {s["project"]: s["total_tokens"] for s in runs if s["scenario"] == "add_field"}
    hits = {s["project"]: s["repeat"]["check"]["hits"] / max(s["repeat"]["check"]["entries"], 1) for s in repeats}
    targets = [
        {"target": "early exit (check output, nothing changed) <= 30 tokens", "values": early,
         "limit": TARGETS["early_exit_tokens"], "worst": worst(early)},
        {"target": "status output <= 80 tokens", "values": status, "limit": TARGETS["status_tokens"],
         "worst": worst(status)},
        {"target": "one-field change end to end <= 600 tokens incl. SKILL.md" + provisional, "values": one_field,
         "limit": TARGETS["one_field_tokens"], "worst": worst(one_field)},
    ]
    for t in targets:
        t["met"] = t["worst"] is not None and t["worst"] <= t["limit"]
    worst_hits = min(hits.values()) if hits else None
    targets.append({"target": "100% cache hits on a repeat run with nothing changed (check --json)", "values": hits,
                    "limit": TARGETS["cache_hit_ratio"], "worst": worst_hits,
                    "met": worst_hits is not None and worst_hits >= TARGETS["cache_hit_ratio"]})
    return targets


def print_tables(result: dict[str, Any]) -> None:
    skill = result["skill"]
    print(f"SKILL.md: {skill['tokens']} tokens" + (f"  ({skill['note']})" if skill["note"] else ""))
    for name, ref in result["reference_files"].items():
        print(f"{name}: {ref['tokens']} tokens")
    head = f"{'project':<7} {'scenario':<28} {'SKILL.md':>8} " + " ".join(f"{c:>8}" for c in WORKFLOW)
    print("\ntokens read")
    print(head + f" {'refs':>6} {'total':>6}")
    runs = [s for s in result["scenarios"] if "commands" in s]
    for s in runs:
        cells = [f"{s['tokens'].get(c, '-'):>8}" for c in WORKFLOW]
        print(f"{s['project']:<7} {s['label']:<28} {s['tokens']['SKILL.md']:>8} " + " ".join(cells)
              + f" {s['tokens']['references']:>6} {s['total_tokens']:>6}")
    print("\nwall time per command, ms (one run each; exit code in brackets)")
    print(f"{'project':<7} {'scenario':<28} " + " ".join(f"{c:>10}" for c in WORKFLOW))
    for s in runs:
        by = {c["command"].split()[1]: c for c in s["commands"]}
        cells = [f"{by[c]['seconds'] * 1000:>6.0f} [{by[c]['exit']}]" if c in by else f"{'-':>10}" for c in WORKFLOW]
        print(f"{s['project']:<7} {s['label']:<28} " + " ".join(cells))
    for s in runs:
        for r in s["references"]:
            print(f"{s['project']} {s['scenario']}: reads {r['file']} ({r['tokens']} tokens): {r['why']}")
    print("\nrepeat run, nothing changed (second run's cache)")
    for s in result["scenarios"]:
        if "repeat" in s:
            for command, r in s["repeat"].items():
                print(f"  {s['project']:<7} {command:<7} {r['hits']}/{r['entries']} hits  {r['cache']}")
    print("\ntargets")
    for t in result["targets"]:
        values = ", ".join(f"{k} {v:.0%}" if isinstance(v, float) else f"{k} {v}" for k, v in t["values"].items())
        print(f"  {'met   ' if t['met'] else 'MISSED'} {t['target']}: {values}")
    print("  (early exit <= 100 ms warm: bench/bench_workflow.py)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (its path is printed)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mgen-bench-tokens-"))
    try:
        result = run_scenarios(tmp, anthropic_counter)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    result["targets"] = evaluate(result)
    result["tokenizer"] = "@anthropic-ai/tokenizer " + _tokenizer_version()
    out_dir = BENCH / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "tokens.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_tables(result)


def _tokenizer_version() -> str:
    try:
        return json.loads((BENCH / "node_modules" / "@anthropic-ai" / "tokenizer" / "package.json")
                          .read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "?"


if __name__ == "__main__":
    main()
