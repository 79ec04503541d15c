"""Issue #13 bench: mgen on the git history of public Alembic / Flask-Migrate projects (stdlib + mgen).

For each project (a bare mirror or clone of its public repository), the first-parent commits that changed
a models module (``models.py`` or a ``models/`` package) and added a revision (a ``.py`` file under a
``versions/`` or ``migrations/`` folder with module-level ``revision`` and ``down_revision``) are sampled
evenly (``--per-project``, ``--seed``). At each sampled commit, in a tree extracted under a temporary folder:

(a) in-sync: ``mgen generate PROJECT --dry-run --json`` at the commit must find no changes (not measured
    where the folder of the added revisions has several heads: ``alembic revision`` stops there with
    "Multiple heads are present" too);
(b) regenerate: the revisions the commit added are deleted and the same command runs again; the
    ``upgrade()`` operations of the revision mgen would write (the ``revision`` text of its JSON) are
    compared with the committed revisions', both parsed with Python's ``ast`` (never through mgen's reader):
    the ``op.*`` name, the table, column names and their type's call name (``sa.String(50)`` is
    ``String``), ``nullable``/``server_default``/``type_``/``new_column_name`` of ``alter_column``, index
    columns and ``unique``, foreign-key target table and columns and ``ondelete``, a ``create_table``'s
    columns, primary key, foreign keys and uniques. A ``batch_alter_table`` block is read as the operations
    it holds, on its table. Index and constraint names are not compared (except where a name is all a
    drop has), ``existing_*`` arguments are not, operation order is not.
    ``op.execute``, ``bulk_insert`` and any other code are data code: not compared; a commit whose
    revisions hold no schema operation in ``upgrade()`` is skipped, as is one that edits or deletes older
    revisions. Operations inside ``if``/``for`` blocks are read as if they ran once.
    A committed ``alter_column(new_column_name=...)``/``rename_table`` that mgen wrote as a drop and an add
    is one "rename written as drop + add" miss (mgen takes renames as ``--rename`` hints).
    Exit 0 with "no changes" where the committed revision has schema operations is **silent no changes**,
    the worst answer (issue #13).

Each commit's tree is a git checkout of it (``--tree git``, the default here; ``--tree archive``: without
``.git``): a history that starts from a ``db.create_all()`` baseline (redash, lemur) is read by mgen from
the models before its first revision, which only git holds (``replay_git``).

PROJECT is the folder a user runs the tool in: the folder of the ``alembic.ini`` above the revisions'
script folder; for Flask-Migrate (``migrations/alembic.ini`` inside the script folder) the folder above
it; with no ``alembic.ini`` at all (a project's own Alembic setup) the repository root.

Rerun (mirrors from ``git clone --mirror https://github.com/OWNER/NAME``; docs/realworld.md lists the exact
commits):

    nice -n 10 .venv/bin/python bench/realworld_alembic.py [NAME=]MIRROR[@REV] ... --per-project 40 \\
        --out /tmp/realworld_alembic.md --json /tmp/realworld_alembic.json
"""
from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld_git as rw

SKIP_DIALECT_ONLY = "its operations run only under an if on the database (which branch runs is the dialect's)"
REVISION_PATH = re.compile(r"(^|/)(versions|migrations)/(?!env\.py$|__init__\.py$)[^/]+\.py$")
REVISION_TEXT = re.compile(r"^revision\b[^=\n]*=.*^down_revision\b", re.MULTILINE | re.DOTALL)
NOT_SCHEMA = {"execute", "bulk_insert", "get_bind", "get_context", "inline_literal", "f", "run_async",
              "invoke", "implementation_for"}
COLUMN_TYPE, CREATE_TABLE, ARGUMENTS = "different column type", "different create_table", "different arguments"
# positional parameters of the op.* calls read (Alembic's signatures; a batch op has no table argument)
PARAMETERS = {
    "create_table": ("table",), "drop_table": ("table",), "rename_table": ("table", "new_table_name"),
    "add_column": ("table", "column"), "drop_column": ("table", "column_name"),
    "alter_column": ("table", "column_name"),
    "create_index": ("index_name", "table", "columns"), "drop_index": ("index_name", "table"),
    "create_foreign_key": ("constraint_name", "table", "referent_table", "local_cols", "remote_cols"),
    "create_unique_constraint": ("constraint_name", "table", "columns"),
    "create_primary_key": ("constraint_name", "table", "columns"),
    "create_check_constraint": ("constraint_name", "table", "condition"),
    "drop_constraint": ("constraint_name", "table", "type_"),
}
TABLE_KEYWORDS = ("table_name", "source_table", "source")
ALTER_DETAILS = ("nullable", "type_", "server_default", "new_column_name", "comment", "autoincrement")


