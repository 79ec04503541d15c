"""A Django state -> the mgen Schema that Django's ``migrate`` builds on a given database.

Everything follows Django 5.2's schema editor and backend tables, so the result compares equal to the
introspected database (tests run Django's own ``migrate`` and check):

- tables ``<app_label>_<model>`` (or Meta.db_table), truncated as ``truncate_name`` does; an automatic
  ``ManyToManyField`` table ``<table>_<field>`` with ``<model>_id``/``<target>_id`` (``from_``/``to_`` for a
  relation to itself), a unique pair and the app's auto field as ``id``;
- column types from each backend's ``data_types`` (``DATA_TYPES``): ``timestamp with time zone`` on
  PostgreSQL for every DateTimeField, ``datetime(6)`` on MySQL, ``char(32)`` for a UUID on MySQL
  (``uuid`` on MariaDB >= 10.7), ``jsonb``/``json``/``text``; AutoFields are identity columns; a relation's
  column has its target's ``rel_db_type``;
- only ``db_default`` is a database default (``default`` stays in Python), ``on_delete`` is emulated by
  Django (every foreign key is NO ACTION, deferrable on PostgreSQL and SQLite);
- what Django adds by itself: CHECK ``col >= 0`` for Positive*Field (and JSON_VALID on SQLite), an index
  per ``db_index`` field and ForeignKey (not on MySQL, where the key has its own), PostgreSQL's second
  ``<name>_like`` index (``varchar_pattern_ops``/``text_pattern_ops``) on indexed or unique varchar/text columns;
- names as the schema editor computes them (``_create_index_name`` with its md5 suffix); constraints
  a database names itself (inline UNIQUE, CHECK) get the name that database gives.

A column whose type mgen's schema model has no name for - PostgreSQL's ``interval`` (DurationField),
``inet`` (GenericIPAddressField), arrays (``ArrayField``: the base field's type and ``[size]``), ``hstore``,
ranges, ``tsvector`` (any field class whose ``db_type()`` returns a literal), an opaque field's - is left
out of the Schema, and ``SchemaBuilder.unknown`` says which columns, with the type Django gives them where
it is known ("type unknown" otherwise); ``unknown_columns`` gives them as notes for the user.

Not modelled, refused with an MgenError naming the field: db_default expressions other than literals, ``Value`` and ``Now()``,
index expressions other than ``Lower``/``Upper`` of a field, lookups in conditions beyond
exact/lt/lte/gt/gte/isnull/in/range. Lost in the model (no field for it): operator classes other than
the ``_like`` indexes'.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...errors import MgenError
from ...expressions import canonical
from ...naming import check_name, foreign_key_name, primary_key_name, unique_name
from ...schema import Check, Column, ColumnType, Default, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from ...sqltypes import parse_type
from ..pyast import Note
from .fields import AUTO_FIELDS
from .models import SETTINGS_AUTO, column_name, target_label
from .state import UNKNOWN_TYPE, Call, FieldState, ModelState, ProjectState, QNode

T = ColumnType
_POSITIVE = ("PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField")
_TEXT_LIKE = ("CharField", "EmailField", "URLField", "SlugField", "FileField", "ImageField", "FilePathField")
_INT = {"AutoField": "integer", "BigAutoField": "bigint", "SmallAutoField": "smallint",
        "IntegerField": "integer", "BigIntegerField": "bigint", "SmallIntegerField": "smallint",
        "PositiveIntegerField": "integer", "PositiveBigIntegerField": "bigint", "PositiveSmallIntegerField": "smallint"}
# rel_db_type: what a ForeignKey to a field of this class stores
_REL_CLASS = {"AutoField": "IntegerField", "BigAutoField": "BigIntegerField", "SmallAutoField": "SmallIntegerField",
              "PositiveIntegerField": "IntegerField", "PositiveBigIntegerField": "BigIntegerField",
              "PositiveSmallIntegerField": "SmallIntegerField"}
MAX_NAME_LENGTH = {"postgresql": 63, "mysql": 64, "sqlite": None}
_NOW = {"postgresql": "STATEMENT_TIMESTAMP()", "mysql": "CURRENT_TIMESTAMP(6)",
        "sqlite": "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')"}
_QUOTE = {"postgresql": '"', "sqlite": '"', "mysql": "`"}


@dataclass(frozen=True)
class Backend:
    """The database Django talks to: the dialect, and MariaDB vs MySQL where Django tells them apart."""

    dialect: str
    mariadb: bool = False
    version: tuple[int, ...] = ()

    @property
    def native_uuid(self) -> bool:
        return self.mariadb and (not self.version or self.version >= (10, 7))

    @property
    def expression_indexes(self) -> bool:
        return self.dialect != "mysql" or not self.mariadb

    @property
    def partial_indexes(self) -> bool:
        return self.dialect != "mysql"

    def quote(self, name: str) -> str:
        q = _QUOTE[self.dialect]
        return q + name.replace(q, q + q) + q


class UnknownColumnType(MgenError):
    """A column whose type mgen's schema model cannot hold: ``spelling`` is Django's type for it, or None
    when it cannot be known statically."""

    def __init__(self, field: FieldState, spelling: str | None, why: str | None = None):
        super().__init__(f"field {field.name}: column type {spelling or 'unknown'}", field.file, field.line)
        self.spelling = spelling
        self.why = why  # why it cannot be known, when not the field class


# PostgreSQL's data_types (django/db/backends/postgresql/base.py), for what mgen's schema model has no
# type of its own for and for an array's base field (whose spelling is the array's type)
_PG_DATA_TYPES = {
    "AutoField": "integer", "BigAutoField": "bigint", "SmallAutoField": "smallint", "BinaryField": "bytea",
    "BooleanField": "boolean", "CharField": "varchar(%(max_length)s)", "DateField": "date",
    "DateTimeField": "timestamp with time zone", "DecimalField": "numeric(%(max_digits)s, %(decimal_places)s)",
    "DurationField": "interval", "FileField": "varchar(%(max_length)s)", "FilePathField": "varchar(%(max_length)s)",
    "FloatField": "double precision", "IntegerField": "integer", "BigIntegerField": "bigint",
    "GenericIPAddressField": "inet", "JSONField": "jsonb", "PositiveBigIntegerField": "bigint",
    "PositiveIntegerField": "integer", "PositiveSmallIntegerField": "smallint", "SlugField": "varchar(%(max_length)s)",
    "SmallIntegerField": "smallint", "TextField": "text", "TimeField": "time", "UUIDField": "uuid",
}
_PG_ONLY = ("DurationField", "GenericIPAddressField")
# the class whose data_types entry a class uses (get_internal_type)
_INTERNAL = {"EmailField": "CharField", "URLField": "CharField", "ImageField": "FileField"}
_MAX_LENGTHS = {"SlugField": 50, "URLField": 200, "FileField": 100, "ImageField": 100, "FilePathField": 100,
                "EmailField": 254}


def _size(field: Any, key: str, where: str, default: int | None = None) -> int | None:
    """A size argument (``max_length``, ``max_digits``, ``decimal_places``): an integer, or None when not given;
    anything else is refused, as Django's system checks refuse it (fields.E121, E131-E133)."""
    value = field.get(key, default)
    if value is None or isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise MgenError(f"{where}: {key}={value!r} is not a non-negative integer", field.file, field.line)


