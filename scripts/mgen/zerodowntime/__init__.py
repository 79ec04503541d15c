"""``--zero-downtime``: risky operations become an ordered series of migrations (expand, then contract).

A migration that locks a busy table, or that the application version still running cannot live with,
is replaced by steps that each hold only brief locks, each its own migration file with its own down:

- the **expand** phase adds what the new code needs next to what the old code uses (a nullable column,
  an index built concurrently, a constraint added NOT VALID), fills it in batches, then tightens it;
- the **contract** phase, last, removes what only the old code used (the old column of a rename).

A step's ``requires`` says what must be deployed before it is applied (code that writes both columns).

One module per kind of operation expands it (``@expands(AddColumn)``): it gets the operation and a
``PlanContext`` and returns an ``Expansion``, or None when the operation is safe as it is (a table
created in the same migration, a change the dialect makes in place). Operations that are not expanded
are gathered, in order, into plain steps. Then the assembler keeps PostgreSQL's rule that a statement
which cannot run in a transaction (CONCURRENTLY, a batched backfill that commits) has a migration of its
own, and MySQL's that a statement which can fail on existing data has one too (MySQL DDL is not
transactional: a migration failing halfway would leave its first statements applied).

The series is checked before it is returned: applied to OLD, its operations must give the schema the
original operations give (the differ finds nothing between the two).
"""
from __future__ import annotations

import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import import_module

from ..dialects import get_dialect
from ..dialects.base import Dialect
from ..errors import MgenError
from ..operations import CreateTable, Operation, apply_all
from ..schema import Schema

DEFAULT_BATCH_SIZE = 1000
# Each transactional PostgreSQL step starts with SET LOCAL lock_timeout: a DDL statement that cannot get
# its lock soon gives up (run the migration again later) instead of queueing every query behind it.
DEFAULT_LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class Step:
    """One migration of the series."""

    name: str  # short slug: what the step does ("add_users_email_nullable")
    ops: tuple[Operation, ...]
    requires: str = ""  # what must be true (deployed) before this step is applied
    phase: str = "expand"  # "expand" | "contract"


@dataclass(frozen=True)
class Expansion:
    steps: tuple[Step, ...]
    contract: tuple[Step, ...] = ()  # appended after every expand step of the series


@dataclass(frozen=True)
class PlanContext:
    dialect: Dialect
    before: Schema  # the schema just before the operation, in the original order
    backfills: Mapping[tuple[str, str], str]  # (table, column) -> canonical expression for existing rows
    batch_size: int | None
    notes: list[str] = field(default_factory=list)  # why an operation was kept as it is

    def backfill_value(self, table: str, column: str) -> str | None:
        return self.backfills.get((table, column))


Expander = Callable[[Operation, PlanContext], "Expansion | None"]
_EXPANDERS: dict[type, Expander] = {}


def expands(*op_types: type[Operation]):
    """Register the decorated function as the expansion of ``op_types``."""

    def register(fn: Expander) -> Expander:
        for t in op_types:
            _EXPANDERS[t] = fn
        return fn

    return register


def _load_expanders() -> None:
    if _EXPANDERS:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            import_module(f"{__name__}.{info.name}")


@dataclass
class Series:
    operations: list[Operation]  # the original operations
    steps: list[Step]
    dialect: str
    notes: list[str] = field(default_factory=list)  # operations kept as they are, and why


def plan_series(ops: Sequence[Operation], old: Schema, dialect: str, *,
                backfills: Mapping[tuple[str, str], str] | None = None,
                batch_size: int | None = DEFAULT_BATCH_SIZE) -> Series:
    """The zero-downtime series for ``ops`` applied to ``old`` on ``dialect``."""
    _load_expanders()
    d = get_dialect(dialect)
    backfills = dict(backfills or {})
    existing = {t.name for t in old.tables}
    state = old
    steps: list[Step] = []
    contract: list[Step] = []
    plain: list[Operation] = []
    notes: list[str] = []

    def flush() -> None:
        if plain:
            steps.append(Step(_plain_name(plain), tuple(plain)))
            plain.clear()

    for op in ops:
        expander = _EXPANDERS.get(type(op))
        expansion = None
        if expander is not None and d.name != "sqlite" and op.table in existing:
            ctx = PlanContext(d, state, backfills, batch_size, notes)
            expansion = expander(op, ctx)
        if expansion is None:
            plain.append(op)
        else:
            flush()
            steps.extend(expansion.steps)
            contract.extend(expansion.contract)
        if isinstance(op, CreateTable):
            existing.discard(op.table)  # a table made here holds no rows and no running code uses it
        state = op.apply(state)
    flush()
    if d.name == "sqlite" and ops:
        notes.append("sqlite: one writer at a time and no online DDL, so the series is the plain migration")
    unused = sorted(f"{t}.{c}" for t, c in backfills if not _used(steps + contract, t, c))
    if unused:
        raise MgenError(f"--backfill {', '.join(unused)}: no step of the series fills that column")
    series = Series(list(ops), _split(steps + contract, d, old), d.name, notes)
    _check_model(series, old, d)
    return series


