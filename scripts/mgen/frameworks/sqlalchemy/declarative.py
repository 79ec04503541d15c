"""Declarative classes and module-level ``Table(...)`` calls found in a project's modules, read as
``TableSpec``s the way SQLAlchemy's declarative maps them.

A mapped class's columns come from its own body, its mixins and abstract bases in the order
SQLAlchemy collects them (``vars(cls)`` and ``__annotations__`` merged, then each base in MRO order;
``sort_order=``); ``@declared_attr`` may return a column or ``__tablename__``. ``__tablename__``,
``__table_args__`` and ``__table__ = Table(...)`` are read. A subclass of a mapped class is single table
inheritance (its columns join the parent's table) or has a table of its own (joined, or concrete: the
columns of its own body and of the mixins its parent lacks). SQLModel ``table=True`` classes are read by
``sqlmodel``. Classes built by ``type(...)``, models defined under a condition, and a class that defines
columns on a base the reader does not know are errors rather than guesses.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ..pyast import (
    AttributeRef,
    ClassRef,
    External,
    FunctionRef,
    Module,
    Project,
    Ref,
    Unknown,
    ValueRef,
    call_kwargs,
    class_attribute,
    class_body_order,
    has_star_args,
    text_of,
)
from .annotations import is_mapped_annotation, mapped_annotation
from .bases import BaseSpec, DeclarativeBases
from .classnames import class_name_value, with_class_name
from .columns import read_column
from .constraints import read_index
from .continuum_tables import VersionedClass
from .factories import factory_call
from .flask import FlaskDb, bind_key_of_table, without_keywords
from .reader import ConstructReader, Scope
from .specs import ColumnSpec, PrimaryKeySpec, TableSpec, TypeSpec
from .sqlmodel import SQLModelReader, is_sqlmodel, is_table
from .tables import read_table_call, read_table_item, table_options

_SKIPPED_PROPERTIES = frozenset({"relationship", "backref", "association_proxy", "synonym", "composite",
                                 "query_expression", "column_property", "deferred", "dynamic_loader",
                                 "relation", "hybrid_property", "hybrid_method", "validates", "reconstructor"})
_TYPING_MODULES = ("builtins.", "typing.", "typing_extensions.", "enum.", "abc.", "dataclasses.",
                   "collections.", "sqlalchemy.")


class ModelScanner:
    """Finds the tables of the modules under a path: declarative classes and ``Table(...)`` calls."""

    def __init__(self, reader: ConstructReader):
        self.reader = reader
        self.project = reader.project
        self.bases = DeclarativeBases(reader)
        self.tables: dict[tuple[str, int], TableSpec] = {}  # by where they are defined
        self.class_tables: dict[tuple[str, int], TableSpec] = {}
        self.sqlmodel = SQLModelReader(reader)
        reader.class_column = self.class_column

    # -- classes -----------------------------------------------------------------------------------
    def scan_module(self, module: Module) -> None:
        scope = Scope(module)
        for stmt in module.tree.body:
            if isinstance(stmt, ast.ClassDef):
                self.scan_class(ClassRef(module, stmt, stmt.lineno))
            elif isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call) \
                    and self.reader.callee(stmt.value, scope)[0] == "Index":
                self.module_index(stmt.value, scope)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
                kind, ref = self.reader.callee(stmt.value, scope)
                if kind == "Table":
                    self.module_table(stmt.value, scope)
                elif isinstance(ref, AttributeRef) and ref.name == "Table" and self.bases.flask_db(ref.of):
                    self.flask_table(stmt.value, scope, self.bases.flask_db(ref.of))
                elif isinstance(ref, External) and ref.qualname == "builtins.type" and len(stmt.value.args) == 3:
                    self._dynamic_class(stmt.value, scope)
            elif isinstance(stmt, (ast.If, ast.Try, ast.For, ast.While, ast.With)) and not (
                    isinstance(stmt, ast.If) and _is_type_checking(stmt.test)):
                self._conditional_definitions(stmt, scope)

    def _dynamic_class(self, call: ast.Call, scope: Scope) -> None:
        """``type("Name", (Base,), {...})``: a mapped class whose body is only known when it runs."""
        bases = call.args[1]
        for b in bases.elts if isinstance(bases, (ast.Tuple, ast.List)) else [bases]:
            ref = self.reader.resolve(b, scope) if isinstance(b, (ast.Name, ast.Attribute)) else None
            if ref is not None and not isinstance(ref, Unknown) and (
                    self.bases.base_of_ref(ref) is not None or (isinstance(ref, ClassRef) and self._is_mapped(ref))
                    or (isinstance(ref, ClassRef) and self.bases.declarative_base_in(self._mro_or_empty(ref)))):
                raise self.reader.error("a mapped class built by type(...) is only known when the code runs "
                                        "(define it with a class statement)", call, scope)

    def _mro_or_empty(self, cls: ClassRef) -> list[Ref]:
        mro = self.project.mro(cls)
        return [] if isinstance(mro, Unknown) else mro

    def _conditional_definitions(self, stmt: ast.stmt, scope: Scope) -> None:
        """Models or tables defined inside an if/try/for/with at module level exist or not depending on
        how the code runs: an error rather than a guess either way."""
        for node in ast.walk(stmt):
            if isinstance(node, ast.ClassDef):
                cls = ClassRef(scope.module, node, node.lineno)
                mro = self._mro_or_empty(cls)
                if class_attribute(cls, "__tablename__") is not None or class_attribute(cls, "__table__") is not None \
                        or (len(mro) > 1 and self.bases.declarative_base_in(mro[1:]) is not None):
                    raise self.reader.error(f"class {node.name} is defined inside {_block_kind(stmt)}: whether and "
                                            "how it is mapped is only known when the code runs", node, scope)
            elif isinstance(node, ast.Call) and self.reader.callee(node, scope)[0] == "Table":
                raise self.reader.error(f"Table(...) inside {_block_kind(stmt)}: whether it exists is only known "
                                        "when the code runs", node, scope)

    def module_table(self, call: ast.Call, scope: Scope) -> TableSpec:
        key = (scope.module.name, call.lineno)
        if key not in self.tables:
            if len(call.args) < 2:
                raise self.reader.error("Table(...) needs a name and a MetaData", call, scope)
            metadata = self.bases.metadata_of(call.args[1], scope, "Table metadata")
            self.tables[key] = read_table_call(self.reader, call, scope, metadata.convention)
        return self.tables[key]

    def module_index(self, call: ast.Call, scope: Scope) -> None:
        """``Index("ix", table.c.a, table.c.b)`` at module level: SQLAlchemy attaches it to the table its
        columns belong to (a module-level ``Table(...)``); one whose table is not known so is refused."""
        tables, columns = [], []
        for arg in call.args[1:]:
            if isinstance(arg, ast.Constant) or _is_expression(arg):
                tables.append(None)  # a name or an expression: the index joins the table of the others
                columns.append(arg)
                continue
            found = self._index_column(arg, scope)
            if found is None:
                raise self.reader.error(f"Index(...) at module level: the table of {text_of(arg)} is not a "
                                        "module-level Table(...) or mapped class mgen reads (declare the index "
                                        "in its table)", arg, scope)
            tables.append(found[0])
            columns.append(ast.copy_location(ast.Constant(found[1]), arg))
        known = [t for t in tables if t is not None]
        if not known:
            self.reader.note("Index(...) at module level names no table's column: SQLAlchemy attaches it to no "
                             "table, and no database has it", call, scope)
            return
        if any(t is not known[0] for t in known):
            raise self.reader.error("Index(...) at module level: its columns are not of one table", call, scope)
        named = ast.copy_location(ast.Call(call.func, [call.args[0], *columns], call.keywords), call)
        known[0].items.append(read_index(self.reader, named, scope))

    def _index_column(self, arg: ast.expr, scope: Scope) -> tuple[TableSpec, str] | None:
        """``table.c.x`` / ``table.c["x"]`` of a module-level table, or ``Model.x`` of a mapped class."""
        if isinstance(arg, ast.Subscript) and isinstance(arg.slice, ast.Constant) and isinstance(arg.slice.value, str)                 and isinstance(arg.value, ast.Attribute) and arg.value.attr == "c":
            spec = self._table_named(arg.value.value, scope)
            return (spec, arg.slice.value) if spec is not None else None
        if not isinstance(arg, ast.Attribute):
            return None
        if isinstance(arg.value, ast.Attribute) and arg.value.attr == "c":
            spec = self._table_named(arg.value.value, scope)
            return (spec, arg.attr) if spec is not None else None
        ref = self.reader.resolve(arg.value, scope) if isinstance(arg.value, (ast.Name, ast.Attribute)) else None
        spec = self.scan_class(ref) if isinstance(ref, ClassRef) else None
        if spec is None:
            return None
        node = class_attribute(ref, arg.attr)  # email = Column("email_address", ...): the column of that line
        line = getattr(node, "lineno", None)
        column = next((c for c in spec.columns if line is not None and c.line == line and c.path == ref.module.path),
                      None) or next((c for c in spec.columns if (c.key or c.name) == arg.attr), None)
        return (spec, column.name) if column is not None else None

    def _table_named(self, node: ast.expr, scope: Scope) -> TableSpec | None:
        """The module-level ``Table(...)`` / ``db.Table(...)`` a name refers to (None: not one)."""
        ref = self.reader.resolve(node, scope) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if not isinstance(ref, ValueRef) or not isinstance(ref.node, ast.Call):
            return None
        where = Scope(ref.module)
        kind, callee = self.reader.callee(ref.node, where)
        if kind == "Table":
            return self.module_table(ref.node, where)
        if isinstance(callee, AttributeRef) and callee.name == "Table" and self.bases.flask_db(callee.of):
            return self.flask_table(ref.node, where, self.bases.flask_db(callee.of))
        return None

    def flask_table(self, call: ast.Call, scope: Scope, db: FlaskDb) -> TableSpec | None:
        """``db.Table("name", [metadata,] *items, [bind_key=])``: the metadata is the extension's unless given."""
        key = (scope.module.name, call.lineno)
        if key in self.tables:
            return self.tables[key]
        if has_star_args(call):
            raise self.reader.error("db.Table(...): *args/**kwargs are only known when the code runs", call, scope)
        bind = bind_key_of_table(call_kwargs(call), lambda node, what: self.reader.literal(node, scope, what))
        base = self.bases.flask_base(db)
        if bind is not None and base.binds_share_metadata:
            self.reader.note(f"db.Table(...) is in the database of bind {bind!r}; under Flask-SQLAlchemy 2.x it is in "
                             "db.metadata all the same: read", call, scope)
        elif bind is not None:
            self.reader.note(f"db.Table(...) is in the database of bind {bind!r}, not the default metadata: "
                             "left out", call, scope)
            return None
        call = without_keywords(call, frozenset({"bind_key"}))
        second = call.args[1] if len(call.args) > 1 else None
        explicit = isinstance(second, (ast.Name, ast.Attribute)) or (
            isinstance(second, ast.Call) and self.reader.callee(second, scope)[0] == "MetaData")
        if explicit:
            metadata = self.bases.metadata_of(second, scope, "db.Table metadata")
        else:
            metadata = self.bases.flask_base(db).metadata
        self.tables[key] = read_table_call(self.reader, call, scope, metadata.convention, with_metadata=explicit)
        return self.tables[key]

    def scan_class(self, cls: ClassRef) -> TableSpec | None:
        key = (cls.module.name, cls.line)
        if key in self.class_tables:
            return self.class_tables[key]
        scope = Scope(cls.module)
        own_table_attr = class_attribute(cls, "__tablename__") is not None or class_attribute(cls, "__table__") is not None
        mro = self.project.mro(cls)
        if isinstance(mro, Unknown):
            if own_table_attr or self._defines_columns(cls):
                raise mro.error(f"class {cls.name}")
            return None
        if is_sqlmodel(mro):
            if not is_table(cls, self.reader):
                return None  # a pydantic model (a base of table models, or not one)
            spec = self.class_tables[key] = self.sqlmodel.table(cls, mro)
            classes = [c for c in mro if isinstance(c, ClassRef)]
            table_args = self._first_attribute(classes, "__table_args__")
            if table_args is not None:
                owner, node = table_args
                self._table_args(spec, node, Scope(owner.module, _class_constants(owner)), cls, owner)
            return spec
        base = self.bases.mapped_by_decorator(cls) or (
            self.bases.declarative_base_in(mro[1:]) if len(mro) > 1 else None)
        if self.bases.base_class(cls) is not None:
            return None  # the declarative base itself
        if base is None:
            outside = [b.qualname for b in mro[1:] if isinstance(b, External)
                       and not b.qualname.startswith(_TYPING_MODULES)]
            if own_table_attr and outside:
                raise self.reader.error(
                    f"class {cls.name} has __tablename__ but its base {outside[0]} is outside the project, "
                    "so whether it is a mapped class is unknown (read the models from a folder that contains "
                    "the declarative base)", cls.node, scope)
            unknown = [b for b in mro[1:] if isinstance(b, AttributeRef)]
            if unknown and (own_table_attr or self._defines_columns(cls)):
                shown = next((text_of(n) for n in cls.node.bases if isinstance(n, ast.Attribute)), unknown[0].name)
                raise self.reader.error(
                    f"class {cls.name} defines columns on the base {shown}, which is not a declarative base this "
                    "reader knows (a Flask-SQLAlchemy db.Model needs db = SQLAlchemy(...) in the project)",
                    cls.node, scope)
            return None
        if _literal_flag(self.project, cls, "__abstract__"):
            return None
        if base.flask and (bind := self._bind_key(cls, mro, base)) is not None:
            if base.binds_share_metadata:
                self.reader.note(f"class {cls.name} is in the database of bind {bind!r} (__bind_key__); under "
                                 "Flask-SQLAlchemy 2.x its table is in db.metadata all the same: read", cls.node, scope)
            else:
                self.reader.note(f"class {cls.name} is in the database of bind {bind!r} (__bind_key__), not the "
                                 "default metadata: left out", cls.node, scope)
                return None
        versioned = next((c for c in mro if isinstance(c, ClassRef) and class_attribute(c, "__versioned__") is not None),
                         None)
        parent = next((p for p in mro[1:] if isinstance(p, ClassRef) and self.bases.base_class(p) is None
                       and self._is_mapped(p)), None)
        if parent is not None:
            inherited = self._inheriting(cls, mro, base, parent)
            if versioned is not None and inherited is not None:
                self._versioned(cls, inherited, scope, True)
            return inherited
        spec = self.class_table(cls, mro, base)
        if versioned is not None:  # SQLAlchemy-Continuum: make_versioned() maps <table>_version and transaction
            self._versioned(cls, spec, scope)
        if not any(c.primary_key for c in spec.columns) and not any(isinstance(i, PrimaryKeySpec) for i in spec.items):
            raise self.reader.error(f"class {cls.name} has no primary key: SQLAlchemy cannot map it "
                                    "(\"could not assemble any primary key columns\")", cls.node, scope)
        self.class_tables[key] = spec
        return spec

    def _inheriting(self, cls: ClassRef, mro: Sequence[Ref], base: BaseSpec, parent: ClassRef) -> TableSpec:
        """A subclass of the mapped class ``parent``: joined table inheritance when it has a table of its
        own, else single table inheritance (its columns go to the parent's table). Plain SQLAlchemy gives it
        a table when it has a table name: its own ``__tablename__``, a mixin's, or a ``declared_attr`` one
        anywhere in its MRO (a mapped class's plain string is that class's alone); ``None`` is none.
        Flask-SQLAlchemy's ``db.Model`` gives it one when its own columns include a primary key
        (``__table_cls__``), named as a class without a table name is."""
        key = (cls.module.name, cls.line)
        scope = Scope(cls.module)
        parent_spec = self.scan_class(parent)
        if parent_spec is None:
            raise self.reader.error(f"class {cls.name}: its mapped base {parent.name} has no table", cls.node, scope)
        inherited = self.project.mro(parent)
        inherited = [] if isinstance(inherited, Unknown) else inherited
        own = [c for c in mro if c not in inherited]  # the class and the mixins the parent does not have
        if class_attribute(cls, "__table__") is not None:
            raise self.reader.error(f"class {cls.name}: __table__ on a subclass of a mapped class is not read",
                                    cls.node, scope)
        everything = [c for c in mro if isinstance(c, ClassRef)] + [c for c in base.mixins if c not in mro]
        naming = [c for c in everything if c == cls or not self._is_mapped(c) or self._declared_tablename(c)]
        tablename = self._tablename(cls, naming) if any(
            class_attribute(c, "__tablename__") is not None for c in naming) else None
        if tablename is None and base.flask and base.naming is not None:
            tablename = base.naming.table_name(cls.name)[0]
        probe = self.class_table(cls, own, base, tablename=tablename or "")
        has_pk = any(c.primary_key for c in probe.columns) or any(isinstance(i, PrimaryKeySpec) for i in probe.items)
        joined = has_pk if base.flask else bool(tablename)
        if joined:
            if not has_pk:
                raise self.reader.error(f"class {cls.name} has no primary key: SQLAlchemy cannot map it (joined "
                                        "table inheritance needs one, usually a ForeignKey to the parent's)",
                                        cls.node, scope)
            self.class_tables[key] = probe
            return probe
        if probe.items:
            raise self.reader.error(f"class {cls.name}: __table_args__ on a single table inheritance subclass "
                                    "(no table of its own) is not read", cls.node, scope)
        known = {c.name for c in parent_spec.columns}
        for column in probe.columns:
            if column.name in known:
                raise self.reader.error(f"class {cls.name}: column {column.name!r} conflicts with the existing "
                                        f"column of {parent_spec.name}", None, scope)
            parent_spec.columns.append(column)  # single table inheritance: added to the parent's table
            known.add(column.name)
        self.class_tables[key] = parent_spec
        return parent_spec

    def _defines_columns(self, cls: ClassRef) -> bool:
        """Whether the class body assigns a ``Column(...)`` / ``mapped_column(...)``."""
        scope = Scope(cls.module)
        for stmt in cls.node.body:
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            if not (isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute))):
                continue
            if (isinstance(value.func, ast.Attribute) and value.func.attr in ("Column", "mapped_column")) or \
                    self.reader.callee(value, scope)[0] in ("Column", "mapped_column"):
                return True  # (db.Column of an unknown db counts: the class is a model all the same)
        return False

    def _declared_tablename(self, cls: ClassRef) -> bool:
        node = class_attribute(cls, "__tablename__")
        return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and self._is_declared_attr(node, Scope(cls.module))

    def _versioned(self, cls: ClassRef, spec: TableSpec, scope: Scope, inherited: bool = False) -> None:
        """Record a SQLAlchemy-Continuum class: its version tables are made when the code runs
        (``continuum_tables`` derives them; ``continuum``: the others taken from the revisions)."""
        self.reader.versioned.setdefault(spec.name, (str(scope.path), cls.node.lineno, cls.name))
        self.reader.versioned_classes.append(VersionedClass(cls, spec, inherited))

    def _bind_key(self, cls: ClassRef, mro: Sequence[Ref], base: BaseSpec) -> Any:
        for c in [*(c for c in mro if isinstance(c, ClassRef)), *base.mixins]:
            node = class_attribute(c, "__bind_key__")
            if isinstance(node, ast.expr):
                return self.reader.literal(node, Scope(c.module), f"{cls.name}.__bind_key__")
        return None

    def _is_mapped(self, cls: ClassRef) -> bool:
        mro = self.project.mro(cls)
        if isinstance(mro, Unknown) or len(mro) < 2:
            return False
        if self.bases.base_class(cls) is not None or _literal_flag(self.project, cls, "__abstract__"):
            return False
        return self.bases.declarative_base_in(mro[1:]) is not None or self.bases.mapped_by_decorator(cls) is not None

    def class_table(self, cls: ClassRef, mro: Sequence[Ref], base: BaseSpec, tablename: str | None = None) -> TableSpec:
        """The table of ``cls`` from the classes of ``mro``. With ``tablename`` (a subclass of a mapped class:
        ``mro`` holds only the classes its mapped parent does not have), that name ("" for none)."""
        scope = Scope(cls.module)
        # the declarative base class itself acts as a mixin (columns, a declared_attr __tablename__)
        contributors = [c for c in mro if isinstance(c, ClassRef)]
        if tablename is None:  # the base's mixins (model_class=, cls=), unless the mapped parent has them
            contributors += [c for c in base.mixins if c not in contributors]
        table_node = self._first_attribute(contributors, "__table__")
        if table_node is not None:
            owner, node = table_node
            return self._explicit_table(cls, owner, node)
        if tablename is None:
            tablename = self._tablename(cls, contributors)
            if tablename is None and base.naming is not None:
                tablename, doubt = base.naming.table_name(cls.name)
                if doubt:
                    self.reader.note(doubt, cls.node, scope)
        if tablename is None:
            raise self.reader.error(f"class {cls.name} is mapped but has no __tablename__ or __table__", cls.node,
                                    scope)
        spec = TableSpec(tablename, [], [], cls.module.path, cls.line, base.metadata.convention)
        seen: set[str] = set()
        own_columns: dict[str, ColumnSpec] = {}
        for owner in contributors:
            names, annotations = class_body_order(owner)
            for attr in _merge_lists_w_ordering(names, annotations):
                if attr in seen or (attr.startswith("__") and attr.endswith("__")):
                    continue
                column = self._attribute_column(cls, owner, attr, base)
                if column is None:
                    continue
                seen.add(attr)
                spec.columns.append(column)
                if owner == cls:
                    own_columns[attr] = column
        for c in spec.columns:
            if c.name is None:
                raise self.reader.error(f"class {cls.name}: a column without a name", None, scope)
        table_args = self._first_attribute(contributors, "__table_args__")
        if table_args is not None:
            owner, node = table_args
            local = {**_class_constants(owner), **(own_columns if owner == cls else {})}
            self._table_args(spec, node, Scope(owner.module, local), cls, owner)
        self._body_indexes(cls, spec, own_columns)
        return spec

    def _body_indexes(self, cls: ClassRef, spec: TableSpec, own_columns: dict[str, ColumnSpec]) -> None:
        """``ix = Index("ix_t_c", c.desc())`` in the class body: SQLAlchemy attaches it to the table of the
        columns of the body it names (one that names none is attached to no table)."""
        scope = Scope(cls.module, {**_class_constants(cls), **own_columns})
        for stmt in cls.node.body:
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr)) else None
            if not (isinstance(value, ast.Call) and self.reader.callee(value, scope)[0] == "Index"):
                continue
            if not any(isinstance(n, ast.Name) and n.id in own_columns for a in value.args[1:] for n in ast.walk(a)):
                self.reader.note(f"class {cls.name}: Index(...) in the body names none of its columns: SQLAlchemy "
                                 "attaches it to no table", value, scope)
                continue
            spec.items.append(read_index(self.reader, value, scope))

    def _first_attribute(self, classes: Sequence[ClassRef], name: str) -> tuple[ClassRef, Any] | None:
        for c in classes:
            node = class_attribute(c, name)
            if node is not None:
                return c, node
        return None

    def _explicit_table(self, cls: ClassRef, owner: ClassRef, node: Any) -> TableSpec:
        scope = Scope(owner.module)
        if isinstance(node, ast.Call) and self.reader.callee(node, scope)[0] == "Table":
            return self.module_table(node, scope)
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.reader.resolve(node, scope)
            if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):
                return self.module_table(ref.node, Scope(ref.module))
        raise self.reader.error(f"class {cls.name}: __table__ = {text_of(node)} is not read (use Table(...))",
                                node, scope)

    def _tablename(self, cls: ClassRef, classes: Sequence[ClassRef]) -> str | None:
        found = self._first_attribute(classes, "__tablename__")
        if found is None:
            return None
        owner, node = found
        scope = Scope(owner.module)
        if isinstance(node, ast.expr):
            value = self.reader.literal(node, scope, f"{cls.name}.__tablename__")
            if value is None:
                return None
            if not isinstance(value, str):
                raise self.reader.error(f"{cls.name}.__tablename__ is not a string", node, scope)
            return value
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and self._is_declared_attr(node, scope):
            expr = _single_return(node)
            if expr is None:
                raise self.reader.error(f"{cls.name}.__tablename__: a declared_attr is read when it is a single "
                                        "return statement", node, scope)
            value = class_name_value(self.reader, expr, cls.name, _first_arg(node), scope)
            if isinstance(value, Unknown):
                raise value.error(f"{cls.name}.__tablename__ (a declared_attr)")
            if not isinstance(value, str):
                raise self.reader.error(f"{cls.name}.__tablename__: {text_of(expr)} is not a string", expr, scope)
            return value
        raise self.reader.error(f"{cls.name}.__tablename__ is not a string or a declared_attr", node, scope)

    def _is_declared_attr(self, func: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> bool:
        for d in func.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            name, _ = self.reader.callee(target, scope)
            if name in ("declared_attr", "directive", "cascading"):
                return True
        return False

    def _attribute_column(self, cls: ClassRef, owner: ClassRef, attr: str, base: BaseSpec) -> ColumnSpec | None:
        """The column a class attribute (in ``owner``'s body) declares, None when it declares none."""
        body = _body(owner.node)
        scope = Scope(owner.module, _Without(body.constants, attr))
        annotation, value, line = body.bindings.get(attr, (None, None, owner.line))
        what = f"{cls.name}.{attr}"
        if isinstance(value, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not self._is_declared_attr(value, scope):
                return None
            expr = _single_return(value)
            if expr is None or not isinstance(expr, ast.Call):
                raise self.reader.error(f"{what}: a declared_attr is read when it is a single "
                                        "'return mapped_column(...)' / 'return Column(...)'", value, scope)
            annotation = annotation or value.returns  # -> Mapped[int] types the column as an annotation does
            value = with_class_name(self.reader, expr, cls.name, _first_arg(value), scope)

        def mapped() -> tuple[Callable[[], TypeSpec], bool, ast.Call | None] | None:
            return mapped_annotation(self.reader, annotation, scope, what, base) if annotation is not None else None

        if isinstance(value, ast.Call):
            kind, ref = self.reader.callee(value, scope)
            if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):
                value, kind = self._through_partial(value, ref, what, scope, kind)
            if kind in ("Column", "mapped_column"):
                hint = mapped() if kind == "mapped_column" else None
                if hint is None:
                    return read_column(self.reader, value, scope, attr)
                return read_column(self.reader, value, scope, attr, (hint[0], hint[1]), hint[2])
            if kind in _SKIPPED_PROPERTIES:
                if kind in ("column_property", "deferred"):
                    # declarative adds the Column objects of a column property that have no table yet
                    made = [a for a in value.args if isinstance(a, ast.Call)
                            and self.reader.callee(a, scope)[0] in ("Column", "mapped_column")]
                    if len(made) > 1:
                        raise self.reader.error(f"{what}: {kind}() with more than one new Column is not read",
                                                value, scope)
                    if made:
                        return read_column(self.reader, made[0], scope, attr)
                return None
            if is_mapped_annotation(self.reader, annotation, scope):
                raise self.reader.error(f"{what}: Mapped[...] = {text_of(value)} is not a column this reader knows",
                                        value, scope)
            made_by = self._column_factory(value, scope)
            if made_by is not None:  # read as the Column(...) its body returns, where that is plain Python
                made = factory_call(self.reader, value, scope)
                if isinstance(made, Unknown):
                    raise self.reader.error(f"{what} = {text_of(value)}: a column made by the project function "
                                            f"{made_by} is only known when the code runs ({made.path}:{made.line}: "
                                            f"{made.why})", value, scope)
                call, inner = made
                kind, ref = self.reader.callee(call, inner)
                if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):
                    call, kind = self._through_partial(call, ref, what, inner, kind)
                if kind in ("Column", "mapped_column"):
                    return read_column(self.reader, call, inner, attr)
            return None
        if value is None and (found := mapped()) is not None:
            type_of, nullable_hint, defaults = found
            if defaults is not None:
                return read_column(self.reader, defaults, scope, attr, (type_of, nullable_hint))
            spec = ColumnSpec(name=attr, key=None, type=type_of(), line=line, path=scope.path)
            spec.nullable = nullable_hint
            return spec
        return None


    def _through_partial(self, call: ast.Call, ref: ValueRef, what: str, scope: Scope,
                         kind: str | None) -> tuple[ast.Call, str | None]:
        """``Column = functools.partial(db.Column, nullable=False)`` then ``Column(db.String(255))``: the call
        with the partial's keywords (constants) under its own, and what the partial calls."""
        partial = ref.node
        assert isinstance(partial, ast.Call)
        pscope = Scope(ref.module)
        if self.reader.project.qualname(ref.module, partial.func) not in ("functools.partial",) \
                if isinstance(partial.func, (ast.Name, ast.Attribute)) else True:
            return call, kind
        inner = self.reader.callee(partial.args[0], pscope)[0] if partial.args else None
        if inner not in ("Column", "mapped_column"):
            return call, kind
        if len(partial.args) > 1 or has_star_args(partial) or not all(
                isinstance(k.value, ast.Constant) for k in partial.keywords):
            raise self.reader.error(f"{what}: {text_of(partial)} is read when it adds only constant keyword "
                                    "arguments", partial, pscope)
        own = {k.arg for k in call.keywords}
        merged = ast.Call(func=call.func, args=list(call.args),
                          keywords=[k for k in partial.keywords if k.arg not in own] + list(call.keywords))
        return ast.copy_location(merged, call), inner

    def _column_factory(self, call: ast.Call, scope: Scope) -> str | None:
        """The name of the project function ``call`` calls when that function returns a Column (one of
        its ``return`` statements makes one), else None: an attribute it makes is a column unread."""
        if not isinstance(call.func, (ast.Name, ast.Attribute)):
            return None
        ref = self.reader.resolve(call.func, scope)
        if not isinstance(ref, FunctionRef):
            return None
        inner = Scope(ref.module)
        for node in ast.walk(ref.node):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and isinstance(
                    node.value.func, (ast.Name, ast.Attribute)):
                kind, made = self.reader.callee(node.value, inner)
                if isinstance(made, ValueRef) and isinstance(made.node, ast.Call):
                    kind = self._through_partial(node.value, made, ref.qualname, inner, kind)[1]
                if kind in ("Column", "mapped_column"):
                    return ref.qualname
        return None

    def _table_args(self, spec: TableSpec, node: Any, scope: Scope, cls: ClassRef, owner: ClassRef) -> None:
        what = f"{cls.name}.__table_args__"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not self._is_declared_attr(node, scope):
                raise self.reader.error(f"{what} is a function but not a declared_attr", node, scope)
            expr = _single_return(node)
            if expr is None:
                raise self.reader.error(f"{what}: a declared_attr is read when it is a single return statement",
                                        node, scope)
            node = expr
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.reader.resolve(node, scope)
            if isinstance(ref, ValueRef):
                node, scope = ref.node, Scope(ref.module)
        if isinstance(node, ast.Constant) and node.value is None:
            return
        items: list[ast.expr] = []
        options: ast.Dict | None = None
        if isinstance(node, ast.Dict):
            options = node
        elif isinstance(node, ast.Tuple):
            items = list(node.elts)
            if items and isinstance(items[-1], ast.Dict):
                options = items.pop()
        else:
            raise self.reader.error(f"{what} must be a tuple or a dict", node, scope)
        for item in items:
            if isinstance(item, ast.Starred):
                raise self.reader.error(f"{what}: *{text_of(item.value)} is not read", item, scope)
            read = read_table_item(self.reader, item, scope, what)
            if isinstance(read, ColumnSpec):
                raise self.reader.error(f"{what}: a Column in __table_args__ is not read", item, scope)
            spec.items.append(read)
        if options is not None:
            kwargs: dict[str, ast.expr] = {}
            for k, v in zip(options.keys, options.values):
                if k is None:
                    raise self.reader.error(f"{what}: ** is not read", options, scope)
                kwargs[self.reader.string(k, scope, what)] = v
            table_options(self.reader, kwargs, scope, spec, what, options)

    # -- references to mapped classes --------------------------------------------------------------
    def class_column(self, cls: ClassRef, attr: str, node: ast.AST, path: Path) -> tuple[str, str]:
        spec = self.scan_class(cls)
        if spec is None:
            raise MgenError(f"ForeignKey({cls.name}.{attr}): {cls.name} is not a mapped class", str(path),
                            getattr(node, "lineno", None))
        return spec.name, attr


