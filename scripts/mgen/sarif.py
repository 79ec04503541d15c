"""SARIF 2.1.0 for `mgen lint --format sarif`: what code-scanning services (GitHub, GitLab) read.

One run; ``tool.driver.rules`` lists every rule (registry and lint meta rules) with its doc page;
each result points at the statement's first line. Suppressed findings stay in the log as results with
an ``inSource`` suppression carrying the mgen:ignore reason, as SARIF intends.
"""
from __future__ import annotations

from pathlib import Path

from . import __version__
from .lint import META_RULES, LintFinding, LintReport, rule_catalog

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    """A path relative to the working directory when it lies below it (code scanning resolves
    results against the checkout), else as given; always with forward slashes."""
    p = Path(path)
    try:
        p = p.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    return p.as_posix()


def _help_uri(rule_id: str) -> str:
    return "docs/lint.md" if rule_id in META_RULES else f"docs/rules/{rule_id}.md"


def _result(f: LintFinding, index: dict[str, int]) -> dict:
    text = f.message + (f" Safe alternative: {f.safe_alternative}" if f.safe_alternative else "")
    result: dict = {
        "ruleId": f.rule,
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(f.file)},
            "region": {"startLine": max(f.line, 1), "startColumn": 1},
        }}],
    }
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    if f.reason is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": f.reason}]
    return result


def to_sarif(report: LintReport) -> dict:
    """The report as a SARIF 2.1.0 log (a JSON-ready dict)."""
    catalog = rule_catalog()
    rules = [{
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": description},
        "helpUri": _help_uri(rule_id),
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
    } for rule_id, severity, description in catalog]
    index = {r["id"]: i for i, r in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "mgen",
                "version": __version__,
                "rules": rules,
            }},
            "artifacts": [{"location": {"uri": _uri(p)}} for p in report.files],
            "results": [_result(f, index) for f in report.findings + report.suppressed],
        }],
    }
