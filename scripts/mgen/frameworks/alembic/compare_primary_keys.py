"""Primary keys compared as Alembic's autogenerate compares them: never (issue #13).

Autogenerate's comparators (``alembic.autogenerate.compare``) look at tables, columns, types, nullability,
server defaults, indexes, unique constraints, foreign keys and comments, not at a table's primary key: a model
that declares ``primary_key=True`` on a column the database has without one (lemur's
``certificate_notification_associations.id``, added by ``op.add_column(..., sa.Column("id", sa.Integer,
primary_key=True))``, which Alembic runs as ``ADD COLUMN id SERIAL NOT NULL`` with no constraint) is no change
to ``alembic revision --autogenerate``, and ``alembic check`` passes. A new table's primary key is part of its
``create_table`` and is written.

mgen answers the same: for a table the models and the replayed revisions both have, the primary key is the
replayed one, and one note names the tables whose keys differ (so the difference is said, never silent: a
project that wants it writes ``op.create_primary_key`` by hand, as it would with autogenerate). Where the
replayed key names a column the model's table no longer has, the model's key stays (dropping that column
drops the key with it).
"""
from __future__ import annotations

from dataclasses import replace

from ...schema import PrimaryKey, Schema, Table
from .compare_types import listed, tables_taken


def _shown(key: PrimaryKey | None) -> str:
    return f"({', '.join(key.columns)})" if key is not None else "none"


def as_autogenerate_compares_keys(models: Schema, replayed: Schema) -> tuple[Schema, list[str]]:
    """``models`` with each shared table's primary key taken from ``replayed`` where they differ; a note."""
    def take(table: Table, replayed_table: Table) -> tuple[Table, list[str]] | None:
        before, model = replayed_table.primary_key, table.primary_key
        same = (before.columns if before else None) == (model.columns if model else None)
        names = {c.name for c in table.columns}
        if same or (before is not None and not set(before.columns) <= names):
            return None  # the same columns (mgen compares no key names either), or a column gone
        return replace(table, primary_key=before), [f"{table.name} (model {_shown(model)}, revisions {_shown(before)})"]

    schema, taken = tables_taken(models, replayed, take)
    if not taken:
        return models, []
    note = (f"{len(taken)} table(s) whose primary key differs from the revisions': no change, as Alembic's "
            "autogenerate compares them (it never compares primary keys; write op.create_primary_key by hand to "
            f"change one): {listed(taken, 3)}")
    return schema, [note]
