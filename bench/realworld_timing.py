"""Issue #12: static ``mgen plan`` against Django's own ``makemigrations --dry-run``, timed on real projects.

Each project is a work tree of a public Django project (a clone of its mirror; nothing of it is committed)
whose own environment is installed beside it, so that Django can import its settings:

    git clone -q MIRROR /tmp/proj/allauth && cd /tmp/proj/allauth
    python3 -m venv .venv && .venv/bin/pip install -e '.[socialaccount,mfa]' 'django<6'

Arguments are ``NAME=PROJECT_DIR`` (the folder of ``manage.py``), optionally ``NAME=PROJECT_DIR::PYTHON``
(the project's interpreter; by default the first ``.venv/bin/python`` found in PROJECT_DIR or a folder
above it). For each project, ``--runs`` rounds, each a new process of each command, in alternating order
(pairs in one run: a busy machine slows both sides alike):

- ``mgen plan PROJECT --engine static`` (the static reader only: no project code runs);
- ``PYTHON manage.py makemigrations --dry-run --skip-checks`` in PROJECT (Django's own answer; system
  checks skipped because some projects' test settings fail them, which is not what is timed);
- ``mgen check PROJECT`` (the early exit the plugin's hook runs), warm: the project cache as the previous
  run left it.

The project cache (``.claude/cache``) is removed before each ``plan`` (cold project); the per-user cache
(MGEN_CACHE_DIR, a temp folder) is kept, as Django keeps its ``.pyc``. PYTHONDONTWRITEBYTECODE=1 for every
timed process; mgen's own modules are compiled first (what a pip install does). The exit status and first
output line of each command are recorded: a timing of a refusal is reported as one (``plan rc``), never as
a pass.

Targets (issue #12): the median of ``plan`` <= 50% of the median of ``makemigrations --dry-run``; ``check``
<= 100 ms (median).

Rerun: .venv/bin/python bench/realworld_timing.py allauth=/tmp/proj/allauth [--runs 7]
       (prints the table; --json writes the raw runs; exit 0 also when a target is missed)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent
MGEN = str(Path(sys.executable).parent / "mgen")
PLAN_SHARE, CHECK_MS = 0.5, 100


@dataclass
class Project:
    name: str
    folder: Path
    python: Path
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def median(self, kind: str) -> float | None:
        times = [r["seconds"] for r in self.runs.get(kind, [])]
        return statistics.median(times) if times else None


def project_python(folder: Path) -> Path | None:
    """The first ``.venv/bin/python`` in ``folder`` or a folder above it."""
    for place in (folder, *folder.parents):
        candidate = place / ".venv" / "bin" / "python"
        if candidate.is_file():
            return candidate
    return None


def parse_source(text: str) -> Project:
    name, sep, rest = text.partition("=")
    if not sep or not name or not rest:
        raise SystemExit(f"realworld_timing: {text!r}: expected NAME=PROJECT_DIR[::PYTHON]")
    folder_text, _, python_text = rest.partition("::")
    folder = Path(folder_text).resolve()
    if not (folder / "manage.py").is_file():
        raise SystemExit(f"realworld_timing: {folder}: no manage.py")
    python = Path(python_text) if python_text else project_python(folder)
    if python is None or not python.is_file():
        raise SystemExit(f"realworld_timing: {name}: no project interpreter (give NAME=DIR::PYTHON)")
    return Project(name, folder, python)


def timed(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": time.perf_counter() - start, "rc": None, "first_line": "timeout"}
    seconds = time.perf_counter() - start
    output = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return {"seconds": seconds, "rc": done.returncode, "first_line": output[0][:200] if output else ""}


def run_project(project: Project, runs: int, mgen: str, env: dict[str, str], timeout: float) -> None:
    commands = {
        "plan": [mgen, "plan", str(project.folder), "--engine", "static"],
        "makemigrations": [str(project.python), "manage.py", "makemigrations", "--dry-run", "--skip-checks"],
    }
    cache = project.folder / ".claude" / "cache"
    timed([mgen, "check", str(project.folder)], project.folder, env, timeout)  # fills the cache for check
    for i in range(runs):
        order = list(commands) if i % 2 == 0 else list(reversed(commands))
        for kind in order:
            if kind == "plan":
                shutil.rmtree(cache, ignore_errors=True)
            project.runs.setdefault(kind, []).append(timed(commands[kind], project.folder, env, timeout))
        project.runs.setdefault("check", []).append(
            timed([mgen, "check", str(project.folder)], project.folder, env, timeout))


def table(projects: Sequence[Project]) -> str:
    lines = ["| project | `makemigrations --dry-run` median | static `plan` median | plan / makemigrations "
             "| plan rc | `check` median | check rc |", "|---|---:|---:|---:|---|---:|---|"]
    for p in projects:
        made, plan, check = p.median("makemigrations"), p.median("plan"), p.median("check")
        share = f"{plan / made:.0%}" if made and plan is not None else "-"
        plan_rc = ",".join(sorted({str(r["rc"]) for r in p.runs.get("plan", [])}))
        check_rc = ",".join(sorted({str(r["rc"]) for r in p.runs.get("check", [])}))
        lines.append(f"| {p.name} | {made:.2f} s | {plan:.2f} s | {share} | {plan_rc} | {check * 1000:.0f} ms "
                     f"| {check_rc} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", metavar="NAME=PROJECT_DIR[::PYTHON]")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--mgen", default=MGEN)
    parser.add_argument("--json", type=Path, help="write the raw runs here")
    args = parser.parse_args(argv)
    projects = [parse_source(s) for s in args.sources]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "scripts" / "mgen")], check=False)
    with tempfile.TemporaryDirectory(prefix="mgen-timing-") as user_cache:
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE")}
        env.update(PYTHONDONTWRITEBYTECODE="1", MGEN_CACHE_DIR=user_cache)
        for project in projects:
            run_project(project, args.runs, args.mgen, env, args.timeout)
    print(table(projects))
    for p in projects:
        made, plan, check = p.median("makemigrations"), p.median("plan"), p.median("check")
        refused = any(r["rc"] != 0 for r in p.runs["plan"])
        verdict = "refused: no measure of" if refused else "meets" if plan <= PLAN_SHARE * made else "misses"
        print(f"{p.name}: plan {verdict} the 50% target; "
              f"check {'meets' if check * 1000 <= CHECK_MS else 'misses'} the {CHECK_MS} ms target; "
              f"plan said: {p.runs['plan'][-1]['first_line']!r}")
    if args.json:
        args.json.write_text(json.dumps({p.name: {"folder": str(p.folder), "python": str(p.python), "runs": p.runs}
                                         for p in projects}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
