"""The lint corpus: SQL migration files with a header stating what mgen should flag.

Each file starts with comment lines such as::

    -- expect: add-required-column, require-concurrent-index   (or: -- expect: none)
                 (a|b: the hazard may be reported by either rule, where two rules legitimately share it)
    -- run: no-transaction        (optional: the runner does not wrap the file in a transaction)
    -- pg-version: 10             (optional: the server version the file targets)

followed by one comment line saying why. Files are linted against the dialect folder's ``_schema.sql``
(the database they migrate). Shared by tests/test_lint_corpus.py and bench/lint_vs_squawk.py so both
read the headers the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
DIALECTS = ("postgresql", "mysql")
DEFAULT_PG_VERSION = "15"  # the server the project tests against; files may pin an older one
_HEADER = re.compile(r"^--\s*(expect|run|pg-version):\s*(.*?)\s*$")
_FILE_NAME = re.compile(r"^\d{3}_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    dialect: str
    expect: tuple[str, ...]  # mgen rule ids ("a|b": either) the file must be flagged with; empty: a safe file
    no_transaction: bool
    pg_version: str | None  # None for MySQL files
    why: str  # the first plain comment line: the one-line reason

    @property
    def name(self) -> str:
        """dialect/file.sql, the key used in squawk.json and the docs."""
        return f"{self.dialect}/{self.path.name}"

    @property
    def schema(self) -> Path:
        return self.path.parent / "_schema.sql"

    def missing(self, reported: set[str] | dict[str, str]) -> list[str]:
        """The expectations no reported rule id satisfies."""
        return [e for e in self.expect if not any(alt in reported for alt in e.split("|"))]

    def mgen_args(self) -> list[str]:
        """Arguments for `mgen lint` after the command name (without the output format)."""
        args = [str(self.path), "--dialect", self.dialect, "--schema", str(self.schema)]
        if self.pg_version:
            args += ["--pg-version", self.pg_version]
        if self.dialect == "postgresql":  # the corpus's files run as squawk assumes: in the runner's transaction
            args.append("--no-transaction" if self.no_transaction else "--transaction")  # unless they say not
        return args

    def squawk_args(self) -> list[str]:
        """Arguments for squawk: the same server version, and the same transaction assumption as mgen."""
        args = ["--reporter", "json", f"--pg-version={self.pg_version}.0"]
        if not self.no_transaction:
            args.append("--assume-in-transaction")
        return [*args, str(self.path)]


def read_corpus_file(path: Path) -> CorpusFile:
    headers: dict[str, str] = {}
    why = ""
    for line in path.read_text().splitlines():
        if not line.startswith("--"):
            break
        m = _HEADER.match(line)
        if m:
            headers[m.group(1)] = m.group(2)
        elif not why:
            why = line.lstrip("- ").strip()
    if "expect" not in headers:
        raise ValueError(f"{path}: the first line must be '-- expect: <rule ids>' or '-- expect: none'")
    expect = headers["expect"]
    ids = () if expect == "none" else tuple(i.strip() for i in expect.split(",") if i.strip())
    dialect = path.parent.name
    pg_version = headers.get("pg-version", DEFAULT_PG_VERSION) if dialect == "postgresql" else None
    return CorpusFile(path, dialect, ids, headers.get("run") == "no-transaction", pg_version, why)


def corpus_files(dialect: str | None = None) -> list[CorpusFile]:
    """Every corpus file (NNN_name.sql; the _schema.sql base is not a migration), in order."""
    files = []
    for d in DIALECTS if dialect is None else (dialect,):
        files += [read_corpus_file(p) for p in sorted((CORPUS / d).glob("*.sql")) if _FILE_NAME.match(p.name)]
    return files
