"""Two schemas -> an ordered list of operations.

Named passes in a fixed order (Django's autodetector): renames first, then extension and enum creation,
then the removal of constraints that stand in the way, table drops, table creation, column changes,
constraint and index additions, foreign keys last, and enum and extension removals at the very end. That
order is what makes the up runnable, and since every operation knows its inverse, the reversed list is a runnable down.

Constraints and indexes are matched by definition, never by name: a source that leaves a constraint
unnamed and a database that named it compare equal (where both sides are what the database stores,
``as_stored``, an index kept under another name is renamed). Renames are never guessed; a dropped and an added
column (or table) with the same definition come back as a suggestion with the exact ``--rename`` flag.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from .dialects.base import Dialect
from .errors import MgenError
from .operations import (
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddIndex,
    AddUnique,
    AlterColumnDefault,
    AlterColumnGenerated,
    AlterColumnIdentity,
    AlterColumnNullability,
    AlterColumnType,
    CreateEnum,
    CreateExtension,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropEnumValue,
    DropExtension,
    DropForeignKey,
    DropIndex,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameIndex,
    RenameTable,
    SetColumnComment,
    SetPrimaryKey,
    SetTableComment,
)
from .schema import Column, ForeignKey, Schema, Table, Unique


@dataclass
class DiffResult:
    operations: list[Operation]
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Renames:
    tables: dict  # old name -> new name
    columns: dict  # (old table name, old column) -> new column


def parse_renames(specs: Iterable[str], old: Schema, new: Schema) -> Renames:
    """``users.name=full_name`` renames a column (table named as in OLD), ``old=new`` a table."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    specs = list(specs)
    for spec in specs:
        if "=" not in spec:
            raise MgenError(f"--rename {spec}: expected OLD=NEW (table) or TABLE.OLD=NEW (column)")
        left, right = (s.strip() for s in spec.split("=", 1))
        if "." not in left:
            if not old.has_table(left):
                raise MgenError(f"--rename {spec}: no table {left!r} in OLD")
            if not new.has_table(right):
                raise MgenError(f"--rename {spec}: no table {right!r} in NEW")
            if new.has_table(left) or old.has_table(right):
                raise MgenError(f"--rename {spec}: both {left!r} and {right!r} must exist on one side only")
            tables[left] = right
    for spec in specs:
        left, right = (s.strip() for s in spec.split("=", 1))
        if "." not in left:
            continue
        table, col = left.split(".", 1)
        right = right.split(".", 1)[1] if "." in right else right
        if not old.has_table(table):
            raise MgenError(f"--rename {spec}: no table {table!r} in OLD")
        new_table = tables.get(table, table)
        if not new.has_table(new_table):
            raise MgenError(f"--rename {spec}: table {table!r} is not in NEW (rename the table too?)")
        if not old.table(table).has_column(col):
            raise MgenError(f"--rename {spec}: no column {col!r} in table {table!r} of OLD")
        if not new.table(new_table).has_column(right):
            raise MgenError(f"--rename {spec}: no column {right!r} in table {new_table!r} of NEW")
        if new.table(new_table).has_column(col) or old.table(table).has_column(right):
            raise MgenError(f"--rename {spec}: {col!r} must be only in OLD and {right!r} only in NEW")
        columns[(table, col)] = right
    return Renames(tables, columns)


