"""The plumbing the real-world benches share (bench/realworld_django.py, bench/realworld_alembic.py).

A bench reads the git history of public projects (bare mirrors or clones, only read), keeps the
first-parent commits that changed models and added migrations, samples them evenly, and at each sampled
commit extracts the tree under a temporary folder (``realworld_tree``: ``git archive | tar x``, file by file
leaving out what the mirror lacks, or a git checkout with ``--tree git``) and runs mgen twice, each a new process:

- **in-sync**: ``mgen generate PROJECT --dry-run --json`` at the commit, where the project's models and
  migrations agree: anything but "no operations" is a miss;
- **regenerate**: the migrations the commit added deleted, the same command again; the framework module
  parses the committed files and mgen's text with ``ast`` and compares the operations. The table gives the
  rate of the same operations twice: over every commit compared, and over those whose added files hold no
  data code (RunPython/RunSQL, ``op.execute``: a generator never writes it, so such a file was edited by
  hand and may hold schema operations no generator writes either, e.g. add, copy, drop, rename). With ``--accept-renames``
  (the default) a run that printed ``--rename`` hints (the renames an interactive generator would ask
  about) is run again with them, as a user answering yes (``realworld_renames``).

This module holds what does not depend on the framework: reading history (one ``git log``), deterministic
sampling, extracting a tree, running and timing mgen, classifying misses, matching two operation lists,
the tables and the command line. A framework module supplies a ``Framework`` (which paths are migrations,
where the project is, how to read operations) and calls ``main``. Timing: the median wall time
of one mgen run (the project's cache removed first; the per-user cache of library sources, MGEN_CACHE_DIR,
kept in the work folder for the whole run).

Run through the framework scripts (docs/realworld.md has the exact corpus); ``--engine`` is mgen's, and
each run records the engine that answered (the table's last column):

    nice -n 10 .venv/bin/python bench/realworld_{django,alembic}.py [NAME=]MIRROR[@REV] ... [--per-project 40] \\
        [--out FILE.md] [--json FILE.json] [--engine static|native|auto]
    .venv/bin/python bench/realworld_django.py --from-json FILE.json --out FILE.md   # the tables again
"""
from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld_drift  # found through the path above
import realworld_renames
import realworld_tree
import realworld_twice

extracted_tree, read_blobs = realworld_tree.extracted_tree, realworld_tree.read_blobs  # the framework modules use rw.*
DEFAULT_MGEN = str(Path(sys.executable).parent / "mgen")

# A miss's class: a small fixed set. Refusals are further labelled by the kind of file that refused and by
# the message's pattern (REFUSAL_PATTERNS); the rest by operation or keyword (the "most frequent" column).
REFUSED, CRASH, TIMEOUT, UNREADABLE = "refused", "crash (exit 3)", "timeout", "unreadable output"
SELF_CHECK = "self-check failed (exit 2: a bug in mgen)"  # mgen's replay of what it would write disagreed
SILENT = "silent no changes"
OPERATIONS = "operations reported"  # in-sync only
MISSING, EXTRA = "missing operation", "extra operation"
RENAME = "rename written as drop + add"  # mgen never guesses a rename: it takes --rename hints
SKIP_EDITS_OLDER = "edits older migrations"
SKIP_DATA_ONLY = "no schema operations (data only or empty)"
SKIP_UNPARSEABLE = "committed file does not parse"
SKIP_NO_PROJECT = "no project folder found"
SKIP_BENCH_ERROR = "the bench failed at this commit"
# the framework's own generator refuses there too (makemigrations: "Conflicting migrations detected";
# alembic revision: "Multiple heads are present"), so "no operations" is not the answer to expect
SKIP_CONFLICT = "the project's own history has two leaves (heads) here: its own generator refuses too"


# What "changed models" means for both frameworks: a models.py, or any module of a models/ package.
MODELS_PATH = re.compile(r"(^|/)models(\.py$|/.*\.py$)")


# -- history ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One corpus repository: a bare mirror or a clone, read at ``rev``."""

    name: str
    git_dir: Path
    rev: str
    head: str  # the full sha ``rev`` resolved to


