"""What every SQL dialect provides, and the dispatch that picks a renderer by operation type.

A dialect module subclasses ``Dialect`` and registers one method per operation class:

    class PostgreSQL(Dialect):
        name = "postgresql"

        @renders(AddColumn)
        def add_column(self, op, before, after):
            return [f"ALTER TABLE {self.quote(op.table)} ADD COLUMN {self.column_sql(op.column, after)}"]

A renderer gets the operation, the schema before it and the schema after it, and returns a list of
single SQL statements (no trailing semicolon), each runnable on its own in autocommit mode.
Anything the dialect cannot express raises ``Unsupported`` (never emits wrong SQL silently).
"""
from __future__ import annotations

from typing import Callable, ClassVar, Optional, Sequence

from ..errors import MgenError
from ..operations import Operation, apply_all
from ..schema import Column, ColumnType, Default, Schema

Renderer = Callable[["Dialect", Operation, Schema, Schema], list]


class Unsupported(MgenError):
    """The dialect cannot express this operation."""


def renders(op_type: type[Operation]):
    """Mark a Dialect method as the renderer for ``op_type``."""

    def mark(fn):
        fn._renders = op_type
        return fn

    return mark


class Dialect:
    name: ClassVar[str] = ""
    # feature flags the differ, readers and verify consult
    supports_comments: ClassVar[bool] = True
    supports_partial_indexes: ClassVar[bool] = True
    supports_index_methods: ClassVar[bool] = False
    enum_style: ClassVar[str] = "type"  # "type" (CREATE TYPE), "inline" (ENUM(...) on the column), "text"
    transactional_ddl: ClassVar[bool] = True
    max_identifier: ClassVar[int] = 63

    _renderers: ClassVar[dict[type, Renderer]] = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        table: dict[type, Renderer] = {}
        for base in reversed(cls.__mro__):
            for attr in vars(base).values():
                op_type = getattr(attr, "_renders", None)
                if op_type is not None:
                    table[op_type] = attr
        cls._renderers = table

    # -- the entry point ---------------------------------------------------------------------
    def render_ops(self, ops: Sequence[Operation], schema: Schema) -> list[str]:
        """Statements for ``ops`` applied in order to ``schema``. Dialects that batch several
        operations into one statement sequence (SQLite's table rebuild) override this."""
        out: list[str] = []
        for op in ops:
            after = op.apply(schema)
            out.extend(self.render_op(op, schema, after))
            schema = after
        return out

    def render_op(self, op: Operation, before: Schema, after: Schema) -> list[str]:
        fn = self._renderers.get(type(op))
        if fn is None:
            raise Unsupported(f"{self.name} cannot render operation {op.kind}")
        return fn(self, op, before, after)

    # -- what each dialect implements ----------------------------------------------------------
    def quote(self, ident: str) -> str:  # pragma: no cover - abstract
        """The identifier, quoted only where needed (reserved word, mixed case, odd characters)."""
        raise NotImplementedError

    def type_sql(self, ctype: ColumnType, schema: Schema, column: Optional[Column] = None) -> str:  # pragma: no cover
        raise NotImplementedError

    def default_sql(self, default: Default, column: Column, schema: Schema) -> str:  # pragma: no cover
        raise NotImplementedError

    def expression_sql(self, canonical: str) -> str:  # pragma: no cover
        raise NotImplementedError

    # -- comparisons the differ uses: equal when the dialect would store the same thing ---------
    def same_type(self, a: ColumnType, b: ColumnType, schema_a: Schema, schema_b: Schema) -> bool:
        return self.type_sql(a, schema_a).lower() == self.type_sql(b, schema_b).lower()

    def same_default(self, a: Optional[Default], b: Optional[Default], column: Column, schema: Schema) -> bool:
        if a is None or b is None or a.kind == "null" or b.kind == "null":
            return (a is None or a.kind == "null") == (b is None or b.kind == "null")
        return self.default_sql(a, column, schema) == self.default_sql(b, column, schema)

    def same_expression(self, a: Optional[str], b: Optional[str]) -> bool:
        if a is None or b is None:
            return a == b
        return self.expression_sql(a) == self.expression_sql(b)


def render_migration(ops: Sequence[Operation], old: Schema, dialect: Dialect) -> tuple[list[str], list[str]]:
    """The up and the down statements of ``ops`` starting from ``old``."""
    from ..operations import reverse_all

    up = dialect.render_ops(ops, old)
    down = dialect.render_ops(reverse_all(ops), apply_all(ops, old))
    return up, down
