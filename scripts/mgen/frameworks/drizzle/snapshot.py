"""drizzle-kit's snapshot (``meta/NNNN_snapshot.json``: version 7 on PostgreSQL, 6 on SQLite) of a model: what drizzle-kit
compares the TypeScript schema with on its next ``generate``, so the one mgen writes beside its migration must
be the one drizzle-kit would serialize from the same schema (the oracle tests run drizzle-kit after it)."""
from __future__ import annotations

import json
import uuid

from .model import NO_DEFAULT, Model, Table

VERSION = "7"
EMPTY_ID = "00000000-0000-0000-0000-000000000000"


def _table(t: Table) -> dict:
    columns = {}
    for c in t.columns:
        col = {"name": c.name, "type": c.type}
        if c.type_schema:
            col["typeSchema"] = c.type_schema
        col |= {"primaryKey": c.primary, "notNull": c.not_null}
        if c.default is not NO_DEFAULT:
            col["default"] = c.default
        columns[c.name] = col
    uniques = [(c.unique[0], [c.name], c.unique[1]) for c in t.columns if c.unique] + t.uniques
    return {
        "name": t.name, "schema": "",
        "columns": columns,
        "indexes": {i.name: {"name": i.name,
                             "columns": [{"expression": c, "isExpression": False, "asc": True, "nulls": "last"}
                                         for c in i.columns],
                             "isUnique": i.unique, "concurrently": i.concurrently, "method": i.method, "with": {}}
                    for i in t.indexes},
        "foreignKeys": {f.name: {"name": f.name, "tableFrom": f.table_from, "tableTo": f.table_to,
                                 "columnsFrom": f.columns_from, "columnsTo": f.columns_to,
                                 "onDelete": f.on_delete, "onUpdate": f.on_update} for f in t.foreign_keys},
        "compositePrimaryKeys": {name: {"name": name, "columns": cols} for name, cols in t.primary_keys},
        "uniqueConstraints": {name: {"name": name, "nullsNotDistinct": nnd, "columns": cols}
                              for name, cols, nnd in uniques},
        "policies": {},
        "checkConstraints": {name: {"name": name, "value": value} for name, value in t.checks},
        "isRLSEnabled": False,
    }


def snapshot(model: Model, prev_id: str) -> dict:
    return {
        "id": str(uuid.uuid4()), "prevId": prev_id, "version": VERSION, "dialect": "postgresql",
        "tables": {f"public.{t.name}": _table(t) for t in model.tables},
        "enums": {f"public.{e.name}": {"name": e.name, "schema": "public", "values": e.values} for e in model.enums},
        "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
        "_meta": {"columns": {}, "schemas": {}, "tables": {}},
    }


def _sqlite_table(t: Table) -> dict:
    columns = {}
    for c in t.columns:
        col = {"name": c.name, "type": c.type, "primaryKey": c.primary, "notNull": c.not_null,
               "autoincrement": c.autoincrement}
        if c.default is not NO_DEFAULT:
            col["default"] = c.default
        columns[c.name] = col
    indexes = [(c.unique[0], [c.name], True) for c in t.columns if c.unique] + \
        [(i.name, i.columns, i.unique) for i in t.indexes]
    return {
        "name": t.name, "columns": columns,
        "indexes": {name: {"name": name, "columns": cols, "isUnique": unique} for name, cols, unique in indexes},
        "foreignKeys": {f.name: {"name": f.name, "tableFrom": f.table_from, "tableTo": f.table_to,
                                 "columnsFrom": f.columns_from, "columnsTo": f.columns_to,
                                 "onDelete": f.on_delete, "onUpdate": f.on_update} for f in t.foreign_keys},
        "compositePrimaryKeys": {name: {"columns": cols, "name": name} for name, cols in t.primary_keys},
        "uniqueConstraints": {}, "checkConstraints": {},
    }


def sqlite_snapshot(model: Model, prev_id: str) -> dict:
    """drizzle-kit's SQLite snapshot (version 6): a column ``.unique()`` is a unique index there."""
    return {
        "version": "6", "dialect": "sqlite", "id": str(uuid.uuid4()), "prevId": prev_id,
        "tables": {t.name: _sqlite_table(t) for t in model.tables},
        "views": {}, "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}, "internal": {"indexes": {}},
    }


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
