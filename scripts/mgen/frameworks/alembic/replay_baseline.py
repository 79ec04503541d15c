"""Histories that start from a baseline no revision creates (an SQL dump, ``db.create_all()``).

The first revisions of such a project alter tables that no ``op.create_table`` made (lemur adds foreign
keys to ``certificates``, redash adds columns to ``queries``). A replay from an empty schema cannot
know them, so the baseline is taken, and said, from one of:

- **the database** (``--db URL``): ``database_baseline`` reads its ``alembic_version`` and its schema;
  only the revisions after the ones it is stamped at are replayed on top of it (``Baseline.applied``);
- **the models**: ``models_baseline`` takes from the models only the tables the revisions touch but never
  create (``uncreated_tables``, read statically from the revision files), and the tables their foreign keys
  in the models lead to that no revision creates (the baseline held those too). The replay then applies what the
  revisions do to those tables where it can, and skips with a note what conflicts with them (a column the
  models have already: ``replay_state.Conflict``; any other refusal stays one). Those tables are
  ``Baseline.assumed``: their current state is the models' own, so a change to them is not seen;
  ``RevisionReplay.assumed_tables`` names them and a note says so. A touched table the models no longer
  have (``Baseline.vanished``) is known only as dropped; a models table the history does not account for
  (``unaccounted_tables``: no revision creates or names it, no baseline foreign key leads to it) is refused,
  named: ``db.create_all()`` made the baseline from the models of its time, so it is one of the baseline or
  new since, and the files do not say which.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from ...errors import MgenError
from ...schema import Schema
from ..pyast import call_kwargs, parse_file
from .revisions import RevisionGraph

# positional index of the table-name arguments of each op.* / batch_op.* call, as Alembic's signatures
_TABLE_ARGS = {
    "add_column": (0,), "drop_column": (0,), "alter_column": (0,), "batch_alter_table": (0,),
    "create_index": (1,), "create_foreign_key": (1, 2), "create_unique_constraint": (1,),
    "create_check_constraint": (1,), "create_primary_key": (1,), "drop_constraint": (1,),
    "drop_table": (0,), "rename_table": (0,), "create_table_comment": (0,), "drop_table_comment": (0,),
}
_TABLE_KWARGS = ("table_name", "source_table", "referent_table", "source", "referent")


@dataclass(frozen=True)
class Baseline:
    """What the history starts from instead of an empty database."""

    schema: Schema
    source: str  # "the database at <url>" / "the models (<path>)"
    applied: tuple[str, ...] = ()  # revisions the baseline already includes (the database's alembic_version)
    assumed: tuple[str, ...] = ()  # tables taken from the models: their changes are not seen
    vanished: tuple[str, ...] = ()  # baseline tables the models no longer have: only their op.drop_table is known
    doomed: tuple[str, ...] = ()  # those of them a revision drops: an operation on them alone changes nothing left
    # tables of models older than the first revision (replay_git): the models may hold a revision's effect
    # already (committed before it), so a conflict on them is skipped with a note, as on ``assumed``
    tolerant: tuple[str, ...] = ()


def _strings(node: ast.expr) -> list[str]:
    return [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else []


def tables_in_revisions(graph: RevisionGraph) -> tuple[set[str], set[str]]:
    """(tables the revisions' op.* calls name, tables they create or rename to), read statically."""
    touched: set[str] = set()
    created: set[str] = set()
    for rev in graph.revisions.values():
        tree = parse_file(rev.path)
        upgrade = next((s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "upgrade"), None)
        if upgrade is None:
            continue
        for call in (n for n in ast.walk(upgrade) if isinstance(n, ast.Call)):
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else None
            if name == "create_table" and call.args:
                created.update(_strings(call.args[0]))
            elif name == "rename_table" and len(call.args) > 1:
                created.update(_strings(call.args[1]))
            if name in _TABLE_ARGS and isinstance(func.value, ast.Name) and func.value.id == "op":
                for i in _TABLE_ARGS[name]:
                    if len(call.args) > i:
                        touched.update(_strings(call.args[i]))
                for key, value in call_kwargs(call).items():
                    if key in _TABLE_KWARGS:
                        touched.update(_strings(value))
            if isinstance(func, (ast.Name, ast.Attribute)) and (name or getattr(func, "id", "")) == "ForeignKey" \
                    and call.args:
                touched.update(s.split(".")[0] for s in _strings(call.args[0]) if "." in s)
            if name == "create_table":  # sa.ForeignKeyConstraint([...], ["t.c"]) inside
                for inner in (n for n in ast.walk(call) if isinstance(n, ast.Call) and len(n.args) > 1):
                    f = inner.func
                    if (f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")) == "ForeignKeyConstraint" \
                            and isinstance(inner.args[1], (ast.List, ast.Tuple)):
                        touched.update(s.split(".")[0] for e in inner.args[1].elts for s in _strings(e) if "." in s)
    return touched, created


def dropped_tables(graph: RevisionGraph) -> set[str]:
    """Tables an ``op.drop_table("name")`` of some revision's upgrade drops, read statically."""
    out: set[str] = set()
    for rev in graph.revisions.values():
        upgrade = next((s for s in parse_file(rev.path).body if isinstance(s, ast.FunctionDef) and s.name == "upgrade"),
                       None)
        for call in (n for n in ast.walk(upgrade) if isinstance(n, ast.Call)) if upgrade is not None else ():
            if isinstance(call.func, ast.Attribute) and call.func.attr == "drop_table" and call.args:
                out.update(_strings(call.args[0]))
    return out


def uncreated_tables(graph: RevisionGraph) -> set[str]:
    """Tables the revisions alter or reference but no revision creates: the history has a baseline."""
    touched, created = tables_in_revisions(graph)
    return touched - created


def models_baseline(graph: RevisionGraph, models: Schema, source: str) -> Baseline | None:
    """The tables of ``models`` the revisions touch but never create; None when there are none.
    Touched tables the models lack are left out (``vanished``): a revision dropping one leaves the same schema
    whatever it held; any other operation on one is refused, naming it (the replay says which revision)."""
    touched, created = tables_in_revisions(graph)
    needed = touched - created
    if not needed:
        return None
    needed |= _referenced(models, needed, created)
    tables = tuple(t for t in models.tables if t.name in needed)
    enums = {c.type.enum for t in tables for c in t.columns if c.type.enum}
    schema = Schema(tables=tables, enums=tuple(e for e in models.enums if e.name in enums))
    vanished = tuple(sorted(needed - {t.name for t in tables}))
    doomed = tuple(sorted(set(vanished) & dropped_tables(graph)))
    return Baseline(schema, source, assumed=tuple(sorted(t.name for t in tables)), vanished=vanished, doomed=doomed)


def unaccounted_tables(graph: RevisionGraph, models: Schema, baseline: Baseline) -> list[str]:
    """The models' tables a history with a baseline does not account for: no revision creates them, none
    names them and no baseline table's foreign key leads to them. ``db.create_all()`` made the baseline from
    the models of its time, so such a table is either one of it or new since; the files do not say which."""
    _, created = tables_in_revisions(graph)
    return sorted(t.name for t in models.tables if t.name not in created and t.name not in baseline.assumed)


def _referenced(models: Schema, tables: set[str], created: set[str]) -> set[str]:
    """The models' tables the baseline tables' foreign keys lead to, no revision creating them: the
    baseline held them too, or its tables' keys would point at nothing."""
    found: set[str] = set()
    todo = list(tables)
    while todo:
        name = todo.pop()
        if not models.has_table(name):
            continue
        for fk in models.table(name).foreign_keys:
            if fk.ref_table not in tables | found | created:
                found.add(fk.ref_table)
                todo.append(fk.ref_table)
    return found


def database_baseline(url: str, graph: RevisionGraph) -> Baseline:
    """The database at ``url`` as the starting point: its schema without ``alembic_version``, and the
    revisions its ``alembic_version`` says are applied (with their ancestors)."""
    from ...db import connect, redact
    from ...sources.live import introspect_connection

    with connect(url) as conn:
        schema = introspect_connection(conn)
        if not schema.has_table("alembic_version"):
            raise MgenError(f"{redact(url)} has no alembic_version table: it is not stamped at a revision "
                            "(alembic stamp <revision>)")
        stamped = [r[0] for r in conn.query("SELECT version_num FROM alembic_version")]
    unknown = [r for r in stamped if r not in graph.revisions]
    if unknown:
        raise MgenError(f"{redact(url)} is at revision {', '.join(unknown)}, which no revision file defines")
    applied: list[str] = []
    for head in stamped:
        applied.extend(r.id for r in graph.upgrade_order(head) if r.id not in applied)
    return Baseline(schema.without_table("alembic_version"), f"the database at {redact(url)}", tuple(applied))


__all__ = ["Baseline", "database_baseline", "models_baseline", "tables_in_revisions", "unaccounted_tables",
           "uncreated_tables"]
