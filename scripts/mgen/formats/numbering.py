"""Version numbers of migration files: sequences (``000007``) and UTC timestamps (``20240131120000``).

A new migration continues the scheme the folder already uses, so tools that sort versions as
integers (golang-migrate, goose, Diesel) run it last.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from ..errors import MgenError

SEQUENCE = "sequence"
TIMESTAMP = "timestamp"
SCHEMES = (SEQUENCE, TIMESTAMP)

_TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
# Diesel spells its timestamps 2024-01-31-120000; read it, and keep it when continuing such a folder.
_DASHED_FORMAT = "%Y-%m-%d-%H%M%S"
_TIMESTAMP_RE = re.compile(r"(19|20)\d{12}")
_DASHED_RE = re.compile(r"(19|20)\d\d-\d\d-\d\d-\d{6}")
VERSION_RE = re.compile(r"\d+|(?:19|20)\d\d-\d\d-\d\d-\d{6}")


def version_number(version: str) -> int:
    """The integer a version sorts by (dashes of Diesel-style timestamps dropped)."""
    if not VERSION_RE.fullmatch(version):
        raise MgenError(f"not a migration version: {version!r}")
    return int(version.replace("-", ""))


def scheme_of(version: str) -> str:
    """``timestamp`` for 14 digits starting with 19/20 (or Diesel's dashed form), else ``sequence``."""
    if _TIMESTAMP_RE.fullmatch(version) or _DASHED_RE.fullmatch(version):
        return TIMESTAMP
    return SEQUENCE


def detect_scheme(versions: Iterable[str]) -> str | None:
    """The scheme of the newest version (None when there is none): a folder that switched schemes
    continues with the one it uses now."""
    versions = list(versions)
    if not versions:
        return None
    return scheme_of(max(versions, key=version_number))


def next_version(
    existing_versions: Iterable[str],
    scheme: str | None = None,
    now: datetime | None = None,
    *,
    default_scheme: str = SEQUENCE,
    default_width: int = 6,
) -> str:
    """The version after every one of ``existing_versions``.

    scheme: ``sequence`` or ``timestamp``; None continues the existing versions' scheme, or
    ``default_scheme`` for an empty folder. A sequence keeps the zero-padding width of the newest
    version (``default_width`` when there is none). A timestamp is ``now`` in UTC (naive datetimes are
    taken as UTC), or the newest timestamp plus one second when the clock is not ahead of it.
    """
    versions = list(existing_versions)
    last = max(versions, key=version_number) if versions else None
    chosen = scheme or (scheme_of(last) if last is not None else default_scheme)
    if chosen not in SCHEMES:
        raise MgenError(f"unknown numbering scheme {chosen!r} (choose one of: {', '.join(SCHEMES)})")
    if chosen == SEQUENCE:
        return _next_sequence(last, default_width)
    return _next_timestamp(last, now)


def _next_sequence(last: str | None, default_width: int) -> str:
    if last is None:
        return str(1).zfill(default_width)
    width = len(last) if "-" not in last else default_width
    return str(version_number(last) + 1).zfill(width)


def _next_timestamp(last: str | None, now: datetime | None) -> str:
    moment = _utc(now or datetime.now(timezone.utc))
    dashed = last is not None and bool(_DASHED_RE.fullmatch(last))
    if last is not None and version_number(last) >= int(moment.strftime(_TIMESTAMP_FORMAT)):
        previous = _parse_timestamp(last)
        if previous is None:  # a sequence number beyond any clock: count on from it
            return str(version_number(last) + 1)
        moment = previous + timedelta(seconds=1)
    return moment.strftime(_DASHED_FORMAT if dashed else _TIMESTAMP_FORMAT)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _parse_timestamp(version: str) -> datetime | None:
    for fmt in (_TIMESTAMP_FORMAT, _DASHED_FORMAT):
        try:
            return datetime.strptime(version, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None
