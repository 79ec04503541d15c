"""Whether a migration's up SQL runs inside a transaction, as the runner of its format runs it on PostgreSQL.

=================  ==========================================================================================
format             in a transaction
=================  ==========================================================================================
goose              yes, unless the file says ``-- +goose NO TRANSACTION``
plain (Diesel)     yes, unless the migration's ``metadata.toml`` says ``run_in_transaction = false``
golang-migrate     the file is sent as one query: PostgreSQL runs a query of several statements in one implicit
                   transaction, and a query of one statement outside any (``CREATE INDEX CONCURRENTLY``)
Flyway             yes (``V1__name.sql``, ``R__name.sql``: Flyway wraps each migration on PostgreSQL)
any other file     no: nothing is known to wrap it (``psql -f`` runs each statement on its own); ``mgen lint
                   --transaction`` says it is
=================  ==========================================================================================

``mgen migrate`` (``runner``) and ``mgen lint`` (``lint``) both ask here, so lint judges a migration as the
runner will run it. A lone file is matched to its format by its name (and, for goose, its annotations).
"""
from __future__ import annotations

import re
from pathlib import Path

from . import read_text
from .golang_migrate import FILE_RE as GOLANG_FILE_RE
from .goose import ANNOTATION_RE as GOOSE_ANNOTATION_RE
from .plain import DIR_RE as PLAIN_DIR_RE

_DIESEL_NO_TRANSACTION_RE = re.compile(r"^\s*run_in_transaction\s*=\s*false\s*(?:#.*)?$", re.MULTILINE)
_GOOSE_UP_RE = re.compile(r"^\s*--\s*\+goose\s+up\s*$", re.IGNORECASE | re.MULTILINE)
_FLYWAY_RE = re.compile(r"(?:[VU]\d+(?:[._]\d+)*|R)__.+\.sql", re.IGNORECASE)


def in_transaction(fmt: str | None, up_path: Path, statements: int) -> bool:
    """Whether the runner of ``fmt`` runs the up SQL in ``up_path`` (``statements`` statements) inside a
    transaction on PostgreSQL (see the module's table); ``fmt`` None: a file of no known format."""
    return _RULES.get(fmt or "", _never)(up_path, statements)


def file_format(path: Path) -> str | None:
    """The format a lone SQL file belongs to, from its name and annotations; None: none known."""
    if _GOOSE_UP_RE.search(read_text(path)):
        return "goose"
    if GOLANG_FILE_RE.fullmatch(path.name) and path.name.endswith(".up.sql"):
        return "golang-migrate"
    if path.name == "up.sql" and PLAIN_DIR_RE.fullmatch(path.parent.name):
        return "plain"
    if _FLYWAY_RE.fullmatch(path.name):
        return "flyway"
    return None


def _goose(path: Path, _statements: int) -> bool:
    return not any(_goose_command(line) == "no transaction" for line in read_text(path).splitlines())


def _goose_command(line: str) -> str | None:
    match = GOOSE_ANNOTATION_RE.fullmatch(line)
    return " ".join(match.group(1).lower().split()) if match else None


def _plain(path: Path, _statements: int) -> bool:
    metadata = path.parent / "metadata.toml"
    return not (metadata.is_file() and _DIESEL_NO_TRANSACTION_RE.search(read_text(metadata)))


def _golang_migrate(_path: Path, statements: int) -> bool:
    return statements != 1


def _always(_path: Path, _statements: int) -> bool:
    return True


def _never(_path: Path, _statements: int) -> bool:
    return False


_RULES = {"goose": _goose, "plain": _plain, "golang-migrate": _golang_migrate, "flyway": _always}