def parse_source(spec: str) -> Source:
    """``[NAME=]PATH[@REV]``. The name seeds the sampling, so a rerun on another clone of the same
    repository samples the same commits when it is given the same name; by default it is the folder's name
    (its parent's when the folder is ``repo`` or ``.git``) without ``.git``."""
    name, sep, rest = spec.partition("=")
    if not sep:
        name, rest = "", spec
    path, _, rev = rest.partition("@")
    git_dir = Path(path).resolve()
    if not name:
        name_dir = git_dir.parent if git_dir.name in ("repo", ".git") else git_dir
        name = name_dir.name.removesuffix(".git")
    rev = rev or "HEAD"
    return Source(name, git_dir, rev, git(git_dir, "rev-parse", "--verify", f"{rev}^{{commit}}").strip())


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True,
                          text=True, errors="replace").stdout


@dataclass(frozen=True)
class FileChange:
    status: str  # A, M, D, T (renames are split: --no-renames)
    path: str


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str
    subject: str
    changes: tuple[FileChange, ...]

    def paths(self, status: str, wanted: Callable[[str], bool]) -> list[str]:
        return [c.path for c in self.changes if c.status in status and wanted(c.path)]


def first_parent_commits(source: Source) -> list[Commit]:
    """Every first-parent commit up to ``source.head``, oldest first, with the files it changed against its
    first parent (a merge: what the merged branch brought; the root commit: every file)."""
    out = git(source.git_dir, "log", "--first-parent", "--diff-merges=first-parent", "--root", "--no-renames",
              "--name-status", "--format=%x00%H%x09%cs%x09%s", source.head)
    commits = []
    for block in out.split("\0")[1:]:
        header, _, body = block.partition("\n")
        sha, date, subject = (header.split("\t", 2) + ["", ""])[:3]
        changes = []
        for line in body.splitlines():
            status, _, path = line.partition("\t")
            if path:
                changes.append(FileChange(status[:1], path))
        commits.append(Commit(sha, date, subject, tuple(changes)))
    commits.reverse()
    return commits


def sample_evenly(items: Sequence[Any], count: int, seed: str) -> list[Any]:
    """At most ``count`` items, one in each of ``count`` equal strides of the list (the position inside a
    stride drawn from ``seed``): deterministic, spread over the whole history, order kept, no repeats."""
    if count <= 0 or len(items) <= count:
        return list(items)
    rng = random.Random(seed)
    bounds = [len(items) * i // count for i in range(count + 1)]
    return [items[lo + rng.randrange(hi - lo)] for lo, hi in itertools.pairwise(bounds)]


# -- running mgen -------------------------------------------------------------------------------------
@dataclass
class MgenRun:
    """One ``mgen generate PROJECT --dry-run --json`` process."""

    exit: int | None  # None: killed at the timeout
    seconds: float
    stdout: str
    stderr: str

    @property
    def report(self) -> dict | None:
        """The JSON object printed, or None (not JSON; Alembic prints plain "no changes" even with --json)."""
        text = self.stdout.strip()
        if not text.startswith("{"):
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    @property
    def says_no_changes(self) -> bool:
        return self.exit == 0 and self.stdout.strip().startswith("no changes")

    @property
    def message(self) -> str:
        """The last line on stderr without mgen's prefix (a refusal is one line naming file and line; the
        line after it that says what the engines did is not the refusal)."""
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        refusal = [line for line in lines if not line.startswith("mgen: engine: ")] or lines
        return refusal[-1].removeprefix("mgen: ") if refusal else ""


def run_mgen(mgen: str, project: Path, timeout: float, env: dict[str, str], engine: str | None = None,
             extra: Sequence[str] = ()) -> MgenRun:
    """mgen as a user runs it, in the project folder; the project's cache removed first (a cold project);
    ``engine``: its ``--engine`` (None: mgen's default); ``extra``: more arguments (``--app``)."""
    shutil.rmtree(project / ".claude" / "cache", ignore_errors=True)
    start = time.perf_counter()
    argv = [mgen, "generate", str(project), "--dry-run", "--json", *(["--engine", engine] if engine else []),
            *extra]
    try:
        done = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, errors="replace",
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        return MgenRun(None, time.perf_counter() - start, _text(e.stdout), _text(e.stderr))
    return MgenRun(done.returncode, time.perf_counter() - start, done.stdout, done.stderr)


def _text(value: bytes | str | None) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value or ""


# -- classifying what went wrong ------------------------------------------------------------------------
# A refusal's pattern: the first that matches the message (after its "path:line: ") names it; any other
# message is named by its first words with quoted text and dotted names blanked.
REFUSAL_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"is not one mgen knows", "field class mgen does not know"),
    (r"cannot be read statically", "value not readable statically"),
    (r"computed at run time", "settings computed at run time"),
    (r"sets no INSTALLED_APPS", "the settings module sets no INSTALLED_APPS"),
    (r"not found under the project folder", "settings module not found under the project folder"),
    (r"is not a Django migration operation", "a project's own migration operation class"),
    (r"is not a literal list", "operations not a literal list"),
    (r"sets no DJANGO_SETTINGS_MODULE", "a Flask manage.py taken for Django's"),
    (r"no alembic\.ini", "no alembic.ini at the project folder"),
    (r"has no sqlalchemy\.url|give the dialect|--dialect is required", "dialect not found"),
    (r"source is not found|is not installed|cannot find (the )?module", "library source not found"),
    (r"syntax|does not parse|cannot be parsed", "syntax mgen cannot parse"),
    (r"refused|not supported|not yet", "construct refused"),
)
SELF_CHECK_MESSAGE = re.compile(r"a bug in mgen")
_LOCATION = re.compile(r"^(?P<path>[^:\s][^:]*?)(?::(?P<line>\d+))?: ")


