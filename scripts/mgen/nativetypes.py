"""Types of one database that have no portable meaning: carried opaquely, as that database spells them.

``ColumnType("native", native=SPELLING)`` holds the spelling PostgreSQL's ``format_type()`` (and so
``pg_dump``) writes: ``varbit(5)`` is ``bit varying(5)``, ``timetz`` is ``time with time zone``, a bare
``bit`` is ``bit(1)``. A type of an extension, a domain or any type the catalog knows by name (``citext``,
``hstore``, ``ltree``, ``vector(1536)``, ``geometry``) is its name, each part lower case unless quoted,
quoted where PostgreSQL needs quotes, with ``public.`` left out (a dump qualifies every name; a
migration usually does not) and any other schema kept, then its arguments. Two native types are the
same type when their spellings are equal, so a file, a dump and a live database agree.

MySQL's own types (``SET(...)``, ``YEAR``, ``BIT(n)``, spatial types) are carried the same way, in its
spelling (``MYSQL_NATIVE``); any other word there is still an unknown type.
"""
from __future__ import annotations

import re

from .dialects import get_dialect

# PostgreSQL spellings of built-in types the portable model has no name for -> format_type()'s name
PG_BUILTIN: dict[str, str] = {
    "interval": "interval", "inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "macaddr8": "macaddr8",
    "tsvector": "tsvector", "tsquery": "tsquery", "money": "money", "xml": "xml",
    "bit": "bit", "bit varying": "bit varying", "varbit": "bit varying",
    "int4range": "int4range", "int8range": "int8range", "numrange": "numrange", "tsrange": "tsrange",
    "tstzrange": "tstzrange", "daterange": "daterange", "int4multirange": "int4multirange",
    "int8multirange": "int8multirange", "nummultirange": "nummultirange", "tsmultirange": "tsmultirange",
    "tstzmultirange": "tstzmultirange", "datemultirange": "datemultirange",
    "point": "point", "line": "line", "lseg": "lseg", "box": "box", "path": "path", "polygon": "polygon",
    "circle": "circle", "oid": "oid", "pg_lsn": "pg_lsn", "pg_snapshot": "pg_snapshot",
    "txid_snapshot": "txid_snapshot", "jsonpath": "jsonpath", "name": "name",
    "time with time zone": "time with time zone", "timetz": "time with time zone",
}
# types of the extensions PostgreSQL installs most (contrib, pgvector, PostGIS): known by their bare name.
# Any other bare word is still an unknown type (a typo is not a type); pg_dump qualifies every non-built-in
# type (``public.mytype``), so a schema-qualified name, or one the catalog gives, is always taken.
PG_EXTENSION_TYPES = frozenset({
    "citext", "hstore", "ltree", "lquery", "ltxtquery", "cube", "earth", "seg", "isbn", "isbn13", "issn",
    "issn13", "ismn", "ismn13", "ean13", "upc", "vector", "halfvec", "sparsevec", "geometry", "geography",
    "box2d", "box3d", "raster", "intbig_gkey", "gtrgm",
})
# MySQL / MariaDB spellings carried as written (upper case), arguments kept
MYSQL_NATIVE = frozenset({"set", "year", "bit", "geometry", "point", "linestring", "polygon", "multipoint",
                          "multilinestring", "multipolygon", "geometrycollection", "inet4", "inet6"})
_PART = re.compile(r'"(?:[^"]|"")*"|[^."]+')
_IDENTIFIER = re.compile(r'^(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*))*$')


def postgresql_native(raw_name: str, spelling: str, args: str | None, any_name: bool = False) -> str | None:
    """The canonical spelling of a PostgreSQL type that is not portable, or None when ``raw_name`` is not
    known to be a type: a built-in one, a schema-qualified name, an extension's well-known type, or, with
    ``any_name`` (the catalog named it), any name. ``spelling``: the name in lower case with single spaces
    (``time with time zone``)."""
    arguments = "" if args is None else "(" + ",".join(a.strip() for a in args.split(",")) + ")"
    if spelling in PG_BUILTIN:
        base = PG_BUILTIN[spelling]
        if base == "bit" and not arguments:
            arguments = "(1)"  # PostgreSQL: BIT is BIT(1)
        if base == "time with time zone":
            return f"time{arguments} with time zone"
        return base + arguments
    name = raw_name.strip()
    if not _IDENTIFIER.match(name):
        return None
    dialect = get_dialect("postgresql")
    parts = [p.strip() for p in _PART.findall(name) if p.strip()]
    names = [p[1:-1].replace('""', '"') if p.startswith('"') else p.lower() for p in parts]
    if not (any_name or len(names) > 1 or names[-1] in PG_EXTENSION_TYPES):
        return None
    if len(names) > 1 and names[0] == "public":
        names = names[1:]
    return ".".join(dialect.quote(n) for n in names) + arguments


def mysql_native(spelling: str, args: str | None) -> str | None:
    """MySQL's spelling of its own types the portable model has no name for; None for any other word."""
    if spelling not in MYSQL_NATIVE:
        return None
    if spelling == "set":
        return f"SET({args})"
    return spelling.upper() + (f"({','.join(a.strip() for a in args.split(','))})" if args else "")


# a value each native PostgreSQL type accepts, for verify's sample rows (None: the column is left NULL)
_PG_SAMPLES = {
    "interval": lambda i: f"{i + 1} days", "inet": lambda i: f"10.0.0.{i % 250 + 1}",
    "cidr": lambda i: f"10.{i % 250}.0.0/16", "macaddr": lambda i: f"08:00:2b:01:02:{i % 100:02d}",
    "tsvector": lambda i: f"word{i}", "tsquery": lambda i: f"word{i}", "money": lambda i: f"{i}.50",
    "xml": lambda i: f"<n>{i}</n>", "int4range": lambda i: f"[{i},{i + 10})", "int8range": lambda i: f"[{i},{i + 10})",
    "numrange": lambda i: f"[{i},{i + 10})", "daterange": lambda i: "[2024-01-01,2024-02-01)",
    "tsrange": lambda i: "[2024-01-01,2024-02-01)", "tstzrange": lambda i: "[2024-01-01,2024-02-01)",
    "time with time zone": lambda i: f"10:{i % 60:02d}:00+00", "point": lambda i: f"({i},{i})",
}


def native_sample(native: str, i: int) -> str | None:
    """A sample value of a native type (a literal the database casts), or None where none is known."""
    base = re.sub(r"\(.*?\)", "", native).strip()
    if base in ("bit", "bit varying"):
        m = re.search(r"\((\d+)\)", native)
        width = int(m.group(1)) if m else 1
        return format(i % (2 ** min(width, 16)), "b").zfill(width)[-width:] if base == "bit" else format(i, "b")
    sample = _PG_SAMPLES.get(base)
    return sample(i) if sample else None