def _is_expression(node: ast.expr) -> bool:
    """``text("lower(x)")``, ``func.lower(...)``: an expression index's part, read by ``read_index``."""
    return isinstance(node, ast.Call)


class _Body:
    """A class body read once (not once per attribute, which made a class of n columns cost n squared:
    issue #15 item 11): its constants (``_class_constants``) and, per name, the last binding of it as
    ``(annotation, value, line)``: an annotated assignment sets all three, a plain assignment the value and
    line (an annotation before it stays), a function definition its node."""

    def __init__(self, node: ast.ClassDef):
        self.constants = _constants(node)
        self.bindings: dict[str, tuple[ast.expr | None, ast.AST | None, int]] = {}
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                self.bindings[stmt.target.id] = (stmt.annotation, stmt.value, stmt.lineno)
            elif isinstance(stmt, ast.Assign):
                for name in dict.fromkeys(t.id for t in stmt.targets if isinstance(t, ast.Name)):
                    annotation = self.bindings.get(name, (None,))[0]
                    self.bindings[name] = (annotation, stmt.value, stmt.lineno)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                annotation = self.bindings.get(stmt.name, (None,))[0]
                self.bindings[stmt.name] = (annotation, stmt, stmt.lineno)


_BODIES: dict[int, tuple[ast.ClassDef, _Body]] = {}