@dataclass(frozen=True)
class Miss:
    """One reason a run missed, with a detail (an operation, a keyword, a message) and where mgen said."""

    klass: str
    label: str = ""  # the sub-label counted in the "most frequent" column
    detail: str = ""
    location: str = ""


def file_kind(path: str) -> str:
    """What kind of project file a refusal names."""
    name = path.rsplit("/", 1)[-1]
    if re.search(r"(^|/)migrations/\d{4}_|(^|/)versions/", path) or name.startswith("env.py"):
        return "migration file"
    if re.search(r"(^|/)migrations/[^/]+\.py$", path):
        return "migration file"
    if re.search(r"(^|/)models(\.py$|/)", path):
        return "models"
    if "settings" in path:
        return "settings"
    if name in ("manage.py", "alembic.ini"):
        return name
    if name.endswith(".py"):
        return "other module"
    return "project folder"


def refusal_label(message: str) -> str:
    """A refusal message's pattern (REFUSAL_PATTERNS), else its first words with names blanked."""
    match = _LOCATION.match(message)
    text = message[match.end():] if match else message
    label = next((name for pattern, name in REFUSAL_PATTERNS if re.search(pattern, text, re.IGNORECASE)), "")
    if not label:
        blanked = re.sub(r"'[^']*'|\"[^\"]*\"|\b\w+(\.\w+)+\b", "…", text)
        label = "other: " + " ".join(blanked.split()[:6])
    return label


def refusal(run: MgenRun, tree: Path) -> Miss:
    """A refusal (exit 2) as ``refused (<file kind>)``, labelled by its message's pattern."""
    message = run.message.replace(str(tree) + "/", "").replace(str(tree), ".")
    match = _LOCATION.match(message)
    path, line = (match["path"], match["line"]) if match else ("", None)
    location = f"{path}:{line}" if line else path
    return Miss(f"{REFUSED} ({file_kind(path) if path else 'no file named'})", refusal_label(message), message,
                location)


def run_failure(run: MgenRun, tree: Path) -> Miss | None:
    """The miss when mgen did not answer (refused, crashed, timed out, printed no report), else None."""
    if run.exit is None:
        return Miss(TIMEOUT, TIMEOUT)
    if run.exit == 2 and SELF_CHECK_MESSAGE.search(run.message):
        message = run.message.replace(str(tree) + "/", "").replace(str(tree), ".")
        return Miss(SELF_CHECK, message.split(": ", 2)[1][:80] if message.count(": ") >= 2 else "", message)
    if run.exit == 2:
        return refusal(run, tree)
    if run.exit == 3:
        message = run.message.replace(str(tree) + "/", "")
        return Miss(CRASH, " ".join(message.split()[:4]), message)
    if run.exit != 0:
        return Miss(UNREADABLE, f"exit {run.exit}", run.message)
    if run.report is None and not run.says_no_changes:
        return Miss(UNREADABLE, "not JSON", run.stdout.strip()[:200])
    return None


