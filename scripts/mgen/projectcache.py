"""The cache in the user's project: versioned JSON files under ``.claude/cache/db/``.

Each file is one entry ``{"format": N, "kind": ..., ...}`` written atomically (a temporary file in the same
folder, then ``os.replace``), so a reader sees the old file or the new one, never half of one, and two runs
writing at once leave one complete file. A file that cannot be read, is not JSON, or has another format or
kind is treated as missing and rebuilt - a cache is never trusted over the files it was made from, which
is why every entry records fingerprints (content hashes) of what it depends on.

``MGEN_PROJECT_CACHE=off`` turns it off (nothing is read or written).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FOLDER = Path(".claude") / "cache" / "db"


def enabled() -> bool:
    return os.environ.get("MGEN_PROJECT_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_fingerprint(path: Path) -> str | None:
    """The content hash of ``path``, None when it cannot be read."""
    try:
        return fingerprint(path.read_bytes())
    except OSError:
        return None


def read_entry(root: Path, name: str, kind: str, fmt: int) -> dict[str, Any] | None:
    """The cache file ``name`` of the project at ``root`` when it is this ``kind`` and ``fmt``, else None."""
    if not enabled():
        return None
    try:
        data = json.loads((root / FOLDER / name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != fmt or data.get("kind") != kind:
        return None
    return data


def write_entry(root: Path, name: str, kind: str, fmt: int, data: dict[str, Any]) -> None:
    """Replace the cache file ``name`` atomically; a project where it cannot be written is left as it is
    (the cache only saves time)."""
    if not enabled():
        return
    folder = root / FOLDER
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:  # dumps: json's C encoder (dump streams in Python)
                out.write(json.dumps({"format": fmt, "kind": kind, **data}, separators=(",", ":")))
            os.replace(tmp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
