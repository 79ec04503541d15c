"""The YAML change list (docs/change-list.md): "add a bio field to users" as data, not SQL.

``read_change_list`` checks each change against the schema as it stands after the changes before
it, and turns it into operations from ``mgen.operations`` that carry the old definitions their
``reverse()`` needs. One handler per change kind, registered with ``@change``.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, get_args

from . import naming
from .dialects import canonical_name, get_dialect
from .errors import MgenError
from .expressions import canonical_expression, columns_in, index_uses
from .operations import (
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnNullability,
    AlterColumnType,
    CreateEnum,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameTable,
    SetColumnComment,
    SetTableComment,
)
from .schema import Action, Check, Column, EnumType, ForeignKey, Index, Schema, Table, Unique
from .sources.yaml_lines import line_of, load_yaml_with_lines
from .sources.yaml_schema import parse_column, parse_table

ACTIONS: tuple[str, ...] = get_args(Action)


@dataclass(frozen=True)
class Change:
    """One entry of the list: its kind, its arguments (a mapping from the YAML loader, which keeps
    the line of each key) and where it is."""

    kind: str
    args: dict
    file: str | None
    line: int | None

    def line_of(self, key: Hashable | None = None) -> int | None:
        return (line_of(self.args, key) if key is not None else None) or self.line

    def where(self, key: Hashable | None = None) -> tuple[str | None, int | None]:
        return self.file, self.line_of(key)

    def error(self, message: str, key: Hashable | None = None) -> MgenError:
        return MgenError(f"{self.kind}: {message}", self.file, self.line_of(key))

    def has(self, key: str) -> bool:
        return key in self.args

    def text(self, key: str) -> str:
        value = self.args.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key!r} must be a non-empty string, not {value!r}", key)
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.args.get(key) is not None else None

    def flag(self, key: str, default: bool) -> bool:
        value = self.args.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"{key!r} must be true or false, not {value!r}", key)
        return value

    def names(self, key: str, source: Any = None) -> tuple[str, ...]:
        """A list of names (a single string is a list of one)."""
        value = (self.args if source is None else source).get(key)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
            raise self.error(f"{key!r} must be a name or a non-empty list of names, not {value!r}", key)
        names = tuple(i.strip() for i in items)
        if len(set(names)) != len(names):
            raise self.error(f"{key!r} lists a name twice: {list(names)}", key)
        return names


Handler = Callable[[Change, Schema, str], list[Operation]]


@dataclass(frozen=True)
class ChangeKind:
    handler: Handler
    required: tuple[str, ...]
    optional: tuple[str, ...]


CHANGE_KINDS: dict[str, ChangeKind] = {}


def change(kind: str, required: Sequence[str] = (), optional: Sequence[str] = ()):
    """Register the handler of a change kind and the keys it takes."""

    def register(fn: Handler) -> Handler:
        CHANGE_KINDS[kind] = ChangeKind(fn, tuple(required), tuple(optional))
        return fn

    return register


# -- the entry point ------------------------------------------------------------------------------
def read_change_list(path: str, schema: Schema, dialect: str) -> list[Operation]:
    """The operations of the change list at ``path``, checked against ``schema``."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise MgenError("change list not found", path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise MgenError(f"cannot read change list: {e}", path) from None
    return changes_from_text(text, schema, dialect, path)


def changes_from_text(text: str, schema: Schema, dialect: str, filename: str | None = None) -> list[Operation]:
    """The operations of a change list given as text (``filename`` is only for errors)."""
    dialect = canonical_name(dialect)
    data = load_yaml_with_lines(text, filename)
    if not isinstance(data, dict) or "changes" not in data:
        raise MgenError("a change list is a mapping with a 'changes:' list", filename, line_of(data) or 1)
    extra = [k for k in data if k != "changes"]
    if extra:
        raise MgenError(f"unknown top-level key {extra[0]!r} (expected: changes)", filename, line_of(data, extra[0]))
    entries = data["changes"]
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise MgenError("'changes' must be a list", filename, line_of(data, "changes"))
    ops: list[Operation] = []
    for index, entry in enumerate(entries):
        item = _change_of(entry, filename, line_of(entries, index))
        new_ops = CHANGE_KINDS[item.kind].handler(item, schema, dialect)
        for op in new_ops:  # later changes see earlier ones
            schema = op.apply(schema)
        ops.extend(new_ops)
    return ops


