"""The cache in the user's project: versioned JSON files under ``.claude/cache/db/``.

Each file is one entry ``{"format": N, "kind": ..., ...}`` written atomically (a temporary file in the same
folder, then ``os.replace``), so a reader sees the old file or the new one, never half of one, and two runs
writing at once leave one complete file (the last writer's). A file that cannot be read, is not JSON, or has
another format or kind is treated as missing and rebuilt - a cache is never trusted over the files it was
made from, which is why every entry records fingerprints of what it depends on.

The contract other tools read (the entries, their JSON Schemas, the version policy) is documented in the
top-level ``cache/`` folder of this repository.

Two layers:

* ``read_entry`` / ``write_entry``: any entry, the caller checking what it holds (a framework's history cache
  keys its parts by content hashes itself).
* ``load`` / ``load_fresh`` / ``store``: the entries registered in ``ENTRIES``, which record ``depends_on``
  ``{relative path: fingerprint}``; ``is_fresh`` re-checks those files (size and mtime first, the content
  hash only when they differ, or when the file changed so shortly before it was fingerprinted that the
  same size and mtime could hide a second write). ``store`` writes every database URL it finds through
  ``mgen.db.redact``: no password reaches the disk.

``MGEN_PROJECT_CACHE=off`` turns it off (nothing is read or written).

A project folder is not the user's own: a checkout can ship any file under ``.claude/cache``. So every entry
mgen writes ends with ``"mac"``, an HMAC-SHA256 of the text before it with a key kept in the user's own cache
(``mgen.usercache.signing_key``), and an entry whose mac does not verify is missing (rebuilt). With no key
(``MGEN_CACHE_DIR=off``, or a user cache folder others may write to) the project cache is off too. Only
regular files are read or hashed, up to a size (a ``depends_on`` naming ``/dev/zero`` or a FIFO is stale,
never read).
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat as stat_module
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__, usercache

FOLDER = Path(".claude") / "cache" / "db"

# name -> (kind, format) of the entries mgen writes for every project; the documented contract
# (cache/README.md). A framework adds its own (``Framework.cache_entries``): ``entries()`` is the union.
ENTRIES: dict[str, tuple[str, int]] = {
    "orm-type.json": ("orm-type", 1),
    "db-type.json": ("db-type", 1),
    "schema-state.json": ("schema-state", 1),
    "last-migration.json": ("last-migration", 1),
    # also mgen's (shown and cleared by ``mgen cache``), not yet in the documented contract
    "drift.json": ("drift", 1),
}


def entries() -> dict[str, tuple[str, int]]:
    """Every entry mgen writes: its own and the registered frameworks'."""
    from .frameworks.registry import frameworks

    out = dict(ENTRIES)
    for framework in frameworks():
        out.update({name: (kind, fmt) for name, kind, fmt in framework.cache_entries})
    return out
# a fingerprint taken less than this after the file's mtime may hide a second write with the same size and
# mtime (file system timestamps are coarse): such a file is hashed again on the next check
RACY_NS = 2_000_000_000
# written into the cache folder when mgen creates it: a cache is not committed (and git status stays short)
GITIGNORE = "# written by mgen: the project cache is not committed\n*\n"
_SKIP_NAMES = ("__pycache__",)
MAX_ENTRY_BYTES = 256 << 20  # a cache entry larger than this is not read
MAX_HASHED_BYTES = 64 << 20  # a file larger than this is not fingerprinted: an entry depending on it is stale
_MAC = b',"mac":"'


