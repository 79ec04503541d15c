"""Primary keys, unique keys, foreign keys and CHECKs, from column and table definitions (CREATE TABLE,
ADD COLUMN, ADD CONSTRAINT), each given its database's name when it has none."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import ClassVar

from sqlglot import exp

from ... import naming
from ...errors import MgenError
from ...expressions import canonical_expression
from ...schema import Check, ColumnType, ForeignKey, PrimaryKey, Table, Unique
from .base import InterpreterBase, PendingReference

_FK_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")
_FK_OPTION = re.compile(r"^ON\s+(DELETE|UPDATE)\s+(.+)$", re.IGNORECASE)


class ConstraintStatements(InterpreterBase):
    """The keys and constraints of column and table definitions, named as the database names them."""

    def _column_constraints(self, table: Table, cdef: exp.ColumnDef) -> Table:
        """Apply the column-level PRIMARY KEY / UNIQUE / REFERENCES / CHECK of a column definition."""
        col = self.column_name(table, self.ident(cdef.this))
        for cc in cdef.args.get("constraints") or ():
            kind = cc.args.get("kind")
            name = self.ident(cc.this) if cc.this is not None else None
            handler = self._COLUMN_CONSTRAINTS.get(type(kind))
            if handler is not None:
                table = handler(self, table, col, kind, name)
        return table

    def _col_primary_key(self, table, col, node, name):
        return self.set_primary_key(table, (col,), name)

    def _col_unique(self, table, col, node, name):
        return self.add_unique(table, (col,), name)

    def _col_reference(self, table, col, node: exp.Reference, name):
        return self.add_foreign_key(table, (col,), node, name, node.args.get("options") or ())

    def _col_check(self, table, col, node: exp.CheckColumnConstraint, name):
        return self.add_check(table, node.this, name)

    _COLUMN_CONSTRAINTS: ClassVar[dict[type, Callable]] = {
        exp.PrimaryKeyColumnConstraint: _col_primary_key,
        exp.UniqueColumnConstraint: _col_unique,
        exp.Reference: _col_reference,
        exp.CheckColumnConstraint: _col_check,
    }

    def _table_constraint(self, table: Table, node: exp.Expression, name: str | None = None) -> Table:
        handler = self._TABLE_CONSTRAINTS.get(type(node))
        if handler is None:
            return table  # LIKE, EXCLUDE, table options sqlglot keeps inline: nothing the model holds
        return handler(self, table, node, name)

    def _tc_named(self, table, node: exp.Constraint, name):
        name = self.ident(node.this)
        for inner in node.expressions:
            table = self._table_constraint(table, inner, name)
        return table

    def _tc_primary_key(self, table, node: exp.PrimaryKey, name):
        return self.set_primary_key(table, self._column_list(table, node.expressions), name)

    def _tc_unique(self, table, node: exp.UniqueColumnConstraint, name):
        target = node.this
        if isinstance(target, exp.Schema):
            if target.this is not None and name is None:
                name = self.ident(target.this)  # MySQL UNIQUE KEY name (cols)
            cols = self._column_list(table, target.expressions)
        elif target is not None:
            cols = self._column_list(table, [target])
        else:
            raise self.error("UNIQUE without columns")
        return self.add_unique(table, cols, name)

    def _tc_foreign_key(self, table, node: exp.ForeignKey, name):
        cols = self._column_list(table, node.expressions)
        ref = node.args.get("reference")
        options = list(ref.args.get("options") or ()) if ref is not None else []
        for action in ("delete", "update"):
            if node.args.get(action):
                options.append(f"ON {action.upper()} {node.args[action]}")
        return self.add_foreign_key(table, cols, ref, name, options)

    def _tc_check(self, table, node: exp.CheckColumnConstraint, name):
        return self.add_check(table, node.this, name)

    def _tc_index(self, table, node: exp.IndexColumnConstraint, name):
        """MySQL ``KEY name (cols)`` / ``INDEX`` / ``FULLTEXT KEY`` inside CREATE or ALTER TABLE."""
        name = self.ident(node.this) if node.this is not None else name
        kind = str(node.args.get("kind") or "").lower() or None
        elements = self._index_elements(table, node.expressions)
        return self.add_index(table, elements.index(name or "", method=kind), elements.labels)

    _TABLE_CONSTRAINTS: ClassVar[dict[type, Callable]] = {
        exp.Constraint: _tc_named,
        exp.PrimaryKey: _tc_primary_key,
        exp.UniqueColumnConstraint: _tc_unique,
        exp.ForeignKey: _tc_foreign_key,
        exp.CheckColumnConstraint: _tc_check,
        exp.IndexColumnConstraint: _tc_index,
    }

    def _column_list(self, table: Table, nodes: Iterable[exp.Expression]) -> tuple[str, ...]:
        cols = []
        for n in nodes:
            while isinstance(n, (exp.Ordered, exp.ColumnPrefix)):
                n = n.this
            cols.append(self.column_name(table, self.ident(n)))
        return tuple(cols)

    # -- adding one, with its name -------------------------------------------------------------------
    def _fresh_name(self, table: Table, base: str) -> str:
        """``base``, or ``base1``, ``base2``... when taken (PostgreSQL's rule)."""
        taken = table.constraint_names()
        if base not in taken:
            return base
        n = 1
        while naming.fit(f"{base}{n}") in taken:
            n += 1
        return naming.fit(f"{base}{n}")

    def _auto(self, table: Table, name: str) -> str:
        self._auto_named.add((table.name, name))
        return name

    def set_primary_key(self, table: Table, cols: tuple[str, ...], name: str | None) -> Table:
        if table.primary_key is not None:
            raise self.error(f"table {table.name!r} already has a primary key")
        name = name or self._auto(table, naming.primary_key_name(table.name))
        columns = tuple(replace(c, nullable=False) if c.name in cols else c for c in table.columns)
        return replace(table, primary_key=PrimaryKey(cols, name), columns=columns)

    def add_unique(self, table: Table, cols: tuple[str, ...], name: str | None) -> Table:
        name = name or self._auto(table, self._fresh_name(table, naming.unique_name(table.name, cols)))
        return replace(table, uniques=table.uniques + (Unique(name, cols),))

    def add_foreign_key(self, table: Table, cols: tuple[str, ...], ref: exp.Expression | None,
                        name: str | None, options: Iterable) -> Table:
        if ref is None:
            raise self.error("FOREIGN KEY without REFERENCES")
        target = ref.this
        if isinstance(target, exp.Schema):
            ref_table = self.ident(target.this)
            ref_cols = tuple(self.ident(c) for c in target.expressions)
        else:
            ref_table, ref_cols = self.ident(target), ()
        found = self.find_table(ref_table) or (table.name if ref_table.lower() == table.name.lower() else None)
        ref_table = found or ref_table
        actions = {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
        # PostgreSQL's DEFERRABLE and MATCH FULL (SQLite's DEFERRABLE is not in its catalog: not modelled there)
        words = [" ".join(str(opt).upper().split()) for opt in options] if self.dialect == "postgresql" else []
        deferrable = None if "NOT DEFERRABLE" in words or "DEFERRABLE" not in words else (
            "DEFERRABLE INITIALLY DEFERRED" if "INITIALLY DEFERRED" in words else "DEFERRABLE")
        for opt in options:
            m = _FK_OPTION.match(" ".join(str(opt).split()))
            if m:
                action = m.group(2).upper()
                if action not in _FK_ACTIONS:
                    raise self.error(f"unknown foreign key action {m.group(2)!r}")
                actions[m.group(1).upper()] = action
        name = name or self._auto(table, self._fresh_name(table, naming.foreign_key_name(table.name, cols)))
        self._fk_names.add((table.name, name))
        if not ref_cols:
            self._pending.append(PendingReference(table.name, name, self.line))
        fk = ForeignKey(name, cols, ref_table, ref_cols, actions["DELETE"], actions["UPDATE"],  # type: ignore[arg-type]
                        deferrable=deferrable, match_full="MATCH FULL" in words)
        return replace(table, foreign_keys=table.foreign_keys + (fk,))

    def add_check(self, table: Table, node: exp.Expression, name: str | None) -> Table:
        while isinstance(node, exp.Paren):
            node = node.this
        json_column = self._mariadb_json_check(table, node)
        if json_column is not None:
            # MariaDB spells a JSON column as LONGTEXT + CHECK (json_valid(col))
            column = table.column(json_column)
            return table.replace_column(json_column, replace(column, type=ColumnType("json")))
        referenced = sorted({self.ident(c.this) for c in node.find_all(exp.Column)})
        if name is None:
            cols = [self.column_name(table, referenced[0])] if len(referenced) == 1 else []
            name = self._auto(table, self._fresh_name(table, naming.check_name(table.name, cols)))
        return replace(table, checks=table.checks + (Check(name, canonical_expression(node, self.dialect)),))

    def _mariadb_json_check(self, table: Table, node: exp.Expression) -> str | None:
        if not self.database.json_is_checked_text:
            return None
        if isinstance(node, exp.Anonymous) and node.name.lower() == "json_valid" and len(node.expressions) == 1:
            arg = node.expressions[0]
        elif type(node).__name__ == "JSONValid":  # newer sqlglot versions give json_valid its own node
            arg = node.this
        else:
            return None
        if not isinstance(arg, exp.Column):
            return None
        try:
            col = table.column(self.column_name(table, self.ident(arg)))
        except MgenError:
            return None
        return col.name if col.type.name in ("text", "json") else None

    def _resolve_pending(self, final: bool = True) -> None:
        """Fill in ``REFERENCES t`` (no columns) with t's primary key once t is known."""
        left = []
        for p in self._pending:
            if not self.schema.has_table(p.table):
                continue
            table = self.schema.table(p.table)
            fk = next((f for f in table.foreign_keys if f.name == p.fk_name), None)
            target = self.find_table(fk.ref_table) if fk is not None else None
            if fk is None:
                continue
            if target is None or self.schema.table(target).primary_key is None:
                if final:
                    raise MgenError(f"foreign key {fk.name!r} references {fk.ref_table!r}, which has no primary key",
                                    self.filename, p.line)
                left.append(p)
                continue
            new_fk = replace(fk, ref_table=target, ref_columns=self.schema.table(target).primary_key.columns)
            self.schema = self.schema.with_table(replace(table, foreign_keys=tuple(
                new_fk if f.name == fk.name else f for f in table.foreign_keys)))
        self._pending = left