def _body(node: ast.ClassDef) -> _Body:
    kept = _BODIES.get(id(node))
    if kept is None or kept[0] is not node:
        if len(_BODIES) > 4096:
            _BODIES.clear()
        kept = _BODIES[id(node)] = (node, _Body(node))
    return kept[1]


class _Without(Mapping[str, Any]):
    """``constants`` without the name ``hidden`` (an attribute does not see its own binding), not copied."""

    def __init__(self, constants: dict[str, ast.expr], hidden: str):
        self.constants, self.hidden = constants, hidden

    def __getitem__(self, key: str) -> ast.expr:
        if key == self.hidden:
            raise KeyError(key)
        return self.constants[key]

    def __iter__(self) -> Iterator[str]:
        return (k for k in self.constants if k != self.hidden)

    def __len__(self) -> int:
        return len(self.constants) - (self.hidden in self.constants)


def _class_constants(cls: ClassRef) -> dict[str, ast.expr]:
    return _body(cls.node).constants


def _constants(node: ast.ClassDef) -> dict[str, ast.expr]:
    """Names a class body binds to plain values (``MAX = 40``), which later statements of the body
    see (``String(MAX)``); calls (columns, relationships) are left out: they are not constants."""
    out: dict[str, ast.expr] = {}
    for stmt in node.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if value is None or isinstance(value, ast.Call):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for t in targets:
            if isinstance(t, ast.Name) and not t.id.startswith("__"):
                out[t.id] = value
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _block_kind(stmt: ast.stmt) -> str:
    return {ast.If: "an if block", ast.Try: "a try block", ast.For: "a for loop", ast.While: "a while loop",
            ast.With: "a with block"}.get(type(stmt), "a block")


def _literal_flag(project: Project, cls: ClassRef, name: str) -> bool:
    node = class_attribute(cls, name)
    if not isinstance(node, ast.expr):
        return False
    value = project.literal(cls.module, node)
    if isinstance(value, Unknown):
        raise value.error(f"{cls.name}.{name}")
    return bool(value)


def _merge_lists_w_ordering(a: list[str], b: list[str]) -> list[str]:
    """SQLAlchemy's ``util.merge_lists_w_ordering``: ``vars(cls)`` and ``cls.__annotations__`` merged,
    which is the order declarative collects a class's attributes (and so its columns) in."""
    overlap = set(a).intersection(b)
    result: list[str] = []
    current, other = iter(a), iter(b)
    while True:
        for element in current:
            if element in overlap:
                overlap.discard(element)
                other, current = current, other
                break
            result.append(element)
        else:
            result.extend(other)
            break
    return result


def _single_return(func: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        return body[0].value
    return None


def _first_arg(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    return func.args.args[0].arg if func.args.args else "cls"
