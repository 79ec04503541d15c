"""Prisma's scalar types and ``@db.*`` native types, as the SQL type Prisma migrate writes per provider."""
from __future__ import annotations

from ...errors import MgenError

# scalar -> the column type Prisma writes when no @db.* attribute is given
SCALARS = {
    "postgresql": {"String": "TEXT", "Int": "INTEGER", "BigInt": "BIGINT", "Float": "DOUBLE PRECISION",
                   "Decimal": "DECIMAL(65,30)", "Boolean": "BOOLEAN", "DateTime": "TIMESTAMP(3)",
                   "Json": "JSONB", "Bytes": "BYTEA"},
    "mysql": {"String": "VARCHAR(191)", "Int": "INTEGER", "BigInt": "BIGINT", "Float": "DOUBLE",
              "Decimal": "DECIMAL(65,30)", "Boolean": "BOOLEAN", "DateTime": "DATETIME(3)", "Json": "JSON",
              "Bytes": "LONGBLOB"},
    "sqlite": {"String": "TEXT", "Int": "INTEGER", "BigInt": "BIGINT", "Float": "REAL", "Decimal": "DECIMAL",
               "Boolean": "BOOLEAN", "DateTime": "DATETIME", "Json": "JSONB", "Bytes": "BLOB"},
}

# @db.<Name>: (SQL spelling, the argument list written when none is given or None)
NATIVE = {
    "postgresql": {
        "Text": ("TEXT", None), "VarChar": ("VARCHAR", None), "Char": ("CHAR", "(1)"), "Uuid": ("UUID", None),
        "SmallInt": ("SMALLINT", None), "Integer": ("INTEGER", None), "BigInt": ("BIGINT", None),
        "Oid": ("OID", None), "Real": ("REAL", None), "DoublePrecision": ("DOUBLE PRECISION", None),
        "Decimal": ("DECIMAL", "(65,30)"), "Money": ("MONEY", None), "Boolean": ("BOOLEAN", None),
        "Timestamp": ("TIMESTAMP", "(3)"), "Timestamptz": ("TIMESTAMPTZ", "(3)"), "Date": ("DATE", None),
        "Time": ("TIME", "(3)"), "Timetz": ("TIMETZ", "(3)"), "Json": ("JSON", None), "JsonB": ("JSONB", None),
        "ByteA": ("BYTEA", None), "Xml": ("XML", None), "Inet": ("INET", None), "Citext": ("CITEXT", None),
        "Bit": ("BIT", "(1)"), "VarBit": ("VARBIT", None),
    },
    "mysql": {
        "VarChar": ("VARCHAR", None), "Char": ("CHAR", None), "Text": ("TEXT", None), "TinyText": ("TINYTEXT", None),
        "MediumText": ("MEDIUMTEXT", None), "LongText": ("LONGTEXT", None), "Int": ("INTEGER", None),
        "UnsignedInt": ("INTEGER UNSIGNED", None), "SmallInt": ("SMALLINT", None), "TinyInt": ("TINYINT", None),
        "MediumInt": ("MEDIUMINT", None), "BigInt": ("BIGINT", None), "UnsignedBigInt": ("BIGINT UNSIGNED", None),
        "Double": ("DOUBLE", None), "Float": ("FLOAT", None), "Decimal": ("DECIMAL", "(65,30)"),
        "DateTime": ("DATETIME", "(3)"), "Timestamp": ("TIMESTAMP", "(3)"), "Date": ("DATE", None),
        "Time": ("TIME", "(3)"), "Json": ("JSON", None), "Blob": ("BLOB", None), "LongBlob": ("LONGBLOB", None),
        "MediumBlob": ("MEDIUMBLOB", None), "TinyBlob": ("TINYBLOB", None), "Binary": ("BINARY", None),
        "VarBinary": ("VARBINARY", None), "Bit": ("BIT", None),
    },
    "sqlite": {},
}


def column_type(provider: str, scalar: str, native: tuple[str, tuple[str, ...]] | None, where: tuple[str, int]) -> str:
    """The SQL type of a field of type ``scalar`` (an enum's or an Unsupported type's spelling is decided by
    the caller), with its ``@db.Name(args)`` when given."""
    if native is None:
        try:
            return SCALARS[provider][scalar]
        except KeyError:
            raise MgenError(f"unknown Prisma type {scalar!r}", *where) from None
    name, args = native
    spec = NATIVE.get(provider, {}).get(name)
    if spec is None:
        raise MgenError(f"@db.{name} is not a {provider} native type mgen knows", *where)
    sql, default_args = spec
    if args:
        return f"{sql}({','.join(args)})"
    return sql + (default_args or "")