# -- comparing operations -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    """One schema operation as read from a file with ``ast``: a key that names what it acts on and the
    details compared once the keys match."""

    key: tuple[str, ...]  # (operation, table or model, name, ...)
    details: tuple[tuple[str, str], ...] = ()
    where: str = field(default="", compare=False)  # file:line

    @property
    def name(self) -> str:
        return self.key[0]

    def text(self) -> str:
        return " ".join(self.key)


def compare_operations(committed: Sequence[Operation], generated: Sequence[Operation],
                       difference: Callable[[Operation, Operation], Miss],
                       rename_parts: Callable[[Operation], tuple[tuple[str, ...], tuple[str, ...]] | None]
                       = lambda op: None) -> list[Miss]:
    """The misses between two operation lists, order ignored: equal operations pair off, then operations
    with the same key (``difference`` names how they differ); a committed rename that was written as a
    drop and an add (``rename_parts``: the keys of the add and the drop a rename stands for) is one
    RENAME miss; the rest are missing or extra."""
    left, right = list(committed), list(generated)
    for op in list(left):
        if op in right:
            left.remove(op)
            right.remove(op)
    misses = []
    for op in list(left):
        twin = next((g for g in right if g.key == op.key), None)
        if twin is not None:
            left.remove(op)
            right.remove(twin)
            misses.append(difference(op, twin))
    for op in list(left):
        parts = rename_parts(op)
        added = next((g for g in right if parts and g.key == parts[0]), None)
        dropped = next((g for g in right if parts and g.key == parts[1]), None)
        if added is not None and dropped is not None:
            left.remove(op)
            right.remove(added)
            right.remove(dropped)
            misses.append(Miss(RENAME, op.name, f"{op.text()}: written as {dropped.name} + {added.name}", op.where))
    misses += [Miss(MISSING, op.name, op.text(), op.where) for op in left]
    misses += [Miss(EXTRA, op.name, op.text()) for op in right]
    return misses


def kwargs_difference(klass: str, old: Operation, new: Operation) -> Miss:
    """A miss naming the detail keys whose values differ (committed -> generated in the detail)."""
    a, b = dict(old.details), dict(new.details)
    keys = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    shown = "; ".join(f"{k}: {a.get(k, '-')} -> {b.get(k, '-')}" for k in keys)
    return Miss(klass, ", ".join(keys), f"{old.text()}: {shown}"[:300], old.where)


# -- the framework interface and the loop -------------------------------------------------------------
@dataclass
class Committed:
    """What the commit added, read with ``ast``: its operations and why it cannot be compared, if so."""

    operations: list[Operation] = field(default_factory=list)
    skip: str | None = None
    has_data_code: bool = False  # schema operations next to RunPython/RunSQL/op.execute or other code


class Framework(Protocol):
    name: str  # "Django" | "Alembic"
    migration_word: str  # "migration" | "revision"

    def is_migration_path(self, path: str) -> bool: ...

    def added_migrations(self, source: Source, commit: Commit) -> dict[str, str]:
        """The migration files the commit added, path -> text (empty: the commit is not a candidate)."""

    def has_project(self, source: Source, commit: Commit) -> bool:
        """Whether the commit's tree holds a project mgen can be pointed at (Django: a manage.py)."""

    def read_file(self, path: str, text: str) -> tuple[list[Operation], bool]:
        """A committed migration's schema operations and whether it also holds data code; SyntaxError when
        it does not parse, NotComparable when it cannot be compared for another reason."""

    def project_folder(self, tree: Path, added: Sequence[str]) -> Path | None: ...

    def app_arguments(self, tree: Path, added: Sequence[str]) -> list[str]:
        """mgen's arguments that limit a run to the apps of the added migrations (``--scoped``; none: the
        framework has no such flag)."""

    def generated_operations(self, run: MgenRun, tree: Path) -> list[Operation] | None:
        """The operations mgen would write (None: it said it has nothing to write)."""

    def difference(self, old: Operation, new: Operation) -> Miss: ...

    def rename_parts(self, op: Operation) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """For a rename: the keys of the add and of the drop a generator blind to renames writes instead."""

    def history_conflict(self, tree: Path, added: Sequence[str], scoped: Sequence[str]) -> str | None:
        """Optional: where the committed history itself has two leaves (heads) that the framework's own
        generator refuses on (only those of the ``--app`` arguments when scoped), what they are."""


