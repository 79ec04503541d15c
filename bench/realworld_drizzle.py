"""Issue #16 bench: mgen on the git history of public Drizzle projects (PostgreSQL), judged by the database and
by drizzle-kit's own snapshot.

For each project (a bare mirror of its public repository and the folder drizzle-kit runs in), the first-parent
commits that added entries to drizzle-kit's journal (``<out>/meta/_journal.json``) are taken, newest
first (``--limit``). At each such commit C with parent P:

- C's whole tree (the schema may sit in another package of the repository) is laid out with the new entry
  taken away (its SQL file and snapshot deleted, the journal as P's): the parent's migrations, the commit's
  schema; mgen's Drizzle framework generates the migration;
- a database built from P's migrations gets mgen's SQL, another C's own; both are introspected by mgen's live
  reader and compared (columns by name: the order several ``ADD COLUMN``s leave is no difference drizzle-kit
  sees); mgen's snapshot is compared with C's (tables and enums: what drizzle-kit diffs).
  Outcomes: ``equal`` (same database); ``differ``; ``silent no changes`` (mgen found nothing but C's
  migrations change the schema: the worst answer); ``no changes`` (nor do C's: a data migration);
  ``refused`` (mgen's one-line error); ``setup`` (P's or C's own migrations do not run on this server: not
  counted). A commit that adds several entries (a merge) is one change: mgen's one migration against all of
  them, its snapshot against the last one's.

Nothing fetched is written anywhere but a temporary folder. Rerun:

    nice python bench/realworld_drizzle.py dokploy=/work/.mirror/Dokploy+dokploy/repo@HEAD:apps/dokploy \\
        --limit 40 --out /tmp/realworld_drizzle.md --json /tmp/realworld_drizzle.json
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def git(mirror: str, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", mirror, *args], check=True, capture_output=True).stdout


def journal_path(mirror: str, rev: str, root: str) -> str:
    """The journal under ``root`` at ``rev`` (the shortest path: a project's own out folder)."""
    files = git(mirror, "ls-tree", "-r", "--name-only", rev, "--", root).decode().splitlines()
    found = sorted((f for f in files if f.endswith("meta/_journal.json")), key=len)
    if not found:
        raise SystemExit(f"no drizzle-kit journal under {root} at {rev}")
    return found[0]


def candidates(mirror: str, rev: str, journal: str) -> list[str]:
    return git(mirror, "log", "--first-parent", "--format=%H", rev, "--", journal).decode().split()


def statements(sql: str) -> list[str]:
    return [s for s in sql.split("--> statement-breakpoint") if s.strip()]


def apply(url: str, files: list[Path]) -> None:
    from mgen.db import connect

    with connect(url) as conn:
        for f in files:
            for s in statements(f.read_text(encoding="utf-8")):
                conn.execute(s)


def shape(url: str) -> dict:
    from mgen.schema import schema_to_dict
    from mgen.sources.live import introspect

    shape = schema_to_dict(introspect(url)[0].normalized())
    for table in shape["tables"]:  # the order several ADD COLUMNs leave is no difference drizzle-kit sees
        table["columns"] = sorted(table["columns"], key=lambda c: c["name"])
    return shape


def first_difference(a: dict, b: dict) -> str:
    ta, tb = {t["name"]: t for t in a["tables"]}, {t["name"]: t for t in b["tables"]}
    for name in sorted(set(ta) | set(tb)):
        if ta.get(name) != tb.get(name):
            return f"table {name}"
    return "enums" if a["enums"] != b["enums"] else "?"


def one(mirror: str, commit: str, root: str, journal: str, work: Path) -> dict:
    from mgen.cli import main
    from mgen.db import scratch_database

    tree = work / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(git(mirror, "archive", commit))) as tar:
        tar.extractall(tree, members=[m for m in tar if m.isfile() or m.isdir()], filter="data")  # no links
    out = tree / Path(journal).parent.parent
    data = json.loads((out / "meta" / "_journal.json").read_text())
    try:
        parent = json.loads(git(mirror, "show", f"{commit}^:{journal}"))
    except subprocess.CalledProcessError:
        return {"outcome": "skip", "why": "the journal's first commit"}
    new = data["entries"][len(parent["entries"]):]
    if not new or data["entries"][:len(parent["entries"])] != parent["entries"]:
        return {"outcome": "skip", "why": "no new entry, or a rewritten journal"}
    tag = new[-1]["tag"] if len(new) == 1 else f"{new[0]['tag']}..{new[-1]['tag']}"
    theirs = [out.parent / f"theirs{i}.sql" for i in range(len(new))]
    for path, entry in zip(theirs, new):
        path.write_text((out / f"{entry['tag']}.sql").read_text(encoding="utf-8"), encoding="utf-8")
        (out / f"{entry['tag']}.sql").unlink()
    snapshots = [out / "meta" / f"{e['tag'].split('_')[0]}_snapshot.json" for e in new]
    theirs_snapshot = json.loads(snapshots[-1].read_text()) if snapshots[-1].is_file() else None
    for path in snapshots:
        path.unlink(missing_ok=True)
    (out / "meta" / "_journal.json").write_text(json.dumps(parent, indent=2))
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        code = main(["generate", str(tree / root), "--name", "mgen"])
    row = {"tag": tag}
    if code != 0:
        lines = said.getvalue().strip().splitlines()
        return {**row, "outcome": "refused", "why": (lines[-1] if lines else f"rc {code}")[:200]}
    ours = next(out.glob("*_mgen.sql"), None)
    if ours is not None:
        mine = json.loads(next((out / "meta").glob(f"{ours.name[:4]}_snapshot.json")).read_text())
        row["snapshot"] = "same" if theirs_snapshot and (mine["tables"], mine["enums"]) == (
            theirs_snapshot["tables"], theirs_snapshot["enums"]) else "differs"
    base = [out / f"{e['tag']}.sql" for e in parent["entries"]]
    with scratch_database("postgresql", SERVER) as a, scratch_database("postgresql", SERVER) as b:
        try:
            apply(a, base)
            apply(b, base)
            apply(b, theirs)
        except Exception as e:  # noqa: BLE001 - the project's own SQL on this server
            return {**row, "outcome": "setup", "why": str(e).splitlines()[0][:200]}
        try:
            apply(a, [ours] if ours else [])
        except Exception as e:  # noqa: BLE001 - mgen's SQL failing is a result
            return {**row, "outcome": "differ", "why": f"mgen's SQL fails: {str(e).splitlines()[0][:160]}"}
        sa, sb = shape(a), shape(b)
    if ours is None:  # the commit's migrations may change data only
        return {**row, "outcome": "no changes" if sa == sb else "silent no changes"}
    if sa == sb:
        return {**row, "outcome": "equal"}
    return {**row, "outcome": "differ", "why": first_difference(sa, sb)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("projects", nargs="+", help="name=MIRROR@REV:FOLDER (the folder drizzle-kit runs in)")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--out")
    parser.add_argument("--json")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    results = {}
    for spec in args.projects:
        name, _, rest = spec.partition("=")
        mirror, _, rev_root = rest.partition("@")
        rev, _, root = rev_root.partition(":")
        journal = journal_path(mirror, rev, root)
        rows = []
        with tempfile.TemporaryDirectory(dir=args.workdir) as work:
            for commit in candidates(mirror, rev, journal)[:args.limit]:
                row = {"commit": commit[:10], **one(mirror, commit, root, journal, Path(work))}
                rows.append(row)
                print(name, *row.values(), sep="\t", flush=True)
        results[name] = rows
    lines = ["| project | commits | equal | differ | silent no changes | refused | no changes | setup | snapshot same |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, rows in results.items():
        counts = {o: sum(r["outcome"] == o for r in rows) for o in
                  ("equal", "differ", "silent no changes", "refused", "no changes", "setup")}
        judged = [r for r in rows if r["outcome"] not in ("skip", "setup")]
        lines.append(f"| {name} | {len(judged)} | {' | '.join(str(counts[o]) for o in counts)} "
                     f"| {sum(r.get('snapshot') == 'same' for r in rows)}/{sum('snapshot' in r for r in rows)} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        Path(args.out).write_text(table)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
