"""The SQL reader: a DDL interpreter on sqlglot.

``read_sql_text`` splits a script into statements and APPLIES each one to a ``Schema``: CREATE TABLE
adds a table, ALTER TABLE changes it, DROP removes it. Because it interprets rather than collects,
the same function reads a ``pg_dump --schema-only`` / ``mysqldump --no-data`` / ``sqlite3 .schema``
file, SQLite's stored ``sqlite_master.sql`` text, and a folder of up-migrations folded in order.

Everything it produces follows the model's invariants (docs/architecture.md): portable types,
canonical expressions, a name for every constraint and index. Statements that do not describe tables
(SET, GRANT, INSERT, CREATE VIEW/FUNCTION/SEQUENCE, ...) are skipped and listed in
``SqlInterpreter.ignored``.

``interpreter`` dispatches each statement to its handler: ``tables`` (CREATE/DROP/RENAME TABLE,
column definitions, COMMENT ON), ``constraints`` (keys, foreign keys, CHECKs), ``indexes``,
``enums`` (CREATE/ALTER/DROP TYPE) and ``alter_table``, all on ``base`` (the state and the name
lookups). What each database does with a statement is its ``Dialect``'s (``mgen.dialects``).
"""
from __future__ import annotations

from pathlib import Path

from ...errors import MgenError
from ...schema import Schema
from .base import EMPTY_SCHEMA
from .interpreter import SqlInterpreter


def read_sql_text(text: str, dialect: str, schema: Schema = EMPTY_SCHEMA, filename: str | None = None, *,
                  as_applied: bool = True, skipped_schemas: dict[str, list[str]] | None = None) -> Schema:
    """Apply the DDL in ``text`` (written for ``dialect``: postgresql, mysql or sqlite) to ``schema``, as the
    database does (``as_applied``: PostgreSQL cuts a name over 63 bytes). ``as_applied=False`` reads a
    desired state: the names as the user wrote them, so that ``validate`` refuses one the database would cut.
    A statement on an object in a PostgreSQL schema other than ``public`` is refused at its line; with a
    ``skipped_schemas`` dict, skipped instead and recorded there (schema -> ``file:line`` of each), for a caller that reads the
    default schema only, as its own tool does."""
    interpreter = SqlInterpreter(dialect, schema, filename, cut_long_names=as_applied,
                                 other_schemas="refuse" if skipped_schemas is None else "skip")
    schema = interpreter.run(text)
    if skipped_schemas is not None:
        for namespace, lines in interpreter.skipped_schemas.items():
            skipped_schemas.setdefault(namespace, []).extend(lines)
    return schema


def sql_files(path: str) -> list[Path]:
    """The .sql files ``path`` names: itself, or every ``*.sql`` below it sorted by relative path."""
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        return sorted((f for f in p.rglob("*.sql") if f.is_file()), key=lambda f: f.relative_to(p).as_posix())
    raise MgenError(f"no such file or folder: {path}")


def read_sql_paths(path: str, dialect: str, schema: Schema = EMPTY_SCHEMA, *, as_applied: bool = True) -> Schema:
    """Fold one .sql file, or every .sql file in a folder (recursively, by name), into a Schema
    (``as_applied``: as ``read_sql_text``)."""
    for f in sql_files(path):
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise MgenError(f"cannot read: {e}", str(f)) from None
        schema = read_sql_text(text, dialect, schema, str(f), as_applied=as_applied)
    return schema


__all__ = ["SqlInterpreter", "read_sql_paths", "read_sql_text", "sql_files"]
