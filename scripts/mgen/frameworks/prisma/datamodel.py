"""A parsed Prisma schema resolved into tables as ``prisma migrate`` creates them: column types per provider,
defaults, keys, indexes, foreign keys with Prisma's default referential actions, implicit many-to-many
``_AToB`` tables, and every constraint and index name as Prisma derives it (``names.py``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import MgenError
from .names import index_name
from .psl import Attribute, Block, Call, Field, Str
from .types import SCALARS, column_type

PROVIDERS = ("postgresql", "mysql", "sqlite")
ACTIONS = {"Cascade": "CASCADE", "Restrict": "RESTRICT", "NoAction": "NO ACTION", "SetNull": "SET NULL",
           "SetDefault": "SET DEFAULT"}
SERIAL_BASE = {"SERIAL": "INTEGER", "BIGSERIAL": "BIGINT", "SMALLSERIAL": "SMALLINT"}
CLIENT_DEFAULTS = ("uuid", "cuid", "nanoid", "ulid")  # made by Prisma Client: no database default


@dataclass
class PColumn:
    name: str
    type: str  # SQL type as Prisma writes it
    not_null: bool
    default: str | None = None  # SQL text
    autoincrement: bool = False


@dataclass
class PTable:
    name: str
    columns: list[PColumn] = field(default_factory=list)
    pk_name: str | None = None
    pk: tuple[str, ...] = ()
    uniques: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # name, cols, method, and what follows each column: "DESC", an operator class ("jsonb_path_ops") or ""
    indexes: list[tuple[str, tuple[str, ...], str | None, tuple[str, ...]]] = field(default_factory=list)
    fks: list[tuple[str, tuple[str, ...], str, tuple[str, ...], str, str]] = field(default_factory=list)


@dataclass
class Datamodel:
    provider: str
    tables: list[PTable]
    enums: list[tuple[str, tuple[str, ...]]]


def _map(attrs, default: str) -> str:
    """A ``@map("x")``/``@@map("x")`` name, else ``default``."""
    for a in attrs:
        if a.name == "map":
            value = a.arg("name")
            if isinstance(value, Str):
                return value.value
    return default


def _strings(value) -> str | None:
    return value.value if isinstance(value, Str) else None


class _Resolver:
    def __init__(self, blocks: list[Block], unique_join_tables: bool = False):
        # Prisma before 6 keyed implicit many-to-many tables by a unique index `_AB_unique`, as on SQLite still
        self.unique_join_tables = unique_join_tables
        self.blocks = blocks
        sources = [b for b in blocks if b.kind == "datasource"]
        if not sources:
            raise MgenError("the Prisma schema has no datasource block", blocks[0].file if blocks else None)
        ds = sources[0]
        provider = _strings(ds.settings.get("provider"))
        if provider not in PROVIDERS:
            raise MgenError(f"datasource provider {provider!r} is not supported (postgresql, mysql, sqlite)",
                            ds.file, ds.line)
        self.provider = provider
        # relationMode = "prisma": relations are kept by Prisma Client, no foreign key reaches the database
        self.foreign_keys_in_db = _strings(ds.settings.get("relationMode")) != "prisma"
        for b in blocks:
            if b.kind in ("view", "type"):
                raise MgenError(f"Prisma {b.kind}s are not supported ({b.kind} {b.name})", b.file, b.line)
            if b.attribute("schema"):
                raise MgenError("@@schema (multiSchema) is not supported", b.file, b.attribute("schema").line)
        self.models = {b.name: b for b in blocks if b.kind == "model"}
        self.enums = {b.name: b for b in blocks if b.kind == "enum"}
        self.limit = {"postgresql": 63, "mysql": 64, "sqlite": 10_000}[provider]

    # -- names ---------------------------------------------------------------------------------------
    def table_of(self, model: Block) -> str:
        return _map(model.attributes, model.name)

    def column_of(self, model: Block, name: str, line: int) -> str:
        f = next((f for f in model.fields if f.name == name), None)
        if f is None:
            raise MgenError(f"model {model.name} has no field {name!r}", model.file, line)
        return _map(f.attributes, f.name)

    def field_list(self, model: Block, value, line: int) -> tuple[str, ...]:
        if isinstance(value, (str, Call)):  # @@index(userId): one field without brackets
            value = [value]
        if not isinstance(value, list):
            raise MgenError("expected a list of fields", model.file, line)
        names = [v.name if isinstance(v, Call) else v for v in value]
        return tuple(self.column_of(model, n, line) for n in names)

    def named(self, attr: Attribute, key: str) -> str | None:
        return _strings(attr.arg(key, None))

    # -- fields --------------------------------------------------------------------------------------
    def is_relation(self, f: Field) -> bool:
        return f.type in self.models

    def column(self, model: Block, f: Field) -> PColumn:
        where = (model.file, f.line)
        native = next((a for a in f.attributes if a.name.startswith("db.")), None)
        if f.type in self.enums:
            enum = self.enums[f.type]
            values = [_map(v.attributes, v.name) for v in enum.fields]
            sql = {"postgresql": f'"{_map(enum.attributes, enum.name)}"',
                   "mysql": "ENUM(" + ", ".join(_quote(v) for v in values) + ")", "sqlite": "TEXT"}[self.provider]
        elif f.type == "Unsupported":
            sql = _strings(f.type_args[0].value) if f.type_args else None
            if sql is None:
                raise MgenError("Unsupported(...) needs the type as a string", *where)
        else:
            native_spec = None
            if native is not None:
                native_spec = (native.name[3:], tuple(str(a.value) for a in native.args))
            sql = column_type(self.provider, f.type, native_spec, where)
        if f.list:
            if self.provider != "postgresql":
                raise MgenError(f"scalar lists ({f.type}[]) exist on PostgreSQL only", *where)
            sql += "[]"
        col = PColumn(_map(f.attributes, f.name), sql, not (f.optional or f.list))
        default = f.attribute("default")
        if default is not None:
            self.apply_default(col, f, default.arg("value"), where)
        return col

    def apply_default(self, col: PColumn, f: Field, value, where: tuple[str, int]) -> None:
        if isinstance(value, Call):
            name = value.name
            if name == "autoincrement":  # SQLite autoincrements INTEGER PRIMARY KEY only: Prisma says nothing else
                col.autoincrement = self.provider != "sqlite" or col.type == "INTEGER"
                if self.provider == "postgresql":
                    col.type = {v: k for k, v in SERIAL_BASE.items()}.get(col.type, col.type)
            elif name == "now":
                col.default = "CURRENT_TIMESTAMP" + (_precision(col.type) if self.provider == "mysql" else "")
            elif name == "dbgenerated":
                col.default = _strings(value.args[0].value) if value.args else None
            elif name not in CLIENT_DEFAULTS:
                raise MgenError(f"@default({name}()) is not supported", *where)
            return
        if isinstance(value, list):
            items = ", ".join(self.literal(f, v) for v in value)
            col.default = f"ARRAY[{items}]::{col.type}"
            return
        col.default = self.literal(f, value)

    def literal(self, f: Field, value) -> str:
        if isinstance(value, Str):
            return _quote(value.value)
        if f.type in self.enums:  # an enum value, by its mapped name
            member = next((v for v in self.enums[f.type].fields if v.name == value), None)
            return _quote(_map(member.attributes, member.name) if member else str(value))
        return str(value)

    # -- models --------------------------------------------------------------------------------------
    def table(self, model: Block) -> PTable:
        table = PTable(self.table_of(model))
        for f in model.fields:
            if self.is_relation(f) or f.attribute("ignore"):
                continue
            table.columns.append(self.column(model, f))
            col = table.columns[-1].name
            if (a := f.attribute("id")) is not None:
                if self.provider == "sqlite" and table.columns[-1].type == "INTEGER":
                    table.columns[-1].autoincrement = True  # Prisma's engine writes AUTOINCREMENT for any Int @id
                table.pk, table.pk_name = (col,), self.named(a, "map") or index_name(table.name, (), "_pkey", self.limit)
            if (a := f.attribute("unique")) is not None:
                table.uniques.append((self.named(a, "map") or index_name(table.name, (col,), "_key", self.limit), (col,)))
        for a in model.attributes:
            handler = BLOCK_ATTRIBUTES.get(a.name)
            if handler is None:
                raise MgenError(f"@@{a.name} is not supported", model.file, a.line)
            handler(self, model, table, a)
        if not table.pk and not table.uniques and not model.attribute("ignore"):
            raise MgenError(f"model {model.name} has no @id, @@id or unique field (Prisma requires one)",
                            model.file, model.line)
        return table

    def foreign_keys(self, model: Block, table: PTable) -> None:
        for f in model.fields:
            rel = f.attribute("relation")
            if not self.foreign_keys_in_db or not self.is_relation(f) or rel is None or rel.arg("fields", None) is None:
                continue
            target = self.models[f.type]
            cols = self.field_list(model, rel.arg("fields", None), rel.line)
            refs = self.field_list(target, rel.arg("references", None), rel.line)
            required = all(not g.optional for g in model.fields if _map(g.attributes, g.name) in cols)
            on_delete = rel.arg("onDelete", None) or ("Restrict" if required else "SetNull")
            on_update = rel.arg("onUpdate", None) or "Cascade"
            name = self.named(rel, "map") or index_name(table.name, cols, "_fkey", self.limit)
            table.fks.append((name, cols, self.table_of(target), refs, ACTIONS[on_delete], ACTIONS[on_update]))

    def implicit_many_to_many(self) -> list[PTable]:
        seen: dict[tuple, list[tuple[Block, Field]]] = {}
        for model in self.models.values():
            for f in model.fields:
                if not (self.is_relation(f) and f.list):
                    continue
                other = self.models[f.type]
                rel_name = _relation_name(f)
                # the other side: the field of the same relation (by name); a list too, or it is one-to-many
                back = [g for g in other.fields if g.type == model.name and g is not f and _relation_name(g) == rel_name]
                if not back or not all(g.list for g in back):
                    continue
                key = (rel_name, *sorted((model.name, other.name)))
                seen.setdefault(key, []).append((model, f))
        tables = []
        for (rel_name, a_name, b_name) in seen:
            a, b = self.models[a_name], self.models[b_name]
            name = "_" + (rel_name or f"{a_name}To{b_name}")
            t = PTable(name)
            if self.provider == "sqlite" or self.unique_join_tables:  # else the primary key (Prisma 6)
                t.uniques.append((index_name(name, ("AB",), "_unique", self.limit), ("A", "B")))
            else:
                t.pk, t.pk_name = ("A", "B"), index_name(name, ("AB",), "_pkey", self.limit)
            for col, model in (("A", a), ("B", b)):
                id_field = self.id_field(model)
                sql = SERIAL_BASE.get(self.column(model, id_field).type)
                t.columns.append(PColumn(col, sql or self.column(model, id_field).type, True))
                t.fks += [] if not self.foreign_keys_in_db else [(f"{name}_{col}_fkey", (col,), self.table_of(model), (_map(id_field.attributes, id_field.name),),
                              "CASCADE", "CASCADE")]
            t.indexes.append((f"{name}_B_index", ("B",), None, ("",)))
            tables.append(t)
        return tables

    def id_field(self, model: Block) -> Field:
        f = next((f for f in model.fields if f.attribute("id")), None)
        if f is None:
            raise MgenError(f"an implicit many-to-many relation needs a single @id on {model.name}", model.file, model.line)
        return f

    def resolve(self) -> Datamodel:
        tables = []
        for model in self.models.values():
            t = self.table(model)
            self.foreign_keys(model, t)
            tables.append(t)
        tables += self.implicit_many_to_many()
        enums = [(_map(e.attributes, e.name), tuple(_map(v.attributes, v.name) for v in e.fields))
                 for e in self.enums.values()] if self.provider == "postgresql" else []
        return Datamodel(self.provider, tables, enums)


def _relation_name(f: Field) -> str | None:
    rel = f.attribute("relation")
    return _strings(rel.arg("name")) if rel else None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _precision(sql_type: str) -> str:
    return sql_type[sql_type.index("("):] if "(" in sql_type else ""


def _block_id(r: _Resolver, model: Block, table: PTable, a: Attribute) -> None:
    table.pk = r.field_list(model, a.arg("fields"), a.line)
    table.pk_name = r.named(a, "map") or index_name(table.name, (), "_pkey", r.limit)


def _block_unique(r: _Resolver, model: Block, table: PTable, a: Attribute) -> None:
    cols = r.field_list(model, a.arg("fields"), a.line)
    table.uniques.append((r.named(a, "map") or index_name(table.name, cols, "_key", r.limit), cols))


def _block_index(r: _Resolver, model: Block, table: PTable, a: Attribute) -> None:
    cols = r.field_list(model, a.arg("fields"), a.line)
    kind = a.arg("type", None)
    method = None if kind in (None, "BTree") else str(kind).lower()
    if method and r.provider != "postgresql":
        raise MgenError(f"@@index(type: {kind}) exists on PostgreSQL only", model.file, a.line)
    # @@index's "name" names the index in the database as "map" does (Prisma 2's spelling, still taken)
    name = r.named(a, "map") or r.named(a, "name") or index_name(table.name, cols, "_idx", r.limit)
    fields = a.arg("fields")
    fields = fields if isinstance(fields, list) else [fields]
    table.indexes.append((name, cols, method, tuple(_index_suffix(v, model, a.line) for v in fields)))


def _index_suffix(value, model: Block, line: int) -> str:
    """What Prisma writes after an index column: ``DESC`` for ``sort: Desc``, the operator class of ``ops:``
    (``JsonbPathOps`` -> ``jsonb_path_ops``, ``raw("text_pattern_ops")`` as given)."""
    if not isinstance(value, Call):
        return ""
    words = []
    for arg in value.args:
        if arg.name == "sort" and arg.value == "Desc":
            words.append("DESC")
        elif arg.name == "ops":
            ops = arg.value
            if isinstance(ops, Call) and ops.name == "raw" and ops.args:
                words.insert(0, _strings(ops.args[0].value) or "")
            else:
                words.insert(0, re.sub(r"(?<!^)(?=[A-Z])", "_", str(ops)).lower())
        elif arg.name != "sort":
            raise MgenError(f"index field argument {arg.name}: is not supported", model.file, line)
    return " ".join(words)


def _block_ignored(r: _Resolver, model: Block, table: PTable, a: Attribute) -> None:
    """``@@map`` (read with the table's name) and ``@@ignore`` change no column."""


BLOCK_ATTRIBUTES = {"id": _block_id, "unique": _block_unique, "index": _block_index, "map": _block_ignored,
                    "ignore": _block_ignored}
assert set(SCALARS) == set(PROVIDERS)


def resolve(blocks: list[Block], unique_join_tables: bool = False) -> Datamodel:
    """The tables, enums and names ``prisma migrate`` would create for these blocks."""
    return _Resolver(blocks, unique_join_tables).resolve()
