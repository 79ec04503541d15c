"""What the revisions themselves say about the database they run on: a history SQLite cannot run.

A Flask application often falls back to SQLite when no database is configured (``os.getenv("DATABASE_URL") or
"sqlite:///app.db"``), while its revisions are written for the server it is deployed on: ``alembic upgrade``
on SQLite stops at the first ``op.create_foreign_key(...)``, ``op.drop_constraint(...)`` or ``op.alter_column(
..., type_=...)`` outside ``batch_alter_table`` ("No support for ALTER of constraints in SQLite dialect").
Such a fallback is not the database the history is replayed on: ``dialect_hint.find_dialect`` does not choose
it, says why (the first such call, file:line), and the dependencies and docker-compose decide
(``frameworks.detect``); none deciding is a refusal asking for ``--dialect``.

Read statically: the ``upgrade()`` of each revision file, the calls on ``op`` itself (a batch's
``batch_op.alter_column(...)`` is not one), leaving out what a condition or a ``try`` guards (``if
url.startswith("sqlite") is False: op.create_foreign_key(...)`` is written for SQLite too). An ``upgrade()``
decorated with a project function whose wrapper returns at once on SQLite (ihatemoney's ``@skip_if_sqlite``)
runs nothing there.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError
from ..pysyntax import parse_python

_REVISION = re.compile(r"^revision\b[^=\n]*=.*^down_revision\b", re.MULTILINE | re.DOTALL)
# op.* calls Alembic's SQLite implementation refuses outside batch mode
_CONSTRAINT_OPS = ("create_foreign_key", "drop_constraint", "create_unique_constraint", "create_check_constraint",
                   "create_primary_key")
# alter_column keywords that make it an ALTER COLUMN (a rename alone is RENAME COLUMN, which SQLite has)
_ALTERING = ("type_", "nullable", "server_default", "comment")
_SERVERS = {"mysql": ("mysql", "mariadb"), "postgresql": ("postgres",), "mssql": ("mssql",), "oracle": ("oracle",)}


@dataclass(frozen=True)
class SqliteBlocker:
    path: Path
    line: int
    call: str  # "op.create_foreign_key()"
    guard: str | None = None  # "only when the database is mysql (line 22)"; None: unguarded

    def reason(self) -> str:
        return f"{self.call} {self.guard}" if self.guard else \
            f"{self.call} outside batch_alter_table, which Alembic refuses on SQLite"


def sqlite_blockers(folders: tuple[Path, ...]) -> list[SqliteBlocker]:
    """The unguarded ``op.*`` calls of the revisions' ``upgrade()`` that SQLite cannot run, in file order."""
    found: list[SqliteBlocker] = []
    for folder in folders:
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            found += _blockers_of(path)
    return sorted(found, key=lambda b: b.guard is not None)  # a call SQLite refuses outright says it first


def _blockers_of(path: Path) -> list[SqliteBlocker]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    if not _REVISION.search(text) or "op." not in text:
        return []
    try:
        tree = parse_python(text, str(path))
    except (MgenError, ValueError):
        return []
    upgrade = next((s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "upgrade"), None)
    if upgrade is None or any(_skips_sqlite(d, tree, path) for d in upgrade.decorator_list):
        return []
    out: list[SqliteBlocker] = []
    _walk(upgrade.body, path, out)
    return out


