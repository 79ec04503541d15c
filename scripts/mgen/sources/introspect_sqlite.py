"""Read a live SQLite database into the portable model.

SQLite keeps the CREATE statements themselves in ``sqlite_master``; they go through the same DDL
interpreter as a .sql file (``mgen.sources.sql``), so there is one source of truth for SQLite DDL.
"""
from __future__ import annotations

from ..db import Connection
from ..schema import Schema

# Tables before indexes (an index needs its table); internal objects (sqlite_sequence, sqlite_stat1)
# and the automatic indexes behind PRIMARY KEY / UNIQUE (sql IS NULL) are not part of the schema.
_OBJECTS = """
SELECT type, name, sql FROM sqlite_master
WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql IS NOT NULL
ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid
"""


def schema_ddl(conn: Connection) -> str:
    """The database's CREATE TABLE / CREATE INDEX statements, one per line group, in build order."""
    return ";\n".join(sql for _, _, sql in conn.query(_OBJECTS)) + ";\n"


def introspect_sqlite(conn: Connection) -> Schema:
    """The schema of the connected SQLite database."""
    from .sql import read_sql_text  # the SQLite DDL interpreter (imported late: it pulls in sqlglot's parser)

    return read_sql_text(schema_ddl(conn), "sqlite", Schema(), filename=conn.url).normalized()
