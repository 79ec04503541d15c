"""The names of constraints and indexes: explicit ones, the naming convention, and the names a database
gives those created without one.

``ConstraintNamer`` follows SQLAlchemy (``_constraint_name_for_table``: a ``conv()`` name as is, the
metadata's convention for unnamed constraints, names longer than the dialect allows shortened as
SQLAlchemy shortens them). What SQLAlchemy leaves unnamed is named by the database:
``Dialect.unnamed_constraint_name`` says how each one names it, so a later ``op.drop_constraint("<that
name>")`` finds it (PostgreSQL's ``t_c_key`` / ``t_c_fkey`` / ``t_c_check``; MySQL's ``c``, ``t_ibfk_1``,
``CONSTRAINT_1``; on SQLite, which stores none, the PostgreSQL-style names mgen's SQLite introspection
reports).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from ...errors import MgenError
from ...schema import Check, ForeignKey, Table
from .reader import ConstructReader
from .specs import CheckSpec, ColumnSpec, ForeignKeySpec, TableSpec, column_name, columns_by_key, split_target

DEFAULT_CONVENTION = {"ix": "ix_%(column_0_label)s"}  # sqlalchemy.sql.schema.DEFAULT_NAMING_CONVENTION


class ConstraintNamer:
    """Names for constraints and indexes: explicit ones, the naming convention, else mgen's names."""

    def __init__(self, reader: ConstructReader, spec: TableSpec, by_key: Mapping[str, ColumnSpec],
                 taken: Iterable[str] = ()):
        self.reader = reader
        self.spec = spec
        self.by_key = by_key
        self.taken: set[str] = set(taken)

    def unnamed(self, kind: str, columns: Sequence[str], column_check: str | None = None) -> str:
        """The name the database gives a constraint created without one."""
        name = self.reader.database.unnamed_constraint_name(kind, self.spec.name, columns, self.taken, column_check)
        self.taken.add(name)
        self.reader.auto_named.add((self.spec.name, name))
        return name

    def name(self, kind: str, explicit: str | None, conv: bool, columns: Sequence[str],
             referred: tuple[str, Sequence[str]] | None = None) -> str | None:
        """SQLAlchemy's ``_constraint_name_for_table``: a final (``conv``) name as is; the convention when
        the constraint is unnamed or the convention uses %(constraint_name)s; else the explicit name."""
        if explicit is not None and conv:
            return self._take(explicit)
        convention = self.spec.convention.get(kind)
        if convention is not None and (explicit is None or "%(constraint_name)" in convention):
            return self._take(self._shorten(self._format(kind, convention, explicit, columns, referred)))
        return self._take(explicit) if explicit is not None else None

    def _take(self, name: str) -> str:
        self.taken.add(name)
        return name

    def _shorten(self, name: str) -> str:
        limit = self.reader.compiler.max_identifier
        if limit is None or len(name) <= limit:
            return name
        return name[: limit - 8] + "_" + hashlib.md5(name.encode()).hexdigest()[-4:]  # SQLAlchemy's own shortening

    def _format(self, kind: str, convention: str, explicit: str | None, columns: Sequence[str],
                referred: tuple[str, Sequence[str]] | None) -> str:
        table = self.spec.name
        tokens: dict[str, str] = {"table_name": table}
        if explicit is not None:
            tokens["constraint_name"] = explicit
        keys = [self._key(c) for c in columns]
        for prefix, values in (("column", list(columns)), ("referred_column", list(referred[1]) if referred else [])):
            for label, items in (("name", values),
                                 ("label", [f"{table}_{v}" for v in values] if prefix == "column" else []),
                                 ("key", keys if prefix == "column" else values)):
                if items:
                    tokens[f"{prefix}_0_{label}"] = items[0]
                    tokens[f"{prefix}_0N_{label}"] = "".join(items)
                    tokens[f"{prefix}_0_N_{label}"] = "_".join(items)
        if referred:
            tokens["referred_table_name"] = referred[0]
        try:
            return convention % tokens
        except KeyError as e:
            token = e.args[0]
            if token == "constraint_name":
                raise MgenError(f"table {table}: naming convention {kind!r} ({convention}) uses %(constraint_name)s, "
                                "so the constraint needs an explicit name", str(self.spec.path), self.spec.line) from None
            raise MgenError(f"table {table}: naming convention {kind!r} token %({token})s is not known here",
                            str(self.spec.path), self.spec.line) from None
        except (TypeError, ValueError) as e:
            raise MgenError(f"table {table}: naming convention {kind!r}: {e}", str(self.spec.path),
                            self.spec.line) from None

    def _key(self, column: str) -> str:
        for key, c in self.by_key.items():
            if c.name == column:
                return key
        return column

    def foreign_key(self, fk: ForeignKeySpec, specs: Mapping[str, TableSpec | Table]) -> ForeignKey:
        targets = [split_target(t, self.spec.path, fk.line) for t in fk.targets]
        tables = {t for t, _ in targets}
        if len(tables) != 1:
            raise MgenError(f"table {self.spec.name}: a foreign key must reference one table", str(self.spec.path),
                            fk.line)
        ref_table = tables.pop()
        target_spec = specs.get(ref_table)
        if target_spec is None:
            raise MgenError(f"table {self.spec.name}: foreign key to {ref_table!r}, which is not defined",
                            str(self.spec.path), fk.line)
        if isinstance(target_spec, Table):
            missing = [c for _, c in targets if not target_spec.has_column(c)]
            if missing:
                raise MgenError(f"table {self.spec.name}: foreign key to {ref_table}.{missing[0]}, "
                                f"which table {ref_table} does not have", str(self.spec.path), fk.line)
            ref_columns = tuple(c for _, c in targets)
        else:
            target_keys = columns_by_key(target_spec)
            ref_columns = tuple(column_name(target_keys, c, target_spec, fk.line, self.spec.path) for _, c in targets)
        columns = fk.columns or ()
        name = self.name("fk", fk.name, fk.conv, columns, (ref_table, ref_columns)) or self.unnamed("fk", columns)
        return ForeignKey(name, tuple(columns), ref_table, ref_columns, fk.on_delete, fk.on_update)  # type: ignore[arg-type]

    def check(self, check: CheckSpec, column: str | None = None) -> Check:
        """``column``: the column a column-level CheckConstraint is declared on (SQLAlchemy writes it
        inline, and MariaDB names an inline CHECK after its column)."""
        name = self.name("ck", check.name, check.conv, ())
        if name is None:
            name = self.unnamed("ck", [check.columns[0]] if len(check.columns) == 1 else [], column)
        return Check(name, check.expression)
