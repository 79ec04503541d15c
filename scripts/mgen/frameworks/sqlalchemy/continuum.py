"""SQLAlchemy-Continuum's tables the models do not declare: taken from the revisions.

A class with ``__versioned__`` gets, when ``make_versioned()`` and ``configure_mappers()`` run, a version table
(``<table>_version``; association tables of its many-to-many relationships get one too) and the shared
``transaction`` table, shaped by the manager's options, plugins and transaction class (a project may
subclass every one of them). ``continuum_tables`` derives the version tables where what they depend on is
read (they are then in the models' schema). The rest is taken from the revisions:

- ``transaction`` (and the plugins' shared tables) and the version tables not derived, as the replayed
  history has them (a note says so): an unchanged versioned model needs no operation on them;
- a versioned model whose version table is not derived and whose table changes, or whose version table the
  history lacks, is refused naming the class (file:line) and why it is not derived; so is any versioned
  model when the history has no ``transaction`` table.
"""
from __future__ import annotations

from ...dialects import get_dialect
from ...differ import diff
from ...errors import MgenError
from ...schema import Schema

# tables Continuum's transaction class and its plugins add (TransactionChanges, TransactionMeta)
SHARED = ("transaction", "transaction_changes", "transaction_meta")
SUFFIX = "_version"  # Continuum's default table_name option: "%s_version"


def with_version_tables(models: Schema, replayed: Schema, versioned: dict[str, tuple[str, int, str, str]],
                        dialect: str) -> tuple[Schema, list[str]]:
    """``models`` with the Continuum tables of ``replayed``; an error for a versioned table that changes
    (one whose version table ``continuum_tables`` did not derive: the fourth item says why)."""
    d = get_dialect(dialect)
    for table, (path, line, cls, unread) in sorted(versioned.items()):
        if not unread:
            continue
        if unread.startswith("="):  # derived by Continuum's rules, where a project's builder may differ
            name = table + SUFFIX
            if not replayed.has_table(name) or not models.has_table(name) or diff(
                    Schema(tables=(replayed.table(name),)), Schema(tables=(models.table(name),)), d).operations:
                raise MgenError(f"the version table {name} of the many-to-many table {table} (SQLAlchemy-Continuum) "
                                f"would change or be created, and {unread[1:]}: mgen does not derive it then: write "
                                "this revision with --engine native", path, line)
            continue
        why = f"class {cls} is versioned (__versioned__, SQLAlchemy-Continuum; its version table is not derived: " \
              f"{unread})"
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
        path, line, cls, _ = min(versioned.values())
        raise MgenError(f"class {cls} is versioned (__versioned__, SQLAlchemy-Continuum): the revisions have no "
                        "transaction table, and mgen does not derive it (its class is the manager's transaction_cls, which a "
                        "project may replace): write this revision with --engine native", path, line)
    carried = [t for t in replayed.tables if not models.has_table(t.name) and (
        t.name in SHARED or t.name.endswith(SUFFIX) and models.has_table(t.name[:-len(SUFFIX)]))]
    for table in carried:  # an association table's version table taken as it is: its table must not change
        base = table.name[:-len(SUFFIX)] if table.name.endswith(SUFFIX) else None
        if base and base not in versioned and replayed.has_table(base) and models.has_table(base) and diff(
                Schema(tables=(replayed.table(base),)), Schema(tables=(models.table(base),)), d).operations:
            path, line, cls, _ = min(versioned.values())
            raise MgenError(f"table {base} changes, and its version table {table.name} (SQLAlchemy-Continuum: a "
                            "many-to-many table of a versioned class) is taken from the revisions as they are: mgen "
                            "does not derive it here (a builder= of the project's builds it): write this revision "
                            "with --engine native", path, line)
    schema = models
    for table in carried:
        schema = schema.with_table(table)
    for enum in replayed.enums:  # the types the carried tables use
        if any(c.type.enum == enum.name for t in carried for c in t.columns) and \
                not any(e.name == enum.name for e in schema.enums):
            schema = schema.with_enum(enum)
    names = ", ".join(t.name for t in carried)
    derived = sum(1 for v in versioned.values() if not v[3] or v[3].startswith("="))
    note = (f"SQLAlchemy-Continuum: {len(versioned)} versioned model(s), the version tables of {derived} derived "
            f"from the models; the tables made when the code runs ({names}) are taken from the revisions as they "
            "are, not read from the models")
    return schema, [note]


__all__ = ["with_version_tables"]
