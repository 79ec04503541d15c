"""Run the real squawk and `mgen lint` over tests/lint_corpus and write docs/lint-vs-squawk.md.

    .venv/bin/python bench/lint_vs_squawk.py [--squawk PATH] [--mgen PATH] [--check]

Rewrites tests/lint_corpus/squawk.json (squawk's verdict per PostgreSQL file) and the comparison page.
squawk is PostgreSQL-only, so MySQL files are linted by mgen alone. Both tools run once per file as a
subprocess with the same server version and the same transaction assumption (see corpus.py), so the
timings include process start-up for both. --check exits 1 when a file squawk flags is neither flagged
by mgen nor explained.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "lint_corpus"))
from corpus import CORPUS, CorpusFile, corpus_files

SQUAWK_JSON = CORPUS / "squawk.json"
DOC = ROOT / "docs" / "lint-vs-squawk.md"

# squawk rule -> the mgen rules that cover the same hazard (empty: mgen has no counterpart)
SQUAWK_TO_MGEN: dict[str, tuple[str, ...]] = {
    # squawk also reports identity and generated columns under adding-field-with-default
    "adding-field-with-default": ("volatile-default", "add-identity-column", "add-stored-generated-column"),
    "adding-foreign-key-constraint": ("add-foreign-key",),
    "adding-not-nullable-field": ("set-not-null",),
    "adding-primary-key-constraint": ("add-primary-key",),
    "adding-required-field": ("add-required-column",),
    "adding-serial-primary-key-field": ("add-identity-column", "add-primary-key"),
    "ban-concurrent-index-creation-in-transaction": ("concurrently-in-transaction",),
    "ban-drop-column": ("drop-column",),
    "ban-drop-table": ("drop-table",),
    "changing-column-type": ("type-change-rewrites-table", "lossy-type-change"),
    "constraint-missing-not-valid": ("add-check-constraint", "add-foreign-key"),
    "disallowed-unique-constraint": ("add-unique-constraint",),
    "renaming-column": ("rename-column",),
    "renaming-table": ("rename-table",),
    "require-concurrent-index-creation": ("require-concurrent-index",),
    "require-concurrent-index-deletion": ("require-concurrent-index-drop",),
    "require-lock-timeout": ("require-lock-timeout",),
    "require-timeout-settings": ("require-lock-timeout",),
}

# squawk rules that are schema-style preferences or runner conventions, not migration hazards: when
# squawk flags a file only for these and mgen does not, the difference is explained by this reason.
OUT_OF_SCOPE: dict[str, str] = {
    "prefer-text-field": "style: varchar(n) is fine; widening it later is catalog-only (mgen flags only a rewrite when one happens)",
    "ban-char-field": "style: char(n) padding is a design choice, not a migration hazard",
    "prefer-timestamp-tz": "style: timestamp vs timestamptz is a schema design choice, not a migration hazard",
    "prefer-timestamptz": "style: timestamp vs timestamptz is a schema design choice, not a migration hazard",
    "prefer-bigint-over-int": "style: capacity planning; mgen flags the int -> bigint rewrite when it happens",
    "prefer-big-int": "style: capacity planning; mgen flags the int -> bigint rewrite when it happens",
    "prefer-bigint-over-smallint": "style: capacity planning; mgen flags the rewrite when it happens",
    "prefer-identity": "style: serial vs identity; both are fine on a new table",
    "prefer-robust-stmts": "runner convention: IF [NOT] EXISTS for re-runs; migration runners record what ran",
    "require-statement-timeout": "deployment choice: mgen requires lock_timeout (the lock queue is the outage); "
                                 "a statement_timeout would also cut long CONCURRENTLY builds",
    "ban-drop-not-null": "relaxing NOT NULL is catalog-only and breaks no writer; readers of the column "
                         "are a design review matter",
    "require-enum-value-ordering": "style: where a new enum value sorts is a design choice; appending is the "
                                   "cheap form on both PostgreSQL and MySQL",
    "ban-drop-constraint": "dropping a constraint loses no data, rewrites nothing and breaks no writer; mgen "
                           "flags the constraint adds that scan or lock",
    "transaction-nesting": "mgen reads BEGIN/COMMIT as the file's own transaction control",
}


@dataclass
class Row:
    file: CorpusFile
    squawk: list[str] | None = None  # None: not run (MySQL)
    mgen: dict[str, str] = field(default_factory=dict)  # rule -> worst severity
    mgen_error: str = ""  # mgen exited 2 (bad input) or crashed

    def mgen_flagged(self) -> bool:
        return any(s in ("error", "warning") for s in self.mgen.values())

    def missed(self) -> list[str]:
        return self.file.missing(self.mgen)

    def mgen_false_positive(self) -> bool:
        return not self.file.expect and self.mgen_flagged()

    def squawk_hazards(self) -> set[str]:
        """The mgen rule ids squawk's findings correspond to."""
        return {m for r in self.squawk or () for m in SQUAWK_TO_MGEN.get(r, ())}

    def squawk_missed(self) -> list[str]:
        return self.file.missing(self.squawk_hazards())


