"""The version of a library a project pins or locks, read from its requirement and lock files (never from
an environment: the project's is not mgen's). What a model means can depend on it: Flask-SQLAlchemy's
automatic table names changed in 3.0, SQLModel's ``datetime`` columns in 0.0.45."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

_FILES = ("requirements*.txt", "requirements/*.txt", "requirements*.in", "pyproject.toml", "setup.py", "setup.cfg",
          "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock")


def _patterns(package: str) -> list[re.Pattern[str]]:
    name = "[-_.]".join(re.escape(part) for part in re.split(r"[-_.]", package))
    version = r"(\d+(?:\.\d+)*)"
    return [
        re.compile(rf"(?<![\w.,[-]){name}(?:\[[\w,. -]*\])?\W{{0,20}}?(?:==|~=|\"version\"\s*:\s*\"==)\s*{version}", re.IGNORECASE),
        re.compile(rf"(?<![\w.-]){name}-{version}(?:\.tar\.gz|-py|\.zip)", re.IGNORECASE),  # sdist / wheel names
        re.compile(rf"name = \"{name}\"\s*\nversion = \"{version}\"", re.IGNORECASE),  # poetry.lock / uv.lock
    ]


def pinned_version(root: Path, package: str) -> tuple[int, ...] | None:
    """The one version of ``package`` that ``==``/``~=`` pins or a lock file records, looked for in ``root``
    and, when none is found there, the two folders above it; None when none is, or the files disagree."""
    found = pinned_versions(root, package)
    return found.pop() if len(found) == 1 else None


def pinned_series(root: Path, package: str) -> tuple[int, int] | None:
    """The (major, minor) every pin of ``package`` agrees on (``==1.11.16`` in one file, ``~=1.11.15`` in
    another: 1.11); None when none is found or they name different series."""
    series = {v[:2] for v in pinned_versions(root, package) if len(v) >= 2}
    return series.pop() if len(series) == 1 else None  # type: ignore[return-value]


def pinned_versions(root: Path, package: str) -> set[tuple[int, ...]]:
    """Every version of ``package`` the pin and lock files name (see ``pinned_version``)."""
    found: set[tuple[int, ...]] = set()
    patterns = _patterns(package)
    for texts in requirement_texts(root):
        for text in texts:
            for rx in patterns:
                found.update(tuple(int(p) for p in m.split(".")) for m in rx.findall(text))
        if found:
            break
    return found


def requirement_texts(root: Path) -> Iterator[list[str]]:
    """The texts of the requirement and lock files in ``root``, then in each of the two folders above it (one
    list per folder; the caller stops when it found what it looks for)."""
    folder = Path(root).resolve()
    for _ in range(3):
        texts = []
        for pattern in _FILES:
            for path in sorted(folder.glob(pattern)):
                try:
                    texts.append(path.read_text(encoding="utf-8", errors="replace"))
                except OSError:
                    continue
        yield texts
        if folder.parent == folder:
            return
        folder = folder.parent
