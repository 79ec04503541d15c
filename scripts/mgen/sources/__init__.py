"""Schema sources: what OLD and NEW may be on the command line.

- a database URL (``postgresql://``, ``mysql://``, ``sqlite:///path``) or a SQLite file (.db, .sqlite, .sqlite3):
  introspected, read-only;
- a YAML schema file (.yaml / .yml, see docs/yaml-schema.md);
- a migrations folder (golang-migrate, goose, plain up/down): what its up files produce;
- a .sql file or a folder of .sql files: desired-state DDL read in the target dialect;
- what a framework reads as a schema source (``Framework.read_source``: an app folder's models, a models
  module or package), read statically (never imported);
- ``empty`` (or /dev/null): no tables at all.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import MgenError, nested_in
from ..schema import Schema

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def is_url(spec: str) -> bool:
    return "://" in spec or spec.startswith("sqlite:")


def load_schema(spec: str, dialect: str) -> Schema:
    """The schema ``spec`` names; one the database would refuse is refused (``validate``): wholly when the
    file is the whole schema (a ``.sql`` file or folder, a YAML schema), its values only otherwise (a
    framework's models may point at tables read elsewhere; a live database holds what it took)."""
    from ..validate import VALUES, refuse_invalid

    with nested_in(spec):
        schema, whole = _load_schema(spec, dialect)
    if whole is not None:
        refuse_invalid(schema, dialect, spec, None if whole else VALUES)
    return schema


def _load_schema(spec: str, dialect: str) -> tuple[Schema, bool | None]:
    """The schema, and whether it is whole (None: not to be judged)."""
    if spec in ("empty", os.devnull):
        return Schema(), None
    if is_url(spec) or spec.lower().endswith(SQLITE_SUFFIXES):
        from ..db import dialect_of_url, redact
        from .live import introspect

        url_dialect = dialect_of_url(spec)
        if url_dialect != dialect:
            raise MgenError(f"{redact(spec)} is a {url_dialect} database, but --dialect is {dialect}")
        if not is_url(spec) and not Path(spec).is_file():
            raise MgenError("no such SQLite database file", file=spec)
        schema, _ = introspect(spec)
        return schema, None
    path = Path(spec)
    if not path.exists():
        raise MgenError("no such file or folder", file=spec)
    if path.suffix.lower() in (".yaml", ".yml"):
        from .yaml_schema import read_yaml_schema

        return read_yaml_schema(str(path)), True
    if path.is_dir():
        from ..formats import detect_format, folder_schema

        fmt = detect_format(path)
        if fmt is not None:
            return folder_schema(path, dialect, fmt), False
    from ..frameworks.registry import frameworks

    for framework in frameworks():
        if framework.supports("source"):
            found = framework.read_source(path, dialect)
            if found is not None:
                return found, False
    from .sql import read_sql_paths

    # a desired state: names as written, so that one the database would cut is refused (validate)
    return read_sql_paths(str(path), dialect, as_applied=False), True
