"""ALTER TABLE: the statement split into its actions, each applied in turn; those sqlglot parses go
by node type, those it keeps as raw text by their leading keywords."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import ClassVar

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from ...errors import MgenError
from ...operations import RenameColumn
from ...schema import Column, Index, Table
from ...sqltypes import parse_type_details
from ...statements import Statement
from .base import InterpreterBase, first_line

_DEFERRABILITY = frozenset({"DEFERRABLE", "NOT", "INITIALLY", "DEFERRED", "IMMEDIATE"})


def _split_top_level(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split tokens at commas outside parentheses and brackets (the actions of one ALTER TABLE; a default of
    ``ARRAY['a', 'b']`` is one action)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in tokens:
        if t.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif t.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
        if t.token_type == TokenType.COMMA and depth == 0:
            parts.append([])
        elif t.token_type != TokenType.SEMICOLON:
            parts[-1].append(t)
    return [p for p in parts if p]


def _matching_paren(tokens: Sequence[Token], start: int) -> int | None:
    """Index of the ``)`` closing the ``(`` at ``tokens[start]``."""
    if start >= len(tokens) or tokens[start].token_type != TokenType.L_PAREN:
        return None
    depth = 0
    for k in range(start, len(tokens)):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[k].token_type, 0)
        if depth == 0:
            return k
    return None


def _using_index_kind(words: Sequence[str]) -> tuple[str, int] | None:
    """For ``ADD [CONSTRAINT n] {UNIQUE | PRIMARY KEY} USING INDEX idx ...``: the constraint kind and
    the position of UNIQUE / PRIMARY KEY in ``words``; None for any other action (``UNIQUE (cols)
    USING INDEX TABLESPACE ts`` has its columns in between and stays with sqlglot)."""
    if words[:1] != ["ADD"]:
        return None
    k = 3 if words[1:2] == ["CONSTRAINT"] else 1
    if k >= len(words):
        return None
    kind = " ".join(words[k].split())  # sqlglot's single PRIMARY KEY token keeps the written spacing
    if kind not in ("UNIQUE", "PRIMARY KEY") or list(words[k + 1:k + 3]) != ["USING", "INDEX"]:
        return None
    return kind, k


def _with_validated(table: Table, names: set[str], validated: bool) -> Table:
    """``table`` with the CHECKs and foreign keys named in ``names`` marked (not) validated."""
    return replace(
        table,
        checks=tuple(replace(c, validated=validated) if c.name in names else c for c in table.checks),
        foreign_keys=tuple(replace(f, validated=validated) if f.name in names else f for f in table.foreign_keys))


def _has_not_valid(words: Sequence[str]) -> bool:
    return any(words[k:k + 2] == ["NOT", "VALID"] for k in range(len(words) - 1))


def _without_constraint(table: Table, name: str) -> Table | None:
    """The table without the constraint called ``name``, or None when it has none of that name."""
    if table.primary_key is not None and table.primary_key.name == name:
        return replace(table, primary_key=None)
    for attr in ("uniques", "foreign_keys", "checks"):
        items = getattr(table, attr)
        if any(x.name == name for x in items):
            return replace(table, **{attr: tuple(x for x in items if x.name != name)})
    return None


class AlterTableStatements(InterpreterBase):
    """ALTER TABLE and its actions."""

    def _alter_table(self, stmt: Statement) -> None:
        tokens = self._tokens(stmt.text)
        i = 2
        exists = False
        while i < len(tokens) and tokens[i].text.upper() in ("IF", "EXISTS", "ONLY", "ONLINE", "IGNORE"):
            exists = exists or tokens[i].text.upper() == "EXISTS"
            i += 1
        if i >= len(tokens):
            raise self.error("ALTER TABLE without a table name")
        parts, i = self._qualified_name(tokens, i)
        head = stmt.text[: tokens[i - 1].end + 1]
        actions = _split_top_level(tokens[i:])
        ignored = AlterTableStatements._action_ignored
        if all(self._special_action([t.text.upper() for t in a]) is ignored for a in actions):
            # pg_dump writes ALTER TABLE ... OWNER TO for sequences and views too
            self._ignore("ALTER TABLE " + " ".join(t.text.upper() for t in actions[0][:2]) if actions else "ALTER TABLE")
            return
        if self.is_temporary(parts[-1]):
            self._ignore("ALTER TABLE (temporary)")
            return
        if self.find_table(parts[-1]) is None:
            if exists:
                return
            raise self.error(f"unknown table {parts[-1]!r}")
        for action_tokens in actions:
            action_sql = stmt.text[action_tokens[0].start: action_tokens[-1].end + 1]
            self._alter_action(head, self.table(parts[-1]).name, action_sql, action_tokens)

    def _alter_action(self, head: str, table_name: str, action_sql: str, tokens: list[Token]) -> None:
        words = [t.text.upper() for t in tokens]
        special = self._special_action(words)
        if special is not None:
            special(self, table_name, action_sql, tokens, words)
            return
        node = self._parse(f"{head} {action_sql}")
        if not isinstance(node, exp.Alter):
            raise self.error(f"unsupported ALTER TABLE action: {first_line(action_sql)!r}")
        before = self.table(table_name)
        for action in node.args.get("actions") or ():
            handler = self._ACTIONS.get(type(action))
            if handler is None:
                raise self.error(f"unsupported ALTER TABLE action: {first_line(action_sql)!r}")
            handler(self, table_name, action)
        if node.args.get("not_valid"):
            self._mark_not_valid(before, self.table(table_name), action_sql)
        for option in node.args.get("options") or ():
            if isinstance(option, exp.SchemaCommentProperty):
                table = self.table(table_name)
                self.schema = self.schema.with_table(replace(table, comment=option.this.name or None))

    def _special_action(self, words: list[str]) -> Callable | None:
        """Actions sqlglot keeps as raw text, recognised by their keywords."""
        if words[:1] in (["OWNER"], ["ENABLE"], ["DISABLE"], ["REPLICA"], ["CLUSTER"], ["RESET"], ["INHERIT"],
                         ["NO"], ["OF"], ["NOT"], ["ATTACH"], ["DETACH"], ["FORCE"], ["ORDER"],
                         ["CONVERT"], ["ALGORITHM"], ["LOCK"], ["ENGINE"], ["AUTO_INCREMENT"], ["ROW_FORMAT"],
                         ["CHARSET"], ["COLLATE"], ["CHARACTER"], ["DEFAULT"]) \
                or (words[:1] == ["SET"] and words[1:2] != ["DATA"]) \
                or words[:2] == ["ALTER", "CONSTRAINT"]:
            return AlterTableStatements._action_ignored
        col_words = words[2:] if words[1:2] == ["COLUMN"] else words[1:]
        if words[:1] == ["ALTER"] and len(col_words) > 1:
            rest = col_words[1:]
            if rest[:2] == ["ADD", "GENERATED"] or rest[:2] == ["SET", "GENERATED"]:
                return AlterTableStatements._action_add_identity
            if rest[:2] == ["DROP", "IDENTITY"]:
                return AlterTableStatements._action_drop_identity
            if rest[:2] == ["DROP", "EXPRESSION"]:
                return AlterTableStatements._action_drop_expression
            if rest[:2] in (["SET", "STATISTICS"], ["SET", "STORAGE"], ["SET", "COMPRESSION"], ["SET", "("],
                            ["RESET", "("]) or rest[:1] == ["RESTART"] or (rest[:1] == ["SET"] and
                                                                          rest[1:2] in (["INCREMENT"], ["START"])):
                return AlterTableStatements._action_ignored
        if words[:2] == ["RENAME", "CONSTRAINT"]:
            return AlterTableStatements._action_rename_constraint
        if words[:2] == ["VALIDATE", "CONSTRAINT"]:
            return AlterTableStatements._action_validate_constraint
        if words[:2] == ["ADD", "CHECK"] or (words[:1] == ["ADD"] and "CHECK" in words[:4] and words[1] == "CONSTRAINT"
                                             and words[3:4] == ["CHECK"]):
            return AlterTableStatements._action_add_check
        if words[:3] == ["ADD", "COLUMN", "("] or words[:2] == ["ADD", "("]:
            return AlterTableStatements._action_add_columns
        if _using_index_kind(words) is not None:
            return AlterTableStatements._action_add_constraint_using_index
        return None

    # -- actions sqlglot keeps as raw text -----------------------------------------------------------
    def _action_ignored(self, table_name, sql, tokens, words):
        self._ignore("ALTER TABLE " + " ".join(words[:2]))

    def _column_token(self, table: Table, tokens: list[Token], words: list[str]) -> tuple[Column, int]:
        i = 2 if words[1:2] == ["COLUMN"] else 1
        col = table.column(self.column_name(table, self.token_name(tokens[i])))
        return col, i + 1

    def _action_add_identity(self, table_name, sql, tokens, words):
        table = self.table(table_name)
        col, i = self._column_token(table, tokens, words)
        kind = "always" if "ALWAYS" in words[i:i + 4] else "by_default"
        self.schema = self.schema.with_table(table.replace_column(
            col.name, replace(col, identity=kind, nullable=False, default=None)))

    def _action_drop_identity(self, table_name, sql, tokens, words):
        table = self.table(table_name)
        col, _ = self._column_token(table, tokens, words)
        if col.identity is None and "EXISTS" not in words:
            raise self.error(f"column {table.name}.{col.name} is not an identity column")
        self.schema = self.schema.with_table(table.replace_column(col.name, replace(col, identity=None)))

    def _action_drop_expression(self, table_name, sql, tokens, words):
        """PostgreSQL 13+: a generated column becomes a plain one, keeping its values."""
        table = self.table(table_name)
        col, _ = self._column_token(table, tokens, words)
        if col.generated is None and "EXISTS" not in words:
            raise self.error(f"column {table.name}.{col.name} is not a generated column")
        self.schema = self.schema.with_table(table.replace_column(col.name, replace(col, generated=None)))

    def _action_rename_constraint(self, table_name, sql, tokens, words):
        table = self.table(table_name)
        old, new = self.token_name(tokens[2]), self.token_name(tokens[4])
        if not self._rename_constraint(table, old, new):
            raise self.error(f"unknown constraint {old!r} on table {table.name!r}")

    def _rename_constraint(self, table: Table, old: str, new: str) -> bool:
        if self._rename_index([table], old, new):
            return True
        t = self.schema.table(table.name)
        if any(f.name == old for f in t.foreign_keys):
            t = replace(t, foreign_keys=tuple(replace(f, name=new) if f.name == old else f for f in t.foreign_keys))
        elif any(c.name == old for c in t.checks):
            t = replace(t, checks=tuple(replace(c, name=new) if c.name == old else c for c in t.checks))
        else:
            return False
        self.schema = self.schema.with_table(t)
        return True

    def _action_add_check(self, table_name, sql, tokens, words):
        """``ADD [CONSTRAINT n] CHECK (expr) [NOT VALID]`` (sqlglot reads only the named form)."""
        table = self.table(table_name)
        name = self.token_name(tokens[2]) if words[1] == "CONSTRAINT" else None
        start = next(k for k, t in enumerate(tokens) if t.text.upper() == "CHECK") + 1
        end = _matching_paren(tokens, start)
        if end is None:
            raise self.error("CHECK without a parenthesised expression")
        expr_sql = sql[tokens[start].start - tokens[0].start: tokens[end].end - tokens[0].start + 1]
        try:
            node = sqlglot.parse_one(expr_sql, read=self.sg)
        except (ParseError, TokenError) as e:
            raise self.error(f"SQL syntax error: {str(e).splitlines()[0]}") from None
        after = self.add_check(table, node, name)
        self.schema = self.schema.with_table(after)
        if _has_not_valid(words[end + 1:]):
            self._mark_not_valid(table, after, sql)

    def _mark_not_valid(self, before: Table, after: Table, sql: str) -> None:
        """The CHECKs and foreign keys an ``ADD ... NOT VALID`` action added are not validated yet
        (existing rows unchecked until VALIDATE CONSTRAINT); PostgreSQL refuses NOT VALID for others."""
        if not self.database.supports_not_valid:
            raise self.error(f"NOT VALID is PostgreSQL syntax: {first_line(sql)!r}")
        old = {c.name for c in before.checks} | {f.name for f in before.foreign_keys}
        added = ({c.name for c in after.checks} | {f.name for f in after.foreign_keys}) - old
        if not added:
            raise self.error(f"only CHECK and FOREIGN KEY constraints can be marked NOT VALID: {first_line(sql)!r}")
        self.schema = self.schema.with_table(_with_validated(after, added, False))

    def _action_validate_constraint(self, table_name, sql, tokens, words):
        """PostgreSQL ``VALIDATE CONSTRAINT name``: a CHECK or foreign key added NOT VALID is checked
        against the existing rows and becomes valid.

        A name the schema does not hold is skipped and listed, not refused: validating changes no
        definition, and a migration linted on its own often validates what an earlier one added."""
        if not self.database.supports_not_valid:
            raise self.error(f"VALIDATE CONSTRAINT is PostgreSQL syntax: {first_line(sql)!r}")
        if len(tokens) < 3:
            raise self.error("VALIDATE CONSTRAINT without a constraint name")
        table = self.table(table_name)
        name = self.token_name(tokens[2])
        if not any(c.name == name for c in (*table.checks, *table.foreign_keys)):
            keys = {u.name for u in table.uniques} | ({table.primary_key.name} if table.primary_key else set())
            if name in keys:
                raise self.error(f"constraint {name!r} of table {table.name!r} is not a foreign key or check constraint")
            self._ignore("ALTER TABLE VALIDATE CONSTRAINT")
            return
        self.schema = self.schema.with_table(_with_validated(table, {name}, True))

    def _action_add_constraint_using_index(self, table_name, sql, tokens, words):
        """PostgreSQL ``ADD [CONSTRAINT name] {UNIQUE | PRIMARY KEY} USING INDEX idx``: an existing unique
        index becomes the constraint and is renamed to the constraint's name (the zero-downtime way to
        add one: the index was built CONCURRENTLY before). sqlglot keeps this as a raw Command."""
        if not self.database.supports_constraint_using_index:
            raise self.error(f"ADD CONSTRAINT ... USING INDEX is PostgreSQL syntax: {first_line(sql)!r}")
        at = _using_index_kind(words)
        assert at is not None  # _special_action routed here only when it is not
        kind, k = at
        if k + 3 >= len(tokens):
            raise self.error(f"USING INDEX without an index name: {first_line(sql)!r}")
        trailing = words[k + 4:]
        if any(w not in _DEFERRABILITY for w in trailing):
            # DEFERRABLE / INITIALLY ...: the model does not hold deferrability (as for UNIQUE (cols))
            raise self.error(f"unsupported ALTER TABLE action: {first_line(sql)!r}")
        table = self.table(table_name)
        index_name = self.token_name(tokens[k + 3])
        index = self._index_for_constraint(table, index_name)
        name = self.token_name(tokens[2]) if words[1] == "CONSTRAINT" else index_name
        if name != index_name and self._relation_name_taken(name, table, index_name):
            raise self.error(f"relation {name!r} already exists")
        table = replace(table, indexes=tuple(i for i in table.indexes if i.name != index_name))
        if kind == "PRIMARY KEY":
            table = self.set_primary_key(table, index.columns, name)
        else:
            table = self.add_unique(table, index.columns, name)
        self.schema = self.schema.with_table(table)

    def _index_for_constraint(self, table: Table, name: str) -> Index:
        """The index ``USING INDEX name`` may turn into a constraint; MgenError with PostgreSQL's reason
        when it may not (the server refuses the statement for the same reasons)."""
        index = next((i for i in table.indexes if i.name == name), None)
        if index is None:
            if name in {u.name for u in table.uniques} or (table.primary_key and table.primary_key.name == name):
                raise self.error(f"index {name!r} is already associated with a constraint")
            other = next((t.name for t in self.schema.tables if any(i.name == name for i in t.indexes)), None)
            if other is not None:
                raise self.error(f"index {name!r} does not belong to table {table.name!r}")
            raise self.error(f"unknown index {name!r} on table {table.name!r}")
        if not index.unique:
            raise self.error(f"{name!r} is not a unique index")
        if index.where is not None:
            raise self.error(f"{name!r} is a partial index")
        if any(c.startswith("(") for c in index.columns):
            raise self.error(f"index {name!r} contains expressions")
        if index.method is not None:
            raise self.error(f"index {name!r} is not a btree")
        return index

    def _relation_name_taken(self, name: str, table: Table, index_name: str) -> bool:
        """PostgreSQL renames the index to the constraint's name: the name must be free among the
        table's constraints and the schema's relations (tables, indexes and the indexes behind keys)."""
        if name in table.constraint_names() - {index_name}:
            return True
        for t in self.schema.tables:
            if t.name == name or any(i.name == name for i in t.indexes) or any(u.name == name for u in t.uniques):
                return True
            if t.primary_key is not None and t.primary_key.name == name:
                return True
        return False

    def _action_add_columns(self, table_name, sql, tokens, words):
        """MySQL ``ADD [COLUMN] (a int, b int)``."""
        start = words.index("(")
        end = _matching_paren(tokens, start)
        if end is None:
            raise self.error("unbalanced parentheses in ADD COLUMN (...)")
        for col_tokens in _split_top_level(tokens[start + 1:end]):
            col_sql = sql[col_tokens[0].start - tokens[0].start: col_tokens[-1].end - tokens[0].start + 1]
            self._alter_action(f"ALTER TABLE {self._quoted(table_name)}", table_name,
                               f"ADD COLUMN {col_sql}", self._tokens(f"ADD COLUMN {col_sql}"))

    def _quoted(self, name: str) -> str:
        """``name`` quoted, always, as the database quotes names."""
        q = self.database.quote_char
        return q + name.replace(q, q + q) + q

    # -- actions sqlglot parses ----------------------------------------------------------------------
    def _act_add_column(self, table_name: str, cdef: exp.ColumnDef) -> None:
        table = self.table(table_name)
        name = self.ident(cdef.this)
        if cdef.args.get("exists") and table.has_column(name):
            return
        table = self._add_column_def(table, cdef, cdef.args.get("position"))
        table = self._column_constraints(table, cdef)
        self.schema = self.schema.with_table(table)
        self._resolve_pending(final=False)

    def _act_drop(self, table_name: str, node: exp.Drop) -> None:
        kind = str(node.args.get("kind") or "").upper()
        handler = self._DROP_ACTIONS.get(kind)
        if handler is None:
            raise self.error(f"unsupported ALTER TABLE DROP {kind}")
        for target in node.args.get("tables") or ():
            handler(self, table_name, self.ident(target), bool(node.args.get("exists")), bool(node.args.get("cascade")))

    def _drop_column(self, table_name: str, name: str, exists: bool, cascade: bool) -> None:
        table = self.table(table_name)
        if exists and not any(c.name.lower() == name.lower() for c in table.columns):
            return
        col = self.column_name(table, name)
        self.schema = self.database.schema_without_column(self.schema, table, col)

    def _drop_constraint(self, table_name: str, name: str, exists: bool, cascade: bool) -> None:
        table = self.table(table_name)
        t = _without_constraint(table, name)
        if t is None:
            if exists:
                return
            raise self.error(f"unknown constraint {name!r} on table {table.name!r}")
        self.schema = self.schema.with_table(t)

    def _drop_index_action(self, table_name: str, name: str, exists: bool, cascade: bool) -> None:
        if self._drop_index_named([self.table(table_name)], name) or exists:
            return
        if self.database.indexes_foreign_keys and (self.table(table_name).name, name) in self._fk_names:
            return  # the index MySQL made for a foreign key: not in the model
        raise self.error(f"unknown index {name!r} on table {table_name!r}")

    _DROP_ACTIONS: ClassVar[dict[str, Callable]] = {
        "COLUMN": _drop_column, "": _drop_column,
        "CONSTRAINT": _drop_constraint, "FOREIGN KEY": _drop_constraint, "CHECK": _drop_constraint,
        "INDEX": _drop_index_action, "KEY": _drop_index_action,
    }

    def _act_drop_primary_key(self, table_name: str, node: exp.Expression) -> None:
        table = self.table(table_name)
        self.schema = self.schema.with_table(replace(table, primary_key=None))

    def _act_rename_column(self, table_name: str, node: exp.RenameColumn) -> None:
        table = self.table(table_name)
        old = self.column_name(table, self.ident(node.this))
        new = self.ident(node.args["to"])
        if table.has_column(new) and new.lower() != old.lower():
            raise self.error(f"column {new!r} already exists in table {table.name!r}")
        self.schema = RenameColumn(table.name, old, new).apply(self.schema)

    def _act_rename_table(self, table_name: str, node: exp.AlterRename) -> None:
        self.rename_table(table_name, self.ident(node.this))

    def _act_rename_index(self, table_name: str, node: exp.Expression) -> None:
        old, new = self.ident(node.this), self.ident(node.args["to"])
        if not self._rename_index([self.table(table_name)], old, new):
            raise self.error(f"unknown index {old!r} on table {table_name!r}")

    def _act_alter_column(self, table_name: str, node: exp.AlterColumn) -> None:
        table = self.table(table_name)
        col = table.column(self.column_name(table, self.ident(node.this)))
        if node.args.get("dtype") is not None:
            raw = self._raw_type_text(node.this, node.args["dtype"])
            try:
                parsed = parse_type_details(raw, self.dialect, self._enum_names())
            except MgenError as e:
                raise self.error(f"column {table.name}.{col.name}: {e.message}") from None
            col = replace(col, type=parsed.type)
        if node.args.get("default") is not None:
            default, identity = self.default(node.args["default"], col.type)
            col = replace(col, default=default, identity=identity or col.identity)
            if identity:
                col = replace(col, nullable=False)
        elif node.args.get("drop") and node.args.get("allow_null") is None:
            # a PostgreSQL serial is its nextval() default: dropping the default ends the serial
            identity = None if col.identity == "serial" and self.database.serial_is_default else col.identity
            col = replace(col, default=None, identity=identity)
        if node.args.get("allow_null") is not None:
            col = replace(col, nullable=bool(node.args.get("drop")))
        if node.args.get("comment") is not None:
            col = replace(col, comment=node.args["comment"].name or None)
        self.schema = self.schema.with_table(table.replace_column(col.name, col))

    def _act_add_constraint(self, table_name: str, node: exp.AddConstraint) -> None:
        table = self.table(table_name)
        for inner in node.expressions:
            table = self._table_constraint(table, inner)
        self.schema = self.schema.with_table(table)
        self._resolve_pending(final=False)

    def _act_modify_column(self, table_name: str, node: exp.Expression) -> None:
        """MySQL MODIFY / CHANGE: the column is redefined from scratch (type, nullability, default)."""
        table = self.table(table_name)
        cdef = node.this
        old_name = self.ident(node.args["rename_from"]) if node.args.get("rename_from") is not None \
            else self.ident(cdef.this)
        old = self.column_name(table, old_name)
        new_name = self.ident(cdef.this)
        if new_name != old:
            if table.has_column(new_name) and new_name.lower() != old.lower():
                raise self.error(f"column {new_name!r} already exists in table {table.name!r}")
            self.schema = RenameColumn(table.name, old, new_name).apply(self.schema)
            table = self.schema.table(table.name)
        column = self._column(table, cdef)
        if table.primary_key is not None and column.name in table.primary_key.columns:
            column = replace(column, nullable=False)
        table = table.replace_column(column.name, column)
        position = cdef.args.get("position")
        if position is not None:
            rest = replace(table, columns=tuple(c for c in table.columns if c.name != column.name))
            cols = list(rest.columns)
            at = 0 if str(position.args.get("position", "")).upper() == "FIRST" else \
                rest.column_names().index(self.column_name(rest, self.ident(position.this))) + 1
            cols.insert(at, column)
            table = replace(table, columns=tuple(cols))
        table = self._column_constraints(table, cdef)
        self.schema = self.schema.with_table(table)

    _ACTIONS: ClassVar[dict[type, Callable]] = {
        exp.ColumnDef: _act_add_column,
        exp.Drop: _act_drop,
        exp.DropPrimaryKey: _act_drop_primary_key,
        exp.RenameColumn: _act_rename_column,
        exp.AlterRename: _act_rename_table,
        exp.AlterColumn: _act_alter_column,
        exp.AddConstraint: _act_add_constraint,
        exp.ModifyColumn: _act_modify_column,
    }
    if hasattr(exp, "RenameIndex"):
        _ACTIONS[exp.RenameIndex] = _act_rename_index
