"""SQLAlchemy-Continuum's version tables derived from the models, as its ``TableBuilder`` builds them.

``make_versioned()`` and ``configure_mappers()`` give each class with ``__versioned__`` a table
``<table>_version`` (the ``table_name`` option): the parent table's columns copied (``ColumnReflector``:
not unique, not autoincrement, nullable unless in the primary key, no foreign key, the rest kept: type,
server default, ``index=True``, comment), the columns an ``exclude`` option names left out, then
``transaction_id`` (BigInteger, in the primary key, indexed), ``end_transaction_id`` (BigInteger, indexed;
the ``validity`` strategy) and ``operation_type`` (SmallInteger, NOT NULL, indexed). A many-to-many
``relationship(..., secondary=t)`` of a versioned class gives ``t`` a version table too. From 2.0 (the
``create_composite_index`` option, on by default), an index ``ix_<vt>_pk_transaction_id`` on the primary key
and ``transaction_id DESC``, and with the validity strategy ``ix_<vt>_pk_validity``. With SQLAlchemy-Searchable,
a version class (mapped when the mappers are configured) gets the GIN index of its ``TSVectorType`` columns.

What these depend on is read statically: the one ``make_versioned(...)`` call of the models' modules, its
``options``/``plugins`` and a ``manager=`` (``VersioningManager`` or a project subclass that overrides none of
its option methods), each class's ``__versioned__`` dict, and which Continuum the project pins (the composite
indexes). Where one of those is not known, the class's version table is not derived: ``continuum`` takes it
from the revisions as before, and refuses with this reason where it would change. ``transaction`` (a
project may replace its class) is always the revisions'.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ...schema import ColumnType
from ..pins import pinned_versions, requirement_texts
from ..pyast import ClassRef, External, Module, Unknown, ValueRef, call_kwargs, class_attribute, text_of
from .declared import DeclaredType
from .reader import ConstructReader, Scope
from .searchable import search_index
from .specs import ColumnSpec, IndexSpec, PrimaryKeySpec, TableSpec, TypeSpec

PACKAGE = "sqlalchemy_continuum"
DEFAULTS: dict[str, Any] = {  # VersioningManager.options
    "versioning": True, "table_name": "%s_version", "exclude": [], "include": [], "native_versioning": False,
    "create_models": True, "create_tables": True, "transaction_column_name": "transaction_id",
    "end_transaction_column_name": "end_transaction_id", "operation_type_column_name": "operation_type",
    "strategy": "validity", "use_module_name": False, "base_classes": None, "create_composite_index": True,
}
# plugins that add no column to a version table (their own tables are the revisions', as ``transaction``)
_PLUGINS = frozenset({"FlaskPlugin", "TransactionChangesPlugin", "TransactionMetaPlugin", "NullDeletePlugin"})
# VersioningManager methods and attributes a subclass may not replace: they decide the tables
_MANAGER_OWN = frozenset({"option", "options", "is_excluded_column", "is_excluded_property", "reset", "plugins",
                          "builder", "create_transaction_model"})
# Builder methods that build the version tables (build_relationships builds the association ones)
_BUILDER_OWN = frozenset({"build_tables", "configure_versioned_classes", "build_triggers", "__init__", "manager"})
_ASSOCIATIONS = " associations"  # an option of mgen's own: whether association version tables are derived


@dataclass
class VersionedClass:
    """A mapped class with ``__versioned__`` (recorded by the declarative scan)."""

    cls: ClassRef
    spec: TableSpec
    inherited: bool  # a subclass of a mapped class (its table is its parent's or joined to it)


class _Unknown(Exception):
    def __init__(self, why: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(why)
        self.why = f"{path}:{line}: {why}" if path and line else why


def version_tables(reader: ConstructReader, modules: list[Module], specs: list[TableSpec],
                   classes: list[VersionedClass], searched: bool = False) -> tuple[list[TableSpec], dict[str, str]]:
    """The version tables Continuum adds to ``specs``, and for each versioned class's table why its version
    table is not derived ("" where it is; for an association table "=" and why the version table derived must
    be the revisions' to be taken)."""
    if not classes:
        return [], {}
    try:
        options = _manager_options(reader, modules)
        composite = bool(options["create_composite_index"]) and _composite_indexes(reader.project.root)
    except _Unknown as e:
        return [], {v.spec.name: e.why for v in classes}
    by_name = {s.name: s for s in specs}
    out: list[TableSpec] = []
    why: dict[str, str] = {}
    for v in classes:
        scope = Scope(v.cls.module)
        try:
            own = _class_options(reader, v.cls)
            opts = {**options, **own}
            if v.inherited:
                if v.spec.name in why or any(c.spec is v.spec and not c.inherited for c in classes):
                    continue  # single table inheritance: the parent's version table has the columns
                raise _Unknown(f"class {v.cls.name} is versioned and inherits a mapped class: its version table is "
                               "not derived", scope.path, v.cls.line)
            if not opts["versioning"] or not opts["create_tables"]:
                why[v.spec.name] = ""
                continue
            exclude = set(opts["exclude"]) - set(opts["include"])
            out.append(_version_spec(reader, v.spec, opts, composite, exclude, by_name, v.cls))
            if searched:  # the version class is mapped when the mappers are configured: after make_searchable()
                version = out[-1]
                version.items += [search_index(version, c.name, c.line) for c in version.columns  # type: ignore[arg-type]
                                  if c.type is not None and c.type.label == "TSVectorType"]
            if options[_ASSOCIATIONS] is True:
                _backref_secondaries(modules, v.cls)
            for table in _secondaries(reader, v.cls, opts, by_name):
                if all(s.name != opts["table_name"] % table.name for s in out):
                    out.append(_version_spec(reader, table, options, composite, set(), by_name, v.cls))
                    if options[_ASSOCIATIONS] is not True:  # "=": kept only where the revisions agree
                        why[table.name] = "=" + options[_ASSOCIATIONS]
            why[v.spec.name] = ""
        except _Unknown as e:
            why[v.spec.name] = e.why
        except MgenError as e:  # a column of the table that cannot be copied: the revisions' version table stands
            why[v.spec.name] = f"{e.file}:{e.line}: {e.message}" if e.file else e.message
    taken = {s.name for s in specs}
    return [s for s in out if s.name not in taken], why


def imports_continuum(reader: ConstructReader, modules: list[Module]) -> None:
    """Continuum's ``@compiles(BigInteger, "sqlite")`` makes every BigInteger ``INTEGER`` on SQLite in a process
    that imported it (as the models' modules do): recorded as the models' own ``@compiles`` are."""
    if reader.dialect != "sqlite" or not any(
            isinstance(n, ast.Import) and any(a.name.split(".")[0] == PACKAGE for a in n.names)
            or isinstance(n, ast.ImportFrom) and not n.level and (n.module or "").split(".")[0] == PACKAGE
            for m in modules for n in ast.walk(m.tree)):
        return
    for name in ("BigInteger", "BIGINT"):
        reader.type_ddl.setdefault(name, _SQLITE_BIGINT)


def _manager_options(reader: ConstructReader, modules: list[Module]) -> dict[str, Any]:
    """The manager's options as the one ``make_versioned(...)`` of the models' modules sets them."""
    calls = []
    for module in modules:
        for stmt in module.tree.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and _is(reader, stmt.value.func,
                                                                                        Scope(module), "make_versioned"):
                calls.append((stmt.value, Scope(module)))
    if len(calls) != 1:
        raise _Unknown(f"{'no' if not calls else 'more than one'} make_versioned(...) call at module level in the "
                       "models' modules: the versioning options are not known")
    call, scope = calls[0]
    kwargs = call_kwargs(call)
    if call.args or any(k.arg is None for k in call.keywords):
        raise _Unknown("make_versioned(...): only keyword arguments are read", scope.path, call.lineno)
    options = {**DEFAULTS, _ASSOCIATIONS: True}
    if "manager" in kwargs:
        options.update(_manager_call(reader, kwargs["manager"], scope))
    _plugins(reader, kwargs.get("plugins"), scope)
    options.update(_options(reader, kwargs.get("options"), scope, "make_versioned options"))
    if options["native_versioning"]:
        raise _Unknown("native_versioning (triggers) is not derived", scope.path, call.lineno)
    return options


def _manager_call(reader: ConstructReader, node: ast.expr, scope: Scope) -> dict[str, Any]:
    if isinstance(node, (ast.Name, ast.Attribute)):
        ref = reader.resolve(node, scope)
        if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):
            node, scope = ref.node, Scope(ref.module)
        elif isinstance(ref, External) and ref.qualname.startswith(PACKAGE) and ref.name == "versioning_manager":
            return {}
    if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
        raise _Unknown(f"manager={text_of(node)} is not read", scope.path, getattr(node, "lineno", None))
    ref = reader.resolve(node.func, scope)
    if isinstance(ref, ClassRef):
        _check_subclass(reader, ref)
    elif not _is(reader, node.func, scope, "VersioningManager"):
        raise _Unknown(f"manager={text_of(node.func)}(...) is not a VersioningManager", scope.path, node.lineno)
    kwargs = call_kwargs(node)
    if any(k.arg is None for k in node.keywords):
        raise _Unknown(f"{text_of(node.func)}(...): **kwargs are not read", scope.path, node.lineno)
    _plugins(reader, kwargs.get("plugins"), scope)
    options = _options(reader, kwargs.get("options"), scope, "manager options")
    if "builder" in kwargs:
        options[_ASSOCIATIONS] = _builder(reader, kwargs["builder"], scope)
    return options