class NotComparable(Exception):
    """A committed file that cannot be compared with what mgen writes; the message says why."""


def read_committed(files: dict[str, str], read_file: Callable[[str, str], tuple[list[Operation], bool]]) \
        -> Committed:
    """The operations of every file the commit added, or why the commit is not compared."""
    committed = Committed()
    for path, text in sorted(files.items()):
        try:
            ops, data = read_file(path, text)
        except SyntaxError:
            return Committed(skip=SKIP_UNPARSEABLE)
        except NotComparable as e:
            return Committed(skip=str(e))
        committed.operations += ops
        committed.has_data_code |= data
    if not committed.operations:
        committed.skip = SKIP_DATA_ONLY
    return committed


def last_name(node: ast.AST) -> str:
    """The last name of a dotted reference (``sa.String`` is ``String``), else the expression's source."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def candidates(framework: Framework, source: Source) -> tuple[list[tuple[Commit, dict[str, str]]], int]:
    """First-parent commits that changed a models file and added a migration, with the added files, and
    how many more such commits have no project to run mgen in (a reusable app's history before its demo
    project)."""
    found, without_project = [], 0
    for commit in first_parent_commits(source):
        if not commit.paths("AMD", lambda path: bool(MODELS_PATH.search(path))):
            continue
        added = framework.added_migrations(source, commit)
        if not added:
            continue
        if framework.has_project(source, commit):
            found.append((commit, added))
        else:
            without_project += 1
    return found, without_project


def tree_paths(source: Source, sha: str) -> list[str]:
    """Every file path of the commit's tree."""
    return git(source.git_dir, "ls-tree", "-r", "--name-only", sha).splitlines()


def measure_commit(framework: Framework, source: Source, commit: Commit, added: dict[str, str],
                   args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Both measures at one commit, as a JSON-ready record."""
    record: dict[str, Any] = {"project": source.name, "commit": commit.sha, "date": commit.date,
                              "subject": commit.subject[:120], "added": sorted(added)}
    committed = read_committed(added, framework.read_file)
    if commit.paths("MDT", framework.is_migration_path):
        committed.skip = SKIP_EDITS_OLDER
    checkout = (getattr(args, "tree", None) or getattr(framework, "tree", "archive")) == "git"
    with extracted_tree(source, commit.sha, args.workdir, checkout) as (tree, missing):
        record["tree"] = "git" if (tree / ".git").exists() else "archive"
        if missing:
            record["files_not_in_mirror"] = missing
        project = framework.project_folder(tree, sorted(added))
        if project is None:
            record["in_sync"] = record["regenerate"] = {"skip": SKIP_NO_PROJECT}
            return record
        record["project_folder"] = str(project.relative_to(tree)) or "."
        extra = framework.app_arguments(tree, sorted(added)) if getattr(args, "scoped", False) else []
        if extra:
            record["arguments"] = extra
        conflict = getattr(framework, "history_conflict", None)
        detail = conflict(tree, sorted(added), extra) if conflict else None
        if detail:
            record["in_sync"] = {"skip": SKIP_CONFLICT, "detail": detail}
        else:
            run = run_mgen(args.mgen, project, args.timeout, env, args.engine, extra)
            record["in_sync"] = _in_sync(framework, run, tree)
            if [m for m in record["in_sync"]["misses"] if m["class"] == OPERATIONS]:
                _judge(framework, record["in_sync"], source, project, run, tree)
        realworld_drift.classify(record["in_sync"], framework, source, commit.sha)
        if committed.skip:
            record["regenerate"] = {"skip": committed.skip}
            return record
        for path in added:
            (tree / path).unlink(missing_ok=True)
        left = conflict(tree, sorted(added), extra) if conflict else None
        if left:  # two leaves without the added files: the project's own generator stops there too
            record["regenerate"] = {"skip": SKIP_CONFLICT, "detail": left}
            return record
        run, hints, before = realworld_renames.run_accepting_renames(
            lambda more: run_mgen(args.mgen, project, args.timeout, env, args.engine, [*extra, *more]),
            getattr(args, "accept_renames", False))
        record["regenerate"] = _regenerate(framework, run, tree, committed)
        if hints:
            record["regenerate"].update(renames_accepted=hints, seconds_before_renames=round(before, 3))
        if record["regenerate"].get("wrote") and record["regenerate"]["misses"]:
            _judge(framework, record["regenerate"], source, project, run, tree)
    return record


def _judge(framework: Framework, part: dict[str, Any], source: Source, project: Path, run: MgenRun,
           tree: Path) -> None:
    """The framework's own tool asked on the same tree (``judge``, when the framework has one for this
    project): its verdict on mgen's operations, kept in ``part["judge"]``."""
    judge = getattr(framework, "judge", None)
    judged = judge(source, project, framework.generated_operations(run, tree) or []) if judge else None
    if judged is not None:
        part["judge"] = judged


