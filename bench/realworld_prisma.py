"""Issue #16 bench: mgen on the git history of public Prisma projects (PostgreSQL), judged by the database.

For each project (a bare mirror of its public repository), every ``migration_lock.toml`` at REV names a Prisma
project (its ``prisma/`` folder). The first-parent commits that changed a ``*.prisma`` file of it and added a
``migrations/*/migration.sql`` are sampled evenly (``--per-project``). At each such commit C with parent P:

- a project is laid out from P's ``prisma/`` folder with C's ``*.prisma`` files in place of P's (the parent's
  migrations, the commit's schema), and mgen's Prisma framework generates the migration (static: the schema
  read, the migrations folded, diffed);
- a database is built from P's migrations (each ``migration.sql`` run whole, as ``prisma migrate deploy``
  does); one copy gets mgen's migration.sql, another the migrations C added; both are introspected by
  mgen's live reader and compared (columns by name: the order two ``ADD COLUMN``s leave is no difference
  Prisma sees). Outcomes: ``equal``; ``differ`` (the first differing table named);
  ``silent no changes`` (mgen found nothing but C's migrations change the schema: the worst answer);
  ``refused`` (mgen's one-line error); ``setup`` (P's migrations or C's own do not run on this server:
  not counted).

Nothing fetched is written anywhere but a temporary folder. Rerun:

    nice python bench/realworld_prisma.py rallly=/work/.mirror/lukevella+rallly/repo@HEAD ... \\
        --per-project 20 --out /tmp/realworld_prisma.md --json /tmp/realworld_prisma.json
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from mgen.errors import MgenError

SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def git(mirror: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", mirror, *args], check=True, capture_output=True, text=True).stdout


def prisma_folders(mirror: str, rev: str) -> list[str]:
    """The ``prisma/`` folders (those holding ``migrations/migration_lock.toml``) at ``rev``."""
    files = git(mirror, "ls-tree", "-r", "--name-only", rev).splitlines()
    return sorted(str(Path(f).parent.parent) for f in files if f.endswith("migrations/migration_lock.toml"))


def candidate_commits(mirror: str, rev: str, folder: str) -> list[tuple[str, list[str]]]:
    """(commit, the migration.sql files it added) for first-parent commits that changed a .prisma file too."""
    out = git(mirror, "log", "--first-parent", "--format=@%H", "--name-status", "--no-renames", rev, "--", folder)
    commits, current, added, schema = [], None, [], False
    for line in [*out.splitlines(), "@end"]:
        if line.startswith("@"):
            if current and added and schema:
                commits.append((current, sorted(added)))
            current, added, schema = line[1:], [], False
        elif line.strip():
            status, _, path = line.partition("\t")
            if path.endswith(".prisma"):
                schema = True
            elif status == "A" and path.endswith("/migration.sql") and path.startswith(folder + "/migrations/"):
                added.append(path)
    return commits


def sample(items: list, n: int) -> list:
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def export(mirror: str, rev: str, folder: str, dest: Path) -> None:
    data = subprocess.run(["git", "--git-dir", mirror, "archive", rev, folder], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=data, check=True)


def layout_project(mirror: str, parent: str, commit: str, folder: str, root: Path) -> Path:
    """P's prisma folder with C's .prisma files; the project root (the folder above ``prisma/``)."""
    export(mirror, parent, folder, root)
    for old in (root / folder).rglob("*.prisma"):
        old.unlink()
    new = root / "new"
    new.mkdir()
    export(mirror, commit, folder, new)
    for path in (new / folder).rglob("*.prisma"):
        target = root / folder / path.relative_to(new / folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return root / Path(folder).parent


def mgen_up(project: Path) -> tuple[list[str] | None, str | None]:
    """mgen's up statements (empty: no changes), or its refusal."""
    from mgen.frameworks.prisma.framework import PrismaFramework
    from mgen.frameworks.records import Options

    framework = PrismaFramework()
    options = Options(project=project, dry_run=True)
    try:
        dialect = framework.dialect_of(options)
        if dialect != "postgresql":
            return None, f"provider {dialect} (the bench runs PostgreSQL only)"
        from mgen.frameworks.generate import NoChanges, generate_from_states

        # the very path `mgen generate --dry-run` takes (the extensions the history made kept, ...)
        report = generate_from_states(framework, options)
        return ([] if isinstance(report, NoChanges) else report.plan.up), None
    except MgenError as e:
        return None, e.one_line()


