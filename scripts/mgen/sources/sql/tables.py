"""CREATE TABLE with its column definitions (types, defaults, identity, generation, comments), DROP
TABLE, RENAME TABLE and COMMENT ON."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from sqlglot import exp
from sqlglot.tokens import TokenType

from ... import naming
from ...errors import MgenError
from ...expressions import canonical_expression
from ...operations import RenameTable
from ...schema import Column, ColumnType, Default, EnumType, Table, canonical_number
from ...sqltypes import declared_generation, has_collation, literal_default, parse_type_details
from ...statements import STRING_TOKENS, Statement
from .base import InterpreterBase, first_line

# SQLite's table options: syntax sqlglot cannot read, of which the model holds nothing
_SQLITE_TABLE_OPTIONS = re.compile(r"\)\s*(?:(?:WITHOUT\s+ROWID|STRICT)\s*,?\s*)+$", re.IGNORECASE)


class TableStatements(InterpreterBase):
    """CREATE / DROP / RENAME TABLE, COMMENT ON, and the columns a definition describes."""

    def _create_table(self, stmt: Statement) -> None:
        sql = _SQLITE_TABLE_OPTIONS.sub(")", stmt.text) if self.dialect == "sqlite" else stmt.text
        node = self._parse(sql)
        if not isinstance(node, exp.Create) or not isinstance(node.this, exp.Schema):
            if isinstance(node, exp.Create) and node.expression is not None:
                raise self.error("CREATE TABLE ... AS SELECT is not supported: write the columns out")
            raise self.error(f"cannot read {first_line(stmt.text)!r}")
        name = self.ident(node.this.this)
        if self.database.is_internal_table(name):
            self._ignore("CREATE TABLE sqlite_*")  # the database's own (SQLite's sqlite_sequence, sqlite_stat1)
            return
        if self.find_table(name) is not None:
            if node.args.get("exists"):
                return
            raise self.error(f"table {name!r} already exists")
        table = Table(name=name, comment=self._table_comment(node.args.get("properties")))
        elements = list(node.this.expressions)
        # columns first, so table constraints may name columns defined after them; the table is built once
        # (not once per column: issue #15 item 11)
        columns: dict[str, Column] = {}
        for el in elements:
            if isinstance(el, exp.ColumnDef):
                column = self._column(table, el)
                if column.name in columns:
                    raise self.error(f"column {column.name!r} already exists in table {table.name!r}")
                columns[column.name] = column
            elif isinstance(el, exp.Identifier):
                raise self.error(f"column {self.ident(el)!r} of table {name!r} has no type")
        table = replace(table, columns=tuple(columns.values()))
        table = self._table_collation(table, node.args.get("properties"))
        for el in elements:
            if isinstance(el, exp.ColumnDef):
                table = self._column_constraints(table, el)
            else:
                table = self._table_constraint(table, el)
        self.schema = self.schema.with_table(table)
        self._resolve_pending(final=False)

    def _table_comment(self, properties: exp.Properties | None) -> str | None:
        for prop in (properties.expressions if properties else ()):
            if isinstance(prop, exp.SchemaCommentProperty):
                return prop.this.name or None
        return None

    # -- columns -----------------------------------------------------------------------------------
    def _column(self, table: Table, cdef: exp.ColumnDef) -> Column:
        """The Column a definition describes (table constraints on it are applied separately)."""
        name = self.ident(cdef.this)
        raw = self._raw_type_text(cdef.this, cdef.args.get("kind"))
        if not raw:
            raise self.error(f"column {name!r} of table {table.name!r} has no type")
        try:
            parsed = parse_type_details(raw, self.dialect, self._enum_names())
        except MgenError as e:
            raise self.error(f"column {table.name}.{name}: {e.message}") from None
        ctype = parsed.type
        if parsed.enum_values is not None:
            enum_name = f"{table.name}_{name}"
            self.schema = self.schema.with_enum(EnumType(enum_name, parsed.enum_values))
            ctype = ColumnType("enum", enum=enum_name)
        column = Column(name=name, type=ctype, identity=parsed.identity)
        for cc in cdef.args.get("constraints") or ():
            kind = cc.args.get("kind")
            handler = self._COLUMN_PROPERTIES.get(type(kind))
            if handler is not None:
                column = handler(self, column, kind)
        if column.identity is not None:
            column = replace(column, nullable=False)  # identity columns are NOT NULL in every dialect
        return column

    def _add_column_def(self, table: Table, cdef: exp.ColumnDef, position: exp.ColumnPosition | None) -> Table:
        column = self._column(table, cdef)
        if table.has_column(column.name):
            raise self.error(f"column {column.name!r} already exists in table {table.name!r}")
        cols = list(table.columns)
        at = len(cols)
        if position is not None:
            if str(position.args.get("position", "")).upper() == "FIRST":
                at = 0
            else:
                at = table.column_names().index(self.column_name(table, self.ident(position.this))) + 1
        cols.insert(at, column)
        return replace(table, columns=tuple(cols))

    def _prop_not_null(self, column: Column, node: exp.NotNullColumnConstraint) -> Column:
        return replace(column, nullable=bool(node.args.get("allow_null")))

    def _prop_default(self, column: Column, node: exp.DefaultColumnConstraint) -> Column:
        default, identity = self.default(node.this, column.type)
        return replace(column, default=default, identity=identity or column.identity)

    def _prop_auto_increment(self, column: Column, node: exp.Expression) -> Column:
        return replace(column, identity="serial")

    def _prop_identity(self, column: Column, node: exp.GeneratedAsIdentityColumnConstraint) -> Column:
        if node.args.get("expression") is not None:
            raise self.error(f"generated column {column.name!r} is not supported")
        return replace(column, identity="always" if node.this else "by_default")

    def _prop_computed(self, column: Column, node: exp.ComputedColumnConstraint) -> Column:
        """``GENERATED ALWAYS AS (expr) STORED|VIRTUAL`` (MySQL and SQLite also ``AS (expr)``)."""
        expression = node.this
        while isinstance(expression, exp.Paren):
            expression = expression.this
        try:
            generated = declared_generation(expression, node.args.get("persisted"), self.dialect)
        except MgenError as e:
            raise self.error(f"generated column {column.name!r}: {e.message}") from None
        return replace(column, generated=generated)

    def _prop_comment(self, column: Column, node: exp.CommentColumnConstraint) -> Column:
        return replace(column, comment=node.this.name or None)

    def _prop_collate(self, column: Column, node: exp.CollateColumnConstraint) -> Column:
        """MySQL's COLLATE on a text column (PostgreSQL's is not modelled yet: left as before)."""
        if not self.database.keeps_collation or not has_collation(column.type):
            return column
        return replace(column, type=replace(column.type, collation=node.this.name.lower()))

    def _table_collation(self, table: Table, properties: exp.Properties | None) -> Table:
        """The table's default collation (``COLLATE=``) given to its text columns that say none."""
        collation = next((p.this.name.lower() for p in (properties.expressions if properties else ())
                          if isinstance(p, exp.CollateProperty)), None)
        if not collation or not self.database.keeps_collation:
            return table
        return replace(table, collation=collation, columns=tuple(
            replace(c, type=replace(c.type, collation=collation))
            if has_collation(c.type) and c.type.collation is None else c for c in table.columns))

    _COLUMN_PROPERTIES: ClassVar[dict[type, Callable]] = {
        exp.NotNullColumnConstraint: _prop_not_null,
        exp.DefaultColumnConstraint: _prop_default,
        exp.AutoIncrementColumnConstraint: _prop_auto_increment,
        exp.GeneratedAsIdentityColumnConstraint: _prop_identity,
        exp.ComputedColumnConstraint: _prop_computed,
        exp.CommentColumnConstraint: _prop_comment,
        exp.CollateColumnConstraint: _prop_collate,
    }

    # -- defaults ----------------------------------------------------------------------------------
    def default(self, node: exp.Expression, ctype: ColumnType) -> tuple[Default | None, str | None]:
        """(Default or None, implied identity): ``nextval('t_id_seq')`` is a serial, not a default."""
        while isinstance(node, exp.Paren):
            node = node.this
        handler = self._DEFAULT_KINDS.get(type(node))
        if handler is not None:
            return handler(self, node, ctype)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "nextval":
            return None, "serial"
        return Default("expression", canonical_expression(node, self.dialect)), None

    def _default_null(self, node, ctype):
        return None, None

    def _default_boolean(self, node: exp.Boolean, ctype):
        return Default("boolean", "true" if node.this else "false"), None

    def _default_literal(self, node: exp.Literal, ctype):
        return literal_default(node.this, node.is_string, ctype), None

    def _default_negative(self, node: exp.Neg, ctype):
        inner = node.this
        if isinstance(inner, exp.Literal) and not inner.is_string:
            number = canonical_number("-" + inner.this)
            if number is not None:
                return Default("number", number), None
        return Default("expression", canonical_expression(node, self.dialect)), None

    def _default_cast(self, node: exp.Cast, ctype):
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, (exp.Literal, exp.Neg, exp.Boolean, exp.Null)):
            return self.default(inner, ctype)  # PostgreSQL prints literals with a cast: 'x'::character varying
        return Default("expression", canonical_expression(node, self.dialect)), None

    _DEFAULT_KINDS: ClassVar[dict[type, Callable]] = {
        exp.Null: _default_null,
        exp.Boolean: _default_boolean,
        exp.Literal: _default_literal,
        exp.Neg: _default_negative,
        exp.Cast: _default_cast,
    }

    # -- DROP TABLE, RENAME TABLE, COMMENT ON ------------------------------------------------------
    def _drop_table(self, node: exp.Drop) -> None:
        for target in node.args.get("tables") or ():
            if self.forget_temporary(self.ident(target)):
                continue
            found = self.find_table(self.ident(target))
            if found is None:
                if node.args.get("exists"):
                    continue
                raise self.error(f"unknown table {self.ident(target)!r}")
            self.schema = self.schema.without_table(found)
            if node.args.get("cascade"):  # PostgreSQL CASCADE drops the foreign keys pointing at it
                self.schema = replace(self.schema, tables=tuple(
                    replace(t, foreign_keys=tuple(f for f in t.foreign_keys if f.ref_table != found))
                    for t in self.schema.tables))

    def _rename(self, stmt: Statement) -> None:
        """MySQL ``RENAME TABLE a TO b, c TO d``."""
        if stmt.words[1:2] != ("TABLE",) and stmt.words[1:2] != ("TABLES",):
            raise self.error(f"unrecognised statement: {first_line(stmt.text)!r}")
        # sqlglot's tokenizer swallows everything after RENAME as one string: tokenize the rest
        tokens = self._tokens(re.sub(r"^\s*RENAME\b", "", stmt.text, flags=re.IGNORECASE))
        i = 1
        while i < len(tokens):
            old, i = self._qualified_name(tokens, i)
            if i >= len(tokens) or tokens[i].text.upper() != "TO":
                raise self.error("expected RENAME TABLE a TO b")
            new, i = self._qualified_name(tokens, i + 1)
            self.rename_table(self.table(old[-1]).name, new[-1])
            if i < len(tokens) and tokens[i].token_type == TokenType.COMMA:
                i += 1

    def rename_table(self, old: str, new: str) -> None:
        if self.find_table(new) is not None and new.lower() != old.lower():
            raise self.error(f"table {new!r} already exists")
        self.schema = RenameTable(old, new).apply(self.schema)
        if not self.database.keeps_constraint_names:
            self._rename_derived_names(old, new)

    def _rename_derived_names(self, old: str, new: str) -> None:
        """SQLite stores no names for unnamed constraints: after a rename they derive from the new name."""
        table = self.schema.table(new)

        def renamed(name: str) -> str:
            if (old, name) in self._auto_named and name.startswith(old + "_"):
                self._auto_named.add((new, new + name[len(old):]))
                return naming.fit(new + name[len(old):])
            return name

        self.schema = self.schema.with_table(replace(
            table,
            primary_key=replace(table.primary_key, name=renamed(table.primary_key.name or "")) if table.primary_key else None,
            uniques=tuple(replace(u, name=renamed(u.name)) for u in table.uniques),
            foreign_keys=tuple(replace(f, name=renamed(f.name)) for f in table.foreign_keys),
            checks=tuple(replace(c, name=renamed(c.name)) for c in table.checks),
        ))

    def _comment(self, stmt: Statement) -> None:
        tokens = self._tokens(stmt.text)
        kind = tokens[2].text.upper() if len(tokens) > 2 else ""
        if kind not in ("TABLE", "COLUMN"):
            self._ignore(f"COMMENT ON {kind}")
            return
        parts, i = self._qualified_name(tokens, 3, column=kind == "COLUMN")
        if i + 1 >= len(tokens) or tokens[i].text.upper() != "IS":
            raise self.error("expected COMMENT ON ... IS '...' | NULL")
        value_tok = tokens[i + 1]
        value = value_tok.text if value_tok.token_type in STRING_TOKENS else None
        if value is None and value_tok.token_type != TokenType.NULL:
            raise self.error("expected a string or NULL after IS")
        value = value or None  # PostgreSQL: an empty comment removes it
        if kind == "TABLE":
            table = self.table(parts[-1])
            self.schema = self.schema.with_table(replace(table, comment=value))
        else:
            if len(parts) < 2:
                raise self.error("COMMENT ON COLUMN needs table.column")
            table = self.table(parts[-2])
            col = table.column(self.column_name(table, parts[-1]))
            self.schema = self.schema.with_table(table.replace_column(col.name, replace(col, comment=value)))
