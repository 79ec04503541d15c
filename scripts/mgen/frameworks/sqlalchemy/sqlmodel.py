"""SQLModel table models (``class Item(SQLModel, table=True)``) read as the ``TableSpec`` SQLModel maps.

SQLModel makes one column per pydantic field of a ``table=True`` class: fields in pydantic's order (the
bases' first, a redefined field keeping its first place), ``Relationship(...)``, ``ClassVar`` and private
names left out. A field's column (``sqlmodel.main.get_column_from_field``):

- ``Field(sa_column=Column(...))``: that column;
- the type: ``Field(sa_type=...)``, else from the annotation (``Optional``/``X | None`` stripped): ``str``
  and its kin (``EmailStr``, ``Path``, IP addresses; a ``str`` subclass) ``AutoString`` (``String(max_length)``;
  without a length ``VARCHAR(255)`` on MySQL), ``int`` Integer, ``float`` Float, ``bool`` Boolean,
  ``datetime`` DateTime (``timezone=True`` from SQLModel 0.0.45 on, read from the project's pins),
  ``date``, ``time``, ``bytes`` LargeBinary, ``Decimal`` ``Numeric(max_digits, decimal_places)``, ``UUID``
  Uuid, an ``Enum`` class ``Enum(cls)``;
- nullable: ``Field(nullable=)``, else whether the annotation admits None, never for a primary key;
  ``primary_key``, ``index``, ``unique``, ``foreign_key="table.column"`` with ``ondelete=``;
  ``sa_column_kwargs`` (``server_default``, ``comment``) on top.

The table is named ``__tablename__`` or the class name in lower case, in ``SQLModel.metadata``.
"""
from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from ..pins import pinned_version
from ..pyast import ClassRef, External, Ref, Unknown, ValueRef, class_attribute, text_of
from .annotations import _strip_optional, parse_string_annotation
from .columns import read_column
from .constraint_names import DEFAULT_CONVENTION
from .constraints import fk_action
from .reader import ConstructReader, Scope
from .specs import ColumnSpec, ForeignKeySpec, TableSpec, TypeSpec
from .types import TYPE_HANDLERS, TypeArgs, read_type

SQLMODEL = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})
_FIELD = frozenset({"sqlmodel.Field", "sqlmodel.main.Field"})
_RELATIONSHIP = frozenset({"sqlmodel.Relationship", "sqlmodel.main.Relationship"})
_CLASSVAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
_STRINGS = frozenset({"builtins.str", "pydantic.EmailStr", "pydantic.networks.EmailStr", "pathlib.Path",
                      "ipaddress.IPv4Address", "ipaddress.IPv4Network", "ipaddress.IPv6Address",
                      "ipaddress.IPv6Network"})
_SIMPLE = {"builtins.float": "Float", "builtins.bool": "Boolean", "builtins.int": "Integer",
           "datetime.date": "Date", "datetime.time": "Time", "builtins.bytes": "LargeBinary", "uuid.UUID": "Uuid"}
_DATETIMES = frozenset({"datetime.datetime", "pydantic.AwareDatetime", "pydantic.NaiveDatetime"})
_FIELD_COLUMN_KEYS = frozenset({"primary_key", "nullable", "index", "unique", "foreign_key", "ondelete", "sa_type",
                                "sa_column", "sa_column_args", "sa_column_kwargs", "max_length", "max_digits",
                                "decimal_places", "default", "default_factory"})
_UTC_DATETIME_SINCE = (0, 0, 45)


def is_sqlmodel(mro: Sequence[Ref]) -> bool:
    return any(isinstance(b, External) and b.qualname in SQLMODEL for b in mro)


def is_table(cls: ClassRef, reader: ConstructReader) -> bool:
    for k in cls.node.keywords:
        if k.arg == "table":
            return reader.boolean(k.value, Scope(cls.module), f"class {cls.name} table=")
    return False