def _change_of(entry: Any, filename: str | None, line: int | None) -> Change:
    kinds = ", ".join(CHANGE_KINDS)
    if not isinstance(entry, dict) or len(entry) != 1:
        raise MgenError(f"each change is a mapping with one key, the kind of change ({kinds})", filename, line)
    (kind, args), = entry.items()
    line = line_of(entry, kind) or line
    if kind not in CHANGE_KINDS:
        raise MgenError(f"unknown change {kind!r} (expected one of: {kinds})", filename, line)
    if not isinstance(args, dict):
        raise MgenError(f"{kind}: expected a mapping of arguments, not {args!r}", filename, line)
    item = Change(kind, args, filename, line)
    spec = CHANGE_KINDS[kind]
    for key in args:
        if key not in spec.required and key not in spec.optional:
            raise item.error(f"unknown key {key!r} (expected: {', '.join(spec.required + spec.optional)})", key)
    for key in spec.required:
        if key not in args:
            raise item.error(f"missing key {key!r}")
    return item


# -- lookups that report where --------------------------------------------------------------------
def _table(item: Change, schema: Schema, key: str = "table") -> Table:
    name = item.text(key)
    if not schema.has_table(name):
        raise item.error(f"unknown table {name!r}", key)
    return schema.table(name)


def _column(item: Change, table: Table, name: str, key: str) -> Column:
    if not table.has_column(name):
        raise item.error(f"table {table.name!r} has no column {name!r}", key)
    return table.column(name)


def _columns(item: Change, table: Table, key: str = "columns") -> tuple[str, ...]:
    names = item.names(key)
    for name in names:
        _column(item, table, name, key)
    return names


def _taken_names(schema: Schema) -> set[str]:
    """Index and constraint names in use anywhere: PostgreSQL index names and MySQL foreign key names
    are unique per schema, so a name is only free when no table uses it."""
    return set().union(*(t.constraint_names() for t in schema.tables))


def _new_name(item: Change, schema: Schema, generated: str) -> str:
    """The user's ``name`` (refused when taken) or ``generated``, numbered like PostgreSQL (t_check1)."""
    given = item.optional_text("name")
    if given is None:
        return _free_name(schema, generated)
    if given in _taken_names(schema):
        raise item.error(f"name {given!r} is already used by an index or constraint", "name")
    return given


def _expression(item: Change, key: str, dialect: str) -> str:
    try:
        return canonical_expression(item.text(key), dialect)
    except MgenError as e:
        raise item.error(e.message, key) from None


def _check_expression_columns(item: Change, table: Table, expression: str, key: str) -> None:
    for name in sorted(columns_in(expression)):
        if not table.has_column(name):
            raise item.error(f"expression mentions {name!r}, not a column of {table.name!r}", key)


# -- columns --------------------------------------------------------------------------------------
_COLUMN_KEYS = ("type", "nullable", "default", "identity", "comment")


def _column_definition(item: Change, name: str, spec: dict, dialect: str) -> Column:
    """The column of a YAML column mapping (the YAML schema's parser, so the spellings are the same);
    a default expression is read as the target dialect's SQL, like every expression here."""
    default = spec.get("default")
    if isinstance(default, dict) and isinstance(default.get("expression"), str):
        try:
            text = canonical_expression(default["expression"], dialect)
        except MgenError as e:
            raise item.error(e.message, "default") from None
        spec["default"] = {"expression": text}
    try:
        return parse_column(spec, item.where(), name)
    except MgenError as e:
        raise MgenError(f"{item.kind}: {e.message}", e.file or item.file, e.line or item.line) from None


def _check_enum(item: Change, schema: Schema, column: Column, key: str = "type") -> None:
    if column.type.name == "enum" and not schema.has_enum(column.type.enum or ""):
        raise item.error(f"unknown enum type {column.type.enum!r} (create_enum it first)", key)


@change("add_column", required=("table", "name", "type"),
        optional=_COLUMN_KEYS[1:] + ("unique", "references", "on_delete", "on_update", "check"))
