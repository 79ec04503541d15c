"""The database an Alembic project targets when ``alembic.ini`` does not say: found where a user would look.

1. ``env.py``: a URL written there (``config.get("SQLALCHEMY_DATABASE_URI", "postgresql://...")``, an
   f-string ``f"postgresql+psycopg://{user}..."``) or a ``scheme=`` / ``drivername=`` it builds one with.
2. The application's configuration: a value assigned to a database-URL name (``SQLALCHEMY_DATABASE_URI``,
   ``DATABASE_URL``, ``DB_URI``... as a variable, class attribute, ``config[...]`` item or dict key) that is a
   URL, or falls back to one (``os.environ.get("X", "postgresql:///db")``, ``os.getenv("X") or "sqlite://"``,
   ``"sqlite:///" + path``), and the ``scheme=`` / ``drivername=`` a settings class builds its URL with
   (pydantic's ``PostgresDsn.build(scheme="postgresql+psycopg", ...)``). Test modules, test classes and the
   revisions are not read.

Each level answers only when everything it found names one dialect; several are reported in the evidence and
the next level (then the dependencies, then docker-compose: ``frameworks.detect``) decides. Nothing is
imported or run.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError
from ..pysyntax import parse_python
from .appfiles import app_files, is_test_class
from .config import url_backend

_URL_NAME = re.compile(r"(DATABASE|DB|SQLALCHEMY)\w*(URL|URI|DSN)$|^(URL|URI|DSN)$", re.IGNORECASE)
_BUILDER_KEYWORDS = ("scheme", "drivername")

@dataclass(frozen=True)
class Hint:
    dialect: str
    path: Path
    line: int
    what: str  # "SQLALCHEMY_DATABASE_URI defaults to a postgresql URL"


@dataclass(frozen=True)
class DialectFound:
    dialect: str
    path: Path  # the file that says it
    detail: str  # the evidence line


def find_dialect(root: Path, env: Path | None, skip: tuple[Path, ...], evidence: list[str]) -> DialectFound | None:
    """The dialect env.py, else the application's configuration, names (None: neither names one alone).
    ``skip``: folders not to read (the revisions)."""
    levels = []
    if env is not None and env.is_file():
        levels.append(("env.py", lambda: file_hints(env, anywhere=True)))
    levels.append(("the application's configuration", lambda: config_hints(root, skip)))
    for name, hints_of in levels:
        hints = hints_of()
        dialects = sorted({h.dialect for h in hints})
        if len(dialects) == 1:
            hint = hints[0]
            line = f"{_rel(root, hint.path)}:{hint.line}: {hint.what}"
            if hint.dialect == "sqlite" and _history_not_for_sqlite(root, line, skip, evidence):
                return None
            evidence.append(f"dialect {hint.dialect} from {line}")
            return DialectFound(hint.dialect, hint.path, evidence[-1])
        if dialects:
            where = "; ".join(f"{_rel(root, h.path)}:{h.line} {h.dialect}" for h in hints[:6])
            evidence.append(f"{name} names several dialects ({where}): none chosen")
    return None


def _history_not_for_sqlite(root: Path, line: str, skip: tuple[Path, ...], evidence: list[str]) -> bool:
    """True when the revisions are not written for SQLite (``dialect_revisions``: calls SQLite refuses, or
    constraint changes made only on other databases): then the SQLite URL at ``line`` is a development
    fallback, not the database the history runs on, and the evidence says so."""
    from .dialect_revisions import revision_folders, sqlite_blockers

    blockers = sqlite_blockers(revision_folders(skip))
    if not blockers:
        return False
    first = blockers[0]
    more = f"; {len(blockers) - 1} more such call{'s' if len(blockers) > 2 else ''}" if len(blockers) > 1 else ""
    evidence.append(f"{line}, but the revisions are not written for SQLite ({_rel(root, first.path)}:{first.line}: "
                    f"{first.reason()}{more}): that URL is a fallback, not the database the history runs on; "
                    "the dependencies and docker-compose decide")
    return True


def config_hints(root: Path, skip: tuple[Path, ...] = ()) -> list[Hint]:
    return [h for path in app_files(root, skip) for h in file_hints(path, anywhere=False)]


def file_hints(path: Path, anywhere: bool) -> list[Hint]:
    """The URLs ``path`` names: every URL literal when ``anywhere`` (env.py), else those assigned to a
    database-URL name; and the ``scheme=``/``drivername=`` keywords of the calls."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    if "://" not in text and not any(f"{k}=" in text for k in _BUILDER_KEYWORDS):
        return []
    try:
        tree = parse_python(text, str(path))
    except (MgenError, ValueError):
        return []
    hints: list[Hint] = []
    _visit(tree.body, path, anywhere, hints)
    return hints