def _in_sync(framework: Framework, run: MgenRun, tree: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"seconds": round(run.seconds, 3), "exit": run.exit, "engine": _engine(run)}
    failure = run_failure(run, tree)
    if failure is None:
        ops = framework.generated_operations(run, tree) or []
        names = ", ".join(sorted({op.name for op in ops}))
        failure = Miss(OPERATIONS, names, "; ".join(op.text() for op in ops)[:300]) if ops else None
        out["reported"] = [list(op.key) for op in ops]  # for realworld_drift
    out["misses"] = [_miss_dict(failure)] if failure else []
    return out


def _regenerate(framework: Framework, run: MgenRun, tree: Path, committed: Committed) -> dict[str, Any]:
    out: dict[str, Any] = {"seconds": round(run.seconds, 3), "exit": run.exit, "engine": _engine(run),
                           "committed_operations": len(committed.operations), "data_code": committed.has_data_code}
    failure = run_failure(run, tree)
    if failure is not None:
        misses = [failure]
    else:
        generated = framework.generated_operations(run, tree)
        out["wrote"] = bool(generated)
        if not generated:
            misses = [Miss(SILENT, SILENT, f"{len(committed.operations)} committed operation(s)")]
        else:
            out["generated_operations"] = len(generated)
            misses = realworld_twice.reclassify(compare_operations(
                committed.operations, generated, framework.difference, framework.rename_parts),
                committed.operations, getattr(framework, "targets", None))
    out["misses"] = [_miss_dict(m) for m in misses]
    return out


def _engine(run: MgenRun) -> str | None:
    """Which engine answered: the report's ``engine``, or a refusal's ``engine:`` line (None: mgen did not say)."""
    said = re.search(r"^mgen: engine: (static|native)", run.stderr, re.MULTILINE)
    return (run.report or {}).get("engine") or (said[1] if said else None)


def _miss_dict(miss: Miss) -> dict[str, str]:
    return {"class": miss.klass, "label": miss.label, "detail": miss.detail, "location": miss.location}


