"""SQLAlchemy-Continuum's tables, which the models do not declare: taken from the revisions.

A class with ``__versioned__`` gets, when ``make_versioned()`` and ``configure_mappers()`` run, a version table
(``<table>_version``: the table's columns copied, plus ``transaction_id``, ``end_transaction_id``,
``operation_type``; association tables between versioned classes get one too) and the shared
``transaction`` table, shaped by the manager's options, plugins and transaction class (a project may
subclass every one of them). Those are made by code that runs, not read here. So:

- the version tables and ``transaction`` the replayed history has are part of the models' schema as they
  are (a note says so): an unchanged versioned model needs no operation on them;
- a versioned model whose table changes, or one whose version table the history lacks, is refused naming
  the class (file:line): its version table would change with it, and mgen does not derive how.
"""
from __future__ import annotations

from ...dialects import get_dialect
from ...differ import diff
from ...errors import MgenError
from ...schema import Schema

# tables Continuum's transaction class and its plugins add (TransactionChanges, TransactionMeta)
SHARED = ("transaction", "transaction_changes", "transaction_meta")
SUFFIX = "_version"  # Continuum's default table_name option: "%s_version"


def with_version_tables(models: Schema, replayed: Schema, versioned: dict[str, tuple[str, int, str]],
                        dialect: str) -> tuple[Schema, list[str]]:
    """``models`` with the Continuum tables of ``replayed``; an error for a versioned table that changes."""
    d = get_dialect(dialect)
    for table, (path, line, cls) in sorted(versioned.items()):
        why = f"class {cls} is versioned (__versioned__, SQLAlchemy-Continuum)"
        if not replayed.has_table(table + SUFFIX):
            raise MgenError(f"{why}: its version table {table}{SUFFIX} is not in the revisions, and mgen does not "
                            "derive Continuum's tables (made when the code runs): write this revision with "
                            "--engine native", path, line)
        if replayed.has_table(table) and models.has_table(table):
            before = Schema(tables=(replayed.table(table),))
            after = Schema(tables=(models.table(table),))
            ops = diff(before, after, d).operations
            if ops:
                shown = "; ".join(op.describe() for op in ops[:3]) + ("; ..." if len(ops) > 3 else "")
                raise MgenError(f"{why}: its table changes ({shown}), and so does its version table {table}{SUFFIX} "
                                "in a way mgen does not derive (Continuum builds it when the code runs): write "
                                "this revision with --engine native", path, line)
    if not any(replayed.has_table(t) for t in SHARED):
        path, line, cls = min(versioned.values())
        raise MgenError(f"class {cls} is versioned (__versioned__, SQLAlchemy-Continuum): the revisions have no "
                        "transaction table, and mgen does not derive Continuum's tables: write this revision with "
                        "--engine native", path, line)
    carried = [t for t in replayed.tables if not models.has_table(t.name) and (
        t.name in SHARED or t.name.endswith(SUFFIX) and models.has_table(t.name[:-len(SUFFIX)]))]
    schema = models
    for table in carried:
        schema = schema.with_table(table)
    for enum in replayed.enums:  # the types the carried tables use
        if any(c.type.enum == enum.name for t in carried for c in t.columns) and \
                not any(e.name == enum.name for e in schema.enums):
            schema = schema.with_enum(enum)
    names = ", ".join(t.name for t in carried)
    note = (f"SQLAlchemy-Continuum: {len(versioned)} versioned model(s); their tables made when the code runs "
            f"({names}) are taken from the revisions as they are, not read from the models")
    return schema, [note]


__all__ = ["with_version_tables"]
