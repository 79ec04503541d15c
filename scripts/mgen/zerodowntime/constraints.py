"""Add a CHECK or a foreign key to a table in use: PostgreSQL adds it NOT VALID (new rows are checked,
existing ones are not: a brief lock), then VALIDATE CONSTRAINT in a transaction of its own scans the
rows under a lock that lets reads and writes go on. MySQL has no NOT VALID: one statement, alone in its
migration (the assembler's rule for statements that can fail on existing data)."""
from __future__ import annotations

from dataclasses import replace

from ..operations import AddCheck, AddForeignKey, ValidateConstraint
from . import Expansion, PlanContext, Step, expands


@expands(AddCheck, AddForeignKey)
def expand_constraint(op: AddCheck | AddForeignKey, ctx: PlanContext) -> Expansion | None:
    if not ctx.dialect.supports_not_valid:
        return None
    if isinstance(op, AddCheck):
        if not op.check.validated:
            return None
        first = replace(op, check=replace(op.check, validated=False))
        name = op.check.name
    else:
        if not op.foreign_key.validated:
            return None
        first = replace(op, foreign_key=replace(op.foreign_key, validated=False))
        name = op.foreign_key.name
    return Expansion((Step(f"add_{name}_not_valid", (first,)),
                      Step(f"validate_{name}", (ValidateConstraint(op.table, name),))))