def run_corpus(framework: Framework, sources: Sequence[Source], args: argparse.Namespace,
               log: Callable[[str], None] = print) -> dict[str, Any]:
    """Sample and measure every source; the raw results (``--json``)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "MGEN_CACHE_DIR": str(args.workdir / "user-cache")}
    projects = []
    started = time.perf_counter()
    for source in sources:
        found, without_project = candidates(framework, source)
        sampled = sample_evenly(found, args.per_project, f"{args.seed}:{source.name}")
        log(f"{source.name}: {len(found)} candidate commits ({without_project} more without a project), "
            f"{len(sampled)} sampled")
        records = []
        for i, (commit, added) in enumerate(sampled, 1):
            try:
                record = measure_commit(framework, source, commit, added, args, env)
            except (OSError, subprocess.SubprocessError, ValueError) as e:  # one commit, not the whole run
                error = {"skip": f"{SKIP_BENCH_ERROR}: {type(e).__name__}"}
                record = {"project": source.name, "commit": commit.sha, "date": commit.date,
                          "subject": commit.subject[:120], "added": sorted(added), "error": str(e)[:500],
                          "in_sync": error, "regenerate": error}
            records.append(record)
            log(f"  [{i}/{len(sampled)}] {commit.sha[:10]} {commit.date} {_one_line(record)}")
        first, last = (sampled[0][0], sampled[-1][0]) if sampled else (None, None)
        projects.append({"name": source.name, "git_dir": str(source.git_dir), "rev": source.rev,
                         "head": source.head, "candidates": len(found),
                         "candidates_without_project": without_project,
                         "first": first.sha if first else None, "first_date": first.date if first else None,
                         "last": last.sha if last else None, "last_date": last.date if last else None,
                         "records": records})
    return {"framework": framework.name, "migration_word": framework.migration_word, "engine": args.engine,
            "scoped": bool(getattr(args, "scoped", False)), "accept_renames": bool(getattr(args, "accept_renames", False)),
            "per_project": args.per_project, "seed": args.seed, "timeout": args.timeout,
            "seconds": round(time.perf_counter() - started, 1), "projects": projects}


def _one_line(record: dict[str, Any]) -> str:
    def state(part: dict[str, Any]) -> str:
        if "skip" in part:
            return f"skip ({part['skip']})"
        misses = part.get("misses", [])
        return "ok" if not misses else ", ".join(sorted({m["class"] for m in misses}))
    return f"in-sync: {state(record['in_sync'])}; regenerate: {state(record['regenerate'])}"


# -- the tables: realworld_tables.py (re-exported: the benches and tests call them here) -----------------
import realworld_tables as _tables

markdown_table, miss_classes, percent = _tables.markdown_table, _tables.miss_classes, _tables.percent
render_markdown, results_table = _tables.render_markdown, _tables.results_table
skipped_table, summarise = _tables.skipped_table, _tables.summarise


def main(framework: Framework, doc: str, argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Parse the command line, run the bench, print or write the tables; the raw results."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="*", metavar="[NAME=]GIT_DIR[@REV]",
                        help="a bare mirror or clone of a public project, read at REV (default HEAD); NAME (default "
                             "the folder's) seeds the sampling")
    parser.add_argument("--from-json", type=Path, help="render the tables of an earlier run's --json; run nothing")
    parser.add_argument("--per-project", type=int, default=30, help="sampled commits per project (default 30)")
    parser.add_argument("--seed", default="realworld", help="the sampling seed (default 'realworld')")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per mgen run (default 120)")
    parser.add_argument("--mgen", default=DEFAULT_MGEN, help="the mgen executable (default: this venv's)")
    parser.add_argument("--engine", choices=("static", "native", "auto"), help="mgen's --engine (default: its own)")
    parser.add_argument("--scoped", action="store_true",
                        help="give mgen the apps of the commit's added migrations (Django's --app, as makemigrations "
                             "APP): a refusal in another app then blocks nothing measured")
    parser.add_argument("--accept-renames", action=argparse.BooleanOptionalAction,
                        help="regenerate as a user answering yes to the renames mgen asks about: rerun with the "
                             "--rename hints it printed (bench/realworld_renames.py; default: on for a framework "
                             "whose mgen prints them, Django)")
    parser.add_argument("--out", type=Path, help="write the markdown here (default: print it)")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--tree", choices=("archive", "git"),
                        help="each commit's tree: extracted without .git (archive), or a git checkout of the commit "
                             "sharing the mirror's objects (git; what mgen reads from the history is there); default: "
                             "the framework's (Alembic: git, Django: archive)")
    parser.add_argument("--workdir", type=Path, help="where trees are extracted (default: a temp folder)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    if hasattr(framework, "add_arguments"):  # the framework's own options (Alembic's --judge-venv)
        framework.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.accept_renames is None:
        args.accept_renames = bool(getattr(framework, "asks_renames", False))
    if hasattr(framework, "use_arguments"):
        framework.use_arguments(args)
    if args.from_json:
        result = json.loads(args.from_json.read_text())
        (args.out.write_text if args.out else print)(render_markdown(result, framework))
        return result
    if not args.sources:
        parser.error("give at least one GIT_DIR (or --from-json)")
    sources = [parse_source(s) for s in args.sources]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still removes the extracted trees
    # PYTHONDONTWRITEBYTECODE may be set: compile mgen's modules once, as a pip install does
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "scripts" / "mgen")], check=False)

    def log(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="mgen-realworld-") as tmp:
        if args.workdir is None:
            args.workdir = Path(tmp)
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = run_corpus(framework, sources, args, log)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    (args.out.write_text if args.out else print)(render_markdown(result, framework))
    return result
