"""Issue #4 benchmark: a one-field change in a generated 300-model Django project.

Times, a new process each run, best of N:
- `python manage.py makemigrations --dry-run`: Django importing the project and its autodetector, cold:
  PYTHONDONTWRITEBYTECODE=1, so the project's modules are compiled every run (Django's own are compiled
  once, at install, as pip does);
- `mgen generate PROJECT --dry-run`: detect the framework, read every app's models and every migration
  statically, diff, judge, render the migration (not written). mgen's own modules are compiled first, as a
  pip install does. Three ways:
  - cold: nothing cached anywhere (an empty MGEN_CACHE_DIR, no .claude/cache in the project), as on a
    machine where mgen never ran;
  - cold project: the project's cache removed before each run, the per-user cache of Django's pruned
    syntax trees kept (it is filled once per Django install, like Django's .pyc files);
  - warm: the caches as a run before the edit left them (the history replayed and the models read then):
    the edited app is read again, the rest comes from the cache - what a run right after an edit costs.
Both must find exactly the one change. The project: the six contrib apps `django-admin startproject` installs (admin,
auth, contenttypes, sessions, messages, staticfiles) and APPS apps of MODELS_PER_APP models, each with 6
fields of common types and a foreign key to the previous model (the first of each app to the last app's
first model); its initial migrations are written by Django's own makemigrations, so mgen replays Django's
files (and the contrib apps' own migrations).

Rerun: .venv/bin/python bench/bench_django.py [--runs 3] (writes bench/results/django.json)
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS, MODELS_PER_APP = 10, 30
# what `django-admin startproject` installs: every real project has them, and both tools read them
CONTRIB = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
           "django.contrib.messages", "django.contrib.staticfiles"]
PYTHON = sys.executable
MGEN = str(Path(PYTHON).parent / "mgen")


def write_project(root: Path, app_count: int = APPS, models_per_app: int = MODELS_PER_APP) -> None:
    """The generated project: ``app_count`` apps of ``models_per_app`` models (bench_workflow reuses it)."""
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "__init__.py").write_text("")
    apps = [f"app{a:02d}" for a in range(app_count)]
    (root / "conf" / "settings.py").write_text(
        "SECRET_KEY = 'bench'\n"
        f"INSTALLED_APPS = {[*CONTRIB, *apps]!r}\n"
        "MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware', "
        "'django.contrib.auth.middleware.AuthenticationMiddleware', "
        "'django.contrib.messages.middleware.MessageMiddleware']\n"
        "TEMPLATES = [{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'APP_DIRS': True, "
        "'OPTIONS': {'context_processors': ['django.contrib.auth.context_processors.auth', "
        "'django.contrib.messages.context_processors.messages', 'django.template.context_processors.request']}}]\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'bench.sqlite3'}}\n"
        "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\nUSE_TZ = True\n")
    (root / "manage.py").write_text(
        "import os, sys\n"
        "if __name__ == '__main__':\n"
        "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'conf.settings')\n"
        "    from django.core.management import execute_from_command_line\n"
        "    execute_from_command_line(sys.argv)\n")
    for a, app in enumerate(apps):
        (root / app / "migrations").mkdir(parents=True)
        (root / app / "__init__.py").write_text("")
        (root / app / "migrations" / "__init__.py").write_text("")
        lines = ["from django.db import models", ""]
        for m in range(models_per_app):
            target = f"'{apps[a - 1]}.Model{a - 1:02d}00'" if m == 0 and a > 0 else (f"'Model{a:02d}{m - 1:02d}'" if m else None)
            lines += [
                "",
                f"class Model{a:02d}{m:02d}(models.Model):",
                "    name = models.CharField(max_length=100, db_index=True)",
                "    slug = models.SlugField(unique=True)",
                "    count = models.IntegerField(default=0)",
                "    price = models.DecimalField(max_digits=10, decimal_places=2, null=True)",
                "    created = models.DateTimeField(auto_now_add=True)",
                "    active = models.BooleanField(default=True)",
            ]
            if target:
                lines.append(f"    parent = models.ForeignKey({target}, on_delete=models.CASCADE, null=True)")
        (root / app / "models.py").write_text("\n".join(lines) + "\n")


def run(cmd: list[str], cwd: Path, **env: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bench"
        write_project(root)
        run([PYTHON, "manage.py", "makemigrations"], root)  # the history, written by Django itself
        compileall.compile_dir(str(ROOT / "scripts" / "mgen"), quiet=1)
        user_cache = Path(tmp) / "user-cache"
        project_cache, before_edit = root / ".claude", Path(tmp) / "cache-before-edit"
        # the caches as a run before the edit leaves them (what "warm" starts from: the user edits, then runs)
        run([MGEN, "generate", ".", "--dry-run"], root, MGEN_CACHE_DIR=str(user_cache))
        shutil.copytree(project_cache, before_edit)
        models = root / "app05" / "models.py"
        models.write_text(models.read_text().replace(
            "class Model0517(models.Model):\n",
            "class Model0517(models.Model):\n    nickname = models.CharField(max_length=50, null=True)\n"))
        timings: dict[str, list[float]] = {"django": [], "mgen_cold": [], "mgen_cold_project": [], "mgen_warm": []}

        def mgen(key: str, **env: str) -> None:
            t, out = run([MGEN, "generate", ".", "--dry-run"], root, **env)
            assert "AddField" in out and "nickname" in out and out.count("migrations.") >= 2, out[:2000]
            timings[key].append(t)

        for i in range(args.runs):
            t, out = run([PYTHON, "manage.py", "makemigrations", "--dry-run"], root)
            assert "Add field nickname to model0517" in out, out[:2000]
            timings["django"].append(t)
            shutil.rmtree(project_cache, ignore_errors=True)
            mgen("mgen_cold", MGEN_CACHE_DIR=str(Path(tmp) / f"empty-{i}"))
            shutil.rmtree(project_cache, ignore_errors=True)
            mgen("mgen_cold_project", MGEN_CACHE_DIR=str(user_cache))
            shutil.rmtree(project_cache)
            shutil.copytree(before_edit, project_cache)
            mgen("mgen_warm", MGEN_CACHE_DIR=str(user_cache))
        files = sum(1 for _ in root.rglob("*.py"))
    best = {k: min(v) for k, v in timings.items()}
    ratios = {k: best["django"] / best[k] for k in best if k != "django"}
    result = {"apps": APPS, "models": APPS * MODELS_PER_APP, "python_files": files, "runs": args.runs,
              "best_seconds": best, "all_seconds": timings, "ratio_django_over_mgen": ratios}
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "django.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{result['models']} models, {files} Python files; best of {args.runs}:")
    print(f"  manage.py makemigrations --dry-run       {best['django']:.3f} s")
    for key, label in (("mgen_cold", "cold (nothing cached)"), ("mgen_cold_project", "cold project"),
                       ("mgen_warm", "warm")):
        print(f"  mgen generate --dry-run, {label:<22} {best[key]:.3f} s   ratio {ratios[key]:.1f}x")


if __name__ == "__main__":
    main()
