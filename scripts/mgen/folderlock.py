"""One writer at a time in a migrations folder (issue #15 item 8).

Numbering a new migration reads the folder (the newest version), then writes the file: two ``generate`` runs
at once both read 000002 and both write 000003. The writer holds an exclusive ``flock`` on the folder itself
(its directory descriptor: no lock file is left in the project) from before it reads the folder until its
files are in place. Where the folder does not exist yet, its nearest existing parent is locked.
"""
from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import MgenError

TIMEOUT = 60.0


@contextlib.contextmanager
def locked_folder(folder: Path, timeout: float = TIMEOUT) -> Iterator[None]:
    """Hold the folder's lock for the block; MgenError when another writer keeps it over ``timeout`` s."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no lock (Windows writers are not run concurrently by mgen)
        yield
        return
    target = Path(folder)
    while not target.is_dir() and target != target.parent:
        target = target.parent
    try:
        fd = os.open(target, os.O_RDONLY)
    except OSError:
        yield  # a folder mgen cannot open is reported by the write itself
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise MgenError(f"another mgen is writing a migration here (waited {timeout:.0f} s)",
                                    str(folder)) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)
