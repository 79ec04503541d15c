"""The schema of a Drizzle project, read from its TypeScript modules with tree-sitter, as drizzle-kit loads them:
every exported ``pgTable(...)`` and ``pgEnum(...)`` (``sqliteTable(...)`` on SQLite) of the config's schema files (and the modules
they ``export * from``); a table's columns (``columns.py``), spreads of a shared columns object, and its
third argument (``(t) => [index(...), uniqueIndex(...), unique(...), primaryKey(...), foreignKey(...),
check(...)]`` or the older object form). What drizzle-kit would read but mgen cannot (``pgSchema``, views,
sequences, a table built by a function) is refused at its line."""
from __future__ import annotations

from pathlib import Path

from . import ts
from .columns import ACTIONS, builders, read_column, sql_template
from .model import Enum, ForeignKey, Index, Model, Table, fk_name, index_name, pk_name, unique_name

MODULES = {"postgresql": "drizzle-orm/pg-core", "sqlite": "drizzle-orm/sqlite-core"}
TABLES = {"postgresql": "pgTable", "sqlite": "sqliteTable"}
REFUSED = {"sqliteView": "views", "sqliteTableCreator": "sqliteTableCreator (prefixed table names)",
           "pgSchema": "pgSchema (tables in another schema)", "pgView": "views", "pgMaterializedView": "views",
           "pgSequence": "sequences", "pgTableCreator": "pgTableCreator (prefixed table names)", "pgRole": "roles",
           "pgPolicy": "policies"}
CUSTOM = "customType"
CONSTRAINTS = {"index", "uniqueIndex", "unique", "primaryKey", "foreignKey", "check"}
_EXTENSIONS = (".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.js")


class _File:
    def __init__(self, source: ts.Source, root: Path, dialect: str) -> None:
        self.source = source
        self.module = MODULES[dialect]
        self.root = root
        self.exported: set[str] = set()  # `export { a, b as c }` of local names
        self.core: dict[str, str] = {}  # local name -> pg-core export
        self.sql: set[str] = set()
        self.reexports: list[Path] = []
        for statement in source.root.named_children:
            if statement.type == "import_statement":
                self._import(statement)
            elif statement.type == "export_statement":
                clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
                has_source = statement.child_by_field_name("source") is not None
                if has_source and clause is None and not any(c.type == "namespace_export"
                                                             for c in statement.named_children):
                    self._reexport(statement)
                elif has_source:
                    raise source.refuse(statement, "a named re-export (export { x } from ...) is not followed yet")
                elif clause is not None:
                    self.exported.update(ts.text(spec.named_children[0]) for spec in clause.named_children
                                         if spec.type == "export_specifier")

    def _import(self, statement) -> None:
        module = ts.string_value(statement.child_by_field_name("source"))
        clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
        if clause is None or module not in (self.module, "drizzle-orm"):
            return
        for spec in (s for n in clause.named_children if n.type == "named_imports" for s in n.named_children):
            if spec.type != "import_specifier":
                continue
            names = [ts.text(c) for c in spec.named_children if c.type == "identifier"]
            local, imported = names[-1], names[0]
            if module == self.module:
                self.core[local] = imported
            elif imported == "sql":
                self.sql.add(local)
        for ns in (n for n in clause.named_children if n.type == "namespace_import"):
            alias = ts.text(ns.named_children[-1])
            if module == self.module:
                self.core.update({f"{alias}.{k}": k for k in (*builders(), *CONSTRAINTS, *REFUSED, *TABLES.values(),
                                                                  "pgEnum", CUSTOM)})
            else:
                self.sql.add(f"{alias}.sql")

    def _reexport(self, statement) -> None:
        from .modules import resolve

        module = ts.string_value(statement.child_by_field_name("source"))
        found = resolve(module, self.source.path, self.root) if module else None
        if found is None:
            raise self.source.refuse(statement, f"export * from {module!r}: no such module (relative paths and "
                                                "tsconfig.json paths are followed)")
        self.reexports.append(found)


