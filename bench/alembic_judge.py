"""The Alembic bench's judge (``realworld_alembic.py --judge-venv NAME=VENV``): at a commit where mgen finds
operations that the committed revisions should leave in sync, what does Alembic's own autogenerate say?

For one project tree: a scratch PostgreSQL database (``--judge-db``, default the local server) gets the
baseline of a history that starts from ``db.create_all()`` as mgen reads it from git (``replay_git``; rendered
by mgen's PostgreSQL dialect), then the project's own interpreter (``VENV/bin/python``, the project's
requirements at the corpus commit) runs ``alembic_judge_driver.py``: ``upgrade heads`` of the commit's
revisions through Alembic, the models imported, and ``produce_migrations`` with the ``compare_type`` /
``compare_server_default`` the project passes. Its upgrade text is parsed with the bench's own ``ast`` reader
and matched with mgen's operations:

- **drift in the project**: autogenerate reports the same operations (a correct answer: counted in its own
  column, never hidden);
- **mgen differs from autogenerate**: the operations that differ (mgen's extra, autogenerate's extra);
- **not judged**: the driver could not build the database or import the models (the stage and the error).

What the judge shares with mgen: the baseline (mgen's reading of the models before the first revision) and the
choice of compare options (read from the tree: ``compare_type`` / ``compare_server_default`` named in env.py
or the ``Migrate(...)`` call). The revisions are Alembic's to run and the models SQLAlchemy's to build.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

DRIFT, DIFFERS, NOT_JUDGED = "drift in the project (autogenerate reports it too)", \
    "mgen differs from autogenerate", "not judged"
DRIVER = Path(__file__).with_name("alembic_judge_driver.py")
MODELS_FILE = re.compile(r"(^|/)models(\.py$|/.*\.py$)")
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def _option(tree: Path, name: str, skip: tuple[Path, ...]) -> bool | None:
    """``name=True``/``False`` as the project's Python files pass it (env.py, ``Migrate(...)``), None unsaid."""
    pattern = re.compile(rf"\b{name}\s*=\s*(True|False)\b")
    for path in sorted(tree.rglob("*.py")):
        if any(path.is_relative_to(s) for s in skip) or "/tests/" in str(path) or "/.venv/" in str(path):
            continue
        try:
            found = pattern.search(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if found:
            return found[1] == "True"
    return None


def _baseline_statements(project: Any) -> tuple[list[str], str | None]:
    """The PostgreSQL statements of the baseline mgen reads from git ([] when the history needs none), and
    what it is (or why there is none)."""
    from mgen.dialects import get_dialect
    from mgen.dialects.base import render_migration
    from mgen.differ import diff
    from mgen.frameworks.alembic.replay_baseline import Baseline, uncreated_tables
    from mgen.frameworks.alembic.revisions import read_graph
    from mgen.schema import Schema

    graph = read_graph(list(project.config.version_locations))
    if not uncreated_tables(graph):
        return [], None
    found = project._git_baseline(graph)
    if not isinstance(found, Baseline):
        raise RuntimeError(f"no baseline: {found}")  # noqa: TRY004 - a reason, not a type error
    dialect = get_dialect("postgresql")
    ops = diff(Schema(), found.schema, dialect).operations
    up, _ = render_migration(ops, Schema(), dialect)
    return list(up), found.source


def _modules(project: Any, tree: Path) -> tuple[list[str], Path]:
    """The models modules to import (every ``models.py`` / ``models/`` module under the models' folder, and
    the module itself) and the import root."""
    from mgen.frameworks.pyast import import_root

    models = project.models.resolve()
    start = import_root(models)
    files = [models] if models.is_file() else sorted(
        p for p in models.rglob("*.py") if MODELS_FILE.search(str(p.relative_to(start)))
        and not any(part in ("migrations", "tests", "alembic") for part in p.relative_to(start).parts))
    names = []
    for path in files:
        parts = list(path.relative_to(start).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            names.append(".".join(parts))
    return names, start


def judge(python: Path, project_dir: Path, server: str | None, timeout: float = 300) -> dict[str, Any]:
    """Alembic's autogenerate at ``project_dir`` (a commit's tree): ``{"code": upgrade text, ...}`` or
    ``{"error": ..., "stage": ...}``."""
    from mgen.db import apply_statements, connect, scratch_database
    from mgen.errors import MgenError
    from mgen.frameworks.alembic.project import open_project

    try:
        project = open_project(project_dir)
        statements, source = _baseline_statements(project)
        modules, start = _modules(project, project_dir)
    except (MgenError, RuntimeError, OSError) as e:
        return {"error": str(e)[:300], "stage": "mgen's reading (baseline, models)"}
    skip = (project.config.script_location.resolve(),)
    configure = {k: v for k in ("compare_type", "compare_server_default")
                 if (v := _option(project_dir, k, skip)) is not None}
    env_py = project.config.script_location / "env.py"
    env_text = env_py.read_text(encoding="utf-8", errors="replace") if env_py.is_file() else ""
    env_imports = [m for m in re.findall(r"^import (\w+)$", env_text, re.MULTILINE)
                   if m not in ("os", "sys", "logging", "alembic", "sqlalchemy", "re", "json")]
    with scratch_database("postgresql", server or DEFAULT_SERVER) as url, \
            tempfile.TemporaryDirectory(prefix="mgen-judge-") as scratch:
        try:
            with connect(url) as conn:
                apply_statements(conn, statements)
        except MgenError as e:
            return {"error": str(e)[:300], "stage": "baseline"}
        spec = {"url": url, "sys_path": [str(start)],
                "script_location": str(project.config.script_location),
                "version_locations": [str(p) for p in project.config.version_locations],
                "modules": modules, "env_imports": env_imports, "configure": configure}
        spec_path, answer = Path(scratch) / "spec.json", Path(scratch) / "answer.json"
        spec_path.write_text(json.dumps(spec))
        try:
            done = subprocess.run([str(python), str(DRIVER), str(answer), str(spec_path)], cwd=project_dir,
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"did not finish in {timeout:g} s", "stage": "driver"}
        try:
            data = json.loads(answer.read_text())
        except (OSError, ValueError):
            return {"error": (done.stderr.strip().splitlines() or ["no answer"])[-1][:300], "stage": "driver"}
    data.update(baseline=source, configure=configure, modules=modules)
    return data


def verdict(framework: Any, mgen_ops: list, answer: dict[str, Any]) -> dict[str, Any]:
    """The judge's class for an in-sync miss, and the operations that differ."""
    import realworld_git as rw

    out: dict[str, Any] = {k: answer.get(k) for k in ("alembic", "sqlalchemy", "baseline", "configure", "tables")}
    if answer.get("skipped"):
        out["skipped"] = answer["skipped"][:20]
    if "error" in answer:
        return {**out, "class": NOT_JUDGED, "detail": f"{answer.get('stage')}: {answer['error']}"}
    code = answer.get("code") or ""
    body = textwrap.dedent("\n".join(line for line in code.splitlines()
                                     if line.strip() and not line.lstrip().startswith("#")))
    text = "def upgrade():\n" + textwrap.indent(body, "    ") + "\n    pass\n"
    try:
        autogen = framework.read_file("(autogenerate)", text)[0]
    except (SyntaxError, rw.NotComparable) as e:
        return {**out, "class": NOT_JUDGED, "detail": f"autogenerate's text not read: {e}"}
    misses = rw.compare_operations(autogen, mgen_ops, framework.difference, framework.rename_parts)
    out["autogenerate"] = [op.text() for op in autogen][:40]
    if not misses:
        return {**out, "class": DRIFT, "detail": "; ".join(op.text() for op in autogen)[:300]}
    return {**out, "class": DIFFERS, "detail": "; ".join(f"{m.klass}: {m.detail}" for m in misses)[:600],
            "misses": [{"class": m.klass, "label": m.label, "detail": m.detail} for m in misses][:30]}


def sections(result: dict[str, Any]) -> list[str]:
    """The judge's tables: per project, the judged misses by verdict (in sync: drift confirmed by autogenerate is a
    correct answer, in its own column; regenerate: mgen wrote what autogenerate writes, so the committed revision
    was edited by hand), then each verdict's most frequent differences with one example."""
    from collections import Counter

    import realworld_git as rw

    rows, labels, example = [], {}, {}
    for project in result["projects"]:
        verdicts: dict[str, Counter[str]] = {"in_sync": Counter(), "regenerate": Counter()}
        for record in project["records"]:
            for part, counted in verdicts.items():
                judged = record[part].get("judge")
                if judged is None:
                    continue
                counted[judged["class"]] += 1
                key = (part, judged["class"])
                for miss in judged.get("misses") or [{"class": judged["class"], "label": judged["detail"][:60]}]:
                    labels.setdefault(key, Counter())[f"{miss['class']}: {miss['label']}"] += 1
                example.setdefault(key, f"{project['name']} {record['commit'][:10]}: {judged['detail']}"
                                   .replace("|", "\\|")[:300])
        if any(verdicts.values()):
            i, r = verdicts["in_sync"], verdicts["regenerate"]
            rows.append([project["name"], sum(i.values()), i[DRIFT], i[DIFFERS], i[NOT_JUDGED],
                         sum(r.values()), r[DRIFT], r[DIFFERS], r[NOT_JUDGED]])
    if not rows:
        return []
    table = rw.markdown_table(
        ["project", "in-sync misses judged", "**drift in the project (autogenerate reports it too)**",
         "mgen differs", "not judged", "regenerate misses judged (mgen wrote a revision)",
         "**mgen wrote what autogenerate writes** (the committed revision differs from it)", "mgen differs",
         "not judged"], rows)
    detail = rw.markdown_table(["measure", "verdict", "most frequent", "example"], [
        [part.replace("_", "-"), k, ", ".join(f"{label} ({n})" for label, n in labels[(part, k)].most_common(4))
         .replace("|", "\\|"), example[(part, k)]]
        for part in ("in_sync", "regenerate") for k in (DRIFT, DIFFERS, NOT_JUDGED) if (part, k) in labels])
    return [f"### {result['framework']}: misses judged by Alembic's autogenerate (`--judge-venv`)", table, detail]
