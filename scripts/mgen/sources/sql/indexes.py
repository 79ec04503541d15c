"""Indexes: CREATE / DROP / ALTER INDEX, and the index columns (names or expressions) of any definition."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlglot import exp

from ...expressions import canonical_expression
from ...schema import Index, Table
from ...statements import Statement
from .base import InterpreterBase, first_line

# MySQL's online options after CREATE INDEX ... (cols): how the index is built, not what it is
_MYSQL_INDEX_OPTIONS = re.compile(r"(?:\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+)+\s*$", re.IGNORECASE)


def _expression_label(node: exp.Expression) -> str:
    """The word PostgreSQL names an expression index column by: the function name, else "expr"."""
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Func):
        return node.key.lower()
    return "expr"


def _sort_order(node: exp.Ordered, dialect: str) -> str:
    """A column's sort order where it is not the default: "DESC", and on PostgreSQL the NULLS placement
    when it is not the order's own (NULLS LAST ascending, NULLS FIRST descending)."""
    desc = bool(node.args.get("desc"))
    words = ["DESC"] if desc else []
    if dialect == "postgresql" and bool(node.args.get("nulls_first")) != desc:
        words.append("NULLS FIRST" if node.args.get("nulls_first") else "NULLS LAST")
    return " ".join(words)


def _opclass_name(name: str, node: exp.Expression) -> str:
    """An operator class as written, its schema kept unless it is ``public`` (as types: nativetypes)."""
    schema = node.args.get("db") if isinstance(node, exp.Table) else None
    qualifier = schema.name.lower() if schema is not None else ""
    return f"{qualifier}.{name}" if qualifier and qualifier not in ("public", "pg_catalog") else name


@dataclass
class IndexElements:
    """An index definition's columns as the reader collects them, and the options each one has."""

    columns: tuple[str, ...] = ()
    labels: list[str] = field(default_factory=list)
    ops: tuple[tuple[str, str], ...] = ()
    orders: tuple[tuple[str, str], ...] = ()
    prefixes: tuple[tuple[str, int], ...] = ()

    def add(self, column: str, label: str, opclass: str, order: str, prefix: int | None) -> None:
        self.columns += (column,)
        self.labels.append(label)
        self.ops += ((column, opclass),) if opclass else ()
        self.orders += ((column, order),) if order else ()
        self.prefixes += ((column, prefix),) if prefix is not None else ()

    def index(self, name: str, **options) -> Index:
        return Index(name, self.columns, ops=self.ops, orders=self.orders, prefixes=self.prefixes, **options)


