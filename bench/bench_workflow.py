"""Issue #5 item 6: how long `mgen check` and `mgen status` take on a 5,000-file, 300-model repository.

The repository, built in a temp dir and committed: a Django project of 10 apps x 30 models (the model
shape of bench/bench_django.py: 6 fields of common types and a foreign key to the previous model, the six
contrib apps ``startproject`` installs), its initial migrations written by Django's own ``python manage.py
makemigrations``, and filler files (templates, static files, docs, Python modules) up to 5,000 tracked files.

Each command runs as a new process (the ``mgen`` console script of this venv), N times (--runs), best and
median reported:
- cold: the project cache removed before each run (``rm -rf .claude/cache``); the operating system's file
  cache and git's index are warm all the same;
- warm: the cache as the previous run left it (one run before the timed ones fills it);
- nothing changed, then after a one-line model edit (a nullable field added to one model).
The per-user cache (MGEN_CACHE_DIR) lives in the temp dir. Before timing, the script waits until the
repository's files are 2 s old: mgen's cache re-hashes a file written less than 2 s before it was
fingerprinted (a second write could hide behind the same size and mtime), which a real repository's files
are not; the edit is timed right after it is made, as a user runs check after saving.

PYTHONDONTWRITEBYTECODE=1 is set in this environment, so mgen's own modules would be compiled on every
run: the script first runs ``python -m compileall -q scripts/mgen`` (what a pip install does) and sets
PYTHONDONTWRITEBYTECODE=1 for every timed process (the generated project's modules are never imported by
mgen).

Target (issue #5): the early exit, ``mgen check`` warm with nothing changed, <= 100 ms (judged on the median).

Rerun: .venv/bin/python bench/bench_workflow.py [--runs 5]   (prints the table, writes
       bench/results/workflow.json; exit 0 also when the target is missed)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_django

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MGEN = str(Path(PYTHON).parent / "mgen")
APPS, MODELS_PER_APP, FILES = 10, 30, 5000
CHECK_WARM_MS = 100
FIELD = "    nickname = models.CharField(max_length=50, null=True)\n"


def _app(a: int) -> str:
    return f"app{a:02d}"


def write_project(root: Path, apps: int = APPS, models_per_app: int = MODELS_PER_APP) -> None:
    """The Django project of bench/bench_django.py with ``apps`` x ``models_per_app`` models, in git."""
    bench_django.write_project(root, apps, models_per_app)
    (root / ".gitignore").write_text("*.sqlite3\n__pycache__/\n")


def write_filler(root: Path, count: int, apps: int) -> None:
    """``count`` files a project also has, round-robin over kinds and apps: templates and static files in
    the apps, Python modules in each app's ``services`` package, docs at the top."""
    for i in range(count):
        app = _app(i % apps)
        kind = (i // apps) % 4
        if kind == 0:
            path = root / app / "templates" / app / f"page_{i:04d}.html"
            text = f"{{% extends 'base.html' %}}\n{{% block content %}}<h1>Page {i}</h1>{{% endblock %}}\n"
        elif kind == 1:
            path = root / app / "static" / app / f"style_{i:04d}.css"
            text = f".item-{i} {{ margin: 0 auto; padding: {i % 17}px; }}\n"
        elif kind == 2:
            path = root / app / "services" / f"service_{i:04d}.py"
            text = f"def handle_{i}(request):\n    return {{'page': {i}}}\n"
        else:
            path = root / "docs" / f"part{i // 500:02d}" / f"note_{i:04d}.md"
            text = f"# Note {i}\n\nHow part {i} of {app} works.\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                           "-c", "commit.gpgsign=false", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout


def _tracked(root: Path) -> int:
    return len(_git(root, "ls-files", "-z").split("\0")) - 1


def build_repo(root: Path, apps: int = APPS, models_per_app: int = MODELS_PER_APP, files: int = FILES) \
        -> dict[str, Any]:
    """The project, Django's initial migrations, filler up to ``files`` tracked files, one commit."""
    write_project(root, apps, models_per_app)
    done = subprocess.run([PYTHON, "manage.py", "makemigrations"], cwd=root, capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if done.returncode != 0:
        raise SystemExit(f"makemigrations failed: {done.stderr[-2000:]}")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    before = _tracked(root)
    if before > files:
        raise SystemExit(f"the project alone has {before} files, more than {files}")
    write_filler(root, files - before, apps)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "bench project")
    tracked = _tracked(root)
    assert tracked == files, (tracked, files)
    migrations = sum(1 for _ in root.glob("app*/migrations/0*.py"))
    return {"apps": apps, "models": apps * models_per_app, "tracked_files": tracked, "project_files": before,
            "filler_files": files - before, "migration_files": migrations}


def edit_model(root: Path, apps: int = APPS, models_per_app: int = MODELS_PER_APP) -> str:
    """The one-line model edit: a nullable field added to the middle app's middle model. Its file, relative."""
    a, m = apps // 2, models_per_app // 2
    models = root / _app(a) / "models.py"
    head = f"class Model{a:02d}{m:02d}(models.Model):\n"
    text = models.read_text()
    assert text.count(head) == 1
    models.write_text(text.replace(head, head + FIELD))
    return f"{_app(a)}/models.py"


def _run(root: Path, env: dict[str, str], command: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run([MGEN, command], cwd=root, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.returncode, done.stdout + done.stderr


def time_series(root: Path, env: dict[str, str], command: str, cold: bool, runs: int,
                expect: tuple[int, str]) -> list[float]:
    """``runs`` timings of ``mgen COMMAND``, each a new process; cold: no project cache before each run;
    warm: the cache of the run before (one untimed run first). Every run's exit code and output checked."""
    cache = root / ".claude" / "cache"
    if not cold:
        _run(root, env, command)
    seconds: list[float] = []
    for _ in range(runs):
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        t, code, out = _run(root, env, command)
        if code != expect[0] or expect[1] not in out:
            raise SystemExit(f"mgen {command}: exit {code}, expected {expect[0]} and {expect[1]!r}: {out[-2000:]}")
        seconds.append(t)
    return seconds


def _cache_state(root: Path, env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run([MGEN, "check", "--json"], cwd=root, env=env, capture_output=True, text=True, check=False)
    return json.loads(done.stdout).get("cache", {})


def _wait_until_old(since: float, age: float = 2.1) -> None:
    time.sleep(max(0.0, since + age - time.time()))


def run_bench(tmp: Path, apps: int = APPS, models_per_app: int = MODELS_PER_APP, files: int = FILES,
              runs: int = 5) -> dict[str, Any]:
    """Build the repository in ``tmp`` and time check and status: {command: {state: {cold|warm: stats}}}."""
    root = tmp / "project"
    repo = build_repo(root, apps, models_per_app, files)
    _wait_until_old(time.time())
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "MGEN_CACHE_DIR": str(tmp / "user-cache")}
    series: dict[str, dict[str, dict[str, Any]]] = {"check": {}, "status": {}}
    warm_cache: dict[str, dict[str, str]] = {}
    edited = None
    for state in ("unchanged", "edited"):
        if state == "edited":
            edited = edit_model(root, apps, models_per_app)
        expect = {"check": (0, "no schema change") if state == "unchanged" else (1, f"1 schema file changed: {edited}"),
                  "status": (0, "changed vs HEAD: none" if state == "unchanged" else f"changed vs HEAD: {edited}")}
        for command in ("check", "status"):
            series[command][state] = {}
            for mode in ("cold", "warm"):
                seconds = time_series(root, env, command, mode == "cold", runs, expect[command])
                series[command][state][mode] = {"best_ms": round(min(seconds) * 1000, 1),
                                                "median_ms": round(statistics.median(seconds) * 1000, 1),
                                                "all_ms": [round(s * 1000, 1) for s in seconds]}
        warm_cache[state] = _cache_state(root, env)
    median = series["check"]["unchanged"]["warm"]["median_ms"]
    return {**repo, "runs": runs, "edited_file": edited, "series": series, "check_json_cache_when_warm": warm_cache,
            "python": platform.python_version(), "machine": f"{platform.system()} {platform.machine()}, "
                                                           f"{os.cpu_count()} CPUs",
            "target": {"target": f"mgen check warm, nothing changed, median <= {CHECK_WARM_MS} ms",
                       "median_ms": median, "met": median <= CHECK_WARM_MS}}


def print_table(result: dict[str, Any]) -> None:
    print(f"{result['tracked_files']} tracked files ({result['project_files']} project files, "
          f"{result['migration_files']} migrations, {result['filler_files']} filler), {result['models']} models; "
          f"best / median of {result['runs']} runs, ms, a new process each")
    print(f"{'command':<14} {'state':<22} {'cold best':>10} {'cold med':>10} {'warm best':>10} {'warm med':>10}")
    for command, states in result["series"].items():
        for state, modes in states.items():
            label = "nothing changed" if state == "unchanged" else f"edited {result['edited_file']}"
            print(f"mgen {command:<9} {label:<22} {modes['cold']['best_ms']:>10.0f} {modes['cold']['median_ms']:>10.0f} "
                  f"{modes['warm']['best_ms']:>10.0f} {modes['warm']['median_ms']:>10.0f}")
    t = result["target"]
    print(f"target: {t['target']}: {t['median_ms']:.0f} ms  {'met' if t['met'] else 'MISSED'}")
    print(f"check --json cache when warm: {result['check_json_cache_when_warm']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # PYTHONDONTWRITEBYTECODE=1 here: compile mgen's modules once, as a pip install does
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "scripts" / "mgen")], check=True)
    with tempfile.TemporaryDirectory(prefix="mgen-bench-workflow-") as tmp:
        result = run_bench(Path(tmp), runs=args.runs)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "workflow.json").write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)


if __name__ == "__main__":
    main()