def read_schema(files: list[Path], root: Path, dialect: str = "postgresql") -> Model:
    """Every exported table and enum of ``files`` and the modules they re-export (``root``: where tsconfig.json
    is)."""
    return _Reader(list(_load(files, root, dialect).values()), dialect).read()


def module_files(files: list[Path], root: Path, dialect: str = "postgresql") -> list[Path]:
    """The schema files and every module they re-export: what ``check`` and ``status`` watch."""
    return list(_load(files, root, dialect))


def _load(files: list[Path], root: Path, dialect: str) -> dict[Path, _File]:
    loaded: dict[Path, _File] = {}
    queue = list(files)
    while queue:
        path = queue.pop(0)
        if path in loaded:
            continue
        loaded[path] = _File(ts.parse(path), root, dialect)
        queue += loaded[path].reexports
    return loaded


class _Reader:
    def __init__(self, files: list[_File], dialect: str) -> None:
        self.files = files
        self.dialect = dialect
        self.table_fn = TABLES[dialect]
        self.consts: dict[str, tuple[_File, object, bool]] = {}  # name -> (file, initializer, exported)
        for f in files:
            for statement in f.source.root.named_children:
                exported = statement.type == "export_statement"
                if exported and any(c.type == "default" for c in statement.children) and \
                        statement.child_by_field_name("value") is not None and \
                        ts.unwrap(statement.child_by_field_name("value")).type == "call_expression":
                    raise f.source.refuse(statement, "a default export of a call: drizzle-kit takes a table "
                                                     "exported so, mgen reads named exports only")
                decl = statement.named_children[0] if exported and statement.named_children else statement
                if decl.type != "lexical_declaration":
                    continue
                for d in decl.named_children:
                    if d.type == "variable_declarator" and d.child_by_field_name("value") is not None:
                        name = ts.text(d.child_by_field_name("name"))
                        self.consts.setdefault(name, (f, d.child_by_field_name("value"), exported or name in f.exported))
        self.enums: dict[str, str] = {}
        self.tables: dict[str, Table] = {}  # by variable name
        self.reading: set[str] = set()
        self.customs: set[str] = set()  # customType builders (their SQL type in self.enums' map: one namespace)

    def _callee(self, f: _File, node) -> str | None:
        links = ts.chain(node)
        return f.core.get(links[0][0]) if links else None

    def read(self) -> Model:
        model = Model()
        pending = []
        for name, (f, init, exported) in self.consts.items():
            kind = self._callee(f, init)
            if kind in REFUSED:
                raise f.source.refuse(init, f"{name}: {REFUSED[kind]} not supported yet")
            links = ts.chain(init)
            if exported and kind is None and links and "table" in links[0][0].lower():
                # drizzle-kit takes every exported table, however built: one mgen cannot see is refused
                raise f.source.refuse(init, f"{name}: a table built by {links[0][0]}() is not read (only "
                                            f"{self.table_fn}(...) is)")
            if kind == "pgEnum":
                args = ts.arguments(ts.chain(init)[0][1])
                values = ts.value(args[1]) if len(args) == 2 else None
                enum = ts.string_value(args[0]) if args else None
                if enum is None or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise f.source.refuse(init, f"{name}: pgEnum with a name or values computed at run time")
                self.enums[name] = enum
                if exported:
                    model.enums.append(Enum(enum, values))
            elif kind == CUSTOM:
                self.enums[name] = _custom_type(f, init)
                self.customs.add(name)
            elif kind == self.table_fn and exported:
                pending.append((name, f, init))
        for name, f, init in pending:
            if name in self.tables:  # read early: a foreignKey() of an earlier table named it
                continue
            self.reading.add(name)
            self.tables[name] = self._table(f, init)
        seen: set[str] = set()
        for name, f, init in pending:
            if self.tables[name].name in seen:
                raise f.source.refuse(init, f"table {self.tables[name].name!r} is defined twice")
            seen.add(self.tables[name].name)
            self._references(self.tables[name])
        model.tables = list(self.tables.values())
        return model

    def _table(self, f: _File, init) -> Table:
        links = ts.chain(init)
        if len(links) != 1:
            raise f.source.refuse(init, f"{self.table_fn}(...).{links[1][0]}() is not supported yet")
        args = ts.arguments(links[0][1])
        name = ts.string_value(args[0]) if args else None
        if name is None or len(args) not in (2, 3):
            raise f.source.refuse(init, f"{self.table_fn} with a name computed at run time")
        table = Table(name, str(f.source.path), init.start_point[0] + 1)
        for key, node, source in self._entries(f, args[1], 0):
            column = read_column(key, node, source.source, source.core, self.enums, source.sql, self.customs,
                                 self.dialect)
            if table.column(key) is not None:
                raise source.source.refuse(node, f"column {key!r} twice in table {name!r}")
            table.columns.append(column)
            if column.unique is not None:
                column.unique = (column.unique[0].replace("{table}", name), column.unique[1])
        if len(args) == 3:
            self._extras(f, table, args[2])
        return table

    def _entries(self, f: _File, node, depth: int):
        node = ts.unwrap(node)
        if node.type == "identifier" and ts.text(node) in self.consts and depth < 5:
            owner, init, _ = self.consts[ts.text(node)]
            yield from self._entries(owner, init, depth + 1)
            return
        if node.type != "object":
            raise f.source.refuse(node, "a table's columns not given as an object literal (the callback form "
                                        "(t) => ({...}) is not supported yet)")
        for key, value, entry in ts.object_pairs(node):
            if key is not None and entry.type == "pair":
                yield key, value, f
            elif entry.type == "spread_element":
                yield from self._entries(f, entry.named_children[0], depth + 1)
            else:
                raise f.source.refuse(entry, f"a column entry mgen cannot read ({ts.text(entry)[:60]})")

    # -- the third argument ----------------------------------------------------------------------------
    def _extras(self, f: _File, table: Table, node) -> None:
        node = ts.unwrap(node)
        if node.type not in ("arrow_function", "function_expression"):
            raise f.source.refuse(node, f"table {table.name!r}: its third argument is not a function")
        params = node.child_by_field_name("parameters")
        param = ts.text(params.named_children[0].named_children[0]) if params and params.named_children else None
        body = ts.unwrap(node.child_by_field_name("body"))
        if body.type == "array":
            items = [c for c in body.named_children if c.type != "comment"]
        elif body.type == "object":
            items = [v for _k, v, _e in ts.object_pairs(body)]
        else:
            raise f.source.refuse(body, f"table {table.name!r}: its third argument's body is not an array or "
                                        "object literal")
        for item in items:
            self._extra(f, table, item, param)

    def _col(self, f: _File, table: Table, node, param: str | None) -> str:
        node = ts.unwrap(node)
        if node.type == "member_expression" and ts.text(node.child_by_field_name("object")) == param:
            column = table.column(ts.text(node.child_by_field_name("property")))
            if column is not None:
                return column.name
        raise f.source.refuse(node, f"table {table.name!r}: {ts.text(node)[:60]} is not one of its columns "
                                    "(expressions, .desc() and the like are not supported yet)")

    def _extra(self, f: _File, table: Table, node, param: str | None) -> None:
        links = ts.chain(node)
        kind = f.core.get(links[0][0]) if links else None
        if kind not in CONSTRAINTS:
            raise f.source.refuse(node, f"table {table.name!r}: {ts.text(node)[:60]} is not supported yet")
        first = ts.arguments(links[0][1])
        if self.dialect == "sqlite" and kind in ("unique", "check"):
            raise f.source.refuse(node, f"table {table.name!r}: {kind}() is not supported on SQLite yet")
        if kind in ("index", "uniqueIndex", "unique"):
            name = ts.string_value(first[0]) if first else None
            if first and name is None:
                raise f.source.refuse(node, f"table {table.name!r}: a {kind} name computed at run time")
            columns, method, flags = None, "btree", set()
            for method_name, call in links[1:]:
                args = ts.arguments(call)
                if method_name == "on" and kind != "unique" or method_name == "on" and kind == "unique":
                    columns = [self._col(f, table, a, param) for a in args]
                elif method_name == "using" and kind != "unique" and args and ts.string_value(args[0]) \
                        and self.dialect != "sqlite":
                    method, columns = ts.string_value(args[0]), [self._col(f, table, a, param) for a in args[1:]]
                elif method_name in ("concurrently", "nullsNotDistinct") and not args and self.dialect != "sqlite":
                    flags.add(method_name)
                else:
                    raise f.source.refuse(call, f"table {table.name!r}: {kind}().{method_name}() is not "
                                                "supported yet")
            if not columns:
                raise f.source.refuse(node, f"table {table.name!r}: a {kind} without columns")
            if kind == "unique":
                table.uniques.append((name or unique_name(table.name, columns), columns, "nullsNotDistinct" in flags))
            else:
                table.indexes.append(Index(name or index_name(table.name, columns), columns, kind == "uniqueIndex",
                                           method, "concurrently" in flags))
        elif kind == "primaryKey":
            config = ts.unwrap(first[0]) if len(first) == 1 and ts.unwrap(first[0]).type == "object" else None
            name, cols = None, first
            if config is not None:
                entries = {k: v for k, v, _e in ts.object_pairs(config)}
                if set(entries) - {"name", "columns"} or "columns" not in entries:
                    raise f.source.refuse(node, f"table {table.name!r}: primaryKey() options mgen cannot read")
                name = ts.string_value(entries["name"]) if "name" in entries else None
                cols = ts.unwrap(entries["columns"]).named_children
            columns = [self._col(f, table, c, param) for c in cols]
            if not columns:
                raise f.source.refuse(node, f"table {table.name!r}: a primaryKey() without columns")
            table.primary_keys.append((name or pk_name(table.name, columns), columns))
        elif kind == "foreignKey":
            self._foreign_key(f, table, links, param)
        else:  # check
            template = sql_template(first[1], f.sql) if len(first) == 2 else None
            name = ts.string_value(first[0]) if first else None
            if template is None or name is None or len(links) > 1 or "\\" in ts.text(template):
                raise f.source.refuse(node, f"table {table.name!r}: check() mgen cannot read")
            parts = []
            for piece in template.named_children:
                if piece.type == "template_substitution":
                    col = self._col(f, table, piece.named_children[0], param)
                    parts.append(f'"{table.name}"."{col}"')
                else:
                    parts.append(ts.text(piece))
            table.checks.append((name, "".join(parts)))

    def _foreign_key(self, f: _File, table: Table, links, param) -> None:
        first = ts.arguments(links[0][1])
        config = ts.unwrap(first[0]) if len(first) == 1 else None
        entries = {k: v for k, v, _e in ts.object_pairs(config)} if config is not None and config.type == "object" \
            else {}
        if not {"columns", "foreignColumns"} <= set(entries) or set(entries) - {"columns", "foreignColumns", "name"}:
            raise f.source.refuse(links[0][1], f"table {table.name!r}: foreignKey() options mgen cannot read")
        columns = [self._col(f, table, c, param) for c in ts.unwrap(entries["columns"]).named_children]
        targets = [self._target(f, c, table, param) for c in ts.unwrap(entries["foreignColumns"]).named_children]
        to = {t.name for t, _c in targets}
        if len(to) != 1 or len(targets) != len(columns):
            raise f.source.refuse(links[0][1], f"table {table.name!r}: foreignKey() columns mgen cannot read")
        actions = {"onDelete": "no action", "onUpdate": "no action"}
        for method, call in links[1:]:
            action = ts.string_value(ts.arguments(call)[0]) if ts.arguments(call) else None
            if method not in actions or action not in ACTIONS:
                raise f.source.refuse(call, f"table {table.name!r}: foreignKey().{method}() mgen cannot read")
            actions[method] = action
        name = ts.string_value(entries["name"]) if "name" in entries else None
        to_columns = [c for _t, c in targets]
        table.foreign_keys.append(ForeignKey(name or fk_name(table.name, columns, to.pop(), to_columns), table.name,
                                             columns, targets[0][0].name, to_columns,
                                             actions["onDelete"], actions["onUpdate"]))

    def _target(self, f: _File, node, current: Table | None = None, param: str | None = None) -> tuple[Table, str]:
        """``users.id`` -> (the users table, "id"'s column name); the third argument's parameter (``t.id``) is
        the table being read."""
        node = ts.unwrap(node)
        if node.type == "member_expression":
            owner = ts.text(node.child_by_field_name("object"))
            table = current if owner == param and current is not None else \
                self.tables.get(owner) or self._late(owner)
            column = table.column(ts.text(node.child_by_field_name("property"))) if table else None
            if column is not None:
                return table, column.name
        raise f.source.refuse(node, f"{ts.text(node)[:60]}: not a column of an exported table mgen read")

    def _late(self, owner: str) -> Table | None:
        """A table referenced before it was read (its own foreignKey() naming it by its variable: being read)."""
        if owner not in self.consts or owner in self.reading:
            return None
        self.reading.add(owner)
        f, init, exported = self.consts[owner]
        if self._callee(f, init) != self.table_fn or not exported:
            return None
        self.tables[owner] = self._table(f, init)
        return self.tables[owner]

    def _references(self, table: Table) -> None:
        for column in table.columns:
            if column.references is None:
                continue
            node, options, source = column.references
            f = next(x for x in self.files if x.source is source)
            fn = ts.unwrap(node)
            body = fn.child_by_field_name("body") if fn.type in ("arrow_function", "function_expression") else None
            if body is None or ts.unwrap(body).type != "member_expression":
                raise source.refuse(node, f"column {column.key!r}: .references() takes () => table.column")
            target, to = self._target(f, body)
            table.foreign_keys.append(ForeignKey(fk_name(table.name, [column.name], target.name, [to]), table.name,
                                                 [column.name], target.name, [to], options.get("onDelete", "no action"),
                                                 options.get("onUpdate", "no action")))
            column.references = None