def run_squawk(squawk: str, f: CorpusFile) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    proc = subprocess.run([squawk, *f.squawk_args()], check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"squawk failed on {f.path}: {proc.stderr.strip()}")
    return sorted({v["rule_name"] for v in json.loads(proc.stdout or "[]")}), elapsed


def run_mgen(mgen: str, f: CorpusFile) -> tuple[dict[str, str], str, float]:
    t0 = time.perf_counter()
    proc = subprocess.run([mgen, "lint", *f.mgen_args(), "--json"], check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        message = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return {}, message.replace(f"{ROOT}/", ""), elapsed
    return worst_by_rule(json.loads(proc.stdout)), "", elapsed


def worst_by_rule(report: dict | list) -> dict[str, str]:
    findings = report["findings"] if isinstance(report, dict) else report
    order = ("error", "warning", "info")
    out: dict[str, str] = {}
    for f in findings:
        prev = out.get(f["rule"])
        if prev is None or order.index(f["severity"]) < order.index(prev):
            out[f["rule"]] = f["severity"]
    return out


def time_mgen_in_process(files: list[CorpusFile]) -> list[float]:
    """Per-file time of `mgen lint` without the interpreter and import start-up that dominates a
    subprocess run (the cost a pre-commit hook or CI job linting many files pays)."""
    import contextlib
    import io

    from mgen.cli import main as mgen_main

    times = []
    for f in files:
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            mgen_main(["lint", *f.mgen_args(), "--json"])
        times.append(time.perf_counter() - t0)
    return times


def mgen_has_lint(mgen: str) -> bool:
    return subprocess.run([mgen, "lint", "--help"], check=False, capture_output=True).returncode == 0


def explain(row: Row) -> str:
    """Why squawk flags a file that mgen does not flag: one line, or '' when unexplained."""
    reasons, unexplained = [], []
    for rule in row.squawk or ():
        covered = [m for m in SQUAWK_TO_MGEN.get(rule, ()) if m in row.mgen]
        if rule in OUT_OF_SCOPE:
            reasons.append(f"`{rule}` out of scope ({OUT_OF_SCOPE[rule]})")
        elif covered:  # reported, at info: mgen does not know the table to be large
            reasons.append(f"`{rule}`: mgen reports `{covered[0]}` at info (table size unknown)")
        elif not row.file.expect:
            reasons.append(f"`{rule}`: mgen judges the file safe: {row.file.why}")
        else:
            unexplained.append(rule)
    return "" if unexplained else "; ".join(reasons)


def timing_text(times: list[float]) -> str:
    if not times:
        return "n/a"
    return f"total {sum(times):.2f} s ({len(times)} files), median {statistics.median(times) * 1000:.0f} ms/file"


def cell(rules) -> str:
    return ", ".join(f"`{r}`" for r in rules) or "—"


def mgen_cell(row: Row, available: bool) -> str:
    if not available:
        return "n/a"
    if row.mgen_error:
        return f"**exit 2**: {row.mgen_error[:80]}"
    return ", ".join(f"`{r}`" + ("" if s != "info" else " (info)") for r, s in sorted(row.mgen.items())) or "—"


def verdict(row: Row, available: bool) -> str:
    parts = []
    if available:
        if row.mgen_error:
            parts.append("mgen: cannot read")
        elif row.missed():
            parts.append("mgen misses " + ", ".join(row.missed()))
        elif row.mgen_false_positive():
            parts.append("mgen false positive")
        else:
            parts.append("mgen ok")
    if row.squawk is not None:
        if not row.file.expect and row.squawk:
            parts.append("squawk false positive")
        elif row.squawk_missed():
            parts.append("squawk misses " + ", ".join(row.squawk_missed()))
        else:
            parts.append("squawk ok")
    return "; ".join(parts)


def summary(rows: list[Row], available: bool, timing: dict[str, list[float]]) -> list[str]:
    pg = [r for r in rows if r.squawk is not None]
    my = [r for r in rows if r.squawk is None]

    def mg(value: object) -> str:
        return str(value) if available else "n/a"

    safe_pg, safe_my = sum(not r.file.expect for r in pg), sum(not r.file.expect for r in my)
    missed_sq = [r for r in pg if r.file.expect and r.squawk_missed()]
    missed_mg = [r for r in rows if r.missed() or r.mgen_error]
    return [
        "## Summary", "", "| | squawk | mgen |", "|---|---|---|",
        (f"| PostgreSQL files flagged (of {len(pg)}) | {sum(bool(r.squawk) for r in pg)} | "
        f"{mg(sum(r.mgen_flagged() for r in pg))} |"),
        f"| MySQL files flagged (of {len(my)}) | (PostgreSQL only) | {mg(sum(r.mgen_flagged() for r in my))} |",
        (f"| false positives: flagged where `expect: none` (PG {safe_pg}, MySQL {safe_my} such files) | "
        f"{sum(bool(r.squawk) for r in pg if not r.file.expect)} | {mg(sum(r.mgen_false_positive() for r in rows))} |"),
        f"| files not read, or with an expected hazard not reported | {len(missed_sq)} | {mg(len(missed_mg))} |",
        f"| time, one process per file | {timing_text(timing['squawk'])} | {timing_text(timing['mgen'])} |",
        (f"| time, one process for the corpus (mgen: in-process, no interpreter start-up per file) | — | "
        f"{timing_text(timing['mgen-in-process'])} |"),
    ]


def write_doc(rows: list[Row], available: bool, squawk_version: str, timing: dict[str, list[float]]) -> str:
    pg = [r for r in rows if r.squawk is not None]
    out = [
        "# mgen lint vs squawk", "",
        "Generated by `bench/lint_vs_squawk.py` from `tests/lint_corpus/`; do not edit by hand.", "",
        (f"{len(rows)} migration files ({len(pg)} PostgreSQL, {len(rows) - len(pg)} MySQL/MariaDB). Each states "
        "in its first line what mgen should flag (`-- expect:`), decided from issue #3's hazards, not from what "
        "either tool does. Files are linted against their folder's `_schema.sql`; PostgreSQL files as for "
        "server 15 unless the file pins `-- pg-version:`, and inside the runner's transaction unless marked "
        "`-- run: no-transaction`."), "",
        (f"- squawk {squawk_version}: `squawk --reporter json --pg-version=V.0 [--assume-in-transaction] FILE` "
        "(the same version and transaction assumption as mgen). PostgreSQL only."),
        ("- mgen: `mgen lint FILE --dialect D --schema _schema.sql [--pg-version V] [--transaction|--no-transaction] "
         "--json`."),
        ("- 'flagged' means a finding of severity error or warning (squawk: any finding); mgen's info findings "
        "are shown as (info), count towards `expect:`, but do not make a file flagged."), "",
    ]
    if not available:
        out += ["**`mgen lint` was not available when this page was generated: its column is empty.**", ""]
    out += summary(rows, available, timing)

    out += ["", "## Files squawk flags and mgen does not", ""]
    diff = [r for r in pg if r.squawk and not r.mgen_flagged()]
    if not available:
        out.append("Not computed: `mgen lint` missing.")
    elif not diff:
        out.append("None.")
    else:
        out += ["| file | squawk | explanation |", "|---|---|---|"]
        for r in diff:
            reason = explain(r) or "**unexplained: mgen misses a hazard (TODO)**"
            out.append(f"| {r.file.name} | {cell(r.squawk)} | {reason} |")

    out += ["", "## False positives", ""]
    fp_sq = [r.file.name for r in pg if r.squawk and not r.file.expect]
    out.append(f"- squawk ({len(fp_sq)}): " + (", ".join(fp_sq) or "none"))
    if available:
        fp_mg = [f"{r.file.name} ({', '.join(k for k, s in r.mgen.items() if s != 'info')})"
                 for r in rows if r.mgen_false_positive()]
        out.append(f"- mgen ({len(fp_mg)}): " + (", ".join(fp_mg) or "none"))

    out += ["", "## Expected hazards each tool does not report", ""]
    missed_sq = [f"{r.file.name} ({', '.join(r.squawk_missed())})" for r in pg if r.file.expect and r.squawk_missed()]
    out.append("- squawk: " + ("; ".join(missed_sq) or "none"))
    if available:
        missed_mg = [f"{r.file.name} ({r.mgen_error or ', '.join(r.missed())})"
                     for r in rows if r.missed() or r.mgen_error]
        out.append("- mgen: " + ("; ".join(missed_mg) or "none"))

    out += ["", "## Side by side", "", "| file | squawk rules | mgen rules | expected | verdict |",
            "|---|---|---|---|---|"]
    for r in rows:
        sq = "(PostgreSQL only)" if r.squawk is None else cell(r.squawk)
        expected = cell(r.file.expect) if r.file.expect else "none"
        out.append(f"| {r.file.name} | {sq} | {mgen_cell(r, available)} | {expected} | {verdict(r, available)} |")

    out += ["", "## squawk rules outside mgen's scope", "", "| squawk rule | why mgen does not flag it |",
            "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in sorted(OUT_OF_SCOPE.items())]
    out += ["", ("Not exercised by the corpus: `ban-drop-database`, `ban-create-domain-with-constraint` and "
            "`ban-alter-domain-with-add-constraint`: mgen's schema model has neither databases nor domains."), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--squawk", default=shutil.which("squawk") or str(Path(sys.executable).parent / "squawk"))
    ap.add_argument("--mgen", default=shutil.which("mgen") or str(Path(sys.executable).parent / "mgen"))
    ap.add_argument("--check", action="store_true", help="exit 1 on an unexplained difference")
    args = ap.parse_args(argv)
    if not Path(args.squawk).exists() and not shutil.which(args.squawk):
        raise SystemExit("squawk not found: pip install squawk-cli (the test extra)")
    version = subprocess.run([args.squawk, "--version"], check=False, capture_output=True, text=True).stdout.strip()
    available = mgen_has_lint(args.mgen)
    rows, timing = [], {"squawk": [], "mgen": [], "mgen-in-process": []}
    for f in corpus_files():
        row = Row(f)
        if f.dialect == "postgresql":
            row.squawk, t = run_squawk(args.squawk, f)
            timing["squawk"].append(t)
        if available:
            row.mgen, row.mgen_error, t = run_mgen(args.mgen, f)
            timing["mgen"].append(t)
        rows.append(row)
    if available:
        timing["mgen-in-process"] = time_mgen_in_process([r.file for r in rows])
    SQUAWK_JSON.write_text(json.dumps({
        "squawk": version,
        "command": "squawk --reporter json --pg-version=V.0 [--assume-in-transaction] FILE",
        "files": {r.file.name: r.squawk for r in rows if r.squawk is not None},
    }, indent=1) + "\n")
    DOC.write_text(write_doc(rows, available, version, timing))
    unexplained = [r.file.name for r in rows if r.squawk and available and not r.mgen_flagged() and not explain(r)]
    print(f"wrote {DOC.relative_to(ROOT)} and {SQUAWK_JSON.relative_to(ROOT)}: {len(rows)} files"
          + ("" if available else " (mgen lint not available)"))
    if unexplained:
        print("unexplained (squawk flags, mgen does not): " + ", ".join(unexplained))
    return 1 if args.check and unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
