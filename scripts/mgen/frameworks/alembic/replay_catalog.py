"""A revision's query of the database's catalog, answered from the schema replayed so far.

A revision may ask MySQL which columns to change (``conn.execute("SELECT TABLE_NAME, COLUMN_NAME FROM
information_schema.COLUMNS WHERE table_schema=DATABASE() AND DATA_TYPE='datetime'").fetchall()``) and loop
over the rows with ``op.alter_column``. What ``information_schema.COLUMNS`` / ``TABLES`` hold at that point of
``alembic upgrade`` is the replayed schema, so the query is run on an in-memory SQLite copy of those two views
(one row per table and column of the replayed schema, in MySQL's spelling: ``DATA_TYPE`` ``datetime``,
``COLUMN_TYPE`` ``datetime(6)``, ``varchar(80)``, ``tinyint(1)``, integers without a display width as MySQL 8
shows them), translated by sqlglot. Only a single ``SELECT`` reading nothing but those two views is answered;
anything else (another catalog table, another database's schema, a user table) stays unknown.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from ...schema import Schema

_SCHEMA = "db"  # the database being migrated, as DATABASE() names it
_VIEWS = {
    "columns": ("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION", "COLUMN_DEFAULT",
                "IS_NULLABLE", "DATA_TYPE", "COLUMN_TYPE", "CHARACTER_MAXIMUM_LENGTH", "NUMERIC_PRECISION",
                "NUMERIC_SCALE", "DATETIME_PRECISION", "EXTRA"),
    "tables": ("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE"),
}


def catalog_rows(sql: str, schema: Schema, dialect: str) -> list[tuple[Any, ...]] | None:
    """The rows ``sql`` returns on a database holding ``schema`` (None: not a query of the catalog views
    this module answers)."""
    if dialect != "mysql":
        return None
    try:
        import sqlglot
        from sqlglot import exp

        from ...statements import quiet_sqlglot

        with quiet_sqlglot():
            trees = sqlglot.parse(sql, read="mysql")
    except Exception:  # noqa: BLE001 - sqlglot's errors: not a query answered here
        return None
    if len(trees) != 1 or not isinstance(trees[0], exp.Select):
        return None
    tree = trees[0]
    tables = list(tree.find_all(exp.Table))
    if not tables or any(t.db.lower() != "information_schema" or t.name.lower() not in _VIEWS for t in tables):
        return None
    for table in tables:
        table.set("this", exp.to_identifier(f"information_schema__{table.name.lower()}"))
        table.set("db", None)
    for func in list(tree.find_all(exp.Anonymous, exp.CurrentSchema)):
        name = func.name.lower() if isinstance(func, exp.Anonymous) else "database"
        if name in ("database", "schema"):
            func.replace(exp.Literal.string(_SCHEMA))
        elif isinstance(func, exp.Anonymous):
            return None
    try:
        query = tree.sql(dialect="sqlite")
        with sqlite3.connect(":memory:") as conn:
            _fill(conn, schema)
            return [tuple(row) for row in conn.execute(query).fetchall()]
    except (sqlite3.Error, ValueError):
        return None


def _fill(conn: sqlite3.Connection, schema: Schema) -> None:
    from ...dialects import get_dialect

    mysql = get_dialect("mysql")
    for view, columns in _VIEWS.items():
        conn.execute(f"CREATE TABLE information_schema__{view} ({', '.join(columns)})")
    for table in schema.tables:
        conn.execute("INSERT INTO information_schema__tables VALUES (?, ?, ?, ?)",
                     ("def", _SCHEMA, table.name, "BASE TABLE"))
        for position, column in enumerate(table.columns, start=1):
            column_type = mysql.type_sql(column.type, schema, column).lower()
            data_type = column_type.split("(", 1)[0].split(" ", 1)[0]
            t = column.type
            conn.execute(f"INSERT INTO information_schema__columns VALUES ({', '.join('?' * 14)})", (
                "def", _SCHEMA, table.name, column.name, position,
                column.default.value if column.default is not None else None,
                "YES" if column.nullable else "NO", data_type, column_type,
                t.length if t.name in ("char", "varchar", "binary") else None,
                t.precision if t.name == "numeric" else None, t.scale if t.name == "numeric" else None,
                (t.precision or 0) if t.name in ("timestamp", "timestamptz", "time") else None,
                "auto_increment" if column.identity is not None else ""))


__all__ = ["catalog_rows"]