def sql_type(django_class: str, field: FieldState, backend: Backend) -> str | None:
    """Django's own spelling of a column type mgen has no portable type for (a field's literal ``db_type()``,
    PostgreSQL's ``interval``/``inet``, an array); None when ``column_type`` knows the type."""
    if field.db_type == UNKNOWN_TYPE or not django_class:
        raise UnknownColumnType(field, None)
    if field.db_type is not None:
        return field.db_type
    if backend.dialect == "postgresql" and django_class in _PG_ONLY:
        return _PG_DATA_TYPES[django_class]
    if django_class == "ArrayField":
        if backend.dialect != "postgresql":
            raise UnknownColumnType(field, None)
        size = field.get("size")
        return f"{_pg_base_type(field)}[{size if size is not None else ''}]"
    return None


def _pg_base_type(field: FieldState) -> str:
    """``ArrayField.db_type``'s first part: the base field's PostgreSQL type, as Django spells it."""
    base = field.get("base_field")
    name = base.name if isinstance(base, Call) and base.path.startswith("django.") else ""
    if name == "ArrayField":
        inner = FieldState(field.name, base.path, base.kw, name, field.file, field.line)
        return f"{_pg_base_type(inner)}[{base.kw.get('size') if base.kw.get('size') is not None else ''}]"
    pattern = _PG_DATA_TYPES.get(_INTERNAL.get(name, name))
    if pattern is None:
        raise UnknownColumnType(field, None)
    params = {"max_length": _MAX_LENGTHS.get(name), **base.kw}
    try:
        return pattern % params
    except (KeyError, TypeError):
        raise UnknownColumnType(field, None) from None


