"""Drift: the models at a base commit already differ from what the migrations at that commit build.

It happens when a model change is committed without its migration. ``generate`` then writes a migration
that carries more than the edit the user just made, and says so; ``status`` reports it. The base commit's
files are read from git (the project's Python and configuration files, copied out of git into a temporary
folder) and compared there exactly as ``generate`` compares the working tree (``Framework.drift_lines``: the
replayed history against the models, one line per operation the models need).

The base is read with the project's environment: its virtual environments (``.venv``, ``venv``, ``env``,
``.env`` in the project or a folder above it, up to the repository's top) are linked into the temporary
folder where they sit in the project, so the readers find the same libraries (Django's own source) there as in
the working tree; through the plugin's launcher mgen's own Python has none of them.

A commit never changes, so the answer is kept per commit in ``.claude/cache/db/drift.json`` (with mgen's
version): the base is read once per commit, not once per run. Not in git, or the base not found: no answer
(None). A base that does not read (a refusal, an unreadable file) is an answer that says why
(``Drift.error``), never taken as "no drift" and not kept (the reason may go away).
"""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import __version__, gitread
from ..errors import MgenError
from ..projectcache import read_entry, write_entry

NAME, KIND, FORMAT = "drift.json", "drift", 1
# what the readers look at: Python sources and the configuration that names settings, models and dialects
_PATTERNS = ("*.py", "*.ini", "*.cfg", "*.toml", "requirements*.txt", "Pipfile")
_KEEP_COMMITS = 20


@dataclass
class Drift:
    base: str  # the ref as given
    commit: str
    lines: list[str] = field(default_factory=list)  # one per operation the base's models need; empty: none
    error: str | None = None  # the base did not read: why (``lines`` then means nothing)

    def summary(self, limit: int = 5) -> str:
        if self.error is not None:
            return f"drift at {self.base} unknown: the project there did not read ({self.error})"
        shown = "; ".join(self.lines[:limit]) + (f"; and {len(self.lines) - limit} more" if len(self.lines) > limit else "")
        return (f"drift at {self.base}: the models there already differ from the migrations (a model change "
                f"committed without its migration): {shown}")


def drift(root: Path, base: str = "HEAD", *, settings: str | None = None, dialect: str | None = None) -> Drift | None:
    """The drift of the project at ``root`` as of commit ``base``; None outside git or when the base (or the
    project at the base) cannot be read."""
    root = Path(root).resolve()
    if not any((d / ".git").exists() for d in (root, *root.parents)):
        return None  # not in a git work tree: no base to read (and no git process started)
    found = _commit_and_prefix(root, base)
    if found is None:
        return None
    commit, prefix = found
    key = f"{commit}:{settings or ''}:{dialect or ''}"
    cached = read_entry(root, NAME, KIND, FORMAT)
    known = cached.get("commits", {}) if cached and cached.get("mgen") == __version__ else {}
    if isinstance(known, dict) and isinstance(known.get(key), list):
        return Drift(base, commit, [str(x) for x in known[key]])
    try:
        with _tree_at(root, commit, prefix, _PATTERNS, base) as tree:
            _link_environments(root, tree)
            lines = _differences(tree, settings, dialect)
    except MgenError as e:  # said, never "no drift"; the file named as in the project, not the temporary copy
        return Drift(base, commit, error=_in_project(e, root, prefix))
    if lines is None:
        return None  # not a project of a framework with drift at the base (not yet one then)
    known = {k: v for k, v in (known if isinstance(known, dict) else {}).items()}
    known[key] = lines
    write_entry(root, NAME, KIND, FORMAT, {"mgen": __version__, "commits": dict(list(known.items())[-_KEEP_COMMITS:])})
    return Drift(base, commit, lines)


def _link_environments(root: Path, tree: Path) -> None:
    """Link the project's virtual environments into ``tree`` (the project at the base) where they are in
    the project: in it or a folder above, up to the repository's top."""
    from .interpreter import ENV_FOLDERS

    top = next((d for d in (root, *root.parents) if (d / ".git").exists()), root)
    folder, here = root, tree
    while True:
        for name in ENV_FOLDERS:
            env = folder / name
            if (env / "pyvenv.cfg").is_file() and not (here / name).exists():
                (here / name).symlink_to(env, target_is_directory=True)
        if folder == top or here.parent == here:
            return
        folder, here = folder.parent, here.parent


def _in_project(error: MgenError, root: Path, prefix: str) -> str:
    """``error``'s line with its file as the project's (``path:line: message``), not the temporary copy's."""
    where = None
    if error.file:
        parts = Path(error.file).parts
        marker = next((i for i, p in enumerate(parts) if p.startswith("mgen-base-")), None)
        where = str(root.joinpath(*parts[marker + 1 + len(PurePosixPath(prefix).parts):])) if marker is not None \
            else error.file
    return MgenError(error.message, where, error.line).one_line()


def _commit_and_prefix(root: Path, base: str) -> tuple[str, str] | None:
    """The commit ``base`` names and the project's folder within the repository; None when git cannot say."""
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    prefix = _git(root, "rev-parse", "--show-prefix")
    return (commit.strip(), prefix.strip()) if commit is not None and prefix is not None else None


@contextlib.contextmanager
def base_tree(root: Path, base: str, patterns: tuple[str, ...] = _PATTERNS) -> Iterator[Path]:
    """The project at ``root`` as of commit ``base`` (its files matching ``patterns``), in a temporary folder
    removed afterwards; MgenError outside git or for a base git does not know."""
    root = Path(root).resolve()
    found = _commit_and_prefix(root, base)
    if found is None:
        raise MgenError(f"--from-diff {base}: not a commit of a git repository holding {root}")
    with _tree_at(root, *found, patterns, base) as tree:
        yield tree


@contextlib.contextmanager
def _tree_at(root: Path, commit: str, prefix: str, patterns: tuple[str, ...], base: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mgen-base-") as tmp:
        if not gitread.export_files(root, commit, Path(tmp), patterns):
            raise MgenError(f"--from-diff {base}: git could not read the project's files there", str(root))
        tree = Path(tmp) / prefix
        tree.mkdir(parents=True, exist_ok=True)
        yield tree


def _differences(tree: Path, settings: str | None, dialect: str | None) -> list[str] | None:
    from .detect import detect
    from .registry import get

    found = detect(tree)
    framework = get(found.framework)
    return framework.drift_lines(tree, settings, dialect) if framework is not None else None


def _git_bytes(root: Path, *args: str) -> bytes | None:
    return gitread.output(root, *args)


def _git(root: Path, *args: str) -> str | None:
    out = _git_bytes(root, *args)
    return out.decode("utf-8", "replace") if out is not None else None