def _custom_type(f: _File, init) -> str | ts.Opaque:
    """The SQL type of ``customType({ dataType() { return "text"; } })``; ``Opaque`` when ``dataType`` computes
    it (from its config): a column of it is refused."""
    args = ts.arguments(ts.chain(init)[0][1])
    config = ts.unwrap(args[0]) if len(args) == 1 else None
    if config is None or config.type != "object":
        return ts.Opaque(init)
    for entry in config.named_children:
        fn = entry if entry.type == "method_definition" else entry.child_by_field_name("value") \
            if entry.type == "pair" else None
        key = entry.child_by_field_name("name") if entry.type == "method_definition" else \
            entry.child_by_field_name("key") if entry.type == "pair" else None
        if fn is None or key is None or ts.text(key) != "dataType":
            continue
        body = fn.child_by_field_name("body")
        statements = [c for c in body.named_children if c.type != "comment"] if body is not None else []
        if body is not None and body.type != "statement_block":
            found = ts.string_value(body)
            return found if found is not None else ts.Opaque(body)
        if len(statements) == 1 and statements[0].type == "return_statement" and statements[0].named_children:
            found = ts.string_value(statements[0].named_children[0])
            if found is not None:
                return found
        return ts.Opaque(fn)
    return ts.Opaque(init)