def column_type(django_class: str, field: FieldState, backend: Backend) -> ColumnType:
    """The portable type of a field's column (Django's ``data_types`` per backend); ``UnknownColumnType``
    when mgen's schema model has none for it."""
    d = backend.dialect
    where = f"field {field.name} ({django_class})"
    for key in ("max_length", "max_digits", "decimal_places"):
        _size(field, key, where)
    spelled = sql_type(django_class, field, backend)
    if spelled is not None:
        try:
            ctype = parse_type(spelled, d)
        except (ValueError, MgenError):
            raise UnknownColumnType(field, spelled) from None
        if ctype.array or ctype.name == "native":  # issue #14's types: named as before until Django adopts them
            raise UnknownColumnType(field, spelled)
        return ctype
    if django_class in AUTO_FIELDS and d == "sqlite":
        return T("integer")  # INTEGER PRIMARY KEY AUTOINCREMENT, whatever its size
    if django_class in _INT:  # MySQL's Positive*Field is "integer UNSIGNED" (kept since issue #14)
        return T(_INT[django_class], unsigned=d == "mysql" and django_class.startswith("Positive"))
    if django_class in _TEXT_LIKE:
        default = {"SlugField": 50, "URLField": 200, "FileField": 100, "ImageField": 100, "FilePathField": 100}
        length = _size(field, "max_length", where, default.get(django_class))
        if length is None and d == "mysql":
            raise MgenError(f"{where}: a CharField without max_length is PostgreSQL/SQLite only", field.file,
                            field.line)
        return T("varchar", length=length)
    simple = {
        "TextField": "text", "BooleanField": "boolean", "DateField": "date", "FloatField":
            "double" if d != "sqlite" else "real", "BinaryField": "binary",
    }
    if django_class in simple:
        return T(simple[django_class])
    if django_class == "DateTimeField":
        return {"postgresql": T("timestamptz"), "mysql": T("timestamp", precision=6), "sqlite": T("timestamp")}[d]
    if django_class == "TimeField":
        return T("time", precision=6) if d == "mysql" else T("time")
    if django_class == "DecimalField":
        if d == "sqlite":
            return T("numeric")  # Django's SQLite type is a bare "decimal"
        return T("numeric", precision=_size(field, "max_digits", where), scale=_size(field, "decimal_places", where))
    if django_class == "UUIDField":
        return T("uuid") if d == "postgresql" or backend.native_uuid else T("char", length=32)
    if django_class == "JSONField":
        return {"postgresql": T("jsonb"), "mysql": T("json"), "sqlite": T("text")}[d]
    if django_class == "GenericIPAddressField":
        return T("char", length=39)
    if django_class == "DurationField":
        return T("bigint")
    raise MgenError(f"{where}: no column type known", field.file, field.line)


def names_digest(*args: str, length: int) -> str:
    h = hashlib.md5(usedforsecurity=False)
    for arg in args:
        h.update(arg.encode())
    return h.hexdigest()[:length]


def truncate_name(name: str, length: int | None, hash_len: int = 4) -> str:
    """Django's ``truncate_name``: too long names keep their start and get a 4-character hash."""
    if length is None or len(name) <= length:
        return name
    return name[: length - hash_len] + names_digest(name, length=hash_len)