def _builder(reader: ConstructReader, node: ast.expr, scope: Scope) -> bool | str:
    """``builder=`` a project ``Builder`` subclass that builds the tables as Continuum does: True where it builds
    the association version tables as Continuum does too (it keeps ``build_relationships``), else why not."""
    ref = reader.resolve(node.func, scope) if isinstance(node, ast.Call) and isinstance(
        node.func, (ast.Name, ast.Attribute)) and not node.args and not node.keywords else None
    mro = reader.project.mro(ref) if isinstance(ref, ClassRef) else None
    if not isinstance(ref, ClassRef) or isinstance(mro, Unknown) or mro is None or not any(
            isinstance(c, External) and c.qualname.startswith(PACKAGE) and c.name == "Builder" for c in mro):
        raise _Unknown(f"builder={text_of(node)} is not read", scope.path, node.lineno)
    own = [c for c in mro if isinstance(c, ClassRef)]
    for c in own:
        for name in _BUILDER_OWN:
            if class_attribute(c, name) is not None:
                raise _Unknown(f"builder class {c.name} defines {name}, which builds the version tables",
                               c.module.path, c.line)
    mine = next((c for c in own if class_attribute(c, "build_relationships") is not None), None)
    if mine is None:
        return True
    return (f"{mine.module.path}:{mine.line}: builder class {mine.name} builds the relationships itself, with them the "
            "association version tables")


