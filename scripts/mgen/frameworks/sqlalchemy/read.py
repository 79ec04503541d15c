"""The entry points: the SQLAlchemy models under a path read into the Schema they create on a dialect."""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import MgenError
from ...schema import Schema
from ..pyast import ClassRef, Note, import_root
from .build import schema_from_specs
from .compiles import read_compiles
from .continuum_tables import imports_continuum, version_tables
from .declarative import ModelScanner
from .project import ModelProject
from .reader import ConstructReader
from .searchable import add_search_indexes


@dataclass
class ModelsRead:
    """The schema read from the models, and the notes on what was deliberately left out."""

    schema: Schema
    notes: list[Note]
    # (table, column) -> (ColumnType, DeclaredType): each column's type as autogenerate spells it (``declared``)
    declared: dict = field(default_factory=dict)
    # table -> (file, line, class, why its version table is not derived: "" where it is) of each
    # SQLAlchemy-Continuum class (``continuum_tables``, ``continuum``)
    versioned: dict = field(default_factory=dict)
    # SQLAlchemy type -> TypeSpec: its DDL as @compiles in the models replaces it (``compiles``)
    type_ddl: dict = field(default_factory=dict)


def read_models_with_notes(path: str | Path, dialect: str, root: str | Path | None = None) -> ModelsRead:
    """The schema of the SQLAlchemy models in ``path`` (a module or a package directory) on ``dialect``,
    and the notes on what was deliberately left out. ``root``: where imports start (default: the first
    ancestor directory that is not a package)."""
    path = Path(path)
    if not path.exists():
        raise MgenError(f"no such file or directory: {path}")
    project = ModelProject(Path(root) if root is not None else _default_root(path))
    reader = ConstructReader(project, dialect)
    scanner = ModelScanner(reader)
    modules = project.model_modules(path, reader.notes)
    imports_continuum(reader, modules)
    for module in modules:  # first: what @compiles and late naming conventions change applies to every table
        read_compiles(reader, module)
        scanner.bases.late_conventions(module, scanner.sqlmodel.set_convention)
    for module in modules:
        scanner.scan_module(module)
    specs = [s for s in scanner.tables.values() if s is not None]
    seen = {id(s) for s in specs}
    for spec in scanner.class_tables.values():  # single table inheritance: a subclass shares its parent's
        if id(spec) not in seen:
            seen.add(id(spec))
            specs.append(spec)
    mapped = {(m.name, n.lineno): ClassRef(m, n, n.lineno) for m in modules for n in m.tree.body
              if isinstance(n, ast.ClassDef)}
    searched = add_search_indexes(reader, modules, [(mapped[k], s) for k, s in scanner.class_tables.items()
                                                    if k in mapped])
    derived, why = version_tables(reader, modules, specs, reader.versioned_classes, searched)
    versioned = {table: (*where, why.get(table, "its version table is not derived"))
                 for table, where in reader.versioned.items()}
    for table, unsure in why.items():  # association tables whose version table must agree with the revisions
        if unsure.startswith("="):
            versioned[table] = (*min(reader.versioned.values()), unsure)
    return ModelsRead(schema_from_specs(reader, specs + derived), reader.notes, reader.declared, versioned,
                      reader.type_ddl)


def read_models(path: str | Path, dialect: str, root: str | Path | None = None) -> Schema:
    """The schema ``metadata.create_all()`` would build from the models in ``path`` on ``dialect``."""
    return read_models_with_notes(path, dialect, root).schema


def _default_root(path: Path) -> Path:
    """``import_root`` of ``path``, relative to the working directory when ``path`` is relative (so
    messages show paths the way the user wrote them)."""
    root = import_root(path)
    if path.is_absolute():
        return root
    try:
        return Path(os.path.relpath(root))
    except ValueError:  # another drive (Windows)
        return root