def create_index_name(table: str, columns: list[str], suffix: str, dialect: str) -> str:
    """The schema editor's ``_create_index_name``."""
    hash_suffix = names_digest(table, *columns, length=8) + suffix
    max_length = MAX_NAME_LENGTH[dialect] or 200
    name = f"{table}_{'_'.join(columns)}_{hash_suffix}"
    if len(name) <= max_length:
        return name
    if len(hash_suffix) > max_length / 3:
        hash_suffix = hash_suffix[: max_length // 3]
    other = (max_length - len(hash_suffix)) // 2 - 1
    name = f"{table[:other]}_{'_'.join(columns)[:other]}_{hash_suffix}"
    if name[0] == "_" or name[0].isdigit():
        name = "D" + name[:-1]
    return name


class SchemaBuilder:
    def __init__(self, state: ProjectState, backend: Backend):
        self.state = state
        self.backend = backend
        self.d = backend.dialect
        self.unknown: list[str] = []  # "table.column: type" of the columns left out (UnknownColumnType)
        self.unknown_notes: list[tuple[str, Note]] = []  # the same, as notes for the user, by field name

    # -- lookups ---------------------------------------------------------------------------------
    def table_name(self, model: ModelState) -> str:
        if model.options.get("db_table"):
            return str(model.options["db_table"])
        return truncate_name(model.db_table, MAX_NAME_LENGTH[self.d])

    def target(self, field: FieldState) -> tuple[ModelState, FieldState]:
        label = target_label(field)
        model = self.state.get(label)
        if model is None:
            from .models import unread_model_hint

            hint = unread_model_hint(self.state.notes, label)
            if hint is None and unfound_app(self.state, label):  # taggit not installed where mgen runs
                raise UnknownColumnType(field, None, f"it points at {label}, a model of an installed app mgen finds "
                                        "nowhere")
            why = f": {hint}" if hint else " (is its app installed and migrated?)"
            raise MgenError(f"field {field.name} points at {label}, which is not in the state{why}", field.file,
                            field.line)
        to_field = field.get("to_field")
        target = model.fields.get(to_field) if to_field else model.pk()
        if target is None:
            raise MgenError(f"field {field.name}: {label} has no field {to_field or 'primary key'}", field.file,
                            field.line)
        return model, target

    def unread_target(self, field: FieldState) -> None:
        """A relation into an app of which the state has no model at all (an installed app mgen finds nowhere,
        helpdesk's ``pinax_teams``): its column's type is its target's primary key's, unknown here - the column
        is left out of SQL, lint and verify with a note, the migration is Django's all the same. A missing model
        of an app the state has is still refused (``target``)."""
        label = target_label(field)
        app = label.partition(".")[0]
        if self.state.get(label) is None and not any(a == app for a, _ in self.state.models):
            from .models import unread_model_hint

            if unread_model_hint(self.state.notes, label) is None:
                raise UnknownColumnType(field, None, f"it points at {label}, and mgen reads no model of app {app}")

    def db_type(self, field: FieldState) -> ColumnType:
        """``field.db_type()``; a relation stores its target's ``rel_db_type``."""
        if field.django_class in ("ForeignKey", "OneToOneField"):
            self.unread_target(field)
            _, target = self.target(field)
            return self.rel_db_type(target)
        return column_type(field.django_class, field, self.backend)

    def rel_db_type(self, target: FieldState) -> ColumnType:
        if target.django_class in ("ForeignKey", "OneToOneField"):
            return self.db_type(target)
        cls = target.django_class
        if cls in _REL_CLASS and not (self.d == "mysql" and cls in _POSITIVE):
            cls = _REL_CLASS[cls]
        return column_type(cls, target, self.backend)

    # -- tables ----------------------------------------------------------------------------------
    def build(self, app_labels: set[str] | None = None) -> Schema:
        tables: list[Table] = []
        for (app, _), model in sorted(self.state.models.items()):
            if app_labels is not None and app not in app_labels or not model.has_table:
                continue
            tables.append(self.table(model))
            for field in model.fields.values():
                if field.django_class == "ManyToManyField" and not field.get("through"):
                    tables.append(self.m2m_table(model, field))
        return Schema(tuple(tables)).normalized()

    def table(self, model: ModelState) -> Table:
        if model.unread is not None:  # a partial model no migration completed (``partial_models``)
            from .partial_models import new_model_refusal

            raise new_model_refusal(model, "its table cannot be known")
        name = self.table_name(model)
        columns, uniques, indexes, fks, checks = [], [], [], [], []
        pk = None
        for field in model.fields.values():
            if field.django_class == "ManyToManyField":
                continue
            col = column_name(field)
            try:
                ctype = self.db_type(field)
            except UnknownColumnType as e:
                self.unknown.append(f"{name}.{col}: {e.spelling or 'type unknown'}")
                self.unknown_notes.append((field.name, unknown_note(field, name, col, self.d, e.spelling, e.why)))
                continue
            is_pk = bool(field.get("primary_key"))
            identity = None
            if field.django_class in AUTO_FIELDS:
                identity = "by_default" if self.d == "postgresql" else "serial"
            columns.append(Column(col, ctype, nullable=bool(field.get("null")) and not is_pk,
                                  default=self.db_default(field, ctype), identity=identity,
                                  comment=field.get("db_comment")))
            unique = is_pk or bool(field.get("unique")) or field.django_class == "OneToOneField"
            if is_pk:
                pk = PrimaryKey((col,), primary_key_name(name) if self.d != "mysql" else "PRIMARY")
            elif unique:
                uniques.append(Unique(self.inline_unique_name(name, col), (col,)))
            indexes.extend(self.field_indexes(name, field, col, ctype, unique))
            checks.extend(self.field_checks(name, field, col))
            if field.django_class in ("ForeignKey", "OneToOneField") and field.get("db_constraint", True):
                fks.append(self.foreign_key(name, field, col))
        table = Table(name, tuple(columns), pk, tuple(uniques), tuple(indexes), tuple(fks), tuple(checks),
                      comment=model.options.get("db_table_comment"))
        return self.meta_constraints(model, table)

    def inline_unique_name(self, table: str, column: str) -> str:
        """The name a database gives an inline ``UNIQUE`` of CREATE TABLE."""
        if self.d == "mysql":
            return column
        return unique_name(table, [column])

    def field_indexes(self, table: str, field: FieldState, col: str, ctype: ColumnType, unique: bool) -> list[Index]:
        out = []
        db_index = field.get("db_index", field.django_class in ("ForeignKey", "OneToOneField", "SlugField"))
        if db_index and not unique:
            skip = self.d == "mysql" and (
                (field.django_class == "ForeignKey" and field.get("db_constraint", True))
                or ctype.name in ("text", "binary", "json"))
            if not skip:
                out.append(Index(create_index_name(table, [col], "", self.d), (col,)))
        if self.d == "postgresql" and (db_index or unique) and ctype.name in ("varchar", "text"):
            out.append(self.like_index(table, col, ctype))
        return out

    def like_index(self, table: str, col: str, ctype: ColumnType) -> Index:
        """PostgreSQL's second index on an indexed varchar/text column, for LIKE: its pattern operator class."""
        ops = "varchar_pattern_ops" if ctype.name == "varchar" else "text_pattern_ops"
        return Index(create_index_name(table, [col], "_like", self.d), (col,), ops=((col, ops),))

    def field_checks(self, table: str, field: FieldState, col: str) -> list[Check]:
        q = self.backend.quote(col)
        if field.django_class in _POSITIVE:
            expression = f"{q} >= 0"
        elif field.django_class == "JSONField" and self.d == "sqlite":
            expression = f"(JSON_VALID({q}) OR {q} IS NULL)"
        else:
            return []
        name = col if self.d == "mysql" else check_name(table, [col])
        return [Check(name, canonical(expression, self.d))]

    @property
    def fk_deferrable(self) -> str | None:
        """Django's PostgreSQL schema editor makes every foreign key DEFERRABLE INITIALLY DEFERRED."""
        return "DEFERRABLE INITIALLY DEFERRED" if self.d == "postgresql" else None

    def foreign_key(self, table: str, field: FieldState, col: str) -> ForeignKey:
        model, target = self.target(field)
        to_table, to_col = self.table_name(model), column_name(target)
        if self.d == "sqlite":
            name = foreign_key_name(table, [col])
        else:
            name = create_index_name(table, [col], f"_fk_{to_table}_{to_col}", self.d)
        return ForeignKey(name, (col,), to_table, (to_col,), deferrable=self.fk_deferrable)

    def db_default(self, field: FieldState, ctype: ColumnType) -> Default | None:
        if "db_default" not in field.kwargs:
            return None
        value = field.get("db_default")
        if isinstance(value, Call) and value.name == "Value" and len(value.args) == 1:
            value = value.args[0]
        if isinstance(value, Call) and value.name == "Now" and not value.args:
            return Default("expression", canonical(_NOW[self.d], self.d))
        if value is None:
            return None
        if isinstance(value, bool):
            return Default("boolean", "true" if value else "false")
        if isinstance(value, (int, float, Decimal)):
            return Default("number", str(value))
        if isinstance(value, str):
            return Default("string", value)
        raise MgenError(f"field {field.name}: db_default={value!r} is not a literal, Value() or Now()", field.file,
                        field.line)

    # -- Meta: unique_together, index_together, indexes, constraints ----------------------------------------------
    def meta_constraints(self, model: ModelState, table: Table) -> Table:
        uniques, indexes, checks = list(table.uniques), list(table.indexes), list(table.checks)
        for together in model.unique_together:
            cols = [column_name(self.field_named(model, f)) for f in together]
            name = create_index_name(table.name, cols, "_uniq", self.d)
            if self.d == "sqlite":
                indexes.append(Index(name, tuple(cols), unique=True))  # SQLite's unique is an index
            else:
                uniques.append(Unique(name, tuple(cols)))
        for together in model.options.get("index_together", ()):  # Django before 5.1: an index, suffix "_idx"
            cols = [column_name(self.field_named(model, f)) for f in together]
            indexes.append(Index(create_index_name(table.name, cols, "_idx", self.d), tuple(cols)))
        for index in model.indexes:
            built = self.index(model, table, index)
            if built is not None:
                indexes.append(built)
        for constraint in model.constraints:
            if constraint.name == "CheckConstraint":
                checks.append(Check(str(constraint.kw["name"]),
                                    canonical(self.q_sql(constraint.kw["condition"], model), self.d)))
            elif constraint.name == "UniqueConstraint":
                built = self.unique_constraint(model, table, constraint)
                if isinstance(built, Unique):
                    uniques.append(built)
                elif built is not None:
                    indexes.append(built)
            else:
                raise MgenError(f"{model.label_lower}: constraint {constraint.name} is not supported", model.file,
                                model.line)
        return Table(table.name, table.columns, table.primary_key, tuple(uniques), tuple(indexes),
                     table.foreign_keys, tuple(checks), table.comment)

    def index(self, model: ModelState, table: Table, index: Call) -> Index | None:
        kw = index.kw
        condition = kw.get("condition")
        if index.args and not self.backend.expression_indexes:
            return None  # Django skips expression indexes where the database has none
        if condition is not None and not self.backend.partial_indexes:
            condition = None  # MySQL's CREATE INDEX has no WHERE: Django builds the full index (check W037)
        if kw.get("opclasses") or kw.get("include"):
            raise MgenError(f"{model.label_lower}: index {kw.get('name')} uses opclasses/include, which mgen does not "
                            "model", model.file, model.line)
        columns = self.index_columns(model, index.args, kw.get("fields") or ())
        where = canonical(self.q_sql(condition, model), self.d) if condition is not None else None
        fields = () if index.args else kw.get("fields") or ()
        orders = tuple((c, "DESC") for c, f in zip(columns, fields) if f.startswith("-"))  # "-total": descending
        return Index(str(kw["name"]), columns, where=where, orders=orders)

    def index_columns(self, model: ModelState, expressions: tuple, fields: tuple) -> tuple[str, ...]:
        if not expressions:
            return tuple(column_name(self.field_named(model, f.lstrip("-"))) for f in fields)
        return tuple("(" + canonical(self.expression_sql(e, model), self.d) + ")" for e in expressions)

    def unique_constraint(self, model: ModelState, table: Table, c: Call) -> Unique | Index | None:
        kw = c.kw
        condition = kw.get("condition")
        if condition is not None and not self.backend.partial_indexes:
            return None
        if c.args and not self.backend.expression_indexes:
            return None
        if kw.get("deferrable") or kw.get("include") or kw.get("opclasses") or kw.get("nulls_distinct") is not None:
            raise MgenError(f"{model.label_lower}: unique constraint {kw.get('name')} uses deferrable/include/"
                            "opclasses/nulls_distinct, which mgen does not model", model.file, model.line)
        columns = self.index_columns(model, c.args, kw.get("fields") or ())
        if condition is not None or c.args:
            where = canonical(self.q_sql(condition, model), self.d) if condition is not None else None
            return Index(str(kw["name"]), columns, unique=True, where=where)
        return Unique(str(kw["name"]), columns)

    # -- expressions -----------------------------------------------------------------------------
    def column_of(self, model: ModelState, name: str) -> str:
        return column_name(self.field_named(model, name))

    def expression_sql(self, e: Any, model: ModelState) -> str:
        if isinstance(e, str):
            return self.backend.quote(self.column_of(model, e))
        if isinstance(e, Call) and e.name == "F" and len(e.args) == 1:
            return self.backend.quote(self.column_of(model, str(e.args[0])))
        if isinstance(e, Call) and e.name in ("Lower", "Upper") and len(e.args) == 1:
            return f"{e.name.upper()}({self.expression_sql(e.args[0], model)})"
        raise MgenError(f"{model.label_lower}: expression {e!r} is not one mgen translates (F, Lower, Upper)",
                        model.file, model.line)

    def literal(self, value: Any, field: FieldState | None = None, model: ModelState | None = None) -> str:
        """A value as the schema editor inlines it (``quote_value`` after the field's adaptation)."""
        if isinstance(value, bool):
            return ("true" if value else "false") if self.d == "postgresql" else ("1" if value else "0")
        if isinstance(value, (int, float, Decimal)):
            if self.d == "sqlite" and field is not None and field.django_class == "DecimalField":
                return f"'{Decimal(str(value))}'"  # Django's SQLite adapter stores decimals as text
            return str(value)
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        where = (model.file, model.line) if model is not None else (None, None)
        raise MgenError(f"{model.label_lower + ': ' if model is not None else ''}value {value!r} in a condition "
                        "is not one mgen translates", *where)

    def q_sql(self, q: Any, model: ModelState) -> str:
        """The SQL Django's query compiler writes for a ``Q`` in a CHECK or an index condition."""
        return self._where(q, model, False).sql()

    def _where(self, q: Any, model: ModelState, branch_negated: bool) -> _Where:
        """``Query._add_q``: a node per Q, each lookup's clause added with ``tree.Node.add``."""
        if not isinstance(q, QNode):
            raise MgenError(f"{model.label_lower}: condition {q!r} is not a Q object", model.file, model.line)
        if q.connector not in ("AND", "OR"):
            raise MgenError(f"{model.label_lower}: {q.connector} conditions are not supported", model.file, model.line)
        negated = branch_negated != q.negated
        target = _Where(q.connector, q.negated)
        for child in q.children:
            if isinstance(child, QNode):
                target.add(self._where(child, model, negated), q.connector)
            else:
                target.add(self.lookup_clause(child[0], child[1], model, negated), q.connector)
        return target

    def field_named(self, model: ModelState, name: str) -> FieldState:
        """A field by name, by a relation's attname (``author_id``) or ``pk``, as lookups name them."""
        for f in model.fields.values():
            if f.name == name or column_name(f) == name and f.django_class in ("ForeignKey", "OneToOneField"):
                return f
        if name == "pk" and model.pk() is not None:
            return model.pk()  # type: ignore[return-value]
        raise MgenError(f"{model.label_lower} has no field {name!r} (in a condition or index)", model.file, model.line)

    def lookup_clause(self, lookup: str, value: Any, model: ModelState, negated: bool) -> _Where:
        """``Query.build_filter``: one lookup, and under a negation the NULL exclusion Django adds for a
        nullable column (``col = x AND col IS NOT NULL``; the same for a nullable F() on the right)."""
        name, _, op = lookup.partition("__")
        op = op or "exact"
        if "__" in op:
            raise MgenError(f"{model.label_lower}: lookup {lookup!r} spans relations or transforms, which mgen does "
                            "not translate", model.file, model.line)
        field = self.field_named(model, name)
        col = self.backend.quote(column_name(field))
        rhs, rhs_field = value, None
        if isinstance(value, Call) and value.name == "Value" and len(value.args) == 1:
            rhs = value.args[0]
        if isinstance(value, Call) and value.name == "F" and len(value.args) == 1:
            rhs_field = self.field_named(model, str(value.args[0]))
            rhs_sql = self.backend.quote(column_name(rhs_field))
            if self.d != "mysql":  # Lookup.process_rhs wraps expressions; MariaDB prints them back without
                rhs_sql = f"({rhs_sql})"
        if op == "isnull":
            return _Where("AND", False, [f"{col} IS NULL" if rhs else f"{col} IS NOT NULL"])
        if op == "exact" and rhs is None:
            return _Where("AND", False, [f"{col} IS NULL"])
        if rhs_field is not None:
            pass
        elif op == "exact" and isinstance(rhs, bool) and self.d != "mysql":
            sql = col if rhs else f"NOT {col}"
            return _Where("AND", False, [sql, *([f"{col} IS NOT NULL"] if negated and field.get("null") else [])])
        elif op == "in":
            rhs_sql = f"({', '.join(self.literal(v, field, model) for v in rhs)})"
        elif op == "range":
            low, high = self.literal(rhs[0], field, model), self.literal(rhs[1], field, model)
        else:
            rhs_sql = self.literal(rhs, field, model)
        ops = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "in": "IN"}
        if op == "range":
            # PostgreSQL keeps BETWEEN as the two comparisons it parses it into
            sql = f"{col} >= {low} AND {col} <= {high}" if self.d == "postgresql" else f"{col} BETWEEN {low} AND {high}"
        elif op in ops:
            sql = f"{col} {ops[op]} {rhs_sql}"
        else:
            raise MgenError(f"{model.label_lower}: lookup {op!r} is not one mgen translates", model.file, model.line)
        clause = _Where("AND", False, [sql])
        if negated:
            if field.get("null"):
                clause.children.append(f"{col} IS NOT NULL")
            if rhs_field is not None and rhs_field.get("null"):
                clause.children.append(f"{self.backend.quote(column_name(rhs_field))} IS NOT NULL")
        return clause

    # -- many-to-many tables ---------------------------------------------------------------------
    def m2m_table(self, model: ModelState, field: FieldState) -> Table:
        """The table ``create_many_to_many_intermediary_model`` describes."""
        target, target_pk = self.target(field)
        table_name = field.get("db_table") or truncate_name(f"{self.table_name(model)}_{field.name}",
                                                           MAX_NAME_LENGTH[self.d])
        from_, to = model.name_lower, target.name_lower
        if from_ == to:
            from_, to = f"from_{from_}", f"to_{to}"
        source_pk = model.pk()
        assert source_pk is not None
        auto = self.m2m_auto_field()
        id_type = column_type(auto, FieldState("id", "", {}, auto), self.backend)
        cols = [Column("id", id_type, nullable=False, identity="by_default" if self.d == "postgresql" else "serial")]
        fks, indexes = [], []
        for col_base, ref_model, ref_field in ((from_, model, source_pk), (to, target, target_pk)):
            col = f"{col_base}_id"
            ctype = self.rel_db_type(ref_field)
            cols.append(Column(col, ctype, nullable=False))
            if field.get("db_constraint", True):
                ref_table, ref_col = self.table_name(ref_model), column_name(ref_field)
                name = foreign_key_name(table_name, [col]) if self.d == "sqlite" else create_index_name(
                    table_name, [col], f"_fk_{ref_table}_{ref_col}", self.d)
                fks.append(ForeignKey(name, (col,), ref_table, (ref_col,), deferrable=self.fk_deferrable))
            if self.d != "mysql" or not field.get("db_constraint", True):
                indexes.append(Index(create_index_name(table_name, [col], "", self.d), (col,)))
            if self.d == "postgresql" and ctype.name in ("varchar", "text"):
                indexes.append(self.like_index(table_name, col, ctype))
        pair = [c.name for c in cols[1:]]
        uname = create_index_name(table_name, pair, "_uniq", self.d)
        uniques: tuple[Unique, ...] = ()
        if self.d == "sqlite":
            indexes.append(Index(uname, tuple(pair), unique=True))
        else:
            uniques = (Unique(uname, tuple(pair)),)
        pk = PrimaryKey(("id",), primary_key_name(table_name) if self.d != "mysql" else "PRIMARY")
        return Table(table_name, tuple(cols), pk, uniques, tuple(indexes), tuple(fks))

    def m2m_auto_field(self) -> str:
        """The ``id`` class of an automatic many-to-many table. ``migrate`` builds it from the migration
        state, whose app configs are stubs without ``default_auto_field``: settings.DEFAULT_AUTO_FIELD
        decides, whatever the app's AppConfig says."""
        return self.state.auto_fields.get(SETTINGS_AUTO, "AutoField")


