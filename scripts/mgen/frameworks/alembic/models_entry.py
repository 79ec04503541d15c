"""Which module or package holds an Alembic project's models: what the SQLAlchemy reader is given.

1. ``env.py`` imports them: ``target_metadata`` is a name chain (``Base.metadata``, ``models.Base.metadata``,
   ``SQLModel.metadata``) whose first name ``env.py`` imports from a module (``from app.models import Base``).
   The whole top-level package of that module is read (models usually live beside the module that defines
   ``Base``), or the module alone when it is not in a package. The module is looked for where Python would
   find it run from the project: the project folder, its ``src/``, the folder of the ini, and the folder
   above the project when the project is itself a package (Flask-Migrate's ``lemur/migrations``).
2. Flask-SQLAlchemy (Flask-Migrate's ``env.py`` takes the metadata from ``current_app.extensions["migrate"]``;
   Flask-Alembic has no ``env.py``): the models are the ``db.Model`` classes of the application. The module
   creating ``db = SQLAlchemy(...)`` (or an instance of a subclass of it) is found, then every module
   defining a class on ``db.Model`` (directly, through an alias ``BaseModel = db.Model``, or through a class
   that does); the entry is the deepest folder holding them all, or the one file when they are one.
   Tests and revisions are not read. None found, or several ``SQLAlchemy(...)`` objects: a refusal that asks
   for ``--models``.
"""
from __future__ import annotations

import ast
from pathlib import Path

from ...errors import MgenError
from ..pysyntax import parse_python
from .appfiles import app_files
from .detection import shown_relative as _rel

_ASK = "give the models with --models PATH"


def models_entry(root: Path, env: Path | None, search: list[Path], skip: tuple[Path, ...]) \
        -> tuple[Path, str, str]:
    """(the models path, how it was found, "env.py" or "flask": which way)."""
    if env is None or not env.is_file():
        return (*flask_models(root, skip), "flask")
    try:
        tree = parse_python(_text(env), str(env))
    except ValueError as e:  # a NUL byte
        raise MgenError(f"Python syntax error: {e}", str(env)) from None
    imported: dict[str, str] = {}  # local name -> module it comes from
    target: tuple[str, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.Import):  # import app.models (as m): target_metadata = app.models.Base.metadata
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and any(
                isinstance(t, ast.Name) and t.id == "target_metadata"
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])):
            head = node.value
            while isinstance(head, (ast.Attribute, ast.Subscript, ast.Call)):
                head = head.func if isinstance(head, ast.Call) else head.value
            if isinstance(head, ast.Name):
                target = (head.id, node.lineno)
    flask = "current_app" in imported or "extensions['migrate']" in _text(env) \
        or 'extensions["migrate"]' in _text(env)
    if target is not None and target[0] in imported and imported[target[0]] not in ("flask", "sqlalchemy"):
        return (*_imported_models(root, env, imported[target[0]], target[1], search), "env.py")
    if flask:
        found, how = flask_models(root, skip)
        return found, f"{_rel(root, env)} takes the metadata from the Flask app (Flask-SQLAlchemy): {how}", "flask"
    if target is None:
        raise MgenError(f"env.py sets no target_metadata from the models: {_ASK}", str(env))
    name, line = target
    raise MgenError(f"target_metadata comes from {name!r}, which env.py does not import from a module: {_ASK}",
                    str(env), line)


def search_path(root: Path, ini_folder: Path | None) -> list[Path]:
    """Where ``import x`` is looked for when the project runs from ``root``."""
    out = [root, root / "src"]
    if ini_folder is not None:
        out.append(ini_folder)
    above = root.resolve()
    while (above / "__init__.py").is_file() and above.parent != above:  # the project is itself a package
        above = above.parent
    out.append(above)
    seen: list[Path] = []
    for p in out:
        if p.is_dir() and p.resolve() not in [s.resolve() for s in seen]:
            seen.append(p)
    return seen


def _imported_models(root: Path, env: Path, module: str, line: int, search: list[Path]) -> tuple[Path, str]:
    first = module.split(".")[0]
    for base in search:
        top = base / first
        if (top / "__init__.py").is_file() or top.is_dir():
            return top, f"env.py imports target_metadata from {module}: the package {_rel(root, top)} is read"
        single = base.joinpath(*module.split(".")).with_suffix(".py")
        if single.is_file():
            return single, f"env.py imports target_metadata from {module}"
    raise MgenError(f"env.py imports the models from {module}, which is not under {root}: {_ASK}", str(env), line)


