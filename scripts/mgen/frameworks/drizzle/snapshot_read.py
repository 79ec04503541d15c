"""drizzle-kit's last snapshot read back into a model: the schema ``drizzle-kit generate`` diffs the TypeScript
schema against, and so the current state (as drizzle-kit, a migration edited by hand does not move it: what such
an edit adds is left alone; ``framework.py`` notes where the SQL files and the snapshot differ). A snapshot
entry mgen cannot express (another schema, expression or partial indexes, identity or generated columns,
sequences, views, policies) is refused, naming the snapshot and the entry."""
from __future__ import annotations

from pathlib import Path

from ...errors import MgenError
from .model import NO_DEFAULT, Column, Enum, ForeignKey, Index, Model, Table


def read_snapshot(data: dict, path: Path) -> Model:
    def refuse(what: str) -> MgenError:
        return MgenError(f"drizzle-kit's snapshot has {what}: not supported yet", str(path))

    for kind in ("sequences", "views", "roles", "policies"):
        if data.get(kind):
            raise refuse(f"{kind} ({', '.join(sorted(data[kind]))[:80]})")
    model = Model()
    for key, e in (data.get("enums") or {}).items():
        if e.get("schema", "public") not in ("public", ""):
            raise refuse(f"enum {key} in schema {e.get('schema')!r}")
        model.enums.append(Enum(e["name"], list(e["values"])))
    for key, t in (data.get("tables") or {}).items():
        if t.get("schema") not in ("", "public", None):
            raise refuse(f"table {key} in schema {t.get('schema')!r}")
        if t.get("policies") or t.get("isRLSEnabled"):
            raise refuse(f"row-level security on {key}")
        table = Table(t["name"], str(path), 0)
        for c in t["columns"].values():
            if c.get("identity") or c.get("generated") or c.get("isUnique"):
                raise refuse(f"column {key}.{c['name']} with identity, generation or a column-level unique "
                             "(an older snapshot: run drizzle-kit up)")
            table.columns.append(Column(c["name"], c["name"], c["type"], bool(c.get("notNull")),
                                        bool(c.get("primaryKey")), c.get("default", NO_DEFAULT),
                                        c.get("typeSchema"), autoincrement=bool(c.get("autoincrement"))))
        for i in t.get("indexes", {}).values():
            cols = i.get("columns", [])
            if data.get("dialect") == "sqlite":  # column names, no methods
                if i.get("where"):
                    raise refuse(f"index {i['name']} with WHERE")
                table.indexes.append(Index(i["name"], list(cols), bool(i.get("isUnique"))))
                continue
            if i.get("where") or i.get("with") or any(
                    c.get("isExpression") or not c.get("asc", True) or c.get("nulls", "last") != "last"
                    or c.get("opclass") for c in cols):
                raise refuse(f"index {i['name']} (expressions, order, WHERE, WITH or operator classes)")
            table.indexes.append(Index(i["name"], [c["expression"] for c in cols], bool(i.get("isUnique")),
                                       i.get("method", "btree"), bool(i.get("concurrently"))))
        for f in t.get("foreignKeys", {}).values():
            if f.get("schemaTo") not in (None, "", "public"):
                raise refuse(f"foreign key {f['name']} to schema {f['schemaTo']!r}")
            table.foreign_keys.append(ForeignKey(f["name"], f["tableFrom"], list(f["columnsFrom"]), f["tableTo"],
                                                 list(f["columnsTo"]), f.get("onDelete") or "no action",
                                                 f.get("onUpdate") or "no action"))
        table.primary_keys = [(p["name"], list(p["columns"])) for p in t.get("compositePrimaryKeys", {}).values()]
        table.uniques = [(u["name"], list(u["columns"]), bool(u.get("nullsNotDistinct")))
                         for u in t.get("uniqueConstraints", {}).values()]
        if data.get("dialect") == "sqlite" and (t.get("checkConstraints") or t.get("uniqueConstraints")):
            raise refuse(f"check or unique constraints on SQLite table {key}")
        table.checks = [(k["name"], k["value"]) for k in t.get("checkConstraints", {}).values()]
        model.tables.append(table)
    return model