@dataclass
class _Where:
    """Django's ``WhereNode``, as far as rendering a condition goes."""

    connector: str
    negated: bool
    children: list = dataclasses.field(default_factory=list)

    def add(self, data: _Where, connector: str) -> None:
        """``tree.Node.add``: a clause with the same connector (or one child) merges into this node."""
        if not data.negated and (data.connector == connector or len(data.children) == 1):
            self.children.extend(data.children)
        else:
            self.children.append(data)

    def sql(self) -> str:
        parts = [c.sql() if isinstance(c, _Where) else c for c in self.children]
        text = f" {self.connector} ".join(parts)
        if self.negated:
            return f"NOT ({text})"
        return f"({text})" if len(parts) > 1 else text


def state_schema(state: ProjectState, backend: Backend | str, app_labels: set[str] | None = None,
                 unknown: list[str] | None = None) -> Schema:
    """The schema Django's ``migrate`` builds for ``state`` (only ``app_labels``' tables, when given); the
    columns left out for their type (``SchemaBuilder.unknown``) are added to ``unknown`` when given."""
    if isinstance(backend, str):
        backend = Backend(backend)
    builder = SchemaBuilder(state, backend)
    schema = builder.build(app_labels)
    if unknown is not None:
        unknown.extend(builder.unknown)
    return schema



