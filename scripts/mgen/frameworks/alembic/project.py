"""An Alembic project end to end: where its models are, what its revisions produce, the next revision.

- **models**: ``--models PATH``, else what ``env.py`` imports ``target_metadata`` from. The whole top-level
  package of that module is read (models usually live beside the module that defines ``Base``), or the
  module alone when it is not in a package.
- **current state**: the revision chain replayed statically (``replay.py``), never the models of the last
  commit: generating twice writes nothing the second time.
- **next revision**: ``writer.write_revision``, revising the single head.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError
from ...schema import Schema
from ..pyast import parse_file
from .config import AlembicConfig, read_config


@dataclass(frozen=True)
class AlembicProject:
    root: Path
    config: AlembicConfig
    dialect: str
    models: Path

    def current_schema(self) -> tuple[Schema, list[str]]:
        """What ``alembic upgrade head`` produces, with the replay's notes (opaque data steps...)."""
        from .replay import replay_with_notes

        replayed = replay_with_notes(list(self.config.version_locations), self.dialect)
        return replayed.schema, [n.one_line() for n in replayed.notes]

    def models_schema(self) -> tuple[Schema, list[str]]:
        from ..sqlalchemy import read_models_with_notes

        read = read_models_with_notes(self.models, self.dialect, root=self.root)
        return read.schema, [n.one_line() for n in read.notes]


def open_project(root: Path, dialect: str | None = None, models: Path | None = None) -> AlembicProject:
    ini = root / "alembic.ini"
    if not ini.is_file():
        raise MgenError("no alembic.ini in the project", str(root))
    config = read_config(ini)
    dialect = dialect or config.require_dialect()
    if models is None:
        models = find_models(root, config)
    elif not models.exists():
        raise MgenError("no such models file or folder", str(models))
    return AlembicProject(root, config, dialect, models)


def find_models(root: Path, config: AlembicConfig) -> Path:
    """The models ``env.py`` points at through ``target_metadata``."""
    env = config.script_location / "env.py"
    if not env.is_file():
        raise MgenError("no env.py in the script location: give the models with --models PATH", str(env))
    tree = parse_file(env)
    imported: dict[str, str] = {}  # local name -> module it comes from
    target: tuple[str, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "target_metadata"
                                                  for t in node.targets):
            head = node.value
            while isinstance(head, ast.Attribute):
                head = head.value
            if isinstance(head, ast.Name):
                target = (head.id, node.lineno)
    if target is None:
        raise MgenError("env.py sets no target_metadata from the models: give them with --models PATH", str(env))
    name, line = target
    if name not in imported:
        raise MgenError(f"target_metadata comes from {name!r}, which env.py does not import from a module: "
                        "give the models with --models PATH", str(env), line)
    module = imported[name]
    top = root / module.split(".")[0]
    if (top / "__init__.py").is_file() or top.is_dir():
        return top
    single = root.joinpath(*module.split(".")).with_suffix(".py")
    if single.is_file():
        return single
    raise MgenError(f"env.py imports the models from {module}, which is not under {root}: "
                    "give them with --models PATH", str(env), line)