class IndexStatements(InterpreterBase):
    """CREATE / DROP / ALTER INDEX and the indexes of table definitions."""

    def _index_elements(self, table: Table, nodes: Iterable[exp.Expression]) -> IndexElements:
        """Each index column with what follows it: operator class, sort order, MySQL prefix length."""
        out = IndexElements()
        for n in nodes:
            order = _sort_order(n, self.dialect) if isinstance(n, exp.Ordered) else ""
            n = n.this if isinstance(n, exp.Ordered) else n
            opclass = ""
            if isinstance(n, exp.Opclass):
                opclass = _opclass_name(self.ident(n.expression), n.expression)
                n = n.this
            n, prefix = self._prefix_length(table, n)
            while isinstance(n, exp.Paren):
                n = n.this
            if isinstance(n, (exp.Column, exp.Identifier)) and not (isinstance(n, exp.Column) and n.table):
                col = self.column_name(table, self.ident(n))
                out.add(col, col, opclass, order, prefix)
            else:
                out.add("(" + canonical_expression(n, self.dialect) + ")", _expression_label(n), opclass, order, prefix)
        return out

    def _prefix_length(self, table: Table, n: exp.Expression) -> tuple[exp.Expression, int | None]:
        """MySQL ``col(10)``: in CREATE TABLE a ColumnPrefix; in CREATE INDEX sqlglot reads it as a call."""
        if isinstance(n, exp.ColumnPrefix):
            return n.this, int(n.expression.name)
        if (self.dialect == "mysql" and isinstance(n, exp.Anonymous) and len(n.expressions) == 1
                and isinstance(n.expressions[0], exp.Literal) and n.expressions[0].is_int
                and any(c.name.lower() == n.name.lower() for c in table.columns)):
            return exp.column(n.name, quoted=True), int(n.expressions[0].name)
        return n, None

    def add_index(self, table: Table, index: Index, labels: Sequence[str]) -> Table:
        name = index.name or self.database.unnamed_constraint_name(
            "ix", table.name, index.columns if self.dialect == "mysql" else labels, table.constraint_names())
        if any(i.name == name for i in table.indexes):
            raise self.error(f"index {name!r} already exists on table {table.name!r}")
        return replace(table, indexes=table.indexes + (replace(index, name=name),))

    def _create_index(self, stmt: Statement) -> None:
        text = _MYSQL_INDEX_OPTIONS.sub("", stmt.text) if self.dialect == "mysql" else stmt.text
        node = self._parse(text)
        if not isinstance(node, exp.Create) or not isinstance(node.this, exp.Index):
            raise self.error(f"cannot read {first_line(stmt.text)!r}")
        idx = node.this
        if self.is_temporary(self.ident(idx.args["table"])):
            if idx.this is not None:
                self._temporary.add(self.ident(idx.this))
            self._ignore("CREATE INDEX (temporary table)")
            return
        table = self.table(self.ident(idx.args["table"]))
        params = idx.args.get("params")
        elements = self._index_elements(table, params.args.get("columns") or () if params else ())
        name = self.ident(idx.this) if idx.this is not None else ""
        if name and any(i.name == name for i in table.indexes) and node.args.get("exists"):
            return
        using = params.args.get("using") if params else None
        method = using.name.lower() if using is not None else None
        where = params.args.get("where") if params else None
        is_unique = bool(node.args.get("unique"))
        kind = "FULLTEXT" if "FULLTEXT" in stmt.words else "SPATIAL" if "SPATIAL" in stmt.words else None
        include = tuple(self.column_name(table, self.ident(c)) for c in (params.args.get("include") or ())
                        ) if params else ()
        index = elements.index(name, unique=is_unique, include=include,
                               where=canonical_expression(where.this, self.dialect) if where is not None else None,
                               method=kind.lower() if kind else (None if method in (None, "btree") else method))
        self.schema = self.schema.with_table(self.add_index(table, index, elements.labels))

    def _drop_index(self, node: exp.Drop) -> None:
        on = node.args.get("cluster")  # MySQL DROP INDEX i ON t
        for target in node.args.get("tables") or ():
            name = self.ident(target)
            if self.forget_temporary(name):
                continue
            tables = [self.table(self.ident(on.this))] if isinstance(on, exp.OnProperty) else self.schema.tables
            if self._drop_index_named(tables, name) or node.args.get("exists"):
                continue
            if self.database.indexes_foreign_keys and any((t.name, name) in self._fk_names for t in tables):
                continue  # the index MySQL made for a foreign key: not in the model
            raise self.error(f"unknown index {name!r}")

    def _drop_index_named(self, tables: Iterable[Table], name: str) -> bool:
        for t in tables:
            if any(i.name == name for i in t.indexes):
                self.schema = self.schema.with_table(replace(t, indexes=tuple(i for i in t.indexes if i.name != name)))
                return True
            # where a unique key is an index (MySQL), DROP INDEX drops the key
            if self.database.unique_index_is_constraint and any(u.name == name for u in t.uniques):
                self.schema = self.schema.with_table(replace(t, uniques=tuple(u for u in t.uniques if u.name != name)))
                return True
        return False

    def _alter_index(self, stmt: Statement) -> None:
        """PostgreSQL ``ALTER INDEX [IF EXISTS] a RENAME TO b``; other index options change nothing modelled."""
        tokens = self._tokens(stmt.text)
        i = 2
        if tokens[i].text.upper() == "IF":
            i += 2
        parts, i = self._qualified_name(tokens, i)
        words = [t.text.upper() for t in tokens[i:]]
        if words[:2] != ["RENAME", "TO"]:
            self._ignore("ALTER INDEX")
            return
        new = self.token_name(tokens[i + 2])
        if not self._rename_index(self.schema.tables, parts[-1], new):
            raise self.error(f"unknown index {parts[-1]!r}")

    def _rename_index(self, tables: Iterable[Table], old: str, new: str) -> bool:
        for t in tables:
            if any(i.name == old for i in t.indexes):
                self.schema = self.schema.with_table(replace(t, indexes=tuple(
                    replace(i, name=new) if i.name == old else i for i in t.indexes)))
                return True
            if any(u.name == old for u in t.uniques):  # PostgreSQL renames a unique constraint with its index
                self.schema = self.schema.with_table(replace(t, uniques=tuple(
                    replace(u, name=new) if u.name == old else u for u in t.uniques)))
                return True
            if t.primary_key is not None and t.primary_key.name == old:
                self.schema = self.schema.with_table(replace(t, primary_key=replace(t.primary_key, name=new)))
                return True
        return False
