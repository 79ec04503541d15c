"""Declarative bases and MetaData objects read from a project: where a mapped class's table goes (its
metadata's naming convention) and how its base maps annotations to types (``type_annotation_map``).
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..pyast import (
    AttributeRef,
    ClassRef,
    External,
    Module,
    Ref,
    Unknown,
    ValueRef,
    call_kwargs,
    class_attribute,
    text_of,
)
from .constraint_names import DEFAULT_CONVENTION
from .flask import AutoNaming, FlaskDb, flask_sqlalchemy_major
from .reader import ConstructReader, Scope, sa_name


@dataclass
class MetaDataSpec:
    """One MetaData object: its naming convention."""

    convention: Mapping[str, str]


@dataclass
class BaseSpec:
    """A declarative base: where its tables go and how annotations map to types."""

    metadata: MetaDataSpec
    type_map: dict[str, tuple[ast.expr, Scope]] = field(default_factory=dict)
    naming: AutoNaming | None = None  # Flask-SQLAlchemy's db.Model: a class without __tablename__ is named
    mixins: tuple[ClassRef, ...] = ()  # classes every mapped class of the base inherits (a model_class=)
    flask: bool = False  # Flask-SQLAlchemy's db.Model (__bind_key__ is read)

    @property
    def binds_share_metadata(self) -> bool:
        """Flask-SQLAlchemy 2.x: every bind's tables are in ``db.metadata`` (3.x: one metadata per bind)."""
        return self.flask and self.naming is not None and self.naming.major is not None and self.naming.major < 3


_DECLARATIVE_ROOTS = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
_BASE_FACTORIES = frozenset({"declarative_base"})