def _check_subclass(reader: ConstructReader, cls: ClassRef) -> None:
    """A project VersioningManager subclass that changes nothing the tables depend on."""
    mro = reader.project.mro(cls)
    if isinstance(mro, Unknown) or not any(isinstance(c, External) and c.qualname.startswith(PACKAGE)
                                           and c.name == "VersioningManager" for c in mro):
        raise _Unknown(f"manager class {cls.name} is not known to be a VersioningManager", cls.module.path, cls.line)
    for c in mro:
        if not isinstance(c, ClassRef):
            continue
        for name in _MANAGER_OWN:
            if class_attribute(c, name) is not None:
                raise _Unknown(f"manager class {c.name} defines {name}, which decides the version tables",
                               c.module.path, c.line)
        init = class_attribute(c, "__init__")
        if init is not None and any(isinstance(n, (ast.Name, ast.Attribute, ast.arg)) and
                                    (getattr(n, "id", None) or getattr(n, "attr", None) or getattr(n, "arg", None))
                                    in ("options", "plugins", "builder") for n in ast.walk(init)):
            raise _Unknown(f"manager class {c.name}: its __init__ handles options/plugins/builder itself",
                           c.module.path, c.line)


def _plugins(reader: ConstructReader, node: ast.expr | None, scope: Scope) -> None:
    if node is None or isinstance(node, ast.Constant) and node.value is None:
        return
    if not isinstance(node, (ast.List, ast.Tuple)):
        raise _Unknown(f"plugins={text_of(node)} is not read", scope.path, node.lineno)
    for item in node.elts:
        func = item.func if isinstance(item, ast.Call) else item
        ref = reader.resolve(func, scope) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if not (isinstance(ref, External) and ref.qualname.startswith(PACKAGE) and ref.name in _PLUGINS):
            raise _Unknown(f"plugin {text_of(item)} may add columns to the version tables: not derived",
                           scope.path, item.lineno)


