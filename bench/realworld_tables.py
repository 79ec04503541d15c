"""The tables of the real-world benches (``realworld_git.py``'s records -> docs/realworld.md): one row per
project, the skipped commits, the miss classes by the commits each would unlock."""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import realworld_git as rw


def _classes(part: dict[str, Any]) -> list[str]:
    return sorted({m["class"] for m in part.get("misses", [])})


def summarise(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The numbers of one table row."""
    in_sync = [r["in_sync"] for r in records if "skip" not in r["in_sync"]]
    regen = [r["regenerate"] for r in records if "skip" not in r["regenerate"]]
    noop = [r for r in records if "skip" not in r["in_sync"] and not r["in_sync"]["misses"]]
    # an in-sync "no operations" at a commit where regenerate then saw nothing either: mgen read nothing there
    blind = [r for r in noop if _classes(r["regenerate"]) == [rw.SILENT]]
    seconds = [p["seconds"] for p in (*in_sync, *regen)]
    runs = [*in_sync, *regen]
    return {
        "sampled": len(records),
        "in_sync_runs": len(in_sync), "in_sync_noop": len(noop), "in_sync_noop_blind": len(blind),
        "in_sync_refused": sum(1 for p in in_sync if any(c.startswith(rw.REFUSED) for c in _classes(p))),
        "regen_compared": len(regen),
        "regen_data_code": sum(1 for p in regen if p.get("data_code")),
        "regen_same": sum(1 for p in regen if not p["misses"]),
        # the commits whose added files hold only what a generator writes (no RunPython/RunSQL: not edited by hand)
        "regen_plain": sum(1 for p in regen if not p.get("data_code")),
        "regen_plain_same": sum(1 for p in regen if not p.get("data_code") and not p["misses"]),
        "regen_wrote": sum(1 for p in regen if p.get("wrote")),
        "regen_refused": sum(1 for p in regen if any(c.startswith(rw.REFUSED) for c in _classes(p))),
        "regen_silent": sum(1 for p in regen if rw.SILENT in _classes(p)),
        "regen_renamed": sum(1 for p in regen if p.get("renames_accepted")),
        "regen_skipped": Counter(r["regenerate"]["skip"] for r in records if "skip" in r["regenerate"]),
        "in_sync_skipped": Counter(r["in_sync"]["skip"] for r in records if "skip" in r["in_sync"]),
        "exit3": sum(1 for p in runs if p.get("exit") == 3),
        "timeouts": sum(1 for p in runs if p.get("exit") is None),
        "median_seconds": round(statistics.median(seconds), 2) if seconds else None,
        "engines": Counter(p["engine"] for p in runs if p.get("engine")),  # which engine answered the runs
    }


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}% ({part}/{whole})" if whole else "-"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def results_table(result: dict[str, Any]) -> str:
    """One row per project and one overall."""
    headers = ["project", "sampled", "in-sync no-op", "(blind)", "in-sync refused", "regen compared (with data code)",
               "regen same ops", f"regen wrote a {result.get('migration_word', 'migration')}",
               "regen refused", "**silent no changes**", "exit 3", "timeouts", "median s/run", "engine (runs)"]
    renames, plain = bool(result.get("accept_renames")), "accept_renames" in result  # older results: their table
    headers[7:7] = [*(["(renames accepted)"] if renames else []), *(["regen same ops, no data code"] if plain else [])]
    rows = []
    everything: list[dict[str, Any]] = []
    for project in result["projects"]:
        everything += project["records"]
        rows.append(_row(project["name"], summarise(project["records"]), renames, plain))
    rows.append(_row("**all**", summarise(everything), renames, plain))
    return markdown_table(headers, rows)


def _row(name: str, s: dict[str, Any], renames: bool = False, plain: bool = False) -> list[Any]:
    silent = f"**{s['regen_silent']}**" if s["regen_silent"] else "0"
    row = [name, s["sampled"], percent(s["in_sync_noop"], s["in_sync_runs"]), s["in_sync_noop_blind"],
            percent(s["in_sync_refused"], s["in_sync_runs"]), f"{s['regen_compared']} ({s['regen_data_code']})",
            percent(s["regen_same"], s["regen_compared"]), percent(s["regen_wrote"], s["regen_compared"]),
            percent(s["regen_refused"], s["regen_compared"]), silent, s["exit3"], s["timeouts"],
            s["median_seconds"] if s["median_seconds"] is not None else "-",
            ", ".join(f"{e} {n}" for e, n in sorted(s.get("engines", {}).items())) or "-"]
    row[7:7] = [*([s.get("regen_renamed", 0)] if renames else []),
                *([percent(s.get("regen_plain_same", 0), s.get("regen_plain", 0))] if plain else [])]
    return row


def skipped_table(result: dict[str, Any]) -> str:
    """Sampled commits not regenerated, and not measured in sync, by reason (a commit skipped by one measure
    still counts in the other's columns)."""
    tables = []
    for key, header in (("regen_skipped", "not regenerated because"),
                        ("in_sync_skipped", "not measured in sync because")):
        reasons: Counter[str] = Counter()
        for project in result["projects"]:
            reasons.update(summarise(project["records"])[key])
        if reasons:
            tables.append(markdown_table([header, "commits"], [[r.replace("|", "\\|"), n]
                                                               for r, n in reasons.most_common()]))
    return "\n\n".join(tables) or "No sampled commit was skipped."


def miss_classes(result: dict[str, Any], part: str) -> str:
    """The misses of ``part`` ("in_sync" or "regenerate") by class: commits with it, commits it alone
    blocks (what fixing it unlocks), the most frequent labels, and one example."""
    having: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = {}
    example: dict[str, str] = {}
    for project in result["projects"]:
        for record in project["records"]:
            section = record[part]
            classes = _classes(section)
            for klass in classes:
                having[klass] += 1
            if len(classes) == 1:
                alone[classes[0]] += 1
            for miss in section.get("misses", []):
                # a refusal's label from its message, so --from-json follows rw.REFUSAL_PATTERNS as they are now
                label = rw.refusal_label(miss["detail"]) if miss["class"].startswith(rw.REFUSED) else miss["label"]
                labels.setdefault(miss["class"], Counter())[label] += 1
                if miss["class"] not in example:
                    where = f" at {miss['location']}" if miss["location"] not in miss["detail"] else ""
                    example[miss["class"]] = (f"{project['name']} {record['commit'][:10]}{where}: "
                                              f"{miss['detail']}").replace("|", "\\|")[:260]
    if not having:
        return "No misses."
    rows = []
    for klass in sorted(having, key=lambda k: (-alone[k], -having[k], k)):
        top = ", ".join(f"{label or '-'} ({n})" for label, n in labels[klass].most_common(4))
        rows.append([klass, alone[klass], having[klass], top.replace("|", "\\|"), example[klass]])
    headers = ["class", "commits it alone blocks", "commits with it", "most frequent (misses)", "example"]
    return markdown_table(headers, rows)


def render_markdown(result: dict[str, Any], framework: Any = None) -> str:
    corpus = markdown_table(
        ["project", "read at", "candidate commits", "(without a project)", "sampled", "first sampled",
         "last sampled"],
        [[p["name"], f"`{p['head'][:12]}`", p["candidates"], p["candidates_without_project"], len(p["records"]),
          f"`{(p['first'] or '')[:10]}` {p['first_date'] or ''}", f"`{(p['last'] or '')[:10]}` {p['last_date'] or ''}"]
         for p in result["projects"]])
    return "\n\n".join([
        f"### {result['framework']}: corpus",
        corpus,
        f"### {result['framework']}: results",
        results_table(result),
        skipped_table(result),
        f"### {result['framework']}: regenerate misses",
        miss_classes(result, "regenerate"),
        f"### {result['framework']}: in-sync misses",
        miss_classes(result, "in_sync"),
        *(getattr(framework, "extra_sections", lambda r: [])(result) if framework is not None else []),
        (f"Bench wall time: {result['seconds'] / 60:.1f} min (per-project cap {result['per_project']}, seed "
         f"{result['seed']!r}, timeout {result['timeout']} s per run, mgen --engine "
         f"{result.get('engine') or 'default'}{', scoped to the apps of the added migrations' if result.get('scoped') else ''})."
         f"{' Regenerate answers yes to the renames mgen asks about (--accept-renames).' if result.get('accept_renames') else ''}"),
    ]) + "\n"


# -- the command line -----------------------------------------------------------------------------------
