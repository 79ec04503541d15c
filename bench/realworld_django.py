"""Issue #12 bench: mgen on the git history of public Django projects (stdlib + mgen).

For each project (a bare mirror or clone of its public repository), the first-parent commits that changed
a models module (``models.py`` or a ``models/`` package) and added migrations (``<app>/migrations/NNNN_*.py``;
South's, before Django 1.7, are not) are sampled evenly (``--per-project``, ``--seed``). At each sampled
commit, in a tree extracted under a temporary folder:

(a) in-sync: ``mgen generate PROJECT --dry-run --json`` at the commit; the project's models and migrations
    agree there, so the answer must be no operations (not measured where the committed history has two
    leaf migrations in an app, found with ``ast`` as Django's loader finds them: ``makemigrations`` stops
    there with "Conflicting migrations detected" too); operations reported that a migration of one of the
    next commits adds are the project's own drift (``realworld_drift``), still a miss;
(b) regenerate: the migrations the commit added are deleted and the same command runs again; the
    operations of the files mgen would write (the ``migrations`` texts of its JSON) are compared with the
    committed files', both parsed with Python's ``ast`` (never through mgen's reader): operation class, app,
    model, field name, the field class's last dotted name and the keyword arguments as ``ast.unparse`` text.
    Normalised before comparing: translation calls unwrapped (``_("x")`` is ``"x"``), dotted names reduced
    to their last name (``django.db.models.deletion.CASCADE`` is ``CASCADE``), sets sorted (a literal, and
    Django 1.x's ``set([...])``, which stays a call: a spelling the pinned Django's writer decides), ``to=``
    lower-cased, keyword arguments sorted; model names compared lower-cased; operation order ignored.
    RunPython/RunSQL and operations of classes ``makemigrations`` never writes (a project's own, or a library's
    such as ``TrigramExtension``: written by hand) are not compared (a commit whose migrations hold nothing
    else is skipped, as is one that
    also edits or deletes older migrations, or adds a squash with ``replaces``); a
    SeparateDatabaseAndState is read as its state operations. A committed RenameField/RenameModel that mgen
    wrote as a remove and an add is one "rename written as drop + add" miss (mgen takes renames as
    ``--rename`` hints, never guesses them). With ``--accept-renames`` (the default) the regenerate run is
    the user answering yes to the renames makemigrations would ask about: mgen runs again with the
    ``--rename`` hints it printed itself (``realworld_renames.py``); the table counts those commits.

PROJECT is the folder of ``manage.py`` (a ``startproject`` template's, with ``{{ project_name }}``, is not
one; a commit with no other is not a candidate); with several, the one whose settings (the settings
module and the modules next to it) name the apps of the added migrations, then the shallowest.

Rerun (mirrors from ``git clone --mirror https://github.com/OWNER/NAME``; docs/realworld.md lists the exact
commits):

    nice -n 10 .venv/bin/python bench/realworld_django.py [NAME=]MIRROR[@REV] ... --per-project 40 \\
        --out /tmp/realworld_django.md --json /tmp/realworld_django.json
"""
from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld_git as rw