def _options(reader: ConstructReader, node: ast.expr | None, scope: Scope, what: str) -> dict[str, Any]:
    if node is None:
        return {}
    value = reader.project.literal(scope.module, node, scope.local)
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _Unknown(f"{what} {text_of(node)} is not a literal dict", scope.path, node.lineno)
    unknown = sorted(set(value) - set(DEFAULTS))
    if unknown:
        raise _Unknown(f"{what}: {', '.join(unknown)} not known", scope.path, node.lineno)
    if value.get("strategy", "validity") not in ("validity", "subquery") or \
            not all(isinstance(value.get(k, "%s"), str) for k in ("table_name", "transaction_column_name",
                                                                  "end_transaction_column_name",
                                                                  "operation_type_column_name")):
        raise _Unknown(f"{what}: a name or the strategy is not read", scope.path, node.lineno)
    try:
        value.get("table_name", "%s") % "t"
    except (TypeError, ValueError):
        raise _Unknown(f"{what}: table_name {value['table_name']!r} is not a '%s' pattern", scope.path,
                       node.lineno) from None
    return value


def _class_options(reader: ConstructReader, cls: ClassRef) -> dict[str, Any]:
    """``__versioned__`` of the class or the nearest base that has one."""
    mro = reader.project.mro(cls)
    for c in [cls] if isinstance(mro, Unknown) else [c for c in mro if isinstance(c, ClassRef)]:
        node = class_attribute(c, "__versioned__")
        if isinstance(node, ast.expr):
            options = _options(reader, node, Scope(c.module), f"{c.name}.__versioned__")
            if options.get("native_versioning"):
                raise _Unknown("native_versioning (triggers) is not derived", c.module.path, node.lineno)
            return options
        if node is not None:
            raise _Unknown(f"{c.name}.__versioned__ is not a dict", c.module.path, c.line)
    return {}


def _composite_indexes(root: Path) -> bool:
    """Whether the pinned Continuum adds the composite indexes (2.0 and later)."""
    found = pinned_versions(root, "SQLAlchemy-Continuum")
    if found and all(v < (2,) for v in found):
        return False
    if found and all(v >= (2,) for v in found):
        return True
    bound = re.compile(r"sqlalchemy[-_.]continuum\b[^\n#]*<\s*2(\.0)*\b", re.IGNORECASE)
    if not found and any(bound.search(t) for texts in requirement_texts(root) for t in texts):
        return False
    raise _Unknown("which SQLAlchemy-Continuum the project uses is not pinned (2.0 adds composite indexes to the "
                   "version tables; pin it, or set create_composite_index in make_versioned's options)")


def _is(reader: ConstructReader, node: ast.expr, scope: Scope, name: str) -> bool:
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return False
    ref = reader.resolve(node, scope)
    return isinstance(ref, External) and ref.qualname.startswith(PACKAGE) and ref.name == name


def _secondaries(reader: ConstructReader, cls: ClassRef, opts: dict[str, Any],
                 by_name: dict[str, TableSpec]) -> list[TableSpec]:
    """The association tables of the class's many-to-many relationships (``secondary=``, not view-only)."""
    out = []
    scope = Scope(cls.module)
    for stmt in cls.node.body:
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or not isinstance(stmt.value, ast.Call):
            continue
        kwargs = call_kwargs(stmt.value)
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        key = targets[0].id if isinstance(targets[0], ast.Name) else None
        if "secondary" not in kwargs or key in opts["exclude"] and key not in opts["include"]:
            continue
        viewonly = kwargs.get("viewonly")
        if isinstance(viewonly, ast.Constant) and viewonly.value is True:
            continue
        out.append(_table_of(reader, kwargs["secondary"], scope, by_name))
    return out