class SQLModelReader:
    """Reads the ``table=True`` classes of one project."""

    def __init__(self, reader: ConstructReader):
        self.reader = reader
        version = pinned_version(reader.project.root, "sqlmodel")
        self.version = version
        self.utc_datetime = version is None or version >= _UTC_DATETIME_SINCE
        self.convention: dict[str, str] = dict(DEFAULT_CONVENTION)  # SQLModel.metadata.naming_convention = ...

    def set_convention(self, convention: dict[str, str]) -> None:
        """``SQLModel.metadata.naming_convention = convention`` (it replaces the default, as SQLAlchemy's does)."""
        self.convention.clear()
        self.convention.update(convention)

    def table(self, cls: ClassRef, mro: Sequence[Ref]) -> TableSpec:
        scope = Scope(cls.module)
        classes = [c for c in mro if isinstance(c, ClassRef)]
        for parent in classes[1:]:
            if any(k.arg == "table" for k in parent.node.keywords) and is_table(parent, self.reader):
                raise self.reader.error(f"class {cls.name} inherits from the table model {parent.name}: SQLModel "
                                        "table inheritance is not read", cls.node, scope)
        name_node = next((class_attribute(c, "__tablename__") for c in classes
                          if class_attribute(c, "__tablename__") is not None), None)
        if isinstance(name_node, ast.expr):
            tablename = self.reader.string(name_node, scope, f"{cls.name}.__tablename__")
        elif name_node is None:
            tablename = cls.name.lower()  # SQLModel's declared_attr
        else:
            raise self.reader.error(f"{cls.name}.__tablename__ is not a string", name_node, scope)
        spec = TableSpec(tablename, [], [], cls.module.path, cls.line, self.convention)
        for attr, (owner, annotation, value, line) in self._fields(classes).items():
            column = self.column(cls, owner, attr, annotation, value, line)
            if column is not None:
                spec.columns.append(column)
        return spec  # (__table_args__ is read by the declarative scan, as for any mapped class)

    def _fields(self, classes: list[ClassRef]) -> dict[str, tuple[ClassRef, ast.expr, ast.expr | None, int]]:
        """Pydantic's fields: the bases' first; a redefinition keeps the first place and the last value."""
        out: dict[str, tuple[ClassRef, ast.expr, ast.expr | None, int]] = {}
        for owner in reversed(classes):
            for stmt in owner.node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    name = stmt.target.id
                    if name.startswith("_") or name == "model_config":
                        continue
                    out[name] = (owner, stmt.annotation, stmt.value, stmt.lineno)
        return out

    def column(self, cls: ClassRef, owner: ClassRef, attr: str, annotation: ast.expr, value: ast.expr | None,
               line: int) -> ColumnSpec | None:
        reader = self.reader
        scope = Scope(owner.module)
        what = f"{cls.name}.{attr}"
        annotation = parse_string_annotation(annotation)
        if isinstance(annotation, ast.Subscript) and reader.project.qualname(scope.module, annotation.value) \
                in _CLASSVAR:
            return None
        field: dict[str, ast.expr] = {}
        if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            callee = reader.resolve(value.func, scope)
            qual = callee.qualname if isinstance(callee, External) else None
            if qual in _RELATIONSHIP:
                return None
            if qual in _FIELD:
                field = reader.check_kwargs(value, scope, _FIELD_COLUMN_KEYS | _PYDANTIC_ONLY, f"{what} Field")
                if value.args:
                    field.setdefault("default", value.args[0])
        if "sa_column" in field:
            column_node = field["sa_column"]
            if not (isinstance(column_node, ast.Call) and reader.callee(column_node, scope)[0] == "Column"):
                raise reader.error(f"{what}: sa_column={text_of(column_node)} is not read (write Column(...))",
                                   column_node, scope)
            return read_column(reader, column_node, scope, attr)
        inner, optional = _strip_optional(reader, parse_string_annotation(annotation), scope)
        type_spec = self._type(field, parse_string_annotation(inner), scope, what)
        primary_key = self._flag(field, "primary_key", scope, what) or False
        nullable = self._flag(field, "nullable", scope, what)
        spec = ColumnSpec(name=attr, key=None, type=type_spec, line=line, path=scope.path, primary_key=primary_key)
        spec.nullable = nullable if nullable is not None else (optional and not primary_key)
        spec.index = self._flag(field, "index", scope, what) or False
        spec.unique = self._flag(field, "unique", scope, what) or False
        default = field.get("default", value if not isinstance(value, ast.Call) else None)
        # Column(default=None) is no default (an autoincrement primary key stays one)
        spec.has_python_default = "default_factory" in field or (
            default is not None and not (isinstance(default, ast.Constant) and default.value is None))
        if "foreign_key" in field and (target := reader.literal(field["foreign_key"], scope, f"{what} foreign_key")):
            if not isinstance(target, str):
                raise reader.error(f"{what}: foreign_key= must be 'table.column'", field["foreign_key"], scope)
            spec.foreign_keys.append(ForeignKeySpec(
                columns=None, targets=(target,), name=None, conv=False,
                on_delete=fk_action(reader, field.get("ondelete"), scope, f"{what} ondelete"), line=line))
        if "sa_column_args" in field:
            raise reader.error(f"{what}: sa_column_args= is not read", field["sa_column_args"], scope)
        if "sa_column_kwargs" in field:
            self._column_kwargs(spec, field["sa_column_kwargs"], scope, what)
        return spec

    def _column_kwargs(self, spec: ColumnSpec, node: ast.expr, scope: Scope, what: str) -> None:
        if not isinstance(node, ast.Dict) or any(k is None for k in node.keys):
            raise self.reader.error(f"{what}: sa_column_kwargs must be a dict literal", node, scope)
        for k, v in zip(node.keys, node.values):
            key = self.reader.string(k, scope, f"{what} sa_column_kwargs")  # type: ignore[arg-type]
            if key == "server_default":
                spec.server_default = (v, scope)
            elif key == "comment":
                spec.comment = self.reader.literal(v, scope, f"{what} comment")
            elif key in ("nullable", "unique", "index", "primary_key"):
                setattr(spec, key, self.reader.boolean(v, scope, f"{what} {key}"))
            elif key in ("default", "onupdate"):
                spec.has_python_default = True
            else:
                raise self.reader.error(f"{what}: sa_column_kwargs[{key!r}] is not read", v, scope)

    def _flag(self, field: dict[str, ast.expr], key: str, scope: Scope, what: str) -> bool | None:
        if key not in field:
            return None
        value = self.reader.literal(field[key], scope, f"{what} {key}")
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.reader.error(f"{what}: {key}= must be True or False", field[key], scope)
        return value

    def _type(self, field: dict[str, ast.expr], annotation: ast.expr, scope: Scope, what: str) -> TypeSpec:
        reader = self.reader
        if "sa_type" in field:
            return read_type(reader, field["sa_type"], scope, f"{what} sa_type")
        if isinstance(annotation, ast.Subscript) and reader.project.qualname(scope.module, annotation.value) in (
                "typing.Annotated", "typing_extensions.Annotated"):  # Annotated[X, ...]: X
            elts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
            return self._type(field, elts[0], scope, what)
        if not isinstance(annotation, (ast.Name, ast.Attribute)):
            raise reader.error(f"{what}: {text_of(annotation)} has no SQLAlchemy type SQLModel maps "
                               "(give sa_type= or sa_column=)", annotation, scope)
        ref = reader.resolve(annotation, scope)
        if isinstance(ref, Unknown):
            raise ref.error(what)
        qual = ref.qualname if isinstance(ref, (External, ClassRef, ValueRef)) else None
        if isinstance(ref, ClassRef):
            kinds = self._kinds(ref)
            if "enum.Enum" in kinds or any(k.startswith("enum.") for k in kinds):
                return TYPE_HANDLERS["Enum"](reader, TypeArgs(reader, "Enum", [annotation], {}, scope, annotation))
            if "builtins.str" in kinds:
                qual = "builtins.str"
        if qual in _STRINGS:
            length = self._integer(field, "max_length", scope, what)
            if length is None and reader.dialect == "mysql":
                length = 255  # AutoString.load_dialect_impl: mysql_default_length
            return self._sa(reader, "String", scope, annotation, length)
        if qual in _DATETIMES:
            aware = qual == "pydantic.AwareDatetime" or (qual == "datetime.datetime" and self.utc_datetime)
            if qual == "datetime.datetime" and self.version is None and reader.dialect == "postgresql":
                reader.note(f"{what}: a datetime field is DateTime(timezone=True) from SQLModel 0.0.45 on (earlier: "
                            "timezone=False); the project pins no SQLModel version: the newer is read",
                            annotation, scope)
            return self._sa(reader, "DateTime", scope, annotation, timezone=aware)
        if qual == "decimal.Decimal":
            return self._sa(reader, "Numeric", scope, annotation,
                            precision=self._integer(field, "max_digits", scope, what),
                            scale=self._integer(field, "decimal_places", scope, what))
        if qual in _SIMPLE:
            return self._sa(reader, _SIMPLE[qual], scope, annotation)
        raise reader.error(f"{what}: {text_of(annotation)} has no SQLAlchemy type SQLModel maps (give sa_type= or "
                           "sa_column=)", annotation, scope)

    def _kinds(self, cls: ClassRef) -> set[str]:
        mro = self.reader.project.mro(cls)
        return {b.qualname for b in mro if isinstance(b, External)} if not isinstance(mro, Unknown) else set()

    def _integer(self, field: dict[str, ast.expr], key: str, scope: Scope, what: str) -> int | None:
        if key not in field:
            return None
        value = self.reader.literal(field[key], scope, f"{what} {key}")
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.reader.error(f"{what}: {key}= is not an integer", field[key], scope)
        return value

    @staticmethod
    def _sa(reader: ConstructReader, name: str, scope: Scope, node: ast.expr, *args: Any, **kwargs: Any) -> TypeSpec:
        """The type SQLAlchemy's ``name(*args, **kwargs)`` (constants) makes on the dialect."""
        positional = [ast.copy_location(ast.Constant(a), node) for a in args if a is not None]
        keywords = {k: ast.copy_location(ast.Constant(v), node) for k, v in kwargs.items() if v is not None}
        return TYPE_HANDLERS[name](reader, TypeArgs(reader, name, positional, keywords, scope, node))


# pydantic's own Field() arguments: validation and schema, not the column
_PYDANTIC_ONLY = frozenset({"alias", "title", "description", "exclude", "include", "const", "gt", "ge", "lt", "le",
                            "multiple_of", "min_items", "max_items", "unique_items", "min_length", "regex",
                            "discriminator", "repr", "schema_extra", "alias_priority", "validation_alias",
                            "serialization_alias", "examples", "pattern", "strict", "allow_mutation",
                            "json_schema_extra", "frozen", "validate_default", "allow_inf_nan",
                            "coerce_numbers_to_str", "union_mode", "fail_fast", "field_title_generator"})

