"""A change worked out end to end, framework-free: the operations, the SQL both ways, the rules' findings.

- ``Plan``: one migration (``diff``, ``generate`` of a raw-SQL folder or of any framework whose change is a
  list of mgen operations);
- ``SeriesPlan``: the same change as a zero-downtime series (``--zero-downtime``), one migration per step;
- the parsing of ``--backfill`` / ``--batch-size`` and the automatic migration name.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import MgenError

if TYPE_CHECKING:
    from .operations import Operation
    from .rules import Finding, TableStats
    from .schema import Schema


class Plan:
    """A change worked out end to end: operations, SQL both ways, findings."""

    def __init__(self, old: Schema, ops: list[Operation], dialect: str, suggestions: Sequence[str] = (), *,
                 stats: dict[str, TableStats] | None = None, server_version: tuple[int, ...] | None = None):
        from .dialects import get_dialect, render_migration
        from .differ import normalize_for
        from .operations import apply_all
        from .rules import analyze

        old = normalize_for(old, get_dialect(dialect))
        self.old, self.ops, self.dialect = old, ops, dialect
        self.new = apply_all(ops, old)
        self.up, self.down = render_migration(ops, old, get_dialect(dialect))
        self.findings: list[Finding] = analyze(ops, old, dialect, server_version=server_version, stats=stats)
        self.suggestions = list(suggestions)

    @property
    def destructive(self) -> bool:
        return any(op.destructive for op in self.ops)

    def to_dict(self) -> dict:
        from .rules import safety_class

        return {
            "dialect": self.dialect,
            "operations": [
                {**op.to_dict(), "safety": safety_class(i, op, self.findings)} for i, op in enumerate(self.ops)
            ],
            "up": self.up,
            "down": self.down,
            "findings": [f.to_dict() for f in self.findings],
            "suggestions": self.suggestions,
        }

    def summary_lines(self) -> list[str]:
        from .rules import safety_class

        lines = [f"{len(self.ops)} operation{'s' if len(self.ops) != 1 else ''} ({self.dialect}):"]
        for i, op in enumerate(self.ops):
            lines.append(f"  {safety_class(i, op, self.findings):<12} {op.describe()}")
        if self.findings:
            lines.append("findings:")
            for f in self.findings:
                lines.append(f"  {f.severity} {f.rule} [op {f.operation + 1}]: {f.message}")
        if self.suggestions:
            lines.append("suggestions:")
            lines.extend(f"  {s}" for s in self.suggestions)
        return lines


class SeriesPlan:
    """A change worked out as a zero-downtime series (``--zero-downtime``): one migration per step."""

    def __init__(self, old: Schema, ops: list[Operation], dialect: str, suggestions: Sequence[str] = (), *,
                 backfills: dict[tuple[str, str], str] | None = None, batch_size: int | None = 1000):
        from .dialects import get_dialect
        from .differ import normalize_for
        from .operations import apply_all
        from .zerodowntime import plan_series, render_series

        old = normalize_for(old, get_dialect(dialect))
        self.old, self.ops, self.dialect = old, ops, dialect
        self.new = apply_all(ops, old)
        self.series = plan_series(ops, old, dialect, backfills=backfills, batch_size=batch_size)
        self.steps = render_series(self.series, old)
        self.suggestions = list(suggestions)

    def migrations(self, base_name: str):
        """The files to write, one per step, named ``{base}_{k}_{step}``."""
        from .formats import NewMigration

        out = []
        total = len(self.steps)
        for r in self.steps:
            header = [f"zero-downtime step {r.number} of {total} ({r.step.phase})"]
            if r.step.requires:
                header.append(f"apply only once {r.step.requires}")
            if not r.transactional:
                header.append("runs outside a transaction: the runner must not wrap it in one")
            header += [op.describe() for op in r.step.ops]
            name = base_name if total == 1 else f"{base_name}_{r.number:02d}_{r.step.name}"
            out.append(NewMigration(name, r.up, r.down, header, r.transactional))
        return out

    def to_dict(self) -> dict:
        from .rules import safety_class

        return {
            "dialect": self.dialect,
            "zero_downtime": True,
            "operations": [op.to_dict() for op in self.ops],
            "steps": [{
                "number": r.number,
                "name": r.step.name,
                "phase": r.step.phase,
                "requires": r.step.requires,
                "transactional": r.transactional,
                "operations": [{**op.to_dict(), "safety": safety_class(i, op, r.findings)}
                               for i, op in enumerate(r.step.ops)],
                "up": r.up,
                "down": r.down,
                "findings": [f.to_dict() for f in r.findings],
            } for r in self.steps],
            "notes": list(self.series.notes),
            "suggestions": self.suggestions,
        }

    def summary_lines(self) -> list[str]:
        from .rules import safety_class

        n, k = len(self.ops), len(self.steps)
        lines = [f"{n} operation{'s' if n != 1 else ''} as a zero-downtime series of "
                 + f"{k} migration{'s' if k != 1 else ''} ({self.dialect}):"]
        for r in self.steps:
            tx = "" if r.transactional else ", outside a transaction"
            lines.append(f"  {r.number}. [{r.step.phase}{tx}] {r.step.name}")
            if r.step.requires:
                lines.append(f"     apply only once {r.step.requires}")
            for i, op in enumerate(r.step.ops):
                lines.append(f"     {safety_class(i, op, r.findings):<12} {op.describe()}")
            for f in r.findings:
                lines.append(f"     {f.severity} {f.rule}: {f.message}")
        for note in self.series.notes:
            lines.append(f"  note: {note}")
        if self.suggestions:
            lines.append("suggestions:")
            lines.extend(f"  {s}" for s in self.suggestions)
        return lines

    def sql_lines(self) -> list[str]:
        lines = []
        for r in self.steps:
            lines.append(f"-- step {r.number}: {r.step.name} (up)")
            lines.append(sql_block(r.up))
            lines.append(f"-- step {r.number}: {r.step.name} (down)")
            lines.append(sql_block(r.down))
        return lines


def backfills(items: Sequence[str], dialect: str) -> dict[tuple[str, str], str]:
    """``--backfill TABLE.COLUMN=SQL``: the value existing rows get, as a canonical expression."""
    from .expressions import canonical

    out: dict[tuple[str, str], str] = {}
    for item in items:
        target, sep, sql = item.partition("=")
        table, dot, column = target.strip().rpartition(".")
        if not sep or not dot or not table or not column or not sql.strip():
            raise MgenError(f"--backfill {item!r}: expected TABLE.COLUMN=SQL, e.g. users.status='active'")
        out[(table, column)] = canonical(sql.strip(), dialect)
    return out


def batch_size(value: int) -> int | None:
    if value < 0:
        raise MgenError(f"--batch-size {value}: expected a positive number of rows, or 0 for one statement")
    return value or None


def sql_block(statements: Sequence[str]) -> str:
    return "\n".join(s.rstrip() + ";" for s in statements)


def auto_name(ops: Sequence[Operation]) -> str:
    """An automatic name from the first operations, in the manner of makemigrations."""
    words = []
    for op in ops[:2]:
        target = getattr(op, "column", None)
        target = getattr(target, "name", target)
        words.append("_".join(x for x in (op.kind, op.table, target if isinstance(target, str) else "") if x))
    name = "_and_".join(words)
    if len(ops) > 2:
        name += "_and_more"
    return name[:60] or "change"
