"""Add a NOT NULL column (or one whose default differs per row) to a table in use.

Expanded: add it nullable and without default, set the default for new rows, backfill the existing
rows in batches, then make it NOT NULL (``_common.not_null_steps``). A NOT NULL column with a constant
default is left alone: PostgreSQL 11+ and MySQL store such a default in the catalog, no row is written.
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import MgenError
from ..operations import AddColumn, AlterColumnDefault
from ..rules.volatile_default import is_volatile
from . import Expansion, PlanContext, Step, expands
from ._common import backfill_step, default_expression, has_default, not_null_steps


@expands(AddColumn)
def expand_add_column(op: AddColumn, ctx: PlanContext) -> Expansion | None:
    c = op.column
    if c.identity:
        ctx.notes.append(f"{op.table}.{c.name}: an identity column is added as it is (see add-identity-column)")
        return None
    if c.generated:
        ctx.notes.append(f"{op.table}.{c.name}: a generated column is added as it is (see add-stored-generated-column)")
        return None
    default = c.default if has_default(c) else None
    volatile = (default is not None and default.kind == "expression" and ctx.dialect.name == "postgresql"
                and is_volatile(default.value))
    if (c.nullable or default is not None) and not volatile:
        return None
    value = ctx.backfill_value(op.table, c.name) or (default_expression(default) if default else None)
    if value is None:
        raise MgenError(f"{op.table}.{c.name} is NOT NULL without a default: --zero-downtime needs the value "
                        f"existing rows get: --backfill {op.table}.{c.name}=SQL")
    add = [AddColumn(op.table, replace(c, nullable=True, default=None))]
    if default is not None:
        add.append(AlterColumnDefault(op.table, c.name, None, default))  # new rows only: no rewrite
    steps = [Step(f"add_{op.table}_{c.name}_nullable", tuple(add))]
    writes = (f"every insert fills {op.table}.{c.name}: the default does it" if default is not None
              else f"code that writes {op.table}.{c.name} on every insert is deployed")
    steps.append(backfill_step(ctx, op.table, c.name, value, requires=writes if not c.nullable else ""))
    if not c.nullable:
        steps += not_null_steps(op.table, c.name, ctx)
    return Expansion(tuple(steps))