class Server:
    def __init__(self, url: str):
        import psycopg

        self.url = url
        self.admin = psycopg.connect(url, autocommit=True)

    def create(self, template: str | None = None) -> str:
        name = f"mgen_rwp_{uuid.uuid4().hex[:10]}"
        self.admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url_of(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name

    def run(self, name: str, scripts: list[str]) -> None:
        import psycopg

        with psycopg.connect(self.url_of(name), autocommit=True) as conn:
            for script in scripts:
                conn.execute(script)

    def shape(self, name: str) -> dict:
        from mgen.schema import schema_to_dict
        from mgen.sources.live import introspect

        shape = schema_to_dict(introspect(self.url_of(name))[0].normalized())
        for table in shape["tables"]:  # the order ALTER TABLE ADD COLUMN left is no difference to Prisma
            table["columns"] = sorted(table["columns"], key=lambda c: c["name"])
        return shape


def first_difference(a: dict, b: dict) -> str:
    ta = {t["name"]: t for t in a["tables"]}
    tb = {t["name"]: t for t in b["tables"]}
    for name in sorted(set(ta) | set(tb)):
        if ta.get(name) != tb.get(name):
            if name not in ta or name not in tb:
                return f"table {name} only in {'prisma' if name in tb else 'mgen'}"
            for key in sorted(set(ta[name]) | set(tb[name])):
                mine, theirs = ta[name].get(key) or [], tb[name].get(key) or []
                if mine != theirs:
                    only_mine = [x for x in mine if x not in theirs]
                    only_theirs = [x for x in theirs if x not in mine]
                    return f"table {name}: {key}: mgen {only_mine!r} prisma {only_theirs!r}"[:600]
    mine = [e for e in a.get("enums", []) if e not in b.get("enums", [])]
    theirs = [e for e in b.get("enums", []) if e not in a.get("enums", [])]
    return f"enums: mgen {mine!r} prisma {theirs!r}"[:600] if mine or theirs else "?"


ORACLE = Path(__file__).resolve().parent.parent / "tests" / "frameworks" / "prisma" / "oracle"


def prisma_own_sql(oracle: Path, old: Path, new: Path, url: str) -> str:
    """Prisma's own migration between the parent's and the commit's schema (``migrate diff --from-schema
    --to-schema --script``, its wasm schema engine: ``tests/frameworks/prisma/oracle/diff.mjs``)."""
    done = subprocess.run(["node", "--experimental-wasm-modules", "--no-warnings", "diff.mjs", "postgresql",
                           str(old), str(new), url], cwd=oracle, capture_output=True, text=True, timeout=300,
                          check=False)
    if done.returncode:  # the engine's own message: the first "Error" line (Node's trailer names its version)
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(next((x.strip() for x in lines if "Error" in x or "error:" in x), lines[-1] if lines else "?"))
    return done.stdout


def judge_prisma_own(server: Server, oracle: Path, mirror: str, parent: str, folder: str, root: Path,
                     base: str, made: list[str], ours: dict | None, committed: dict) -> dict[str, Any]:
    """What Prisma's own generator writes for the same change, applied to the parent's database: whether it
    builds what the commit's migration builds (else the project edited its migration by hand, or its history
    drifts) and what mgen's builds."""
    old = root / "old"
    old.mkdir(exist_ok=True)
    export(mirror, parent, folder, old)
    try:
        sql = prisma_own_sql(oracle, old / folder, root / folder, server.url)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return {"prisma_own": f"not run: {str(e)[:200]}"}
    own = server.create(base)
    made.append(own)
    try:
        server.run(own, [sql] if sql.strip() else [])
    except Exception as e:  # noqa: BLE001 - Prisma's own script fails here: said
        return {"prisma_own": f"fails: {str(e).splitlines()[0][:200]}"}
    shape = server.shape(own)
    return {"prisma_own": "as committed" if shape == committed else "differs from committed",
            "mgen_is_prisma_own": ours is not None and shape == ours}


def judge(server: Server, mirror: str, folder: str, commit: str, added: list[str],
          oracle: Path | None = None) -> dict[str, Any]:
    parent = git(mirror, "rev-parse", f"{commit}^").strip()
    result: dict[str, Any] = {"commit": commit[:10], "folder": folder, "added": [Path(a).parent.name for a in added]}
    exists = subprocess.run(["git", "--git-dir", mirror, "cat-file", "-e", f"{parent}:{folder}/migrations"],
                            capture_output=True, check=False).returncode == 0
    if not exists:
        return {**result, "outcome": "setup", "detail": "the parent has no migrations folder there (first or moved)"}
    with tempfile.TemporaryDirectory(prefix="mgen-rwp-") as tmp:
        project = layout_project(mirror, parent, commit, folder, Path(tmp))
        started = time.monotonic()
        up, refusal = mgen_up(project)
        result["seconds"] = round(time.monotonic() - started, 2)
        if refusal is not None:
            return {**result, "outcome": "refused", "detail": refusal}
        from mgen.frameworks.prisma.detection import find_layout

        migrations = [f / "migration.sql" for f in find_layout(project).migration_folders()]
        theirs = [git(mirror, "show", f"{commit}:{a}") for a in added]
        base = server.create()
        made = [base]
        try:
            try:
                server.run(base, [m.read_text(encoding="utf-8") for m in migrations])
            except Exception as e:  # noqa: BLE001 - any failure: the history does not run on this server
                return {**result, "outcome": "setup", "detail": f"parent's migrations: {str(e).splitlines()[0]}"}
            ours, prisma = server.create(base), server.create(base)
            made += [ours, prisma]
            try:
                server.run(prisma, theirs)
            except Exception as e:  # noqa: BLE001
                return {**result, "outcome": "setup", "detail": f"commit's migration: {str(e).splitlines()[0]}"}
            b = server.shape(prisma)
            try:
                server.run(ours, [s + ";" for s in up])
                a = server.shape(ours)
            except Exception as e:  # noqa: BLE001
                a, result = None, {**result, "outcome": "differ",
                                   "detail": f"mgen's SQL fails: {str(e).splitlines()[0]}"}
            if oracle is not None:
                result.update(judge_prisma_own(server, oracle, mirror, parent, folder, Path(tmp), base, made, a, b))
            if a is None:
                return result
            if a == b:
                return {**result, "outcome": "equal", "statements": len(up)}
            if not up:
                return {**result, "outcome": "silent no changes", "detail": first_difference(a, b)}
            return {**result, "outcome": "differ", "detail": first_difference(a, b)}
        finally:
            for name in reversed(made):
                server.drop(name)


def render(results: dict[str, list[dict]]) -> str:
    lines = ["# mgen on public Prisma histories (PostgreSQL)", "",
             "| project | measured | equal | differ | silent no changes | refused | setup (not counted) |",
             "|---|---|---|---|---|---|---|"]
    for name, runs in results.items():
        count = {o: sum(r["outcome"] == o for r in runs) for o in ("equal", "differ", "silent no changes",
                                                                   "refused", "setup")}
        measured = len(runs) - count["setup"]
        lines.append(f"| {name} | {measured} | {count['equal']} | {count['differ']} | {count['silent no changes']} "
                     f"| {count['refused']} | {count['setup']} |")
    judged = [r for runs in results.values() for r in runs if "prisma_own" in r and r["outcome"] != "setup"]
    if judged:
        as_committed = sum(r["prisma_own"] == "as committed" for r in judged)
        same = sum(bool(r.get("mgen_is_prisma_own")) for r in judged)
        hand = [r for r in judged if r["outcome"] != "equal" and r["prisma_own"] != "as committed"]
        lines += ["", f"Prisma's own generator (`migrate diff` from the parent's schema to the commit's, its wasm "
                      f"schema engine) on the same {len(judged)} commits: its migration builds what the commit's "
                      f"builds at {as_committed}; mgen's builds what Prisma's own builds at {same}. Misses where "
                      f"Prisma's own generator does not build the commit's schema either (the migration edited by "
                      f"hand, or a history that drifts): {len(hand)}"
                      + (f", of which mgen's equals Prisma's own at {sum(bool(r.get('mgen_is_prisma_own')) for r in hand)}"
                         if hand else "") + "."]
    lines += ["", "## Misses", ""]
    for name, runs in results.items():
        lines += [f"- {name} {r['commit']} {r['outcome']}: {r.get('detail', '')}"
                  + (f" (Prisma's own: {r['prisma_own']}{', as mgen' if r.get('mgen_is_prisma_own') else ''})"
                     if "prisma_own" in r else "") for r in runs if r["outcome"] not in ("equal",)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict[str, list[dict]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="*", help="NAME=MIRROR[@REV]")
    parser.add_argument("--per-project", type=int, default=20)
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--out")
    parser.add_argument("--json")
    parser.add_argument("--from-json", help="re-render a previous --json")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--prisma-oracle", nargs="?", const=str(ORACLE), default=None, metavar="DIR",
                        help="also judge Prisma's own migration for each commit (node + the npm-installed oracle "
                             "of tests/frameworks/prisma/oracle, the default DIR)")
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
    else:
        server = Server(args.server)
        results = {}
        for spec in args.projects:
            name, _, rest = spec.rpartition("=")
            mirror, _, rev = rest.partition("@")
            name = name or Path(mirror).parent.name
            runs = results.setdefault(name, [])
            for folder in prisma_folders(mirror, rev or "HEAD"):
                for commit, added in sample(candidate_commits(mirror, rev or "HEAD", folder), args.per_project):
                    runs.append(judge(server, mirror, folder, commit, added,
                                      Path(args.prisma_oracle) if args.prisma_oracle else None))
                    if not args.quiet:
                        r = runs[-1]
                        print(f"{name} {r['commit']} {r['outcome']} {r.get('detail', '')}"[:300], flush=True)
    text = render(results)
    if args.out:
        Path(args.out).write_text(text)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    print(text if not args.out else f"wrote {args.out}")
    return results


if __name__ == "__main__":
    main()
