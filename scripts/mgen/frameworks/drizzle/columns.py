"""One column of a Drizzle table (PostgreSQL's pg-core, SQLite's sqlite-core): the builder (``integer("id")``, ``varchar("email", { length: 255 })``,
an enum's own builder) and its chain (``.notNull()``, ``.primaryKey()``, ``.default(...)``, ``.defaultNow()``,
``.defaultRandom()``, ``.unique()``, ``.array()``, ``.references(() => t.id, {...})``), as drizzle-kit
serializes them into its snapshot: the type's spelling, the default's (a bool, a number, or SQL text).
``$type``/``$defaultFn``/``$onUpdate`` are TypeScript or client-side only: no database effect, skipped. Anything
else is refused at its line. SQLite: ``integer({ mode })``, ``text({ length, mode, enum })``, ``real``, ``blob``,
``numeric``; ``.primaryKey({ autoIncrement: true })``."""
from __future__ import annotations

import json

from . import ts
from .model import Column, sql_string

SERIALS = {"serial": "serial", "bigserial": "bigserial", "smallserial": "smallserial"}
PLAIN = {"integer": "integer", "smallint": "smallint", "bigint": "bigint", "text": "text", "boolean": "boolean",
         "date": "date", "uuid": "uuid", "jsonb": "jsonb", "json": "json", "real": "real",
         "doublePrecision": "double precision", "inet": "inet", "cidr": "cidr", "macaddr": "macaddr"}
CLIENT_ONLY = {"$type", "$defaultFn", "$default", "$onUpdate", "$onUpdateFn"}
ACTIONS = ("cascade", "restrict", "no action", "set null", "set default")


SQLITE = {"integer": "integer", "int": "integer", "text": "text", "real": "real", "blob": "blob", "numeric": "numeric"}
PG_ONLY = {"defaultNow", "defaultRandom", "array"}


def builders() -> set[str]:
    return {*SERIALS, *PLAIN, *SQLITE, "varchar", "char", "numeric", "decimal", "timestamp", "time"}


def read_column(key: str, node, source: ts.Source, core: dict[str, str], enums: dict[str, object],
                sql_names: set[str], customs: frozenset[str] | set[str] = frozenset(),
                dialect: str = "postgresql") -> Column:
    """The column ``key: <chain>``; ``core`` maps local names to pg-core's exports, ``enums`` local names of
    ``pgEnum`` values to the enum's name and of ``customType`` builders (``customs``) to their SQL type."""
    links = ts.chain(node)
    if not links:
        raise source.refuse(node, f"column {key!r}: not a column builder call ({ts.text(node)[:60]})")
    builder, call = links[0]
    args = ts.arguments(call)
    name, config = key, {}
    if args and ts.string_value(args[0]) is not None:
        name, args = ts.string_value(args[0]), args[1:]
    if args:
        config = ts.value(args[0])
        if not isinstance(config, dict):
            raise source.refuse(args[0], f"column {key!r}: its options are not an object literal")
    if dialect == "sqlite":
        kind = _sqlite_type(builder, config, key, call, source, core, enums)
    else:
        kind = _type(builder, config, key, call, source, core, enums)
    column = Column(key, name, kind, line=call.start_point[0] + 1)
    if builder in enums and builder not in customs:
        column.type_schema = "public"
    if dialect != "sqlite" and core.get(builder) in SERIALS:
        column.not_null = True
    for method, link in links[1:]:
        if dialect == "sqlite" and (method in PG_ONLY or method == "primaryKey" and ts.arguments(link)):
            _sqlite_method(column, method, link, source)
        else:
            _method(column, method, link, source, sql_names)
    return column


def _sqlite_type(builder: str, config: dict, key: str, call, source, core, enums) -> str:
    if builder in enums:  # customType
        if isinstance(enums[builder], ts.Opaque):
            raise source.refuse(call, f"column {key!r}: the customType {builder} computes its SQL type")
        return enums[builder]
    kind = core.get(builder)
    if kind not in SQLITE:
        raise source.refuse(call, f"column {key!r}: {builder}() is no column builder of drizzle-orm/sqlite-core "
                                  "mgen knows")
    allowed = {"text": {"length", "mode", "enum"}, "integer": {"mode"}, "int": {"mode"}, "blob": {"mode"},
               "numeric": {"mode"}}.get(kind, set())
    _only(config, allowed, key, call, source)
    if kind == "text" and config.get("length") is not None:
        return f"text({config['length']})"
    return SQLITE[kind]


def _sqlite_method(column: Column, method: str, call, source: ts.Source) -> None:
    args = ts.arguments(call)
    options = ts.value(args[0]) if len(args) == 1 else None
    if method == "primaryKey" and isinstance(options, dict) and set(options) <= {"autoIncrement", "onConflict"} \
            and "onConflict" not in options and isinstance(options.get("autoIncrement", False), bool):
        column.primary = column.not_null = True
        column.autoincrement = options.get("autoIncrement", False)
        return
    raise source.refuse(call, f"column {column.key!r}: .{method}() is not supported on SQLite yet")