def _text(node: ast.AST | None) -> str:
    """A literal as its value (``op.f("ix")`` as ``ix``), anything else as its source."""
    if node is None:
        return ""
    if isinstance(node, ast.Call) and rw.last_name(node.func) == "f" and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, ast.Call) and rw.last_name(node.func) in ("text", "literal_column") and len(node.args) == 1 \
            and isinstance(node.args[0], ast.Constant):  # an index element: the same SQL either way
        return f"sql({node.args[0].value})"
    if isinstance(node, ast.Constant):
        return str(node.value)
    return ast.unparse(node)


def _names(node: ast.AST | None) -> str:
    """A list of columns as ``a,b``."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return ",".join(_text(e) for e in node.elts)
    return _text(node)


def _type_name(node: ast.AST | None) -> str:
    if node is None:
        return ""
    return rw.last_name(node.func) if isinstance(node, ast.Call) else rw.last_name(node)


def _column(call: ast.AST) -> tuple[str, str, dict[str, str]]:
    """An ``sa.Column(name, Type(...), ..., ForeignKey(...), primary_key=...)``: name, type call name and
    its constraints (``primary``, ``unique``, ``foreign key`` target)."""
    if not isinstance(call, ast.Call):
        return _text(call), "", {}
    args = list(call.args)
    name = _text(args.pop(0)) if args and isinstance(args[0], ast.Constant) else "?"
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    type_node = keywords.get("type_")
    constraints: dict[str, str] = {}
    for arg in args:
        if isinstance(arg, ast.Call) and rw.last_name(arg.func) == "ForeignKey" and arg.args:
            constraints["foreign key"] = _text(arg.args[0])
        elif type_node is None:
            type_node = arg
    for flag in ("primary_key", "unique"):
        value = keywords.get(flag)
        if isinstance(value, ast.Constant) and value.value is True:
            constraints[flag] = "True"
    return name, _type_name(type_node), constraints


def _target(table: str, columns: str) -> str:
    return f"{table}({columns})"


def _create_table(table: str, args: list[ast.AST]) -> list[tuple[str, str]]:
    details: list[tuple[str, str]] = []
    primary: list[str] = []
    for item in args:
        if not isinstance(item, ast.Call):
            details.append(("?", ast.unparse(item)))
            continue
        kind = rw.last_name(item.func)
        if kind == "Column":
            name, type_name, constraints = _column(item)
            details.append((f"column {name}", type_name))
            if "primary_key" in constraints:
                primary.append(name)
            if "unique" in constraints:
                details.append((f"unique ({name})", "unique"))
            if "foreign key" in constraints:
                details.append((f"foreign key ({name})", constraints["foreign key"].replace(".", "(", 1) + ")"))
        elif kind == "PrimaryKeyConstraint":
            primary += [_text(a) for a in item.args]
        elif kind == "ForeignKeyConstraint" and len(item.args) >= 2:
            remote = [_text(e) for e in getattr(item.args[1], "elts", [item.args[1]])]
            target_table = remote[0].rsplit(".", 1)[0] if remote else "?"
            details.append((f"foreign key ({_names(item.args[0])})",
                            _target(target_table, ",".join(r.rsplit(".", 1)[-1] for r in remote))))
        elif kind == "UniqueConstraint":
            details.append((f"unique ({','.join(_text(a) for a in item.args)})", "unique"))
        elif kind == "CheckConstraint":
            details.append((f"check {_text(item.args[0]) if item.args else '?'}", "check"))
        elif kind == "Index":
            details.append((f"index ({','.join(_text(a) for a in item.args[1:])})", "index"))
    if primary:
        details.append(("primary key", ",".join(primary)))
    return details


def _operation(call: ast.Call, op: str, batch_table: str | None, where: str) -> rw.Operation:
    params = PARAMETERS.get(op, ("table",))
    if batch_table is not None:  # a batch op: no table argument
        params = tuple(p for p in params if p != "table")
    args = dict(zip(params, call.args))
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    args.update(keywords)
    table = batch_table if batch_table is not None else \
        _text(next((args[k] for k in ("table", *TABLE_KEYWORDS) if k in args), None))
    details: list[tuple[str, str]] = []
    if op == "create_table":
        key = (op, table)
        details = _create_table(table, list(call.args[1:]))
    elif op in ("drop_table",):
        key = (op, table)
    elif op == "rename_table":
        key = (op, table, _text(args.get("new_table_name")))
    elif op == "add_column":
        name, type_name, constraints = _column(args.get("column"))  # type: ignore[arg-type]
        key = (op, table, name)
        details = [("type", type_name), *sorted(constraints.items())]
    elif op == "drop_column":
        key = (op, table, _text(args.get("column_name")))
    elif op == "alter_column":
        key = (op, table, _text(args.get("column_name")))
        for name in ALTER_DETAILS:
            if name in args:
                value = _type_name(args[name]) if name == "type_" else ast.unparse(args[name])
                details.append((name, value))
    elif op == "create_index":
        key = (op, table, _names(args.get("columns")))
        unique = args.get("unique")
        details = [("unique", ast.unparse(unique))] if unique is not None else []
    elif op == "drop_index":
        key = (op, table, _text(args.get("index_name")))
    elif op == "create_foreign_key":
        key = (op, table, _names(args.get("local_cols")))
        details = [("target", _target(_text(args.get("referent_table")), _names(args.get("remote_cols"))))]
        if "ondelete" in args:
            details.append(("ondelete", _text(args["ondelete"])))
    elif op in ("create_unique_constraint", "create_primary_key"):
        key = (op, table, _names(args.get("columns")))
    elif op == "create_check_constraint":
        key = (op, table, _text(args.get("condition")))
    elif op == "drop_constraint":
        key = (op, table, _text(args.get("constraint_name")))
        if "type_" in args:
            details = [("type_", _text(args["type_"]))]
    else:
        key = (op, table)
        details = [(k, ast.unparse(v)) for k, v in sorted(args.items()) if k != "table"]
    return rw.Operation(key, tuple(sorted(details)), where)


def read_revision(path: str, text: str) -> tuple[list[rw.Operation], bool]:
    """A revision's ``upgrade()`` schema operations and whether it holds anything else (data code, helpers,
    conditionals). SyntaxError when it does not parse or has no ``upgrade``."""
    module = ast.parse(text)
    upgrade = next((n for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and n.name == "upgrade"), None)
    if upgrade is None:
        raise SyntaxError(f"{path}: no upgrade()")
    ops: list[rw.Operation] = []
    guarded: list[rw.Operation] = []
    data = _walk(upgrade.body, {}, path, ops, guarded)
    if ops and len(guarded) == len(ops):
        raise rw.NotComparable(SKIP_DIALECT_ONLY)
    return ops, data


def _on_dialect(test: ast.expr) -> bool:
    """Whether an ``if`` test asks which database runs the revision (its name, URL or dialect)."""
    text = ast.unparse(test).lower()
    return any(word in text for word in ("dialect", "sqlite", "postgres", "mysql", "mariadb", ".url", "url."))


def _walk(body: list[ast.stmt], batches: dict[str, str], path: str, ops: list[rw.Operation],
          guarded: list[rw.Operation], on_dialect: bool = False) -> bool:
    """Collect the op.* (and batch) calls of ``body`` into ``ops`` (those under an ``if`` on the dialect also
    into ``guarded``); True when it holds other code."""
    data = False
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            inner = dict(batches)
            for item in statement.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and rw.last_name(call.func) == "batch_alter_table" and \
                        isinstance(item.optional_vars, ast.Name):
                    table = call.args[0] if call.args else next(
                        (k.value for k in call.keywords if k.arg == "table_name"), None)
                    inner[item.optional_vars.id] = _text(table)
                else:
                    data = True
            data |= _walk(statement.body, inner, path, ops, guarded, on_dialect)
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            func = call.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                    (func.value.id == "op" or func.value.id in batches):
                if func.attr in NOT_SCHEMA:
                    data = True
                else:
                    batch = batches.get(func.value.id) if func.value.id != "op" else None
                    ops.append(_operation(call, func.attr, batch, f"{path}:{statement.lineno}"))
                    if on_dialect:
                        guarded.append(ops[-1])
                continue
        data = True
        inner_dialect = on_dialect or (isinstance(statement, ast.If) and _on_dialect(statement.test))
        for field in ("body", "orelse", "finalbody"):  # if/for/while/try: their ops as if run once
            inner_body = getattr(statement, field, None)
            if isinstance(inner_body, list) and inner_body and isinstance(inner_body[0], ast.stmt):
                _walk(inner_body, batches, path, ops, guarded, inner_dialect)
        for handler in getattr(statement, "handlers", []):
            _walk(handler.body, batches, path, ops, guarded, on_dialect)
    return data


def revision_heads(folder: Path) -> list[str]:
    """The revisions of a folder that no other revision of it revises (module-level ``revision`` and
    ``down_revision``, a string, a tuple of them for a merge, or None)."""
    revises: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        try:
            module = ast.parse(path.read_text(errors="replace"))
        except (SyntaxError, ValueError):
            continue
        values: dict[str, Any] = {}
        for statement in module.body:
            target = statement.targets[0] if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                else statement.target if isinstance(statement, ast.AnnAssign) else None
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and statement.value:
                try:
                    values[target.id] = ast.literal_eval(statement.value)
                except ValueError:
                    pass
        if isinstance(values.get("revision"), str):
            down = values.get("down_revision")
            revises[values["revision"]] = {down} if isinstance(down, str) else \
                {d for d in down if isinstance(d, str)} if isinstance(down, (tuple, list)) else set()
    revised = set().union(*revises.values()) if revises else set()
    return sorted(set(revises) - revised)


class Alembic:
    name = "Alembic"
    migration_word = "revision"
    tree = "git"  # a git checkout of each commit: mgen reads a create_all() baseline from the history (replay_git)

    def app_arguments(self, tree: Path, added: Sequence[str]) -> list[str]:
        return []  # one history: nothing to scope

    def is_migration_path(self, path: str) -> bool:
        return bool(REVISION_PATH.search(path))

    def added_migrations(self, source: rw.Source, commit: rw.Commit) -> dict[str, str]:
        added = commit.paths("A", self.is_migration_path)
        blobs = rw.read_blobs(source.git_dir, commit.sha, added) if added else {}
        return {path: text for path, text in blobs.items() if REVISION_TEXT.search(text)}

    def has_project(self, source: rw.Source, commit: rw.Commit) -> bool:
        return True  # with no alembic.ini the repository root is the project (see project_folder)

    def read_file(self, path: str, text: str) -> tuple[list[rw.Operation], bool]:
        return read_revision(path, text)

    def project_folder(self, tree: Path, added: Sequence[str]) -> Path | None:
        revisions = (tree / added[0]).parent
        script = revisions.parent if revisions.name == "versions" else revisions
        if (script / "alembic.ini").is_file():  # Flask-Migrate: the ini inside the script folder
            return script.parent
        for folder in (script, *script.parents):
            if (folder / "alembic.ini").is_file():
                return folder
            if folder == tree:
                break
        return tree

    def history_conflict(self, tree: Path, added: Sequence[str], scoped: Sequence[str]) -> str | None:
        """Several heads in the folder of the added revisions: ``alembic revision --autogenerate`` stops
        there ("Multiple heads are present")."""
        found = []
        for folder in sorted({(tree / path).parent for path in added}):
            heads = revision_heads(folder)
            if len(heads) > 1:
                found.append(f"{folder.relative_to(tree)}: {', '.join(heads)}")
        return "; ".join(found) or None

    def generated_operations(self, run: rw.MgenRun, tree: Path) -> list[rw.Operation] | None:
        text = (run.report or {}).get("revision")
        if not text:
            return None
        try:
            return read_revision("(mgen's revision)", text)[0] or None
        except SyntaxError:
            return [rw.Operation(("(mgen's revision does not parse)",))]

    def rename_parts(self, op: rw.Operation) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        new_name = dict(op.details).get("new_column_name")
        if op.name == "alter_column" and new_name:
            _, table, column = op.key
            return ("add_column", table, new_name.strip("'\"")), ("drop_column", table, column)
        if op.name == "rename_table":
            _, old, new = op.key
            return ("create_table", new), ("drop_table", old)
        return None

    def difference(self, old: rw.Operation, new: rw.Operation) -> rw.Miss:
        miss = rw.kwargs_difference(ARGUMENTS, old, new)
        keys = miss.label.split(", ")
        if old.name == "create_table":
            return rw.Miss(CREATE_TABLE, ", ".join(sorted({_table_part(k, old, new) for k in keys})), miss.detail,
                           miss.location)
        if keys in (["type"], ["type_"]):
            return rw.Miss(COLUMN_TYPE, old.name, miss.detail, miss.location)
        return rw.Miss(ARGUMENTS, f"{old.name}: {miss.label}", miss.detail, miss.location)


def _table_part(key: str, old: rw.Operation, new: rw.Operation) -> str:
    """What a differing create_table detail is about: column types, the column set, or a constraint kind."""
    if key.startswith("column "):
        return "column types" if key in dict(old.details) and key in dict(new.details) else "column set"
    return key.split(" (")[0]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    return rw.main(Alembic(), __doc__, argv)


if __name__ == "__main__":
    main()