def flask_models(root: Path, skip: tuple[Path, ...]) -> tuple[Path, str]:
    """The folder (or file) holding the ``db = SQLAlchemy()`` module and every module with a ``db.Model``."""
    parsed: list[tuple[Path, ast.Module]] = []
    unreadable: list[MgenError] = []  # files that may create the db object but do not parse
    for path in app_files(root, skip):
        text = _text(path)
        if "class " in text or "SQLAlchemy" in text or ".Model" in text:
            try:
                parsed.append((path, parse_python(text, str(path))))
            except MgenError as e:
                if "SQLAlchemy(" in text:
                    unreadable.append(e)
            except ValueError:
                continue
    dbs = [(path, name, line) for path, tree in parsed for name, line in _db_objects(tree)]
    if not dbs and unreadable:
        error = unreadable[0]
        raise MgenError(f"{error.message} (this module may create the Flask-SQLAlchemy object)", error.file,
                        error.line)
    if not dbs:
        raise MgenError(f"no Flask-SQLAlchemy object (db = SQLAlchemy(...)) found in the application: {_ASK}",
                        str(root))
    if len({p for p, _, _ in dbs}) > 1:
        listed = ", ".join(f"{_rel(root, p)}:{line}" for p, _, line in dbs[:6])
        raise MgenError(f"several Flask-SQLAlchemy objects ({listed}): {_ASK}", str(root))
    db_path = dbs[0][0]
    db_names = {name for _, name, _ in dbs}
    model_files = _model_files(parsed, db_names)
    if not model_files:
        raise MgenError(f"{_rel(root, db_path)} creates {dbs[0][1]} = SQLAlchemy(...), but no class is "
                        f"defined on its Model: {_ASK}", str(db_path), dbs[0][2])
    paths = {db_path, *model_files}
    if len(paths) == 1:
        entry = db_path
    else:
        entry = Path(*_common_parts([p.parent.resolve().parts for p in paths]))
    how = (f"{_rel(root, db_path)}:{dbs[0][2]} creates {dbs[0][1]} = SQLAlchemy(...); "
           f"{len(model_files)} module(s) define models on it: {_rel(root, entry) or '.'} is read")
    return entry, how


def _db_objects(tree: ast.Module) -> list[tuple[str, int]]:
    """(name, line) of each module-level ``name = SQLAlchemy(...)`` (or a subclass of it defined here)."""
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)
               and any(_last_name(b) == "SQLAlchemy" for b in node.bases)}
    out = []
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
            else []
        if isinstance(value, ast.Call) and _last_name(value.func) in ({"SQLAlchemy"} | classes):
            out += [(t.id, node.lineno) for t in targets if isinstance(t, ast.Name)]
    return out


def _model_files(parsed: list[tuple[Path, ast.Module]], db_names: set[str]) -> set[Path]:
    """The files defining a class on ``db.Model``: directly, through a module-level alias of it, or through a
    class that does (names matched across files, so a common name can only widen the folder read)."""
    names: set[str] = set()  # names that stand for db.Model (aliases) or a model class
    for _, tree in parsed:
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _is_db_model(
                    node.value, db_names):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    classes = [(path, node) for path, tree in parsed for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found: set[Path] = set()
    changed = True
    while changed:  # until no class adds a file or a name
        changed = False
        for path, node in classes:
            if any(_is_db_model(b, db_names) or _last_name(b) in names for b in node.bases):
                if path not in found or node.name not in names:
                    changed = True
                found.add(path)
                names.add(node.name)
    return found


def _is_db_model(node: ast.expr, db_names: set[str]) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "Model" and isinstance(node.value, ast.Name) \
        and node.value.id in db_names


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _common_parts(parts: list[tuple[str, ...]]) -> tuple[str, ...]:
    common = parts[0]
    for p in parts[1:]:
        n = 0
        while n < min(len(common), len(p)) and common[n] == p[n]:
            n += 1
        common = common[:n]
    return common


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
