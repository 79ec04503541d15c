"""Column types as SQL spells them, read into the model's portable types; and the literal defaults
and generations declared on a column, typed by it.

The portable names are ``schema.TYPE_NAMES``; what a spelling means on one database only (MySQL's
TIMESTAMP, PostgreSQL's bare FLOAT, MySQL's SERIAL and TINYINT(1)) is that database's ``Dialect``'s.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp
from sqlglot.errors import TokenError

from .dialects import get_dialect
from .errors import MgenError
from .expressions import SQLGLOT_DIALECT, canonical_expression
from .nativetypes import PG_BUILTIN, mysql_native, postgresql_native
from .schema import ColumnType, Default, Generated, canonical_number
from .statements import STRING_TOKENS

if TYPE_CHECKING:
    from .dialects.base import Dialect


# spelling (lower case, single spaces, without arguments) -> portable name; Dialect.type_spellings first
_SPELLINGS: dict[str, str] = {
    "smallint": "smallint", "int2": "smallint", "tinyint": "smallint",
    "integer": "integer", "int": "integer", "int4": "integer", "mediumint": "integer",
    "bigint": "bigint", "int8": "bigint",
    "numeric": "numeric", "decimal": "numeric", "dec": "numeric", "fixed": "numeric",
    "real": "real", "float4": "real", "float": "real",
    "double": "double", "double precision": "double", "float8": "double",
    "bool": "boolean", "boolean": "boolean",
    "char": "char", "character": "char", "nchar": "char",
    "varchar": "varchar", "character varying": "varchar", "nvarchar": "varchar", "varchar2": "varchar",
    "text": "text", "tinytext": "text", "mediumtext": "text", "longtext": "text", "clob": "text",
    "date": "date",
    "time": "time", "time without time zone": "time",
    "timestamp": "timestamp", "timestamp without time zone": "timestamp", "datetime": "timestamp",
    "timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
    "uuid": "uuid", "json": "json", "jsonb": "jsonb",
    "bytea": "binary", "blob": "binary", "tinyblob": "binary", "mediumblob": "binary",
    "longblob": "binary", "binary": "binary", "varbinary": "binary",
}
# serial spelling -> its integer type, unless the database has one for all (Dialect.serial_integer)
_SERIALS = {
    "serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint",
    "smallserial": "smallint", "serial2": "smallint",
}
_MODIFIER_WORDS = {"unsigned", "signed", "zerofill"}  # MySQL integer attributes: no portable meaning
# words that continue a type name after its first word: "double precision", "timestamp(3) with time zone"
TYPE_CONTINUATION = frozenset({"varying", "precision", "with", "without", "time", "zone", "unsigned", "signed",
                               "zerofill"})
_NUMERIC_TYPES = {"smallint", "integer", "bigint", "numeric", "real", "double"}

SUPPORTED_TYPES = (
    "smallint/int2, integer/int/int4, bigint/int8, serial, bigserial, smallserial, numeric/decimal(p,s), "
    "real/float4, double precision/float8, boolean/bool (MySQL tinyint(1)), char(n), varchar(n), "
    "text (tiny/medium/longtext), date, time, timestamp/datetime, timestamptz, uuid, json, jsonb, "
    "bytea/blob/binary(n)/varbinary(n), enum; PostgreSQL: arrays of any of these (text[]), its other built-in "
    "types (interval, inet, tsvector, bit(n), ranges, ...) and any type it knows by name (an extension's, a "
    "domain); MySQL: SET, YEAR, BIT(n), spatial types"
)

_TYPE_RE = re.compile(
    r"^(?P<name>[^()\[\]]+)(?:\((?P<args>[^()]*)\))?\s*(?P<suffix>[a-z ]*)(?P<array>(?:\[\s*\d*\s*\])*)$",
    re.IGNORECASE)
_ENUM_RE = re.compile(r"^\s*(?P<kind>enum|set)\s*\((?P<values>.*)\)\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ParsedType:
    """What a type spelling says: the portable type, an implied identity (serial) and, for an inline
    ``ENUM('a','b')``, its values (the caller names the enum)."""

    type: ColumnType
    identity: str | None = None
    enum_values: tuple[str, ...] | None = None


def parse_type(type_: str | exp.DataType, dialect: str, enums: Iterable[str] = (), any_name: bool = False) -> ColumnType:
    """The portable ``ColumnType`` of a type as written in ``dialect``.

    ``enums`` are the names of known enum types (PostgreSQL ``CREATE TYPE ... AS ENUM``), so a column
    typed ``mood`` reads as ``ColumnType("enum", enum="mood")``. An inline MySQL ``ENUM(...)`` gives
    ``ColumnType("enum")`` without a name; ``serial`` gives its integer type (identity is the
    column's business; see ``parse_type_details``). Unknown types raise ``MgenError``."""
    return parse_type_details(type_, dialect, enums, any_name).type


def parse_type_details(type_: str | exp.DataType, dialect: str, enums: Iterable[str] = (),
                       any_name: bool = False) -> ParsedType:
    """``parse_type`` with the implied identity and inline enum values. ``any_name``: the database's catalog
    gave the spelling, so any name is a type (``nativetypes.postgresql_native``)."""
    text = type_.sql(dialect=SQLGLOT_DIALECT[dialect]) if isinstance(type_, exp.DataType) else type_
    enum = _ENUM_RE.match(text)
    if enum:
        if enum.group("kind").lower() == "set":
            if dialect != "mysql":
                raise MgenError(f"unsupported type {text!r} (MySQL SET); supported: {SUPPORTED_TYPES}")
            values = _string_values(enum.group("values"), dialect)
            return ParsedType(ColumnType("native", native="SET(" + ",".join(
                get_dialect(dialect).literal(v) for v in values) + ")"))
        return ParsedType(ColumnType("enum"), enum_values=_string_values(enum.group("values"), dialect))
    m = _TYPE_RE.match(" ".join(text.split()))
    if not m:
        raise MgenError(f"unknown type {text!r}; supported: {SUPPORTED_TYPES}")
    database = get_dialect(dialect)
    if m.group("array"):
        if not database.supports_arrays:
            raise MgenError(f"unknown type {text!r}: arrays are PostgreSQL's; supported: {SUPPORTED_TYPES}")
        try:
            element = parse_type_details(text[:text.index("[")].strip(), dialect, enums, any_name)
        except MgenError:
            element = None
        if element is None or element.identity is not None or element.enum_values is not None:
            raise MgenError(f"unknown type {text!r}; supported: {SUPPORTED_TYPES}")
        return ParsedType(replace(element.type, array=True))
    raw_name = m.group("name").strip()
    suffix = [w for w in m.group("suffix").lower().split() if w not in _MODIFIER_WORDS]
    spelling = " ".join([w for w in raw_name.lower().split() if w not in _MODIFIER_WORDS] + suffix)
    if spelling in _SERIALS:
        return ParsedType(ColumnType(database.serial_integer or _SERIALS[spelling]), identity="serial")
    portable = database.type_spellings.get(spelling) or _SPELLINGS.get(spelling)
    if portable is None:
        enum_name = _user_type_name(raw_name, dialect)
        if enum_name in set(enums):
            return ParsedType(ColumnType("enum", enum=enum_name))
        native = _native(raw_name, spelling, m.group("args"), dialect, any_name)
        if native is None:
            raise MgenError(f"unknown type {text!r}; supported: {SUPPORTED_TYPES}")
        return ParsedType(ColumnType("native", native=native))
    args = _type_args(m.group("args"), text)
    ctype = _with_args(portable, spelling, args, database)
    words = raw_name.lower().split() + m.group("suffix").lower().split()
    if database.keeps_unsigned and "unsigned" in words and ctype.name in _NUMERIC_TYPES:
        ctype = replace(ctype, unsigned=True)
    return ParsedType(ctype)


def _native(raw_name: str, spelling: str, args: str | None, dialect: str, any_name: bool) -> str | None:
    """A type of the database's own, as ``nativetypes`` spells it; None where it is none."""
    if dialect == "postgresql" and not _continuation_only(spelling):
        return postgresql_native(raw_name, spelling, args, any_name)
    if dialect == "mysql":
        return mysql_native(spelling, args)
    return None


def _continuation_only(spelling: str) -> bool:
    """A spelling that is only continuation words (no type name): never a type."""
    return spelling not in PG_BUILTIN and all(w in TYPE_CONTINUATION for w in spelling.split())


def has_collation(ctype: ColumnType) -> bool:
    """A type whose values have a collation: text, and MySQL's ENUM and SET."""
    return ctype.name in ("char", "varchar", "text", "enum") or (ctype.name == "native" and
                                                                  (ctype.native or "").startswith("SET("))


def _type_args(args: str | None, text: str) -> tuple[int, ...]:
    if args is None or not args.strip():
        return ()
    try:
        return tuple(int(a) for a in args.split(","))
    except ValueError:
        raise MgenError(f"cannot read the size of type {text!r}") from None


def _with_args(portable: str, spelling: str, args: tuple[int, ...], database: Dialect) -> ColumnType:
    """Apply a type's arguments: a length, a precision (and scale), or nothing (display widths)."""
    if spelling == "float" and args:
        # float(p): p <= 24 is single precision in PostgreSQL and MySQL
        return ColumnType("real" if args[0] <= 24 else "double")
    if spelling == "tinyint" and database.tinyint1_is_boolean and args == (1,):
        return ColumnType("boolean")
    if portable in ("char", "varchar", "binary"):
        return ColumnType(portable, length=args[0] if args else None)
    if portable == "numeric":
        if not args:
            return ColumnType("numeric")
        return ColumnType("numeric", precision=args[0], scale=args[1] if len(args) > 1 else 0)
    if portable in ("time", "timestamp", "timestamptz"):
        return ColumnType(portable, precision=args[0] if args else None)
    return ColumnType(portable)


def _user_type_name(raw: str, dialect: str) -> str:
    """``public."Mood"`` -> ``Mood``; ``public.mood`` -> ``mood``: the unqualified type name."""
    last = re.split(r'\.(?=(?:[^"]*"[^"]*")*[^"]*$)', raw.strip())[-1].strip()
    if len(last) >= 2 and last[0] == last[-1] and last[0] in "\"`":
        return last[1:-1]
    return last.lower() if get_dialect(dialect).folds_unquoted_names else last


def _string_values(text: str, dialect: str) -> tuple[str, ...]:
    """The string literals in ``'a', 'b''c'`` (enum members)."""
    try:
        tokens = sqlglot.tokenize(text, read=SQLGLOT_DIALECT[dialect])
    except TokenError as e:
        raise MgenError(f"cannot read enum values {text!r}: {str(e).splitlines()[0]}") from None
    values = tuple(t.text for t in tokens if t.token_type in STRING_TOKENS)
    if not values:
        raise MgenError(f"enum without values: {text!r}")
    return values


def declared_generation(expression: str | exp.Expression, stored: bool | None, dialect: str) -> Generated:
    """The generation a column declares; ``stored`` None (no STORED/VIRTUAL written) is the dialect's
    default: STORED on PostgreSQL (its only kind before 18), VIRTUAL on MySQL and SQLite."""
    database = get_dialect(dialect)
    if stored is False and not database.supports_virtual_generated:
        raise MgenError("PostgreSQL before 18 has no VIRTUAL generated columns")
    return Generated(canonical_expression(expression, dialect),
                     stored=database.generated_stored_by_default if stored is None else stored)


_TRUE = {"1", "true", "t", "yes", "on"}
_FALSE = {"0", "false", "f", "no", "off"}


def literal_default(value: str, is_string: bool, ctype: ColumnType) -> Default:
    """A literal default, typed by its column: '5' on an integer column is the number 5, 1 on a
    boolean column is true (MySQL and SQLite store booleans as integers)."""
    if ctype.name == "boolean" and value.strip().lower() in _TRUE | _FALSE:
        return Default("boolean", "true" if value.strip().lower() in _TRUE else "false")
    if ctype.name in _NUMERIC_TYPES or not is_string:
        number = canonical_number(value)
        if number is not None and (not is_string or ctype.name in _NUMERIC_TYPES):
            return Default("number", number)
    return Default("string", value)