def _backref_secondaries(modules: list[Module], cls: ClassRef) -> None:
    """A many-to-many ``backref=`` from another class adds a property with ``secondary`` to ``cls``: its
    association version table is not derived."""
    for module, stmt in ((m, n) for m in modules for n in ast.walk(m.tree)):
        if not (isinstance(stmt, ast.Call) and {"secondary", "backref"} <= set(call_kwargs(stmt))):
            continue
        target = stmt.args[0] if stmt.args else None
        names = {cls.name, f"{cls.module.name}.{cls.name}"}
        if isinstance(target, ast.Constant) and target.value in names or \
                isinstance(target, ast.Name) and target.id == cls.name:
            raise _Unknown(f"a many-to-many backref into {cls.name}: its association version table is not derived",
                           module.path, stmt.lineno)


def _table_of(reader: ConstructReader, node: ast.expr, scope: Scope, by_name: dict[str, TableSpec]) -> TableSpec:
    name: Any = None
    if isinstance(node, ast.Constant):
        name = node.value
    elif isinstance(node, (ast.Name, ast.Attribute)):
        ref = reader.resolve(node, scope)
        if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call) and ref.node.args:
            name = reader.project.literal(ref.module, ref.node.args[0])
    if not isinstance(name, str) or name not in by_name:
        raise _Unknown(f"secondary={text_of(node)}: the association table is not read, so neither is its version "
                       "table", scope.path, getattr(node, "lineno", None))
    return by_name[name]


_BIGINT = TypeSpec(ColumnType("bigint"), integer=True, label="BigInteger", declared=DeclaredType("sa.BigInteger"))
_SQLITE_BIGINT = TypeSpec(ColumnType("integer"), integer=True, label="INTEGER")
_SMALLINT = TypeSpec(ColumnType("smallint"), integer=True, label="SmallInteger",
                     declared=DeclaredType("sa.SmallInteger"))


def _version_spec(reader: ConstructReader, parent: TableSpec, opts: dict[str, Any], composite: bool,
                  exclude: set[str], by_name: dict[str, TableSpec], cls: ClassRef) -> TableSpec:
    from .build import column_type

    pk_items = [i for i in parent.items if isinstance(i, PrimaryKeySpec)]
    pk_keys = set(pk_items[0].columns) if pk_items else set()
    columns: list[ColumnSpec] = []
    for c in sorted(parent.columns, key=lambda c: c.sort_order):
        if (c.key or c.name) in exclude:
            continue
        if c.identity is not None or c.computed is not None:
            raise _Unknown(f"{parent.name}.{c.name}: an Identity/Computed column is not derived into the version "
                           "table", c.path, c.line)
        in_pk = c.primary_key or (c.key or c.name) in pk_keys or c.name in pk_keys
        columns.append(replace(c, type=column_type(c, by_name, reader), primary_key=in_pk, unique=None,
                               autoincrement=False, foreign_keys=[], checks=list(c.checks), sort_order=0,
                               nullable=c.nullable if in_pk else True))
    path, line = cls.module.path, cls.line
    tx, end_tx = opts["transaction_column_name"], opts["end_transaction_column_name"]
    big = replace(reader.type_ddl["BigInteger"], declared=_BIGINT.declared) if "BigInteger" in reader.type_ddl \
        else _BIGINT
    extra = [ColumnSpec(tx, None, big, line, path, primary_key=True, index=True, autoincrement=False)]
    if opts["strategy"] == "validity":
        extra.append(ColumnSpec(end_tx, None, big, line, path, index=True))
    extra.append(ColumnSpec(opts["operation_type_column_name"], None, _SMALLINT, line, path, nullable=False,
                            index=True))
    name = opts["table_name"] % parent.name
    keys = [c.name for c in columns if c.primary_key]
    items: list[Any] = []
    if composite and keys:
        items.append(IndexSpec(f"ix_{name}_pk_transaction_id", (*keys, tx), line=line, orders=((tx, "DESC"),)))
        if opts["strategy"] == "validity":
            items.append(IndexSpec(f"ix_{name}_pk_validity", (*keys, tx, end_tx), line=line))
    return TableSpec(name, columns + extra, items, path, line, parent.convention)


__all__ = ["VersionedClass", "imports_continuum", "version_tables"]
