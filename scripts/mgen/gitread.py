"""Read-only git queries that run none of the programs a repository's configuration names.

mgen reads a project's git state (``status``, ``diff --name-only``, ``ls-tree``, ``cat-file``) in checkouts
it must not trust (issue #15: an untrusted checkout runs no project code). Plain git runs programs from the
repository's own ``.git/config`` on such queries: ``core.fsmonitor`` on every index refresh, a
``filter.<driver>.clean``/``process`` command whenever it hashes a work-tree file, external diff and
``textconv`` drivers, and the same in submodules. Every call here turns them off on the command line, where
``-c`` outranks the repository's configuration:

- ``core.fsmonitor=false``;
- each ``filter.<driver>.clean``/``smudge``/``process`` the configuration names set to the empty command
  (git then reads the file as it is), ``required`` to false; ``git config`` itself runs nothing;
- ``diff.external`` empty, ``--no-ext-diff``/``--no-textconv`` are the callers' (they apply to diff only);
- ``diff.ignoreSubmodules=all`` and ``submodule.recurse=false``: no git runs inside a submodule, whose
  configuration is not overridden here.

``GIT_OPTIONAL_LOCKS=0`` keeps ``status`` from writing the index; ``LC_ALL=C`` keeps its output stable.
"""
from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from pathlib import Path, PurePosixPath

TIMEOUT = 60.0
_NEUTRAL = ("-c", "core.fsmonitor=false", "-c", "diff.external=", "-c", "diff.ignoreSubmodules=all",
            "-c", "submodule.recurse=false")
_FILTER_KEY = re.compile(r"^filter\.(.+)\.(clean|smudge|process|required)$")


def run(root: Path, *args: str, input: bytes | None = None,
        timeout: float = TIMEOUT) -> subprocess.CompletedProcess | str:
    """``git ARGS`` in ``root`` with the repository's programs turned off (see the module's docstring): the
    finished process, or why git could not run."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        listed = subprocess.run(["git", "config", "-z", "--get-regexp", r"^filter\."], cwd=root,
                                capture_output=True, env=env, timeout=timeout, check=False)
        overrides = _filter_overrides(listed.stdout if listed.returncode == 0 else b"")
        return subprocess.run(["git", *_NEUTRAL, *overrides, *args], cwd=root, capture_output=True, env=env,
                              timeout=timeout, check=False, input=input)
    except FileNotFoundError:
        return "git is not installed"
    except (OSError, subprocess.SubprocessError) as e:
        return f"git failed ({type(e).__name__})"


def output(root: Path, *args: str) -> bytes | None:
    """The standard output of a git query that succeeded, else None."""
    done = run(root, *args)
    return done.stdout if not isinstance(done, str) and done.returncode == 0 else None


def export_files(root: Path, commit: str, into: Path, patterns: tuple[str, ...]) -> bool:
    """The files whose name matches one of ``patterns`` (``fnmatch``) as of ``commit``, written under ``into``
    (paths from the repository's top; none outside it): ``git ls-tree`` lists them, one ``git cat-file
    --batch`` reads them all, no checkout and no filter. False when git could not."""
    listing = output(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    if listing is None:
        return False
    wanted: list[tuple[str, str]] = []  # (blob, path)
    for entry in listing.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != b"blob":
            continue
        path = name.decode("utf-8", "surrogateescape")
        if any(fnmatch.fnmatch(PurePosixPath(path).name, pattern) for pattern in patterns):
            wanted.append((parts[2].decode(), path))
    if not wanted:
        return True
    done = run(root, "cat-file", "--batch", timeout=120, input="".join(f"{blob}\n" for blob, _ in wanted).encode())
    if isinstance(done, str) or done.returncode != 0:
        return False
    out, pos = done.stdout, 0
    for _blob, path in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) < 3:  # "<blob> missing": a snapshot without it
            pos = header_end + 1
            continue
        size = int(header[2])
        body = out[header_end + 1: header_end + 1 + size]
        pos = header_end + 1 + size + 1  # the content, then a newline
        target = into / path
        if ".." in PurePosixPath(path).parts:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return True


def _filter_overrides(listing: bytes) -> list[str]:
    """``-c`` arguments that empty every filter driver the configuration names (``git config -z`` output:
    ``key\\nvalue\\0`` entries)."""
    drivers: set[str] = set()
    for entry in listing.split(b"\0"):
        key = entry.partition(b"\n")[0].decode("utf-8", "surrogateescape")
        match = _FILTER_KEY.match(key)
        if match:
            drivers.add(match[1])
    out: list[str] = []
    for driver in sorted(drivers):
        out += ["-c", f"filter.{driver}.clean=", "-c", f"filter.{driver}.smudge=",
                "-c", f"filter.{driver}.process=", "-c", f"filter.{driver}.required=false"]
    return out