def enabled() -> bool:
    return os.environ.get("MGEN_PROJECT_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_fingerprint(path: Path) -> str | None:
    """The content hash of ``path``, None when it cannot be read (or is not a regular file of a bounded size)."""
    content = _regular_bytes(path, MAX_HASHED_BYTES)
    return None if content is None else fingerprint(content)


def read_entry(root: Path, name: str, kind: str, fmt: int) -> dict[str, Any] | None:
    """The cache file ``name`` of the project at ``root`` when it is this ``kind`` and ``fmt`` and this user's
    mgen signed it, else None."""
    key = usercache.signing_key() if enabled() else None
    raw = _regular_bytes(root / FOLDER / name, MAX_ENTRY_BYTES) if key else None
    if raw is None or not _verified(raw, key):
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != fmt or data.get("kind") != kind:
        return None
    data.pop("mac", None)
    return data


def _regular_bytes(path: Path, limit: int) -> bytes | None:
    """The content of ``path`` when it is a regular file of at most ``limit`` bytes (links followed), else None:
    a device or a FIFO is never opened."""
    try:
        info = path.stat()
        if not stat_module.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if len(data) <= limit else None


def _mac(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _verified(raw: bytes, key: bytes) -> bool:
    """Whether ``raw`` ends with the mac of the text before it (see the module's docstring)."""
    at = raw.rfind(_MAC)
    tail = raw[at + len(_MAC):]
    if at < 0 or len(tail) != 66 or not tail.endswith(b'"}'):
        return False
    return hmac.compare_digest(tail[:64].decode("ascii", "replace"), _mac(key, raw[:at]))


def write_entry(root: Path, name: str, kind: str, fmt: int, data: dict[str, Any]) -> None:
    """Replace the cache file ``name`` atomically; a project where it cannot be written is left as it is
    (the cache only saves time)."""
    key = usercache.signing_key() if enabled() else None
    if key is None:
        return
    import tempfile  # here: the read path of a warm run does not need it

    folder = root / FOLDER
    with contextlib.suppress(OSError):
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            body = json.dumps({"format": fmt, "kind": kind, **data}, separators=(",", ":"))[:-1].encode()
            with os.fdopen(fd, "wb") as out:  # dumps: json's C encoder (dump streams in Python)
                out.write(body + _MAC + _mac(key, body).encode() + b'"}')
            os.replace(tmp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


# =============================================================================================
# Fingerprints: {"size", "mtime_ns", "sha256", "checked_ns"} of a file, or of a folder's listing
# =============================================================================================
def relative(root: Path, path: Path) -> str:
    """``path`` as the key an entry records: POSIX, relative to ``root`` (absolute when outside it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _listing(path: Path) -> bytes:
    """A folder's names (hidden ones and ``__pycache__`` left out: the cache's own ``.claude`` is one)."""
    names = sorted(n for n in os.listdir(path) if not n.startswith(".") and n not in _SKIP_NAMES)
    return os.fsencode("\n".join(names))  # a name that is not UTF-8 is kept as its bytes (surrogateescape)


def take_fingerprint(path: Path, st: os.stat_result | None = None) -> dict[str, Any] | None:
    """The fingerprint of ``path`` now; None when it does not exist (or cannot be read). A folder's
    fingerprint is that of its listing (``"dir": true``; ``size`` is its number of names)."""
    try:
        st = st or path.stat()
        if stat_module.S_ISDIR(st.st_mode):
            listing = _listing(path)
            return {"dir": True, "size": listing.count(b"\n") + 1 if listing else 0, "mtime_ns": st.st_mtime_ns,
                    "sha256": fingerprint(listing), "checked_ns": time.time_ns()}
        content = _regular_bytes(path, MAX_HASHED_BYTES)
        if content is None:
            return None
        return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": fingerprint(content),
                "checked_ns": time.time_ns()}
    except OSError:
        return None


def depends_on(root: Path, paths: Iterable[Path]) -> dict[str, Any]:
    """``{relative path: fingerprint}`` for ``paths``; one that does not exist is recorded as ``null``: the
    entry depends on its absence too."""
    return {relative(root, p): take_fingerprint(p) for p in dict.fromkeys(paths)}


def check_fingerprint(path: Path, recorded: Any) -> tuple[bool, dict[str, Any] | None]:
    """(still the same?, a refreshed fingerprint when the content is the same but size/mtime moved and
    the refreshed one would be trusted next time). Cheap when nothing moved: one ``stat``."""
    try:
        st = path.stat()
    except OSError:
        return recorded is None, None
    if not isinstance(recorded, dict):
        return False, None
    try:
        size, mtime, checked, sha = (recorded["size"], recorded["mtime_ns"], recorded.get("checked_ns", 0),
                                     recorded["sha256"])
    except (KeyError, TypeError):
        return False, None
    is_dir = stat_module.S_ISDIR(st.st_mode)
    if bool(recorded.get("dir")) != is_dir or not (is_dir or stat_module.S_ISREG(st.st_mode)):
        return False, None
    racy = not isinstance(checked, int) or mtime >= checked - RACY_NS
    if not is_dir and st.st_size != size:
        return False, None
    if st.st_mtime_ns == mtime and not racy:
        return True, None
    now = take_fingerprint(path, st)
    if now is None or now["sha256"] != sha:
        return False, None
    refreshed = now if now["mtime_ns"] < now["checked_ns"] - RACY_NS else None
    return True, refreshed


def stale_dependencies(root: Path, deps: Any) -> tuple[list[str], dict[str, Any]]:
    """(the recorded paths whose fingerprint no longer holds, refreshed fingerprints of those that hold)."""
    if not isinstance(deps, dict):
        return ["<depends_on>"], {}
    stale: list[str] = []
    refreshed: dict[str, Any] = {}
    for rel, recorded in deps.items():
        path = Path(rel) if os.path.isabs(rel) else root / rel
        same, fresh = check_fingerprint(path, recorded)
        if not same:
            stale.append(rel)
        elif fresh is not None:
            refreshed[rel] = fresh
    return stale, refreshed


def is_fresh(root: Path, entry: dict[str, Any] | None) -> bool:
    """True when ``entry`` was written by this mgen and every file it depends on is as recorded."""
    if not isinstance(entry, dict) or entry.get("mgen") != __version__:
        return False
    stale, _ = stale_dependencies(root, entry.get("depends_on"))
    return not stale


# =============================================================================================
# The registered entries
# =============================================================================================
def load(root: Path, name: str) -> dict[str, Any] | None:
    """The registered entry ``name`` when it is valid (readable JSON of its kind and format), else None."""
    kind, fmt = entries()[name]
    data = read_entry(root, name, kind, fmt)
    if data is None or ("depends_on" in data and not isinstance(data["depends_on"], dict)):
        return None
    return data


def load_fresh(root: Path, name: str) -> dict[str, Any] | None:
    """The entry when it is valid and fresh (see ``is_fresh``), else None. Files whose content held while
    their mtime moved get their fingerprint refreshed on disk, so the next run is a ``stat`` again."""
    data = load(root, name)
    if data is None or data.get("mgen") != __version__:
        return None
    stale, refreshed = stale_dependencies(root, data.get("depends_on", {}))
    if stale:
        return None
    if refreshed:
        data["depends_on"] = {**data["depends_on"], **refreshed}
        payload = {k: v for k, v in data.items() if k not in ("format", "kind")}
        kind, fmt = entries()[name]
        write_entry(root, name, kind, fmt, payload)
    return data


def store(root: Path, name: str, payload: dict[str, Any], depends: Iterable[Path] | dict[str, Any] = ()) -> \
        dict[str, Any]:
    """Write the registered entry ``name``: ``payload`` (every database URL in it redacted), this mgen's
    version, and ``depends_on`` (fingerprints of ``depends``, or a ready ``{path: fingerprint}``).
    Returns what was written (also when the cache is off or the folder cannot be written)."""
    kind, fmt = entries()[name]
    deps = depends if isinstance(depends, dict) else depends_on(root, depends)
    data = {"mgen": __version__, "depends_on": deps, **redact_urls(payload)}
    write_entry(root, name, kind, fmt, data)
    return {"format": fmt, "kind": kind, **data}


def redact_urls(value: Any) -> Any:
    """``value`` with every string that holds a URL passed through ``mgen.db.redact`` (a password in the
    userinfo or in a ``password=`` parameter)."""
    if isinstance(value, str):
        if "://" in value:
            from .db import redact

            return " ".join(redact(part) if "://" in part else part for part in value.split(" "))
        return value
    if isinstance(value, dict):
        return {k: redact_urls(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_urls(v) for v in value]
    return value


# =============================================================================================
# schema-state.json: the fingerprint baseline (mgen.scope) and the generators' states per framework
# =============================================================================================
STATE = "schema-state.json"


def _state(root: Path) -> dict[str, Any]:
    data = load(root, STATE) or {}
    return {k: v for k, v in data.items() if k not in ("format", "kind")}


def load_fingerprints(root: Path) -> dict[str, Any] | None:
    """The fingerprint baseline ``{relative path: fingerprint}``, None when none was recorded (or the
    entry is invalid)."""
    prints = _state(root).get("fingerprints")
    return prints if isinstance(prints, dict) else None


def save_fingerprints(root: Path, fingerprints: dict[str, Any]) -> None:
    """Replace the fingerprint baseline, keeping the rest of ``schema-state.json`` (``states``)."""
    data = _state(root)
    states = data.get("states")
    kind, fmt = ENTRIES[STATE]
    write_entry(root, STATE, kind, fmt, {**data, "mgen": __version__, "fingerprints": fingerprints,
                                         "states": states if isinstance(states, dict) else {}})


def get_state(root: Path, framework: str) -> Any:
    """What ``put_state`` kept for ``framework`` (None when nothing). The caller checks it still holds:
    a state should carry its own ``depends_on`` (see ``depends_on`` / ``stale_dependencies``)."""
    states = _state(root).get("states")
    return states.get(framework) if isinstance(states, dict) else None


def put_state(root: Path, framework: str, state: Any) -> None:
    """Keep ``state`` (JSON; database URLs redacted) under ``states[framework]`` of ``schema-state.json``."""
    data = _state(root)
    states = data.get("states") if isinstance(data.get("states"), dict) else {}
    kind, fmt = ENTRIES[STATE]
    write_entry(root, STATE, kind, fmt, {**data, "mgen": __version__, "fingerprints": data.get("fingerprints"),
                                         "states": {**states, framework: redact_urls(state)}})


# =============================================================================================
# show / clear
# =============================================================================================
def describe(root: Path) -> list[dict[str, Any]]:
    """One record per cache file present: name, kind, format, state, size in bytes. ``state``:
    ``fresh`` / ``stale`` (a file it depends on changed, or another mgen wrote it), ``valid`` (an entry
    checked part by part when used: a framework's history cache, ``drift``, ``schema-state``), ``invalid`` (not
    readable JSON of the registered kind and format, or not signed by this user's mgen: it will be rebuilt)
    or ``unknown`` (not mgen's)."""
    folder = root / FOLDER
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".json") and not n.startswith("."))
    except OSError:
        return []
    out = []
    known = entries()
    for name in names:
        try:
            size = (folder / name).stat().st_size
        except OSError:
            continue
        if name not in known:
            out.append({"name": name, "kind": None, "format": None, "state": "unknown", "size": size})
            continue
        kind, fmt = entries()[name]
        data = load(root, name)
        if data is None:
            state = "invalid"
        elif "depends_on" in data:
            state = "fresh" if is_fresh(root, data) else "stale"
        else:
            state = "valid"
        out.append({"name": name, "kind": kind, "format": fmt, "state": state, "size": size})
    return out


def clear(root: Path) -> list[str]:
    """Remove mgen's entries (and temporary files a killed run left) from the project's cache folder;
    other tools' files stay. The folder goes too when nothing else is left in it. Returns the names removed."""
    folder = root / FOLDER
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    removed = []
    known = entries()
    for name in names:
        ours = name in known or (name.startswith(".") and name.endswith(".tmp")
                                 and name[1:].split(".json.", 1)[0] + ".json" in known)
        if ours:
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed.append(name)
    with contextlib.suppress(OSError):
        if os.listdir(folder) == [".gitignore"] and (folder / ".gitignore").read_text(encoding="utf-8") == GITIGNORE:
            os.unlink(folder / ".gitignore")
        folder.rmdir()  # only when empty
    return removed
