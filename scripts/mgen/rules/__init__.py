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
  (``StatementFacts``); None for migrations mgen renders itself, whose SQL the rule knows: a
  PostgreSQL migration runs in one transaction without a lock_timeout, and what it says beyond the
  schema change is in the operations' own fields (``AddIndex.online`` is CONCURRENTLY,
  ``Check.validated`` False is NOT VALID, ``AddUnique.using_index``, ``Backfill.batch_size``): a rule
  reads those fields and the statement facts alike, either is enough;
- ``final``: the schema once the whole migration has run (an index created later in the same file
  covers a foreign key created earlier); ``altered_here``: existing tables whose structure the
  migration changed before this point (an UPDATE on them runs under that DDL's lock);
- ``operations`` and ``index``: the operations analyzed together and this one's position among them (a
  rule about order, or about a column added earlier: ``is_new_column``); for `mgen lint` they are the
  operations of one statement, and ``earlier_statements`` lists the file's statements before it that
  changed the database (None for mgen's own migrations, where every operation is its own statement).
"""
from __future__ import annotations

import pkgutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import import_module
from typing import ClassVar

from ..operations import (
    AddColumn,
    Backfill,
    CreateTable,
    DropColumn,
    DropTable,
    Operation,
    RenameColumn,
    RenameTable,
    apply_all,
)
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
    operations: tuple[Operation, ...] = ()  # analyzed together; this one is operations[index]
    index: int = 0
    earlier_statements: tuple[str, ...] | None = None  # lint: "line N: first line" of each earlier change

    def is_new_table(self, table: str) -> bool:
        return table in self.created_here

    def is_new_column(self, table: str, column: str) -> bool:
        """The column did not exist when the migration began: its table is new, or an operation before
        this one added it (followed through renames). Its earlier values were all NULL (or a default),
        and the migration's down drops it again."""
        if self.is_new_table(table):
            return True
        added: set[tuple[str, str]] = set()
        for op in self.operations[:self.index]:
            if isinstance(op, AddColumn):
                added.add((op.table, op.column.name))
            elif isinstance(op, DropColumn):
                added.discard((op.table, op.column.name))
            elif isinstance(op, RenameColumn) and (op.table, op.column) in added:
                added = (added - {(op.table, op.column)}) | {(op.table, op.new_name)}
            elif isinstance(op, RenameTable):
                added = {(op.new_name if t == op.table else t, c) for t, c in added}
            elif isinstance(op, DropTable):
                added = {(t, c) for t, c in added if t != op.table}
        return (table, column) in added

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
            final: Schema | None = None, earlier_statements: Sequence[str] | None = None) -> list[Finding]:
    """Findings on ``ops`` applied to ``old``. ``created_here``/``altered_here``/``earlier_statements``
    carry what earlier parts of the same migration did (lint judges a file statement by statement);
    ``final`` defaults to the schema after ``ops``."""
    findings: list[Finding] = []
    state, created, altered = old, set(created_here), set(altered_here)
    final = final if final is not None else apply_all(ops, old)
    operations = tuple(ops)
    earlier = tuple(earlier_statements) if earlier_statements is not None else None
    for i, op in enumerate(ops):
        ctx = Context(dialect, state, frozenset(created), server_version, stats,
                      statements[i] if statements is not None else None, final, frozenset(altered),
                      operations, i, earlier)
        for rule in all_rules():
            if rule.dialects is not None and dialect not in rule.dialects:
                continue
            message = rule.check(op, ctx)
            if message:
                findings.append(Finding(rule.id, rule.severity_for(op, ctx), message, i, op.describe(),
                                        rule.safe_alternative))
        if isinstance(op, CreateTable):
            created.add(op.table)
        elif op.table and op.table not in created and not isinstance(op, Backfill):  # data only: no DDL lock
            altered.add(op.table)
        state = op.apply(state)
    return findings


def rule_by_id(rule_id: str) -> Rule:
    """The registered rule with this id (KeyError names an unknown one)."""
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    raise KeyError(f"no rule {rule_id!r}")


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