def renames_of(ops: Sequence[Operation]) -> Renames:
    """The renames an operation list performs, keyed by OLD names as ``parse_renames`` gives them."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    original = {}  # table name now -> its name in OLD
    for op in ops:
        if isinstance(op, RenameTable):
            old = original.pop(op.table, op.table)
            tables[old] = op.new_name
            original[op.new_name] = old
        elif isinstance(op, RenameColumn):
            table = original.get(op.table, op.table)
            first = next((c for (t, c), n in columns.items() if t == table and n == op.column), op.column)
            columns[(table, first)] = op.new_name
    return Renames(tables, columns)


def diff(old: Schema, new: Schema, dialect: Dialect, renames: Sequence[str] = (),
         as_stored: bool = False) -> DiffResult:
    """The operations that turn ``old`` into ``new`` on ``dialect``. They apply to
    ``normalize_for(old, dialect)``, which is ``old`` itself unless the dialect folds things together.
    ``as_stored``: both schemas are what the database stores (two SQL files, dumps, live databases: ``mgen
    diff``), index names and column order included: an index kept under another name is renamed, and where
    the dialect can place a column (MySQL) an added one goes to its place; a framework's model, whose names
    and column order are worked out and not read, leaves it False (indexes matched by definition only)."""
    old, new = normalize_for(old, dialect), normalize_for(new, dialect)
    return _Differ(old, new, dialect, parse_renames(renames, old, new), as_stored).run()


def normalize_for(schema: Schema, dialect: Dialect) -> Schema:
    """The schema as ``dialect`` stores it, where two spellings are one thing there (MySQL: a plain
    unique index is a unique constraint)."""
    if not dialect.unique_index_is_constraint:
        return schema
    tables = []
    for t in schema.tables:
        folded = [i for i in t.indexes if i.unique and not i.where and not i.method
                  and not any(c.startswith("(") for c in i.columns)]
        if folded:
            have = {u.columns for u in t.uniques}
            t = replace(t, indexes=tuple(i for i in t.indexes if i not in folded),
                        uniques=t.uniques + tuple(Unique(i.name, i.columns) for i in folded if i.columns not in have))
        tables.append(t)
    return replace(schema, tables=tuple(tables))


class _Differ:
    def __init__(self, old: Schema, new: Schema, dialect: Dialect, renames: Renames, as_stored: bool = False):
        self.old, self.new, self.d, self.renames = old, new, dialect, renames
        self.as_stored = as_stored
        self.ops: list[Operation] = []
        self.suggestions: list[str] = []

    def emit(self, op: Operation) -> None:
        self.ops.append(op)
        self.state = op.apply(self.state)

    # ------------------------------------------------------------------------------------------
    def run(self) -> DiffResult:
        self.state = self.old
        # 1. renames
        for old_name, new_name in sorted(self.renames.tables.items()):
            self.emit(RenameTable(old_name, new_name))
        for (table, col), new_col in sorted(self.renames.columns.items()):
            self.emit(RenameColumn(self.renames.tables.get(table, table), col, new_col))

        old_names = set(self.state.table_names())
        new_names = set(self.new.table_names())
        kept = sorted(old_names & new_names)
        added = [t for t in self.new.table_names() if t not in old_names]
        dropped = [t for t in self.state.table_names() if t not in new_names]
        self._suggest_table_renames(added, dropped)

        # 2. extensions, then enums created and extended, before any column or index uses them
        for x in self.new.extensions:
            if x not in self.state.extensions:
                if x.name in self.state.extension_names():  # moved to another schema: recreated
                    self.emit(DropExtension(next(e for e in self.state.extensions if e.name == x.name)))
                self.emit(CreateExtension(x))
        self._enum_additions()

        # 3. remove what stands in the way: FKs, indexes, uniques, checks, PKs of kept tables
        changed_type_cols = self._columns_with_type_change(kept)
        for name in kept:
            self._remove_foreign_keys(self.state.table(name), self.new.table(name), changed_type_cols)
        for name in kept:
            self._remove_others(self.state.table(name), self.new.table(name))

        # 4. drop tables (dependents first; FK cycles broken first)
        self._drop_tables(dropped)

        # 5. create tables (referenced first; cycles closed by FKs added at the end)
        deferred_fks = self._create_tables(added)

        # 6. column changes on kept tables
        for name in kept:
            self._column_changes(self.state.table(name), self.new.table(name))

        # 7. add constraints and indexes, foreign keys last
        for name in kept:
            self._add_constraints(self.state.table(name), self.new.table(name))
        for name in kept:
            self._add_foreign_keys(self.state.table(name), self.new.table(name))
        for table, fk in deferred_fks:
            self.emit(AddForeignKey(table, fk))

        # 8. comments
        if self.d.supports_comments:
            for name in kept:
                a, b = self.state.table(name).comment, self.new.table(name).comment
                if a != b:
                    self.emit(SetTableComment(name, a, b))

        # 9. enum removals, then extensions, once nothing uses them
        self._enum_removals()
        for x in self.state.extensions:
            if x.name not in self.new.extension_names():
                self.emit(DropExtension(x))
        return DiffResult(self.ops, self.suggestions)

    # -- enums ---------------------------------------------------------------------------------
    def _enum_additions(self) -> None:
        for e in self.new.enums:
            if not self.state.has_enum(e.name):
                self.emit(CreateEnum(e))
                continue
            values = list(self.state.enum(e.name).values)
            for i, v in enumerate(e.values):
                if v in values:
                    continue
                # place before the next value that already exists, so the final order matches
                before = next((w for w in e.values[i + 1:] if w in values), None)
                self.emit(AddEnumValue(e.name, v, before))
                values.insert(values.index(before) if before else len(values), v)

    def _enum_removals(self) -> None:
        for e in self.state.enums:
            if not self.new.has_enum(e.name):
                continue
            target = self.new.enum(e.name).values
            for v in list(self.state.enum(e.name).values):
                if v not in target:
                    cur = self.state.enum(e.name).values
                    i = cur.index(v)
                    self.emit(DropEnumValue(e.name, v, cur[i + 1] if i + 1 < len(cur) else None))
        for e in self.new.enums:
            if self.state.has_enum(e.name):
                self._enum_reorder(e.name, e.values)
        for e in list(self.state.enums):
            if not self.new.has_enum(e.name):
                self.emit(DropEnum(e))

    def _enum_reorder(self, name: str, target: tuple[str, ...]) -> None:
        """Members out of order (a reordering changes how values sort) move: each is dropped and added
        back in place. The longest run already in order stays; the others move, last first, so each
        goes before a member that is already where it belongs."""
        current = list(self.state.enum(name).values)
        if current == list(target):
            return
        rank = {v: i for i, v in enumerate(target)}
        stay = set(_longest_ordered_run(current, rank))
        for v in sorted((v for v in current if v not in stay), key=rank.__getitem__, reverse=True):
            cur = self.state.enum(name).values
            i = cur.index(v)
            self.emit(DropEnumValue(name, v, cur[i + 1] if i + 1 < len(cur) else None))
            after = target[rank[v] + 1:]
            self.emit(AddEnumValue(name, v, after[0] if after else None))

    # -- comparisons -------------------------------------------------------------------------
    def same_type(self, a: Column, b: Column) -> bool:
        if (a.type.name == "enum" or b.type.name == "enum") and a.type.name == b.type.name:
            return a.type.enum == b.type.enum
        return self.d.same_type(a.type, b.type, self.state, self.new)

    def same_identity(self, a: str | None, b: str | None) -> bool:
        if self.d.distinct_identity_kinds:
            return a == b
        return bool(a) == bool(b)

    @staticmethod
    def effective_nullable(t: Table, c: Column) -> bool:
        # primary-key and identity columns are NOT NULL whatever the source wrote
        in_pk = t.primary_key is not None and c.name in t.primary_key.columns
        return c.nullable and not in_pk and not c.identity

    def same_generated(self, ta: Table, a: Column, tb: Table, b: Column) -> bool:
        if a.generated is None or b.generated is None:
            return a.generated is b.generated
        return (a.generated.stored == b.generated.stored
                and self.d.comparable_expression(a.generated.expression, ta)
                == self.d.comparable_expression(b.generated.expression, tb))

    def same_column(self, ta: Table, a: Column, tb: Table, b: Column) -> bool:
        return (
            self.same_type(a, b)
            and self.effective_nullable(ta, a) == self.effective_nullable(tb, b)
            and self.same_identity(a.identity, b.identity)
            and self.same_generated(ta, a, tb, b)
            and (a.identity is not None or self.d.same_default(a.default, b.default, b, self.new))
        )

    def fk_key(self, fk: ForeignKey) -> tuple:
        def action(a: str) -> str:
            return "NO ACTION" if a == "RESTRICT" and self.d.restrict_is_no_action else a

        return (fk.columns, fk.ref_table, fk.ref_columns, action(fk.on_delete), action(fk.on_update), fk.deferrable,
                fk.match_full)

    def index_key(self, i) -> tuple:
        where = self.d.expression_sql(i.where) if i.where else None
        return (i.columns, i.unique, where, (i.method or "btree").lower(), i.ops, i.orders, i.prefixes, i.include)

    def check_key(self, c, table: Table) -> str:
        return self.d.comparable_expression(c.expression, table)

    def _columns_with_type_change(self, kept: list[str]) -> set[tuple[str, str]]:
        out = set()
        for name in kept:
            a, b = self.state.table(name), self.new.table(name)
            for c in b.columns:
                if a.has_column(c.name) and not self.same_type(a.column(c.name), c):
                    out.add((name, c.name))
        return out

    # -- pass 3: removals on kept tables -----------------------------------------------------
    def _remove_foreign_keys(self, a: Table, b: Table, changed_type_cols: set) -> None:
        # an FK on either side of a column whose type changes is dropped and re-added (MySQL refuses
        # to alter such a column otherwise)
        def fk_touches_changed(t: str, fk: ForeignKey) -> bool:
            return any((t, c) in changed_type_cols for c in fk.columns) or any(
                (fk.ref_table, c) in changed_type_cols for c in fk.ref_columns)

        new_fks = {self.fk_key(f) for f in b.foreign_keys}
        for fk in a.foreign_keys:
            if self.fk_key(fk) not in new_fks or fk_touches_changed(a.name, fk):
                self.emit(DropForeignKey(a.name, fk))

    def _remove_others(self, a: Table, b: Table) -> None:
        new_idx = {self.index_key(i) for i in b.indexes}
        for i in a.indexes:
            if self.index_key(i) not in new_idx:
                self.emit(DropIndex(a.name, i))
        new_uq = {u.columns for u in b.uniques}
        for u in a.uniques:
            if u.columns not in new_uq:
                self.emit(DropUnique(a.name, u))
        new_ck = {self.check_key(c, b) for c in b.checks}
        for c in a.checks:
            if self.check_key(c, a) not in new_ck:
                self.emit(DropCheck(a.name, c))
        old_pk = a.primary_key.columns if a.primary_key else None
        new_pk = b.primary_key.columns if b.primary_key else None
        if old_pk and old_pk != new_pk:
            self.emit(SetPrimaryKey(a.name, a.primary_key, None))

    # -- pass 4: drop tables -------------------------------------------------------------------
    def _drop_tables(self, dropped: list[str]) -> None:
        if not dropped:
            return
        # FKs from kept tables into dropped ones are gone already (NEW cannot reference them)
        order, deferred = _creation_order([self.state.table(n) for n in dropped])
        for table, fk in deferred:
            self.emit(DropForeignKey(table, fk))
        for t in reversed(order):
            self.emit(DropTable(self.state.table(t.name)))

    # -- pass 5: create tables -----------------------------------------------------------------
    def _create_tables(self, added: list[str]) -> list[tuple[str, ForeignKey]]:
        if not added:
            return []
        order, deferred = _creation_order([self.new.table(n) for n in added])
        for t in order:
            self.emit(CreateTable(t if self.d.supports_comments else _without_comments(t)))
        return deferred

    # -- pass 6: columns -----------------------------------------------------------------------
    def _column_changes(self, a: Table, b: Table) -> None:
        name = a.name
        for k, c in enumerate(b.columns):
            if not a.has_column(c.name):
                col = c if self.d.supports_comments else replace(c, comment=None)
                self.emit(AddColumn(name, col, **self._place(name, b.columns[k - 1].name if k else None)))
                continue
            o = a.column(c.name)
            if not self.same_generated(a, o, b, c) and c.generated is None:
                # first a plain column (keeping the values), then the rest compares as plain columns
                self.emit(AlterColumnGenerated(name, c.name, o.generated, None))
                o = replace(o, generated=None)
            type_changes = not self.same_type(o, c)
            default_changes = not (o.identity or c.identity or o.generated or c.generated) \
                and not self.d.same_default(o.default, c.default, c, self.new)
            if type_changes:
                if default_changes and o.default is not None:
                    self.emit(AlterColumnDefault(name, c.name, o.default, None))
                    o = replace(o, default=None)
                self.emit(AlterColumnType(name, c.name, o.type, c.type))
            if not self.same_identity(o.identity, c.identity):
                self.emit(AlterColumnIdentity(name, c.name, o.identity, c.identity))
            if default_changes and not self.d.same_default(o.default, c.default, c, self.new):
                self.emit(AlterColumnDefault(name, c.name, o.default, c.default))
            if self.effective_nullable(a, o) != self.effective_nullable(b, c):
                self.emit(AlterColumnNullability(name, c.name, self.effective_nullable(b, c)))
            if not self.same_generated(a, o, b, c):  # last: the expression meets the column's final type
                if o.default is not None:
                    self.emit(AlterColumnDefault(name, c.name, o.default, None))
                self.emit(AlterColumnGenerated(name, c.name, o.generated, c.generated))
            if self.d.supports_comments and o.comment != c.comment:
                self.emit(SetColumnComment(name, c.name, o.comment, c.comment))
        for o in a.columns:
            if not b.has_column(o.name):
                names = self.state.table(name).column_names()
                k = names.index(o.name)
                self.emit(DropColumn(name, self.state.table(name).column(o.name),
                                     **self._place(name, names[k - 1] if k else None, o.name)))
        self._suggest_column_renames(a, b)

    def _place(self, table: str, before: str | None, dropped: str | None = None) -> dict:
        """Where a column goes (added) or was (dropped: ``dropped``), after ``before`` or first: said only
        where the dialect can place a column and the end of the table is not that place."""
        if not (self.as_stored and self.d.places_columns):
            return {}
        names = [n for n in self.state.table(table).column_names() if n != dropped]
        if before is None:
            return {"first": True} if names else {}
        return {} if names and names[-1] == before else {"after": before}

    # -- pass 7: additions -------------------------------------------------------------------
    def _add_constraints(self, a: Table, b: Table) -> None:
        a = self.state.table(a.name)  # after the removals and column changes
        if b.primary_key and (a.primary_key is None or a.primary_key.columns != b.primary_key.columns):
            self.emit(SetPrimaryKey(a.name, a.primary_key, b.primary_key))
        have_uq = {u.columns for u in a.uniques}
        for u in b.uniques:
            if u.columns not in have_uq:
                self.emit(AddUnique(a.name, u))
        have_ck = {self.check_key(c, a) for c in a.checks}
        for c in b.checks:
            if self.check_key(c, b) not in have_ck:
                self.emit(AddCheck(a.name, c))
        if self.as_stored:
            self._rename_indexes(a, b)
        have_idx = {self.index_key(i) for i in a.indexes}
        for i in b.indexes:
            if self.index_key(i) not in have_idx:
                self.emit(AddIndex(a.name, i))

    def _rename_indexes(self, a: Table, b: Table) -> None:
        """An index kept under another name (its definition unchanged) is renamed, not left as it was:
        each index whose name NEW does not have takes the name of a same-defined index of NEW that no
        index has yet."""
        taken = {i.name for i in a.indexes}
        wanted: dict[tuple, list[str]] = {}
        for i in b.indexes:
            if i.name not in taken:
                wanted.setdefault(self.index_key(i), []).append(i.name)
        new_names = {i.name for i in b.indexes}
        for i in a.indexes:
            names = wanted.get(self.index_key(i))
            if i.name not in new_names and names:
                self.emit(RenameIndex(a.name, i, names.pop(0)))

    def _add_foreign_keys(self, a: Table, b: Table) -> None:
        have = {self.fk_key(f) for f in self.state.table(a.name).foreign_keys}
        for fk in b.foreign_keys:
            if self.fk_key(fk) not in have:
                self.emit(AddForeignKey(a.name, fk))

    # -- rename suggestions ------------------------------------------------------------------
    def _suggest_column_renames(self, a: Table, b: Table) -> None:
        dropped = [c for c in a.columns if not b.has_column(c.name)]
        added = [c for c in b.columns if not a.has_column(c.name)]
        for d in dropped:
            for n in added:
                if self.same_column(a, d, b, n):
                    self.suggestions.append(
                        f"{a.name}.{d.name} dropped and {a.name}.{n.name} added with the same definition: "
                        f"if it is a rename, pass --rename {a.name}.{d.name}={n.name}")

    def _suggest_table_renames(self, added: list[str], dropped: list[str]) -> None:
        for d in dropped:
            td = self.state.table(d)
            for n in added:
                tn = self.new.table(n)
                if len(td.columns) == len(tn.columns) and all(
                    x.name == y.name and self.same_column(td, x, tn, y) for x, y in zip(td.columns, tn.columns)
                ):
                    self.suggestions.append(
                        f"table {d} dropped and table {n} added with the same columns: "
                        f"if it is a rename, pass --rename {d}={n}")


def _longest_ordered_run(values: list[str], rank: dict[str, int]) -> list[str]:
    """The longest subsequence of ``values`` whose ranks increase (patience-free O(n^2): enums are small)."""
    best: list[list[str]] = []
    for i, v in enumerate(values):
        prev = [best[j] for j in range(i) if rank[values[j]] < rank[v]]
        best.append(max(prev, key=len, default=[]) + [v])
    return max(best, key=len, default=[])


def _without_comments(t: Table) -> Table:
    return replace(t, comment=None, columns=tuple(replace(c, comment=None) for c in t.columns))


def _creation_order(tables: list[Table]) -> tuple[list[Table], list[tuple[str, ForeignKey]]]:
    """Order ``tables`` so that referenced tables come first. Where FKs form a cycle, strip the
    FKs of one table (the first by name) that point at tables not yet placed; they are returned
    to be added once every table exists."""
    pending = {t.name: t for t in tables}
    placed: list[Table] = []
    deferred: list[tuple[str, ForeignKey]] = []
    while pending:
        ready = sorted(
            n for n, t in pending.items()
            if all(fk.ref_table == n or fk.ref_table not in pending for fk in t.foreign_keys)
        )
        if not ready:
            victim = min(pending)
            t = pending[victim]
            keep = tuple(fk for fk in t.foreign_keys if fk.ref_table == victim or fk.ref_table not in pending)
            deferred.extend((victim, fk) for fk in t.foreign_keys if fk not in keep)
            pending[victim] = replace(t, foreign_keys=keep)
            continue
        for n in ready:
            placed.append(pending.pop(n))
    return placed, deferred