MIGRATION_PATH = re.compile(r"(^|/)migrations/\d{4}_\w*\.py$")
SOUTH = re.compile(r"^\s*(from|import) south\b", re.MULTILINE)
SETTINGS_MODULE = re.compile(r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']""")
SKIP_SQUASH = "adds a squashed migration (replaces)"
# miss classes of a same-key operation whose details differ
FIELD_KWARGS, FIELD_CLASS = "different field kwargs", "different field class"
ONE_OFF = "one-off default (preserve_default=False)"
CREATE_MODEL, ARGUMENTS = "different CreateModel", "different operation arguments"

# Django's operation signatures, to name positional arguments (Django's writer uses keywords; people don't)
PARAMETERS = {
    "CreateModel": ("name", "fields", "options", "bases", "managers"),
    "DeleteModel": ("name",), "RenameModel": ("old_name", "new_name"),
    "AlterModelTable": ("name", "table"), "AlterModelTableComment": ("name", "table_comment"),
    "AlterUniqueTogether": ("name", "unique_together"), "AlterIndexTogether": ("name", "index_together"),
    "AlterOrderWithRespectTo": ("name", "order_with_respect_to"), "AlterModelOptions": ("name", "options"),
    "AlterModelManagers": ("name", "managers"),
    "AddField": ("model_name", "name", "field", "preserve_default"), "RemoveField": ("model_name", "name"),
    "AlterField": ("model_name", "name", "field", "preserve_default"),
    "RenameField": ("model_name", "old_name", "new_name"),
    "AddIndex": ("model_name", "index"), "RemoveIndex": ("model_name", "name"),
    "RenameIndex": ("model_name", "new_name", "old_name", "old_fields"),
    "AddConstraint": ("model_name", "constraint"), "RemoveConstraint": ("model_name", "name"),
    "AlterConstraint": ("model_name", "name", "constraint"),
    "SeparateDatabaseAndState": ("database_operations", "state_operations"),
}
DATA_OPERATIONS = {"RunPython", "RunSQL"}
TRANSLATIONS = {"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "gettext_noop", "ugettext_noop"}


# -- values as text ---------------------------------------------------------------------------------------
class _Normalise(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = rw.last_name(node.func)
        if name in TRANSLATIONS and len(node.args) == 1 and not node.keywords:
            return node.args[0]
        if name in ("pgettext", "pgettext_lazy") and len(node.args) == 2:
            return node.args[1]
        if name == "set" and len(node.args) == 1 and isinstance(node.args[0], (ast.List, ast.Tuple)):
            node.args[0].elts.sort(key=ast.unparse)  # Django 1.x wrote a set as set([...]), in hash order
        node.keywords.sort(key=lambda k: k.arg or "")
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if _dotted(node):
            return ast.Name(node.attr, ast.Load())
        return self.generic_visit(node)

    def visit_Set(self, node: ast.Set) -> ast.AST:
        self.generic_visit(node)
        node.elts.sort(key=ast.unparse)
        return node


def _dotted(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def value_text(node: ast.AST, keyword: str = "") -> str:
    """A value as normalised ``ast.unparse`` text (see the module docstring)."""
    text = ast.unparse(_Normalise().visit(ast.parse(ast.unparse(node), mode="eval")))
    return text.lower() if keyword == "to" and isinstance(node, ast.Constant) else text


def _string(node: ast.AST | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return value_text(node) if node is not None else ""


# -- reading a migration file -------------------------------------------------------------------------
def _arguments(call: ast.Call, op: str) -> dict[str, ast.AST]:
    named = dict(zip(PARAMETERS.get(op, ()), call.args))
    named.update({k.arg: k.value for k in call.keywords if k.arg})
    return named


def _field(call: ast.AST) -> list[tuple[str, str]]:
    """A field as (class, last dotted name) and its keyword arguments, each normalised."""
    if not isinstance(call, ast.Call):
        return [("class", value_text(call))]
    details = [("class", rw.last_name(call.func))]
    details += [(f"arg {i}", value_text(a)) for i, a in enumerate(call.args)]
    details += [(k.arg or "**", value_text(k.value, k.arg or "")) for k in call.keywords]
    return details


def _field_text(call: ast.AST) -> str:
    details = dict(_field(call))
    klass = details.pop("class")
    return f"{klass}(" + ", ".join(f"{k}={v}" for k, v in sorted(details.items())) + ")"


def _operation(call: ast.Call, app: str, where: str) -> rw.Operation:
    op = rw.last_name(call.func)
    args = _arguments(call, op)

    def name(key: str) -> str:
        return _string(args.pop(key, None))

    if op in ("AddField", "AlterField", "RemoveField", "RenameField", "AddIndex", "RemoveIndex", "RenameIndex",
              "AddConstraint", "RemoveConstraint", "AlterConstraint"):
        model = name("model_name").lower()
        if op == "RenameField":
            key = (op, app, model, name("old_name"), name("new_name"))
        elif op in ("AddIndex", "AddConstraint"):
            inner = args.get("index" if op == "AddIndex" else "constraint")
            inner_name = next((k.value for k in getattr(inner, "keywords", []) if k.arg == "name"), None)
            key = (op, app, model, _string(inner_name))
        elif op == "RenameIndex":
            key = (op, app, model, name("new_name"))
        else:
            key = (op, app, model, name("name"))
    elif op == "RenameModel":
        key = (op, app, name("old_name").lower(), name("new_name").lower())
    elif op in PARAMETERS:
        key = (op, app, name("name").lower())
    else:
        key = (op, app, value_text(call))
        args = {}
    details: list[tuple[str, str]] = []
    for arg, value in args.items():
        if arg == "field":
            details += _field(value)
        elif arg == "fields" and isinstance(value, (ast.List, ast.Tuple)):
            for item in value.elts:
                if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                    details.append((f"field {_string(item.elts[0])}", _field_text(item.elts[1])))
                else:
                    details.append(("field ?", value_text(item)))
        elif arg == "options" and isinstance(value, ast.Dict):
            details += [(f"option {_string(k)}", value_text(v)) for k, v in zip(value.keys, value.values) if k]
        else:
            details.append((arg, value_text(value, arg)))
    return rw.Operation(key, tuple(sorted(details)), where)


def read_migration(path: str, text: str) -> tuple[list[rw.Operation], bool, bool]:
    """A migration file's schema operations, whether it holds data code (RunPython/RunSQL or operations
    that are not calls), and whether it is a squash (``replaces``). SyntaxError when it does not parse."""
    app = Path(path).parent.parent.name
    module = ast.parse(text)
    migration = next((n for n in module.body if isinstance(n, ast.ClassDef) and n.name == "Migration"), None)
    if migration is None:
        raise SyntaxError(f"{path}: no class Migration")
    ops: list[rw.Operation] = []
    data = squash = False
    for statement in migration.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) else []
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if "replaces" in names:
            squash = True
        if "operations" in names and statement.value is not None:
            data |= _collect(statement.value, app, path, ops)
    return ops, data, squash


def _collect(value: ast.AST, app: str, path: str, ops: list[rw.Operation]) -> bool:
    """Append the operations of a list to ``ops``; True when some were data code or not readable."""
    if not isinstance(value, (ast.List, ast.Tuple)):
        return True
    data = False
    for item in value.elts:
        if not isinstance(item, ast.Call):
            data = True
            continue
        op = rw.last_name(item.func)
        if op in DATA_OPERATIONS or op not in PARAMETERS:  # code, or a class makemigrations never writes
            data = True
        elif op == "SeparateDatabaseAndState":
            data = True
            state = _arguments(item, op).get("state_operations")
            if state is not None:
                _collect(state, app, path, ops)
        else:
            ops.append(_operation(item, app, f"{path}:{item.lineno}"))
    return data


# -- the framework ------------------------------------------------------------------------------------------
class Django:
    name = "Django"
    migration_word = "migration"
    asks_renames = True  # mgen prints makemigrations' rename questions: --accept-renames is on by default

    def is_migration_path(self, path: str) -> bool:
        return bool(MIGRATION_PATH.search(path))

    def added_migrations(self, source: rw.Source, commit: rw.Commit) -> dict[str, str]:
        """The added migration files, when they are Django's (South's, before Django 1.7, are not)."""
        added = commit.paths("A", self.is_migration_path)
        blobs = rw.read_blobs(source.git_dir, commit.sha, added) if added else {}
        return blobs if any(not SOUTH.search(text) for text in blobs.values()) else {}

    def has_project(self, source: rw.Source, commit: rw.Commit) -> bool:
        manages = [p for p in rw.tree_paths(source, commit.sha) if _is_manage(p)]
        return any(not _is_template(text) for text in rw.read_blobs(source.git_dir, commit.sha, manages).values())

    def read_file(self, path: str, text: str) -> tuple[list[rw.Operation], bool]:
        ops, data, squash = read_migration(path, text)
        if squash:
            raise rw.NotComparable(SKIP_SQUASH)
        return ops, data

    def project_folder(self, tree: Path, added: Sequence[str]) -> Path | None:
        """The folder of the manage.py whose settings name the most of the added migrations' apps."""
        manages = sorted((p for p in tree.rglob("manage.py") if _is_manage(str(p.relative_to(tree)))
                          and not _is_template(p.read_text(errors="replace"))), key=lambda p: (len(p.parts), str(p)))
        if not manages:
            return None
        apps = {str(Path(a).parent.parent) for a in added}
        return max(manages, key=lambda m: sum(_names_app(_settings_text(m, tree), app) for app in apps)).parent

    def app_arguments(self, tree: Path, added: Sequence[str]) -> list[str]:
        """``--app LABEL`` for each app of the added migrations: the label its ``apps.py`` sets (``label =``,
        else the last part of ``name =``), else the folder's name, as Django derives it."""
        out: list[str] = []
        for folder in sorted({(tree / path).parent.parent for path in added}):
            label = _app_label(folder)
            if label not in out:
                out.append(label)
        return [arg for label in out for arg in ("--app", label)]

    def generated_operations(self, run: rw.MgenRun, tree: Path) -> list[rw.Operation] | None:
        report = run.report or {}
        texts = report.get("migrations") or {}
        ops: list[rw.Operation] = []
        for path, text in texts.items():
            rel = str(Path(path).relative_to(tree)) if Path(path).is_absolute() and Path(path).is_relative_to(tree) \
                else path
            try:
                ops += read_migration(rel, text)[0]
            except SyntaxError:
                ops.append(rw.Operation(("(mgen's text does not parse)", rel)))
        return ops or None

    def rename_parts(self, op: rw.Operation) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        if op.name == "RenameField":
            _, app, model, old, new = op.key
            return ("AddField", app, model, new), ("RemoveField", app, model, old)
        if op.name == "RenameModel":
            _, app, old, new = op.key
            return ("CreateModel", app, new), ("DeleteModel", app, old)
        return None

    def targets(self, op: rw.Operation) -> set[tuple[str, ...]]:
        """The fields (app, model, field) a field operation changes (a rename: both names)."""
        if op.name == "RenameField":
            _, app, model, old, new = op.key
            return {(app, model, old), (app, model, new)}
        if op.name in ("AddField", "AlterField", "RemoveField"):
            return {op.key[1:4]}
        return set()

    def history_conflict(self, tree: Path, added: Sequence[str], scoped: Sequence[str]) -> str | None:
        """Apps with two leaf migrations at the commit: ``makemigrations`` stops there ("Conflicting
        migrations detected"; with app labels, only for those apps)."""
        wanted = set(scoped[1::2])
        found = {label: leaves for label, leaves in leaf_conflicts(tree).items() if not wanted or label in wanted}
        return "; ".join(f"{label}: {', '.join(leaves)}" for label, leaves in sorted(found.items())) or None

    def difference(self, old: rw.Operation, new: rw.Operation) -> rw.Miss:
        a, b = dict(old.details), dict(new.details)
        if old.name in ("AddField", "AlterField"):
            if a.get("class") != b.get("class"):
                return rw.Miss(FIELD_CLASS, f"{a.get('class')} -> {b.get('class')}", old.text(), old.where)
            if a.get("preserve_default") == "False":
                return rw.kwargs_difference(ONE_OFF, old, new)
            return rw.kwargs_difference(FIELD_KWARGS, old, new)
        if old.name == "CreateModel":
            miss = rw.kwargs_difference(CREATE_MODEL, old, new)
            parts = sorted({("field kwargs" if k in a and k in b else "field set") if k.startswith("field ") else k
                            for k in miss.label.split(", ")})
            return rw.Miss(CREATE_MODEL, ", ".join(parts), miss.detail, miss.location)
        miss = rw.kwargs_difference(ARGUMENTS, old, new)
        return rw.Miss(ARGUMENTS, f"{old.name}: {miss.label}", miss.detail, miss.location)


def leaf_conflicts(tree: Path) -> dict[str, list[str]]:
    """The apps whose committed migrations have more than one leaf, as Django's loader finds them with no
    database (a squash stands for the migrations it ``replaces``): app label -> its leaves. An app with a
    dependency the bench cannot read (``[...] + settings.X``) is claimed none."""
    conflicts: dict[str, list[str]] = {}
    for init in tree.rglob("migrations/__init__.py"):
        folder = init.parent
        if "node_modules" in folder.parts or "site-packages" in folder.parts:
            continue
        entries = {path.stem: entry for path in folder.glob("*.py") if path.name[0] not in "_~"
                   for entry in [_graph_entry(path)] if entry is not None}
        label = _own_label(folder.parent, entries)
        nodes = {name: ({n for a, n in deps if a == label}, {n for a, n in replaces if a == label})
                 for name, (deps, replaces) in entries.items()}
        replaced = {name: squash for squash, (_, replaces) in nodes.items() for name in replaces}
        live = {name for name in nodes if name not in replaced}
        needed = {replaced.get(dep, dep) for name in live for dep in nodes[name][0]}
        leaves = sorted(live - needed)
        unknown = any(UNKNOWN in entries[name][0] for name in live)  # it may join two leaves: none claimed
        if len(leaves) > 1 and not unknown:
            conflicts[label] = leaves
    return conflicts


def _own_label(app: Path, entries: dict[str, tuple[set[tuple[str, str]], set[tuple[str, str]]]]) -> str:
    """The label the migrations call their own app by: ``apps.py``'s when they use it, else the label most
    of their dependencies on a migration of this folder name."""
    label = _app_label(app)
    used = Counter(a for deps, replaces in entries.values() for a, n in deps | replaces if n in entries)
    return label if label in used or not used else used.most_common(1)[0][0]


def _graph_entry(path: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]] | None:
    """A migration's ``dependencies`` and ``replaces`` as (app, name) pairs (None: no class Migration), the
    pair ``UNKNOWN`` among them when a part is not a literal (``[...] + settings.X``: the literal parts are
    read, the rest may name any migration)."""
    try:
        module = ast.parse(path.read_text(errors="replace"))
    except (SyntaxError, ValueError):
        return None
    migration = next((n for n in module.body if isinstance(n, ast.ClassDef) and n.name == "Migration"), None)
    if migration is None:
        return None
    lists: dict[str, set[tuple[str, str]]] = {"dependencies": set(), "replaces": set()}
    for statement in migration.body:
        if not isinstance(statement, ast.Assign):
            continue
        for target in statement.targets:
            if isinstance(target, ast.Name) and target.id in lists:
                lists[target.id] |= _literal_pairs(statement.value)
    return lists["dependencies"], lists["replaces"]


UNKNOWN = ("?", "?")  # a dependency the bench cannot read: it may be on any migration


def _literal_pairs(node: ast.AST) -> set[tuple[str, str]]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_pairs(node.left) | _literal_pairs(node.right)
    if not isinstance(node, (ast.List, ast.Tuple)):
        return {UNKNOWN}
    pairs = set()
    for item in node.elts:
        pair = item.elts if isinstance(item, ast.Tuple) and len(item.elts) == 2 else []
        if pair and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in pair):
            pairs.add((pair[0].value, pair[1].value))
        elif not (isinstance(item, ast.Call) and rw.last_name(item.func) == "swappable_dependency"):
            pairs.add(UNKNOWN)
    return pairs


def _app_label(folder: Path) -> str:
    try:
        module = ast.parse((folder / "apps.py").read_text(errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return folder.name
    found: dict[str, str] = {}
    for cls in (n for n in module.body if isinstance(n, ast.ClassDef)):
        for statement in cls.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant) \
                    and isinstance(statement.value.value, str):
                for target in statement.targets:
                    if isinstance(target, ast.Name) and target.id in ("label", "name"):
                        found.setdefault(target.id, statement.value.value)
    return found.get("label") or (found["name"].rsplit(".", 1)[-1] if "name" in found else folder.name)


def _is_manage(path: str) -> bool:
    return path.rsplit("/", 1)[-1] == "manage.py" and "node_modules/" not in path


def _is_template(text: str) -> bool:
    """A ``startproject`` template's manage.py (``{{ project_name }}``) is not a project."""
    return "{{" in text


def _settings_text(manage: Path, tree: Path) -> str:
    """The text of the settings module manage.py names and of the modules next to it ('' if not found)."""
    match = SETTINGS_MODULE.search(manage.read_text(errors="replace"))
    if not match:
        return ""
    rel = Path(*match[1].split("."))
    for base in (manage.parent, tree, tree / "src"):
        for candidate in (base / rel.with_suffix(".py"), base / rel / "__init__.py"):
            if candidate.is_file():
                return "\n".join(p.read_text(errors="replace") for p in sorted(candidate.parent.glob("*.py")))
    return ""


def _names_app(settings: str, app_dir: str) -> bool:
    """Whether the settings name the app at ``app_dir`` (a dotted path from any of its parent folders)."""
    parts = Path(app_dir).parts
    for i in range(len(parts)):
        dotted = re.escape(".".join(parts[i:]))
        if re.search(rf"""["']{dotted}(\.[\w.]+)?["']""", settings):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    return rw.main(Django(), __doc__, argv)


if __name__ == "__main__":
    main()