def unfound_app(state: ProjectState, label: str) -> bool:
    """Whether ``label`` is a model of an installed app mgen finds nowhere: no model of its app in the state,
    and an INSTALLED_APPS entry named as the app (``taggit``)."""
    app = label.partition(".")[0]
    installed = state.settings.get("INSTALLED_APPS") or ()
    return not any(a == app for a, _ in state.models) and isinstance(installed, (list, tuple)) and any(
        isinstance(e, str) and app in (e, e.rpartition(".")[2]) for e in installed)


def unknown_note(field: FieldState, table: str, column: str, dialect: str, spelling: str | None,
                 why: str | None = None) -> Note:
    what = f"its type is {spelling}, which mgen's schema model has no type for" if spelling else \
        f"its type is unknown ({why or 'the field class cannot be read statically'})"
    return Note(file=field.file or "", line=field.line,
                message=f"column {table}.{column} ({dialect}): {what}; SQL, lint and verify leave it out")


def unknown_columns(state: ProjectState, dialect: str, fields: dict[tuple[str, str], set[str] | None]) -> list[Note]:
    """The columns of ``fields`` (by model key (app label, model name lower): field names, None for all) that
    the schema leaves out for their type."""
    out = []
    for key, names in sorted(fields.items()):
        model = state.models.get(key)
        if model is None or not model.has_table:
            continue
        builder = SchemaBuilder(state, Backend(dialect))
        with contextlib.suppress(MgenError):
            builder.table(model)
        out.extend(note for name, note in builder.unknown_notes if names is None or name in names)
    return out


def app_schema(folder: Path, dialect: str) -> Schema | None:
    """The tables of the Django app in ``folder`` as its models describe them, read within the project whose
    ``manage.py`` is the nearest above it; None when no project above installs it (not a Django app)."""
    from .project import load_project
    from .replay import models_state

    folder = Path(folder).resolve()
    root = next((d for d in folder.parents if (d / "manage.py").is_file()), None)
    if root is None:
        return None
    project = load_project(root)
    app = next((a for a in project.apps if a.path is not None and a.path.resolve() == folder), None)
    if app is None:
        return None
    return state_schema(models_state(project), dialect, {app.label})
