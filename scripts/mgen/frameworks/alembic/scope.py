"""An Alembic project's schema files, as ``scope`` rules: what ``check`` and ``status`` look at.

The versions folders (``version_locations``, else ``<script_location>/versions``, from the configuration
``detection.find_layout`` finds: ``alembic.ini``, Flask-Migrate's ``migrations/alembic.ini``, or a script
folder with no ini; ``*.py``, in sub-folders too with ``recursive_version_locations``; a configuration that
cannot be read: the ``versions`` folder beside the first ``env.py`` at the root or one level down), the
module ``env.py`` imports ``target_metadata`` from (``from app.db import Base`` -> ``app/db.py``, or the
``app/db/`` package; ``from app import models`` then ``models.Base.metadata`` -> ``app/models.py``), and
always ``models.py`` / ``models/`` at the root, in ``src/``, or in a top-level package (``*/models.py``,
``*/models/**.py``): the module defining ``Base`` is often not the one holding the models. A Flask-SQLAlchemy
app (env.py takes the metadata from ``current_app``, or there is no env.py): the folder
``models_entry.flask_models`` finds, whose search parses the application's modules once (the rules are
cached with alembic.ini and env.py).
"""
from __future__ import annotations

from pathlib import Path

from ...errors import MgenError
from ...scope import PathRule as Rule
from ...scope import inside, scandir


def ini_path(root: Path, config: Path | None) -> Path:
    """The file detection found the project by (the ini, or with none the script folder)."""
    return config if config is not None else root / "alembic.ini"


def _configs(root: Path, config: Path | None) -> list:
    """The project's configuration as ``detection.find_layout`` finds it; an ini whose sections leave the choice
    to ``--ini-section``: every section naming a script_location (a change to any of them is a schema change).
    Empty: it cannot be read."""
    from .detection import find_layout, script_sections

    try:
        layout = find_layout(root)
    except MgenError:
        return []
    if layout is None:
        return []
    try:
        return [layout.config()]
    except MgenError:
        pass
    try:
        sections = script_sections(layout.ini) if layout.ini is not None else []
    except MgenError:  # an ini that cannot be read
        return []
    out = []
    for section in sections:
        try:
            out.append(layout.config(section))
        except MgenError:
            continue
    return out


def env_py(root: Path, config: Path | None) -> Path | None:
    configs = _configs(root, config)
    return configs[0].script_location / "env.py" if configs else None


def alembic_rules(root: Path, config: Path | None) -> list[Rule]:
    rules: list[Rule] = []
    envs: list[Path] = []
    configs = _configs(root, config)
    for cfg in configs:
        envs.append(cfg.script_location / "env.py")
        for location in cfg.version_locations:
            rel = inside(root, location)
            if rel is not None:
                rules.append(Rule(rel, ("*.py",), cfg.recursive_version_locations))
    if not configs:  # no readable configuration: a folder holding env.py and versions/ is the script location
        for folder in [root, *(Path(e.path) for e in scandir(root) if e.is_dir() and not e.name.startswith("."))]:
            if (folder / "env.py").is_file() and (folder / "versions").is_dir():
                envs.append(folder / "env.py")
                rules.append(Rule(inside(root, folder / "versions") or "versions", ("*.py",)))
                break
    for env, cfg in zip(envs, configs or [None] * len(envs)):
        target = _target_rules(root, env) if env.is_file() else []
        rules += target or (_flask_rules(root, cfg) if cfg is not None else [])
    for base in ("", "src/*", "*"):
        prefix = f"{base}/" if base else ""
        rules += [Rule(base, ("models.py",)), Rule(f"{prefix}models", ("*.py",), True)]
    return list(dict.fromkeys(rules))


def _flask_rules(root: Path, cfg) -> list[Rule]:
    """A Flask-SQLAlchemy app's models (``models_entry.flask_models``: the folder or module holding
    ``db = SQLAlchemy()`` and its ``db.Model`` classes), when env.py imports no models (Flask-Migrate's
    ``current_app``) or there is no env.py (Flask-Alembic)."""
    from .models_entry import models_entry, search_path

    env = cfg.script_location / "env.py"
    try:
        entry, _, _ = models_entry(root, env if env.is_file() else None, search_path(root, None),
                                (cfg.script_location, *cfg.version_locations))
    except MgenError:
        return []
    rel = inside(root, entry)
    if rel is None:
        return []
    if entry.is_file():
        folder, _, name = rel.rpartition("/")
        return [Rule(folder, (name,))]
    return [Rule(rel, ("*.py",), True)]


def _target_rules(root: Path, env: Path) -> list[Rule]:
    """The module ``env.py`` takes ``target_metadata`` from, as rules (nothing when it cannot be told):
    the name chain (``models.Base.metadata``) with its first name replaced by what it was imported as
    (``app.models``), and the longest prefix of it that is a module file or a package folder."""
    import ast  # here: a warm run keeps the rules in orm-type.json and never parses env.py

    from ...errors import MgenError
    from ..pysyntax import parse_python

    try:
        tree = parse_python(env.read_text(encoding="utf-8", errors="replace"), str(env))
    except (OSError, MgenError, ValueError):
        return []
    imported: dict[str, str] = {}  # local name -> dotted origin
    chain: list[str] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                imported[local] = alias.name if alias.asname else local
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "target_metadata" for t in targets):
                names: list[str] = []
                head = node.value
                while isinstance(head, ast.Attribute):
                    names.insert(0, head.attr)
                    head = head.value
                chain = [head.id, *names] if isinstance(head, ast.Name) else None
    if not chain or chain[0] not in imported:
        return []
    dotted = [*imported[chain[0]].split("."), *chain[1:]]
    for end in range(len(dotted), 0, -1):
        for base in ("", "src/"):
            rel = base + "/".join(dotted[:end])
            if (root / f"{rel}.py").is_file():
                folder, _, name = rel.rpartition("/")
                return [Rule(folder, (f"{name}.py",))]
            if (root / rel).is_dir():
                return [Rule(rel, ("*.py",), True)]
    return []