def _visit(body: list[ast.stmt], path: Path, anywhere: bool, hints: list[Hint]) -> None:
    for stmt in body:
        if isinstance(stmt, ast.ClassDef) and is_test_class(stmt.name):
            continue  # a TestingConfig's database is not the application's
        for node in ast.walk(stmt) if not isinstance(stmt, ast.ClassDef) else [stmt]:
            _hints_of(node, path, anywhere, hints)
        if isinstance(stmt, ast.ClassDef):
            _visit(stmt.body, path, anywhere, hints)


def _hints_of(node: ast.AST, path: Path, anywhere: bool, hints: list[Hint]) -> None:
    if isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg not in _BUILDER_KEYWORDS:
                continue
            # drivername="mysql+pymysql", or a fallback: drivername=config["PROTOCOL"] or "mysql+pymysql"
            values = keyword.value.values if isinstance(keyword.value, ast.BoolOp) else [keyword.value]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    dialect = url_backend(value.value + "://")[2]
                    if dialect is not None:
                        hints.append(Hint(dialect, path, node.lineno,
                                          f"a URL is built with {keyword.arg}={value.value!r}"))
    if anywhere:
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and not isinstance(getattr(node, "value", None), bytes):
            for url in _urls(node):
                hints.append(Hint(url[0], path, node.lineno, f"a {url[1]} URL"))
        return
    for name, value in _url_assignments(node):
        for dialect, scheme in _urls(value):
            verb = "is" if isinstance(value, (ast.Constant, ast.JoinedStr)) else "defaults to"
            hints.append(Hint(dialect, path, value.lineno, f"{name} {verb} a {scheme} URL"))


def _url_assignments(node: ast.AST) -> list[tuple[str, ast.expr]]:
    """(name, value) of each assignment to a database-URL name in ``node``."""
    out: list[tuple[str, ast.expr]] = []
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = _target_name(target)
            if name is not None and _URL_NAME.search(name):
                out.append((name, node.value))
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _URL_NAME.search(key.value):
                out.append((key.value, value))
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getenv") \
            and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str) and _URL_NAME.search(node.args[0].value):
        out.append((node.args[0].value, node))  # config.get("SQLALCHEMY_DATABASE_URI", "postgresql://...")
    return out


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
            and isinstance(target.slice.value, str):
        return target.slice.value
    return None


def _urls(node: ast.expr, depth: int = 0) -> list[tuple[str, str]]:
    """(dialect, scheme) of the URLs ``node`` is or falls back to."""
    if depth > 8:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        backend, driver, dialect = url_backend(node.value.strip())
        return [(dialect, backend + (f"+{driver}" if driver else ""))] if dialect and backend else []
    if isinstance(node, ast.JoinedStr):
        return _urls(node.values[0], depth + 1) if node.values else []
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _urls(node.left, depth + 1)
    if isinstance(node, ast.BoolOp):
        return [u for v in node.values for u in _urls(v, depth + 1)]
    if isinstance(node, ast.IfExp):
        return _urls(node.body, depth + 1) + _urls(node.orelse, depth + 1)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _urls(node.func.value, depth + 1)
        fallbacks = list(node.args[1:2]) + [k.value for k in node.keywords if k.arg == "default"]
        if isinstance(node.func, ast.Name) and node.func.id == "str":
            fallbacks = list(node.args[:1])
        return [u for v in fallbacks for u in _urls(v, depth + 1)]
    return []


def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
