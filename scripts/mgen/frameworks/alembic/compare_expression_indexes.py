"""Expression indexes on PostgreSQL under SQLAlchemy 1.x, compared as Alembic's autogenerate compares them:
not at all (issue #13).

SQLAlchemy before 2.0 cannot reflect an index on an expression (``CREATE INDEX ... (lower(name))``): its
PostgreSQL ``get_indexes`` skips it with a warning ("Skipped unsupported reflection of expression-based
index"), and Alembic's PostgreSQL comparison then skips the models' expression indexes the database does not
show by name (``PostgresqlImpl`` -> ``_skip_functional_indexes`` when not ``sqla_2``: "autogenerate skipping
metadata-specified expression-based index"). So in a project that pins SQLAlchemy 1.x (lemur pins 1.3.24), an
expression index a revision created and the models do not declare (lemur's ``ix_certificates_cn_lower``,
``lower(cn) gin_trgm_ops``) is no change to ``alembic revision --autogenerate``, nor is one the models declare
and the revisions never made.

mgen answers the same where the project's pins say SQLAlchemy 1.x (``frameworks.pins``; no pin: the newer
rules, every index compared): for a table the models and the replayed revisions both have, the expression
indexes are the replayed ones, and one note names those that differ. An index on plain columns (``not_after
DESC`` included) is compared as before.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ...schema import Index, Schema, Table
from ..pins import pinned_version
from .compare_types import listed, tables_taken

_ORDERED_COLUMN = re.compile(r'^\(\s*"?\w+"?(\s+(asc|desc))?(\s+nulls\s+(first|last))?\s*\)$', re.IGNORECASE)


def _expression(index: Index) -> bool:
    """An index with an element on an expression (``(lower(name))``); a column with its order (``(id DESC)``,
    ``sa.text('id DESC')`` in a revision) is a column: SQLAlchemy 1.x reflects it."""
    return any(c.startswith("(") and not _ORDERED_COLUMN.match(c) for c in index.columns)


def applies(root: Path, dialect: str) -> bool:
    """Whether the project's autogenerate cannot see expression indexes: PostgreSQL under a pinned SQLAlchemy
    before 2.0."""
    if dialect != "postgresql":
        return False
    version = pinned_version(root, "sqlalchemy")
    return version is not None and version[0] < 2


def as_autogenerate_compares_expression_indexes(models: Schema, replayed: Schema) -> tuple[Schema, list[str]]:
    """``models`` with each shared table's expression indexes taken from ``replayed``; a note naming those that
    differed."""
    def take(table: Table, replayed_table: Table) -> tuple[Table, list[str]] | None:
        theirs = [i for i in replayed_table.indexes if _expression(i)]
        ours = [i for i in table.indexes if _expression(i)]
        if sorted(theirs, key=lambda i: i.name) == sorted(ours, key=lambda i: i.name):
            return None
        changed = sorted({i.name for i in theirs} ^ {i.name for i in ours}
                         | {i.name for i in theirs for j in ours if i.name == j.name and i != j})
        plain = tuple(i for i in table.indexes if not _expression(i))
        return replace(table, indexes=plain + tuple(theirs)), [f"{table.name}.{name}" for name in changed]

    schema, differed = tables_taken(models, replayed, take)
    if not differed:
        return models, []
    note = (f"{len(differed)} expression index(es) the models and the revisions differ on: no change, as Alembic's "
            "autogenerate compares them under the SQLAlchemy 1.x the project pins (it cannot reflect them and "
            f"skips them on both sides): {listed(differed, 4)}")
    return schema, [note]