class DeclarativeBases:
    """The MetaData objects and declarative bases of a project, each read once: a base made by
    ``class Base(DeclarativeBase)``, ``declarative_base()``, ``registry().generate_base()``,
    ``@as_declarative()`` or a ``@reg.mapped`` registry, with its naming convention and type map."""

    def __init__(self, reader: ConstructReader):
        self.reader = reader
        self.project = reader.project
        self.metadatas: dict[tuple[str, int, int], MetaDataSpec] = {}
        self.known: dict[tuple[str, int], BaseSpec] = {}  # by where they are defined

    def metadata_of(self, node: ast.expr, scope: Scope, what: str) -> MetaDataSpec:
        """The MetaData a ``MetaData(...)`` call or a name for one stands for."""
        if isinstance(node, ast.Call):
            name, _ = self.reader.callee(node, scope)
            if name != "MetaData":
                raise self.reader.error(f"{what}: {text_of(node)} is not a MetaData", node, scope)
            key = (scope.module.name, node.lineno, node.col_offset)
            if key not in self.metadatas:
                kwargs = self.reader.check_kwargs(node, scope, {"naming_convention", "schema", "info", "quote_schema"},
                                                  "MetaData")
                convention = dict(DEFAULT_CONVENTION)
                if "naming_convention" in kwargs:
                    convention = self._convention(kwargs["naming_convention"], scope)
                if kwargs.get("schema") is not None and self.reader.literal(kwargs["schema"], scope, "schema"):
                    raise self.reader.error("MetaData(schema=...) is not supported", kwargs["schema"], scope)
                self.metadatas[key] = MetaDataSpec(convention)
            return self.metadatas[key]
        ref = self.reader.resolve(node, scope)
        if isinstance(ref, ValueRef):
            return self.metadata_of(ref.node, Scope(ref.module), what)
        if isinstance(ref, AttributeRef) and ref.name == "metadata":
            base = self.base_of_ref(ref.of)
            if base is not None:
                return base.metadata
        if isinstance(ref, Unknown):
            raise ref.error(what)
        raise self.reader.error(f"{what}: {text_of(node)} is not a MetaData the project defines", node, scope)

    def late_conventions(self, module: Module, sqlmodel_convention: Callable[[dict[str, str]], None]) -> None:
        """``X.metadata.naming_convention = {...}`` / ``metadata.naming_convention = {...}`` at module level
        (before the tables are made, as the models are read): the metadata's convention from then on.
        ``sqlmodel_convention`` receives SQLModel.metadata's."""
        scope = Scope(module)
        for stmt in module.tree.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
                continue
            target = stmt.targets[0]
            if not (isinstance(target, ast.Attribute) and target.attr == "naming_convention"):
                continue
            owner = target.value
            convention = self._convention(stmt.value, scope)
            if isinstance(owner, ast.Attribute) and owner.attr == "metadata":
                ref = self.reader.resolve(owner.value, scope)
                if isinstance(ref, External) and ref.qualname in ("sqlmodel.SQLModel", "sqlmodel.main.SQLModel"):
                    sqlmodel_convention(convention)
                    continue
            self.metadata_of(owner, scope, f"{text_of(target)} =").convention = convention

    def _convention(self, node: ast.expr, scope: Scope) -> dict[str, str]:
        if not isinstance(node, ast.Dict):
            ref = self.reader.resolve(node, scope) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if isinstance(ref, ValueRef):
                return self._convention(ref.node, Scope(ref.module))
            raise self.reader.error("naming_convention must be a dict", node, scope)
        out: dict[str, str] = {}
        keys = {"UniqueConstraint": "uq", "Index": "ix", "CheckConstraint": "ck", "ForeignKeyConstraint": "fk",
                "PrimaryKeyConstraint": "pk"}
        for k, v in zip(node.keys, node.values):
            if k is None:
                raise self.reader.error("naming_convention: ** is not read", node, scope)
            if isinstance(k, (ast.Name, ast.Attribute)):
                name, _ = self.reader.callee(k, scope)
                key = keys.get(name or "")
                if key is None:
                    raise self.reader.error(f"naming_convention key {text_of(k)} is not read", k, scope)
            else:
                key = self.reader.string(k, scope, "naming_convention key")
            value = self.reader.literal(v, scope, "naming_convention")
            if not isinstance(value, str):
                raise self.reader.error(f"naming_convention[{key!r}] is not a string (callables are not read)",
                                        v, scope)
            out[key] = value
        return out

    def base_of_ref(self, ref: Ref) -> BaseSpec | None:
        """The declarative base ``ref`` is (a class, a value made by declarative_base(), Flask-SQLAlchemy's
        ``db.Model``; also ``db`` itself, whose ``metadata`` is its model's)."""
        if isinstance(ref, ClassRef):
            return self.base_class(ref)
        if isinstance(ref, ValueRef):
            db = self.flask_db(ref)
            return self.flask_base(db) if db is not None else self.base_value(ref)
        if isinstance(ref, AttributeRef) and ref.name == "Model":
            db = self.flask_db(ref.of)
            if db is not None:
                return self.flask_base(db)
        return None

    def flask_db(self, ref: Ref | Unknown) -> FlaskDb | None:
        finder = getattr(self.project, "flask_db", None)  # a ModelProject (the Alembic replay's is plain)
        return finder(ref) if finder is not None else None

    def flask_base(self, db: FlaskDb) -> BaseSpec:
        """``db.Model`` of ``db = SQLAlchemy(metadata=..., model_class=..., disable_autonaming=...)``."""
        key = (db.ref.module.name, db.ref.line)
        if key in self.known:
            return self.known[key]
        scope = Scope(db.ref.module)
        metadata: MetaDataSpec | None = None
        type_map: dict[str, tuple[ast.expr, Scope]] = {}
        mixins: tuple[ClassRef, ...] = ()
        if (node := db.keyword("model_class")) is not None:
            ref = self.reader.resolve(node, scope) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if isinstance(ref, ClassRef):
                declarative = self.base_class(ref)
                if declarative is not None:  # a DeclarativeBase subclass: its metadata and type map
                    metadata, type_map = declarative.metadata, declarative.type_map
                mro = self.project.mro(ref)  # its body (and a plain class's bases) act as a mixin's
                if isinstance(mro, Unknown):
                    raise mro.error("SQLAlchemy(model_class=)")
                mixins = tuple(c for c in mro if isinstance(c, ClassRef))
            elif not (isinstance(ref, External) and ref.qualname.startswith("flask_sqlalchemy.")):
                raise self.reader.error(f"SQLAlchemy(model_class={text_of(node)}) is not read (give a class)",
                                        node, scope)
        if (node := db.keyword("metadata")) is not None:  # wins over a model_class's own metadata
            metadata = self.metadata_of(node, scope, "SQLAlchemy(metadata=)")
        naming: AutoNaming | None = AutoNaming(flask_sqlalchemy_major(self.project.root))
        if (node := db.keyword("disable_autonaming")) is not None and \
                self.reader.boolean(node, scope, "SQLAlchemy(disable_autonaming=)"):
            naming = None
        base = BaseSpec(metadata or MetaDataSpec(dict(DEFAULT_CONVENTION)), type_map, naming, mixins, flask=True)
        self.known[key] = base
        return base

    def base_class(self, cls: ClassRef) -> BaseSpec | None:
        key = (cls.module.name, cls.line)
        if key in self.known:
            return self.known[key]
        scope = Scope(cls.module)
        direct = [b for b in self.project.bases(cls) if not isinstance(b, Unknown)]
        root = any(isinstance(b, External) and sa_name(b.qualname) in _DECLARATIVE_ROOTS for b in direct)
        decorated = None
        for d in cls.node.decorator_list:
            name, _ = self.reader.callee(d, scope)
            if name == "as_declarative":
                decorated = d
        if not root and decorated is None:
            return None
        metadata = None
        type_map: dict[str, tuple[ast.expr, Scope]] = {}
        if isinstance(decorated, ast.Call) and "metadata" in call_kwargs(decorated):
            metadata = self.metadata_of(call_kwargs(decorated)["metadata"], scope, f"class {cls.name}")
        md_node = class_attribute(cls, "metadata")
        if isinstance(md_node, ast.expr):
            metadata = self.metadata_of(md_node, scope, f"{cls.name}.metadata")
        reg_node = class_attribute(cls, "registry")
        if isinstance(reg_node, ast.Call):
            metadata, type_map = self.registry(reg_node, scope, metadata, type_map)
        tm_node = class_attribute(cls, "type_annotation_map")
        if isinstance(tm_node, ast.expr):
            type_map = self._type_map(tm_node, scope)
        base = BaseSpec(metadata or MetaDataSpec(dict(DEFAULT_CONVENTION)), type_map)
        self.known[key] = base
        return base

    def base_value(self, ref: ValueRef) -> BaseSpec | None:
        key = (ref.module.name, ref.line)
        if key in self.known:
            return self.known[key]
        node = ref.node
        if not isinstance(node, ast.Call):
            return None
        scope = Scope(ref.module)
        name, _ = self.reader.callee(node, scope)
        metadata: MetaDataSpec | None = None
        type_map: dict[str, tuple[ast.expr, Scope]] = {}
        mixins: tuple[ClassRef, ...] = ()
        if name in _BASE_FACTORIES:
            kwargs = call_kwargs(node)
            if "metadata" in kwargs:
                metadata = self.metadata_of(kwargs["metadata"], scope, "declarative_base(metadata=)")
            if "type_annotation_map" in kwargs:
                type_map = self._type_map(kwargs["type_annotation_map"], scope)
            if "cls" in kwargs:  # declarative_base(cls=CustomBase): the base's own body, a mixin of every model
                mixins = self._mixin_classes(kwargs["cls"], scope, "declarative_base(cls=)")
            if "metaclass" in kwargs:
                raise self.reader.error("declarative_base(metaclass=...): a custom metaclass is not read",
                                        kwargs["metaclass"], scope)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "generate_base":
            reg = node.func.value
            if isinstance(reg, (ast.Name, ast.Attribute)):
                reg_ref = self.reader.resolve(reg, scope)
                if isinstance(reg_ref, ValueRef) and isinstance(reg_ref.node, ast.Call):
                    reg = reg_ref.node
                    scope = Scope(reg_ref.module)
            if not isinstance(reg, ast.Call) or self.reader.callee(reg, scope)[0] != "registry":
                return None
            metadata, type_map = self.registry(reg, scope, None, {})
        else:
            return None
        base = BaseSpec(metadata or MetaDataSpec(dict(DEFAULT_CONVENTION)), type_map, mixins=mixins)
        self.known[key] = base
        return base

    def _mixin_classes(self, node: ast.expr, scope: Scope, what: str) -> tuple[ClassRef, ...]:
        ref = self.reader.resolve(node, scope) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if isinstance(ref, External) and ref.qualname == "builtins.object":
            return ()
        if not isinstance(ref, ClassRef):
            raise self.reader.error(f"{what}: {text_of(node)} is not a class of the project", node, scope)
        mro = self.project.mro(ref)
        if isinstance(mro, Unknown):
            raise mro.error(what)
        return tuple(c for c in mro if isinstance(c, ClassRef))

    def registry(self, call: ast.Call, scope: Scope, metadata: MetaDataSpec | None,
                 type_map: dict[str, tuple[ast.expr, Scope]]) -> tuple[MetaDataSpec | None, dict]:
        if self.reader.callee(call, scope)[0] != "registry":
            return metadata, type_map
        kwargs = call_kwargs(call)
        if "metadata" in kwargs:
            metadata = self.metadata_of(kwargs["metadata"], scope, "registry(metadata=)")
        if "type_annotation_map" in kwargs:
            type_map = self._type_map(kwargs["type_annotation_map"], scope)
        return metadata, type_map

    def _type_map(self, node: ast.expr, scope: Scope) -> dict[str, tuple[ast.expr, Scope]]:
        if not isinstance(node, ast.Dict):
            raise self.reader.error("type_annotation_map must be a dict literal", node, scope)
        out: dict[str, tuple[ast.expr, Scope]] = {}
        for k, v in zip(node.keys, node.values):
            key = python_type_key(self.reader, k, scope) if k is not None else None
            if key is None:
                raise self.reader.error(f"type_annotation_map key {text_of(k) if k else '**'} is not read",
                                        k or node, scope)
            out[key] = (v, scope)
        return out


    def declarative_base_in(self, mro: Sequence[Ref]) -> BaseSpec | None:
        for entry in mro:
            base = self.base_of_ref(entry)
            if base is not None:
                return base
        return None

    def mapped_by_decorator(self, cls: ClassRef) -> BaseSpec | None:
        """``@reg.mapped`` / ``@reg.mapped_as_dataclass``: mapped by a registry, not a base class."""
        for d in cls.node.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            if isinstance(target, ast.Attribute) and target.attr in ("mapped", "mapped_as_dataclass"):
                ref = self.reader.resolve(target.value, Scope(cls.module))
                if isinstance(ref, ValueRef) and isinstance(ref.node, ast.Call):
                    metadata, type_map = self.registry(ref.node, Scope(ref.module), None, {})
                    if self.reader.callee(ref.node, Scope(ref.module))[0] == "registry":
                        return BaseSpec(metadata or MetaDataSpec(dict(DEFAULT_CONVENTION)), type_map)
        return None


def python_type_key(reader: ConstructReader, node: ast.expr, scope: Scope) -> str | None:
    if isinstance(node, (ast.Name, ast.Attribute)):
        ref = reader.resolve(node, scope)
        if isinstance(ref, (External, ClassRef, ValueRef)):
            return ref.qualname
    return None
