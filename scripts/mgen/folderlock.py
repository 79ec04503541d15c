"""One writer at a time in a migrations folder (issue #15 item 8).

Numbering a new migration reads the folder (the newest version), then writes the file: two ``generate`` runs
at once both read 000002 and both write 000003. The writer holds an exclusive ``flock`` on the folder itself
(its directory descriptor: no lock file is left in the project) from before it reads the folder until its
files are in place. Where the folder does not exist yet, its nearest existing parent is locked.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import MgenError

TIMEOUT = 60.0
_HELD: set[Path] = set()  # folders this process holds: taking one again (an inner writer) is a no-op


@contextlib.contextmanager
def locked_folder(folder: Path, timeout: float = TIMEOUT) -> Iterator[None]:
    """Hold the folder's lock for the block; MgenError when another writer keeps it over ``timeout`` s."""
    if importlib.util.find_spec("fcntl") is None:  # not a POSIX system: no lock
        yield
        return
    target = Path(folder)
    while not target.is_dir() and target != target.parent:
        target = target.parent
    target = target.resolve()
    if target in _HELD:
        yield
        return
    try:
        fd = os.open(target, os.O_RDONLY)
    except OSError:
        yield  # a folder mgen cannot open is reported by the write itself
        return
    try:
        flock_exclusive(fd, timeout, lambda: MgenError(f"another mgen is writing a migration here (waited "
                                                       f"{timeout:.0f} s)", str(folder)))
        _HELD.add(target)
        try:
            yield
        finally:
            _HELD.discard(target)
    finally:
        os.close(fd)


def flock_exclusive(fd: int, timeout: float, busy: Callable[[], MgenError], poll: float = 0.05) -> None:
    """Take an exclusive ``flock`` on ``fd``, waiting up to ``timeout`` seconds; ``busy()`` is raised after."""
    import fcntl

    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise busy() from None
            time.sleep(poll)