def _used(steps: Sequence[Step], table: str, column: str) -> bool:
    from ..operations import Backfill

    return any(isinstance(op, Backfill) and op.table == table and op.column == column
               for s in steps for op in s.ops)


def _plain_name(ops: Sequence[Operation]) -> str:
    first = ops[0]
    target = getattr(first, "column", None)
    target = getattr(target, "name", target)
    name = "_".join(x for x in (first.kind, first.table, target if isinstance(target, str) else "") if x)
    return name + ("_and_more" if len(ops) > 1 else "")


def _split(steps: Sequence[Step], d: Dialect, old: Schema) -> list[Step]:
    """Give each statement that cannot share a migration one of its own (see the module docstring)."""
    from ..rules import all_rules, analyze

    hazards = {r.id: r.hazards for r in all_rules()}
    out: list[Step] = []
    state = old
    for step in steps:
        alone: set[int] = {i for i, op in enumerate(step.ops) if d.outside_transaction(op)}
        if not d.transactional_ddl and len(step.ops) > 1:
            for f in analyze(list(step.ops), state, d.name):
                if "fails on existing data" in hazards[f.rule]:
                    alone.add(f.operation)
        state = apply_all(step.ops, state)
        if not alone:
            out.append(step)
            continue
        parts: list[list[Operation]] = []
        closed = False  # the last part holds an operation that stays alone
        for i, op in enumerate(step.ops):
            if i in alone or not parts or closed:
                parts.append([op])
                closed = i in alone
            else:
                parts[-1].append(op)
        for k, part in enumerate(parts):
            name = step.name if len(parts) == 1 else f"{step.name}_{k + 1}"
            out.append(replace(step, name=name, ops=tuple(part), requires=step.requires if k == 0 else ""))
    return out


def _check_model(series: Series, old: Schema, d: Dialect) -> None:
    """The series must end where the original operations end; anything else is a bug here."""
    from ..differ import diff

    expected = apply_all(series.operations, old)
    actual = old
    for step in series.steps:
        actual = apply_all(step.ops, actual)
    left = diff(actual, expected, d).operations
    if left:
        raise MgenError("internal: the zero-downtime series does not reach the target schema: "
                        + "; ".join(op.describe() for op in left))


@dataclass
class RenderedStep:
    """A step as SQL: what is written to its migration file."""

    number: int  # 1-based position in the series
    step: Step
    up: list[str]
    down: list[str]
    transactional: bool
    findings: list  # rules.Finding for the step's operations, each naming its index in step.ops


def render_series(series: Series, old: Schema, lock_timeout: str | None = DEFAULT_LOCK_TIMEOUT
                  ) -> list[RenderedStep]:
    """Each step's up and down SQL and findings. ``lock_timeout`` (PostgreSQL; None: none) is set at
    the start of every step that runs in a transaction."""
    from ..operations import reverse_all
    from ..rules import StatementFacts, analyze

    d = get_dialect(series.dialect)
    out = []
    state = old
    for number, step in enumerate(series.steps, 1):
        after = apply_all(step.ops, state)
        up, down = d.render_ops(step.ops, state), d.render_ops(reverse_all(step.ops), after)
        transactional = not any(d.outside_transaction(op) for op in [*step.ops, *reverse_all(step.ops)])
        timeout = bool(lock_timeout) and transactional and d.name == "postgresql"
        if timeout:
            setting = f"SET LOCAL lock_timeout = {d.literal(str(lock_timeout))}"
            up, down = [setting] + up if up else up, [setting] + down if down else down
        # the rules judge the SQL as written: in a transaction or not, after the lock_timeout or not
        facts = [StatementFacts(text="", in_transaction=transactional, lock_timeout=timeout) for _ in step.ops]
        out.append(RenderedStep(number, step, up, down, transactional,
                                analyze(list(step.ops), state, d.name, statements=facts)))
        state = after
    return out