def _type(builder: str, config: dict, key: str, call, source, core, enums) -> str:
    if builder in enums:
        if isinstance(enums[builder], ts.Opaque):
            raise source.refuse(call, f"column {key!r}: the customType {builder} computes its SQL type "
                                      "(dataType() is not one literal return)")
        return enums[builder]
    kind = core.get(builder)
    if kind is None:
        raise source.refuse(call, f"column {key!r}: {builder}() is no column builder of drizzle-orm/pg-core "
                                  "mgen knows")
    if kind in SERIALS:
        return SERIALS[kind]
    if kind in PLAIN:
        _only(config, {"mode", "enum"}, key, call, source)
        return PLAIN[kind]
    if kind in ("varchar", "char"):
        _only(config, {"length", "enum"}, key, call, source)
        return f"{kind}({config['length']})" if config.get("length") is not None else kind
    if kind in ("numeric", "decimal"):
        _only(config, {"precision", "scale", "mode"}, key, call, source)
        p, s = config.get("precision"), config.get("scale")
        if p is not None and s is not None:
            return f"numeric({p}, {s})"
        return f"numeric({p})" if p is not None else "numeric"
    if kind in ("timestamp", "time"):
        _only(config, {"precision", "withTimezone", "mode"}, key, call, source)
        precision = f" ({config['precision']})" if config.get("precision") is not None else ""
        return f"{kind}{precision}{' with time zone' if config.get('withTimezone') else ''}"
    raise source.refuse(call, f"column {key!r}: the pg-core builder {kind}() is not supported yet")


def _only(config: dict, allowed: set[str], key: str, call, source) -> None:
    extra = sorted(set(config) - allowed)
    if extra:
        raise source.refuse(call, f"column {key!r}: option {extra[0]!r} is not supported yet")


def _method(column: Column, method: str, call, source: ts.Source, sql_names: set[str]) -> None:
    args = ts.arguments(call)
    if method in CLIENT_ONLY:
        return
    if method == "notNull" and not args:
        column.not_null = True
    elif method == "primaryKey" and not args:
        column.primary = column.not_null = True
    elif method == "defaultNow" and not args:
        column.default = "now()"
    elif method == "defaultRandom" and not args:
        column.default = "gen_random_uuid()"
    elif method == "array" and not args:
        column.type += "[]"
    elif method == "default" and len(args) == 1:
        column.default = _default(column, args[0], source, sql_names)
    elif method == "unique" and len(args) <= 2:
        name = ts.string_value(args[0]) if args else f"{{table}}_{column.name}_unique"
        options = ts.value(args[1]) if len(args) > 1 else {}
        if name is None or not isinstance(options, dict) or set(options) - {"nulls"}:
            raise source.refuse(call, f"column {column.key!r}: .unique() with arguments mgen cannot read")
        column.unique = (name, options.get("nulls") == "not distinct")
    elif method == "references" and 1 <= len(args) <= 2:
        options = ts.value(args[1]) if len(args) > 1 else {}
        if not isinstance(options, dict) or set(options) - {"onDelete", "onUpdate"} or \
                any(v not in ACTIONS for v in options.values()):
            raise source.refuse(call, f"column {column.key!r}: .references() options mgen cannot read")
        column.references = (args[0], options, source)
    else:
        raise source.refuse(call, f"column {column.key!r}: .{method}() is not supported yet")


def _default(column: Column, node, source: ts.Source, sql_names: set[str]):
    template = sql_template(node, sql_names)
    if template is not None:
        if any(c.type == "template_substitution" for c in template.named_children) or "\\" in ts.text(template):
            raise source.refuse(node, f"column {column.key!r}: a sql`` default with substitutions or escapes")
        return ts.text(template)[1:-1]
    found = ts.value(node)
    if isinstance(found, ts.Opaque) or found is None:
        raise source.refuse(node, f"column {column.key!r}: its default is computed at run time "
                                  f"({ts.text(node)[:60]})")
    if column.type.endswith("[]"):
        if isinstance(found, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in found):
            return "'{" + ",".join(str(v) for v in found) + "}'"
        raise source.refuse(node, f"column {column.key!r}: an array default other than numbers is not supported yet")
    if isinstance(found, (dict, list)) and column.type not in ("json", "jsonb"):
        raise source.refuse(node, f"column {column.key!r}: an object default on this column is not supported yet")
    if column.type in ("json", "jsonb"):
        return sql_string(json.dumps(found, separators=(",", ":"), ensure_ascii=False)) + f"::{column.type}"
    if isinstance(found, bool):
        return found
    if isinstance(found, (int, float)):
        return found
    if isinstance(found, str):
        return sql_string(found)
    raise source.refuse(node, f"column {column.key!r}: a default mgen cannot spell as drizzle-kit does")


def sql_template(node, sql_names: set[str]):
    """The template of ``sql`...```, None when the node is not one."""
    node = ts.unwrap(node)
    if node.type != "call_expression":
        return None
    fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    if fn is None or ts.text(fn) not in sql_names or args is None or args.type != "template_string":
        return None
    return args
