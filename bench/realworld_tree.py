"""Each sampled commit's tree for the real-world benches (``realworld_git``): extracted from a bare mirror or
clone without ``.git`` (``git archive | tar x``; file by file, leaving out what the mirror lacks, when a snapshot
left out its largest files), or a git checkout of the commit sharing the mirror's objects, so what mgen reads
from the history (an Alembic ``create_all()`` baseline: ``replay_git``) is there. Nothing is written to the
mirror. ``source`` is ``realworld_git.Source`` (``name``, ``git_dir``)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def read_blobs(git_dir: Path, sha: str, paths: Iterable[str]) -> dict[str, str]:
    """The files at ``sha`` (one ``git cat-file --batch``); a path git does not have is left out."""
    paths = list(paths)
    contents = _cat_files(git_dir, [f"{sha}:{p}" for p in paths])
    return {p: data.decode("utf-8", errors="replace") for p, data in zip(paths, contents) if data is not None}


def _cat_files(git_dir: Path, names: Sequence[str]) -> list[bytes | None]:
    """Each object's bytes, None for one the repository does not hold (one ``git cat-file --batch``)."""
    if not names:
        return []
    request = "".join(f"{n}\n" for n in names).encode()
    data = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch"], input=request,
                          capture_output=True, check=True).stdout
    out: list[bytes | None] = []
    pos = 0
    for _ in names:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            out.append(None)
            continue
        size = int(header[2])
        out.append(data[pos:pos + size])
        pos += size + 1
    return out


@contextmanager
def extracted_tree(source: Any, sha: str, parent: Path, checkout: bool = False) \
        -> Iterator[tuple[Path, list[str]]]:
    """The commit's files in a new folder under ``parent``, removed afterwards, and the paths the mirror
    does not hold (a snapshot may leave out its largest files: ``git archive`` then fails, and the tree is
    written file by file without them). ``checkout``: the folder is a git checkout of the commit (``git clone
    --shared --no-checkout`` of the mirror, then ``git checkout`` of the commit), so what mgen reads from git
    (the history before the commit: an Alembic baseline, ``replay_git``) is there; where the checkout fails
    (a blob the mirror lacks), the tree is extracted as without it, with no ``.git``."""
    tree = Path(tempfile.mkdtemp(prefix=f"{source.name}-{sha[:10]}-", dir=parent))
    try:
        if checkout and _checked_out(source, sha, tree):
            yield tree, []
            return
        archive = subprocess.Popen(["git", "--git-dir", str(source.git_dir), "archive", sha],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        untar = subprocess.run(["tar", "x", "-C", str(tree)], stdin=archive.stdout, check=False,
                               stderr=subprocess.DEVNULL)
        assert archive.stdout is not None
        archive.stdout.close()
        missing: list[str] = []
        if archive.wait() != 0 or untar.returncode != 0:
            shutil.rmtree(tree)
            tree.mkdir()
            missing = _write_tree(source.git_dir, sha, tree)
        yield tree, missing
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def _checked_out(source: Any, sha: str, tree: Path) -> bool:
    """``tree`` made a checkout of ``sha`` sharing the mirror's objects (nothing written to the mirror)."""
    done = subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(source.git_dir), str(tree)],
                          capture_output=True, check=False)
    if done.returncode == 0:
        done = subprocess.run(["git", "-C", str(tree), "-c", "advice.detachedHead=false", "checkout", "-q", "--detach",
                               sha], capture_output=True, check=False)
    if done.returncode == 0:
        return True
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir()
    return False


def _write_tree(git_dir: Path, sha: str, tree: Path) -> list[str]:
    """Write the commit's blobs under ``tree`` (symbolic links as links); the paths git does not hold."""
    entries = []
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", "--full-tree", sha], check=True,
                             capture_output=True, text=True, errors="replace").stdout
    for line in listing.split("\0"):
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            entries.append((parts[0], parts[2], path))
    missing = []
    for (mode, _, path), data in zip(entries, _cat_files(git_dir, [e[1] for e in entries])):
        if data is None:
            missing.append(path)
            continue
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.symlink_to(data.decode(errors="replace"))
        else:
            target.write_bytes(data)
    return missing
