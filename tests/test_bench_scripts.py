"""Smoke tests of bench/bench_tokens.py and bench/bench_workflow.py on tiny sizes, without npm.

They check the plumbing (scenarios built, commands run in order, results shaped as the tables read them),
not the numbers: bench_tokens gets a whitespace word counter in place of Anthropic's tokenizer, and
bench_workflow builds a 50-file repository and times each series once.
"""
from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve their module's annotations through sys.modules
    spec.loader.exec_module(module)
    return module


bench_tokens = _load("bench_tokens")
bench_workflow = _load("bench_workflow")


def words(texts: Sequence[str]) -> list[int]:
    """A stand-in token counter: whitespace-separated words (the plumbing, not the numbers)."""
    return [len(t.split()) for t in texts]


def test_token_scenarios_with_a_word_counter(tmp_path: Path) -> None:
    skill = tmp_path / "skill"
    (skill / "reference").mkdir(parents=True)
    skill_text = ("Run check.\nRead [reference/risky.md](reference/risky.md) (`destructive`) "
                  "or [reference/other.md](reference/other.md) (`never-printed`).\n")
    (skill / "SKILL.md").write_text(skill_text)
    (skill / "reference" / "risky.md").write_text("one two three\n")
    (skill / "reference" / "other.md").write_text("four five\n")
    work = tmp_path / "work"
    work.mkdir()
    result = bench_tokens.run_scenarios(work, words, skill_dir=skill)
    skill_tokens = len(skill_text.split())
    assert result["skill"]["exists"] and result["skill"]["tokens"] == skill_tokens
    assert result["reference_files"]["reference/risky.md"]["pointers_in_skill"] == ["destructive"]
    runs = {(s["project"], s["scenario"]): s for s in result["scenarios"] if "commands" in s}
    assert set(runs) == {(p, s) for p in ("django", "sql") for s in ("no_change", "add_field", "drop_field",
                                                                       "new_table")}
    for (project, scenario), s in runs.items():
        commands = [c["command"].split()[1] for c in s["commands"]]
        assert commands == (["check"] if scenario == "no_change" else ["check", "status", "plan", "generate"]), s
        assert [c["exit"] for c in s["commands"]] == ([0] if scenario == "no_change" else [1, 0, 0, 0]), s
        assert all(c["tokens"] == len(c["output"].split()) for c in s["commands"])
        assert s["total_tokens"] == skill_tokens + sum(c["tokens"] for c in s["commands"]) + s["tokens"]["references"]
        assert str(work) not in "".join(c["output"] for c in s["commands"])  # the temp dir is replaced
        refs = [r["file"] for r in s["references"]]
        assert refs == (["reference/risky.md"] if scenario == "drop_field" else []), (project, scenario, refs)
    assert "wrote:" in runs["django", "add_field"]["commands"][-1]["output"]
    assert "verify passed" in runs["sql", "add_field"]["commands"][-1]["output"]
    repeats = [s["repeat"] for s in result["scenarios"] if "repeat" in s]
    assert len(repeats) == 2 and all(r["check"]["hits"] == r["check"]["entries"] > 0 for r in repeats)
    result["targets"] = bench_tokens.evaluate(result)
    assert len(result["targets"]) == 4 and result["targets"][-1]["met"]
    bench_tokens.print_tables(result)


def test_reference_pointers_split_per_link() -> None:
    text = ("Read one when needed: [reference/a.md](reference/a.md) (`needs care`, `--zero-downtime`), "
            "[reference/b.md](reference/b.md) (backfills), `mgen plan` reference/c.md\n"
            "A `drop-column` finding: read reference/b.md.\n")
    triggers = bench_tokens.reference_triggers(text, ["a.md", "b.md", "c.md"])
    assert triggers == {"a.md": ["needs care", "--zero-downtime"], "b.md": ["drop-column"], "c.md": []}
    found = bench_tokens.referenced(["destructive  drop column t.x", "error drop-column: ..."], ["a.md", "b.md"],
                                    triggers)
    assert list(found) == ["b.md"]
    assert bench_tokens.referenced(["see c.md"], ["c.md"], {}) == {"c.md": "an output names c.md"}


def test_workflow_repository_and_one_timing_run(tmp_path: Path) -> None:
    result = bench_workflow.run_bench(tmp_path, apps=2, models_per_app=2, files=50, runs=1)
    assert result["tracked_files"] == 50 and result["models"] == 4 and result["migration_files"] == 2
    assert result["edited_file"] == "app01/models.py"
    for command in ("check", "status"):
        for state in ("unchanged", "edited"):
            for mode in ("cold", "warm"):
                assert len(result["series"][command][state][mode]["all_ms"]) == 1
    assert set(result["check_json_cache_when_warm"]["unchanged"].values()) == {"hit"}
    bench_workflow.print_table(result)
