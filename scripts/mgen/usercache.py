"""The user's own cache folder: where it is, whether it can be trusted, and the key that signs project caches.

``$MGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/mgen``, else ``~/.cache/mgen``; ``MGEN_CACHE_DIR=off`` (or empty,
``0``, ``none``) turns it off. It holds the pruned syntax trees of installed libraries
(``frameworks/libcache.py``) and ``project-cache.key``: 32 random bytes with which mgen signs every entry it
writes into a project's ``.claude/cache/db/`` (``projectcache``). A project folder is not the user's: a
checkout can ship any file there, so an entry whose signature does not verify with this key was not written
by this user's mgen and is treated as missing. The folder is trusted only when it is a real folder that
the user running mgen owns and no one else may write to (as ssh treats ``~/.ssh``).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

KEY_FILE = "project-cache.key"
_KEYS: dict[Path, bytes] = {}  # per process: the key is read once


def base() -> Path | None:
    """The user's cache folder, or None when the cache is off."""
    configured = os.environ.get("MGEN_CACHE_DIR")
    if configured is not None and configured.strip().lower() in ("", "off", "0", "none"):
        return None
    if configured:
        return Path(configured)
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "mgen"
    return Path.home() / ".cache" / "mgen"


def private(path: Path, *, folder: bool = True) -> bool | None:
    """True: ``path`` is a real folder (or, with ``folder=False``, a regular file) that this user owns and
    no one else may write to; None: it does not exist; False: anything else (a link, someone else's,
    group- or world-writable)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
    if not kind_ok or info.st_mode & 0o022:
        return False
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def signing_key() -> bytes | None:
    """This user's key for signing project cache entries, made on first use (None: the user cache is off
    or cannot be trusted, and then no project cache entry is read or written)."""
    folder = base()
    if folder is None:
        return None
    if folder in _KEYS:
        return _KEYS[folder]
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if private(folder) is not True:
        return None
    path = folder / KEY_FILE
    key = _read_key(path)
    if key is None and private(path, folder=False) is None:
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
        key = _read_key(path)  # another run may have made it first: take what is there
    if key is not None:
        _KEYS[folder] = key
    return key


def _read_key(path: Path) -> bytes | None:
    if private(path, folder=False) is not True or path.stat().st_mode & 0o077:
        return None
    with contextlib.suppress(OSError):
        key = path.read_bytes()
        if len(key) == 32:
            return key
    return None