def _walk(body: list[ast.stmt], path: Path, out: list[SqliteBlocker], guard: str | None = None) -> None:
    for stmt in body:
        if isinstance(stmt, ast.If):
            servers = _servers_tested(stmt.test)
            if servers:  # if url.startswith("mysql"): ... -- what only another database runs
                _walk(stmt.body, path, out, f"only when the database is {' or '.join(servers)} "
                                            f"(line {stmt.lineno})")
            continue  # else: a condition mgen does not read here, or a branch SQLite may take
        if isinstance(stmt, (ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # a tolerated failure, or not run here
        if isinstance(stmt, (ast.With, ast.For, ast.While)):
            _walk(stmt.body, path, out, guard)
            continue
        for node in ast.walk(stmt):
            what = _refused(node)
            if what is not None:
                out.append(SqliteBlocker(path, node.lineno, what, guard))  # type: ignore[attr-defined]


def _servers_tested(test: ast.expr) -> list[str]:
    """The server databases a condition tests for when every string it holds names one and it negates
    nothing (``url.startswith("mysql")``, ``bind.dialect.name in ("mysql", "postgresql")``); [] otherwise."""
    words = [n.value.lower() for n in ast.walk(test) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    if any(isinstance(n, (ast.Not, ast.NotEq, ast.NotIn, ast.IsNot)) for n in ast.walk(test)):
        return []
    named = [[name for name, spellings in _SERVERS.items() if w.startswith(spellings)] for w in words]
    if not words or not all(named):
        return []
    return sorted({name for names in named for name in names})


def _refused(node: ast.AST) -> str | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "op"):
        return None
    name = node.func.attr
    if name in _CONSTRAINT_OPS:
        return f"op.{name}()"
    if name == "alter_column" and any(k.arg in _ALTERING and not _unchanged(k.arg, k.value) for k in node.keywords):
        return "op.alter_column() changing the column"
    return None


def _unchanged(keyword: str, node: ast.expr) -> bool:
    """Alembic's "leave it" values: None, and False for the server default and comment (not for nullable)."""
    leave = (None,) if keyword == "nullable" else (None, False)
    return isinstance(node, ast.Constant) and any(node.value is v for v in leave)


def _skips_sqlite(decorator: ast.expr, tree: ast.Module, path: Path) -> bool:
    """True when ``decorator`` is a project function (imported by the revision) whose wrapper returns without
    calling what it wraps when the database is SQLite: ``if op.get_bind().engine.dialect.name == 'sqlite':
    return`` (ihatemoney's ``migrations.utils.skip_if_sqlite``)."""
    found = _project_function(decorator, tree, path)
    if found is None:
        return False
    wrapper = next((s for s in found.body if isinstance(s, ast.FunctionDef)), None)
    for stmt in wrapper.body if wrapper is not None else []:
        if isinstance(stmt, ast.If) and _tests_sqlite(stmt.test) and all(
                isinstance(s, ast.Return) and (s.value is None or isinstance(s.value, ast.Constant))
                for s in stmt.body):
            return True
        if not isinstance(stmt, ast.Expr):  # only a docstring or a call before the test
            return False
    return False


def _tests_sqlite(test: ast.expr) -> bool:
    """``X == "sqlite"`` (or ``"sqlite" == X``, ``X.startswith("sqlite")``), nothing negated."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is)):
        sides = [test.left, *test.comparators]
        return any(isinstance(s, ast.Constant) and s.value == "sqlite" for s in sides)
    return (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith"
            and len(test.args) == 1 and isinstance(test.args[0], ast.Constant) and test.args[0].value == "sqlite")


def _project_function(ref: ast.expr, tree: ast.Module, path: Path) -> ast.FunctionDef | None:
    """The module-level function ``ref`` (``name`` or ``module.name``) names through the revision's imports,
    read from the project's file (found beside a parent folder of the revision); None when not found."""
    if isinstance(ref, ast.Name):
        module_name, attr = None, ref.id
    elif isinstance(ref, ast.Attribute) and isinstance(ref.value, ast.Name):
        module_name, attr = ref.value.id, ref.attr
    else:
        return None
    dotted = None
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            for alias in stmt.names:
                bound = alias.asname or alias.name
                if module_name is None and bound == attr:
                    dotted, attr = stmt.module, alias.name
                elif module_name is not None and bound == module_name:
                    dotted = f"{stmt.module}.{alias.name}"
        elif isinstance(stmt, ast.Import) and module_name is not None:
            dotted = next((a.name for a in stmt.names if (a.asname or a.name) == module_name), dotted)
    if dotted is None:
        return None
    relative = Path(*dotted.split("."))
    for parent in path.parents:
        for candidate in (parent / relative.with_suffix(".py"), parent / relative / "__init__.py"):
            if candidate.is_file():
                try:
                    module = parse_python(candidate.read_text(encoding="utf-8", errors="replace"), str(candidate))
                except (MgenError, ValueError):
                    return None
                return next((s for s in module.body if isinstance(s, ast.FunctionDef) and s.name == attr), None)
    return None


def revision_folders(skip: tuple[Path, ...]) -> tuple[Path, ...]:
    """The folders of ``skip`` (the script folder, the version locations) that hold revision files."""
    return tuple(dict.fromkeys(Path(f) for f in skip if Path(f).is_dir()))


__all__ = ["SqliteBlocker", "revision_folders", "sqlite_blockers"]
