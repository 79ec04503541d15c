"""Part of the Alembic native driver: run by the project's interpreter, never imported by mgen (``alembic.native``
puts this text after ``native_using.py``, whose ``postgresql_directive_ops`` it uses; ``native_driver.py``'s ``keep_changes`` calls
``add_postgresql_ops``).

Autogenerate writes an index it finds in the database and not in the models as ``op.drop_index`` in the upgrade and
``op.create_index`` in the downgrade, rebuilt from what SQLAlchemy reflects: the access method
(``postgresql_using='gin'``) but not the operator classes. A GIN index on a ``varchar`` column made with
``gin_trgm_ops`` is then re-created in the downgrade without it, and PostgreSQL refuses (``data type character
varying has no default operator class for access method "gin"``): the revision does not reverse. The native engine
asks the scratch database (which has the index: it is at the revision before) for the index's operator classes,
read-only, and adds the ones that are not their type's default as ``postgresql_ops={column: opclass}``, as the
index was made. An index whose keys include an expression (no column to name) is left as autogenerate wrote it;
a create of an index the scratch database does not have (a new index of the models) is not touched. Each
``postgresql_ops`` added is said in a note. Alembic's own renderer writes it (an index's dialect keywords).
"""
# ruff: noqa: UP031, F821 - run by the project's interpreter, which may predate f-strings (Python 3.5);
# postgresql_directive_ops
# comes from native_using.py, put before this text

INDEX_OPCLASSES = (
    "SELECT a.attname, opc.opcname, opc.opcdefault FROM pg_index i "
    "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
    "JOIN pg_namespace n ON n.oid = t.relnamespace "
    "JOIN LATERAL unnest(i.indkey::int2[], i.indclass::oid[]) WITH ORDINALITY AS k(attnum, opclass, ord) ON true "
    "JOIN pg_opclass opc ON opc.oid = k.opclass "
    "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0 "
    "WHERE ic.relname = :index AND t.relname = :table AND n.nspname = coalesce(:schema, current_schema()) "
    "ORDER BY k.ord")


def add_postgresql_ops(context, directives):
    """``postgresql_ops`` on each ``create_index`` that re-creates an index of the scratch database made with
    operator classes that are not the default; the notes that say so."""
    found = postgresql_directive_ops(context, directives)
    if found is None:
        return []
    bind, _, ops = found
    from alembic.operations import ops as alembic_ops

    said = []
    for op in ops:
        if not isinstance(op, alembic_ops.CreateIndexOp) or op.kw.get("postgresql_ops") or not op.index_name:
            continue
        classes = index_opclasses(bind, op.index_name, op.table_name, op.schema)
        if classes:
            op.kw["postgresql_ops"] = classes
            said.append("postgresql_ops=%r added to create_index %s on %s (the index in the database has these "
                        "operator classes; autogenerate does not reflect them, and without them PostgreSQL "
                        "refuses or builds another index)" % (classes, op.index_name, op.table_name))
    return said


def index_opclasses(bind, index, table, schema):
    """``{column: opclass}`` of the index's keys whose operator class is not their type's default; None when the
    index is not in the database, none is needed, or a key is an expression (asked in a savepoint, so the
    revision's transaction goes on)."""
    from sqlalchemy import text

    try:
        with bind.begin_nested():
            rows = bind.execute(text(INDEX_OPCLASSES), {"index": index, "table": table, "schema": schema}).fetchall()
    except Exception:  # noqa: BLE001 - a catalog PostgreSQL cannot answer: left as autogenerate wrote it
        return None
    if not rows or any(column is None for column, _, _ in rows):
        return None
    return {column: opclass for column, opclass, default in rows if not default} or None
