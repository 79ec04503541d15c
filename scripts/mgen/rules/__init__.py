"""Safety rules: one module per rule, each with a stable kebab-case id, registered here.

``analyze(ops, old, dialect)`` walks the operations with the schema as it stands before each one
and returns the findings, each naming the operation (its index in ``ops``) it is about.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import import_module
from typing import ClassVar

from ..operations import CreateTable, Operation
from ..schema import Schema

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    operation: int  # index into the operation list
    operation_description: str
    safe_alternative: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    dialect: str
    before: Schema  # the schema just before the operation
    created_here: frozenset  # tables created earlier in the same migration (exempt from lock rules)


class Rule:
    id: ClassVar[str]
    severity: ClassVar[str]
    hazards: ClassVar[tuple[str, ...]]
    dialects: ClassVar[tuple[str, ...] | None] = None  # None: every dialect
    safe_alternative: ClassVar[str] = ""

    def check(self, op: Operation, ctx: Context) -> str | None:
        """The message when ``op`` breaks the rule, else None."""
        raise NotImplementedError


RULE_MODULES = (
    "drop_table",
    "drop_column",
    "lossy_type_change",
    "drop_enum_value",
    "add_required_column",
    "set_not_null",
)
_rules: list[Rule] = []


def all_rules() -> list[Rule]:
    if not _rules:
        for name in RULE_MODULES:
            _rules.append(import_module(f".{name}", __name__).RULE)
    return _rules


def analyze(ops: Sequence[Operation], old: Schema, dialect: str) -> list[Finding]:
    findings: list[Finding] = []
    state, created = old, set()
    for i, op in enumerate(ops):
        ctx = Context(dialect, state, frozenset(created))
        for rule in all_rules():
            if rule.dialects is not None and dialect not in rule.dialects:
                continue
            message = rule.check(op, ctx)
            if message:
                findings.append(Finding(rule.id, rule.severity, message, i, op.describe(), rule.safe_alternative))
        if isinstance(op, CreateTable):
            created.add(op.table)
        state = op.apply(state)
    return findings


def worst(findings: Iterable[Finding]) -> str | None:
    levels = [f.severity for f in findings]
    for s in SEVERITIES:
        if s in levels:
            return s
    return None


def safety_class(op_index: int, op: Operation, findings: Sequence[Finding]) -> str:
    """safe / needs care / destructive, for one operation."""
    if op.destructive:
        return "destructive"
    if any(f.operation == op_index and f.severity in ("error", "warning") for f in findings):
        return "needs care"
    return "safe"
