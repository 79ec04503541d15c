"""Safety rules: one module per rule, each with a stable kebab-case id, found here by discovery.

A rule module defines ``RULE = SomeRule()``; any module in this package that does is registered (no
list to edit). ``analyze(ops, old, dialect)`` walks the operations with the schema as it stands before
each one and returns the findings, each naming the operation (its index in ``ops``) it is about.

Context a rule may consult (``Context``):
- ``before``: the schema just before the operation; ``created_here``: tables created earlier in the
  same migration (a table nobody uses yet is exempt from lock and rewrite rules);
- ``server_version``: (major, minor, patch) of the target server when known (``--db``, ``--pg-version``),
  else None: rules then assume the oldest supported version's behaviour and say so;
- ``stats``: table -> ``TableStats(rows, bytes)`` when read from a live database, else None;
- ``statement``: for `mgen lint`, the facts of the SQL statement the operation came from
  (``StatementFacts``); None for migrations mgen renders itself, whose SQL the rule knows:
  PostgreSQL migrations run in one transaction, without CONCURRENTLY, NOT VALID or a lock_timeout;
- ``final``: the schema once the whole migration has run (an index created later in the same file
  covers a foreign key created earlier); ``altered_here``: existing tables whose structure the
  migration changed before this point (an UPDATE on them runs under that DDL's lock).
"""
from __future__ import annotations

import pkgutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import import_module
from typing import ClassVar

from ..operations import CreateTable, Operation, apply_all
from ..schema import Schema

SEVERITIES = ("error", "warning", "info")
HAZARDS = (
    "data loss",
    "blocking lock",
    "table rewrite",
    "full scan under lock",
    "fails on existing data",
    "breaks the running application",
)


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
class TableStats:
    rows: int
    bytes: int


@dataclass(frozen=True)
class StatementFacts:
    """What a linted SQL statement says beyond the operation it performs."""

    text: str
    line: int = 0
    concurrently: bool = False  # CREATE/DROP INDEX CONCURRENTLY
    not_valid: bool = False  # ADD CONSTRAINT ... NOT VALID
    using_index: bool = False  # PostgreSQL ADD CONSTRAINT ... UNIQUE|PRIMARY KEY USING INDEX idx
    in_transaction: bool = True  # the runner wraps the file in a transaction (PostgreSQL default)
    lock_timeout: bool = False  # a SET lock_timeout came earlier in the file
    algorithm: str | None = None  # MySQL ALGORITHM=INPLACE|COPY|INSTANT
    lock: str | None = None  # MySQL LOCK=NONE|SHARED|EXCLUSIVE


@dataclass(frozen=True)
class Context:
    dialect: str
    before: Schema  # the schema just before the operation
    created_here: frozenset = frozenset()  # tables created earlier in the same migration
    server_version: tuple[int, ...] | None = None
    stats: dict[str, TableStats] | None = None
    statement: StatementFacts | None = None
    final: Schema | None = None
    altered_here: frozenset = frozenset()

    def is_new_table(self, table: str) -> bool:
        return table in self.created_here

    def rows(self, table: str) -> int | None:
        return self.stats[table].rows if self.stats and table in self.stats else None


class Rule:
    id: ClassVar[str]
    severity: ClassVar[str]
    hazards: ClassVar[tuple[str, ...]]
    dialects: ClassVar[tuple[str, ...] | None] = None  # None: every dialect
    safe_alternative: ClassVar[str] = ""

    def check(self, op: Operation, ctx: Context) -> str | None:
        """The message when ``op`` breaks the rule, else None."""
        raise NotImplementedError

    def check_statement(self, facts: StatementFacts, ctx: Context) -> str | None:
        """For `mgen lint`: the message when a SQL statement that is no schema operation (an UPDATE, a
        DELETE) breaks the rule, else None. Most rules are about operations and keep this default."""
        return None

    def severity_for(self, op: Operation, ctx: Context) -> str:
        """The severity of a finding; a rule may step it up or down with the context (table size)."""
        return self.severity


_rules: list[Rule] = []


def all_rules() -> list[Rule]:
    """Every rule module of this package, sorted by id."""
    if not _rules:
        for info in pkgutil.iter_modules(__path__):
            module = import_module(f".{info.name}", __name__)
            if isinstance(getattr(module, "RULE", None), Rule):
                _rules.append(module.RULE)
        _rules.sort(key=lambda r: r.id)
    return _rules


def analyze(ops: Sequence[Operation], old: Schema, dialect: str, *, server_version: tuple[int, ...] | None = None,
            stats: dict[str, TableStats] | None = None,
            statements: Sequence[StatementFacts | None] | None = None,
            created_here: Iterable[str] = (), altered_here: Iterable[str] = (),
            final: Schema | None = None) -> list[Finding]:
    """Findings on ``ops`` applied to ``old``. ``created_here``/``altered_here`` carry what earlier parts
    of the same migration did (lint judges a file statement by statement); ``final`` defaults to the
    schema after ``ops``."""
    findings: list[Finding] = []
    state, created, altered = old, set(created_here), set(altered_here)
    final = final if final is not None else apply_all(ops, old)
    for i, op in enumerate(ops):
        ctx = Context(dialect, state, frozenset(created), server_version, stats,
                      statements[i] if statements is not None else None, final, frozenset(altered))
        for rule in all_rules():
            if rule.dialects is not None and dialect not in rule.dialects:
                continue
            message = rule.check(op, ctx)
            if message:
                findings.append(Finding(rule.id, rule.severity_for(op, ctx), message, i, op.describe(),
                                        rule.safe_alternative))
        if isinstance(op, CreateTable):
            created.add(op.table)
        elif op.table and op.table not in created:
            altered.add(op.table)
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