def add_column(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    """The column, then what its mapping asks for on the table: unique, references, check."""
    table = _table(item, schema)
    name = item.text("name")
    if table.has_column(name):
        raise item.error(f"table {table.name!r} already has a column {name!r}", "name")
    column = _column_definition(item, name, _subset(item.args, _COLUMN_KEYS), dialect)
    _check_enum(item, schema, column)
    ops: list[Operation] = [AddColumn(table.name, column)]
    after = ops[0].apply(schema)
    unique = item.args.get("unique", False)
    if unique is not False:
        if not (unique is True or (isinstance(unique, str) and unique.strip())):
            raise item.error(f"'unique' must be true or a constraint name, not {unique!r}", "unique")
        generated = _free_name(after, naming.unique_name(table.name, [name]))
        ops.append(AddUnique(table.name, Unique(unique.strip() if isinstance(unique, str) else generated, (name,))))
    if item.has("references"):
        ref_table, ref_columns = _reference(item, after, "references")
        fk = ForeignKey(_free_name(after, naming.foreign_key_name(table.name, [name])), (name,), ref_table.name,
                        ref_columns, on_delete=_action(item, "on_delete"), on_update=_action(item, "on_update"))
        _check_arity(item, fk)
        ops.append(AddForeignKey(table.name, fk))
    elif item.has("on_delete") or item.has("on_update"):
        raise item.error("on_delete/on_update need 'references'", "on_delete" if item.has("on_delete") else "on_update")
    if item.has("check"):
        expression = _expression(item, "check", dialect)
        _check_expression_columns(item, after.table(table.name), expression, "check")
        ops.append(AddCheck(table.name, Check(_free_name(after, naming.check_name(table.name, [name])), expression)))
    _check_names_free(item, schema, ops[1:])
    return ops


def _check_names_free(item: Change, schema: Schema, ops: Sequence[Operation]) -> None:
    """Refuse a given constraint name that is already in use (generated ones are always free)."""
    taken = _taken_names(schema)
    seen: set[str] = set()
    for op in ops:
        constraint = getattr(op, "unique", None) or getattr(op, "foreign_key", None) or getattr(op, "check", None)
        if constraint.name in taken or constraint.name in seen:
            raise item.error(f"name {constraint.name!r} is already used by an index or constraint")
        seen.add(constraint.name)


def _subset(args: dict, keys: Iterable[str]) -> dict:
    """``args`` restricted to ``keys``, keeping the loader's line bookkeeping when it has one."""
    picked = {k: args[k] for k in keys if k in args}
    if hasattr(args, "key_lines"):
        copy = type(args)(picked, line=getattr(args, "line", None),
                          key_lines={k: v for k, v in args.key_lines.items() if k in picked})
        return copy
    return picked


def _free_name(schema: Schema, generated: str) -> str:
    """``generated``, or ``generated1``, ``generated2``... when taken."""
    taken = _taken_names(schema)
    name, n = generated, 0
    while name in taken:
        n += 1
        name = naming.fit(f"{generated}{n}")
    return name


@change("drop_column", required=("table", "name"))
def drop_column(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    """Drops the column and, first, the indexes and constraints of its table that use it (as the
    database would), so the reverse brings all of them back. A primary key column or one another
    table's foreign key points at is refused."""
    table = _table(item, schema)
    name = item.text("name")
    column = _column(item, table, name, "name")
    if table.primary_key is not None and name in table.primary_key.columns:
        raise item.error(f"{table.name}.{name} is part of the primary key; change the primary key first", "name")
    for other in schema.tables:
        for fk in other.foreign_keys:
            if fk.ref_table == table.name and name in fk.ref_columns and other.name != table.name:
                raise item.error(f"{table.name}.{name} is referenced by foreign key {fk.name} of {other.name}; "
                                 "drop that first", "name")
    ops: list[Operation] = []
    ops += [DropIndex(table.name, i) for i in table.indexes if index_uses(i, name)]
    ops += [DropUnique(table.name, u) for u in table.uniques if name in u.columns]
    ops += [DropForeignKey(table.name, f) for f in table.foreign_keys
            if name in f.columns or (f.ref_table == table.name and name in f.ref_columns)]
    ops += [DropCheck(table.name, c) for c in table.checks if name in columns_in(c.expression)]
    return ops + [DropColumn(table.name, column)]


@change("rename_column", required=("table", "from", "to"))
def rename_column(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    old = item.text("from")
    _column(item, table, old, "from")
    new = item.text("to")
    if table.has_column(new):
        raise item.error(f"table {table.name!r} already has a column {new!r}", "to")
    return [RenameColumn(table.name, old, new)]


@change("alter_column", required=("table", "name"), optional=("type", "nullable", "default"))
def alter_column(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    name = item.text("name")
    old = _column(item, table, name, "name")
    if not any(item.has(k) for k in ("type", "nullable", "default")):
        raise item.error("say what to change: type, nullable and/or default")
    spec = _subset(item.args, ("type", "nullable", "default"))
    if "type" not in spec:  # the parser needs a type to read a default against
        spec["type"] = _type_spec_text(old)
    new = _column_definition(item, name, spec, dialect)
    _check_enum(item, schema, new)
    ops: list[Operation] = []
    if item.has("type") and new.type != old.type:
        ops.append(AlterColumnType(table.name, name, old.type, new.type))
    if item.has("nullable") and new.nullable != old.nullable:
        ops.append(AlterColumnNullability(table.name, name, new.nullable))
    new_default = None if new.default is not None and new.default.kind == "null" else new.default
    if item.has("default") and new_default != old.default:
        ops.append(AlterColumnDefault(table.name, name, old.default, new_default))
    if not ops:
        raise item.error(f"changes nothing: {table.name}.{old.describe()} is already like that")
    return ops


def _type_spec_text(column: Column) -> str:
    """The YAML type spelling of a column's current type."""
    if column.type.name == "enum":
        return f"enum:{column.type.enum}"
    return column.type.describe()


# -- tables ---------------------------------------------------------------------------------------
@change("create_table", required=("name", "columns"),
        optional=("primary_key", "indexes", "uniques", "foreign_keys", "checks", "comment"))
def create_table(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    """The table as the YAML schema describes one; its foreign keys must point at existing tables
    (or itself), ``references: users`` meaning users' primary key."""
    name = item.text("name")
    if schema.has_table(name):
        raise item.error(f"table {name!r} already exists", "name")
    columns_node = item.args["columns"]
    if not isinstance(columns_node, dict) or not columns_node:
        raise item.error("'columns' must be a non-empty mapping of column name to type", "columns")
    try:
        table = parse_table(item.args, item.where())
    except MgenError as e:
        raise MgenError(f"create_table: {e.message}", e.file or item.file, e.line or item.line) from None
    for column in table.columns:
        if column.type.name == "enum" and not schema.has_enum(column.type.enum or ""):
            raise MgenError(f"create_table: unknown enum type {column.type.enum!r} (create_enum it first)",
                            item.file, line_of(columns_node, column.name) or item.line)
    table = replace(table, foreign_keys=tuple(
        _resolved_reference(item, schema.with_table(table), fk, columns_node) for fk in table.foreign_keys))
    taken = _taken_names(schema)
    for constraint in (*table.indexes, *table.uniques, *table.foreign_keys, *table.checks):
        if constraint.name in taken:
            raise item.error(f"name {constraint.name!r} is already used by an index or constraint")
    return [CreateTable(table)]


def _resolved_reference(item: Change, schema: Schema, fk: ForeignKey, columns_node: Any) -> ForeignKey:
    """``fk`` with its referenced columns checked (and filled in from the primary key when omitted)."""
    line = (line_of(columns_node, fk.columns[0]) if len(fk.columns) == 1 else None) \
        or line_of(item.args, "foreign_keys") or item.line

    def fail(message: str) -> MgenError:
        return MgenError(f"create_table: foreign key {fk.name}: {message}", item.file, line)

    if not schema.has_table(fk.ref_table):
        raise fail(f"references unknown table {fk.ref_table!r}")
    target = schema.table(fk.ref_table)
    ref_columns = fk.ref_columns
    if not ref_columns:
        if target.primary_key is None:
            raise fail(f"table {target.name!r} has no primary key; name the referenced columns")
        ref_columns = target.primary_key.columns
    for c in ref_columns:
        if not target.has_column(c):
            raise fail(f"table {target.name!r} has no column {c!r}")
    if len(ref_columns) != len(fk.columns):
        raise fail(f"{len(fk.columns)} columns reference {len(ref_columns)} columns")
    return replace(fk, ref_columns=tuple(ref_columns))


@change("drop_table", required=("name",))
def drop_table(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema, "name")
    for other in schema.tables:
        for fk in other.foreign_keys:
            if fk.ref_table == table.name and other.name != table.name:
                raise item.error(f"table {table.name!r} is referenced by foreign key {fk.name} of {other.name}; "
                                 "drop that first", "name")
    return [DropTable(table)]


@change("rename_table", required=("from", "to"))
def rename_table(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema, "from")
    new = item.text("to")
    if schema.has_table(new):
        raise item.error(f"table {new!r} already exists", "to")
    return [RenameTable(table.name, new)]


@change("set_comment", required=("table", "comment"), optional=("column",))
def set_comment(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    if not get_dialect(dialect).supports_comments:
        raise item.error(f"{dialect} does not store comments")
    comment = item.args["comment"]
    if comment is not None and not isinstance(comment, str):
        raise item.error(f"'comment' must be a string or null, not {comment!r}", "comment")
    if item.has("column"):
        column = _column(item, table, item.text("column"), "column")
        return [SetColumnComment(table.name, column.name, column.comment, comment)]
    return [SetTableComment(table.name, table.comment, comment)]


# -- indexes and constraints ------------------------------------------------------------------------
@change("add_index", required=("table", "columns"), optional=("name", "unique", "where", "method"))
def add_index(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    columns, labels = [], []
    for entry in item.names("columns"):
        if entry.startswith("("):  # an expression index entry, e.g. "(lower(email))"
            try:
                text = canonical_expression(entry, dialect)
            except MgenError as e:
                raise item.error(e.message, "columns") from None
            _check_expression_columns(item, table, text, "columns")
            columns.append(f"({text})")
            # PostgreSQL names an expression index after its function: users_lower_idx
            labels.append(text.split("(")[0].lower() if "(" in text else "expr")
        else:
            columns.append(_column(item, table, entry, "columns").name)
            labels.append(entry)
    where = None
    if item.has("where"):
        if not get_dialect(dialect).supports_partial_indexes:
            raise item.error(f"{dialect} has no partial indexes", "where")
        where = _expression(item, "where", dialect)
        _check_expression_columns(item, table, where, "where")
    method = item.optional_text("method")
    if method is not None and method.lower() != "btree" and not get_dialect(dialect).supports_index_methods:
        raise item.error(f"{dialect} has no index methods such as {method!r}", "method")
    name = _new_name(item, schema, naming.index_name(table.name, labels))
    index = Index(name, tuple(columns), unique=item.flag("unique", False), where=where,
                  method=method.lower() if method and method.lower() != "btree" else None)
    return [AddIndex(table.name, index)]


def _has_name(items, item: Change) -> bool:
    return any(x.name == item.text("name") for x in items)


def _named(item: Change, table: Table, items, what: str, hint: str = ""):
    """The index or constraint of ``table`` the change names, or the error that says it has none."""
    name = item.text("name")
    for x in items:
        if x.name == name:
            return x
    raise item.error(f"table {table.name!r} has no {what} {name!r}{hint}", "name")


@change("drop_index", required=("table", "name"))
def drop_index(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    hint = "; it is a unique constraint: use drop_unique"
    index = _named(item, table, table.indexes, "index", hint if _has_name(table.uniques, item) else "")
    return [DropIndex(table.name, index)]


@change("add_unique", required=("table", "columns"), optional=("name",))
def add_unique(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    columns = _columns(item, table)
    return [AddUnique(table.name, Unique(_new_name(item, schema, naming.unique_name(table.name, columns)), columns))]


@change("drop_unique", required=("table", "name"))
def drop_unique(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    hint = "; it is an index: use drop_index" if _has_name(table.indexes, item) else ""
    return [DropUnique(table.name, _named(item, table, table.uniques, "unique constraint", hint))]


def _reference(item: Change, schema: Schema, key: str) -> tuple[Table, tuple[str, ...]]:
    """``references: users.id``, ``references: users`` (its primary key) or
    ``references: {table: users, columns: [id]}``."""
    value = item.args[key]
    if isinstance(value, str) and value.count(".") <= 1:
        table_name, _, column = (part.strip() for part in value.partition("."))
        ref = {"table": table_name, "columns": [column]} if column else {"table": table_name}
    elif isinstance(value, dict) and set(value) <= {"table", "columns"} and "table" in value:
        ref = value
    else:
        raise item.error(f"{key!r} must be 'table.column' or {{table: ..., columns: [...]}}, not {value!r}", key)
    table_name = ref["table"]
    if not isinstance(table_name, str) or not schema.has_table(table_name):
        raise item.error(f"references unknown table {table_name!r}", key)
    target = schema.table(table_name)
    if "columns" in ref:
        columns = item.names("columns", ref)
    elif target.primary_key is not None:
        columns = target.primary_key.columns
    else:
        raise item.error(f"table {table_name!r} has no primary key; name the referenced columns", key)
    for c in columns:
        _column(item, target, c, key)
    return target, columns


def _action(item: Change, key: str) -> str:
    value = item.args.get(key)
    if value is None:
        return "NO ACTION"
    action = str(value).replace("_", " ").upper() if isinstance(value, str) else ""
    if action not in ACTIONS:
        raise item.error(f"{key!r} must be one of {', '.join(a.lower() for a in ACTIONS)}, not {value!r}", key)
    return action


def _check_arity(item: Change, fk: ForeignKey) -> None:
    if len(fk.columns) != len(fk.ref_columns):
        raise item.error(f"{len(fk.columns)} columns reference {len(fk.ref_columns)} columns", "references")


@change("add_foreign_key", required=("table", "columns", "references"), optional=("name", "on_delete", "on_update"))
def add_foreign_key(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    columns = _columns(item, table)
    target, ref_columns = _reference(item, schema, "references")
    fk = ForeignKey(_new_name(item, schema, naming.foreign_key_name(table.name, columns)), columns, target.name,
                    ref_columns, on_delete=_action(item, "on_delete"), on_update=_action(item, "on_update"))
    _check_arity(item, fk)
    return [AddForeignKey(table.name, fk)]


@change("drop_foreign_key", required=("table", "name"))
def drop_foreign_key(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    return [DropForeignKey(table.name, _named(item, table, table.foreign_keys, "foreign key"))]


@change("add_check", required=("table", "expression"), optional=("name",))
def add_check(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    expression = _expression(item, "expression", dialect)
    _check_expression_columns(item, table, expression, "expression")
    mentioned = sorted(columns_in(expression))
    # PostgreSQL's own choice: t_col_check for a check on one column, t_check otherwise
    generated = naming.check_name(table.name, mentioned if len(mentioned) == 1 else ())
    return [AddCheck(table.name, Check(_new_name(item, schema, generated), expression))]


@change("drop_check", required=("table", "name"))
def drop_check(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    table = _table(item, schema)
    return [DropCheck(table.name, _named(item, table, table.checks, "check constraint"))]


# -- enum types -------------------------------------------------------------------------------------
def _enum_values(item: Change, key: str) -> tuple[str, ...]:
    values = item.args.get(key)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise item.error(f"{key!r} must be a non-empty list of strings, not {values!r}", key)
    if len(set(values)) != len(values):
        raise item.error(f"{key!r} lists a value twice: {values}", key)
    return tuple(values)


def _enum(item: Change, schema: Schema) -> EnumType:
    name = item.text("name")
    if not schema.has_enum(name):
        raise item.error(f"unknown enum type {name!r}", "name")
    return schema.enum(name)


@change("create_enum", required=("name", "values"))
def create_enum(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    name = item.text("name")
    if schema.has_enum(name):
        raise item.error(f"enum type {name!r} already exists", "name")
    return [CreateEnum(EnumType(name, _enum_values(item, "values")))]


@change("drop_enum", required=("name",))
def drop_enum(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    enum = _enum(item, schema)
    for t in schema.tables:
        for c in t.columns:
            if c.type.name == "enum" and c.type.enum == enum.name:
                raise item.error(f"enum type {enum.name!r} is used by {t.name}.{c.name}", "name")
    return [DropEnum(enum)]


@change("add_enum_value", required=("name", "value"), optional=("before",))
def add_enum_value(item: Change, schema: Schema, dialect: str) -> list[Operation]:
    enum = _enum(item, schema)
    value = item.args["value"]
    if not isinstance(value, str):
        raise item.error(f"'value' must be a string, not {value!r}", "value")
    if value in enum.values:
        raise item.error(f"enum type {enum.name!r} already has the value {value!r}", "value")
    before = item.args.get("before")
    if before is not None and before not in enum.values:
        raise item.error(f"enum type {enum.name!r} has no value {before!r}", "before")
    return [AddEnumValue(enum.name, value, before)]


__all__ = ["CHANGE_KINDS", "Change", "changes_from_text", "read_change_list"]
